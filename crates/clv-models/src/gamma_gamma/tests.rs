use clv_core::CustomerSummary;

use super::likelihood::{customer_gradient, customer_log_likelihood};
use super::*;
use crate::fit::LogLikelihood;
use crate::test_support::summary;

/// Values of `scripts/reference/gamma_gamma_reference.py`: mpmath integrals
/// over a customer's rate at 30 digits, independent of the closed forms.
const REFERENCE: &str = include_str!("../../tests/data/gamma_gamma_reference.csv");

/// One row of [`REFERENCE`].
struct ReferenceRow {
    p: f64,
    q: f64,
    gamma: f64,
    x: f64,
    m: f64,
    log_likelihood: f64,
    gradient: [f64; 3],
    expected_value: f64,
}

fn reference_rows() -> Vec<ReferenceRow> {
    REFERENCE
        .lines()
        .skip(1)
        .map(|line| {
            let values: Vec<f64> = line.split(',').map(|field| field.parse().unwrap()).collect();
            ReferenceRow {
                p: values[0],
                q: values[1],
                gamma: values[2],
                x: values[3],
                m: values[4],
                log_likelihood: values[5],
                gradient: [values[6], values[7], values[8]],
                expected_value: values[9],
            }
        })
        .collect()
}

fn assert_relative(actual: f64, expected: f64, tolerance: f64, label: &str) {
    let error = (actual - expected).abs() / expected.abs().max(f64::MIN_POSITIVE);
    assert!(error <= tolerance, "{label}: {actual} vs {expected}, relative error {error:e} > {tolerance:e}");
}

/// Builds a fitted model at fixed parameters, without running the optimiser.
fn fixed(p: f64, q: f64, gamma: f64) -> FittedGammaGamma {
    let mle = MleFit {
        params: vec![p, q, gamma],
        std_errors: vec![Some(0.1), None, Some(0.3)],
        log_likelihood: -123.5,
        iterations: 17,
        converged: true,
    };
    FittedGammaGamma { p, q, gamma, mle, observations: 40, excluded: 2 }
}

/// Builds a customer with `x` repeat purchase days worth `repeat_revenue` in all.
fn spender(id: &str, x: u32, repeat_revenue: &str) -> CustomerSummary {
    let recency_days = if x == 0 { 0 } else { 30 };
    summary(id, x, recency_days, 60, "10", repeat_revenue)
}

#[test]
fn likelihood_matches_reference() {
    // Source: mpmath integration over nu. Tolerance 1e-9 relative.
    for row in reference_rows() {
        let actual = customer_log_likelihood(row.p, row.q, row.gamma, row.x, row.m);
        let label = format!("ln L at x = {}, m = {}", row.x, row.m);
        assert_relative(actual, row.log_likelihood, 1e-9, &label);
    }
}

#[test]
fn gradient_matches_reference() {
    // Source: mpmath posterior means of the score. Tolerance 1e-9 relative.
    for row in reference_rows() {
        let actual = customer_gradient(row.p, row.q, row.gamma, row.x, row.m);
        for (index, name) in ["p", "q", "gamma"].into_iter().enumerate() {
            let label = format!("d ln L / d {name} at x = {}, m = {}", row.x, row.m);
            assert_relative(actual[index], row.gradient[index], 1e-9, &label);
        }
    }
}

#[test]
fn expected_value_matches_reference() {
    // Source: mpmath posterior mean of p / nu. Tolerance 1e-9 relative.
    for row in reference_rows() {
        let model = fixed(row.p, row.q, row.gamma);
        let actual = model.conditional_expected_value(row.x, row.m);
        let label = format!("E[value] at x = {}, m = {}", row.x, row.m);
        assert_relative(actual, row.expected_value, 1e-9, &label);
    }
}

#[test]
fn total_likelihood_weights_patterns() {
    // Two customers sharing (3, 35.5) count twice. Tolerance 1e-12 relative.
    let patterns = SpendPattern::compress(&[(3, 35.5), (1, 10.0), (3, 35.5)]);
    assert_eq!(patterns.len(), 2);
    assert_eq!(patterns[1], SpendPattern { x: 3.0, mean_value: 35.5, count: 2.0 });

    let likelihood = GammaGammaLikelihood::new(patterns);
    let params = [6.25, 3.74, 15.44];
    let expected = customer_log_likelihood(6.25, 3.74, 15.44, 1.0, 10.0)
        + 2.0 * customer_log_likelihood(6.25, 3.74, 15.44, 3.0, 35.5);
    assert_relative(likelihood.log_likelihood(&params), expected, 1e-12, "total ln L");

    let gradient = likelihood.gradient(&params).unwrap();
    let single = customer_gradient(6.25, 3.74, 15.44, 1.0, 10.0);
    let triple = customer_gradient(6.25, 3.74, 15.44, 3.0, 35.5);
    for index in 0..3 {
        assert_relative(gradient[index], single[index] + 2.0 * triple[index], 1e-12, "total gradient");
    }
}

#[test]
fn starts_match_average_value() {
    // Every start puts p gamma / (q - 1) at the average mean value, (10 + 2 * 40) / 3 = 30.
    let patterns = SpendPattern::compress(&[(1, 10.0), (2, 40.0), (2, 40.0)]);
    let starts = GammaGammaLikelihood::new(patterns).starts();
    assert!(!starts.is_empty());
    for start in starts {
        let mean = start[0] * start[2] / (start[1] - 1.0);
        assert_relative(mean, 30.0, 1e-12, "population mean at the start");
    }
}

#[test]
fn no_repeat_gives_population_mean() {
    // x = 0 carries no spend information, so the prediction is exactly p gamma / (q - 1).
    let model = fixed(6.25, 3.74, 15.44);
    let population_mean = 6.25 * 15.44 / 2.74;
    assert_relative(model.population_mean(), population_mean, 1e-15, "population mean");
    assert_eq!(model.conditional_expected_value(0.0, 0.0), model.population_mean());
    assert_eq!(model.conditional_expected_value(0.0, 55.0), model.population_mean());
}

#[test]
fn non_positive_mean_gives_population_mean() {
    // Customers with a mean value <= 0 (or NaN) are not fitted on, so they get the population mean.
    let model = fixed(6.25, 3.74, 15.44);
    assert_eq!(model.conditional_expected_value(3.0, 0.0), model.population_mean());
    assert_eq!(model.conditional_expected_value(3.0, -12.5), model.population_mean());
    assert_eq!(model.conditional_expected_value(3.0, f64::NAN), model.population_mean());
}

#[test]
fn extreme_inputs_stay_finite() {
    let model = fixed(6.25, 3.74, 15.44);
    for (x, m) in [(500.0, 1e300), (1e9, 1e-300), (1.0, 1e-300), (500.0, 1e-12), (1e6, 1e6)] {
        let value = model.conditional_expected_value(x, m);
        assert!(value.is_finite(), "E[value] at x = {x}, m = {m}: {value}");
        assert!(value > 0.0, "E[value] at x = {x}, m = {m}: {value}");
        let ln_likelihood = customer_log_likelihood(6.25, 3.74, 15.44, x, m);
        assert!(ln_likelihood.is_finite(), "ln L at x = {x}, m = {m}: {ln_likelihood}");
        for component in customer_gradient(6.25, 3.74, 15.44, x, m) {
            assert!(component.is_finite(), "gradient at x = {x}, m = {m}: {component}");
        }
    }
}

#[test]
fn large_x_approaches_own_mean() {
    // With x = 1e9 the weight p x / (p x + q - 1) of the customer's own mean is 1 - 4.4e-10.
    let model = fixed(6.25, 3.74, 15.44);
    assert_relative(model.conditional_expected_value(1e9, 42.0), 42.0, 1e-8, "E[value] at x = 1e9");
}

#[test]
fn q_at_or_below_one_is_rejected() {
    for q in [1.0, 1.0 - 1e-12, 0.5] {
        let error = check_estimates(6.25, q, 15.44).unwrap_err();
        let ModelError::CannotFit(message) = error else {
            panic!("q = {q}: expected CannotFit, got {error:?}");
        };
        assert!(message.contains("infinite"), "{message}");
        assert!(message.contains("spend = "), "{message}");
    }
}

#[test]
fn q_just_above_one_is_finite() {
    // q = 1 + 1e-9 is accepted: the population mean is large but finite.
    assert_eq!(check_estimates(6.25, 1.0 + 1e-9, 15.44), Ok(()));
    let model = fixed(6.25, 1.0 + 1e-9, 15.44);
    assert!(model.population_mean().is_finite());
    assert!(model.population_mean() > 1e10);
    let value = model.conditional_expected_value(2.0, 30.0);
    assert!(value.is_finite(), "{value}");
}

#[test]
fn non_finite_estimates_are_rejected() {
    assert!(matches!(check_estimates(f64::INFINITY, 3.0, 1.0), Err(ModelError::CannotFit(_))));
    assert!(matches!(check_estimates(6.0, f64::NAN, 1.0), Err(ModelError::CannotFit(_))));
}

#[test]
fn fit_without_repeat_customers_fails() {
    let customers = [spender("a", 0, "0"), spender("b", 0, "0")];
    let error = FittedGammaGamma::fit(&customers).unwrap_err();
    let ModelError::CannotFit(message) = error else {
        panic!("expected CannotFit, got {error:?}");
    };
    assert!(message.contains("none of the 2 customers"), "{message}");
    assert!(message.contains("2 have no repeat purchase day"), "{message}");
}

#[test]
fn fit_without_positive_values_fails() {
    let customers = [spender("a", 0, "0"), spender("b", 2, "0"), spender("c", 1, "-5")];
    let error = FittedGammaGamma::fit(&customers).unwrap_err();
    let ModelError::CannotFit(message) = error else {
        panic!("expected CannotFit, got {error:?}");
    };
    assert!(message.contains("1 have no repeat purchase day, 2 a mean value <= 0"), "{message}");
}

#[test]
fn selection_counts_left_out_customers() {
    let customers = [
        spender("a", 0, "0"),
        spender("b", 2, "0"),
        spender("c", 1, "-5"),
        spender("d", 2, "30"),
        spender("e", 2, "30"),
        spender("f", 4, "100"),
    ];
    let selection = SpendData::from_customers(&customers);
    assert_eq!(selection.customers(), 3);
    assert_eq!(selection.without_repeat, 1);
    assert_eq!(selection.non_positive_value, 2);
    assert_eq!(
        selection.patterns(),
        vec![
            SpendPattern { x: 2.0, mean_value: 15.0, count: 2.0 },
            SpendPattern { x: 4.0, mean_value: 25.0, count: 1.0 },
        ]
    );
}

#[test]
fn parameters_carry_std_errors() {
    let parameters = fixed(6.25, 3.74, 15.44).parameters();
    let names: Vec<&str> = parameters.iter().map(|parameter| parameter.name.as_str()).collect();
    assert_eq!(names, ["p", "q", "gamma"]);
    assert_eq!(parameters[0].value, 6.25);
    assert_eq!(parameters[0].std_error, Some(0.1));
    assert_eq!(parameters[1].std_error, None);
    assert_eq!(parameters[2].value, 15.44);
    assert_eq!(parameters[2].std_error, Some(0.3));
}

#[test]
fn fit_statistics_count_fitted_customers() {
    let statistics = fixed(6.25, 3.74, 15.44).fit_statistics();
    assert_eq!(statistics.observations, 40);
    assert_eq!(statistics.parameters, 3);
    assert_eq!(statistics.log_likelihood, -123.5);
    assert_eq!(statistics.iterations, 17);
    assert!(statistics.converged);
}

/// Builds 27 customers at three spend levels (10, 30, 90), each with 1, 4
/// and 10 repeat purchase days whose mean spreads less as x grows, as the
/// model expects, plus one customer without a repeat purchase day and one
/// whose repeat purchase days net to a negative value.
fn three_spend_levels() -> Vec<CustomerSummary> {
    let spreads: [(u32, [f64; 3]); 3] = [(1, [0.5, 1.0, 2.0]), (4, [0.7, 1.0, 1.4]), (10, [0.85, 1.0, 1.2])];
    let mut customers = Vec::new();
    for level in [10.0, 30.0, 90.0] {
        for (x, factors) in spreads {
            for (index, factor) in factors.into_iter().enumerate() {
                let revenue = format!("{}", level * factor * f64::from(x));
                customers.push(spender(&format!("c{level}-{x}-{index}"), x, &revenue));
            }
        }
    }
    customers.push(spender("one-time", 0, "0"));
    customers.push(spender("returns", 2, "-8"));
    customers
}

#[test]
fn fit_finds_stationary_point() {
    let fitted = FittedGammaGamma::fit(&three_spend_levels()).unwrap();
    assert_eq!(fitted.observations, 27);
    assert_eq!(fitted.excluded, 2);
    assert!(fitted.mle.converged, "{:?}", fitted.mle);
    assert!(fitted.q > 1.0, "q = {}", fitted.q);

    // At the optimum the gradient with respect to ln(param), param * dLL/dparam,
    // vanishes. The optimiser stops below 1e-6 * |LL| (about 1.3e-4 here).
    let pairs: Vec<(u32, f64)> = three_spend_levels()
        .iter()
        .filter(|customer| customer.frequency > 0 && customer.monetary_value > clv_core::Decimal::ZERO)
        .map(|customer| (customer.frequency, crate::money::decimal_to_f64(customer.monetary_value)))
        .collect();
    let likelihood = GammaGammaLikelihood::new(SpendPattern::compress(&pairs));
    let params = [fitted.p, fitted.q, fitted.gamma];
    assert_relative(likelihood.log_likelihood(&params), fitted.mle.log_likelihood, 1e-12, "ln L at the fit");
    let gradient = likelihood.gradient(&params).unwrap();
    for (index, name) in ["p", "q", "gamma"].into_iter().enumerate() {
        let scaled = params[index] * gradient[index];
        assert!(scaled.abs() <= 1e-3, "{name} * dLL/d{name} = {scaled} at the optimum");
    }
}

#[test]
fn heavy_tailed_spend_is_rejected() {
    // Mean values from 1 to 10^6 at every x: the spread does not shrink with x, so it is
    // heterogeneity across customers, and its tail is too heavy for a finite mean (q <= 1).
    let mut customers = Vec::new();
    for x in [5u32, 10, 20, 40] {
        for power in 0..7 {
            let revenue = format!("{}", 10f64.powi(power) * f64::from(x));
            customers.push(spender(&format!("c{x}-{power}"), x, &revenue));
        }
    }
    let error = FittedGammaGamma::fit(&customers).unwrap_err();
    let ModelError::CannotFit(message) = error else {
        panic!("expected CannotFit, got {error:?}");
    };
    assert!(message.contains("<= 1"), "{message}");
    assert!(message.contains("infinite"), "{message}");
}

#[test]
fn given_q_at_or_below_one_is_rejected() {
    for q in [1.0, 0.5] {
        let error = FittedGammaGamma::given(6.25, q, 15.44).unwrap_err();
        let ModelError::CannotFit(message) = error else {
            panic!("q = {q}: expected CannotFit, got {error:?}");
        };
        assert!(message.contains("<= 1"), "{message}");
        assert!(message.contains("infinite"), "{message}");
    }
}

#[test]
fn given_non_positive_parameters_are_rejected() {
    for (p, q, gamma) in [(0.0, 3.0, 1.0), (6.0, 3.0, -1.0), (f64::NAN, 3.0, 1.0)] {
        let error = FittedGammaGamma::given(p, q, gamma).unwrap_err();
        assert!(matches!(error, ModelError::CannotFit(_)), "{p}, {q}, {gamma}: {error:?}");
    }
}

#[test]
fn given_parameters_predict_without_fit() {
    let model = FittedGammaGamma::given(6.25, 3.74, 15.44).unwrap();

    assert!(!model.is_fitted());
    // Closed form p gamma / (q - 1).
    assert_relative(model.population_mean(), 6.25 * 15.44 / 2.74, 1e-15, "population mean");
    assert_relative(
        model.conditional_expected_value(2.0, 30.0),
        6.25 * (15.44 + 60.0) / (12.5 + 2.74),
        1e-15,
        "expected value",
    );
}

#[test]
fn given_spend_setting_is_checked() {
    use crate::btyd::SpendSetting;

    let setting: SpendSetting = toml::from_str::<toml::Table>("spend = { p = 6.25, q = 0.9, gamma = 15.44 }")
        .unwrap()["spend"]
        .clone()
        .try_into()
        .unwrap();
    let error = setting.validate().unwrap_err();
    assert!(matches!(&error, ModelError::InvalidSetting { key, .. } if key == "spend"), "{error}");
    assert!(error.to_string().contains("<= 1"), "{error}");

    let setting =
        SpendSetting::GivenGammaGamma(crate::btyd::GivenGammaGamma { p: 6.25, q: 3.74, gamma: 15.44 });
    let spend = setting.validate().unwrap().fit(&three_spend_levels()).unwrap();
    assert_eq!(spend.fit_statistics(), None);
    assert_eq!(spend.parameters()[1].value, 3.74);
}
