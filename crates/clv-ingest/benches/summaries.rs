//! Benchmark of reading and summarising a log: the fast reader against the
//! accurate reader followed by the summary builder.
//!
//! `cargo bench -p clv-ingest` measures both. `cargo test --benches` runs
//! each once as a smoke test.

use std::hint::black_box;
use std::io::Write;
use std::path::PathBuf;

use clv_core::{Date, Decimal, SummaryBuilder, TimeUnit};
use clv_ingest::{FastRead, SourceSpec, SummaryRequest, TransactionReader, read_summaries_fast};
use criterion::{Criterion, criterion_group, criterion_main};

/// Writes 200,000 rows of 20,000 customers over two years, grouped by
/// customer and in date order, as `clv simulate` writes them.
fn write_log() -> PathBuf {
    let path = std::env::temp_dir().join(format!("clv-ingest-bench-{}.csv", std::process::id()));
    let mut file = std::io::BufWriter::new(std::fs::File::create(&path).expect("creating the log"));
    writeln!(file, "customer,date,amount").expect("writing the log");
    let start = Date::constant(2020, 1, 1);
    for customer in 0..20_000u32 {
        for purchase in 0..10u32 {
            let offset = (customer % 300 + purchase * 40) as i64;
            let date = start.checked_add(jiff::Span::new().days(offset)).expect("within 2022");
            let cents = 1_000 + (customer * 7 + purchase * 13) % 9_000;
            writeln!(file, "{},{date},{}.{:02}", customer + 1, cents / 100, cents % 100)
                .expect("writing the log");
        }
    }
    file.flush().expect("writing the log");
    path
}

fn summaries(c: &mut Criterion) {
    let path = write_log();
    let spec = SourceSpec::new(&path, "customer", "date", "amount");
    let request = SummaryRequest {
        unit: TimeUnit::Week,
        calibration_end: Some(Date::constant(2021, 6, 30)),
        observation_end: None,
        margin: Decimal::new(3, 1),
    };

    c.bench_function("fast reader, 200k rows of 20k customers", |b| {
        b.iter(|| match read_summaries_fast(&spec, &request) {
            FastRead::Read(read) => black_box(read.result.expect("summaries")),
            FastRead::Declined(reason) => panic!("the fast reader declined the log: {reason}"),
        })
    });
    c.bench_function("accurate reader and builder, 200k rows of 20k customers", |b| {
        b.iter(|| {
            let mut builder = SummaryBuilder::new(request.margin);
            for transaction in TransactionReader::open(&spec).expect("opening the log") {
                builder.add(transaction.expect("a valid row")).expect("small amounts");
            }
            black_box(
                builder
                    .build(request.unit, request.calibration_end, request.observation_end)
                    .expect("summaries"),
            )
        })
    });

    let _ = std::fs::remove_file(&path);
}

criterion_group!(benches, summaries);
criterion_main!(benches);
