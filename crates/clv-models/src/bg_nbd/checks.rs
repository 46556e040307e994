//! Checks shared by the unit tests of BG/NBD and MBG/NBD.

use crate::btyd::{Pattern, Rfm, TransactionProcess};
use crate::fit::LogLikelihood;

/// Asserts that the analytic gradient of `likelihood` at `params` matches
/// central differences with a relative step of 1e-5. Their truncation and
/// rounding errors are near 1e-9 relative here, so the tolerance is 1e-6
/// relative to the larger of the derivative and 1.
pub(crate) fn assert_gradient_matches_differences(likelihood: &dyn LogLikelihood, params: &[f64]) {
    let gradient = likelihood.gradient(params).expect("the gradient is analytic");
    assert_eq!(gradient.len(), params.len());
    for i in 0..params.len() {
        let step = 1e-5 * params[i];
        let mut up = params.to_vec();
        let mut down = params.to_vec();
        up[i] += step;
        down[i] -= step;
        let numeric = (likelihood.log_likelihood(&up) - likelihood.log_likelihood(&down)) / (2.0 * step);
        assert!(
            (gradient[i] - numeric).abs() <= 1e-6 * numeric.abs().max(1.0),
            "parameter {i} at {params:?}: analytic {} vs central difference {numeric}",
            gradient[i]
        );
    }
}

/// Asserts that the analytic Hessian of `likelihood` at `params` matches
/// central differences of its analytic gradient with a relative step of
/// 1e-5. Their truncation error is near 1e-10 relative and the rounding of
/// the gradient, divided by the step, near 1e-9, so the tolerance is 1e-6
/// relative to the larger of the entry, its row's diagonal and 1.
pub(crate) fn assert_hessian_matches_differences(likelihood: &dyn LogLikelihood, params: &[f64]) {
    let hessian = likelihood.hessian(params).expect("the Hessian is analytic");
    assert_eq!(hessian.len(), params.len());
    for j in 0..params.len() {
        let step = 1e-5 * params[j];
        let mut up = params.to_vec();
        let mut down = params.to_vec();
        up[j] += step;
        down[j] -= step;
        let gradient_up = likelihood.gradient(&up).unwrap();
        let gradient_down = likelihood.gradient(&down).unwrap();
        for i in 0..params.len() {
            let numeric = (gradient_up[i] - gradient_down[i]) / (2.0 * step);
            let scale = numeric.abs().max(hessian[i][i].abs()).max(1.0);
            assert!(
                (hessian[i][j] - numeric).abs() <= 1e-6 * scale,
                "entry ({i}, {j}) at {params:?}: analytic {} vs central difference {numeric}",
                hessian[i][j]
            );
        }
    }
}

/// Returns a deterministic spread of 600 patterns in weeks: x from 0 to
/// 299, t_x from 0 to T (0 when x = 0), T up to five years, counts 1 to 7.
pub(crate) fn spread_of_patterns() -> Vec<Pattern> {
    (0..600_u32)
        .map(|i| {
            let x = f64::from((i * 7) % 300);
            let t = 0.5 * f64::from(1 + (i * 13) % 520);
            let t_x = if x == 0.0 { 0.0 } else { t * f64::from(i % 11) / 10.0 };
            Pattern { rfm: Rfm { x, t_x, t }, count: f64::from(1 + i % 7) }
        })
        .collect()
}

/// Asserts that `likelihood` at `params` equals the count-weighted sum of
/// the per-customer log-likelihoods of `process` over `patterns`, the
/// unseparated formula. The separated sum adds the same terms in another
/// order and computes `ln Γ(r + x) - ln Γ(r)` as a sum of logarithms, so the
/// two differ by rounding: the tolerance is 1e-12 relative.
pub(crate) fn assert_matches_per_customer_sum(
    likelihood: &dyn LogLikelihood,
    process: &dyn TransactionProcess,
    patterns: &[Pattern],
    params: &[f64],
) {
    let expected: f64 =
        patterns.iter().map(|pattern| pattern.count * process.log_likelihood(pattern.rfm)).sum();
    let actual = likelihood.log_likelihood(params);
    assert!(
        (actual - expected).abs() <= 1e-12 * expected.abs(),
        "at {params:?}: separated {actual} vs per-customer sum {expected}"
    );
}

/// Summaries of the extreme-grid checks: new and one-time customers,
/// same-day repeat purchases (x > 0 with t_x = 0), 300 repeat purchases
/// over five years in days, and t_x = T.
pub(crate) const EXTREME_SUMMARIES: [Rfm; 7] = [
    Rfm { x: 0.0, t_x: 0.0, t: 0.0 },
    Rfm { x: 0.0, t_x: 0.0, t: 38.86 },
    Rfm { x: 2.0, t_x: 0.0, t: 38.86 },
    Rfm { x: 2.0, t_x: 30.43, t: 38.86 },
    Rfm { x: 300.0, t_x: 1820.0, t: 1826.0 },
    Rfm { x: 300.0, t_x: 0.0, t: 1826.0 },
    Rfm { x: 1.0, t_x: 1826.0, t: 1826.0 },
];

/// Horizons of the extreme-grid checks, from a fraction of a unit to ten years in days.
pub(crate) const EXTREME_HORIZONS: [f64; 4] = [1e-3, 1.0, 52.0, 3650.0];

/// Values of every parameter in the extreme-grid checks, including a + b < 1,
/// a at and next to 1, and very large alpha and b.
pub(crate) const EXTREME_VALUES: [f64; 6] = [1e-3, 0.3, 1.0, 1.000001, 4.0, 1e4];

/// Asserts that `process` gives a finite log-likelihood, P(alive) and
/// probabilities in [0, 1], and finite, non-negative expectations for every
/// extreme summary and horizon.
pub(crate) fn assert_finite_everywhere(process: &dyn TransactionProcess) {
    let label = format!("{:?}", process.parameters());
    for summary in EXTREME_SUMMARIES {
        let log_likelihood = process.log_likelihood(summary);
        assert!(log_likelihood.is_finite(), "{label} {summary:?}: ln L = {log_likelihood}");
        let p_alive = process.p_alive(summary);
        assert!((0.0..=1.0).contains(&p_alive), "{label} {summary:?}: P(alive) = {p_alive}");
        for t in EXTREME_HORIZONS {
            let expected = process.conditional_expected_transactions(summary, t);
            assert!(expected.is_finite(), "{label} {summary:?} t = {t}: E[Y] = {expected}");
            assert!(expected >= 0.0, "{label} {summary:?} t = {t}: E[Y] = {expected}");
        }
    }
    for t in EXTREME_HORIZONS {
        let expected = process.expected_transactions(t);
        assert!(expected.is_finite(), "{label} t = {t}: E[X] = {expected}");
        assert!(expected >= 0.0, "{label} t = {t}: E[X] = {expected}");
        for n in [0, 1, 7, 300] {
            let probability = process.probability_of_transactions(n, t);
            assert!((0.0..=1.0).contains(&probability), "{label} n = {n} t = {t}: P = {probability}");
        }
    }
}

/// Asserts that P(X(t) = n) over n = 0..=`max_n` sums to 1 and that its mean
/// is E[X(t)], both to 1e-9. `max_n` must leave a tail below 1e-12.
pub(crate) fn assert_probabilities_consistent(process: &dyn TransactionProcess, t: f64, max_n: u32) {
    let (mut total, mut mean) = (0.0, 0.0);
    for n in 0..=max_n {
        let probability = process.probability_of_transactions(n, t);
        total += probability;
        mean += f64::from(n) * probability;
    }
    assert!((total - 1.0).abs() <= 1e-9, "probabilities sum to {total}");
    let expected = process.expected_transactions(t);
    assert!((mean - expected).abs() <= 1e-9 * expected, "mean {mean} vs E[X({t})] = {expected}");
}
