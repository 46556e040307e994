//! Resolving the selected columns of a summary file to positions and labels.

use crate::columns::{Column, HeaderRow, SelectedColumns};
use crate::error::IngestError;
use crate::summary::spec::SummarySpec;

/// The positions of the columns that make a summary record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct SummaryColumns {
    pub(crate) customer: Option<Column>,
    pub(crate) frequency: Column,
    pub(crate) recency: Column,
    pub(crate) age: Column,
    pub(crate) count: Option<Column>,
    pub(crate) monetary_value: Option<Column>,
}

impl SummaryColumns {
    /// Finds the selected columns of `spec` in `header`, the trimmed names of
    /// the header row, which is `None` when the file has no header row.
    pub(crate) fn resolve(
        spec: &SummarySpec,
        header: Option<&[String]>,
    ) -> Result<SummaryColumns, IngestError> {
        let header =
            HeaderRow { path: &spec.path, format: spec.format, has_header: spec.has_header, names: header };

        Ok(SummaryColumns {
            customer: spec.customer.as_ref().map(|column| header.resolve(column)).transpose()?,
            frequency: header.resolve(&spec.frequency)?,
            recency: header.resolve(&spec.recency)?,
            age: header.resolve(&spec.age)?,
            count: spec.count.as_ref().map(|column| header.resolve(column)).transpose()?,
            monetary_value: spec.monetary_value.as_ref().map(|column| header.resolve(column)).transpose()?,
        })
    }
}

impl SelectedColumns for SummaryColumns {
    fn with_roles(&self) -> impl Iterator<Item = (&'static str, &Column)> {
        [
            self.customer.as_ref().map(|column| ("customer id", column)),
            Some(("frequency", &self.frequency)),
            Some(("recency", &self.recency)),
            Some(("age", &self.age)),
            self.count.as_ref().map(|column| ("count", column)),
            self.monetary_value.as_ref().map(|column| ("monetary value", column)),
        ]
        .into_iter()
        .flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::ColumnRef;

    fn names(values: &[&str]) -> Vec<String> {
        values.iter().map(|value| value.to_string()).collect()
    }

    #[test]
    fn resolves_names_and_optional_columns() {
        let mut spec = SummarySpec::new("donations.csv", "frequency", "recency", "periods");
        spec.count = Some(ColumnRef::from("weights"));
        let header = names(&["frequency", "recency", "periods", "weights"]);

        let columns = SummaryColumns::resolve(&spec, Some(&header)).unwrap();

        assert_eq!(columns.customer, None);
        assert_eq!(columns.age, Column { index: 2, label: "2 (periods)".to_string() });
        assert_eq!(columns.count, Some(Column { index: 3, label: "3 (weights)".to_string() }));
        assert_eq!(columns.monetary_value, None);
        assert_eq!(columns.min_fields(), 4);
    }

    #[test]
    fn roles_follow_parsing_order() {
        let mut spec = SummarySpec::new("summary.txt", 1, 2, 3);
        spec.has_header = false;
        spec.customer = Some(ColumnRef::Index(0));
        spec.monetary_value = Some(ColumnRef::Index(5));

        let columns = SummaryColumns::resolve(&spec, None).unwrap();

        let roles: Vec<(&str, usize)> =
            columns.with_roles().map(|(role, column)| (role, column.index)).collect();
        assert_eq!(
            roles,
            vec![("customer id", 0), ("frequency", 1), ("recency", 2), ("age", 3), ("monetary value", 5)]
        );
        assert_eq!(columns.min_fields(), 6);
    }

    #[test]
    fn unknown_optional_column_is_an_error() {
        let mut spec = SummarySpec::new("donations.csv", "frequency", "recency", "periods");
        spec.count = Some(ColumnRef::from("count"));
        let header = names(&["frequency", "recency", "periods", "weights"]);

        let error = SummaryColumns::resolve(&spec, Some(&header)).unwrap_err();

        assert!(matches!(error, IngestError::UnknownColumn { ref name, .. } if name == "count"), "{error}");
    }
}
