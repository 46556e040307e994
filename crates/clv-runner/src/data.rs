//! Loads the data file of a config into customer summaries.

use std::collections::BTreeMap;

use clv_core::{Date, Decimal, Summaries, SummaryBuilder};
use clv_ingest::{IngestReport, SourceSpec, SummaryReader, SummarySpec, TransactionReader};
use rust_decimal::prelude::ToPrimitive;

use crate::config::{Config, MarginSource, Source};
use crate::error::RunnerError;
use crate::progress::{NoProgress, Progress, ROWS_PER_UPDATE};

mod fast;
mod from_summaries;
mod repeat_days;

/// The summaries of a run and how the rows that produced them were accounted for.
#[derive(Clone, Debug)]
pub struct DataSet {
    /// Rows read, accepted and rejected.
    pub ingest: IngestReport,
    /// One summary per calibration customer, plus what was excluded.
    pub summaries: Summaries,
    /// Gross margin given to the models, in (0, 1].
    pub margin: Decimal,
    /// Repeat purchase days of the modelled customers per calendar day,
    /// through the observation end; `None` for a summary file, which has no dates.
    pub repeat_days: Option<BTreeMap<Date, u64>>,
}

/// Reads the config's data file and builds the summaries.
pub fn load(config: &Config) -> Result<DataSet, RunnerError> {
    load_with_progress(config, &NoProgress)
}

/// Reads the config's data file and builds the summaries, reporting the
/// rows read to `progress`.
pub fn load_with_progress(config: &Config, progress: &dyn Progress) -> Result<DataSet, RunnerError> {
    log::info!("reading {}", config.source.path().display());
    let started = std::time::Instant::now();
    let (ingest, summaries, repeat_days) = match &config.source {
        Source::Transactions(spec) => {
            let (ingest, summaries, repeat_days) = load_transactions(spec, config, progress)?;
            (ingest, summaries, Some(repeat_days))
        }
        Source::Summaries(spec) => {
            let (ingest, summaries) = load_summaries(spec, config)?;
            (ingest, summaries, None)
        }
    };
    log_throughput(config, &ingest, started.elapsed());

    let margin = match config.margin {
        MarginSource::Configured(margin) => margin,
        MarginSource::CostColumn => margin_from_cost(&summaries, config)?,
    };
    Ok(DataSet { ingest, summaries, margin, repeat_days })
}

fn load_transactions(
    spec: &SourceSpec,
    config: &Config,
    progress: &dyn Progress,
) -> Result<(IngestReport, Summaries, BTreeMap<Date, u64>), RunnerError> {
    let row_margin = match config.margin {
        MarginSource::Configured(margin) => margin,
        // Every row has a cost here, because the reader rejects a missing cost.
        MarginSource::CostColumn => Decimal::ONE,
    };
    let summary_error = |error| RunnerError::Summary { path: spec.path.clone(), error };

    if let Some(read) = fast::read(spec, config, row_margin, progress) {
        let (summaries, repeat_days) = read.result.map_err(summary_error)?;
        return Ok((read.report, summaries, repeat_days));
    }

    let mut reader = TransactionReader::open(spec)?;
    let mut builder = SummaryBuilder::new(row_margin);
    let mut purchase_days = repeat_days::PurchaseDays::default();
    let mut accepted = 0_u64;
    progress.start("reading rows", None);
    for transaction in &mut reader {
        let transaction = transaction?;
        purchase_days.add(&transaction);
        builder.add(transaction).map_err(summary_error)?;
        accepted += 1;
        if accepted % ROWS_PER_UPDATE == 0 {
            progress.advance(accepted);
        }
    }
    progress.finish();
    let ingest = reader.into_report();

    progress.start("summarising", None);
    let summaries =
        builder.build(config.unit, config.calibration_end, config.observation_end).map_err(summary_error)?;
    let repeat_days = purchase_days.repeat_days(&summaries);
    progress.finish();
    Ok((ingest, summaries, repeat_days))
}

fn load_summaries(spec: &SummarySpec, config: &Config) -> Result<(IngestReport, Summaries), RunnerError> {
    let calibration_end =
        config.calibration_end.expect("the config requires calibration_end for a summary file");
    let margin = match config.margin {
        MarginSource::Configured(margin) => margin,
        MarginSource::CostColumn => Decimal::ONE,
    };

    let mut reader = SummaryReader::open(spec)?;
    let mut records = Vec::new();
    for record in &mut reader {
        records.push(record?);
    }
    let ingest = reader.into_report();
    let summaries = from_summaries::summaries(&records, config.unit, calibration_end, margin)
        .map_err(|error| RunnerError::Summary { path: spec.path.clone(), error })?;
    Ok((ingest, summaries))
}

/// Logs the rows read and the read and summary throughput in rows/s and MB/s.
fn log_throughput(config: &Config, ingest: &IngestReport, elapsed: std::time::Duration) {
    let seconds = elapsed.as_secs_f64().max(1e-9);
    // The size is only for the log line, so a file that cannot be inspected counts as 0 bytes.
    let bytes = std::fs::metadata(config.source.path()).map_or(0, |metadata| metadata.len());
    log::info!(
        "read {} rows, accepted {}, in {seconds:.2} s with the summaries: {:.0} rows/s, {:.1} MB/s",
        ingest.rows_read,
        ingest.rows_accepted,
        ingest.rows_read as f64 / seconds,
        bytes as f64 / 1e6 / seconds
    );
}

/// Calibration profit over calibration revenue, which must be a margin in (0, 1].
fn margin_from_cost(summaries: &Summaries, config: &Config) -> Result<Decimal, RunnerError> {
    let revenue: Decimal = summaries.customers.iter().map(|c| c.revenue).sum();
    let profit: Decimal = summaries.customers.iter().map(|c| c.profit).sum();
    let invalid = || RunnerError::CostMargin {
        path: config.source.path().to_path_buf(),
        revenue: revenue.to_string(),
        profit: profit.to_string(),
    };
    if revenue <= Decimal::ZERO {
        return Err(invalid());
    }
    let margin = profit / revenue;
    if margin <= Decimal::ZERO || margin > Decimal::ONE || margin.to_f64().is_none() {
        return Err(invalid());
    }
    Ok(margin)
}
