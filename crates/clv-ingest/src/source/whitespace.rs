//! Records of a file whose fields are separated by runs of whitespace.
//!
//! The csv crate splits on exactly one delimiter byte, so two spaces in a row
//! would make an empty field, and leading spaces an empty first field. Files
//! such as the CDNOW log align their columns with runs of spaces, so this
//! module splits each line by hand instead.

use std::io::{self, BufRead};
use std::ops::Range;

use super::{Fields, Record, UTF8_BOM};

/// Reads the records of a file whose fields are separated by runs of spaces
/// and tabs, one record per line, without quoting.
///
/// Leading and trailing whitespace, a `\r` before the line end and a UTF-8
/// byte order mark at the start of the file are ignored. Memory use is one line.
pub(crate) struct WhitespaceSource<R> {
    reader: R,
    line: Vec<u8>,
    ranges: Vec<Range<usize>>,
    line_number: u64,
    blank_lines: u64,
}

impl<R: BufRead> WhitespaceSource<R> {
    pub(crate) fn new(reader: R) -> WhitespaceSource<R> {
        WhitespaceSource { reader, line: Vec::new(), ranges: Vec::new(), line_number: 0, blank_lines: 0 }
    }

    pub(crate) fn next_record(&mut self) -> io::Result<Option<Record<'_>>> {
        loop {
            self.line.clear();
            if self.reader.read_until(b'\n', &mut self.line)? == 0 {
                return Ok(None);
            }
            self.line_number += 1;

            if self.line_number == 1 && self.line.starts_with(UTF8_BOM) {
                self.line.drain(..UTF8_BOM.len());
            }
            split_fields(&self.line, &mut self.ranges);
            if self.ranges.is_empty() {
                self.blank_lines += 1;
                continue;
            }

            let fields = Fields::Whitespace { line: &self.line, ranges: &self.ranges };
            return Ok(Some(Record { line: self.line_number, unclosed_quote_at_end: false, fields }));
        }
    }

    pub(crate) fn blank_lines(&self) -> u64 {
        self.blank_lines
    }

    pub(crate) fn line(&self) -> u64 {
        self.line_number
    }
}

/// Stores in `ranges` the byte ranges of the fields of `line`, which are the
/// runs of bytes other than ASCII whitespace (space, tab, CR, LF, form feed).
fn split_fields(line: &[u8], ranges: &mut Vec<Range<usize>>) {
    ranges.clear();

    let mut start = None;
    for (index, byte) in line.iter().enumerate() {
        match (byte.is_ascii_whitespace(), start) {
            (true, Some(field_start)) => {
                ranges.push(field_start..index);
                start = None;
            }
            (false, None) => start = Some(index),
            _ => {}
        }
    }

    if let Some(field_start) = start {
        ranges.push(field_start..line.len());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(line: &[u8]) -> Vec<&[u8]> {
        let mut ranges = Vec::new();
        split_fields(line, &mut ranges);
        ranges.into_iter().map(|range| &line[range]).collect()
    }

    /// Reads all records as (line, fields) pairs and returns them with the blank line count.
    fn read_all(input: &[u8]) -> (Vec<(u64, Vec<String>)>, u64) {
        let mut source = WhitespaceSource::new(input);
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
    fn split_cdnow_line() {
        let fields = split(b" 00004 00001 19970101  2  29.33\r\n");

        assert_eq!(fields, vec![&b"00004"[..], b"00001", b"19970101", b"2", b"29.33"]);
    }

    #[test]
    fn split_mixed_tabs_and_spaces() {
        assert_eq!(split(b"a\t \tb  c"), vec![&b"a"[..], b"b", b"c"]);
    }

    #[test]
    fn split_blank_line_has_no_fields() {
        assert!(split(b" \t \r\n").is_empty());
        assert!(split(b"").is_empty());
    }

    #[test]
    fn reads_records_with_line_numbers() {
        let (records, blank_lines) = read_all(b" 0004 1 19970101\r\n\r\n   \r\n 0021 2 19970102\r\n");

        assert_eq!(
            records,
            vec![(1, fields(&["0004", "1", "19970101"])), (4, fields(&["0021", "2", "19970102"]))]
        );
        assert_eq!(blank_lines, 2);
    }

    #[test]
    fn reads_last_line_without_line_end() {
        let (records, _) = read_all(b"a b\nc d");

        assert_eq!(records, vec![(1, fields(&["a", "b"])), (2, fields(&["c", "d"]))]);
    }

    #[test]
    fn strips_byte_order_mark() {
        let (records, _) = read_all(b"\xEF\xBB\xBFcustomer date\n");

        assert_eq!(records, vec![(1, fields(&["customer", "date"]))]);
    }

    #[test]
    fn keeps_non_utf8_bytes() {
        let mut source = WhitespaceSource::new(&b"ab\xFF 1\n"[..]);

        let record = source.next_record().unwrap().unwrap();

        assert_eq!(record.field(0), Some(&b"ab\xFF"[..]));
        assert_eq!(record.field(1), Some(&b"1"[..]));
        assert_eq!(record.field(2), None);
    }
}
