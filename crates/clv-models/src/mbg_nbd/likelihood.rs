//! The MBG/NBD log-likelihood over compressed patterns, with its analytic
//! gradient and Hessian.

use crate::bg_nbd::{PatternTables, Variant, four_params};
use crate::btyd::Pattern;
use crate::fit::{Derivatives, LogLikelihood, SecondOrder};

/// The MBG/NBD log-likelihood of a set of customers, with parameters
/// `[r, alpha, a, b]`. Each pattern's log-likelihood counts `count` times.
///
/// It is computed in the separated form of the BG/NBD likelihood, with
/// `ln B(a, b + x + 1)` in place of `ln B(a, b + x)` and the dropout odds
/// `a / (b + x)`, which apply at `x = 0` too.
#[derive(Clone, Debug, PartialEq)]
pub struct MbgNbdLikelihood {
    patterns: Vec<Pattern>,
    tables: PatternTables,
}

impl MbgNbdLikelihood {
    /// Creates the likelihood of the customers summarised by `patterns`.
    ///
    /// # Panics
    ///
    /// Panics if a frequency `x` is not a whole number below `u32::MAX`, as
    /// frequencies from [`crate::btyd::compress`] always are.
    pub fn new(patterns: Vec<Pattern>) -> MbgNbdLikelihood {
        let tables = PatternTables::new(&patterns, Variant::MbgNbd);
        MbgNbdLikelihood { patterns, tables }
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

impl SecondOrder for MbgNbdLikelihood {
    fn derivatives(&self, params: &[f64]) -> Option<Derivatives> {
        Some(self.tables.evaluate(four_params(params)?).into())
    }
}
