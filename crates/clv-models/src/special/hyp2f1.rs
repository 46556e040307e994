//! Gauss hypergeometric function 2F1(a, b; c; z) for real arguments.
//!
//! No maintained Rust crate computes 2F1 for real parameters with the
//! accuracy near z = 1 that the buy-till-you-die likelihoods need, so it is
//! written here. Every method returns ln|F| and the sign, and sums its series
//! with scaled terms, so values far beyond 1e308 stay finite.
//!
//! Methods, for z < 1 (the power series alone converges only for |z| < 1):
//!
//! * the power series in z, directly and after the Euler transformation
//!   F(a, b; c; z) = (1-z)^(c-a-b) F(c-a, c-b; c; z) (DLMF 15.8.1);
//! * for z < 0, the two Pfaff transformations
//!   F(a, b; c; z) = (1-z)^-a F(a, c-b; c; z/(z-1)) = (1-z)^-b F(c-a, b; c; z/(z-1)),
//!   which move z into (0, 1);
//! * near z = 1, the linear transformation to 1 - z with the near-integer
//!   c - a - b handled by pairing terms (see `near_one`);
//! * when a or b is a non-positive integer -n, also the polynomial form
//!   F(-n, b; c; z) = (c-b)_n / (c)_n F(-n, b; b-c-n+1; 1-z) (DLMF 15.8.7).
//!
//! Each applicable method gets a cost estimate, and they run cheapest first.
//! Each result comes with an estimate of its rounding error, from the
//! cancellation among its terms (the sum of their absolute values over the
//! absolute value of the result) and from the size of the logarithms it
//! combines. The first result whose estimate is below [`ACCEPT_ERROR`] is
//! returned. Failing that, the best one below [`FALLBACK_ERROR`] is, once
//! the remaining methods are out of budget or far costlier than the ones
//! that ran.
//!
//! NOTE: where |a| or |b| is above about 20 and every method sums terms of
//! both signs (z < 0, or a and b of opposite signs), 2F1 can be smaller than
//! the terms by more than 1e7, and such inputs return NoConvergence. Random
//! checks of the model calls (z in [0, 1), a and b positive) against mpmath
//! found no such case.

mod near_one;
mod scaled;
mod series;
#[cfg(test)]
mod tests;

use series::Series;

use super::gamma::is_non_positive_integer;
use super::signed_log::SignedLog;

/// Errors of [`hyp2f1`] and [`ln_hyp2f1`].
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Hyp2f1Error {
    /// An argument is NaN or infinite, z >= 1, or c is 0 or a negative
    /// integer, where 2F1 has a pole.
    #[error("2F1({a}, {b}; {c}; {z}) is outside the supported domain: {reason}")]
    Domain { a: f64, b: f64, c: f64, z: f64, reason: String },
    /// No method reached the required accuracy within its term budget:
    /// every series either ran out of terms or cancelled too much.
    #[error("2F1({a}, {b}; {c}; {z}) did not converge after {terms} terms")]
    NoConvergence { a: f64, b: f64, c: f64, z: f64, terms: usize },
}

/// A result is accepted at once when its error estimate, relative to
/// max(1, |ln|F||), is at most this. Products like (1-z)^-a of size e^±500
/// alone contribute 1e-13 to the estimate.
const ACCEPT_ERROR: f64 = 5e-13;

/// Without an accepted result, the one with the least error estimate is
/// returned if that estimate is at most this.
const FALLBACK_ERROR: f64 = 1e-9;

/// The term budget of each series. A series that needs more returns
/// NoConvergence, so the caller can switch to its own fallback (the models
/// integrate numerically) instead of summing for seconds.
/// NOTE: the paired 1 - z series can still take about 20,000 terms per call
/// near z = 1 with large parameters, which makes Pareto/NBD fits that wander
/// to extreme parameters slow (about a minute on 300 customers of 5 years).
const MAX_TERMS: usize = 20_000;

/// Once some result is within [`FALLBACK_ERROR`], a further method runs
/// only if its estimated cost is at most this many terms plus
/// [`IMPROVEMENT_COST_FACTOR`] times the terms spent so far.
const IMPROVEMENT_MIN_COST: f64 = 10_000.0;
const IMPROVEMENT_COST_FACTOR: f64 = 100.0;

/// The fast path sums the power series directly for |z| and |a|, |b| up to
/// these, with c > 0, where it needs at most a few hundred terms.
const FAST_PATH_Z: f64 = 0.5;
const FAST_PATH_PARAMETER: f64 = 20.0;
const FAST_PATH_TERMS: usize = 1_000;

/// Computes 2F1(a, b; c; z).
///
/// The value overflows to ±inf when |2F1| exceeds f64::MAX; use
/// [`ln_hyp2f1`] there.
///
/// # Errors
/// As [`ln_hyp2f1`].
pub fn hyp2f1(a: f64, b: f64, c: f64, z: f64) -> Result<f64, Hyp2f1Error> {
    let (ln_abs, sign) = ln_hyp2f1(a, b, c, z)?;
    Ok(sign * ln_abs.exp())
}

/// Computes ln|2F1(a, b; c; z)| and the sign of 2F1, so that large values do not overflow.
///
/// Accepts finite a, b and z < 1, and c other than 0, -1, -2, …. Where 2F1 is
/// exactly zero, returns ln|2F1| = -inf with sign +1.
///
/// # Errors
/// [`Hyp2f1Error::Domain`] outside that domain, and
/// [`Hyp2f1Error::NoConvergence`] when no method reaches the accuracy.
pub fn ln_hyp2f1(a: f64, b: f64, c: f64, z: f64) -> Result<(f64, f64), Hyp2f1Error> {
    validate(a, b, c, z)?;
    if z == 0.0 || a == 0.0 || b == 0.0 {
        return Ok((0.0, 1.0));
    }

    let value = match fast_path(a, b, c, z) {
        Some(value) => value,
        None => evaluate(a, b, c, z)?,
    };
    let sign = if value.sign < 0.0 { -1.0 } else { 1.0 };
    Ok((value.ln_abs, sign))
}

fn validate(a: f64, b: f64, c: f64, z: f64) -> Result<(), Hyp2f1Error> {
    let reason = if a.is_nan() || b.is_nan() || c.is_nan() || z.is_nan() {
        "an argument is NaN"
    } else if !(a.is_finite() && b.is_finite() && c.is_finite()) {
        "a, b and c must be finite"
    } else if z >= 1.0 {
        "z must be less than 1"
    } else if z == f64::NEG_INFINITY {
        "z must be finite"
    } else if is_non_positive_integer(c) {
        "c must not be 0 or a negative integer, where 2F1 has a pole"
    } else {
        return Ok(());
    };
    Err(Hyp2f1Error::Domain { a, b, c, z, reason: reason.to_string() })
}

/// The point z together with w = 1 - z and ln w, each computed without
/// cancellation from the caller's z.
#[derive(Debug, Clone, Copy)]
struct Argument {
    z: f64,
    w: f64,
    ln_w: f64,
}

/// The result of one method, with the quantities its rounding error grows with.
#[derive(Debug, Clone, Copy)]
struct Evaluation {
    value: SignedLog,
    /// The sum of the absolute values of the terms, times the same factors.
    abs_sum: SignedLog,
    /// The largest |ln| among the sums and factors multiplied into the
    /// value. Their rounding errors add up in ln|F| in proportion to it, so a
    /// result of order 1 formed from e^700 and e^-700 is only good to 1e-13.
    log_magnitude: f64,
    terms: usize,
}

impl Evaluation {
    const ZERO: Self =
        Self { value: SignedLog::ZERO, abs_sum: SignedLog::ZERO, log_magnitude: 0.0, terms: 0 };

    fn from_sum(value: SignedLog, abs_sum: SignedLog, terms: usize) -> Self {
        let log_magnitude = if abs_sum.is_zero() { 0.0 } else { abs_sum.ln_abs.abs() };
        Self { value, abs_sum, log_magnitude, terms }
    }

    fn scale(self, ln_factor: f64) -> Self {
        Self {
            value: self.value.scale(ln_factor),
            abs_sum: self.abs_sum.scale(ln_factor),
            log_magnitude: self.log_magnitude.max(ln_factor.abs()),
            terms: self.terms,
        }
    }

    fn times(self, factor: SignedLog) -> Self {
        if factor.is_zero() {
            return Self { terms: self.terms, ..Self::ZERO };
        }
        Self {
            value: self.value.mul(factor),
            abs_sum: self.abs_sum.mul(SignedLog::positive(factor.ln_abs)),
            log_magnitude: self.log_magnitude.max(factor.ln_abs.abs()),
            terms: self.terms,
        }
    }

    fn plus(self, other: Self) -> Self {
        Self {
            value: self.value.add(other.value),
            abs_sum: self.abs_sum.add(other.abs_sum),
            log_magnitude: self.log_magnitude.max(other.log_magnitude),
            terms: self.terms + other.terms,
        }
    }

    /// Returns the sum of the absolute values of the terms over the absolute
    /// value of the result, which is infinite for a zero result.
    fn condition(&self) -> f64 {
        if self.value.is_zero() {
            return if self.abs_sum.is_zero() { 1.0 } else { f64::INFINITY };
        }
        (self.abs_sum.ln_abs - self.value.ln_abs).exp()
    }

    /// Estimates the rounding error of ln|F| relative to max(1, |ln|F||),
    /// from the cancellation in the sums and the size of the logarithms.
    fn error_estimate(&self) -> f64 {
        f64::EPSILON * (self.condition() + self.log_magnitude) / self.value.ln_abs.abs().max(1.0)
    }
}

/// One way to compute the function.
#[derive(Debug, Clone, Copy)]
enum Method {
    /// `factor` times a power series.
    Series { series: Series, factor: SignedLog },
    /// `exp(ln_factor)` times 2F1(a, b; c; z) by the 1 - z transformation.
    /// `d` is c - a - b, computed without cancellation.
    NearOne { a: f64, b: f64, c: f64, d: f64, arg: Argument, ln_factor: f64 },
}

impl Method {
    fn estimated_terms(&self) -> f64 {
        match self {
            Method::Series { series, .. } => series.estimated_terms(),
            Method::NearOne { a, b, c, d, arg, .. } => near_one::estimated_terms(*a, *b, *c, *d, arg),
        }
    }

    /// Returns `None` when the method does not apply, and the number of
    /// terms spent when it did not converge.
    fn run(&self) -> Option<Result<Evaluation, usize>> {
        match *self {
            Method::Series { series, factor } => Some(
                series
                    .sum(MAX_TERMS)
                    .map(|sum| Evaluation::from_sum(sum.value, sum.abs_sum, sum.terms).times(factor)),
            ),
            Method::NearOne { a, b, c, d, arg, ln_factor } => near_one::near_one(a, b, c, d, &arg, MAX_TERMS)
                .map(|result| result.map(|evaluation| evaluation.scale(ln_factor))),
        }
    }
}

/// Sums the power series alone for small |z| and small parameters.
fn fast_path(a: f64, b: f64, c: f64, z: f64) -> Option<SignedLog> {
    let small =
        z.abs() <= FAST_PATH_Z && c > 0.0 && a.abs() <= FAST_PATH_PARAMETER && b.abs() <= FAST_PATH_PARAMETER;
    if !small {
        return None;
    }
    let series = Series { alpha: a, beta: b, gamma: c, x: z, one_minus_abs_x: 1.0 - z.abs() };
    let sum = series.sum(FAST_PATH_TERMS).ok()?;
    let evaluation = Evaluation::from_sum(sum.value, sum.abs_sum, sum.terms);
    (evaluation.error_estimate() <= ACCEPT_ERROR).then_some(evaluation.value)
}

/// Runs the applicable methods cheapest first, as described in the module
/// documentation.
fn evaluate(a: f64, b: f64, c: f64, z: f64) -> Result<SignedLog, Hyp2f1Error> {
    let mut methods = methods(a, b, c, z);
    methods.sort_by(|left, right| left.0.total_cmp(&right.0));

    let mut best: Option<Evaluation> = None;
    let mut terms = 0;
    for (cost, method) in methods {
        if cost > MAX_TERMS as f64 {
            // Sorted by cost, so every later method is out of budget too.
            break;
        }
        let usable = best.is_some_and(|best| best.error_estimate() <= FALLBACK_ERROR);
        if usable && cost > IMPROVEMENT_MIN_COST + IMPROVEMENT_COST_FACTOR * terms as f64 {
            break;
        }
        match method.run() {
            Some(Ok(evaluation)) => {
                terms += evaluation.terms;
                if evaluation.error_estimate() <= ACCEPT_ERROR {
                    return Ok(evaluation.value);
                }
                if best.is_none_or(|best| evaluation.error_estimate() < best.error_estimate()) {
                    best = Some(evaluation);
                }
            }
            Some(Err(spent)) => terms += spent,
            None => {}
        }
    }

    match best {
        Some(evaluation) if evaluation.error_estimate() <= FALLBACK_ERROR => Ok(evaluation.value),
        _ => Err(Hyp2f1Error::NoConvergence { a, b, c, z, terms }),
    }
}

/// Lists the applicable methods with their estimated number of terms.
fn methods(a: f64, b: f64, c: f64, z: f64) -> Vec<(f64, Method)> {
    let mut methods = Vec::with_capacity(5);
    let unit = SignedLog::ONE;

    if z > 0.0 {
        let arg = Argument { z, w: 1.0 - z, ln_w: (-z).ln_1p() };
        let direct = Series { alpha: a, beta: b, gamma: c, x: z, one_minus_abs_x: arg.w };
        let euler = Series { alpha: c - a, beta: c - b, gamma: c, x: z, one_minus_abs_x: arg.w };
        let d = difference(c, a, b);
        let euler_factor = SignedLog::positive(d * arg.ln_w);
        methods.push(Method::Series { series: direct, factor: unit });
        methods.push(Method::Series { series: euler, factor: euler_factor });
        methods.push(Method::NearOne { a, b, c, d, arg, ln_factor: 0.0 });
        methods.extend(terminating_near_one(a, b, c, &arg, 0.0));
    } else {
        // Pfaff: z/(z-1) lies in (0, 1), and 1 - z/(z-1) = 1/(1-z).
        let ln_one_minus_z = (-z).ln_1p();
        let arg = Argument { z: z / (z - 1.0), w: 1.0 / (1.0 - z), ln_w: -ln_one_minus_z };
        let pfaff_a = Series { alpha: a, beta: c - b, gamma: c, x: arg.z, one_minus_abs_x: arg.w };
        let pfaff_b = Series { alpha: c - a, beta: b, gamma: c, x: arg.z, one_minus_abs_x: arg.w };
        let ln_factor_a = -a * ln_one_minus_z;
        let ln_factor_b = -b * ln_one_minus_z;
        methods.push(Method::Series { series: pfaff_a, factor: SignedLog::positive(ln_factor_a) });
        methods.push(Method::Series { series: pfaff_b, factor: SignedLog::positive(ln_factor_b) });
        // The Pfaff forms have c - a - b equal to b - a and a - b, free of the
        // rounding of c - b and c - a. The one below 1/2 needs no Euler
        // transformation in `near_one`, which would put c - (c - b) for b.
        if b - a < 0.5 {
            methods.push(Method::NearOne { a, b: c - b, c, d: b - a, arg, ln_factor: ln_factor_a });
        } else {
            methods.push(Method::NearOne { a: c - a, b, c, d: a - b, arg, ln_factor: ln_factor_b });
        }
        methods.extend(terminating_near_one(a, c - b, c, &arg, ln_factor_a));
        if z > -1.0 {
            let direct = Series { alpha: a, beta: b, gamma: c, x: z, one_minus_abs_x: 1.0 + z };
            methods.push(Method::Series { series: direct, factor: unit });
        }
    }

    methods.into_iter().map(|method| (method.estimated_terms(), method)).collect()
}

/// Returns c - a - b with a single rounding. It is the exponent of 1 - z, so
/// its error is multiplied by |ln(1 - z)|, which is about 28 at z = 1 - 1e-12.
fn difference(c: f64, a: f64, b: f64) -> f64 {
    let (partial, partial_error) = two_sum(c, -a);
    let (sum, sum_error) = two_sum(partial, -b);
    sum + (partial_error + sum_error)
}

/// Returns x + y and its rounding error, which add up exactly to x + y (Knuth's TwoSum).
fn two_sum(x: f64, y: f64) -> (f64, f64) {
    let sum = x + y;
    let y_part = sum - x;
    let x_part = sum - y_part;
    (sum, (x - x_part) + (y - y_part))
}

/// For a or b a non-positive integer -n, returns the polynomial in 1 - z,
/// F(-n, b; c; z) = (c-b)_n / (c)_n F(-n, b; b-c-n+1; 1-z) (DLMF 15.8.7),
/// times exp(ln_factor). The form needs (b-c-n+1)_k nonzero for k < n.
fn terminating_near_one(a: f64, b: f64, c: f64, arg: &Argument, ln_factor: f64) -> Option<Method> {
    let (n, other) = match (is_non_positive_integer(a), is_non_positive_integer(b)) {
        (true, true) => (-a.max(b), a.min(b)),
        (true, false) => (-a, b),
        (false, true) => (-b, a),
        (false, false) => return None,
    };
    let gamma = other - c - n + 1.0;
    if n >= MAX_TERMS as f64 || (is_non_positive_integer(gamma) && -gamma < n) {
        return None;
    }

    let mut factor = SignedLog::positive(ln_factor);
    for k in 0..n as usize {
        let k = k as f64;
        factor = factor.mul(SignedLog::from_value((c - other + k) / (c + k)));
    }
    let series = Series { alpha: -n, beta: other, gamma, x: arg.w, one_minus_abs_x: arg.z };
    Some(Method::Series { series, factor })
}
