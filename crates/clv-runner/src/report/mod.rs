//! The comparison report: one serialisable structure that report.json,
//! report.md and the terminal table are all rendered from, so they carry the
//! same numbers.
//!
//! Rounding is fixed so that output is deterministic: money to 2 decimal
//! places (half away from zero) written as decimal strings, every other real
//! number to 4 decimal places.

mod accounting;
mod build;
mod charts;
mod cohort;
mod decimal_order;
pub mod diagnostics;
mod html;
mod html_charts;
mod markdown;
mod markdown_diagnostics;
mod model_diagnostics;
mod parallel_csv;
mod predictions;
pub mod segments;
mod table;
mod write;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use crate::metrics::Backtest as BacktestReport;

pub use build::build_report;
pub use diagnostics::{CohortReport, DiagnosticsReport, SegmentsReport};
pub use html::render_html;
pub use markdown::render_markdown;
pub use predictions::{prediction_columns, write_predictions, write_summaries};
pub use table::render_table;
pub use write::{ReportFiles, read_report, rewrite_reports, write_reports};

/// Version of the report.json layout; it changes only when a field changes meaning or goes away.
pub const SCHEMA_VERSION: u32 = 2;

/// Everything report.json contains.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub schema_version: u32,
    pub data: DataReport,
    pub settings: SettingsReport,
    pub models: Vec<ModelReport>,
    /// Actual behaviour of the customers, binned as each model's diagnostics are.
    #[serde(default)]
    pub cohort: Option<CohortReport>,
    /// The primary model's segments and top customers.
    #[serde(default)]
    pub segments: Option<SegmentsReport>,
}

/// Accounting of the rows and customers of the source.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DataReport {
    /// File name of the source.
    pub source: String,
    pub rows: RowCounts,
    pub first_rejections: Vec<RejectionReport>,
    pub customers: CustomerCounts,
    pub first_date: String,
    pub last_date: String,
    pub calibration_end: String,
    pub observation_end: String,
    pub time_unit: String,
    /// Holdout length in time units; 0 without a holdout.
    pub holdout_length: f64,
    pub calibration_repeat_purchases: u64,
    pub holdout_purchases: u64,
    pub calibration_revenue: String,
}

/// Rows read = accepted + rejected + excluded. Accepted rows are the rows
/// that the modelled customers' summaries are built from. Rejected rows could
/// not be read, and excluded rows were read but fall outside the model: after
/// the observation end, or of a customer whose first purchase is in the holdout.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RowCounts {
    pub read: u64,
    pub accepted: u64,
    pub rejected: u64,
    pub rejected_by_reason: BTreeMap<String, u64>,
    pub excluded: u64,
    /// `after_observation_end` and `first_purchase_in_holdout`, always both present.
    pub excluded_by_reason: BTreeMap<String, u64>,
    pub blank_lines: u64,
}

/// One rejected row, as listed in the report.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RejectionReport {
    pub line: u64,
    pub column: String,
    pub value: String,
    pub reason: String,
}

/// Customers in the data = modelled + excluded.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CustomerCounts {
    pub in_data: u64,
    pub modelled: u64,
    pub excluded: u64,
    /// `first_purchase_in_holdout` and `only_after_observation_end`, always both present.
    pub excluded_by_reason: BTreeMap<String, u64>,
}

/// Settings every model of the run shares.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SettingsReport {
    /// CLV horizon in time units.
    pub horizon: f64,
    pub time_unit: String,
    pub annual_discount_rate: f64,
    /// Discount rate per time unit equivalent to the annual rate.
    pub discount_rate_per_unit: f64,
    /// Gross margin as a decimal string.
    pub margin: String,
    /// `config` (value.margin, or 1 when not set) or `cost_column`.
    pub margin_source: String,
}

/// One model's entry.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModelReport {
    pub name: String,
    pub kind: String,
    /// `ok`, `not_converged` (results shown, but the fit did not meet its
    /// convergence criterion) or `failed`.
    pub status: String,
    /// Reason the model failed, when it did.
    pub error: Option<String>,
    pub params: Vec<ParamReport>,
    pub fit: Option<FitReport>,
    /// Goodness of fit of the spend model, when it is fitted separately.
    pub spend_fit: Option<FitReport>,
    pub metrics: Option<MetricsReport>,
    /// Data of the diagnostic charts; `None` for a failed model.
    #[serde(default)]
    pub diagnostics: Option<DiagnosticsReport>,
}

/// An estimated parameter.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ParamReport {
    pub name: String,
    pub value: f64,
    pub std_error: Option<f64>,
}

/// Goodness of fit of a likelihood-based model.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FitReport {
    pub log_likelihood: f64,
    pub aic: f64,
    pub bic: f64,
    pub iterations: u64,
    pub converged: bool,
}

/// A model's numbers over the customers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MetricsReport {
    pub clv: ClvReport,
    /// CLV of the average customer, for models that define one.
    pub population_clv: Option<String>,
    pub backtest: Option<BacktestReport>,
}

/// Distribution of predicted CLV; money as decimal strings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClvReport {
    pub total: String,
    pub mean: String,
    pub median: String,
    pub p90: String,
    pub top_decile_share: Option<f64>,
}
