//! The holdout part of the tracking chart for a model without E[X(t)] of a
//! new customer, such as the historical and formula models: the sum of the
//! model's own conditional predictions over growing holdout horizons.

use clv_core::{CustomerSummary, Discount, FittedModel, PredictionRequest, TimeUnit, days_between};

use crate::population::TrackingGrid;

/// Maximum number of horizons predicted for one model. A longer holdout is predicted at
/// this many evenly spaced period ends, and the cumulative expectation of the
/// periods between them is interpolated linearly, which is exact for models
/// whose expectation grows linearly with the horizon, such as historical.
/// Each prediction covers every customer, so the cap bounds the cost of a
/// holdout stretched by a far-off date to this many passes.
const MAX_PREDICTED_HORIZONS: usize = 200;

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
    // period k; the first entry covers the end of the period that contains the
    // calibration end, so the differences give whole holdout periods.
    let ends: Vec<usize> = (grid.calibration_periods - 1..grid.periods).collect();
    let step = ends.len().div_ceil(MAX_PREDICTED_HORIZONS).max(1);
    let mut predicted: Vec<usize> = (0..ends.len()).step_by(step).collect();
    if predicted.last() != Some(&(ends.len() - 1)) {
        predicted.push(ends.len() - 1);
    }

    let mut at_predicted = Vec::with_capacity(predicted.len());
    for &index in &predicted {
        let days = grid.last_day(ends[index]) - calibration_offset;
        if days <= 0 {
            at_predicted.push(0.0);
            continue;
        }
        let request =
            PredictionRequest { horizon: unit.from_days(days), unit, discount: Discount::NONE, margin: 1.0 };
        at_predicted.push(model.total_expected_transactions(customers, &request).ok()?);
    }

    let mut cumulative = Vec::with_capacity(ends.len());
    for i in 1..predicted.len() {
        let (from, to) = (predicted[i - 1], predicted[i]);
        let (low, high) = (at_predicted[i - 1], at_predicted[i]);
        for index in from..to {
            let share = (index - from) as f64 / (to - from) as f64;
            cumulative.push(low + share * (high - low));
        }
    }
    cumulative.push(*at_predicted.last().expect("at least one horizon is predicted"));
    Some(cumulative.windows(2).map(|pair| pair[1] - pair[0]).collect())
}

#[cfg(test)]
mod tests {
    use clv_core::{Date, Decimal, ModelError, Prediction};

    use super::*;

    /// A model that expects `rate` purchase days per day of horizon from every customer.
    struct Linear {
        rate_per_day: f64,
    }

    impl FittedModel for Linear {
        fn predict(
            &self,
            customers: &[CustomerSummary],
            request: &PredictionRequest,
        ) -> Result<Vec<Prediction>, ModelError> {
            let days = request.horizon * request.unit.days();
            let prediction = Prediction {
                expected_transactions: self.rate_per_day * days,
                value_per_transaction: None,
                p_alive: None,
                clv: Decimal::ZERO,
            };
            Ok(vec![prediction; customers.len()])
        }
    }

    fn customer(first_purchase: Date) -> CustomerSummary {
        CustomerSummary {
            id: "c1".to_string(),
            first_purchase,
            last_purchase: first_purchase,
            frequency: 0,
            recency_days: 0,
            age_days: 9,
            recency: 0.0,
            age: 9.0,
            monetary_value: Decimal::ZERO,
            first_value: Decimal::ONE,
            revenue: Decimal::ONE,
            profit: Decimal::ONE,
            transactions: 1,
            holdout: None,
        }
    }

    #[test]
    fn long_holdout_interpolates_exactly() {
        // Ten calibration days, then a holdout of 3,000 daily periods: far more
        // than the predicted horizons, so most periods are interpolated.
        let start = Date::constant(2020, 1, 1);
        let customers = vec![customer(start)];
        let calibration_end = Date::constant(2020, 1, 10);
        let observation_end = calibration_end.checked_add(jiff::Span::new().days(3000)).unwrap();
        let grid = TrackingGrid::new(&customers, 1.0, calibration_end, observation_end).unwrap();
        let model = Linear { rate_per_day: 0.25 };

        let periods = holdout_tracking(&grid, calibration_end, &customers, TimeUnit::Day, &model).unwrap();

        assert_eq!(periods.len(), 3000);
        // Linear expectation: 0.25 per day in every period, exact to rounding (1e-9).
        for (index, value) in periods.iter().enumerate() {
            assert!((value - 0.25).abs() < 1e-9, "period {index}: {value}");
        }
    }
}
