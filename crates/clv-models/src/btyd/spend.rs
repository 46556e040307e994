//! The value of a future purchase day, as a transaction model's CLV uses it.

use clv_core::{CustomerSummary, FitStatistics, ModelError, Parameter};
use serde::Deserialize;

use crate::gamma_gamma::FittedGammaGamma;
use crate::money::decimal_to_f64;

/// The `spend` setting of a transaction model: a spend model's kind, a
/// fixed value per purchase day in the currency of the amount column, or
/// given Gamma-Gamma parameters.
#[derive(Clone, Copy, Debug, PartialEq, Deserialize)]
#[serde(
    untagged,
    expecting = "spend = \"gamma_gamma\", a fixed value per purchase day such as spend = 35.0, or \
                 Gamma-Gamma parameters such as spend = { p = 6.25, q = 3.74, gamma = 15.44 }"
)]
pub enum SpendSetting {
    Model(SpendKind),
    Fixed(f64),
    GivenGammaGamma(GivenGammaGamma),
}

/// Gamma-Gamma parameters given in the config instead of fitted, such as
/// published estimates.
#[derive(Clone, Copy, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GivenGammaGamma {
    pub p: f64,
    pub q: f64,
    pub gamma: f64,
}

/// Spend models a transaction model can use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SpendKind {
    GammaGamma,
}

impl Default for SpendSetting {
    fn default() -> Self {
        SpendSetting::Model(SpendKind::GammaGamma)
    }
}

impl SpendSetting {
    /// Checks a fixed value; the error names the `spend` key.
    pub fn validate(self) -> Result<SpendSetting, ModelError> {
        match self {
            SpendSetting::Fixed(value) if !(value.is_finite() && value >= 0.0) => {
                Err(ModelError::InvalidSetting {
                    key: "spend".to_string(),
                    message: format!(
                        "a fixed spend must be a finite value >= 0 per purchase day, found {value}; \
                     or use spend = \"gamma_gamma\""
                    ),
                })
            }
            SpendSetting::GivenGammaGamma(GivenGammaGamma { p, q, gamma }) => {
                FittedGammaGamma::given(p, q, gamma).map_err(|error| ModelError::InvalidSetting {
                    key: "spend".to_string(),
                    message: error.to_string(),
                })?;
                Ok(self)
            }
            valid => Ok(valid),
        }
    }

    /// Fits the spend model on the calibration customers.
    pub fn fit(self, customers: &[CustomerSummary]) -> Result<Spend, ModelError> {
        match self {
            SpendSetting::Model(SpendKind::GammaGamma) => {
                Ok(Spend::GammaGamma(FittedGammaGamma::fit(customers)?))
            }
            SpendSetting::Fixed(value) => Ok(Spend::Fixed(value)),
            SpendSetting::GivenGammaGamma(GivenGammaGamma { p, q, gamma }) => {
                Ok(Spend::GammaGamma(FittedGammaGamma::given(p, q, gamma)?))
            }
        }
    }
}

/// A fitted spend model.
#[derive(Clone, Debug)]
pub enum Spend {
    GammaGamma(FittedGammaGamma),
    Fixed(f64),
}

impl Spend {
    /// Expected value of one future purchase day of `customer`.
    pub fn value_per_transaction(&self, customer: &CustomerSummary) -> f64 {
        match self {
            Spend::GammaGamma(fitted) => {
                let mean = decimal_to_f64(customer.monetary_value);
                fitted.conditional_expected_value(f64::from(customer.frequency), mean)
            }
            Spend::Fixed(value) => *value,
        }
    }

    /// Spend parameters, named with a `spend.` prefix so they cannot clash
    /// with the transaction model's own.
    pub fn parameters(&self) -> Vec<Parameter> {
        match self {
            Spend::GammaGamma(fitted) => fitted
                .parameters()
                .into_iter()
                .map(|param| Parameter { name: format!("spend.{}", param.name), ..param })
                .collect(),
            Spend::Fixed(value) => vec![Parameter::new("spend.value", *value)],
        }
    }

    /// Goodness of fit of a fitted spend model.
    pub fn fit_statistics(&self) -> Option<FitStatistics> {
        match self {
            Spend::GammaGamma(fitted) if fitted.is_fitted() => Some(fitted.fit_statistics()),
            Spend::GammaGamma(_) | Spend::Fixed(_) => None,
        }
    }
}
