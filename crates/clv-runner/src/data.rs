//! Loads the transaction log of a config into customer summaries.

use clv_core::{Decimal, Summaries, SummaryBuilder};
use clv_ingest::{IngestReport, TransactionReader};
use rust_decimal::prelude::ToPrimitive;

use crate::config::{Config, MarginSource};
use crate::error::RunnerError;

/// The summaries of a run and how the rows that produced them were accounted for.
#[derive(Clone, Debug)]
pub struct DataSet {
    /// Rows read, accepted and rejected.
    pub ingest: IngestReport,
    /// One summary per calibration customer, plus what was excluded.
    pub summaries: Summaries,
    /// Gross margin given to the models, in (0, 1].
    pub margin: Decimal,
}

/// Reads the config's source and builds the summaries.
pub fn load(config: &Config) -> Result<DataSet, RunnerError> {
    let source = &config.source;
    let row_margin = match config.margin {
        MarginSource::Configured(margin) => margin,
        // Rows without a cost cannot occur here, because the reader rejects a missing cost.
        MarginSource::CostColumn => Decimal::ONE,
    };

    log::info!("reading {}", source.path.display());
    let mut reader = TransactionReader::open(source)?;
    let mut builder = SummaryBuilder::new(row_margin);
    for transaction in &mut reader {
        builder
            .add(transaction?)
            .map_err(|error| RunnerError::Summary { path: source.path.clone(), source: error })?;
    }
    let ingest = reader.into_report();
    log::info!("read {} rows, accepted {}", ingest.rows_read, ingest.rows_accepted);

    let summaries = builder
        .build(config.unit, config.calibration_end, config.observation_end)
        .map_err(|error| RunnerError::Summary { path: source.path.clone(), source: error })?;
    let margin = match config.margin {
        MarginSource::Configured(margin) => margin,
        MarginSource::CostColumn => margin_from_cost(&summaries, config)?,
    };
    Ok(DataSet { ingest, summaries, margin })
}

/// Calibration profit over calibration revenue, which must be a margin in (0, 1].
fn margin_from_cost(summaries: &Summaries, config: &Config) -> Result<Decimal, RunnerError> {
    let revenue: Decimal = summaries.customers.iter().map(|c| c.revenue).sum();
    let profit: Decimal = summaries.customers.iter().map(|c| c.profit).sum();
    let invalid = || RunnerError::CostMargin {
        path: config.source.path.clone(),
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
