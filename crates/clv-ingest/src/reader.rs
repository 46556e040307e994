//! The streaming reader that turns a transaction log into transactions.

use std::fmt;
use std::iter::FusedIterator;

use clv_core::Transaction;

use crate::columns::Columns;
use crate::error::IngestError;
use crate::example::transaction_example;
use crate::report::IngestReport;
use crate::row::RowParser;
use crate::rows::{FileKind, Header, OpenedFile, RowReader};
use crate::spec::SourceSpec;

/// Reads transactions from a log one row at a time, so memory use does not
/// grow with the file.
///
/// The iterator yields an accepted row as `Ok`. An invalid row is counted in
/// the [`IngestReport`] and, under [`InvalidRowPolicy::Error`](crate::InvalidRowPolicy::Error),
/// yielded as an [`IngestError::InvalidRow`], after which the iterator ends.
/// Under [`InvalidRowPolicy::Skip`](crate::InvalidRowPolicy::Skip) it is logged
/// at debug level and skipped. A read failure is yielded as
/// [`IngestError::Read`], and a quote that is not closed on its line as
/// [`IngestError::UnclosedQuote`] under both policies. Both also end the iterator.
pub struct TransactionReader {
    rows: RowReader<RowParser>,
}

impl TransactionReader {
    /// Opens the log described by `spec` and reads its header row, if it has one.
    ///
    /// Fails when a setting is invalid, or when the path is a directory or the
    /// file cannot be opened or read. Also fails when the file is empty or
    /// looks like UTF-16, when a column selected by name is not in the header
    /// row or is there more than once, and when the header row has an
    /// unclosed quote.
    pub fn open(spec: &SourceSpec) -> Result<TransactionReader, IngestError> {
        spec.validate()?;

        let path = &spec.path;
        let example = || transaction_example(spec);
        let OpenedFile { source, header } =
            OpenedFile::open(path, spec.format, spec.has_header, FileKind::TransactionLog, example)?;

        let names = header.as_ref().map(Header::names);
        let columns = Columns::resolve(spec, names.as_deref());
        if let Some(header) = &header {
            header.check_quotes(path, columns.as_ref().ok())?;
        }
        let columns = columns?;
        log::debug!("reading {} ({}) with columns {columns:?}", path.display(), spec.format);

        let header_fields = names.as_ref().map(Vec::len);
        let parser = RowParser::new(columns, spec.date_format.clone(), spec.format, header_fields)
            .with_values(spec.amount_format.clone(), spec.customer_ids);
        let rows =
            RowReader::new(source, parser, names, FileKind::TransactionLog, spec.invalid_rows, path.clone());

        Ok(TransactionReader { rows })
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

impl Iterator for TransactionReader {
    type Item = Result<Transaction, IngestError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.rows.next_row()
    }
}

impl FusedIterator for TransactionReader {}

impl fmt::Debug for TransactionReader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.rows.fmt_debug("TransactionReader", f)
    }
}
