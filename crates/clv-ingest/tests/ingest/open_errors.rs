//! Errors raised when opening a log: missing file, header problems, bad settings.

use clv_ingest::{Format, IngestError, SourceSpec, TransactionReader};

use crate::common::TempFile;

fn open_error(spec: &SourceSpec) -> IngestError {
    match TransactionReader::open(spec) {
        Ok(_) => panic!("opening {} succeeded", spec.path.display()),
        Err(error) => error,
    }
}

#[test]
fn missing_file_names_path_and_os_error() {
    let path = std::env::temp_dir().join(format!("clv-ingest-{}-missing.csv", std::process::id()));
    let os_error = std::fs::File::open(&path).unwrap_err();
    let spec = SourceSpec::new(&path, "customer", "date", "amount");

    let error = open_error(&spec);

    assert!(matches!(error, IngestError::Open { .. }), "{error:?}");
    assert_eq!(error.to_string(), format!("failed to open transaction log {}: {os_error}", path.display()));
}

#[test]
fn unknown_header_name_lists_found_names() {
    let file = TempFile::new("unknown.csv", "Customer ID,Order Date,Total\n0004,2024-01-05,1\n");
    let spec = SourceSpec::new(file.path(), "Customer ID", "Order Date", "amount");

    let error = open_error(&spec);

    assert_eq!(
        error.to_string(),
        format!(
            "{}: column \"amount\" not found in the header row, which has 3 columns: \
             \"Customer ID\", \"Order Date\", \"Total\"",
            file.path().display()
        )
    );
}

#[test]
fn unknown_header_name_suggests_delimiter() {
    let file = TempFile::new("semicolon-header.csv", "customer;date;amount\n0004;2024-01-05;1\n");
    let spec = SourceSpec::new(file.path(), "customer", "date", "amount");

    let message = open_error(&spec).to_string();

    assert!(message.contains("which has 1 column: \"customer;date;amount\""), "{message}");
    assert!(message.ends_with("; is the delimiter ';'?"), "{message}");
}

#[test]
fn name_without_header_is_rejected() {
    let file = TempFile::new("no-header.csv", "0004,2024-01-05,1\n");
    let mut spec = SourceSpec::new(file.path(), "customer", 1, 2);
    spec.has_header = false;

    let message = open_error(&spec).to_string();

    assert!(
        message.contains("column \"customer\" is selected by name, but has_header is false"),
        "{message}"
    );
}

#[test]
fn empty_file_has_no_header_names() {
    let file = TempFile::new("empty.csv", "\n\n");
    let spec = SourceSpec::new(file.path(), "customer", "date", "amount");

    let error = open_error(&spec);

    assert!(matches!(error, IngestError::MissingHeader { ref name, .. } if name == "customer"), "{error:?}");
}

#[test]
fn quote_delimiter_is_rejected() {
    let file = TempFile::new("quote.csv", "customer,date,amount\n");
    let mut spec = SourceSpec::new(file.path(), "customer", "date", "amount");
    spec.format = Format::Delimited { delimiter: b'"' };

    let error = open_error(&spec);

    assert!(matches!(error, IngestError::InvalidDelimiter { .. }), "{error:?}");
}

#[test]
fn date_format_without_day_is_rejected() {
    let file = TempFile::new("month.csv", "customer,date,amount\n0004,2024-01,1\n");
    let mut spec = SourceSpec::new(file.path(), "customer", "date", "amount");
    spec.date_format = "%Y-%m".to_string();

    let message = open_error(&spec).to_string();

    assert!(message.contains("invalid date_format \"%Y-%m\": it has no directive for a day"), "{message}");
}

#[test]
#[cfg(unix)]
fn read_failure_ends_iteration() {
    // On Unix a directory opens as a file, but reading it fails.
    let directory = std::env::temp_dir();
    let mut spec = SourceSpec::new(&directory, 0, 1, 2);
    spec.has_header = false;
    let mut reader = TransactionReader::open(&spec).unwrap();

    let error = reader.next().unwrap().unwrap_err();

    assert!(matches!(error, IngestError::Read { line: 0, .. }), "{error:?}");
    let prefix = format!("failed to read transaction log {} after line 0: ", directory.display());
    assert!(error.to_string().starts_with(&prefix), "{error}");
    assert!(reader.next().is_none());
}
