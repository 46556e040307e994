//! The description of a transaction log: where it is, how its fields are
//! separated and which columns hold the customer, date, amount and cost.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::amount_format::AmountFormat;
use crate::customer_id::CustomerIds;
use crate::error::IngestError;

/// Where a transaction log is and how to read it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceSpec {
    /// Path of the transaction log.
    pub path: PathBuf,
    /// How the fields of a line are separated.
    pub format: Format,
    /// Whether the first non-blank line is a header row of column names.
    pub has_header: bool,
    /// Column of the customer id.
    pub customer: ColumnRef,
    /// Column of the purchase date.
    pub date: ColumnRef,
    /// Column of the amount paid.
    pub amount: ColumnRef,
    /// Column of the cost of the goods sold, if the log has one.
    pub cost: Option<ColumnRef>,
    /// Format of the date column in jiff's strftime syntax, such as `%Y%m%d` or
    /// `%Y-%m-%d %H:%M:%S`. Every row uses this one format.
    pub date_format: String,
    /// What to do with a row that cannot be read as a transaction.
    pub invalid_rows: InvalidRowPolicy,
    /// How the amount and cost columns write money.
    pub amount_format: AmountFormat,
    /// How customer ids are compared.
    pub customer_ids: CustomerIds,
}

impl SourceSpec {
    /// Creates a spec for a comma-separated file with a header row, dates
    /// written as `%Y-%m-%d`, plain decimal amounts, exact customer ids, no
    /// cost column and [`InvalidRowPolicy::Error`].
    pub fn new(
        path: impl Into<PathBuf>,
        customer: impl Into<ColumnRef>,
        date: impl Into<ColumnRef>,
        amount: impl Into<ColumnRef>,
    ) -> SourceSpec {
        SourceSpec {
            path: path.into(),
            format: Format::default(),
            has_header: true,
            customer: customer.into(),
            date: date.into(),
            amount: amount.into(),
            cost: None,
            date_format: "%Y-%m-%d".to_string(),
            invalid_rows: InvalidRowPolicy::default(),
            amount_format: AmountFormat::default(),
            customer_ids: CustomerIds::default(),
        }
    }

    /// Checks the settings that do not depend on the file's content.
    pub(crate) fn validate(&self) -> Result<(), IngestError> {
        validate_format(&self.path, self.format)?;

        if self.date_format.trim().is_empty() {
            return Err(IngestError::InvalidDateFormat {
                path: self.path.clone(),
                format: self.date_format.clone(),
                message: "the format is empty".to_string(),
            });
        }
        if let Err(message) = crate::date::check_date_format(&self.date_format) {
            return Err(IngestError::InvalidDateFormat {
                path: self.path.clone(),
                format: self.date_format.clone(),
                message,
            });
        }
        if let Err(message) = self.amount_format.check() {
            return Err(IngestError::InvalidAmountFormat { path: self.path.clone(), message });
        }

        Ok(())
    }
}

/// How the fields of a line are separated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Fields separated by one delimiter byte (such as `b','`, `b'\t'`, `b';'` or
    /// `b'|'`), with double quotes around fields that contain it.
    Delimited { delimiter: u8 },
    /// Fields separated by runs of spaces and tabs, without quoting.
    Whitespace,
}

impl Default for Format {
    /// Comma-separated values.
    fn default() -> Format {
        Format::Delimited { delimiter: b',' }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Format::Delimited { delimiter } => write!(f, "delimited by {}", describe_byte(*delimiter)),
            Format::Whitespace => f.write_str("whitespace-separated"),
        }
    }
}

/// A column of the file, selected by header name or by position.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ColumnRef {
    /// The column whose header name, with surrounding whitespace trimmed, is
    /// exactly this name, also trimmed. It requires `has_header`, and a header
    /// row in which more than one column has the name is rejected.
    Name(String),
    /// The column at this 0-based position.
    Index(usize),
}

impl From<&str> for ColumnRef {
    fn from(name: &str) -> ColumnRef {
        ColumnRef::Name(name.to_string())
    }
}

impl From<String> for ColumnRef {
    fn from(name: String) -> ColumnRef {
        ColumnRef::Name(name)
    }
}

impl From<usize> for ColumnRef {
    fn from(index: usize) -> ColumnRef {
        ColumnRef::Index(index)
    }
}

impl fmt::Display for ColumnRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ColumnRef::Name(name) => write!(f, "{name:?}"),
            ColumnRef::Index(index) => write!(f, "index {index}"),
        }
    }
}

/// What to do with a row that cannot be read as a transaction or a summary record.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum InvalidRowPolicy {
    /// Stop at the first invalid row with an error that names it.
    #[default]
    Error,
    /// Skip invalid rows, counting them in the [`IngestReport`](crate::IngestReport).
    Skip,
}

/// Checks that the delimiter of a delimited `format` can separate fields.
pub(crate) fn validate_format(path: &Path, format: Format) -> Result<(), IngestError> {
    if let Format::Delimited { delimiter } = format {
        let reason = match delimiter {
            b'"' => Some("it is the quote character"),
            b'\n' | b'\r' => Some("it ends a line"),
            0x80.. => Some("it is not an ASCII character"),
            _ => None,
        };
        if let Some(reason) = reason {
            return Err(IngestError::InvalidDelimiter {
                path: path.to_path_buf(),
                delimiter: describe_byte(delimiter),
                reason,
            });
        }
    }
    Ok(())
}

/// Writes a delimiter byte readably: `','`, `'\t'` or `0xff`.
pub(crate) fn describe_byte(byte: u8) -> String {
    if byte.is_ascii() { format!("{:?}", char::from(byte)) } else { format!("{byte:#04x}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> SourceSpec {
        SourceSpec::new("data.csv", "customer", "date", 2)
    }

    #[test]
    fn new_sets_documented_defaults() {
        let spec = spec();

        assert_eq!(spec.format, Format::Delimited { delimiter: b',' });
        assert!(spec.has_header);
        assert_eq!(spec.customer, ColumnRef::Name("customer".to_string()));
        assert_eq!(spec.amount, ColumnRef::Index(2));
        assert_eq!(spec.cost, None);
        assert_eq!(spec.date_format, "%Y-%m-%d");
        assert_eq!(spec.invalid_rows, InvalidRowPolicy::Error);
    }

    #[test]
    fn validate_accepts_common_delimiters() {
        for delimiter in [b',', b';', b'\t', b'|', b' '] {
            let spec = SourceSpec { format: Format::Delimited { delimiter }, ..spec() };
            assert!(spec.validate().is_ok(), "delimiter {delimiter}");
        }
    }

    #[test]
    fn validate_rejects_quote_delimiter() {
        let spec = SourceSpec { format: Format::Delimited { delimiter: b'"' }, ..spec() };

        let message = spec.validate().unwrap_err().to_string();

        assert!(message.contains("data.csv"), "{message}");
        assert!(message.contains("'\"'"), "{message}");
        assert!(message.contains("quote character"), "{message}");
    }

    #[test]
    fn validate_rejects_line_end_delimiter() {
        let spec = SourceSpec { format: Format::Delimited { delimiter: b'\n' }, ..spec() };

        let message = spec.validate().unwrap_err().to_string();

        assert!(message.contains("'\\n'"), "{message}");
        assert!(message.contains("ends a line"), "{message}");
    }

    #[test]
    fn validate_rejects_empty_date_format() {
        let spec = SourceSpec { date_format: " ".to_string(), ..spec() };

        let message = spec.validate().unwrap_err().to_string();

        assert!(message.contains("date_format"), "{message}");
        assert!(message.contains("empty"), "{message}");
    }

    #[test]
    fn describe_byte_escapes_tab() {
        assert_eq!(describe_byte(b','), "','");
        assert_eq!(describe_byte(b'\t'), "'\\t'");
        assert_eq!(describe_byte(0xff), "0xff");
    }

    #[test]
    fn column_ref_display() {
        assert_eq!(ColumnRef::from("order date").to_string(), "\"order date\"");
        assert_eq!(ColumnRef::from(3).to_string(), "index 3");
    }
}
