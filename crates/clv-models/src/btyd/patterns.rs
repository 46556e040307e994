//! Compression of customer summaries into distinct patterns with counts.

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
///
/// The keys are sorted in one vector and runs of equal keys counted, which
/// needs no allocation per pattern, unlike a tree map from key to count.
pub fn compress(customers: &[CustomerSummary]) -> Vec<Pattern> {
    let mut keyed: Vec<((u32, u64, u64), &CustomerSummary)> = customers
        .iter()
        .map(|customer| ((customer.frequency, customer.recency.to_bits(), customer.age.to_bits()), customer))
        .collect();
    keyed.sort_unstable_by_key(|(key, _)| *key);

    let mut patterns: Vec<Pattern> = Vec::new();
    let mut last_key = None;
    for (key, customer) in keyed {
        if last_key == Some(key) {
            if let Some(pattern) = patterns.last_mut() {
                pattern.count += 1.0;
            }
        } else {
            patterns.push(Pattern { rfm: Rfm::of(customer), count: 1.0 });
            last_key = Some(key);
        }
    }
    patterns
}
