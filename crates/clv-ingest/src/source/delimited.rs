//! Records of a delimited file, parsed by the csv crate.

use std::io::{self, Read};

use csv::{ByteRecord, ReaderBuilder, Terminator};

use super::{Fields, Record};

/// Reads the records of a file whose fields are separated by one delimiter byte.
///
/// Quoting follows RFC 4180: a field in double quotes may contain the
/// delimiter, line ends and doubled quotes. Rows may have different numbers of
/// fields. The csv crate strips a UTF-8 byte order mark at the start.
pub(crate) struct DelimitedSource<R> {
    reader: csv::Reader<NewlineTerminated<R>>,
    record: ByteRecord,
    delimiter_is_whitespace: bool,
    /// Line of the reader's position after the last read.
    line_after_read: u64,
    record_line: u64,
    blank_lines: u64,
}

impl<R: Read> DelimitedSource<R> {
    pub(crate) fn new(input: R, delimiter: u8) -> DelimitedSource<R> {
        // Only '\n' ends a record, so that every record ends with exactly one
        // line end and its start line can be computed below. A '\r' before the
        // '\n' stays in the last field and is trimmed with other whitespace.
        let reader = ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .terminator(Terminator::Any(b'\n'))
            .from_reader(NewlineTerminated::new(input));

        DelimitedSource {
            reader,
            record: ByteRecord::new(),
            delimiter_is_whitespace: delimiter.is_ascii_whitespace(),
            line_after_read: 1,
            record_line: 0,
            blank_lines: 0,
        }
    }

    pub(crate) fn next_record(&mut self) -> io::Result<Option<Record<'_>>> {
        loop {
            let found = self.reader.read_byte_record(&mut self.record).map_err(into_io_error)?;
            let line_after_read = self.reader.position().line();

            // The csv crate skips empty lines without reporting them, and the
            // position it stores in a record is where the read began, before
            // those lines. The record's own start line is computed backwards
            // from the position after its line end instead, and the lines
            // between the previous read and that start are the skipped ones.
            // A record that the end of the input ends, because a quoted field
            // is still open there, has no line end of its own: its last line
            // end is inside that field.
            let unclosed_quote_at_end = found && self.reader.get_ref().reported_end();
            let start_line = if found {
                let newlines_in_fields: u64 = self
                    .record
                    .iter()
                    .map(|field| field.iter().filter(|&&byte| byte == b'\n').count() as u64)
                    .sum();
                let record_line_end = u64::from(!unclosed_quote_at_end);
                line_after_read.saturating_sub(record_line_end + newlines_in_fields)
            } else {
                line_after_read
            };
            self.blank_lines += start_line.saturating_sub(self.line_after_read);
            self.line_after_read = line_after_read;

            if !found {
                return Ok(None);
            }
            if self.is_blank() {
                self.blank_lines += 1;
                continue;
            }

            self.record_line = start_line;
            let fields = Fields::Delimited(&self.record);
            return Ok(Some(Record { line: start_line, unclosed_quote_at_end, fields }));
        }
    }

    pub(crate) fn blank_lines(&self) -> u64 {
        self.blank_lines
    }

    pub(crate) fn line(&self) -> u64 {
        self.record_line
    }

    /// Returns whether the current record is a line of whitespace only, such as the
    /// `\r` left of an empty line in a CRLF file.
    fn is_blank(&self) -> bool {
        let all_empty = self.record.iter().all(|field| field.trim_ascii().is_empty());
        all_empty && (self.record.len() == 1 || self.delimiter_is_whitespace)
    }
}

fn into_io_error(error: csv::Error) -> io::Error {
    let message = error.to_string();
    match error.into_kind() {
        csv::ErrorKind::Io(error) => error,
        _ => io::Error::other(message),
    }
}

/// A reader that appends a '\n' to input that does not end with one, so that
/// the last record has a line end like every other.
///
/// When the input ends inside an unclosed quoted field, the added '\n'
/// becomes part of that field instead.
struct NewlineTerminated<R> {
    inner: R,
    last_byte: Option<u8>,
    finished: bool,
    reported_end: bool,
}

impl<R> NewlineTerminated<R> {
    fn new(inner: R) -> NewlineTerminated<R> {
        NewlineTerminated { inner, last_byte: None, finished: false, reported_end: false }
    }

    /// Returns whether a read has returned 0, the end of the input.
    ///
    /// The csv crate reads more input only while a record is unfinished, and
    /// this reader ends the input with a line end. So a record read after the
    /// end was reported is one that only the end of the input finished, which
    /// happens when a quoted field is never closed.
    fn reported_end(&self) -> bool {
        self.reported_end
    }
}

impl<R: Read> Read for NewlineTerminated<R> {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        if buffer.is_empty() {
            return Ok(0);
        }
        if self.finished {
            self.reported_end = true;
            return Ok(0);
        }

        let count = self.inner.read(buffer)?;
        if count > 0 {
            self.last_byte = Some(buffer[count - 1]);
            return Ok(count);
        }

        self.finished = true;
        match self.last_byte {
            Some(byte) if byte != b'\n' => {
                buffer[0] = b'\n';
                Ok(1)
            }
            _ => {
                self.reported_end = true;
                Ok(0)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads all records as (line, fields) pairs and returns them with the blank line count.
    fn read_all(input: &[u8], delimiter: u8) -> (Vec<(u64, Vec<String>)>, u64) {
        let mut source = DelimitedSource::new(input, delimiter);
        let mut records = Vec::new();
        while let Some(record) = source.next_record().unwrap() {
            let fields = record.fields().map(|field| String::from_utf8_lossy(field).into_owned()).collect();
            records.push((record.line, fields));
        }
        (records, source.blank_lines())
    }

    fn fields(values: &[&str]) -> Vec<String> {
        values.iter().map(|value| value.to_string()).collect()
    }

    #[test]
    fn numbers_lines_with_lf() {
        let (records, blank_lines) = read_all(b"a,b\n1,2\n3,4\n", b',');

        assert_eq!(
            records,
            vec![(1, fields(&["a", "b"])), (2, fields(&["1", "2"])), (3, fields(&["3", "4"]))]
        );
        assert_eq!(blank_lines, 0);
    }

    #[test]
    fn numbers_lines_with_crlf_and_trims_cr() {
        let (records, blank_lines) = read_all(b"a,b\r\n\r\n1,2\r\n3,4", b',');

        assert_eq!(
            records,
            vec![(1, fields(&["a", "b"])), (3, fields(&["1", "2"])), (4, fields(&["3", "4"]))]
        );
        assert_eq!(blank_lines, 1);
    }

    #[test]
    fn counts_blank_lines_everywhere() {
        // Lines 1, 2, 4, 5, 7 and 8 are blank; line 5 has spaces and line 7 a tab.
        let (records, blank_lines) = read_all(b"\n\na,b\n\n  \n1,2\n\t\n\n", b',');

        assert_eq!(records, vec![(3, fields(&["a", "b"])), (6, fields(&["1", "2"]))]);
        assert_eq!(blank_lines, 6);
    }

    #[test]
    fn quoted_field_spans_lines() {
        let (records, _) = read_all(b"id,note\n1,\"two\nlines\"\n2,x\n", b',');

        assert_eq!(records[1], (2, fields(&["1", "two\nlines"])));
        assert_eq!(records[2], (4, fields(&["2", "x"])));
    }

    #[test]
    fn unclosed_quote_record_starts_on_its_line() {
        // The quote opened on line 3 runs to the end of the input.
        let input = b"id,note\n1,x\n2,\"open\n3,y\n4,z\n";

        let (records, _) = read_all(input, b',');

        assert_eq!(records.len(), 3);
        assert_eq!(records[1], (2, fields(&["1", "x"])));
        assert_eq!(records[2], (3, fields(&["2", "open\n3,y\n4,z"])));
    }

    #[test]
    fn only_record_in_unclosed_quote_is_marked() {
        for input in [&b"id,note\n1,x\n2,\"open\n3,y\n"[..], b"id,note\n1,x\n2,\"open\n3,y", b"1,x\n2,\"open"]
        {
            let mut source = DelimitedSource::new(input, b',');
            let mut marks = Vec::new();
            while let Some(record) = source.next_record().unwrap() {
                marks.push(record.unclosed_quote_at_end);
            }

            assert_eq!(marks.last(), Some(&true), "{input:?}");
            assert!(marks[..marks.len() - 1].iter().all(|&mark| !mark), "{input:?}");
        }
    }

    #[test]
    fn closed_quotes_are_not_marked() {
        for input in [&b"1,\"a\nb\"\n"[..], b"1,\"a\nb\"", b"1,\"a\n\"\n", b"1,x"] {
            let mut source = DelimitedSource::new(input, b',');

            let record = source.next_record().unwrap().unwrap();

            assert!(!record.unclosed_quote_at_end, "{input:?}");
        }
    }

    #[test]
    fn unclosed_quote_without_final_line_end() {
        let (records, _) = read_all(b"id,note\n2,\"open\n3,y", b',');

        assert_eq!(records[1], (2, fields(&["2", "open\n3,y"])));
    }

    #[test]
    fn last_record_with_quoted_line_end_keeps_line() {
        // The closed quoted field ends with a line break, and the record has its own line end.
        let (records, _) = read_all(b"id,note\n2,\"a\n\"\n", b',');

        assert_eq!(records[1], (2, fields(&["2", "a"])));
    }

    #[test]
    fn quoted_field_keeps_delimiter_and_quotes() {
        let (records, _) = read_all(b"\"a;b\";\"say \"\"hi\"\"\"\r\n", b';');

        assert_eq!(records, vec![(1, fields(&["a;b", "say \"hi\""]))]);
    }

    #[test]
    fn strips_byte_order_mark() {
        let (records, _) = read_all(b"\xEF\xBB\xBFcustomer,date\n", b',');

        assert_eq!(records, vec![(1, fields(&["customer", "date"]))]);
    }

    #[test]
    fn empty_fields_row_is_not_blank() {
        let (records, blank_lines) = read_all(b",,\n", b',');

        assert_eq!(records, vec![(1, fields(&["", "", ""]))]);
        assert_eq!(blank_lines, 0);
    }

    #[test]
    fn tab_delimited_whitespace_row_is_blank() {
        let (records, blank_lines) = read_all(b"a\tb\n\t \t\n", b'\t');

        assert_eq!(records.len(), 1);
        assert_eq!(blank_lines, 1);
    }

    #[test]
    fn empty_input_has_no_records() {
        let (records, blank_lines) = read_all(b"", b',');

        assert!(records.is_empty());
        assert_eq!(blank_lines, 0);
    }
}
