//! Errors of a run: config, data and output. A failing model is not a run
//! error; it is recorded in the report instead.

use std::path::PathBuf;

/// Errors that stop a run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RunnerError {
    #[error("cannot read config file {path}: {source}")]
    ConfigRead { path: PathBuf, source: std::io::Error },
    #[error("invalid config file {path}: {message}")]
    Config { path: PathBuf, message: String },
    #[error(transparent)]
    Ingest(#[from] clv_ingest::IngestError),
    #[error("cannot summarise {path}: {source}")]
    Summary { path: PathBuf, source: clv_core::SummaryError },
    #[error(
        "cannot derive the gross margin from the cost column of {path}: calibration revenue is {revenue} \
         and profit is {profit}, which is not a margin in (0, 1]; check the cost column or remove it and set \
         value.margin"
    )]
    CostMargin { path: PathBuf, revenue: String, profit: String },
    #[error("cannot write {path}: {source}")]
    Write { path: PathBuf, source: std::io::Error },
    #[error("cannot write {path}: {message}")]
    Render { path: PathBuf, message: String },
}
