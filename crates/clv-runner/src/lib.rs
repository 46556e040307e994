//! Runs clv models from a TOML config and writes the comparison.
//!
//! The sequence is fixed: [`Config::from_path`] validates the config and the
//! model settings, [`run`] reads the data, builds the summaries and fits every
//! model on the same calibration period, [`build_report`] computes the
//! comparison, and [`write_reports`] writes predictions.csv, report.md and
//! report.json. A model that fails is reported as failed; the other models
//! still run.

pub mod config;
pub mod data;
pub mod error;
mod holdout_tracking;
pub mod metrics;
pub mod plugin;
pub mod population;
pub mod progress;
pub mod registry;
pub mod report;
pub mod run;

pub use config::Config;
pub use data::{DataSet, load as load_data};
pub use error::RunnerError;
pub use progress::{NoProgress, Progress};
pub use report::{
    Report, ReportFiles, build_report, read_report, render_html, render_markdown, render_table,
    rewrite_reports, write_reports, write_summaries,
};
pub use run::{ModelResults, ModelRun, RunOutput, run, run_with_progress};
