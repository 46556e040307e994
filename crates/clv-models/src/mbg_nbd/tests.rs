use clv_core::ClvModel;

use super::*;
use crate::bg_nbd::checks;
use crate::bg_nbd::reference::{self, Quantity, Row};
use crate::btyd::{Rfm, TransactionProcess};
use crate::fit::LogLikelihood;

/// The CDNOW estimates of lifetimes 0.11.3's `ModifiedBetaGeoFitter`, in weeks.
const PUBLISHED: MbgNbdProcess = MbgNbdProcess { r: 0.525, alpha: 6.183, a: 0.891, b: 1.614 };

fn check_reference(select: impl Fn(&Row) -> bool) {
    reference::check(KIND, select, MbgNbdProcess::from_params);
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

#[test]
fn settings_default_to_gamma_gamma() {
    let settings: MbgNbdSettings = toml::from_str("").unwrap();
    assert_eq!(settings, MbgNbdSettings::default());
    assert_eq!(settings.spend, SpendSetting::default());
    assert_eq!(settings.validate().unwrap().kind(), KIND);
}

#[test]
fn settings_accept_fixed_spend() {
    let settings: MbgNbdSettings = toml::from_str("spend = 3\n").unwrap();
    assert_eq!(settings.spend, SpendSetting::Fixed(3.0));
    assert!(settings.validate().is_ok());
}

#[test]
fn settings_reject_unknown_key() {
    let error = toml::from_str::<MbgNbdSettings>("penalizer = 0.1\n").unwrap_err();
    assert!(error.to_string().contains("unknown field `penalizer`"), "{error}");
}

#[test]
fn settings_reject_infinite_spend() {
    let settings = MbgNbdSettings { spend: SpendSetting::Fixed(f64::INFINITY) };
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
fn p_alive_matches_closed_form() {
    // 1 / (1 + a / (b + x) ((alpha + T) / (alpha + t_x))^(r + x)) evaluated
    // directly; tolerance 1e-12 relative.
    let MbgNbdProcess { r, alpha, a, b } = PUBLISHED;
    for (x, t_x, t) in [(0.0, 0.0, 38.86), (1.0, 5.0, 38.0), (2.0, 30.43, 38.86), (3.0, 0.0, 10.0)] {
        let expected = 1.0 / (1.0 + a / (b + x) * ((alpha + t) / (alpha + t_x)).powf(r + x));
        let actual = PUBLISHED.p_alive(rfm(x, t_x, t));
        assert!((actual - expected).abs() <= 1e-12 * expected, "{actual} vs {expected}");
    }
}

#[test]
fn one_time_buyer_may_have_dropped_out() {
    // At T = 0 the odds of having dropped out are a / b, so P(alive) = b / (a + b).
    let new_customer = PUBLISHED.p_alive(rfm(0.0, 0.0, 0.0));
    let expected = PUBLISHED.b / (PUBLISHED.a + PUBLISHED.b);
    assert!((new_customer - expected).abs() <= 1e-15, "{new_customer} vs {expected}");
    assert!(PUBLISHED.p_alive(rfm(0.0, 0.0, 38.86)) < new_customer);
}

#[test]
fn likelihood_weights_patterns_by_count() {
    let patterns = vec![pattern(0.0, 0.0, 30.0, 3.0), pattern(2.0, 10.0, 25.0, 2.0)];
    let likelihood = MbgNbdLikelihood::new(patterns);
    let params = [PUBLISHED.r, PUBLISHED.alpha, PUBLISHED.a, PUBLISHED.b];
    let expected = 3.0 * PUBLISHED.log_likelihood(rfm(0.0, 0.0, 30.0))
        + 2.0 * PUBLISHED.log_likelihood(rfm(2.0, 10.0, 25.0));
    let actual = likelihood.log_likelihood(&params);
    // The separated sum rounds differently from the per-customer one (see
    // `checks::assert_matches_per_customer_sum`): a few units in the last place.
    assert!((actual - expected).abs() <= 1e-14 * expected.abs(), "{actual} vs {expected}");
    assert_eq!(likelihood.dimension(), 4);
}

#[test]
fn gradient_matches_central_differences() {
    let patterns = vec![
        pattern(0.0, 0.0, 38.86, 1411.0),
        pattern(1.0, 1.71, 38.86, 3.0),
        pattern(2.0, 30.43, 38.86, 1.0),
        pattern(5.0, 0.0, 20.0, 1.0),
        pattern(300.0, 1820.0, 1826.0, 1.0),
        pattern(12.0, 36.0, 36.0, 2.0),
    ];
    let likelihood = MbgNbdLikelihood::new(patterns);
    for params in
        [[0.525, 6.183, 0.891, 1.614], [1.0, 1.0, 1.0, 1.0], [2.5, 80.0, 0.3, 0.5], [0.05, 0.2, 12.0, 40.0]]
    {
        checks::assert_gradient_matches_differences(&likelihood, &params);
    }
}

/// Parameter sets of the derivative and separation checks.
const CHECK_PARAMS: [[f64; 4]; 4] =
    [[0.525, 6.183, 0.891, 1.614], [1.0, 1.0, 1.0, 1.0], [2.5, 80.0, 0.3, 0.5], [0.05, 0.2, 12.0, 40.0]];

#[test]
fn separated_likelihood_matches_per_customer_sum() {
    let patterns = checks::spread_of_patterns();
    let likelihood = MbgNbdLikelihood::new(patterns.clone());
    for params in CHECK_PARAMS {
        checks::assert_matches_per_customer_sum(
            &likelihood,
            &MbgNbdProcess::from_params(&params),
            &patterns,
            &params,
        );
    }
}

#[test]
fn hessian_matches_gradient_differences() {
    let likelihood = MbgNbdLikelihood::new(checks::spread_of_patterns());
    for params in CHECK_PARAMS {
        checks::assert_hessian_matches_differences(&likelihood, &params);
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
                    checks::assert_finite_everywhere(&MbgNbdProcess { r, alpha, a, b });
                }
            }
        }
    }
}

#[test]
fn parameters_in_conventional_order() {
    let names: Vec<&str> = PUBLISHED.parameters().into_iter().map(|(name, _)| name).collect();
    assert_eq!(names, ["r", "alpha", "a", "b"]);
    assert_eq!(MbgNbdProcess::from_params(&[0.525, 6.183, 0.891, 1.614]), PUBLISHED);
}
