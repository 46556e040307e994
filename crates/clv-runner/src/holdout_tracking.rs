//! The holdout part of the tracking chart for a model without E[X(t)] of a
//! new customer, such as the historical and formula models: the sum of the
//! model's own conditional predictions over growing holdout horizons.

use clv_core::{CustomerSummary, Discount, FittedModel, PredictionRequest, TimeUnit, days_between};

use crate::population::TrackingGrid;

/// Computes the expected repeat transactions of all customers in each
/// holdout period of `grid`, the periods after the one holding the
/// calibration end, from predictions over horizons that end on each
/// period's last day.
///
/// Returns `None` without a holdout period or when a prediction fails.
pub(crate) fn holdout_tracking(
    grid: &TrackingGrid,
    calibration_end: clv_core::Date,
    customers: &[CustomerSummary],
    unit: TimeUnit,
    model: &dyn FittedModel,
) -> Option<Vec<f64>> {
    if grid.calibration_periods >= grid.periods {
        return None;
    }
    let calibration_offset = days_between(grid.start, calibration_end);

    // Expected transactions from the calibration end through the last day of
    // period k; the first entry covers the end of the period that holds the
    // calibration end, so the differences give whole holdout periods.
    let mut cumulative = Vec::with_capacity(grid.periods - grid.calibration_periods + 1);
    for k in grid.calibration_periods - 1..grid.periods {
        let days = grid.last_day(k) - calibration_offset;
        if days <= 0 {
            cumulative.push(0.0);
            continue;
        }
        let request =
            PredictionRequest { horizon: unit.from_days(days), unit, discount: Discount::NONE, margin: 1.0 };
        let predictions = model.predict(customers, &request).ok()?;
        cumulative.push(predictions.iter().map(|p| p.expected_transactions).sum());
    }
    Some(cumulative.windows(2).map(|pair| pair[1] - pair[0]).collect())
}
