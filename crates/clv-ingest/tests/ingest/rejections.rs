//! Invalid rows: the error for each reason under the Error policy, and the
//! counts and kept rows under the Skip policy.

use clv_core::Date;
use clv_ingest::{ColumnRef, Format, InvalidRowPolicy, KEPT_REJECTIONS, RejectReason, SourceSpec};

use crate::common::{TempFile, assert_rows_add_up, decimal, read_all, read_until_error};

const HEADER: &str = "customer,date,amount,cost\n";

/// Returns a spec for a comma-separated file with a header and a cost column.
fn spec_with_cost(file: &TempFile) -> SourceSpec {
    let mut spec = SourceSpec::new(file.path(), "customer", "date", "amount");
    spec.cost = Some(ColumnRef::from("cost"));
    spec
}

/// Reads a file whose third line is invalid and returns the error message,
/// after checking the counts that the Error policy leaves.
fn error_for_third_line(name: &str, third_line: &[u8]) -> (TempFile, String) {
    let mut contents = format!("{HEADER}0001,2024-01-05,10,4\n").into_bytes();
    contents.extend_from_slice(third_line);
    contents.extend_from_slice(b"\n0003,2024-01-07,30,12\n");
    let file = TempFile::new(name, contents);

    let (transactions, error, report) = read_until_error(&spec_with_cost(&file));

    assert_eq!(transactions.len(), 1);
    assert_eq!(report.rows_read, 2);
    assert_eq!(report.rows_accepted, 1);
    assert_eq!(report.rows_rejected(), 1);
    assert_eq!(report.first_rejections.len(), 1);
    assert_eq!(report.first_rejections[0].line, 3);
    assert_rows_add_up(&report);
    let message = error.to_string();
    (file, message)
}

#[test]
fn error_for_missing_field() {
    let (file, message) = error_for_third_line("missing.csv", b"0002,2024-01-06");

    assert_eq!(
        message,
        format!(
            "{}:3: column 2 (amount): found 2 fields, expected at least 4; \
             fix the row, check the format and the column settings, or set invalid_rows = \"skip\"",
            file.path().display()
        )
    );
}

#[test]
fn error_for_empty_customer_id() {
    let (file, message) = error_for_third_line("empty-id.csv", b"  ,2024-01-06,20,8");

    assert_eq!(
        message,
        format!(
            "{}:3: column 0 (customer): the customer id is empty; \
             fill in the customer id or set invalid_rows = \"skip\"",
            file.path().display()
        )
    );
}

#[test]
fn error_for_invalid_date() {
    let (file, message) = error_for_third_line("date.csv", b"0002,1997-13-01,20,8");

    let prefix = format!(
        "{}:3: column 1 (date): invalid date \"1997-13-01\" for format \"%Y-%m-%d\": ",
        file.path().display()
    );
    assert!(message.starts_with(&prefix), "{message}");
    assert!(message.contains("month"), "{message}");
    assert!(
        message.ends_with("; fix the row, set date_format to match the file, or set invalid_rows = \"skip\""),
        "{message}"
    );
}

#[test]
fn error_for_date_in_other_format() {
    let (_, message) = error_for_third_line("date-format.csv", b"0002,06/01/2024,20,8");

    assert!(message.contains(":3: column 1 (date): invalid date \"06/01/2024\" for format \"%Y-%m-%d\": "));
}

#[test]
fn error_for_invalid_amount() {
    let (file, message) = error_for_third_line("amount.csv", b"0002,2024-01-06,$12.50,8");

    assert_eq!(
        message,
        format!(
            "{}:3: column 2 (amount): invalid amount \"$12.50\": it has a currency symbol, \
             so remove the symbol from the amount column; if the whole column is written this way, set \
             currency_symbol = \"$\" in the [data] section of the config; fix the row or set \
             invalid_rows = \"skip\"",
            file.path().display()
        )
    );
}

#[test]
fn error_for_thousands_separator() {
    let (_, message) = error_for_third_line("thousands.csv", b"0002,2024-01-06,\"1,234.50\",8");

    assert!(
        message.contains(
            ":3: column 2 (amount): invalid amount \"1,234.50\": it has a thousands separator, \
             so remove the separator, as in 1234.50; if the whole column is written this way, set \
             thousands_separator = \",\" in the [data] section of the config;"
        ),
        "{message}"
    );
}

#[test]
fn error_for_invalid_cost() {
    let (file, message) = error_for_third_line("cost.csv", b"0002,2024-01-06,20,12.5.0");

    assert_eq!(
        message,
        format!(
            "{}:3: column 3 (cost): invalid cost \"12.5.0\": it is not a number: write a plain decimal \
             such as 12.50 or -3; fix the row or set invalid_rows = \"skip\"",
            file.path().display()
        )
    );
}

#[test]
fn error_for_invalid_utf8() {
    let (file, message) = error_for_third_line("utf8.csv", b"00\xFF2,2024-01-06,20,8");

    assert_eq!(
        message,
        format!(
            "{}:3: column 0 (customer): invalid UTF-8 in the customer id \"00\u{FFFD}2\" at byte 2; \
             convert the file to UTF-8 or set invalid_rows = \"skip\"",
            file.path().display()
        )
    );
}

#[test]
fn error_names_column_without_header() {
    let file = TempFile::new("no-header.txt", " 0001  20240105  x\n");
    let mut spec = SourceSpec::new(file.path(), 0, 1, 2);
    spec.format = Format::Whitespace;
    spec.has_header = false;
    spec.date_format = "%Y%m%d".to_string();

    let (_, error, _) = read_until_error(&spec);

    let message = error.to_string();
    let expected_start =
        format!("{}:1: column 2: invalid amount \"x\": it is not a number", file.path().display());
    assert!(message.starts_with(&expected_start), "{message}");
}

#[test]
fn header_read_as_data_suggests_header() {
    let file = TempFile::new("header-as-data.csv", "customer_id,date,amount\nA,2020-01-01,10\n");
    let mut spec = SourceSpec::new(file.path(), 0, 1, 2);
    spec.has_header = false;

    let (_, error, _) = read_until_error(&spec);

    let message = error.to_string();
    let prefix =
        format!("{}:1: column 1: invalid date \"date\" for format \"%Y-%m-%d\": ", file.path().display());
    assert!(message.starts_with(&prefix), "{message}");
    assert!(
        message.ends_with(
            "; the first line looks like a header: set header = true; \
             fix the row, set date_format to match the file, or set invalid_rows = \"skip\""
        ),
        "{message}"
    );
}

#[test]
fn header_hint_only_for_first_row() {
    let file = TempFile::new("late-header.csv", "A,2020-01-01,10\ncustomer_id,date,amount\n");
    let mut spec = SourceSpec::new(file.path(), 0, 1, 2);
    spec.has_header = false;

    let (_, error, _) = read_until_error(&spec);

    let message = error.to_string();
    assert!(message.contains(":2: column 1: invalid date \"date\""), "{message}");
    assert!(!message.contains("looks like a header"), "{message}");
}

#[test]
fn wrong_delimiter_suggests_semicolon() {
    let file = TempFile::new("semicolon.csv", "0004;2024-01-05;1;x;x\n0005;2024-01-06;2;x;x\n");
    let mut spec = SourceSpec::new(file.path(), 0, 1, 4);
    spec.has_header = false;

    let (_, error, _) = read_until_error(&spec);

    let message = error.to_string();
    assert!(
        message.contains(":1: column 1: found 1 field, expected at least 5: is the delimiter ';'?"),
        "{message}"
    );
}

#[test]
fn no_delimiter_hint_after_multi_field_rows() {
    // The first row has three fields, so the one-field row is a bad row, not a bad delimiter.
    let file = TempFile::new("short-row.csv", "0004,2024-01-05,1\n0005;2024-01-06;2\n");
    let mut spec = SourceSpec::new(file.path(), 0, 1, 2);
    spec.has_header = false;

    let (_, error, _) = read_until_error(&spec);

    let message = error.to_string();
    assert!(message.contains(":2: column 1: found 1 field, expected at least 3; fix the row"), "{message}");
}

#[test]
fn skip_counts_every_reason() {
    let file = TempFile::new(
        "mixed.csv",
        [
            &b"customer,date,amount,cost\n"[..],
            b"0001,2024-01-05,10,4\n",     // line 2: accepted
            b"0002,2024-01-06\n",          // line 3: missing field
            b",2024-01-06,20,8\n",         // line 4: empty customer id
            b"0003,2024-13-01,20,8\n",     // line 5: invalid date
            b"0004,2024-01-06,abc,8\n",    // line 6: invalid amount
            b"0005,2024-01-06,20,$8\n",    // line 7: invalid cost
            b"0006\xFE,2024-01-06,20,8\n", // line 8: invalid UTF-8
            b"\n",                         // line 9: blank
            b"0007,2024-01-07,-5.5,-2\n",  // line 10: accepted
            b"0008,2024-13-01,20,8\n",     // line 11: invalid date
        ]
        .concat(),
    );
    let mut spec = spec_with_cost(&file);
    spec.invalid_rows = InvalidRowPolicy::Skip;

    let (transactions, report) = read_all(&spec);

    assert_eq!(transactions.len(), 2);
    assert_eq!(transactions[0].customer, "0001");
    assert_eq!(transactions[1].customer, "0007");
    assert_eq!(transactions[1].date, Date::constant(2024, 1, 7));
    assert_eq!(transactions[1].amount, decimal("-5.5"));
    assert_eq!(transactions[1].cost, Some(decimal("-2")));

    assert_eq!(report.rows_read, 9);
    assert_eq!(report.rows_accepted, 2);
    assert_eq!(report.rows_rejected(), 7);
    assert_eq!(report.blank_lines, 1);
    assert_rows_add_up(&report);

    assert_eq!(report.rejected[&RejectReason::MissingField], 1);
    assert_eq!(report.rejected[&RejectReason::EmptyCustomerId], 1);
    assert_eq!(report.rejected[&RejectReason::InvalidDate], 2);
    assert_eq!(report.rejected[&RejectReason::InvalidAmount], 1);
    assert_eq!(report.rejected[&RejectReason::InvalidCost], 1);
    assert_eq!(report.rejected[&RejectReason::InvalidUtf8], 1);

    let kept_rows: Vec<(u64, &str, RejectReason)> =
        report.first_rejections.iter().map(|row| (row.line, row.column.as_str(), row.reason)).collect();
    assert_eq!(
        kept_rows,
        vec![
            (3, "2 (amount)", RejectReason::MissingField),
            (4, "0 (customer)", RejectReason::EmptyCustomerId),
            (5, "1 (date)", RejectReason::InvalidDate),
            (6, "2 (amount)", RejectReason::InvalidAmount),
            (7, "3 (cost)", RejectReason::InvalidCost),
            (8, "0 (customer)", RejectReason::InvalidUtf8),
            (11, "1 (date)", RejectReason::InvalidDate),
        ]
    );

    let values: Vec<&str> = report.first_rejections.iter().map(|row| row.value.as_str()).collect();
    assert_eq!(values, vec!["0002,2024-01-06", "", "2024-13-01", "abc", "$8", "0006\u{FFFD}", "2024-13-01"]);
}

#[test]
fn skip_keeps_first_ten_rejections() {
    let mut contents = String::from("customer,date,amount\n");
    for row in 0..12 {
        contents.push_str(&format!("{row:04},2024-01-05,bad{row}\n"));
    }
    contents.push_str("0100,2024-01-05,1\n");
    let file = TempFile::new("many-bad.csv", contents);
    let mut spec = SourceSpec::new(file.path(), "customer", "date", "amount");
    spec.invalid_rows = InvalidRowPolicy::Skip;

    let (transactions, report) = read_all(&spec);

    assert_eq!(transactions.len(), 1);
    assert_eq!(report.rows_read, 13);
    assert_eq!(report.rejected[&RejectReason::InvalidAmount], 12);
    assert_eq!(report.first_rejections.len(), KEPT_REJECTIONS);
    assert_eq!(report.first_rejections[0].line, 2);
    assert_eq!(report.first_rejections[0].value, "bad0");
    assert_eq!(report.first_rejections[9].line, 11);
    assert_eq!(report.first_rejections[9].value, "bad9");
    assert_rows_add_up(&report);
}
