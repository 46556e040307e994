//! Builds one model's [`DiagnosticsReport`] from its predictions.

use clv_core::{CustomerSummary, Decimal, Prediction};
use rust_decimal::prelude::ToPrimitive;

use super::build::{money, round4};
use super::cohort::{RECENCY_BINS, holdout_frequency, mean_by_frequency, recency_bin};
use super::decimal_order::descending_order;
use super::diagnostics::{DecileReport, DiagnosticsReport, HistogramReport, LorenzReport};
use super::segments::{grid_report, tier_reports, tiers};
use crate::metrics::{gains_curve, sample_curve};
use crate::population::{FREQUENCY_BINS, frequency_bin};
use crate::run::{HoldoutPrediction, ModelResults};

/// Points of the sampled gains curves: every 5% of the customers.
const LORENZ_POINTS: usize = 20;

/// Bins of the CLV histogram.
const HISTOGRAM_BINS: usize = 20;

/// Builds the diagnostics of a model that did not fail.
pub(crate) fn diagnostics_report(customers: &[CustomerSummary], results: &ModelResults) -> DiagnosticsReport {
    let values: Vec<Decimal> = results.clv.iter().map(|p| p.clv).collect();
    let tier = tiers(&values);
    let mut undefined = Vec::new();

    let tracking_expected = results.tracking_expected.as_ref().map(|cumulative| per_period(cumulative));
    let period_expected = results.period_expected.map(|bins| bins.iter().map(|x| round4(*x)).collect());
    let tracking_holdout_expected =
        results.tracking_holdout.as_ref().map(|values| values.iter().map(|x| round4(*x)).collect());
    if tracking_expected.is_none() || period_expected.is_none() {
        let tracking = if tracking_holdout_expected.is_some() {
            "tracking over the calibration period (its holdout part sums the model's own predictions)"
        } else {
            "tracking"
        };
        undefined.push(format!(
            "{tracking} and period transactions: the model defines no expected transactions of a new \
             customer, E[X(t)] and P(X(t) = x)"
        ));
    }
    let p_alive_grid = p_alive_grid(customers, &results.clv);
    let value_alive_grid = grid_report(&results.clv, &tier);
    if p_alive_grid.is_none() {
        undefined.push("P(alive) heat map and value x P(alive) grid: the model has no P(alive)".to_string());
    }

    let holdout = results.holdout.as_deref();
    if holdout.is_none() {
        undefined.push("calibration vs holdout and deciles: the run has no holdout period".to_string());
    }
    DiagnosticsReport {
        holdout_predicted_by_frequency: holdout.map(|predictions| {
            let predicted: Vec<f64> = predictions.iter().map(|p| p.expected_transactions).collect();
            mean_by_frequency(customers, &predicted)
        }),
        deciles: holdout.map(|predictions| deciles(customers, predictions)),
        tracking_expected,
        tracking_holdout_expected,
        period_expected,
        lorenz: lorenz(customers, results),
        clv_histogram: histogram(&values),
        p_alive_grid,
        tiers: tier_reports(&values, &tier),
        value_alive_grid,
        undefined,
    }
}

/// Differences of a cumulative series: the value of each period.
fn per_period(cumulative: &[f64]) -> Vec<f64> {
    let mut previous = 0.0;
    cumulative
        .iter()
        .map(|total| {
            let value = total - previous;
            previous = *total;
            round4(value)
        })
        .collect()
}

fn to_f64(value: Decimal) -> f64 {
    value.to_f64().unwrap_or(0.0)
}

/// Ten groups of customers by predicted holdout revenue, highest first.
/// Ties keep the customers' order (by id). Group `d` (0-based) contains ranks
/// `floor(d n / 10)` up to `floor((d + 1) n / 10)`.
fn deciles(customers: &[CustomerSummary], holdout: &[HoldoutPrediction]) -> Vec<DecileReport> {
    let n = customers.len();
    let revenues: Vec<Decimal> = holdout.iter().map(|prediction| prediction.revenue).collect();
    let order = descending_order(&revenues);

    (0..10)
        .map(|d| {
            let members = &order[d * n / 10..(d + 1) * n / 10];
            let predicted_revenue: Decimal = members.iter().map(|&i| holdout[i].revenue).sum();
            let actual_revenue: Decimal =
                members.iter().filter_map(|&i| customers[i].holdout.as_ref()).map(|h| h.revenue).sum();
            DecileReport {
                decile: d + 1,
                customers: members.len(),
                predicted_revenue: money(predicted_revenue),
                actual_revenue: money(actual_revenue),
                predicted_transactions: round4(
                    members.iter().map(|&i| holdout[i].expected_transactions).sum(),
                ),
                actual_transactions: round4(members.iter().map(|&i| holdout_frequency(&customers[i])).sum()),
            }
        })
        .collect()
}

/// Gains curve of actual holdout revenue by predicted holdout revenue, or
/// without a holdout the concentration of predicted CLV.
fn lorenz(customers: &[CustomerSummary], results: &ModelResults) -> Option<LorenzReport> {
    let (of, score, actual): (&str, Vec<f64>, Vec<f64>) = match &results.holdout {
        Some(holdout) => (
            "holdout_revenue",
            holdout.iter().map(|p| to_f64(p.revenue)).collect(),
            customers.iter().map(|c| c.holdout.as_ref().map_or(0.0, |h| to_f64(h.revenue))).collect(),
        ),
        None => {
            let values: Vec<f64> = results.clv.iter().map(|p| to_f64(p.clv)).collect();
            ("predicted_clv", values.clone(), values)
        }
    };
    let sample = |curve: Vec<f64>| sample_curve(&curve, LORENZ_POINTS).into_iter().map(round4).collect();
    Some(LorenzReport {
        of: of.to_string(),
        points: sample(gains_curve(&score, &actual)?),
        perfect: sample(gains_curve(&actual, &actual)?),
    })
}

/// Builds the histogram of predicted CLV over equal bins from 0 to the 99th
/// percentile (nearest rank), so a few very large values do not squash the
/// rest into one bin. Values beyond it fall in the last bin. Returns `None`
/// when that percentile is not positive.
fn histogram(values: &[Decimal]) -> Option<HistogramReport> {
    let mut sorted: Vec<f64> = values.iter().map(|v| to_f64(*v)).collect();
    sorted.sort_by(f64::total_cmp);
    let p99 = *sorted.get((sorted.len() * 99).div_ceil(100).checked_sub(1)?)?;
    if p99 <= 0.0 {
        return None;
    }
    let width = p99 / HISTOGRAM_BINS as f64;
    let mut counts = vec![0_u64; HISTOGRAM_BINS];
    for value in sorted {
        let bin = (value / width).floor().clamp(0.0, (HISTOGRAM_BINS - 1) as f64) as usize;
        counts[bin] += 1;
    }
    let edges = (0..=HISTOGRAM_BINS).map(|k| (k as f64 * width * 100.0).round() / 100.0).collect();
    Some(HistogramReport { edges, counts })
}

/// Mean P(alive) by frequency bin and recency bin; `None` when a prediction has no P(alive).
fn p_alive_grid(customers: &[CustomerSummary], predictions: &[Prediction]) -> Option<Vec<Vec<Option<f64>>>> {
    let max_age = customers.iter().map(|c| c.age).fold(0.0, f64::max);
    let mut sums = vec![vec![0.0; RECENCY_BINS]; FREQUENCY_BINS];
    let mut counts = vec![vec![0_u64; RECENCY_BINS]; FREQUENCY_BINS];
    for (customer, prediction) in customers.iter().zip(predictions) {
        let (f, r) = (frequency_bin(customer.frequency), recency_bin(customer.recency, max_age));
        sums[f][r] += prediction.p_alive?;
        counts[f][r] += 1;
    }
    Some(
        sums.iter()
            .zip(&counts)
            .map(|(row, row_counts)| {
                row.iter().zip(row_counts).map(|(s, &c)| (c > 0).then(|| round4(s / c as f64))).collect()
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn per_period_of_cumulative() {
        assert_eq!(per_period(&[1.0, 3.0, 3.5]), vec![1.0, 2.0, 0.5]);
    }

    #[test]
    fn histogram_clamps_to_last_bin() {
        // 100 values 1..=100: the 99th percentile is 99, so bins are 4.95
        // wide and 100 joins 99 in the last bin.
        let values: Vec<Decimal> = (1..=100).map(Decimal::from).collect();
        let bins = histogram(&values).unwrap();
        assert_eq!(bins.edges.len(), 21);
        assert_eq!(bins.edges[20], 99.0);
        assert_eq!(bins.counts.iter().sum::<u64>(), 100);
        assert_eq!(bins.counts[0], 4);
        assert_eq!(bins.counts[19], 6);
        assert_eq!(histogram(&[Decimal::ZERO, Decimal::ZERO]), None);
    }
}
