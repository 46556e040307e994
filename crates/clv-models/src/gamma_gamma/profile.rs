//! Maximum likelihood by Newton's method on the profile log-likelihood in
//! gamma, with one pass over the customers per value of gamma.
//!
//! With `v = x m`, the total log-likelihood of the customers is
//!
//! ```text
//! LL = Σ_x n_x [ln Γ(p x + q) - ln Γ(p x) - ln Γ(q)] + q N ln gamma
//!      + p (Σ x ln v - Σ x ln(gamma + v)) - q Σ ln(gamma + v) - Σ ln m.
//! ```
//!
//! The first sum runs over the distinct frequencies x, a few hundred at
//! most, and `Σ x ln v` and `Σ ln m` are fixed. Only the sums over
//! customers of `ln(gamma + v)`, `1 / (gamma + v)` and `1 / (gamma + v)²`,
//! plain and weighted by x, depend on gamma, so one pass at a gamma gives
//! LL with its gradient and Hessian at every (p, q). At a fixed gamma, LL
//! is concave in (p, q), and [`maximise_shape`] finds its maximum, the
//! profile log-likelihood `l(gamma)`, without another pass. Newton steps
//! in `ln gamma` on `l`, whose slope and curvature come from the full
//! gradient and Hessian at that maximum, then take a few passes in all.

use super::shape::{ShapeTerms, maximise_shape};
use super::spend_data::SpendData;
use crate::fit::sum::sum_arrays_with_state;
use crate::fit::{MleFit, parameters_at_limit, standard_errors};

/// Largest number of Newton steps in `ln gamma` from one start.
const MAX_STEPS: usize = 60;

/// Largest Newton step in `ln gamma`, a factor of e in gamma, so that a
/// step from a far start cannot overflow.
const MAX_LN_STEP: f64 = 1.0;

/// Largest number of halvings of a step in `ln gamma` that lowers the
/// profile log-likelihood.
const MAX_HALVINGS: usize = 30;

/// Newton step in `ln gamma` below which the fit stops at the current
/// point. Steps shrink quadratically near the optimum, so the current
/// gamma is then within about this relative distance of it.
const CONVERGED_STEP: f64 = 1e-9;

/// Newton step in `ln gamma` below which the step is taken without
/// comparing log-likelihoods.
const NOISE_STEP: f64 = 1e-5;

/// Decrease of the profile log-likelihood, relative to its magnitude, that
/// a step may cause and still be accepted, about the rounding of sums over
/// a million customers.
const ROUNDING: f64 = 1e-14;

/// The log-likelihood with its gradient and Hessian in (p, q, gamma), at
/// the maximum over (p, q) for one gamma.
#[derive(Clone, Debug)]
pub(super) struct Evaluation {
    pub(super) params: [f64; 3],
    pub(super) log_likelihood: f64,
    pub(super) gradient: [f64; 3],
    pub(super) hessian: [[f64; 3]; 3],
}

impl Evaluation {
    /// Returns the slope and curvature of the profile log-likelihood in `ln gamma`.
    ///
    /// The slope is `dLL/dgamma` at the maximum over (p, q). The curvature in
    /// gamma is the Schur complement `H_gg - hᵀ H_θθ⁻¹ h`, where θ = (p, q)
    /// and h is the column of mixed derivatives.
    fn profile_slopes(&self) -> (f64, f64) {
        let gamma = self.params[2];
        let hessian = &self.hessian;
        let [a, b, d] = [hessian[0][0], hessian[0][1], hessian[1][1]];
        let [h_p, h_q] = [hessian[0][2], hessian[1][2]];
        let determinant = a * d - b * b;
        let explained = (d * h_p * h_p - 2.0 * b * h_p * h_q + a * h_q * h_q) / determinant;
        let curvature = hessian[2][2] - explained;

        let slope = self.gradient[2];
        (gamma * slope, gamma * gamma * curvature + gamma * slope)
    }
}

/// Sums over the customers that depend on gamma, each plain and weighted by x:
/// `ln(gamma + v)`, `1 / (gamma + v)` and `1 / (gamma + v)²`.
#[derive(Clone, Copy, Debug)]
struct ValueSums {
    ln: [f64; 2],
    inverse: [f64; 2],
    inverse_square: [f64; 2],
}

impl ValueSums {
    /// Computes the sums in one pass over `pairs`, in parallel when they are many.
    fn at(pairs: &[(u32, f64)], gamma: f64) -> ValueSums {
        let sums = sum_arrays_with_state(pairs, |_: &mut (), &(x, mean_value)| {
            let x = f64::from(x);
            let total = gamma + x * mean_value;
            let inverse = 1.0 / total;
            let ln = total.ln();
            let inverse_square = inverse * inverse;
            [ln, x * ln, inverse, x * inverse, inverse_square, x * inverse_square]
        });
        ValueSums { ln: [sums[0], sums[1]], inverse: [sums[2], sums[3]], inverse_square: [sums[4], sums[5]] }
    }
}

/// Evaluates the log-likelihood at gamma and the (p, q) that maximise it
/// there, searched from `start`. Returns `None` when that maximum is not
/// found or the log-likelihood is not finite.
pub(super) fn evaluate(data: &SpendData, gamma: f64, start: [f64; 2]) -> Option<Evaluation> {
    let sums = ValueSums::at(&data.pairs, gamma);
    let slopes = linear_slopes(data, &sums, gamma);
    let maximum = maximise_shape(&data.frequencies, slopes, start)?;

    let evaluation = assemble(data, &sums, &maximum.terms, [maximum.p, maximum.q, gamma], slopes);
    evaluation.log_likelihood.is_finite().then_some(evaluation)
}

/// Returns the coefficients of p and q in the log-likelihood at gamma,
/// `Σ x ln v - Σ x ln(gamma + v)` and `N ln gamma - Σ ln(gamma + v)`.
fn linear_slopes(data: &SpendData, sums: &ValueSums, gamma: f64) -> [f64; 2] {
    let customers = data.customers() as f64;
    [data.sum_x_ln_value - sums.ln[1], customers * gamma.ln() - sums.ln[0]]
}

/// Evaluates the log-likelihood with its gradient and Hessian at `params`
/// (p, q, gamma), without maximising over (p, q).
#[cfg(test)]
pub(super) fn evaluate_at(data: &SpendData, params: [f64; 3]) -> Evaluation {
    let [p, q, gamma] = params;
    let sums = ValueSums::at(&data.pairs, gamma);
    let slopes = linear_slopes(data, &sums, gamma);
    assemble(data, &sums, &ShapeTerms::at(&data.frequencies, p, q), params, slopes)
}

/// Builds the log-likelihood, gradient and Hessian at `params` from the
/// sums of one pass and the shape terms at (p, q).
fn assemble(
    data: &SpendData,
    sums: &ValueSums,
    terms: &ShapeTerms,
    params: [f64; 3],
    slopes: [f64; 2],
) -> Evaluation {
    let [p, q, gamma] = params;
    let customers = data.customers() as f64;
    let log_likelihood = terms.value + p * slopes[0] + q * slopes[1] - data.sum_ln_mean;

    let gradient = [
        terms.gradient[0] + slopes[0],
        terms.gradient[1] + slopes[1],
        q * customers / gamma - p * sums.inverse[1] - q * sums.inverse[0],
    ];

    let h_pg = -sums.inverse[1];
    let h_qg = customers / gamma - sums.inverse[0];
    let h_gg = -q * customers / (gamma * gamma) + p * sums.inverse_square[1] + q * sums.inverse_square[0];
    let [[h_pp, h_pq], [_, h_qq]] = terms.hessian;
    let hessian = [[h_pp, h_pq, h_pg], [h_pq, h_qq, h_qg], [h_pg, h_qg, h_gg]];
    Evaluation { params, log_likelihood, gradient, hessian }
}

/// A converged Newton search and the number of its steps.
#[derive(Clone, Debug)]
pub(super) struct ProfileFit {
    pub(super) optimum: Evaluation,
    pub(super) steps: u64,
}

/// Runs Newton's method in `ln gamma` on the profile log-likelihood from
/// `start` (p, q, gamma). Returns `None` when it does not converge within
/// [`MAX_STEPS`], or when no halving of a step keeps the log-likelihood.
pub(super) fn climb(data: &SpendData, start: [f64; 3]) -> Option<ProfileFit> {
    let [p, q, gamma] = start;
    let mut current = evaluate(data, gamma, [p, q])?;

    for steps in 0..MAX_STEPS as u64 {
        let (slope, curvature) = current.profile_slopes();
        // Away from the optimum the profile may be convex, and then a
        // full-size step uphill moves towards the concave region.
        let newton = if curvature < 0.0 { -slope / curvature } else { slope.signum() * MAX_LN_STEP };
        let step = newton.clamp(-MAX_LN_STEP, MAX_LN_STEP);
        log::trace!(
            "profile at {:?}: LL {}, step in ln gamma {step:e}",
            current.params,
            current.log_likelihood
        );
        if step.abs() <= CONVERGED_STEP {
            return Some(ProfileFit { optimum: current, steps });
        }

        if step.abs() <= NOISE_STEP {
            // The profile changes by less than its rounding over such a
            // step, so it cannot judge the step, and the next is about its square.
            current = evaluate(data, current.params[2] * step.exp(), [current.params[0], current.params[1]])?;
            continue;
        }

        let allowed = current.log_likelihood - ROUNDING * current.log_likelihood.abs();
        let shape = [current.params[0], current.params[1]];
        let mut length = 1.0;
        let mut accepted = None;
        for _ in 0..MAX_HALVINGS {
            let gamma = current.params[2] * (length * step).exp();
            let candidate = evaluate(data, gamma, shape);
            if let Some(candidate) = candidate.filter(|candidate| candidate.log_likelihood >= allowed) {
                accepted = Some(candidate);
                break;
            }
            length *= 0.5;
        }
        current = accepted?;
    }
    None
}

/// Fits (p, q, gamma) from `starts`, on a subsample first when `subsample`
/// is set, and returns the fit when every check passes.
///
/// Returns `None`, for the general optimiser to take over, when no start
/// converges or the estimate ran more than a factor of 10,000 from the
/// first start, where the likelihood is flat. The standard errors come
/// from the analytic Hessian at the optimum.
pub(super) fn fit(data: &SpendData, starts: &[Vec<f64>], subsample: Option<&SpendData>) -> Option<MleFit> {
    let starts: Vec<[f64; 3]> = starts.iter().map(|start| [start[0], start[1], start[2]]).collect();
    let mut steps = 0;

    let full_starts = match subsample.and_then(|sample| best_climb(sample, &starts)) {
        Some(sample_fit) => {
            steps += sample_fit.steps;
            vec![sample_fit.optimum.params]
        }
        None => starts.clone(),
    };
    let best = best_climb(data, &full_starts)?;
    steps += best.steps;

    let optimum = best.optimum;
    let at_limit = parameters_at_limit(&optimum.params, starts.first()?);
    if !at_limit.is_empty() {
        log::debug!("the profile fit ran to a limit in parameters {at_limit:?}: {:?}", optimum.params);
        return None;
    }
    let information: Vec<Vec<f64>> =
        optimum.hessian.iter().map(|row| row.iter().map(|entry| -entry).collect()).collect();

    Some(MleFit {
        params: optimum.params.to_vec(),
        std_errors: standard_errors(&information),
        log_likelihood: optimum.log_likelihood,
        iterations: steps,
        converged: true,
    })
}

/// Climbs from each start and returns the converged fit of highest log-likelihood.
fn best_climb(data: &SpendData, starts: &[[f64; 3]]) -> Option<ProfileFit> {
    let mut best: Option<ProfileFit> = None;
    for start in starts {
        let Some(fit) = climb(data, *start) else {
            log::debug!("the profile fit from {start:?} did not converge");
            continue;
        };
        if best.as_ref().is_none_or(|best| fit.optimum.log_likelihood > best.optimum.log_likelihood) {
            best = Some(fit);
        }
    }
    best
}
