//! Reading one part of a log into per-customer totals.

use std::hash::BuildHasher;

use clv_core::summary::{DayLimits, OrderedTotals};
use hashbrown::{DefaultHashBuilder, HashTable};

use super::line::{DateShape, parse_amount, parse_date};

/// Positions of the selected fields, the delimiter and the date format of a log.
#[derive(Clone, Copy, Debug)]
pub(crate) struct LineLayout {
    pub(crate) delimiter: u8,
    pub(crate) customer: usize,
    pub(crate) date: usize,
    pub(crate) amount: usize,
    pub(crate) date_shape: DateShape,
}

impl LineLayout {
    /// Returns the customer id, date and amount fields of `line` without
    /// surrounding whitespace, or `None` when the line has too few fields.
    fn selected_fields<'a>(&self, line: &'a [u8]) -> Option<[&'a [u8]; 3]> {
        let last = self.customer.max(self.date).max(self.amount);
        let mut selected: [&[u8]; 3] = [&[]; 3];
        let mut rest = line;
        for index in 0..=last {
            // Fields are a few bytes long, where a plain scan beats memchr's
            // setup for long haystacks.
            let end = rest.iter().position(|&byte| byte == self.delimiter);
            if end.is_none() && index < last {
                return None;
            }
            let field = &rest[..end.unwrap_or(rest.len())];
            if index == self.customer {
                selected[0] = field.trim_ascii();
            }
            if index == self.date {
                selected[1] = field.trim_ascii();
            }
            if index == self.amount {
                selected[2] = field.trim_ascii();
            }
            rest = end.map_or(&[], |end| &rest[end + 1..]);
        }
        Some(selected)
    }
}

/// One customer of a part: their id and the totals of their rows in it.
pub(crate) struct PartCustomer {
    pub(crate) id: String,
    pub(crate) totals: OrderedTotals,
}

/// The customers of one part of a log, in the order of their first row.
pub(crate) struct Part {
    pub(crate) customers: Vec<PartCustomer>,
    /// Indexes into `customers`, keyed by the hash of the id.
    pub(crate) index: HashTable<u32>,
    pub(crate) rows: u64,
    pub(crate) blank_lines: u64,
    /// Repeat purchase days of the customers whose first day in this part is
    /// within the calibration period: every purchase day after that first one.
    pub(crate) repeat_days: DayCounts,
    /// Purchase days after the first, up to the observation end, of the
    /// customers whose first day in this part is after the calibration
    /// period, as (index in `customers`, day). They count only for a customer
    /// whose rows began in an earlier part within the calibration period.
    pub(crate) pending_days: Vec<(u32, i32)>,
    /// Smallest and largest number of decimal places of the amounts.
    pub(crate) amount_scales: (u8, u8),
    /// Whether an amount is negative.
    pub(crate) has_negative: bool,
}

/// A line of a part that the fast reader does not handle, and the reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Unsupported {
    /// Byte offset of the line in the part.
    pub(crate) offset: usize,
    pub(crate) reason: &'static str,
}

/// Counts per day number, for a compact range of days.
#[derive(Clone, Debug, Default)]
pub(crate) struct DayCounts {
    first: i32,
    counts: Vec<u64>,
}

impl DayCounts {
    pub(crate) fn add(&mut self, day: i32, count: u64) {
        if self.counts.is_empty() {
            self.first = day;
        }
        if day < self.first {
            let shift = (self.first - day) as usize;
            self.counts.splice(0..0, std::iter::repeat_n(0, shift));
            self.first = day;
        }
        let index = (day - self.first) as usize;
        if index >= self.counts.len() {
            self.counts.resize(index + 1, 0);
        }
        self.counts[index] += count;
    }

    /// Iterates over the days with a count above 0, in increasing order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (i32, u64)> + '_ {
        let first = self.first;
        self.counts
            .iter()
            .enumerate()
            .filter(|(_, count)| **count > 0)
            .map(move |(index, count)| (first + index as i32, *count))
    }
}

/// Bytes read between calls of the `release` function of [`read_part`].
const RELEASE_BYTES: usize = 16 << 20;

/// Reads the lines of `bytes`, which starts at a line start and ends at a
/// line end or at the end of the file, into per-customer totals.
///
/// Ids are hashed with `hasher`, which must be the same for every part.
/// Every [`RELEASE_BYTES`] or so, `release` is called with the range of
/// `bytes` read since the last call, which is not read again.
pub(crate) fn read_part(
    bytes: &[u8],
    layout: &LineLayout,
    limits: &DayLimits,
    hasher: &DefaultHashBuilder,
    release: &(dyn Fn(usize, usize) + Sync),
) -> Result<Part, Unsupported> {
    // A guess of one customer per 64 bytes, which saves most of the table's
    // growth on a log with few rows per customer.
    let mut part = Part {
        customers: Vec::new(),
        index: HashTable::with_capacity(bytes.len() / 64),
        rows: 0,
        blank_lines: 0,
        repeat_days: DayCounts::default(),
        pending_days: Vec::new(),
        amount_scales: (u8::MAX, 0),
        has_negative: false,
    };

    let mut start = 0;
    let mut released = 0;
    while start < bytes.len() {
        if start - released >= RELEASE_BYTES {
            release(released, start);
            released = start;
        }
        let end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |length| start + length);
        let line = &bytes[start..end];
        let line_start = start;
        let unsupported = |reason| Unsupported { offset: line_start, reason };
        start = end + 1;

        if line.trim_ascii().is_empty() {
            part.blank_lines += 1;
            continue;
        }
        let Some([id, date_text, amount_text]) = layout.selected_fields(line) else {
            return Err(unsupported("a row has fewer fields than the selected columns need"));
        };

        if id.is_empty() {
            return Err(unsupported("a customer id is empty"));
        }
        let day = parse_date(date_text, layout.date_shape)
            .ok_or_else(|| unsupported("a date is not a plain calendar day"))?;
        let amount =
            parse_amount(amount_text).ok_or_else(|| unsupported("an amount is not a short plain decimal"))?;
        if amount.units == 0 {
            // The builder's sums of a zero amount can have a smaller scale; see `OrderedTotals`.
            return Err(unsupported("an amount is zero"));
        }
        part.has_negative |= amount.units < 0;
        part.amount_scales = (part.amount_scales.0.min(amount.scale), part.amount_scales.1.max(amount.scale));
        part.rows += 1;

        // A log grouped by customer repeats the previous row's id, which the
        // last entry holds, so the hash lookup is skipped.
        let same_as_last = part.customers.last().is_some_and(|last| last.id.as_bytes() == id);
        let position = if same_as_last {
            part.customers.len() - 1
        } else {
            let hash = hasher.hash_one(id);
            let customers = &part.customers;
            match part.index.find(hash, |&position| customers[position as usize].id.as_bytes() == id) {
                Some(&position) => position as usize,
                None => {
                    let id =
                        std::str::from_utf8(id).map_err(|_| unsupported("a customer id is not UTF-8"))?;
                    let position = u32::try_from(customers.len())
                        .map_err(|_| unsupported("a part has more than u32::MAX customers"))?;
                    part.index.insert_unique(hash, position, |&position| {
                        hasher.hash_one(customers[position as usize].id.as_bytes())
                    });
                    part.customers.push(PartCustomer {
                        id: id.to_string(),
                        totals: OrderedTotals::new(day, amount, limits),
                    });
                    continue;
                }
            }
        };

        let totals = &mut part.customers[position].totals;
        // TODO: a shuffled log goes to the accurate reader whole. Keeping the
        // days of only the customers whose rows are out of order, found in a
        // second pass over the part, would keep it on the fast reader.
        let new_day = totals
            .add(day, amount, limits)
            .map_err(|_| unsupported("a customer's rows are not in date order"))?;
        if new_day && day <= limits.observation_last() {
            if totals.first_day() <= limits.calibration_last() {
                part.repeat_days.add(day, 1);
            } else {
                part.pending_days.push((position as u32, day));
            }
        }
    }
    Ok(part)
}
