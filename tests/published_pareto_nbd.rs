//! Published parameter values, reproduced from the raw data.
//!
//! The published Pareto/NBD estimates for the CDNOW sample of 2,357
//! customers, in weeks with calibration to 1997-09-30, are r = 0.553,
//! alpha = 10.578, s = 0.606, beta = 11.669 and LL = -9595.0. The
//! summaries here come from the raw CDNOW log through clv's summary step.
//!
//! s and beta are weakly identified: the likelihood is nearly flat along a
//! ridge of nearly equal s / beta, so they are compared to 1e-2 while the
//! log-likelihood is compared to 0.1.

use clv_core::{ClvModel, Discount, FitData, PredictionRequest};
use clv_models::btyd::{SpendSetting, compress};
use clv_models::fit::LogLikelihood;
use clv_models::pareto_nbd::{ParetoNbdLikelihood, ParetoNbdSettings, fit_process};

const PUBLISHED: [(&str, f64); 4] = [("r", 0.553), ("alpha", 10.578), ("s", 0.606), ("beta", 11.669)];
const PUBLISHED_LOG_LIKELIHOOD: f64 = -9595.0;

/// The published log-likelihood has one decimal.
const LOG_LIKELIHOOD_TOLERANCE: f64 = 0.1;

fn relative_error(actual: f64, expected: f64) -> f64 {
    ((actual - expected) / expected).abs()
}

#[test]
fn cdnow_has_published_customer_count() {
    assert_eq!(clv_tests::cdnow_summaries().customers.len(), 2357);
}

#[test]
fn published_estimates_give_published_log_likelihood() {
    let patterns = compress(&clv_tests::cdnow_summaries().customers);
    let likelihood = ParetoNbdLikelihood::new(patterns);
    let params: Vec<f64> = PUBLISHED.iter().map(|(_, value)| *value).collect();
    let log_likelihood = likelihood.log_likelihood(&params);
    assert!(
        (log_likelihood - PUBLISHED_LOG_LIKELIHOOD).abs() <= LOG_LIKELIHOOD_TOLERANCE,
        "LL at the published estimates is {log_likelihood}"
    );
}

#[test]
fn fit_reproduces_published_estimates() {
    let patterns = compress(&clv_tests::cdnow_summaries().customers);
    let (process, mle) = fit_process(&patterns).expect("the Pareto/NBD fit on CDNOW succeeds");
    let fitted = [process.r, process.alpha, process.s, process.beta];
    eprintln!("fitted {process:?}, LL {}, converged {}", mle.log_likelihood, mle.converged);

    assert!(mle.converged, "the fit did not converge: {mle:?}");
    assert!(
        mle.log_likelihood >= PUBLISHED_LOG_LIKELIHOOD - LOG_LIKELIHOOD_TOLERANCE,
        "fitted LL {} is below the published {PUBLISHED_LOG_LIKELIHOOD}",
        mle.log_likelihood
    );
    assert!(
        (mle.log_likelihood - PUBLISHED_LOG_LIKELIHOOD).abs() <= LOG_LIKELIHOOD_TOLERANCE,
        "fitted LL {} vs published {PUBLISHED_LOG_LIKELIHOOD}",
        mle.log_likelihood
    );

    // r and alpha: 1e-3 relative, about half a unit of the third decimal of r.
    // s and beta: 1e-2 relative, because they are weakly identified.
    let tolerances = [1e-3, 1e-3, 1e-2, 1e-2];
    for ((name, published), (value, tolerance)) in PUBLISHED.iter().zip(fitted.iter().zip(tolerances)) {
        let error = relative_error(*value, *published);
        assert!(error <= tolerance, "{name} = {value} vs published {published}: relative error {error:e}");
    }
    assert_eq!(mle.params, fitted.to_vec());
}

#[test]
fn fitted_model_predicts_every_customer() {
    let summaries = clv_tests::cdnow_summaries();
    let customers = &summaries.customers;
    let model = ParetoNbdSettings { spend: SpendSetting::default() }.validate().unwrap();
    let fitted = model.fit(&FitData { customers, unit: summaries.unit }).expect("the fit succeeds");

    let statistics = fitted.fit_statistics().expect("a maximum likelihood fit has statistics");
    assert_eq!(statistics.observations, 2357);
    assert_eq!(statistics.parameters, 4);
    assert!((statistics.log_likelihood - PUBLISHED_LOG_LIKELIHOOD).abs() <= LOG_LIKELIHOOD_TOLERANCE);

    let request = PredictionRequest {
        horizon: 52.0,
        unit: summaries.unit,
        discount: Discount::from_annual(0.1, summaries.unit),
        margin: 0.3,
    };
    let predictions = fitted.predict(customers, &request).expect("every customer gets a prediction");
    assert_eq!(predictions.len(), customers.len());
    for (customer, prediction) in customers.iter().zip(&predictions) {
        let transactions = prediction.expected_transactions;
        assert!(transactions.is_finite(), "{}: expected transactions {transactions}", customer.id);
        assert!(transactions >= 0.0, "{}: expected transactions {transactions}", customer.id);
        let p_alive = prediction.p_alive.expect("the model predicts P(alive)");
        assert!((0.0..=1.0).contains(&p_alive), "{}: P(alive) {p_alive}", customer.id);
        assert!(prediction.clv >= clv_core::Decimal::ZERO, "{}: CLV {}", customer.id, prediction.clv);
    }
}
