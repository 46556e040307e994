//! The `pareto_nbd` model: the Pareto/NBD transaction process of Schmittlein,
//! Morrison & Colombo (1987), "Counting Your Customers: Who Are They and What
//! Will They Do Next?", with a spend model for CLV.
//!
//! While active, a customer makes repeat purchases as a Poisson process with
//! rate λ, and stays active for an exponential time with rate μ. Across
//! customers λ ~ Gamma(r, α) and μ ~ Gamma(s, β), independently. The model
//! reads each customer's frequency x, recency t_x and age T in the time unit
//! of the summaries, so α and β are in that unit too.
//!
//! The four parameters are estimated by maximum likelihood on the compressed
//! summaries, from several starting points scaled to the data. The
//! likelihood, P(alive) and the conditional expectation follow Fader &
//! Hardie, "A Note on Deriving the Pareto/NBD Model and Related Expressions"
//! (2005), and are computed in log space:
//! - the per-customer likelihood and P(alive) combine the Gauss
//!   hypergeometric terms of A0, or integrate over the dropout time where
//!   those terms would cancel;
//! - the fit's likelihood, with its gradient and Hessian, integrates over
//!   the dropout time with a fixed rule (see [`ParetoNbdLikelihood`]);
//! - the expectations keep full accuracy at and near `s = 1`;
//! - P(X(t) = n) is integrated numerically over the dropout time.
//!
//! CLV comes from the shared [`FittedTransactionModel`], with the spend model
//! of the `spend` setting.

mod dropout_rule;
mod gradient;
mod hessian;
mod likelihood;
mod process;
mod quadrature;

#[cfg(test)]
mod tests;

use clv_core::{ClvModel, FitData, FittedModel, ModelError};
use serde::Deserialize;

use crate::btyd::{
    FittedTransactionModel, Pattern, SpendSetting, compress, fit_transaction_model, is_large, subsample_start,
};
use crate::fit::{FitError, MleFit, maximise, newton_maximise, newton_polish};

pub use likelihood::ParetoNbdLikelihood;
pub use process::ParetoNbdProcess;

/// Registry name of the model, the `kind` of its config table.
pub const KIND: &str = "pareto_nbd";

/// One-line description for the model listing.
pub const DESCRIPTION: &str =
    "Pareto/NBD: Poisson purchases until an exponential dropout, gamma-distributed rates, with a spend model";

/// Settings of the `pareto_nbd` model, as read from its config table.
#[derive(Clone, Copy, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ParetoNbdSettings {
    /// Value of a future purchase day: `"gamma_gamma"` (the default) to fit
    /// the Gamma-Gamma spend model, or a fixed amount per purchase day.
    pub spend: SpendSetting,
}

impl ParetoNbdSettings {
    /// Checks the settings and builds the model.
    ///
    /// Returns [`ModelError::InvalidSetting`] on the key `spend` for a fixed
    /// spend that is negative or not finite.
    pub fn validate(self) -> Result<ParetoNbd, ModelError> {
        Ok(ParetoNbd { spend: self.spend.validate()? })
    }
}

/// The `pareto_nbd` model with validated settings, ready to be fitted.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ParetoNbd {
    spend: SpendSetting,
}

impl ParetoNbd {
    /// Fits the process and the spend model on the calibration summaries.
    ///
    /// Returns [`ModelError::CannotFit`] when no customer made a repeat
    /// purchase or the optimiser fails, and the spend model's error when it
    /// cannot be fitted.
    pub fn fit_pareto_nbd(
        &self,
        data: &FitData<'_>,
    ) -> Result<FittedTransactionModel<ParetoNbdProcess>, ModelError> {
        let likelihood = ParetoNbdLikelihood::new(compress(data.customers));
        let starts = subsample_start(
            likelihood.patterns(),
            starting_points(likelihood.patterns()),
            ParetoNbdLikelihood::new,
        );
        fit_transaction_model(data, KIND, self.spend, &likelihood, &starts, ParetoNbdProcess::from_params)
    }
}

impl ClvModel for ParetoNbd {
    fn kind(&self) -> &str {
        KIND
    }

    fn fit(&self, data: &FitData<'_>) -> Result<Box<dyn FittedModel>, ModelError> {
        Ok(Box::new(self.fit_pareto_nbd(data)?))
    }
}

/// Fits the Pareto/NBD process to compressed summaries by maximum likelihood.
pub fn fit_process(patterns: &[Pattern]) -> Result<(ParetoNbdProcess, MleFit), FitError> {
    let likelihood = ParetoNbdLikelihood::new(patterns.to_vec());
    let starts = subsample_start(patterns, starting_points(patterns), ParetoNbdLikelihood::new);
    if let [start] = starts.as_slice() {
        // Large fits start from the optimum of a subsample, near enough for
        // Newton steps with the analytic Hessian to converge in a few passes.
        if let Some(mle) = newton_maximise(&likelihood, start) {
            return Ok((ParetoNbdProcess::from_params(&mle.params), mle));
        }
    }
    let mut mle = maximise(&likelihood, &starts)?;
    if is_large(patterns.len()) {
        mle = newton_polish(&likelihood, mle);
    }
    Ok((ParetoNbdProcess::from_params(&mle.params), mle))
}

/// Builds starting points (r, alpha, s, beta) scaled to the data.
///
/// r / α is the mean purchase rate and s / β the mean dropout rate, so α
/// starts at r times the mean time between repeat purchases and β at s times
/// the mean age. Shapes from 0.5 to 2 cover both strongly and weakly
/// heterogeneous populations.
fn starting_points(patterns: &[Pattern]) -> Vec<Vec<f64>> {
    let customers: f64 = patterns.iter().map(|pattern| pattern.count).sum();
    let purchases: f64 = patterns.iter().map(|pattern| pattern.count * pattern.rfm.x).sum();
    let observed_time: f64 = patterns.iter().map(|pattern| pattern.count * pattern.rfm.t).sum();

    let positive_or_one = |value: f64| if value.is_finite() && value > 0.0 { value } else { 1.0 };
    let mean_age = positive_or_one(observed_time / customers);
    let purchase_interval = positive_or_one(observed_time / purchases);

    [(1.0, 1.0), (0.5, 0.5), (2.0, 2.0), (0.5, 2.0)]
        .into_iter()
        .map(|(r, s)| vec![r, r * purchase_interval, s, s * mean_age])
        .collect()
}
