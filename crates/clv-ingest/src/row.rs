//! Turning one record into a transaction, or into a rejection that gives the reason.

use clv_core::Transaction;

use crate::amount_format::AmountFormat;
use crate::columns::Columns;
use crate::customer_id::CustomerIds;
use crate::date::parse_date;
use crate::field::{FieldCount, HEADER_ROW_HINT, field_text, looks_like_header, rejection};
use crate::report::{RejectReason, RejectedRow};
use crate::rows::RecordParser;
use crate::source::Record;
use crate::spec::Format;

/// Parses records into transactions with one set of columns and one date format.
pub(crate) struct RowParser {
    columns: Columns,
    date_format: String,
    amount_format: AmountFormat,
    customer_ids: CustomerIds,
    field_count: FieldCount,
    /// Whether the next record is the first of a file without a header row.
    first_row_without_header: bool,
}

impl RowParser {
    /// Creates a parser. `header_fields` is the number of fields in the header
    /// row, or `None` when the file has none.
    pub(crate) fn new(
        columns: Columns,
        date_format: String,
        format: Format,
        header_fields: Option<usize>,
    ) -> RowParser {
        RowParser {
            columns,
            date_format,
            amount_format: AmountFormat::default(),
            customer_ids: CustomerIds::default(),
            field_count: FieldCount::new(format, header_fields),
            first_row_without_header: header_fields.is_none(),
        }
    }

    /// Sets how amounts are written and how customer ids are compared.
    pub(crate) fn with_values(mut self, amount_format: AmountFormat, customer_ids: CustomerIds) -> RowParser {
        self.amount_format = amount_format;
        self.customer_ids = customer_ids;
        self
    }
}

impl RecordParser for RowParser {
    type Output = Transaction;
    type Columns = Columns;

    fn columns(&self) -> &Columns {
        &self.columns
    }

    /// Parses one record, or explains which field makes it invalid.
    ///
    /// The fields are checked in the order customer id, date, amount, cost, and
    /// the first invalid one is reported. An invalid date in a first row that
    /// looks like a header row gets a hint to set `header = true`.
    fn parse(&mut self, record: &Record<'_>) -> Result<Transaction, RejectedRow> {
        let first_row_without_header = std::mem::take(&mut self.first_row_without_header);
        self.field_count.check(record, &self.columns)?;

        let columns = &self.columns;
        let customer = self.customer_ids.normalise(field_text(record, &columns.customer, "customer id")?);
        if customer.is_empty() {
            let message = "the customer id is empty".to_string();
            return Err(rejection(record, &columns.customer, "", RejectReason::EmptyCustomerId, message));
        }

        let date_text = field_text(record, &columns.date, "date")?;
        let date = parse_date(date_text, &self.date_format).map_err(|mut message| {
            if first_row_without_header && looks_like_header(record) {
                message = format!("{message}; {HEADER_ROW_HINT}");
            }
            rejection(record, &columns.date, date_text, RejectReason::InvalidDate, message)
        })?;

        let amount_text = field_text(record, &columns.amount, "amount")?;
        let amount = self.amount_format.parse(amount_text, "amount").map_err(|message| {
            rejection(record, &columns.amount, amount_text, RejectReason::InvalidAmount, message)
        })?;

        let cost = match &columns.cost {
            Some(column) => {
                let cost_text = field_text(record, column, "cost")?;
                let cost = self.amount_format.parse(cost_text, "cost").map_err(|message| {
                    rejection(record, column, cost_text, RejectReason::InvalidCost, message)
                })?;
                Some(cost)
            }
            None => None,
        };

        Ok(Transaction { customer: customer.into_owned(), date, amount, cost })
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use clv_core::{Date, Decimal};

    use super::*;
    use crate::source::WhitespaceSource;
    use crate::spec::{ColumnRef, SourceSpec};

    /// Parses the first line of `input`, a whitespace-separated file with
    /// customer, date, amount and cost at indexes 0 to 3.
    fn parse_line(input: &[u8], with_cost: bool) -> Result<Transaction, RejectedRow> {
        let mut spec = SourceSpec::new("data.txt", 0, 1, 2);
        spec.has_header = false;
        spec.cost = with_cost.then_some(ColumnRef::Index(3));
        let columns = Columns::resolve(&spec, None).unwrap();
        let mut parser = RowParser::new(columns, "%Y-%m-%d".to_string(), Format::Whitespace, None);

        let mut source = WhitespaceSource::new(input);
        let record = source.next_record().unwrap().unwrap();
        parser.parse(&record)
    }

    fn decimal(text: &str) -> Decimal {
        Decimal::from_str(text).unwrap()
    }

    #[test]
    fn parses_row_with_cost() {
        let transaction = parse_line(b"0042 2024-02-29 19.99 7.50\n", true).unwrap();

        assert_eq!(transaction.customer, "0042");
        assert_eq!(transaction.date, Date::constant(2024, 2, 29));
        assert_eq!(transaction.amount, decimal("19.99"));
        assert_eq!(transaction.cost, Some(decimal("7.50")));
    }

    #[test]
    fn missing_cost_field_is_missing_field() {
        let rejected = parse_line(b"0042 2024-02-29 19.99\n", true).unwrap_err();

        assert_eq!(rejected.reason, RejectReason::MissingField);
        assert_eq!(rejected.column, "3");
        assert_eq!(rejected.value, "0042 2024-02-29 19.99");
        assert_eq!(rejected.message, "found 3 fields, expected at least 4");
    }

    #[test]
    fn invalid_cost_names_cost() {
        let rejected = parse_line(b"0042 2024-02-29 19.99 n/a\n", true).unwrap_err();

        assert_eq!(rejected.reason, RejectReason::InvalidCost);
        assert_eq!(rejected.column, "3");
        assert_eq!(rejected.value, "n/a");
        assert!(rejected.message.starts_with("invalid cost \"n/a\""), "{}", rejected.message);
    }

    #[test]
    fn first_invalid_field_is_reported() {
        let rejected = parse_line(b"0042 not-a-date $5\n", false).unwrap_err();

        assert_eq!(rejected.reason, RejectReason::InvalidDate);
        assert_eq!(rejected.column, "1");
        assert_eq!(rejected.value, "not-a-date");
    }

    #[test]
    fn header_row_read_as_data_gets_hint() {
        let rejected = parse_line(b"customer date amount\n", false).unwrap_err();

        assert_eq!(rejected.reason, RejectReason::InvalidDate);
        assert!(
            rejected.message.starts_with("invalid date \"date\" for format \"%Y-%m-%d\": "),
            "{}",
            rejected.message
        );
        assert!(
            rejected.message.ends_with("; the first line looks like a header: set header = true"),
            "{}",
            rejected.message
        );
    }

    #[test]
    fn invalid_date_with_digits_gets_no_header_hint() {
        let rejected = parse_line(b"0042 05/01/2024 $5\n", false).unwrap_err();

        assert_eq!(rejected.reason, RejectReason::InvalidDate);
        assert!(!rejected.message.contains("header"), "{}", rejected.message);
    }

    #[test]
    fn invalid_utf8_names_field_and_byte() {
        let rejected = parse_line(b"ab\xFFc 2024-01-01 1\n", false).unwrap_err();

        assert_eq!(rejected.reason, RejectReason::InvalidUtf8);
        assert_eq!(rejected.line, 1);
        assert_eq!(rejected.column, "0");
        assert_eq!(rejected.value, "ab\u{FFFD}c");
        assert_eq!(rejected.message, "invalid UTF-8 in the customer id \"ab\u{FFFD}c\" at byte 2");
    }
}
