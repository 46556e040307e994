//! `clv simulate`: writes a synthetic transaction log.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;
use clap::Args;
use clv_simulate::{PurchaseProcess, Simulation, SpendProcess};
use jiff::civil::Date;

/// Arguments of `clv simulate`. Defaults give about 10 purchases per customer.
#[derive(Debug, Args)]
pub struct SimulateArgs {
    /// CSV file to write [default: standard output].
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,

    /// Number of customers.
    #[arg(long, default_value_t = 1_000)]
    pub customers: u64,

    /// Seed of the random generators: the same seed writes the same file.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,

    /// First day of the log (YYYY-MM-DD).
    #[arg(long, default_value = "2020-01-01")]
    pub start: Date,

    /// Days at the start of the log over which first purchases are spread.
    #[arg(long, default_value_t = 365)]
    pub cohort_days: u32,

    /// Length of the log in days.
    #[arg(long, default_value_t = 730)]
    pub days: u32,

    /// BG/NBD: shape of the Gamma law of the purchase rate.
    #[arg(long, default_value_t = 1.5)]
    pub r: f64,

    /// BG/NBD: rate of the Gamma law of the purchase rate, in weeks.
    #[arg(long, default_value_t = 8.0)]
    pub alpha: f64,

    /// BG/NBD: first shape of the Beta law of the dropout probability.
    #[arg(long, default_value_t = 0.5)]
    pub a: f64,

    /// BG/NBD: second shape of the Beta law of the dropout probability.
    #[arg(long, default_value_t = 8.0)]
    pub b: f64,

    /// Gamma-Gamma: shape of the Gamma law of one purchase amount.
    #[arg(long, default_value_t = 6.25)]
    pub p: f64,

    /// Gamma-Gamma: shape of the Gamma law of a customer's spend rate.
    #[arg(long, default_value_t = 3.74)]
    pub q: f64,

    /// Gamma-Gamma: rate of the Gamma law of a customer's spend rate.
    #[arg(long, default_value_t = 15.44)]
    pub gamma: f64,
}

/// Writes the log and logs what was written.
pub fn simulate(args: &SimulateArgs) -> anyhow::Result<()> {
    let simulation = Simulation {
        customers: args.customers,
        seed: args.seed,
        start: args.start,
        cohort_days: args.cohort_days,
        observation_days: args.days,
        purchase: PurchaseProcess { r: args.r, alpha: args.alpha, a: args.a, b: args.b },
        spend: SpendProcess { p: args.p, q: args.q, gamma: args.gamma },
    };
    let started = Instant::now();
    let written = match &args.out {
        Some(path) => {
            let file = File::create(path)
                .with_context(|| format!("failed to create the transaction log {}", path.display()))?;
            simulation
                .write_csv(BufWriter::with_capacity(1 << 20, file))
                .with_context(|| format!("failed to simulate into {}", path.display()))?
        }
        None => {
            let stdout = std::io::stdout().lock();
            let written =
                simulation.write_csv(BufWriter::new(stdout)).context("failed to simulate to stdout")?;
            std::io::stdout().flush().ok();
            written
        }
    };
    log::info!(
        "wrote {} transactions of {} customers in {:.2} s",
        written.transactions,
        written.customers,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
