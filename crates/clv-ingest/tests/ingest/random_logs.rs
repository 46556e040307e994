//! Property tests of the transaction reader on random logs: any input gives
//! transactions or an error, never a panic, and every row read is accepted
//! or rejected.

use clv_ingest::{Format, IngestError, InvalidRowPolicy, SourceSpec, TransactionReader};
use proptest::prelude::*;

use crate::common::{TempFile, assert_rows_add_up};

/// Generates a field that is valid, nearly valid or garbage for any of the columns.
fn field() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("0004".to_string()),
        Just("2024-01-05".to_string()),
        Just("2024-02-30".to_string()),
        Just("20240105".to_string()),
        Just("12.50".to_string()),
        Just("-3".to_string()),
        Just("$1,234.50".to_string()),
        Just("99999999999999999999999999999".to_string()),
        Just("\"a,b\"".to_string()),
        Just("\"unclosed".to_string()),
        Just(String::new()),
        "[ -~]{0,12}",
        "\\PC{0,6}",
    ]
}

fn row() -> impl Strategy<Value = String> {
    prop::collection::vec(field(), 0..6).prop_map(|fields| fields.join(","))
}

fn log_bytes() -> impl Strategy<Value = Vec<u8>> {
    let text_log = (prop::collection::vec(row(), 0..12), prop::bool::ANY).prop_map(|(rows, crlf)| {
        let end = if crlf { "\r\n" } else { "\n" };
        rows.join(end).into_bytes()
    });
    prop_oneof![4 => text_log, 1 => prop::collection::vec(any::<u8>(), 0..200)]
}

fn spec(file: &TempFile, options: (u8, bool, bool, bool)) -> SourceSpec {
    let (format, header, skip, cost) = options;
    let mut spec = SourceSpec::new(file.path(), 0, 1, 2);
    spec.format = match format % 3 {
        0 => Format::Delimited { delimiter: b',' },
        1 => Format::Delimited { delimiter: b';' },
        _ => Format::Whitespace,
    };
    spec.has_header = header;
    spec.invalid_rows = if skip { InvalidRowPolicy::Skip } else { InvalidRowPolicy::Error };
    spec.cost = cost.then_some(3.into());
    spec
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 200,
        failure_persistence: None,
        // A fixed seed keeps the test command repeatable; the fuzz targets explore further.
        rng_seed: proptest::test_runner::RngSeed::Fixed(20261205),
        ..ProptestConfig::default()
    })]

    #[test]
    fn random_log_reads_or_fails(
        bytes in log_bytes(),
        options in (any::<u8>(), any::<bool>(), any::<bool>(), any::<bool>()),
    ) {
        let file = TempFile::new("random.csv", &bytes);
        let spec = spec(&file, options);

        let Ok(mut reader) = TransactionReader::open(&spec) else { return Ok(()) };
        let mut accepted = 0;
        let mut error: Option<IngestError> = None;
        for transaction in &mut reader {
            match transaction {
                Ok(transaction) => {
                    prop_assert!(!transaction.customer.is_empty());
                    accepted += 1;
                }
                Err(found) => error = Some(found),
            }
        }
        let report = reader.into_report();

        assert_rows_add_up(&report);
        prop_assert_eq!(report.rows_accepted, accepted);
        if spec.invalid_rows == InvalidRowPolicy::Skip {
            // Under skip, only a fault that stops every policy ends the reading early.
            prop_assert!(
                error.is_none() || matches!(error, Some(IngestError::UnclosedQuote { .. } | IngestError::Read { .. })),
                "{:?}", error
            );
        }
    }
}
