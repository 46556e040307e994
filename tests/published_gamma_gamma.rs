//! Published parameter values, reproduced from the raw data.
//!
//! Fader & Hardie (2013), "The Gamma-Gamma Model of Monetary Value"
//! (<http://www.brucehardie.com/notes/025/>), fit the model to the 946
//! CDNOW sample customers with a repeat purchase in the calibration period
//! (weeks, calibration to 1997-09-30) and report p = 6.25, q = 3.74 and
//! gamma = 15.44. Here the summaries come from the raw CDNOW log through
//! clv's own summary step.

use clv_models::gamma_gamma::FittedGammaGamma;
use rust_decimal::Decimal;

/// Checks `actual` against a published value given to `decimals` places.
///
/// The tolerance is 1e-3 relative, widened to half a unit of the last
/// published digit where that is larger, because the published value is
/// rounded.
fn assert_published(name: &str, actual: f64, published: f64, decimals: i32) {
    let tolerance = (1e-3 * published.abs()).max(0.5 * 10f64.powi(-decimals));
    assert!(
        (actual - published).abs() <= tolerance,
        "{name}: fitted {actual}, published {published} (tolerance {tolerance})"
    );
}

#[test]
fn cdnow_gamma_gamma_parameters() {
    let summaries = clv_tests::cdnow_summaries();
    let repeat_customers = summaries
        .customers
        .iter()
        .filter(|customer| customer.frequency > 0 && customer.monetary_value > Decimal::ZERO)
        .count();
    assert_eq!(repeat_customers, 946);

    let fitted = FittedGammaGamma::fit(&summaries.customers).unwrap();
    assert_eq!(fitted.observations, 946);
    assert_eq!(fitted.excluded, summaries.customers.len() - 946);
    assert!(fitted.mle.converged, "the fit did not converge: {:?}", fitted.mle);

    assert_published("p", fitted.p, 6.25, 2);
    assert_published("q", fitted.q, 3.74, 2);
    assert_published("gamma", fitted.gamma, 15.44, 2);

    let statistics = fitted.fit_statistics();
    assert_eq!(statistics.observations, 946);
    assert_eq!(statistics.parameters, 3);
    assert!(statistics.log_likelihood.is_finite());
}
