//! Comparison metrics: the distribution of predicted CLV and the holdout backtest.

mod ranking;

use clv_core::Decimal;
use serde::{Deserialize, Serialize};

pub use ranking::{gains_curve, normalised_gini, sample_curve, top_decile_capture};

/// Summary of the predicted CLV over all customers, in money.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ClvDistribution {
    /// Sum over customers.
    pub total: Decimal,
    /// Mean over customers.
    pub mean: Decimal,
    /// Median (mean of the two middle values for an even count).
    pub median: Decimal,
    /// 90th percentile by the nearest-rank rule: the value at rank ceil(0.9 n).
    pub p90: Decimal,
    /// Share of the total held by the top 10% of customers (ceil(n / 10) of
    /// them); `None` when the total is not positive.
    pub top_decile_share: Option<f64>,
}

/// Computes the distribution of `values`; returns `None` for no values.
pub fn clv_distribution(values: &[Decimal]) -> Option<ClvDistribution> {
    if values.is_empty() {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort();
    let n = sorted.len();

    let total: Decimal = sorted.iter().sum();
    let mean = total / Decimal::from(n);
    let median = if n % 2 == 1 { sorted[n / 2] } else { (sorted[n / 2 - 1] + sorted[n / 2]) / Decimal::TWO };
    let p90 = sorted[(n * 9).div_ceil(10) - 1];

    let top_count = n.div_ceil(10);
    let top: Decimal = sorted[n - top_count..].iter().sum();
    let top_decile_share = if total > Decimal::ZERO { ratio(top, total) } else { None };

    Some(ClvDistribution { total, mean, median, p90, top_decile_share })
}

fn ratio(numerator: Decimal, denominator: Decimal) -> Option<f64> {
    use rust_decimal::prelude::ToPrimitive;
    (numerator / denominator).to_f64()
}

/// Accuracy of a model's holdout predictions against what customers did.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Backtest {
    /// Customers compared.
    pub customers: usize,
    /// Mean absolute error of predicted vs actual holdout purchase days.
    pub mae: f64,
    /// Root mean squared error of predicted vs actual holdout purchase days.
    pub rmse: f64,
    /// Mean squared log error of purchase days, mean of (ln(1 + predicted) - ln(1 + actual))^2;
    /// `None` only in a report.json written before it was computed.
    #[serde(default)]
    pub msle: Option<f64>,
    /// Sum of predicted over sum of actual purchase days, less 1; `None`
    /// when no customer bought in the holdout.
    #[serde(default)]
    pub bias: Option<f64>,
    /// Sum of predicted holdout purchase days.
    pub predicted_transactions: f64,
    /// Sum of actual holdout purchase days.
    pub actual_transactions: f64,
    /// Spearman rank correlation of predicted vs actual holdout revenue;
    /// `None` when either side is constant, so no ranking exists.
    pub spearman_value: Option<f64>,
    /// Normalised Gini of the ranking by predicted holdout revenue against
    /// actual holdout revenue; `None` when all actual revenue is equal.
    #[serde(default)]
    pub gini_value: Option<f64>,
    /// Share of actual holdout revenue held by the top 10% of customers by
    /// predicted holdout revenue; `None` without positive actual revenue.
    #[serde(default)]
    pub top_decile_capture: Option<f64>,
}

/// Compares predicted with actual holdout transactions and values, customer by customer.
///
/// All four slices have one entry per customer, in the same order.
pub fn backtest(
    predicted_transactions: &[f64],
    actual_transactions: &[f64],
    predicted_value: &[f64],
    actual_value: &[f64],
) -> Backtest {
    let n = predicted_transactions.len();
    let mut absolute = 0.0;
    let mut squared = 0.0;
    let mut squared_log = 0.0;
    for (predicted, actual) in predicted_transactions.iter().zip(actual_transactions) {
        absolute += (predicted - actual).abs();
        squared += (predicted - actual).powi(2);
        squared_log += (predicted.ln_1p() - actual.ln_1p()).powi(2);
    }
    let count = n.max(1) as f64;
    let predicted_total: f64 = predicted_transactions.iter().sum();
    let actual_total: f64 = actual_transactions.iter().sum();

    Backtest {
        customers: n,
        mae: absolute / count,
        rmse: (squared / count).sqrt(),
        msle: Some(squared_log / count),
        bias: (actual_total > 0.0).then(|| predicted_total / actual_total - 1.0),
        predicted_transactions: predicted_total,
        actual_transactions: actual_total,
        spearman_value: spearman(predicted_value, actual_value),
        gini_value: normalised_gini(predicted_value, actual_value),
        top_decile_capture: top_decile_capture(predicted_value, actual_value),
    }
}

/// Spearman rank correlation: Pearson correlation of the ranks, ties given
/// their average rank. Returns `None` for fewer than two values or a constant side.
pub fn spearman(a: &[f64], b: &[f64]) -> Option<f64> {
    if a.len() != b.len() || a.len() < 2 {
        return None;
    }
    pearson(&average_ranks(a), &average_ranks(b))
}

fn pearson(a: &[f64], b: &[f64]) -> Option<f64> {
    let n = a.len() as f64;
    let mean_a = a.iter().sum::<f64>() / n;
    let mean_b = b.iter().sum::<f64>() / n;
    let mut covariance = 0.0;
    let mut variance_a = 0.0;
    let mut variance_b = 0.0;
    for (x, y) in a.iter().zip(b) {
        covariance += (x - mean_a) * (y - mean_b);
        variance_a += (x - mean_a).powi(2);
        variance_b += (y - mean_b).powi(2);
    }
    if variance_a == 0.0 || variance_b == 0.0 {
        return None;
    }
    Some((covariance / (variance_a * variance_b).sqrt()).clamp(-1.0, 1.0))
}

/// Ranks from 1 to n; tied values share the mean of the ranks they span.
fn average_ranks(values: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&i, &j| values[i].total_cmp(&values[j]));

    let mut ranks = vec![0.0; values.len()];
    let mut start = 0;
    while start < order.len() {
        let mut end = start + 1;
        while end < order.len() && values[order[end]] == values[order[start]] {
            end += 1;
        }
        // Positions start..end hold ranks start+1 ..= end; their mean is (start + 1 + end) / 2.
        let rank = (start + 1 + end) as f64 / 2.0;
        for &index in &order[start..end] {
            ranks[index] = rank;
        }
        start = end;
    }
    ranks
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;

    fn money(values: &[&str]) -> Vec<Decimal> {
        values.iter().map(|v| Decimal::from_str(v).unwrap()).collect()
    }

    #[test]
    fn distribution_of_ten_values() {
        let values = money(&["1", "2", "3", "4", "5", "6", "7", "8", "9", "55"]);
        let distribution = clv_distribution(&values).unwrap();
        assert_eq!(distribution.total, Decimal::from(100));
        assert_eq!(distribution.mean, Decimal::from(10));
        assert_eq!(distribution.median, Decimal::from_str("5.5").unwrap());
        assert_eq!(distribution.p90, Decimal::from(9));
        assert_eq!(distribution.top_decile_share, Some(0.55));
    }

    #[test]
    fn distribution_of_zero_total_has_no_share() {
        let distribution = clv_distribution(&money(&["0", "0", "0"])).unwrap();
        assert_eq!(distribution.top_decile_share, None);
        assert_eq!(clv_distribution(&[]), None);
    }

    #[test]
    fn ranks_average_ties() {
        assert_eq!(average_ranks(&[10.0, 20.0, 10.0, 30.0]), vec![1.5, 3.0, 1.5, 4.0]);
    }

    #[test]
    fn spearman_cases() {
        // Monotone but non-linear: rank correlation is exactly 1 (and -1 reversed).
        let a = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(spearman(&a, &[1.0, 8.0, 27.0, 64.0]), Some(1.0));
        assert_eq!(spearman(&a, &[4.0, 3.0, 2.0, 1.0]), Some(-1.0));
        // Ranks (1,2,3) against (2,1,3): 1 - 6 * 2 / (3 * 8) = 0.5 by the no-ties formula.
        let rho = spearman(&[1.0, 2.0, 3.0], &[2.0, 1.0, 3.0]).unwrap();
        assert!((rho - 0.5).abs() < 1e-12, "{rho}");
        assert_eq!(spearman(&a, &[5.0, 5.0, 5.0, 5.0]), None);
    }

    #[test]
    fn backtest_errors() {
        let result = backtest(&[1.0, 2.0], &[0.0, 4.0], &[1.0, 2.0], &[0.0, 4.0]);
        assert_eq!(result.mae, 1.5);
        assert!((result.rmse - (2.5f64).sqrt()).abs() < 1e-12);
        assert_eq!(result.predicted_transactions, 3.0);
        assert_eq!(result.actual_transactions, 4.0);
        assert_eq!(result.spearman_value, Some(1.0));
        // By hand: ((ln 2 - ln 1)^2 + (ln 3 - ln 5)^2) / 2.
        let msle = ((2f64.ln()).powi(2) + (3f64.ln() - 5f64.ln()).powi(2)) / 2.0;
        let computed = result.msle.unwrap();
        assert!((computed - msle).abs() < 1e-12, "{computed}");
        assert_eq!(result.bias, Some(3.0 / 4.0 - 1.0));
        assert_eq!(result.gini_value, Some(1.0));
        // Top ceil(2 / 10) = 1 customer: the one worth 4 of 4.
        assert_eq!(result.top_decile_capture, Some(1.0));
    }

    #[test]
    fn backtest_without_holdout_purchases() {
        let result = backtest(&[0.5, 0.0], &[0.0, 0.0], &[1.0, 0.0], &[0.0, 0.0]);
        assert_eq!(result.bias, None);
        assert_eq!(result.gini_value, None);
        assert_eq!(result.top_decile_capture, None);
        // By hand: (ln 1.5)^2 / 2.
        assert!((result.msle.unwrap() - 1.5f64.ln().powi(2) / 2.0).abs() < 1e-12);
    }
}
