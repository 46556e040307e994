//! The reading loop shared by the readers: opening the file, reading its
//! header row, counting every row in the report and applying the invalid-row
//! policy.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use crate::error::IngestError;
use crate::report::{IngestReport, RejectedRow};
use crate::source::{Record, RecordSource};
use crate::spec::{Format, InvalidRowPolicy};

/// Turns one record into a value, or into a rejection that gives the reason.
pub(crate) trait RecordParser {
    type Output;

    fn parse(&mut self, record: &Record<'_>) -> Result<Self::Output, RejectedRow>;
}

/// The kind of file being read, which the open and read errors name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FileKind {
    TransactionLog,
    Summary,
}

impl FileKind {
    fn open_error(self, path: &Path, error: io::Error) -> IngestError {
        let path = path.to_path_buf();
        match self {
            FileKind::TransactionLog => IngestError::Open { path, error },
            FileKind::Summary => IngestError::OpenSummary { path, error },
        }
    }

    fn read_error(self, path: &Path, line: u64, error: io::Error) -> IngestError {
        let path = path.to_path_buf();
        match self {
            FileKind::TransactionLog => IngestError::Read { path, line, error },
            FileKind::Summary => IngestError::ReadSummary { path, line, error },
        }
    }
}

/// An opened file whose header row, if the spec says it has one, is read.
pub(crate) struct OpenedFile {
    pub(crate) source: RecordSource,
    /// The names of the header row with surrounding whitespace trimmed, or
    /// `None` when the file has no header row or is empty.
    pub(crate) header: Option<Vec<String>>,
}

impl OpenedFile {
    /// Opens the file at `path` and reads its first non-blank record as the
    /// header row when `has_header` is set.
    pub(crate) fn open(
        path: &Path,
        format: Format,
        has_header: bool,
        kind: FileKind,
    ) -> Result<OpenedFile, IngestError> {
        let mut source = RecordSource::open(path, format).map_err(|error| kind.open_error(path, error))?;

        let header = if has_header {
            let record = source.next_record().map_err(|error| kind.read_error(path, 0, error))?;
            record.map(|record| {
                record
                    .fields()
                    .map(|name| String::from_utf8_lossy(name).trim().to_string())
                    .collect::<Vec<_>>()
            })
        } else {
            None
        };

        Ok(OpenedFile { source, header })
    }
}

/// Reads the data rows of an opened file one at a time, so memory use does
/// not grow with the file, and counts each of them in an [`IngestReport`].
pub(crate) struct RowReader<P> {
    source: RecordSource,
    parser: P,
    kind: FileKind,
    policy: InvalidRowPolicy,
    report: IngestReport,
    finished: bool,
}

impl<P: RecordParser> RowReader<P> {
    /// Creates a reader of the rows that follow the header row of `source`.
    pub(crate) fn new(
        source: RecordSource,
        parser: P,
        kind: FileKind,
        policy: InvalidRowPolicy,
        path: PathBuf,
    ) -> RowReader<P> {
        let mut report = IngestReport::new(path);
        report.blank_lines = source.blank_lines();
        RowReader { source, parser, kind, policy, report, finished: false }
    }

    pub(crate) fn report(&self) -> &IngestReport {
        &self.report
    }

    pub(crate) fn into_report(self) -> IngestReport {
        self.report
    }

    /// Returns the next accepted row, or the error that ends the reading.
    ///
    /// An invalid row is counted in the report and, under
    /// [`InvalidRowPolicy::Error`], returned as an [`IngestError::InvalidRow`],
    /// after which the reader returns `None`. Under [`InvalidRowPolicy::Skip`]
    /// it is logged at debug level and skipped. A read failure is returned as
    /// [`IngestError::Read`] or [`IngestError::ReadSummary`], after the kind of
    /// file, and also ends the reading.
    pub(crate) fn next_row(&mut self) -> Option<Result<P::Output, IngestError>> {
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
                    return Some(Err(self.kind.read_error(&self.report.path, line, error)));
                }
            };
            self.report.rows_read += 1;
            self.report.blank_lines = self.source.blank_lines();

            match outcome {
                Ok(row) => {
                    self.report.rows_accepted += 1;
                    return Some(Ok(row));
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

    /// Writes the state of the reader for a `Debug` implementation of the public reader `name`.
    pub(crate) fn fmt_debug(&self, name: &str, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct(name)
            .field("policy", &self.policy)
            .field("report", &self.report)
            .field("finished", &self.finished)
            .finish_non_exhaustive()
    }
}
