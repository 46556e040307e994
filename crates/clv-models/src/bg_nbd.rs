//! The `bg_nbd` model: the beta-geometric/negative binomial distribution model
//! of Fader, Hardie & Lee (2005), "Counting Your Customers the Easy Way: An
//! Alternative to the Pareto/NBD Model", Marketing Science 24 (2), 275-284.
//!
//! Assumptions:
//! - while active, a customer makes repeat purchases at Poisson rate `λ`;
//! - right after each repeat purchase, the customer drops out for good with
//!   probability `p`, so a customer without repeat purchases is still active;
//! - across customers, `λ ~ Gamma(r, alpha)` (shape `r`, rate `alpha` per
//!   time unit) and `p ~ Beta(a, b)`, independently.
//!
//! A customer's summary is their number of repeat purchase days `x`, the
//! time of the last one `t_x` and their age `T`, all counted from the first
//! purchase day in the time unit of the summaries.
//!
//! The four parameters are fitted by maximum likelihood on the compressed
//! summaries, from several starting points (see [`fit_process`]). The
//! fitted [`BgNbdProcess`] then gives, for each customer, P(alive) at `T`,
//! the expected purchases in the horizon, and with the spend model the CLV
//! (see [`FittedTransactionModel`]).
//!
//! The expected purchases of an active customer follow the paper's closed
//! form with the Gauss hypergeometric function. That form is 0/0 at `a = 1`,
//! hits a pole of 2F1 when `a + b < 1` and `x = 0`, and cancels when `t` is
//! small next to `alpha + T`. The computation chooses among two series, the
//! closed form and numerical integration by error estimates, so every valid
//! summary gives a finite, non-negative expectation.
//!
//! Settings (the model's config table): `spend`, the value of a future
//! purchase day, either `"gamma_gamma"` (the default) or a fixed amount in
//! the currency of the amount column.

mod alive;
mod likelihood;
mod process;
mod separated;
mod starts;
mod tables;

#[cfg(test)]
pub(crate) mod checks;
#[cfg(test)]
pub(crate) mod reference;
#[cfg(test)]
mod tests;

use clv_core::{ClvModel, FitData, FittedModel, ModelError};
use serde::Deserialize;

use crate::btyd::{FittedTransactionModel, Pattern, SpendSetting, compress, fit_transaction_model, is_large};
use crate::fit::{FitError, MleFit, SecondOrder, maximise, newton_ascent, newton_polish};

pub use likelihood::BgNbdLikelihood;
pub use process::BgNbdProcess;

pub(crate) use alive::expected_purchases_if_active;
pub(crate) use likelihood::four_params;
pub(crate) use process::{ln_negative_binomial, ln_negative_binomial_tail, logistic};
pub(crate) use starts::{newton_subsample_start, starting_points};
pub(crate) use tables::{PatternTables, Variant};

/// Registry name of the model, the `kind` of its config table.
pub const KIND: &str = "bg_nbd";

/// One-line description for the model listing.
pub const DESCRIPTION: &str =
    "BG/NBD: Poisson purchases, dropout after each repeat purchase (Fader, Hardie & Lee 2005)";

/// Settings of the `bg_nbd` model, as read from its config table.
#[derive(Clone, Copy, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BgNbdSettings {
    /// Value of a future purchase day: `"gamma_gamma"` (the default) or a
    /// fixed amount, finite and 0 or more.
    pub spend: SpendSetting,
}

impl BgNbdSettings {
    /// Checks the settings and builds the model.
    ///
    /// Returns [`ModelError::InvalidSetting`] on the key `spend` for a fixed
    /// amount that is negative or not finite.
    pub fn validate(self) -> Result<BgNbd, ModelError> {
        Ok(BgNbd { spend: self.spend.validate()? })
    }
}

/// The `bg_nbd` model with validated settings, ready to be fitted.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BgNbd {
    spend: SpendSetting,
}

/// The fitted `bg_nbd` model.
pub type FittedBgNbd = FittedTransactionModel<BgNbdProcess>;

impl BgNbd {
    /// Fits the process and the spend model on the calibration summaries.
    ///
    /// Returns [`ModelError::CannotFit`] when no customer made a repeat
    /// purchase, when the optimiser fails, or when the spend model cannot be fitted.
    pub fn fit_bg_nbd(&self, data: &FitData<'_>) -> Result<FittedBgNbd, ModelError> {
        let patterns = compress(data.customers);
        let starts = newton_subsample_start(&patterns, starting_points(&patterns), BgNbdLikelihood::new);
        let likelihood = BgNbdLikelihood::new(patterns);
        let fitted =
            fit_transaction_model(data, KIND, self.spend, &likelihood, &starts, BgNbdProcess::from_params)?;
        let process = fitted.process();
        log::info!(
            "bg_nbd model: r = {:.6}, alpha = {:.6}, a = {:.6}, b = {:.6}, log-likelihood {:.4}",
            process.r,
            process.alpha,
            process.a,
            process.b,
            fitted.mle().log_likelihood
        );
        Ok(fitted)
    }
}

impl ClvModel for BgNbd {
    fn kind(&self) -> &str {
        KIND
    }

    fn fit(&self, data: &FitData<'_>) -> Result<Box<dyn FittedModel>, ModelError> {
        Ok(Box::new(self.fit_bg_nbd(data)?))
    }
}

/// Fits the BG/NBD process to compressed summaries by maximum likelihood.
///
/// The optimiser starts from several points: the purchase
/// rate distribution matched to the moments of `x / T`, with two guesses of
/// the dropout distribution, the moment mean with shape 1, and
/// `[1, 1, 1, 1]`. It keeps the best fit. On many patterns the starts run
/// on a subsample, and Newton's method finishes on all patterns (see
/// [`fit_large`]).
pub fn fit_process(patterns: &[Pattern]) -> Result<(BgNbdProcess, MleFit), FitError> {
    let likelihood = BgNbdLikelihood::new(patterns.to_vec());
    let starts = newton_subsample_start(patterns, starting_points(patterns), BgNbdLikelihood::new);
    let mle = fit_large(&likelihood, patterns.len(), &starts)?;
    Ok((BgNbdProcess::from_params(&mle.params), mle))
}

/// Maximises `likelihood` from `starts`. Above the subsample threshold of
/// [`is_large`], `starts` contains only the subsample optimum. Newton's
/// method from it needs a few passes over the patterns where L-BFGS needs
/// dozens. When it does not converge, the L-BFGS search runs as for small fits.
pub(crate) fn fit_large<L: SecondOrder>(
    likelihood: &L,
    patterns: usize,
    starts: &[Vec<f64>],
) -> Result<MleFit, FitError> {
    if !is_large(patterns) {
        return maximise(likelihood, starts);
    }
    if let [start] = starts {
        match newton_ascent(likelihood, start) {
            Some(mle) if mle.converged => return Ok(mle),
            Some(mle) => log::debug!("Newton's method did not converge from {start:?}: {mle:?}"),
            None => log::debug!("Newton's method cannot start from {start:?}"),
        }
    }
    Ok(newton_polish(likelihood, maximise(likelihood, starts)?))
}
