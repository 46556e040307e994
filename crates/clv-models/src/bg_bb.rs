//! The `bg_bb` model: beta-geometric/beta-binomial (BG/BB) for discrete
//! transaction opportunities, from Fader, Hardie & Shang (2010),
//! "Customer-Base Analysis in a Discrete-Time Noncontractual Setting",
//! Marketing Science 29 (6), 1086-1108.
//!
//! Transactions can happen only at discrete opportunities, such as a yearly
//! fund-raising drive or a weekly event, and at most once per opportunity.
//! The time unit of the summaries is one opportunity. Each customer's
//! summary is read as:
//! - x, the number of repeat transactions (`frequency`);
//! - t_x, the opportunity of the last one, 0 if none (`recency`);
//! - n, the number of opportunities after the first transaction (`age`).
//!
//! While alive, a customer transacts at each opportunity with probability
//! `p`. At the start of each opportunity an alive customer drops out for
//! good with probability `theta`. Across customers `p` ~ Beta(alpha, beta)
//! and `theta` ~ Beta(gamma, delta). The likelihood of one customer is
//!
//! ```text
//! L = B(alpha + x, beta + n - x) / B(alpha, beta) * B(gamma, delta + n) / B(gamma, delta)
//!   + sum over i = 0 .. n - t_x - 1 of
//!     B(alpha + x, beta + t_x - x + i) / B(alpha, beta) * B(gamma + 1, delta + t_x + i) / B(gamma, delta)
//! ```
//!
//! where the first term is a customer alive through opportunity n and each
//! other term a customer who dropped out after opportunity t_x + i.
//!
//! The model predicts, with a horizon counted in whole opportunities (the
//! floor of the horizon):
//! - P(alive) at opportunity n, the first term's share of L;
//! - the expected transactions in the next opportunities given (x, t_x, n);
//! - E[X(n)] and P(X(n) = k) for a new customer.
//!
//! Fitting needs whole numbers of opportunities: it rejects a customer whose
//! recency or age is not a whole number in the time unit, or who has more
//! repeat transactions than opportunities (x > t_x). Summaries read from a
//! file of (x, t_x, n) rows with counts, in a time unit of one opportunity,
//! meet both.

mod likelihood;
mod process;

#[cfg(test)]
mod tests;

use clv_core::{ClvModel, CustomerSummary, FitData, FittedModel, ModelError};
use serde::Deserialize;

use crate::btyd::{FittedTransactionModel, Pattern, Rfm, SpendSetting, compress, fit_transaction_model};
use crate::fit::{FitError, LogLikelihood, MleFit, maximise};

pub use likelihood::BgBbLikelihood;
pub use process::BgBbProcess;

/// Registry name of the model, the `kind` of its config table.
pub const KIND: &str = "bg_bb";

/// One-line description for the model listing.
pub const DESCRIPTION: &str =
    "BG/BB: beta-geometric/beta-binomial for transactions at discrete opportunities (one per time unit)";

/// A fitted `bg_bb` model.
pub type FittedBgBb = FittedTransactionModel<BgBbProcess>;

/// Settings of the `bg_bb` model, as read from its config table.
#[derive(Clone, Copy, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BgBbSettings {
    /// Value of a future transaction: `"gamma_gamma"` (the default) or a
    /// fixed value per transaction.
    pub spend: SpendSetting,
}

impl BgBbSettings {
    /// Checks the settings and builds the model.
    ///
    /// Returns [`ModelError::InvalidSetting`] on the key `spend` for a fixed
    /// value that is negative or not finite.
    pub fn validate(self) -> Result<BgBb, ModelError> {
        Ok(BgBb { spend: self.spend.validate()? })
    }
}

/// The `bg_bb` model with validated settings, ready to be fitted.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BgBb {
    spend: SpendSetting,
}

impl BgBb {
    /// Fits the BG/BB process and the spend model on the calibration summaries.
    ///
    /// Returns [`ModelError::CannotFit`] naming the first customer whose
    /// summary is not in whole opportunities, when no customer made a repeat
    /// transaction, or when the optimiser or the spend model fails.
    pub fn fit_bg_bb(&self, data: &FitData<'_>) -> Result<FittedBgBb, ModelError> {
        check_discrete(data)?;
        let likelihood = BgBbLikelihood::new(compress(data.customers));
        fit_transaction_model(
            data,
            KIND,
            self.spend,
            &likelihood,
            &BgBbLikelihood::starts(),
            BgBbProcess::from_params,
        )
    }
}

impl ClvModel for BgBb {
    fn kind(&self) -> &str {
        KIND
    }

    fn fit(&self, data: &FitData<'_>) -> Result<Box<dyn FittedModel>, ModelError> {
        Ok(Box::new(self.fit_bg_bb(data)?))
    }
}

/// Fits the BG/BB process alone on compressed patterns, without a spend
/// model, for callers that have (x, t_x, n) counts.
///
/// Each pattern is read in whole opportunities, the floor of each field. A
/// pattern with `x > t_x` or `t_x > n` makes the likelihood NaN at every
/// start, so the fit fails with [`FitError::NoFiniteStart`].
pub fn fit_process(patterns: &[Pattern]) -> Result<(BgBbProcess, MleFit), FitError> {
    let likelihood = BgBbLikelihood::new(patterns.to_vec());
    let fit = maximise(&likelihood, &BgBbLikelihood::starts())?;
    debug_assert_eq!(fit.params.len(), likelihood.dimension());
    Ok((BgBbProcess::from_params(&fit.params), fit))
}

/// Builds patterns from `(x, t_x, n, count)` rows: repeat transactions, the
/// opportunity of the last one, opportunities observed, and the number of
/// customers with that summary. Rows are kept as given, one pattern each.
pub fn patterns_from_counts(rows: &[(u32, u32, u32, f64)]) -> Vec<Pattern> {
    rows.iter()
        .map(|&(x, t_x, n, count)| Pattern {
            rfm: Rfm { x: f64::from(x), t_x: f64::from(t_x), t: f64::from(n) },
            count,
        })
        .collect()
}

/// Rejects the first customer whose summary is not in whole opportunities.
///
/// Frequency is a whole number by its type. Recency and age are compared with
/// their rounded values exactly: a file's values are kept as read, and
/// whole days divided by the unit's length give a whole number exactly when
/// the quotient is one.
fn check_discrete(data: &FitData<'_>) -> Result<(), ModelError> {
    let unit = data.unit;
    for customer in data.customers {
        if let Some(problem) = discrete_problem(customer) {
            return Err(ModelError::CannotFit(format!(
                "{KIND} needs discrete transaction opportunities, one per {unit}, but customer {:?} {problem}: \
                 fit it on summaries counted in opportunities, for example read from a file of (x, t_x, n) \
                 rows with time_unit set to the length of one opportunity",
                customer.id
            )));
        }
    }
    Ok(())
}

/// Describes why a customer's summary is not in whole opportunities.
fn discrete_problem(customer: &CustomerSummary) -> Option<String> {
    let (recency, age) = (customer.recency, customer.age);
    let whole = |value: f64| value.is_finite() && value >= 0.0 && value == value.round();
    if !whole(recency) || !whole(age) {
        return Some(format!("has recency {recency} and age {age}, which are not both whole numbers"));
    }
    if f64::from(customer.frequency) > recency {
        return Some(format!(
            "has {} repeat transactions by opportunity {recency}, more than one per opportunity",
            customer.frequency
        ));
    }
    if recency > age {
        return Some(format!("has recency {recency} after its age {age}"));
    }
    None
}
