//! Checks of a [`PredictionRequest`] shared by the built-in models.

use clv_core::{ModelError, PredictionRequest};

/// Whether a model accepts an infinite horizon.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Horizon {
    /// The horizon must be finite.
    Finite,
    /// The horizon may be `f64::INFINITY`, for models whose value stream ends by itself.
    FiniteOrInfinite,
}

/// Rejects a horizon that is negative or NaN (or infinite, unless `allowed`
/// permits it) and a margin that is not finite.
///
/// The errors are [`ModelError::InvalidSetting`] on the keys `horizon` and
/// `margin`, because both come from the config.
pub(crate) fn validate_request(request: &PredictionRequest, allowed: Horizon) -> Result<(), ModelError> {
    let horizon = request.horizon;
    let horizon_valid = match allowed {
        Horizon::Finite => horizon.is_finite() && horizon >= 0.0,
        Horizon::FiniteOrInfinite => !horizon.is_nan() && horizon >= 0.0,
    };
    if !horizon_valid {
        let range = match allowed {
            Horizon::Finite => "a finite number of time units, 0 or more",
            Horizon::FiniteOrInfinite => "a number of time units, 0 or more",
        };
        return Err(ModelError::InvalidSetting {
            key: "horizon".to_string(),
            message: format!("must be {range}, got {horizon}"),
        });
    }

    if !request.margin.is_finite() {
        return Err(ModelError::InvalidSetting {
            key: "margin".to_string(),
            message: format!("must be a finite fraction of revenue, got {}", request.margin),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use clv_core::{Discount, TimeUnit};

    use super::*;

    fn request(horizon: f64, margin: f64) -> PredictionRequest {
        PredictionRequest { horizon, unit: TimeUnit::Week, discount: Discount::NONE, margin }
    }

    fn rejected_key(request: &PredictionRequest, allowed: Horizon) -> String {
        match validate_request(request, allowed) {
            Err(ModelError::InvalidSetting { key, .. }) => key,
            other => panic!("expected an invalid setting, got {other:?}"),
        }
    }

    #[test]
    fn horizon_range_by_model() {
        assert_eq!(validate_request(&request(0.0, 0.3), Horizon::Finite), Ok(()));
        assert_eq!(validate_request(&request(52.0, 0.3), Horizon::Finite), Ok(()));
        assert_eq!(validate_request(&request(f64::INFINITY, 0.3), Horizon::FiniteOrInfinite), Ok(()));
        assert_eq!(rejected_key(&request(f64::INFINITY, 0.3), Horizon::Finite), "horizon");
        assert_eq!(rejected_key(&request(-1.0, 0.3), Horizon::FiniteOrInfinite), "horizon");
        assert_eq!(rejected_key(&request(f64::NAN, 0.3), Horizon::FiniteOrInfinite), "horizon");
    }

    #[test]
    fn margin_must_be_finite() {
        assert_eq!(rejected_key(&request(52.0, f64::NAN), Horizon::Finite), "margin");
        assert_eq!(rejected_key(&request(52.0, f64::INFINITY), Horizon::Finite), "margin");
    }
}
