//! Benchmark of the summary builder on a synthetic log.
//!
//! `cargo bench -p clv-core` measures it. `cargo test --benches` runs it once
//! as a smoke test.

use std::hint::black_box;

use clv_core::{Date, Decimal, SummaryBuilder, TimeUnit, Transaction};
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};

/// 100,000 rows of 10,000 customers over one year, in date order.
fn transactions() -> Vec<Transaction> {
    let start = Date::constant(2024, 1, 1);
    (0..100_000u32)
        .map(|i| Transaction {
            customer: format!("C{:05}", (i * 7_919) % 10_000),
            date: start.checked_add(jiff::Span::new().days(i64::from(i / 274))).expect("within 2024"),
            amount: Decimal::new(i64::from(1_000 + i % 9_000), 2),
            cost: None,
        })
        .collect()
}

fn builder(c: &mut Criterion) {
    let rows = transactions();
    let calibration_end = Some(Date::constant(2024, 9, 30));
    c.bench_function("summary builder, 100k rows of 10k customers", |b| {
        b.iter_batched(
            || rows.clone(),
            |rows| {
                let mut builder = SummaryBuilder::new(Decimal::ONE);
                for row in rows {
                    builder.add(row).expect("amounts are small");
                }
                black_box(builder.build(TimeUnit::Week, calibration_end, None).expect("rows before the end"))
            },
            BatchSize::LargeInput,
        )
    });
}

criterion_group!(benches, builder);
criterion_main!(benches);
