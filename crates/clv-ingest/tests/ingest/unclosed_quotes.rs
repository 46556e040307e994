//! Quotes that are opened and not closed on their line: the rows after them
//! must not vanish under either invalid-row policy.

use clv_ingest::{
    IngestError, InvalidRowPolicy, RejectReason, SourceSpec, SummaryReader, SummarySpec, TransactionReader,
};

use crate::common::{TempFile, assert_rows_add_up, read_until_error};

/// Lines 2 to 5 are valid, and the quote opened on line 6 is never closed.
const UNCLOSED_QUOTE_LOG: &str = "customer_id,date,amount\n\
                                  A,2020-01-01,10\n\
                                  B,2020-01-02,11\n\
                                  C,2020-01-03,12\n\
                                  D,2020-01-04,13\n\
                                  F,\"2020-01-15,12\n\
                                  G,2020-01-16,13\n\
                                  H,2020-01-17,14\n";

fn expected_message(file: &TempFile) -> String {
    format!(
        "{}:6: column 1 (date): the quote that opens the value \"2020-01-15,12\" is not closed on its line, \
         so the following lines become part of this value instead of rows; close the quote or remove it",
        file.path().display()
    )
}

#[test]
fn unclosed_quote_stops_error_policy() {
    let file = TempFile::new("unclosed.csv", UNCLOSED_QUOTE_LOG);
    let spec = SourceSpec::new(file.path(), "customer_id", "date", "amount");

    let (transactions, error, report) = read_until_error(&spec);

    let customers: Vec<&str> = transactions.iter().map(|t| t.customer.as_str()).collect();
    assert_eq!(customers, vec!["A", "B", "C", "D"]);
    assert!(matches!(error, IngestError::UnclosedQuote { line: 6, .. }), "{error:?}");
    assert_eq!(error.to_string(), expected_message(&file));
    assert_eq!(report.rows_read, 4);
    assert_eq!(report.rows_accepted, 4);
    assert_rows_add_up(&report);
}

#[test]
fn unclosed_quote_stops_skip_policy() {
    let file = TempFile::new("unclosed-skip.csv", UNCLOSED_QUOTE_LOG);
    let mut spec = SourceSpec::new(file.path(), "customer_id", "date", "amount");
    spec.invalid_rows = InvalidRowPolicy::Skip;

    let (transactions, error, report) = read_until_error(&spec);

    assert_eq!(transactions.len(), 4);
    assert_eq!(error.to_string(), expected_message(&file));
    assert_eq!(report.rows_read, 4);
    assert_eq!(report.rows_rejected(), 0);
    assert!(report.first_rejections.is_empty());
}

#[test]
fn rows_before_unclosed_quote_keep_lines() {
    // Line 3 has an invalid amount and line 4 is blank; the quote opens on line 6.
    let file = TempFile::new(
        "unclosed-lines.csv",
        "customer_id,date,amount\n\
         A,2020-01-01,10\n\
         B,2020-01-02,eleven\n\
         \n\
         C,2020-01-03,12\n\
         D,\"2020-01-04,13\n\
         E,2020-01-05,14",
    );
    let mut spec = SourceSpec::new(file.path(), "customer_id", "date", "amount");
    spec.invalid_rows = InvalidRowPolicy::Skip;

    let (transactions, error, report) = read_until_error(&spec);

    assert_eq!(transactions.len(), 2);
    assert!(
        matches!(error, IngestError::UnclosedQuote { line: 6, ref column, .. } if column == "1 (date)"),
        "{error:?}"
    );
    assert_eq!(report.rows_read, 3);
    assert_eq!(report.blank_lines, 1);
    assert_eq!(report.rejected[&RejectReason::InvalidAmount], 1);
    assert_eq!(report.first_rejections[0].line, 3);
    assert_eq!(report.first_rejections[0].value, "eleven");
    assert_rows_add_up(&report);
}

#[test]
fn unclosed_quote_after_multiline_note() {
    // The note on lines 2 and 3 is a valid multi-line field; the quote in the amount opens on line 4.
    let file = TempFile::new(
        "unclosed-after-note.csv",
        "customer,date,note,amount\n\
         A,2020-01-01,\"first\nsecond\",10\n\
         B,2020-01-02,,\"11\n\
         C,2020-01-03,,12\n",
    );
    let spec = SourceSpec::new(file.path(), "customer", "date", "amount");

    let (transactions, error, _) = read_until_error(&spec);

    assert_eq!(transactions.len(), 1);
    let message = error.to_string();
    assert!(message.contains(":4: column 3 (amount): the quote that opens the value \"11\" "), "{message}");
}

#[test]
fn unclosed_quote_in_unselected_column_is_rejected() {
    // The note is not selected, but its quote on line 3 is still open at the end of the file.
    let file = TempFile::new(
        "unclosed-note.csv",
        "customer,date,amount,note\n\
         A,2020-01-01,10,\"a\nb\"\n\
         B,2020-01-02,11,\"gift\n\
         C,2020-01-03,12,\n",
    );
    let mut spec = SourceSpec::new(file.path(), "customer", "date", "amount");
    spec.invalid_rows = InvalidRowPolicy::Skip;

    let (transactions, error, report) = read_until_error(&spec);

    assert_eq!(transactions.len(), 1);
    assert_eq!(report.rows_read, 1);
    assert_eq!(
        error.to_string(),
        format!(
            "{}:4: column 3 (note): the quote that opens the value \"gift\" is not closed on its line, \
             so the following lines become part of this value instead of rows; close the quote or remove it",
            file.path().display()
        )
    );
}

#[test]
fn quote_closed_on_later_line_is_rejected() {
    // The amount is quoted and closed, but spans lines 2 and 3.
    let file =
        TempFile::new("closed-later.csv", "customer,date,amount\nA,2020-01-01,\"10\n\"\nB,2020-01-02,11\n");
    let spec = SourceSpec::new(file.path(), "customer", "date", "amount");

    let (transactions, error, _) = read_until_error(&spec);

    assert!(transactions.is_empty());
    assert!(matches!(error, IngestError::UnclosedQuote { line: 2, .. }), "{error:?}");
}

#[test]
fn unclosed_quote_in_header_is_rejected_at_open() {
    // With columns selected by index, the header row would otherwise take every row.
    let file =
        TempFile::new("unclosed-header.csv", "customer,\"date,amount\nA,2020-01-01,10\nB,2020-01-02,11\n");
    let spec = SourceSpec::new(file.path(), 0, 1, 2);

    let error = TransactionReader::open(&spec).unwrap_err();

    assert_eq!(
        error.to_string(),
        format!(
            "{}:1: column 1: the quote that opens the value \"date,amount\" is not closed on its line, so the following lines become part of this value \
             instead of rows; close the quote or remove it",
            file.path().display()
        )
    );
}

#[test]
fn unclosed_quote_in_header_comes_before_unknown_name() {
    // The quote makes the rest of the file one header name, so "amount" is not found either.
    let file = TempFile::new("unclosed-named-header.csv", "customer,\"date,amount\nA,2020-01-01,10\n");
    let spec = SourceSpec::new(file.path(), "customer", "date", "amount");

    let error = TransactionReader::open(&spec).unwrap_err();

    assert!(matches!(error, IngestError::UnclosedQuote { line: 1, .. }), "{error:?}");
    assert!(
        error.to_string().contains(":1: column 1: the quote that opens the value \"date,amount\" "),
        "{error}"
    );
}

#[test]
fn unclosed_quote_in_summary_file() {
    let file = TempFile::new("unclosed-summary.csv", "frequency,recency,age\n1,2,6\n0,0,6\n2,\"3,6\n1,1,6\n");
    let mut spec = SummarySpec::new(file.path(), "frequency", "recency", "age");
    spec.invalid_rows = InvalidRowPolicy::Skip;
    let mut reader = SummaryReader::open(&spec).unwrap();

    let mut lines = Vec::new();
    let error = loop {
        match reader.next() {
            Some(Ok(record)) => lines.push(record.line),
            Some(Err(error)) => break error,
            None => panic!("the summary file was read without an error"),
        }
    };

    assert_eq!(lines, vec![2, 3]);
    assert!(reader.next().is_none());
    assert_eq!(reader.report().rows_read, 2);
    let message = error.to_string();
    assert!(message.contains(":4: column 1 (recency): the quote that opens the value \"3,6\" "), "{message}");
}
