//! Special functions of the buy-till-you-die likelihoods and predictions.
//!
//! ln-gamma and ln-beta come from `statrs`. The Gauss hypergeometric
//! function 2F1 is written here because no well-kept Rust crate provides it
//! for real parameters with the accuracy near z = 1 that these models need.

mod gamma;
mod hyp2f1;
mod signed_log;
mod trigamma;

pub use hyp2f1::{Hyp2f1Error, hyp2f1, ln_hyp2f1};
pub(crate) use trigamma::trigamma;

/// Natural logarithm of the gamma function, for x > 0.
pub fn ln_gamma(x: f64) -> f64 {
    statrs::function::gamma::ln_gamma(x)
}

/// Natural logarithm of the beta function B(a, b), for a, b > 0.
pub fn ln_beta(a: f64, b: f64) -> f64 {
    ln_gamma(a) + ln_gamma(b) - ln_gamma(a + b)
}

/// Returns ln(e^a + e^b) without overflow.
pub fn log_sum_exp(a: f64, b: f64) -> f64 {
    if a == f64::NEG_INFINITY {
        return b;
    }
    if b == f64::NEG_INFINITY {
        return a;
    }
    let high = a.max(b);
    high + (-(a - b).abs()).exp().ln_1p()
}

/// Returns ln(e^a - e^b) for a >= b; negative infinity when a == b.
pub fn log_diff_exp(a: f64, b: f64) -> f64 {
    if b == f64::NEG_INFINITY {
        return a;
    }
    a + (-(-(a - b)).exp_m1()).ln()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ln_beta_closed_form() {
        // B(2, 3) = 1! 2! / 4! = 1 / 12.
        assert!((ln_beta(2.0, 3.0) - (1.0f64 / 12.0).ln()).abs() < 1e-14);
    }

    #[test]
    fn log_sum_and_diff_exp() {
        let (a, b) = (3.0f64.ln(), 2.0f64.ln());
        assert!((log_sum_exp(a, b) - 5.0f64.ln()).abs() < 1e-15);
        assert!((log_diff_exp(a, b) - 0.0).abs() < 1e-15);
        assert_eq!(log_diff_exp(a, a), f64::NEG_INFINITY);
        assert!((log_sum_exp(1000.0, 1000.0) - (1000.0 + 2.0f64.ln())).abs() < 1e-12);
    }
}
