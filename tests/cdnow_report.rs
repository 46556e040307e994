//! The CDNOW example run end to end: the reports are snapshotted, and the
//! numbers that can be computed independently of clv are checked against
//! the raw file.

use std::str::FromStr;

use clv_runner::{Config, build_report, render_markdown, render_table, write_reports};
use clv_tests::{scratch_dir, workspace_root};
use rust_decimal::Decimal;

fn cdnow_run() -> (clv_runner::RunOutput, clv_runner::Report) {
    let config = Config::from_path(&workspace_root().join("config/cdnow.toml")).unwrap();
    let output = clv_runner::run(&config).unwrap();
    let report = build_report(&output);
    (output, report)
}

/// Sums the dollar column of the raw sample for dates up to `last_day` (YYYYMMDD), by plain text splitting.
fn raw_revenue_until(last_day: &str) -> Decimal {
    let text = std::fs::read_to_string(workspace_root().join("data/CDNOW_sample.txt")).unwrap();
    text.lines()
        .map(|line| line.split_whitespace().collect::<Vec<_>>())
        .filter(|fields| fields[2] <= last_day)
        .map(|fields| Decimal::from_str(fields[4]).unwrap())
        .sum()
}

#[test]
fn cdnow_report_markdown() {
    let (_, report) = cdnow_run();
    insta::assert_snapshot!("cdnow_report_md", render_markdown(&report));
}

#[test]
fn cdnow_report_json() {
    let (_, report) = cdnow_run();
    let json = serde_json::to_string_pretty(&report).unwrap();
    insta::assert_snapshot!("cdnow_report_json", json);
}

#[test]
fn cdnow_terminal_table() {
    let (_, report) = cdnow_run();
    insta::assert_snapshot!("cdnow_terminal_table", render_table(&report));
}

#[test]
fn cdnow_report_matches_raw_file() {
    let (_, report) = cdnow_run();
    let expected_revenue = raw_revenue_until("19970930");
    assert_eq!(report.data.calibration_revenue, expected_revenue.round_dp(2).to_string());
    assert_eq!(report.data.rows.read, 6919);
    assert_eq!(report.data.customers.in_data, 2357);
    assert_eq!(report.data.customers.modelled, 2357);

    // 1997-09-30 to 1998-06-30 is 273 days, 39 weeks.
    assert_eq!(report.data.holdout_length, 39.0);
    for model in &report.models {
        assert_eq!(model.status, "ok", "{}: {:?}", model.name, model.error);
        let backtest = model.metrics.as_ref().unwrap().backtest.as_ref().unwrap();
        assert_eq!(backtest.actual_transactions, 1882.0, "{}", model.name);
        assert_eq!(backtest.customers, 2357, "{}", model.name);
    }
}

#[test]
fn cdnow_written_files() {
    let (output, report) = cdnow_run();
    let dir = scratch_dir(env!("CARGO_TARGET_TMPDIR"), "cdnow_written_files");
    let files = write_reports(&output, &report, &dir).unwrap();

    let predictions = std::fs::read_to_string(&files.predictions_csv).unwrap();
    let mut lines = predictions.lines();
    let header = lines.next().unwrap();
    assert!(header.starts_with("customer_id,frequency,recency,T,monetary_value"), "{header}");
    assert!(header.contains("historical_clv"), "{header}");
    assert!(header.contains("formula_clv"), "{header}");
    assert_eq!(lines.clone().count(), 2357);
    assert!(lines.next().unwrap().starts_with("0001,2,30.4286,38.8571,22.35"));
    assert!(!predictions.contains("NaN"));
    assert!(!predictions.contains("inf"));

    let json = std::fs::read_to_string(&files.report_json).unwrap();
    let parsed: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(parsed["models"][0]["name"], "historical");
    assert_eq!(parsed["models"][1]["kind"], "formula");
    assert_eq!(parsed["models"][5]["name"], "nbd");
    assert_eq!(parsed["models"][5]["kind"], "plugin");
    assert_eq!(parsed["models"][5]["status"], "ok");
    assert_eq!(render_markdown(&report), std::fs::read_to_string(&files.report_md).unwrap());
}
