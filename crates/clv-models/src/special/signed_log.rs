//! Real numbers stored as a sign and the logarithm of the magnitude.

/// A real number `sign * exp(ln_abs)`, with sign -1, 0 or +1; zero has
/// sign 0 and `ln_abs` = -inf.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct SignedLog {
    pub ln_abs: f64,
    pub sign: f64,
}

impl SignedLog {
    pub const ZERO: Self = Self { ln_abs: f64::NEG_INFINITY, sign: 0.0 };
    pub const ONE: Self = Self { ln_abs: 0.0, sign: 1.0 };

    /// The positive number exp(ln_abs).
    pub fn positive(ln_abs: f64) -> Self {
        Self { ln_abs, sign: 1.0 }
    }

    /// Converts a plain number.
    pub fn from_value(value: f64) -> Self {
        if value == 0.0 { Self::ZERO } else { Self { ln_abs: value.abs().ln(), sign: value.signum() } }
    }

    pub fn is_zero(self) -> bool {
        self.sign == 0.0
    }

    pub fn mul(self, other: Self) -> Self {
        if self.is_zero() || other.is_zero() {
            return Self::ZERO;
        }
        Self { ln_abs: self.ln_abs + other.ln_abs, sign: self.sign * other.sign }
    }

    /// Divides by a non-zero number.
    pub fn div(self, other: Self) -> Self {
        self.mul(other.recip())
    }

    /// Returns 1/self for a non-zero number.
    pub fn recip(self) -> Self {
        Self { ln_abs: -self.ln_abs, sign: self.sign }
    }

    /// Multiplies by exp(ln_factor).
    pub fn scale(self, ln_factor: f64) -> Self {
        if self.is_zero() { self } else { Self { ln_abs: self.ln_abs + ln_factor, sign: self.sign } }
    }

    /// Adds two numbers without overflow; an exact cancellation gives zero.
    pub fn add(self, other: Self) -> Self {
        if other.is_zero() {
            return self;
        }
        if self.is_zero() {
            return other;
        }
        let (high, low) = if self.ln_abs >= other.ln_abs { (self, other) } else { (other, self) };
        let relative = high.sign * low.sign * (low.ln_abs - high.ln_abs).exp();
        let factor = 1.0 + relative;
        if factor == 0.0 {
            return Self::ZERO;
        }
        Self { ln_abs: high.ln_abs + relative.ln_1p(), sign: high.sign * factor.signum() }
    }
}
