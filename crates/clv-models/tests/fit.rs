//! Maximum likelihood fits of problems whose optimum and standard errors
//! are known in closed form or from an independent one-dimensional solve.

use std::sync::atomic::{AtomicU64, Ordering};

use clv_models::fit::{FitError, LogLikelihood, MleFit, maximise};
use clv_models::special::ln_gamma;
use statrs::function::gamma::digamma;

fn assert_relative(actual: f64, expected: f64, tolerance: f64, label: &str) {
    let error = ((actual - expected) / expected).abs();
    assert!(error <= tolerance, "{label}: {actual} vs {expected}, relative error {error:e} > {tolerance:e}");
}

fn assert_absolute(actual: f64, expected: f64, tolerance: f64, label: &str) {
    let error = (actual - expected).abs();
    assert!(error <= tolerance, "{label}: {actual} vs {expected}, error {error:e} > {tolerance:e}");
}

/// Checks that `fit` lies within `epsilon` of the maximum log-likelihood
/// and, as a consequence, within `sqrt(2 epsilon)` standard errors of the
/// optimum in each parameter. On a quadratic log-likelihood the set
/// `LL >= max - epsilon` is the ellipsoid `d^T I d <= 2 epsilon`, whose
/// extent along parameter i is exactly `sqrt(2 epsilon (I^-1)_ii)`. The
/// bound gets 10% slack for the cubic terms of a real log-likelihood.
fn assert_near_optimum(fit: &MleFit, optimum: &[f64], max_log_likelihood: f64, epsilon: f64, errors: &[f64]) {
    assert_absolute(fit.log_likelihood, max_log_likelihood, epsilon, "LL");
    for i in 0..optimum.len() {
        let distance = ((fit.params[i] - optimum[i]) / errors[i]).abs();
        let bound = 1.1 * (2.0 * epsilon).sqrt();
        assert!(
            distance <= bound,
            "param {i}: {} vs {}, {distance:e} > {bound:e} standard errors",
            fit.params[i],
            optimum[i]
        );
    }
}

fn std_error(fit: &MleFit, index: usize) -> f64 {
    fit.std_errors[index].unwrap_or_else(|| panic!("parameter {index} has no standard error: {fit:?}"))
}

fn assert_clean(fit: &MleFit) {
    assert!(fit.log_likelihood.is_finite(), "{fit:?}");
    assert!(fit.params.iter().all(|param| param.is_finite() && *param > 0.0), "{fit:?}");
    assert!(fit.std_errors.iter().flatten().all(|error| error.is_finite() && *error > 0.0), "{fit:?}");
}

/// Finds the root of a function that changes sign once on
/// `[low, high]`, by bisection on the logarithm of the argument.
fn bisect_log(function: impl Fn(f64) -> f64, low: f64, high: f64) -> f64 {
    let (mut low, mut high) = (low.ln(), high.ln());
    let sign_at_low = function(low.exp()).signum();
    assert_ne!(sign_at_low, function(high.exp()).signum(), "no sign change on the bracket");
    for _ in 0..200 {
        let middle = 0.5 * (low + high);
        if function(middle.exp()).signum() == sign_at_low {
            low = middle;
        } else {
            high = middle;
        }
    }
    (0.5 * (low + high)).exp()
}

// ---------------------------------------------------------------------------
// LL(p) = -u^T A u with u = ln(p) - m.
//
// The maximum is at p = e^m with LL = 0. There the Hessian with respect to p
// is -2 diag(1/p) A diag(1/p), so the covariance is diag(p) (2A)^-1 diag(p).

struct LogQuadratic {
    centre: [f64; 2],
    weights: [[f64; 2]; 2],
    analytic: bool,
}

impl LogQuadratic {
    fn offsets(&self, params: &[f64]) -> [f64; 2] {
        [params[0].ln() - self.centre[0], params[1].ln() - self.centre[1]]
    }

    /// Standard errors at the optimum: p_i sqrt(((2A)^-1)_ii).
    fn expected_std_errors(&self) -> [f64; 2] {
        let [[a, b], [c, d]] = self.weights;
        let determinant = a * d - b * c;
        let inverse_diagonal = [d / determinant, a / determinant];
        [0, 1].map(|i| self.centre[i].exp() * (inverse_diagonal[i] / 2.0).sqrt())
    }
}

impl LogLikelihood for LogQuadratic {
    fn dimension(&self) -> usize {
        2
    }

    fn log_likelihood(&self, params: &[f64]) -> f64 {
        let u = self.offsets(params);
        let a = self.weights;
        -(u[0] * (a[0][0] * u[0] + a[0][1] * u[1]) + u[1] * (a[1][0] * u[0] + a[1][1] * u[1]))
    }

    fn gradient(&self, params: &[f64]) -> Option<Vec<f64>> {
        if !self.analytic {
            return None;
        }
        let u = self.offsets(params);
        let a = self.weights;
        let slope = [a[0][0] * u[0] + a[0][1] * u[1], a[1][0] * u[0] + a[1][1] * u[1]];
        Some(vec![-2.0 * slope[0] / params[0], -2.0 * slope[1] / params[1]])
    }
}

const COUPLED_WEIGHTS: [[f64; 2]; 2] = [[2.0, 0.5], [0.5, 1.0]];

#[test]
fn log_quadratic_optimum_and_errors() {
    let problem =
        LogQuadratic { centre: [2.0_f64.ln(), 0.5_f64.ln()], weights: COUPLED_WEIGHTS, analytic: true };
    let fit = maximise(&problem, &[vec![1.0, 1.0], vec![10.0, 0.1]]).unwrap();

    // Optimum e^m and LL = 0 in closed form. Tolerance: the restart from
    // the optimum checks |d LL / d u| = |2 A u| <= 1e-6 max(1, |LL|) = 1e-6,
    // so |u| <= 1e-6 / (2 min eig(A)) ~ 6.3e-7 and |LL| <= max eig(A) |u|^2
    // ~ 9e-13, where u = ln(p) - m is the relative error of p.
    assert_clean(&fit);
    assert!(fit.converged, "{fit:?}");
    assert_relative(fit.params[0], 2.0, 1e-6, "p0");
    assert_relative(fit.params[1], 0.5, 1e-6, "p1");
    assert_absolute(fit.log_likelihood, 0.0, 1e-12, "LL");

    // Closed-form standard errors. Tolerance: differences of the analytic
    // gradient at relative step 6e-6 are accurate to about 1e-9.
    let expected = problem.expected_std_errors();
    assert_relative(std_error(&fit, 0), expected[0], 1e-6, "se p0");
    assert_relative(std_error(&fit, 1), expected[1], 1e-6, "se p1");
}

#[test]
fn log_quadratic_numerical_gradient() {
    let analytic =
        LogQuadratic { centre: [2.0_f64.ln(), 0.5_f64.ln()], weights: COUPLED_WEIGHTS, analytic: true };
    let numerical = LogQuadratic { analytic: false, ..analytic };
    let starts = [vec![1.0, 1.0]];
    let with_gradient = maximise(&analytic, &starts).unwrap();
    let without_gradient = maximise(&numerical, &starts).unwrap();

    // Both fits meet the tolerances of `log_quadratic_optimum_and_errors`,
    // and central differences of step 6e-6 in ln(p) are accurate to ~1e-10.
    assert_clean(&without_gradient);
    assert!(without_gradient.converged, "{without_gradient:?}");
    for i in 0..2 {
        assert_relative(without_gradient.params[i], with_gradient.params[i], 1e-6, "params");
    }
    assert_absolute(without_gradient.log_likelihood, with_gradient.log_likelihood, 1e-6, "LL");

    // Second differences of LL at relative step 1.2e-4 are exact on a
    // quadratic in p up to rounding, but this LL is quadratic in ln(p), so
    // their truncation error is O(step^2) ~ 1e-8 relative.
    let expected = numerical.expected_std_errors();
    assert_relative(std_error(&without_gradient, 0), expected[0], 1e-6, "se p0");
    assert_relative(std_error(&without_gradient, 1), expected[1], 1e-6, "se p1");
}

// ---------------------------------------------------------------------------
// NBD (Poisson-gamma) counts over one unit of time.
//
// P(X = x) = Gamma(r + x) / (Gamma(r) x!) (alpha / (alpha + 1))^r (alpha + 1)^-x.
// The score for alpha gives alpha = r / mean(x), and the score for r then
// reduces to the one-dimensional equation
// sum_i sum_{k < x_i} 1 / (r + k) = n ln(1 + mean(x) / r),
// which the test solves by bisection.

struct Nbd {
    /// (count, number of customers with that count)
    counts: Vec<(u32, f64)>,
    analytic: bool,
}

impl Nbd {
    fn example(analytic: bool) -> Self {
        let counts = vec![(0, 50.0), (1, 30.0), (2, 15.0), (3, 8.0), (4, 5.0), (5, 3.0), (8, 2.0), (12, 1.0)];
        Self { counts, analytic }
    }

    fn customers(&self) -> f64 {
        self.counts.iter().map(|(_, weight)| weight).sum()
    }

    fn mean(&self) -> f64 {
        self.counts.iter().map(|(count, weight)| f64::from(*count) * weight).sum::<f64>() / self.customers()
    }

    /// sum_{k < x} 1 / (r + k)^power, which is psi(r + x) - psi(r) for power 1.
    fn harmonic(r: f64, count: u32, power: i32) -> f64 {
        (0..count).map(|k| (r + f64::from(k)).powi(-power)).sum()
    }

    fn optimum(&self) -> [f64; 2] {
        let n = self.customers();
        let mean = self.mean();
        let score = |r: f64| {
            let left: f64 =
                self.counts.iter().map(|(count, weight)| weight * Self::harmonic(r, *count, 1)).sum();
            left - n * (1.0 + mean / r).ln()
        };
        let r = bisect_log(score, 1e-6, 1e6);
        [r, r / mean]
    }

    /// Standard errors from the closed-form second derivatives at `params`.
    fn std_errors(&self, params: [f64; 2]) -> [f64; 2] {
        let [r, alpha] = params;
        let mut hessian = [[0.0; 2]; 2];
        for (count, weight) in &self.counts {
            let x = f64::from(*count);
            hessian[0][0] -= weight * Self::harmonic(r, *count, 2);
            hessian[0][1] += weight * (1.0 / alpha - 1.0 / (alpha + 1.0));
            hessian[1][1] += weight * (-r / alpha.powi(2) + (r + x) / (alpha + 1.0).powi(2));
        }
        let determinant = hessian[0][0] * hessian[1][1] - hessian[0][1].powi(2);
        [(-hessian[1][1] / determinant).sqrt(), (-hessian[0][0] / determinant).sqrt()]
    }
}

impl LogLikelihood for Nbd {
    fn dimension(&self) -> usize {
        2
    }

    fn log_likelihood(&self, params: &[f64]) -> f64 {
        let (r, alpha) = (params[0], params[1]);
        self.counts
            .iter()
            .map(|(count, weight)| {
                let x = f64::from(*count);
                weight
                    * (ln_gamma(r + x) - ln_gamma(r) - ln_gamma(x + 1.0) + r * (alpha / (alpha + 1.0)).ln()
                        - x * (alpha + 1.0).ln())
            })
            .sum()
    }

    fn gradient(&self, params: &[f64]) -> Option<Vec<f64>> {
        if !self.analytic {
            return None;
        }
        let (r, alpha) = (params[0], params[1]);
        let mut gradient = vec![0.0; 2];
        for (count, weight) in &self.counts {
            let x = f64::from(*count);
            gradient[0] += weight * (Self::harmonic(r, *count, 1) + (alpha / (alpha + 1.0)).ln());
            gradient[1] += weight * (r / alpha - (r + x) / (alpha + 1.0));
        }
        Some(gradient)
    }
}

const NBD_STARTS: [[f64; 2]; 3] = [[1.0, 1.0], [0.1, 10.0], [5.0, 0.2]];

fn nbd_starts() -> Vec<Vec<f64>> {
    NBD_STARTS.iter().map(|start| start.to_vec()).collect()
}

#[test]
fn nbd_matches_profile_solution() {
    let problem = Nbd::example(true);
    let fit = maximise(&problem, &nbd_starts()).unwrap();
    let expected = problem.optimum();

    // The optimum comes from bisection on the profile score to machine
    // precision. Tolerance: LL within 1e-8 of the maximum (LL ~ -179, so
    // 6e-11 relative), well inside the 1e-6 that `converged` allows between
    // the best start and its restart.
    assert_clean(&fit);
    assert!(fit.converged, "{fit:?}");
    assert!(fit.iterations > 0);
    let expected_errors = problem.std_errors(expected);
    assert_near_optimum(&fit, &expected, problem.log_likelihood(&expected), 1e-8, &expected_errors);

    // Closed-form observed information at the fitted point. Tolerance:
    // gradient differences are accurate to ~1e-9 relative.
    let fitted_errors = problem.std_errors([fit.params[0], fit.params[1]]);
    assert_relative(std_error(&fit, 0), fitted_errors[0], 1e-6, "se r");
    assert_relative(std_error(&fit, 1), fitted_errors[1], 1e-6, "se alpha");
}

#[test]
fn nbd_numerical_gradient() {
    let analytic = maximise(&Nbd::example(true), &nbd_starts()).unwrap();
    let numerical_problem = Nbd::example(false);
    let numerical = maximise(&numerical_problem, &nbd_starts()).unwrap();

    // Both paths reach the same optimum. Tolerance: LL within 1e-8 of each
    // other, as each is of the maximum in `nbd_matches_profile_solution`,
    // so params within 2 sqrt(2e-8) standard errors of each other.
    assert_clean(&numerical);
    assert!(numerical.converged, "{numerical:?}");
    let errors = numerical_problem.std_errors(numerical_problem.optimum());
    assert_near_optimum(
        &numerical,
        &analytic.params,
        analytic.log_likelihood,
        1e-8,
        &errors.map(|e| 2.0 * e),
    );

    // Second differences of LL ~ -180 at relative step 1.2e-4: rounding
    // ~ 2e-16 * 180 / 1.5e-8 ~ 3e-6 absolute on information entries of
    // order 10 to 100, truncation ~ 1e-8 relative.
    let expected_errors = numerical_problem.std_errors([numerical.params[0], numerical.params[1]]);
    assert_relative(std_error(&numerical, 0), expected_errors[0], 1e-5, "se r");
    assert_relative(std_error(&numerical, 1), expected_errors[1], 1e-5, "se alpha");
}

// ---------------------------------------------------------------------------
// Non-finite regions.

/// LL(p) = -w0 ln(p0)^2 - w1 ln(p1)^2, maximal at (1, 1), but NaN where
/// p0 > 1.05 and negative infinity where p1 < 0.95.
struct Walled {
    analytic: bool,
    non_finite: AtomicU64,
}

const WALL_WEIGHTS: [f64; 2] = [1e4, 1.0];

impl LogLikelihood for Walled {
    fn dimension(&self) -> usize {
        2
    }

    fn log_likelihood(&self, params: &[f64]) -> f64 {
        if params[0] > 1.05 {
            self.non_finite.fetch_add(1, Ordering::Relaxed);
            return f64::NAN;
        }
        if params[1] < 0.95 {
            self.non_finite.fetch_add(1, Ordering::Relaxed);
            return f64::NEG_INFINITY;
        }
        -WALL_WEIGHTS[0] * params[0].ln().powi(2) - WALL_WEIGHTS[1] * params[1].ln().powi(2)
    }

    fn gradient(&self, params: &[f64]) -> Option<Vec<f64>> {
        if !self.analytic {
            return None;
        }
        if params[0] > 1.05 || params[1] < 0.95 {
            return Some(vec![f64::NAN; 2]);
        }
        Some((0..2).map(|i| -2.0 * WALL_WEIGHTS[i] * params[i].ln() / params[i]).collect())
    }
}

#[test]
fn non_finite_region_is_avoided() {
    for analytic in [true, false] {
        let problem = Walled { analytic, non_finite: AtomicU64::new(0) };
        // From (0.97, 20) the first steepest-descent step moves ln(p0) by
        // the maximum of 5, far into the NaN region.
        let fit = maximise(&problem, &[vec![0.97, 20.0]]).unwrap();

        assert!(problem.non_finite.load(Ordering::Relaxed) > 0, "the search never met the NaN region");
        assert_clean(&fit);
        assert!(fit.converged, "analytic {analytic}: {fit:?}");
        // Closed-form optimum (1, 1). Tolerance: the restart checks
        // |d LL / d ln(p_i)| = |2 w_i ln(p_i)| <= 1e-6, so the relative error
        // of p_i is at most 1e-6 / (2 w_i) <= 5e-7.
        assert_relative(fit.params[0], 1.0, 1e-6, "p0");
        assert_relative(fit.params[1], 1.0, 1e-6, "p1");
        // Closed-form standard errors 1 / sqrt(2 w_i). Tolerance: that of
        // second differences when there is no analytic gradient.
        for (i, weight) in WALL_WEIGHTS.iter().enumerate() {
            assert_relative(std_error(&fit, i), 1.0 / (2.0 * weight).sqrt(), 1e-5, &format!("se {i}"));
        }
    }
}

#[test]
fn non_finite_starts_are_skipped() {
    let problem = Walled { analytic: true, non_finite: AtomicU64::new(0) };
    let fit = maximise(&problem, &[vec![2.0, 1.0], vec![1.0, 0.5], vec![0.5, 3.0]]).unwrap();

    // Tolerance as in `non_finite_region_is_avoided`.
    assert_clean(&fit);
    assert!(fit.converged, "{fit:?}");
    assert_relative(fit.params[0], 1.0, 1e-6, "p0");
    assert_relative(fit.params[1], 1.0, 1e-6, "p1");
}

struct NowhereFinite;

impl LogLikelihood for NowhereFinite {
    fn dimension(&self) -> usize {
        2
    }

    fn log_likelihood(&self, params: &[f64]) -> f64 {
        if params[0] < 1.0 { f64::NEG_INFINITY } else { f64::NAN }
    }
}

#[test]
fn no_finite_start() {
    let result = maximise(&NowhereFinite, &[vec![0.5, 1.0], vec![2.0, 1.0]]);
    assert_eq!(result, Err(FitError::NoFiniteStart));
}

#[test]
fn no_starts() {
    let problem = Nbd::example(true);
    assert_eq!(maximise(&problem, &[]), Err(FitError::NoFiniteStart));
}

#[test]
fn invalid_starts() {
    let problem = Nbd::example(true);
    let cases = [vec![1.0], vec![1.0, 0.0], vec![1.0, -2.0], vec![f64::NAN, 1.0], vec![1.0, f64::INFINITY]];
    for start in cases {
        let result = maximise(&problem, &[vec![1.0, 1.0], start.clone()]);
        assert!(matches!(result, Err(FitError::InvalidStart { index: 1, .. })), "{start:?}: {result:?}");
    }
}

// ---------------------------------------------------------------------------
// Failures of the line search, which hand over to Nelder-Mead.

/// LL(p) = -(ln p - 1)^2 with a gradient of the wrong sign, so that every
/// L-BFGS search direction goes uphill in the true log-likelihood.
struct WrongGradient;

impl LogLikelihood for WrongGradient {
    fn dimension(&self) -> usize {
        1
    }

    fn log_likelihood(&self, params: &[f64]) -> f64 {
        -(params[0].ln() - 1.0).powi(2)
    }

    fn gradient(&self, params: &[f64]) -> Option<Vec<f64>> {
        Some(vec![2.0 * (params[0].ln() - 1.0) / params[0]])
    }
}

#[test]
fn wrong_gradient_falls_back_to_simplex() {
    let fit = maximise(&WrongGradient, &[vec![20.0]]).unwrap();

    // Nelder-Mead stops when LL varies by less than 1e-12 over its simplex,
    // so ln p is within about sqrt(1e-12) = 1e-6 of 1.
    assert!(fit.log_likelihood.is_finite(), "{fit:?}");
    assert!(fit.params[0].is_finite(), "{fit:?}");
    assert_absolute(fit.params[0].ln(), 1.0, 1e-5, "ln p");
    assert_absolute(fit.log_likelihood, 0.0, 1e-10, "LL");
}

/// LL(p) = -(ln p - 1)^2 plus deterministic noise of up to 1e-6, as from a
/// likelihood computed by numerical integration. The noise hides every
/// improvement smaller than itself from the line search, makes numerical
/// gradients useless near the optimum, and keeps the Nelder-Mead simplex
/// from ever flattening below 1e-12.
struct Noisy;

impl Noisy {
    fn noise(param: f64) -> f64 {
        let mixed = param.to_bits().wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 11;
        1e-6 * mixed as f64 / (1_u64 << 53) as f64
    }
}

impl LogLikelihood for Noisy {
    fn dimension(&self) -> usize {
        1
    }

    fn log_likelihood(&self, params: &[f64]) -> f64 {
        -(params[0].ln() - 1.0).powi(2) - Self::noise(params[0])
    }
}

#[test]
fn noisy_likelihood_is_not_converged() {
    let fit = maximise(&Noisy, &[vec![20.0]]).unwrap();

    assert!(!fit.converged, "{fit:?}");
    assert!(fit.iterations >= 1000, "Nelder-Mead should reach its iteration limit: {fit:?}");
    assert_clean(&fit);
    // Within the noise: (ln p - 1)^2 <= 1e-6 where LL >= -1e-6.
    assert_absolute(fit.params[0].ln(), 1.0, 1e-3, "ln p");
}

// ---------------------------------------------------------------------------
// Several starts on a likelihood with two local maxima.

/// LL(p) = ln(0.2 exp(-(ln p - 2)^2) + exp(-(ln p + 2)^2)): a local maximum
/// near ln p = 2 and the global one near ln p = -2.
struct TwoPeaks;

impl LogLikelihood for TwoPeaks {
    fn dimension(&self) -> usize {
        1
    }

    fn log_likelihood(&self, params: &[f64]) -> f64 {
        let theta = params[0].ln();
        (0.2 * (-(theta - 2.0).powi(2)).exp() + (-(theta + 2.0).powi(2)).exp()).ln()
    }
}

#[test]
fn best_start_wins() {
    // At each peak the other term is e^-16 times its weight, and it moves
    // the peak by ~1e-7 in ln p, so the peak values are ln(0.2 + e^-16) and
    // ln(1 + 0.2 e^-16) up to ~1e-13. Tolerance: 1e-9 for the stopping rules
    // with |LL| <= 1.6, where the gradient tolerance 1.6e-6 over a curvature
    // of 2 leaves LL within ~1e-12 of the peak.
    let local = maximise(&TwoPeaks, &[vec![5.0_f64.exp()]]).unwrap();
    assert_absolute(local.log_likelihood, (0.2 + (-16.0_f64).exp()).ln(), 1e-9, "local LL");

    let global = maximise(&TwoPeaks, &[vec![5.0_f64.exp()], vec![(-4.0_f64).exp()]]).unwrap();
    assert!(global.converged, "{global:?}");
    assert_absolute(global.log_likelihood, (0.2 * (-16.0_f64).exp()).ln_1p(), 1e-9, "global LL");
    assert_absolute(global.params[0].ln(), -2.0, 1e-6, "ln p");
}

// ---------------------------------------------------------------------------
// Badly scaled: a gamma sample (shape k ~ 2, rate beta ~ 1e-3) and an
// independent Poisson sample (rate lambda ~ 1e3) in one likelihood.
//
// lambda = mean count and beta = k / mean(y) in closed form, and k solves
// ln k - psi(k) = ln mean(y) - mean(ln y), which the test solves by
// bisection. The information is block diagonal:
// n_y [[psi'(k), -1/beta], [-1/beta, k/beta^2]] and n_x / lambda.

const AMOUNTS: [f64; 12] =
    [850.0, 1320.0, 2210.0, 640.0, 3100.0, 1780.0, 2450.0, 960.0, 1500.0, 4020.0, 1150.0, 2730.0];
const COUNTS: [f64; 8] = [980.0, 1012.0, 1043.0, 995.0, 1021.0, 967.0, 1008.0, 1030.0];

struct GammaPoisson {
    analytic: bool,
}

fn mean(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len() as f64
}

/// psi'(x) by the recurrence psi'(x) = psi'(x + 1) + 1 / x^2 up to x >= 20,
/// then the asymptotic series, whose next term is below 1e-14 there.
fn trigamma(mut x: f64) -> f64 {
    let mut sum = 0.0;
    while x < 20.0 {
        sum += 1.0 / (x * x);
        x += 1.0;
    }
    let inverse = 1.0 / x;
    let inverse_squared = inverse * inverse;
    sum + inverse
        + inverse_squared / 2.0
        + inverse * inverse_squared * (1.0 / 6.0 - inverse_squared * (1.0 / 30.0 - inverse_squared / 42.0))
}

impl LogLikelihood for GammaPoisson {
    fn dimension(&self) -> usize {
        3
    }

    fn log_likelihood(&self, params: &[f64]) -> f64 {
        let (k, beta, lambda) = (params[0], params[1], params[2]);
        let gamma: f64 =
            AMOUNTS.iter().map(|y| k * beta.ln() - ln_gamma(k) + (k - 1.0) * y.ln() - beta * y).sum();
        let poisson: f64 = COUNTS.iter().map(|x| x * lambda.ln() - lambda - ln_gamma(x + 1.0)).sum();
        gamma + poisson
    }

    fn gradient(&self, params: &[f64]) -> Option<Vec<f64>> {
        if !self.analytic {
            return None;
        }
        let (k, beta, lambda) = (params[0], params[1], params[2]);
        let n = AMOUNTS.len() as f64;
        let sum_log: f64 = AMOUNTS.iter().map(|y| y.ln()).sum();
        let sum: f64 = AMOUNTS.iter().sum();
        let counts: f64 = COUNTS.iter().sum();
        Some(vec![
            n * beta.ln() - n * digamma(k) + sum_log,
            n * k / beta - sum,
            counts / lambda - COUNTS.len() as f64,
        ])
    }
}

fn gamma_poisson_optimum() -> [f64; 3] {
    let mean_amount = mean(&AMOUNTS);
    let mean_log = AMOUNTS.iter().map(|y| y.ln()).sum::<f64>() / AMOUNTS.len() as f64;
    let target = mean_amount.ln() - mean_log;
    let k = bisect_log(|k| k.ln() - digamma(k) - target, 1e-3, 1e3);
    [k, k / mean_amount, mean(&COUNTS)]
}

fn gamma_poisson_std_errors(params: [f64; 3]) -> [f64; 3] {
    let [k, beta, lambda] = params;
    let n = AMOUNTS.len() as f64;
    let denominator = n * (k * trigamma(k) - 1.0);
    [
        (k / denominator).sqrt(),
        (trigamma(k) * beta * beta / denominator).sqrt(),
        (lambda / COUNTS.len() as f64).sqrt(),
    ]
}

#[test]
fn badly_scaled_problem() {
    let optimum = gamma_poisson_optimum();
    assert!(optimum[1] < 2e-3, "the rate beta is not small: {optimum:?}");
    assert!(optimum[2] > 9e2, "the rate lambda is not large: {optimum:?}");

    for analytic in [true, false] {
        let problem = GammaPoisson { analytic };
        let fit = maximise(&problem, &[vec![1.0, 1.0, 1.0]]).unwrap();

        // Tolerance: LL within 1e-8 of the maximum, as for the NBD, with
        // LL ~ -136. The shape and rate lie on a ridge, correlated 0.93, so
        // this is the test where the stopping rules matter most.
        assert_clean(&fit);
        assert!(fit.converged, "analytic {analytic}: {fit:?}");
        let expected_errors = gamma_poisson_std_errors(optimum);
        assert_near_optimum(&fit, &optimum, problem.log_likelihood(&optimum), 1e-8, &expected_errors);

        // Closed-form information at the fitted point. Tolerance as in the
        // NBD tests for the numerical path.
        let expected = gamma_poisson_std_errors([fit.params[0], fit.params[1], fit.params[2]]);
        for (i, expected_error) in expected.iter().enumerate() {
            let label = format!("analytic {analytic}, se {i}");
            assert_relative(std_error(&fit, i), *expected_error, 1e-5, &label);
        }
    }
}
