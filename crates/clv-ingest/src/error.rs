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

    /// A column is selected by name, but the spec says the file has no header row.
    #[error(
        "{}: column {name:?} is selected by name, but has_header is false: \
         set has_header = true or select the column by its 0-based index",
        path.display()
    )]
    NameWithoutHeader { path: PathBuf, name: String },

    /// A column is selected by name, but the file is empty, so it has no header row.
    #[error(
        "{}: column {name:?} is selected by name, but the file has no header row because it is empty",
        path.display()
    )]
    MissingHeader { path: PathBuf, name: String },

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
