//! The customers a Gamma-Gamma fit uses, with the sums over them that do
//! not depend on the parameters.

use std::collections::BTreeMap;

use clv_core::CustomerSummary;
use rayon::prelude::*;

use super::KIND;
use super::likelihood::SpendPattern;
use crate::money::decimal_to_f64;

/// Customers per chunk of the parallel selection. Chunks are merged in
/// order, so the sums have the same bits whatever the number of threads.
const CHUNK: usize = 4_096;

/// Frequencies below this are counted in a vector indexed by frequency, and
/// larger ones in a map. A frequency counts purchase days, so the vector
/// covers calibration periods of up to 179 years of daily purchases.
const DENSE_FREQUENCIES: usize = 65_536;

/// The customers with at least one repeat purchase day of positive mean
/// value, and counts of those left out.
#[derive(Debug)]
pub(super) struct SpendData {
    /// `(x, m)` of each selected customer, in the order of the summaries.
    pub(super) pairs: Vec<(u32, f64)>,
    /// Number of selected customers with each frequency x, by increasing x.
    pub(super) frequencies: Vec<(f64, f64)>,
    /// `Σ x ln(x m)` over the selected customers.
    pub(super) sum_x_ln_value: f64,
    /// `Σ ln m` over the selected customers.
    pub(super) sum_ln_mean: f64,
    /// `Σ m` over the selected customers.
    pub(super) sum_mean: f64,
    /// Customers without a repeat purchase day.
    pub(super) without_repeat: usize,
    /// Repeat customers whose mean value is <= 0, or NaN after conversion.
    pub(super) non_positive_value: usize,
}

impl SpendData {
    /// Selects the customers of `customers` that a fit uses, in parallel.
    pub(super) fn from_customers(customers: &[CustomerSummary]) -> SpendData {
        let chunks: Vec<ChunkSelection> = customers.par_chunks(CHUNK).map(ChunkSelection::of).collect();
        SpendData::from_chunks(chunks)
    }

    /// Returns every `step`-th selected customer, with the sums over them.
    pub(super) fn subsample(&self, step: usize) -> SpendData {
        let mut selection = ChunkSelection::default();
        for &(x, mean_value) in self.pairs.iter().step_by(step.max(1)) {
            selection.add(x, mean_value);
        }
        SpendData::from_chunks(vec![selection])
    }

    /// Merges the selections of consecutive chunks, in order.
    fn from_chunks(chunks: Vec<ChunkSelection>) -> SpendData {
        let mut pairs = Vec::with_capacity(chunks.iter().map(|chunk| chunk.pairs.len()).sum());
        let mut counts = FrequencyCounts::default();
        let mut sum_x_ln_mean = 0.0;
        let mut sum_ln_mean = 0.0;
        let mut sum_mean = 0.0;
        let mut without_repeat = 0;
        let mut non_positive_value = 0;
        for chunk in chunks {
            pairs.extend_from_slice(&chunk.pairs);
            counts.merge(chunk.counts);
            sum_x_ln_mean += chunk.sum_x_ln_mean;
            sum_ln_mean += chunk.sum_ln_mean;
            sum_mean += chunk.sum_mean;
            without_repeat += chunk.without_repeat;
            non_positive_value += chunk.non_positive_value;
        }

        // Σ x ln(x m) = Σ x ln x + Σ x ln m, and the first sum takes one
        // logarithm per distinct x.
        let frequencies = counts.into_sorted();
        let sum_x_ln_x: f64 = frequencies.iter().map(|&(x, count)| count * x * x.ln()).sum();
        SpendData {
            pairs,
            frequencies,
            sum_x_ln_value: sum_x_ln_x + sum_x_ln_mean,
            sum_ln_mean,
            sum_mean,
            without_repeat,
            non_positive_value,
        }
    }

    /// Number of selected customers.
    pub(super) fn customers(&self) -> usize {
        self.pairs.len()
    }

    /// Merges the selected customers into patterns with counts.
    pub(super) fn patterns(&self) -> Vec<SpendPattern> {
        SpendPattern::compress(&self.pairs)
    }

    /// Logs the number of customers fitted on and left out.
    pub(super) fn log(&self) {
        log::info!(
            "{KIND}: fitting on {} customers; left out {} without a repeat purchase day",
            self.customers(),
            self.without_repeat
        );
        if self.non_positive_value > 0 {
            log::warn!(
                "{KIND}: left out {} customers whose repeat purchase days have a mean value <= 0 \
                 (net returns); they are predicted at the population mean",
                self.non_positive_value
            );
        }
    }
}

/// The selection of one chunk of customers.
#[derive(Default)]
struct ChunkSelection {
    pairs: Vec<(u32, f64)>,
    counts: FrequencyCounts,
    sum_x_ln_mean: f64,
    sum_ln_mean: f64,
    sum_mean: f64,
    without_repeat: usize,
    non_positive_value: usize,
}

impl ChunkSelection {
    fn of(customers: &[CustomerSummary]) -> ChunkSelection {
        let mut selection =
            ChunkSelection { pairs: Vec::with_capacity(customers.len()), ..Default::default() };
        for customer in customers {
            let x = customer.frequency;
            if x == 0 {
                selection.without_repeat += 1;
                continue;
            }
            let mean_value = decimal_to_f64(customer.monetary_value);
            // A NaN from a failed conversion is counted with the values <= 0.
            let positive = mean_value > 0.0;
            if !positive {
                selection.non_positive_value += 1;
                continue;
            }
            selection.add(x, mean_value);
        }
        selection
    }

    /// Adds a customer with `x > 0` repeat purchase days of mean value `mean_value > 0`.
    fn add(&mut self, x: u32, mean_value: f64) {
        let ln_mean = mean_value.ln();
        self.sum_ln_mean += ln_mean;
        self.sum_mean += mean_value;
        self.sum_x_ln_mean += f64::from(x) * ln_mean;
        self.counts.add(x);
        self.pairs.push((x, mean_value));
    }
}

/// Number of customers per frequency.
#[derive(Default)]
struct FrequencyCounts {
    dense: Vec<u64>,
    sparse: BTreeMap<u32, u64>,
}

impl FrequencyCounts {
    fn add(&mut self, x: u32) {
        let index = x as usize;
        if index >= DENSE_FREQUENCIES {
            *self.sparse.entry(x).or_insert(0) += 1;
            return;
        }
        if index >= self.dense.len() {
            self.dense.resize(index + 1, 0);
        }
        self.dense[index] += 1;
    }

    fn merge(&mut self, other: FrequencyCounts) {
        if other.dense.len() > self.dense.len() {
            self.dense.resize(other.dense.len(), 0);
        }
        for (total, count) in self.dense.iter_mut().zip(other.dense) {
            *total += count;
        }
        for (x, count) in other.sparse {
            *self.sparse.entry(x).or_insert(0) += count;
        }
    }

    /// Returns `(x, count)` for every frequency with customers, by increasing x.
    fn into_sorted(self) -> Vec<(f64, f64)> {
        let dense = self.dense.into_iter().enumerate().filter(|&(_, count)| count > 0);
        let dense = dense.map(|(x, count)| (x as f64, count as f64));
        let sparse = self.sparse.into_iter().map(|(x, count)| (f64::from(x), count as f64));
        dense.chain(sparse).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frequency_counts_merge_dense_and_sparse() {
        let mut first = FrequencyCounts::default();
        for x in [3, 1, 3, 70_000] {
            first.add(x);
        }
        let mut second = FrequencyCounts::default();
        for x in [5, 70_000, 4_000_000_000] {
            second.add(x);
        }
        first.merge(second);
        assert_eq!(
            first.into_sorted(),
            vec![(1.0, 1.0), (3.0, 2.0), (5.0, 1.0), (70_000.0, 2.0), (4_000_000_000.0, 1.0)]
        );
    }
}
