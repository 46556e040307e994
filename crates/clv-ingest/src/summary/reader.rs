//! The streaming reader that turns a summary file into summary records.

use std::fmt;
use std::iter::FusedIterator;

use crate::error::IngestError;
use crate::report::IngestReport;
use crate::rows::{FileKind, OpenedFile, RowReader};
use crate::summary::columns::SummaryColumns;
use crate::summary::record::SummaryRecord;
use crate::summary::row::SummaryParser;
use crate::summary::spec::SummarySpec;

/// Reads summary records from a file one row at a time, so memory use does
/// not grow with the file.
///
/// The iterator yields an accepted row as `Ok`. An invalid row is counted in
/// the [`IngestReport`] and, under [`InvalidRowPolicy::Error`](crate::InvalidRowPolicy::Error),
/// yielded as an [`IngestError::InvalidRow`], after which the iterator ends.
/// Under [`InvalidRowPolicy::Skip`](crate::InvalidRowPolicy::Skip) it is logged
/// at debug level and skipped. A read failure is yielded as
/// [`IngestError::ReadSummary`] and also ends the iterator.
///
/// A row with a count describes that many customers, but is yielded and
/// counted in the report as one row.
pub struct SummaryReader {
    rows: RowReader<SummaryParser>,
}

impl SummaryReader {
    /// Opens the summary file described by `spec` and reads its header row, if it has one.
    ///
    /// Fails when a setting is invalid, the file cannot be opened or read, or a
    /// column selected by name is not in the header row.
    pub fn open(spec: &SummarySpec) -> Result<SummaryReader, IngestError> {
        spec.validate()?;

        let path = &spec.path;
        let OpenedFile { source, header } =
            OpenedFile::open(path, spec.format, spec.has_header, FileKind::Summary)?;

        let columns = SummaryColumns::resolve(spec, header.as_deref())?;
        log::debug!("reading summary file {} ({}) with columns {columns:?}", path.display(), spec.format);

        let header_fields = header.as_ref().map(Vec::len);
        let parser = SummaryParser::new(columns, spec.format, header_fields);
        let rows = RowReader::new(source, parser, FileKind::Summary, spec.invalid_rows, path.clone());

        Ok(SummaryReader { rows })
    }

    /// Returns the counts of the rows read so far.
    pub fn report(&self) -> &IngestReport {
        self.rows.report()
    }

    /// Consumes the reader and returns the counts of the rows read.
    pub fn into_report(self) -> IngestReport {
        self.rows.into_report()
    }
}

impl Iterator for SummaryReader {
    type Item = Result<SummaryRecord, IngestError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.rows.next_row()
    }
}

impl FusedIterator for SummaryReader {}

impl fmt::Debug for SummaryReader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.rows.fmt_debug("SummaryReader", f)
    }
}
