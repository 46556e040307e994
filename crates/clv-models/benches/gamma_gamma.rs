//! Benchmark of the Gamma-Gamma fit from customer summaries, which includes
//! selecting the repeat customers and converting their mean values from
//! `Decimal`.
//!
//! `cargo bench -p clv-models --bench gamma_gamma` measures it. `cargo test
//! --benches` runs it once as a smoke test.

use std::hint::black_box;

use clv_core::{CustomerSummary, Date, Decimal, TimeUnit};
use clv_models::gamma_gamma::FittedGammaGamma;
use criterion::{Criterion, criterion_group, criterion_main};

/// Number of customers, enough for the fit to start from a subsample.
const CUSTOMERS: usize = 100_000;

/// Builds customers with 0 to 11 repeat purchase days and mean values
/// spread over 10 to 90 by low-discrepancy sequences. The spread around each
/// customer's level shrinks as x grows, as the model expects. Each mean is
/// a `Decimal` division of the repeat revenue, with 28 digits as in real
/// summaries.
fn customers() -> Vec<CustomerSummary> {
    let first_purchase = Date::constant(2020, 1, 1);
    (0..CUSTOMERS)
        .map(|index| {
            let position = index as f64;
            let frequency = (index % 12) as u32;
            let level = 10.0 * 9f64.powf((position * 0.618_033_988_7).fract());
            let spread = (position * 0.754_877_666_2).fract() - 0.5;
            let mean = level * (1.0 + spread / f64::from(frequency.max(1)).sqrt());
            let cents = (mean * f64::from(frequency) * 100.0).round() as i64;
            let repeat_revenue = Decimal::new(cents, 2);
            let monetary_value =
                if frequency == 0 { Decimal::ZERO } else { repeat_revenue / Decimal::from(frequency) };
            let recency_days = if frequency == 0 { 0 } else { 200 };
            CustomerSummary {
                id: format!("c{index}"),
                first_purchase,
                last_purchase: first_purchase.checked_add(jiff::Span::new().days(recency_days)).unwrap(),
                frequency,
                recency_days,
                age_days: 400,
                recency: TimeUnit::Day.from_days(recency_days),
                age: TimeUnit::Day.from_days(400),
                monetary_value,
                first_value: Decimal::from(20),
                revenue: repeat_revenue + Decimal::from(20),
                profit: Decimal::ZERO,
                transactions: u64::from(frequency) + 1,
                holdout: None,
            }
        })
        .collect()
}

fn gamma_gamma_fit(c: &mut Criterion) {
    let customers = customers();
    c.bench_function("gamma_gamma fit, 100k customers", |b| {
        b.iter(|| FittedGammaGamma::fit(black_box(&customers)).unwrap())
    });
}

criterion_group!(benches, gamma_gamma_fit);
criterion_main!(benches);
