//! Summation of the Gauss series Σ (α)_n (β)_n / ((γ)_n n!) x^n.

use super::scaled::{ScaledSum, ScaledTerm};
use crate::special::gamma::is_non_positive_integer;
use crate::special::signed_log::SignedLog;

/// The summation stops once the bound on the remaining terms falls below
/// this fraction of the partial sum, a little under half an ulp.
const TAIL_TOLERANCE: f64 = 1e-17;

/// The result of a summation.
#[derive(Debug, Clone, Copy)]
pub(super) struct SeriesSum {
    pub value: SignedLog,
    /// The sum of the absolute values of the terms.
    pub abs_sum: SignedLog,
    pub terms: usize,
}

/// The series Σ t_n with t_0 = 1 and t_{n+1} / t_n = (α + n)(β + n) / ((γ + n)(n + 1)) · x,
/// for |x| < 1 and γ not a non-positive integer.
#[derive(Debug, Clone, Copy)]
pub(super) struct Series {
    pub alpha: f64,
    pub beta: f64,
    pub gamma: f64,
    pub x: f64,
    /// 1 - |x|, passed in exactly where x is close to ±1.
    pub one_minus_abs_x: f64,
}

impl Series {
    pub(super) fn ratio(&self, n: f64) -> f64 {
        ((self.alpha + n) / (self.gamma + n)) * ((self.beta + n) / (n + 1.0)) * self.x
    }

    /// Returns the first index from which every factor of the ratio is
    /// positive apart from the sign of x, so that [`Series::ratio_bound`] applies.
    pub(super) fn tail_start(&self) -> f64 {
        0f64.max(-self.alpha).max(-self.beta).max(-self.gamma).ceil()
    }

    /// Returns a bound on |t_{k+1} / t_k| for every k >= n >= [`Series::tail_start`].
    ///
    /// With p = α + β - γ - 1 and q = αβ - γ,
    /// t_{k+1} / t_k = x (1 + (p k + q) / ((k + γ)(k + 1))). For p > 0 the
    /// fraction is at most p/(n + γ) + q⁺/((n + γ)(n + 1)), and for p <= 0 at
    /// most (p n + q)⁺/((n + γ)(n + 1)).
    pub(super) fn ratio_bound(&self, n: f64) -> f64 {
        let p = self.alpha + self.beta - self.gamma - 1.0;
        let q = self.alpha * self.beta - self.gamma;
        let shifted = n + self.gamma;
        if shifted <= 0.0 {
            return f64::INFINITY;
        }
        let excess = if p > 0.0 {
            p / shifted + q.max(0.0) / (shifted * (n + 1.0))
        } else {
            (p * n + q).max(0.0) / (shifted * (n + 1.0))
        };
        self.x.abs() * (1.0 + excess)
    }

    /// Returns the index after which the terms decrease: the larger root of
    /// |x| (α + n)(β + n) = (γ + n)(n + 1), or [`Series::tail_start`] when larger.
    fn peak_index(&self) -> f64 {
        let (alpha, beta, gamma) = (self.alpha, self.beta, self.gamma);
        let x = self.x.abs();
        let w = self.one_minus_abs_x;

        // x (α + n)(β + n) - (γ + n)(n + 1) = -w n² + b n + c.
        let b = x * (alpha + beta) - gamma - 1.0;
        let c = x * alpha * beta - gamma;
        let root = (b * b + 4.0 * w * c).sqrt();
        let largest = if !root.is_finite() {
            0.0
        } else if b >= 0.0 {
            (b + root) / (2.0 * w)
        } else {
            2.0 * c / (root - b)
        };
        self.tail_start().max(largest.ceil())
    }

    /// Estimates how many terms [`Series::sum`] takes: the peak index plus
    /// the terms until the product of the ratios past it falls below e^-40.
    /// It orders the methods by cost and need not be exact.
    pub(super) fn estimated_terms(&self) -> f64 {
        if self.x == 0.0 {
            return 1.0;
        }
        let ends_at = [self.alpha, self.beta]
            .into_iter()
            .filter(|&parameter| is_non_positive_integer(parameter))
            .map(|parameter| 1.0 - parameter)
            .fold(f64::INFINITY, f64::min);

        // The ratio at the end of each doubling step stands for the step.
        let mut n = self.peak_index();
        let mut ln_decay = 0.0;
        let mut step = 1.0;
        while n < ends_at && step < 1e18 {
            ln_decay += step * self.ratio(n + step).abs().ln();
            n += step;
            if ln_decay <= -40.0 {
                break;
            }
            step *= 2.0;
        }
        n.min(ends_at)
    }

    /// Sums the series to convergence.
    ///
    /// # Errors
    /// Returns the number of terms added when the sum has not converged
    /// within `max_terms` terms or a term overflows.
    pub(super) fn sum(&self, max_terms: usize) -> Result<SeriesSum, usize> {
        if self.tail_start() >= max_terms as f64 {
            return Err(0);
        }
        self.sum_until(max_terms, true)
    }

    /// Sums the first `count` terms t_0 … t_{count-1}.
    pub(super) fn sum_first(&self, count: usize) -> SeriesSum {
        self.sum_until(count, false).unwrap_or_else(|terms| SeriesSum {
            value: SignedLog::ZERO,
            abs_sum: SignedLog::positive(f64::INFINITY),
            terms,
        })
    }

    /// Adds terms until the tail bound holds, when `converge` is set, or
    /// else `count` terms.
    fn sum_until(&self, count: usize, converge: bool) -> Result<SeriesSum, usize> {
        let tail_start = self.tail_start();
        let mut total = ScaledSum::new();
        let mut term = ScaledTerm::ONE;
        let mut added = 0;

        while added < count {
            total.add(term);
            added += 1;
            if added == count {
                break;
            }

            let ratio = self.ratio((added - 1) as f64);
            if ratio == 0.0 {
                // A numerator parameter is a non-positive integer: the series ends here.
                break;
            }
            term = term.times(ratio);
            if !term.is_finite() {
                return Err(added);
            }

            // The terms after t_added sum to at most |t_added| B / (1 - B).
            let index = added as f64;
            if converge && index >= tail_start {
                let bound = self.ratio_bound(index);
                let tail_factor = if bound < 1.0 { bound / (1.0 - bound) } else { f64::INFINITY };
                if total.relative_size(term) * tail_factor <= TAIL_TOLERANCE {
                    total.add(term);
                    added += 1;
                    return Ok(self.finish(total, added));
                }
            }
        }

        if converge && added == count { Err(added) } else { Ok(self.finish(total, added)) }
    }

    fn finish(&self, total: ScaledSum, terms: usize) -> SeriesSum {
        SeriesSum { value: total.value(), abs_sum: total.abs_value(), terms }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(value: SignedLog) -> f64 {
        value.sign * value.ln_abs.exp()
    }

    fn geometric(x: f64) -> Series {
        // (1)_n (1)_n / ((1)_n n!) = 1, so the series is 1/(1 - x).
        Series { alpha: 1.0, beta: 1.0, gamma: 1.0, x, one_minus_abs_x: 1.0 - x.abs() }
    }

    #[test]
    fn geometric_series_sum() {
        let sum = geometric(0.5).sum(1000).unwrap();
        assert!((plain(sum.value) - 2.0).abs() < 1e-15);
        let sum = geometric(-0.5).sum(1000).unwrap();
        assert!((plain(sum.value) - 2.0 / 3.0).abs() < 1e-15);
        assert!((plain(sum.abs_sum) - 2.0).abs() < 1e-15);
    }

    #[test]
    fn terminating_series_stops() {
        // (1 - x)^2 = 1 - 2x + x², which is 2F1(-2, 1; 1; x).
        let series = Series { alpha: -2.0, beta: 1.0, gamma: 1.0, x: 0.3, one_minus_abs_x: 0.7 };
        let sum = series.sum(1000).unwrap();
        assert_eq!(sum.terms, 3);
        assert!((plain(sum.value) - 0.49).abs() < 1e-15);
    }

    #[test]
    fn partial_sum_counts_terms() {
        let sum = geometric(0.5).sum_first(3);
        assert_eq!(sum.terms, 3);
        assert!((plain(sum.value) - 1.75).abs() < 1e-15);
    }

    #[test]
    fn budget_exhaustion_is_reported() {
        assert!(geometric(1.0 - 1e-9).sum(1000).is_err());
    }

    #[test]
    fn huge_terms_are_rescaled() {
        // 2F1(600, 600; 1; 0.9) exceeds 1e308 by far.
        let series = Series { alpha: 600.0, beta: 600.0, gamma: 1.0, x: 0.9, one_minus_abs_x: 0.1 };
        let sum = series.sum(1_000_000).unwrap();
        assert!(sum.value.ln_abs > 709.0, "{:?}", sum.value);
        assert!(sum.value.ln_abs.is_finite());
        assert_eq!(sum.value.sign, 1.0);
    }
}
