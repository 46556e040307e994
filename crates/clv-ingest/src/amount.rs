//! Parsing money values exactly into [`Decimal`], with a hint for each common
//! way a value can be written that this crate does not accept.

use rust_decimal::Decimal;

/// Characters that mark a value as money in some currency.
const CURRENCY_SYMBOLS: &[char] =
    &['$', '€', '£', '¥', '¢', '₹', '₩', '₽', '₺', '₪', '₫', '₱', '₦', '₴', '₸', '₿', '฿', '¤'];

/// Characters that group the digits of a number, apart from the comma.
const GROUP_SEPARATORS: &[char] = &['\'', '_', ' ', '\u{a0}', '\u{202f}'];

/// Parses a plain decimal such as `12.50`, `-3` or `+0.5` exactly, never through a float.
///
/// `column` names the column in messages (`amount` or `cost`). The error
/// message quotes the value and shows how to write it so that it parses.
pub(crate) fn parse_money(text: &str, column: &str) -> Result<Decimal, String> {
    if is_plain_decimal(text) {
        return Decimal::from_str_exact(text).map_err(|error| {
            let problem = match error {
                rust_decimal::Error::Underflow => "it has more than 28 decimal places",
                _ => "it is beyond the range of a decimal number (about 7.9e28)",
            };
            format!("invalid {column} {text:?}: {problem}")
        });
    }

    Err(format!("invalid {column} {text:?}: {}", diagnose(text, column)))
}

/// Returns whether `text` is an optional sign, digits and at most one decimal
/// point, with at least one digit.
pub(crate) fn is_plain_decimal(text: &str) -> bool {
    let unsigned = text.strip_prefix(['+', '-']).unwrap_or(text);
    let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    let all_digits = |part: &str| part.bytes().all(|byte| byte.is_ascii_digit());

    !(whole.is_empty() && fraction.is_empty()) && all_digits(whole) && all_digits(fraction)
}

/// Describes the problem with a value that is not a plain decimal, and its fix.
fn diagnose(text: &str, column: &str) -> String {
    if text.is_empty() {
        return "the field is empty".to_string();
    }
    if text.contains(CURRENCY_SYMBOLS) {
        return format!("it has a currency symbol, so remove the symbol from the {column} column");
    }
    if has_currency_code(text) {
        return format!("it has a currency code, so remove the code from the {column} column");
    }

    let lowercase = text.trim_start_matches(['+', '-']).to_ascii_lowercase();
    if matches!(lowercase.as_str(), "nan" | "inf" | "infinity") {
        return "it is not a finite number".to_string();
    }

    if let Some(inner) = text.strip_prefix('(').and_then(|rest| rest.strip_suffix(')')) {
        if is_plain_decimal(inner) && !inner.starts_with(['+', '-']) {
            return format!("write a negative value with a leading minus sign, as -{inner}");
        }
    }
    if text.contains(['e', 'E']) {
        if let Ok(value) = Decimal::from_scientific(text) {
            return format!("it is in scientific notation, so write it as the plain decimal {value}");
        }
    }

    if let Some(rewritten) = rewrite_grouped(text) {
        return rewritten;
    }

    "it is not a number: write a plain decimal such as 12.50 or -3".to_string()
}

/// Names the setting of the `[data]` section that reads `text`, a money
/// value that is not a plain decimal, when one does: `currency_symbol`,
/// `thousands_separator` or `decimal_separator`, with its value.
pub(crate) fn setting_hint(text: &str) -> Option<String> {
    let setting = if let Some(symbol) = text.chars().find(|c| CURRENCY_SYMBOLS.contains(c)) {
        format!("currency_symbol = \"{symbol}\"")
    } else if let Some(code) = currency_code(text) {
        format!("currency_symbol = \"{code}\"")
    } else if let Some(message) = rewrite_grouped(text) {
        let separator = text.chars().find(|c| *c == ',' || *c == '.' || GROUP_SEPARATORS.contains(c))?;
        if message.contains("decimal comma") {
            let thousands = if separator == ',' {
                String::new()
            } else {
                format!(" and thousands_separator = \"{separator}\"")
            };
            format!("decimal_separator = \",\"{thousands}")
        } else {
            format!("thousands_separator = \"{separator}\"")
        }
    } else {
        return None;
    };
    Some(format!(
        "if the whole column is written this way, set {setting} in the [data] section of the config"
    ))
}

/// Returns whether `text` is a number with a three-letter currency code before
/// or after it, such as `USD 12.50` or `12.50EUR`.
fn has_currency_code(text: &str) -> bool {
    currency_code(text).is_some()
}

/// Returns the three-letter currency code before or after the number in
/// `text`, such as `USD` in `USD 12.50` or `EUR` in `12.50EUR`.
fn currency_code(text: &str) -> Option<&str> {
    let is_code = |part: &str| part.len() == 3 && part.bytes().all(|byte| byte.is_ascii_uppercase());
    let is_number = |part: &str| {
        let part = part.trim();
        is_plain_decimal(part) || rewrite_grouped(part).is_some()
    };

    if text.get(..3).is_some_and(is_code) && text.get(3..).is_some_and(is_number) {
        return text.get(..3);
    }
    let split = text.len().saturating_sub(3);
    if text.get(split..).is_some_and(is_code) && text.get(..split).is_some_and(is_number) {
        return text.get(split..);
    }
    None
}

/// Explains a number written with thousands separators or a decimal comma,
/// such as `1,234.50`, `12,50` or `1.234,50`, and shows the plain form.
///
/// Returns `None` when `text` is not such a number.
pub(crate) fn rewrite_grouped(text: &str) -> Option<String> {
    let has_comma = text.contains(',');
    let has_group_separator = text.contains(GROUP_SEPARATORS);
    if !has_comma && !has_group_separator {
        return None;
    }

    // A comma is a decimal separator when it is the last separator and is not
    // followed by exactly three digits, as in 12,50 or 1.234,5. Otherwise it
    // groups thousands, as in 1,234 or 1,234.50. Both forms are rejected, so a
    // wrong guess for an ambiguous value such as 1,234 changes only the hint.
    let decimal_comma = text.rfind(',').is_some_and(|comma| {
        let after = &text[comma + 1..];
        let digits_after = after.bytes().take_while(u8::is_ascii_digit).count();
        after.len() == digits_after && (digits_after != 3 || text[..comma].contains('.'))
    });

    let plain: String = if decimal_comma {
        text.chars().filter(|c| *c != '.' && !GROUP_SEPARATORS.contains(c)).map(comma_to_point).collect()
    } else {
        text.chars().filter(|c| *c != ',' && !GROUP_SEPARATORS.contains(c)).collect()
    };
    if !is_plain_decimal(&plain) {
        return None;
    }

    if decimal_comma {
        Some(format!("it has a decimal comma, so write it with a decimal point, as {plain}"))
    } else {
        Some(format!("it has a thousands separator, so remove the separator, as in {plain}"))
    }
}

fn comma_to_point(c: char) -> char {
    if c == ',' { '.' } else { c }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;

    fn decimal(text: &str) -> Decimal {
        Decimal::from_str(text).unwrap()
    }

    fn problem(text: &str) -> String {
        parse_money(text, "amount").unwrap_err()
    }

    #[test]
    fn parses_plain_decimals_exactly() {
        assert_eq!(parse_money("12.50", "amount"), Ok(decimal("12.50")));
        assert_eq!(parse_money("-3", "amount"), Ok(decimal("-3")));
        assert_eq!(parse_money("+0.5", "amount"), Ok(decimal("0.5")));
        assert_eq!(parse_money(".25", "amount"), Ok(decimal("0.25")));
        assert_eq!(parse_money("0.1", "amount").unwrap().to_string(), "0.1");
        assert_eq!(parse_money("29.33", "amount").unwrap().to_string(), "29.33");
    }

    #[test]
    fn keeps_all_28_decimal_places() {
        let value = parse_money("0.1234567890123456789012345678", "amount").unwrap();

        assert_eq!(value.to_string(), "0.1234567890123456789012345678");
    }

    #[test]
    fn rejects_empty_value() {
        assert_eq!(problem(""), "invalid amount \"\": the field is empty");
    }

    #[test]
    fn rejects_currency_symbol() {
        assert_eq!(
            problem("$12.50"),
            "invalid amount \"$12.50\": it has a currency symbol, so remove the symbol from the amount column"
        );
        assert!(problem("12,50 €").contains("currency symbol"));
    }

    #[test]
    fn rejects_currency_code() {
        assert!(problem("USD 12.50").contains("currency code"));
        assert!(problem("12.50EUR").contains("currency code"));
    }

    #[test]
    fn rejects_thousands_separator() {
        assert_eq!(
            problem("1,234.50"),
            "invalid amount \"1,234.50\": it has a thousands separator, so remove the separator, as in 1234.50"
        );
        assert!(problem("1,234").ends_with("as in 1234"));
        assert!(problem("1 234.50").ends_with("as in 1234.50"));
        assert!(problem("1'234.50").ends_with("as in 1234.50"));
        assert!(problem("1_000").ends_with("as in 1000"));
    }

    #[test]
    fn rejects_decimal_comma() {
        assert_eq!(
            problem("12,50"),
            "invalid amount \"12,50\": it has a decimal comma, so write it with a decimal point, as 12.50"
        );
        assert!(problem("1.234,50").ends_with("as 1234.50"));
        assert!(problem("-0,5").ends_with("as -0.5"));
    }

    #[test]
    fn rejects_parentheses_for_negatives() {
        assert_eq!(
            problem("(12.50)"),
            "invalid amount \"(12.50)\": write a negative value with a leading minus sign, as -12.50"
        );
    }

    #[test]
    fn rejects_scientific_notation() {
        assert_eq!(
            problem("1.5e3"),
            "invalid amount \"1.5e3\": it is in scientific notation, so write it as the plain decimal 1500"
        );
    }

    #[test]
    fn rejects_non_numbers() {
        for text in ["abc", "12.5.0", "--1", "1-", "-", ".", "12 .5x"] {
            assert!(problem(text).contains("it is not a number"), "{text}: {}", problem(text));
        }
        assert!(problem("NaN").contains("not a finite number"));
        assert!(problem("-inf").contains("not a finite number"));
    }

    #[test]
    fn rejects_values_beyond_range() {
        assert_eq!(
            problem("99999999999999999999999999999"),
            "invalid amount \"99999999999999999999999999999\": it is beyond the range of a decimal number (about 7.9e28)"
        );
        assert_eq!(
            problem("0.00000000000000000000000000001"),
            "invalid amount \"0.00000000000000000000000000001\": it has more than 28 decimal places"
        );
    }

    #[test]
    fn hint_names_the_setting() {
        let hint = |text: &str| setting_hint(text).unwrap();

        assert_eq!(
            hint("$12.50"),
            "if the whole column is written this way, set currency_symbol = \"$\" in the [data] section \
             of the config"
        );
        assert!(hint("12.50 EUR").contains("currency_symbol = \"EUR\""));
        assert!(hint("1,234.50").contains("set thousands_separator = \",\" in"));
        assert!(hint("1 234").contains("set thousands_separator = \" \" in"));
        assert!(hint("12,50").contains("set decimal_separator = \",\" in"));
        assert!(
            hint("1.234,50").contains("set decimal_separator = \",\" and thousands_separator = \".\" in")
        );
        assert_eq!(setting_hint("abc"), None);
        assert_eq!(setting_hint("1e3"), None);
    }

    #[test]
    fn names_cost_column() {
        let message = parse_money("$3", "cost").unwrap_err();

        assert_eq!(
            message,
            "invalid cost \"$3\": it has a currency symbol, so remove the symbol from the cost column"
        );
    }
}
