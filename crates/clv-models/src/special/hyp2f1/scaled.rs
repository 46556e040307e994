//! Terms and sums with a separate binary exponent, for series whose terms
//! pass 1e308 or fall below 1e-308 and come back.

use crate::special::signed_log::SignedLog;

/// Mantissas are kept within [2^-500, 2^500], so tiny terms are rescaled
/// instead of underflowing, and large ones leave room for the next product.
const SCALE_UP: f64 = 3.273_390_607_896_142e150;
const SCALE_DOWN: f64 = 3.054_936_363_499_605e-151;

/// ln(2^500).
const LN_SCALE: f64 = 346.573_590_279_972_6;

/// Returns `x * 2^(500 steps)`, or zero when that is far below the f64 range.
fn shift(x: f64, steps: i64) -> f64 {
    match steps {
        0 => x,
        1 => x * SCALE_UP,
        -1 => x * SCALE_DOWN,
        -2 => x * SCALE_DOWN * SCALE_DOWN,
        steps if steps < 0 => 0.0,
        _ => f64::INFINITY * x.signum(),
    }
}

/// The number `mantissa * 2^(500 exponent)`.
#[derive(Debug, Clone, Copy)]
pub(super) struct ScaledTerm {
    mantissa: f64,
    exponent: i64,
}

impl ScaledTerm {
    pub(super) const ONE: Self = Self { mantissa: 1.0, exponent: 0 };

    /// Multiplies by a factor. The mantissa stays below 2^500 (about 3e150),
    /// so the product overflows only for factors beyond about 5e157.
    pub(super) fn times(self, factor: f64) -> Self {
        let mut scaled = Self { mantissa: self.mantissa * factor, exponent: self.exponent };
        while scaled.mantissa.is_finite() && scaled.mantissa.abs() > SCALE_UP {
            scaled.mantissa *= SCALE_DOWN;
            scaled.exponent += 1;
        }
        while scaled.mantissa != 0.0 && scaled.mantissa.abs() < SCALE_DOWN {
            scaled.mantissa *= SCALE_UP;
            scaled.exponent -= 1;
        }
        scaled
    }

    pub(super) fn is_finite(&self) -> bool {
        self.mantissa.is_finite()
    }
}

/// A running sum of scaled terms with the sum of their absolute values,
/// which measures the cancellation in the sum.
#[derive(Debug, Clone, Copy)]
pub(super) struct ScaledSum {
    sum: f64,
    abs_sum: f64,
    exponent: i64,
}

impl ScaledSum {
    pub(super) fn new() -> Self {
        Self { sum: 0.0, abs_sum: 0.0, exponent: 0 }
    }

    pub(super) fn add(&mut self, term: ScaledTerm) {
        self.add_with_magnitude(term, term);
    }

    /// Adds `term` to the sum and |magnitude| >= |term| to the sum of
    /// absolute values, for a term that is itself the result of a
    /// cancellation between parts of that magnitude.
    pub(super) fn add_with_magnitude(&mut self, term: ScaledTerm, magnitude: ScaledTerm) {
        if magnitude.mantissa == 0.0 {
            return;
        }
        if self.abs_sum == 0.0 {
            self.exponent = magnitude.exponent;
        } else if magnitude.exponent > self.exponent {
            let steps = self.exponent - magnitude.exponent;
            self.sum = shift(self.sum, steps);
            self.abs_sum = shift(self.abs_sum, steps);
            self.exponent = magnitude.exponent;
        }
        self.sum += shift(term.mantissa, term.exponent - self.exponent);
        self.abs_sum += shift(magnitude.mantissa, magnitude.exponent - self.exponent).abs();
    }

    /// Returns |term| / |sum|, infinite for a zero sum.
    pub(super) fn relative_size(&self, term: ScaledTerm) -> f64 {
        shift(term.mantissa, term.exponent - self.exponent).abs() / self.sum.abs()
    }

    pub(super) fn value(&self) -> SignedLog {
        SignedLog::from_value(self.sum).scale(self.exponent as f64 * LN_SCALE)
    }

    pub(super) fn abs_value(&self) -> SignedLog {
        SignedLog::from_value(self.abs_sum).scale(self.exponent as f64 * LN_SCALE)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn term_survives_deep_underflow_and_recovers() {
        let mut term = ScaledTerm::ONE;
        for _ in 0..100 {
            term = term.times(1e-100);
        }
        for _ in 0..100 {
            term = term.times(1e100);
        }
        assert!((term.mantissa * shift(1.0, term.exponent) - 1.0).abs() < 1e-12);
    }

    #[test]
    fn sum_follows_the_largest_terms() {
        let mut sum = ScaledSum::new();
        let mut term = ScaledTerm::ONE;
        sum.add(term);
        for _ in 0..6 {
            term = term.times(1e150);
        }
        sum.add(term);
        let value = sum.value();
        let expected = 900.0 * 10f64.ln();
        assert!((value.ln_abs - expected).abs() < 1e-14 * expected, "{value:?}");
        assert!(sum.relative_size(ScaledTerm::ONE) == 0.0);
    }
}
