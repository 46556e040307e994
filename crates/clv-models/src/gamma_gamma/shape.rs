//! The ln-gamma terms of the Gamma-Gamma log-likelihood, which depend on
//! the shapes p and q and on each customer's x only, and their maximum over
//! (p, q) at a fixed gamma.
//!
//! Summed over customers, `ln Γ(p x + q) - ln Γ(p x) - ln Γ(q)` is
//! `-Σ_x n_x ln B(p x, q)` over the distinct frequencies x with n_x
//! customers each. The beta function is log-convex in its two arguments, and
//! (p x, q) is linear in (p, q), so these terms are concave in (p, q). At a
//! fixed gamma the rest of the log-likelihood is linear in p and q, so
//! Newton's method finds the maximum over (p, q) from any positive start.

use statrs::function::gamma::digamma;

use crate::special::{ln_gamma, trigamma};

/// Largest number of Newton steps in (p, q).
const MAX_STEPS: usize = 100;

/// Largest number of halvings of a Newton step that leaves the positive
/// quadrant or lowers the objective.
const MAX_HALVINGS: usize = 40;

/// Newton step in (p, q), relative to each parameter, below which the
/// maximum counts as found: the next step would be about its square.
const CONVERGED_STEP: f64 = 1e-12;

/// Relative Newton step below which the change of the objective is within
/// its rounding, so the step is taken without a check, and is the last.
const NOISE_STEP: f64 = 1e-8;

/// `Σ_x n_x [ln Γ(p x + q) - ln Γ(p x) - ln Γ(q)]` at one (p, q), with its
/// gradient and Hessian in (p, q).
#[derive(Clone, Copy, Debug)]
pub(super) struct ShapeTerms {
    pub(super) value: f64,
    pub(super) gradient: [f64; 2],
    pub(super) hessian: [[f64; 2]; 2],
}

impl ShapeTerms {
    /// Computes the terms over `frequencies`, the pairs (x, n_x).
    pub(super) fn at(frequencies: &[(f64, f64)], p: f64, q: f64) -> ShapeTerms {
        let mut value = 0.0;
        let [mut d_p, mut d_q] = [0.0; 2];
        let [mut d_pp, mut d_pq, mut d_qq] = [0.0; 3];
        let mut customers = 0.0;
        for &(x, count) in frequencies {
            let px = p * x;
            let sum = px + q;
            value += count * (ln_gamma(sum) - ln_gamma(px));

            let digamma_sum = digamma(sum);
            d_p += count * x * (digamma_sum - digamma(px));
            d_q += count * digamma_sum;

            let trigamma_sum = trigamma(sum);
            d_pp += count * x * x * (trigamma_sum - trigamma(px));
            d_pq += count * x * trigamma_sum;
            d_qq += count * trigamma_sum;
            customers += count;
        }

        ShapeTerms {
            value: value - customers * ln_gamma(q),
            gradient: [d_p, d_q - customers * digamma(q)],
            hessian: [[d_pp, d_pq], [d_pq, d_qq - customers * trigamma(q)]],
        }
    }
}

/// The maximum over (p, q) of the shape terms plus `slopes[0] p + slopes[1] q`.
#[derive(Clone, Copy, Debug)]
pub(super) struct ShapeMaximum {
    pub(super) p: f64,
    pub(super) q: f64,
    /// The shape terms at (p, q), without the linear part.
    pub(super) terms: ShapeTerms,
}

/// Maximises the shape terms plus `slopes[0] p + slopes[1] q` over p, q > 0
/// by Newton's method from `start`.
///
/// Returns `None` when the Hessian is not negative definite or no step
/// halving raises the objective before the step is small, which happens
/// when the maximum is at p or q = 0 or infinity.
pub(super) fn maximise_shape(
    frequencies: &[(f64, f64)],
    slopes: [f64; 2],
    start: [f64; 2],
) -> Option<ShapeMaximum> {
    let objective = |p: f64, q: f64, terms: &ShapeTerms| terms.value + slopes[0] * p + slopes[1] * q;
    let [mut p, mut q] = start;
    let mut terms = ShapeTerms::at(frequencies, p, q);

    for _ in 0..MAX_STEPS {
        let gradient = [terms.gradient[0] + slopes[0], terms.gradient[1] + slopes[1]];
        let [step_p, step_q] = newton_step(&terms.hessian, gradient)?;
        let relative_step = (step_p / p).abs().max((step_q / q).abs());
        if relative_step <= CONVERGED_STEP {
            return Some(ShapeMaximum { p, q, terms });
        }
        if relative_step <= NOISE_STEP {
            // The objective changes by less than its rounding here, so it
            // cannot judge the step, and the next step would be about 1e-16.
            let (p, q) = (p + step_p, q + step_q);
            return Some(ShapeMaximum { p, q, terms: ShapeTerms::at(frequencies, p, q) });
        }

        let current = objective(p, q, &terms);
        let mut length = 1.0;
        let mut accepted = None;
        for _ in 0..MAX_HALVINGS {
            let (next_p, next_q) = (p + length * step_p, q + length * step_q);
            if next_p > 0.0 && next_q > 0.0 {
                let next_terms = ShapeTerms::at(frequencies, next_p, next_q);
                if objective(next_p, next_q, &next_terms) >= current {
                    accepted = Some((next_p, next_q, next_terms));
                    break;
                }
            }
            length *= 0.5;
        }

        (p, q, terms) = accepted?;
    }
    None
}

/// Solves `hessian step = -gradient` for a negative definite 2 x 2 `hessian`,
/// or returns `None` when it is not negative definite.
fn newton_step(hessian: &[[f64; 2]; 2], gradient: [f64; 2]) -> Option<[f64; 2]> {
    let [[a, b], [_, d]] = *hessian;
    let determinant = a * d - b * b;
    let negative_definite = a < 0.0 && determinant > 0.0;
    if !negative_definite {
        return None;
    }
    let step_p = -(d * gradient[0] - b * gradient[1]) / determinant;
    let step_q = -(a * gradient[1] - b * gradient[0]) / determinant;
    Some([step_p, step_q])
}
