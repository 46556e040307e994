//! Money formats of the amount and cost columns other than plain decimals:
//! a currency symbol, a thousands separator or a decimal comma.
//!
//! By default every one of these is rejected with a hint, because a guess
//! could read `1,234` as 1234 in one file and as 1.234 in another. A file
//! that writes money this way declares it in its spec, and then every value
//! of the column must follow that one format.

use std::borrow::Cow;

use rust_decimal::Decimal;

use crate::amount::{parse_money, setting_hint};

/// The format of the money values in the amount and cost columns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AmountFormat {
    /// A currency symbol or code that may stand before or after the number,
    /// such as `$`, `€` or `USD`, with or without a space. A value without it
    /// is accepted too.
    pub currency_symbol: Option<String>,
    /// The character that groups the digits before the decimal separator in
    /// threes, such as `,` in `1,234.50`. Groups are checked: `1,23.5` is invalid.
    pub thousands_separator: Option<char>,
    /// The character before the decimal places: `.` or `,`.
    pub decimal_separator: char,
}

impl Default for AmountFormat {
    /// Plain decimals: no currency symbol, no thousands separator and a decimal point.
    fn default() -> AmountFormat {
        AmountFormat { currency_symbol: None, thousands_separator: None, decimal_separator: '.' }
    }
}

/// Characters a thousands separator may be.
const THOUSANDS_SEPARATORS: &[char] = &[',', '.', ' ', '\'', '_', '\u{a0}', '\u{202f}'];

impl AmountFormat {
    /// Returns whether this is the default format of plain decimals.
    pub fn is_plain(&self) -> bool {
        *self == AmountFormat::default()
    }

    /// Checks that the format is unambiguous, or explains why it is not.
    pub(crate) fn check(&self) -> Result<(), String> {
        if !matches!(self.decimal_separator, '.' | ',') {
            return Err(format!("decimal_separator {:?} must be \".\" or \",\"", self.decimal_separator));
        }
        if let Some(separator) = self.thousands_separator {
            if !THOUSANDS_SEPARATORS.contains(&separator) {
                return Err(format!(
                    "thousands_separator {separator:?} must be one of \",\", \".\", \" \", \"'\" or \"_\""
                ));
            }
            if separator == self.decimal_separator {
                return Err(format!(
                    "thousands_separator and decimal_separator are both {separator:?}, so a value such as \
                     1{separator}234 is ambiguous: set them to different characters"
                ));
            }
        }
        if let Some(symbol) = &self.currency_symbol {
            let invalid = |c: char| c.is_ascii_digit() || c.is_whitespace() || "+-.,()".contains(c);
            if symbol.is_empty() || symbol.chars().any(invalid) {
                return Err(format!(
                    "currency_symbol {symbol:?} must be a non-empty symbol or code without digits, signs, \
                     separators or spaces, such as \"$\" or \"EUR\""
                ));
            }
        }
        Ok(())
    }

    /// Parses a money value written in this format exactly into a `Decimal`.
    ///
    /// `column` names the column in messages (`amount` or `cost`). A message
    /// quotes the value as written.
    ///
    /// A value that is not a plain decimal gets a hint that names the
    /// setting that would read it, when one would.
    pub(crate) fn parse(&self, text: &str, column: &str) -> Result<Decimal, String> {
        if self.is_plain() {
            return parse_money(text, column).map_err(|message| match setting_hint(text) {
                Some(hint) => format!("{message}; {hint}"),
                None => message,
            });
        }
        let plain = self.to_plain(text).map_err(|problem| format!("invalid {column} {text:?}: {problem}"))?;
        parse_money(&plain, column).map_err(|message| {
            // Quote the value as written, not its rewritten form.
            message.replacen(&format!("{plain:?}"), &format!("{text:?}"), 1)
        })
    }

    /// Rewrites `text` as a plain decimal: the currency symbol dropped, the
    /// groups joined and the decimal separator made a point.
    fn to_plain<'a>(&self, text: &'a str) -> Result<Cow<'a, str>, String> {
        let (sign, unsigned) = split_sign(text);
        let number = match &self.currency_symbol {
            Some(symbol) => strip_symbol(unsigned, symbol),
            None => unsigned,
        };
        // A sign may also stand between the symbol and the number, as in $-5.
        let (inner_sign, number) = split_sign(number);
        if !sign.is_empty() && !inner_sign.is_empty() {
            return Err("it has two signs".to_string());
        }
        let sign = if sign.is_empty() { inner_sign } else { sign };

        let (whole, fraction) = match number.split_once(self.decimal_separator) {
            Some((whole, fraction)) => (whole, Some(fraction)),
            None => (number, None),
        };
        let whole = match self.thousands_separator {
            Some(separator) if whole.contains(separator) => Cow::Owned(join_groups(whole, separator)?),
            _ => Cow::Borrowed(whole),
        };

        let mut plain = String::with_capacity(text.len());
        plain.push_str(sign);
        plain.push_str(&whole);
        if let Some(fraction) = fraction {
            plain.push('.');
            plain.push_str(fraction);
        }
        Ok(Cow::Owned(plain))
    }
}

/// Splits a leading `+` or `-` from `text`.
fn split_sign(text: &str) -> (&str, &str) {
    match text.as_bytes().first() {
        Some(b'+' | b'-') => text.split_at(1),
        _ => ("", text),
    }
}

/// Removes `symbol` from the start or the end of `text`, with the spaces
/// between them.
fn strip_symbol<'a>(text: &'a str, symbol: &str) -> &'a str {
    if let Some(rest) = text.strip_prefix(symbol) {
        return rest.trim_start();
    }
    if let Some(rest) = text.strip_suffix(symbol) {
        return rest.trim_end();
    }
    text
}

/// Joins digit groups such as `1,234,567` into `1234567`, checking that the
/// first group has 1 to 3 digits and every later group exactly 3.
fn join_groups(whole: &str, separator: char) -> Result<String, String> {
    let mut groups = whole.split(separator);
    let first = groups.next().unwrap_or_default();
    let is_digits = |group: &str| group.bytes().all(|byte| byte.is_ascii_digit());
    if !(1..=3).contains(&first.len()) || !is_digits(first) {
        return Err(format!(
            "the digits before the first thousands separator {separator:?} are not 1 to 3 digits"
        ));
    }

    let mut joined = first.to_string();
    for group in groups {
        if group.len() != 3 || !is_digits(group) {
            return Err(format!(
                "the group {group:?} after a thousands separator {separator:?} is not 3 digits"
            ));
        }
        joined.push_str(group);
    }
    Ok(joined)
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;

    fn format(symbol: Option<&str>, thousands: Option<char>, decimal: char) -> AmountFormat {
        AmountFormat {
            currency_symbol: symbol.map(str::to_string),
            thousands_separator: thousands,
            decimal_separator: decimal,
        }
    }

    fn decimal(text: &str) -> Decimal {
        Decimal::from_str(text).unwrap()
    }

    #[test]
    fn dollar_and_comma_groups() {
        let dollars = format(Some("$"), Some(','), '.');

        for (text, expected) in [
            ("$1,234.50", "1234.50"),
            ("1,234.50", "1234.50"),
            ("-$1,234", "-1234"),
            ("$-12", "-12"),
            ("$ 12.5", "12.5"),
            ("12.5$", "12.5"),
            ("1,234,567", "1234567"),
            ("999", "999"),
        ] {
            assert_eq!(dollars.parse(text, "amount"), Ok(decimal(expected)), "{text}");
        }
    }

    #[test]
    fn euro_with_decimal_comma() {
        let euro = format(Some("€"), Some('.'), ',');

        assert_eq!(euro.parse("1.234,50 €", "amount"), Ok(decimal("1234.50")));
        assert_eq!(euro.parse("-0,5", "amount"), Ok(decimal("-0.5")));
        assert_eq!(euro.parse("12", "amount"), Ok(decimal("12")));
    }

    #[test]
    fn currency_code_after_number() {
        let usd = format(Some("USD"), None, '.');

        assert_eq!(usd.parse("12.50 USD", "amount"), Ok(decimal("12.50")));
        assert_eq!(usd.parse("USD12.50", "amount"), Ok(decimal("12.50")));
    }

    #[test]
    fn misplaced_groups_are_rejected() {
        let dollars = format(None, Some(','), '.');

        assert_eq!(
            dollars.parse("1,23.5", "amount"),
            Err(
                "invalid amount \"1,23.5\": the group \"23\" after a thousands separator ',' is not 3 digits"
                    .to_string()
            )
        );
        assert!(dollars.parse("1234,567", "amount").unwrap_err().contains("not 1 to 3 digits"));
        assert!(dollars.parse(",123", "amount").unwrap_err().contains("not 1 to 3 digits"));
    }

    #[test]
    fn other_symbol_is_rejected_with_value_as_written() {
        let dollars = format(Some("$"), Some(','), '.');

        let message = dollars.parse("€12", "amount").unwrap_err();

        assert!(message.starts_with("invalid amount \"€12\": it has a currency symbol"), "{message}");
    }

    #[test]
    fn two_signs_are_rejected() {
        let dollars = format(Some("$"), None, '.');

        assert_eq!(dollars.parse("-$-5", "cost"), Err("invalid cost \"-$-5\": it has two signs".to_string()));
    }

    #[test]
    fn plain_format_is_unchanged() {
        let plain = AmountFormat::default();

        assert!(plain.is_plain());
        assert_eq!(plain.parse("12.50", "amount"), Ok(decimal("12.50")));
        assert!(plain.parse("$12.50", "amount").is_err());
    }

    #[test]
    fn check_rejects_ambiguous_formats() {
        assert!(format(None, Some(','), ',').check().unwrap_err().contains("ambiguous"));
        assert!(format(None, None, ';').check().unwrap_err().contains("decimal_separator"));
        assert!(format(None, Some('x'), '.').check().unwrap_err().contains("thousands_separator"));
        assert!(format(Some("1$"), None, '.').check().unwrap_err().contains("currency_symbol"));
        assert!(format(Some(""), None, '.').check().unwrap_err().contains("currency_symbol"));
        assert_eq!(format(Some("€"), Some('.'), ',').check(), Ok(()));
    }
}
