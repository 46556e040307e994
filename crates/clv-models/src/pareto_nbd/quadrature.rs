//! Globally adaptive Gauss–Legendre quadrature of positive integrands in log space.
//!
//! The Pareto/NBD integrals over the dropout time τ have integrands of the
//! form `τ^n (α + τ)^-a (β + τ)^-b`, which can span hundreds of orders of
//! magnitude and fall off as power laws. The integral is taken in the
//! variable `v = ln((c + τ) / (c + lower))`, where `c > 0` is the smaller of
//! α and β, because power laws in τ become smooth exponentials in `v`.
//! Every value is kept as a logarithm, so nothing overflows or underflows.
//!
//! The error estimate cannot fall below the rounding noise of the
//! integrand, so callers should write the integrand relative to a nearby
//! value, for example with `ln_1p`, to keep that noise near 1e-16.

use std::sync::OnceLock;

use crate::special::{log_diff_exp, log_sum_exp};

/// Number of Gauss–Legendre nodes per panel.
const NODES: usize = 16;

/// Target relative error of the integral, estimated by comparing each
/// panel's rule with the sum of its two halves. The estimate bounds the
/// error of the coarser rule, so the returned sum of halves is usually far
/// more accurate than this.
const RELATIVE_TOLERANCE: f64 = 1e-13;

/// Maximum number of panels. Smooth integrands of the models converge in a
/// few dozen panels, so the cap only bounds the work on pathological input.
const MAX_PANELS: usize = 1000;

/// Initial panel width in `v`, so that a factor of about 1.6 in `c + τ` starts as one panel.
const INITIAL_PANEL_WIDTH: f64 = 0.5;

/// Maximum number of initial panels.
const MAX_INITIAL_PANELS: usize = 64;

/// Gauss–Legendre nodes in (0, 1) and weights on [-1, 1], for the positive
/// half of the symmetric rule.
pub(super) fn gauss_legendre() -> &'static [(f64, f64); NODES / 2] {
    static RULE: OnceLock<[(f64, f64); NODES / 2]> = OnceLock::new();
    RULE.get_or_init(|| {
        let mut rule = [(0.0, 0.0); NODES / 2];
        rule.copy_from_slice(&gauss_legendre_half(NODES));
        rule
    })
}

/// Computes the positive half of the Gauss–Legendre rule of `nodes` nodes,
/// an even number: nodes in (0, 1), largest first, and weights on [-1, 1].
pub(super) fn gauss_legendre_half(nodes: usize) -> Vec<(f64, f64)> {
    let n = nodes as f64;
    let mut rule = vec![(0.0, 0.0); nodes / 2];
    for (i, entry) in rule.iter_mut().enumerate() {
        // Newton's method on the Legendre polynomial P_n from the
        // standard initial guess for its i-th largest root.
        let mut x = (std::f64::consts::PI * (i as f64 + 0.75) / (n + 0.5)).cos();
        let mut derivative = 1.0;
        for _ in 0..100 {
            let (value, slope) = legendre(nodes, x);
            derivative = slope;
            let step = value / slope;
            x -= step;
            if step.abs() <= 1e-16 {
                break;
            }
        }
        let (_, slope) = legendre(nodes, x);
        if slope.is_finite() {
            derivative = slope;
        }
        *entry = (x, 2.0 / ((1.0 - x * x) * derivative * derivative));
    }
    rule
}

/// Returns `P_n(x)` and `P_n'(x)` from the three-term recurrence.
fn legendre(n: usize, x: f64) -> (f64, f64) {
    let mut previous = 1.0;
    let mut current = x;
    for k in 2..=n {
        let k = k as f64;
        let next = ((2.0 * k - 1.0) * x * current - (k - 1.0) * previous) / k;
        previous = current;
        current = next;
    }
    let derivative = n as f64 * (x * current - previous) / (x * x - 1.0);
    (current, derivative)
}

/// One panel of the adaptive rule, with ln of its integral and of its error estimate.
#[derive(Clone, Copy, Debug)]
struct Panel {
    lower: f64,
    upper: f64,
    ln_value: f64,
    ln_error: f64,
}

/// Computes `ln ∫ exp(ln_integrand(τ)) dτ` over `[lower, upper]`.
///
/// `ln_integrand` receives `τ - lower`, exact even where it is tiny next to
/// τ, and must return a finite value or negative infinity. It is never
/// evaluated at the ends of the interval. `offset` is the `c` of the
/// substitution `v = ln((c + τ) / (c + lower))` and must satisfy
/// `offset + lower > 0`. Returns negative infinity for an empty interval or
/// an integrand that is zero at every node.
///
/// The relative error is about 1e-13 or less for the smooth integrands of
/// the models. If [`MAX_PANELS`] is reached first, the estimate so far is
/// returned.
pub(super) fn ln_integral(ln_integrand: impl Fn(f64) -> f64, lower: f64, upper: f64, offset: f64) -> f64 {
    if upper <= lower {
        return f64::NEG_INFINITY;
    }
    let base = offset + lower;
    let ln_base = base.ln();
    // τ - lower = base (e^v - 1) and dτ = base e^v dv, both exact near v = 0.
    let ln_integrand_in_v = |v: f64| ln_integrand(base * v.exp_m1()) + ln_base + v;
    let width = ((upper - lower) / base).ln_1p();

    let initial_panels = ((width / INITIAL_PANEL_WIDTH).ceil() as usize).clamp(1, MAX_INITIAL_PANELS);
    let step = width / initial_panels as f64;
    let mut panels: Vec<Panel> = (0..initial_panels)
        .map(|i| {
            let panel_lower = step * i as f64;
            let panel_upper = if i + 1 == initial_panels { width } else { step * (i + 1) as f64 };
            evaluate_panel(&ln_integrand_in_v, panel_lower, panel_upper)
        })
        .collect();

    let ln_tolerance = RELATIVE_TOLERANCE.ln();
    while panels.len() < MAX_PANELS {
        let ln_total = panels.iter().fold(f64::NEG_INFINITY, |sum, panel| log_sum_exp(sum, panel.ln_value));
        let ln_total_error =
            panels.iter().fold(f64::NEG_INFINITY, |sum, panel| log_sum_exp(sum, panel.ln_error));
        if ln_total_error <= ln_tolerance + ln_total {
            return ln_total;
        }

        let worst = panels
            .iter()
            .enumerate()
            .max_by(|(_, a), (_, b)| a.ln_error.total_cmp(&b.ln_error))
            .map(|(index, _)| index)
            .expect("there is at least one panel");
        let Panel { lower: panel_lower, upper: panel_upper, .. } = panels[worst];
        let middle = 0.5 * (panel_lower + panel_upper);
        if !(panel_lower < middle && middle < panel_upper) {
            // The panel cannot be split further in floating point, so its
            // estimate is final.
            panels[worst].ln_error = f64::NEG_INFINITY;
            continue;
        }
        panels[worst] = evaluate_panel(&ln_integrand_in_v, panel_lower, middle);
        panels.push(evaluate_panel(&ln_integrand_in_v, middle, panel_upper));
    }
    panels.iter().fold(f64::NEG_INFINITY, |sum, panel| log_sum_exp(sum, panel.ln_value))
}

/// Integrates over `[lower, upper]` with the whole-panel rule and with the
/// sum of its two halves, keeping the halves as the value and their
/// difference from the whole as the error estimate.
fn evaluate_panel(ln_integrand: &impl Fn(f64) -> f64, lower: f64, upper: f64) -> Panel {
    let middle = 0.5 * (lower + upper);
    let ln_whole = ln_gauss_legendre(ln_integrand, lower, upper);
    let ln_value = log_sum_exp(
        ln_gauss_legendre(ln_integrand, lower, middle),
        ln_gauss_legendre(ln_integrand, middle, upper),
    );
    let ln_error = if ln_whole >= ln_value {
        log_diff_exp(ln_whole, ln_value)
    } else {
        log_diff_exp(ln_value, ln_whole)
    };
    Panel { lower, upper, ln_value, ln_error }
}

/// Applies the Gauss–Legendre rule on `[lower, upper]` in log space.
fn ln_gauss_legendre(ln_integrand: &impl Fn(f64) -> f64, lower: f64, upper: f64) -> f64 {
    let half_width = 0.5 * (upper - lower);
    let center = 0.5 * (upper + lower);
    let mut terms = [f64::NEG_INFINITY; NODES];
    for (i, &(node, weight)) in gauss_legendre().iter().enumerate() {
        let ln_weight = weight.ln();
        terms[2 * i] = ln_weight + ln_integrand(center - half_width * node);
        terms[2 * i + 1] = ln_weight + ln_integrand(center + half_width * node);
    }
    let max = terms.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if max == f64::NEG_INFINITY {
        return f64::NEG_INFINITY;
    }
    let sum: f64 = terms.iter().map(|term| (term - max).exp()).sum();
    max + sum.ln() + half_width.ln()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_relative(actual: f64, expected: f64, tolerance: f64) {
        let error = ((actual - expected) / expected).abs();
        assert!(error <= tolerance, "{actual} vs {expected}: relative error {error:e}");
    }

    #[test]
    fn rule_integrates_polynomials_exactly() {
        // A 16-point rule is exact for degree 31: ∫_{-1}^{1} x^30 dx = 2 / 31.
        let sum: f64 = gauss_legendre().iter().map(|&(node, weight)| 2.0 * weight * node.powi(30)).sum();
        assert_relative(sum, 2.0 / 31.0, 1e-14);
        let weights: f64 = gauss_legendre().iter().map(|&(_, weight)| 2.0 * weight).sum();
        assert_relative(weights, 2.0, 1e-15);
    }

    /// An n-node rule is exact for degree 2n - 1: ∫_{-1}^{1} x^(2n-2) dx = 2 / (2n-1).
    #[test]
    fn smaller_rules_integrate_polynomials_exactly() {
        for nodes in [4, 6, 8, 10, 12] {
            let rule = gauss_legendre_half(nodes);
            let degree = 2 * nodes as i32 - 2;
            let sum: f64 = rule.iter().map(|&(node, weight)| 2.0 * weight * node.powi(degree)).sum();
            assert_relative(sum, 2.0 / f64::from(degree + 1), 1e-14);
            let weights: f64 = rule.iter().map(|&(_, weight)| 2.0 * weight).sum();
            assert_relative(weights, 2.0, 1e-15);
        }
    }

    #[test]
    fn power_law_over_many_decades() {
        // ∫_0^1e6 (1 + τ)^-1.5 dτ = 2 (1 - (1 + 1e6)^-0.5).
        let ln_value = ln_integral(|tau: f64| -1.5 * (1.0 + tau).ln(), 0.0, 1e6, 1.0);
        assert_relative(ln_value.exp(), 2.0 * (1.0 - (1.0 + 1e6f64).powf(-0.5)), 1e-13);
    }

    #[test]
    fn peaked_integrand_in_log_space() {
        // ∫_0^∞ τ^n e^-τ dτ = n!, truncated where the tail is below 1e-300
        // of the value. n = 300 overflows unless kept in logs.
        let n: f64 = 300.0;
        // The integrand is written relative to its peak at τ = n, n^n e^-n.
        let ln_peak = n * n.ln() - n;
        let ln_relative = |tau: f64| n * (tau / n).ln() - (tau - n);
        let ln_value = ln_peak + ln_integral(ln_relative, 0.0, 3000.0, 1.0);
        let ln_factorial = crate::special::ln_gamma(n + 1.0);
        assert!((ln_value - ln_factorial).abs() < 1e-12, "{ln_value} vs {ln_factorial}");
    }

    #[test]
    fn short_interval_keeps_relative_accuracy() {
        // ∫_{t}^{t + h} (2 + τ)^-3 dτ for h = 1e-9 relative to 2 + t: no cancellation.
        // h is taken as upper - lower, which is exact, so that rounding of
        // the interval's end does not count as quadrature error.
        let (lower, upper) = (5.0, 5.0 + 7e-9);
        let h = upper - lower;
        // (a^-2 - (a + h)^-2) / 2 = h (2a + h) / (2 a^2 (a + h)^2) with a = 2 + lower.
        let a: f64 = 2.0 + lower;
        let exact = h * (2.0 * a + h) / (2.0 * a * a * (a + h) * (a + h));
        let ln_value = ln_integral(|delta: f64| -3.0 * (2.0 + lower + delta).ln(), lower, upper, 2.0);
        assert_relative(ln_value.exp(), exact, 1e-14);
    }

    #[test]
    fn empty_interval_and_zero_integrand() {
        assert_eq!(ln_integral(|_| 0.0, 1.0, 1.0, 1.0), f64::NEG_INFINITY);
        assert_eq!(ln_integral(|_| f64::NEG_INFINITY, 0.0, 1.0, 1.0), f64::NEG_INFINITY);
    }
}
