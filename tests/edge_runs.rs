//! Whole runs on small logs that exercise the edge cases of the data: rows
//! and customers left out for each reason, no repeat buyers, one customer,
//! timestamps around a cutoff. Each run writes its reports, and no report
//! may contain NaN or infinity.

use std::path::PathBuf;

use clv_runner::{Config, Report, RunOutput, build_report, write_reports};
use clv_tests::{ALL_MODELS, assert_reports_finite, scratch_dir};

/// Writes `log` and a config with `period` and every model kind into a
/// fresh folder, then runs it and writes its reports.
fn run_log(name: &str, log: &str, data: &str, period: &str) -> (RunOutput, Report, PathBuf) {
    let dir = scratch_dir(env!("CARGO_TARGET_TMPDIR"), name);
    std::fs::write(dir.join("log.csv"), log).unwrap();
    let config_text = format!(
        "[data]\npath = \"log.csv\"\ncustomer = \"customer\"\ndate = \"date\"\namount = \"amount\"\n{data}\n\
         [period]\n{period}\n[value]\nhorizon = 52\nannual_discount_rate = 0.1\nmargin = 0.3\n\
         [output]\ndir = \"out\"\n{ALL_MODELS}"
    );
    let config_path = dir.join("config.toml");
    std::fs::write(&config_path, config_text).unwrap();

    let config = Config::from_path(&config_path).unwrap();
    let output = clv_runner::run(&config).unwrap();
    let report = build_report(&output);
    write_reports(&output, &report, &config.output_dir).unwrap();
    assert_reports_finite(&config.output_dir);
    (output, report, config.output_dir)
}

fn status<'a>(report: &'a Report, name: &str) -> &'a str {
    &report.models.iter().find(|model| model.name == name).unwrap().status
}

fn error<'a>(report: &'a Report, name: &str) -> &'a str {
    report.models.iter().find(|model| model.name == name).unwrap().error.as_deref().unwrap_or("")
}

#[test]
fn rows_and_customers_add_up_by_reason() {
    // Customer a: 3 rows in calibration, 1 in the holdout, 1 after the
    // observation end. b: first purchase in the holdout (2 rows). c: only
    // after the observation end (1 row). d: one calibration row. Two rows
    // are rejected: an invalid amount and an invalid date.
    let log = "customer,date,amount\n\
               a,2024-01-01,10\na,2024-01-15,20\na,2024-02-01,5\na,2024-03-10,7\na,2024-05-01,9\n\
               b,2024-03-05,4\nb,2024-03-20,6\n\
               c,2024-05-02,3\n\
               d,2024-01-20,8\n\
               e,2024-01-03,$5\nf,2024-31-01,5\n";
    let (output, report, _) = run_log(
        "accounting",
        log,
        "invalid_rows = \"skip\"",
        "time_unit = \"week\"\ncalibration_end = 2024-02-29\nobservation_end = 2024-03-31",
    );
    let rows = &report.data.rows;
    let customers = &report.data.customers;

    assert_eq!(rows.read, 11);
    assert_eq!(rows.rejected, 2);
    assert_eq!(rows.rejected_by_reason["invalid_amount"], 1);
    assert_eq!(rows.rejected_by_reason["invalid_date"], 1);
    assert_eq!(rows.excluded_by_reason["after_observation_end"], 2);
    assert_eq!(rows.excluded_by_reason["first_purchase_in_holdout"], 2);
    assert_eq!(rows.excluded, 4);
    assert_eq!(rows.accepted, 5);
    assert_eq!(rows.read, rows.accepted + rows.rejected + rows.excluded);

    assert_eq!(customers.modelled, 2);
    assert_eq!(customers.excluded_by_reason["first_purchase_in_holdout"], 1);
    assert_eq!(customers.excluded_by_reason["only_after_observation_end"], 1);
    assert_eq!(customers.in_data, 4);
    assert_eq!(customers.in_data, customers.modelled + customers.excluded);

    // The backtest covers the modelled customers only, not b.
    let ids: Vec<&str> = output.data.summaries.customers.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["a", "d"]);
    let historical = report.models.iter().find(|m| m.name == "historical").unwrap();
    let backtest = historical.metrics.as_ref().unwrap().backtest.as_ref().unwrap();
    assert_eq!(backtest.customers, 2);
    assert_eq!(backtest.actual_transactions, 1.0);
}

#[test]
fn no_repeat_buyers_fit_what_can() {
    let log = "customer,date,amount\na,2024-01-01,10\nb,2024-02-05,20\nc,2024-06-01,5\n";
    let (_, report, _) = run_log("no_repeat", log, "", "time_unit = \"day\"");

    assert_eq!(status(&report, "historical"), "ok");
    assert_eq!(status(&report, "formula"), "ok");
    for model in ["bg_nbd", "pareto_nbd", "mbg_nbd"] {
        assert_eq!(status(&report, model), "failed");
        assert!(
            error(&report, model).contains("needs repeat purchases"),
            "{model}: {}",
            error(&report, model)
        );
    }
}

#[test]
fn single_customer_gives_results_or_reasons() {
    let log = "customer,date,amount\n0042,2024-01-01,10\n0042,2024-01-05,20\n0042,2024-02-01,5\n";
    let (output, report, _) = run_log("single_customer", log, "", "time_unit = \"day\"");

    assert_eq!(output.data.summaries.customers.len(), 1);
    assert_eq!(output.data.summaries.customers[0].id, "0042");
    for model in &report.models {
        match model.status.as_str() {
            "ok" | "not_converged" => assert!(model.metrics.is_some(), "{}", model.name),
            _ => assert!(model.error.as_deref().is_some_and(|e| !e.is_empty()), "{}", model.name),
        }
    }
    assert_eq!(status(&report, "historical"), "ok");
}

#[test]
fn one_purchase_customer_is_modelled() {
    let log = "customer,date,amount\na,2024-01-01,10\nb,2024-01-02,5\nb,2024-01-09,5\nb,2024-03-01,5\n";
    let (output, report, _) = run_log("one_purchase", log, "", "time_unit = \"day\"");

    let a = &output.data.summaries.customers[0];
    assert_eq!((a.id.as_str(), a.frequency, a.recency, a.age), ("a", 0, 0.0, 60.0));
    assert_eq!(report.data.customers.modelled, 2);
}

#[test]
fn date_only_cutoff_includes_whole_day() {
    // The last calibration row is at 23:59:59 on the calibration end, written
    // with an offset that is already the next day in UTC; the first holdout
    // row is a minute after midnight.
    let log = "customer,date,amount\n\
               a,2024-01-01 08:00:00+0000,10\n\
               a,2024-01-31 23:59:59-0500,20\n\
               a,2024-02-01 00:01:00+0000,30\n\
               b,2024-01-10 12:00:00+0100,5\n";
    let (output, _, _) = run_log(
        "timestamps",
        log,
        "date_format = \"%Y-%m-%d %H:%M:%S%z\"",
        "time_unit = \"day\"\ncalibration_end = 2024-01-31",
    );
    let a = &output.data.summaries.customers[0];

    assert_eq!(a.frequency, 1);
    assert_eq!(a.recency_days, 30);
    assert_eq!(a.age_days, 30);
    assert_eq!(a.holdout.as_ref().unwrap().frequency, 1);
    assert_eq!(output.data.summaries.split.observation_end.to_string(), "2024-02-01");
}

#[test]
fn observation_end_defaults_to_last_date() {
    let log = "customer,date,amount\na,2020-01-01,10\na,2020-03-01,20\n";
    let (output, report, _) = run_log("default_end", log, "", "time_unit = \"day\"");

    assert_eq!(report.data.observation_end, "2020-03-01");
    assert_eq!(output.data.summaries.customers[0].age_days, 60);
}

#[test]
fn holdout_merges_same_day_rows() {
    // Two rows on 2024-02-10 are one purchase day in the holdout, as in the
    // calibration period.
    let log = "customer,date,amount\n\
               a,2024-01-01,10\na,2024-01-08,1\na,2024-01-08,2\n\
               a,2024-02-10,3\na,2024-02-10,4\na,2024-02-20,5\n";
    let (output, _, _) =
        run_log("holdout_days", log, "", "time_unit = \"week\"\ncalibration_end = 2024-01-31");
    let a = &output.data.summaries.customers[0];
    let holdout = a.holdout.as_ref().unwrap();

    assert_eq!(a.frequency, 1);
    assert_eq!(holdout.frequency, 2);
    assert_eq!(holdout.revenue.to_string(), "12");
    // 2024-01-31 to 2024-02-20 is 20 days, in weeks as the calibration T is.
    assert_eq!(holdout.length, 20.0 / 7.0);
    assert_eq!(a.age, 30.0 / 7.0);
}

#[test]
fn fit_at_parameter_limit_is_flagged() {
    // Every customer buys every 7 days until the end, so no one drops out
    // and all have the same rate: the BG/NBD estimates run to a < 1e-10 and
    // r, alpha in the millions, which is a limit, not an optimum.
    let mut log = String::from("customer,date,amount\n");
    let start = clv_core::Date::constant(2024, 1, 1);
    for customer in 0..30_i64 {
        let mut day = start + jiff::Span::new().days(customer % 7);
        let mut amount = 5 + customer % 11;
        while day <= clv_core::Date::constant(2024, 6, 30) {
            log.push_str(&format!("c{customer},{day},{amount}\n"));
            day += jiff::Span::new().days(7);
            amount = 5 + (amount * 7) % 23;
        }
    }
    let (_, report, out) = run_log("limit", &log, "", "time_unit = \"day\"");

    for model in ["bg_nbd", "mbg_nbd", "pareto_nbd"] {
        assert_eq!(status(&report, model), "not_converged", "{model}");
    }
    assert_eq!(status(&report, "historical"), "ok");
    let markdown = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(markdown.contains("Status not_converged: the fit did not meet"), "{markdown}");
}

#[test]
fn overflowing_spend_fails_without_nan() {
    // Amounts near Decimal's maximum (7.9e28 / 1000) mixed with returns make
    // the spend estimates overflow. No report may show NaN, so a model that
    // cannot predict must describe the failure in words.
    let log = "customer,date,amount\n\
        c5,2024-06-17,79228162514264337593543950\nc4,2024-01-05,12.50\nc4,2024-01-06,-5\n\
        c4,2024-06-14,3\nc0,2024-02-18,79228162514264337593543950\nc4,2024-03-14,0.01\n\
        c3,2024-08-12,12.50\nc1,2024-02-20,1000\nc4,2024-06-17,-5\n\
        c5,2024-02-18,79228162514264337593543950\nc3,2024-03-16,-5\nc4,2024-08-01,12.50\n\
        c1,2024-06-08,-5\nc3,2024-07-01,1000\nc5,2024-06-04,3\nc0,2024-07-10,0.01\n\
        c3,2024-07-18,1000\nc1,2024-02-02,79228162514264337593543950\nc0,2024-01-10,3\n\
        c2,2024-01-31,-5\nc0,2024-04-15,3\nc1,2024-06-24,0\n";

    let (_, report, _) = run_log("overflowing_spend", log, "", "time_unit = \"month\"");

    assert_eq!(status(&report, "historical"), "ok");
    for model in &report.models {
        if let Some(message) = &model.error {
            assert!(!message.contains("NaN"), "{}: {message}", model.name);
            assert!(!message.contains("inf"), "{}: {message}", model.name);
        }
    }
}

/// Runs a config with every model on `log` and returns the run's error.
fn run_error(name: &str, log: &str) -> String {
    let dir = scratch_dir(env!("CARGO_TARGET_TMPDIR"), name);
    std::fs::write(dir.join("log.csv"), log).unwrap();
    let config_text = format!(
        "[data]\npath = \"log.csv\"\ncustomer = \"customer\"\ndate = \"date\"\namount = \"amount\"\n\
         [period]\ntime_unit = \"day\"\n[value]\nhorizon = 52\n{ALL_MODELS}"
    );
    std::fs::write(dir.join("config.toml"), config_text).unwrap();

    let config = Config::from_path(&dir.join("config.toml")).unwrap();
    clv_runner::run(&config).unwrap_err().to_string()
}

#[test]
fn header_only_log_is_an_error() {
    let message = run_error("header_only", "customer,date,amount\n");

    assert!(message.contains("log.csv"), "{message}");
    assert!(message.contains("no accepted rows, so there is nothing to summarise"), "{message}");
}

#[test]
fn empty_log_is_an_error() {
    let message = run_error("empty", "");

    assert!(message.contains("log.csv: the file is empty or contains only blank lines"), "{message}");
}

#[test]
fn totals_beyond_decimal_range_are_an_error() {
    // Each amount fits in a Decimal, but their sum over the two customers does not.
    let amount = "70000000000000000000000000000";
    let message = run_error(
        "overflow",
        &format!("customer,date,amount\na,2024-01-01,{amount}\nb,2024-01-01,{amount}\n"),
    );

    assert!(message.contains("calibration revenue over all customers is beyond the range"), "{message}");
}
