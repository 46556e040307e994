//! Published parameter values, reproduced from the raw data.
//!
//! The published Pareto/NBD estimates for the CDNOW sample of 2,357
//! customers, in weeks with calibration to 1997-09-30, are r = 0.553,
//! alpha = 10.578, s = 0.606, beta = 11.669 and LL = -9595.0. The
//! summaries here come from the raw CDNOW log through clv's summary step.
//!
//! s and beta are weakly identified, because the data mostly fix the mean
//! dropout rate s / beta. Their standard errors at the optimum are about 30%
//! and 50% of the estimates, against 9% for r and alpha. So s and beta are
//! compared to 1e-2 relative, while the log-likelihood is compared to 0.1.

use clv_core::{ClvModel, Discount, FitData, PredictionRequest};
use clv_models::btyd::compress;
use clv_models::fit::LogLikelihood;
use clv_models::pareto_nbd::{ParetoNbdLikelihood, ParetoNbdSettings, fit_process};

const PUBLISHED: [(&str, f64); 4] = [("r", 0.553), ("alpha", 10.578), ("s", 0.606), ("beta", 11.669)];
const PUBLISHED_LOG_LIKELIHOOD: f64 = -9595.0;

/// The published log-likelihood has one decimal.
const LOG_LIKELIHOOD_TOLERANCE: f64 = 0.1;

/// Half a unit of the published third decimal, plus rounding slack.
const HALF_UNIT: f64 = 0.5e-3 + 1e-12;

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

    // r and alpha: half a unit of the published third decimal, which is
    // within 1e-3 relative for both.
    for (name, published, value) in
        [("r", PUBLISHED[0].1, process.r), ("alpha", PUBLISHED[1].1, process.alpha)]
    {
        let error = (value - published).abs();
        assert!(error <= HALF_UNIT, "{name} = {value} vs published {published}: error {error:e}");
        assert!(relative_error(value, published) <= 1e-3, "{name} = {value} vs published {published}");
    }
    // s and beta: 1e-2 relative, because they are weakly identified.
    for (name, published, value) in [("s", PUBLISHED[2].1, process.s), ("beta", PUBLISHED[3].1, process.beta)]
    {
        let error = relative_error(value, published);
        assert!(error <= 1e-2, "{name} = {value} vs published {published}: relative error {error:e}");
    }
    assert_eq!(mle.params, fitted.to_vec());
}

#[test]
fn fitted_model_predicts_every_customer() {
    let summaries = clv_tests::cdnow_summaries();
    let customers = &summaries.customers;
    // The default spend (the Gamma-Gamma model), which a config without a `spend` key gets.
    let model = ParetoNbdSettings::default().validate().unwrap();
    let fitted = model.fit(&FitData { customers, unit: summaries.unit }).expect("the fit succeeds");

    let statistics = fitted.fit_statistics().expect("a maximum likelihood fit has statistics");
    assert_eq!(statistics.observations, 2357);
    assert_eq!(statistics.parameters, 4);
    assert!((statistics.log_likelihood - PUBLISHED_LOG_LIKELIHOOD).abs() <= LOG_LIKELIHOOD_TOLERANCE);

    let parameters = fitted.parameters();
    let names: Vec<&str> = parameters.iter().map(|parameter| parameter.name.as_str()).collect();
    assert_eq!(names[..4], ["r", "alpha", "s", "beta"]);
    for parameter in &parameters[..4] {
        let std_error = parameter.std_error.expect("every Pareto/NBD parameter has a standard error");
        assert!(std_error.is_finite(), "{}: standard error {std_error}", parameter.name);
        assert!(std_error > 0.0, "{}: standard error {std_error}", parameter.name);
    }

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
