//! A fixed-order rule for the dropout integral of the Pareto/NBD likelihood
//! and for the moments that its gradient needs.
//!
//! With `a = r+x`, `b = s+1`, `p = α+t_x`, `q = β+t_x` and `δ = τ - t_x`,
//! the integral over the dropout time is
//!
//! ```text
//! I = ∫_{t_x}^{T} (α+τ)^-a (β+τ)^-b dτ = p^-a q^-b ∫_0^{T-t_x} g(δ) dδ,
//! g(δ) = (1 + δ/p)^-a (1 + δ/q)^-b.
//! ```
//!
//! In `v = ln(1 + δ / min(p, q))` both factors of g are smooth exponentials,
//! so Gauss–Legendre panels integrate it. A panel is at most 2 wide in v,
//! and narrow enough that the power law falls by at most e^16 over it. It
//! has 16 nodes, or as few as 4 where it is narrow next to the integrand's
//! rate of change.
//! The panels stop once the rest of the integral is below e^-40 of the sum
//! so far. The same nodes give g weighted by `ln(α+τ)`, `1/(α+τ)`,
//! `ln(β+τ)` and `1/(β+τ)`, which give the derivatives of ln I in r, α, s
//! and β. So the likelihood and its gradient cost one pass and no 2F1.
//! Unlike the adaptive quadrature, the rule does a fixed amount of work: one
//! or two panels for most customers. The tests check its accuracy against
//! the adaptive quadrature.

use std::sync::OnceLock;

use super::ParetoNbdProcess;
use super::quadrature::gauss_legendre_half;
use crate::btyd::Rfm;

/// Node counts of the Gauss–Legendre rules on a panel, each with the largest
/// `c h` for which it is used. Here h is the panel width in v, and c bounds
/// the rate at which the integrand and the moment functions change in v.
/// For `e^(-c v)` the relative error of the n-node rule is at most
/// `(n!)^4 / ((2n+1) ((2n)!)^3) (c h)^(2n+1)`, and each limit keeps that
/// below 1e-15. The integrand is not exactly such an exponential, so the
/// bound is an estimate, which the tests check against the 16-node rule.
const RULES: [(usize, f64); 5] = [(4, 0.229), (6, 1.137), (8, 2.864), (10, 5.318), (12, 8.359)];

/// Nodes of the rule where `c h` is beyond every limit of [`RULES`].
const MAX_NODES: usize = 16;

/// Added to the power law's decay rate to give the c of [`RULES`]: 1 for
/// the factor dδ/dv = base e^v, and 2 for 1/(α+τ)² and 1/(β+τ)², the
/// fastest moment functions.
const MOMENT_RATE: f64 = 3.0;

/// Largest panel width in v.
const PANEL_WIDTH: f64 = 2.0;

/// Largest decay of the integrand's power law over one panel: a panel is
/// at most `PANEL_DECAY / (a+b)` wide in v.
const PANEL_DECAY: f64 = 16.0;

/// Maximum number of panels.
const MAX_PANELS: usize = 256;

/// ln of the relative size below which the rest of the integral is dropped.
const LN_NEGLIGIBLE: f64 = -40.0;

/// The dropout integral I and the means of four functions of τ under the
/// density proportional to its integrand on (t_x, T].
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct DropoutMoments {
    /// ln I.
    pub ln_integral: f64,
    /// Mean of ln(α+τ).
    pub mean_ln_alpha: f64,
    /// Mean of 1/(α+τ).
    pub mean_inverse_alpha: f64,
    /// Mean of ln(β+τ).
    pub mean_ln_beta: f64,
    /// Mean of 1/(β+τ).
    pub mean_inverse_beta: f64,
    /// Covariance of ln(α+τ), 1/(α+τ), ln(β+τ) and 1/(β+τ), in that order,
    /// when requested.
    pub covariance: Option<[[f64; 4]; 4]>,
}

/// Gauss–Legendre nodes and weights on [0, 1], the weights summing to 1,
/// for the node counts of [`RULES`] and then [`MAX_NODES`].
fn unit_rules() -> &'static [Vec<(f64, f64)>] {
    static RULES_ON_UNIT: OnceLock<Vec<Vec<(f64, f64)>>> = OnceLock::new();
    RULES_ON_UNIT.get_or_init(|| {
        let node_counts = RULES.iter().map(|&(nodes, _)| nodes).chain([MAX_NODES]);
        node_counts
            .map(|nodes| {
                let mut rule = Vec::with_capacity(nodes);
                for (node, weight) in gauss_legendre_half(nodes) {
                    rule.push((0.5 - 0.5 * node, 0.5 * weight));
                    rule.push((0.5 + 0.5 * node, 0.5 * weight));
                }
                rule
            })
            .collect()
    })
}

/// Returns the rule on [0, 1] with the fewest nodes for a panel of width
/// `panel_width` in v over which the integrand changes at rate `rate`.
fn unit_rule(rate: f64, panel_width: f64) -> &'static [(f64, f64)] {
    let decay = rate * panel_width;
    let index = RULES.iter().position(|&(_, limit)| decay <= limit).unwrap_or(RULES.len());
    &unit_rules()[index]
}

/// Computes the [`DropoutMoments`] of `rfm`, with their covariance when
/// `with_covariance` is set, or `None` when `t_x >= T` (the integral is then 0).
pub(super) fn dropout_moments(
    process: &ParetoNbdProcess,
    rfm: Rfm,
    with_covariance: bool,
) -> Option<DropoutMoments> {
    dropout_moments_by_rule(process, rfm, with_covariance, unit_rule, true)
}

/// Computes [`dropout_moments`] with the rule that `choose_rule` returns for
/// a rate and a panel width, taking ln in place of ln_1p on long intervals
/// when `fast_log` is set. The tests compare the rules of [`unit_rule`]
/// with ln against the 16-node rule with ln_1p this way.
fn dropout_moments_by_rule(
    process: &ParetoNbdProcess,
    rfm: Rfm,
    with_covariance: bool,
    choose_rule: impl Fn(f64, f64) -> &'static [(f64, f64)],
    fast_log: bool,
) -> Option<DropoutMoments> {
    let ParetoNbdProcess { r, alpha, s, beta } = *process;
    let Rfm { x, t_x, t } = rfm;
    if t_x >= t {
        return None;
    }
    let (a, b) = (r + x, s + 1.0);
    let (p, q) = (alpha + t_x, beta + t_x);
    let span = t - t_x;
    // δ = base (e^v - 1), so that both factors are smooth exponentials in v.
    let base = p.min(q);
    let width = (span / base).ln_1p();
    // The power law's decay rate in v, (base+δ)(a/(p+δ) + b/(q+δ)), grows
    // with δ to at most a+b, so its value at the end bounds it everywhere.
    let max_rate = (base + span) * (a / (p + span) + b / (q + span));
    let panel_width = PANEL_WIDTH.min(PANEL_DECAY / max_rate).min(width);
    // NOTE: past MAX_PANELS the panels widen and the rule loses accuracy.
    // Only parameters far beyond any data's optimum need that many, such as
    // r near 1e15 in a fit that runs to a limit.
    let panel_count = ((width / panel_width).ceil().max(1.0) as usize).min(MAX_PANELS);
    let panel_width = width / panel_count as f64;
    let rule = choose_rule(max_rate + MOMENT_RATE, panel_width);

    let mut total = 0.0;
    let mut moments = [0.0; 4];
    // Sums of products of the four functions, each less its value at t_x,
    // which leaves the covariance unchanged and avoids cancellation.
    let mut products = [[0.0; 4]; 4];
    // One of the two factors of g is (1 + δ/base)^-(a or b) = e^(-(a or b) v),
    // so its logarithm is v itself and needs no ln_1p.
    let alpha_is_base = p <= q;
    let (inverse_p, inverse_q) = (1.0 / p, 1.0 / q);
    let inverse_other = if alpha_is_base { inverse_q } else { inverse_p };
    // The other factor needs ln(1 + y) with y = δ over p or q. Computing it
    // as ln of the rounded 1 + y, which is faster than ln_1p, leaves an
    // absolute error near 2e-16. That matters only where ln(1 + y) barely
    // varies, so intervals with y below 1e-3 at T keep ln_1p. The tests
    // check the moments of both routes.
    let fast_log = fast_log && span * inverse_other > 1e-3;
    for panel in 0..panel_count {
        let start = panel as f64 * panel_width;
        for &(node, weight) in rule {
            let v = start + node * panel_width;
            let delta = base * v.exp_m1();
            let growth = delta * inverse_other;
            let ln_other_growth = if fast_log { (1.0 + growth).ln() } else { growth.ln_1p() };
            let (ln_alpha_growth, ln_beta_growth) =
                if alpha_is_base { (v, ln_other_growth) } else { (ln_other_growth, v) };
            // g(δ) dδ/dv, with dδ/dv = base e^v = base + δ.
            let term = weight * (base + delta) * (-a * ln_alpha_growth - b * ln_beta_growth).exp();
            let (inverse_alpha, inverse_beta) = (1.0 / (p + delta), 1.0 / (q + delta));
            total += term;
            moments[0] += term * ln_alpha_growth;
            moments[1] += term * inverse_alpha;
            moments[2] += term * ln_beta_growth;
            moments[3] += term * inverse_beta;
            if with_covariance {
                // 1/(p+δ) - 1/p = -δ / (p (p+δ)), and likewise for q.
                let centred = [
                    ln_alpha_growth,
                    -delta * inverse_p * inverse_alpha,
                    ln_beta_growth,
                    -delta * inverse_q * inverse_beta,
                ];
                // The products are symmetric, so only the upper triangle is summed.
                for i in 0..4 {
                    let weighted = term * centred[i];
                    for j in i..4 {
                        products[i][j] += weighted * centred[j];
                    }
                }
            }
        }
        // g decreases, so the rest is at most (span - δ) g(δ) at the panel's
        // end; stop once that is negligible.
        if panel + 1 == panel_count {
            break;
        }
        let end = start + panel_width;
        let delta = base * end.exp_m1();
        let ln_rest = (span - delta).ln() - a * (delta / p).ln_1p() - b * (delta / q).ln_1p();
        if ln_rest < (total * panel_width).ln() + LN_NEGLIGIBLE {
            break;
        }
    }

    let covariance = with_covariance.then(|| {
        let means = [
            moments[0] / total,
            moments[1] / total - 1.0 / p,
            moments[2] / total,
            moments[3] / total - 1.0 / q,
        ];
        let mut covariance = [[0.0; 4]; 4];
        for (i, row) in covariance.iter_mut().enumerate() {
            for (j, entry) in row.iter_mut().enumerate() {
                *entry = products[i.min(j)][i.max(j)] / total - means[i] * means[j];
            }
        }
        covariance
    });
    Some(DropoutMoments {
        ln_integral: -a * p.ln() - b * q.ln() + (total * panel_width).ln(),
        mean_ln_alpha: p.ln() + moments[0] / total,
        mean_inverse_alpha: moments[1] / total,
        mean_ln_beta: q.ln() + moments[2] / total,
        mean_inverse_beta: moments[3] / total,
        covariance,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pareto_nbd::likelihood::ln_dropout_integral;

    const SHAPES: [f64; 4] = [0.05, 0.5, 2.0, 20.0];
    const SCALES: [f64; 4] = [0.01, 1.0, 10.0, 1000.0];
    const CUSTOMERS: [(f64, f64, f64); 9] = [
        (0.0, 0.0, 1.0),
        (0.0, 0.0, 100.0),
        (0.0, 0.0, 1e4),
        (1.0, 0.5, 80.0),
        (5.0, 30.0, 78.0),
        (50.0, 70.0, 78.0),
        (300.0, 70.0, 78.0),
        (3.0, 77.9, 78.0),
        (2.0, 1.0, 1e4),
    ];

    fn processes() -> impl Iterator<Item = ParetoNbdProcess> {
        SHAPES.into_iter().flat_map(|r| {
            SCALES.into_iter().flat_map(move |alpha| {
                SHAPES.into_iter().flat_map(move |s| {
                    SCALES.into_iter().map(move |beta| ParetoNbdProcess { r, alpha, s, beta })
                })
            })
        })
    }

    /// Against the adaptive quadrature (relative error about 1e-13) on 256
    /// parameter sets from 0.05 to 20 in the shapes and 0.01 to 1000 in the
    /// scales, and on customers from one day to 1e4 time units of tail. The
    /// tolerance on ln I is 1e-11, a relative error of 1e-11 on I.
    #[test]
    fn integral_matches_adaptive_quadrature() {
        let mut failures = Vec::new();
        for process in processes() {
            for (x, t_x, t) in CUSTOMERS {
                let rfm = Rfm { x, t_x, t };
                let expected = ln_dropout_integral(&process, rfm);
                let actual = dropout_moments(&process, rfm, false).expect("t_x < T").ln_integral;
                let error = (actual - expected).abs();
                if error.is_nan() || error > 1e-11 {
                    failures.push(format!("{process:?} {rfm:?}: {actual} vs {expected}"));
                }
            }
        }
        assert!(failures.is_empty(), "{} cases beyond 1e-11:\n{}", failures.len(), failures.join("\n"));
    }

    /// Each moment is a derivative of ln I, for example `-E[1/(α+τ)] (r+x)`
    /// in α. Central differences of the adaptive quadrature with a step of
    /// 1e-5 are accurate to about 1e-8 relative, inside the tolerance of 1e-7.
    #[test]
    fn moments_are_derivatives_of_the_integral() {
        let rfm = Rfm { x: 4.0, t_x: 20.0, t: 60.0 };
        let process = ParetoNbdProcess { r: 0.6, alpha: 8.0, s: 0.7, beta: 14.0 };
        let moments = dropout_moments(&process, rfm, false).expect("t_x < T");
        let ln_integral = |process: ParetoNbdProcess| ln_dropout_integral(&process, rfm);
        let difference = |up: ParetoNbdProcess, down: ParetoNbdProcess, step: f64| {
            (ln_integral(up) - ln_integral(down)) / (2.0 * step)
        };

        let step = 1e-5;
        let d_r = difference(
            ParetoNbdProcess { r: process.r + step, ..process },
            ParetoNbdProcess { r: process.r - step, ..process },
            step,
        );
        let d_alpha = difference(
            ParetoNbdProcess { alpha: process.alpha + step, ..process },
            ParetoNbdProcess { alpha: process.alpha - step, ..process },
            step,
        );
        let d_s = difference(
            ParetoNbdProcess { s: process.s + step, ..process },
            ParetoNbdProcess { s: process.s - step, ..process },
            step,
        );
        let d_beta = difference(
            ParetoNbdProcess { beta: process.beta + step, ..process },
            ParetoNbdProcess { beta: process.beta - step, ..process },
            step,
        );
        let close = |actual: f64, expected: f64| ((actual - expected) / expected).abs() < 1e-7;
        assert!(close(-moments.mean_ln_alpha, d_r), "{moments:?} vs {d_r}");
        assert!(
            close(-(process.r + rfm.x) * moments.mean_inverse_alpha, d_alpha),
            "{moments:?} vs {d_alpha}"
        );
        assert!(close(-moments.mean_ln_beta, d_s), "{moments:?} vs {d_s}");
        assert!(close(-(process.s + 1.0) * moments.mean_inverse_beta, d_beta), "{moments:?} vs {d_beta}");
    }

    /// Against the 16-node rule with ln_1p on every panel, which matches the
    /// adaptive quadrature in [`integral_matches_adaptive_quadrature`], on
    /// that test's grid and on customers whose last purchase is close to T,
    /// where the rules have the fewest nodes. The bound of [`RULES`] is
    /// 1e-15 relative on each panel, and ln in place of ln_1p moves each
    /// weight by about 1e-16. The tolerances are 1e-13 on ln I and on each
    /// mean relative to its size, and 1e-8 on each covariance relative to
    /// the product of the two standard deviations. A covariance is a
    /// difference of means that can cancel to 1e-9 of their size: with
    /// r = 20, α = 0.01, s = 0.5 and β = 1000 the density is concentrated
    /// near t_x, and changes of 1e-16 in the weights move the variance of
    /// 1/(β+τ) by 1.4e-9 relative.
    #[test]
    fn fast_rule_matches_sixteen_nodes() {
        let sixteen_nodes = |_: f64, _: f64| unit_rules().last().expect("rules").as_slice();
        let customers = CUSTOMERS.into_iter().chain([
            (3.0, 77.0, 78.0),
            (10.0, 60.0, 62.0),
            (1.0, 5.0, 5.5),
            (20.0, 50.0, 78.0),
            (150.0, 77.5, 78.0),
        ]);
        let customers: Vec<_> = customers.collect();
        let mut failures = Vec::new();
        for process in processes() {
            for &(x, t_x, t) in &customers {
                let rfm = Rfm { x, t_x, t };
                let actual = dropout_moments(&process, rfm, true).expect("t_x < T");
                let expected =
                    dropout_moments_by_rule(&process, rfm, true, sixteen_nodes, false).expect("t_x < T");
                let pairs = [
                    (actual.ln_integral, expected.ln_integral),
                    (actual.mean_ln_alpha, expected.mean_ln_alpha),
                    (actual.mean_inverse_alpha, expected.mean_inverse_alpha),
                    (actual.mean_ln_beta, expected.mean_ln_beta),
                    (actual.mean_inverse_beta, expected.mean_inverse_beta),
                ];
                for (index, (actual, expected)) in pairs.into_iter().enumerate() {
                    let error = (actual - expected).abs() / expected.abs().max(1.0);
                    if error.is_nan() || error > 1e-13 {
                        failures.push(format!("{process:?} {rfm:?} value {index}: {actual} vs {expected}"));
                    }
                }
                let actual = actual.covariance.expect("requested");
                let expected = expected.covariance.expect("requested");
                for i in 0..4 {
                    for j in 0..4 {
                        let scale = (expected[i][i] * expected[j][j]).sqrt();
                        let error = (actual[i][j] - expected[i][j]).abs() / scale;
                        if scale != 0.0 && (error.is_nan() || error > 1e-8) {
                            failures.push(format!(
                                "{process:?} {rfm:?} covariance {i}{j}: {} vs {}",
                                actual[i][j], expected[i][j]
                            ));
                        }
                    }
                }
            }
        }
        assert!(failures.is_empty(), "{} cases beyond tolerance:\n{}", failures.len(), failures.join("\n"));
    }

    #[test]
    fn no_integral_when_recency_is_age() {
        let process = ParetoNbdProcess { r: 0.5, alpha: 10.0, s: 0.6, beta: 12.0 };
        assert_eq!(dropout_moments(&process, Rfm { x: 2.0, t_x: 30.0, t: 30.0 }, true), None);
    }
}
