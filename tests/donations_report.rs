//! The donations example end to end: a summary file with counts, fitted by
//! BG/BB, through the same runner and reports as a transaction log.

use clv_runner::{Config, build_report, render_markdown};
use clv_tests::workspace_root;

fn donations_report() -> clv_runner::Report {
    let config = Config::from_path(&workspace_root().join("config/donations.toml")).unwrap();
    let output = clv_runner::run(&config).unwrap();
    build_report(&output)
}

#[test]
fn donations_counts_every_donor() {
    let report = donations_report();
    // 22 patterns in the file, whose weights sum to 11,104 donors.
    assert_eq!(report.data.rows.read, 22);
    assert_eq!(report.data.rows.accepted, 22);
    assert_eq!(report.data.customers.in_data, 11_104);
    assert_eq!(report.data.customers.modelled, 11_104);
    assert_eq!(report.data.holdout_length, 0.0);
}

#[test]
fn donations_bg_bb_log_likelihood() {
    // Fader, Hardie & Shang (2010) report LL = -33225.6 for this data; 0.1 absolute.
    let report = donations_report();
    let model = &report.models[0];
    assert_eq!(model.status, "ok", "{:?}", model.error);
    let fit = model.fit.as_ref().unwrap();
    assert!((fit.log_likelihood - -33225.6).abs() < 0.1, "{}", fit.log_likelihood);
    assert!(model.metrics.as_ref().unwrap().backtest.is_none());
}

#[test]
fn donations_report_markdown() {
    insta::assert_snapshot!("donations_report_md", render_markdown(&donations_report()));
}
