//! Reads transaction logs into [`clv_core::Transaction`]s.
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

mod amount;
mod columns;
mod date;
mod error;
mod hint;
mod reader;
mod report;
mod row;
mod source;
mod spec;

pub use error::IngestError;
pub use reader::TransactionReader;
pub use report::{IngestReport, KEPT_REJECTIONS, RejectReason, RejectedRow};
pub use spec::{ColumnRef, Format, InvalidRowPolicy, SourceSpec};
