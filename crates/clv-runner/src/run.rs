//! Fits every configured model on the same summaries and collects their predictions.

use std::time::Instant;

use clv_core::{
    CustomerSummary, Decimal, Discount, FitData, FitStatistics, FittedModel, Parameter, Prediction,
    PredictionRequest,
};
use rust_decimal::prelude::ToPrimitive;

use crate::config::{Config, MarginSource};
use crate::data::{self, DataSet};
use crate::error::RunnerError;
use crate::holdout_tracking::holdout_tracking;
use crate::population::{FREQUENCY_BINS, TrackingGrid, expected_period_customers};
use crate::progress::{NoProgress, Progress};

/// Outcome of one model: its results, or the reason it failed.
#[derive(Clone, Debug)]
pub struct ModelRun {
    /// Label from the config.
    pub name: String,
    /// Registry kind.
    pub kind: String,
    /// Results, or the reason the model failed; a failed model does not stop the run.
    pub outcome: Result<ModelResults, String>,
}

/// A fitted model's estimates and predictions.
#[derive(Clone, Debug)]
pub struct ModelResults {
    /// Estimated parameters.
    pub parameters: Vec<Parameter>,
    /// Goodness of fit, for likelihood-based models.
    pub fit_statistics: Option<FitStatistics>,
    /// Goodness of fit of a separately fitted spend model.
    pub spend_fit_statistics: Option<FitStatistics>,
    /// CLV of the average customer, for models that define one.
    pub population_clv: Option<Decimal>,
    /// One prediction per customer over the configured horizon, discounted, with margin.
    pub clv: Vec<Prediction>,
    /// One prediction per customer over the holdout period, undiscounted and at
    /// margin 1; `None` without a holdout.
    pub holdout: Option<Vec<HoldoutPrediction>>,
    /// Expected cumulative repeat transactions of all customers through each
    /// period of the tracking grid; `None` for a model without E[X(t)].
    pub tracking_expected: Option<Vec<f64>>,
    /// For a model without E[X(t)]: expected repeat transactions in each
    /// holdout period of the tracking grid, from its conditional predictions.
    /// `None` for other models and without a holdout.
    pub tracking_holdout: Option<Vec<f64>>,
    /// Expected customers per calibration frequency bin (0..6, 7+); `None`
    /// for a model without P(X(t) = x).
    pub period_expected: Option<[f64; FREQUENCY_BINS]>,
}

/// The part of one customer's holdout prediction that the backtest uses.
///
/// A run keeps one for every customer of every model, so it has only the
/// two figures the backtest compares.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct HoldoutPrediction {
    /// Expected purchase days in the holdout period.
    pub expected_transactions: f64,
    /// Expected revenue in the holdout period: the prediction's CLV, which is
    /// undiscounted and at margin 1 for the holdout request.
    pub revenue: Decimal,
}

impl From<&Prediction> for HoldoutPrediction {
    fn from(prediction: &Prediction) -> HoldoutPrediction {
        HoldoutPrediction { expected_transactions: prediction.expected_transactions, revenue: prediction.clv }
    }
}

/// Everything a run produced, ready for the reports.
#[derive(Clone, Debug)]
pub struct RunOutput {
    /// Data and summaries.
    pub data: DataSet,
    /// Horizon of the CLV predictions, in time units.
    pub horizon: f64,
    /// Annual discount rate applied to the CLV predictions.
    pub annual_discount_rate: f64,
    /// Source of the gross margin.
    pub margin_source: MarginSource,
    /// One entry per configured model, in config order.
    pub models: Vec<ModelRun>,
    /// Name of the model whose segments the report lists and segments.csv holds.
    pub primary: Option<String>,
    /// Periods of the tracking chart; `None` without customers.
    pub tracking_grid: Option<TrackingGrid>,
}

impl RunOutput {
    /// Returns whether any model failed.
    pub fn any_model_failed(&self) -> bool {
        self.models.iter().any(|m| m.outcome.is_err())
    }
}

/// Reads the data, then fits and predicts with every model of the config.
pub fn run(config: &Config) -> Result<RunOutput, RunnerError> {
    run_with_progress(config, &NoProgress)
}

/// Runs as [`run`] does, reporting each step to `progress`.
pub fn run_with_progress(config: &Config, progress: &dyn Progress) -> Result<RunOutput, RunnerError> {
    if config.models.is_empty() {
        return Err(RunnerError::Config {
            path: config.path.clone(),
            message: format!(
                "no [[models]] entry: add at least one, with a name and a kind ({})",
                crate::registry::kind_names().join(", ")
            ),
        });
    }
    let data = data::load_with_progress(config, progress)?;
    let customers = &data.summaries.customers;
    let split = data.summaries.split;
    let tracking_grid =
        TrackingGrid::new(customers, config.unit.days(), split.calibration_end, split.observation_end);
    let margin = data.margin.to_f64().unwrap_or(1.0);
    let clv_request =
        PredictionRequest { horizon: config.horizon, unit: config.unit, discount: config.discount(), margin };
    let holdout_request = data.summaries.split.has_holdout().then(|| PredictionRequest {
        horizon: config.unit.from_days(data.summaries.split.holdout_days()),
        unit: config.unit,
        discount: Discount::NONE,
        margin: 1.0,
    });

    let mut models = Vec::with_capacity(config.models.len());
    for configured in &config.models {
        log::info!("fitting model {} ({})", configured.name, configured.kind);
        let fit_data = FitData { customers, unit: config.unit };
        progress.start(&format!("fitting {}", configured.name), None);
        let started = Instant::now();
        let fitted = configured.model.fit(&fit_data).map_err(|error| error.to_string());
        progress.finish();
        log::info!("fitted model {} in {:.2} s", configured.name, started.elapsed().as_secs_f64());
        let outcome = fitted.and_then(|fitted| {
            progress.start(&format!("predicting {}", configured.name), None);
            let started = Instant::now();
            let requests = Requests {
                clv: &clv_request,
                holdout: holdout_request.as_ref(),
                calibration_end: split.calibration_end,
            };
            let results = predict(fitted.as_ref(), customers, requests, tracking_grid.as_ref());
            progress.finish();
            log::info!(
                "predicted model {} for {} customers in {:.2} s",
                configured.name,
                customers.len(),
                started.elapsed().as_secs_f64()
            );
            results
        });
        if let Err(reason) = &outcome {
            // The failure is in the report; the caller decides how to show it.
            log::info!("model {} ({}) failed: {reason}", configured.name, configured.kind);
        }
        models.push(ModelRun { name: configured.name.clone(), kind: configured.kind.clone(), outcome });
    }

    Ok(RunOutput {
        data,
        horizon: config.horizon,
        annual_discount_rate: config.annual_discount_rate,
        margin_source: config.margin,
        models,
        primary: config.primary.clone(),
        tracking_grid,
    })
}

/// The prediction requests of a run and the day the holdout starts after.
#[derive(Clone, Copy)]
struct Requests<'a> {
    clv: &'a PredictionRequest,
    holdout: Option<&'a PredictionRequest>,
    /// Last day of the calibration period, where holdout horizons start.
    calibration_end: clv_core::Date,
}

fn predict(
    fitted: &dyn FittedModel,
    customers: &[CustomerSummary],
    requests: Requests<'_>,
    tracking_grid: Option<&TrackingGrid>,
) -> Result<ModelResults, String> {
    let Requests { clv: clv_request, holdout: holdout_request, .. } = requests;
    let clv = fitted.predict(customers, clv_request).map_err(|error| error.to_string())?;
    validate_predictions(customers, &clv)?;
    let holdout = match holdout_request {
        Some(request) => {
            let predictions = fitted.predict(customers, request).map_err(|error| error.to_string())?;
            validate_predictions(customers, &predictions)?;
            Some(predictions.iter().map(HoldoutPrediction::from).collect())
        }
        None => None,
    };
    let population_clv = fitted.population_clv(clv_request).map_err(|error| error.to_string())?;
    let tracking_expected = tracking_grid.and_then(|grid| grid.expected_cumulative(customers, fitted));
    let tracking_holdout = match (tracking_grid, holdout_request, &tracking_expected) {
        (Some(grid), Some(request), None) => {
            holdout_tracking(grid, requests.calibration_end, customers, request.unit, fitted)
        }
        _ => None,
    };

    Ok(ModelResults {
        parameters: fitted.parameters(),
        fit_statistics: fitted.fit_statistics(),
        spend_fit_statistics: fitted.spend_fit_statistics(),
        population_clv,
        clv,
        holdout,
        tracking_expected,
        tracking_holdout,
        period_expected: expected_period_customers(customers, fitted),
    })
}

/// Checks the invariants of [`Prediction`] for every customer.
fn validate_predictions(customers: &[CustomerSummary], predictions: &[Prediction]) -> Result<(), String> {
    if predictions.len() != customers.len() {
        return Err(format!(
            "returned {} predictions for {} customers: a model must return one per customer",
            predictions.len(),
            customers.len()
        ));
    }
    for (customer, prediction) in customers.iter().zip(predictions) {
        let transactions = prediction.expected_transactions;
        if !transactions.is_finite() || transactions < 0.0 {
            return Err(format!(
                "invalid expected transactions {transactions} for customer {:?}: must be finite and non-negative",
                customer.id
            ));
        }
        if let Some(p_alive) = prediction.p_alive {
            if !(0.0..=1.0).contains(&p_alive) {
                return Err(format!(
                    "invalid P(alive) {p_alive} for customer {:?}: must be a probability in [0, 1]",
                    customer.id
                ));
            }
        }
    }
    // The report sums CLV over all customers and over the top decile.
    if !clv_core::summary::sums_fit(predictions.iter().map(|prediction| prediction.clv)) {
        return Err("the CLV summed over all customers is beyond the range of a decimal number (about \
                    7.9e28): check the amount column for values that are far too large"
            .to_string());
    }
    Ok(())
}
