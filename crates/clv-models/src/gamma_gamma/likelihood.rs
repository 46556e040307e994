//! Log-likelihood of the Gamma-Gamma spend model and its gradient.

use std::collections::BTreeMap;

use statrs::function::gamma::digamma;

use crate::fit::LogLikelihood;
use crate::fit::sum::{sum_arrays_with_state, sum_with_state};
use crate::special::ln_gamma;

/// A distinct (x, m) pair of repeat purchase days and their mean value, and
/// the number of customers who share it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SpendPattern {
    /// Number of repeat purchase days, > 0.
    pub x: f64,
    /// Mean value of the repeat purchase days, > 0.
    pub mean_value: f64,
    /// Number of customers with this pattern.
    pub count: f64,
}

impl SpendPattern {
    /// Merges identical `(x, mean value)` pairs into patterns with counts,
    /// sorted by x and then by the bit pattern of the mean value.
    pub fn compress(pairs: &[(u32, f64)]) -> Vec<SpendPattern> {
        let mut counts: BTreeMap<(u32, u64), f64> = BTreeMap::new();
        for &(x, mean_value) in pairs {
            *counts.entry((x, mean_value.to_bits())).or_insert(0.0) += 1.0;
        }
        counts
            .into_iter()
            .map(|((x, bits), count)| SpendPattern {
                x: f64::from(x),
                mean_value: f64::from_bits(bits),
                count,
            })
            .collect()
    }
}

/// Total Gamma-Gamma log-likelihood of spend patterns, over (p, q, gamma).
#[derive(Clone, Debug)]
pub struct GammaGammaLikelihood {
    patterns: Vec<SpendPattern>,
}

impl GammaGammaLikelihood {
    /// Creates the likelihood of `patterns`, each with `x > 0` and mean value > 0.
    pub fn new(patterns: Vec<SpendPattern>) -> GammaGammaLikelihood {
        GammaGammaLikelihood { patterns }
    }

    /// Starting points for the optimiser.
    ///
    /// Each start puts the population mean `p gamma / (q - 1)` at the
    /// customers' average mean value, so that gamma starts on the scale of
    /// the currency, and they differ in how much the values vary.
    pub fn starts(&self) -> Vec<Vec<f64>> {
        let customers: f64 = self.patterns.iter().map(|pattern| pattern.count).sum();
        let total: f64 = self.patterns.iter().map(|pattern| pattern.count * pattern.mean_value).sum();
        starts_for_average(customers, total)
    }
}

/// Returns the starts of [`GammaGammaLikelihood::starts`] for `customers`
/// whose mean values add up to `total`.
pub(super) fn starts_for_average(customers: f64, total: f64) -> Vec<Vec<f64>> {
    let average = if customers > 0.0 { total / customers } else { 1.0 };
    [(1.0, 2.0), (5.0, 4.0), (0.5, 3.0)]
        .into_iter()
        .map(|(p, q): (f64, f64)| vec![p, q, average * (q - 1.0) / p])
        .collect()
}

/// Log-likelihood of one customer with `x` repeat purchase days of mean
/// value `m`.
///
/// The terms in `ln gamma`, `ln m`, `ln x` and `ln(gamma + x m)` of the
/// textbook form are regrouped as `-p x ln(1 + gamma / (x m)) - q ln(1 + x m
/// / gamma) - ln m`, which does not lose precision when `x m` is far from
/// gamma.
#[cfg(test)]
pub(super) fn customer_log_likelihood(p: f64, q: f64, gamma: f64, x: f64, m: f64) -> f64 {
    customer_log_likelihood_from(frequency_terms(p, q, x), p, q, gamma, x, m)
}

/// Computes the part of [`customer_log_likelihood`] that depends on x but not on m.
fn frequency_terms(p: f64, q: f64, x: f64) -> f64 {
    let px = p * x;
    ln_gamma(px + q) - ln_gamma(px) - ln_gamma(q)
}

/// Completes [`customer_log_likelihood`] from its [`frequency_terms`].
fn customer_log_likelihood_from(frequency_terms: f64, p: f64, q: f64, gamma: f64, x: f64, m: f64) -> f64 {
    let px = p * x;
    let value = x * m;
    frequency_terms - px * (gamma / value).ln_1p() - q * (value / gamma).ln_1p() - m.ln()
}

/// Gradient of [`customer_log_likelihood`] with respect to (p, q, gamma).
#[cfg(test)]
pub(super) fn customer_gradient(p: f64, q: f64, gamma: f64, x: f64, m: f64) -> [f64; 3] {
    customer_gradient_from(frequency_digammas(p, q, x), p, q, gamma, x, m)
}

/// Computes `digamma(p x + q)`, `digamma(p x)` and `digamma(q)`, which depend on x but not on m.
fn frequency_digammas(p: f64, q: f64, x: f64) -> [f64; 3] {
    let px = p * x;
    [digamma(px + q), digamma(px), digamma(q)]
}

/// Completes [`customer_gradient`] from its [`frequency_digammas`].
fn customer_gradient_from(digammas: [f64; 3], p: f64, q: f64, gamma: f64, x: f64, m: f64) -> [f64; 3] {
    let [digamma_sum, digamma_px, digamma_q] = digammas;
    let px = p * x;
    let value = x * m;
    [
        x * (digamma_sum - digamma_px - (gamma / value).ln_1p()),
        digamma_sum - digamma_q - (value / gamma).ln_1p(),
        q / gamma - (px + q) / (gamma + value),
    ]
}

impl LogLikelihood for GammaGammaLikelihood {
    fn dimension(&self) -> usize {
        3
    }

    fn log_likelihood(&self, params: &[f64]) -> f64 {
        let [p, q, gamma] = [params[0], params[1], params[2]];
        // Patterns are sorted by x, so each chunk computes the terms in x once per distinct x.
        sum_with_state(&self.patterns, |cache: &mut Option<(f64, f64)>, pattern| {
            let x = pattern.x;
            let terms = match *cache {
                Some((cached_x, terms)) if cached_x == x => terms,
                _ => {
                    let terms = frequency_terms(p, q, x);
                    *cache = Some((x, terms));
                    terms
                }
            };
            pattern.count * customer_log_likelihood_from(terms, p, q, gamma, x, pattern.mean_value)
        })
    }

    fn gradient(&self, params: &[f64]) -> Option<Vec<f64>> {
        let [p, q, gamma] = [params[0], params[1], params[2]];
        let total = sum_arrays_with_state(&self.patterns, |cache: &mut Option<(f64, [f64; 3])>, pattern| {
            let x = pattern.x;
            let digammas = match *cache {
                Some((cached_x, digammas)) if cached_x == x => digammas,
                _ => {
                    let digammas = frequency_digammas(p, q, x);
                    *cache = Some((x, digammas));
                    digammas
                }
            };
            customer_gradient_from(digammas, p, q, gamma, x, pattern.mean_value)
                .map(|term| pattern.count * term)
        });
        Some(total.to_vec())
    }
}
