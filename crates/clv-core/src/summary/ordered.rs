//! Running totals of one customer whose rows come in date order.
//!
//! [`SummaryBuilder`](super::SummaryBuilder) keeps every purchase day of every
//! customer until it builds. A log whose rows of each customer come in date
//! order needs far less: the first day and its value, the last day, counts
//! and sums. [`OrderedTotals`] keeps those, with money as integers, so that
//! memory grows with customers and not with rows. Each row is classified as
//! calibration, holdout or after the observation end when it is added, so
//! the period ends must be known before reading ([`DayLimits`]).
//!
//! The result equals the builder's to the last decimal place, scale
//! included, when no amount is zero and, if any amount is negative, every
//! amount has the same number of decimal places. A sum of nonzero
//! `Decimal`s has the largest scale of its terms, and each sum here keeps
//! the largest number of decimal places of its amounts. But `Decimal`
//! addition returns the other term unchanged when one term is zero, and a
//! zero product has scale 0. So a zero amount, or returns that cancel a
//! partial sum to zero, can give the builder's sums a smaller scale. The
//! caller checks the amounts, as the fast reader of clv-ingest does.

use jiff::civil::Date;
use rust_decimal::Decimal;

use super::assemble::{CustomerOutcome, OutcomeKind};
use super::day_number::{date_day_number, date_from_day_number};
use super::{CustomerSummary, HoldoutActuals, Split, SummaryError};
use crate::time::TimeUnit;

/// A money amount as a whole number of 10^-[`ScaledAmount::SCALE`] units,
/// with the number of decimal places it was written with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ScaledAmount {
    /// The amount times 10^`SCALE`.
    pub units: i64,
    /// Decimal places as written, at most `SCALE`: 2 for `12.50`.
    pub scale: u8,
}

impl ScaledAmount {
    /// Decimal places of `units`.
    pub const SCALE: u8 = 4;
}

/// The last calibration day and the last observed day, as day numbers.
///
/// A missing observation end has no limit, because it defaults to the last
/// day in the data. A missing calibration end is the observation end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DayLimits {
    calibration_last: i32,
    observation_last: i32,
}

impl DayLimits {
    /// Creates the limits of the configured period ends.
    pub fn new(calibration_end: Option<Date>, observation_end: Option<Date>) -> DayLimits {
        let observation_last = observation_end.map_or(i32::MAX, day_number_or_min);
        let calibration_last = calibration_end.map_or(observation_last, day_number_or_min);
        DayLimits { calibration_last, observation_last }
    }

    /// Day number of the last calibration day; `i32::MAX` without a limit.
    pub fn calibration_last(&self) -> i32 {
        self.calibration_last
    }

    /// Day number of the observation end; `i32::MAX` without a limit.
    pub fn observation_last(&self) -> i32 {
        self.observation_last
    }
}

/// Returns the day number of `date`, or `i32::MIN` for a day before the
/// year 1, so that a period ending then ends before every row.
fn day_number_or_min(date: Date) -> i32 {
    if date.year() < 1 { i32::MIN } else { date_day_number(date) }
}

/// A row dated before the customer's last row so far.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OutOfOrder;

/// Totals of one customer's rows, added in date order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrderedTotals {
    first_day: i32,
    last_day: i32,
    /// Last purchase day up to the calibration end.
    last_calibration_day: i32,
    /// Distinct purchase days up to the calibration end.
    calibration_days: u32,
    calibration_rows: u64,
    /// Sums of amounts in units of 10^-`ScaledAmount::SCALE`.
    first_value: i128,
    calibration_revenue: i128,
    holdout_revenue: i128,
    /// Largest decimal places among the amounts of each sum; 0 for an empty sum.
    first_scale: u8,
    calibration_scale: u8,
    repeat_scale: u8,
    holdout_scale: u8,
    holdout_days: u32,
    holdout_rows: u64,
    rows_after_observation_end: u64,
}

impl OrderedTotals {
    /// Starts the totals of a customer with their first row.
    pub fn new(day: i32, amount: ScaledAmount, limits: &DayLimits) -> OrderedTotals {
        let mut totals = OrderedTotals {
            first_day: day,
            last_day: day,
            last_calibration_day: day,
            calibration_days: 0,
            calibration_rows: 0,
            first_value: 0,
            calibration_revenue: 0,
            holdout_revenue: 0,
            first_scale: 0,
            calibration_scale: 0,
            repeat_scale: 0,
            holdout_scale: 0,
            holdout_days: 0,
            holdout_rows: 0,
            rows_after_observation_end: 0,
        };
        totals.count_row(day, true, amount, limits);
        totals
    }

    /// First purchase day, as a day number.
    pub fn first_day(&self) -> i32 {
        self.first_day
    }

    /// Last purchase day so far, as a day number.
    pub fn last_day(&self) -> i32 {
        self.last_day
    }

    /// Adds a row, and returns whether its day is a purchase day that the
    /// customer's earlier rows do not have. Fails on a row dated before the
    /// last row so far, and leaves the totals unchanged then.
    pub fn add(&mut self, day: i32, amount: ScaledAmount, limits: &DayLimits) -> Result<bool, OutOfOrder> {
        if day < self.last_day {
            return Err(OutOfOrder);
        }
        let new_day = day != self.last_day;
        self.last_day = day;
        self.count_row(day, new_day, amount, limits);
        Ok(new_day)
    }

    fn count_row(&mut self, day: i32, new_day: bool, amount: ScaledAmount, limits: &DayLimits) {
        let units = i128::from(amount.units);
        if day <= limits.calibration_last {
            self.calibration_days += u32::from(new_day);
            self.calibration_rows += 1;
            self.last_calibration_day = day;
            self.calibration_revenue += units;
            self.calibration_scale = self.calibration_scale.max(amount.scale);
            if day == self.first_day {
                self.first_value += units;
                self.first_scale = self.first_scale.max(amount.scale);
            } else {
                self.repeat_scale = self.repeat_scale.max(amount.scale);
            }
        } else if day <= limits.observation_last {
            self.holdout_days += u32::from(new_day);
            self.holdout_rows += 1;
            self.holdout_revenue += units;
            self.holdout_scale = self.holdout_scale.max(amount.scale);
        } else {
            self.rows_after_observation_end += 1;
        }
    }

    /// Appends the totals of the same customer's rows that follow these in
    /// the log, as when a log read in parts is joined. Fails when `later`
    /// starts before the last day of these totals, and leaves them unchanged then.
    pub fn append(&mut self, later: &OrderedTotals) -> Result<(), OutOfOrder> {
        if later.first_day < self.last_day {
            return Err(OutOfOrder);
        }
        let same_day = u32::from(later.first_day == self.last_day);

        if later.calibration_rows > 0 {
            self.calibration_days += later.calibration_days - same_day;
            self.calibration_rows += later.calibration_rows;
            self.last_calibration_day = later.last_calibration_day;
            self.calibration_revenue += later.calibration_revenue;
            self.calibration_scale = self.calibration_scale.max(later.calibration_scale);
            if later.first_day == self.first_day {
                self.first_value += later.first_value;
                self.first_scale = self.first_scale.max(later.first_scale);
                self.repeat_scale = self.repeat_scale.max(later.repeat_scale);
            } else {
                self.repeat_scale = self.repeat_scale.max(later.first_scale).max(later.repeat_scale);
            }
        }
        if later.holdout_rows > 0 {
            let same_holdout_day = if later.calibration_rows == 0 { same_day } else { 0 };
            self.holdout_days += later.holdout_days - same_holdout_day;
            self.holdout_rows += later.holdout_rows;
            self.holdout_revenue += later.holdout_revenue;
            self.holdout_scale = self.holdout_scale.max(later.holdout_scale);
        }
        self.rows_after_observation_end += later.rows_after_observation_end;
        self.last_day = later.last_day;
        Ok(())
    }

    /// Summarises the customer, or returns why they are excluded, as
    /// [`SummaryBuilder::build`](super::SummaryBuilder::build) does.
    ///
    /// `split` must be the [`Split::resolve`] of the period ends that made
    /// the [`DayLimits`] of every row. A row's profit is its amount times `margin`.
    pub fn into_outcome(
        self,
        id: String,
        unit: TimeUnit,
        split: &Split,
        margin: Decimal,
    ) -> Result<CustomerOutcome, SummaryError> {
        let rows_after_observation_end = self.rows_after_observation_end;
        let first_purchase = date_from_day_number(self.first_day);
        let kind = if first_purchase > split.observation_end {
            OutcomeKind::AfterObservationEnd
        } else if first_purchase > split.calibration_end {
            OutcomeKind::FirstPurchaseInHoldout { rows: self.calibration_rows + self.holdout_rows }
        } else {
            OutcomeKind::Calibration(Box::new(self.summarise(id, first_purchase, unit, split, margin)?))
        };
        Ok(CustomerOutcome { rows_after_observation_end, kind })
    }

    fn summarise(
        self,
        id: String,
        first_purchase: Date,
        unit: TimeUnit,
        split: &Split,
        margin: Decimal,
    ) -> Result<CustomerSummary, SummaryError> {
        let last_day = self.last_calibration_day;
        let overflow = || SummaryError::AmountOverflow { customer: id.clone(), date: first_purchase };
        let decimal = |units: i128, scale: u8| to_decimal(units, scale).ok_or_else(overflow);

        let frequency = self.calibration_days - 1;
        let first_value = decimal(self.first_value, self.first_scale)?;
        let revenue = decimal(self.calibration_revenue, self.calibration_scale)?;
        let repeat_revenue = decimal(self.calibration_revenue - self.first_value, self.repeat_scale)?;
        let profit = times_margin(revenue, margin).ok_or_else(overflow)?;
        let monetary_value =
            if frequency == 0 { Decimal::ZERO } else { repeat_revenue / Decimal::from(frequency) };

        let holdout = if split.has_holdout() {
            let (revenue, profit) = if self.holdout_days == 0 {
                (Decimal::ZERO, Decimal::ZERO)
            } else {
                let revenue = decimal(self.holdout_revenue, self.holdout_scale)?;
                (revenue, times_margin(revenue, margin).ok_or_else(overflow)?)
            };
            let length = unit.from_days(split.holdout_days());
            Some(HoldoutActuals { frequency: self.holdout_days, revenue, profit, length })
        } else {
            None
        };

        let recency_days = i64::from(last_day - self.first_day);
        let age_days = i64::from(date_day_number(split.calibration_end) - self.first_day);
        Ok(CustomerSummary {
            first_purchase,
            last_purchase: date_from_day_number(last_day),
            frequency,
            recency_days,
            age_days,
            recency: unit.from_days(recency_days),
            age: unit.from_days(age_days),
            monetary_value,
            first_value,
            revenue,
            profit,
            transactions: self.calibration_rows,
            holdout,
            id,
        })
    }
}

/// Returns the profit of `revenue`, with the scale of the builder's sum of
/// each amount times `margin`.
///
/// A product of `Decimal`s is 0 with scale 0 when a factor is 0, but a sum
/// of products that cancel keeps their scale, so a zero profit is rescaled.
fn times_margin(revenue: Decimal, margin: Decimal) -> Option<Decimal> {
    let mut profit = revenue.checked_mul(margin)?;
    if profit.is_zero() {
        profit.rescale(revenue.scale() + margin.scale());
    }
    Some(profit)
}

/// Converts a sum in units of 10^-`SCALE` to a `Decimal` with `scale` decimal
/// places, which every term of the sum fits in, or `None` beyond its range.
fn to_decimal(units: i128, scale: u8) -> Option<Decimal> {
    let divisor = 10_i128.pow(u32::from(ScaledAmount::SCALE - scale));
    Decimal::try_from_i128_with_scale(units / divisor, u32::from(scale)).ok()
}
