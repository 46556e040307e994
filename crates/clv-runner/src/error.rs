//! Errors of a run: config, data and output. A failing model is not a run
//! error; it is recorded in the report instead.
//!
//! Every variant's message already contains the underlying error, so none
//! of them exposes it again as `source()`: a chain printer such as anyhow's
//! `{:#}` would otherwise print it twice.

use std::path::PathBuf;

/// Errors that stop a run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RunnerError {
    #[error("cannot read config file {}: {error}", path.display())]
    ConfigRead { path: PathBuf, error: std::io::Error },
    #[error("invalid config file {}: {message}", path.display())]
    Config { path: PathBuf, message: String },
    #[error(transparent)]
    Ingest(#[from] clv_ingest::IngestError),
    #[error("cannot summarise {}: {error}", path.display())]
    Summary { path: PathBuf, error: clv_core::SummaryError },
    #[error(
        "cannot derive the gross margin from the cost column of {path}: calibration revenue is {revenue} \
         and profit is {profit}, which is not a margin in (0, 1]; check the cost column or remove it and set \
         value.margin"
    )]
    CostMargin { path: PathBuf, revenue: String, profit: String },
    #[error("cannot write {}: {error}", path.display())]
    Write { path: PathBuf, error: std::io::Error },
    #[error("cannot write {}: {message}", path.display())]
    Render { path: PathBuf, message: String },
    /// A previous run's report.json is missing or unreadable.
    #[error("cannot read report {}: {message}", path.display())]
    ReportRead { path: PathBuf, message: String },
}
