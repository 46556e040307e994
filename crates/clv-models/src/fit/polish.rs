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
use super::limits::{LIMIT_FACTOR, parameters_at_limit};
use super::{LogLikelihood, MleFit};

/// Maximum number of Newton steps.
const MAX_STEPS: usize = 4;

/// Predicted gain in log-likelihood, relative to |LL|, below which no
/// Newton step is tried: about the rounding of a sum over a million terms.
const NEGLIGIBLE_GAIN: f64 = 1e-14;

/// Maximum number of halvings of a step that leaves the positive parameters
/// or lowers the log-likelihood.
const MAX_HALVINGS: usize = 10;

/// Maximum number of steps of [`newton_maximise`]. From a start within a few
/// percent of the optimum, Newton's method converges in three to five.
const MAX_NEWTON_STEPS: usize = 20;

/// Maximises `likelihood` by Newton steps with its analytic Hessian from
/// `start`, which must be close to the optimum, such as the optimum of a
/// subsample. On large fits it can replace the optimiser's runs, the
/// restart and [`newton_polish`], because each step costs one pass that
/// computes the Hessian, the value and the gradient at the same point.
///
/// Each step solves `information step = gradient` and is halved until the
/// parameters stay positive and the log-likelihood rises. The steps stop when
/// the predicted gain `gradient · step / 2` is below 1e-14 of
/// |LL|. The fit counts as converged then unless an estimate ran to a
/// limit, more than 10,000 times from `start`, and its standard errors come
/// from the information at the returned point.
///
/// Returns `None` when the likelihood has no analytic Hessian, the
/// information is not positive definite at a point, no halving of a step
/// raises the log-likelihood, or the steps do not converge within
/// 20 steps. The caller then runs the optimiser.
pub fn newton_maximise(likelihood: &dyn LogLikelihood, start: &[f64]) -> Option<MleFit> {
    let mut params = start.to_vec();
    let mut information = analytic_information(likelihood, &params)?;
    let mut log_likelihood = likelihood.log_likelihood(&params);
    if !log_likelihood.is_finite() {
        return None;
    }

    for iterations in 0..MAX_NEWTON_STEPS {
        let gradient = likelihood.gradient(&params)?;
        let step = solve(&information, &gradient)?;
        let predicted_gain: f64 =
            0.5 * gradient.iter().zip(&step).map(|(slope, delta)| slope * delta).sum::<f64>();
        if predicted_gain <= NEGLIGIBLE_GAIN * log_likelihood.abs() {
            let at_limit = parameters_at_limit(&params, start);
            if !at_limit.is_empty() {
                log::warn!(
                    "parameters {at_limit:?} of the estimate {params:?} ran to a limit, more than \
                     {LIMIT_FACTOR} times from the start {start:?}; the fit is flagged as not converged",
                );
            }
            return Some(MleFit {
                std_errors: standard_errors(&information),
                converged: at_limit.is_empty(),
                params,
                log_likelihood,
                iterations: iterations as u64,
            });
        }

        (params, log_likelihood, information) = newton_step(likelihood, &params, log_likelihood, &step)?;
        log::debug!(
            "Newton step {iterations} with a predicted gain of {predicted_gain:e}: log-likelihood \
             {log_likelihood}, parameters {params:?}"
        );
    }
    log::debug!("Newton steps from {start:?} did not converge in {MAX_NEWTON_STEPS} steps");
    None
}

/// Returns the point `params + step`, halved until it is positive and raises
/// the log-likelihood above `log_likelihood`, with its log-likelihood and
/// information, or `None` when no halving does.
fn newton_step(
    likelihood: &dyn LogLikelihood,
    params: &[f64],
    log_likelihood: f64,
    step: &[f64],
) -> Option<(Vec<f64>, f64, Vec<Vec<f64>>)> {
    let mut length = 1.0;
    for _ in 0..MAX_HALVINGS {
        let candidate: Vec<f64> =
            params.iter().zip(step).map(|(value, delta)| value + length * delta).collect();
        if candidate.iter().all(|value| value.is_finite() && *value > 0.0) {
            // The Hessian pass stores the value at the same point, so the
            // log-likelihood below costs no pass.
            let information = analytic_information(likelihood, &candidate);
            let candidate_log_likelihood = likelihood.log_likelihood(&candidate);
            if let Some(information) = information.filter(|_| candidate_log_likelihood > log_likelihood) {
                return Some((candidate, candidate_log_likelihood, information));
            }
        }
        length *= 0.5;
    }
    log::debug!("no halving of the Newton step {step:?} from {params:?} raised the log-likelihood");
    None
}

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

#[cfg(test)]
mod tests {
    use super::*;

    /// `LL(a, b) = 3 ln a - 2a + 5 ln b - b`, with its maximum at a = 1.5 and
    /// b = 5 and information `diag(3 / a², 5 / b²)`.
    struct Separable {
        analytic_hessian: bool,
    }

    impl LogLikelihood for Separable {
        fn dimension(&self) -> usize {
            2
        }

        fn log_likelihood(&self, params: &[f64]) -> f64 {
            let [a, b] = [params[0], params[1]];
            3.0 * a.ln() - 2.0 * a + 5.0 * b.ln() - b
        }

        fn gradient(&self, params: &[f64]) -> Option<Vec<f64>> {
            Some(vec![3.0 / params[0] - 2.0, 5.0 / params[1] - 1.0])
        }

        fn hessian(&self, params: &[f64]) -> Option<Vec<Vec<f64>>> {
            let [a, b] = [params[0], params[1]];
            self.analytic_hessian.then(|| vec![vec![-3.0 / (a * a), 0.0], vec![0.0, -5.0 / (b * b)]])
        }
    }

    /// The steps stop when the predicted gain is below 1e-14 of |LL| = 1.26,
    /// which leaves an error below about 1.5e-7 in a and b, inside the
    /// tolerance of 1e-6 relative. The standard errors are then the closed
    /// form `a / √3` and `b / √5` to the same tolerance.
    #[test]
    fn newton_reaches_known_maximum() {
        let fit =
            newton_maximise(&Separable { analytic_hessian: true }, &[1.2, 4.0]).expect("Newton converges");
        assert!(fit.converged);
        assert!(fit.iterations <= 6, "{} steps", fit.iterations);
        let expected = [1.5, 5.0];
        let expected_errors = [1.5 / 3f64.sqrt(), 5.0 / 5f64.sqrt()];
        for i in 0..2 {
            assert!((fit.params[i] / expected[i] - 1.0).abs() < 1e-6, "{:?}", fit.params);
            let error = fit.std_errors[i].expect("finite standard error");
            assert!((error / expected_errors[i] - 1.0).abs() < 1e-6, "{:?}", fit.std_errors);
        }
        let maximum = 3.0 * 1.5f64.ln() - 3.0 + 5.0 * 5f64.ln() - 5.0;
        assert!((fit.log_likelihood - maximum).abs() < 1e-12, "{}", fit.log_likelihood);
    }

    #[test]
    fn newton_needs_analytic_hessian() {
        assert_eq!(newton_maximise(&Separable { analytic_hessian: false }, &[1.2, 4.0]), None);
    }

    /// From a = 40 the full Newton step in a is about -1026, so it is halved
    /// until a stays positive.
    #[test]
    fn newton_halves_steps_below_zero() {
        let fit =
            newton_maximise(&Separable { analytic_hessian: true }, &[40.0, 5.0]).expect("Newton converges");
        assert!(fit.converged);
        assert!((fit.params[0] / 1.5 - 1.0).abs() < 1e-6, "{:?}", fit.params);
    }
}
