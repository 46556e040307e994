//! The trigamma function ψ'(z), the derivative of digamma.
//!
//! `statrs` 0.19 has digamma but no trigamma, which analytic Hessians of the
//! likelihoods with ln-gamma terms need.

/// Arguments at or above this use the asymptotic series directly. Its first
/// omitted term, 691 / (2730 z^13), is below 3e-13 of the value there.
const SERIES_MIN: f64 = 10.0;

/// Computes ψ'(z) for z > 0 by the recurrence `ψ'(z) = ψ'(z + 1) + 1 / z²`
/// up to z >= 10, then the asymptotic series
/// `1/z + 1/(2z²) + 1/(6z³) - 1/(30z⁵) + 1/(42z⁷) - 1/(30z⁹) + 5/(66z¹¹)`
/// (Abramowitz and Stegun 6.4.12). Returns NaN for z <= 0 or NaN.
pub(crate) fn trigamma(z: f64) -> f64 {
    if z.is_nan() || z <= 0.0 {
        return f64::NAN;
    }
    let mut z = z;
    let mut shifted = 0.0;
    while z < SERIES_MIN {
        shifted += 1.0 / (z * z);
        z += 1.0;
    }

    let inverse = 1.0 / z;
    let square = inverse * inverse;
    let tail = square * (-1.0 / 30.0 + square * (1.0 / 42.0 + square * (-1.0 / 30.0 + square * 5.0 / 66.0)));
    let series = inverse + square * (0.5 + inverse * (1.0 / 6.0 + tail));
    shifted + series
}

#[cfg(test)]
mod tests {
    use std::f64::consts::PI;

    use super::*;

    #[test]
    fn trigamma_matches_closed_forms() {
        // ψ'(1/2) = π²/2, ψ'(1) = π²/6 and ψ'(n + 1) = ψ'(n) - 1/n² (Abramowitz
        // and Stegun 6.4.4, 6.4.2 and 6.4.6). Tolerance 1e-13 relative.
        let pi_squared = PI * PI;
        let cases = [
            (0.5, pi_squared / 2.0),
            (1.0, pi_squared / 6.0),
            (2.0, pi_squared / 6.0 - 1.0),
            (3.0, pi_squared / 6.0 - 1.0 - 0.25),
            (1.5, pi_squared / 2.0 - 4.0),
        ];
        for (z, expected) in cases {
            let actual = trigamma(z);
            let error = (actual - expected).abs() / expected;
            assert!(
                error <= 1e-13,
                "trigamma({z}) = {actual}, expected {expected}, relative error {error:e}"
            );
        }
    }

    #[test]
    fn trigamma_matches_digamma_slope() {
        // Central difference of statrs' digamma with step 1e-5 z: truncation
        // and rounding stay below 1e-8 relative at these arguments.
        for z in [0.03, 0.7, 9.99, 10.0, 37.5, 640.0, 1e5] {
            let step = 1e-5 * z;
            let slope = (statrs::function::gamma::digamma(z + step)
                - statrs::function::gamma::digamma(z - step))
                / (2.0 * step);
            let actual = trigamma(z);
            let error = (actual - slope).abs() / slope;
            assert!(
                error <= 1e-8,
                "trigamma({z}) = {actual}, digamma slope {slope}, relative error {error:e}"
            );
        }
    }

    #[test]
    fn trigamma_outside_domain_is_nan() {
        assert!(trigamma(0.0).is_nan());
        assert!(trigamma(-1.5).is_nan());
        assert!(trigamma(f64::NAN).is_nan());
    }
}
