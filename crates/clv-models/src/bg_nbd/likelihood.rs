//! The BG/NBD log-likelihood over compressed patterns, with its analytic
//! gradient and Hessian.

use crate::btyd::Pattern;
use crate::fit::{Derivatives, LogLikelihood, SecondOrder};

use super::tables::{PatternTables, Variant};

/// The BG/NBD log-likelihood of a set of customers, with parameters
/// `[r, alpha, a, b]`. Each pattern's log-likelihood counts `count` times.
///
/// The patterns are regrouped once, when the likelihood is built, so that
/// an evaluation computes the terms in x once per distinct frequency and
/// the logarithms of `α + T` and `α + t_x` once per distinct duration
/// (see `separated.rs`).
#[derive(Clone, Debug, PartialEq)]
pub struct BgNbdLikelihood {
    patterns: Vec<Pattern>,
    tables: PatternTables,
}

impl BgNbdLikelihood {
    /// Creates the likelihood of the customers summarised by `patterns`.
    ///
    /// # Panics
    ///
    /// Panics if a frequency `x` is not a whole number below `u32::MAX`, as
    /// frequencies from [`crate::btyd::compress`] always are.
    pub fn new(patterns: Vec<Pattern>) -> BgNbdLikelihood {
        let tables = PatternTables::new(&patterns, Variant::BgNbd);
        BgNbdLikelihood { patterns, tables }
    }

    /// Returns the patterns the likelihood sums over.
    pub fn patterns(&self) -> &[Pattern] {
        &self.patterns
    }
}

/// Returns `params` as an array, or `None` when it does not have four entries.
pub(crate) fn four_params(params: &[f64]) -> Option<[f64; 4]> {
    <[f64; 4]>::try_from(params).ok()
}

impl LogLikelihood for BgNbdLikelihood {
    fn dimension(&self) -> usize {
        4
    }

    /// Returns NaN when `params` does not have four entries.
    fn log_likelihood(&self, params: &[f64]) -> f64 {
        four_params(params).map_or(f64::NAN, |params| self.tables.log_likelihood(params))
    }

    fn gradient(&self, params: &[f64]) -> Option<Vec<f64>> {
        Some(self.derivatives(params)?.gradient)
    }

    fn hessian(&self, params: &[f64]) -> Option<Vec<Vec<f64>>> {
        Some(self.derivatives(params)?.hessian)
    }
}

impl SecondOrder for BgNbdLikelihood {
    fn derivatives(&self, params: &[f64]) -> Option<Derivatives> {
        Some(self.tables.evaluate(four_params(params)?).into())
    }
}
