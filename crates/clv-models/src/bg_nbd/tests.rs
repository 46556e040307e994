use clv_core::{ClvModel, FitData};

use super::checks;
use super::reference::{self, Quantity, Row};
use super::*;
use crate::btyd::{Rfm, TransactionProcess};
use crate::fit::LogLikelihood;
use crate::test_support::summary;

/// The CDNOW estimates of Fader, Hardie & Lee (2005), in weeks.
const PUBLISHED: BgNbdProcess = BgNbdProcess { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };

fn check_reference(select: impl Fn(&Row) -> bool) {
    reference::check(KIND, select, BgNbdProcess::from_params);
}

/// Returns whether the row is about one customer's summary rather than a new customer.
fn is_customer_row(row: &Row) -> bool {
    matches!(row.quantity, Quantity::LogLikelihood | Quantity::PAlive | Quantity::ConditionalExpectation)
}

fn rfm(x: f64, t_x: f64, t: f64) -> Rfm {
    Rfm { x, t_x, t }
}

fn pattern(x: f64, t_x: f64, t: f64, count: f64) -> Pattern {
    Pattern { rfm: rfm(x, t_x, t), count }
}

fn assert_relative(actual: f64, expected: f64, tolerance: f64) {
    assert!(
        (actual - expected).abs() <= tolerance * expected.abs(),
        "{actual} vs {expected} (relative tolerance {tolerance:e})"
    );
}

#[test]
fn settings_default_to_gamma_gamma() {
    let settings: BgNbdSettings = toml::from_str("").unwrap();
    assert_eq!(settings, BgNbdSettings::default());
    assert_eq!(settings.spend, SpendSetting::default());
    assert_eq!(settings.validate().unwrap().kind(), KIND);
}

#[test]
fn settings_accept_fixed_spend() {
    let settings: BgNbdSettings = toml::from_str("spend = 12.5\n").unwrap();
    assert_eq!(settings.spend, SpendSetting::Fixed(12.5));
    assert!(settings.validate().is_ok());
}

#[test]
fn settings_reject_unknown_key() {
    let error = toml::from_str::<BgNbdSettings>("horizon = 12\n").unwrap_err();
    assert!(error.to_string().contains("unknown field `horizon`"), "{error}");
}

#[test]
fn settings_reject_negative_spend() {
    let settings = BgNbdSettings { spend: SpendSetting::Fixed(-1.0) };
    let error = settings.validate().unwrap_err();
    assert!(matches!(&error, ModelError::InvalidSetting { key, .. } if key == "spend"), "{error}");
}

#[test]
fn log_likelihood_matches_reference() {
    check_reference(|row| row.quantity == Quantity::LogLikelihood);
}

#[test]
fn p_alive_matches_reference() {
    check_reference(|row| row.quantity == Quantity::PAlive);
}

#[test]
fn conditional_expectation_matches_reference() {
    check_reference(|row| row.quantity == Quantity::ConditionalExpectation);
}

#[test]
fn expected_transactions_match_reference() {
    check_reference(|row| row.quantity == Quantity::ExpectedTransactions);
}

#[test]
fn probabilities_match_reference() {
    check_reference(|row| row.quantity == Quantity::Probability);
}

#[test]
fn one_time_buyers_match_reference() {
    check_reference(|row| is_customer_row(row) && row.rfm.x == 0.0);
}

#[test]
fn heavy_buyer_matches_reference() {
    check_reference(|row| is_customer_row(row) && row.rfm.x == 300.0);
}

#[test]
fn five_years_in_days_match_reference() {
    check_reference(|row| is_customer_row(row) && row.rfm.t == 1826.0);
}

#[test]
fn reference_with_a_plus_b_below_one() {
    check_reference(|row| row.params[2] + row.params[3] < 1.0);
}

#[test]
fn reference_with_large_alpha_and_b() {
    check_reference(|row| row.params[1] == 1e4 && row.params[3] == 1e4);
}

#[test]
fn reference_with_a_at_and_near_one() {
    check_reference(|row| (row.params[2] - 1.0).abs() < 1e-3);
}

#[test]
fn same_day_repeat_purchases_match_reference() {
    // x > 0 with t_x = 0 arises only when purchases on one day are merged.
    check_reference(|row| is_customer_row(row) && row.rfm.x > 0.0 && row.rfm.t_x == 0.0);
}

#[test]
fn conditional_expectation_matches_hardie_sheet() {
    // Customer 1 of CDNOW (x = 2, t_x = 30.43, T = 38.86) over the 39-week
    // holdout: 1.226 in the same spreadsheet, quoted to 3 decimals.
    let actual = PUBLISHED.conditional_expected_transactions(rfm(2.0, 30.43, 38.86), 39.0);
    assert!((actual - 1.226).abs() <= 1e-3, "{actual}");
}

#[test]
fn p_alive_matches_closed_form() {
    // 1 / (1 + a / (b + x - 1) ((alpha + T) / (alpha + t_x))^(r + x)) evaluated
    // directly; tolerance 1e-12 relative.
    let BgNbdProcess { r, alpha, a, b } = PUBLISHED;
    for (x, t_x, t) in [(1.0, 5.0, 38.0), (2.0, 30.43, 38.86), (7.0, 20.0, 39.0), (3.0, 0.0, 10.0)] {
        let expected = 1.0 / (1.0 + a / (b + x - 1.0) * ((alpha + t) / (alpha + t_x)).powf(r + x));
        assert_relative(PUBLISHED.p_alive(rfm(x, t_x, t)), expected, 1e-12);
    }
}

#[test]
fn p_alive_is_one_without_repeat_purchases() {
    assert_eq!(PUBLISHED.p_alive(rfm(0.0, 0.0, 38.86)), 1.0);
    assert_eq!(PUBLISHED.p_alive(rfm(0.0, 0.0, 0.0)), 1.0);
}

#[test]
fn likelihood_weights_patterns_by_count() {
    let patterns = vec![pattern(0.0, 0.0, 30.0, 3.0), pattern(2.0, 10.0, 25.0, 2.0)];
    let likelihood = BgNbdLikelihood::new(patterns);
    let params = [PUBLISHED.r, PUBLISHED.alpha, PUBLISHED.a, PUBLISHED.b];
    let expected = 3.0 * PUBLISHED.log_likelihood(rfm(0.0, 0.0, 30.0))
        + 2.0 * PUBLISHED.log_likelihood(rfm(2.0, 10.0, 25.0));
    // The separated sum rounds differently from the per-customer one (see
    // `checks::assert_matches_per_customer_sum`): a few units in the last place.
    assert_relative(likelihood.log_likelihood(&params), expected, 1e-14);
    assert_eq!(likelihood.dimension(), 4);
}

/// Parameter sets of the derivative and separation checks: the CDNOW
/// estimates, ones, and far from both, with a + b < 1 and large b.
const CHECK_PARAMS: [[f64; 4]; 4] =
    [[0.243, 4.414, 0.793, 2.426], [1.0, 1.0, 1.0, 1.0], [2.5, 80.0, 0.3, 0.5], [0.05, 0.2, 12.0, 40.0]];

#[test]
fn separated_likelihood_matches_per_customer_sum() {
    let patterns = checks::spread_of_patterns();
    let likelihood = BgNbdLikelihood::new(patterns.clone());
    for params in CHECK_PARAMS {
        checks::assert_matches_per_customer_sum(
            &likelihood,
            &BgNbdProcess::from_params(&params),
            &patterns,
            &params,
        );
    }
}

#[test]
fn hessian_matches_gradient_differences() {
    let likelihood = BgNbdLikelihood::new(checks::spread_of_patterns());
    for params in CHECK_PARAMS {
        checks::assert_hessian_matches_differences(&likelihood, &params);
    }
}

#[test]
fn gradient_matches_central_differences() {
    let spread = BgNbdLikelihood::new(checks::spread_of_patterns());
    for params in CHECK_PARAMS {
        checks::assert_gradient_matches_differences(&spread, &params);
    }
    let patterns = vec![
        pattern(0.0, 0.0, 38.86, 1411.0),
        pattern(1.0, 1.71, 38.86, 3.0),
        pattern(2.0, 30.43, 38.86, 1.0),
        pattern(5.0, 0.0, 20.0, 1.0),
        pattern(300.0, 1820.0, 1826.0, 1.0),
        pattern(12.0, 36.0, 36.0, 2.0),
    ];
    let likelihood = BgNbdLikelihood::new(patterns);
    for params in
        [[0.243, 4.414, 0.793, 2.426], [1.0, 1.0, 1.0, 1.0], [2.5, 80.0, 0.3, 0.5], [0.05, 0.2, 12.0, 40.0]]
    {
        checks::assert_gradient_matches_differences(&likelihood, &params);
    }
}

#[test]
fn probabilities_sum_to_one_with_mean_expectation() {
    // At t = 39 the tail beyond n = 600 is below 1e-20.
    checks::assert_probabilities_consistent(&PUBLISHED, 39.0, 600);
}

#[test]
fn zero_horizon_predicts_nothing() {
    assert_eq!(PUBLISHED.conditional_expected_transactions(rfm(2.0, 30.43, 38.86), 0.0), 0.0);
    assert_eq!(PUBLISHED.expected_transactions(0.0), 0.0);
    assert_eq!(PUBLISHED.probability_of_transactions(0, 0.0), 1.0);
    assert_eq!(PUBLISHED.probability_of_transactions(3, 0.0), 0.0);
}

#[test]
fn predictions_finite_over_extreme_grid() {
    for r in checks::EXTREME_VALUES {
        for alpha in checks::EXTREME_VALUES {
            for a in checks::EXTREME_VALUES {
                for b in checks::EXTREME_VALUES {
                    checks::assert_finite_everywhere(&BgNbdProcess { r, alpha, a, b });
                }
            }
        }
    }
}

#[test]
fn parameters_in_conventional_order() {
    let names: Vec<&str> = PUBLISHED.parameters().into_iter().map(|(name, _)| name).collect();
    assert_eq!(names, ["r", "alpha", "a", "b"]);
    assert_eq!(BgNbdProcess::from_params(&[0.243, 4.414, 0.793, 2.426]), PUBLISHED);
}

#[test]
fn starting_points_are_positive() {
    let patterns =
        vec![pattern(0.0, 0.0, 30.0, 10.0), pattern(3.0, 20.0, 30.0, 4.0), pattern(9.0, 29.0, 30.0, 1.0)];
    let starts = starting_points(&patterns);
    assert!(starts.len() >= 2, "{starts:?}");
    for start in &starts {
        assert_eq!(start.len(), 4);
        assert!(start.iter().all(|value| value.is_finite() && *value > 0.0), "{start:?}");
    }
    assert!(starts.contains(&vec![1.0, 1.0, 1.0, 1.0]));
}

#[test]
fn fit_rejects_data_without_repeat_purchases() {
    let customers = [
        summary("a", 0, 0, 30, "10", "0"),
        summary("b", 0, 0, 90, "20", "0"),
        summary("c", 0, 0, 5, "5", "0"),
    ];
    let model = BgNbdSettings { spend: SpendSetting::Fixed(10.0) }.validate().unwrap();
    let error = model.fit(&FitData { customers: &customers, unit: clv_core::TimeUnit::Day }).err().unwrap();
    assert!(
        matches!(&error, ModelError::CannotFit(message) if message.contains("repeat purchases")),
        "{error}"
    );
}

/// Returns seven patterns shaped like CDNOW's, whose likelihood has an interior maximum.
fn stationary_point_patterns() -> Vec<Pattern> {
    vec![
        pattern(0.0, 0.0, 38.86, 1411.0),
        pattern(1.0, 20.0, 38.86, 439.0),
        pattern(2.0, 25.0, 38.86, 214.0),
        pattern(3.0, 30.0, 38.86, 100.0),
        pattern(5.0, 33.0, 38.86, 80.0),
        pattern(10.0, 36.0, 38.86, 40.0),
        pattern(1.0, 2.0, 38.86, 73.0),
    ]
}

#[test]
fn fit_reaches_stationary_point() {
    // At a maximum the gradient with respect to the log-parameters,
    // params[i] * dLL/dparams[i], vanishes. The optimiser stops when its norm
    // is below 1e-6 |LL|, so this allows 1e-5 |LL|. The fit must also beat
    // every starting point.
    let patterns = stationary_point_patterns();
    let (process, mle) = fit_process(&patterns).unwrap();
    assert_eq!(mle.params, [process.r, process.alpha, process.a, process.b]);

    let likelihood = BgNbdLikelihood::new(patterns.clone());
    let gradient = likelihood.gradient(&mle.params).unwrap();
    for (i, (derivative, value)) in gradient.iter().zip(&mle.params).enumerate() {
        let tolerance = 1e-5 * mle.log_likelihood.abs();
        assert!((derivative * value).abs() <= tolerance, "parameter {i}: {derivative} at {value}");
    }
    for start in starting_points(&patterns) {
        assert!(mle.log_likelihood >= likelihood.log_likelihood(&start), "start {start:?}");
    }
}
