//! Writes every report of a run into the output folder, and rewrites the
//! rendered ones from a previous run's report.json.

use std::path::{Path, PathBuf};

use super::segments::write_segments;
use super::{Report, render_html, render_markdown, write_predictions};
use crate::error::RunnerError;
use crate::run::RunOutput;

/// Paths of the files a run wrote.
#[derive(Clone, Debug)]
pub struct ReportFiles {
    pub predictions_csv: PathBuf,
    /// segments.csv, when a model that did not fail can be the primary one.
    pub segments_csv: Option<PathBuf>,
    pub report_md: PathBuf,
    pub report_json: PathBuf,
    pub report_html: PathBuf,
}

/// Writes predictions.csv, segments.csv, report.md, report.json and
/// report.html into `dir`, creating it if needed.
pub fn write_reports(output: &RunOutput, report: &Report, dir: &Path) -> Result<ReportFiles, RunnerError> {
    std::fs::create_dir_all(dir).map_err(|error| RunnerError::Write { path: dir.to_path_buf(), error })?;
    let predictions_csv = dir.join("predictions.csv");
    write_predictions(output, &predictions_csv)?;
    let segments_path = dir.join("segments.csv");
    let segments_csv = write_segments(output, &segments_path)?.then_some(segments_path.clone());
    if segments_csv.is_none() && segments_path.exists() {
        // A segments.csv of an earlier run would not match this run's report.
        std::fs::remove_file(&segments_path)
            .map_err(|error| RunnerError::Write { path: segments_path.clone(), error })?;
    }

    let (report_md, report_json, report_html) = write_rendered(report, dir)?;
    log::info!("wrote reports to {}", dir.display());
    Ok(ReportFiles { predictions_csv, segments_csv, report_md, report_json, report_html })
}

/// Reads the report.json of a previous run in `dir`.
pub fn read_report(dir: &Path) -> Result<Report, RunnerError> {
    let path = dir.join("report.json");
    let text = std::fs::read_to_string(&path)
        .map_err(|error| RunnerError::ReportRead { path: path.clone(), message: error.to_string() })?;
    let report: Report = serde_json::from_str(&text).map_err(|error| RunnerError::ReportRead {
        path: path.clone(),
        message: format!(
            "{error}: the file is not a report.json that this version of clv can read (line {}, column {}); \
             run `clv run` again to write a new one",
            error.line(),
            error.column()
        ),
    })?;
    if report.schema_version > super::SCHEMA_VERSION {
        return Err(RunnerError::ReportRead {
            path,
            message: format!(
                "schema_version {} is newer than version {} that this clv writes: render it with the clv that \
                 wrote it, or run `clv run` again",
                report.schema_version,
                super::SCHEMA_VERSION
            ),
        });
    }
    Ok(report)
}

/// Renders report.md, report.json and report.html from `report` into `dir`
/// again, without refitting. Returns their paths.
pub fn rewrite_reports(report: &Report, dir: &Path) -> Result<(PathBuf, PathBuf, PathBuf), RunnerError> {
    write_rendered(report, dir)
}

fn write_rendered(report: &Report, dir: &Path) -> Result<(PathBuf, PathBuf, PathBuf), RunnerError> {
    let report_md = dir.join("report.md");
    let report_json = dir.join("report.json");
    let report_html = dir.join("report.html");

    write_text(&report_md, &render_markdown(report))?;
    let json = serde_json::to_string_pretty(report)
        .map_err(|error| RunnerError::Render { path: report_json.clone(), message: error.to_string() })?;
    write_text(&report_json, &(json + "\n"))?;
    let html = render_html(report)
        .map_err(|error| RunnerError::Render { path: report_html.clone(), message: error.to_string() })?;
    write_text(&report_html, &html)?;
    Ok((report_md, report_json, report_html))
}

fn write_text(path: &Path, text: &str) -> Result<(), RunnerError> {
    std::fs::write(path, text).map_err(|error| RunnerError::Write { path: path.to_path_buf(), error })
}
