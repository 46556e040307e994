//! Byte-level parsing of one line of a log in the shape the fast reader
//! takes: plain fields, ISO dates and plain decimal amounts.
//!
//! Each function returns `None` for a value it does not fully handle, and
//! the caller then leaves the whole file to the accurate reader, which
//! accepts or rejects the value with its own message.

use clv_core::summary::{ScaledAmount, day_number};

/// Maximum number of integer digits of an amount. With at most
/// [`ScaledAmount::SCALE`] decimal places, a sum of up to about 10^12 such
/// amounts fits in a `Decimal` exactly, so every sum equals the
/// accurate reader's.
const MAX_INTEGER_DIGITS: usize = 12;

/// The date formats that [`parse_date`] reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum DateShape {
    /// `%Y-%m-%d`
    Dashed,
    /// `%Y%m%d`
    Compact,
}

impl DateShape {
    pub(crate) fn of_format(format: &str) -> Option<DateShape> {
        match format {
            "%Y-%m-%d" => Some(DateShape::Dashed),
            "%Y%m%d" => Some(DateShape::Compact),
            _ => None,
        }
    }
}

/// Returns the day number of a date of the years 1 to 9999 written in `shape`.
pub(crate) fn parse_date(text: &[u8], shape: DateShape) -> Option<i32> {
    let (year, month, day) = match (shape, text.len()) {
        (DateShape::Dashed, 10) if text[4] == b'-' && text[7] == b'-' => {
            (&text[0..4], &text[5..7], &text[8..10])
        }
        (DateShape::Compact, 8) => (&text[0..4], &text[4..6], &text[6..8]),
        _ => return None,
    };
    day_number(digits(year)? as i32, digits(month)?, digits(day)?)
}

fn digits(text: &[u8]) -> Option<u32> {
    text.iter()
        .try_fold(0u32, |value, &byte| byte.is_ascii_digit().then(|| value * 10 + u32::from(byte - b'0')))
}

/// Parses a plain decimal such as `12.50`, `-3` or `+0.5` into units of
/// 10^-[`ScaledAmount::SCALE`].
///
/// Returns `None` for anything else, and for some values that the accurate
/// reader accepts but leaves to it. Those are a point without digits on both
/// sides (`5.` or `.5`), more decimal places than `SCALE`, and more than
/// [`MAX_INTEGER_DIGITS`] integer digits. A negative zero is left to it too,
/// because a `Decimal` keeps its sign.
pub(crate) fn parse_amount(text: &[u8]) -> Option<ScaledAmount> {
    let (negative, unsigned) = match text.first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    let (whole, fraction) = match memchr::memchr(b'.', unsigned) {
        Some(point) => (&unsigned[..point], &unsigned[point + 1..]),
        None => (unsigned, &[][..]),
    };
    let has_point = whole.len() < unsigned.len();
    if whole.is_empty()
        || whole.len() > MAX_INTEGER_DIGITS
        || (has_point && fraction.is_empty())
        || fraction.len() > usize::from(ScaledAmount::SCALE)
    {
        return None;
    }

    let mut units = 0i64;
    for &byte in whole.iter().chain(fraction) {
        if !byte.is_ascii_digit() {
            return None;
        }
        units = units * 10 + i64::from(byte - b'0');
    }
    let scale = fraction.len() as u8;
    units *= 10_i64.pow(u32::from(ScaledAmount::SCALE - scale));
    if negative && units == 0 {
        return None;
    }
    Some(ScaledAmount { units: if negative { -units } else { units }, scale })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_both_shapes() {
        assert_eq!(parse_date(b"1970-01-02", DateShape::Dashed), Some(1));
        assert_eq!(parse_date(b"19700102", DateShape::Compact), Some(1));
        assert_eq!(parse_date(b"2024-02-29", DateShape::Dashed), day_number(2024, 2, 29));
    }

    #[test]
    fn dates_left_to_accurate_reader() {
        for text in
            ["2023-02-29", "2024-13-01", "2024-1-05", "2024/01/05", "0000-01-01", "+024-01-05", "2024-01-5 "]
        {
            assert_eq!(parse_date(text.as_bytes(), DateShape::Dashed), None, "{text}");
        }
        assert_eq!(parse_date(b"2024-01-05", DateShape::Compact), None);
    }

    #[test]
    fn amounts_keep_scale() {
        let cases = [
            ("12.50", 125_000, 2),
            ("-3", -30_000, 0),
            ("+0.5", 5_000, 1),
            ("007.0001", 70_001, 4),
            ("0", 0, 0),
        ];
        for (text, units, scale) in cases {
            assert_eq!(parse_amount(text.as_bytes()), Some(ScaledAmount { units, scale }), "{text}");
        }
    }

    #[test]
    fn amounts_left_to_accurate_reader() {
        for text in [
            "",
            "-",
            "5.",
            ".5",
            "1.23456",
            "1234567890123",
            "-0.00",
            "1,5",
            "$5",
            "1e3",
            "--1",
            "1.2.3",
            " 1",
        ] {
            assert_eq!(parse_amount(text.as_bytes()), None, "{text:?}");
        }
    }
}
