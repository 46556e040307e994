//! Gamma-Gamma spend model: the expected value of a customer's future
//! purchase days, from Fader & Hardie (2013), "The Gamma-Gamma Model of
//! Monetary Value" (<http://www.brucehardie.com/notes/025/>).
//!
//! The values `z` of one customer's purchase days are independent
//! Gamma(shape `p`, rate `nu`) draws, so the customer's mean value per
//! purchase day is `p / nu`. Across customers `nu` is Gamma(shape `q`, rate
//! `gamma`). The population mean value per purchase day is then
//! `p gamma / (q - 1)`, which is finite only for `q > 1`.
//!
//! A customer's summary gives `x`, the number of repeat purchase days, and
//! `m`, their mean value (`monetary_value`). The first purchase day is left
//! out, as in the transaction models. Because `x m` is Gamma(`p x`, `nu`),
//! integrating `nu` out gives the log-likelihood of one customer:
//!
//! ```text
//! ln L = ln Γ(p x + q) - ln Γ(p x) - ln Γ(q) + q ln gamma + (p x - 1) ln m
//!        + p x ln x - (p x + q) ln(gamma + x m)
//! ```
//!
//! The model is fitted by maximum likelihood on the customers with `x > 0`
//! and `m > 0`, by Newton's method on the profile log-likelihood in gamma
//! with one pass over the customers per step (`gamma_gamma/profile.rs`).
//! When that does not converge, the general optimiser of [`crate::fit`]
//! takes over. Customers with no repeat purchase day carry no information
//! about spend, and the gamma density is not defined at a mean value `<= 0`,
//! which net returns can produce. Both are left out of the fit and counted
//! in the log.
//!
//! The expected value of a future purchase day given `x` and `m` is the
//! mean of `p / nu` over the posterior Gamma(`p x + q`, `gamma + x m`):
//! `p (gamma + x m) / (p x + q - 1)`. It is a weighted average of the
//! customer's own `m` and the population mean, and for `x = 0` it is the
//! population mean. The model assumes that spend is independent of how often
//! and how long a customer buys.

mod likelihood;
mod profile;
mod shape;
mod spend_data;

#[cfg(test)]
mod profile_tests;
#[cfg(test)]
mod tests;

use clv_core::{CustomerSummary, FitStatistics, ModelError, Parameter};

use crate::fit::MleFit;

pub use likelihood::{GammaGammaLikelihood, SpendPattern};
use spend_data::SpendData;

/// Registry name of the spend model, the value of a transaction model's `spend`.
pub const KIND: &str = "gamma_gamma";

/// One-line description for the model listing.
pub const DESCRIPTION: &str =
    "Gamma-Gamma spend: expected value per purchase day (spend model; use spend = \"gamma_gamma\")";

/// Number of estimated parameters: p, q and gamma.
const PARAMETERS: usize = 3;

/// A fitted Gamma-Gamma spend model.
#[derive(Clone, Debug)]
pub struct FittedGammaGamma {
    /// Shape of the gamma distribution of one purchase day's value.
    pub p: f64,
    /// Shape of the gamma distribution of `nu` across customers.
    pub q: f64,
    /// Rate of the gamma distribution of `nu` across customers, in the
    /// inverse of the currency unit.
    pub gamma: f64,
    /// The maximum likelihood fit, with parameters in the order p, q, gamma.
    pub mle: MleFit,
    /// Number of customers fitted on (`x > 0` and `m > 0`), or 0 for
    /// parameters that were given rather than fitted.
    pub observations: usize,
    /// Number of customers left out of the fit (`x = 0`, or `m <= 0`).
    pub excluded: usize,
}

impl FittedGammaGamma {
    /// Fits p, q and gamma on the repeat customers with positive monetary value.
    ///
    /// Returns [`ModelError::CannotFit`] when no customer has both, when the
    /// optimiser fails, or when the estimate of q is `<= 1`, because the
    /// population mean value per purchase day is then infinite.
    pub fn fit(customers: &[CustomerSummary]) -> Result<FittedGammaGamma, ModelError> {
        let data = SpendData::from_customers(customers);
        data.log();
        if data.pairs.is_empty() {
            return Err(ModelError::CannotFit(format!(
                "{KIND} needs customers with at least one repeat purchase day of positive mean value, but \
                 none of the {} customers has one ({} have no repeat purchase day, {} a mean value <= 0): \
                 set a fixed value per purchase day instead, for example spend = 25.0",
                customers.len(),
                data.without_repeat,
                data.non_positive_value
            )));
        }

        let mle = match fit_by_profile(&data) {
            Some(mle) => mle,
            None => fit_by_optimiser(&data)?,
        };
        if !mle.converged {
            log::warn!("{KIND} did not converge after {} iterations; its fit is flagged", mle.iterations);
        }

        let [p, q, gamma] = [mle.params[0], mle.params[1], mle.params[2]];
        check_estimates(p, q, gamma)?;

        log::info!(
            "{KIND}: p = {p:.4}, q = {q:.4}, gamma = {gamma:.4}, population mean value per purchase day \
             {:.4}, log-likelihood {:.4}",
            p * gamma / (q - 1.0),
            mle.log_likelihood
        );
        Ok(FittedGammaGamma {
            p,
            q,
            gamma,
            mle,
            observations: data.customers(),
            excluded: data.without_repeat + data.non_positive_value,
        })
    }

    /// Builds the model from given parameters, such as published estimates,
    /// without fitting it.
    ///
    /// Returns [`ModelError::CannotFit`] when a parameter is not positive and
    /// finite, or when q is `<= 1`, for which the population mean value per
    /// purchase day is infinite, as [`FittedGammaGamma::fit`] does for estimates.
    pub fn given(p: f64, q: f64, gamma: f64) -> Result<FittedGammaGamma, ModelError> {
        if !(p > 0.0 && q > 0.0 && gamma > 0.0) {
            return Err(ModelError::CannotFit(format!(
                "{KIND}: p, q and gamma must be positive, found p = {p}, q = {q}, gamma = {gamma}"
            )));
        }
        check_estimates(p, q, gamma)?;

        let mle = MleFit {
            params: vec![p, q, gamma],
            std_errors: vec![None; PARAMETERS],
            log_likelihood: 0.0,
            iterations: 0,
            converged: true,
        };
        Ok(FittedGammaGamma { p, q, gamma, mle, observations: 0, excluded: 0 })
    }

    /// Returns whether the parameters were fitted, not given.
    pub fn is_fitted(&self) -> bool {
        self.observations > 0
    }

    /// Expected value of a purchase day of a customer with `x` repeat purchase days of mean value `mean_value`.
    ///
    /// Computes `p (gamma + x m) / (p x + q - 1)`. A customer without repeat
    /// purchase days, or whose mean value is not positive (or NaN), was not
    /// fitted on and gets the population mean.
    pub fn conditional_expected_value(&self, x: f64, mean_value: f64) -> f64 {
        let fitted_on = x > 0.0 && mean_value > 0.0;
        if !fitted_on {
            return self.population_mean();
        }
        self.p * (self.gamma + x * mean_value) / (self.p * x + self.q - 1.0)
    }

    /// Population mean value per purchase day, p gamma / (q - 1).
    pub fn population_mean(&self) -> f64 {
        self.p * self.gamma / (self.q - 1.0)
    }

    /// Parameters p, q, gamma with standard errors.
    pub fn parameters(&self) -> Vec<Parameter> {
        let values = [("p", self.p), ("q", self.q), ("gamma", self.gamma)];
        values
            .into_iter()
            .enumerate()
            .map(|(index, (name, value))| Parameter {
                name: name.to_string(),
                value,
                std_error: self.mle.std_errors.get(index).copied().flatten(),
            })
            .collect()
    }

    /// Goodness of fit; `observations` counts the customers fitted on.
    pub fn fit_statistics(&self) -> FitStatistics {
        FitStatistics {
            log_likelihood: self.mle.log_likelihood,
            observations: self.observations,
            parameters: PARAMETERS,
            iterations: self.mle.iterations,
            converged: self.mle.converged,
        }
    }
}

/// Rejects estimates that are not finite, and a q <= 1, for which the
/// population mean value per purchase day is infinite.
fn check_estimates(p: f64, q: f64, gamma: f64) -> Result<(), ModelError> {
    if !(p.is_finite() && q.is_finite() && gamma.is_finite()) {
        return Err(ModelError::CannotFit(format!(
            "{KIND}: the estimates are not finite (p = {p}, q = {q}, gamma = {gamma}), so the spend data \
             cannot identify the model: set a fixed value per purchase day instead, for example spend = 25.0"
        )));
    }
    if q <= 1.0 {
        return Err(ModelError::CannotFit(format!(
            "{KIND} has q = {q:.6}, which is <= 1, so the population mean value per purchase day \
             p gamma / (q - 1) is infinite and spend cannot be predicted: set a fixed value per purchase \
             day instead, for example spend = 25.0"
        )));
    }
    Ok(())
}

/// Fits by Newton's method on the profile log-likelihood in gamma, from a
/// subsample's optimum when the data are large. Returns `None` when that
/// does not converge cleanly, for [`fit_by_optimiser`] to take over.
fn fit_by_profile(data: &SpendData) -> Option<MleFit> {
    let starts = likelihood::starts_for_average(data.customers() as f64, data.sum_mean);
    let subsample = crate::btyd::is_large(data.customers())
        .then(|| data.subsample(data.customers() / PROFILE_SUBSAMPLE_SIZE));
    let mle = profile::fit(data, &starts, subsample.as_ref());
    if mle.is_none() {
        log::debug!("{KIND}: the profile fit did not converge; the general optimiser takes over");
    }
    mle
}

/// Approximate number of customers of the subsample whose optimum starts a large profile fit.
const PROFILE_SUBSAMPLE_SIZE: usize = 10_000;

/// Fits with the general optimiser on compressed patterns, from every start.
fn fit_by_optimiser(data: &SpendData) -> Result<MleFit, ModelError> {
    let likelihood = GammaGammaLikelihood::new(data.patterns());
    let mut mle = crate::fit::maximise(&likelihood, &likelihood.starts())
        .map_err(|error| ModelError::CannotFit(format!("{KIND}: {error}")))?;
    if crate::btyd::is_large(data.customers()) {
        mle = crate::fit::newton_polish(&likelihood, mle);
    }
    Ok(mle)
}
