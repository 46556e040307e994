//! Reading the selected fields of a record, and the rejections of a record
//! that lacks a selected field or has a field that is not UTF-8.

use crate::columns::{Column, SelectedColumns, column_label};
use crate::hint::guess_separator;
use crate::report::{RejectReason, RejectedRow};
use crate::source::Record;
use crate::spec::Format;

/// Maximum number of characters of a whole row kept in a rejection.
const MAX_ROW_CHARS: usize = 200;

/// Maximum number of characters of a field's first line shown in the error
/// about a line break in the field.
const MAX_EXCERPT_CHARS: usize = 40;

/// Hint for a file read without a header row whose first row looks like one.
pub(crate) const HEADER_ROW_HINT: &str = "the first line looks like a header: set header = true";

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

/// A field whose quote is not closed on the line where it opens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct UnclosedQuote {
    /// 1-based line on which the field starts, which is the line of the
    /// quote that opens it.
    pub(crate) line: u64,
    /// Label of the column, as in a [`RejectedRow`].
    pub(crate) column: String,
    /// The field's first line without surrounding whitespace, shortened to
    /// [`MAX_EXCERPT_CHARS`] characters.
    pub(crate) excerpt: String,
}

/// Finds a quote in `record` that opens a field and is not closed on its line.
///
/// A delimited field contains a line break only when a quote opens it and is
/// not closed before the line ends. When the quote is never closed, every line
/// after it becomes part of the field and no row is read from them.
///
/// Two cases are found. The first is the selected field with the lowest index
/// that contains a line break. Only the selected fields are checked for line
/// breaks, because RFC 4180 allows them in quoted fields, and exports put them in
/// free-text columns such as notes or addresses. A file with such a column is
/// valid and stays readable. A selected value such as a customer id, date or
/// amount is a single line, so a line break in one is taken as an unclosed
/// quote. The second case is a quote in any column that is still open at the
/// end of the input, which no valid file has.
///
/// NOTE: a quote in a column that is not selected, which a quote on a later
/// line closes, is not found, so the rows between the two quotes are lost
/// without an error.
pub(crate) fn find_unclosed_quote<'c>(
    record: &Record<'_>,
    selected: impl IntoIterator<Item = &'c Column>,
    header_names: Option<&[String]>,
) -> Option<UnclosedQuote> {
    let selected_with_line_break = selected
        .into_iter()
        .filter(|column| record.raw_field(column.index).is_some_and(|field| field.contains(&b'\n')))
        .min_by_key(|column| column.index);

    let (index, label) = match selected_with_line_break {
        Some(column) => (column.index, column.label.clone()),
        None if record.unclosed_quote_at_end => {
            let index = record.len().checked_sub(1)?;
            (index, column_label(index, header_names))
        }
        None => return None,
    };

    let line_breaks_before: usize = (0..index)
        .filter_map(|earlier| record.raw_field(earlier))
        .map(|field| field.iter().filter(|&&byte| byte == b'\n').count())
        .sum();
    let field = record.raw_field(index).unwrap_or_default();
    let first_line = field.split(|&byte| byte == b'\n').next().unwrap_or_default().trim_ascii();
    let excerpt = truncate(String::from_utf8_lossy(first_line).into_owned(), MAX_EXCERPT_CHARS);

    Some(UnclosedQuote { line: record.line + line_breaks_before as u64, column: label, excerpt })
}

/// Returns whether `record`, read as the first row of a file without a header
/// row, looks like a header row: none of its fields contains a digit.
///
/// A field that is not a number is not enough, because a data row whose date
/// is in another format and whose amount has a currency symbol has no field
/// that is a number either. Its date has digits, though. Mistaking a data row
/// for a header row matters, because following the hint drops that row.
pub(crate) fn looks_like_header(record: &Record<'_>) -> bool {
    record.fields().all(|field| !field.iter().any(u8::is_ascii_digit))
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

    use crate::columns::{Column, Columns};
    use crate::source::DelimitedSource;

    fn selected(columns: &Columns) -> Vec<&Column> {
        columns.with_roles().map(|(_, column)| column).collect()
    }

    /// Columns customer 0, date 1 and amount 2.
    fn columns() -> Columns {
        let column = |index: usize| Column { index, label: index.to_string() };
        Columns { customer: column(0), date: column(1), amount: column(2), cost: None }
    }

    /// Reads the last record of `input`, a comma-separated file, and returns what
    /// `check` finds in it.
    fn check_last_record<T>(input: &[u8], check: impl Fn(&Record<'_>) -> T) -> T {
        let mut source = DelimitedSource::new(input, b',');
        let mut result = None;
        while let Some(record) = source.next_record().unwrap() {
            result = Some(check(&record));
        }
        result.expect("the input has a record")
    }

    #[test]
    fn line_break_in_selected_field_is_found() {
        let input = b"A,2020-01-01,10\nF,\"2020-01-15,12\nG,2020-01-16,13\n";

        let found =
            check_last_record(input, |record| find_unclosed_quote(record, selected(&columns()), None));

        let expected =
            UnclosedQuote { line: 2, column: "1".to_string(), excerpt: "2020-01-15,12".to_string() };
        assert_eq!(found, Some(expected));
    }

    #[test]
    fn line_break_line_counts_earlier_fields() {
        // The note in column 3 spans lines 1 and 2, and is not selected.
        let input = b"0004,2024-01-05,1,\"a\nb\",\"\n2024\"\n";

        let found = check_last_record(input, |record| {
            let mut columns = columns();
            columns.cost = Some(Column { index: 4, label: "4 (cost)".to_string() });
            find_unclosed_quote(record, selected(&columns), None)
        });

        let expected = UnclosedQuote { line: 2, column: "4 (cost)".to_string(), excerpt: String::new() };
        assert_eq!(found, Some(expected));
    }

    #[test]
    fn line_break_in_unselected_field_is_allowed() {
        let input = b"0004,2024-01-05,1,\"two\nlines\"\n";

        assert_eq!(
            check_last_record(input, |record| find_unclosed_quote(record, selected(&columns()), None)),
            None
        );
    }

    #[test]
    fn open_quote_at_end_found_anywhere() {
        // The note in column 3 opens on line 2 and is never closed.
        let input = b"0004,2024-01-05,1,x\n0005,2024-01-06,2,\"note\n0006,2024-01-07,3,y\n";

        let found =
            check_last_record(input, |record| find_unclosed_quote(record, selected(&columns()), None));

        let expected = UnclosedQuote { line: 2, column: "3".to_string(), excerpt: "note".to_string() };
        assert_eq!(found, Some(expected));
    }

    #[test]
    fn line_break_excerpt_is_shortened() {
        let input = format!("0004,\"{}\n\n", "d".repeat(60));

        let found = check_last_record(input.as_bytes(), |record| {
            find_unclosed_quote(record, selected(&columns()), None)
        })
        .unwrap();

        assert_eq!(found.excerpt, format!("{}…", "d".repeat(MAX_EXCERPT_CHARS)));
    }

    #[test]
    fn header_row_has_no_digits() {
        assert!(check_last_record(b"customer_id,date,amount\n", looks_like_header));
        assert!(!check_last_record(b"A,2020-01-01,10\n", looks_like_header));
        assert!(!check_last_record(b"A,05/01/2020,$10\n", looks_like_header));
    }

    #[test]
    fn truncate_marks_cut() {
        assert_eq!(truncate("abcdef".to_string(), 3), "abc…");
        assert_eq!(truncate("abc".to_string(), 3), "abc");
        assert_eq!(truncate("ééé".to_string(), 2), "éé…");
    }
}
