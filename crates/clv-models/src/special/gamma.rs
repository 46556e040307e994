//! Signed ln-gamma, gamma-function ratios and difference quotients of ln-gamma.
//!
//! The 2F1 transformations need the sign of Γ at negative arguments, which
//! `statrs::function::gamma::ln_gamma` (statrs 0.19) does not return: it is
//! NaN where Γ < 0. They also need ratios Γ(x)/Γ(y) of large, close
//! arguments, whose logarithms must not be formed as the difference of two
//! large numbers. Both are built here on the Stirling series and the
//! reflection formula Γ(x) Γ(1 - x) = π / sin(πx).

use std::f64::consts::PI;

use super::signed_log::SignedLog;

/// Arguments at or above this use the Stirling series directly. With the
/// eight terms of [`STIRLING`] its truncation error there is below 1e-17.
const STIRLING_MIN: f64 = 10.0;

/// ln(2π) / 2.
const HALF_LN_2PI: f64 = 0.918_938_533_204_672_8;

/// B_2k / (2k (2k - 1)) for k = 1..=8, the coefficients of 1/x^(2k-1) in the
/// Stirling series ln Γ(x) = (x - 1/2) ln x - x + ln(2π)/2 + Σ_k B_2k / (2k (2k - 1) x^(2k-1)).
const STIRLING: [f64; 8] = [
    1.0 / 12.0,
    -1.0 / 360.0,
    1.0 / 1260.0,
    -1.0 / 1680.0,
    1.0 / 1188.0,
    -691.0 / 360_360.0,
    1.0 / 156.0,
    -3617.0 / 122_400.0,
];

/// Returns sin(πx), exact at the integers.
pub(crate) fn sin_pi(x: f64) -> f64 {
    let nearest = x.round();
    let reduced = x - nearest;
    let sine = (PI * reduced).sin();
    if nearest.rem_euclid(2.0) == 0.0 { sine } else { -sine }
}

/// Returns cot(πx) for a non-integer x.
fn cot_pi(x: f64) -> f64 {
    let reduced = x - x.round();
    1.0 / (PI * reduced).tan()
}

/// Returns true for 0, -1, -2, …, the poles of Γ.
pub(crate) fn is_non_positive_integer(x: f64) -> bool {
    x <= 0.0 && x == x.round()
}

/// Returns the sum of the Stirling correction terms Σ_k B_2k / (2k (2k - 1) x^(2k-1)).
fn stirling_correction(x: f64) -> f64 {
    let inverse_square = 1.0 / (x * x);
    let mut sum = 0.0;
    for coefficient in STIRLING.iter().rev() {
        sum = sum * inverse_square + coefficient;
    }
    sum / x
}

/// Computes ln Γ(x) for x > 0.
fn ln_gamma_positive(x: f64) -> f64 {
    if x >= STIRLING_MIN {
        return (x - 0.5) * x.ln() - x + HALF_LN_2PI + stirling_correction(x);
    }

    // Γ(x) = Γ(x + n) / (x (x + 1) … (x + n - 1)); the product stays far from
    // overflow because n is at most 10.
    let mut shifted = x;
    let mut product = 1.0;
    while shifted < STIRLING_MIN {
        product *= shifted;
        shifted += 1.0;
    }
    ln_gamma_positive(shifted) - product.ln()
}

/// Computes Γ(x) as a signed logarithm; positive infinity at the poles.
pub(crate) fn gamma(x: f64) -> SignedLog {
    if x > 0.0 {
        return SignedLog::positive(ln_gamma_positive(x));
    }
    if is_non_positive_integer(x) {
        return SignedLog::positive(f64::INFINITY);
    }

    // Reflection: Γ(x) = π / (sin(πx) Γ(1 - x)), with Γ(1 - x) > 0.
    let sine = sin_pi(x);
    let ln_abs = PI.ln() - sine.abs().ln() - ln_gamma_positive(1.0 - x);
    SignedLog { ln_abs, sign: sine.signum() }
}

/// Computes 1/Γ(x) as a signed logarithm, zero at the poles of Γ.
pub(crate) fn reciprocal_gamma(x: f64) -> SignedLog {
    if is_non_positive_integer(x) {
        return SignedLog::ZERO;
    }
    gamma(x).recip()
}

/// Computes Γ(x)/Γ(y) for x not a pole of Γ; zero when y is a pole.
///
/// When both arguments are at least [`STIRLING_MIN`], the difference of the
/// two Stirling series is rearranged so that its size, not the size of
/// ln Γ(x), sets the rounding error.
pub(crate) fn gamma_ratio(x: f64, y: f64) -> SignedLog {
    if is_non_positive_integer(y) {
        return SignedLog::ZERO;
    }
    if x < STIRLING_MIN || y < STIRLING_MIN {
        return gamma(x).mul(reciprocal_gamma(y));
    }

    // (x - 1/2) ln x - (y - 1/2) ln y - (x - y) = (y - 1/2) ln(x/y) + (x - y)(ln x - 1).
    let step = x - y;
    let ln_abs = (y - 0.5) * (step / y).ln_1p() + step * (x.ln() - 1.0) + stirling_correction(x)
        - stirling_correction(y);
    SignedLog::positive(ln_abs)
}

/// Computes Γ(n_1) … Γ(n_N) / (Γ(d_1) … Γ(d_N)) for N <= 3, pairing the
/// arguments so that the sum of |n_i - d_i| is least and large, close pairs
/// go through [`gamma_ratio`]. Pad with 1.0, as Γ(1) = 1.
pub(crate) fn gamma_quotient<const N: usize>(numerators: [f64; N], denominators: [f64; N]) -> SignedLog {
    const PERMUTATIONS: [[usize; 3]; 6] = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]];
    assert!(N <= 3, "gamma_quotient pairs at most three arguments");

    let valid = PERMUTATIONS.iter().filter(|permutation| permutation[..N].iter().all(|&index| index < N));
    let distance = |permutation: &[usize; 3]| -> f64 {
        (0..N).map(|i| (numerators[i] - denominators[permutation[i]]).abs()).sum()
    };
    let best = valid.min_by(|p, q| distance(p).total_cmp(&distance(q))).expect("N >= 1");

    (0..N).fold(SignedLog::ONE, |product, i| product.mul(gamma_ratio(numerators[i], denominators[best[i]])))
}

/// Returns ln(1 + u) / u, and 1 at u = 0.
pub(crate) fn ln_1p_over(u: f64) -> f64 {
    if u == 0.0 { 1.0 } else { u.ln_1p() / u }
}

/// Returns (e^x - 1) / x, and 1 at x = 0.
pub(crate) fn exp_m1_over(x: f64) -> f64 {
    if x == 0.0 { 1.0 } else { x.exp_m1() / x }
}

/// Returns ln(1 + step/y) / step, and 1/y at step = 0: the increment of
/// [`ln_gamma_difference_quotient`] from y to y + 1.
pub(crate) fn ln_1p_step_over(step: f64, y: f64) -> f64 {
    ln_1p_over(step / y) / y
}

/// Computes (ln|Γ(x + step)| - ln|Γ(x)|) / step, which is ψ(x) at step = 0,
/// together with the sign of Γ(x + step)/Γ(x).
///
/// The quotient keeps full relative accuracy however small `step` is, which
/// the near-integer case of the 1 - z transformation depends on. Requires
/// |step| <= 1/2 and neither x nor x + step a pole of Γ.
pub(crate) fn ln_gamma_difference_quotient(x: f64, step: f64) -> (f64, f64) {
    let moved = x + step;
    if x > 0.0 && moved > 0.0 {
        return (positive_difference_quotient(x, step), 1.0);
    }
    if x < 0.0 && moved < 0.0 && x.floor() == moved.floor() {
        return (negative_difference_quotient(x, step), 1.0);
    }

    // A pole lies between x and x + step, so Γ changes sign and the step is
    // not small: the plain difference loses nothing.
    let quotient = gamma(moved).div(gamma(x));
    (quotient.ln_abs / step, quotient.sign)
}

/// The difference quotient of ln Γ for x > 0 and x + step > 0.
fn positive_difference_quotient(x: f64, step: f64) -> f64 {
    let low = x.min(x + step);
    if low >= STIRLING_MIN {
        return stirling_difference_quotient(x, step);
    }

    // ln Γ(y + 1) = ln Γ(y) + ln y, so each shift adds ln(1 + step/y) / step.
    let mut shifted = x;
    let mut increments = 0.0;
    while shifted.min(shifted + step) < STIRLING_MIN {
        increments += ln_1p_step_over(step, shifted);
        shifted += 1.0;
    }
    stirling_difference_quotient(shifted, step) - increments
}

/// The difference quotient of the Stirling series, for x and x + step at
/// least [`STIRLING_MIN`].
fn stirling_difference_quotient(x: f64, step: f64) -> f64 {
    let moved = x + step;

    // ((x + step)^-k - x^-k) / step = -Σ_{i=0}^{k-1} x^-(i+1) (x + step)^-(k-i),
    // a form without cancellation that is also valid at step = 0.
    let mut correction = 0.0;
    for (index, coefficient) in STIRLING.iter().enumerate() {
        let power = 2 * index as i32 + 1;
        let mut quotient = 0.0;
        for i in 0..power {
            quotient -= x.powi(-(i + 1)) * moved.powi(-(power - i));
        }
        correction += coefficient * quotient;
    }

    (x - 0.5) * ln_1p_step_over(step, x) + moved.ln() - 1.0 + correction
}

/// The difference quotient of ln|Γ| for x and x + step between the same
/// two negative integers, by reflection.
fn negative_difference_quotient(x: f64, step: f64) -> f64 {
    // ln|Γ(x)| = ln π - ln|sin πx| - ln Γ(1 - x), and
    // sin(π(x + step)) / sin(πx) = 1 + u with
    // u = -2 sin²(π step / 2) + cot(πx) sin(π step).
    let half_sine = (0.5 * PI * step).sin();
    let (sine_over_step, half_sine_squared_over_step) =
        if step == 0.0 { (PI, 0.0) } else { ((PI * step).sin() / step, half_sine * half_sine / step) };
    let u_over_step = -2.0 * half_sine_squared_over_step + cot_pi(x) * sine_over_step;
    let u = u_over_step * step;
    let sine_term = u_over_step * ln_1p_over(u);

    -sine_term + positive_difference_quotient(1.0 - x, -step)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_close(actual: f64, expected: f64, tolerance: f64) {
        assert!(
            (actual - expected).abs() <= tolerance * expected.abs().max(1.0),
            "{actual} differs from {expected} by more than {tolerance}"
        );
    }

    #[test]
    fn gamma_at_known_points() {
        // Γ(1/2) = √π, Γ(5) = 24, Γ(-1/2) = -2√π, Γ(-3/2) = 4√π/3.
        let sqrt_pi = PI.sqrt();
        assert_close(gamma(0.5).ln_abs, sqrt_pi.ln(), 1e-14);
        assert_close(gamma(5.0).ln_abs, 24f64.ln(), 1e-14);
        assert_close(gamma(-0.5).ln_abs, (2.0 * sqrt_pi).ln(), 1e-14);
        assert_eq!(gamma(-0.5).sign, -1.0);
        assert_close(gamma(-1.5).ln_abs, (4.0 * sqrt_pi / 3.0).ln(), 1e-14);
        assert_eq!(gamma(-1.5).sign, 1.0);
    }

    #[test]
    fn gamma_matches_statrs_for_positive_arguments() {
        for x in [1e-3, 0.3, 1.7, 9.99, 10.0, 42.5, 1e4] {
            let statrs = statrs::function::gamma::ln_gamma(x);
            assert_close(gamma(x).ln_abs, statrs, 1e-13);
        }
    }

    #[test]
    fn gamma_poles() {
        assert_eq!(gamma(-3.0).ln_abs, f64::INFINITY);
        assert_eq!(reciprocal_gamma(0.0), SignedLog::ZERO);
        assert_eq!(gamma_ratio(2.0, -4.0), SignedLog::ZERO);
    }

    #[test]
    fn gamma_ratio_of_large_arguments() {
        // Γ(x + 1)/Γ(x) = x.
        let ratio = gamma_ratio(12_345.5, 12_344.5);
        assert_close(ratio.ln_abs, 12_344.5f64.ln(), 1e-15);
        let quotient = gamma_quotient([20.0, 3.0], [2.0, 19.0]);
        assert_close(quotient.ln_abs, (19.0f64 * 2.0).ln(), 1e-14);
    }

    #[test]
    fn difference_quotient_limits_to_digamma() {
        // ψ(1) = -γ, ψ(1/2) = -γ - 2 ln 2, ψ(-1/2) = ψ(1/2) + 2.
        let euler_gamma = 0.577_215_664_901_532_9;
        let digamma_half = -euler_gamma - 2.0 * 2f64.ln();
        assert_close(ln_gamma_difference_quotient(1.0, 0.0).0, -euler_gamma, 1e-15);
        assert_close(ln_gamma_difference_quotient(0.5, 0.0).0, digamma_half, 1e-15);
        assert_close(ln_gamma_difference_quotient(-0.5, 0.0).0, digamma_half + 2.0, 1e-14);
        assert_close(ln_gamma_difference_quotient(30.0, 0.0).0, 3.384_438_132_685_525, 1e-15);
    }

    #[test]
    fn difference_quotient_matches_plain_difference() {
        for (x, step) in [(0.3, 0.25), (12.0, -0.4), (-2.7, 0.3), (-0.6, 0.5), (-2.05, 0.1), (4.0, 1e-9)] {
            let plain = (gamma(x + step).ln_abs - gamma(x).ln_abs) / step;
            let (quotient, sign) = ln_gamma_difference_quotient(x, step);
            let tolerance = if step.abs() < 1e-6 { 1e-6 } else { 1e-13 };
            assert_close(quotient, plain, tolerance);
            assert_eq!(sign, gamma(x + step).sign * gamma(x).sign);
        }
    }
}
