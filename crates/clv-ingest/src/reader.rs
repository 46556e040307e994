//! The streaming reader that turns a transaction log into transactions.

use std::fmt;
use std::iter::FusedIterator;

use clv_core::Transaction;

use crate::columns::Columns;
use crate::error::IngestError;
use crate::report::IngestReport;
use crate::row::RowParser;
use crate::source::RecordSource;
use crate::spec::{InvalidRowPolicy, SourceSpec};

/// Reads transactions from a log one row at a time, so memory use does not
/// grow with the file.
///
/// The iterator yields an accepted row as `Ok`. An invalid row is counted in
/// the [`IngestReport`] and, under [`InvalidRowPolicy::Error`], yielded as an
/// [`IngestError::InvalidRow`], after which the iterator ends. Under
/// [`InvalidRowPolicy::Skip`] it is logged at debug level and skipped. A read
/// failure is yielded as [`IngestError::Read`] and also ends the iterator.
pub struct TransactionReader {
    source: RecordSource,
    parser: RowParser,
    policy: InvalidRowPolicy,
    report: IngestReport,
    finished: bool,
}

impl TransactionReader {
    /// Opens the log described by `spec` and reads its header row, if it has one.
    ///
    /// Fails when a setting is invalid, the file cannot be opened or read, or a
    /// column selected by name is not in the header row.
    pub fn open(spec: &SourceSpec) -> Result<TransactionReader, IngestError> {
        spec.validate()?;

        let path = &spec.path;
        let mut source = RecordSource::open(path, spec.format)
            .map_err(|error| IngestError::Open { path: path.clone(), error })?;

        let header = if spec.has_header {
            let record = source.next_record().map_err(|error| IngestError::Read {
                path: path.clone(),
                line: 0,
                error,
            })?;
            record.map(|record| {
                record
                    .fields()
                    .map(|name| String::from_utf8_lossy(name).trim().to_string())
                    .collect::<Vec<_>>()
            })
        } else {
            None
        };

        let columns = Columns::resolve(spec, header.as_deref())?;
        log::debug!("reading {} ({}) with columns {columns:?}", path.display(), spec.format);

        let header_fields = header.as_ref().map(Vec::len);
        let parser = RowParser::new(columns, spec.date_format.clone(), spec.format, header_fields);
        let mut report = IngestReport::new(path.clone());
        report.blank_lines = source.blank_lines();

        Ok(TransactionReader { source, parser, policy: spec.invalid_rows, report, finished: false })
    }

    /// Returns the counts of the rows read so far.
    pub fn report(&self) -> &IngestReport {
        &self.report
    }

    /// Consumes the reader and returns the counts of the rows read.
    pub fn into_report(self) -> IngestReport {
        self.report
    }

    /// Marks the reader as finished and logs a summary of the file.
    fn finish(&mut self) {
        self.finished = true;
        self.report.blank_lines = self.source.blank_lines();

        let report = &self.report;
        log::info!(
            "read {}: {} rows, {} accepted, {} rejected, {} blank lines",
            report.path.display(),
            report.rows_read,
            report.rows_accepted,
            report.rows_rejected(),
            report.blank_lines
        );
        if self.policy == InvalidRowPolicy::Skip && report.rows_rejected() > 0 {
            let reasons: Vec<String> =
                report.rejected.iter().map(|(reason, count)| format!("{reason} {count}")).collect();
            log::warn!(
                "skipped {} invalid rows of {} ({})",
                report.rows_rejected(),
                report.path.display(),
                reasons.join(", ")
            );
        }
    }
}

impl Iterator for TransactionReader {
    type Item = Result<Transaction, IngestError>;

    fn next(&mut self) -> Option<Self::Item> {
        while !self.finished {
            let outcome = match self.source.next_record() {
                Ok(Some(record)) => self.parser.parse(&record),
                Ok(None) => {
                    self.finish();
                    return None;
                }
                Err(error) => {
                    let line = self.source.line();
                    self.finish();
                    return Some(Err(IngestError::Read { path: self.report.path.clone(), line, error }));
                }
            };
            self.report.rows_read += 1;
            self.report.blank_lines = self.source.blank_lines();

            match outcome {
                Ok(transaction) => {
                    self.report.rows_accepted += 1;
                    return Some(Ok(transaction));
                }
                Err(rejected) => {
                    self.report.add_rejection(&rejected);
                    if self.policy == InvalidRowPolicy::Error {
                        self.finish();
                        let path = self.report.path.clone();
                        return Some(Err(IngestError::InvalidRow { path, row: Box::new(rejected) }));
                    }
                    log::debug!("skipped a row of {}: {rejected}", self.report.path.display());
                }
            }
        }
        None
    }
}

impl FusedIterator for TransactionReader {}

impl fmt::Debug for TransactionReader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TransactionReader")
            .field("policy", &self.policy)
            .field("report", &self.report)
            .field("finished", &self.finished)
            .finish_non_exhaustive()
    }
}
