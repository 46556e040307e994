//! The `mbg_nbd` model: the modified BG/NBD of Batislam, Denizel & Filiztekin
//! (2007), "Empirical validation and comparison of models for customer base
//! analysis", International Journal of Research in Marketing 24 (3), 201-209.
//!
//! It differs from [`bg_nbd`](crate::bg_nbd) in one assumption: a customer
//! can drop out with probability `p` right after the first purchase too, not
//! only after each repeat purchase. So a customer without repeat purchases is
//! not surely active, and P(alive) is below 1 for every summary. The rest is
//! as in BG/NBD: Poisson purchases at rate `λ` while active,
//! `λ ~ Gamma(r, alpha)` (shape `r`, rate `alpha` per time unit) and
//! `p ~ Beta(a, b)` across customers.
//!
//! The likelihood, P(alive), E[X(t)] and the conditional expectation (with
//! `2F1(r + x, b + x + 1; a + b + x; z)`) are the expressions that the
//! `ModifiedBetaGeoFitter` of the Python package lifetimes 0.11.3 evaluates.
//! The expected purchases of an active customer are computed as for
//! BG/NBD, with `b + x + 1` in place of `b + x`, so they are finite and
//! non-negative for every valid summary, including `a = 1` and `a + b < 1`.
//!
//! Settings (the model's config table): `spend`, the value of a future
//! purchase day, either `"gamma_gamma"` (the default) or a fixed amount in
//! the currency of the amount column.

mod likelihood;
mod process;

#[cfg(test)]
mod tests;

use clv_core::{ClvModel, FitData, FittedModel, ModelError};
use serde::Deserialize;

use crate::bg_nbd::{fit_large, newton_subsample_start, starting_points};
use crate::btyd::{FittedTransactionModel, Pattern, SpendSetting, compress, fit_transaction_model};
use crate::fit::{FitError, MleFit};

pub use likelihood::MbgNbdLikelihood;
pub use process::MbgNbdProcess;

/// Registry name of the model, the `kind` of its config table.
pub const KIND: &str = "mbg_nbd";

/// One-line description for the model listing.
pub const DESCRIPTION: &str =
    "MBG/NBD: BG/NBD with dropout possible right after the first purchase too (Batislam et al. 2007)";

/// Settings of the `mbg_nbd` model, as read from its config table.
#[derive(Clone, Copy, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MbgNbdSettings {
    /// Value of a future purchase day: `"gamma_gamma"` (the default) or a
    /// fixed amount, finite and 0 or more.
    pub spend: SpendSetting,
}

impl MbgNbdSettings {
    /// Checks the settings and builds the model.
    ///
    /// Returns [`ModelError::InvalidSetting`] on the key `spend` for a fixed
    /// amount that is negative or not finite.
    pub fn validate(self) -> Result<MbgNbd, ModelError> {
        Ok(MbgNbd { spend: self.spend.validate()? })
    }
}

/// The `mbg_nbd` model with validated settings, ready to be fitted.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MbgNbd {
    spend: SpendSetting,
}

/// The fitted `mbg_nbd` model.
pub type FittedMbgNbd = FittedTransactionModel<MbgNbdProcess>;

impl MbgNbd {
    /// Fits the process and the spend model on the calibration summaries.
    ///
    /// Returns [`ModelError::CannotFit`] when no customer made a repeat
    /// purchase, when the optimiser fails, or when the spend model cannot be fitted.
    pub fn fit_mbg_nbd(&self, data: &FitData<'_>) -> Result<FittedMbgNbd, ModelError> {
        let patterns = compress(data.customers);
        let starts = newton_subsample_start(&patterns, starting_points(&patterns), MbgNbdLikelihood::new);
        let likelihood = MbgNbdLikelihood::new(patterns);
        let fitted =
            fit_transaction_model(data, KIND, self.spend, &likelihood, &starts, MbgNbdProcess::from_params)?;
        let process = fitted.process();
        log::info!(
            "mbg_nbd model: r = {:.6}, alpha = {:.6}, a = {:.6}, b = {:.6}, log-likelihood {:.4}",
            process.r,
            process.alpha,
            process.a,
            process.b,
            fitted.mle().log_likelihood
        );
        Ok(fitted)
    }
}

impl ClvModel for MbgNbd {
    fn kind(&self) -> &str {
        KIND
    }

    fn fit(&self, data: &FitData<'_>) -> Result<Box<dyn FittedModel>, ModelError> {
        Ok(Box::new(self.fit_mbg_nbd(data)?))
    }
}

/// Fits the MBG/NBD process to compressed summaries by maximum likelihood.
///
/// The optimiser starts from the same points as the BG/NBD fit: the purchase
/// rate distribution matched to the moments of `x / T`, with two guesses of
/// the dropout distribution, the moment mean with shape 1, and
/// `[1, 1, 1, 1]`. It keeps the best fit. On many patterns the starts run
/// on a subsample, and Newton's method finishes on all patterns, as in
/// [`crate::bg_nbd::fit_process`].
pub fn fit_process(patterns: &[Pattern]) -> Result<(MbgNbdProcess, MleFit), FitError> {
    let likelihood = MbgNbdLikelihood::new(patterns.to_vec());
    let starts = newton_subsample_start(patterns, starting_points(patterns), MbgNbdLikelihood::new);
    let mle = fit_large(&likelihood, patterns.len(), &starts)?;
    Ok((MbgNbdProcess::from_params(&mle.params), mle))
}
