//! Delimited files: header names, indexes, delimiters, quoting, line ends and BOM.

use clv_core::{Date, Transaction};
use clv_ingest::{ColumnRef, Format, SourceSpec};

use crate::common::{TempFile, assert_rows_add_up, decimal, read_all, read_until_error};

fn transaction(customer: &str, date: Date, amount: &str) -> Transaction {
    Transaction { customer: customer.to_string(), date, amount: decimal(amount), cost: None }
}

#[test]
fn csv_header_selects_columns_by_name() {
    // The columns are not in the order of the spec, and one column is not used.
    let file = TempFile::new(
        "names.csv",
        "order_id,amount,customer,date\n\
         1,12.50,0004,2024-01-05\n\
         2,-3,A17,2024-01-06\n",
    );
    let spec = SourceSpec::new(file.path(), "customer", "date", "amount");

    let (transactions, report) = read_all(&spec);

    assert_eq!(
        transactions,
        vec![
            transaction("0004", Date::constant(2024, 1, 5), "12.50"),
            transaction("A17", Date::constant(2024, 1, 6), "-3"),
        ]
    );
    assert_eq!(report.rows_read, 2);
    assert_eq!(report.rows_accepted, 2);
    assert_eq!(report.blank_lines, 0);
    assert_rows_add_up(&report);
}

#[test]
fn csv_header_names_are_trimmed() {
    let file = TempFile::new("trimmed.csv", " customer , date ,amount \n0004,2024-01-05,1\n");
    let spec = SourceSpec::new(file.path(), " customer", "date", "amount");

    let (transactions, _) = read_all(&spec);

    assert_eq!(transactions, vec![transaction("0004", Date::constant(2024, 1, 5), "1")]);
}

#[test]
fn cost_column_by_name() {
    let file = TempFile::new("cost.csv", "customer,date,amount,cost\n0004,2024-01-05,12.50,7.25\n");
    let mut spec = SourceSpec::new(file.path(), "customer", "date", "amount");
    spec.cost = Some(ColumnRef::from("cost"));

    let (transactions, _) = read_all(&spec);

    assert_eq!(transactions[0].amount, decimal("12.50"));
    assert_eq!(transactions[0].cost, Some(decimal("7.25")));
}

#[test]
fn index_columns_without_header() {
    let file = TempFile::new("index.csv", "x,2024-01-05,0004,9.99\nx,2024-01-06,0005,1\n");
    let mut spec = SourceSpec::new(file.path(), 2, 1, 3);
    spec.has_header = false;

    let (transactions, report) = read_all(&spec);

    assert_eq!(
        transactions,
        vec![
            transaction("0004", Date::constant(2024, 1, 5), "9.99"),
            transaction("0005", Date::constant(2024, 1, 6), "1"),
        ]
    );
    assert_eq!(report.rows_read, 2);
}

#[test]
fn index_columns_skip_header_row() {
    let file = TempFile::new("index-header.csv", "customer,date,amount\n0004,2024-01-05,2\n");
    let spec = SourceSpec::new(file.path(), 0, 1, 2);

    let (transactions, report) = read_all(&spec);

    assert_eq!(transactions, vec![transaction("0004", Date::constant(2024, 1, 5), "2")]);
    assert_eq!(report.rows_read, 1);
}

#[test]
fn semicolon_delimiter() {
    let file = TempFile::new("semicolon.csv", "customer;date;amount\n0004;2024-01-05;12.50\n");
    let mut spec = SourceSpec::new(file.path(), "customer", "date", "amount");
    spec.format = Format::Delimited { delimiter: b';' };

    let (transactions, _) = read_all(&spec);

    assert_eq!(transactions, vec![transaction("0004", Date::constant(2024, 1, 5), "12.50")]);
}

#[test]
fn tab_delimiter() {
    let file = TempFile::new("tab.tsv", "customer\tdate\tamount\n0004\t2024-01-05\t12.50\n");
    let mut spec = SourceSpec::new(file.path(), "customer", "date", "amount");
    spec.format = Format::Delimited { delimiter: b'\t' };

    let (transactions, _) = read_all(&spec);

    assert_eq!(transactions, vec![transaction("0004", Date::constant(2024, 1, 5), "12.50")]);
}

#[test]
fn quoted_fields_contain_delimiter() {
    let file = TempFile::new(
        "quoted.csv",
        "customer,date,amount,note\n\
         \"Smith, J\",2024-01-05,\"12.50\",\"gift, wrapped\"\n\
         \"Doe \"\"JD\"\"\",2024-01-06,3,\"two\nlines\"\n\
         0006,2024-01-07,4,\n",
    );
    let spec = SourceSpec::new(file.path(), "customer", "date", "amount");

    let (transactions, report) = read_all(&spec);

    assert_eq!(
        transactions,
        vec![
            transaction("Smith, J", Date::constant(2024, 1, 5), "12.50"),
            transaction("Doe \"JD\"", Date::constant(2024, 1, 6), "3"),
            transaction("0006", Date::constant(2024, 1, 7), "4"),
        ]
    );
    assert_eq!(report.rows_read, 3);
}

#[test]
fn line_numbers_after_multiline_field() {
    // The quoted note spans lines 2 and 3, so the bad amount is on line 4.
    let file = TempFile::new(
        "multiline.csv",
        "customer,date,amount,note\n1,2024-01-05,3,\"a\nb\"\n2,2024-01-06,x,\n",
    );
    let spec = SourceSpec::new(file.path(), "customer", "date", "amount");

    let (_, error, _) = read_until_error(&spec);

    let message = error.to_string();
    assert!(message.contains(":4: column 2 (amount): "), "{message}");
}

#[test]
fn crlf_line_ends_and_blank_lines() {
    // Line 3 is empty and line 5 has only spaces. The bad date is on line 6.
    let file = TempFile::new(
        "crlf.csv",
        "customer,date,amount\r\n\
         0004,2024-01-05,12.50\r\n\
         \r\n\
         0005,2024-01-06,3\r\n   \r\n\
         0006,2024-02-30,1\r\n",
    );
    let spec = SourceSpec::new(file.path(), "customer", "date", "amount");

    let (transactions, error, report) = read_until_error(&spec);

    assert_eq!(
        transactions,
        vec![
            transaction("0004", Date::constant(2024, 1, 5), "12.50"),
            transaction("0005", Date::constant(2024, 1, 6), "3"),
        ]
    );
    assert_eq!(transactions[1].amount.to_string(), "3");
    assert_eq!(report.blank_lines, 2);
    let message = error.to_string();
    assert!(message.contains(":6: column 1 (date): invalid date \"2024-02-30\""), "{message}");
}

#[test]
fn blank_lines_are_counted_not_read() {
    let file =
        TempFile::new("blank.csv", "\ncustomer,date,amount\n\n0004,2024-01-05,1\n\n\n0005,2024-01-06,2\n\n");
    let spec = SourceSpec::new(file.path(), "customer", "date", "amount");

    let (transactions, report) = read_all(&spec);

    assert_eq!(transactions.len(), 2);
    assert_eq!(report.rows_read, 2);
    assert_eq!(report.blank_lines, 5);
    assert_rows_add_up(&report);
}

#[test]
fn byte_order_mark_before_header() {
    let file = TempFile::new("bom-header.csv", "\u{FEFF}customer,date,amount\n0004,2024-01-05,1\n");
    let spec = SourceSpec::new(file.path(), "customer", "date", "amount");

    let (transactions, _) = read_all(&spec);

    assert_eq!(transactions, vec![transaction("0004", Date::constant(2024, 1, 5), "1")]);
}

#[test]
fn byte_order_mark_before_first_field() {
    let file = TempFile::new("bom-data.csv", "\u{FEFF}0004,2024-01-05,1\r\n");
    let mut spec = SourceSpec::new(file.path(), 0, 1, 2);
    spec.has_header = false;

    let (transactions, _) = read_all(&spec);

    assert_eq!(transactions[0].customer, "0004");
}

#[test]
fn customer_ids_kept_as_written() {
    // Leading zeros, case and inner spaces are kept; surrounding spaces are trimmed.
    let file = TempFile::new(
        "ids.csv",
        "customer,date,amount\n\
         007,2024-01-05,1\n\
         \x20 007 ,2024-01-05,1\n\
         Abc Def,2024-01-05,1\n\
         abc def,2024-01-05,1\n\
         \" 0x1F \",2024-01-05,1\n",
    );
    let spec = SourceSpec::new(file.path(), "customer", "date", "amount");

    let (transactions, _) = read_all(&spec);

    let customers: Vec<&str> = transactions.iter().map(|t| t.customer.as_str()).collect();
    assert_eq!(customers, vec!["007", "007", "Abc Def", "abc def", "0x1F"]);
}

#[test]
fn timestamps_give_written_day() {
    // 23:30 at -05:00 is the next day in UTC, and 00:15 at +14:00 the previous
    // day, but the day as written counts.
    let file = TempFile::new(
        "timestamps.csv",
        "customer,date,amount\n\
         1,2024-03-31 23:30:00-05:00,1\n\
         2,2024-04-01 00:15:00+14:00,1\n\
         3,2024-12-31 23:59:59+00:00,1\n",
    );
    let mut spec = SourceSpec::new(file.path(), "customer", "date", "amount");
    spec.date_format = "%Y-%m-%d %H:%M:%S%:z".to_string();

    let (transactions, _) = read_all(&spec);

    let dates: Vec<Date> = transactions.iter().map(|t| t.date).collect();
    assert_eq!(
        dates,
        vec![Date::constant(2024, 3, 31), Date::constant(2024, 4, 1), Date::constant(2024, 12, 31)]
    );
}

#[test]
fn time_without_offset_gives_written_day() {
    let file = TempFile::new("datetime.csv", "customer,date,amount\n1,2024-03-31 23:59:59,1\n");
    let mut spec = SourceSpec::new(file.path(), "customer", "date", "amount");
    spec.date_format = "%Y-%m-%d %H:%M:%S".to_string();

    let (transactions, _) = read_all(&spec);

    assert_eq!(transactions[0].date, Date::constant(2024, 3, 31));
}

#[test]
fn amounts_parsed_exactly() {
    let file = TempFile::new(
        "amounts.csv",
        "customer,date,amount\n\
         1,2024-01-05,0.1\n\
         1,2024-01-05,0.2\n\
         1,2024-01-05,+1234567890123456.78\n\
         1,2024-01-05,-0.05\n",
    );
    let spec = SourceSpec::new(file.path(), "customer", "date", "amount");

    let (transactions, _) = read_all(&spec);

    let amounts: Vec<String> = transactions.iter().map(|t| t.amount.to_string()).collect();
    assert_eq!(amounts, vec!["0.1", "0.2", "1234567890123456.78", "-0.05"]);
    assert_eq!(transactions[0].amount + transactions[1].amount, decimal("0.3"));
}

#[test]
fn header_only_file_has_no_rows() {
    let file = TempFile::new("header-only.csv", "customer,date,amount\n");
    let spec = SourceSpec::new(file.path(), 0, 1, 2);

    let (transactions, report) = read_all(&spec);

    assert!(transactions.is_empty());
    assert_eq!(report.rows_read, 0);
}

#[test]
fn report_is_current_while_reading() {
    let file = TempFile::new("progress.csv", "customer,date,amount\n1,2024-01-05,1\n2,2024-01-06,2\n");
    let spec = SourceSpec::new(file.path(), "customer", "date", "amount");
    let mut reader = clv_ingest::TransactionReader::open(&spec).unwrap();

    reader.next().unwrap().unwrap();

    assert_eq!(reader.report().rows_read, 1);
    assert_eq!(reader.report().rows_accepted, 1);
    assert_eq!(reader.report().path, file.path());
}
