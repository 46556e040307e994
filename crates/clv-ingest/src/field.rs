//! Reading the selected fields of a record, and the rejections of a record
//! that lacks a selected field or has a field that is not UTF-8.

use crate::columns::{Column, SelectedColumns};
use crate::hint::guess_separator;
use crate::report::{RejectReason, RejectedRow};
use crate::source::Record;
use crate::spec::Format;

/// Maximum number of characters of a whole row kept in a rejection.
const MAX_ROW_CHARS: usize = 200;

/// Checks that each record has every selected column, and suggests another
/// separator while every row, the header row included, has had one field.
pub(crate) struct FieldCount {
    format: Format,
    /// Whether every row so far, the header row included, had exactly one field.
    single_field_rows_only: bool,
}

impl FieldCount {
    /// Creates a check for files in `format`. `header_fields` is the number of
    /// fields in the header row, or `None` when the file has none.
    pub(crate) fn new(format: Format, header_fields: Option<usize>) -> FieldCount {
        let single_field_rows_only = header_fields.is_none_or(|count| count == 1);
        FieldCount { format, single_field_rows_only }
    }

    /// Returns a rejection when `record` has fewer fields than `columns` needs.
    pub(crate) fn check(
        &mut self,
        record: &Record<'_>,
        columns: &impl SelectedColumns,
    ) -> Result<(), RejectedRow> {
        let single_field_rows_so_far = self.single_field_rows_only;
        if record.len() != 1 {
            self.single_field_rows_only = false;
        }
        if record.len() < columns.min_fields() {
            return Err(self.missing_field(record, columns, single_field_rows_so_far));
        }
        Ok(())
    }

    /// Builds the rejection of a row with too few fields, located at the first
    /// missing column.
    fn missing_field(
        &self,
        record: &Record<'_>,
        columns: &impl SelectedColumns,
        single_field_rows_so_far: bool,
    ) -> RejectedRow {
        let found = record.len();
        let expected = columns.min_fields();
        let column = columns
            .with_roles()
            .map(|(_, column)| column)
            .filter(|column| column.index >= found)
            .min_by_key(|column| column.index)
            .expect("a row with fewer fields than min_fields lacks a selected column");

        let noun = if found == 1 { "field" } else { "fields" };
        let mut message = format!("found {found} {noun}, expected at least {expected}");
        if found == 1 && single_field_rows_so_far {
            let row = record.field(0).unwrap_or_default();
            if let Some(hint) = guess_separator(row, self.format) {
                message = format!("{message}: {hint}");
            }
        }

        let separator = match self.format {
            Format::Delimited { delimiter } => char::from(delimiter).to_string(),
            Format::Whitespace => " ".to_string(),
        };
        let row = truncate(record.join_fields(&separator), MAX_ROW_CHARS);
        RejectedRow {
            line: record.line,
            column: column.label.clone(),
            value: row,
            reason: RejectReason::MissingField,
            message,
        }
    }
}

/// Returns the text of a selected field, or a rejection when it is not UTF-8.
/// The caller has checked that the field exists.
pub(crate) fn field_text<'a>(
    record: &Record<'a>,
    column: &Column,
    role: &str,
) -> Result<&'a str, RejectedRow> {
    let bytes = record.field(column.index).unwrap_or_default();

    std::str::from_utf8(bytes).map_err(|error| {
        let value = String::from_utf8_lossy(bytes);
        let message = format!("invalid UTF-8 in the {role} {value:?} at byte {}", error.valid_up_to());
        rejection(record, column, &value, RejectReason::InvalidUtf8, message)
    })
}

pub(crate) fn rejection(
    record: &Record<'_>,
    column: &Column,
    value: &str,
    reason: RejectReason,
    message: String,
) -> RejectedRow {
    RejectedRow { line: record.line, column: column.label.clone(), value: value.to_string(), reason, message }
}

/// Cuts `text` to at most `max_chars` characters, marking a cut with an ellipsis.
fn truncate(mut text: String, max_chars: usize) -> String {
    if let Some((cut, _)) = text.char_indices().nth(max_chars) {
        text.truncate(cut);
        text.push('…');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncate_marks_cut() {
        assert_eq!(truncate("abcdef".to_string(), 3), "abc…");
        assert_eq!(truncate("abc".to_string(), 3), "abc");
        assert_eq!(truncate("ééé".to_string(), 2), "éé…");
    }
}
