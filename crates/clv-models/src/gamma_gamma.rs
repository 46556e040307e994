//! Gamma-Gamma spend model (Fader & Hardie 2013 note).

use clv_core::{CustomerSummary, FitStatistics, ModelError, Parameter};

use crate::fit::MleFit;

/// Registry name of the spend model, the value of a transaction model's `spend`.
pub const KIND: &str = "gamma_gamma";

/// One-line description for the model listing.
pub const DESCRIPTION: &str =
    "Gamma-Gamma spend: expected value per purchase day (spend model; use spend = \"gamma_gamma\")";

/// A fitted Gamma-Gamma spend model.
#[derive(Clone, Debug)]
pub struct FittedGammaGamma {
    pub p: f64,
    pub q: f64,
    pub gamma: f64,
    pub mle: MleFit,
    pub observations: usize,
}

impl FittedGammaGamma {
    /// Fits p, q and gamma on the repeat customers with positive monetary value.
    pub fn fit(customers: &[CustomerSummary]) -> Result<FittedGammaGamma, ModelError> {
        let _ = customers;
        todo!()
    }

    /// Expected value of a purchase day of a customer with `x` repeat purchase days of mean value `mean_value`.
    pub fn conditional_expected_value(&self, x: f64, mean_value: f64) -> f64 {
        let _ = (x, mean_value);
        todo!()
    }

    /// Population mean value per purchase day, p gamma / (q - 1).
    pub fn population_mean(&self) -> f64 {
        todo!()
    }

    /// Parameters p, q, gamma with standard errors.
    pub fn parameters(&self) -> Vec<Parameter> {
        todo!()
    }

    /// Goodness of fit.
    pub fn fit_statistics(&self) -> FitStatistics {
        todo!()
    }
}
