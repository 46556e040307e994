use clv_core::{CustomerSummary, TimeUnit};

use super::process::Opportunities;
use super::*;
use crate::btyd::TransactionProcess;
use crate::test_support::summary;

/// Values of `scripts/reference/bg_bb_reference.py`: the individual-level
/// model integrated over p and theta with mpmath at 30 digits, independent of
/// the beta-function closed forms.
const REFERENCE: &str = include_str!("../../tests/data/bg_bb_reference.csv");

/// Published BG/BB estimates for the donations data.
const PUBLISHED: BgBbProcess = BgBbProcess { alpha: 1.204, beta: 0.750, gamma: 0.657, delta: 2.783 };

/// One row of [`REFERENCE`].
struct ReferenceRow {
    process: BgBbProcess,
    rfm: Rfm,
    horizon: f64,
    log_likelihood: f64,
    gradient: [f64; 4],
    p_alive: f64,
    conditional_expected: f64,
    expected_new: f64,
    probability_x: f64,
}

impl ReferenceRow {
    fn label(&self) -> String {
        let BgBbProcess { alpha, beta, gamma, delta } = self.process;
        let Rfm { x, t_x, t } = self.rfm;
        format!(
            "({alpha}, {beta}, {gamma}, {delta}) at x = {x}, t_x = {t_x}, n = {t}, horizon {}",
            self.horizon
        )
    }
}

fn reference_rows() -> Vec<ReferenceRow> {
    REFERENCE
        .lines()
        .skip(1)
        .map(|line| {
            // Rust parses the script's `inf` as infinity.
            let values: Vec<f64> = line.split(',').map(|field| field.parse().unwrap()).collect();
            ReferenceRow {
                process: BgBbProcess::from_params(&values[0..4]),
                rfm: Rfm { x: values[4], t_x: values[5], t: values[6] },
                horizon: values[7],
                log_likelihood: values[8],
                gradient: [values[9], values[10], values[11], values[12]],
                p_alive: values[13],
                conditional_expected: values[14],
                expected_new: values[15],
                probability_x: values[16],
            }
        })
        .collect()
}

/// Asserts a relative error of at most `tolerance`, or an absolute error of at
/// most `tolerance` where the expected value is smaller than 1 in magnitude, so
/// that values that are 0 in exact arithmetic can be compared.
fn assert_close(actual: f64, expected: f64, tolerance: f64, label: &str) {
    let error = (actual - expected).abs() / expected.abs().max(1.0);
    assert!(error <= tolerance, "{label}: {actual} vs {expected}, error {error:e} > {tolerance:e}");
}

fn rfm(x: f64, t_x: f64, n: f64) -> Rfm {
    Rfm { x, t_x, t: n }
}

/// Sums `B(gamma, delta + n0 + k) / B(gamma, delta)` for k = 1..m term by term from ln-beta.
fn survivals_by_terms(process: &BgBbProcess, n0: f64, m: u64) -> f64 {
    let ln_prior = crate::special::ln_beta(process.gamma, process.delta);
    (1..=m)
        .map(|k| (crate::special::ln_beta(process.gamma, process.delta + n0 + k as f64) - ln_prior).exp())
        .sum()
}

/// Builds a customer summary in opportunities from whole days, with a time unit of one day.
fn donor(id: &str, x: u32, t_x: i64, n: i64) -> CustomerSummary {
    summary(id, x, t_x, n, "10", &format!("{}", 10 * x))
}

#[test]
fn likelihood_matches_reference() {
    // Source: mpmath integration over p and theta. Tolerance 1e-9 relative.
    for row in reference_rows() {
        let actual = row.process.log_likelihood(row.rfm);
        assert_close(actual, row.log_likelihood, 1e-9, &format!("ln L {}", row.label()));
    }
}

#[test]
fn gradient_matches_reference() {
    // Source: mpmath posterior means of the score. Tolerance 1e-9 relative.
    for row in reference_rows() {
        let customer = Opportunities::of(row.rfm).unwrap();
        let actual = row.process.ln_likelihood_gradient(customer);
        for (index, name) in ["alpha", "beta", "gamma", "delta"].into_iter().enumerate() {
            let label = format!("d ln L / d {name} {}", row.label());
            assert_close(actual[index], row.gradient[index], 1e-9, &label);
        }
    }
}

#[test]
fn p_alive_matches_reference() {
    // Source: mpmath, P(alive at n) as the alive case's share of L. Tolerance 1e-9 relative.
    for row in reference_rows() {
        let actual = row.process.p_alive(row.rfm);
        assert_close(actual, row.p_alive, 1e-9, &format!("P(alive) {}", row.label()));
    }
}

#[test]
fn conditional_expectation_matches_reference() {
    // Source: mpmath, posterior mean of p times the opportunities alive in the horizon.
    // Tolerance 1e-9 relative. Horizons of 20,000 and infinity take the closed form.
    for row in reference_rows() {
        let actual = row.process.conditional_expected_transactions(row.rfm, row.horizon);
        let label = format!("E[X(n, n + horizon)] {}", row.label());
        assert_close(actual, row.conditional_expected, 1e-9, &label);
    }
}

#[test]
fn new_customer_expectation_matches_reference() {
    // Source: mpmath, E[p] times the expected opportunities alive. Tolerance 1e-9 relative.
    for row in reference_rows() {
        let actual = row.process.expected_transactions(row.horizon);
        assert_close(actual, row.expected_new, 1e-9, &format!("E[X(horizon)] {}", row.label()));
    }
}

#[test]
fn transaction_probability_matches_reference() {
    // Source: mpmath, P(X(n) = x) over the dropout opportunity. Tolerance 1e-9 relative.
    for row in reference_rows() {
        let actual = row.process.probability_of_transactions(row.rfm.x as u32, row.rfm.t);
        assert_close(actual, row.probability_x, 1e-9, &format!("P(X(n) = x) {}", row.label()));
    }
}

#[test]
fn probabilities_sum_to_one() {
    // Brute force: P(X(n) = k) over k = 0..n sums to 1, and its mean is E[X(n)].
    // Tolerance 1e-10 absolute on the sum, 1e-10 relative on the mean.
    let large = BgBbProcess { alpha: 1e4, beta: 1e4, gamma: 1e4, delta: 1e4 };
    for process in [PUBLISHED, large] {
        for n in [0u32, 1, 6, 200] {
            let probabilities: Vec<f64> =
                (0..=n).map(|k| process.probability_of_transactions(k, f64::from(n))).collect();
            let total: f64 = probabilities.iter().sum();
            let mean: f64 = probabilities.iter().enumerate().map(|(k, p)| k as f64 * p).sum();
            assert!((total - 1.0).abs() <= 1e-10, "{process:?}, n = {n}: sum {total}");
            assert_close(mean, process.expected_transactions(f64::from(n)), 1e-10, "mean of X(n)");
        }
    }
}

#[test]
fn probability_beyond_n_is_zero() {
    assert_eq!(PUBLISHED.probability_of_transactions(7, 6.0), 0.0);
    assert!(PUBLISHED.probability_of_transactions(0, f64::INFINITY).is_nan());
}

#[test]
fn closed_form_matches_term_sum() {
    // Horizons above 10,000 opportunities take the closed form. Compared with a term-by-term
    // sum of beta-function ratios, including gamma = 1, where the closed form is 0 / 0 as
    // written. Tolerance 1e-9 relative.
    let gammas = [1.0, 1.0 + 1e-9, 1.0 - 1e-9, 1.1, 0.9, 1.3, 0.657, 2.5, 0.05, 40.0];
    for gamma in gammas {
        for delta in [0.3, 2.783, 1e4] {
            let process = BgBbProcess { alpha: 1.0, beta: 1.0, gamma, delta };
            for n0 in [0.0, 6.0, 200.0] {
                let actual = process.expected_survivals(n0, 25_000.0);
                let expected = survivals_by_terms(&process, n0, 25_000);
                let label = format!("survivals, gamma = {gamma}, delta = {delta}, n0 = {n0}");
                assert_close(actual, expected, 1e-9, &label);
            }
        }
    }
}

#[test]
fn infinite_horizon_needs_gamma_above_one() {
    // For gamma <= 1 a customer's expected lifetime in opportunities is infinite.
    let slow = BgBbProcess { gamma: 0.9, ..PUBLISHED };
    let at_one = BgBbProcess { gamma: 1.0, ..PUBLISHED };
    assert_eq!(slow.expected_transactions(f64::INFINITY), f64::INFINITY);
    assert_eq!(at_one.expected_transactions(f64::INFINITY), f64::INFINITY);

    // For gamma > 1 the sum of B(gamma, delta + k) / B(gamma, delta) over all k >= 1 is
    // delta / (gamma - 1). Tolerance 1e-12 relative.
    let fast = BgBbProcess { gamma: 2.5, ..PUBLISHED };
    let expected = fast.alpha / (fast.alpha + fast.beta) * fast.delta / 1.5;
    assert_close(fast.expected_transactions(f64::INFINITY), expected, 1e-12, "E[X(infinity)]");
}

#[test]
fn no_opportunities_is_certain() {
    // n = 0: the likelihood is 1, so ln L and its gradient are 0, and the customer is alive.
    let customer = rfm(0.0, 0.0, 0.0);
    assert_eq!(PUBLISHED.log_likelihood(customer), 0.0);
    assert_eq!(PUBLISHED.p_alive(customer), 1.0);
    for component in PUBLISHED.ln_likelihood_gradient(Opportunities::of(customer).unwrap()) {
        assert!(component.abs() <= 1e-15, "{component}");
    }
    assert_eq!(PUBLISHED.expected_transactions(0.0), 0.0);
    assert_eq!(PUBLISHED.probability_of_transactions(0, 0.0), 1.0);
}

#[test]
fn last_opportunity_purchase_is_alive() {
    // t_x = n leaves no opportunity to drop out unobserved, whether x = n or x < n.
    for customer in [rfm(6.0, 6.0, 6.0), rfm(3.0, 6.0, 6.0), rfm(200.0, 200.0, 200.0)] {
        assert_eq!(PUBLISHED.p_alive(customer), 1.0, "{customer:?}");
    }
}

#[test]
fn zero_horizon_expects_nothing() {
    let customer = rfm(3.0, 5.0, 6.0);
    assert_eq!(PUBLISHED.conditional_expected_transactions(customer, 0.0), 0.0);
    assert_eq!(PUBLISHED.conditional_expected_transactions(customer, 0.9), 0.0);
}

#[test]
fn fractions_of_opportunities_are_floored() {
    let whole = rfm(2.0, 3.0, 6.0);
    let fractional = rfm(2.7, 3.2, 6.9);
    assert_eq!(PUBLISHED.log_likelihood(fractional), PUBLISHED.log_likelihood(whole));
    assert_eq!(PUBLISHED.p_alive(fractional), PUBLISHED.p_alive(whole));
    assert_eq!(
        PUBLISHED.conditional_expected_transactions(whole, 5.9),
        PUBLISHED.conditional_expected_transactions(whole, 5.0)
    );
    assert_eq!(PUBLISHED.expected_transactions(5.9), PUBLISHED.expected_transactions(5.0));
}

#[test]
fn impossible_summaries_give_nan() {
    // More transactions than opportunities, or a last transaction after the end.
    for customer in [rfm(4.0, 3.0, 6.0), rfm(2.0, 7.0, 6.0), rfm(-1.0, 0.0, 6.0)] {
        assert!(PUBLISHED.log_likelihood(customer).is_nan(), "{customer:?}");
        assert!(PUBLISHED.p_alive(customer).is_nan(), "{customer:?}");
        assert!(PUBLISHED.conditional_expected_transactions(customer, 5.0).is_nan(), "{customer:?}");
    }
}

#[test]
fn large_parameters_stay_finite() {
    let large = BgBbProcess { alpha: 1e4, beta: 1e4, gamma: 1e4, delta: 1e4 };
    for customer in [rfm(0.0, 0.0, 200.0), rfm(100.0, 150.0, 200.0), rfm(200.0, 200.0, 200.0)] {
        let ln_likelihood = large.log_likelihood(customer);
        let p_alive = large.p_alive(customer);
        let expected = large.conditional_expected_transactions(customer, 50.0);
        assert!(ln_likelihood.is_finite(), "ln L {customer:?}: {ln_likelihood}");
        assert!((0.0..=1.0).contains(&p_alive), "P(alive) {customer:?}: {p_alive}");
        assert!(expected.is_finite(), "E[X] {customer:?}: {expected}");
        assert!(expected >= 0.0, "E[X] {customer:?}: {expected}");
        for component in large.ln_likelihood_gradient(Opportunities::of(customer).unwrap()) {
            assert!(component.is_finite(), "gradient {customer:?}: {component}");
        }
    }
}

#[test]
fn next_opportunity_expectation() {
    // Brute force for one opportunity: E[X(n, n + 1)] = P(alive at n) E[p | alive] times
    // the posterior survival of one more dropout. Written from the posterior means of the
    // two beta distributions. Tolerance 1e-12 relative.
    let process = PUBLISHED;
    let (x, n) = (3.0, 6.0);
    let customer = rfm(x, 5.0, n);
    let purchase = (process.alpha + x) / (process.alpha + process.beta + n);
    let survival = (process.delta + n) / (process.gamma + process.delta + n);
    let expected = process.p_alive(customer) * purchase * survival;
    let actual = process.conditional_expected_transactions(customer, 1.0);
    assert_close(actual, expected, 1e-12, "E[X(n, n + 1)]");
}

#[test]
fn likelihood_weights_patterns() {
    let patterns = patterns_from_counts(&[(0, 0, 6, 3464.0), (3, 5, 6, 225.0)]);
    assert_eq!(patterns[1].rfm, rfm(3.0, 5.0, 6.0));
    assert_eq!(patterns[1].count, 225.0);

    let likelihood = BgBbLikelihood::new(patterns);
    let params = [1.204, 0.750, 0.657, 2.783];
    let total = likelihood.log_likelihood(&params);
    let expected = 3464.0 * PUBLISHED.log_likelihood(rfm(0.0, 0.0, 6.0))
        + 225.0 * PUBLISHED.log_likelihood(rfm(3.0, 5.0, 6.0));
    assert_close(total, expected, 1e-12, "total ln L");

    let gradient = likelihood.gradient(&params).unwrap();
    let first = PUBLISHED.ln_likelihood_gradient(Opportunities::of(rfm(0.0, 0.0, 6.0)).unwrap());
    let second = PUBLISHED.ln_likelihood_gradient(Opportunities::of(rfm(3.0, 5.0, 6.0)).unwrap());
    for index in 0..4 {
        assert_close(gradient[index], 3464.0 * first[index] + 225.0 * second[index], 1e-12, "gradient");
    }
}

#[test]
fn invalid_pattern_makes_likelihood_nan() {
    let likelihood = BgBbLikelihood::new(patterns_from_counts(&[(4, 3, 6, 1.0)]));
    assert!(likelihood.log_likelihood(&[1.0, 1.0, 1.0, 1.0]).is_nan());
}

#[test]
fn settings_default_to_gamma_gamma() {
    let settings: BgBbSettings = toml::from_str("").unwrap();
    // `SpendKind` has a single variant, gamma_gamma.
    assert!(matches!(settings.spend, SpendSetting::Model(_)), "{:?}", settings.spend);
    assert_eq!(settings.validate().unwrap().kind(), KIND);
}

#[test]
fn settings_accept_fixed_spend() {
    let settings: BgBbSettings = toml::from_str("spend = 25.0\n").unwrap();
    assert_eq!(settings.spend, SpendSetting::Fixed(25.0));
}

#[test]
fn settings_reject_unknown_key() {
    let error = toml::from_str::<BgBbSettings>("opportunities = 6\n").unwrap_err();
    assert!(error.to_string().contains("unknown field `opportunities`"), "{error}");
}

#[test]
fn settings_reject_negative_spend() {
    let settings = BgBbSettings { spend: SpendSetting::Fixed(-1.0) };
    let error = settings.validate().unwrap_err();
    assert!(matches!(&error, ModelError::InvalidSetting { key, .. } if key == "spend"), "{error}");
}

#[test]
fn fractional_summary_is_rejected() {
    let mut customers = vec![donor("a", 1, 2, 6), donor("b", 2, 3, 6), donor("c", 0, 0, 6)];
    customers[1].recency = 2.5;
    customers[2].age = 6.25;
    let model = BgBbSettings::default().validate().unwrap();
    let error = model.fit_bg_bb(&FitData { customers: &customers, unit: TimeUnit::Week }).unwrap_err();
    let ModelError::CannotFit(message) = error else {
        panic!("expected CannotFit, got {error:?}");
    };
    assert!(message.contains("customer \"b\""), "{message}");
    assert!(message.contains("recency 2.5"), "{message}");
    assert!(message.contains("discrete transaction opportunities, one per week"), "{message}");
    assert!(message.contains("(x, t_x, n)"), "{message}");
}

#[test]
fn more_transactions_than_opportunities_rejected() {
    // Three repeat purchase days by day 2 fit in days, but not one transaction per opportunity.
    let customers = [donor("a", 1, 2, 6), donor("b", 3, 2, 6)];
    let model = BgBbSettings::default().validate().unwrap();
    let error = model.fit_bg_bb(&FitData { customers: &customers, unit: TimeUnit::Day }).unwrap_err();
    let ModelError::CannotFit(message) = error else {
        panic!("expected CannotFit, got {error:?}");
    };
    assert!(message.contains("customer \"b\""), "{message}");
    assert!(message.contains("3 repeat transactions by opportunity 2"), "{message}");
}

#[test]
fn no_repeat_transactions_rejected() {
    let customers = [donor("a", 0, 0, 6), donor("b", 0, 0, 3)];
    let model = BgBbSettings { spend: SpendSetting::Fixed(10.0) }.validate().unwrap();
    let error = model.fit_bg_bb(&FitData { customers: &customers, unit: TimeUnit::Day }).unwrap_err();
    assert!(matches!(error, ModelError::CannotFit(_)), "{error:?}");
}

/// Builds one customer per unit of count of the first rows of the donations data.
fn small_donations() -> Vec<CustomerSummary> {
    let rows =
        [(0, 0, 60), (1, 1, 20), (1, 4, 8), (2, 3, 10), (3, 6, 12), (4, 5, 10), (5, 6, 14), (6, 6, 24)];
    let mut customers = Vec::new();
    for (x, t_x, count) in rows {
        for index in 0..count {
            customers.push(donor(&format!("{x}-{t_x}-{index}"), x, i64::from(t_x), 6));
        }
    }
    customers
}

#[test]
fn fitted_model_reports_process() {
    let customers = small_donations();
    let model = BgBbSettings { spend: SpendSetting::Fixed(10.0) }.validate().unwrap();
    let fitted = model.fit_bg_bb(&FitData { customers: &customers, unit: TimeUnit::Day }).unwrap();
    assert!(fitted.mle().converged, "{:?}", fitted.mle());

    let names: Vec<String> =
        clv_core::FittedModel::parameters(&fitted).into_iter().map(|parameter| parameter.name).collect();
    assert_eq!(names, ["alpha", "beta", "gamma", "delta", "spend.value"]);

    let statistics = clv_core::FittedModel::fit_statistics(&fitted).unwrap();
    assert_eq!(statistics.observations, customers.len());
    assert_eq!(statistics.parameters, 4);

    // The fit's log-likelihood is the sum over customers at the estimates. Tolerance 1e-9 relative.
    let process = fitted.process();
    let total: f64 = customers.iter().map(|customer| process.log_likelihood(Rfm::of(customer))).sum();
    assert_close(total, statistics.log_likelihood, 1e-9, "ln L at the estimates");
}

#[test]
fn fit_process_matches_model_fit() {
    // The same patterns fitted alone or through the model give the same estimates.
    let customers = small_donations();
    let (process, mle) = fit_process(&compress(&customers)).unwrap();
    let model = BgBbSettings { spend: SpendSetting::Fixed(10.0) }.validate().unwrap();
    let fitted = model.fit_bg_bb(&FitData { customers: &customers, unit: TimeUnit::Day }).unwrap();
    assert_eq!(&process, fitted.process());
    assert_eq!(mle.log_likelihood, fitted.mle().log_likelihood);
}

#[test]
fn predictions_follow_process() {
    // Without discounting, CLV is the expected transactions over the horizon times the
    // fixed value and the margin. Tolerance: the money rounding, 0.5e-4.
    let customers = small_donations();
    let model = BgBbSettings { spend: SpendSetting::Fixed(10.0) }.validate().unwrap();
    let fitted = model.fit_bg_bb(&FitData { customers: &customers, unit: TimeUnit::Day }).unwrap();
    let request = clv_core::PredictionRequest {
        horizon: 5.0,
        unit: TimeUnit::Day,
        discount: clv_core::Discount::NONE,
        margin: 0.5,
    };
    let predictions = clv_core::FittedModel::predict(&fitted, &customers, &request).unwrap();
    assert_eq!(predictions.len(), customers.len());

    for (customer, prediction) in customers.iter().zip(&predictions) {
        let rfm = Rfm::of(customer);
        let expected = fitted.process().conditional_expected_transactions(rfm, 5.0);
        assert_eq!(prediction.expected_transactions, expected, "{}", customer.id);
        assert_eq!(prediction.p_alive, Some(fitted.process().p_alive(rfm)), "{}", customer.id);
        let clv = crate::money::decimal_to_f64(prediction.clv);
        assert!((clv - expected * 10.0 * 0.5).abs() <= 0.5e-4, "{}: CLV {clv}", customer.id);
    }
}
