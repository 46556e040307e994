//! Tests of the population quantities that [`FittedTransactionModel`]
//! exposes through [`FittedModel`]: E[X(t)] and P(X(t) = x) of a new customer.

use clv_core::{FittedModel, TimeUnit};

use super::{FittedTransactionModel, Spend, TransactionProcess};
use crate::bg_bb::BgBbProcess;
use crate::bg_nbd::BgNbdProcess;
use crate::fit::MleFit;
use crate::mbg_nbd::MbgNbdProcess;
use crate::pareto_nbd::ParetoNbdProcess;

/// Returns a converged fit at the parameters of `process`, for tests that
/// give a model's parameters rather than fit them.
pub(super) fn given_fit(process: &impl TransactionProcess) -> MleFit {
    let params: Vec<f64> = process.parameters().iter().map(|(_, value)| *value).collect();
    MleFit {
        std_errors: vec![None; params.len()],
        params,
        log_likelihood: 0.0,
        iterations: 0,
        converged: true,
    }
}

/// Wraps a process with published CDNOW (or donation) estimates as a fitted model.
fn fitted<P: TransactionProcess + 'static>(process: P) -> Box<dyn FittedModel> {
    let fit = given_fit(&process);
    Box::new(FittedTransactionModel::new(process, fit, 1, TimeUnit::Week, Spend::Fixed(1.0)))
}

/// Estimates published with each model for the CDNOW sample (weeks).
fn continuous_models() -> Vec<(&'static str, Box<dyn FittedModel>)> {
    vec![
        ("bg_nbd", fitted(BgNbdProcess { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 })),
        ("mbg_nbd", fitted(MbgNbdProcess { r: 0.525, alpha: 6.183, a: 0.891, b: 1.614 })),
        ("pareto_nbd", fitted(ParetoNbdProcess { r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669 })),
    ]
}

#[test]
fn expected_repeat_transactions_match_closed_forms() {
    // From scripts/reference/population_expectations.py (mpmath, 30 digits),
    // which evaluates each model's closed form for E[X(t)]. Tolerance:
    // relative 1e-9, looser than the 2F1 evaluation's error.
    let expected = [
        ("bg_nbd", 39.0, 1.196_723_193_320_817),
        ("mbg_nbd", 39.0, 1.182_953_665_597_172_6),
        ("pareto_nbd", 39.0, 1.213_002_844_281_015_7),
        ("bg_nbd", 78.0, 1.860_519_057_942_768_5),
        ("mbg_nbd", 78.0, 1.804_757_577_553_141_7),
        ("pareto_nbd", 78.0, 1.909_398_129_313_685),
    ];
    let models = continuous_models();
    for (name, t, reference) in expected {
        let model = &models.iter().find(|(kind, _)| *kind == name).unwrap().1;
        let value = model.expected_repeat_transactions(t).unwrap();
        assert!(
            (value - reference).abs() <= 1e-9 * reference,
            "{name} E[X({t})] = {value}, expected {reference}"
        );
    }
}

#[test]
fn repeat_transaction_probabilities_sum_to_one() {
    // Sums up to x = 2000 leave a tail far below the 1e-6 tolerance at these
    // horizons: the Gamma(r, alpha) purchase rates make the tail geometric.
    for (name, model) in continuous_models() {
        for t in [1.0, 10.0, 39.0] {
            let probabilities: Vec<f64> =
                (0..2000).map(|x| model.probability_of_repeat_transactions(x, t).unwrap()).collect();
            let total: f64 = probabilities.iter().sum();
            let mean: f64 = probabilities.iter().enumerate().map(|(x, p)| x as f64 * p).sum();
            let expected = model.expected_repeat_transactions(t).unwrap();
            assert!((total - 1.0).abs() < 1e-6, "{name} at t = {t}: probabilities sum to {total}");
            assert!(
                (mean - expected).abs() < 1e-6,
                "{name} at t = {t}: sum x P = {mean}, E[X(t)] = {expected}"
            );
        }
    }
}

#[test]
fn discrete_model_probabilities_sum_to_one() {
    // BG/BB over n whole opportunities: P(X(n) = x) is 0 above n, so the
    // sum over 0..=n is exact up to rounding (tolerance 1e-12).
    let model = fitted(BgBbProcess { alpha: 1.204, beta: 0.750, gamma: 0.657, delta: 2.783 });
    for n in [1_u64, 6, 11] {
        let t = n as f64;
        let probabilities: Vec<f64> =
            (0..=n).map(|x| model.probability_of_repeat_transactions(x, t).unwrap()).collect();
        let total: f64 = probabilities.iter().sum();
        let mean: f64 = probabilities.iter().enumerate().map(|(x, p)| x as f64 * p).sum();
        let expected = model.expected_repeat_transactions(t).unwrap();
        assert!((total - 1.0).abs() < 1e-12, "BG/BB at n = {n}: probabilities sum to {total}");
        assert!((mean - expected).abs() < 1e-10, "BG/BB at n = {n}: sum x P = {mean}, E[X(n)] = {expected}");
    }
}

#[test]
fn population_quantities_at_zero_horizon() {
    for (name, model) in continuous_models() {
        assert_eq!(model.expected_repeat_transactions(0.0), Some(0.0), "{name}");
        assert_eq!(model.probability_of_repeat_transactions(0, 0.0), Some(1.0), "{name}");
        assert_eq!(model.probability_of_repeat_transactions(2, 0.0), Some(0.0), "{name}");
    }
}
