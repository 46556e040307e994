//! Values of every kind in the amount, date and customer columns: what is
//! accepted, what is rejected and with which reason, and the settings that
//! read money written with a currency symbol or separators.

use clv_core::Date;
use clv_ingest::{AmountFormat, CustomerIds, InvalidRowPolicy, RejectReason, SourceSpec};

use crate::common::{TempFile, assert_rows_add_up, decimal, read_all, read_until_error};

fn skipping_spec(file: &TempFile) -> SourceSpec {
    let mut spec = SourceSpec::new(file.path(), "customer", "date", "amount");
    spec.invalid_rows = InvalidRowPolicy::Skip;
    spec
}

#[test]
fn amounts_of_every_kind() {
    let file = TempFile::new(
        "amounts.csv",
        "customer,date,amount\n\
         a,2024-01-05,-12.50\n\
         a,2024-01-06,0\n\
         a,2024-01-07,\n\
         a,2024-01-08,twelve\n\
         a,2024-01-09,$12\n\
         a,2024-01-10,\"1,200\"\n\
         a,2024-01-11,99999999999999999999999999999\n\
         a,2024-01-12,0.00000000000000000000000000001\n\
         a,2024-01-13,NaN\n",
    );

    let (transactions, report) = read_all(&skipping_spec(&file));

    let amounts: Vec<String> = transactions.iter().map(|t| t.amount.to_string()).collect();
    assert_eq!(amounts, ["-12.50", "0"]);
    assert_eq!(report.rows_read, 9);
    assert_eq!(report.rejected[&RejectReason::InvalidAmount], 7);
    assert_rows_add_up(&report);

    let messages: Vec<&str> = report.first_rejections.iter().map(|row| row.message.as_str()).collect();
    assert_eq!(messages[0], "invalid amount \"\": the field is empty");
    assert!(messages[1].contains("it is not a number"), "{}", messages[1]);
    assert!(messages[2].contains("set currency_symbol = \"$\""), "{}", messages[2]);
    assert!(messages[3].contains("set thousands_separator = \",\""), "{}", messages[3]);
    assert!(messages[4].contains("beyond the range of a decimal number"), "{}", messages[4]);
    assert!(messages[5].contains("more than 28 decimal places"), "{}", messages[5]);
    assert!(messages[6].contains("not a finite number"), "{}", messages[6]);
}

#[test]
fn configured_dollars_with_thousands_separator() {
    let file = TempFile::new(
        "dollars.csv",
        "customer,date,amount,cost\n\
         a,2024-01-05,\"$1,234.50\",$34.50\n\
         a,2024-01-06,-$5,0\n\
         a,2024-01-07,\"12,34\",1\n",
    );
    let mut spec = skipping_spec(&file);
    spec.cost = Some("cost".into());
    spec.amount_format = AmountFormat {
        currency_symbol: Some("$".to_string()),
        thousands_separator: Some(','),
        decimal_separator: '.',
    };

    let (transactions, report) = read_all(&spec);

    assert_eq!(transactions.len(), 2);
    assert_eq!(transactions[0].amount, decimal("1234.50"));
    assert_eq!(transactions[0].cost, Some(decimal("34.50")));
    assert_eq!(transactions[1].amount, decimal("-5"));
    // "12,34" does not group its digits in threes, so it is rejected, not read as 1234.
    assert_eq!(report.rejected[&RejectReason::InvalidAmount], 1);
    assert_eq!(
        report.first_rejections[0].message,
        "invalid amount \"12,34\": the group \"34\" after a thousands separator ',' is not 3 digits"
    );
}

#[test]
fn configured_euros_with_decimal_comma() {
    let file =
        TempFile::new("euros.csv", "customer;date;amount\na;2024-01-05;1.234,50 €\nb;2024-01-06;0,99\n");
    let mut spec = skipping_spec(&file);
    spec.format = clv_ingest::Format::Delimited { delimiter: b';' };
    spec.amount_format = AmountFormat {
        currency_symbol: Some("€".to_string()),
        thousands_separator: Some('.'),
        decimal_separator: ',',
    };

    let (transactions, report) = read_all(&spec);

    let amounts: Vec<String> = transactions.iter().map(|t| t.amount.to_string()).collect();
    assert_eq!(amounts, ["1234.50", "0.99"]);
    assert_eq!(report.rows_rejected(), 0);
}

#[test]
fn ambiguous_amount_format_is_rejected_at_open() {
    let file = TempFile::new("ambiguous.csv", "customer,date,amount\na,2024-01-05,1\n");
    let mut spec = skipping_spec(&file);
    spec.amount_format.thousands_separator = Some('.');

    let message = clv_ingest::TransactionReader::open(&spec).unwrap_err().to_string();

    assert!(message.contains("ambiguous.csv: invalid amount format: thousands_separator"), "{message}");
    assert!(message.contains("are both '.'"), "{message}");
}

#[test]
fn customer_ids_differing_in_case_or_spaces() {
    let contents = "customer,date,amount\n007,2024-01-05,1\n7,2024-01-05,1\nAb Cd,2024-01-05,1\n\
                    ab cd,2024-01-05,1\nABCD,2024-01-05,1\n";
    let file = TempFile::new("ids.csv", contents);
    let ids = |customer_ids: CustomerIds| {
        let mut spec = skipping_spec(&file);
        spec.customer_ids = customer_ids;
        let (transactions, _) = read_all(&spec);
        transactions.into_iter().map(|t| t.customer).collect::<Vec<String>>()
    };

    assert_eq!(ids(CustomerIds::Exact), ["007", "7", "Ab Cd", "ab cd", "ABCD"]);
    assert_eq!(ids(CustomerIds::IgnoreCase), ["007", "7", "ab cd", "ab cd", "abcd"]);
    assert_eq!(ids(CustomerIds::IgnoreCaseAndSpaces), ["007", "7", "abcd", "abcd", "abcd"]);
}

#[test]
fn id_of_only_spaces_is_empty_after_normalising() {
    let file = TempFile::new("blank-id.csv", "customer,date,amount\n\"\u{a0}\",2024-01-05,1\n");
    let mut spec = skipping_spec(&file);
    spec.customer_ids = CustomerIds::IgnoreCaseAndSpaces;

    let (_, report) = read_all(&spec);

    assert_eq!(report.rejected[&RejectReason::EmptyCustomerId], 1);
}

#[test]
fn one_date_format_for_whole_column() {
    // 05/01/2024 is 5 January under %d/%m/%Y; the row written month first is
    // rejected, never read as 13 January.
    let file =
        TempFile::new("dates.csv", "customer,date,amount\na,05/01/2024,1\na,13/01/2024,1\na,01/13/2024,1\n");
    let mut spec = SourceSpec::new(file.path(), "customer", "date", "amount");
    spec.date_format = "%d/%m/%Y".to_string();

    let (transactions, error, _) = read_until_error(&spec);

    assert_eq!(transactions[0].date, Date::constant(2024, 1, 5));
    assert_eq!(transactions[1].date, Date::constant(2024, 1, 13));
    let message = error.to_string();
    assert!(message.contains("dates.csv:4: column 1 (date): invalid date \"01/13/2024\""), "{message}");
}

#[test]
fn very_long_line_is_read() {
    // A one-megabyte note in an unselected column, and a 100,000-character id.
    let id = "x".repeat(100_000);
    let note = "n".repeat(1 << 20);
    let file = TempFile::new(
        "long.csv",
        format!("customer,date,amount,note\n{id},2024-01-05,1,{note}\nb,2024-01-06,2,short\n"),
    );

    let (transactions, report) = read_all(&SourceSpec::new(file.path(), "customer", "date", "amount"));

    assert_eq!(transactions.len(), 2);
    assert_eq!(transactions[0].customer.len(), 100_000);
    assert_eq!(transactions[1].customer, "b");
    assert_eq!(report.rows_read, 2);
}
