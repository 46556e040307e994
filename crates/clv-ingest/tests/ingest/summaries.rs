//! Summary files: the donations data, each rejection reason under the Error
//! and Skip policies, generated and read customer ids, formats and open errors.

use std::path::PathBuf;

use clv_ingest::{
    ColumnRef, Format, IngestError, IngestReport, InvalidRowPolicy, RejectReason, SummaryReader,
    SummaryRecord, SummarySpec,
};

use crate::common::{TempFile, assert_rows_add_up, decimal};

fn donations_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data/donations.csv")
}

/// Returns the spec of `data/donations.csv`, whose `weights` column is the count.
fn donations_spec() -> SummarySpec {
    let mut spec = SummarySpec::new(donations_path(), "frequency", "recency", "periods");
    spec.count = Some(ColumnRef::from("weights"));
    spec
}

/// Reads every row of `spec`, failing the test on any error.
fn read_all(spec: &SummarySpec) -> (Vec<SummaryRecord>, IngestReport) {
    let mut reader = SummaryReader::open(spec).expect("opening the summary file");
    let records = (&mut reader).collect::<Result<Vec<_>, _>>().expect("reading the summary file");
    (records, reader.into_report())
}

/// Reads `spec` up to its first error and returns the rows before it, the
/// error, and the report after it.
fn read_until_error(spec: &SummarySpec) -> (Vec<SummaryRecord>, IngestError, IngestReport) {
    let mut reader = SummaryReader::open(spec).expect("opening the summary file");
    let mut records = Vec::new();
    let error = loop {
        match reader.next() {
            Some(Ok(record)) => records.push(record),
            Some(Err(error)) => break error,
            None => panic!("the summary file has no invalid row, read {} rows", records.len()),
        }
    };

    assert!(reader.next().is_none(), "the reader ends after an invalid row");
    (records, error, reader.into_report())
}

fn open_error(spec: &SummarySpec) -> IngestError {
    match SummaryReader::open(spec) {
        Ok(_) => panic!("opening {} succeeded", spec.path.display()),
        Err(error) => error,
    }
}

#[test]
fn donations_reads_every_row() {
    let path = donations_path();

    // Expected values computed without the crate: split each line after the
    // header on commas; the fourth field is the count.
    let text = std::fs::read_to_string(&path).unwrap();
    let counts: Vec<u64> =
        text.lines().skip(1).map(|line| line.split(',').nth(3).unwrap().parse().unwrap()).collect();

    let (records, report) = read_all(&donations_spec());

    assert_eq!(counts.len(), 22);
    assert_eq!(records.len(), 22);
    assert_eq!(report.rows_read, 22);
    assert_eq!(report.rows_accepted, 22);
    assert_eq!(report.rows_rejected(), 0);
    assert_eq!(report.blank_lines, 0);
    assert_rows_add_up(&report);

    let record_counts: Vec<u64> = records.iter().map(|record| record.count).collect();
    assert_eq!(record_counts, counts);
    assert_eq!(records.iter().map(|record| record.count).sum::<u64>(), 11_104);
    assert!(records.iter().all(|record| record.age == 6.0));
    assert!(records.iter().all(|record| record.monetary_value == decimal("0")));
}

#[test]
fn donations_first_and_last_rows() {
    // The first data line is "0,0,6,3464" and the last "6,6,6,1203".
    let (records, _) = read_all(&donations_spec());

    assert_eq!(
        records[0],
        SummaryRecord {
            line: 2,
            id: "line2".to_string(),
            frequency: 0,
            recency: 0.0,
            age: 6.0,
            count: 3464,
            monetary_value: decimal("0"),
        }
    );

    let last = &records[21];
    assert_eq!(last.line, 23);
    assert_eq!(last.id, "line23");
    assert_eq!(last.frequency, 6);
    assert_eq!(last.recency, 6.0);
    assert_eq!(last.age, 6.0);
    assert_eq!(last.count, 1203);
}

#[test]
fn donations_without_count_column() {
    let spec = SummarySpec::new(donations_path(), "frequency", "recency", "periods");

    let (records, _) = read_all(&spec);

    assert_eq!(records.len(), 22);
    assert!(records.iter().all(|record| record.count == 1));
}

#[test]
fn generated_ids_follow_line_numbers() {
    // Blank lines 3 and 5 are skipped, but they still count for the line numbers.
    let file = TempFile::new("generated-ids.csv", "frequency,recency,age\n1,2,6\n\n0,0,6\n \n2,3,6\n");
    let spec = SummarySpec::new(file.path(), "frequency", "recency", "age");

    let (records, report) = read_all(&spec);

    let ids: Vec<&str> = records.iter().map(|record| record.id.as_str()).collect();
    assert_eq!(ids, vec!["line2", "line4", "line6"]);
    let lines: Vec<u64> = records.iter().map(|record| record.line).collect();
    assert_eq!(lines, vec![2, 4, 6]);
    assert_eq!(report.blank_lines, 2);
    assert_rows_add_up(&report);
}

#[test]
fn generated_ids_without_header() {
    let file = TempFile::new("generated-ids.txt", "1 2 6\n0 0 6\n");
    let mut spec = SummarySpec::new(file.path(), 0, 1, 2);
    spec.format = Format::Whitespace;
    spec.has_header = false;

    let (records, _) = read_all(&spec);

    let ids: Vec<&str> = records.iter().map(|record| record.id.as_str()).collect();
    assert_eq!(ids, vec!["line1", "line2"]);
}

#[test]
fn id_column_by_name_kept_as_written() {
    let file = TempFile::new(
        "ids.csv",
        "customer_id,x,t_x,T,monetary_value\n\
         0004,2,30.43,38.86,22.35\n\
         \" A17 \",0,0,38.86,0\n\
         a17,1,1.71,38.86,11.77\n",
    );
    let mut spec = SummarySpec::new(file.path(), "x", "t_x", "T");
    spec.customer = Some(ColumnRef::from("customer_id"));
    spec.monetary_value = Some(ColumnRef::from("monetary_value"));

    let (records, report) = read_all(&spec);

    let ids: Vec<&str> = records.iter().map(|record| record.id.as_str()).collect();
    assert_eq!(ids, vec!["0004", "A17", "a17"]);
    assert_eq!(records[0].frequency, 2);
    assert_eq!(records[0].recency, 30.43);
    assert_eq!(records[0].age, 38.86);
    assert_eq!(records[0].count, 1);
    assert_eq!(records[0].monetary_value, decimal("22.35"));
    assert_eq!(records[2].monetary_value.to_string(), "11.77");
    assert_eq!(report.rows_accepted, 3);
}

#[test]
fn id_column_by_index() {
    let file = TempFile::new("ids-index.csv", "2,30.43,38.86,0004\n0,0,38.86,0005\n");
    let mut spec = SummarySpec::new(file.path(), 0, 1, 2);
    spec.has_header = false;
    spec.customer = Some(ColumnRef::Index(3));

    let (records, _) = read_all(&spec);

    let ids: Vec<&str> = records.iter().map(|record| record.id.as_str()).collect();
    assert_eq!(ids, vec!["0004", "0005"]);
}

#[test]
fn whitespace_format_with_header() {
    // The columns are aligned with runs of spaces and tabs, and the last line has no line end.
    let file = TempFile::new(
        "summary.txt",
        "  id    frequency  recency   T      count\r\n\
         \x20 0001  2          30.43     38.86  3\r\n\
         \t0002\t0\t\t0\t38.86\t1",
    );
    let mut spec = SummarySpec::new(file.path(), "frequency", "recency", "T");
    spec.format = Format::Whitespace;
    spec.customer = Some(ColumnRef::from("id"));
    spec.count = Some(ColumnRef::from("count"));

    let (records, report) = read_all(&spec);

    assert_eq!(records.len(), 2);
    assert_eq!(records[0].id, "0001");
    assert_eq!(records[0].frequency, 2);
    assert_eq!(records[0].recency, 30.43);
    assert_eq!(records[0].age, 38.86);
    assert_eq!(records[0].count, 3);
    assert_eq!(records[1].id, "0002");
    assert_eq!(records[1].line, 3);
    assert_eq!(records[1].frequency, 0);
    assert_eq!(report.rows_read, 2);
}

#[test]
fn whitespace_format_without_header() {
    let file = TempFile::new("summary-index.txt", "0 0 6 3464\n1 1 6 1091\n");
    let mut spec = SummarySpec::new(file.path(), 0, 1, 2);
    spec.format = Format::Whitespace;
    spec.has_header = false;
    spec.count = Some(ColumnRef::Index(3));

    let (records, _) = read_all(&spec);

    assert_eq!(records.len(), 2);
    assert_eq!(records[1].id, "line2");
    assert_eq!(records[1].frequency, 1);
    assert_eq!(records[1].count, 1091);
}

#[test]
fn whole_numbers_written_as_decimals() {
    // pandas writes a floating-point column of whole numbers as "2.0".
    let file = TempFile::new("float-counts.csv", "frequency,recency,T,count\n2.0,4.5,6,3.0\n");
    let mut spec = SummarySpec::new(file.path(), "frequency", "recency", "T");
    spec.count = Some(ColumnRef::from("count"));

    let (records, _) = read_all(&spec);

    assert_eq!(records[0].frequency, 2);
    assert_eq!(records[0].recency, 4.5);
    assert_eq!(records[0].count, 3);
}

const HEADER: &str = "customer,frequency,recency,age,count,monetary\n";

/// Returns a spec for a comma-separated file with every optional column.
fn full_spec(file: &TempFile) -> SummarySpec {
    let mut spec = SummarySpec::new(file.path(), "frequency", "recency", "age");
    spec.customer = Some(ColumnRef::from("customer"));
    spec.count = Some(ColumnRef::from("count"));
    spec.monetary_value = Some(ColumnRef::from("monetary"));
    spec
}

/// Reads a file whose third line is invalid and returns the error message,
/// after checking the counts that the Error policy leaves.
fn error_for_third_line(name: &str, third_line: &[u8]) -> (TempFile, String) {
    let mut contents = format!("{HEADER}c1,2,4,6,3,10.50\n").into_bytes();
    contents.extend_from_slice(third_line);
    contents.extend_from_slice(b"\nc3,0,0,6,1,0\n");
    let file = TempFile::new(name, contents);

    let (records, error, report) = read_until_error(&full_spec(&file));

    assert_eq!(records.len(), 1);
    assert_eq!(records[0].id, "c1");
    assert!(matches!(error, IngestError::InvalidRow { .. }), "{error:?}");
    assert_eq!(report.rows_read, 2);
    assert_eq!(report.rows_accepted, 1);
    assert_eq!(report.rows_rejected(), 1);
    assert_eq!(report.first_rejections.len(), 1);
    assert_eq!(report.first_rejections[0].line, 3);
    assert_rows_add_up(&report);
    let message = error.to_string();
    (file, message)
}

const NUMBER_REMEDY: &str =
    "fix the row, check that the column settings select the intended columns, or set invalid_rows = \"skip\"";

const INCONSISTENT_REMEDY: &str = "fix the row, check that the recency and age columns are selected \
     correctly and use the same time unit, or set invalid_rows = \"skip\"";

#[test]
fn error_for_missing_field() {
    let (file, message) = error_for_third_line("missing.csv", b"c2,1,2");

    assert_eq!(
        message,
        format!(
            "{}:3: column 3 (age): found 3 fields, expected at least 6; \
             fix the row, check the format and the column settings, or set invalid_rows = \"skip\"",
            file.path().display()
        )
    );
}

#[test]
fn error_for_empty_customer_id() {
    let (file, message) = error_for_third_line("empty-id.csv", b" ,1,2,6,1,5");

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
fn error_for_invalid_utf8() {
    let (file, message) = error_for_third_line("utf8.csv", b"c2,1,\xFF2,6,1,5");

    assert_eq!(
        message,
        format!(
            "{}:3: column 2 (recency): invalid UTF-8 in the recency \"\u{FFFD}2\" at byte 0; \
             convert the file to UTF-8 or set invalid_rows = \"skip\"",
            file.path().display()
        )
    );
}

#[test]
fn error_for_fractional_frequency() {
    let (file, message) = error_for_third_line("frequency.csv", b"c2,2.5,2,6,1,5");

    assert_eq!(
        message,
        format!(
            "{}:3: column 1 (frequency): invalid frequency \"2.5\": it is not a whole number; {NUMBER_REMEDY}",
            file.path().display()
        )
    );
}

#[test]
fn error_for_negative_frequency() {
    let (file, message) = error_for_third_line("negative-frequency.csv", b"c2,-1,2,6,1,5");

    assert_eq!(
        message,
        format!(
            "{}:3: column 1 (frequency): invalid frequency \"-1\": it is negative; {NUMBER_REMEDY}",
            file.path().display()
        )
    );
}

#[test]
fn error_for_negative_recency() {
    let (file, message) = error_for_third_line("recency.csv", b"c2,1,-2,6,1,5");

    assert_eq!(
        message,
        format!(
            "{}:3: column 2 (recency): invalid recency \"-2\": it is negative; {NUMBER_REMEDY}",
            file.path().display()
        )
    );
}

#[test]
fn error_for_non_finite_recency() {
    let (file, message) = error_for_third_line("nan-recency.csv", b"c2,1,NaN,6,1,5");

    assert_eq!(
        message,
        format!(
            "{}:3: column 2 (recency): invalid recency \"NaN\": it is not a finite number; {NUMBER_REMEDY}",
            file.path().display()
        )
    );
}

#[test]
fn error_for_invalid_age() {
    let (file, message) = error_for_third_line("age.csv", b"c2,1,2,six,1,5");

    assert_eq!(
        message,
        format!(
            "{}:3: column 3 (age): invalid age \"six\": it is not a number: \
             write a number such as 0, 6 or 30.5; {NUMBER_REMEDY}",
            file.path().display()
        )
    );
}

#[test]
fn error_for_decimal_comma_age() {
    let (_, message) = error_for_third_line("comma-age.csv", b"c2,1,2,\"6,5\",1,5");

    assert!(
        message.contains(
            ":3: column 3 (age): invalid age \"6,5\": it has a decimal comma, \
             so write it with a decimal point, as 6.5;"
        ),
        "{message}"
    );
}

#[test]
fn error_for_zero_count() {
    let (file, message) = error_for_third_line("count.csv", b"c2,1,2,6,0,5");

    assert_eq!(
        message,
        format!(
            "{}:3: column 4 (count): invalid count \"0\": it is less than 1; {NUMBER_REMEDY}",
            file.path().display()
        )
    );
}

#[test]
fn error_for_fractional_count() {
    let (_, message) = error_for_third_line("fraction-count.csv", b"c2,1,2,6,1.5,5");

    assert!(
        message.contains(":3: column 4 (count): invalid count \"1.5\": it is not a whole number;"),
        "{message}"
    );
}

#[test]
fn error_for_invalid_monetary_value() {
    let (file, message) = error_for_third_line("monetary.csv", b"c2,1,2,6,1,$5");

    assert_eq!(
        message,
        format!(
            "{}:3: column 5 (monetary): invalid monetary value \"$5\": it has a currency symbol, \
             so remove the symbol from the monetary value column; fix the row or set invalid_rows = \"skip\"",
            file.path().display()
        )
    );
}

#[test]
fn error_for_recency_after_age() {
    let (file, message) = error_for_third_line("recency-age.csv", b"c2,1,7,6,1,5");

    assert_eq!(
        message,
        format!(
            "{}:3: column 2 (recency): recency \"7\" is greater than the age \"6\" in column 3 (age), \
             but the last purchase cannot come after the end of the observation period; {INCONSISTENT_REMEDY}",
            file.path().display()
        )
    );
}

#[test]
fn error_for_recency_without_repeat_purchases() {
    let (file, message) = error_for_third_line("recency-frequency.csv", b"c2,0,2,6,1,5");

    assert_eq!(
        message,
        format!(
            "{}:3: column 2 (recency): recency \"2\" is greater than 0, but the frequency in column \
             1 (frequency) is 0, and a customer without repeat purchases has recency 0; {INCONSISTENT_REMEDY}",
            file.path().display()
        )
    );
}

#[test]
fn error_names_column_without_header() {
    let file = TempFile::new("no-header.txt", "1 2 6\n1 x 6\n");
    let mut spec = SummarySpec::new(file.path(), 0, 1, 2);
    spec.format = Format::Whitespace;
    spec.has_header = false;

    let (records, error, _) = read_until_error(&spec);

    assert_eq!(records.len(), 1);
    let message = error.to_string();
    let expected_start =
        format!("{}:2: column 1: invalid recency \"x\": it is not a number", file.path().display());
    assert!(message.starts_with(&expected_start), "{message}");
}

#[test]
fn skip_counts_every_reason() {
    let file = TempFile::new(
        "mixed.csv",
        [
            HEADER.as_bytes(),
            b"c1,2,4,6,3,10.50\n", // line 2: accepted
            b"c2,1,2\n",           // line 3: missing field
            b",1,2,6,1,5\n",       // line 4: empty customer id
            b"c\xFE,1,2,6,1,5\n",  // line 5: invalid UTF-8
            b"c5,x,2,6,1,5\n",     // line 6: invalid frequency
            b"c6,1,-2,6,1,5\n",    // line 7: invalid recency
            b"c7,1,2,inf,1,5\n",   // line 8: invalid age
            b"c8,1,2,6,0,5\n",     // line 9: invalid count
            b"c9,1,2,6,1,5 EUR\n", // line 10: invalid monetary value
            b"\n",                 // line 11: blank
            b"c11,1,7,6,1,5\n",    // line 12: inconsistent, recency after age
            b"c12,0,0,6,40,0\n",   // line 13: accepted
            b"c13,0,1,6,1,0\n",    // line 14: inconsistent, recency without repeat purchases
        ]
        .concat(),
    );
    let mut spec = full_spec(&file);
    spec.invalid_rows = InvalidRowPolicy::Skip;

    let (records, report) = read_all(&spec);

    let ids: Vec<&str> = records.iter().map(|record| record.id.as_str()).collect();
    assert_eq!(ids, vec!["c1", "c12"]);
    assert_eq!(records[1].line, 13);
    assert_eq!(records[1].count, 40);

    assert_eq!(report.rows_read, 12);
    assert_eq!(report.rows_accepted, 2);
    assert_eq!(report.rows_rejected(), 10);
    assert_eq!(report.blank_lines, 1);
    assert_rows_add_up(&report);

    assert_eq!(report.rejected[&RejectReason::MissingField], 1);
    assert_eq!(report.rejected[&RejectReason::EmptyCustomerId], 1);
    assert_eq!(report.rejected[&RejectReason::InvalidUtf8], 1);
    assert_eq!(report.rejected[&RejectReason::InvalidFrequency], 1);
    assert_eq!(report.rejected[&RejectReason::InvalidRecency], 1);
    assert_eq!(report.rejected[&RejectReason::InvalidAge], 1);
    assert_eq!(report.rejected[&RejectReason::InvalidCount], 1);
    assert_eq!(report.rejected[&RejectReason::InvalidMonetaryValue], 1);
    assert_eq!(report.rejected[&RejectReason::InconsistentSummary], 2);
    assert_eq!(report.rejected.len(), 9);

    let kept_rows: Vec<(u64, &str, RejectReason)> =
        report.first_rejections.iter().map(|row| (row.line, row.column.as_str(), row.reason)).collect();
    assert_eq!(
        kept_rows,
        vec![
            (3, "3 (age)", RejectReason::MissingField),
            (4, "0 (customer)", RejectReason::EmptyCustomerId),
            (5, "0 (customer)", RejectReason::InvalidUtf8),
            (6, "1 (frequency)", RejectReason::InvalidFrequency),
            (7, "2 (recency)", RejectReason::InvalidRecency),
            (8, "3 (age)", RejectReason::InvalidAge),
            (9, "4 (count)", RejectReason::InvalidCount),
            (10, "5 (monetary)", RejectReason::InvalidMonetaryValue),
            (12, "2 (recency)", RejectReason::InconsistentSummary),
            (14, "2 (recency)", RejectReason::InconsistentSummary),
        ]
    );

    let values: Vec<&str> = report.first_rejections.iter().map(|row| row.value.as_str()).collect();
    assert_eq!(values, vec!["c2,1,2", "", "c\u{FFFD}", "x", "-2", "inf", "0", "5 EUR", "7", "1"]);
}

#[test]
fn open_missing_file_names_summary_file() {
    let path = std::env::temp_dir().join(format!("clv-ingest-{}-missing-summary.csv", std::process::id()));
    let os_error = std::fs::File::open(&path).unwrap_err();
    let spec = SummarySpec::new(&path, "frequency", "recency", "age");

    let error = open_error(&spec);

    assert!(matches!(error, IngestError::OpenSummary { .. }), "{error:?}");
    assert_eq!(error.to_string(), format!("failed to open summary file {}: {os_error}", path.display()));
}

#[test]
fn open_unknown_count_column_lists_found_names() {
    let mut spec = SummarySpec::new(donations_path(), "frequency", "recency", "periods");
    spec.count = Some(ColumnRef::from("count"));

    let message = open_error(&spec).to_string();

    assert!(
        message.ends_with(
            "column \"count\" not found in the header row, which has 4 columns: \
             \"frequency\", \"recency\", \"periods\", \"weights\""
        ),
        "{message}"
    );
}

#[test]
fn open_rejects_name_without_header() {
    let mut spec = donations_spec();
    spec.has_header = false;

    let message = open_error(&spec).to_string();

    assert!(
        message.contains("column \"frequency\" is selected by name, but the file has no header row"),
        "{message}"
    );
}

#[test]
fn directory_is_rejected_as_summary_file() {
    let directory = std::env::temp_dir();
    let mut spec = SummarySpec::new(&directory, 0, 1, 2);
    spec.has_header = false;

    let error = open_error(&spec);

    assert!(matches!(error, IngestError::OpenSummary { .. }), "{error:?}");
    assert_eq!(
        error.to_string(),
        format!(
            "failed to open summary file {}: the path is a directory, not a file: give the path of a file",
            directory.display()
        )
    );
}

#[test]
fn empty_summary_file_shows_valid_first_line() {
    let file = TempFile::new("empty-summary.csv", " \n");
    let mut spec = SummarySpec::new(file.path(), "x", "t_x", "T");
    spec.count = Some(ColumnRef::from("weights"));

    let message = open_error(&spec).to_string();

    assert!(
        message.ends_with(
            ": check the path; a valid first line is a header row such as \"x,t_x,T,weights\", \
             followed by rows such as \"2,30.5,38.5,1\""
        ),
        "{message}"
    );
}

#[test]
fn header_read_as_data_suggests_header() {
    let file = TempFile::new("summary-header-as-data.txt", "frequency recency age\n1 2 6\n");
    let mut spec = SummarySpec::new(file.path(), 0, 1, 2);
    spec.format = Format::Whitespace;
    spec.has_header = false;

    let (_, error, _) = read_until_error(&spec);

    let message = error.to_string();
    assert!(message.contains(":1: column 0: invalid frequency \"frequency\""), "{message}");
    assert!(message.contains("; the first line looks like a header: set header = true; "), "{message}");
}
