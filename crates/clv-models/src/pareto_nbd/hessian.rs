//! The analytic Hessian of one pattern's Pareto/NBD log-likelihood.
//!
//! With the notation of [`super::gradient`], `ln L = ln C + ln(A + D)` and
//! the shares `π_A = A / (A+D)` and `π_D = D / (A+D)`, the Hessian is
//!
//! ```text
//! ∇² ln L = ∇² ln C + π_A ∇² ln A + π_D ∇² ln D
//!           + π_A π_D (∇ ln A - ∇ ln D)(∇ ln A - ∇ ln D)ᵀ.
//! ```
//!
//! With f the integrand of I and φ = ∇ ln f, `∇² ln I = E[∇² ln f] + Cov[φ]`
//! under the density f / I, and the fixed rule gives both from its nodes.

use super::ParetoNbdProcess;
use super::dropout_rule::DropoutMoments;
use crate::btyd::Rfm;
use crate::special::log_sum_exp;

/// Returns `ψ'(r+x) - ψ'(r) = -Σ_{k<x} 1/(r+k)²`, or `None` when x is not
/// a whole number. Frequencies count purchase days, so they are whole.
pub(super) fn trigamma_difference(r: f64, x: f64) -> Option<f64> {
    if x.fract() != 0.0 || x < 0.0 {
        return None;
    }
    if x <= DIRECT_SUM_UP_TO {
        return Some(-(0..x as u64).map(|k| (r + k as f64).powi(-2)).sum::<f64>());
    }
    Some(trigamma(r + x) - trigamma(r))
}

/// Largest x for which [`trigamma_difference`] adds the terms one by one.
const DIRECT_SUM_UP_TO: f64 = 1000.0;

/// Computes ψ'(z) for z > 0: the recurrence `ψ'(z) = ψ'(z+1) + 1/z²` up to
/// z >= 10, then the asymptotic series
/// `1/z + 1/(2z²) + 1/(6z³) - 1/(30z⁵) + 1/(42z⁷) - 1/(30z⁹) + 5/(66z¹¹)`,
/// whose next term is below 1e-13 of the value there.
fn trigamma(z: f64) -> f64 {
    let mut z = z;
    let mut shifted = 0.0;
    while z < 10.0 {
        shifted += 1.0 / (z * z);
        z += 1.0;
    }
    let inverse = 1.0 / z;
    let square = inverse * inverse;
    let series = inverse
        + square
            * (0.5
                + inverse
                    * (1.0 / 6.0
                        + square
                            * (-1.0 / 30.0
                                + square * (1.0 / 42.0 + square * (-1.0 / 30.0 + square * 5.0 / 66.0)))));
    shifted + series
}

/// Row and column of each entry of the upper triangle, row by row.
const UPPER: [(usize, usize); 10] =
    [(0, 0), (0, 1), (0, 2), (0, 3), (1, 1), (1, 2), (1, 3), (2, 2), (2, 3), (3, 3)];

/// Returns the upper triangle of one customer's Hessian in (r, α, s, β),
/// row by row: rr, rα, rs, rβ, αα, αs, αβ, ss, sβ, ββ. `trigamma` is
/// [`trigamma_difference`] of its x, and `moments` are the dropout moments
/// of `rfm` with their covariance, `None` when t_x = T.
pub(super) fn customer_hessian(
    process: &ParetoNbdProcess,
    rfm: Rfm,
    trigamma: f64,
    moments: Option<&DropoutMoments>,
) -> [f64; 10] {
    let ParetoNbdProcess { r, alpha, s, beta } = *process;
    let Rfm { x, t, .. } = rfm;
    let (a, b) = (r + x, s + 1.0);

    let mut hessian = [[0.0; 4]; 4];
    // ln C = ln Γ(r+x) - ln Γ(r) + r ln α + s ln β.
    hessian[0][0] = trigamma;
    hessian[0][1] = 1.0 / alpha;
    hessian[1][1] = -r / (alpha * alpha);
    hessian[2][3] = 1.0 / beta;
    hessian[3][3] = -s / (beta * beta);

    // ln A = -(r+x) ln(α+T) - s ln(β+T).
    let ln_active = -a * (alpha + t).ln() - s * (beta + t).ln();
    let active_gradient = [-(alpha + t).ln(), -a / (alpha + t), -(beta + t).ln(), -s / (beta + t)];
    let mut active_hessian = [[0.0; 4]; 4];
    active_hessian[0][1] = -1.0 / (alpha + t);
    active_hessian[1][1] = a / (alpha + t).powi(2);
    active_hessian[2][3] = -1.0 / (beta + t);
    active_hessian[3][3] = s / (beta + t).powi(2);

    let Some(moments) = moments else {
        add_scaled(&mut hessian, &active_hessian, 1.0);
        return upper_triangle(&hessian);
    };
    let covariance = moments.covariance.expect("the caller computes the moments with their covariance");

    // ln D = ln s + ln I, with φ = (-ln(α+τ), -(r+x)/(α+τ), -ln(β+τ), -(s+1)/(β+τ)).
    let ln_dropped = s.ln() + moments.ln_integral;
    let dropped_gradient = [
        -moments.mean_ln_alpha,
        -a * moments.mean_inverse_alpha,
        1.0 / s - moments.mean_ln_beta,
        -b * moments.mean_inverse_beta,
    ];
    let scales = [-1.0, -a, -1.0, -b];
    let mut dropped_hessian = [[0.0; 4]; 4];
    for i in 0..4 {
        for j in 0..4 {
            dropped_hessian[i][j] = scales[i] * scales[j] * covariance[i][j];
        }
    }
    // E[∇² ln f], with E[1/(α+τ)²] = Var + mean².
    dropped_hessian[0][1] -= moments.mean_inverse_alpha;
    dropped_hessian[1][1] += a * (covariance[1][1] + moments.mean_inverse_alpha.powi(2));
    dropped_hessian[2][2] -= 1.0 / (s * s);
    dropped_hessian[2][3] -= moments.mean_inverse_beta;
    dropped_hessian[3][3] += b * (covariance[3][3] + moments.mean_inverse_beta.powi(2));

    let ln_total = log_sum_exp(ln_active, ln_dropped);
    let active = (ln_active - ln_total).exp();
    let dropped = (ln_dropped - ln_total).exp();
    add_scaled(&mut hessian, &active_hessian, active);
    add_scaled(&mut hessian, &dropped_hessian, dropped);
    let difference: Vec<f64> = active_gradient.iter().zip(&dropped_gradient).map(|(a, d)| a - d).collect();
    for (i, j) in UPPER {
        hessian[i][j] += active * dropped * difference[i] * difference[j];
    }
    upper_triangle(&hessian)
}

/// Adds `scale` times the upper triangle of `term` to that of `hessian`.
fn add_scaled(hessian: &mut [[f64; 4]; 4], term: &[[f64; 4]; 4], scale: f64) {
    for (i, j) in UPPER {
        hessian[i][j] += scale * term[i][j];
    }
}

fn upper_triangle(hessian: &[[f64; 4]; 4]) -> [f64; 10] {
    UPPER.map(|(i, j)| hessian[i][j])
}

/// Expands the upper triangle of [`customer_hessian`] into a full matrix.
pub(super) fn full_matrix(entries: &[f64; 10]) -> Vec<Vec<f64>> {
    let mut matrix = vec![vec![0.0; 4]; 4];
    for (&(i, j), &entry) in UPPER.iter().zip(entries) {
        matrix[i][j] = entry;
        matrix[j][i] = entry;
    }
    matrix
}
