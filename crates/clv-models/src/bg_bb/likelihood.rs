//! Total BG/BB log-likelihood of compressed patterns, for the optimiser.

use crate::btyd::Pattern;
use crate::fit::LogLikelihood;

use super::process::{BgBbProcess, Opportunities};

/// Total BG/BB log-likelihood of patterns over (alpha, beta, gamma, delta).
///
/// Each pattern's x, t_x and n are read as whole opportunities, as
/// [`BgBbProcess`] reads them. A pattern with `x > t_x` or `t_x > n` makes
/// the likelihood NaN.
#[derive(Clone, Debug)]
pub struct BgBbLikelihood {
    patterns: Vec<Pattern>,
}

impl BgBbLikelihood {
    /// Creates the likelihood of `patterns`.
    pub fn new(patterns: Vec<Pattern>) -> BgBbLikelihood {
        BgBbLikelihood { patterns }
    }

    /// Starting points for the optimiser: mean purchase and dropout
    /// probabilities of 1/2 with two different spreads, and frequent buyers
    /// who rarely drop out.
    pub fn starts() -> Vec<Vec<f64>> {
        vec![vec![1.0, 1.0, 1.0, 1.0], vec![0.5, 0.5, 0.5, 0.5], vec![2.0, 1.0, 0.5, 3.0]]
    }
}

impl LogLikelihood for BgBbLikelihood {
    fn dimension(&self) -> usize {
        4
    }

    fn log_likelihood(&self, params: &[f64]) -> f64 {
        let process = BgBbProcess::from_params(params);
        self.patterns
            .iter()
            .map(|pattern| match Opportunities::of(pattern.rfm) {
                Some(customer) => pattern.count * process.ln_likelihood(customer),
                None => f64::NAN,
            })
            .sum()
    }

    fn gradient(&self, params: &[f64]) -> Option<Vec<f64>> {
        let process = BgBbProcess::from_params(params);
        let mut total = vec![0.0; 4];
        for pattern in &self.patterns {
            let gradient = match Opportunities::of(pattern.rfm) {
                Some(customer) => process.ln_likelihood_gradient(customer),
                None => [f64::NAN; 4],
            };
            for (sum, component) in total.iter_mut().zip(gradient) {
                *sum += pattern.count * component;
            }
        }
        Some(total)
    }
}
