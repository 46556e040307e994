//! Repeat purchase days per calendar day, the actual side of the tracking chart.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use clv_core::{Date, Summaries, Transaction};

/// Collects each customer's purchase days while the rows are read.
///
/// Memory grows with the number of distinct customer-days, as in the
/// summary builder, which consumes its own copy when it builds.
#[derive(Debug, Default)]
pub(crate) struct PurchaseDays {
    days: HashMap<String, BTreeSet<Date>>,
}

impl PurchaseDays {
    pub(crate) fn add(&mut self, transaction: &Transaction) {
        if let Some(days) = self.days.get_mut(&transaction.customer) {
            days.insert(transaction.date);
        } else {
            self.days.insert(transaction.customer.clone(), BTreeSet::from([transaction.date]));
        }
    }

    /// Counts the repeat purchase days of the modelled customers by calendar
    /// day, through the observation end: every purchase day of a customer in
    /// `summaries` after their first.
    pub(crate) fn repeat_days(mut self, summaries: &Summaries) -> BTreeMap<Date, u64> {
        let end = summaries.split.observation_end;
        let mut counts = BTreeMap::new();
        for customer in &summaries.customers {
            let Some(days) = self.days.remove(&customer.id) else { continue };
            for day in days.into_iter().filter(|day| *day > customer.first_purchase && *day <= end) {
                *counts.entry(day).or_insert(0) += 1;
            }
        }
        counts
    }
}
