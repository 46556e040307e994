//! Value segments: tiers by predicted CLV, the value x P(alive) grid, the
//! primary model's lists of customers, and segments.csv.

use std::path::Path;

use clv_core::{CustomerSummary, Decimal, Prediction};
use rust_decimal::prelude::ToPrimitive;

use super::build::{money, round4};
use super::decimal_order::descending_order;
use super::diagnostics::{CustomerListReport, CustomerRowReport, GridCellReport, SegmentsReport, TierReport};
use super::parallel_csv::write_csv;
use crate::error::RunnerError;
use crate::run::{ModelResults, RunOutput};

/// Tier labels, highest value first.
pub const TIERS: [&str; 4] = ["top 1%", "next 9%", "next 40%", "bottom 50%"];

/// P(alive) band labels: at least 0.7, from 0.3 to 0.7, below 0.3.
pub const BANDS: [&str; 3] = ["active", "uncertain", "lapsing"];

/// Customers listed in each list of the report.
const LISTED: usize = 20;

/// Returns each customer's tier index into [`TIERS`].
///
/// Customers are ranked by predicted CLV, highest first, ties in input
/// order. The top `ceil(n / 100)` form the top 1%, up to rank
/// `ceil(n / 10)` the next 9%, up to `ceil(n / 2)` the next 40%, and the
/// rest the bottom 50%.
pub fn tiers(values: &[Decimal]) -> Vec<usize> {
    let n = values.len();
    let order = descending_order(values);
    let bounds = [n.div_ceil(100), n.div_ceil(10), n.div_ceil(2)];

    let mut tier = vec![TIERS.len() - 1; n];
    for (rank, &index) in order.iter().enumerate() {
        tier[index] = bounds.iter().position(|&bound| rank < bound).unwrap_or(TIERS.len() - 1);
    }
    tier
}

/// Returns the band index into [`BANDS`] of a P(alive).
pub fn band(p_alive: f64) -> usize {
    if p_alive >= 0.7 {
        0
    } else if p_alive >= 0.3 {
        1
    } else {
        2
    }
}

fn share(part: Decimal, total: Decimal) -> Option<f64> {
    (total > Decimal::ZERO).then(|| (part / total).to_f64()).flatten().map(round4)
}

/// Counts, totals and shares of the tiers.
pub(crate) fn tier_reports(values: &[Decimal], tier: &[usize]) -> Vec<TierReport> {
    let total: Decimal = values.iter().sum();
    TIERS
        .iter()
        .enumerate()
        .map(|(index, label)| {
            let members: Vec<Decimal> =
                values.iter().zip(tier).filter(|(_, t)| **t == index).map(|(v, _)| *v).collect();
            let tier_total: Decimal = members.iter().sum();
            TierReport {
                tier: label.to_string(),
                customers: members.len(),
                total: money(tier_total),
                share: share(tier_total, total),
            }
        })
        .collect()
}

/// Customers and value in each tier x band cell; `None` when a prediction has no P(alive).
pub(crate) fn grid_report(predictions: &[Prediction], tier: &[usize]) -> Option<Vec<GridCellReport>> {
    let mut customers = [[0_usize; 3]; 4];
    let mut totals = [[Decimal::ZERO; 3]; 4];
    for (prediction, &t) in predictions.iter().zip(tier) {
        let b = band(prediction.p_alive?);
        customers[t][b] += 1;
        totals[t][b] += prediction.clv;
    }
    let mut cells = Vec::with_capacity(12);
    for (t, tier_label) in TIERS.iter().enumerate() {
        for (b, band_label) in BANDS.iter().enumerate() {
            cells.push(GridCellReport {
                tier: tier_label.to_string(),
                band: band_label.to_string(),
                customers: customers[t][b],
                total: money(totals[t][b]),
            });
        }
    }
    Some(cells)
}

/// Returns the primary model: the configured one, or else the first model
/// that did not fail. `None` when that model failed or every model did.
pub(crate) fn primary(output: &RunOutput) -> Option<(&str, &ModelResults)> {
    let run = match &output.primary {
        Some(name) => output.models.iter().find(|run| &run.name == name)?,
        None => output.models.iter().find(|run| run.outcome.is_ok())?,
    };
    run.outcome.as_ref().ok().map(|results| (run.name.as_str(), results))
}

/// Builds the primary model's segments.
pub(crate) fn segments_report(output: &RunOutput) -> Option<SegmentsReport> {
    let (name, results) = primary(output)?;
    let customers = &output.data.summaries.customers;
    let values: Vec<Decimal> = results.clv.iter().map(|p| p.clv).collect();
    let tier = tiers(&values);
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&i, &j| values[j].cmp(&values[i]));

    let row = |index: usize| customer_row(&customers[index], &results.clv[index], tier[index]);
    let top_customers = order.iter().take(LISTED).map(|&i| row(i)).collect();

    let has_p_alive = results.clv.iter().all(|p| p.p_alive.is_some());
    let high_value_lapsing = has_p_alive.then(|| {
        let members: Vec<usize> = order
            .iter()
            .copied()
            .filter(|&i| tier[i] <= 1 && results.clv[i].p_alive.is_some_and(|p| band(p) == 2))
            .collect();
        CustomerListReport {
            count: members.len(),
            total: money(members.iter().map(|&i| values[i]).sum()),
            customers: members.iter().take(LISTED).map(|&i| row(i)).collect(),
        }
    });
    Some(SegmentsReport { model: name.to_string(), high_value_lapsing, top_customers })
}

fn customer_row(customer: &CustomerSummary, prediction: &Prediction, tier: usize) -> CustomerRowReport {
    CustomerRowReport {
        id: customer.id.clone(),
        clv: money(prediction.clv),
        expected_transactions: round4(prediction.expected_transactions),
        p_alive: prediction.p_alive.map(round4),
        frequency: customer.frequency,
        recency: round4(customer.recency),
        age: round4(customer.age),
        revenue: money(customer.revenue),
        tier: TIERS[tier].to_string(),
    }
}

/// Writes segments.csv for the primary model: one row per customer with
/// the predicted CLV, the tier, P(alive) and the grid cell. Returns
/// `Ok(false)` and writes nothing when there is no primary model.
pub fn write_segments(output: &RunOutput, path: &Path) -> Result<bool, RunnerError> {
    let Some((name, results)) = primary(output) else { return Ok(false) };
    let values: Vec<Decimal> = results.clv.iter().map(|p| p.clv).collect();
    let tier = tiers(&values);

    let customers = &output.data.summaries.customers;
    let header = ["customer_id", "model", "clv", "tier", "p_alive", "band", "cell"];
    write_csv(path, &header, customers.len(), |index, writer| {
        let (customer, prediction, t) = (&customers[index], &results.clv[index], tier[index]);
        let (p_alive, band_label, cell) = match prediction.p_alive {
            Some(p) => {
                let label = BANDS[band(p)];
                (round4(p).to_string(), label, format!("{} / {label}", TIERS[t]))
            }
            None => (String::new(), "", TIERS[t].to_string()),
        };
        writer.write_record([
            customer.id.as_str(),
            name,
            &money(prediction.clv),
            TIERS[t],
            &p_alive,
            band_label,
            &cell,
        ])
    })?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiers_of_two_hundred_customers() {
        // n = 200: top 1% is ceil(2) = 2 customers, next 9% up to rank 20,
        // next 40% up to rank 100, the rest bottom 50%.
        let values: Vec<Decimal> = (0..200).map(Decimal::from).collect();
        let tier = tiers(&values);
        let counts: Vec<usize> = (0..4).map(|t| tier.iter().filter(|x| **x == t).count()).collect();
        assert_eq!(counts, vec![2, 18, 80, 100]);
        assert_eq!(tier[199], 0);
        assert_eq!(tier[198], 0);
        assert_eq!(tier[197], 1);
        assert_eq!(tier[0], 3);
    }

    #[test]
    fn tier_reports_total_and_share() {
        let values: Vec<Decimal> = [10, 0, 5, 5].into_iter().map(Decimal::from).collect();
        // n = 4: top 1% = 1 customer (10), next 9% none, next 40% up to rank 2 (a 5), rest.
        let reports = tier_reports(&values, &tiers(&values));
        assert_eq!(reports[0].customers, 1);
        assert_eq!(reports[0].total, "10.00");
        assert_eq!(reports[0].share, Some(0.5));
        assert_eq!(reports[1].customers, 0);
        assert_eq!(reports[2].total, "5.00");
        assert_eq!(reports[3].customers, 2);
        assert_eq!(reports[3].share, Some(0.25));
    }

    #[test]
    fn bands_at_edges() {
        assert_eq!(band(0.7), 0);
        assert_eq!(band(0.69), 1);
        assert_eq!(band(0.3), 1);
        assert_eq!(band(0.29), 2);
    }
}
