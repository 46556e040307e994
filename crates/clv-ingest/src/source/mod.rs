//! Splitting a transaction log into records of fields, one format per module.
//!
//! Both sources skip blank lines, count them, and number every record by the
//! 1-based line on which it starts.

mod delimited;
mod start;
mod whitespace;

use std::fs::File;
use std::io::{self, BufReader, Seek, SeekFrom};
use std::ops::Range;
use std::path::Path;

use csv::ByteRecord;

use crate::spec::Format;

pub(crate) use delimited::DelimitedSource;
pub(crate) use start::Utf16Evidence;
pub(crate) use whitespace::WhitespaceSource;

pub(crate) use start::{FileStart, inspect_start};

/// The byte order mark that some editors write at the start of a UTF-8 file.
pub(crate) const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// A source of records read from a file in one of the [`Format`]s.
pub(crate) enum RecordSource {
    Delimited(DelimitedSource<File>),
    Whitespace(WhitespaceSource<BufReader<File>>),
}

/// A reason that a file cannot be read as records.
#[derive(Debug)]
pub(crate) enum OpenError {
    /// Opening the file or reading its metadata failed.
    Open(io::Error),
    /// The path is a directory. On Unix it opens like a file, but reading it fails.
    Directory,
    /// Reading the start of the file, or going back to it, failed.
    Read(io::Error),
    /// The file contains nothing but whitespace.
    Empty,
    /// The file looks like UTF-16 text.
    Utf16(Utf16Evidence),
}

impl RecordSource {
    /// Opens the file at `path` for reading in `format`.
    ///
    /// Fails on a directory, an empty file and a file that looks like UTF-16,
    /// so that none of them is read as a file without rows or with garbled ones.
    pub(crate) fn open(path: &Path, format: Format) -> Result<RecordSource, OpenError> {
        let mut file = File::open(path).map_err(OpenError::Open)?;
        if file.metadata().map_err(OpenError::Open)?.is_dir() {
            return Err(OpenError::Directory);
        }

        match inspect_start(BufReader::new(&file)).map_err(OpenError::Read)? {
            FileStart::Text => {}
            FileStart::Empty => return Err(OpenError::Empty),
            FileStart::Utf16(evidence) => return Err(OpenError::Utf16(evidence)),
        }
        // NOTE: a file that cannot seek, such as a named pipe, fails here with a read error.
        file.seek(SeekFrom::Start(0)).map_err(OpenError::Read)?;

        let source = match format {
            Format::Delimited { delimiter } => RecordSource::Delimited(DelimitedSource::new(file, delimiter)),
            Format::Whitespace => RecordSource::Whitespace(WhitespaceSource::new(BufReader::new(file))),
        };
        Ok(source)
    }

    /// Reads the next record that is not a blank line, or returns `None` at the end of the file.
    pub(crate) fn next_record(&mut self) -> io::Result<Option<Record<'_>>> {
        match self {
            RecordSource::Delimited(source) => source.next_record(),
            RecordSource::Whitespace(source) => source.next_record(),
        }
    }

    /// Returns the number of blank lines skipped so far.
    pub(crate) fn blank_lines(&self) -> u64 {
        match self {
            RecordSource::Delimited(source) => source.blank_lines(),
            RecordSource::Whitespace(source) => source.blank_lines(),
        }
    }

    /// Returns the 1-based line on which the last record started, or 0 before the first record.
    pub(crate) fn line(&self) -> u64 {
        match self {
            RecordSource::Delimited(source) => source.line(),
            RecordSource::Whitespace(source) => source.line(),
        }
    }
}

/// One record of a log: its fields and the line on which it starts.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Record<'a> {
    /// 1-based line on which the record starts.
    pub(crate) line: u64,
    /// Whether the input ends inside the last field of the record, because
    /// the quote that opens that field is never closed.
    pub(crate) unclosed_quote_at_end: bool,
    fields: Fields<'a>,
}

#[derive(Clone, Copy, Debug)]
enum Fields<'a> {
    /// Fields parsed by the csv crate. Surrounding ASCII whitespace, including
    /// the `\r` of a CRLF line end, is trimmed when a field is read.
    Delimited(&'a ByteRecord),
    /// Fields of a whitespace-separated line, as ranges of the line's bytes.
    Whitespace { line: &'a [u8], ranges: &'a [Range<usize>] },
}

impl<'a> Record<'a> {
    /// Creates a record of the fields of `record` that starts on `line`.
    pub(crate) fn from_byte_record(
        line: u64,
        unclosed_quote_at_end: bool,
        record: &'a ByteRecord,
    ) -> Record<'a> {
        Record { line, unclosed_quote_at_end, fields: Fields::Delimited(record) }
    }

    /// Returns the number of fields.
    pub(crate) fn len(&self) -> usize {
        match self.fields {
            Fields::Delimited(record) => record.len(),
            Fields::Whitespace { ranges, .. } => ranges.len(),
        }
    }

    /// Returns the field at the 0-based `index` without surrounding whitespace.
    pub(crate) fn field(&self, index: usize) -> Option<&'a [u8]> {
        match self.fields {
            Fields::Delimited(record) => record.get(index).map(<[u8]>::trim_ascii),
            Fields::Whitespace { line, ranges } => ranges.get(index).map(|range| &line[range.clone()]),
        }
    }

    /// Returns the field at the 0-based `index` as read, with surrounding
    /// whitespace and any line breaks that a quoted field contains.
    pub(crate) fn raw_field(&self, index: usize) -> Option<&'a [u8]> {
        match self.fields {
            Fields::Delimited(record) => record.get(index),
            Fields::Whitespace { line, ranges } => ranges.get(index).map(|range| &line[range.clone()]),
        }
    }

    /// Iterates over the fields without surrounding whitespace.
    pub(crate) fn fields(&self) -> impl Iterator<Item = &'a [u8]> + use<'a> {
        let record = *self;
        (0..record.len()).filter_map(move |index| record.field(index))
    }

    /// Copies the fields as read, so that the record outlives the source.
    pub(crate) fn to_byte_record(self) -> ByteRecord {
        (0..self.len()).filter_map(|index| self.raw_field(index)).collect()
    }

    /// Joins the fields with `separator` as text, replacing bytes that are not UTF-8.
    pub(crate) fn join_fields(&self, separator: &str) -> String {
        let fields: Vec<String> =
            self.fields().map(|field| String::from_utf8_lossy(field).into_owned()).collect();
        fields.join(separator)
    }
}
