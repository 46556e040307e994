//! Command-line arguments.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

const EXIT_STATUS_HELP: &str = "Exit status: 0 on success, 1 on an error (invalid config, unreadable \
data, invalid row), 2 on invalid arguments, 3 when the reports were written but a model failed.";

/// Customer lifetime value from a transaction log: summaries, models and a
/// side-by-side comparison with a holdout backtest.
#[derive(Debug, Parser)]
#[command(name = "clv", version, propagate_version = true)]
#[command(after_help = EXIT_STATUS_HELP)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,

    /// Print nothing but errors, and draw no progress bars.
    #[arg(short, long, global = true)]
    pub quiet: bool,

    /// Log progress to stderr instead of drawing bars (-v steps and fit
    /// iterations, -vv details).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Fit every model of CONFIG, print the comparison and write predictions.csv,
    /// segments.csv, report.md, report.json and report.html.
    ///
    /// Durations (horizon, recency, T) are in the config's period.time_unit;
    /// money is in the currency of the amount column.
    #[command(after_help = EXIT_STATUS_HELP)]
    Run {
        /// Run config (TOML). Relative paths in it are resolved from its folder.
        config: PathBuf,

        /// Folder for the reports, created if missing [default: output.dir of the config].
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },

    /// Write the per-customer summary table of CONFIG's data as CSV: frequency
    /// (repeat purchase days), recency and T (in the config's time unit),
    /// monetary value and revenue (currency of the amount column), holdout actuals.
    Summarize {
        /// Run config (TOML) naming the data and the period.
        config: PathBuf,

        /// CSV file to write [default: standard output].
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },

    /// List the model kinds a config can name, one line each. With --config,
    /// also list the plugin libraries that CONFIG names, with their ABI version
    /// and whether they loaded.
    ///
    /// Exit status with --config: 3 when a plugin cannot be used.
    Models {
        /// Run config (TOML) whose plugin models to load and list.
        #[arg(long, value_name = "CONFIG")]
        config: Option<PathBuf>,
    },

    /// Render report.md, report.json and report.html again from RUN_DIR's
    /// report.json, without reading the data or refitting.
    Report {
        /// Output folder of a previous `clv run`, holding its report.json.
        run_dir: PathBuf,
    },

    /// Write a synthetic transaction log as CSV (customer,date,amount): first
    /// purchases spread over a cohort window, repeat purchases from the BG/NBD
    /// process and amounts from the Gamma-Gamma spend model.
    Simulate(crate::simulate::SimulateArgs),

    /// Time the summary step and the BG/NBD, Pareto/NBD and Gamma-Gamma fits
    /// of CONFIG's data, and print the timings and estimates as JSON.
    #[command(hide = true)]
    Bench(crate::bench::BenchArgs),
}
