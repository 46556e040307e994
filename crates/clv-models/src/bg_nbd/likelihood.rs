//! The BG/NBD log-likelihood over compressed patterns, with its analytic gradient.

use statrs::function::gamma::digamma;

use crate::btyd::{Pattern, Rfm};
use crate::fit::LogLikelihood;
use crate::fit::sum::{sum_arrays_with_state, sum_with_state};
use crate::special::log_sum_exp;

use super::process::BgNbdProcess;

/// The BG/NBD log-likelihood of a set of customers, with parameters
/// `[r, alpha, a, b]`. Each pattern's log-likelihood counts `count` times.
#[derive(Clone, Debug, PartialEq)]
pub struct BgNbdLikelihood {
    patterns: Vec<Pattern>,
}

impl BgNbdLikelihood {
    /// Creates the likelihood of the customers summarised by `patterns`.
    pub fn new(patterns: Vec<Pattern>) -> BgNbdLikelihood {
        BgNbdLikelihood { patterns }
    }

    /// Returns the patterns the likelihood sums over.
    pub fn patterns(&self) -> &[Pattern] {
        &self.patterns
    }
}

impl LogLikelihood for BgNbdLikelihood {
    fn dimension(&self) -> usize {
        4
    }

    fn log_likelihood(&self, params: &[f64]) -> f64 {
        let process = BgNbdProcess::from_params(params);
        // Patterns are sorted by x, so each chunk computes the terms in x once per distinct x.
        sum_with_state(&self.patterns, |cache: &mut Option<(f64, f64)>, pattern| {
            let x = pattern.rfm.x;
            let frequency_terms = match *cache {
                Some((cached_x, terms)) if cached_x == x => terms,
                _ => {
                    let terms = process.ln_frequency_terms(x);
                    *cache = Some((x, terms));
                    terms
                }
            };
            let (alive, dropped) = process.ln_alive_and_dropped(pattern.rfm);
            pattern.count * (frequency_terms + log_sum_exp(alive, dropped))
        })
    }

    /// Differentiates `ln L = A + ln(e^S + [x > 0] e^D)` term by term, with
    /// `A = ln Γ(r + x) - ln Γ(r) + ln B(a, b + x) - ln B(a, b)`,
    /// `S = r ln α - (r + x) ln(α + T)` and
    /// `D = ln a - ln(b + x - 1) + r ln α - (r + x) ln(α + t_x)`.
    /// The log-sum-exp passes on the derivatives of `S` and `D` weighted by
    /// their shares `π_S` and `π_D = 1 - π_S` of the likelihood.
    fn gradient(&self, params: &[f64]) -> Option<Vec<f64>> {
        let process = BgNbdProcess::from_params(params);
        let gradient =
            sum_arrays_with_state(&self.patterns, |cache: &mut Option<(f64, [f64; 3])>, pattern| {
                let x = pattern.rfm.x;
                let digammas = match *cache {
                    Some((cached_x, digammas)) if cached_x == x => digammas,
                    _ => {
                        let digammas = frequency_digammas(&process, x);
                        *cache = Some((x, digammas));
                        digammas
                    }
                };
                customer_gradient(&process, pattern.rfm, digammas).map(|term| pattern.count * term)
            });
        Some(gradient.to_vec())
    }
}

/// Returns the digamma differences of the gradient that depend on x alone:
/// `ψ(r + x) - ψ(r)`, `ψ(a + b) - ψ(a + b + x)` and
/// `ψ(a + b) - ψ(a + b + x) + ψ(b + x) - ψ(b)`.
fn frequency_digammas(process: &BgNbdProcess, x: f64) -> [f64; 3] {
    let BgNbdProcess { r, a, b, .. } = *process;
    let d_a_common = digamma(a + b) - digamma(a + b + x);
    [digamma(r + x) - digamma(r), d_a_common, d_a_common + digamma(b + x) - digamma(b)]
}

/// Returns the gradient of one customer's log-likelihood with respect to
/// `[r, alpha, a, b]`, given the [`frequency_digammas`] of its x.
fn customer_gradient(process: &BgNbdProcess, rfm: Rfm, digammas: [f64; 3]) -> [f64; 4] {
    let BgNbdProcess { r, alpha, a, b } = *process;
    let Rfm { x, t_x, t } = rfm;
    let [d_r_common, d_a_common, d_b_common] = digammas;

    // Shares of the "alive at T" and "dropped out at t_x" terms.
    let (alive, dropped) = process.ln_alive_and_dropped(rfm);
    let dropped_share = (dropped - log_sum_exp(alive, dropped)).exp();
    let alive_share = 1.0 - dropped_share;

    let d_r = d_r_common - alive_share * (t / alpha).ln_1p() - dropped_share * (t_x / alpha).ln_1p();
    let d_alpha = r / alpha - (r + x) * (alive_share / (alpha + t) + dropped_share / (alpha + t_x));
    let d_a = d_a_common + if x == 0.0 { 0.0 } else { dropped_share / a };
    let d_b = d_b_common - if x == 0.0 { 0.0 } else { dropped_share / (b + x - 1.0) };
    [d_r, d_alpha, d_a, d_b]
}
