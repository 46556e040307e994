//! The same CDNOW data summarised in days and in weeks.
//!
//! Recency and T are the same whole numbers of days in both, divided by the
//! unit's length. The BG/NBD family's purchase
//! rate scale alpha (and Pareto/NBD's dropout scale beta) is in time units,
//! so it scales by 7, and every shape parameter is unitless and stays. This
//! is the maximum of the same likelihood after a change of variables, so the
//! two fits agree up to the optimiser's tolerance, which stops at a
//! gradient norm of 1e-6 on the scaled cost: 1e-4 relative is allowed.

use clv_core::{ClvModel, Discount, FitData, FittedModel, Parameter, PredictionRequest, Summaries, TimeUnit};
use clv_models::bg_nbd::BgNbdSettings;
use clv_models::btyd::SpendSetting;
use clv_models::mbg_nbd::MbgNbdSettings;
use clv_models::pareto_nbd::ParetoNbdSettings;

const TOLERANCE: f64 = 1e-4;

fn summaries(unit: TimeUnit) -> Summaries {
    let mut config =
        clv_runner::Config::from_path(&clv_tests::workspace_root().join("config/cdnow.toml")).unwrap();
    config.unit = unit;
    clv_runner::load_data(&config).unwrap().summaries
}

fn fit(model: &dyn ClvModel, summaries: &Summaries) -> Box<dyn FittedModel> {
    model.fit(&FitData { customers: &summaries.customers, unit: summaries.unit }).unwrap()
}

fn value(parameters: &[Parameter], name: &str) -> f64 {
    parameters.iter().find(|parameter| parameter.name == name).unwrap().value
}

fn assert_relative(actual: f64, expected: f64, label: &str) {
    let error = (actual - expected).abs() / expected.abs();
    assert!(error <= TOLERANCE, "{label}: {actual} vs {expected}, relative error {error:e}");
}

/// Fits `model` in days and in weeks and checks the parameters: `scaled`
/// ones are 7 times larger in days, the others are equal.
fn assert_days_match_weeks(model: &dyn ClvModel, unscaled: &[&str], scaled: &[&str]) {
    let days = fit(model, &summaries(TimeUnit::Day));
    let weeks = fit(model, &summaries(TimeUnit::Week));
    let (in_days, in_weeks) = (days.parameters(), weeks.parameters());

    for name in unscaled {
        assert_relative(value(&in_days, name), value(&in_weeks, name), name);
    }
    for name in scaled {
        assert_relative(value(&in_days, name), 7.0 * value(&in_weeks, name), name);
    }

    // Without discounting, 364 days and 52 weeks predict the same purchases.
    let request = |unit, horizon| PredictionRequest { horizon, unit, discount: Discount::NONE, margin: 1.0 };
    let day_customers = summaries(TimeUnit::Day).customers;
    let week_customers = summaries(TimeUnit::Week).customers;
    let by_day = days.predict(&day_customers, &request(TimeUnit::Day, 364.0)).unwrap();
    let by_week = weeks.predict(&week_customers, &request(TimeUnit::Week, 52.0)).unwrap();
    let total = |predictions: &[clv_core::Prediction]| -> f64 {
        predictions.iter().map(|prediction| prediction.expected_transactions).sum()
    };
    assert_relative(total(&by_day), total(&by_week), "expected purchases over a year");
}

#[test]
fn summaries_in_days_are_seven_times_weeks() {
    let days = summaries(TimeUnit::Day);
    let weeks = summaries(TimeUnit::Week);

    for (day, week) in days.customers.iter().zip(&weeks.customers) {
        assert_eq!(day.id, week.id);
        assert_eq!(day.frequency, week.frequency);
        assert_eq!(day.recency_days, week.recency_days, "{}", day.id);
        assert_eq!(day.age_days, week.age_days, "{}", day.id);
        assert_eq!(day.recency, day.recency_days as f64, "{}", day.id);
        assert_eq!(week.recency, day.recency_days as f64 / 7.0, "{}", day.id);
        assert_eq!(week.age, day.age_days as f64 / 7.0, "{}", day.id);
    }
}

#[test]
fn bg_nbd_days_match_weeks() {
    let model = BgNbdSettings { spend: SpendSetting::Fixed(1.0) }.validate().unwrap();
    assert_days_match_weeks(&model, &["r", "a", "b"], &["alpha"]);
}

#[test]
fn mbg_nbd_days_match_weeks() {
    let model = MbgNbdSettings { spend: SpendSetting::Fixed(1.0) }.validate().unwrap();
    assert_days_match_weeks(&model, &["r", "a", "b"], &["alpha"]);
}

#[test]
fn pareto_nbd_days_match_weeks() {
    let model = ParetoNbdSettings { spend: SpendSetting::Fixed(1.0) }.validate().unwrap();
    assert_days_match_weeks(&model, &["r", "s"], &["alpha", "beta"]);
}
