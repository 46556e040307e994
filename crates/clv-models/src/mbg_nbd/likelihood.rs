//! The MBG/NBD log-likelihood over compressed patterns, with its analytic gradient.

use statrs::function::gamma::digamma;

use crate::btyd::{Pattern, Rfm, TransactionProcess};
use crate::fit::LogLikelihood;
use crate::special::log_sum_exp;

use super::process::MbgNbdProcess;

/// The MBG/NBD log-likelihood of a set of customers, with parameters
/// `[r, alpha, a, b]`. Each pattern's log-likelihood counts `count` times.
#[derive(Clone, Debug, PartialEq)]
pub struct MbgNbdLikelihood {
    patterns: Vec<Pattern>,
}

impl MbgNbdLikelihood {
    /// Creates the likelihood of the customers summarised by `patterns`.
    pub fn new(patterns: Vec<Pattern>) -> MbgNbdLikelihood {
        MbgNbdLikelihood { patterns }
    }

    /// Returns the patterns the likelihood sums over.
    pub fn patterns(&self) -> &[Pattern] {
        &self.patterns
    }
}

impl LogLikelihood for MbgNbdLikelihood {
    fn dimension(&self) -> usize {
        4
    }

    fn log_likelihood(&self, params: &[f64]) -> f64 {
        let process = MbgNbdProcess::from_params(params);
        self.patterns.iter().map(|pattern| pattern.count * process.log_likelihood(pattern.rfm)).sum()
    }

    /// Differentiates `ln L = A + ln(e^S + e^D)` term by term, with
    /// `A = ln Γ(r + x) - ln Γ(r) + ln B(a, b + x + 1) - ln B(a, b)`,
    /// `S = r ln α - (r + x) ln(α + T)` and
    /// `D = ln a - ln(b + x) + r ln α - (r + x) ln(α + t_x)`.
    /// The log-sum-exp passes on the derivatives of `S` and `D` weighted by
    /// their shares `π_S` and `π_D = 1 - π_S` of the likelihood.
    fn gradient(&self, params: &[f64]) -> Option<Vec<f64>> {
        let process = MbgNbdProcess::from_params(params);
        let mut gradient = vec![0.0; 4];
        for pattern in &self.patterns {
            let customer = customer_gradient(&process, pattern.rfm);
            for (total, term) in gradient.iter_mut().zip(customer) {
                *total += pattern.count * term;
            }
        }
        Some(gradient)
    }
}

/// Returns the gradient of one customer's log-likelihood with respect to `[r, alpha, a, b]`.
fn customer_gradient(process: &MbgNbdProcess, rfm: Rfm) -> [f64; 4] {
    let MbgNbdProcess { r, alpha, a, b } = *process;
    let Rfm { x, t_x, t } = rfm;

    let (alive, dropped) = process.ln_alive_and_dropped(rfm);
    let dropped_share = (dropped - log_sum_exp(alive, dropped)).exp();
    let alive_share = 1.0 - dropped_share;

    let d_r = digamma(r + x)
        - digamma(r)
        - alive_share * (t / alpha).ln_1p()
        - dropped_share * (t_x / alpha).ln_1p();
    let d_alpha = r / alpha - (r + x) * (alive_share / (alpha + t) + dropped_share / (alpha + t_x));
    let d_a_common = digamma(a + b) - digamma(a + b + x + 1.0);
    let d_a = d_a_common + dropped_share / a;
    let d_b = d_a_common + digamma(b + x + 1.0) - digamma(b) - dropped_share / (b + x);
    [d_r, d_alpha, d_a, d_b]
}
