//! The description of a summary file: where it is, how its fields are
//! separated and which columns hold each value.

use std::path::PathBuf;

use crate::error::IngestError;
use crate::spec::{ColumnRef, Format, InvalidRowPolicy, validate_format};

/// Where a summary file is and how to read it.
///
/// Each row describes one customer, or with a `count` column a group of
/// customers with the same values. Recency and age are in the time unit of
/// the file, such as days, weeks or, for discrete-time data, periods.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SummarySpec {
    /// Path of the summary file.
    pub path: PathBuf,
    /// How the fields of a line are separated.
    pub format: Format,
    /// Whether the first non-blank line is a header row of column names.
    pub has_header: bool,
    /// Column of the customer id. When `None`, each row gets the id `line{N}`,
    /// where `N` is the 1-based line on which the row starts.
    pub customer: Option<ColumnRef>,
    /// Column of the frequency: the number of repeat purchases, a whole number of at least 0.
    pub frequency: ColumnRef,
    /// Column of the recency: the time from the first to the last purchase, a
    /// number of at least 0. It is 0 when the frequency is 0.
    pub recency: ColumnRef,
    /// Column of the age: the time from the first purchase to the end of the
    /// observation period (T), or for discrete-time data the number of
    /// purchase opportunities (n). It is a number of at least the recency.
    pub age: ColumnRef,
    /// Column of the number of customers that the row describes, a whole
    /// number of at least 1. Without it every row describes one customer.
    pub count: Option<ColumnRef>,
    /// Column of the mean value of the repeat purchases, parsed exactly as a
    /// decimal. Without it the monetary value is 0.
    pub monetary_value: Option<ColumnRef>,
    /// What to do with a row that cannot be read as a summary record.
    pub invalid_rows: InvalidRowPolicy,
}

impl SummarySpec {
    /// Creates a spec for a comma-separated file with a header row, generated
    /// customer ids, no count or monetary value column and
    /// [`InvalidRowPolicy::Error`].
    pub fn new(
        path: impl Into<PathBuf>,
        frequency: impl Into<ColumnRef>,
        recency: impl Into<ColumnRef>,
        age: impl Into<ColumnRef>,
    ) -> SummarySpec {
        SummarySpec {
            path: path.into(),
            format: Format::default(),
            has_header: true,
            customer: None,
            frequency: frequency.into(),
            recency: recency.into(),
            age: age.into(),
            count: None,
            monetary_value: None,
            invalid_rows: InvalidRowPolicy::default(),
        }
    }

    /// Checks the settings that do not depend on the file's content.
    pub(crate) fn validate(&self) -> Result<(), IngestError> {
        validate_format(&self.path, self.format)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_sets_documented_defaults() {
        let spec = SummarySpec::new("donations.csv", "frequency", "recency", 2);

        assert_eq!(spec.format, Format::Delimited { delimiter: b',' });
        assert!(spec.has_header);
        assert_eq!(spec.customer, None);
        assert_eq!(spec.frequency, ColumnRef::Name("frequency".to_string()));
        assert_eq!(spec.age, ColumnRef::Index(2));
        assert_eq!(spec.count, None);
        assert_eq!(spec.monetary_value, None);
        assert_eq!(spec.invalid_rows, InvalidRowPolicy::Error);
    }

    #[test]
    fn validate_rejects_quote_delimiter() {
        let mut spec = SummarySpec::new("donations.csv", 0, 1, 2);
        spec.format = Format::Delimited { delimiter: b'"' };

        let message = spec.validate().unwrap_err().to_string();

        assert!(message.contains("donations.csv"), "{message}");
        assert!(message.contains("quote character"), "{message}");
    }
}
