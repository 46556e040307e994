//! Maximum likelihood fitting behind a small interface, so the optimiser can
//! be swapped and tested on problems with a known optimum.

mod covariance;
mod hessian;
mod line_search;
mod objective;

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
}

/// Result of a maximum likelihood fit.
#[derive(Clone, Debug, PartialEq)]
pub struct MleFit {
    /// Estimates, in the same order as the likelihood's parameters.
    pub params: Vec<f64>,
    /// Standard errors from the inverse of the observed information (the
    /// negative Hessian of the log-likelihood at the optimum); `None` for a
    /// parameter whose variance is not positive and finite.
    pub std_errors: Vec<Option<f64>>,
    /// Total log-likelihood at the optimum.
    pub log_likelihood: f64,
    /// Iterations of the best start.
    pub iterations: u64,
    /// Whether the best start met the convergence criterion.
    pub converged: bool,
}

/// Errors of a fit.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum FitError {
    #[error("no starting point gave a finite log-likelihood")]
    NoFiniteStart,
    #[error("the optimiser failed: {0}")]
    Optimiser(String),
}

/// Maximises `likelihood` from each of `starts` (natural, positive
/// parameters) and returns the best fit. The search runs over the logarithms
/// of the parameters, so estimates stay positive.
pub fn maximise(likelihood: &dyn LogLikelihood, starts: &[Vec<f64>]) -> Result<MleFit, FitError> {
    let _ = (likelihood, starts);
    todo!("L-BFGS over log-parameters via argmin, Hessian-based standard errors")
}
