//! `clv bench`: times the summary step and the BG/NBD, Pareto/NBD and
//! Gamma-Gamma fits of a config's data, and prints the timings, estimates
//! and log-likelihoods as JSON. `bench/compare_lifetimes.sh` reads it.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;
use clap::Args;
use clv_core::CustomerSummary;
use clv_models::btyd::{TransactionProcess, compress};
use clv_models::fit::MleFit;
use clv_models::gamma_gamma::FittedGammaGamma;
use clv_models::{bg_nbd, pareto_nbd};
use serde_json::{Value, json};

/// Arguments of `clv bench`.
#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Run config (TOML) naming the transaction log and the period.
    pub config: PathBuf,

    /// Times each stage this many times; the JSON lists every time in seconds.
    #[arg(long, default_value_t = 3)]
    pub runs: u32,

    /// Skips the Pareto/NBD fit.
    #[arg(long)]
    pub skip_pareto: bool,
}

/// Runs the stages and prints one JSON object to stdout.
pub fn bench(args: &BenchArgs) -> anyhow::Result<()> {
    let config = clv_runner::Config::from_path(&args.config)?;
    let runs = args.runs.max(1);

    let mut summary_seconds = Vec::new();
    let mut data = None;
    for _ in 0..runs {
        let started = Instant::now();
        let loaded = clv_runner::load_data(&config)?;
        summary_seconds.push(started.elapsed().as_secs_f64());
        data = Some(loaded);
    }
    let data = data.context("no run of the summary step")?;
    let customers = &data.summaries.customers;

    let bg_nbd = time_fit(runs, || {
        let (process, mle) = bg_nbd::fit_process(&compress(customers))?;
        Ok((process.parameters(), mle))
    })?;
    let pareto_nbd = if args.skip_pareto {
        Value::Null
    } else {
        time_fit(runs, || {
            let (process, mle) = pareto_nbd::fit_process(&compress(customers))?;
            Ok((process.parameters(), mle))
        })?
    };
    let gamma_gamma = time_fit(runs, || {
        let fitted = FittedGammaGamma::fit(customers)?;
        let names = vec![("p", fitted.p), ("q", fitted.q), ("gamma", fitted.gamma)];
        Ok((names, fitted.mle))
    })?;

    let output = json!({
        "rows_read": data.ingest.rows_read,
        "customers": customers.len(),
        "patterns": compress(customers).len(),
        "repeat_customers": customers.iter().filter(|c: &&CustomerSummary| c.frequency > 0).count(),
        "threads": rayon_threads(),
        "summary_seconds": summary_seconds,
        "bg_nbd": bg_nbd,
        "pareto_nbd": pareto_nbd,
        "gamma_gamma": gamma_gamma,
    });
    println!("{}", serde_json::to_string_pretty(&output)?);
    Ok(())
}

/// Runs `fit` `runs` times and returns its times, estimates and log-likelihood.
fn time_fit(
    runs: u32,
    mut fit: impl FnMut() -> anyhow::Result<(Vec<(&'static str, f64)>, MleFit)>,
) -> anyhow::Result<Value> {
    let mut seconds = Vec::new();
    let mut last = None;
    for _ in 0..runs {
        let started = Instant::now();
        let result = fit()?;
        seconds.push(started.elapsed().as_secs_f64());
        last = Some(result);
    }
    let (params, mle) = last.context("no run of the fit")?;
    let params: serde_json::Map<String, Value> =
        params.into_iter().map(|(name, value)| (name.to_string(), json!(value))).collect();
    Ok(json!({
        "seconds": seconds,
        "params": params,
        "log_likelihood": mle.log_likelihood,
        "iterations": mle.iterations,
        "converged": mle.converged,
    }))
}

fn rayon_threads() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}
