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
        message.contains("column \"customer\" is selected by name, but the file has no header row"),
        "{message}"
    );
}

#[test]
fn empty_file_shows_valid_first_line() {
    let file = TempFile::new("empty.csv", "\n\n");
    let spec = SourceSpec::new(file.path(), "customer", "date", "amount");

    let error = open_error(&spec);

    assert!(matches!(error, IngestError::EmptyFile { .. }), "{error:?}");
    assert_eq!(
        error.to_string(),
        format!(
            "{}: the file is empty or contains only blank lines: check the path; a valid first line is a \
             header row such as \"customer,date,amount\", followed by rows such as \"0004,2024-01-05,12.50\"",
            file.path().display()
        )
    );
}

#[test]
fn empty_file_without_header_shows_row() {
    let file = TempFile::new("empty.txt", "");
    let mut spec = SourceSpec::new(file.path(), 1, 2, 4);
    spec.format = Format::Whitespace;
    spec.has_header = false;
    spec.date_format = "%Y%m%d".to_string();

    let message = open_error(&spec).to_string();

    assert!(
        message
            .ends_with(": check the path; a valid first line is a row such as \"x 0004 20240105 x 12.50\""),
        "{message}"
    );
}

#[test]
fn utf16_with_byte_order_mark_is_rejected() {
    let mut contents = vec![0xFF, 0xFE];
    contents.extend(utf16_le("customer,date,amount\r\n0004,2024-01-05,1\r\n"));
    let file = TempFile::new("utf16.csv", contents);
    let spec = SourceSpec::new(file.path(), "customer", "date", "amount");

    let error = open_error(&spec);

    assert!(matches!(error, IngestError::Utf16 { .. }), "{error:?}");
    assert_eq!(
        error.to_string(),
        format!(
            "{}: the file looks like UTF-16 because it starts with the UTF-16 byte order mark FF FE, \
             but it must be UTF-8: convert it to UTF-8, such as with `iconv -f UTF-16LE -t UTF-8`",
            file.path().display()
        )
    );
}

#[test]
fn utf16_big_endian_mark_is_rejected() {
    let file = TempFile::new("utf16be.csv", b"\xFE\xFF\0c\0,\0d\0\n");
    let spec = SourceSpec::new(file.path(), 0, 1, 2);

    let message = open_error(&spec).to_string();

    assert!(message.contains("byte order mark FE FF"), "{message}");
    assert!(message.ends_with("`iconv -f UTF-16BE -t UTF-8`"), "{message}");
}

#[test]
fn utf16_without_mark_is_rejected() {
    // Without a byte order mark, the NUL byte after each ASCII character gives the file away.
    let file = TempFile::new("utf16-no-bom.txt", utf16_le("0004 1 19970101 2 29.33\n"));
    let mut spec = SourceSpec::new(file.path(), 1, 2, 4);
    spec.format = Format::Whitespace;
    spec.has_header = false;

    let message = open_error(&spec).to_string();

    assert!(
        message.ends_with(
            "the file looks like UTF-16 because its first line contains NUL bytes, but it must be UTF-8: \
             convert it to UTF-8, such as with `iconv -f UTF-16LE -t UTF-8`"
        ),
        "{message}"
    );
}

#[test]
fn duplicate_selected_header_name_is_rejected() {
    let file = TempFile::new("duplicate.csv", "customer,date,amount,amount\n0004,2024-01-05,1,2\n");
    let spec = SourceSpec::new(file.path(), "customer", "date", "amount");

    let error = open_error(&spec);

    assert!(
        matches!(error, IngestError::DuplicateColumn { ref positions, .. } if positions == &[2, 3]),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        format!(
            "{}: column \"amount\" is ambiguous because the header row has it at 0-based positions 2 and 3: \
             rename one of the columns or select the column by its 0-based index",
            file.path().display()
        )
    );
}

#[test]
fn duplicate_unselected_header_name_is_allowed() {
    let file = TempFile::new("duplicate-note.csv", "note,customer,date,amount,note\nx,0004,2024-01-05,1,y\n");
    let spec = SourceSpec::new(file.path(), "customer", "date", "amount");

    let (transactions, _) = crate::common::read_all(&spec);

    assert_eq!(transactions.len(), 1);
    assert_eq!(transactions[0].customer, "0004");
}

#[test]
fn whitespace_format_on_comma_file_names_setting() {
    let file = TempFile::new("comma.txt", "customer,date,amount\n0004,2024-01-05,1\n");
    let mut spec = SourceSpec::new(file.path(), "customer", "date", "amount");
    spec.format = Format::Whitespace;

    let message = open_error(&spec).to_string();

    assert!(
        message.ends_with(
            "; is the delimiter ','? If so, set separator = \"comma\" in the [data] section of the config"
        ),
        "{message}"
    );
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
fn directory_is_rejected_at_open() {
    let directory = std::env::temp_dir();
    let mut spec = SourceSpec::new(&directory, 0, 1, 2);
    spec.has_header = false;

    let error = open_error(&spec);

    assert!(matches!(error, IngestError::Open { .. }), "{error:?}");
    assert_eq!(
        error.to_string(),
        format!(
            "failed to open transaction log {}: the path is a directory, not a file: give the path of a file",
            directory.display()
        )
    );
}

/// Encodes `text` as little-endian UTF-16 without a byte order mark.
fn utf16_le(text: &str) -> Vec<u8> {
    text.encode_utf16().flat_map(u16::to_le_bytes).collect()
}
