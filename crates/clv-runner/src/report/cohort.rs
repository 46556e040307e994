//! The actual side of the diagnostics: what the customers did, binned as the
//! charts bin every model's expectations.

use clv_core::CustomerSummary;

use super::build::round4;
use super::diagnostics::CohortReport;
use crate::population::{FREQUENCY_BINS, actual_period_customers, frequency_bin};
use crate::run::RunOutput;

/// Number of recency bins of the P(alive) heat map.
pub(crate) const RECENCY_BINS: usize = 10;

/// Builds the cohort report; `None` without customers.
pub(crate) fn cohort_report(output: &RunOutput) -> Option<CohortReport> {
    let grid = output.tracking_grid.as_ref()?;
    let customers = &output.data.summaries.customers;
    let holdout_actual = output.data.summaries.split.has_holdout().then(|| {
        let actual: Vec<f64> = customers.iter().map(holdout_frequency).collect();
        mean_by_frequency(customers, &actual)
    });

    Some(CohortReport {
        tracking_start: grid.start.to_string(),
        periods: grid.periods,
        calibration_periods: grid.calibration_periods,
        tracking_actual: output.data.repeat_days.as_ref().map(|days| grid.actual(days)),
        period_actual: actual_period_customers(customers).to_vec(),
        holdout_actual_by_frequency: holdout_actual,
        recency_edges: recency_edges(customers).iter().map(|edge| round4(*edge)).collect(),
    })
}

/// Actual holdout purchase days of a customer, 0 without a holdout.
pub(crate) fn holdout_frequency(customer: &CustomerSummary) -> f64 {
    customer.holdout.as_ref().map_or(0.0, |h| f64::from(h.frequency))
}

/// Means `values` (one per customer) within each calibration frequency bin,
/// rounded; `None` for an empty bin.
pub(crate) fn mean_by_frequency(customers: &[CustomerSummary], values: &[f64]) -> Vec<Option<f64>> {
    let mut sums = [0.0; FREQUENCY_BINS];
    let mut counts = [0_u64; FREQUENCY_BINS];
    for (customer, value) in customers.iter().zip(values) {
        let bin = frequency_bin(customer.frequency);
        sums[bin] += value;
        counts[bin] += 1;
    }
    sums.iter().zip(counts).map(|(sum, count)| (count > 0).then(|| round4(sum / count as f64))).collect()
}

/// Edges of the recency bins: `RECENCY_BINS` equal widths from 0 to the
/// largest age T, since no recency exceeds its customer's age.
pub(crate) fn recency_edges(customers: &[CustomerSummary]) -> Vec<f64> {
    let max_age = customers.iter().map(|c| c.age).fold(0.0, f64::max);
    (0..=RECENCY_BINS).map(|k| max_age * k as f64 / RECENCY_BINS as f64).collect()
}

/// Returns the recency bin of a customer for the edges of [`recency_edges`].
pub(crate) fn recency_bin(recency: f64, max_age: f64) -> usize {
    if max_age <= 0.0 {
        return 0;
    }
    ((recency / max_age * RECENCY_BINS as f64).floor() as usize).min(RECENCY_BINS - 1)
}
