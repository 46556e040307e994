//! Reads transaction logs into [`clv_core::Transaction`]s, and per-customer
//! summary files into [`SummaryRecord`]s.
//!
//! A [`SourceSpec`] describes where the log is, how its fields are separated
//! ([`Format`]), which columns hold the customer id, date, amount and optional
//! cost, and the date format. [`TransactionReader`] streams the rows, and its
//! [`IngestReport`] counts the accepted rows, the rejected rows by
//! [`RejectReason`] and the blank lines, so that no row goes missing unnoticed.
//!
//! Values are read as written: customer ids keep leading zeros and case,
//! dates are the calendar day written in the file, and amounts are parsed
//! exactly into [`rust_decimal::Decimal`], never through a float.
//!
//! ```no_run
//! use clv_ingest::{Format, SourceSpec, TransactionReader};
//!
//! let mut spec = SourceSpec::new("data/CDNOW_sample.txt", 1, 2, 4);
//! spec.format = Format::Whitespace;
//! spec.has_header = false;
//! spec.date_format = "%Y%m%d".to_string();
//!
//! let mut reader = TransactionReader::open(&spec)?;
//! let mut revenue = clv_core::Decimal::ZERO;
//! for transaction in &mut reader {
//!     revenue += transaction?.amount;
//! }
//! let report = reader.into_report();
//! assert_eq!(report.rows_read, report.rows_accepted + report.rows_rejected());
//! # Ok::<(), clv_ingest::IngestError>(())
//! ```
//!
//! Models fitted on data that is already summarised read a summary file
//! instead. A [`SummarySpec`] selects the columns of the frequency, recency
//! and age of each row and, optionally, of the customer id, of the number of
//! customers that the row describes and of the mean repeat purchase value.
//! [`SummaryReader`] streams the rows as [`SummaryRecord`]s, checks that each
//! row is consistent (recency at most age, and 0 when the frequency is 0), and
//! accounts for every row in an [`IngestReport`] as the transaction reader does.
//!
//! ```no_run
//! use clv_ingest::{ColumnRef, SummaryReader, SummarySpec};
//!
//! let mut spec = SummarySpec::new("data/donations.csv", "frequency", "recency", "periods");
//! spec.count = Some(ColumnRef::from("weights"));
//!
//! let mut customers = 0;
//! for record in SummaryReader::open(&spec)? {
//!     customers += record?.count;
//! }
//! assert_eq!(customers, 11_104);
//! # Ok::<(), clv_ingest::IngestError>(())
//! ```

mod amount;
mod amount_format;
mod columns;
mod customer_id;
mod date;
mod error;
mod example;
mod fast;
mod field;
mod hint;
mod number;
mod reader;
mod report;
mod row;
mod rows;
mod source;
mod spec;
mod summary;

pub use amount_format::AmountFormat;
pub use customer_id::CustomerIds;
pub use error::IngestError;
pub use fast::{FastRead, FastSummaries, SummaryRequest, read_summaries_fast};
pub use reader::TransactionReader;
pub use report::{IngestReport, KEPT_REJECTIONS, RejectReason, RejectedRow};
pub use spec::{ColumnRef, Format, InvalidRowPolicy, SourceSpec};
pub use summary::{SummaryReader, SummaryRecord, SummarySpec};
