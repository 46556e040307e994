//! Builds the [`Report`] of a run from its output.

use clv_core::{Decimal, Discount, FitStatistics};
use rayon::prelude::*;
use rust_decimal::RoundingStrategy;
use rust_decimal::prelude::ToPrimitive;

use super::cohort::cohort_report;
use super::model_diagnostics::diagnostics_report;
use super::segments::segments_report;
use super::{
    BacktestReport, ClvReport, DataReport, FitReport, MetricsReport, ModelReport, ParamReport,
    RejectionReport, Report, SCHEMA_VERSION, SettingsReport, accounting,
};
use crate::config::MarginSource;
use crate::data::DataSet;
use crate::metrics::{backtest, clv_distribution};
use crate::run::{HoldoutPrediction, ModelResults, RunOutput};

/// Rounds a money figure to cents, half away from zero, as text.
pub(crate) fn money(value: Decimal) -> String {
    let cents = value.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    format!("{cents:.2}")
}

/// Rounds a real number to 4 decimal places for the report.
pub(crate) fn round4(value: f64) -> f64 {
    let rounded = (value * 1e4).round() / 1e4;
    // Avoid "-0.0" in the output.
    if rounded == 0.0 { 0.0 } else { rounded }
}

/// Builds the report of a run.
pub fn build_report(output: &RunOutput) -> Report {
    let data = data_report(&output.data);
    let unit = output.data.summaries.unit;
    let discount = Discount::from_annual(output.annual_discount_rate, unit);
    let settings = SettingsReport {
        horizon: output.horizon,
        time_unit: unit.name().to_string(),
        annual_discount_rate: output.annual_discount_rate,
        discount_rate_per_unit: round4_precise(discount.per_unit_rate()),
        margin: output.data.margin.normalize().to_string(),
        margin_source: match output.margin_source {
            MarginSource::Configured(_) => "config",
            MarginSource::CostColumn => "cost_column",
        }
        .to_string(),
    };

    // Each model's diagnostics sort and bin every customer, so models are
    // reported in parallel.
    let models = output
        .models
        .par_iter()
        .map(|run| match &run.outcome {
            Ok(results) => {
                let fit = results.fit_statistics.as_ref().map(fit_report);
                let spend_fit = results.spend_fit_statistics.as_ref().map(fit_report);
                let converged = [&fit, &spend_fit].into_iter().flatten().all(|fit| fit.converged);
                ModelReport {
                    name: run.name.clone(),
                    kind: run.kind.clone(),
                    status: if converged { "ok" } else { "not_converged" }.to_string(),
                    error: None,
                    params: params_report(results),
                    fit,
                    spend_fit,
                    metrics: Some(metrics_report(&output.data, results)),
                    diagnostics: Some(diagnostics_report(&output.data.summaries.customers, results)),
                }
            }
            Err(reason) => ModelReport {
                name: run.name.clone(),
                kind: run.kind.clone(),
                status: "failed".to_string(),
                error: Some(reason.clone()),
                params: Vec::new(),
                fit: None,
                spend_fit: None,
                metrics: None,
                diagnostics: None,
            },
        })
        .collect();

    Report {
        schema_version: SCHEMA_VERSION,
        data,
        settings,
        models,
        cohort: cohort_report(output),
        segments: segments_report(output),
    }
}

/// Rounds small rates to 8 significant decimal places, where 4 would lose them.
fn round4_precise(value: f64) -> f64 {
    (value * 1e8).round() / 1e8
}

fn data_report(data: &DataSet) -> DataReport {
    let ingest = &data.ingest;
    let summaries = &data.summaries;
    let exclusions = &summaries.exclusions;
    let modelled = summaries.customers.len() as u64;
    let calibration_revenue: Decimal = summaries.customers.iter().map(|c| c.revenue).sum();

    DataReport {
        source: ingest
            .path
            .file_name()
            .map_or_else(|| ingest.path.display().to_string(), |name| name.to_string_lossy().into_owned()),
        rows: accounting::row_counts(ingest, exclusions),
        first_rejections: ingest
            .first_rejections
            .iter()
            .map(|row| RejectionReport {
                line: row.line,
                column: row.column.clone(),
                value: row.value.clone(),
                reason: row.reason.name().to_string(),
            })
            .collect(),
        customers: accounting::customer_counts(modelled, exclusions),
        first_date: summaries.first_date.to_string(),
        last_date: summaries.last_date.to_string(),
        calibration_end: summaries.split.calibration_end.to_string(),
        observation_end: summaries.split.observation_end.to_string(),
        time_unit: summaries.unit.name().to_string(),
        holdout_length: round4(summaries.unit.from_days(summaries.split.holdout_days())),
        calibration_repeat_purchases: summaries.calibration_repeat_purchases(),
        holdout_purchases: summaries.holdout_purchases(),
        calibration_revenue: money(calibration_revenue),
    }
}

fn fit_report(fit: &FitStatistics) -> FitReport {
    FitReport {
        log_likelihood: round4(fit.log_likelihood),
        aic: round4(fit.aic()),
        bic: round4(fit.bic()),
        iterations: fit.iterations,
        converged: fit.converged,
    }
}

fn params_report(results: &ModelResults) -> Vec<ParamReport> {
    results
        .parameters
        .iter()
        .map(|param| ParamReport {
            name: param.name.clone(),
            value: round4(param.value),
            std_error: param.std_error.map(round4),
        })
        .collect()
}

fn metrics_report(data: &DataSet, results: &ModelResults) -> MetricsReport {
    let values: Vec<Decimal> = results.clv.iter().map(|p| p.clv).collect();
    let distribution = clv_distribution(&values);
    let clv = match distribution {
        Some(d) => ClvReport {
            total: money(d.total),
            mean: money(d.mean),
            median: money(d.median),
            p90: money(d.p90),
            top_decile_share: d.top_decile_share.map(round4),
        },
        None => ClvReport {
            total: money(Decimal::ZERO),
            mean: money(Decimal::ZERO),
            median: money(Decimal::ZERO),
            p90: money(Decimal::ZERO),
            top_decile_share: None,
        },
    };

    let backtest = results.holdout.as_ref().map(|holdout| holdout_backtest(data, holdout));
    MetricsReport { clv, population_clv: results.population_clv.map(money), backtest }
}

fn holdout_backtest(data: &DataSet, holdout: &[HoldoutPrediction]) -> BacktestReport {
    let customers = &data.summaries.customers;
    let actual_transactions: Vec<f64> =
        customers.iter().map(|c| c.holdout.as_ref().map_or(0.0, |h| f64::from(h.frequency))).collect();
    let actual_value: Vec<f64> = customers
        .iter()
        .map(|c| c.holdout.as_ref().and_then(|h| h.revenue.to_f64()).unwrap_or(0.0))
        .collect();
    let predicted_transactions: Vec<f64> = holdout.iter().map(|p| p.expected_transactions).collect();
    let predicted_value: Vec<f64> = holdout.iter().map(|p| p.revenue.to_f64().unwrap_or(0.0)).collect();

    let result = backtest(&predicted_transactions, &actual_transactions, &predicted_value, &actual_value);
    BacktestReport {
        customers: result.customers,
        mae: round4(result.mae),
        rmse: round4(result.rmse),
        msle: result.msle.map(round4),
        bias: result.bias.map(round4),
        predicted_transactions: round4(result.predicted_transactions),
        actual_transactions: round4(result.actual_transactions),
        spearman_value: result.spearman_value.map(round4),
        gini_value: result.gini_value.map(round4),
        top_decile_capture: result.top_decile_capture.map(round4),
    }
}
