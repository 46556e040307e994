//! Unit tests of the Pareto/NBD model.
//!
//! Expected values come from three independent sources:
//! - `tests/data/pareto_nbd_reference.csv`, written by
//!   `scripts/reference/pareto_nbd.py` with mpmath at 50 digits from the
//!   definitions (integrals over the dropout time), each value checked there
//!   against a second route (the hypergeometric form of A0, or an integral
//!   of the survival function);
//! - a tanh-sinh quadrature of the likelihood over the dropout time written
//!   here, which shares no code with the model;
//! - closed forms and identities (A0 = 0 at t_x = T, the s = 1 limits,
//!   probabilities that sum to 1 with mean E[X(t)]).

use clv_core::ClvModel;

use super::likelihood::{likelihood_parts, ln_a0, ln_dropout_integral};
use super::*;
use crate::btyd::{Rfm, TransactionProcess};
use crate::fit::LogLikelihood;

const REFERENCE_CSV: &str = include_str!("../../tests/data/pareto_nbd_reference.csv");

/// Published CDNOW estimates in weeks.
const CDNOW: ParetoNbdProcess = ParetoNbdProcess { r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669 };

fn rfm(x: f64, t_x: f64, t: f64) -> Rfm {
    Rfm { x, t_x, t }
}

fn relative_error(actual: f64, expected: f64) -> f64 {
    if expected == 0.0 { actual.abs() } else { ((actual - expected) / expected).abs() }
}

/// One row of the reference file.
#[derive(Debug)]
struct ReferenceRow {
    case: String,
    quantity: String,
    process: ParetoNbdProcess,
    rfm: Option<Rfm>,
    t: Option<f64>,
    n: Option<u32>,
    value: f64,
}

fn reference_rows() -> Vec<ReferenceRow> {
    let mut lines = REFERENCE_CSV.lines();
    let header = lines.next().expect("the reference file has a header");
    assert_eq!(header, "case,quantity,r,alpha,s,beta,x,t_x,T,t,n,value");

    let optional = |field: &str| -> Option<f64> {
        (!field.is_empty()).then(|| field.parse().unwrap_or_else(|_| panic!("invalid number {field:?}")))
    };
    lines
        .map(|line| {
            let fields: Vec<&str> = line.split(',').collect();
            assert_eq!(fields.len(), 12, "{line}");
            let number = |index: usize| optional(fields[index]).unwrap_or_else(|| panic!("{line}"));
            let rfm = optional(fields[6]).map(|x| rfm(x, number(7), number(8)));
            ReferenceRow {
                case: fields[0].to_string(),
                quantity: fields[1].to_string(),
                process: ParetoNbdProcess::from_params(&[number(2), number(3), number(4), number(5)]),
                rfm,
                t: optional(fields[9]),
                n: optional(fields[10]).map(|n| n as u32),
                value: number(11),
            }
        })
        .collect()
}

/// Checks every reference row of `quantity` with `compute`, reporting all
/// rows beyond `tolerance` at once.
fn check_reference(quantity: &str, tolerance: f64, compute: impl Fn(&ReferenceRow) -> f64) {
    let rows: Vec<ReferenceRow> =
        reference_rows().into_iter().filter(|row| row.quantity == quantity).collect();
    assert!(rows.len() >= 10, "only {} reference rows of {quantity}", rows.len());

    let failures: Vec<String> = rows
        .iter()
        .filter_map(|row| {
            let actual = compute(row);
            let error = if quantity == "ln_likelihood" {
                (actual - row.value).abs()
            } else {
                relative_error(actual, row.value)
            };
            // A NaN error counts as a failure.
            (error.is_nan() || error > tolerance)
                .then(|| format!("{}: {actual} vs {} (error {error:e})", row.case, row.value))
        })
        .collect();
    assert!(failures.is_empty(), "{quantity} beyond {tolerance:e}:\n{}", failures.join("\n"));
}

// Tolerances against the 50-digit reference: 1e-9 absolute on ln L (a
// relative 1e-9 on L) and 1e-9 relative on the predictions, well inside
// the 1e-6 that the model promises. The quadrature targets 1e-13 and 2F1
// is accurate to about 1e-14, so the margin covers the loss of a few digits
// in log_diff_exp and in exp of large logarithms.

#[test]
fn likelihood_matches_reference() {
    check_reference("ln_likelihood", 1e-9, |row| row.process.log_likelihood(row.rfm.unwrap()));
}

#[test]
fn p_alive_matches_reference() {
    check_reference("p_alive", 1e-9, |row| row.process.p_alive(row.rfm.unwrap()));
}

#[test]
fn conditional_expectation_matches_reference() {
    check_reference("conditional_expected", 1e-9, |row| {
        row.process.conditional_expected_transactions(row.rfm.unwrap(), row.t.unwrap())
    });
}

#[test]
fn expectation_matches_reference() {
    check_reference("expected", 1e-12, |row| row.process.expected_transactions(row.t.unwrap()));
}

#[test]
fn probability_matches_reference() {
    check_reference("probability", 1e-9, |row| {
        row.process.probability_of_transactions(row.n.unwrap(), row.t.unwrap())
    });
}

/// Integrates `f` over `[lower, upper]` by the tanh-sinh rule, independent
/// of the model's Gauss–Legendre quadrature. Accurate to about 1e-15 for
/// integrands analytic on the interval.
fn tanh_sinh(f: impl Fn(f64) -> f64, lower: f64, upper: f64) -> f64 {
    let half_width = 0.5 * (upper - lower);
    let step = 1.0 / 64.0;
    let mut sum = 0.0;
    for k in -256..=256 {
        let t = k as f64 * step;
        let angle = std::f64::consts::FRAC_PI_2 * t.sinh();
        let weight = std::f64::consts::FRAC_PI_2 * t.cosh() / (angle.cosh() * angle.cosh());
        // 1 - tanh(a) = e^-a / cosh(a) and 1 + tanh(a) = e^a / cosh(a), which
        // keep the nodes next to each end exact.
        let tau = if angle > 0.0 {
            upper - half_width * (-angle).exp() / angle.cosh()
        } else {
            lower + half_width * angle.exp() / angle.cosh()
        };
        if tau > lower && tau < upper {
            sum += weight * f(tau);
        }
    }
    sum * half_width * step
}

/// Computes the Pareto/NBD log-likelihood by integrating over the dropout time.
fn ln_likelihood_by_tanh_sinh(process: &ParetoNbdProcess, rfm: Rfm) -> f64 {
    let ParetoNbdProcess { r, alpha, s, beta } = *process;
    let Rfm { x, t_x, t } = rfm;
    let ln_density = |tau: f64| -(r + x) * (alpha + tau).ln() - (s + 1.0) * (beta + tau).ln();
    // Scaled by the integrand at t_x, its maximum, so the sum stays near 1.
    let ln_scale = ln_density(t_x);
    let integral = if t_x < t { tanh_sinh(|tau| (ln_density(tau) - ln_scale).exp(), t_x, t) } else { 0.0 };

    let ln_active = -(r + x) * (alpha + t).ln() - s * (beta + t).ln();
    let ln_dropped = s.ln() + ln_scale + integral.ln();
    let ln_common =
        crate::special::ln_gamma(r + x) - crate::special::ln_gamma(r) + r * alpha.ln() + s * beta.ln();
    ln_common + crate::special::log_sum_exp(ln_active, ln_dropped)
}

#[test]
fn likelihood_matches_dropout_integral() {
    let processes = [
        CDNOW,
        ParetoNbdProcess { r: 0.8, alpha: 15.0, s: 1.4, beta: 6.0 },
        ParetoNbdProcess { r: 2.5, alpha: 3.0, s: 0.2, beta: 3.0 },
        ParetoNbdProcess { r: 0.3, alpha: 0.7, s: 2.0, beta: 40.0 },
        ParetoNbdProcess { r: 1.3, alpha: 1e4, s: 0.9, beta: 1.5e4 },
    ];
    let customers = [
        rfm(0.0, 0.0, 38.86),
        rfm(1.0, 1.71, 38.86),
        rfm(2.0, 30.43, 38.86),
        rfm(4.0, 38.86 - 1.0 / 7.0, 38.86),
        rfm(7.0, 38.86 - 1e-6, 38.86),
        rfm(12.0, 20.0, 20.0 + 1e-3),
        rfm(300.0, 38.5, 38.86),
    ];
    let mut failures = Vec::new();
    for process in &processes {
        for &customer in &customers {
            let actual = process.log_likelihood(customer);
            let expected = ln_likelihood_by_tanh_sinh(process, customer);
            let error = (actual - expected).abs();
            if error.is_nan() || error > 1e-10 {
                failures.push(format!("{process:?} {customer:?}: {actual} vs {expected}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a0_is_zero_when_recency_is_age() {
    for process in [CDNOW, ParetoNbdProcess { r: 1.0, alpha: 2.0, s: 1.0, beta: 2.0 }] {
        for customer in [rfm(5.0, 38.86, 38.86), rfm(0.0, 0.0, 0.0), rfm(40.0, 1826.0, 1826.0)] {
            assert_eq!(ln_a0(&process, customer), f64::NEG_INFINITY, "{customer:?}");
            assert_eq!(process.p_alive(customer), 1.0, "{customer:?}");
            let parts = likelihood_parts(&process, customer);
            assert_eq!(parts.ln_dropped, f64::NEG_INFINITY, "{customer:?}");
        }
    }
}

#[test]
fn new_customer_has_likelihood_one() {
    // A first purchase on the calibration end has x = t_x = T = 0, whose only outcome has probability 1.
    let ln_likelihood = CDNOW.log_likelihood(rfm(0.0, 0.0, 0.0));
    assert!(ln_likelihood.abs() < 1e-15, "{ln_likelihood}");
}

#[test]
fn a0_with_equal_rates_has_closed_form() {
    // α = β makes 2F1 = 1, so A0 = (α+t_x)^-m - (α+T)^-m with m = r+s+x.
    let process = ParetoNbdProcess { r: 0.5, alpha: 10.0, s: 0.7, beta: 10.0 };
    let (x, t_x, t): (f64, f64, f64) = (3.0, 20.0, 38.86);
    let m = 0.5 + 0.7 + x;
    let expected = (10.0 + t_x).powf(-m) - (10.0 + t).powf(-m);
    let actual = ln_a0(&process, rfm(x, t_x, t)).exp();
    assert!(relative_error(actual, expected) < 1e-13, "{actual} vs {expected}");

    // The quadrature of the same integral agrees: A0 = m I.
    let by_quadrature = m * ln_dropout_integral(&process, rfm(x, t_x, t)).exp();
    assert!(relative_error(by_quadrature, expected) < 1e-13, "{by_quadrature} vs {expected}");
}

#[test]
fn a0_is_continuous_across_method_switch() {
    // As t_x approaches T, A0 moves from the hypergeometric difference to the
    // quadrature. Both must agree with the quadrature of the definition on
    // either side of the switch.
    let processes = [CDNOW, ParetoNbdProcess { r: 0.8, alpha: 15.0, s: 1.4, beta: 6.0 }];
    for process in &processes {
        for x in [0.0, 3.0, 300.0] {
            for gap in [30.0, 10.0, 3.0, 1.0, 0.3, 0.1, 0.01, 1e-4, 1e-8] {
                let customer = rfm(x, 38.86 - gap, 38.86);
                let m = process.r + process.s + x;
                let actual = ln_a0(process, customer);
                let expected = m.ln() + ln_dropout_integral(process, customer);
                assert!(
                    (actual - expected).abs() < 1e-11,
                    "{process:?} x = {x}, T - t_x = {gap}: {actual} vs {expected}"
                );
            }
        }
    }
}

#[test]
fn expectations_are_continuous_at_s_one() {
    // At s = 1 the expectations use the logarithmic limit, and next to 1 the
    // expm1 form; a relative step of 1e-12 in s may move them by about 1e-12.
    // The customer has t_x = T, so P(alive) = 1 exactly.
    let at_one = ParetoNbdProcess { s: 1.0, ..CDNOW };
    let customer = rfm(4.0, 38.86, 38.86);
    let limit = at_one.conditional_expected_transactions(customer, 52.0);
    let closed =
        (0.553 + 4.0) * (11.669 + 38.86) / (10.578 + 38.86) * (1.0f64 + 52.0 / (11.669 + 38.86)).ln();
    assert!(relative_error(limit, closed) < 1e-14, "{limit} vs {closed}");

    let population_limit = at_one.expected_transactions(52.0);
    let population_closed = 0.553 * 11.669 / 10.578 * (1.0f64 + 52.0 / 11.669).ln();
    assert!(relative_error(population_limit, population_closed) < 1e-14);

    for s in [1.0 - 1e-12, 1.0 + 1e-12, 1.0 - 1e-15, 1.0 + f64::EPSILON] {
        let near = ParetoNbdProcess { s, ..CDNOW };
        let conditional = near.conditional_expected_transactions(customer, 52.0);
        assert!(relative_error(conditional, limit) < 1e-11, "s = {s}: {conditional} vs {limit}");
        let population = near.expected_transactions(52.0);
        assert!(relative_error(population, population_limit) < 1e-11, "s = {s}: {population}");
    }
}

#[test]
fn expectation_closed_form_away_from_s_one() {
    // r β / (α (s-1)) [1 - (β/(β+t))^(s-1)] with s = 2.5 evaluated directly:
    // no cancellation there, so the tolerance is 1e-14.
    let process = ParetoNbdProcess { r: 0.9, alpha: 4.0, s: 2.5, beta: 7.0 };
    let expected = 0.9 * 7.0 / (4.0 * 1.5) * (1.0 - (7.0f64 / 19.0).powf(1.5));
    assert!(relative_error(process.expected_transactions(12.0), expected) < 1e-14);
    assert_eq!(process.expected_transactions(0.0), 0.0);
    assert_eq!(process.conditional_expected_transactions(rfm(2.0, 5.0, 9.0), 0.0), 0.0);
}

#[test]
fn probabilities_sum_to_one_with_expected_mean() {
    let processes = [
        (CDNOW, 52.0),
        (ParetoNbdProcess { r: 0.8, alpha: 15.0, s: 1.4, beta: 6.0 }, 52.0),
        (ParetoNbdProcess { r: 0.553, alpha: 10.578, s: 1.0, beta: 11.669 }, 39.0),
        (ParetoNbdProcess { r: 1.3, alpha: 1e4, s: 0.9, beta: 1.5e4 }, 365.0),
        (ParetoNbdProcess { r: 0.553, alpha: 1.511, s: 0.606, beta: 1.667 }, 365.0),
    ];
    for (process, t) in processes {
        let mut total = 0.0;
        let mut mean = 0.0;
        let mut n = 0;
        loop {
            let p = process.probability_of_transactions(n, t);
            assert!((0.0..=1.0).contains(&p), "{process:?} n = {n}: {p}");
            total += p;
            mean += f64::from(n) * p;
            n += 1;
            if n > 20 && p < 1e-18 {
                break;
            }
            assert!(n < 20_000, "{process:?}: P(X(t) = n) does not fall off");
        }
        // Each term is accurate to about 1e-13. The tail beyond the last n is
        // far below the tolerance of the total, but its mean is not.
        assert!((total - 1.0).abs() < 1e-10, "{process:?}: total {total}");
        let expected = process.expected_transactions(t);
        assert!(relative_error(mean, expected) < 1e-8, "{process:?}: mean {mean} vs {expected}");
    }
}

#[test]
fn probability_at_time_zero_is_degenerate() {
    assert_eq!(CDNOW.probability_of_transactions(0, 0.0), 1.0);
    assert_eq!(CDNOW.probability_of_transactions(3, 0.0), 0.0);
}

#[test]
fn predictions_are_finite_over_parameter_grid() {
    let values = [1e-3, 0.5, 1.0, 1.0 + 1e-9, 3.0, 1e4];
    let customers = [
        rfm(0.0, 0.0, 38.86),
        rfm(0.0, 0.0, 1826.0),
        rfm(2.0, 30.43, 38.86),
        rfm(5.0, 38.86, 38.86),
        rfm(7.0, 38.86 - 1e-6, 38.86),
        rfm(300.0, 1800.0, 1826.0),
        rfm(300.0, 1.0, 1826.0),
        rfm(0.0, 0.0, 0.0),
    ];
    let mut failures = Vec::new();
    for r in values {
        for alpha in values {
            for s in values {
                for beta in values {
                    let process = ParetoNbdProcess { r, alpha, s, beta };
                    for &customer in &customers {
                        let ln_likelihood = process.log_likelihood(customer);
                        let p_alive = process.p_alive(customer);
                        let expected = process.conditional_expected_transactions(customer, 52.0);
                        // With x > 0 the likelihood is a density of the purchase times, which
                        // may exceed 1. With x = 0 it is a probability, computed from
                        // logarithms of up to about 7e4 in this grid, so rounding may leave
                        // ln L a little above 0.
                        let valid = ln_likelihood.is_finite()
                            && (customer.x > 0.0 || ln_likelihood <= 1e-8)
                            && (0.0..=1.0).contains(&p_alive)
                            && expected.is_finite()
                            && expected >= 0.0;
                        if !valid {
                            failures.push(format!(
                                "{process:?} {customer:?}: ln L {ln_likelihood}, P(alive) {p_alive}, E {expected}"
                            ));
                        }
                    }
                    let population = process.expected_transactions(52.0);
                    if !(population.is_finite() && population >= 0.0) {
                        failures.push(format!("{process:?}: E[X(t)] {population}"));
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn probability_is_finite_over_parameter_grid() {
    let values = [1e-3, 1.0, 1e4];
    for r in values {
        for alpha in values {
            for s in values {
                for beta in values {
                    let process = ParetoNbdProcess { r, alpha, s, beta };
                    for n in [0, 1, 300] {
                        for t in [1e-9, 52.0, 1826.0] {
                            let p = process.probability_of_transactions(n, t);
                            assert!((0.0..=1.0).contains(&p), "{process:?} n = {n}, t = {t}: {p}");
                        }
                    }
                }
            }
        }
    }
}

#[test]
fn likelihood_weights_patterns_by_count() {
    let patterns = vec![
        Pattern { rfm: rfm(0.0, 0.0, 38.86), count: 3.0 },
        Pattern { rfm: rfm(2.0, 30.43, 38.86), count: 1.0 },
    ];
    let likelihood = ParetoNbdLikelihood::new(patterns);
    assert_eq!(likelihood.dimension(), 4);
    let params = [CDNOW.r, CDNOW.alpha, CDNOW.s, CDNOW.beta];
    let expected =
        3.0 * CDNOW.log_likelihood(rfm(0.0, 0.0, 38.86)) + CDNOW.log_likelihood(rfm(2.0, 30.43, 38.86));
    let actual = likelihood.log_likelihood(&params);
    assert!((actual - expected).abs() < 1e-12, "{actual} vs {expected}");
}

/// The analytic gradient against central differences of the customer
/// log-likelihood, which takes A0 from 2F1 or the adaptive quadrature. A
/// relative step of 1e-6 leaves a truncation error near 1e-12 and rounding
/// near 1e-10 relative to the log-likelihood, inside the tolerance of 1e-7.
#[test]
fn gradient_matches_central_differences() {
    let customers = [
        rfm(0.0, 0.0, 38.86),
        rfm(2.0, 30.43, 38.86),
        rfm(7.0, 38.86 - 1e-6, 38.86),
        rfm(5.0, 38.86, 38.86),
        rfm(60.0, 20.0, 78.0),
        rfm(1.0, 0.5, 1e4),
    ];
    let patterns: Vec<Pattern> = customers.iter().map(|&rfm| Pattern { rfm, count: 2.0 }).collect();
    let likelihood = ParetoNbdLikelihood::new(patterns);
    for process in [CDNOW, ParetoNbdProcess { r: 3.0, alpha: 0.2, s: 0.1, beta: 90.0 }] {
        let params = [process.r, process.alpha, process.s, process.beta];
        let total = |params: &[f64]| {
            let process = ParetoNbdProcess::from_params(params);
            customers.iter().map(|&customer| 2.0 * process.log_likelihood(customer)).sum::<f64>()
        };
        let gradient = likelihood.gradient(&params).expect("the likelihood has a gradient");
        for i in 0..4 {
            let step = params[i] * 1e-6;
            let (mut up, mut down) = (params, params);
            up[i] += step;
            down[i] -= step;
            let expected = (total(&up) - total(&down)) / (up[i] - down[i]);
            assert!(
                (gradient[i] - expected).abs() <= 1e-7 * expected.abs().max(1.0),
                "{process:?} parameter {i}: {} vs {expected}",
                gradient[i]
            );
        }
    }
}

/// The analytic Hessian against central differences of the analytic
/// gradient, with a relative step of 1e-6: truncation near 1e-12 and
/// rounding near 1e-9 relative, inside the tolerance of 1e-6.
#[test]
fn hessian_matches_gradient_differences() {
    let customers = [
        rfm(0.0, 0.0, 38.86),
        rfm(2.0, 30.43, 38.86),
        rfm(7.0, 38.86 - 1e-6, 38.86),
        rfm(5.0, 38.86, 38.86),
        rfm(60.0, 20.0, 78.0),
        rfm(1.0, 0.5, 1e4),
    ];
    let patterns: Vec<Pattern> = customers.iter().map(|&rfm| Pattern { rfm, count: 3.0 }).collect();
    let likelihood = ParetoNbdLikelihood::new(patterns);
    for process in [CDNOW, ParetoNbdProcess { r: 3.0, alpha: 0.2, s: 0.1, beta: 90.0 }] {
        let params = [process.r, process.alpha, process.s, process.beta];
        let hessian = likelihood.hessian(&params).expect("the frequencies are whole numbers");
        for j in 0..4 {
            let step = params[j] * 1e-6;
            let (mut up, mut down) = (params, params);
            up[j] += step;
            down[j] -= step;
            let up_gradient = likelihood.gradient(&up).expect("the likelihood has a gradient");
            let down_gradient = likelihood.gradient(&down).expect("the likelihood has a gradient");
            for i in 0..4 {
                let expected = (up_gradient[i] - down_gradient[i]) / (up[j] - down[j]);
                assert!(
                    (hessian[i][j] - expected).abs() <= 1e-6 * expected.abs().max(1.0),
                    "{process:?} entry ({i}, {j}): {} vs {expected}",
                    hessian[i][j]
                );
            }
        }
    }
}

/// Above 1000 the difference comes from the asymptotic series of ψ'; at
/// 1000 both routes apply, and they agree to 1e-12 relative.
#[test]
fn trigamma_difference_routes_agree() {
    use super::hessian::trigamma_difference;
    for r in [0.05, 0.6, 3.0, 40.0] {
        let direct = trigamma_difference(r, 1000.0).unwrap();
        let next = trigamma_difference(r, 1001.0).unwrap();
        let expected = direct - (r + 1000.0).powi(-2);
        assert!(((next - expected) / expected).abs() < 1e-12, "r = {r}: {next} vs {expected}");
    }
}

#[test]
fn hessian_needs_whole_frequencies() {
    let likelihood = ParetoNbdLikelihood::new(vec![Pattern { rfm: rfm(1.5, 2.0, 3.0), count: 1.0 }]);
    assert_eq!(likelihood.hessian(&[0.5, 10.0, 0.6, 12.0]), None);
}

#[test]
fn likelihood_rejects_invalid_parameters() {
    let likelihood = ParetoNbdLikelihood::new(vec![Pattern { rfm: rfm(1.0, 2.0, 3.0), count: 1.0 }]);
    for params in [
        [0.0, 1.0, 1.0, 1.0],
        [1.0, -1.0, 1.0, 1.0],
        [1.0, 1.0, f64::NAN, 1.0],
        [1.0, 1.0, 1.0, f64::INFINITY],
    ] {
        assert_eq!(likelihood.log_likelihood(&params), f64::NEG_INFINITY, "{params:?}");
    }
}

#[test]
fn parameters_in_conventional_order() {
    let names: Vec<&str> = CDNOW.parameters().into_iter().map(|(name, _)| name).collect();
    assert_eq!(names, ["r", "alpha", "s", "beta"]);
    assert_eq!(ParetoNbdProcess::from_params(&[0.553, 10.578, 0.606, 11.669]), CDNOW);
}

#[test]
fn starting_points_scale_with_data() {
    // Mean age 30 and 2 repeat purchases over 60 customer-weeks: one purchase every 30 weeks.
    let patterns = vec![
        Pattern { rfm: rfm(0.0, 0.0, 20.0), count: 1.0 },
        Pattern { rfm: rfm(2.0, 35.0, 40.0), count: 1.0 },
    ];
    let starts = starting_points(&patterns);
    assert!(starts.len() >= 3);
    assert_eq!(starts[0], vec![1.0, 30.0, 1.0, 30.0]);
    for start in &starts {
        assert_eq!(start.len(), 4);
        assert!(start.iter().all(|value| value.is_finite() && *value > 0.0), "{start:?}");
    }
    // Without repeat purchases or customers, every start is still positive.
    for patterns in [vec![Pattern { rfm: rfm(0.0, 0.0, 0.0), count: 2.0 }], Vec::new()] {
        for start in starting_points(&patterns) {
            assert!(start.iter().all(|value| value.is_finite() && *value > 0.0), "{start:?}");
        }
    }
}

#[test]
fn settings_default_to_gamma_gamma() {
    let settings: ParetoNbdSettings = toml::from_str("").unwrap();
    assert_eq!(settings, ParetoNbdSettings::default());
    assert_eq!(settings.spend, SpendSetting::default());
    assert_eq!(settings.validate().unwrap().kind(), KIND);
}

#[test]
fn settings_accept_fixed_spend() {
    let settings: ParetoNbdSettings = toml::from_str("spend = 12.5\n").unwrap();
    assert_eq!(settings.spend, SpendSetting::Fixed(12.5));
    assert!(settings.validate().is_ok());
}

#[test]
fn settings_reject_negative_spend() {
    let settings: ParetoNbdSettings = toml::from_str("spend = -1.0\n").unwrap();
    let error = settings.validate().unwrap_err();
    assert!(matches!(&error, ModelError::InvalidSetting { key, .. } if key == "spend"), "{error}");
}

#[test]
fn settings_reject_unknown_key() {
    let error = toml::from_str::<ParetoNbdSettings>("horizon = 12\n").unwrap_err();
    assert!(error.to_string().contains("unknown field `horizon`"), "{error}");
}

#[test]
fn description_is_one_line() {
    assert_eq!(KIND, "pareto_nbd");
    assert!(!DESCRIPTION.is_empty());
    assert!(!DESCRIPTION.contains('\n'));
}

/// Draws from a fixed pseudo-random sequence (64-bit LCG), so the sweep is reproducible.
struct Sequence(u64);

impl Sequence {
    /// Returns a uniform draw in [0, 1).
    fn uniform(&mut self) -> f64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Returns a draw whose logarithm is uniform over [ln low, ln high).
    fn log_uniform(&mut self, low: f64, high: f64) -> f64 {
        (low.ln() + self.uniform() * (high / low).ln()).exp()
    }
}

#[test]
fn likelihood_matches_dropout_integral_randomly() {
    // Parameters over 0.01..50 (shapes) and 0.01..1e4 (rates), α = β in 10%
    // of draws, ages of 0.1..2000, up to 300 purchases, and recency equal
    // to, within 1e-7 of, or anywhere below the age.
    let mut sequence = Sequence(12345);
    let mut failures = Vec::new();
    for _ in 0..2000 {
        let r = sequence.log_uniform(0.01, 50.0);
        let alpha = sequence.log_uniform(0.01, 1e4);
        let s = sequence.log_uniform(0.01, 50.0);
        let beta = if sequence.uniform() < 0.1 { alpha } else { sequence.log_uniform(0.01, 1e4) };
        let t = sequence.log_uniform(0.1, 2000.0);
        let x = (sequence.uniform() * sequence.uniform() * 300.0).floor();
        let position = sequence.uniform();
        let t_x = if x == 0.0 {
            0.0
        } else if position < 0.2 {
            t
        } else if position < 0.4 {
            t * (1.0 - 1e-7 * sequence.uniform())
        } else {
            t * sequence.uniform()
        };
        let process = ParetoNbdProcess { r, alpha, s, beta };
        let customer = rfm(x, t_x, t);

        let ln_likelihood = process.log_likelihood(customer);
        let expected = ln_likelihood_by_tanh_sinh(&process, customer);
        let p_alive = process.p_alive(customer);
        let transactions = process.conditional_expected_transactions(customer, 52.0);
        // ln L reaches about 1e4 in magnitude here, so the tolerance has a
        // relative part for the rounding of large logarithms.
        let tolerance = 1e-8 + 1e-12 * expected.abs();
        let valid = (ln_likelihood - expected).abs() <= tolerance
            && (0.0..=1.0).contains(&p_alive)
            && transactions.is_finite()
            && transactions >= 0.0;
        if !valid {
            failures.push(format!(
                "{process:?} {customer:?}: ln L {ln_likelihood} vs {expected}, P(alive) {p_alive}, E {transactions}"
            ));
        }
    }
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
}

/// Summaries of 30,000 customers simulated from the Pareto/NBD process
/// with r = 2, α = 8, s = 1 and β = 20 (integer shapes, so each gamma draw
/// is a sum of exponential draws), ages spread over 10 to 78 weeks and
/// times rounded to whole days. They compress to more patterns than the
/// subsample threshold.
fn simulated_patterns() -> Vec<Pattern> {
    // SplitMix64, a small generator with a fixed seed, so the sample is the same on every run.
    let mut state: u64 = 42;
    let mut uniform = move || {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    };
    let mut exponential = move || -(1.0 - uniform()).ln();
    let day = |weeks: f64| (weeks * 7.0).floor() / 7.0;

    let mut customers = Vec::new();
    for i in 0..30_000 {
        let t = day(10.0 + 68.0 * f64::from(i % 1000) / 1000.0);
        let rate = (exponential() + exponential()) / 8.0;
        let dropout = exponential() / (exponential() / 20.0);
        let end = dropout.min(t);
        let (mut x, mut t_x, mut time) = (0.0, 0.0, exponential() / rate);
        while time < end {
            x += 1.0;
            t_x = time;
            time += exponential() / rate;
        }
        customers.push((x, day(t_x), t));
    }
    customers.sort_by(|a, b| a.partial_cmp(b).expect("finite"));

    let mut patterns: Vec<Pattern> = Vec::new();
    for (x, t_x, t) in customers {
        match patterns.last_mut() {
            Some(last) if last.rfm == rfm(x, t_x, t) => last.count += 1.0,
            _ => patterns.push(Pattern { rfm: rfm(x, t_x, t), count: 1.0 }),
        }
    }
    patterns
}

/// Newton steps from the subsample's optimum reach the optimum that L-BFGS
/// and the Newton polish reach from the same start. Both stop where the
/// predicted gain is below 1e-14 of |LL|, so the estimates agree to 1e-6
/// relative and the log-likelihoods to 1e-6. The estimates are also within
/// three standard errors of the simulated parameters.
#[test]
fn newton_fit_matches_optimiser() {
    let patterns = simulated_patterns();
    assert!(crate::btyd::is_large(patterns.len()), "{} patterns", patterns.len());

    let (process, newton) = fit_process(&patterns).expect("the fit succeeds");
    assert!(newton.converged);
    assert!(newton.iterations < 10, "{} Newton steps", newton.iterations);
    let truth = [2.0, 8.0, 1.0, 20.0];
    for (i, ((estimate, error), truth)) in newton.params.iter().zip(&newton.std_errors).zip(truth).enumerate()
    {
        let error = error.expect("a finite standard error");
        assert!((estimate - truth).abs() < 3.0 * error, "{process:?} parameter {i}: {estimate} ± {error}");
    }

    let likelihood = ParetoNbdLikelihood::new(patterns.clone());
    let starts = subsample_start(&patterns, starting_points(&patterns), ParetoNbdLikelihood::new);
    let optimiser = newton_polish(&likelihood, maximise(&likelihood, &starts).expect("the fit succeeds"));
    assert!(optimiser.converged);
    for (i, (actual, expected)) in newton.params.iter().zip(&optimiser.params).enumerate() {
        assert!(relative_error(*actual, *expected) < 1e-6, "parameter {i}: {actual} vs {expected}");
    }
    assert!(
        newton.log_likelihood >= optimiser.log_likelihood - 1e-6,
        "{} vs {}",
        newton.log_likelihood,
        optimiser.log_likelihood
    );
    for (i, (actual, expected)) in newton.std_errors.iter().zip(&optimiser.std_errors).enumerate() {
        let (actual, expected) = (actual.expect("finite"), expected.expect("finite"));
        assert!(relative_error(actual, expected) < 1e-4, "standard error {i}: {actual} vs {expected}");
    }
}
