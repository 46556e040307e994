//! Newton's method over log-parameters, for likelihoods whose gradient and
//! Hessian come out of one pass over the data.
//!
//! On a million customers a pass costs milliseconds, and L-BFGS spends
//! dozens of passes where Newton's method, started close to the optimum
//! (for example from a fit on a subsample), needs three or four. Each
//! iteration solves `I δ = g` in `θ = ln(params)`, so the estimates stay
//! positive, and halves the step until the log-likelihood rises.
//!
//! NOTE: [`super::newton_maximise`] takes Newton steps in the natural
//! parameters for any likelihood with an analytic Hessian, and the
//! Pareto/NBD and shared BTYD fits use it. The two should become one.

use super::covariance::{solve, standard_errors};
use super::limits::{LIMIT_FACTOR, parameters_at_limit};
use super::{LogLikelihood, MleFit};

/// Log-likelihood, gradient and Hessian at one point, with respect to the
/// natural parameters.
#[derive(Clone, Debug, PartialEq)]
pub struct Derivatives {
    pub value: f64,
    pub gradient: Vec<f64>,
    pub hessian: Vec<Vec<f64>>,
}

/// A log-likelihood that computes its value, gradient and Hessian together.
pub trait SecondOrder: LogLikelihood {
    /// Computes the derivatives at `params`, or returns `None` when
    /// `params` has the wrong length.
    fn derivatives(&self, params: &[f64]) -> Option<Derivatives>;
}

/// Maximum number of Newton iterations.
const MAX_ITERATIONS: u64 = 50;

/// Maximum number of halvings of one step.
const MAX_HALVINGS: usize = 30;

/// Largest change of one log-parameter in one step, so that a step from a
/// point where the quadratic model is poor stays within a factor of e.
const MAX_LOG_STEP: f64 = 1.0;

/// Predicted gain, relative to `max(1, |LL|)`, below which the point is
/// the optimum within rounding (see [`line_search`]).
const NEGLIGIBLE_GAIN: f64 = 1e-14;

/// Predicted gain, relative to `max(1, |LL|)`, below which a full Newton
/// step ends the search. Newton's method converges quadratically, so after
/// such a step the error in the log-parameters is about the square of
/// `sqrt(2e-10 |LL| / information)`, below 1e-7 for the information of a
/// thousand customers or more.
const FINAL_GAIN: f64 = 1e-10;

/// Factors of the diagonal added to a information matrix that is not
/// positive definite, tried in turn (Levenberg-Marquardt damping).
const DAMPING: [f64; 6] = [1e-4, 1e-3, 1e-2, 1e-1, 1.0, 10.0];

/// Maximises `likelihood` by Newton's method from `start` and returns the
/// fit, or `None` when the log-likelihood at `start` is not finite.
///
/// The fit counts as converged when the last step's predicted gain fell
/// below [`FINAL_GAIN`], and no estimate ran more than [`LIMIT_FACTOR`]
/// times from `start`. Standard
/// errors come from the analytic Hessian at the optimum.
pub fn newton_ascent(likelihood: &dyn SecondOrder, start: &[f64]) -> Option<MleFit> {
    let mut params = start.to_vec();
    let mut current = likelihood.derivatives(&params)?;
    if !current.value.is_finite() {
        return None;
    }

    let mut iterations = 0;
    let mut converged = false;
    while iterations < MAX_ITERATIONS {
        let (information, gradient) = log_space(&params, &current);
        let Some(step) = damped_step(&information, &gradient) else {
            log::debug!("Newton: no damping makes the information at {params:?} positive definite");
            break;
        };
        let scale = current.value.abs().max(1.0);
        let predicted_gain = 0.5 * dot(&gradient, &step);
        let negligible = predicted_gain <= NEGLIGIBLE_GAIN * scale;

        iterations += 1;
        let Some((next_params, next, length)) = line_search(likelihood, &params, &current, &step, negligible)
        else {
            // A gain this small is close to the rounding of the sum, so the
            // point is the optimum as far as the log-likelihood can tell.
            converged = predicted_gain <= FINAL_GAIN * scale;
            log::debug!("Newton: no step from {params:?} raises the log-likelihood {}", current.value);
            break;
        };
        log::debug!(
            "Newton step {iterations}: log-likelihood {} -> {}, step length {length}, parameters {next_params:?}",
            current.value,
            next.value
        );
        params = next_params;
        current = next;
        if length == 1.0 && predicted_gain <= FINAL_GAIN * scale {
            converged = true;
            break;
        }
    }

    let at_limit = parameters_at_limit(&params, start);
    if !at_limit.is_empty() {
        log::warn!(
            "parameters {at_limit:?} of the estimate {params:?} ran to a limit, more than {LIMIT_FACTOR} times \
             from the start {start:?}; the fit is flagged as not converged"
        );
    }
    let information = negated(&current.hessian);
    Some(MleFit {
        std_errors: standard_errors(&information),
        params,
        log_likelihood: current.value,
        iterations,
        converged: converged && at_limit.is_empty(),
    })
}

/// Returns the information `-∇²_θ LL` and the gradient `∇_θ LL` with
/// respect to `θ = ln(params)`: `∂θ_i = p_i ∂p_i` and
/// `∂²θ_i θ_j = p_i p_j ∂²p_i p_j + [i = j] p_i ∂p_i`.
fn log_space(params: &[f64], derivatives: &Derivatives) -> (Vec<Vec<f64>>, Vec<f64>) {
    let gradient: Vec<f64> = params.iter().zip(&derivatives.gradient).map(|(p, g)| p * g).collect();
    let information = (0..params.len())
        .map(|i| {
            (0..params.len())
                .map(|j| {
                    let diagonal = if i == j { gradient[i] } else { 0.0 };
                    -(params[i] * params[j] * derivatives.hessian[i][j] + diagonal)
                })
                .collect()
        })
        .collect();
    (information, gradient)
}

/// Solves for the Newton step, adding a growing multiple of the diagonal
/// while the information is not positive definite, and shortens it to
/// [`MAX_LOG_STEP`] in every coordinate.
fn damped_step(information: &[Vec<f64>], gradient: &[f64]) -> Option<Vec<f64>> {
    let mut step = solve(information, gradient);
    for factor in DAMPING {
        if step.is_some() {
            break;
        }
        let damped: Vec<Vec<f64>> = information
            .iter()
            .enumerate()
            .map(|(i, row)| {
                let mut row = row.clone();
                row[i] += factor * row[i].abs().max(f64::MIN_POSITIVE);
                row
            })
            .collect();
        step = solve(&damped, gradient);
    }

    let mut step = step?;
    let largest = step.iter().fold(0.0_f64, |largest, delta| largest.max(delta.abs()));
    if largest > MAX_LOG_STEP {
        step.iter_mut().for_each(|delta| *delta *= MAX_LOG_STEP / largest);
    }
    Some(step)
}

/// Returns the first of `θ + δ`, `θ + δ/2`, ... whose log-likelihood is
/// finite and above the current one, with its derivatives and step length.
///
/// A `negligible` step has a predicted gain below the rounding of the
/// log-likelihood. It is tried once, at full length, and taken unless it
/// lowers the log-likelihood, because near the optimum Newton's step is
/// more accurate than that comparison, and halving it would only spend passes.
fn line_search(
    likelihood: &dyn SecondOrder,
    params: &[f64],
    current: &Derivatives,
    step: &[f64],
    negligible: bool,
) -> Option<(Vec<f64>, Derivatives, f64)> {
    let halvings = if negligible { 0 } else { MAX_HALVINGS };
    let mut length = 1.0;
    for _ in 0..=halvings {
        let candidate: Vec<f64> =
            params.iter().zip(step).map(|(p, delta)| p * (length * delta).exp()).collect();
        if candidate.iter().all(|value| value.is_finite() && *value > 0.0) {
            let derivatives = likelihood.derivatives(&candidate)?;
            let better =
                derivatives.value > current.value || (negligible && derivatives.value == current.value);
            if derivatives.value.is_finite() && better {
                return Some((candidate, derivatives, length));
            }
        }
        length *= 0.5;
    }
    None
}

fn dot(left: &[f64], right: &[f64]) -> f64 {
    left.iter().zip(right).map(|(l, r)| l * r).sum()
}

fn negated(matrix: &[Vec<f64>]) -> Vec<Vec<f64>> {
    matrix.iter().map(|row| row.iter().map(|value| -value).collect()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `LL = 3 ln p - 2 p + 5 ln q - q / 2`, the Poisson log-likelihoods of 3
    /// events in exposure 2 and 5 in exposure 1/2. The maximum is
    /// `p = 3/2`, `q = 10`, with information `3 / p²` and `5 / q²`, so the
    /// standard errors are `p / √3` and `q / √5`.
    struct TwoPoisson;

    impl LogLikelihood for TwoPoisson {
        fn dimension(&self) -> usize {
            2
        }

        fn log_likelihood(&self, params: &[f64]) -> f64 {
            3.0 * params[0].ln() - 2.0 * params[0] + 5.0 * params[1].ln() - 0.5 * params[1]
        }
    }

    impl SecondOrder for TwoPoisson {
        fn derivatives(&self, params: &[f64]) -> Option<Derivatives> {
            let [p, q] = <[f64; 2]>::try_from(params).ok()?;
            Some(Derivatives {
                value: self.log_likelihood(params),
                gradient: vec![3.0 / p - 2.0, 5.0 / q - 0.5],
                hessian: vec![vec![-3.0 / (p * p), 0.0], vec![0.0, -5.0 / (q * q)]],
            })
        }
    }

    #[test]
    fn newton_finds_closed_form_optimum() {
        // Far starts need step halving and the step cap. The search stops
        // after a full step whose predicted gain is below 1e-10, which leaves
        // an error of about the square of that step's 1e-5 relative size:
        // the tolerance is 1e-8 relative.
        for start in [[1.0, 1.0], [0.01, 500.0], [40.0, 0.2]] {
            let fit = newton_ascent(&TwoPoisson, &start).unwrap();
            assert!(fit.converged, "from {start:?}: {fit:?}");
            assert!((fit.params[0] - 1.5).abs() <= 1e-8 * 1.5, "from {start:?}: {:?}", fit.params);
            assert!((fit.params[1] - 10.0).abs() <= 1e-8 * 10.0, "from {start:?}: {:?}", fit.params);
            let expected_errors = [1.5 / 3.0_f64.sqrt(), 10.0 / 5.0_f64.sqrt()];
            for (error, expected) in fit.std_errors.iter().zip(expected_errors) {
                let error = error.expect("a standard error");
                assert!((error - expected).abs() <= 1e-7 * expected, "{error} vs {expected}");
            }
            assert!(fit.iterations > 0);
        }
    }

    #[test]
    fn newton_rejects_non_finite_start() {
        assert_eq!(newton_ascent(&TwoPoisson, &[0.0, 1.0]), None);
    }
}
