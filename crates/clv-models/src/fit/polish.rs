//! Newton steps from the optimum of a large fit.
//!
//! The optimiser's tolerances are relative to |LL|, which grows with the
//! number of customers. On a million customers a run can stop where the
//! gradient is still large enough to move a parameter on a flat ridge by
//! 1e-3 relative. Newton steps with the observed information at the
//! optimiser's optimum, which the fit computes anyway for the standard
//! errors, remove that error in one or two steps when the likelihood has an
//! analytic gradient.

use super::covariance::{solve, standard_errors};
use super::hessian::{analytic_information, observed_information};
use super::{LogLikelihood, MleFit};

/// Maximum number of Newton steps.
const MAX_STEPS: usize = 4;

/// Predicted gain in log-likelihood, relative to |LL|, below which no
/// Newton step is tried: about the rounding of a sum over a million terms.
const NEGLIGIBLE_GAIN: f64 = 1e-14;

/// Maximum number of halvings of a step that leaves the positive parameters
/// or lowers the log-likelihood.
const MAX_HALVINGS: usize = 10;

/// Takes Newton steps from `fit` while they raise the log-likelihood, and
/// returns the fit at the last accepted point with its standard errors.
/// Returns `fit` unchanged when the likelihood has no analytic gradient or
/// the information is not positive definite.
pub fn newton_polish(likelihood: &dyn LogLikelihood, fit: MleFit) -> MleFit {
    let mut polished = fit;
    if likelihood.gradient(&polished.params).is_none() {
        return polished;
    }

    // Without an analytic Hessian, the information at the start serves
    // every step, as in a chord method, because near the optimum it changes
    // little and each new one costs 2 gradients per parameter.
    let analytic = analytic_information(likelihood, &polished.params);
    let analytic_hessian = analytic.is_some();
    let mut information = analytic.unwrap_or_else(|| observed_information(likelihood, &polished.params));
    let mut information_params = polished.params.clone();

    for step_index in 0..MAX_STEPS {
        let Some(gradient) = likelihood.gradient(&polished.params) else {
            return polished;
        };
        if analytic_hessian && step_index > 0 {
            information = observed_information(likelihood, &polished.params);
            information_params.clone_from(&polished.params);
        }

        let Some(step) = solve(&information, &gradient) else {
            return polished;
        };
        let predicted_gain: f64 =
            0.5 * gradient.iter().zip(&step).map(|(slope, delta)| slope * delta).sum::<f64>();
        if predicted_gain <= NEGLIGIBLE_GAIN * polished.log_likelihood.abs() {
            // The point is closer to the optimum than rounding can tell, so
            // halving the step would only spend passes on noise.
            break;
        }

        let Some((params, log_likelihood)) = best_step(likelihood, &polished, &step) else {
            break;
        };
        log::debug!(
            "Newton step: log-likelihood {} -> {log_likelihood}, parameters {params:?}",
            polished.log_likelihood
        );
        polished.params = params;
        polished.log_likelihood = log_likelihood;
    }

    if information_params != polished.params {
        information = observed_information(likelihood, &polished.params);
    }
    polished.std_errors = standard_errors(&information);
    polished
}

/// Returns the point `fit.params + step`, halved until it is positive and
/// raises the log-likelihood, or `None` when no halving does.
fn best_step(likelihood: &dyn LogLikelihood, fit: &MleFit, step: &[f64]) -> Option<(Vec<f64>, f64)> {
    let mut length = 1.0;
    for _ in 0..MAX_HALVINGS {
        let params: Vec<f64> =
            fit.params.iter().zip(step).map(|(value, delta)| value + length * delta).collect();
        if params.iter().all(|value| value.is_finite() && *value > 0.0) {
            let log_likelihood = likelihood.log_likelihood(&params);
            if log_likelihood > fit.log_likelihood {
                return Some((params, log_likelihood));
            }
        }
        length *= 0.5;
    }
    None
}
