//! report.html of the shipped examples: self-contained, every chart drawn
//! for every model that defines it, and every number shown equal to the
//! report.json value it names.

use std::sync::OnceLock;

use clv_runner::{Config, Report, build_report, render_html};
use clv_tests::workspace_root;
use serde_json::Value;

fn example(config: &str) -> Report {
    let config = Config::from_path(&workspace_root().join(config)).unwrap();
    build_report(&clv_runner::run(&config).unwrap())
}

/// Returns the CDNOW report, fitted once for all tests of this file.
fn cdnow() -> Report {
    static REPORT: OnceLock<Report> = OnceLock::new();
    REPORT.get_or_init(|| example("config/cdnow.toml")).clone()
}

/// Decodes the entities that the template engine's HTML escaping writes.
fn unescape(text: &str) -> String {
    text.replace("&#x2f;", "/")
        .replace("&#x27;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// Returns each `data-json` pointer of the page with the text of its element.
fn data_cells(html: &str) -> Vec<(String, String)> {
    let mut cells = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("data-json=\"") {
        rest = &rest[start + "data-json=\"".len()..];
        let end = rest.find('"').unwrap();
        let pointer = unescape(&rest[..end]);
        let text_start = rest.find('>').unwrap() + 1;
        let text_end = text_start + rest[text_start..].find('<').unwrap();
        cells.push((pointer, unescape(rest[text_start..text_end].trim())));
        rest = &rest[text_end..];
    }
    cells
}

/// Asserts that every shown number equals the report.json value it names.
fn assert_cells_match_json(html: &str, report: &Report) -> usize {
    let json: Value = serde_json::from_str(&serde_json::to_string(report).unwrap()).unwrap();
    let cells = data_cells(html);
    for (pointer, text) in &cells {
        let value = json.pointer(pointer).unwrap_or_else(|| panic!("{pointer} is not in report.json"));
        match value {
            Value::Null => assert_eq!(text, "-", "{pointer}"),
            Value::String(expected) => assert_eq!(text, expected, "{pointer}"),
            Value::Number(number) => {
                let shown: f64 =
                    text.parse().unwrap_or_else(|_| panic!("{pointer}: {text:?} is not a number"));
                assert_eq!(shown, number.as_f64().unwrap(), "{pointer}");
            }
            other => panic!("{pointer} names {other}, not a number or text"),
        }
    }
    cells.len()
}

/// Asserts that the page fetches nothing: no script, style sheet, font,
/// frame or image from anywhere.
fn assert_self_contained(html: &str) {
    let lower = html.to_lowercase();
    for forbidden in
        ["<script", "<link", "<iframe", "<img", "@import", "@font-face", "url(", "http://", "https://"]
    {
        assert!(!lower.contains(forbidden), "report.html contains {forbidden:?}");
    }
    for attribute in ["src=", "href="] {
        assert!(!lower.contains(attribute), "report.html contains a {attribute} attribute");
    }
}

#[test]
fn cdnow_html_is_self_contained() {
    assert_self_contained(&render_html(&cdnow()).unwrap());
}

#[test]
fn cdnow_html_numbers_equal_json() {
    let report = cdnow();
    let html = render_html(&report).unwrap();
    let checked = assert_cells_match_json(&html, &report);
    // Data table, 6 x 13 comparison cells, parameters, tiers, deciles and customers.
    assert!(checked > 400, "only {checked} numbers carry a data-json pointer");
    let pointers: Vec<String> = data_cells(&html).into_iter().map(|(pointer, _)| pointer).collect();
    for expected in [
        "/models/2/metrics/backtest/mae",
        "/models/3/metrics/backtest/gini_value",
        "/models/4/metrics/backtest/top_decile_capture",
        "/models/0/metrics/backtest/msle",
        "/models/1/diagnostics/tiers/0/share",
        "/models/2/fit/aic",
        "/models/1/metrics/clv/p90",
        "/segments/top_customers/0/clv",
    ] {
        assert!(pointers.iter().any(|p| p == expected), "{expected} is not shown");
    }
}

#[test]
fn cdnow_html_draws_every_chart() {
    let report = cdnow();
    let html = render_html(&report).unwrap();
    for title in [
        "Repeat purchases per period",
        "Cumulative repeat purchases",
        "Calibration vs holdout",
        "Period transactions",
        "Lorenz curves",
    ] {
        assert!(html.contains(&format!("<title>{title}</title>")), "{title} chart missing");
    }
    for model in ["historical", "formula", "bg_nbd", "pareto_nbd", "mbg_nbd", "nbd"] {
        assert!(
            html.contains(&format!("<title>CLV distribution: {model}</title>")),
            "{model} histogram missing"
        );
    }
    for model in ["bg_nbd", "pareto_nbd", "mbg_nbd"] {
        assert!(html.contains(&format!("<title>P(alive): {model}</title>")), "{model} heat map missing");
    }
    // The models without a population view are named where a chart leaves them out.
    assert!(html.contains("Not shown: historical: no P(X(t) = x) of a new customer"), "{html}");
    assert!(html.contains("historical before the calibration end: no E[X(t)] of a new customer"), "{html}");
    assert!(html.contains("<title>historical (holdout)</title>"), "{html}");
    // One line per model (five built-in, one plugin) and the actual line in the
    // calibration chart: 7 paths.
    let start = html.find("<title>Calibration vs holdout</title>").unwrap();
    let chart = &html[start..start + html[start..].find("</svg>").unwrap()];
    assert_eq!(chart.matches("<path ").count(), 7);
}

#[test]
fn cdnow_tracking_adds_up_to_the_data() {
    let report = cdnow();
    let cohort = report.cohort.as_ref().unwrap();
    let actual = cohort.tracking_actual.as_ref().unwrap();
    assert_eq!(cohort.periods, 78);
    assert_eq!(cohort.calibration_periods, 39);
    // Every repeat purchase day falls in one period: calibration plus holdout.
    let calibration: u64 = actual[..cohort.calibration_periods].iter().sum();
    let total: u64 = actual.iter().sum();
    assert_eq!(calibration, report.data.calibration_repeat_purchases);
    assert_eq!(total, report.data.calibration_repeat_purchases + report.data.holdout_purchases);
    assert_eq!(cohort.period_actual.iter().sum::<u64>(), report.data.customers.modelled);
    assert_eq!(report.segments.as_ref().unwrap().model, "pareto_nbd");

    // The calibration end, 1997-09-30, is the last day of period 38, so the
    // holdout periods cover the holdout exactly. A model's holdout tracking
    // therefore adds up to its predicted holdout purchase days, to the
    // rounding of 39 values to 4 places (39 * 5e-5).
    for model in &report.models[..2] {
        let diagnostics = model.diagnostics.as_ref().unwrap();
        assert_eq!(diagnostics.tracking_expected, None, "{}", model.name);
        let holdout: f64 = diagnostics.tracking_holdout_expected.as_ref().unwrap().iter().sum();
        let predicted = model.metrics.as_ref().unwrap().backtest.as_ref().unwrap().predicted_transactions;
        assert_eq!(diagnostics.tracking_holdout_expected.as_ref().unwrap().len(), 39, "{}", model.name);
        assert!((holdout - predicted).abs() < 39.0 * 5e-5 + 1e-4, "{}: {holdout} vs {predicted}", model.name);
    }
}

#[test]
fn report_json_round_trips() {
    let report = cdnow();
    let json = serde_json::to_string_pretty(&report).unwrap();
    let parsed: Report = serde_json::from_str(&json).unwrap();
    assert_eq!(parsed, report);
    assert_eq!(render_html(&parsed).unwrap(), render_html(&report).unwrap());
}

#[test]
fn donations_html_without_dates() {
    let report = example("config/donations.toml");
    let html = render_html(&report).unwrap();
    assert_self_contained(&html);
    assert_cells_match_json(&html, &report);
    assert!(html.contains("actual: a summary file has no purchase dates"), "{html}");
    assert!(html.contains("<title>Period transactions</title>"));
    assert_eq!(report.segments.as_ref().unwrap().model, "bg_bb");
}

#[test]
fn failed_model_named_in_html() {
    let mut report = cdnow();
    let failed = &mut report.models[2];
    failed.status = "failed".to_string();
    failed.error = Some("cannot fit: the optimiser failed".to_string());
    failed.params.clear();
    failed.fit = None;
    failed.spend_fit = None;
    failed.metrics = None;
    failed.diagnostics = None;

    let html = render_html(&report).unwrap();
    assert!(html.contains("failed: cannot fit: the optimiser failed"), "{html}");
    assert!(html.contains("bg_nbd: the model failed"), "{html}");
    assert!(!html.contains("<title>P(alive): bg_nbd</title>"));
    assert_cells_match_json(&html, &report);
}

#[test]
fn older_report_json_renders() {
    // A report.json written before the diagnostics existed lacks these fields.
    let mut json: Value = serde_json::from_str(&serde_json::to_string(&cdnow()).unwrap()).unwrap();
    let root = json.as_object_mut().unwrap();
    root.remove("cohort");
    root.remove("segments");
    for model in root["models"].as_array_mut().unwrap() {
        let model = model.as_object_mut().unwrap();
        model.remove("diagnostics");
        let backtest = model["metrics"]["backtest"].as_object_mut().unwrap();
        for key in ["msle", "bias", "gini_value", "top_decile_capture"] {
            backtest.remove(key);
        }
    }

    let report: Report = serde_json::from_value(json).unwrap();
    assert_eq!(report.cohort, None);
    let html = render_html(&report).unwrap();
    assert!(html.contains("no model defines this chart"), "{html}");
    assert_self_contained(&html);
}

#[test]
fn newer_report_json_is_rejected() {
    let dir = clv_tests::scratch_dir(env!("CARGO_TARGET_TMPDIR"), "newer_report_json");
    let mut json: Value = serde_json::from_str(&serde_json::to_string(&cdnow()).unwrap()).unwrap();
    json["schema_version"] = Value::from(clv_runner::report::SCHEMA_VERSION + 1);
    std::fs::write(dir.join("report.json"), json.to_string()).unwrap();

    let error = clv_runner::read_report(&dir).unwrap_err().to_string();

    assert!(error.contains("is newer than version"), "{error}");
    assert!(error.contains("report.json"), "{error}");
}
