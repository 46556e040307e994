//! Closed forms and domain errors of 2F1. The reference values over the
//! model domains are in the `hyp2f1_reference` integration test.

use super::*;

fn assert_relative(actual: f64, expected: f64, tolerance: f64) {
    let error = ((actual - expected) / expected).abs();
    assert!(error <= tolerance, "{actual} differs from {expected} by relative {error:e}");
}

#[test]
fn logarithm_closed_form() {
    // 2F1(1, 1; 2; z) = -ln(1 - z) / z.
    for z in [-50.0f64, -0.9, -1e-3, 1e-8, 0.3, 0.75, 0.999, 1.0 - 1e-12] {
        let expected = -(-z).ln_1p() / z;
        assert_relative(hyp2f1(1.0, 1.0, 2.0, z).unwrap(), expected, 1e-14);
    }
}

#[test]
fn power_closed_form() {
    // 2F1(a, b; b; z) = (1 - z)^-a.
    for (a, b) in [(0.7, 2.5), (-1.3, 0.4), (40.0, 3.0), (2.5, -0.6)] {
        for z in [-3.0f64, -0.2, 0.4, 0.9, 0.999_999] {
            let (ln_abs, sign) = ln_hyp2f1(a, b, b, z).unwrap();
            assert_eq!(sign, 1.0);
            let expected = -a * (-z).ln_1p();
            assert!((ln_abs - expected).abs() <= 1e-13 * expected.abs().max(1.0), "a={a} b={b} z={z}");
        }
    }
}

#[test]
fn arcsine_closed_form() {
    // 2F1(1/2, 1/2; 3/2; z²) = arcsin(z) / z, at z whose square is exact in f64.
    for z in [0.5f64, 0.75, 0.968_75, 1.0 - 2f64.powi(-20)] {
        assert_relative(hyp2f1(0.5, 0.5, 1.5, z * z).unwrap(), z.asin() / z, 1e-14);
    }
}

#[test]
fn polynomial_closed_form() {
    // 2F1(-3, b; c; z) = 1 - 3bz/c + 3b(b+1)z²/(c(c+1)) - b(b+1)(b+2)z³/(c(c+1)(c+2)).
    let (b, c) = (1.5, 2.25);
    for z in [-4.0, -0.5, 0.3, 0.95] {
        let expected = 1.0 - 3.0 * b * z / c + 3.0 * b * (b + 1.0) * z * z / (c * (c + 1.0))
            - b * (b + 1.0) * (b + 2.0) * z * z * z / (c * (c + 1.0) * (c + 2.0));
        assert_relative(hyp2f1(-3.0, b, c, z).unwrap(), expected, 1e-13);
    }
}

#[test]
fn unit_at_zero_argument() {
    assert_eq!(ln_hyp2f1(3.0, 4.0, 5.0, 0.0).unwrap(), (0.0, 1.0));
    assert_eq!(ln_hyp2f1(0.0, 4.0, 5.0, 0.9).unwrap(), (0.0, 1.0));
}

#[test]
fn negative_value_has_negative_sign() {
    // 2F1(1, 1; -1/2; z) = 1 - 2z + … is negative for z near 1.
    let (_, sign) = ln_hyp2f1(1.0, 1.0, -0.5, 0.9).unwrap();
    assert_eq!(sign, -1.0);
    assert!(hyp2f1(1.0, 1.0, -0.5, 0.9).unwrap() < 0.0);
}

#[test]
fn huge_value_stays_finite_in_logs() {
    let (ln_abs, sign) = ln_hyp2f1(500.0, 500.0, 2.0, 0.999_999).unwrap();
    assert!(ln_abs > 709.0, "{ln_abs}");
    assert!(ln_abs.is_finite());
    assert_eq!(sign, 1.0);
}

fn domain_reason(result: Result<(f64, f64), Hyp2f1Error>) -> String {
    match result {
        Err(Hyp2f1Error::Domain { reason, .. }) => reason,
        other => panic!("expected a domain error, got {other:?}"),
    }
}

#[test]
fn domain_error_for_z_at_or_above_one() {
    assert!(domain_reason(ln_hyp2f1(1.0, 1.0, 2.0, 1.0)).contains("z must be less than 1"));
    assert!(domain_reason(ln_hyp2f1(1.0, 1.0, 2.0, 3.5)).contains("z must be less than 1"));
    assert!(domain_reason(ln_hyp2f1(1.0, 1.0, 2.0, f64::INFINITY)).contains("z must be less than 1"));
}

#[test]
fn domain_error_for_nan_and_infinity() {
    assert!(domain_reason(ln_hyp2f1(f64::NAN, 1.0, 2.0, 0.5)).contains("NaN"));
    assert!(domain_reason(ln_hyp2f1(1.0, 1.0, 2.0, f64::NAN)).contains("NaN"));
    assert!(domain_reason(ln_hyp2f1(1.0, f64::INFINITY, 2.0, 0.5)).contains("finite"));
    assert!(domain_reason(ln_hyp2f1(1.0, 1.0, 2.0, f64::NEG_INFINITY)).contains("finite"));
}

#[test]
fn domain_error_for_c_at_pole() {
    for c in [0.0, -1.0, -7.0] {
        assert!(domain_reason(ln_hyp2f1(0.5, 1.5, c, 0.25)).contains("pole"));
    }
    assert!(hyp2f1(0.5, 1.5, -7.000_001, 0.25).is_ok());
}

#[test]
fn domain_error_message_names_arguments() {
    let message = ln_hyp2f1(1.0, 2.0, -3.0, 0.5).unwrap_err().to_string();
    assert!(message.starts_with("2F1(1, 2; -3; 0.5) is outside the supported domain"), "{message}");
}

#[test]
fn no_convergence_when_every_method_cancels() {
    // 2F1 is about 0.05 here. With c near 0 and a, b near 70, the terms of
    // the series in z and in z/(z-1) alternate in sign and exceed the value
    // by many orders of magnitude, so no method reaches the accuracy.
    let result = ln_hyp2f1(
        70.753_300_704_530_99,
        71.036_434_978_112_42,
        0.005_297_913_626_714_832,
        -0.125_987_763_322_198_4,
    );
    assert!(matches!(result, Err(Hyp2f1Error::NoConvergence { .. })), "{result:?}");
}
