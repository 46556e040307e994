//! Temporary files and reading helpers shared by the tests.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::atomic::{AtomicUsize, Ordering};

use clv_core::{Decimal, Transaction};
use clv_ingest::{IngestError, IngestReport, SourceSpec, TransactionReader};

/// A file in the system temporary directory that is removed when dropped.
pub struct TempFile {
    path: PathBuf,
}

impl TempFile {
    /// Writes `contents` to a new file whose name ends with `name`, unique
    /// across the tests of this process and across concurrent processes.
    pub fn new(name: &str, contents: impl AsRef<[u8]>) -> TempFile {
        static NEXT_ID: AtomicUsize = AtomicUsize::new(0);
        let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("clv-ingest-{}-{id}-{name}", std::process::id()));

        std::fs::write(&path, contents).expect("writing a temporary file");
        TempFile { path }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Reads every row of `spec`, failing the test on any error.
pub fn read_all(spec: &SourceSpec) -> (Vec<Transaction>, IngestReport) {
    let mut reader = TransactionReader::open(spec).expect("opening the log");
    let transactions = (&mut reader).collect::<Result<Vec<_>, _>>().expect("reading the log");
    (transactions, reader.into_report())
}

/// Reads `spec` up to its first error and returns the rows before it, the
/// error, and the report after it.
pub fn read_until_error(spec: &SourceSpec) -> (Vec<Transaction>, IngestError, IngestReport) {
    let mut reader = TransactionReader::open(spec).expect("opening the log");
    let mut transactions = Vec::new();
    let error = loop {
        match reader.next() {
            Some(Ok(transaction)) => transactions.push(transaction),
            Some(Err(error)) => break error,
            None => panic!("the log has no invalid row, read {} rows", transactions.len()),
        }
    };

    assert!(reader.next().is_none(), "the reader ends after an invalid row");
    (transactions, error, reader.into_report())
}

pub fn decimal(text: &str) -> Decimal {
    Decimal::from_str(text).unwrap()
}

/// Asserts the invariant that every data row is either accepted or rejected.
pub fn assert_rows_add_up(report: &IngestReport) {
    assert_eq!(report.rows_read, report.rows_accepted + report.rows_rejected(), "{report:?}");
}
