//! Compressed patterns regrouped for the separated BG/NBD and MBG/NBD
//! log-likelihoods.
//!
//! A pattern's log-likelihood is `A(x) + S + ln(1 + e^u)` (see
//! [`super::separated`]). `A(x)` depends on the frequency alone, and
//! `S = r ln α - (r + x) ln(α + T)` is linear in the logarithm of the age,
//! so both sum over a few hundred distinct frequencies and ages. Only the
//! dropout term `ln(1 + e^u)` needs a pass over the patterns, and it reads
//! `ln(α + T)` and `ln(α + t_x)` from a table of the distinct durations.

use std::collections::BTreeMap;

use hashbrown::HashMap;

use crate::btyd::Pattern;

/// Model of the tables. The two models differ in the beta function of
/// `A(x)` and in which customers may have dropped out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Variant {
    /// BG/NBD: `B(a, b + x)`, and dropout only right after a repeat purchase.
    BgNbd,
    /// MBG/NBD: `B(a, b + x + 1)`, and dropout also right after the first purchase.
    MbgNbd,
}

impl Variant {
    /// Returns `n` in `ln B(a, b + n) - ln B(a, b)`.
    pub(crate) fn beta_shift(self, x: u32) -> u32 {
        match self {
            Variant::BgNbd => x,
            Variant::MbgNbd => x + 1,
        }
    }

    /// Returns `k` in the dropout odds `a / (b + x + k)`.
    pub(crate) fn dropout_offset(self) -> f64 {
        match self {
            Variant::BgNbd => -1.0,
            Variant::MbgNbd => 0.0,
        }
    }

    /// Returns whether a customer with frequency `x` may have dropped out.
    fn may_drop_out(self, x: u32) -> bool {
        match self {
            Variant::BgNbd => x > 0,
            Variant::MbgNbd => true,
        }
    }
}

/// Customers who share a frequency.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct FrequencyGroup {
    pub x: u32,
    pub count: f64,
}

/// Customers who share an age `T`, as an index into the durations.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct AgeGroup {
    pub duration: u32,
    /// Number of customers of this age.
    pub count: f64,
    /// Sum of their frequencies.
    pub frequency_sum: f64,
}

/// A pattern whose dropout term is not zero, with indices into the
/// frequency groups and the durations.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct DropoutRow {
    pub count: f64,
    pub frequency: u32,
    pub age: u32,
    pub recency: u32,
}

/// The patterns of one likelihood, regrouped by frequency and by age.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct PatternTables {
    pub variant: Variant,
    /// Distinct frequencies, in increasing order.
    pub frequencies: Vec<FrequencyGroup>,
    /// Distinct ages and recencies, in order of first appearance.
    pub durations: Vec<f64>,
    pub ages: Vec<AgeGroup>,
    pub rows: Vec<DropoutRow>,
    /// Total number of customers.
    pub customers: f64,
}

impl PatternTables {
    /// Regroups `patterns`.
    ///
    /// # Panics
    ///
    /// Panics if a frequency is not a whole number from 0 to `u32::MAX - 1`.
    /// Frequencies count purchase days, and [`crate::btyd::compress`] makes
    /// them from a `u32`.
    pub(crate) fn new(patterns: &[Pattern], variant: Variant) -> PatternTables {
        let mut durations = DurationIndex::default();
        let mut frequency_counts: BTreeMap<u32, f64> = BTreeMap::new();
        let mut last_frequency: Option<(u32, f64)> = None;
        let mut age_groups: Vec<AgeGroup> = Vec::new();
        let mut rows = Vec::new();
        let mut customers = 0.0;

        for pattern in patterns {
            let x = whole_frequency(pattern.rfm.x);
            let count = pattern.count;
            customers += count;

            // Patterns from `compress` are sorted by frequency, so the map
            // is touched once per run of equal frequencies.
            last_frequency = match last_frequency {
                Some((last, sum)) if last == x => Some((x, sum + count)),
                Some((last, sum)) => {
                    *frequency_counts.entry(last).or_insert(0.0) += sum;
                    Some((x, count))
                }
                None => Some((x, count)),
            };

            let age = durations.index_of(pattern.rfm.t);
            if age_groups.len() <= age as usize {
                age_groups.resize(age as usize + 1, AgeGroup { duration: 0, count: 0.0, frequency_sum: 0.0 });
            }
            let group = &mut age_groups[age as usize];
            group.duration = age;
            group.count += count;
            group.frequency_sum += count * pattern.rfm.x;

            if variant.may_drop_out(x) {
                let recency = durations.index_of(pattern.rfm.t_x);
                rows.push(DropoutRow { count, frequency: x, age, recency });
            }
        }
        if let Some((last, sum)) = last_frequency {
            *frequency_counts.entry(last).or_insert(0.0) += sum;
        }

        // Rows point at frequency groups, not at frequencies.
        let frequencies: Vec<FrequencyGroup> =
            frequency_counts.into_iter().map(|(x, count)| FrequencyGroup { x, count }).collect();
        let mut last_group: Option<(u32, u32)> = None;
        for row in &mut rows {
            let group = match last_group {
                Some((x, group)) if x == row.frequency => group,
                _ => {
                    let group = frequencies.partition_point(|candidate| candidate.x < row.frequency) as u32;
                    last_group = Some((row.frequency, group));
                    group
                }
            };
            row.frequency = group;
        }
        age_groups.retain(|group| group.count != 0.0);

        PatternTables { variant, frequencies, durations: durations.values, ages: age_groups, rows, customers }
    }
}

/// Returns `x` as a `u32`, or panics as [`PatternTables::new`] documents.
fn whole_frequency(x: f64) -> u32 {
    assert!(
        x.fract() == 0.0 && (0.0..f64::from(u32::MAX)).contains(&x),
        "a frequency must be a whole number of purchase days, got {x}"
    );
    x as u32
}

/// Distinct durations by their bits, with the index of each.
#[derive(Default)]
struct DurationIndex {
    values: Vec<f64>,
    index: HashMap<u64, u32>,
}

impl DurationIndex {
    fn index_of(&mut self, duration: f64) -> u32 {
        let next = self.values.len() as u32;
        let index = *self.index.entry(duration.to_bits()).or_insert(next);
        if index == next {
            self.values.push(duration);
        }
        index
    }
}
