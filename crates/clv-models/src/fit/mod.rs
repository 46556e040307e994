//! Maximum likelihood fitting behind a small interface, so the optimiser can
//! be swapped and tested on problems with a known optimum.
//!
//! The search runs L-BFGS from `argmin` over `theta = ln(params)`, with a
//! More-Thuente line search, and minimises `-LL / max(1, |LL|)`, where the
//! divisor is taken at the start of the run. A run stops when the gradient
//! norm of that cost with respect to `theta` falls below 1e-6, when one
//! iteration changes the cost by less than 1e-12, or after 1000 iterations.
//! It goes on with a smaller divisor when |LL| has more than halved.
//! Points where the log-likelihood is not finite count as worse than any
//! finite point, so the line search shortens its steps until it reaches
//! finite values. A run whose line search fails goes on with a Nelder-Mead
//! simplex from its best point. See `optimiser.rs` for the reasons behind
//! each setting.

mod covariance;
mod hessian;
mod iteration_log;
mod limits;
mod line_search;
mod newton;
mod objective;
mod optimiser;
mod polish;
pub(crate) mod sum;

pub use newton::{Derivatives, SecondOrder, newton_ascent};
pub use polish::{newton_maximise, newton_polish};

pub(crate) use covariance::standard_errors;
pub(crate) use limits::parameters_at_limit;

use objective::{Point, finite_log_likelihood};

/// A log-likelihood over strictly positive parameters.
pub trait LogLikelihood: Sync {
    /// Number of parameters.
    fn dimension(&self) -> usize;

    /// Total log-likelihood at `params` (all > 0). May return negative
    /// infinity or NaN where the likelihood is not defined; the optimiser
    /// treats both as "worse than anything finite".
    fn log_likelihood(&self, params: &[f64]) -> f64;

    /// Gradient of the total log-likelihood with respect to `params`, when
    /// derived analytically. The default returns `None`, and the optimiser
    /// then uses central differences.
    fn gradient(&self, params: &[f64]) -> Option<Vec<f64>> {
        let _ = params;
        None
    }

    /// Hessian of the total log-likelihood with respect to `params`, when
    /// derived analytically. The default returns `None`, and the observed
    /// information then comes from differences of the gradient.
    fn hessian(&self, params: &[f64]) -> Option<Vec<Vec<f64>>> {
        let _ = params;
        None
    }
}

/// Result of a maximum likelihood fit.
#[derive(Clone, Debug, PartialEq)]
pub struct MleFit {
    /// Estimates, in the same order as the likelihood's parameters.
    pub params: Vec<f64>,
    /// Standard errors from the inverse of the observed information, the
    /// negative Hessian of the log-likelihood at the optimum. An entry is
    /// `None` when its variance is not positive and finite, and every entry
    /// is `None` when the information is not positive definite.
    pub std_errors: Vec<Option<f64>>,
    /// Total log-likelihood at the optimum.
    pub log_likelihood: f64,
    /// Iterations of the best start plus those of the restart from its
    /// optimum, or the steps of [`newton_maximise`].
    pub iterations: u64,
    /// Whether the best start and the restart from its optimum both ended on
    /// a convergence criterion and agree on the log-likelihood within 1e-6,
    /// and no estimate ran to a limit: more than 10,000 times above or below
    /// the first starting point, where the likelihood is flat. From
    /// [`newton_maximise`], whether its steps stopped on the predicted gain
    /// and no estimate ran to that limit.
    pub converged: bool,
}

/// Errors of a fit.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum FitError {
    #[error("no starting point gave a finite log-likelihood")]
    NoFiniteStart,
    #[error("start {index} is invalid: {reason}")]
    InvalidStart { index: usize, reason: String },
    #[error("the optimiser failed: {0}")]
    Optimiser(String),
}

/// Largest difference in log-likelihood between the best start and the
/// restart from its optimum for which the fit counts as converged.
const RESTART_AGREEMENT: f64 = 1e-6;

/// Maximises `likelihood` from each of `starts` (natural, positive
/// parameters) and returns the best fit. The search runs over the logarithms
/// of the parameters, so estimates stay positive.
///
/// Starts whose log-likelihood is not finite are skipped. The best run is
/// restarted once from its optimum, and the better of the two is returned.
/// Standard errors come from the observed information at that optimum.
///
/// # Errors
///
/// [`FitError::InvalidStart`] when a start has the wrong length or an entry
/// that is not positive and finite, [`FitError::NoFiniteStart`] when no
/// start has a finite log-likelihood, and [`FitError::Optimiser`] when the
/// likelihood's gradient has the wrong length.
pub fn maximise(likelihood: &dyn LogLikelihood, starts: &[Vec<f64>]) -> Result<MleFit, FitError> {
    let dimension = likelihood.dimension();
    let mut finite_starts = Vec::with_capacity(starts.len());
    for (index, start) in starts.iter().enumerate() {
        let point = validate_start(likelihood, index, start)?;
        if point.log_likelihood.is_finite() {
            finite_starts.push((index, point));
        } else {
            log::debug!("skipping start {index} {start:?}: its log-likelihood is not finite");
        }
    }
    let Some((first_index, first)) = finite_starts.first() else {
        return Err(FitError::NoFiniteStart);
    };
    let scale = starts[*first_index].clone();
    if let Some(gradient) = likelihood.gradient(&exp_all(&first.theta)) {
        if gradient.len() != dimension {
            return Err(FitError::Optimiser(format!(
                "the likelihood's gradient has {} entries, but the likelihood has {dimension} parameters",
                gradient.len()
            )));
        }
    }

    let mut best: Option<optimiser::Run> = None;
    for (index, start) in finite_starts {
        let start_log_likelihood = start.log_likelihood;
        let run = optimiser::run_from(likelihood, start)?;
        log::debug!(
            "start {index}: log-likelihood {start_log_likelihood} -> {} after {} iterations and {} evaluations{}",
            run.best.log_likelihood,
            run.iterations,
            run.evaluations,
            if run.converged { "" } else { ", not converged" }
        );
        if best.as_ref().is_none_or(|best| run.best.log_likelihood > best.best.log_likelihood) {
            best = Some(run);
        }
    }
    let best = best.ok_or(FitError::NoFiniteStart)?;

    let restart = optimiser::run_from(likelihood, best.best.clone())?;
    let difference = (restart.best.log_likelihood - best.best.log_likelihood).abs();
    let converged = best.converged && restart.converged && difference <= RESTART_AGREEMENT;
    log::debug!(
        "restart from the optimum: log-likelihood {} -> {} after {} iterations and {} evaluations{}",
        best.best.log_likelihood,
        restart.best.log_likelihood,
        restart.iterations,
        restart.evaluations,
        if converged { "" } else { ", not converged" }
    );

    let optimum =
        if restart.best.log_likelihood > best.best.log_likelihood { restart.best } else { best.best };
    let params = exp_all(&optimum.theta);
    let at_limit = limits::parameters_at_limit(&params, &scale);
    if !at_limit.is_empty() {
        log::warn!(
            "parameters {at_limit:?} of the estimate {params:?} ran to a limit, more than {} times from \
             the start {scale:?}, so the data cannot identify them; the fit is flagged as not converged",
            limits::LIMIT_FACTOR
        );
    }
    let converged = converged && at_limit.is_empty();
    let information = hessian::observed_information(likelihood, &params);
    let std_errors = covariance::standard_errors(&information);

    Ok(MleFit {
        params,
        std_errors,
        log_likelihood: optimum.log_likelihood,
        iterations: best.iterations + restart.iterations,
        converged,
    })
}

/// Checks `start` and returns it as a point in log-parameter space with its
/// log-likelihood, which may be negative infinity.
fn validate_start(likelihood: &dyn LogLikelihood, index: usize, start: &[f64]) -> Result<Point, FitError> {
    let dimension = likelihood.dimension();
    if start.len() != dimension {
        return Err(FitError::InvalidStart {
            index,
            reason: format!("it has {} parameters, but the likelihood has {dimension}", start.len()),
        });
    }
    if let Some(position) = start.iter().position(|value| !(*value > 0.0 && value.is_finite())) {
        return Err(FitError::InvalidStart {
            index,
            reason: format!(
                "parameter {position} is {}, but it must be positive and finite",
                start[position]
            ),
        });
    }

    let theta: Vec<f64> = start.iter().map(|value| value.ln()).collect();
    let log_likelihood = finite_log_likelihood(likelihood, &theta);
    Ok(Point { theta, log_likelihood })
}

fn exp_all(theta: &[f64]) -> Vec<f64> {
    theta.iter().map(|value| value.exp()).collect()
}
