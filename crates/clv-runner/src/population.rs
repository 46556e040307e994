//! Model-expected counts over the whole cohort of customers: the expected
//! side of the tracking and period-transactions charts.
//!
//! Customers start on different days, so the expected repeat transactions
//! through a day are the sum over customers of E[X(t - s_i)], where `s_i` is
//! customer i's first purchase day. Customers are grouped by first purchase
//! day (a cohort), so the model is evaluated once per cohort and period.

use std::collections::BTreeMap;

use clv_core::{CustomerSummary, Date, FittedModel, days_between};

/// Number of calibration frequency bins: 0, 1, ..., 6 and 7 or more.
pub const FREQUENCY_BINS: usize = 8;

/// Returns the bin of a calibration frequency: `x` up to 6, and 7 for 7 or more.
pub fn frequency_bin(frequency: u32) -> usize {
    (frequency as usize).min(FREQUENCY_BINS - 1)
}

/// Periods of one time unit each, from the first purchase day of the
/// modelled customers to the observation end.
///
/// Period `k` contains the days whose offset `d` from the first purchase day
/// has `floor(d / unit_days) = k`; the last period may be shorter.
#[derive(Clone, Debug, PartialEq)]
pub struct TrackingGrid {
    /// First purchase day of the earliest customer, the start of period 0.
    pub start: Date,
    /// Length of a period in days.
    pub unit_days: f64,
    /// Number of periods through the observation end.
    pub periods: usize,
    /// Number of periods that start on or before the calibration end.
    pub calibration_periods: usize,
    /// Offset of the observation end from `start`, in days.
    end_offset: i64,
}

impl TrackingGrid {
    /// Builds the grid of the customers; `None` without customers.
    pub fn new(
        customers: &[CustomerSummary],
        unit_days: f64,
        calibration_end: Date,
        observation_end: Date,
    ) -> Option<TrackingGrid> {
        let start = customers.iter().map(|c| c.first_purchase).min()?;
        let end_offset = days_between(start, observation_end);
        let calibration_offset = days_between(start, calibration_end);
        let period = |offset: i64| (offset as f64 / unit_days).floor() as usize;
        Some(TrackingGrid {
            start,
            unit_days,
            periods: period(end_offset) + 1,
            calibration_periods: period(calibration_offset) + 1,
            end_offset,
        })
    }

    /// Returns the period of a day, or `None` before the start or after the observation end.
    pub fn period_of(&self, day: Date) -> Option<usize> {
        let offset = days_between(self.start, day);
        if offset < 0 || offset > self.end_offset {
            return None;
        }
        Some((offset as f64 / self.unit_days).floor() as usize)
    }

    /// Offset from the start of the last day of period `k`.
    pub fn last_day(&self, k: usize) -> i64 {
        let next_start = ((k + 1) as f64 * self.unit_days).ceil() as i64;
        (next_start - 1).min(self.end_offset)
    }

    /// Counts the actual repeat purchase days of each period.
    pub fn actual(&self, repeat_days: &BTreeMap<Date, u64>) -> Vec<u64> {
        let mut counts = vec![0; self.periods];
        for (day, count) in repeat_days {
            if let Some(k) = self.period_of(*day) {
                counts[k] += count;
            }
        }
        counts
    }

    /// Computes the model's expected cumulative repeat transactions of all
    /// customers through the last day of each period. Returns `None` when
    /// the model has no E[X(t)] or returns none for some cohort.
    pub fn expected_cumulative(
        &self,
        customers: &[CustomerSummary],
        model: &dyn FittedModel,
    ) -> Option<Vec<f64>> {
        let mut cohorts: BTreeMap<i64, u64> = BTreeMap::new();
        for customer in customers {
            *cohorts.entry(days_between(self.start, customer.first_purchase)).or_insert(0) += 1;
        }

        let mut cumulative = Vec::with_capacity(self.periods);
        for k in 0..self.periods {
            let last_day = self.last_day(k);
            let mut total = 0.0;
            for (&start, &count) in &cohorts {
                let elapsed_days = last_day - start;
                if elapsed_days <= 0 {
                    continue;
                }
                let expected = model.expected_repeat_transactions(elapsed_days as f64 / self.unit_days)?;
                total += count as f64 * expected;
            }
            cumulative.push(total);
        }
        Some(cumulative)
    }
}

/// Counts the customers in each calibration frequency bin.
pub fn actual_period_customers(customers: &[CustomerSummary]) -> [u64; FREQUENCY_BINS] {
    let mut counts = [0; FREQUENCY_BINS];
    for customer in customers {
        counts[frequency_bin(customer.frequency)] += 1;
    }
    counts
}

/// Computes the model-expected number of customers in each calibration
/// frequency bin: the sum over customers of P(X(T_i) = x), with the last
/// bin taking 1 minus the others. `None` when the model has no P(X(t) = x).
pub fn expected_period_customers(
    customers: &[CustomerSummary],
    model: &dyn FittedModel,
) -> Option<[f64; FREQUENCY_BINS]> {
    // Customers of the same age share their probabilities.
    let mut ages: BTreeMap<i64, (f64, u64)> = BTreeMap::new();
    for customer in customers {
        ages.entry(customer.age_days).or_insert((customer.age, 0)).1 += 1;
    }

    let mut expected = [0.0; FREQUENCY_BINS];
    for (age, count) in ages.into_values() {
        let mut below_last = 0.0;
        for (x, bin) in expected.iter_mut().enumerate().take(FREQUENCY_BINS - 1) {
            let probability = model.probability_of_repeat_transactions(x as u64, age)?;
            *bin += count as f64 * probability;
            below_last += probability;
        }
        expected[FREQUENCY_BINS - 1] += count as f64 * (1.0 - below_last).max(0.0);
    }
    Some(expected)
}

#[cfg(test)]
mod tests {
    use clv_core::{Decimal, ModelError, Prediction, PredictionRequest};

    use super::*;

    /// A model whose new customer buys at rate 1 per unit, and whose
    /// P(X(t) = x) is 2^-(x+1) at every t.
    struct UnitRate;

    impl FittedModel for UnitRate {
        fn predict(
            &self,
            _: &[CustomerSummary],
            _: &PredictionRequest,
        ) -> Result<Vec<Prediction>, ModelError> {
            Ok(Vec::new())
        }

        fn expected_repeat_transactions(&self, t: f64) -> Option<f64> {
            Some(t)
        }

        fn probability_of_repeat_transactions(&self, x: u64, _: f64) -> Option<f64> {
            Some(0.5f64.powi(x as i32 + 1))
        }
    }

    /// A model without population quantities, like the historical model.
    struct NoPopulation;

    impl FittedModel for NoPopulation {
        fn predict(
            &self,
            _: &[CustomerSummary],
            _: &PredictionRequest,
        ) -> Result<Vec<Prediction>, ModelError> {
            Ok(Vec::new())
        }
    }

    fn customer(first_purchase: Date, frequency: u32, age_days: i64) -> CustomerSummary {
        CustomerSummary {
            id: first_purchase.to_string(),
            first_purchase,
            last_purchase: first_purchase,
            frequency,
            recency_days: 0,
            age_days,
            recency: 0.0,
            age: age_days as f64 / 7.0,
            monetary_value: Decimal::ZERO,
            first_value: Decimal::ONE,
            revenue: Decimal::ONE,
            profit: Decimal::ONE,
            transactions: 1,
            holdout: None,
        }
    }

    fn two_cohorts() -> (Vec<CustomerSummary>, TrackingGrid) {
        let start = Date::constant(2020, 1, 1);
        let customers = vec![customer(start, 0, 13), customer(Date::constant(2020, 1, 8), 9, 6)];
        // Observation end 20 days after the start, calibration end after 13.
        let grid =
            TrackingGrid::new(&customers, 7.0, Date::constant(2020, 1, 14), Date::constant(2020, 1, 21))
                .unwrap();
        (customers, grid)
    }

    #[test]
    fn grid_of_two_cohorts() {
        let (_, grid) = two_cohorts();
        assert_eq!(grid.periods, 3);
        assert_eq!(grid.calibration_periods, 2);
        assert_eq!([grid.last_day(0), grid.last_day(1), grid.last_day(2)], [6, 13, 20]);
        assert_eq!(grid.period_of(Date::constant(2020, 1, 7)), Some(0));
        assert_eq!(grid.period_of(Date::constant(2020, 1, 8)), Some(1));
        assert_eq!(grid.period_of(Date::constant(2020, 1, 22)), None);
    }

    #[test]
    fn expected_cumulative_counts_each_start() {
        // By hand, in weeks: through day 6 only the first customer counts,
        // 6/7; through day 13, 13/7 + 6/7; through day 20, 20/7 + 13/7.
        let (customers, grid) = two_cohorts();
        let cumulative = grid.expected_cumulative(&customers, &UnitRate).unwrap();
        let expected = [6.0 / 7.0, 19.0 / 7.0, 33.0 / 7.0];
        for (value, expected) in cumulative.iter().zip(expected) {
            assert!((value - expected).abs() < 1e-12, "{cumulative:?}");
        }
        assert_eq!(grid.expected_cumulative(&customers, &NoPopulation), None);
    }

    #[test]
    fn actual_counts_per_period() {
        let (_, grid) = two_cohorts();
        let days = BTreeMap::from([
            (Date::constant(2020, 1, 2), 2),
            (Date::constant(2020, 1, 15), 1),
            (Date::constant(2020, 1, 21), 4),
            (Date::constant(2020, 1, 22), 9),
        ]);
        assert_eq!(grid.actual(&days), vec![2, 0, 5]);
    }

    #[test]
    fn period_customers_expected_and_actual() {
        let (customers, _) = two_cohorts();
        assert_eq!(actual_period_customers(&customers), [1, 0, 0, 0, 0, 0, 0, 1]);
        // Two customers, each with P(x) = 2^-(x+1) for x < 7 and 2^-7 for 7+.
        let expected = expected_period_customers(&customers, &UnitRate).unwrap();
        for (x, value) in expected.iter().enumerate() {
            let probability = if x < 7 { 0.5f64.powi(x as i32 + 1) } else { 0.5f64.powi(7) };
            assert!((value - 2.0 * probability).abs() < 1e-12, "bin {x}: {value}");
        }
        assert_eq!(expected_period_customers(&customers, &NoPopulation), None);
    }
}
