//! The report's diagnostics: per-model charts' data and the cohort they are
//! compared with. Every series is binned, so its size does not grow with the
//! number of customers.

use serde::{Deserialize, Serialize};

/// Labels of the calibration frequency bins.
pub const FREQUENCY_LABELS: [&str; 8] = ["0", "1", "2", "3", "4", "5", "6", "7+"];

/// Baseline of every model: the customers' actual behaviour.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CohortReport {
    /// First day of period 0 of the tracking chart: the earliest first purchase.
    pub tracking_start: String,
    /// Number of tracking periods, one time unit each, through the observation end.
    pub periods: usize,
    /// Periods that start on or before the calibration end.
    pub calibration_periods: usize,
    /// Actual repeat purchase days per period; `None` for a summary file, which has no dates.
    pub tracking_actual: Option<Vec<u64>>,
    /// Customers per calibration frequency bin (0..6, 7+).
    pub period_actual: Vec<u64>,
    /// Mean actual holdout purchase days per calibration frequency bin;
    /// `None` without a holdout, and `None` for an empty bin.
    pub holdout_actual_by_frequency: Option<Vec<Option<f64>>>,
    /// Edges of the recency bins of the P(alive) heat map, in time units.
    pub recency_edges: Vec<f64>,
}

/// One model's diagnostics. A field is `None` where the model's predictions
/// do not define it, and `undefined` gives the reason in the report's words.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DiagnosticsReport {
    /// Mean predicted holdout purchase days per calibration frequency bin.
    pub holdout_predicted_by_frequency: Option<Vec<Option<f64>>>,
    /// Customers ranked by predicted holdout revenue, in ten groups.
    pub deciles: Option<Vec<DecileReport>>,
    /// Expected repeat purchase days per tracking period.
    pub tracking_expected: Option<Vec<f64>>,
    /// For a model without E[X(t)]: expected repeat purchase days in each
    /// holdout period (periods `calibration_periods..periods` of the
    /// cohort), summed from its conditional predictions.
    #[serde(default)]
    pub tracking_holdout_expected: Option<Vec<f64>>,
    /// Expected customers per calibration frequency bin (0..6, 7+).
    pub period_expected: Option<Vec<f64>>,
    /// Gains curve at 5%, 10%, ..., 100% of the customers.
    pub lorenz: Option<LorenzReport>,
    /// Histogram of predicted CLV.
    pub clv_histogram: Option<HistogramReport>,
    /// Mean P(alive) by calibration frequency bin (rows) and recency bin (columns).
    pub p_alive_grid: Option<Vec<Vec<Option<f64>>>>,
    /// Value tiers by predicted CLV.
    pub tiers: Vec<TierReport>,
    /// Customers and value by tier and P(alive) band, for models with P(alive).
    pub value_alive_grid: Option<Vec<GridCellReport>>,
    /// Charts that are not defined for the model, with the reason.
    pub undefined: Vec<String>,
}

/// One tenth of the customers, ranked by predicted holdout revenue.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DecileReport {
    /// 1 for the top tenth.
    pub decile: usize,
    pub customers: usize,
    pub predicted_revenue: String,
    pub actual_revenue: String,
    pub predicted_transactions: f64,
    pub actual_transactions: f64,
}

/// A gains (Lorenz) curve sampled at evenly spaced shares of the customers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LorenzReport {
    /// `holdout_revenue`: actual holdout revenue with customers ranked by
    /// predicted holdout revenue; `predicted_clv`: predicted CLV ranked by
    /// itself, when there is no holdout.
    pub of: String,
    /// Cumulative share at 1/n_points, 2/n_points, ..., 1 of the customers.
    pub points: Vec<f64>,
    /// The same for a perfect ranking by the actual values.
    pub perfect: Vec<f64>,
}

/// Counts of customers by predicted CLV in equal-width bins.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HistogramReport {
    /// Bin edges in money. The first bin also counts values below the first
    /// edge, and the last bin counts values above the last edge.
    pub edges: Vec<f64>,
    pub counts: Vec<u64>,
}

/// A value tier: top 1%, next 9%, next 40% or bottom 50% by predicted CLV.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TierReport {
    pub tier: String,
    pub customers: usize,
    pub total: String,
    /// Share of the total predicted CLV of all customers.
    pub share: Option<f64>,
}

/// One cell of the value x P(alive) grid.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GridCellReport {
    pub tier: String,
    /// `active` (P(alive) >= 0.7), `uncertain` (0.3 to 0.7) or `lapsing` (< 0.3).
    pub band: String,
    pub customers: usize,
    pub total: String,
}

/// The primary model's segments: who to act on.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SegmentsReport {
    /// Name of the primary model.
    pub model: String,
    /// Customers in the top 10% by predicted CLV whose P(alive) is below 0.3;
    /// `None` for a model without P(alive).
    pub high_value_lapsing: Option<CustomerListReport>,
    /// Customers with the highest predicted CLV.
    pub top_customers: Vec<CustomerRowReport>,
}

/// A list of customers with its size and value; `customers` is cut at its first entries.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CustomerListReport {
    pub count: usize,
    pub total: String,
    pub customers: Vec<CustomerRowReport>,
}

/// One customer as listed in the report.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CustomerRowReport {
    pub id: String,
    pub clv: String,
    pub expected_transactions: f64,
    pub p_alive: Option<f64>,
    pub frequency: u32,
    pub recency: f64,
    pub age: f64,
    pub revenue: String,
    pub tier: String,
}
