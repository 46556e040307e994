//! Reads arbitrary bytes as a transaction log and summarises the accepted
//! rows. Any input must give transactions or an error, never a panic, and
//! the reader's counts must add up.
//!
//! The first input byte chooses the spec: separator, header, invalid-row
//! policy, date format, whether there is a cost column and the time unit.

#![no_main]

use std::path::PathBuf;

use clv_core::{Decimal, SummaryBuilder, TimeUnit};
use clv_ingest::{Format, InvalidRowPolicy, SourceSpec, TransactionReader};
use libfuzzer_sys::fuzz_target;

fn spec(path: PathBuf, selector: u8) -> SourceSpec {
    let mut spec = SourceSpec::new(path, 0, 1, 2);
    spec.format = match selector % 4 {
        0 => Format::Delimited { delimiter: b',' },
        1 => Format::Delimited { delimiter: b';' },
        2 => Format::Delimited { delimiter: b'\t' },
        _ => Format::Whitespace,
    };
    spec.has_header = selector & 4 != 0;
    spec.invalid_rows = if selector & 8 != 0 { InvalidRowPolicy::Skip } else { InvalidRowPolicy::Error };
    spec.date_format = if selector & 16 != 0 { "%Y%m%d" } else { "%Y-%m-%d %H:%M:%S%z" }.to_string();
    if selector & 32 != 0 {
        spec.date_format = "%Y-%m-%d".to_string();
    }
    spec.cost = (selector & 64 != 0).then_some(3.into());
    spec
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, content)) = data.split_first() else { return };
    let path = std::env::temp_dir().join(format!("clv-fuzz-reader-{}.csv", std::process::id()));
    std::fs::write(&path, content).expect("the fuzzer can write its scratch file");

    let Ok(mut reader) = TransactionReader::open(&spec(path, selector)) else { return };
    let mut builder = SummaryBuilder::new(Decimal::new(3, 1));
    for transaction in &mut reader {
        match transaction {
            Ok(transaction) => {
                if builder.add(transaction).is_err() {
                    break;
                }
            }
            Err(_) => break,
        }
    }
    let report = reader.into_report();
    assert_eq!(report.rows_read, report.rows_accepted + report.rows_rejected());

    let unit = if selector & 128 != 0 { TimeUnit::Week } else { TimeUnit::Day };
    let calibration_end = builder.last_date().and_then(|date| date.yesterday().ok());
    if let Ok(summaries) = builder.build(unit, calibration_end, None) {
        for customer in &summaries.customers {
            assert!(customer.recency.is_finite());
            assert!(customer.age.is_finite());
            assert!(customer.recency <= customer.age);
        }
    }
});
