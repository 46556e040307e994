//! Writes every report of a run into the output folder.

use std::path::{Path, PathBuf};

use super::{Report, render_markdown, write_predictions};
use crate::error::RunnerError;
use crate::run::RunOutput;

/// Paths of the files a run wrote.
#[derive(Clone, Debug)]
pub struct ReportFiles {
    pub predictions_csv: PathBuf,
    pub report_md: PathBuf,
    pub report_json: PathBuf,
}

/// Writes predictions.csv, report.md and report.json into `dir`, creating it if needed.
pub fn write_reports(output: &RunOutput, report: &Report, dir: &Path) -> Result<ReportFiles, RunnerError> {
    std::fs::create_dir_all(dir).map_err(|error| RunnerError::Write { path: dir.to_path_buf(), error })?;
    let files = ReportFiles {
        predictions_csv: dir.join("predictions.csv"),
        report_md: dir.join("report.md"),
        report_json: dir.join("report.json"),
    };

    write_predictions(output, &files.predictions_csv)?;
    write_text(&files.report_md, &render_markdown(report))?;
    let json = serde_json::to_string_pretty(report).map_err(|error| RunnerError::Render {
        path: files.report_json.clone(),
        message: error.to_string(),
    })?;
    write_text(&files.report_json, &(json + "\n"))?;
    log::info!("wrote reports to {}", dir.display());
    Ok(files)
}

fn write_text(path: &Path, text: &str) -> Result<(), RunnerError> {
    std::fs::write(path, text).map_err(|error| RunnerError::Write { path: path.to_path_buf(), error })
}
