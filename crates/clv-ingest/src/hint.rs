//! Guessing the field separator of a row that was read as a single field.

use crate::spec::{Format, describe_byte};

/// Delimiters to look for, in the order that breaks a tie between equal
/// counts, with the value of the config's `separator` setting that selects each.
const CANDIDATE_DELIMITERS: [(u8, &str); 4] =
    [(b',', "comma"), (b';', "semicolon"), (b'\t', "tab"), (b'|', "pipe")];

/// Suggests another separator for `row`, a row that `format` read as one field.
///
/// The suggestion is the candidate delimiter that occurs most often in the row,
/// or for a delimited format, the whitespace format when the row has inner
/// spaces. Returns `None` when nothing in the row looks like a separator.
pub(crate) fn guess_separator(row: &[u8], format: Format) -> Option<String> {
    let row = row.trim_ascii();
    let configured = match format {
        Format::Delimited { delimiter } => Some(delimiter),
        Format::Whitespace => None,
    };

    let mut best: Option<(u8, &str, usize)> = None;
    for (candidate, setting) in CANDIDATE_DELIMITERS {
        if Some(candidate) == configured || (configured.is_none() && candidate.is_ascii_whitespace()) {
            continue;
        }
        let count = row.iter().filter(|&&byte| byte == candidate).count();
        if count > 0 && best.is_none_or(|(_, _, best_count)| count > best_count) {
            best = Some((candidate, setting, count));
        }
    }

    match (best, format) {
        (Some((delimiter, _, _)), Format::Delimited { .. }) => {
            Some(format!("is the delimiter {}?", describe_byte(delimiter)))
        }
        (Some((delimiter, setting, _)), Format::Whitespace) => Some(format!(
            "is the delimiter {}? If so, set separator = \"{setting}\" in the [data] section of the config",
            describe_byte(delimiter)
        )),
        (None, Format::Delimited { .. }) if row.contains(&b' ') => {
            Some("are the fields separated by spaces? If so, use the whitespace format".to_string())
        }
        (None, _) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const COMMA: Format = Format::Delimited { delimiter: b',' };

    #[test]
    fn suggests_semicolon_for_comma_format() {
        assert_eq!(
            guess_separator(b"0004;1997-01-01;29.33", COMMA),
            Some("is the delimiter ';'?".to_string())
        );
    }

    #[test]
    fn suggests_tab_escaped() {
        assert_eq!(
            guess_separator(b"0004\t1997-01-01\t29.33", COMMA),
            Some("is the delimiter '\\t'?".to_string())
        );
    }

    #[test]
    fn suggests_most_frequent_candidate() {
        // One comma inside a value, but three pipes between the fields.
        let format = Format::Delimited { delimiter: b';' };
        assert_eq!(guess_separator(b"a|b,c|d|e", format), Some("is the delimiter '|'?".to_string()));
    }

    #[test]
    fn never_suggests_configured_delimiter() {
        let format = Format::Delimited { delimiter: b';' };
        assert_eq!(guess_separator(b"abc;def", format), None);
    }

    #[test]
    fn suggests_whitespace_format_for_spaced_row() {
        let hint = guess_separator(b" 0004  1  19970101  2  29.33", COMMA).unwrap();

        assert!(hint.contains("whitespace format"), "{hint}");
    }

    #[test]
    fn suggests_separator_setting_for_whitespace() {
        let hint = guess_separator(b"0004,19970101,29.33", Format::Whitespace).unwrap();

        assert_eq!(
            hint,
            "is the delimiter ','? If so, set separator = \"comma\" in the [data] section of the config"
        );
    }

    #[test]
    fn names_setting_of_each_candidate() {
        let hint = |row: &[u8]| guess_separator(row, Format::Whitespace).unwrap();

        assert!(hint(b"a;b;c").contains("separator = \"semicolon\""));
        assert!(hint(b"a|b|c").contains("separator = \"pipe\""));
    }

    #[test]
    fn no_hint_for_single_value() {
        assert_eq!(guess_separator(b"29.33", COMMA), None);
        assert_eq!(guess_separator(b"29.33", Format::Whitespace), None);
    }
}
