//! Resolving the selected columns to positions and labels for messages.

use std::path::Path;

use crate::error::IngestError;
use crate::hint::guess_separator;
use crate::spec::{ColumnRef, Format, SourceSpec};

/// A selected column: its position and how messages name it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Column {
    /// 0-based position in a row.
    pub(crate) index: usize,
    /// The index, followed by the header name in brackets when there is one, such as `2 (date)`.
    pub(crate) label: String,
}

/// A set of selected columns, such as those that make a transaction.
pub(crate) trait SelectedColumns {
    /// Iterates over the selected columns with the role of each, in row parsing order.
    fn with_roles(&self) -> impl Iterator<Item = (&'static str, &Column)>;

    /// Returns the number of fields a row needs so that every selected column is present.
    fn min_fields(&self) -> usize {
        self.with_roles().map(|(_, column)| column.index + 1).max().unwrap_or(0)
    }
}

/// The positions of the columns that make a transaction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Columns {
    pub(crate) customer: Column,
    pub(crate) date: Column,
    pub(crate) amount: Column,
    pub(crate) cost: Option<Column>,
}

impl Columns {
    /// Finds the selected columns of `spec` in `header`, the trimmed names of
    /// the header row, which is `None` when the file has no header row.
    pub(crate) fn resolve(spec: &SourceSpec, header: Option<&[String]>) -> Result<Columns, IngestError> {
        let header =
            HeaderRow { path: &spec.path, format: spec.format, has_header: spec.has_header, names: header };
        let resolve = |column: &ColumnRef| header.resolve(column);

        Ok(Columns {
            customer: resolve(&spec.customer)?,
            date: resolve(&spec.date)?,
            amount: resolve(&spec.amount)?,
            cost: spec.cost.as_ref().map(resolve).transpose()?,
        })
    }
}

impl SelectedColumns for Columns {
    fn with_roles(&self) -> impl Iterator<Item = (&'static str, &Column)> {
        [("customer id", &self.customer), ("date", &self.date), ("amount", &self.amount)]
            .into_iter()
            .chain(self.cost.as_ref().map(|column| ("cost", column)))
    }
}

/// The header row of a file, with the settings that decide how a [`ColumnRef`] is found in it.
pub(crate) struct HeaderRow<'a> {
    /// Path of the file, for messages.
    pub(crate) path: &'a Path,
    pub(crate) format: Format,
    /// Whether the spec says that the file has a header row.
    pub(crate) has_header: bool,
    /// The trimmed names of the header row, or `None` when the file has no header row.
    pub(crate) names: Option<&'a [String]>,
}

impl HeaderRow<'_> {
    /// Finds the position of `column` and labels it for messages.
    pub(crate) fn resolve(&self, column: &ColumnRef) -> Result<Column, IngestError> {
        let path = self.path;
        let index = match column {
            ColumnRef::Index(index) => *index,
            ColumnRef::Name(name) if !self.has_header => {
                return Err(IngestError::NameWithoutHeader { path: path.to_path_buf(), name: name.clone() });
            }
            ColumnRef::Name(name) => {
                // With has_header set, the names are missing only for an empty
                // file, which the open rejects first, so `None` counts as no names.
                let names = self.names.unwrap_or_default();
                let requested = name.trim();
                let positions: Vec<usize> = names
                    .iter()
                    .enumerate()
                    .filter(|(_, found)| *found == requested)
                    .map(|(index, _)| index)
                    .collect();
                match positions[..] {
                    [] => return Err(unknown_column(path, name, names, self.format)),
                    [index] => index,
                    _ => {
                        return Err(IngestError::DuplicateColumn {
                            path: path.to_path_buf(),
                            name: requested.to_string(),
                            positions,
                        });
                    }
                }
            }
        };

        Ok(Column { index, label: column_label(index, self.names) })
    }
}

/// Labels the column at `index` for messages: the index, followed by the
/// header name in brackets when there is one, such as `2 (date)`.
pub(crate) fn column_label(index: usize, names: Option<&[String]>) -> String {
    // A name with a line break comes from an unclosed quote, which the reader
    // reports, so the label leaves it out.
    match names.and_then(|names| names.get(index)) {
        Some(name) if !name.is_empty() && !name.contains('\n') => format!("{index} ({name})"),
        _ => index.to_string(),
    }
}

/// Builds the error for a name that is not in the header, with a hint when the
/// header looks like one field that another separator would split.
fn unknown_column(path: &Path, name: &str, names: &[String], format: Format) -> IngestError {
    let hint = match names {
        [only] => guess_separator(only.as_bytes(), format),
        _ => None,
    };
    IngestError::UnknownColumn {
        path: path.to_path_buf(),
        name: name.to_string(),
        found: names.to_vec(),
        hint,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(values: &[&str]) -> Vec<String> {
        values.iter().map(|value| value.to_string()).collect()
    }

    #[test]
    fn resolves_names_and_labels() {
        let mut spec = SourceSpec::new("data.csv", "customer", "date", "amount");
        spec.cost = Some(ColumnRef::Index(3));
        let header = names(&["date", "customer", "amount", "cost"]);

        let columns = Columns::resolve(&spec, Some(&header)).unwrap();

        assert_eq!(columns.customer, Column { index: 1, label: "1 (customer)".to_string() });
        assert_eq!(columns.date, Column { index: 0, label: "0 (date)".to_string() });
        assert_eq!(columns.amount, Column { index: 2, label: "2 (amount)".to_string() });
        assert_eq!(columns.cost, Some(Column { index: 3, label: "3 (cost)".to_string() }));
        assert_eq!(columns.min_fields(), 4);
    }

    #[test]
    fn index_without_header_is_labelled_by_index() {
        let mut spec = SourceSpec::new("data.txt", 1, 2, 4);
        spec.has_header = false;

        let columns = Columns::resolve(&spec, None).unwrap();

        assert_eq!(columns.customer.label, "1");
        assert_eq!(columns.amount, Column { index: 4, label: "4".to_string() });
        assert_eq!(columns.min_fields(), 5);
    }

    #[test]
    fn name_without_header_is_an_error() {
        let mut spec = SourceSpec::new("data.txt", "customer", 2, 4);
        spec.has_header = false;

        let error = Columns::resolve(&spec, None).unwrap_err();

        assert!(matches!(error, IngestError::NameWithoutHeader { ref name, .. } if name == "customer"));
    }

    #[test]
    fn duplicate_selected_name_is_an_error() {
        let spec = SourceSpec::new("data.csv", "customer", "date", "amount");
        let header = names(&["customer", "date", "amount", "amount"]);

        let error = Columns::resolve(&spec, Some(&header)).unwrap_err();

        let IngestError::DuplicateColumn { name, positions, .. } = error else { panic!("{error}") };
        assert_eq!(name, "amount");
        assert_eq!(positions, vec![2, 3]);
    }

    #[test]
    fn duplicate_unselected_name_is_allowed() {
        let spec = SourceSpec::new("data.csv", "customer", "date", "amount");
        let header = names(&["note", "customer", "date", "amount", "note"]);

        let columns = Columns::resolve(&spec, Some(&header)).unwrap();

        assert_eq!(columns.amount, Column { index: 3, label: "3 (amount)".to_string() });
    }

    #[test]
    fn duplicate_name_selected_by_index_is_allowed() {
        let spec = SourceSpec::new("data.csv", "customer", "date", 3);
        let header = names(&["customer", "date", "amount", "amount"]);

        let columns = Columns::resolve(&spec, Some(&header)).unwrap();

        assert_eq!(columns.amount, Column { index: 3, label: "3 (amount)".to_string() });
    }

    #[test]
    fn unknown_name_lists_header() {
        let spec = SourceSpec::new("data.csv", "customer", "date", "Amount");
        let header = names(&["customer", "date", "amount"]);

        let error = Columns::resolve(&spec, Some(&header)).unwrap_err();

        let IngestError::UnknownColumn { name, found, hint, .. } = error else { panic!("{error}") };
        assert_eq!(name, "Amount");
        assert_eq!(found, header);
        assert_eq!(hint, None);
    }

    #[test]
    fn unknown_name_in_single_field_header_suggests_delimiter() {
        let spec = SourceSpec::new("data.csv", "customer", "date", "amount");
        let header = names(&["customer;date;amount"]);

        let error = Columns::resolve(&spec, Some(&header)).unwrap_err();

        assert!(error.to_string().ends_with("is the delimiter ';'?"), "{error}");
    }
}
