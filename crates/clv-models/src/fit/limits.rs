//! Detection of estimates that ran to a limit of the parameter space.
//!
//! The search runs over `ln(params)` without bounds, so a parameter that the
//! data cannot identify drifts towards 0 or infinity until the likelihood is
//! flat enough to stop. A BG/NBD fit on customers who never drop out, for
//! example, ends with `a` near 0 and `r` and `alpha` in the millions. Such
//! an estimate is a limit, not an optimum, and its fit is not converged.

/// Largest factor by which an estimate may differ from the starting point of
/// the search, in either direction, before it counts as at a limit. The
/// starting points are set from the data's own scale (such as the mean
/// purchase rate or the mean spend), so a factor of 10,000 is far beyond
/// the estimates of real data sets.
pub(super) const LIMIT_FACTOR: f64 = 1e4;

/// Returns the indexes of the `params` that differ from `start` by more than
/// [`LIMIT_FACTOR`], or are not finite.
pub(crate) fn parameters_at_limit(params: &[f64], start: &[f64]) -> Vec<usize> {
    params
        .iter()
        .zip(start)
        .enumerate()
        .filter(|(_, (value, start))| {
            let ratio = *value / *start;
            !(ratio.is_finite() && (1.0 / LIMIT_FACTOR..=LIMIT_FACTOR).contains(&ratio))
        })
        .map(|(index, _)| index)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn estimates_near_start_are_inside() {
        assert!(parameters_at_limit(&[0.24, 30.9, 0.79, 2.43], &[1.0, 10.0, 1.0, 3.0]).is_empty());
    }

    #[test]
    fn drift_to_zero_or_infinity_is_a_limit() {
        // The BG/NBD estimates of 60 customers who buy every week and never drop out.
        let params = [1.87e7, 1.33e8, 1.0e-9, 6.09e5];

        assert_eq!(parameters_at_limit(&params, &[1.0, 7.0, 1.0, 3.0]), vec![0, 1, 2, 3]);
    }

    #[test]
    fn factor_bounds_are_inclusive() {
        assert!(parameters_at_limit(&[1e4, 1e-4], &[1.0, 1.0]).is_empty());
        assert_eq!(parameters_at_limit(&[2e4, f64::INFINITY], &[1.0, 1.0]), vec![0, 1]);
    }
}
