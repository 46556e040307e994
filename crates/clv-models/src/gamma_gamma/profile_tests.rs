//! Tests of the profile fit against the per-customer formulas and the
//! general optimiser.

use clv_core::CustomerSummary;

use super::fit_by_profile;
use super::likelihood::GammaGammaLikelihood;
use super::likelihood::{customer_gradient, customer_log_likelihood};
use super::profile::{evaluate, evaluate_at};
use super::spend_data::SpendData;
use crate::test_support::summary;

/// Builds `count` customers with x from 0 to 11 repeat purchase days and
/// mean values spread over 10 to 90 by low-discrepancy sequences, with a
/// spread around each customer's level that shrinks as x grows, as the
/// model expects. Every 13th customer has no repeat purchase day.
fn spend_population(count: usize) -> Vec<CustomerSummary> {
    (0..count)
        .map(|index| {
            let position = index as f64;
            let x = (index % 12) as u32;
            let x = if index % 13 == 0 { 0 } else { x.max(1) };
            let level = 10.0 * 9f64.powf((position * 0.618_033_988_7).fract());
            let spread = (position * 0.754_877_666_2).fract() - 0.5;
            let mean = level * (1.0 + spread / f64::from(x.max(1)).sqrt());
            let revenue = format!("{:.2}", mean * f64::from(x));
            let recency_days = if x == 0 { 0 } else { 200 };
            summary(&format!("c{index}"), x, recency_days, 400, "20", &revenue)
        })
        .collect()
}

fn assert_relative(actual: f64, expected: f64, tolerance: f64, label: &str) {
    let error = (actual - expected).abs() / expected.abs().max(f64::MIN_POSITIVE);
    assert!(error <= tolerance, "{label}: {actual} vs {expected}, relative error {error:e} > {tolerance:e}");
}

/// Sums the per-customer log-likelihood and gradient of `data` at `params`.
fn customer_sums(data: &SpendData, params: [f64; 3]) -> (f64, [f64; 3]) {
    let [p, q, gamma] = params;
    let mut log_likelihood = 0.0;
    let mut gradient = [0.0; 3];
    for &(x, mean_value) in &data.pairs {
        let x = f64::from(x);
        log_likelihood += customer_log_likelihood(p, q, gamma, x, mean_value);
        for (total, term) in gradient.iter_mut().zip(customer_gradient(p, q, gamma, x, mean_value)) {
            *total += term;
        }
    }
    (log_likelihood, gradient)
}

/// Parameter points on both sides of the optimum of [`spend_population`].
const POINTS: [[f64; 3]; 3] = [[6.25, 3.74, 15.44], [0.8, 2.5, 40.0], [20.0, 9.0, 3.0]];

#[test]
fn evaluation_matches_customer_sums() {
    // Source: the per-customer formulas, summed customer by customer.
    // Tolerance 1e-12 relative for LL, 1e-9 of the largest entry for the gradient.
    let data = SpendData::from_customers(&spend_population(500));
    for params in POINTS {
        let evaluation = evaluate_at(&data, params);
        let (log_likelihood, gradient) = customer_sums(&data, params);
        assert_relative(evaluation.log_likelihood, log_likelihood, 1e-12, &format!("LL at {params:?}"));

        let largest = gradient.iter().fold(0.0_f64, |largest, entry| largest.max(entry.abs()));
        for index in 0..3 {
            let error = (evaluation.gradient[index] - gradient[index]).abs() / largest;
            assert!(
                error <= 1e-9,
                "gradient {index} at {params:?}: {:?} vs {gradient:?}",
                evaluation.gradient
            );
        }
    }
}

#[test]
fn hessian_matches_gradient_differences() {
    // Source: central differences of the summed per-customer gradient with a
    // step of 1e-5 of each parameter. Truncation and rounding stay below
    // 1e-6 of the largest entry of each row.
    let data = SpendData::from_customers(&spend_population(500));
    for params in POINTS {
        let hessian = evaluate_at(&data, params).hessian;
        for column in 0..3 {
            let step = 1e-5 * params[column];
            let mut up = params;
            up[column] += step;
            let mut down = params;
            down[column] -= step;
            let (_, gradient_up) = customer_sums(&data, up);
            let (_, gradient_down) = customer_sums(&data, down);

            for row in 0..3 {
                let difference = (gradient_up[row] - gradient_down[row]) / (2.0 * step);
                let largest = hessian[row].iter().fold(0.0_f64, |largest, entry| largest.max(entry.abs()));
                let error = (hessian[row][column] - difference).abs() / largest;
                assert!(
                    error <= 1e-6,
                    "H[{row}][{column}] at {params:?}: {} vs {difference}",
                    hessian[row][column]
                );
            }
        }
    }
}

#[test]
fn shape_maximum_has_zero_gradient() {
    // At the maximum over (p, q) for a fixed gamma, dLL/dp and dLL/dq vanish
    // to rounding: below 1e-9 of the sum of their terms' magnitudes.
    let data = SpendData::from_customers(&spend_population(500));
    let gamma = 15.0;
    let maximum = evaluate(&data, gamma, [1.0, 2.0]).expect("a maximum over (p, q)");
    let [p, q, _] = maximum.params;
    let scale = data.customers() as f64 * (1.0 + p + q);
    for index in 0..2 {
        let slope = maximum.gradient[index];
        assert!(slope.abs() <= 1e-9 * scale, "dLL/d{} = {slope} at p = {p}, q = {q}", ["p", "q"][index]);
    }
    // A second search from elsewhere finds the same maximum, because the
    // log-likelihood is concave in (p, q).
    let again = evaluate(&data, gamma, [30.0, 0.5]).expect("a maximum over (p, q)");
    assert_relative(again.params[0], p, 1e-9, "p from a second start");
    assert_relative(again.params[1], q, 1e-9, "q from a second start");
}

/// Checks that the profile fit of `customers` agrees with the general optimiser.
fn assert_profile_matches_optimiser(customers: &[CustomerSummary]) {
    let data = SpendData::from_customers(customers);
    let profile = fit_by_profile(&data).expect("the profile fit converges");
    // The general optimiser with Newton steps at its optimum, as large fits
    // take them, is the reference.
    let likelihood = GammaGammaLikelihood::new(data.patterns());
    let optimiser = crate::fit::maximise(&likelihood, &likelihood.starts()).unwrap();
    let optimiser = crate::fit::newton_polish(&likelihood, optimiser);
    assert!(profile.converged);
    assert!(optimiser.converged, "{optimiser:?}");

    // Both find the same optimum: estimates to 1e-6 relative, and the
    // profile LL no lower than the optimiser's beyond rounding (1e-12 relative).
    for (index, name) in ["p", "q", "gamma"].into_iter().enumerate() {
        assert_relative(profile.params[index], optimiser.params[index], 1e-6, name);
    }
    let floor = optimiser.log_likelihood - 1e-12 * optimiser.log_likelihood.abs();
    assert!(profile.log_likelihood >= floor, "LL {} < {}", profile.log_likelihood, optimiser.log_likelihood);

    // Standard errors: analytic Hessian against the optimiser's differences
    // of the gradient, which are accurate to about 1e-5 relative.
    for (index, name) in ["p", "q", "gamma"].into_iter().enumerate() {
        let profile_error = profile.std_errors[index].expect("a profile standard error");
        let optimiser_error = optimiser.std_errors[index].expect("an optimiser standard error");
        assert_relative(profile_error, optimiser_error, 1e-4, &format!("standard error of {name}"));
    }
}

#[test]
fn profile_fit_matches_optimiser() {
    assert_profile_matches_optimiser(&spend_population(2_000));
}

#[test]
fn large_profile_fit_matches_optimiser() {
    // 30,000 customers start from a subsample's optimum.
    let customers = spend_population(30_000);
    assert!(crate::btyd::is_large(customers.len()));
    assert_profile_matches_optimiser(&customers);
}
