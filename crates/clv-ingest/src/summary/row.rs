//! Turning one record into a summary record, or into a rejection that gives the reason.

use rust_decimal::Decimal;

use crate::amount::parse_money;
use crate::field::{FieldCount, HEADER_ROW_HINT, field_text, looks_like_header, rejection};
use crate::number::{parse_non_negative, parse_whole_number};
use crate::report::{RejectReason, RejectedRow};
use crate::rows::RecordParser;
use crate::source::Record;
use crate::spec::Format;
use crate::summary::columns::SummaryColumns;
use crate::summary::record::SummaryRecord;

/// Parses records into summary records with one set of columns.
pub(crate) struct SummaryParser {
    columns: SummaryColumns,
    field_count: FieldCount,
    /// Whether the next record is the first of a file without a header row.
    first_row_without_header: bool,
}

impl SummaryParser {
    /// Creates a parser. `header_fields` is the number of fields in the header
    /// row, or `None` when the file has none.
    pub(crate) fn new(
        columns: SummaryColumns,
        format: Format,
        header_fields: Option<usize>,
    ) -> SummaryParser {
        SummaryParser {
            columns,
            field_count: FieldCount::new(format, header_fields),
            first_row_without_header: header_fields.is_none(),
        }
    }
}

impl RecordParser for SummaryParser {
    type Output = SummaryRecord;
    type Columns = SummaryColumns;

    fn columns(&self) -> &SummaryColumns {
        &self.columns
    }

    /// Parses one record, or explains which field makes it invalid.
    ///
    /// The fields are checked in the order customer id, frequency, recency,
    /// age, count, monetary value, and the first invalid one is reported.
    /// Only then are the values checked against each other. An invalid
    /// frequency in a first row that looks like a header row gets a hint to
    /// set `header = true`.
    fn parse(&mut self, record: &Record<'_>) -> Result<SummaryRecord, RejectedRow> {
        let first_row_without_header = std::mem::take(&mut self.first_row_without_header);
        self.field_count.check(record, &self.columns)?;

        let columns = &self.columns;
        let id = match &columns.customer {
            Some(column) => {
                let customer = field_text(record, column, "customer id")?;
                if customer.is_empty() {
                    let message = "the customer id is empty".to_string();
                    return Err(rejection(record, column, "", RejectReason::EmptyCustomerId, message));
                }
                customer.to_string()
            }
            None => format!("line{}", record.line),
        };

        let frequency_text = field_text(record, &columns.frequency, "frequency")?;
        let frequency = parse_whole_number(frequency_text, "frequency", 0, u64::from(u32::MAX)).map_err(
            |mut message| {
                if first_row_without_header && looks_like_header(record) {
                    message = format!("{message}; {HEADER_ROW_HINT}");
                }
                rejection(record, &columns.frequency, frequency_text, RejectReason::InvalidFrequency, message)
            },
        )?;
        let frequency =
            u32::try_from(frequency).expect("the maximum passed to parse_whole_number is u32::MAX");

        let recency_text = field_text(record, &columns.recency, "recency")?;
        let recency = parse_non_negative(recency_text, "recency").map_err(|message| {
            rejection(record, &columns.recency, recency_text, RejectReason::InvalidRecency, message)
        })?;

        let age_text = field_text(record, &columns.age, "age")?;
        let age = parse_non_negative(age_text, "age").map_err(|message| {
            rejection(record, &columns.age, age_text, RejectReason::InvalidAge, message)
        })?;

        let count = match &columns.count {
            Some(column) => {
                let count_text = field_text(record, column, "count")?;
                parse_whole_number(count_text, "count", 1, u64::MAX).map_err(|message| {
                    rejection(record, column, count_text, RejectReason::InvalidCount, message)
                })?
            }
            None => 1,
        };

        let monetary_value = match &columns.monetary_value {
            Some(column) => {
                let value_text = field_text(record, column, "monetary value")?;
                parse_money(value_text, "monetary value").map_err(|message| {
                    rejection(record, column, value_text, RejectReason::InvalidMonetaryValue, message)
                })?
            }
            None => Decimal::ZERO,
        };

        let values = SummaryValues { frequency, recency, recency_text, age, age_text };
        if let Some(message) = values.inconsistency(columns) {
            return Err(rejection(
                record,
                &columns.recency,
                recency_text,
                RejectReason::InconsistentSummary,
                message,
            ));
        }

        Ok(SummaryRecord { line: record.line, id, frequency, recency, age, count, monetary_value })
    }
}

/// The values of a row that must agree with each other, with the text of
/// those that a message quotes.
#[derive(Clone, Copy)]
struct SummaryValues<'a> {
    frequency: u32,
    recency: f64,
    recency_text: &'a str,
    age: f64,
    age_text: &'a str,
}

impl SummaryValues<'_> {
    /// Describes how the recency contradicts the age or the frequency, or
    /// returns `None` when the values agree.
    fn inconsistency(&self, columns: &SummaryColumns) -> Option<String> {
        let SummaryValues { frequency, recency, recency_text, age, age_text } = *self;

        if recency > age {
            return Some(format!(
                "recency {recency_text:?} is greater than the age {age_text:?} in column {}, \
                 but the last purchase cannot come after the end of the observation period",
                columns.age.label
            ));
        }
        if frequency == 0 && recency > 0.0 {
            return Some(format!(
                "recency {recency_text:?} is greater than 0, but the frequency in column {} is 0, \
                 and a customer without repeat purchases has recency 0",
                columns.frequency.label
            ));
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;
    use crate::source::WhitespaceSource;
    use crate::spec::ColumnRef;
    use crate::summary::spec::SummarySpec;

    /// Parses the first line of `input`, a whitespace-separated file with
    /// frequency, recency and age at indexes 0 to 2 and, when selected, the
    /// count at index 3 and the monetary value at index 4.
    fn parse_line(input: &[u8], with_optional_columns: bool) -> Result<SummaryRecord, RejectedRow> {
        let mut spec = SummarySpec::new("summary.txt", 0, 1, 2);
        spec.has_header = false;
        if with_optional_columns {
            spec.count = Some(ColumnRef::Index(3));
            spec.monetary_value = Some(ColumnRef::Index(4));
        }
        let columns = SummaryColumns::resolve(&spec, None).unwrap();
        let mut parser = SummaryParser::new(columns, Format::Whitespace, None);

        let mut source = WhitespaceSource::new(input);
        let record = source.next_record().unwrap().unwrap();
        parser.parse(&record)
    }

    #[test]
    fn parses_row_with_defaults() {
        let record = parse_line(b"2 30.43 38.86\n", false).unwrap();

        assert_eq!(
            record,
            SummaryRecord {
                line: 1,
                id: "line1".to_string(),
                frequency: 2,
                recency: 30.43,
                age: 38.86,
                count: 1,
                monetary_value: Decimal::ZERO,
            }
        );
    }

    #[test]
    fn parses_count_and_monetary_value() {
        let record = parse_line(b"3 5 6 12 22.35\n", true).unwrap();

        assert_eq!(record.count, 12);
        assert_eq!(record.monetary_value, Decimal::from_str("22.35").unwrap());
    }

    #[test]
    fn recency_may_equal_age() {
        let record = parse_line(b"6 6 6\n", false).unwrap();

        assert_eq!(record.recency, 6.0);
        assert_eq!(record.age, 6.0);
    }

    #[test]
    fn recency_after_age_is_inconsistent() {
        let rejected = parse_line(b"1 7 6\n", false).unwrap_err();

        assert_eq!(rejected.reason, RejectReason::InconsistentSummary);
        assert_eq!(rejected.column, "1");
        assert_eq!(rejected.value, "7");
        assert_eq!(
            rejected.message,
            "recency \"7\" is greater than the age \"6\" in column 2, \
             but the last purchase cannot come after the end of the observation period"
        );
    }

    #[test]
    fn recency_without_repeat_purchases_is_inconsistent() {
        let rejected = parse_line(b"0 0.5 6\n", false).unwrap_err();

        assert_eq!(rejected.reason, RejectReason::InconsistentSummary);
        assert_eq!(rejected.column, "1");
        assert_eq!(rejected.value, "0.5");
        assert_eq!(
            rejected.message,
            "recency \"0.5\" is greater than 0, but the frequency in column 0 is 0, \
             and a customer without repeat purchases has recency 0"
        );
    }

    #[test]
    fn invalid_field_comes_before_inconsistency() {
        let rejected = parse_line(b"0 9 6 0 1\n", true).unwrap_err();

        assert_eq!(rejected.reason, RejectReason::InvalidCount);
        assert_eq!(rejected.column, "3");
    }

    #[test]
    fn missing_count_field_is_missing_field() {
        let rejected = parse_line(b"1 2 6\n", true).unwrap_err();

        assert_eq!(rejected.reason, RejectReason::MissingField);
        assert_eq!(rejected.column, "3");
        assert_eq!(rejected.value, "1 2 6");
        assert_eq!(rejected.message, "found 3 fields, expected at least 5");
    }

    #[test]
    fn header_row_read_as_data_gets_hint() {
        let rejected = parse_line(b"frequency recency age\n", false).unwrap_err();

        assert_eq!(rejected.reason, RejectReason::InvalidFrequency);
        assert!(
            rejected.message.ends_with("; the first line looks like a header: set header = true"),
            "{}",
            rejected.message
        );
    }

    #[test]
    fn invalid_utf8_names_role() {
        let rejected = parse_line(b"1 2 \xFF\n", false).unwrap_err();

        assert_eq!(rejected.reason, RejectReason::InvalidUtf8);
        assert_eq!(rejected.column, "2");
        assert_eq!(rejected.message, "invalid UTF-8 in the age \"\u{FFFD}\" at byte 0");
    }
}
