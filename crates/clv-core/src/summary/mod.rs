//! Per-customer summaries: the recency-frequency-monetary view every model fits on.
//!
//! The rules, applied in [`SummaryBuilder::build`]:
//! - All rows of one customer on one calendar day form one purchase occasion
//!   whose value is the sum of their amounts, returns (negative amounts) included.
//! - `frequency` counts the purchase days after the first one.
//! - `recency` is the time from the first to the last purchase day and `T` the
//!   time from the first purchase day to the end of the calibration period, both
//!   counted in whole days and expressed in the configured unit.
//! - `monetary_value` is the mean value of the repeat purchase days. The first
//!   day is left out, and the value is 0 when there is no repeat purchase.

mod assemble;
mod builder;
mod day_number;
mod ordered;
mod totals;

use jiff::civil::Date;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::time::TimeUnit;

pub use assemble::{CustomerOutcome, OutcomeKind};
pub use builder::{SummaryBuilder, SummaryError};
pub use day_number::{date_day_number, date_from_day_number, day_number};
pub use ordered::{DayLimits, OrderedTotals, OutOfOrder, ScaledAmount};
pub use totals::sums_fit;

/// The calibration and holdout periods, as inclusive calendar days.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Split {
    /// Last day of the calibration period, on which models are fitted.
    pub calibration_end: Date,
    /// Last day of the observed data; rows after it are excluded.
    pub observation_end: Date,
}

impl Split {
    /// Returns whether there is a holdout period after the calibration period.
    pub fn has_holdout(&self) -> bool {
        self.observation_end > self.calibration_end
    }

    /// Length of the holdout period in whole days (0 without a holdout).
    pub fn holdout_days(&self) -> i64 {
        crate::time::days_between(self.calibration_end, self.observation_end)
    }
}

/// One customer's calibration summary and, with a holdout period, what they did in it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CustomerSummary {
    /// Customer id exactly as in the source.
    pub id: String,
    /// First purchase day.
    pub first_purchase: Date,
    /// Last purchase day within the calibration period.
    pub last_purchase: Date,
    /// Number of purchase days after the first one (x).
    pub frequency: u32,
    /// Days from the first to the last purchase day.
    pub recency_days: i64,
    /// Days from the first purchase day to the calibration end.
    pub age_days: i64,
    /// `recency_days` in the time unit (t_x).
    pub recency: f64,
    /// `age_days` in the time unit (T).
    pub age: f64,
    /// Mean value of the repeat purchase days, 0 when `frequency` is 0.
    pub monetary_value: Decimal,
    /// Value of the first purchase day.
    pub first_value: Decimal,
    /// Sum of all amounts in the calibration period.
    pub revenue: Decimal,
    /// Revenue less cost (or revenue times the configured margin) in the calibration period.
    pub profit: Decimal,
    /// Number of rows (transactions) in the calibration period.
    pub transactions: u64,
    /// Holdout actuals of the customer, when there is a holdout period.
    pub holdout: Option<HoldoutActuals>,
}

impl CustomerSummary {
    /// Revenue of the repeat purchase days, the first day left out.
    pub fn repeat_revenue(&self) -> Decimal {
        self.revenue - self.first_value
    }
}

/// A customer's actual behaviour in the holdout period.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct HoldoutActuals {
    /// Number of distinct purchase days in the holdout period.
    pub frequency: u32,
    /// Sum of the amounts in the holdout period.
    pub revenue: Decimal,
    /// Profit in the holdout period, by the same rule as the calibration profit.
    pub profit: Decimal,
    /// Length of the holdout period in the time unit.
    pub length: f64,
}

/// Counts of what the summary step left out, by reason.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Exclusions {
    /// Rows dated after the observation end.
    pub rows_after_observation_end: u64,
    /// Customers whose first purchase falls in the holdout period; they are
    /// neither fitted on nor backtested.
    pub customers_first_purchase_in_holdout: u64,
    /// Rows of the customers counted in `customers_first_purchase_in_holdout`.
    pub rows_of_holdout_only_customers: u64,
    /// Customers all of whose rows are after the observation end.
    pub customers_after_observation_end: u64,
}

/// The summaries of every customer of a data set, sorted by id.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Summaries {
    /// One entry per customer whose first purchase is within the calibration period.
    pub customers: Vec<CustomerSummary>,
    /// Unit of every real-valued duration.
    pub unit: TimeUnit,
    /// Calibration and holdout periods.
    pub split: Split,
    /// Earliest purchase day in the data.
    pub first_date: Date,
    /// Latest purchase day in the data (before exclusions).
    pub last_date: Date,
    /// Counts of the rows and customers left out, by reason.
    pub exclusions: Exclusions,
}

impl Summaries {
    /// Total repeat purchase days in the calibration period.
    pub fn calibration_repeat_purchases(&self) -> u64 {
        self.customers.iter().map(|c| u64::from(c.frequency)).sum()
    }

    /// Total purchase days in the holdout period.
    pub fn holdout_purchases(&self) -> u64 {
        self.customers.iter().filter_map(|c| c.holdout.as_ref()).map(|h| u64::from(h.frequency)).sum()
    }
}
