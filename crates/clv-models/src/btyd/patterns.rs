//! Compression of customer summaries into distinct patterns with counts.

use std::collections::BTreeMap;

use clv_core::CustomerSummary;

use super::Rfm;

/// A distinct (x, t_x, T) summary and the number of customers who share it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Pattern {
    pub rfm: Rfm,
    pub count: f64,
}

/// Merges customers with identical frequency, recency and age into patterns,
/// sorted by x, then by the bit patterns of recency and age. Equal durations
/// are computed from equal whole days, so they have equal bits.
pub fn compress(customers: &[CustomerSummary]) -> Vec<Pattern> {
    let mut counts: BTreeMap<(u32, u64, u64), (Rfm, f64)> = BTreeMap::new();
    for customer in customers {
        let key = (customer.frequency, customer.recency.to_bits(), customer.age.to_bits());
        counts.entry(key).or_insert((Rfm::of(customer), 0.0)).1 += 1.0;
    }
    counts.into_values().map(|(rfm, count)| Pattern { rfm, count }).collect()
}
