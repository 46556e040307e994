//! Accumulates transactions per customer and day, then builds the summaries.
//!
//! Customer ids are interned: each id is stored once, and a row finds its
//! customer through a hash table of indexes into the customer list. Each
//! customer keeps a list of day totals, to which a row on the same day as the
//! customer's previous row is added in place. That is the common case of a
//! log sorted by date or by customer. The lists are sorted and merged by day
//! when the summaries are built, in parallel over customers.

use std::hash::BuildHasher;

use hashbrown::{DefaultHashBuilder, HashTable};
use jiff::civil::Date;
use rayon::prelude::*;
use rust_decimal::Decimal;

use super::assemble::{CustomerOutcome, OutcomeKind};
use super::{CustomerSummary, HoldoutActuals, Split, Summaries};
use crate::time::{TimeUnit, days_between};
use crate::transaction::Transaction;

/// Errors of the summary step.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum SummaryError {
    #[error("the transaction log has no accepted rows, so there is nothing to summarise")]
    NoTransactions,
    #[error(
        "calibration end {calibration_end} is not before the observation end {observation_end}: \
         set calibration_end earlier, or remove it to summarise the whole period without a holdout"
    )]
    CalibrationNotBeforeObservationEnd { calibration_end: Date, observation_end: Date },
    #[error(
        "no customer made a purchase on or before the calibration end {calibration_end} \
         (first purchase in the data: {first_date}): set calibration_end to a later date"
    )]
    NoCalibrationCustomers { calibration_end: Date, first_date: Date },
    #[error(
        "the sum of the amounts of customer {customer:?} on {date} is beyond the range of a \
         decimal number (about 7.9e28): check the amount column"
    )]
    AmountOverflow { customer: String, date: Date },
    #[error(
        "customer {customer:?}: {days} days from {date} is beyond the supported calendar \
         (years -9999 to 9999): check the recency and age columns and the time unit"
    )]
    DateOutOfRange { customer: String, date: Date, days: i64 },
    #[error(
        "the {figure} over all customers is beyond the range of a decimal number (about 7.9e28): \
         check the amount and cost columns for values that are far too large"
    )]
    TotalOverflow { figure: &'static str },
    #[error(
        "the revenue of customer {customer:?}, frequency times monetary value, is beyond the range \
         of a decimal number (about 7.9e28): check the monetary_value column"
    )]
    RevenueOverflow { customer: String },
}

/// Totals of one customer on one day, or on part of a day until the days are merged.
#[derive(Clone, Copy, Debug)]
struct DayTotal {
    revenue: Decimal,
    profit: Decimal,
    date: Date,
    /// Rows added; an entry that reaches `u32::MAX` is followed by another
    /// of the same day, and they are summed as `u64` when merged.
    rows: u32,
}

/// One customer's id and day totals, in the order the rows came.
#[derive(Debug)]
struct CustomerDays {
    id: String,
    days: Vec<DayTotal>,
}

/// Collects transactions and turns them into [`Summaries`].
///
/// Memory grows with the number of distinct customer-days, not with rows,
/// as long as a customer's rows of one day are adjacent in the log.
/// NOTE: rows of one customer and day that are not adjacent take one entry
/// each until [`SummaryBuilder::build`] merges them.
#[derive(Debug)]
pub struct SummaryBuilder {
    margin: Decimal,
    hasher: DefaultHashBuilder,
    /// Indexes into `customers`, keyed by the hash of the id.
    index: HashTable<u32>,
    customers: Vec<CustomerDays>,
    first_date: Option<Date>,
    last_date: Option<Date>,
}

impl SummaryBuilder {
    /// Creates a builder. A row's profit is its amount less its cost when the
    /// row has a cost, and its amount times `margin` otherwise.
    pub fn new(margin: Decimal) -> SummaryBuilder {
        SummaryBuilder {
            margin,
            hasher: DefaultHashBuilder::default(),
            index: HashTable::new(),
            customers: Vec::new(),
            first_date: None,
            last_date: None,
        }
    }

    /// Adds one accepted row.
    ///
    /// # Panics
    ///
    /// When more than `u32::MAX` distinct customers are added.
    pub fn add(&mut self, transaction: Transaction) -> Result<(), SummaryError> {
        let Transaction { customer, date, amount, cost } = transaction;
        let overflow = |customer: &str| SummaryError::AmountOverflow { customer: customer.to_string(), date };
        let profit = match cost {
            Some(cost) => amount.checked_sub(cost).ok_or_else(|| overflow(&customer))?,
            None => amount.checked_mul(self.margin).ok_or_else(|| overflow(&customer))?,
        };

        let position = self.intern(customer);
        let entry = &mut self.customers[position];
        match entry.days.last_mut() {
            Some(day) if day.date == date && day.rows < u32::MAX => {
                let revenue = day.revenue.checked_add(amount).ok_or_else(|| overflow(&entry.id))?;
                let day_profit = day.profit.checked_add(profit).ok_or_else(|| overflow(&entry.id))?;
                day.revenue = revenue;
                day.profit = day_profit;
                day.rows += 1;
            }
            _ => entry.days.push(DayTotal { revenue: amount, profit, date, rows: 1 }),
        }

        self.first_date = Some(self.first_date.map_or(date, |d| d.min(date)));
        self.last_date = Some(self.last_date.map_or(date, |d| d.max(date)));
        Ok(())
    }

    /// Returns the position of `id` in `customers`, adding it if it is new.
    fn intern(&mut self, id: String) -> usize {
        // A log grouped by customer repeats the previous row's id, which the
        // last entry holds, so the hash lookup is skipped.
        if let Some(last) = self.customers.last() {
            if last.id == id {
                return self.customers.len() - 1;
            }
        }
        let hash = self.hasher.hash_one(id.as_str());
        let customers = &self.customers;
        if let Some(&position) = self.index.find(hash, |&position| customers[position as usize].id == id) {
            return position as usize;
        }

        let position = u32::try_from(self.customers.len()).expect("at most u32::MAX customers");
        let hasher = &self.hasher;
        self.index.insert_unique(hash, position, |&position| {
            hasher.hash_one(customers[position as usize].id.as_str())
        });
        self.customers.push(CustomerDays { id, days: Vec::new() });
        position as usize
    }

    /// Latest purchase day seen so far, the default observation end.
    pub fn last_date(&self) -> Option<Date> {
        self.last_date
    }

    /// Builds the summaries for the given unit and period ends.
    ///
    /// `observation_end` defaults to the last purchase day in the data (never
    /// today's date). Without `calibration_end` the whole observed period is the
    /// calibration period and there is no holdout.
    pub fn build(
        self,
        unit: TimeUnit,
        calibration_end: Option<Date>,
        observation_end: Option<Date>,
    ) -> Result<Summaries, SummaryError> {
        let (Some(first_date), Some(last_date)) = (self.first_date, self.last_date) else {
            return Err(SummaryError::NoTransactions);
        };
        let split = Split::resolve(calibration_end, observation_end, last_date)?;

        let outcomes: Vec<Result<CustomerOutcome, SummaryError>> =
            self.customers.into_par_iter().map(|customer| classify(customer, unit, &split)).collect();
        Summaries::from_outcomes(outcomes, unit, split, first_date, last_date)
    }
}

/// Merges one customer's days and summarises them, or returns why the customer is excluded.
fn classify(customer: CustomerDays, unit: TimeUnit, split: &Split) -> Result<CustomerOutcome, SummaryError> {
    let CustomerDays { id, days } = customer;
    let days = merge_days(&id, days)?;

    let rows_after_observation_end: u64 =
        days.iter().filter(|day| day.date > split.observation_end).map(|day| day.rows).sum();
    let first = days.first().expect("a customer entry is created with one day").date;
    let kind = if first > split.observation_end {
        OutcomeKind::AfterObservationEnd
    } else if first > split.calibration_end {
        let rows = days.iter().map(|day| day.rows).sum::<u64>() - rows_after_observation_end;
        OutcomeKind::FirstPurchaseInHoldout { rows }
    } else {
        OutcomeKind::Calibration(Box::new(summarise(id, &days, unit, split)?))
    };
    Ok(CustomerOutcome { rows_after_observation_end, kind })
}

/// Totals of one customer on one day, after merging.
struct MergedDay {
    date: Date,
    revenue: Decimal,
    profit: Decimal,
    rows: u64,
}

/// Sorts `days` by date, keeping the order of rows within a day, and sums each date's entries.
fn merge_days(id: &str, mut days: Vec<DayTotal>) -> Result<Vec<MergedDay>, SummaryError> {
    if !days.is_sorted_by_key(|day| day.date) {
        days.sort_by_key(|day| day.date);
    }
    let mut merged: Vec<MergedDay> = Vec::with_capacity(days.len());
    for day in days {
        match merged.last_mut() {
            Some(last) if last.date == day.date => {
                let overflow = || SummaryError::AmountOverflow { customer: id.to_string(), date: day.date };
                last.revenue = last.revenue.checked_add(day.revenue).ok_or_else(overflow)?;
                last.profit = last.profit.checked_add(day.profit).ok_or_else(overflow)?;
                last.rows += u64::from(day.rows);
            }
            _ => merged.push(MergedDay {
                date: day.date,
                revenue: day.revenue,
                profit: day.profit,
                rows: u64::from(day.rows),
            }),
        }
    }
    Ok(merged)
}

/// Builds one customer's summary from their days, sorted by date.
fn summarise(
    id: String,
    days: &[MergedDay],
    unit: TimeUnit,
    split: &Split,
) -> Result<CustomerSummary, SummaryError> {
    let overflow = |date: Date| SummaryError::AmountOverflow { customer: id.clone(), date };
    let mut calibration = days.iter().take_while(|day| day.date <= split.calibration_end);
    let first_day = calibration.next().expect("the caller checked the first day");
    let first_purchase = first_day.date;

    let mut last_purchase = first_purchase;
    let mut frequency = 0u32;
    let mut repeat_revenue = Decimal::ZERO;
    let mut revenue = first_day.revenue;
    let mut profit = first_day.profit;
    let mut transactions = first_day.rows;
    for day in calibration {
        let date = day.date;
        last_purchase = date;
        frequency += 1;
        repeat_revenue = repeat_revenue.checked_add(day.revenue).ok_or_else(|| overflow(date))?;
        revenue = revenue.checked_add(day.revenue).ok_or_else(|| overflow(date))?;
        profit = profit.checked_add(day.profit).ok_or_else(|| overflow(date))?;
        transactions += day.rows;
    }
    let monetary_value =
        if frequency == 0 { Decimal::ZERO } else { repeat_revenue / Decimal::from(frequency) };

    let holdout = if split.has_holdout() {
        let mut actuals = HoldoutActuals {
            frequency: 0,
            revenue: Decimal::ZERO,
            profit: Decimal::ZERO,
            length: unit.from_days(split.holdout_days()),
        };
        let holdout_days =
            days.iter().filter(|day| day.date > split.calibration_end && day.date <= split.observation_end);
        for day in holdout_days {
            actuals.frequency += 1;
            actuals.revenue = actuals.revenue.checked_add(day.revenue).ok_or_else(|| overflow(day.date))?;
            actuals.profit = actuals.profit.checked_add(day.profit).ok_or_else(|| overflow(day.date))?;
        }
        Some(actuals)
    } else {
        None
    };

    let recency_days = days_between(first_purchase, last_purchase);
    let age_days = days_between(first_purchase, split.calibration_end);
    Ok(CustomerSummary {
        first_purchase,
        last_purchase,
        frequency,
        recency_days,
        age_days,
        recency: unit.from_days(recency_days),
        age: unit.from_days(age_days),
        monetary_value,
        first_value: first_day.revenue,
        revenue,
        profit,
        transactions,
        holdout,
        id,
    })
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;

    fn row(customer: &str, date: Date, amount: &str) -> Transaction {
        Transaction {
            customer: customer.to_string(),
            date,
            amount: Decimal::from_str(amount).unwrap(),
            cost: None,
        }
    }

    fn d(month: i8, day: i8) -> Date {
        Date::new(2024, month, day).unwrap()
    }

    fn build(
        rows: Vec<Transaction>,
        calibration_end: Option<Date>,
        observation_end: Option<Date>,
    ) -> Summaries {
        let mut builder = SummaryBuilder::new(Decimal::ONE);
        for row in rows {
            builder.add(row).unwrap();
        }
        builder.build(TimeUnit::Day, calibration_end, observation_end).unwrap()
    }

    #[test]
    fn same_day_rows_are_one_occasion() {
        let rows = vec![
            row("a", d(1, 1), "10"),
            row("a", d(1, 5), "20.50"),
            row("a", d(1, 5), "-5.50"),
            row("a", d(1, 9), "30"),
        ];
        let summaries = build(rows, None, None);
        let a = &summaries.customers[0];
        assert_eq!(a.frequency, 2);
        assert_eq!(a.recency_days, 8);
        assert_eq!(a.age_days, 8);
        assert_eq!(a.transactions, 4);
        assert_eq!(a.first_value, Decimal::from(10));
        assert_eq!(a.monetary_value, Decimal::from_str("22.5").unwrap());
        assert_eq!(a.revenue, Decimal::from(55));
    }

    #[test]
    fn same_day_rows_apart_are_merged() {
        let rows = vec![
            row("a", d(1, 5), "1"),
            row("b", d(1, 1), "2"),
            row("a", d(1, 1), "4"),
            row("a", d(1, 5), "8"),
        ];
        let summaries = build(rows, None, None);
        let a = &summaries.customers[0];
        assert_eq!(a.id, "a");
        assert_eq!(a.frequency, 1);
        assert_eq!(a.first_value, Decimal::from(4));
        assert_eq!(a.monetary_value, Decimal::from(9));
        assert_eq!(a.transactions, 3);
        assert_eq!(summaries.customers[1].id, "b");
    }

    #[test]
    fn holdout_counts_days_after_calibration() {
        let rows = vec![
            row("a", d(1, 1), "10"),
            row("a", d(1, 10), "1"),
            row("a", d(1, 11), "2"),
            row("a", d(1, 11), "3"),
            row("a", d(1, 20), "100"),
            row("b", d(1, 12), "7"),
        ];
        let summaries = build(rows, Some(d(1, 10)), Some(d(1, 15)));
        assert_eq!(summaries.customers.len(), 1);
        let a = &summaries.customers[0];
        assert_eq!(a.frequency, 1);
        assert_eq!(a.age_days, 9);
        let holdout = a.holdout.as_ref().unwrap();
        assert_eq!(holdout.frequency, 1);
        assert_eq!(holdout.revenue, Decimal::from(5));
        assert_eq!(holdout.length, 5.0);
        assert_eq!(summaries.exclusions.rows_after_observation_end, 1);
        assert_eq!(summaries.exclusions.customers_first_purchase_in_holdout, 1);
        assert_eq!(summaries.exclusions.rows_of_holdout_only_customers, 1);
    }

    #[test]
    fn observation_end_defaults_to_last_date() {
        let rows = vec![row("a", d(1, 1), "1"), row("b", d(3, 1), "1")];
        let summaries = build(rows, None, None);
        assert_eq!(summaries.split.observation_end, d(3, 1));
        assert_eq!(summaries.customers[0].age_days, 60);
    }

    #[test]
    fn calibration_end_at_observation_end_is_error() {
        let mut builder = SummaryBuilder::new(Decimal::ONE);
        builder.add(row("a", d(1, 1), "1")).unwrap();
        let error = builder.build(TimeUnit::Day, Some(d(1, 1)), None).unwrap_err();
        assert!(matches!(error, SummaryError::CalibrationNotBeforeObservationEnd { .. }), "{error}");
    }

    #[test]
    fn profit_uses_cost_or_margin() {
        let mut builder = SummaryBuilder::new(Decimal::from_str("0.25").unwrap());
        builder.add(row("a", d(1, 1), "100")).unwrap();
        let mut with_cost = row("a", d(1, 2), "100");
        with_cost.cost = Some(Decimal::from(60));
        builder.add(with_cost).unwrap();
        let summaries = builder.build(TimeUnit::Day, None, None).unwrap();
        assert_eq!(summaries.customers[0].profit, Decimal::from(65));
    }

    #[test]
    fn last_calendar_day_is_not_after_itself() {
        let rows = vec![row("a", d(1, 1), "1"), row("a", Date::MAX, "2")];
        let summaries = build(rows, Some(d(6, 1)), None);
        assert_eq!(summaries.exclusions.rows_after_observation_end, 0);
        assert_eq!(summaries.customers[0].holdout.as_ref().unwrap().frequency, 1);
    }

    #[test]
    fn empty_builder_is_error() {
        let builder = SummaryBuilder::new(Decimal::ONE);
        assert_eq!(builder.build(TimeUnit::Week, None, None).unwrap_err(), SummaryError::NoTransactions);
    }

    #[test]
    fn amount_overflow_is_error() {
        let mut builder = SummaryBuilder::new(Decimal::ONE);
        let mut big = row("a", d(1, 1), "1");
        big.amount = Decimal::MAX;
        builder.add(big.clone()).unwrap();
        let error = builder.add(big).unwrap_err();
        assert!(matches!(error, SummaryError::AmountOverflow { .. }), "{error}");
    }
}
