//! The reading loop shared by the readers: opening the file, reading its
//! header row, counting every row in the report and applying the invalid-row
//! policy.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use csv::ByteRecord;

use crate::columns::{Column, SelectedColumns};
use crate::error::IngestError;
use crate::example::ExampleLines;
use crate::field::{UnclosedQuote, find_unclosed_quote};
use crate::report::{IngestReport, RejectedRow};
use crate::source::{OpenError, Record, RecordSource};
use crate::spec::{Format, InvalidRowPolicy};

/// Turns one record into a value, or into a rejection that gives the reason.
pub(crate) trait RecordParser {
    type Output;
    type Columns: SelectedColumns;

    /// Returns the columns that `parse` reads.
    fn columns(&self) -> &Self::Columns;

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

    /// Converts an error of [`RecordSource::open`] into the error of this kind of file.
    fn source_error(
        self,
        path: &Path,
        error: OpenError,
        example: impl FnOnce() -> ExampleLines,
    ) -> IngestError {
        match error {
            OpenError::Open(error) => self.open_error(path, error),
            OpenError::Directory => {
                let error = io::Error::new(
                    io::ErrorKind::IsADirectory,
                    "the path is a directory, not a file: give the path of a file",
                );
                self.open_error(path, error)
            }
            OpenError::Read(error) => self.read_error(path, 0, error),
            OpenError::Empty => {
                let ExampleLines { header, row } = example();
                IngestError::EmptyFile { path: path.to_path_buf(), header, row }
            }
            OpenError::Utf16(evidence) => IngestError::Utf16 {
                path: path.to_path_buf(),
                reason: evidence.describe(),
                encoding: evidence.iconv_encoding(),
            },
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
    /// The header row, or `None` when the spec says the file has none.
    pub(crate) header: Option<Header>,
}

impl OpenedFile {
    /// Opens the file at `path` and reads its first non-blank record as the
    /// header row when `has_header` is set.
    ///
    /// Fails on a directory, a file that looks like UTF-16, and an empty file,
    /// whose error shows the first lines that `example` returns.
    pub(crate) fn open(
        path: &Path,
        format: Format,
        has_header: bool,
        kind: FileKind,
        example: impl FnOnce() -> ExampleLines,
    ) -> Result<OpenedFile, IngestError> {
        let mut source =
            RecordSource::open(path, format).map_err(|error| kind.source_error(path, error, example))?;

        let header = if has_header {
            let record = source.next_record().map_err(|error| kind.read_error(path, 0, error))?;
            record.map(|record| Header {
                line: record.line,
                unclosed_quote_at_end: record.unclosed_quote_at_end,
                fields: record.to_byte_record(),
            })
        } else {
            None
        };

        Ok(OpenedFile { source, header })
    }
}

/// The header row of a file.
pub(crate) struct Header {
    /// 1-based line on which the header row starts.
    line: u64,
    /// Whether the input ends inside the last field of the header row.
    unclosed_quote_at_end: bool,
    /// The fields as read, with surrounding whitespace.
    fields: ByteRecord,
}

impl Header {
    /// Returns the names with surrounding whitespace trimmed.
    pub(crate) fn names(&self) -> Vec<String> {
        self.record().fields().map(|name| String::from_utf8_lossy(name).trim().to_string()).collect()
    }

    /// Fails when the header row has an unclosed quote, as [`find_unclosed_quote`]
    /// finds it, because the quote joins the rows after it to the header row.
    ///
    /// `columns` is `None` when the selected columns could not be resolved.
    /// Only a quote still open at the end of the file is found then, and its
    /// error comes first, because it explains why a name is missing.
    pub(crate) fn check_quotes(
        &self,
        path: &Path,
        columns: Option<&impl SelectedColumns>,
    ) -> Result<(), IngestError> {
        let names = self.names();
        let selected = columns.into_iter().flat_map(selected_columns);
        match find_unclosed_quote(&self.record(), selected, Some(&names)) {
            Some(found) => Err(unclosed_quote(path, found)),
            None => Ok(()),
        }
    }

    fn record(&self) -> Record<'_> {
        Record::from_byte_record(self.line, self.unclosed_quote_at_end, &self.fields)
    }
}

fn selected_columns(columns: &impl SelectedColumns) -> impl Iterator<Item = &Column> {
    columns.with_roles().map(|(_, column)| column)
}

fn unclosed_quote(path: &Path, found: UnclosedQuote) -> IngestError {
    IngestError::UnclosedQuote {
        path: path.to_path_buf(),
        line: found.line,
        column: found.column,
        value: found.excerpt,
    }
}

/// Reads the data rows of an opened file one at a time, so memory use does
/// not grow with the file, and counts each of them in an [`IngestReport`].
pub(crate) struct RowReader<P> {
    source: RecordSource,
    parser: P,
    /// The trimmed names of the header row, for the labels of columns that
    /// are not selected, or `None` when the file has no header row.
    header_names: Option<Vec<String>>,
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
        header_names: Option<Vec<String>>,
        kind: FileKind,
        policy: InvalidRowPolicy,
        path: PathBuf,
    ) -> RowReader<P> {
        let mut report = IngestReport::new(path);
        report.blank_lines = source.blank_lines();
        RowReader { source, parser, header_names, kind, policy, report, finished: false }
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
    /// file, and an unclosed quote, as [`find_unclosed_quote`] finds it, as
    /// [`IngestError::UnclosedQuote`] under both policies. Both end the
    /// reading, and neither counts a row.
    pub(crate) fn next_row(&mut self) -> Option<Result<P::Output, IngestError>> {
        while !self.finished {
            let record = match self.source.next_record() {
                Ok(Some(record)) => record,
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
            if let Some(found) = find_unclosed_quote(
                &record,
                selected_columns(self.parser.columns()),
                self.header_names.as_deref(),
            ) {
                self.finish();
                return Some(Err(unclosed_quote(&self.report.path, found)));
            }

            let outcome = self.parser.parse(&record);
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
