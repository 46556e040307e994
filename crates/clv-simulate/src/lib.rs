//! Seeded generator of synthetic transaction logs, for benchmarks and
//! model checks at any scale.
//!
//! Each customer makes a first purchase on a day drawn uniformly from the
//! cohort window at the start of the log. Repeat purchases then follow the
//! BG/NBD process of Fader, Hardie and Lee (2005, "Counting Your Customers
//! the Easy Way"): while alive, a customer buys at Poisson rate
//! λ ~ Gamma(r, α), and after each repeat purchase drops out with probability
//! p ~ Beta(a, b). Each purchase's amount follows the Gamma-Gamma spend model
//! of Fader, Hardie and Lee (2005, "RFM and CLV"): z ~ Gamma(p, ν) with
//! ν ~ Gamma(q, γ) per customer, both Gamma laws with a shape and a rate.
//!
//! The same [`Simulation`] and seed always write the same bytes, whatever the
//! number of threads, because every block of customers draws from its own
//! generator seeded from the seed and the block's index.
//!
//! The log is a CSV file with the header `customer,date,amount`: customer ids
//! are the integers 1 to N, dates are `YYYY-MM-DD` and amounts have two
//! decimals. Rows are grouped by customer and in date order within a customer.
//! The crate does not model returns, costs or times of day.

use std::io::Write;

use jiff::ToSpan;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rand_distr::{Beta, Distribution, Exp, Gamma};
use rayon::prelude::*;

mod params;

pub use params::{PurchaseProcess, SimulateError, Simulation, SpendProcess};

/// Customers per generator block; blocks are generated in parallel.
const BLOCK_CUSTOMERS: u64 = 8_192;

/// Blocks generated before their text is written, which bounds memory to
/// about this many blocks of CSV text.
const BLOCKS_PER_BATCH: u64 = 64;

/// Counts of what [`Simulation::write_csv`] wrote.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Written {
    /// Customers, each with at least one row.
    pub customers: u64,
    /// Rows, not counting the header.
    pub transactions: u64,
}

impl Simulation {
    /// Writes the transaction log as CSV to `out`.
    ///
    /// Fails when the parameters are invalid (see [`Simulation::validate`])
    /// or when writing fails.
    pub fn write_csv<W: Write>(&self, mut out: W) -> Result<Written, SimulateError> {
        self.validate()?;
        let dates = self.date_table()?;
        let draws = Draws::new(self)?;

        out.write_all(b"customer,date,amount\n")?;
        let blocks = self.customers.div_ceil(BLOCK_CUSTOMERS);
        let mut transactions = 0;
        for batch_start in (0..blocks).step_by(BLOCKS_PER_BATCH as usize) {
            let batch_end = (batch_start + BLOCKS_PER_BATCH).min(blocks);
            let texts: Vec<(Vec<u8>, u64)> = (batch_start..batch_end)
                .into_par_iter()
                .map(|block| self.block(block, &draws, &dates))
                .collect();
            for (text, rows) in texts {
                out.write_all(&text)?;
                transactions += rows;
            }
        }
        out.flush()?;
        Ok(Written { customers: self.customers, transactions })
    }

    /// Formats each day of the log once as `YYYY-MM-DD`, so that writing a
    /// row formats no date.
    fn date_table(&self) -> Result<Vec<String>, SimulateError> {
        let mut dates = Vec::with_capacity(self.observation_days as usize);
        for day in 0..self.observation_days {
            let date = self.start.checked_add(i64::from(day).days()).map_err(|_| {
                SimulateError::DateOutOfRange { start: self.start, days: self.observation_days }
            })?;
            dates.push(date.to_string());
        }
        Ok(dates)
    }

    /// Generates the CSV text of one block of customers and its row count.
    fn block(&self, block: u64, draws: &Draws, dates: &[String]) -> (Vec<u8>, u64) {
        let first_id = block * BLOCK_CUSTOMERS + 1;
        let last_id = ((block + 1) * BLOCK_CUSTOMERS).min(self.customers);
        let mut rng = StdRng::seed_from_u64(self.seed ^ block.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let mut text = Vec::with_capacity(((last_id + 1 - first_id) * 200) as usize);
        let mut rows = 0;
        let mut id = itoa::Buffer::new();
        let mut cents = itoa::Buffer::new();

        for customer in first_id..=last_id {
            let id = id.format(customer).as_bytes();
            let mut row = |day: usize, rng: &mut StdRng, spend: Option<&Gamma<f64>>| {
                let amount = amount_cents(rng, spend);
                text.extend_from_slice(id);
                text.push(b',');
                text.extend_from_slice(dates[day].as_bytes());
                text.push(b',');
                text.extend_from_slice(cents.format(amount / 100).as_bytes());
                text.push(b'.');
                text.push(b'0' + (amount % 100 / 10) as u8);
                text.push(b'0' + (amount % 10) as u8);
                text.push(b'\n');
                rows += 1;
            };

            let customer = draws.customer(&mut rng, self.cohort_days);
            row(customer.first_day as usize, &mut rng, customer.spend.as_ref());
            let Some(gap) = customer.gap else { continue };
            let mut time = f64::from(customer.first_day);
            loop {
                time += gap.sample(&mut rng);
                if time >= f64::from(self.observation_days) {
                    break;
                }
                row(time as usize, &mut rng, customer.spend.as_ref());
                if rng.random::<f64>() < customer.dropout {
                    break;
                }
            }
        }
        (text, rows)
    }
}

/// One customer's latent traits.
struct Customer {
    first_day: u32,
    /// Days between purchases while alive; `None` for a rate of zero.
    gap: Option<Exp<f64>>,
    dropout: f64,
    /// Amount of one purchase; `None` when ν underflowed to zero.
    spend: Option<Gamma<f64>>,
}

/// The population distributions, built once from the parameters.
struct Draws {
    /// Purchase rate per day.
    rate: Gamma<f64>,
    dropout: Beta<f64>,
    nu: Gamma<f64>,
    spend_shape: f64,
}

impl Draws {
    fn new(simulation: &Simulation) -> Result<Draws, SimulateError> {
        let purchase = &simulation.purchase;
        let spend = &simulation.spend;
        // The rates are per week; a day is a seventh of one.
        let rate = Gamma::new(purchase.r, 1.0 / (purchase.alpha * 7.0));
        let dropout = Beta::new(purchase.a, purchase.b);
        let nu = Gamma::new(spend.q, 1.0 / spend.gamma);
        match (rate, dropout, nu) {
            (Ok(rate), Ok(dropout), Ok(nu)) => Ok(Draws { rate, dropout, nu, spend_shape: spend.p }),
            _ => Err(SimulateError::Distribution),
        }
    }

    fn customer(&self, rng: &mut StdRng, cohort_days: u32) -> Customer {
        let first_day = rng.random_range(0..cohort_days);
        let rate = self.rate.sample(rng);
        let gap = Exp::new(rate).ok().filter(|_| rate > 0.0);
        let dropout = self.dropout.sample(rng);
        // Gamma(p, rate ν) has scale 1/ν, which is infinite when ν underflows to zero.
        let nu = self.nu.sample(rng);
        let spend = Gamma::new(self.spend_shape, 1.0 / nu).ok().filter(|_| nu > 0.0);
        Customer { first_day, gap, dropout, spend }
    }
}

/// Draws one purchase amount in cents, at least one cent and at most 10^15.
fn amount_cents(rng: &mut StdRng, spend: Option<&Gamma<f64>>) -> u64 {
    let value = spend.map_or(0.0, |spend| spend.sample(rng));
    let cents = (value * 100.0).round();
    if cents.is_finite() && cents >= 1.0 { cents.min(1e15) as u64 } else { 1 }
}

#[cfg(test)]
mod tests;
