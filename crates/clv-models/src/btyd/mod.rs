//! Shared parts of the buy-till-you-die (BTYD) models: the per-customer
//! summary they read, compressed patterns, and the trait each transaction
//! process implements so that one fitted-model type can predict for all.

mod fitted;
mod patterns;
mod spend;
mod subsample;

pub use fitted::FittedTransactionModel;
pub use patterns::{Pattern, compress};
pub use spend::{GivenGammaGamma, Spend, SpendSetting};
pub use subsample::{is_large, subsample_start};

use clv_core::CustomerSummary;

/// A customer's repeat-purchase summary in the time unit of the fit:
/// frequency `x`, recency `t_x` and age `t` (T), with `0 <= t_x <= t`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rfm {
    pub x: f64,
    pub t_x: f64,
    pub t: f64,
}

impl Rfm {
    /// Creates the summary of a customer.
    pub fn of(customer: &CustomerSummary) -> Rfm {
        Rfm { x: f64::from(customer.frequency), t_x: customer.recency, t: customer.age }
    }
}

/// A fitted model of when customers buy and when they stop.
///
/// Every method must return a finite value for any valid summary
/// (`x >= 0`, `0 <= t_x <= t`, `t_x = 0` when `x = 0`) and any `t >= 0`.
pub trait TransactionProcess: Send + Sync + std::fmt::Debug {
    /// Log-likelihood of one customer's summary.
    fn log_likelihood(&self, rfm: Rfm) -> f64;

    /// Expected number of transactions in `(T, T + t]` given the summary.
    fn conditional_expected_transactions(&self, rfm: Rfm, t: f64) -> f64;

    /// Expected number of transactions in `(T, T + t]` for each `t` of `times`.
    ///
    /// The default calls [`conditional_expected_transactions`](Self::conditional_expected_transactions)
    /// once per time. Processes whose expectation is P(alive) times a function
    /// of `t` override it to compute P(alive) once.
    fn conditional_expected_transactions_at(&self, rfm: Rfm, times: &[f64]) -> Vec<f64> {
        times.iter().map(|&t| self.conditional_expected_transactions(rfm, t)).collect()
    }

    /// Expected number of transactions in `(T, T + t]` for each `t` of
    /// `times`, of a customer with `x` repeat purchases and age `T` who is
    /// alive at `T`.
    ///
    /// Processes whose rates, given that the customer is alive, depend on
    /// the summary only through `x` and `T` return it, and then the
    /// conditional expectation is [`p_alive`](Self::p_alive) times it. The
    /// predictions compute it once for all customers who share `x` and `T`.
    /// The default returns `None`.
    fn expected_transactions_if_alive_at(&self, x: f64, age: f64, times: &[f64]) -> Option<Vec<f64>> {
        let _ = (x, age, times);
        None
    }

    /// Probability that the customer is still active at `T`.
    fn p_alive(&self, rfm: Rfm) -> f64;

    /// Expected number of transactions of a new customer in `(0, t]`, E[X(t)].
    fn expected_transactions(&self, t: f64) -> f64;

    /// Probability that a new customer makes exactly `n` transactions in `(0, t]`.
    fn probability_of_transactions(&self, n: u32, t: f64) -> f64;

    /// Parameter names and values, in the model's conventional order.
    fn parameters(&self) -> Vec<(&'static str, f64)>;
}

/// Fits a transaction process by maximum likelihood and its spend model,
/// both on the calibration customers of `data`.
///
/// `build` turns the estimated parameters (in the likelihood's order) into
/// the process. A fit that did not meet its convergence criterion is kept
/// but flagged in its statistics and logged.
pub fn fit_transaction_model<P: TransactionProcess>(
    data: &clv_core::FitData<'_>,
    kind: &str,
    spend: SpendSetting,
    likelihood: &dyn crate::fit::LogLikelihood,
    starts: &[Vec<f64>],
    build: impl Fn(&[f64]) -> P,
) -> Result<FittedTransactionModel<P>, clv_core::ModelError> {
    use clv_core::ModelError;

    if data.customers.iter().all(|customer| customer.frequency == 0) {
        return Err(ModelError::CannotFit(format!(
            "{kind} needs repeat purchases to estimate a purchase rate, but none of the {} customers made \
             one in the calibration period: use a longer calibration period",
            data.customers.len()
        )));
    }
    // A large fit has one start, the optimum of a subsample fit, near enough
    // for Newton steps with an analytic Hessian to converge in a few passes.
    let newton = match starts {
        [start] if is_large(data.customers.len()) => crate::fit::newton_maximise(likelihood, start),
        _ => None,
    };
    let mle = match newton {
        Some(mle) => mle,
        None => {
            let mle = crate::fit::maximise(likelihood, starts)
                .map_err(|error| ModelError::CannotFit(format!("{kind}: {error}")))?;
            if is_large(data.customers.len()) { crate::fit::newton_polish(likelihood, mle) } else { mle }
        }
    };
    if !mle.converged {
        log::warn!("{kind} did not converge after {} iterations; its fit is flagged", mle.iterations);
    }
    let spend = spend.fit(data.customers)?;
    let process = build(&mle.params);
    Ok(FittedTransactionModel::new(process, mle, data.customers.len(), data.unit, spend))
}

#[cfg(test)]
mod group_tests;
#[cfg(test)]
mod population_tests;
