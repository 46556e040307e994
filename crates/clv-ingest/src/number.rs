//! Parsing the whole numbers and durations of summary rows, with a hint for
//! each common way a number can be written that this crate does not accept.

use crate::amount::{is_plain_decimal, rewrite_grouped};

/// Parses a whole number from `min` to `max` written as a plain decimal, such
/// as `3`, `+3` or `3.0`, the form in which pandas writes a floating-point
/// column of whole numbers.
///
/// `column` names the column in messages. The error message quotes the value
/// and describes the problem.
pub(crate) fn parse_whole_number(text: &str, column: &str, min: u64, max: u64) -> Result<u64, String> {
    let invalid = |problem: String| format!("invalid {column} {text:?}: {problem}");

    if !is_plain_decimal(text) {
        return Err(invalid(diagnose(text, "a whole number such as 0 or 3")));
    }

    let negative = text.starts_with('-');
    let unsigned = text.strip_prefix(['+', '-']).unwrap_or(text);
    let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    if fraction.bytes().any(|digit| digit != b'0') {
        return Err(invalid("it is not a whole number".to_string()));
    }

    let digits = whole.trim_start_matches('0');
    let is_zero = digits.is_empty();
    if negative && !is_zero {
        return Err(invalid("it is negative".to_string()));
    }
    let value = if is_zero {
        0
    } else {
        // The digits are ASCII, so parsing fails only when the value exceeds u64::MAX.
        match digits.parse::<u64>() {
            Ok(value) if value <= max => value,
            _ => return Err(invalid(format!("it is greater than the maximum {max}"))),
        }
    };
    if value < min {
        return Err(invalid(format!("it is less than {min}")));
    }
    Ok(value)
}

/// Parses a finite number of at least 0, such as `6`, `30.5` or `1.2e3`,
/// with Rust's floating-point syntax.
///
/// `-0` is read as 0. `column` names the column in messages.
pub(crate) fn parse_non_negative(text: &str, column: &str) -> Result<f64, String> {
    let invalid = |problem: &str| format!("invalid {column} {text:?}: {problem}");

    let value = match text.parse::<f64>() {
        Ok(value) => value,
        Err(_) => return Err(invalid(&diagnose(text, "a number such as 0, 6 or 30.5"))),
    };
    if !value.is_finite() {
        return Err(invalid("it is not a finite number"));
    }
    if value < 0.0 {
        return Err(invalid("it is negative"));
    }

    // Adding 0.0 turns -0.0 into 0.0 and leaves every other value unchanged.
    Ok(value + 0.0)
}

/// Describes the problem with a value that is not a number in the accepted
/// syntax, ending with an `example` of that syntax when no specific hint applies.
fn diagnose(text: &str, example: &str) -> String {
    if text.is_empty() {
        return "the field is empty".to_string();
    }
    if let Ok(value) = text.parse::<f64>() {
        if !value.is_finite() {
            return "it is not a finite number".to_string();
        }
        return format!("it is in scientific notation, so write it as the plain number {value}");
    }
    if let Some(rewritten) = rewrite_grouped(text) {
        return rewritten;
    }
    format!("it is not a number: write {example}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn whole(text: &str) -> Result<u64, String> {
        parse_whole_number(text, "frequency", 0, u64::from(u32::MAX))
    }

    fn duration(text: &str) -> Result<f64, String> {
        parse_non_negative(text, "recency")
    }

    #[test]
    fn whole_number_accepts_plain_forms() {
        assert_eq!(whole("0"), Ok(0));
        assert_eq!(whole("3"), Ok(3));
        assert_eq!(whole("+3"), Ok(3));
        assert_eq!(whole("007"), Ok(7));
        assert_eq!(whole("3.0"), Ok(3));
        assert_eq!(whole("3."), Ok(3));
        assert_eq!(whole("-0"), Ok(0));
        assert_eq!(whole("4294967295"), Ok(4_294_967_295));
    }

    #[test]
    fn whole_number_rejects_fraction() {
        assert_eq!(whole("2.5"), Err("invalid frequency \"2.5\": it is not a whole number".to_string()));
    }

    #[test]
    fn whole_number_rejects_negative() {
        assert_eq!(whole("-1"), Err("invalid frequency \"-1\": it is negative".to_string()));
    }

    #[test]
    fn whole_number_rejects_beyond_maximum() {
        let expected = |text: &str| {
            Err(format!("invalid frequency {text:?}: it is greater than the maximum 4294967295"))
        };

        assert_eq!(whole("4294967296"), expected("4294967296"));
        assert_eq!(whole("99999999999999999999999"), expected("99999999999999999999999"));
        assert_eq!(
            parse_whole_number("18446744073709551616", "count", 1, u64::MAX),
            Err(
                "invalid count \"18446744073709551616\": it is greater than the maximum 18446744073709551615"
                    .to_string()
            )
        );
    }

    #[test]
    fn whole_number_rejects_below_minimum() {
        assert_eq!(
            parse_whole_number("0", "count", 1, u64::MAX),
            Err("invalid count \"0\": it is less than 1".to_string())
        );
    }

    #[test]
    fn whole_number_hints() {
        let problem = |text: &str| whole(text).unwrap_err();

        assert_eq!(problem(""), "invalid frequency \"\": the field is empty");
        assert_eq!(
            problem("1e3"),
            "invalid frequency \"1e3\": it is in scientific notation, so write it as the plain number 1000"
        );
        assert_eq!(problem("NaN"), "invalid frequency \"NaN\": it is not a finite number");
        assert_eq!(
            problem("1,234"),
            "invalid frequency \"1,234\": it has a thousands separator, so remove the separator, as in 1234"
        );
        assert_eq!(
            problem("three"),
            "invalid frequency \"three\": it is not a number: write a whole number such as 0 or 3"
        );
    }

    #[test]
    fn non_negative_accepts_numbers() {
        assert_eq!(duration("0"), Ok(0.0));
        assert_eq!(duration("6"), Ok(6.0));
        assert_eq!(duration("30.43"), Ok(30.43));
        assert_eq!(duration(".5"), Ok(0.5));
        assert_eq!(duration("1.5e2"), Ok(150.0));
    }

    #[test]
    fn non_negative_reads_negative_zero_as_zero() {
        let value = duration("-0").unwrap();

        assert_eq!(value, 0.0);
        assert!(value.is_sign_positive());
    }

    #[test]
    fn non_negative_rejects_negative_and_non_finite() {
        assert_eq!(duration("-0.5"), Err("invalid recency \"-0.5\": it is negative".to_string()));
        assert_eq!(duration("inf"), Err("invalid recency \"inf\": it is not a finite number".to_string()));
        assert_eq!(duration("NaN"), Err("invalid recency \"NaN\": it is not a finite number".to_string()));
        assert_eq!(
            duration("1e999"),
            Err("invalid recency \"1e999\": it is not a finite number".to_string())
        );
    }

    #[test]
    fn non_negative_hints() {
        let problem = |text: &str| duration(text).unwrap_err();

        assert_eq!(problem(""), "invalid recency \"\": the field is empty");
        assert_eq!(
            problem("2,5"),
            "invalid recency \"2,5\": it has a decimal comma, so write it with a decimal point, as 2.5"
        );
        assert_eq!(
            problem("6 weeks"),
            "invalid recency \"6 weeks\": it is not a number: write a number such as 0, 6 or 30.5"
        );
    }
}
