//! Parsing the date column with one strftime format.

use jiff::civil::{Date, date};
use jiff::fmt::strtime;
use jiff::tz::{Offset, TimeZone};

/// Parses `text` with `format` and returns the calendar day as written.
///
/// A time of day or UTC offset in the value is parsed but ignored, so
/// `2024-03-31 23:30:00-05:00` is 2024-03-31 and is never shifted to another
/// day. The error message names the value and the format.
pub(crate) fn parse_date(text: &str, format: &str) -> Result<Date, String> {
    if text.is_empty() {
        return Err(format!("invalid date \"\" for format {format:?}: the field is empty"));
    }
    if let Some(date) = parse_iso_digits(text, format) {
        return Ok(date);
    }

    strtime::parse(format, text)
        .and_then(|parsed| parsed.to_date())
        .map_err(|error| format!("invalid date {text:?} for format {format:?}: {error}"))
}

/// Parses the two most common formats, `%Y-%m-%d` and `%Y%m%d`, without
/// jiff's general strftime parser, which takes most of the read time of a
/// large log. Returns `None` unless `text` is exactly four, two and two ASCII
/// digits (with the dashes of the first format) that form a valid date, so
/// every other value, and every error message, comes from jiff.
fn parse_iso_digits(text: &str, format: &str) -> Option<Date> {
    let bytes = text.as_bytes();
    let (year, month, day) = match (format, bytes.len()) {
        ("%Y-%m-%d", 10) if bytes[4] == b'-' && bytes[7] == b'-' => {
            (&bytes[0..4], &bytes[5..7], &bytes[8..10])
        }
        ("%Y%m%d", 8) => (&bytes[0..4], &bytes[4..6], &bytes[6..8]),
        _ => return None,
    };
    let number = |digits: &[u8]| -> Option<i16> {
        digits
            .iter()
            .try_fold(0i16, |value, &byte| byte.is_ascii_digit().then(|| value * 10 + i16::from(byte - b'0')))
    };
    let (year, month, day) = (number(year)?, number(month)?, number(day)?);
    Date::new(year, i8::try_from(month).ok()?, i8::try_from(day).ok()?).ok()
}

/// Checks that `format` can read back a calendar day that it wrote.
///
/// A format that cannot do so, such as `%Y-%m` without a day, would reject
/// every row. The sample day has a time and a UTC offset, so that formats
/// with those directives can be written too. When jiff cannot write the sample
/// with `format`, the check is skipped and each row is checked when read.
pub(crate) fn check_date_format(format: &str) -> Result<(), String> {
    let day = date(2024, 7, 15);
    let Ok(zoned) = day.at(16, 24, 59, 0).to_zoned(TimeZone::fixed(Offset::constant(-5))) else {
        return Ok(());
    };
    let Ok(written) = strtime::format(format, &zoned) else {
        return Ok(());
    };

    match strtime::parse(format, &written).and_then(|parsed| parsed.to_date()) {
        Ok(read) if read == day => Ok(()),
        Ok(read) => Err(format!("it reads {written:?}, which it writes for {day}, as {read}")),
        Err(error) => match missing_parts(format) {
            Some(parts) => Err(format!("it has no directive for {parts}")),
            None => Err(format!("it cannot read back {written:?}, which it writes for {day}: {error}")),
        },
    }
}

/// Writes an example date, 2024-01-05 at 09:30 UTC, with `format`, or
/// returns the format itself when jiff cannot write it.
pub(crate) fn example_date(format: &str) -> String {
    let Ok(zoned) = date(2024, 1, 5).at(9, 30, 0, 0).to_zoned(TimeZone::UTC) else {
        return format.to_string();
    };
    strtime::format(format, &zoned).unwrap_or_else(|_| format.to_string())
}

/// Names the parts of a calendar day that `format` has no directive for, such
/// as `a day`, or returns `None` when it has all of them.
fn missing_parts(format: &str) -> Option<String> {
    let has_any = |directives: &[&str]| directives.iter().any(|directive| format.contains(directive));
    let mut missing = Vec::new();
    if !has_any(&["%Y", "%y", "%G", "%g", "%F", "%D"]) {
        missing.push("a year");
    }
    if !has_any(&["%m", "%b", "%B", "%h", "%F", "%D", "%j", "%U", "%W", "%V"]) {
        missing.push("a month");
    }
    if !has_any(&["%d", "%e", "%F", "%D", "%j", "%a", "%A", "%u", "%w"]) {
        missing.push("a day");
    }

    if missing.is_empty() { None } else { Some(missing.join(" or ")) }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fast path and jiff's parser agree on every value the fast path takes,
    /// and the fast path leaves the rest, including invalid days, to jiff.
    #[test]
    fn iso_digits_match_jiff() {
        let cases = [
            ("2024-02-29", "%Y-%m-%d"),
            ("0001-01-01", "%Y-%m-%d"),
            ("9999-12-31", "%Y-%m-%d"),
            ("19970101", "%Y%m%d"),
            ("2023-02-29", "%Y-%m-%d"),
            ("2024-13-01", "%Y-%m-%d"),
            ("20240230", "%Y%m%d"),
            ("2024-1-015", "%Y-%m-%d"),
            ("2024/01/05", "%Y-%m-%d"),
            ("+0240105", "%Y%m%d"),
        ];
        for (text, format) in cases {
            let jiff = strtime::parse(format, text).and_then(|parsed| parsed.to_date()).ok();
            let fast = parse_iso_digits(text, format);
            if fast.is_some() {
                assert_eq!(fast, jiff, "{text} with {format}");
            }
            assert_eq!(parse_date(text, format).ok(), jiff, "{text} with {format}");
        }
        assert_eq!(parse_iso_digits("2024-02-29", "%Y-%m-%d"), Some(date(2024, 2, 29)));
        assert_eq!(parse_iso_digits("2023-02-29", "%Y-%m-%d"), None);
    }

    #[test]
    fn parse_compact_date() {
        assert_eq!(parse_date("19970101", "%Y%m%d"), Ok(date(1997, 1, 1)));
        assert_eq!(parse_date("19980630", "%Y%m%d"), Ok(date(1998, 6, 30)));
    }

    #[test]
    fn parse_keeps_written_day_with_time_and_offset() {
        let format = "%Y-%m-%d %H:%M:%S%z";

        // 23:30 at UTC-05:00 is already the next day in UTC, but the day as written counts.
        assert_eq!(parse_date("2024-03-31 23:30:00-0500", format), Ok(date(2024, 3, 31)));
        assert_eq!(parse_date("2024-04-01 00:15:00+1400", format), Ok(date(2024, 4, 1)));
    }

    #[test]
    fn parse_rejects_month_thirteen() {
        let message = parse_date("1997-13-01", "%Y-%m-%d").unwrap_err();

        assert!(message.starts_with("invalid date \"1997-13-01\" for format \"%Y-%m-%d\": "), "{message}");
        assert!(message.contains("month"), "{message}");
    }

    #[test]
    fn parse_rejects_february_thirtieth() {
        let message = parse_date("1997-02-30", "%Y-%m-%d").unwrap_err();

        assert!(message.starts_with("invalid date \"1997-02-30\""), "{message}");
    }

    #[test]
    fn parse_rejects_other_format() {
        assert!(parse_date("01/02/1997", "%Y-%m-%d").is_err());
        assert!(parse_date("1997-01-02 10:00", "%Y-%m-%d").is_err());
    }

    #[test]
    fn parse_rejects_empty_value() {
        let message = parse_date("", "%Y%m%d").unwrap_err();

        assert_eq!(message, "invalid date \"\" for format \"%Y%m%d\": the field is empty");
    }

    #[test]
    fn check_accepts_common_formats() {
        for format in
            ["%Y%m%d", "%Y-%m-%d", "%d/%m/%Y", "%m/%d/%y", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S%:z"]
        {
            assert_eq!(check_date_format(format), Ok(()), "{format}");
        }
    }

    #[test]
    fn check_rejects_format_without_day() {
        let message = check_date_format("%Y-%m").unwrap_err();

        assert_eq!(message, "it has no directive for a day");
    }

    #[test]
    fn check_rejects_time_zone_abbreviation() {
        // jiff 0.2 cannot parse %Z, so every row would be rejected.
        let message = check_date_format("%Y-%m-%d %Z").unwrap_err();

        assert!(
            message.starts_with("it cannot read back \"2024-07-15 -05\", which it writes for 2024-07-15: ")
        );
        assert!(message.contains("time zone abbreviation"), "{message}");
    }

    #[test]
    fn example_date_follows_format() {
        assert_eq!(example_date("%Y-%m-%d"), "2024-01-05");
        assert_eq!(example_date("%Y%m%d"), "20240105");
        assert_eq!(example_date("%d/%m/%Y %H:%M"), "05/01/2024 09:30");
    }

    #[test]
    fn check_rejects_format_without_year() {
        let message = check_date_format("%m/%d").unwrap_err();

        assert_eq!(message, "it has no directive for a year");
    }
}
