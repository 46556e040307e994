//! The `clv` command: reads a transaction log, fits CLV models and compares them.

mod bench;
mod cli;
mod models;
mod progress;
mod simulate;

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use clap::Parser;
use clv_runner::{
    Config, NoProgress, Progress, build_report, read_report, render_table, rewrite_reports, write_reports,
    write_summaries,
};

use cli::{Cli, Command};

/// Exit status when the reports were written but at least one model failed.
pub(crate) const EXIT_MODEL_FAILED: u8 = 3;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let level = match (cli.quiet, cli.verbose) {
        (true, _) => log::LevelFilter::Error,
        (false, 0) => log::LevelFilter::Warn,
        (false, 1) => log::LevelFilter::Info,
        (false, _) => log::LevelFilter::Debug,
    };
    env_logger::Builder::new().filter_level(level).format_timestamp(None).init();

    // Bars would interleave with log lines, so -v turns them off too.
    let draw_bars = !cli.quiet && cli.verbose == 0 && std::io::stderr().is_terminal();
    match execute(cli.command, cli.quiet, draw_bars) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn execute(command: Command, quiet: bool, draw_bars: bool) -> anyhow::Result<ExitCode> {
    match command {
        Command::Run { config, out } => {
            let progress: Box<dyn Progress> =
                if draw_bars { Box::new(progress::Bars::new()) } else { Box::new(NoProgress) };
            run(&config, out.as_deref(), quiet, progress.as_ref())
        }
        Command::Bench(args) => {
            bench::bench(&args)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Simulate(args) => {
            simulate::simulate(&args)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Report { run_dir } => rerender(&run_dir, quiet),
        Command::Summarize { config, out } => summarize(&config, out.as_deref()),
        Command::Models { config } => models::list(config.as_deref()),
    }
}

fn run(
    config_path: &Path,
    out: Option<&Path>,
    quiet: bool,
    progress: &dyn Progress,
) -> anyhow::Result<ExitCode> {
    let config = load_config(config_path)?;
    let output = clv_runner::run_with_progress(&config, progress)?;
    progress.start("building the report", None);
    let started = Instant::now();
    let report = build_report(&output);
    progress.finish();
    log::info!("built the report in {:.2} s", started.elapsed().as_secs_f64());
    let dir = out.unwrap_or(&config.output_dir);
    let started = Instant::now();
    let files = write_reports(&output, &report, dir)
        .with_context(|| format!("failed to write the reports of {}", config_path.display()))?;
    log::info!("wrote the report files in {:.2} s", started.elapsed().as_secs_f64());

    if !quiet {
        println!("{}", render_table(&report));
        let models = report.models.len();
        let mut written =
            vec![&files.report_html, &files.report_md, &files.report_json, &files.predictions_csv];
        written.extend(files.segments_csv.as_ref());
        let written: Vec<String> = written.iter().map(|path| path.display().to_string()).collect();
        println!(
            "{} customers, {models} model{}. Reports: {}",
            report.data.customers.modelled,
            if models == 1 { "" } else { "s" },
            written.join(", ")
        );
    }
    for model in output.models.iter().filter(|m| m.outcome.is_err()) {
        if let Err(reason) = &model.outcome {
            eprintln!("model {} ({}) failed: {reason}", model.name, model.kind);
        }
    }
    if output.any_model_failed() { Ok(ExitCode::from(EXIT_MODEL_FAILED)) } else { Ok(ExitCode::SUCCESS) }
}

fn rerender(run_dir: &Path, quiet: bool) -> anyhow::Result<ExitCode> {
    let report = read_report(run_dir)?;
    let (markdown, json, html) = rewrite_reports(&report, run_dir)
        .with_context(|| format!("failed to render the reports of {}", run_dir.display()))?;
    if !quiet {
        println!("Reports: {}, {}, {}", html.display(), markdown.display(), json.display());
    }
    Ok(ExitCode::SUCCESS)
}

fn summarize(config_path: &Path, out: Option<&Path>) -> anyhow::Result<ExitCode> {
    let config = load_config(config_path)?;
    let data = clv_runner::load_data(&config)?;
    match out {
        Some(path) => {
            if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(parent)
                    .with_context(|| format!("failed to create folder {}", parent.display()))?;
            }
            let file = std::fs::File::create(path)
                .with_context(|| format!("failed to create summary file {}", path.display()))?;
            write_summaries(&data.summaries, std::io::BufWriter::new(file))
                .with_context(|| format!("failed to write summary file {}", path.display()))?;
        }
        None => {
            let stdout = std::io::stdout().lock();
            if let Err(error) = write_summaries(&data.summaries, stdout) {
                // A reader that stops early, as in `clv summarize CONFIG | head`, is not an error.
                if !is_broken_pipe(&error) {
                    return Err(error).context("failed to write the summaries to stdout");
                }
            }
            std::io::stdout().flush().ok();
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn is_broken_pipe(error: &csv::Error) -> bool {
    matches!(error.kind(), csv::ErrorKind::Io(io) if io.kind() == std::io::ErrorKind::BrokenPipe)
}

pub(crate) fn load_config(path: &Path) -> anyhow::Result<Config> {
    Ok(Config::from_path(path)?)
}
