//! Errors that stop reading a transaction log or a summary file.

use std::io;
use std::path::PathBuf;

use crate::report::RejectedRow;

/// An error that stops reading a transaction log or a summary file.
///
/// Every message names the file. The OS error of the open and read errors is
/// part of the message, so `source()` returns `None` for them and an error
/// chain does not print it twice.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum IngestError {
    /// The transaction log could not be opened.
    #[error("failed to open transaction log {}: {error}", path.display())]
    Open { path: PathBuf, error: io::Error },

    /// Reading the transaction log failed. `line` is the line on which the last
    /// record read starts, or 0 when none was read.
    #[error("failed to read transaction log {} after line {line}: {error}", path.display())]
    Read { path: PathBuf, line: u64, error: io::Error },

    /// The summary file could not be opened.
    #[error("failed to open summary file {}: {error}", path.display())]
    OpenSummary { path: PathBuf, error: io::Error },

    /// Reading the summary file failed. `line` is the line on which the last
    /// record read starts, or 0 when none was read.
    #[error("failed to read summary file {} after line {line}: {error}", path.display())]
    ReadSummary { path: PathBuf, line: u64, error: io::Error },

    /// The delimiter of a delimited format cannot separate fields.
    #[error(
        "{}: invalid delimiter {delimiter} because {reason}: choose another delimiter, \
         such as ',', ';', '\\t' or '|'",
        path.display()
    )]
    InvalidDelimiter { path: PathBuf, delimiter: String, reason: &'static str },

    /// The date format cannot read a calendar day.
    #[error(
        "{}: invalid date_format {format:?}: {message}; write it in strftime syntax, \
         such as \"%Y-%m-%d\" or \"%Y%m%d\"",
        path.display()
    )]
    InvalidDateFormat { path: PathBuf, format: String, message: String },

    /// The amount format is ambiguous or cannot be parsed.
    #[error("{}: invalid amount format: {message}", path.display())]
    InvalidAmountFormat { path: PathBuf, message: String },

    /// A column is selected by name, but the spec says the file has no header row.
    #[error(
        "{}: column {name:?} is selected by name, but the file has no header row (header = false): \
         set header = true in the [data] section of the config or select the column by its 0-based index",
        path.display()
    )]
    NameWithoutHeader { path: PathBuf, name: String },

    /// The file is empty or contains only blank lines. `header` and `row` are
    /// examples of a valid header row and data row for the spec. `header` is
    /// `None` when the spec says that the file has no header row.
    #[error(
        "{}: the file is empty or contains only blank lines: check the path; {}",
        path.display(),
        describe_first_line(header.as_deref(), row)
    )]
    EmptyFile { path: PathBuf, header: Option<String>, row: String },

    /// The file looks like UTF-16 text, but only UTF-8 is read. `encoding` is
    /// the name under which iconv reads the file, when the byte order is known.
    #[error(
        "{}: the file looks like UTF-16 because {reason}, but it must be UTF-8: convert it to UTF-8{}",
        path.display(),
        encoding.map(|encoding| format!(", such as with `iconv -f {encoding} -t UTF-8`")).unwrap_or_default()
    )]
    Utf16 { path: PathBuf, reason: &'static str, encoding: Option<&'static str> },

    /// A column is selected by a name that more than one column of the header row has.
    #[error(
        "{}: column {name:?} is ambiguous because the header row has it at 0-based positions {}: \
         rename one of the columns or select the column by its 0-based index",
        path.display(),
        list_positions(positions)
    )]
    DuplicateColumn { path: PathBuf, name: String, positions: Vec<usize> },

    /// No header name matches a selected column.
    #[error(
        "{}: column {name:?} not found in the header row, which has {}{}",
        path.display(),
        list_names(found),
        hint.as_deref().map(|hint| format!("; {hint}")).unwrap_or_default()
    )]
    UnknownColumn { path: PathBuf, name: String, found: Vec<String>, hint: Option<String> },

    /// A row is invalid and the policy is [`InvalidRowPolicy::Error`](crate::InvalidRowPolicy::Error).
    #[error(
        "{}:{}: column {}: {}; {}",
        path.display(),
        row.line,
        row.column,
        row.message,
        row.reason.remedy()
    )]
    InvalidRow { path: PathBuf, row: Box<RejectedRow> },

    /// A quote opens a field and is not closed on its line: a selected field
    /// contains a line break, or a field of any column is still open at the
    /// end of the file. `line` is the line of the quote, and `value` is the
    /// field's first line, shortened.
    ///
    /// This stops the reading under both policies, because the lines after
    /// the quote became part of the field, and skipping the row would lose
    /// their rows without counting them. The row is not counted in the report.
    #[error(
        "{}:{line}: column {column}: the quote that opens the value {value:?} is not closed on its line, \
         so the following lines become part of this value instead of rows; close the quote or remove it",
        path.display()
    )]
    UnclosedQuote { path: PathBuf, line: u64, column: String, value: String },
}

/// Describes the first line of a valid file: `a header row such as "a,b",
/// followed by rows such as "1,2"`, or `a row such as "1,2"` without a header row.
fn describe_first_line(header: Option<&str>, row: &str) -> String {
    match header {
        Some(header) => {
            format!("a valid first line is a header row such as {header:?}, followed by rows such as {row:?}")
        }
        None => format!("a valid first line is a row such as {row:?}"),
    }
}

/// Lists 0-based positions for a message: `2 and 3`, or `1, 4 and 6`.
fn list_positions(positions: &[usize]) -> String {
    let texts: Vec<String> = positions.iter().map(usize::to_string).collect();
    match texts.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => texts.join(""),
    }
}

/// Lists header names for a message: `3 columns: "customer", "date", "amount"`.
fn list_names(names: &[String]) -> String {
    let quoted: Vec<String> = names.iter().map(|name| format!("{name:?}")).collect();
    let noun = if names.len() == 1 { "column" } else { "columns" };
    format!("{} {noun}: {}", names.len(), quoted.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::RejectReason;

    #[test]
    fn open_error_names_path_and_os_error() {
        let error = IngestError::Open {
            path: PathBuf::from("missing.csv"),
            error: io::Error::new(io::ErrorKind::NotFound, "No such file or directory"),
        };

        let message = error.to_string();

        assert_eq!(message, "failed to open transaction log missing.csv: No such file or directory");
        assert!(std::error::Error::source(&error).is_none());
    }

    #[test]
    fn unknown_column_lists_found_names() {
        let error = IngestError::UnknownColumn {
            path: PathBuf::from("data.csv"),
            name: "amount".to_string(),
            found: vec!["customer".to_string(), "date".to_string(), "total".to_string()],
            hint: None,
        };

        assert_eq!(
            error.to_string(),
            "data.csv: column \"amount\" not found in the header row, which has 3 columns: \
             \"customer\", \"date\", \"total\""
        );
    }

    #[test]
    fn read_error_names_line_and_os_error() {
        let error = IngestError::Read {
            path: PathBuf::from("data.csv"),
            line: 7,
            error: io::Error::other("Input/output error"),
        };

        assert_eq!(
            error.to_string(),
            "failed to read transaction log data.csv after line 7: Input/output error"
        );
        assert!(std::error::Error::source(&error).is_none());
    }

    #[test]
    fn duplicate_column_lists_positions() {
        let error = IngestError::DuplicateColumn {
            path: PathBuf::from("data.csv"),
            name: "amount".to_string(),
            positions: vec![1, 4, 6],
        };

        assert_eq!(
            error.to_string(),
            "data.csv: column \"amount\" is ambiguous because the header row has it at 0-based positions \
             1, 4 and 6: rename one of the columns or select the column by its 0-based index"
        );
    }

    #[test]
    fn list_positions_joins_with_and() {
        assert_eq!(list_positions(&[3]), "3");
        assert_eq!(list_positions(&[2, 3]), "2 and 3");
        assert_eq!(list_positions(&[0, 2, 5]), "0, 2 and 5");
    }

    #[test]
    fn empty_file_shows_header_and_row() {
        let error = IngestError::EmptyFile {
            path: PathBuf::from("data.csv"),
            header: Some("customer,date,amount".to_string()),
            row: "0004,2024-01-05,12.50".to_string(),
        };

        assert_eq!(
            error.to_string(),
            "data.csv: the file is empty or contains only blank lines: check the path; a valid first line \
             is a header row such as \"customer,date,amount\", followed by rows such as \"0004,2024-01-05,12.50\""
        );
    }

    #[test]
    fn utf16_without_byte_order_omits_iconv() {
        let error = IngestError::Utf16 {
            path: PathBuf::from("data.csv"),
            reason: "its first line contains NUL bytes",
            encoding: None,
        };

        assert_eq!(
            error.to_string(),
            "data.csv: the file looks like UTF-16 because its first line contains NUL bytes, \
             but it must be UTF-8: convert it to UTF-8"
        );
    }

    #[test]
    fn invalid_row_names_line_column_and_remedy() {
        let row = RejectedRow {
            line: 12,
            column: "2 (date)".to_string(),
            value: "1997-13-01".to_string(),
            reason: RejectReason::InvalidDate,
            message: "invalid date \"1997-13-01\" for format \"%Y%m%d\"".to_string(),
        };
        let error = IngestError::InvalidRow { path: PathBuf::from("data.csv"), row: Box::new(row) };

        assert_eq!(
            error.to_string(),
            "data.csv:12: column 2 (date): invalid date \"1997-13-01\" for format \"%Y%m%d\"; \
             fix the row, set date_format to match the file, or set invalid_rows = \"skip\""
        );
    }
}
