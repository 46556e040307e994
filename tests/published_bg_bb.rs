//! Published parameter values, reproduced from the raw data.
//!
//! Fader, Hardie & Shang (2010), "Customer-Base Analysis in a Discrete-Time
//! Noncontractual Setting", Marketing Science 29 (6), fit BG/BB to the
//! 11,104 donors of `data/donations.csv` (one row per (x, t_x, n) pattern
//! with its number of donors, n = 6 yearly opportunities) and report
//! alpha = 1.204, beta = 0.750, gamma = 0.657, delta = 2.783 and a
//! log-likelihood of -33,225.6.

use clv_models::bg_bb::{BgBbLikelihood, fit_process, patterns_from_counts};
use clv_models::btyd::Pattern;
use clv_models::fit::LogLikelihood;

const PUBLISHED: [(&str, f64); 4] = [("alpha", 1.204), ("beta", 0.750), ("gamma", 0.657), ("delta", 2.783)];
const PUBLISHED_LOG_LIKELIHOOD: f64 = -33_225.6;

/// Reads the (frequency, recency, periods, weights) rows of the donations file.
fn donation_patterns() -> Vec<Pattern> {
    let path = clv_tests::workspace_root().join("data/donations.csv");
    let mut reader = csv::Reader::from_path(&path).unwrap();
    let header = reader.headers().unwrap().clone();
    assert_eq!(header.iter().collect::<Vec<_>>(), ["frequency", "recency", "periods", "weights"]);

    let rows: Vec<(u32, u32, u32, f64)> = reader
        .records()
        .map(|record| {
            let record = record.unwrap();
            (
                record[0].parse().unwrap(),
                record[1].parse().unwrap(),
                record[2].parse().unwrap(),
                record[3].parse().unwrap(),
            )
        })
        .collect();
    patterns_from_counts(&rows)
}

/// Checks an estimate against a value published to three decimals.
///
/// The tolerance is 1e-3 relative, widened to half a unit of the last
/// published digit (0.0005) where that is larger, because the published
/// value is rounded.
fn assert_published(name: &str, actual: f64, published: f64) {
    let tolerance = (1e-3 * published.abs()).max(0.0005);
    assert!(
        (actual - published).abs() <= tolerance,
        "{name}: fitted {actual}, published {published} (tolerance {tolerance})"
    );
}

#[test]
fn donations_file_has_published_totals() {
    let patterns = donation_patterns();
    assert_eq!(patterns.len(), 22);
    let donors: f64 = patterns.iter().map(|pattern| pattern.count).sum();
    assert_eq!(donors, 11_104.0);
}

#[test]
fn donations_bg_bb_parameters() {
    let (process, mle) = fit_process(&donation_patterns()).unwrap();
    assert!(mle.converged, "the fit did not converge: {mle:?}");

    let fitted = [process.alpha, process.beta, process.gamma, process.delta];
    for ((name, published), actual) in PUBLISHED.into_iter().zip(fitted) {
        assert_published(name, actual, published);
    }

    // The log-likelihood is published to one decimal: tolerance 0.1 absolute.
    let difference = (mle.log_likelihood - PUBLISHED_LOG_LIKELIHOOD).abs();
    assert!(difference <= 0.1, "log-likelihood {} vs {PUBLISHED_LOG_LIKELIHOOD}", mle.log_likelihood);
}

#[test]
fn donations_log_likelihood_at_published_parameters() {
    // At the rounded published estimates the log-likelihood is within 0.1 of the published one.
    let likelihood = BgBbLikelihood::new(donation_patterns());
    let params: Vec<f64> = PUBLISHED.iter().map(|(_, value)| *value).collect();
    let log_likelihood = likelihood.log_likelihood(&params);
    let difference = (log_likelihood - PUBLISHED_LOG_LIKELIHOOD).abs();
    assert!(difference <= 0.1, "log-likelihood {log_likelihood} vs {PUBLISHED_LOG_LIKELIHOOD}");
}
