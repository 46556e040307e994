//! Published parameter values, reproduced from the raw data.
//!
//! The CDNOW sample log goes through clv's own summary step (2,357
//! customers, weeks, calibration 1997-01-01 to 1997-09-30), then through
//! `compress` and each model's `fit_process`.
//!
//! - BG/NBD: r = 0.243, alpha = 4.414, a = 0.793, b = 2.426 and
//!   log-likelihood -9582.4 (Fader, Hardie & Lee 2005, Marketing Science 24 (2)).
//! - MBG/NBD: r = 0.525, alpha = 6.183, a = 0.891, b = 1.614, the estimates
//!   of lifetimes 0.11.3's `ModifiedBetaGeoFitter` on the same data.
//!
//! The estimates are published to 3 decimals, so a fitted value passes when
//! it is within the larger of 1e-3 relative and half a unit in the third
//! decimal (0.0005, plus 1e-9 for float error). The log-likelihood,
//! published to 1 decimal, must be within 0.1.

use std::sync::OnceLock;

use clv_core::{ClvModel, CustomerSummary, Discount, FitData, PredictionRequest, Summaries, TimeUnit};
use clv_models::bg_nbd::{BgNbdLikelihood, BgNbdSettings};
use clv_models::btyd::{Pattern, Rfm, SpendSetting, TransactionProcess, compress};
use clv_models::fit::{LogLikelihood, newton_ascent, newton_polish};
use clv_models::mbg_nbd::MbgNbdSettings;
use clv_models::{bg_nbd, mbg_nbd};

const BG_NBD_PUBLISHED: [f64; 4] = [0.243, 4.414, 0.793, 2.426];
const BG_NBD_PUBLISHED_LOG_LIKELIHOOD: f64 = -9582.4;
const MBG_NBD_PUBLISHED: [f64; 4] = [0.525, 6.183, 0.891, 1.614];
const NAMES: [&str; 4] = ["r", "alpha", "a", "b"];

/// Half a unit in the last published decimal, plus room for float error.
const ROUNDING_TOLERANCE: f64 = 0.0005 + 1e-9;
const RELATIVE_TOLERANCE: f64 = 1e-3;
const LOG_LIKELIHOOD_TOLERANCE: f64 = 0.1;

fn summaries() -> &'static Summaries {
    static SUMMARIES: OnceLock<Summaries> = OnceLock::new();
    SUMMARIES.get_or_init(clv_tests::cdnow_summaries)
}

fn patterns() -> Vec<Pattern> {
    compress(&summaries().customers)
}

fn assert_matches_published(model: &str, fitted: &[f64], published: [f64; 4]) {
    for ((name, fitted), published) in NAMES.iter().zip(fitted).zip(published) {
        let tolerance = (RELATIVE_TOLERANCE * published).max(ROUNDING_TOLERANCE);
        assert!(
            (fitted - published).abs() <= tolerance,
            "{model} {name}: fitted {fitted}, published {published}, tolerance {tolerance}"
        );
    }
}

#[test]
fn cdnow_has_2357_customers_in_weeks() {
    assert_eq!(summaries().customers.len(), 2357);
    assert_eq!(summaries().unit, TimeUnit::Week);
}

#[test]
fn bg_nbd_log_likelihood_at_published_estimates() {
    let likelihood = BgNbdLikelihood::new(patterns());
    let log_likelihood = likelihood.log_likelihood(&BG_NBD_PUBLISHED);
    assert!(
        (log_likelihood - BG_NBD_PUBLISHED_LOG_LIKELIHOOD).abs() <= LOG_LIKELIHOOD_TOLERANCE,
        "{log_likelihood}"
    );
}

#[test]
fn bg_nbd_fit_reproduces_published_estimates() {
    let (process, mle) = bg_nbd::fit_process(&patterns()).unwrap();
    assert!(mle.converged, "{mle:?}");
    let fitted = [process.r, process.alpha, process.a, process.b];
    assert_matches_published("BG/NBD", &fitted, BG_NBD_PUBLISHED);
    assert!(
        (mle.log_likelihood - BG_NBD_PUBLISHED_LOG_LIKELIHOOD).abs() <= LOG_LIKELIHOOD_TOLERANCE,
        "{}",
        mle.log_likelihood
    );
}

#[test]
fn bg_nbd_newton_fit_matches_lbfgs_fit() {
    // The fit of a million customers runs Newton's method from a subsample
    // optimum. CDNOW is below the subsample threshold, so `fit_process`
    // runs L-BFGS, here followed by Newton polish to tighten its optimum.
    // Newton's method from [1, 1, 1, 1] must reach the same optimum: the
    // estimates within 1e-6 relative, the log-likelihood at least as high
    // less 1e-12 relative for rounding.
    let patterns = patterns();
    let likelihood = BgNbdLikelihood::new(patterns.clone());
    let (_, lbfgs) = bg_nbd::fit_process(&patterns).unwrap();
    let lbfgs = newton_polish(&likelihood, lbfgs);
    let newton = newton_ascent(&likelihood, &[1.0, 1.0, 1.0, 1.0]).unwrap();
    assert!(newton.converged, "{newton:?}");
    for ((name, fitted), expected) in NAMES.iter().zip(&newton.params).zip(&lbfgs.params) {
        assert!((fitted - expected).abs() <= 1e-6 * expected, "{name}: Newton {fitted}, L-BFGS {expected}");
    }
    assert!(newton.log_likelihood >= lbfgs.log_likelihood - 1e-12 * lbfgs.log_likelihood.abs());
    for (newton_error, lbfgs_error) in newton.std_errors.iter().zip(&lbfgs.std_errors) {
        let (newton_error, lbfgs_error) = (newton_error.unwrap(), lbfgs_error.unwrap());
        assert!((newton_error - lbfgs_error).abs() <= 1e-4 * lbfgs_error, "{newton_error} vs {lbfgs_error}");
    }
}

#[test]
fn bg_nbd_fit_matches_hardie_sheet() {
    // E[X(t)] of a new customer and E[Y(39)] of CDNOW customer 1 (x = 2,
    // t_x = 30.43, T = 38.86) at the fitted estimates, against Hardie's BG/NBD
    // spreadsheet as quoted to 4 and 3 decimals in the tests of lifetimes
    // 0.11.3. Tolerance: half a unit in the last decimal plus 5e-5 for the
    // difference between this fit and the spreadsheet's estimates.
    // NOTE: the spreadsheet's 78-week value, 1.8576, is 3.5e-4 below the
    // 50-digit mpmath value of the same closed form at these estimates
    // (1.857947), so that one case gets a tolerance of 5e-4.
    let (process, _) = bg_nbd::fit_process(&patterns()).unwrap();
    let sheet = [
        (0.1429, 0.0078, 1e-4),
        (1.0, 0.0532, 1e-4),
        (3.0, 0.1506, 1e-4),
        (31.8571, 1.0405, 1e-4),
        (32.0, 1.0437, 1e-4),
        (78.0, 1.8576, 5e-4),
    ];
    for (t, expected, tolerance) in sheet {
        let actual = process.expected_transactions(t);
        assert!((actual - expected).abs() <= tolerance, "E[X({t})] = {actual}, spreadsheet {expected}");
    }
    let customer = Rfm { x: 2.0, t_x: 30.43, t: 38.86 };
    let actual = process.conditional_expected_transactions(customer, 39.0);
    assert!((actual - 1.226).abs() <= 5.5e-4, "E[Y(39)] = {actual}, spreadsheet 1.226");
}

#[test]
fn mbg_nbd_fit_reproduces_lifetimes_estimates() {
    let (process, mle) = mbg_nbd::fit_process(&patterns()).unwrap();
    assert!(mle.converged, "{mle:?}");
    let fitted = [process.r, process.alpha, process.a, process.b];
    assert_matches_published("MBG/NBD", &fitted, MBG_NBD_PUBLISHED);
}

/// Asserts that `model`, fitted on CDNOW through the `ClvModel` trait,
/// predicts for every customer over one year, discounted at 10%
/// a year, and over the 39-week holdout. Expected purchases and CLV must be
/// finite and non-negative, and P(alive) in [0, 1].
fn assert_predicts_for_every_customer(model: &dyn ClvModel) {
    let customers: &[CustomerSummary] = &summaries().customers;
    let fitted = model.fit(&FitData { customers, unit: TimeUnit::Week }).unwrap();

    let requests = [
        PredictionRequest {
            horizon: 52.0,
            unit: TimeUnit::Week,
            discount: Discount::from_annual(0.1, TimeUnit::Week),
            margin: 0.3,
        },
        PredictionRequest { horizon: 39.0, unit: TimeUnit::Week, discount: Discount::NONE, margin: 1.0 },
    ];
    for request in requests {
        let predictions = fitted.predict(customers, &request).unwrap();
        assert_eq!(predictions.len(), 2357);
        for (customer, prediction) in customers.iter().zip(&predictions) {
            let expected = prediction.expected_transactions;
            assert!(expected.is_finite(), "customer {}: {expected}", customer.id);
            assert!(expected >= 0.0, "customer {}: {expected}", customer.id);
            let p_alive = prediction.p_alive.expect("the model reports P(alive)");
            assert!((0.0..=1.0).contains(&p_alive), "customer {}: P(alive) {p_alive}", customer.id);
            assert!(
                prediction.clv >= clv_core::Decimal::ZERO,
                "customer {}: CLV {}",
                customer.id,
                prediction.clv
            );
        }
    }
}

/// Returns the spend settings to predict with: the default, Gamma-Gamma, and a fixed value per purchase day.
fn spends() -> [SpendSetting; 2] {
    [SpendSetting::default(), SpendSetting::Fixed(35.0)]
}

#[test]
fn bg_nbd_predicts_for_every_customer() {
    for spend in spends() {
        assert_predicts_for_every_customer(&BgNbdSettings { spend }.validate().unwrap());
    }
}

#[test]
fn mbg_nbd_predicts_for_every_customer() {
    for spend in spends() {
        assert_predicts_for_every_customer(&MbgNbdSettings { spend }.validate().unwrap());
    }
}
