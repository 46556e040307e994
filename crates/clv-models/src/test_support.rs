//! Hand-built calibration summaries for the unit tests of the models.

use std::str::FromStr;

use clv_core::{CustomerSummary, Date, Decimal, TimeUnit};

/// First purchase day of every test customer.
const FIRST_PURCHASE: Date = Date::constant(2020, 1, 1);

/// Builds a consistent calibration summary in days.
///
/// The customer buys first on 2020-01-01 for `first_value`, then on
/// `frequency` more days for `repeat_revenue` in all, the last of them
/// `recency_days` after the first. The calibration ends `age_days` after the
/// first purchase. Profit is 30% of revenue.
pub(crate) fn summary(
    id: &str,
    frequency: u32,
    recency_days: i64,
    age_days: i64,
    first_value: &str,
    repeat_revenue: &str,
) -> CustomerSummary {
    assert!(frequency > 0 || recency_days == 0, "a customer without repeat days has recency 0");
    assert!(recency_days <= age_days, "the last purchase is on or before the calibration end");

    let first_value = Decimal::from_str(first_value).unwrap();
    let repeat_revenue = Decimal::from_str(repeat_revenue).unwrap();
    let revenue = first_value + repeat_revenue;
    let monetary_value =
        if frequency == 0 { Decimal::ZERO } else { repeat_revenue / Decimal::from(frequency) };

    let last_purchase = FIRST_PURCHASE.checked_add(jiff::Span::new().days(recency_days)).unwrap();
    CustomerSummary {
        id: id.to_string(),
        first_purchase: FIRST_PURCHASE,
        last_purchase,
        frequency,
        recency_days,
        age_days,
        recency: TimeUnit::Day.from_days(recency_days),
        age: TimeUnit::Day.from_days(age_days),
        monetary_value,
        first_value,
        revenue,
        profit: revenue * Decimal::from_str("0.3").unwrap(),
        transactions: u64::from(frequency) + 1,
        holdout: None,
    }
}
