//! 2F1 near z = 1 by the linear transformation to w = 1 - z.
//!
//! With d = c - a - b, the transformation (DLMF 15.8.4, Abramowitz & Stegun
//! 15.3.6) is
//!
//! ```text
//! F(a, b; c; z) = Γ(c) Γ(d) / (Γ(c-a) Γ(c-b)) F(a, b; 1-d; w)
//!               + w^d Γ(c) Γ(-d) / (Γ(a) Γ(b)) F(c-a, c-b; 1+d; w).
//! ```
//!
//! When d is an integer both terms have poles, and near an integer they are
//! huge and cancel. So this module writes d = -m + ε with m = round(-d) and
//! |ε| <= 1/2 (after the Euler transformation when d >= 1/2), and sums
//!
//! * the first m terms of the second series, which have no pole, and
//! * the rest of the second series paired with the first series: term j of
//!   the first with term m + j of the second. Each pair is
//!   `K s_j (R1 - R2) / ε`, where
//!   `K = (-1)^m Γ(c) / (Γ(c-a) Γ(c-b) m!) · πε / sin(πε)`,
//!   `s_j = (a)_j (b)_j / ((m+1)_j j!) w^j`,
//!   `R1 = Γ(1+m+j) / Γ(1+m+j-ε)` and
//!   `R2 = w^ε Γ(a+j+ε) Γ(b+j+ε) Γ(1+j) / (Γ(a+j) Γ(b+j) Γ(1+j+ε))`.
//!
//! R1 and R2 agree at ε = 0, and (R1 - R2)/ε is formed from difference
//! quotients of ln Γ that keep their accuracy as ε → 0. So the same sum
//! covers integer d (the logarithmic case), near-integer d and all other d,
//! with no threshold between them. The identities c - a = b - m + ε and
//! c - b = a - m + ε hold by construction, so the pairs stay consistent
//! even when c - a - b was rounded.
//!
//! NOTE: the Euler transformation rounds c - a and c - b to f64, which moves
//! ln|F| by about |ln w| ulp(c). For c near 4.5e3 and w near 1e-3 random
//! checks against mpmath showed 1.3e-12; it can reach an estimated 5e-11
//! for c near 1e4 and w = 1e-12.

use super::scaled::{ScaledSum, ScaledTerm};
use super::series::Series;
use super::{Argument, Evaluation};
use crate::special::gamma::{
    exp_m1_over, gamma_quotient, is_non_positive_integer, ln_1p_step_over, ln_gamma_difference_quotient,
    sin_pi,
};
use crate::special::signed_log::SignedLog;

/// The paired sum stops when this many times its tail bound is below
/// [`PAIR_TOLERANCE`] of the partial sum. The slack covers the slow growth
/// of (R1 - R2)/ε with j, like ln j.
const PAIR_TAIL_SLACK: f64 = 4.0;
const PAIR_TOLERANCE: f64 = 1e-17;

/// Computes 2F1(a, b; c; z) for z in (0, 1) from series in w = 1 - z, given
/// d = c - a - b computed without cancellation.
///
/// Returns `None` when a, b (or c - a, c - b after the Euler
/// transformation) is a non-positive integer, where the Euler-transformed
/// series terminates and serves better, or when m exceeds the budget.
/// Returns `Some(Err(terms))` when the paired sum does not converge within
/// `max_terms` terms.
pub(super) fn near_one(
    a: f64,
    b: f64,
    c: f64,
    d: f64,
    arg: &Argument,
    max_terms: usize,
) -> Option<Result<Evaluation, usize>> {
    if d >= 0.5 {
        // Euler: F(a, b; c; z) = w^d F(c-a, c-b; c; z), whose c - a - b is -d.
        let inner = paired(c - a, c - b, c, -d, arg, max_terms)?;
        return Some(inner.map(|evaluation| evaluation.scale(d * arg.ln_w)));
    }
    paired(a, b, c, d, arg, max_terms)
}

/// Estimates the number of terms of [`near_one`].
pub(super) fn estimated_terms(a: f64, b: f64, c: f64, d: f64, arg: &Argument) -> f64 {
    let (a, b, d) = if d >= 0.5 { (c - a, c - b, -d) } else { (a, b, d) };
    let m = (-d).round();
    let pairs = Series { alpha: a, beta: b, gamma: m + 1.0, x: arg.w, one_minus_abs_x: arg.z };
    m + pairs.estimated_terms()
}

/// Computes the transformation for d = c - a - b = -m + ε with m >= 0 and |ε| <= 1/2.
fn paired(
    a: f64,
    b: f64,
    c: f64,
    d: f64,
    arg: &Argument,
    max_terms: usize,
) -> Option<Result<Evaluation, usize>> {
    if is_non_positive_integer(a) || is_non_positive_integer(b) {
        return None;
    }
    let m = (-d).round();
    if m >= max_terms as f64 {
        return None;
    }
    let epsilon = d + m;

    let (finite, finite_terms) = finite_part(a, b, c, m, epsilon, arg);
    let pairs = match paired_part(a, b, c, m, epsilon, arg, max_terms) {
        Ok(pairs) => pairs,
        Err(terms) => return Some(Err(terms + finite_terms)),
    };

    Some(Ok(finite.plus(pairs)))
}

/// Sums the first m terms of the second series, times their factor
/// `w^(ε-m) Γ(c) Γ(m-ε) / (Γ(a) Γ(b))`. The sum is empty when m = 0.
fn finite_part(a: f64, b: f64, c: f64, m: f64, epsilon: f64, arg: &Argument) -> (Evaluation, usize) {
    if m == 0.0 {
        return (Evaluation::ZERO, 0);
    }
    let gamma_factor = gamma_quotient([c, m - epsilon], [a, b]);

    // (1 - m + ε)_k has no zero for k < m because |ε| <= 1/2.
    let series = Series {
        alpha: b - m + epsilon,
        beta: a - m + epsilon,
        gamma: 1.0 - m + epsilon,
        x: arg.w,
        one_minus_abs_x: arg.z,
    };
    let count = m as usize;
    let sum = series.sum_first(count);
    let evaluation = Evaluation::from_sum(sum.value, sum.abs_sum, count)
        .times(gamma_factor)
        .scale((epsilon - m) * arg.ln_w);
    (evaluation, count)
}

/// The running ln-gamma difference quotients of one pair, advanced from j to j + 1.
struct PairState {
    /// Δ(a+j), Δ(b+j) and Δ(1+j), where Δ(x) = (ln|Γ(x+ε)| - ln|Γ(x)|) / ε.
    quotient_a: f64,
    quotient_b: f64,
    quotient_one: f64,
    /// Δ(1+m+j) taken with step -ε: (ln Γ(1+m+j-ε) - ln Γ(1+m+j)) / (-ε).
    denominator_quotient: f64,
    /// The sign of Γ(a+j+ε) Γ(b+j+ε) / (Γ(a+j) Γ(b+j)), which is -1 only
    /// when a pole of Γ lies between a + j and a + j + ε (or the same for b).
    sign: f64,
}

impl PairState {
    fn new(a: f64, b: f64, m: f64, epsilon: f64) -> Self {
        let (quotient_a, sign_a) = ln_gamma_difference_quotient(a, epsilon);
        let (quotient_b, sign_b) = ln_gamma_difference_quotient(b, epsilon);
        let (quotient_one, _) = ln_gamma_difference_quotient(1.0, epsilon);
        let (denominator_quotient, _) = ln_gamma_difference_quotient(1.0 + m, -epsilon);
        Self { quotient_a, quotient_b, quotient_one, denominator_quotient, sign: sign_a * sign_b }
    }

    /// Returns (R1 - R2) / ε, and the magnitude of the parts that cancel in
    /// it, which bounds its rounding error in units of the f64 epsilon.
    fn pair_difference(&self, epsilon: f64, ln_w: f64) -> (f64, f64) {
        let numerator_quotients = self.quotient_a + self.quotient_b - self.quotient_one;
        let ln_r2 = epsilon * (ln_w + numerator_quotients);
        if self.sign > 0.0 {
            // R1 - R2 = R2 (exp(ln R1 - ln R2) - 1), with ln R1 - ln R2 = ε · difference.
            let difference = self.denominator_quotient - ln_w - numerator_quotients;
            let factor = ln_r2.exp() * exp_m1_over(epsilon * difference);
            let parts = self.denominator_quotient.abs()
                + ln_w.abs()
                + self.quotient_a.abs()
                + self.quotient_b.abs()
                + self.quotient_one.abs();
            (factor * difference, (factor * parts).abs())
        } else {
            // R2 < 0, so nothing cancels; ε is not small because a pole of Γ
            // lies within ε of a + j or b + j.
            let value = ((epsilon * self.denominator_quotient).exp() + ln_r2.exp()) / epsilon;
            (value, value.abs())
        }
    }

    fn advance(&mut self, a: f64, b: f64, m: f64, epsilon: f64, j: f64) {
        self.quotient_a += self.signed_step(epsilon, a + j);
        self.quotient_b += self.signed_step(epsilon, b + j);
        self.quotient_one += ln_1p_step_over(epsilon, 1.0 + j);
        self.denominator_quotient += ln_1p_step_over(-epsilon, 1.0 + m + j);
    }

    /// Returns ln|1 + ε/y| / ε, the change of Δ from y to y + 1. Flips `sign`
    /// when y and y + ε differ in sign, as Γ(y+1+ε)/Γ(y+1) = Γ(y+ε)/Γ(y) · (y+ε)/y.
    fn signed_step(&mut self, epsilon: f64, y: f64) -> f64 {
        let moved = 1.0 + epsilon / y;
        if moved > 0.0 {
            ln_1p_step_over(epsilon, y)
        } else {
            self.sign = -self.sign;
            moved.abs().ln() / epsilon
        }
    }
}

/// Sums the pairs Σ_j K s_j (R1 - R2) / ε.
fn paired_part(
    a: f64,
    b: f64,
    c: f64,
    m: f64,
    epsilon: f64,
    arg: &Argument,
    max_terms: usize,
) -> Result<Evaluation, usize> {
    let c_minus_a = b - m + epsilon;
    let c_minus_b = a - m + epsilon;
    let sinc_factor = if epsilon == 0.0 { 1.0 } else { std::f64::consts::PI * epsilon / sin_pi(epsilon) };
    let parity = if m % 2.0 == 0.0 { 1.0 } else { -1.0 };
    let prefactor = gamma_quotient([c, 1.0, 1.0], [c_minus_a, c_minus_b, m + 1.0])
        .mul(SignedLog::from_value(parity * sinc_factor));
    if prefactor.is_zero() {
        // c - a or c - b is a non-positive integer, and only the finite part remains.
        return Ok(Evaluation::ZERO);
    }

    let weights = Series { alpha: a, beta: b, gamma: m + 1.0, x: arg.w, one_minus_abs_x: arg.z };
    let tail_start = weights.tail_start();
    let mut state = PairState::new(a, b, m, epsilon);
    let mut total = ScaledSum::new();
    let mut weight = ScaledTerm::ONE;

    for j in 0..max_terms {
        let jf = j as f64;
        let (difference, magnitude) = state.pair_difference(epsilon, arg.ln_w);
        let term = weight.times(difference);
        let term_magnitude = weight.times(magnitude);
        if !term.is_finite() {
            return Err(j + 1);
        }
        total.add_with_magnitude(term, term_magnitude);

        let ratio = weights.ratio(jf);
        if ratio == 0.0 {
            return Ok(finish(total, prefactor, j + 1));
        }
        // The magnitude, unlike the term, does not pass through zero where
        // (R1 - R2)/ε changes sign, so it is the safe base for the tail bound.
        if jf >= tail_start {
            let bound = weights.ratio_bound(jf);
            let tail_factor = PAIR_TAIL_SLACK * bound / (1.0 - bound);
            if bound < 1.0 && total.relative_size(term_magnitude) * tail_factor <= PAIR_TOLERANCE {
                return Ok(finish(total, prefactor, j + 1));
            }
        }

        weight = weight.times(ratio);
        if !weight.is_finite() {
            return Err(j + 1);
        }
        state.advance(a, b, m, epsilon, jf);
    }
    Err(max_terms)
}

fn finish(total: ScaledSum, prefactor: SignedLog, terms: usize) -> Evaluation {
    Evaluation::from_sum(total.value(), total.abs_value(), terms).times(prefactor)
}
