//! Starting points of the BG/NBD and MBG/NBD fits.

use crate::btyd::{Pattern, is_large, subsample_start};
use crate::fit::{SecondOrder, newton_ascent};

/// Bounds on the moment estimate of `r`, so that a start stays in the region
/// where the likelihood is well behaved even when the moments are noisy.
const MIN_START_SHAPE: f64 = 0.05;
const MAX_START_SHAPE: f64 = 20.0;

/// Approximate number of patterns in the subsample of [`newton_subsample_start`].
const SUBSAMPLE_SIZE: usize = 10_000;

/// Returns `starts` unchanged for fits that are not large (see
/// [`is_large`]), else the best optimum of Newton's method from each start
/// on every k-th pattern, about [`SUBSAMPLE_SIZE`] of them. Patterns are
/// sorted by frequency, so every k-th pattern keeps the mix of frequencies.
///
/// Each Newton run needs a few dozen passes over the subsample, where the
/// L-BFGS search of [`subsample_start`] needs hundreds. When no run
/// converges, the start comes from [`subsample_start`].
pub(crate) fn newton_subsample_start<L: SecondOrder>(
    patterns: &[Pattern],
    starts: Vec<Vec<f64>>,
    likelihood: impl Fn(Vec<Pattern>) -> L,
) -> Vec<Vec<f64>> {
    if !is_large(patterns.len()) {
        return starts;
    }
    let step = patterns.len() / SUBSAMPLE_SIZE;
    let sample = likelihood(patterns.iter().step_by(step).copied().collect());
    let best = starts
        .iter()
        .filter_map(|start| newton_ascent(&sample, start))
        .filter(|fit| fit.converged)
        .max_by(|left, right| left.log_likelihood.total_cmp(&right.log_likelihood));
    match best {
        Some(fit) => {
            log::debug!("start from Newton's method on every {step}th pattern: {:?}", fit.params);
            vec![fit.params]
        }
        None => {
            log::debug!(
                "Newton's method on every {step}th pattern did not converge from any start, so L-BFGS picks the start"
            );
            subsample_start(patterns, starts, likelihood)
        }
    }
}

/// Returns starting points `[r, alpha, a, b]`: two with the purchase-rate
/// distribution matched to moments of the customers' rates `x / T`, one
/// with that distribution's mean but shape 1, and the fixed point `[1, 1, 1, 1]`.
///
/// The moment match ignores dropout, so it underestimates the rates of
/// active customers, which is good enough for a start.
pub(crate) fn starting_points(patterns: &[Pattern]) -> Vec<Vec<f64>> {
    let mut starts = Vec::new();
    if let Some(moments) = RateMoments::of(patterns) {
        if let Some((r, alpha)) = moments.gamma() {
            starts.push(vec![r, alpha, 1.0, 3.0]);
            starts.push(vec![r, alpha, 0.5, 1.5]);
        }
        starts.push(vec![1.0, 1.0 / moments.mean, 1.0, 1.0]);
    }
    starts.push(vec![1.0, 1.0, 1.0, 1.0]);
    starts
}

/// Moments of the observed repeat rates `x / T` of customers with `T > 0`.
#[derive(Clone, Copy, Debug, PartialEq)]
struct RateMoments {
    /// Mean of `x / T`, positive.
    mean: f64,
    /// Variance of `x / T`.
    variance: f64,
    /// Mean of `x / T^2`, which estimates the Poisson part of the variance,
    /// `E[λ / T]`, because `E[x | λ] = λ T`.
    poisson_variance: f64,
}

impl RateMoments {
    /// Computes the moments, or returns `None` when no customer with `T > 0`
    /// made a repeat purchase.
    fn of(patterns: &[Pattern]) -> Option<RateMoments> {
        let (mut count, mut sum, mut sum_squares, mut sum_poisson) = (0.0, 0.0, 0.0, 0.0);
        for pattern in patterns.iter().filter(|pattern| pattern.rfm.t > 0.0) {
            let Pattern { rfm, count: weight } = *pattern;
            let rate = rfm.x / rfm.t;
            count += weight;
            sum += weight * rate;
            sum_squares += weight * rate * rate;
            sum_poisson += weight * rate / rfm.t;
        }
        let mean = sum / count;
        if !(mean.is_finite() && mean > 0.0) {
            return None;
        }
        Some(RateMoments {
            mean,
            variance: sum_squares / count - mean * mean,
            poisson_variance: sum_poisson / count,
        })
    }

    /// Returns `(r, alpha)` of the gamma distribution with this mean and the
    /// variance left after the Poisson part, with `r` clamped to
    /// [`MIN_START_SHAPE`, `MAX_START_SHAPE`]; `None` when nothing is left.
    fn gamma(&self) -> Option<(f64, f64)> {
        let rate_variance = self.variance - self.poisson_variance;
        if !(rate_variance.is_finite() && rate_variance > 0.0) {
            return None;
        }
        let r = (self.mean * self.mean / rate_variance).clamp(MIN_START_SHAPE, MAX_START_SHAPE);
        Some((r, r / self.mean))
    }
}
