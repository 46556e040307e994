//! Choosing the start of a large fit on a subsample of its patterns.
//!
//! A fit runs L-BFGS from every start and then once more from the best
//! optimum. On hundreds of thousands of patterns each run costs many full
//! passes, most of them far from the optimum. Above [`SUBSAMPLE_ABOVE`]
//! patterns the starts are first run on an evenly spaced subsample, and the
//! full fit runs from the subsample's optimum alone, which is usually within
//! a few percent of the full optimum.

use super::Pattern;
use crate::fit::{LogLikelihood, maximise};

/// Number of patterns above which the starts are chosen on a subsample.
const SUBSAMPLE_ABOVE: usize = 20_000;

/// Returns whether a fit on `count` patterns or customers is large enough
/// for a subsample start and Newton steps at the end.
pub fn is_large(count: usize) -> bool {
    count > SUBSAMPLE_ABOVE
}

/// Approximate number of patterns in the subsample.
const SUBSAMPLE_SIZE: usize = 10_000;

/// Returns `starts` unchanged for at most [`SUBSAMPLE_ABOVE`] patterns, else
/// the optimum of a fit from `starts` on every k-th pattern, built into a
/// likelihood by `likelihood`.
///
/// Patterns are sorted by frequency, so every k-th pattern keeps the mix of
/// frequencies. When the subsample fit fails, the original starts are returned.
/// NOTE: the full fit then has one start, so a second local optimum that the
/// subsample misses is not searched on the full data.
pub fn subsample_start<L: LogLikelihood>(
    patterns: &[Pattern],
    starts: Vec<Vec<f64>>,
    likelihood: impl FnOnce(Vec<Pattern>) -> L,
) -> Vec<Vec<f64>> {
    if !is_large(patterns.len()) {
        return starts;
    }
    let step = patterns.len() / SUBSAMPLE_SIZE;
    let sample: Vec<Pattern> = patterns.iter().step_by(step).copied().collect();
    match maximise(&likelihood(sample), &starts) {
        Ok(fit) => {
            log::debug!("start from a subsample of every {step}th pattern: {:?}", fit.params);
            vec![fit.params]
        }
        Err(error) => {
            log::debug!("the subsample fit failed ({error}); the full fit uses every start");
            starts
        }
    }
}
