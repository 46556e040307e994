//! The `ClvModel` trait: settings fit into a fitted model, which predicts.
//!
//! A model goes through three types, each its own:
//! 1. settings, a type that implements [`ClvModel`], built and validated from
//!    the config before any data is read;
//! 2. the fitted model, a [`FittedModel`] returned by [`ClvModel::fit`] on the
//!    calibration summaries;
//! 3. [`Prediction`]s, one per customer, for a [`PredictionRequest`].
//!
//! Both traits are object safe so that the runner can hold built-in models
//! and models loaded from plugins side by side as `Box<dyn ...>`.
//!
//! Units: every duration a model receives or returns is in the time unit of the
//! summaries ([`FitData::unit`]): `recency` and `age` of each customer, the
//! horizon of a request, and per-unit rates among the parameters.

use rust_decimal::Decimal;
use serde::Serialize;

use crate::discount::Discount;
use crate::summary::CustomerSummary;
use crate::time::TimeUnit;

/// Errors of a model's fit or prediction.
#[derive(Debug, thiserror::Error, Clone, PartialEq)]
#[non_exhaustive]
pub enum ModelError {
    /// A setting from the config is invalid; `key` names it.
    #[error("invalid setting `{key}`: {message}")]
    InvalidSetting { key: String, message: String },
    /// The data cannot support a fit, for example no customer made a repeat purchase.
    #[error("cannot fit: {0}")]
    CannotFit(String),
    /// The fitted model produced no valid prediction for a customer.
    #[error("cannot predict for customer {customer:?}: {message}")]
    Prediction { customer: String, message: String },
    /// The prediction call failed as a whole rather than for one customer.
    #[error("prediction failed: {0}")]
    PredictionFailed(String),
}

/// Input of a fit: the calibration customers and their time unit.
#[derive(Clone, Copy, Debug)]
pub struct FitData<'a> {
    /// Calibration summaries, one per customer.
    pub customers: &'a [CustomerSummary],
    /// Unit of every duration in `customers`.
    pub unit: TimeUnit,
}

/// Request for predictions: horizon, unit, discounting and margin.
#[derive(Clone, Copy, Debug)]
pub struct PredictionRequest {
    /// Length of the prediction window after the calibration end, in the time unit.
    pub horizon: f64,
    /// Unit of `horizon` and of the summaries.
    pub unit: TimeUnit,
    /// Discounting applied to value expected in each future unit.
    pub discount: Discount,
    /// Gross margin, the fraction of revenue that is profit, in (0, 1].
    pub margin: f64,
}

/// One customer's prediction over a request's horizon.
///
/// Invariants the runner checks on every model, built-in or plugin:
/// `expected_transactions` is finite and non-negative, `p_alive` is in [0, 1].
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Prediction {
    /// Expected number of purchase days in the horizon.
    pub expected_transactions: f64,
    /// Expected value of one future purchase day, for models that have a spend part.
    pub value_per_transaction: Option<Decimal>,
    /// Probability that the customer is still active at the calibration end, for
    /// models that have one.
    pub p_alive: Option<f64>,
    /// Expected margin over the horizon, discounted: the customer's predicted CLV.
    pub clv: Decimal,
}

/// An estimated quantity of a fitted model, such as a rate or a shape parameter.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Parameter {
    /// Short name, as in the model's documentation (`r`, `alpha`, `aov`).
    pub name: String,
    /// Estimate.
    pub value: f64,
    /// Standard error, for models fitted by maximum likelihood.
    pub std_error: Option<f64>,
}

impl Parameter {
    /// Creates a parameter without a standard error.
    pub fn new(name: impl Into<String>, value: f64) -> Parameter {
        Parameter { name: name.into(), value, std_error: None }
    }
}

/// Goodness of fit of a model fitted by maximum likelihood.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FitStatistics {
    /// Total log-likelihood over the calibration customers, on unscaled time.
    pub log_likelihood: f64,
    /// Number of customers the likelihood sums over.
    pub observations: usize,
    /// Number of free parameters.
    pub parameters: usize,
    /// Iterations the optimiser took.
    pub iterations: u64,
    /// Whether the optimiser met its convergence criterion.
    pub converged: bool,
}

impl FitStatistics {
    /// Akaike information criterion, `2k - 2 LL`.
    pub fn aic(&self) -> f64 {
        2.0 * self.parameters as f64 - 2.0 * self.log_likelihood
    }

    /// Bayesian information criterion, `k ln(n) - 2 LL`.
    pub fn bic(&self) -> f64 {
        self.parameters as f64 * (self.observations as f64).ln() - 2.0 * self.log_likelihood
    }
}

/// A model's settings, ready to be fitted.
pub trait ClvModel: Send + Sync {
    /// Registry name of the model kind, such as `formula`.
    fn kind(&self) -> &str;

    /// Fits the model on the calibration summaries.
    fn fit(&self, data: &FitData<'_>) -> Result<Box<dyn FittedModel>, ModelError>;
}

/// A fitted model.
pub trait FittedModel: Send + Sync {
    /// Predicts for each customer, in the order given; returns exactly one
    /// prediction per customer.
    fn predict(
        &self,
        customers: &[CustomerSummary],
        request: &PredictionRequest,
    ) -> Result<Vec<Prediction>, ModelError>;

    /// Estimated parameters. The default returns none, for models without any.
    fn parameters(&self) -> Vec<Parameter> {
        Vec::new()
    }

    /// Sums the expected purchase days of `customers` over the request's
    /// horizon: the sum of [`predict`](Self::predict)'s `expected_transactions`.
    ///
    /// The report needs it at many horizons for the tracking chart. The default
    /// predicts every customer; a model overrides it when the sum alone costs
    /// less, and must then return the same value.
    fn total_expected_transactions(
        &self,
        customers: &[CustomerSummary],
        request: &PredictionRequest,
    ) -> Result<f64, ModelError> {
        let predictions = self.predict(customers, request)?;
        Ok(predictions.iter().map(|prediction| prediction.expected_transactions).sum())
    }

    /// Goodness of fit. The default returns `None`, for models not fitted by
    /// maximum likelihood.
    fn fit_statistics(&self) -> Option<FitStatistics> {
        None
    }

    /// Goodness of fit of the model's spend part, for models that fit one
    /// separately by maximum likelihood. The default returns `None`.
    fn spend_fit_statistics(&self) -> Option<FitStatistics> {
        None
    }

    /// Expected repeat transactions of a newly acquired customer over
    /// `(0, t]`, E[X(t)], with `t` in the time unit of the fit. The report
    /// sums it over customers, each from their own first purchase, for the
    /// tracking chart. The default returns `None`, for models without it.
    fn expected_repeat_transactions(&self, t: f64) -> Option<f64> {
        let _ = t;
        None
    }

    /// Probability that a newly acquired customer makes exactly `x` repeat
    /// transactions in `(0, t]`, P(X(t) = x), with `t` in the time unit of the
    /// fit. The report uses it for the period transactions chart. The default
    /// returns `None`, for models without it.
    fn probability_of_repeat_transactions(&self, x: u64, t: f64) -> Option<f64> {
        let _ = (x, t);
        None
    }

    /// CLV of the average customer, for models that define one. The default
    /// returns `None`.
    fn population_clv(&self, request: &PredictionRequest) -> Result<Option<Decimal>, ModelError> {
        let _ = request;
        Ok(None)
    }
}

/// Converts a model's real-valued money figure into a `Decimal` rounded to
/// 4 decimal places (half away from zero).
///
/// Returns `None` for a value that is not finite or is beyond `Decimal`'s range.
pub fn money_from_f64(value: f64) -> Option<Decimal> {
    if !value.is_finite() {
        return None;
    }
    money_by_scaling(value).or_else(|| money_by_expansion(value))
}

/// Largest |value| x 10^4 that [`money_by_scaling`] takes: the spacing of
/// floats below it is at most 2^-12, so the product's rounding error is at
/// most 2^-13 of a ten-thousandth.
const SCALED_LIMIT: f64 = (1u64 << 40) as f64;

/// Distance from a tie, in ten-thousandths, within which the product's
/// rounding error could change the rounding direction.
const TIE_MARGIN: f64 = 1.0 / 4096.0;

/// Rounds `value` to 4 places by multiplying by 10^4 in floating point, or
/// returns `None` when that could differ from [`money_by_expansion`]: a
/// value near a tie, near zero (where the sign of zero matters) or too large.
///
/// A run converts money for every customer of every model. In a profile of a
/// 100,000-customer run the exact expansion took about a tenth of the CPU
/// time, and this path gives the same result for almost every value.
fn money_by_scaling(value: f64) -> Option<Decimal> {
    let scaled = value * 10_000.0;
    if !(1.0..SCALED_LIMIT).contains(&scaled.abs()) {
        return None;
    }
    let fraction = scaled.abs().fract();
    if (fraction - 0.5).abs() <= TIE_MARGIN {
        return None;
    }
    // The bound above keeps the rounded value below 2^40, so the cast is exact.
    Some(Decimal::new(scaled.round() as i64, 4))
}

/// Rounds the exact decimal expansion of `value` to 4 places, half away from zero.
fn money_by_expansion(value: f64) -> Option<Decimal> {
    use rust_decimal::RoundingStrategy;
    use rust_decimal::prelude::FromPrimitive;

    Decimal::from_f64(value)
        .map(|money| money.round_dp_with_strategy(4, RoundingStrategy::MidpointAwayFromZero))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aic_and_bic_from_definitions() {
        let statistics = FitStatistics {
            log_likelihood: -9582.4,
            observations: 2357,
            parameters: 4,
            iterations: 10,
            converged: true,
        };
        assert!((statistics.aic() - 19172.8).abs() < 1e-9);
        let expected_bic = 4.0 * 2357f64.ln() + 19164.8;
        assert!((statistics.bic() - expected_bic).abs() < 1e-9);
    }

    #[test]
    fn money_rounds_to_four_places() {
        assert_eq!(money_from_f64(1.234_56), Some(Decimal::new(12346, 4)));
        assert_eq!(money_from_f64(f64::NAN), None);
        assert_eq!(money_from_f64(f64::INFINITY), None);
        assert_eq!(money_from_f64(1e300), None);
    }

    #[test]
    fn scaling_agrees_with_the_exact_expansion() {
        // A deterministic spread of magnitudes from 1e-4 to 1e9, both signs,
        // plus values next to ties. The fast path must give the same Decimal
        // (value and scale) as the exact expansion, or return None.
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        let mut checked = 0;
        for _ in 0..50_000 {
            let magnitude = 10f64.powf(-4.0 + 13.0 * next());
            let sign = if next() < 0.5 { -1.0 } else { 1.0 };
            for value in [sign * magnitude, sign * ((magnitude * 1e4).floor() + 0.5) / 1e4] {
                let exact = money_by_expansion(value);
                if let Some(fast) = money_by_scaling(value) {
                    assert_eq!(Some(fast), exact, "{value:e}");
                    assert_eq!(fast.scale(), exact.unwrap().scale(), "{value:e}");
                    checked += 1;
                }
                assert_eq!(money_from_f64(value), exact, "{value:e}");
            }
        }
        // Of the 50,000 spread values, the 92.6% below 2^40 / 10^4 (about
        // 1.1e8) take the fast path; the values on ties never do.
        assert!(checked > 45_000, "fast path taken {checked} times");
    }
}
