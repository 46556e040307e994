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
/// The sort is a radix sort on the day counts when they agree with the
/// durations, else a comparison sort on the durations' bits.
pub fn compress(customers: &[CustomerSummary]) -> Vec<Pattern> {
    compress_by_days(customers).unwrap_or_else(|| compress_by_bits(customers))
}

/// Largest frequency and day count that [`compress_by_days`] packs: 24 and
/// 20 bits, which add up to one `u64`.
const FREQUENCY_BITS: u32 = 24;
const DAY_BITS: u32 = 20;

/// Compresses on the whole-day counts, packed into one `u64` key per
/// customer and radix sorted. The customers are read once, in order,
/// because a second, random-order read of a million summaries costs more
/// than the sort.
///
/// Returns `None` when a count does not fit in [`FREQUENCY_BITS`] or
/// [`DAY_BITS`], or when the day counts do not determine the durations and
/// their order, as for summaries read from a file whose durations are not
/// whole days. The patterns come out in the order of [`compress_by_bits`].
fn compress_by_days(customers: &[CustomerSummary]) -> Option<Vec<Pattern>> {
    let mut durations = DayDurations::default();
    let mut keys = Vec::with_capacity(customers.len());
    let (mut max_frequency, mut max_days) = (0, 0);
    for customer in customers {
        let frequency = customer.frequency;
        let recency_days = durations.record(customer.recency_days, customer.recency)?;
        let age_days = durations.record(customer.age_days, customer.age)?;
        if frequency >= 1 << FREQUENCY_BITS {
            return None;
        }
        max_frequency = max_frequency.max(frequency);
        max_days = max_days.max(recency_days).max(age_days);
        keys.push(pack(frequency, recency_days, age_days, DAY_BITS));
    }
    if !durations.increasing() {
        return None;
    }

    // Narrower keys leave more leading bytes equal, and the radix sort skips those.
    let day_bits = bits_for(u64::from(max_days));
    if day_bits < DAY_BITS {
        for key in &mut keys {
            let (frequency, recency_days, age_days) = unpack(*key, DAY_BITS);
            *key = pack(frequency, recency_days, age_days, day_bits);
        }
    }
    radsort::sort(&mut keys);

    let mut patterns: Vec<Pattern> = Vec::new();
    let mut last_key = None;
    for key in keys {
        if last_key == Some(key) {
            if let Some(pattern) = patterns.last_mut() {
                pattern.count += 1.0;
            }
        } else {
            let (frequency, recency_days, age_days) = unpack(key, day_bits);
            let rfm = Rfm {
                x: f64::from(frequency),
                t_x: durations.duration(recency_days),
                t: durations.duration(age_days),
            };
            patterns.push(Pattern { rfm, count: 1.0 });
            last_key = Some(key);
        }
    }
    Some(patterns)
}

fn pack(frequency: u32, recency_days: u32, age_days: u32, day_bits: u32) -> u64 {
    (u64::from(frequency) << (2 * day_bits)) | (u64::from(recency_days) << day_bits) | u64::from(age_days)
}

fn unpack(key: u64, day_bits: u32) -> (u32, u32, u32) {
    let day_mask = (1 << day_bits) - 1;
    ((key >> (2 * day_bits)) as u32, ((key >> day_bits) & day_mask) as u32, (key & day_mask) as u32)
}

/// Returns the number of bits needed to write `value`, 0 for 0.
fn bits_for(value: u64) -> u32 {
    u64::BITS - value.leading_zeros()
}

/// The bits of the duration of each whole number of days seen so far.
#[derive(Default)]
struct DayDurations {
    /// Bits of the duration of `index` days, or [`UNSEEN`].
    bits: Vec<u64>,
}

/// Marks a day count not seen yet. It is a NaN, which no accepted duration is.
const UNSEEN: u64 = u64::MAX;

impl DayDurations {
    /// Records that `days` whole days last `duration`, and returns `days`,
    /// or `None` when `days` is out of range, `duration` is NaN, or an
    /// earlier customer had another duration for the same days.
    fn record(&mut self, days: i64, duration: f64) -> Option<u32> {
        let days = u32::try_from(days).ok().filter(|days| *days < 1 << DAY_BITS)?;
        let bits = duration.to_bits();
        if duration.is_nan() {
            return None;
        }
        let slot = days as usize;
        if self.bits.len() <= slot {
            self.bits.resize(slot + 1, UNSEEN);
        }
        match self.bits[slot] {
            UNSEEN => self.bits[slot] = bits,
            seen if seen != bits => return None,
            _ => {}
        }
        Some(days)
    }

    /// Returns whether more days have larger bits, so that the order by
    /// days is the order by the bits of the durations.
    fn increasing(&self) -> bool {
        let seen: Vec<u64> = self.bits.iter().copied().filter(|bits| *bits != UNSEEN).collect();
        seen.windows(2).all(|pair| pair[0] < pair[1])
    }

    fn duration(&self, days: u32) -> f64 {
        f64::from_bits(self.bits[days as usize])
    }
}

/// Returns the key of [`compress_by_bits`].
fn bit_order(customer: &CustomerSummary) -> (u32, u64, u64) {
    (customer.frequency, customer.recency.to_bits(), customer.age.to_bits())
}

/// Compresses on the frequency and the bits of the durations, with a
/// comparison sort.
fn compress_by_bits(customers: &[CustomerSummary]) -> Vec<Pattern> {
    let mut keyed: Vec<((u32, u64, u64), &CustomerSummary)> =
        customers.iter().map(|customer| (bit_order(customer), customer)).collect();
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

#[cfg(test)]
mod tests {
    use clv_core::TimeUnit;

    use super::*;
    use crate::test_support::summary;

    /// Returns 5,000 customers in weeks with many repeated summaries, in an
    /// order unrelated to their summaries.
    fn customers_in_weeks() -> Vec<CustomerSummary> {
        (0..5_000_i64)
            .map(|i| {
                let frequency = ((i * 7919) % 13) as u32;
                let age_days = 1 + (i * 104_729) % 90;
                let recency_days = if frequency == 0 { 0 } else { (i * 31) % (age_days + 1) };
                let mut customer = summary(&i.to_string(), frequency, recency_days, age_days, "10", "5");
                customer.recency = TimeUnit::Week.from_days(recency_days);
                customer.age = TimeUnit::Week.from_days(age_days);
                customer
            })
            .collect()
    }

    #[test]
    fn day_keys_match_duration_bits() {
        let customers = customers_in_weeks();
        let by_days = compress_by_days(&customers).expect("whole-day summaries take the day path");
        assert_eq!(by_days, compress_by_bits(&customers));
        assert!(by_days.len() < customers.len());
        assert_eq!(by_days.iter().map(|pattern| pattern.count).sum::<f64>(), 5_000.0);
    }

    #[test]
    fn rounded_durations_use_bits() {
        // Two customers with 3 recency days but recencies rounded from a
        // summary file: they are different patterns.
        let mut customers = vec![summary("a", 1, 3, 10, "10", "5"), summary("b", 1, 3, 10, "10", "5")];
        customers[1].recency = 3.2;
        assert_eq!(compress_by_days(&customers), None);
        let patterns = compress(&customers);
        assert_eq!(patterns.len(), 2);
        assert_eq!(patterns[0].rfm.t_x, 3.0);
        assert_eq!(patterns[1].rfm.t_x, 3.2);
    }

    #[test]
    fn days_out_of_order_use_bits() {
        // More days but a shorter duration: the order by days would differ.
        let mut customers = vec![summary("a", 1, 3, 10, "10", "5"), summary("b", 1, 4, 10, "10", "5")];
        customers[1].recency = 2.5;
        assert_eq!(compress_by_days(&customers), None);
        let patterns = compress(&customers);
        assert_eq!(patterns[0].rfm.t_x, 2.5);
        assert_eq!(patterns[1].rfm.t_x, 3.0);
    }

    #[test]
    fn empty_input_has_no_patterns() {
        assert_eq!(compress(&[]), Vec::new());
    }
}
