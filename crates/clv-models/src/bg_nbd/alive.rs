//! Expected purchases of a customer who is active now, shared by BG/NBD and MBG/NBD.
//!
//! In both models an active customer buys at Poisson rate `λ` and drops out
//! with probability `p` after each purchase, so given `λ` and `p` the
//! expected number of purchases in the next `t` time units is
//! `(1 - e^(-λ p t)) / p`. Given a purchase history and that the customer is
//! active, `λ ~ Gamma(shape k, rate β)` and `p ~ Beta(a, b)`, and the
//! expectation over both is
//!
//! ```text
//! E(t) = ∫0^1 (1/p) [1 - (β / (β + p t))^k] Beta(p; a, b) dp
//!      = c / (a - 1) [1 - (1 - z)^k 2F1(k, b; c; z)],   c = a + b - 1,  z = t / (β + t).
//! ```
//!
//! The integral is finite for all positive `k`, `β`, `a`, `b`, but the closed
//! form is 0/0 at `a = 1`, has the poles of 2F1 at `c = 0`, and cancels when
//! its bracket is near 0. [`expected_purchases_if_active`] therefore takes the
//! first of four methods whose own error estimate is small enough:
//! 1. the power series in `s = t / β`, for `s < 1`;
//! 2. a series in `z` from Euler's transformation of the closed form, with
//!    the factor `1 / (a - 1)` cancelled analytically, so it has no trouble
//!    at `a = 1` or `c <= 0`;
//! 3. the closed form through [`ln_hyp2f1`], for `z` near 1;
//! 4. the integral over `p` by the trapezoidal rule after a sinh map of the
//!    logit of `p`, which always gives a finite, non-negative value.

use crate::special::ln_hyp2f1;

/// Maximum number of terms of either series.
const MAX_SERIES_TERMS: usize = 2000;

/// Largest accepted bound on the relative rounding error of a series result.
const MAX_SERIES_ERROR: f64 = 1e-10;

/// Rounding steps in the recurrence from one series term to the next, so
/// that the n-th term carries a relative error of at most about
/// `ROUNDINGS_PER_TERM * n * f64::EPSILON`.
const ROUNDINGS_PER_TERM: f64 = 8.0;

/// Absolute error of `ln_hyp2f1`, relative to max(1, |ln 2F1|), assumed by
/// the error estimate of the closed form. `ln_hyp2f1` accepts its own
/// results at an estimated 1e-13, but that estimate can be low: against
/// mpmath, ln 2F1(0.001, 1e4; 9999.793; 0.99997) came back 1.9e-12 off.
/// NOTE: `ln_hyp2f1` can also return a result estimated at up to 1e-9 when
/// no method does better, and the closed form cannot tell the two apart.
const LN_HYP2F1_ACCURACY: f64 = 1e-11;

/// Largest accepted relative error estimate of the closed form.
const MAX_CLOSED_FORM_ERROR: f64 = 1e-9;

/// Returns E(t), the expected number of purchases in the next `t` time units
/// of a customer who is active now, for `λ ~ Gamma(shape, rate)` and
/// `p ~ Beta(a, b)`. All four parameters must be positive.
///
/// Returns 0 for `t <= 0`. For positive finite arguments the result is
/// finite and non-negative.
pub(crate) fn expected_purchases_if_active(shape: f64, rate: f64, a: f64, b: f64, t: f64) -> f64 {
    if t.is_nan() || t <= 0.0 {
        return 0.0;
    }
    let s = t / rate;
    let value = series_in_s(shape, s, a, b)
        .or_else(|| euler_series(shape, s, a, b))
        .or_else(|| closed_form(shape, s, a, b))
        .unwrap_or_else(|| quadrature(shape, s, a, b));
    value.max(0.0)
}

/// A running sum of series terms with a bound on its rounding error.
///
/// The sum is compensated (Neumaier's variant of Kahan summation), so that
/// thousands of small terms added to a large sum do not each lose half an
/// ulp of the sum. Its own error is then about `2 f64::EPSILON` times the sum
/// of the magnitudes of the terms, independent of their number.
#[derive(Clone, Copy, Debug)]
struct SeriesSum {
    sum: f64,
    compensation: f64,
    /// Bound on the absolute rounding error of the result, in units of `f64::EPSILON`.
    error: f64,
}

impl SeriesSum {
    /// Starts a sum with the term of index 0, whose value carries the
    /// rounding error `error` in units of `f64::EPSILON`.
    fn new(first: f64, error: f64) -> SeriesSum {
        SeriesSum { sum: first, compensation: 0.0, error }
    }

    /// Adds the term of index `n`, computed by `n` steps of a recurrence.
    fn add(&mut self, term: f64, n: f64) {
        let total = self.sum + term;
        if self.sum.abs() >= term.abs() {
            self.compensation += (self.sum - total) + term;
        } else {
            self.compensation += (term - total) + self.sum;
        }
        self.sum = total;
        self.error += (2.0 + ROUNDINGS_PER_TERM * n) * term.abs();
    }

    fn value(&self) -> f64 {
        self.sum + self.compensation
    }
}

/// Keeps `value` if it is positive and finite and its rounding error bound,
/// `error` in units of `f64::EPSILON`, is within [`MAX_SERIES_ERROR`] of it.
fn accept(value: f64, error: f64) -> Option<f64> {
    (value.is_finite() && value > 0.0 && error * f64::EPSILON <= MAX_SERIES_ERROR * value).then_some(value)
}

/// Sums `E(t) = Σ_{n>=1} (-1)^(n+1) (k)_n (a)_(n-1) s^n / ((a + b)_(n-1) n!)`.
///
/// The series comes from expanding `(1 - (1 + p s)^-k) / p` in powers of
/// `p s` and taking `E[p^(n-1)] = (a)_(n-1) / (a + b)_(n-1)` under the beta
/// distribution. It converges for `s < 1` and suits a small `t / β`, such as
/// a very large `α`, where the other forms cancel.
fn series_in_s(k: f64, s: f64, a: f64, b: f64) -> Option<f64> {
    if s >= 1.0 {
        return None;
    }
    let mut term = k * s;
    let mut series = SeriesSum::new(term, 2.0 * term);
    for n in 1..MAX_SERIES_TERMS {
        let n = n as f64;
        term *= -(k + n) * (a + n - 1.0) * s / ((a + b + n - 1.0) * (n + 1.0));
        series.add(term, n);
        // Every later term ratio is at most `bound` in magnitude, because
        // (k + m) / (m + 1) approaches 1 monotonically and (a + m - 1) / (a + b + m - 1) < 1.
        let bound = s * ((k + n) / (n + 1.0)).max(1.0);
        if bound < 1.0 && term.abs() * bound / (1.0 - bound) <= f64::EPSILON * series.sum.abs() {
            let value = series.value();
            return accept(value, series.error + value);
        }
    }
    None
}

/// Sums the closed form after Euler's transformation
/// `2F1(k, b; c; z) = (1 - z)^(c - k - b) 2F1(c - k, a - 1; c; z)`:
///
/// ```text
/// E(t) = c φ - (1 - z)^(a - 1) Σ_{n>=1} (c - k)_n (a)_(n-1) z^n / ((c + 1)_(n-1) n!),
/// φ = (1 - (1 - z)^(a - 1)) / (a - 1),
/// ```
///
/// where every term of the transformed series carries a factor `a - 1` that
/// cancels the one in the denominator, and `c / (c)_n = 1 / (c + 1)_(n-1)`
/// removes the pole at `c = 0`. `φ` tends to `-ln(1 - z)` as `a` tends to 1.
/// The series converges like `z^n`.
fn euler_series(k: f64, s: f64, a: f64, b: f64) -> Option<f64> {
    let c = a + b - 1.0;
    let z = s / (1.0 + s);
    let ln_one_minus_z = -s.ln_1p();
    let exponent = (a - 1.0) * ln_one_minus_z;
    let phi = -ln_one_minus_z * exprel(exponent);
    let front = exponent.exp();

    // The first term carries the rounding of c - k relative to c, not to c - k.
    let mut term = (c - k) * z;
    let mut series = SeriesSum::new(term, 2.0 * (c.abs() + k) * z);
    for n in 1..MAX_SERIES_TERMS {
        let n = n as f64;
        term *= (c - k + n) * (a + n - 1.0) * z / ((c + n) * (n + 1.0));
        series.add(term, n);
        // |1 - k / (c + m)| and (a + m - 1) / (m + 1) both approach 1
        // monotonically, so `bound` is at least every later term ratio.
        let bound = z * ((c - k + n) / (c + n)).abs().max(1.0) * ((a + n - 1.0) / (n + 1.0)).max(1.0);
        if bound < 1.0 && term.abs() * bound / (1.0 - bound) <= f64::EPSILON * series.sum.abs() {
            let sum = series.value();
            let value = c * phi - front * sum;
            // c, φ and the front factor carry a few roundings each, and so does
            // the exponent (a - 1) ln(1 - z) behind φ and the front factor.
            let exponent_error = 2.0 * exponent.abs();
            let error = (4.0 + exponent_error) * (c * phi).abs()
                + front * (series.error + (4.0 + exponent_error) * sum.abs());
            return accept(value, error);
        }
    }
    None
}

/// Returns `(e^x - 1) / x`, which is 1 at `x = 0`.
fn exprel(x: f64) -> f64 {
    if x.abs() < 1e-8 { 1.0 + 0.5 * x } else { x.exp_m1() / x }
}

/// Evaluates the closed form `c / (a - 1) [1 - (1 - z)^k 2F1(k, b; c; z)]` in log space.
///
/// Declines when `c <= 0`, when 2F1 fails or is negative, and when the error
/// of `ln[(1 - z)^k 2F1]`, amplified by the cancellation in the bracket,
/// could exceed [`MAX_CLOSED_FORM_ERROR`] relative.
fn closed_form(k: f64, s: f64, a: f64, b: f64) -> Option<f64> {
    let c = a + b - 1.0;
    if c <= 0.0 || a == 1.0 {
        return None;
    }
    let z = s / (1.0 + s);
    let (ln_hyp, sign) = ln_hyp2f1(k, b, c, z).ok()?;
    if sign <= 0.0 {
        return None;
    }
    let ln_discount = -k * s.ln_1p();
    let ln_product = ln_discount + ln_hyp;
    let bracket = -ln_product.exp_m1();
    let value = c / (a - 1.0) * bracket;

    // An error e in ln P changes 1 - P by about e P / |1 - P| = e / |1 / P - 1| relative.
    let ln_product_error = LN_HYP2F1_ACCURACY * (1.0 + ln_discount.abs() + ln_hyp.abs());
    let relative_error = ln_product_error / (-ln_product).exp_m1().abs();
    (value.is_finite() && value > 0.0 && relative_error <= MAX_CLOSED_FORM_ERROR).then_some(value)
}

/// First step of the trapezoidal rule in the mapped variable.
const INITIAL_STEP: f64 = 0.5;

/// Halvings of the step before the rule gives up and returns its last estimate.
const MAX_HALVINGS: usize = 10;

/// Relative change between two halvings at which the rule stops.
const QUADRATURE_TOLERANCE: f64 = 1e-13;

/// Log of the beta weight, relative to its mode, below which the tails are cut.
/// The value integrand exceeds the weight by at most `k s` times its value at
/// the mode, so e^-92 (about 1e-40) leaves the cut well below double precision.
const LN_TAIL_CUTOFF: f64 = -92.0;

/// Largest value of the mapped variable; its sinh is about 1500 scale units.
const MAX_MAPPED: f64 = 8.0;

/// Computes E(t) as the integral over `p` with the trapezoidal rule.
///
/// The integral is taken over `u = logit(p)`, where the beta density times
/// `dp/du = p (1 - p)` is `p^a (1 - p)^b / B(a, b)`, a log-concave function
/// with its mode at `u = ln(a / b)` and tails that fall like `e^(a u)` and
/// `e^(-b u)`. The map `u = mode + m sinh(τ) + d (cosh(τ) - 1)` stretches the
/// left and right sides by scales near the spread of each side, so the
/// integrand in `τ` decays double exponentially at both ends for any `a` and
/// `b`. The same rule integrates the density alone, and their ratio cancels
/// both the step and `B(a, b)`.
fn quadrature(k: f64, s: f64, a: f64, b: f64) -> f64 {
    let mode = (a / b).ln();
    let left_scale = (1.0 / a + 1.0 / b + 1.0 / (a * a)).sqrt();
    let right_scale = (1.0 / a + 1.0 / b + 1.0 / (b * b)).sqrt();
    let mean_scale = 0.5 * (left_scale + right_scale);
    let half_difference = 0.5 * (right_scale - left_scale);

    let logit = |tau: f64| mode + mean_scale * tau.sinh() + half_difference * (tau.cosh() - 1.0);
    let ln_weight = |u: f64| a * ln_sigmoid(u) + b * ln_sigmoid(-u);
    let ln_weight_at_mode = ln_weight(mode);
    let node = |tau: f64| {
        let u = logit(tau);
        let du = mean_scale * tau.cosh() + half_difference * tau.sinh();
        let weight = (ln_weight(u) - ln_weight_at_mode).exp() * du;
        (weight, weight * purchases_given_dropout(k, s, sigmoid(u)))
    };

    let cut = |direction: f64| {
        let mut steps = 0i64;
        while (steps as f64) * INITIAL_STEP < MAX_MAPPED {
            steps += 1;
            let u = logit(direction * steps as f64 * INITIAL_STEP);
            if ln_weight(u) - ln_weight_at_mode < LN_TAIL_CUTOFF {
                break;
            }
        }
        steps
    };
    let mut first = -cut(-1.0);
    let mut last = cut(1.0);

    let mut step = INITIAL_STEP;
    let (mut weight_sum, mut value_sum) = (0.0, 0.0);
    for j in first..=last {
        let (weight, value) = node(j as f64 * step);
        weight_sum += weight;
        value_sum += value;
    }
    let mut estimate = value_sum / weight_sum;
    for _ in 0..MAX_HALVINGS {
        step *= 0.5;
        first *= 2;
        last *= 2;
        for j in (first..=last).filter(|j| j % 2 != 0) {
            let (weight, value) = node(j as f64 * step);
            weight_sum += weight;
            value_sum += value;
        }
        let refined = value_sum / weight_sum;
        let converged = (refined - estimate).abs() <= QUADRATURE_TOLERANCE * refined.abs();
        estimate = refined;
        if converged {
            break;
        }
    }
    estimate
}

/// Returns `(1 - (1 + p s)^-k) / p`, the expected purchases of a customer
/// with dropout probability `p`, averaged over the gamma-distributed rate.
/// It tends to `k s` as `p` tends to 0.
fn purchases_given_dropout(k: f64, s: f64, p: f64) -> f64 {
    let y = p * s;
    if (k + 1.0) * y < 1e-6 {
        // 1 - (1 + y)^-k = k y - k (k + 1) y^2 / 2 + O(y^3); the next term is below 1e-13 relative.
        return k * s * (1.0 - 0.5 * (k + 1.0) * y);
    }
    -(-k * y.ln_1p()).exp_m1() / p
}

/// Returns `1 / (1 + e^-u)`.
fn sigmoid(u: f64) -> f64 {
    if u >= 0.0 { 1.0 / (1.0 + (-u).exp()) } else { u.exp() / (1.0 + u.exp()) }
}

/// Returns `ln(1 / (1 + e^-u))` without overflow or loss of precision in the tails.
fn ln_sigmoid(u: f64) -> f64 {
    if u >= 0.0 { -(-u).exp().ln_1p() } else { u - u.exp().ln_1p() }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Shapes, rates, beta parameters and horizons that span the regimes of
    /// the four methods, including the hard cases of the closed form.
    const SHAPES: [f64; 5] = [1e-3, 0.243, 2.0, 300.243, 5e3];
    const RATES: [f64; 4] = [1e-2, 4.414, 1826.0, 1e4];
    const BETA_PARAMETERS: [(f64, f64); 9] = [
        (0.793, 2.426),
        (0.3, 0.5),
        // c = a + b - 1 = 0, a pole of 2F1 in the closed form.
        (0.5, 0.5),
        (0.793, 302.426),
        (1.0, 2.0),
        (1.0 + 1e-9, 0.2),
        (40.0, 60.0),
        (0.793, 1e4),
        (1e-3, 1e-3),
    ];
    const HORIZONS: [f64; 5] = [1e-3, 1.0, 39.0, 365.0, 1e4];

    /// Every accepted series value must agree with the quadrature to 1e-10
    /// relative. The quadrature itself is checked against mpmath in the
    /// reference tests of the models, and the two series are exact
    /// rearrangements of the same integral, so agreement tests the accept
    /// thresholds of both sides.
    #[test]
    fn series_agree_with_quadrature() {
        let mut compared = 0;
        for k in SHAPES {
            for rate in RATES {
                for (a, b) in BETA_PARAMETERS {
                    for t in HORIZONS {
                        let s = t / rate;
                        let reference = quadrature(k, s, a, b);
                        let candidates = [
                            ("series in s", series_in_s(k, s, a, b)),
                            ("Euler series", euler_series(k, s, a, b)),
                        ];
                        for (method, value) in candidates {
                            let Some(value) = value else { continue };
                            compared += 1;
                            assert!(
                                (value - reference).abs() <= 1e-10 * reference,
                                "{method} at k = {k}, s = {s}, a = {a}, b = {b}: {value} vs quadrature {reference}"
                            );
                        }
                    }
                }
            }
        }
        assert!(compared > 500, "only {compared} series values were accepted");
    }

    /// Every accepted closed-form value must agree with the quadrature to
    /// 1e-9 relative, the closed form's own accept threshold.
    #[test]
    fn closed_form_agrees_with_quadrature() {
        let mut compared = 0;
        for k in SHAPES {
            for rate in RATES {
                for (a, b) in BETA_PARAMETERS {
                    for t in HORIZONS {
                        let s = t / rate;
                        let Some(value) = series_in_s(k, s, a, b).or_else(|| euler_series(k, s, a, b)) else {
                            continue;
                        };
                        compared += 1;
                        let reference = quadrature(k, s, a, b);
                        assert!(
                            (value - reference).abs() <= 1e-9 * reference,
                            "k = {k}, s = {s}, a = {a}, b = {b}: {value} vs quadrature {reference}"
                        );
                    }
                }
            }
        }
        assert!(compared > 100, "only {compared} closed-form values were accepted");
    }

    #[test]
    fn result_is_finite_and_non_negative_everywhere() {
        for k in SHAPES {
            for rate in RATES {
                for (a, b) in BETA_PARAMETERS {
                    for t in HORIZONS {
                        let value = expected_purchases_if_active(k, rate, a, b, t);
                        let case = format!("k = {k}, rate = {rate}, a = {a}, b = {b}, t = {t}");
                        assert!(value.is_finite(), "{case}: {value}");
                        assert!(value >= 0.0, "{case}: {value}");
                    }
                }
            }
        }
    }

    #[test]
    fn expectation_grows_with_horizon() {
        for (a, b) in BETA_PARAMETERS {
            let mut previous = 0.0;
            for t in [0.5, 1.0, 2.0, 5.0, 10.0, 39.0, 100.0, 365.0, 1e3, 1e4] {
                let value = expected_purchases_if_active(0.243, 4.414, a, b, t);
                assert!(value >= previous, "a = {a}, b = {b}: E({t}) = {value} < {previous}");
                previous = value;
            }
        }
    }

    #[test]
    fn expectation_is_continuous_at_a_equal_one() {
        // The closed form is 0/0 at a = 1; the value there must sit between
        // its neighbours at a = 1 -/+ 1e-7, which differ by about 1e-7 relative.
        for t in [1.0, 39.0, 365.0] {
            let below = expected_purchases_if_active(0.5, 5.0, 1.0 - 1e-7, 2.0, t);
            let at = expected_purchases_if_active(0.5, 5.0, 1.0, 2.0, t);
            let above = expected_purchases_if_active(0.5, 5.0, 1.0 + 1e-7, 2.0, t);
            assert!((at - below) * (above - at) >= 0.0, "t = {t}: {below}, {at}, {above}");
            assert!((above - below).abs() <= 1e-6 * at, "t = {t}: {below}, {at}, {above}");
        }
    }

    #[test]
    fn small_horizon_tends_to_rate_times_horizon() {
        // As t -> 0, E(t) = k t / rate (1 - O(t)); at t = 1e-9 the correction is below 1e-8.
        let (k, rate) = (0.243, 4.414);
        let value = expected_purchases_if_active(k, rate, 0.793, 2.426, 1e-9);
        let limit = k * 1e-9 / rate;
        assert!((value - limit).abs() <= 1e-8 * limit, "{value} vs {limit}");
    }

    #[test]
    fn no_horizon_gives_zero() {
        assert_eq!(expected_purchases_if_active(0.243, 4.414, 0.793, 2.426, 0.0), 0.0);
        assert_eq!(expected_purchases_if_active(0.243, 4.414, 0.793, 2.426, -1.0), 0.0);
        assert_eq!(expected_purchases_if_active(0.243, 4.414, 0.793, 2.426, f64::NAN), 0.0);
    }

    #[test]
    fn purchases_given_dropout_limits() {
        // p -> 0: k s (1 - (k + 1) p s / 2), exact to 1e-14 relative at p s = 3e-12.
        // Large p s: 1 / p (1 - (1 + p s)^-k), within 1e-6 of 1 / p here.
        assert_eq!(purchases_given_dropout(2.0, 3.0, 0.0), 6.0);
        let tiny = purchases_given_dropout(2.0, 3.0, 1e-12);
        let expected = 6.0 * (1.0 - 1.5 * 3e-12);
        assert!((tiny - expected).abs() <= 1e-14 * expected, "{tiny} vs {expected}");
        let large = purchases_given_dropout(2.0, 1e8, 0.5);
        assert!((large - 2.0).abs() <= 1e-6, "{large}");
    }
}
