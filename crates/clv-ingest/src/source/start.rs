//! Checks of the start of a file before it is split into records: a file
//! without any line that is not blank, and text in UTF-16, which both
//! sources would read as garbage because they read UTF-8.

use std::io::{self, BufRead, Read};

use super::UTF8_BOM;

/// Maximum number of bytes read at a time while looking for the first line
/// that is not blank, so that a file of one very long line is not read into
/// memory.
const MAX_CHUNK_BYTES: u64 = 64 * 1024;

/// The kind of content that the start of a file shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FileStart {
    /// The file has a line that is not blank, and nothing suggests UTF-16.
    Text,
    /// The file contains nothing but ASCII whitespace and a UTF-8 byte order mark.
    Empty,
    /// The file looks like UTF-16 text.
    Utf16(Utf16Evidence),
}

/// Evidence that a file is UTF-16 text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Utf16Evidence {
    /// The file starts with the UTF-16 byte order mark of this byte order.
    ByteOrderMark(ByteOrder),
    /// The first line that is not blank contains NUL bytes, as UTF-16 text
    /// of ASCII characters does. The byte order is that of the NUL bytes'
    /// positions, or `None` when they show neither order.
    NulBytes(Option<ByteOrder>),
}

impl Utf16Evidence {
    /// Describes the evidence for a message, as a clause such as "it starts with ...".
    pub(crate) fn describe(self) -> &'static str {
        match self {
            Utf16Evidence::ByteOrderMark(ByteOrder::LittleEndian) => {
                "it starts with the UTF-16 byte order mark FF FE"
            }
            Utf16Evidence::ByteOrderMark(ByteOrder::BigEndian) => {
                "it starts with the UTF-16 byte order mark FE FF"
            }
            Utf16Evidence::NulBytes(_) => "its first line contains NUL bytes",
        }
    }

    /// Returns the encoding name that iconv reads the file with, or `None`
    /// when the byte order is unknown.
    pub(crate) fn iconv_encoding(self) -> Option<&'static str> {
        match self {
            Utf16Evidence::ByteOrderMark(order) | Utf16Evidence::NulBytes(Some(order)) => {
                Some(order.iconv_encoding())
            }
            Utf16Evidence::NulBytes(None) => None,
        }
    }
}

/// The byte order of UTF-16 text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ByteOrder {
    LittleEndian,
    BigEndian,
}

impl ByteOrder {
    fn iconv_encoding(self) -> &'static str {
        match self {
            ByteOrder::LittleEndian => "UTF-16LE",
            ByteOrder::BigEndian => "UTF-16BE",
        }
    }
}

/// Reads `reader` up to the end of its first line that is not blank, and
/// reports whether the file is empty or looks like UTF-16.
///
/// A line is blank when it has only ASCII whitespace, as both sources
/// define it. The reader is left after the bytes read.
pub(crate) fn inspect_start(mut reader: impl BufRead) -> io::Result<FileStart> {
    let mut chunk = Vec::new();
    let mut offset: u64 = 0;
    loop {
        chunk.clear();
        let count = (&mut reader).take(MAX_CHUNK_BYTES).read_until(b'\n', &mut chunk)?;
        if count == 0 {
            return Ok(FileStart::Empty);
        }
        let chunk_start = offset;
        offset += count as u64;

        let mut text = &chunk[..];
        if chunk_start == 0 {
            if let Some(order) = utf16_byte_order_mark(text) {
                return Ok(FileStart::Utf16(Utf16Evidence::ByteOrderMark(order)));
            }
            text = text.strip_prefix(UTF8_BOM).unwrap_or(text);
        }

        if text.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        if text.contains(&0) {
            return Ok(FileStart::Utf16(Utf16Evidence::NulBytes(nul_byte_order(chunk_start, &chunk))));
        }
        return Ok(FileStart::Text);
    }
}

fn utf16_byte_order_mark(bytes: &[u8]) -> Option<ByteOrder> {
    match bytes {
        [0xFF, 0xFE, ..] => Some(ByteOrder::LittleEndian),
        [0xFE, 0xFF, ..] => Some(ByteOrder::BigEndian),
        _ => None,
    }
}

/// Guesses the byte order of UTF-16 text from where its NUL bytes are.
///
/// An ASCII character is a NUL byte and the character's byte, so the NUL
/// bytes of little-endian text are at odd offsets from the start of the file
/// and those of big-endian text at even offsets. `start` is the offset of `bytes`.
fn nul_byte_order(start: u64, bytes: &[u8]) -> Option<ByteOrder> {
    let (mut even, mut odd) = (0_usize, 0_usize);
    for (index, &byte) in bytes.iter().enumerate() {
        if byte == 0 {
            if (start + index as u64) % 2 == 0 {
                even += 1;
            } else {
                odd += 1;
            }
        }
    }

    match odd.cmp(&even) {
        std::cmp::Ordering::Greater => Some(ByteOrder::LittleEndian),
        std::cmp::Ordering::Less => Some(ByteOrder::BigEndian),
        std::cmp::Ordering::Equal => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inspect(bytes: &[u8]) -> FileStart {
        inspect_start(bytes).unwrap()
    }

    /// Encodes `text` as UTF-16 in `order`, without a byte order mark.
    fn utf16(text: &str, order: ByteOrder) -> Vec<u8> {
        text.encode_utf16()
            .flat_map(|unit| match order {
                ByteOrder::LittleEndian => unit.to_le_bytes(),
                ByteOrder::BigEndian => unit.to_be_bytes(),
            })
            .collect()
    }

    #[test]
    fn text_file_is_text() {
        assert_eq!(inspect(b"customer,date,amount\n1,2024-01-05,3\n"), FileStart::Text);
        assert_eq!(inspect(b"\xEF\xBB\xBFcustomer\n"), FileStart::Text);
        assert_eq!(inspect(b"\n \r\n\t\n0004 1 19970101\n"), FileStart::Text);
    }

    #[test]
    fn whitespace_only_file_is_empty() {
        assert_eq!(inspect(b""), FileStart::Empty);
        assert_eq!(inspect(b"\n\n"), FileStart::Empty);
        assert_eq!(inspect(b" \r\n\t \n"), FileStart::Empty);
        assert_eq!(inspect(b"\xEF\xBB\xBF\r\n"), FileStart::Empty);
    }

    #[test]
    fn long_blank_run_is_empty() {
        let spaces = vec![b' '; 3 * MAX_CHUNK_BYTES as usize];

        assert_eq!(inspect(&spaces), FileStart::Empty);
    }

    #[test]
    fn byte_order_marks_are_utf16() {
        let mut little = vec![0xFF, 0xFE];
        little.extend(utf16("customer,date\r\n", ByteOrder::LittleEndian));
        let mut big = vec![0xFE, 0xFF];
        big.extend(utf16("customer,date\r\n", ByteOrder::BigEndian));

        assert_eq!(inspect(&little), FileStart::Utf16(Utf16Evidence::ByteOrderMark(ByteOrder::LittleEndian)));
        assert_eq!(inspect(&big), FileStart::Utf16(Utf16Evidence::ByteOrderMark(ByteOrder::BigEndian)));
    }

    #[test]
    fn nul_bytes_give_byte_order() {
        let little = utf16("customer,date\n", ByteOrder::LittleEndian);
        let big = utf16("customer,date\n", ByteOrder::BigEndian);

        assert_eq!(
            inspect(&little),
            FileStart::Utf16(Utf16Evidence::NulBytes(Some(ByteOrder::LittleEndian)))
        );
        assert_eq!(inspect(&big), FileStart::Utf16(Utf16Evidence::NulBytes(Some(ByteOrder::BigEndian))));
    }

    #[test]
    fn iconv_encoding_follows_byte_order() {
        assert_eq!(Utf16Evidence::ByteOrderMark(ByteOrder::BigEndian).iconv_encoding(), Some("UTF-16BE"));
        assert_eq!(Utf16Evidence::NulBytes(Some(ByteOrder::LittleEndian)).iconv_encoding(), Some("UTF-16LE"));
        assert_eq!(Utf16Evidence::NulBytes(None).iconv_encoding(), None);
    }
}
