//! Conversions between the `Decimal` money of summaries and predictions and
//! the `f64` of model maths.

use clv_core::{Decimal, ModelError, money_from_f64};
use rust_decimal::RoundingStrategy;
use rust_decimal::prelude::ToPrimitive;

/// Decimal places of every money figure a built-in model returns, the same as
/// [`money_from_f64`].
const MONEY_DECIMAL_PLACES: u32 = 4;

/// Powers of ten that are exact in `f64`, 10^0 to 10^22.
const EXACT_POWERS_OF_TEN: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18,
    1e19, 1e20, 1e21, 1e22,
];

/// 2^64, the weight of the high 32 bits of a `Decimal` mantissa.
const TWO_TO_64: f64 = 18_446_744_073_709_551_616.0;

/// Converts a money amount to `f64` for model maths.
///
/// Divides the 96-bit integer mantissa by the power of ten of the scale.
/// When the mantissa is below 2^53 the result is the correctly rounded
/// value. Otherwise (such as the 28 digits of a mean from a `Decimal`
/// division) it takes up to three roundings and is within 2 ulp of it.
/// This is hand-written because `rust_decimal`'s `to_f64` (1.43) divides
/// 128-bit integers, which costs tens of milliseconds on a million
/// customers. Scales above 22, whose power of ten is not exact in `f64`,
/// go through `to_f64`.
///
/// Returns NaN if the conversion fails, so that the final check of each
/// figure ([`money_for_customer`] or the fit's finiteness check) reports it.
pub(crate) fn decimal_to_f64(value: Decimal) -> f64 {
    // `serialize` is the documented layout: flags, then the mantissa's low,
    // middle and high 32 bits, each little-endian. Flags hold the scale in
    // bits 16 to 23 and the sign in bit 31.
    let bytes = value.serialize();
    let word = |index: usize| {
        u32::from_le_bytes([bytes[index], bytes[index + 1], bytes[index + 2], bytes[index + 3]])
    };
    let flags = word(0);
    let scale = ((flags >> 16) & 0xFF) as usize;
    let Some(&power) = EXACT_POWERS_OF_TEN.get(scale) else {
        return value.to_f64().unwrap_or(f64::NAN);
    };

    let low = (u64::from(word(8)) << 32) | u64::from(word(4));
    let high = word(12);
    let mantissa = if high == 0 { low as f64 } else { f64::from(high) * TWO_TO_64 + low as f64 };
    let magnitude = mantissa / power;
    if flags >> 31 == 1 { -magnitude } else { magnitude }
}

/// Converts a model's money figure to `Decimal`, as [`money_from_f64`] does.
///
/// `customer` names the customer in the error, which is raised when `value` is
/// not finite or is beyond the range of `Decimal`. `figure` names the quantity
/// in that message (for example `CLV`).
pub(crate) fn money_for_customer(value: f64, customer: &str, figure: &str) -> Result<Decimal, ModelError> {
    money_from_f64(value).ok_or_else(|| ModelError::Prediction {
        customer: customer.to_string(),
        message: format!(
            "{figure} {value} is not finite or is beyond the range of a decimal number (about 7.9e28)"
        ),
    })
}

/// Rounds an exact `Decimal` money figure the way [`money_from_f64`] rounds a
/// float: to 4 decimal places, half away from zero.
pub(crate) fn round_money(value: Decimal) -> Decimal {
    value.round_dp_with_strategy(MONEY_DECIMAL_PLACES, RoundingStrategy::MidpointAwayFromZero)
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;

    #[test]
    fn round_money_matches_money_from_f64() {
        let exact = Decimal::from(10) / Decimal::from(3);
        assert_eq!(round_money(exact), Decimal::from_str("3.3333").unwrap());
        assert_eq!(round_money(Decimal::from_str("0.00005").unwrap()), Decimal::from_str("0.0001").unwrap());
        assert_eq!(money_from_f64(0.00005), Some(Decimal::from_str("0.0001").unwrap()));
    }

    #[test]
    fn decimal_to_f64_is_correctly_rounded() {
        // Mantissas below 2^53 with scales up to 22: exactly Rust's correctly
        // rounded parse of the same digits.
        let cases = [
            "0",
            "1",
            "-1",
            "35.5",
            "0.1",
            "-0.3",
            "19.99",
            "123456.789",
            "9007199254740991",
            "0.0001",
            "0.0000000000000000000001",
            "-42.125",
        ];
        for text in cases {
            let value = Decimal::from_str(text).unwrap();
            let expected: f64 = text.parse().unwrap();
            assert_eq!(decimal_to_f64(value), expected, "{text}");
        }
    }

    #[test]
    fn decimal_to_f64_long_mantissas_within_2_ulp() {
        // Means from a Decimal division have 28 digits. The result is within
        // 2 ulp (4.5e-16 relative) of the correctly rounded parse of its digits.
        let divisions = [(10, 3), (100, 7), (-2, 3), (123_457, 11), (1, 9_999_991), (79_228_162, 3)];
        let mut values: Vec<Decimal> = divisions
            .into_iter()
            .map(|(numerator, denominator)| Decimal::from(numerator) / Decimal::from(denominator))
            .collect();
        // A mantissa between 2^53 and 2^64, whose high 32 bits are zero.
        values.push(Decimal::from_str("12345678901234567.89").unwrap());
        for value in values {
            let expected: f64 = value.to_string().parse().unwrap();
            let actual = decimal_to_f64(value);
            let error = (actual - expected).abs() / expected.abs();
            assert!(error <= 2.0 * f64::EPSILON, "{value}: {actual} vs {expected}, relative error {error:e}");
        }
    }

    #[test]
    fn decimal_to_f64_large_scale_uses_to_f64() {
        // Scale 28 has no exact power of ten in f64, so the value comes from rust_decimal.
        let value = Decimal::from_i128_with_scale(12_345_678_901_234_567_890_123_456_789, 28);
        assert_eq!(value.scale(), 28);
        assert_eq!(decimal_to_f64(value), value.to_f64().unwrap());
    }

    #[test]
    fn money_for_customer_names_customer() {
        let error = money_for_customer(f64::NAN, "c42", "CLV").unwrap_err();
        let ModelError::Prediction { customer, message } = error else {
            panic!("expected a prediction error, got {error:?}");
        };
        assert_eq!(customer, "c42");
        assert!(message.contains("CLV NaN"), "{message}");
    }
}
