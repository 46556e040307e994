//! Joining the parts of a log read in parallel, in file order.

use std::hash::BuildHasher;

use clv_core::summary::DayLimits;
use hashbrown::DefaultHashBuilder;

use super::chunk::{DayCounts, Part, PartCustomer};

/// The customers of the whole log, with the counts of its lines.
pub(crate) struct Joined {
    pub(crate) customers: Vec<PartCustomer>,
    pub(crate) rows: u64,
    pub(crate) blank_lines: u64,
    /// Repeat purchase days of the customers whose first purchase is within
    /// the calibration period, up to the observation end.
    pub(crate) repeat_days: DayCounts,
}

/// Joins `parts`, given in file order, customer by customer.
///
/// A customer's totals stay in the first part that has them, and their
/// totals in later parts are appended there. Each part's customers are
/// looked up in the hash tables of the parts before it, hashed with
/// `hasher`, the hasher of those tables. Fails when a customer's rows in a
/// later part start before their last day in the earlier parts.
pub(crate) fn join_parts(
    mut parts: Vec<Part>,
    limits: &DayLimits,
    hasher: &DefaultHashBuilder,
) -> Result<Joined, &'static str> {
    let mut repeat_days = DayCounts::default();
    let mut appended: Vec<Vec<bool>> = Vec::with_capacity(parts.len());

    for k in 0..parts.len() {
        let (earlier, later) = parts.split_at_mut(k);
        let part = &mut later[0];
        for (day, count) in part.repeat_days.iter() {
            repeat_days.add(day, count);
        }

        let mut part_appended = vec![false; part.customers.len()];
        // The part and position that hold each customer's joined totals.
        let mut holders: Vec<(usize, usize)> = Vec::with_capacity(part.customers.len());
        for (position, customer) in part.customers.iter().enumerate() {
            let Some((holder_part, holder_position)) = find_earlier(earlier, &customer.id, hasher) else {
                holders.push((k, position));
                continue;
            };
            let totals = &mut earlier[holder_part].customers[holder_position].totals;
            let earlier_last = totals.last_day();
            let later_first = customer.totals.first_day();
            totals.append(&customer.totals).map_err(|_| "a customer's rows are not in date order")?;
            // The part did not count the customer's first day in it, which
            // is a repeat purchase day when the earlier parts do not have it.
            if later_first > earlier_last
                && totals.first_day() <= limits.calibration_last()
                && later_first <= limits.observation_last()
            {
                repeat_days.add(later_first, 1);
            }
            part_appended[position] = true;
            holders.push((holder_part, holder_position));
        }

        for &(local, day) in &part.pending_days {
            let (holder_part, holder_position) = holders[local as usize];
            let holder = if holder_part == k {
                &part.customers[holder_position]
            } else {
                &earlier[holder_part].customers[holder_position]
            };
            if holder.totals.first_day() <= limits.calibration_last() {
                repeat_days.add(day, 1);
            }
        }
        appended.push(part_appended);
    }

    let rows = parts.iter().map(|part| part.rows).sum();
    let blank_lines = parts.iter().map(|part| part.blank_lines).sum();
    let customers = parts
        .into_iter()
        .zip(appended)
        .flat_map(|(part, part_appended)| {
            part.customers
                .into_iter()
                .zip(part_appended)
                .filter(|(_, appended)| !appended)
                .map(|(customer, _)| customer)
        })
        .collect();
    Ok(Joined { customers, rows, blank_lines, repeat_days })
}

/// Returns the part and position of `id` in the first of `parts` that has it.
fn find_earlier(parts: &[Part], id: &str, hasher: &DefaultHashBuilder) -> Option<(usize, usize)> {
    if parts.is_empty() {
        return None;
    }
    let hash = hasher.hash_one(id.as_bytes());
    parts.iter().enumerate().find_map(|(index, part)| {
        let customers = &part.customers;
        let found = part.index.find(hash, |&position| customers[position as usize].id == id)?;
        Some((index, *found as usize))
    })
}
