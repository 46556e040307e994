use std::str::FromStr;

use clv_core::{Discount, TimeUnit};

use super::*;
use crate::test_support::summary;

/// Length of a month in days, 365.25 / 12.
const MONTH_DAYS: f64 = 30.4375;

fn request(unit: TimeUnit, horizon: f64, discount: Discount, margin: f64) -> PredictionRequest {
    PredictionRequest { horizon, unit, discount, margin }
}

fn fit(settings: FormulaSettings, customers: &[CustomerSummary]) -> Result<FittedFormula, ModelError> {
    settings.validate().unwrap().fit_formula(&FitData { customers, unit: TimeUnit::Day })
}

fn configured(lifetime_months: f64) -> FormulaSettings {
    FormulaSettings { lifetime_months: Some(lifetime_months), ..FormulaSettings::default() }
}

/// Fits the textbook example with the lifetime set to 36 months.
///
/// The one customer is observed for 1461 days (exactly 48 months), with 12
/// repeat purchase days and 910 of revenue over 13 purchase days. So T = 12 /
/// 48 = 0.25 a month and AOV = 910 / 13 = 70.
fn textbook() -> FittedFormula {
    let customers = [summary("a", 12, 1400, 1461, "70", "840")];
    fit(configured(36.0), &customers).unwrap()
}

/// Builds four customers. With the default 6 months (182.625 days) of inactivity:
/// - a: 4 repeat days, last purchase 30 days before the end: active, exposure 730 days;
/// - b: 1 repeat day, last purchase 630 days before the end: lapsed, exposure 100 days;
/// - c: one-time buyer 400 days before the end: lapsed, exposure 0;
/// - d: one-time buyer 60 days before the end: active, exposure 60 days.
fn four_customers() -> Vec<CustomerSummary> {
    vec![
        summary("a", 4, 700, 730, "100", "400"),
        summary("b", 1, 100, 730, "40", "60"),
        summary("c", 0, 0, 400, "40", "0"),
        summary("d", 0, 0, 60, "60", "0"),
    ]
}

fn assert_close(actual: f64, expected: f64, tolerance: f64) {
    assert!((actual - expected).abs() <= tolerance, "{actual} vs {expected} (tolerance {tolerance})");
}

fn invalid_key(text: &str) -> String {
    let settings: FormulaSettings = toml::from_str(text).unwrap();
    match settings.validate() {
        Err(ModelError::InvalidSetting { key, .. }) => key,
        other => panic!("expected an invalid setting for {text:?}, got {other:?}"),
    }
}

#[test]
fn settings_defaults_from_empty_table() {
    let settings: FormulaSettings = toml::from_str("").unwrap();
    assert_eq!(settings, FormulaSettings::default());
    assert_eq!(settings.lifetime_months, None);
    assert_eq!(settings.inactive_after_months, 6.0);
    assert_eq!(settings.validate().unwrap().kind(), KIND);
}

#[test]
fn settings_accept_integer_months() {
    let settings: FormulaSettings =
        toml::from_str("lifetime_months = 36\ninactive_after_months = 3").unwrap();
    assert_eq!(settings.lifetime_months, Some(36.0));
    assert_eq!(settings.inactive_after_months, 3.0);
    assert!(settings.validate().is_ok());
}

#[test]
fn settings_reject_unknown_key() {
    let error = toml::from_str::<FormulaSettings>("lifetime = 36\n").unwrap_err();
    assert!(error.to_string().contains("unknown field `lifetime`"), "{error}");
}

#[test]
fn settings_reject_lifetime_out_of_range() {
    for text in
        ["lifetime_months = 0", "lifetime_months = -3.5", "lifetime_months = nan", "lifetime_months = inf"]
    {
        assert_eq!(invalid_key(text), "lifetime_months", "{text}");
    }
}

#[test]
fn settings_reject_inactivity_out_of_range() {
    for text in ["inactive_after_months = 0", "inactive_after_months = -1", "inactive_after_months = nan"] {
        assert_eq!(invalid_key(text), "inactive_after_months", "{text}");
    }
}

#[test]
fn invalid_setting_message_gives_range() {
    let settings: FormulaSettings = toml::from_str("lifetime_months = -2").unwrap();
    let error = settings.validate().unwrap_err();
    let message = error.to_string();
    assert!(message.contains("`lifetime_months`"), "{message}");
    assert!(message.contains("greater than 0, got -2"), "{message}");
}

#[test]
fn textbook_factors_from_summaries() {
    // Exact: 1461 / 30.4375 = 48 and 910 / 13 = 70 are exact in binary floating point.
    let fitted = textbook();
    assert_eq!(fitted.transactions_per_month(), 0.25);
    assert_eq!(fitted.average_order_value(), 70.0);
    assert_eq!(fitted.lifetime(), Lifetime::Configured { months: 36.0 });
}

#[test]
fn textbook_population_clv_is_189() {
    // 0.25 purchases a month x 70 per purchase x 30% margin x 36 months = 189, without
    // discounting, for every horizon of at least 36 months. Tolerance 1e-9 on the float,
    // exact on the money rounded to 4 places.
    let fitted = textbook();
    let horizons = [
        (TimeUnit::Month, 36.0),
        (TimeUnit::Month, 48.0),
        (TimeUnit::Month, f64::INFINITY),
        (TimeUnit::Week, 4.0 * 52.0),
        (TimeUnit::Day, 36.0 * MONTH_DAYS),
        (TimeUnit::Year, 3.0),
    ];
    for (unit, horizon) in horizons {
        let request = request(unit, horizon, Discount::NONE, 0.3);
        let clv = fitted.population_clv_f64(&request);
        assert!((clv - 189.0).abs() < 1e-9, "{unit} horizon {horizon}: {clv}");
        assert_eq!(fitted.population_clv(&request), Ok(Some(Decimal::from(189))), "{unit} horizon {horizon}");
    }
}

#[test]
fn short_horizon_caps_lifetime() {
    // 0.25 x 70 x 0.3 = 5.25 a month over 12 months instead of 36: 63. Tolerance 1e-9.
    let fitted = textbook();
    let request = request(TimeUnit::Month, 12.0, Discount::NONE, 0.3);
    assert_close(fitted.population_clv_f64(&request), 63.0, 1e-9);
    assert_eq!(fitted.population_clv(&request), Ok(Some(Decimal::from(63))));
}

#[test]
fn discounted_population_clv_matches_annuity() {
    // 5.25 a month for 36 months (the 60-month horizon does not cap the lifetime), each
    // month's value discounted at its end at the monthly rate r = 1.1^(1/12) - 1. Closed
    // form of the ordinary annuity: 5.25 * (1 - (1 + r)^-36) / r. Tolerance 1e-9.
    let fitted = textbook();
    let request = request(TimeUnit::Month, 60.0, Discount::from_annual(0.1, TimeUnit::Month), 0.3);

    let monthly_rate = 1.1f64.powf(1.0 / 12.0) - 1.0;
    let expected = 5.25 * (1.0 - (1.0 + monthly_rate).powi(-36)) / monthly_rate;
    assert_close(fitted.population_clv_f64(&request), expected, 1e-9);

    // The same to the 4 decimal places of money.
    let money = decimal_to_f64(fitted.population_clv(&request).unwrap().unwrap());
    assert_close(money, expected, 0.5e-4);
}

#[test]
fn population_clv_rejects_negative_horizon() {
    let error = textbook().population_clv(&request(TimeUnit::Month, -1.0, Discount::NONE, 0.3)).unwrap_err();
    assert!(matches!(&error, ModelError::InvalidSetting { key, .. } if key == "horizon"), "{error}");
}

#[test]
fn estimator_on_four_customers() {
    let customers = four_customers();
    let fitted = fit(FormulaSettings::default(), &customers).unwrap();

    // T = 5 repeat days / ((730 + 730 + 400 + 60) / 30.4375 months). Tolerance 1e-12.
    assert_close(fitted.transactions_per_month(), 5.0 * MONTH_DAYS / 1920.0, 1e-12);

    // AOV = (500 + 100 + 40 + 60) revenue / (5 + 2 + 1 + 1) purchase days. Tolerance 1e-12.
    assert_close(fitted.average_order_value(), 700.0 / 9.0, 1e-12);

    // d = 2 lapsed (b, c), E = (730 + 100 + 0 + 60) / 30.4375 months, ALT = E / d,
    // standard error ALT / sqrt(2). Tolerance 1e-12.
    let Lifetime::Estimated(estimate) = fitted.lifetime() else {
        panic!("expected an estimated lifetime, got {:?}", fitted.lifetime());
    };
    assert_eq!(estimate.lapsed_customers, 2);
    assert_close(estimate.exposure_months, 890.0 / MONTH_DAYS, 1e-12);
    assert_close(estimate.months, 445.0 / MONTH_DAYS, 1e-12);
    assert_close(estimate.std_error, 445.0 / MONTH_DAYS / 2f64.sqrt(), 1e-12);
    assert_eq!(estimate.inactive_after_months, 6.0);
}

#[test]
fn inactivity_threshold_is_exclusive() {
    // A threshold of exactly 30 days: 30 days inactive is active, 31 days is lapsed.
    // d = 1, E = (100 + 69) / 30.4375 months. Tolerance 1e-12.
    let customers = [summary("active", 1, 70, 100, "10", "10"), summary("lapsed", 1, 69, 100, "10", "10")];
    let settings = FormulaSettings { lifetime_months: None, inactive_after_months: 30.0 / MONTH_DAYS };
    let fitted = fit(settings, &customers).unwrap();

    let Lifetime::Estimated(estimate) = fitted.lifetime() else {
        panic!("expected an estimated lifetime, got {:?}", fitted.lifetime());
    };
    assert_eq!(estimate.lapsed_customers, 1);
    assert_close(estimate.months, 169.0 / MONTH_DAYS, 1e-12);
}

#[test]
fn no_lapsed_customer_cannot_fit() {
    // Both customers bought within the last 6 months before the calibration end.
    let customers = [summary("a", 2, 300, 320, "10", "20"), summary("b", 0, 0, 90, "10", "0")];
    let error = fit(FormulaSettings::default(), &customers).unwrap_err();
    let ModelError::CannotFit(message) = &error else {
        panic!("expected CannotFit, got {error:?}");
    };
    assert!(message.contains("set lifetime_months"), "{message}");
}

#[test]
fn configured_lifetime_needs_no_lapse() {
    let customers = [summary("a", 2, 300, 320, "10", "20"), summary("b", 0, 0, 90, "10", "0")];
    let fitted = fit(configured(24.0), &customers).unwrap();
    assert_eq!(fitted.lifetime(), Lifetime::Configured { months: 24.0 });
}

#[test]
fn zero_exposure_cannot_fit() {
    // The only customer is a lapsed one-time buyer, so E = 0 and the estimate would be 0 months.
    let customers = [summary("a", 0, 0, 400, "10", "0")];
    let error = fit(FormulaSettings::default(), &customers).unwrap_err();
    assert!(matches!(&error, ModelError::CannotFit(message) if message.contains("0 months")), "{error}");
}

#[test]
fn no_customers_cannot_fit() {
    let error = fit(configured(12.0), &[]).unwrap_err();
    assert!(matches!(error, ModelError::CannotFit(_)), "{error}");
}

#[test]
fn no_observed_time_cannot_fit() {
    let customers = [summary("a", 0, 0, 0, "10", "0"), summary("b", 0, 0, 0, "20", "0")];
    let error = fit(configured(12.0), &customers).unwrap_err();
    assert!(
        matches!(&error, ModelError::CannotFit(message) if message.contains("calibration_end")),
        "{error}"
    );
}

#[test]
fn parameters_of_configured_lifetime() {
    let parameters = textbook().parameters();
    let expected = vec![
        Parameter::new("transactions_per_month", 0.25),
        Parameter::new("average_order_value", 70.0),
        Parameter::new("lifetime_months", 36.0),
    ];
    assert_eq!(parameters, expected);
}

#[test]
fn parameters_of_estimated_lifetime() {
    let customers = four_customers();
    let parameters = fit(FormulaSettings::default(), &customers).unwrap().parameters();
    let names: Vec<&str> = parameters.iter().map(|parameter| parameter.name.as_str()).collect();
    assert_eq!(
        names,
        ["transactions_per_month", "average_order_value", "lifetime_months_estimated", "lapsed_customers"]
    );

    // Same values as in the estimator test. Tolerance 1e-12.
    assert_close(parameters[2].value, 445.0 / MONTH_DAYS, 1e-12);
    assert_close(parameters[2].std_error.unwrap(), 445.0 / MONTH_DAYS / 2f64.sqrt(), 1e-12);
    assert_eq!(parameters[3].value, 2.0);
}

#[test]
fn customer_prediction_in_months() {
    // Customer a: T_a = 4 / (730 / 30.4375) a month, AOV_a = 500 / 5 = 100. The 12-month
    // lifetime caps nothing shorter than the 24-month horizon, so L = 12:
    // transactions = 12 T_a, CLV = 12 T_a x 100 x 0.5. Tolerance 1e-12 on transactions,
    // the money rounding 0.5e-4 on CLV.
    let customers = four_customers();
    let fitted = fit(configured(12.0), &customers).unwrap();
    let predictions =
        fitted.predict(&customers[..1], &request(TimeUnit::Month, 24.0, Discount::NONE, 0.5)).unwrap();

    let rate = 4.0 * MONTH_DAYS / 730.0;
    let prediction = &predictions[0];
    assert_close(prediction.expected_transactions, 12.0 * rate, 1e-12);
    assert_eq!(prediction.value_per_transaction, Some(Decimal::from(100)));
    assert_eq!(prediction.p_alive, None);
    assert_close(decimal_to_f64(prediction.clv), 12.0 * rate * 100.0 * 0.5, 0.5e-4);
}

#[test]
fn customer_prediction_capped_in_weeks() {
    // Customer b: T_b = 1 / (730 / 30.4375) a month = 7 / 730 a week, AOV_b = 100 / 2 = 50.
    // The 12-month lifetime is 52.18 weeks, so the 26-week horizon caps it: L = 26.
    // Tolerance 1e-12 on transactions, the money rounding 0.5e-4 on CLV.
    let customers = four_customers();
    let fitted = fit(configured(12.0), &customers).unwrap();
    let predictions =
        fitted.predict(&customers[1..2], &request(TimeUnit::Week, 26.0, Discount::NONE, 0.4)).unwrap();

    let weekly_rate = 7.0 / 730.0;
    let prediction = &predictions[0];
    assert_close(prediction.expected_transactions, 26.0 * weekly_rate, 1e-12);
    assert_eq!(prediction.value_per_transaction, Some(Decimal::from(50)));
    assert_close(decimal_to_f64(prediction.clv), 26.0 * weekly_rate * 50.0 * 0.4, 0.5e-4);
}

#[test]
fn customer_prediction_discounted() {
    // Customer a over a 2-year lifetime in years: T_a = 4 / (730 / 365.25) a year and
    // AOV_a = 100, so the margin stream is 0.3 x 100 x T_a a year, discounted at 8% a year:
    // annuity closed form stream * (1 - 1.08^-2) / 0.08. Tolerance: money rounding 0.5e-4.
    let customers = four_customers();
    let fitted = fit(configured(24.0), &customers).unwrap();
    let discount = Discount::from_annual(0.08, TimeUnit::Year);
    let predictions = fitted.predict(&customers[..1], &request(TimeUnit::Year, 5.0, discount, 0.3)).unwrap();

    let yearly_rate = 4.0 * 365.25 / 730.0;
    let expected = 0.3 * 100.0 * yearly_rate * (1.0 - 1.08f64.powi(-2)) / 0.08;
    assert_close(decimal_to_f64(predictions[0].clv), expected, 0.5e-4);
}

#[test]
fn first_purchase_on_calibration_end_predicts_zero() {
    // T = 0: no rate, so no transactions and no value; the order value is the first purchase.
    let customers = [summary("a", 4, 700, 730, "100", "400"), summary("new", 0, 0, 0, "25.5", "0")];
    let fitted = fit(configured(12.0), &customers).unwrap();
    let predictions =
        fitted.predict(&customers[1..], &request(TimeUnit::Month, 12.0, Discount::NONE, 0.3)).unwrap();

    let prediction = &predictions[0];
    assert_eq!(prediction.expected_transactions, 0.0);
    assert_eq!(prediction.value_per_transaction, Some(Decimal::from_str("25.5").unwrap()));
    assert_eq!(prediction.clv, Decimal::ZERO);
}

#[test]
fn predictions_follow_customer_order() {
    let customers = four_customers();
    let fitted = fit(configured(12.0), &customers).unwrap();
    let mut reversed = customers.clone();
    reversed.reverse();
    let predictions =
        fitted.predict(&reversed, &request(TimeUnit::Month, 12.0, Discount::NONE, 0.3)).unwrap();

    assert_eq!(predictions.len(), 4);
    let order_values: Vec<_> =
        predictions.iter().map(|prediction| prediction.value_per_transaction).collect();
    let expected: Vec<_> = [60, 40, 50, 100].into_iter().map(|value| Some(Decimal::from(value))).collect();
    assert_eq!(order_values, expected);
}

#[test]
fn fit_through_trait_object() {
    let model: Box<dyn ClvModel> = Box::new(configured(36.0).validate().unwrap());
    let customers = [summary("a", 12, 1400, 1461, "70", "840")];
    let fitted = model.fit(&FitData { customers: &customers, unit: TimeUnit::Week }).unwrap();

    assert_eq!(model.kind(), "formula");
    let request = request(TimeUnit::Week, 520.0, Discount::NONE, 0.3);
    assert_eq!(fitted.population_clv(&request), Ok(Some(Decimal::from(189))));
    assert_eq!(fitted.fit_statistics(), None);
}

#[test]
fn total_equals_sum_of_predictions() {
    // Exact equality: the total must add the same products in the same order.
    let customers = four_customers();
    let fitted = fit(FormulaSettings::default(), &customers).unwrap();
    let request = request(TimeUnit::Week, 26.0, Discount::from_annual(0.1, TimeUnit::Week), 0.3);
    let predictions = fitted.predict(&customers, &request).unwrap();
    let sum: f64 = predictions.iter().map(|p| p.expected_transactions).sum();
    assert_eq!(fitted.total_expected_transactions(&customers, &request).unwrap(), sum);
    assert!(sum > 0.0, "customers a and b have repeat days: {sum}");
}
