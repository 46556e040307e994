//! Conversions between the `Decimal` money of summaries and predictions and
//! the `f64` of model maths.

use clv_core::{Decimal, ModelError, money_from_f64};
use rust_decimal::RoundingStrategy;
use rust_decimal::prelude::ToPrimitive;

/// Decimal places of every money figure a built-in model returns, the same as
/// [`money_from_f64`].
const MONEY_DECIMAL_PLACES: u32 = 4;

/// Converts a money amount to `f64` for model maths.
///
/// Returns NaN if the conversion fails, so that the final check of each
/// figure ([`money_for_customer`] or the fit's finiteness check) reports it.
pub(crate) fn decimal_to_f64(value: Decimal) -> f64 {
    value.to_f64().unwrap_or(f64::NAN)
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
    fn money_for_customer_names_customer() {
        let error = money_for_customer(f64::NAN, "c42", "CLV").unwrap_err();
        let ModelError::Prediction { customer, message } = error else {
            panic!("expected a prediction error, got {error:?}");
        };
        assert_eq!(customer, "c42");
        assert!(message.contains("CLV NaN"), "{message}");
    }
}
