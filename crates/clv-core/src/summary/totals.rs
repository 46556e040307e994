//! A check that every sum of money over customers fits in a [`Decimal`].
//!
//! Each customer's figures are checked when they are summed, but reports and
//! margins also sum them over all customers. `Decimal` addition panics on
//! overflow, so these totals are checked once, after the summaries are built.

use rust_decimal::Decimal;

use super::{CustomerSummary, Summaries, SummaryError};

impl Summaries {
    /// Checks that the revenue and profit of the calibration and holdout
    /// periods can be summed over any subset of the customers.
    ///
    /// The positive and the negative figures are summed apart, so that no
    /// partial sum in any order can overflow when neither of these does.
    pub fn check_totals(&self) -> Result<(), SummaryError> {
        check_total(&self.customers, "calibration revenue", |c| Some(c.revenue))?;
        check_total(&self.customers, "calibration profit", |c| Some(c.profit))?;
        check_total(&self.customers, "holdout revenue", |c| c.holdout.as_ref().map(|h| h.revenue))?;
        check_total(&self.customers, "holdout profit", |c| c.holdout.as_ref().map(|h| h.profit))?;
        Ok(())
    }
}

/// Returns whether `values` can be summed in any order, over any subset,
/// without overflow: the sum of the positive values and the sum of the
/// negative values both fit in a [`Decimal`].
pub fn sums_fit(values: impl IntoIterator<Item = Decimal>) -> bool {
    let mut positive = Decimal::ZERO;
    let mut negative = Decimal::ZERO;
    for value in values {
        let sum = if value.is_sign_negative() { &mut negative } else { &mut positive };
        match sum.checked_add(value) {
            Some(total) => *sum = total,
            None => return false,
        }
    }
    true
}

fn check_total(
    customers: &[CustomerSummary],
    figure: &'static str,
    value: impl Fn(&CustomerSummary) -> Option<Decimal>,
) -> Result<(), SummaryError> {
    if sums_fit(customers.iter().filter_map(value)) {
        Ok(())
    } else {
        Err(SummaryError::TotalOverflow { figure })
    }
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;
    use crate::summary::SummaryBuilder;
    use crate::time::TimeUnit;
    use crate::transaction::Transaction;

    fn row(customer: &str, amount: Decimal) -> Transaction {
        Transaction { customer: customer.to_string(), date: date(2024, 1, 1), amount, cost: None }
    }

    #[test]
    fn total_revenue_overflow_is_error() {
        // Each customer's revenue fits, but the two of them together do not.
        let mut builder = SummaryBuilder::new(Decimal::ONE);
        builder.add(row("a", Decimal::MAX)).unwrap();
        builder.add(row("b", Decimal::MAX)).unwrap();

        let error = builder.build(TimeUnit::Day, None, None).unwrap_err();

        assert_eq!(error, SummaryError::TotalOverflow { figure: "calibration revenue" });
        assert!(error.to_string().contains("beyond the range of a decimal number"), "{error}");
    }

    #[test]
    fn opposite_signs_are_summed_apart() {
        // A return as large as a purchase fits, because each sign is summed apart.
        let mut builder = SummaryBuilder::new(Decimal::ONE);
        builder.add(row("a", Decimal::MAX)).unwrap();
        builder.add(row("b", Decimal::MIN)).unwrap();

        let summaries = builder.build(TimeUnit::Day, None, None).unwrap();

        assert_eq!(summaries.check_totals(), Ok(()));
    }
}
