//! Whitespace-separated files, the CDNOW sample among them.

use std::collections::BTreeSet;
use std::path::PathBuf;

use clv_core::{Date, Decimal};
use clv_ingest::{Format, SourceSpec};

use crate::common::{TempFile, assert_rows_add_up, decimal, read_all};

fn cdnow_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data/CDNOW_sample.txt")
}

fn whitespace_spec(path: impl Into<PathBuf>, customer: usize, date: usize, amount: usize) -> SourceSpec {
    let mut spec = SourceSpec::new(path, customer, date, amount);
    spec.format = Format::Whitespace;
    spec.has_header = false;
    spec.date_format = "%Y%m%d".to_string();
    spec
}

#[test]
fn cdnow_sample_reads_every_row() {
    let path = cdnow_path();

    // Expected values computed without the crate: split each line on
    // whitespace; column 1 is the customer and column 4 the amount.
    let text = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<Vec<&str>> = text
        .lines()
        .map(|line| line.split_whitespace().collect())
        .filter(|fields: &Vec<&str>| !fields.is_empty())
        .collect();
    let expected_customers: BTreeSet<&str> = lines.iter().map(|fields| fields[1]).collect();
    let expected_total: Decimal = lines.iter().map(|fields| decimal(fields[4])).sum();

    let (transactions, report) = read_all(&whitespace_spec(&path, 1, 2, 4));

    assert_eq!(lines.len(), 6919);
    assert_eq!(report.rows_read, 6919);
    assert_eq!(report.rows_accepted, 6919);
    assert_eq!(report.rows_rejected(), 0);
    assert_eq!(report.blank_lines, 0);
    assert_rows_add_up(&report);

    let customers: BTreeSet<&str> = transactions.iter().map(|t| t.customer.as_str()).collect();
    assert_eq!(customers.len(), 2357);
    assert_eq!(customers, expected_customers);
    assert_eq!(transactions[0].customer, "0001");
    assert_eq!(transactions[6918].customer, "2357");

    let first_date = transactions.iter().map(|t| t.date).min().unwrap();
    let last_date = transactions.iter().map(|t| t.date).max().unwrap();
    assert_eq!(first_date, Date::constant(1997, 1, 1));
    assert_eq!(last_date, Date::constant(1998, 6, 30));

    let total: Decimal = transactions.iter().map(|t| t.amount).sum();
    assert_eq!(total, expected_total);
    assert!(transactions.iter().all(|t| t.cost.is_none()));
}

#[test]
fn cdnow_first_row_values() {
    // The first line is " 00004 0001 19970101  2   29.33".
    let (transactions, _) = read_all(&whitespace_spec(cdnow_path(), 1, 2, 4));

    assert_eq!(transactions[0].customer, "0001");
    assert_eq!(transactions[0].date, Date::constant(1997, 1, 1));
    assert_eq!(transactions[0].amount, decimal("29.33"));
}

#[test]
fn whitespace_with_header_names() {
    let file = TempFile::new(
        "header.txt",
        "  customer   date        amount\n\
         \x20 0004      20240105    12.50\n\
         \t0005\t\t20240106\t3\n",
    );
    let mut spec = whitespace_spec(file.path(), 0, 0, 0);
    spec.has_header = true;
    spec.customer = "customer".into();
    spec.date = "date".into();
    spec.amount = "amount".into();

    let (transactions, report) = read_all(&spec);

    assert_eq!(transactions.len(), 2);
    assert_eq!(transactions[0].customer, "0004");
    assert_eq!(transactions[0].amount, decimal("12.50"));
    assert_eq!(transactions[1].customer, "0005");
    assert_eq!(transactions[1].date, Date::constant(2024, 1, 6));
    assert_eq!(report.rows_read, 2);
}

#[test]
fn whitespace_crlf_bom_and_blank_lines() {
    // Line 2 is empty and line 4 has only a tab.
    let file = TempFile::new("crlf.txt", "\u{FEFF} 0004 20240105 1.5\r\n\r\n 0005 20240106 2\r\n\t\r\n");
    let spec = whitespace_spec(file.path(), 0, 1, 2);

    let (transactions, report) = read_all(&spec);

    assert_eq!(transactions[0].customer, "0004");
    assert_eq!(transactions[0].amount, decimal("1.5"));
    assert_eq!(transactions[1].amount, decimal("2"));
    assert_eq!(report.rows_read, 2);
    assert_eq!(report.blank_lines, 2);
}
