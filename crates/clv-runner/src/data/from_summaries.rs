//! Turns the records of a summary file into customer summaries.
//!
//! A summary file has no calendar, so the customers are placed on one. Each
//! customer's age T ends on the calibration end, the day the summaries were
//! taken. The first purchase is T before it, and the last purchase t_x after
//! the first. Recency and age keep the file's values exactly, and their
//! whole-day counts are those values times the unit's length, rounded.
//!
//! A record that stands for `count` customers becomes `count` customers with
//! ids `ID-1`, `ID-2`, ... so that every report counts customers, not rows.
//! Money the file does not give is 0: the first purchase value, and revenue
//! beyond `frequency x monetary_value`.

use clv_core::{CustomerSummary, Date, Decimal, Exclusions, Split, Summaries, SummaryError, TimeUnit};
use clv_ingest::SummaryRecord;

/// Builds the summaries of `records`, measured in `unit`, all ending on `calibration_end`.
pub(super) fn summaries(
    records: &[SummaryRecord],
    unit: TimeUnit,
    calibration_end: Date,
    margin: Decimal,
) -> Result<Summaries, SummaryError> {
    let mut customers = Vec::new();
    for record in records {
        let age_days = (record.age * unit.days()).round() as i64;
        let recency_days = (record.recency * unit.days()).round() as i64;
        let first_purchase = shift(calibration_end, -age_days, &record.id)?;
        let last_purchase = shift(first_purchase, recency_days, &record.id)?;
        let revenue = record
            .monetary_value
            .checked_mul(Decimal::from(record.frequency))
            .ok_or_else(|| SummaryError::RevenueOverflow { customer: record.id.clone() })?;

        let template = CustomerSummary {
            id: record.id.clone(),
            first_purchase,
            last_purchase,
            frequency: record.frequency,
            recency_days,
            age_days,
            recency: record.recency,
            age: record.age,
            monetary_value: record.monetary_value,
            first_value: Decimal::ZERO,
            revenue,
            profit: revenue * margin,
            transactions: u64::from(record.frequency) + 1,
            holdout: None,
        };
        if record.count == 1 {
            customers.push(template);
        } else {
            // NOTE: a row's count is not bounded, so a count such as 10^12 requests
            // that many summaries in memory, and the process aborts when
            // memory runs out instead of returning an error that names the row.
            for index in 1..=record.count {
                customers.push(CustomerSummary { id: format!("{}-{index}", record.id), ..template.clone() });
            }
        }
    }
    if customers.is_empty() {
        return Err(SummaryError::NoTransactions);
    }

    customers.sort_by(|a, b| a.id.cmp(&b.id));
    let first_date = customers.iter().map(|c| c.first_purchase).min().unwrap_or(calibration_end);
    let summaries = Summaries {
        customers,
        unit,
        split: Split { calibration_end, observation_end: calibration_end },
        first_date,
        last_date: calibration_end,
        exclusions: Exclusions::default(),
    };
    summaries.check_totals()?;
    Ok(summaries)
}

/// Moves `date` by `days`, or fails when that leaves the calendar's range.
fn shift(date: Date, days: i64, id: &str) -> Result<Date, SummaryError> {
    let out_of_range = || SummaryError::DateOutOfRange { customer: id.to_string(), date, days };
    let span = jiff::Span::new().try_days(days).map_err(|_| out_of_range())?;
    date.checked_add(span).map_err(|_| out_of_range())
}
