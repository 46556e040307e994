//! Observed information by finite differences in the natural parameters.

use super::LogLikelihood;

/// Relative step for differences of the gradient: the cube root of machine
/// epsilon, which balances truncation against rounding for first
/// differences of a central kind.
const GRADIENT_DIFFERENCE_STEP: f64 = 6.055_454_452_393_343e-6;

/// Relative step for second differences of the log-likelihood: the fourth
/// root of machine epsilon, for the same balance when the step is squared.
const VALUE_DIFFERENCE_STEP: f64 = 1.220_703_125e-4;

/// Computes the observed information, the negative Hessian of the
/// log-likelihood with respect to the natural parameters, at `params`.
///
/// Uses the likelihood's analytic Hessian when it has one, else central
/// differences of the analytic gradient when the likelihood provides one at
/// every probe point, else second differences of the log-likelihood. The
/// result is symmetrised. Entries are NaN or infinite where a probe point
/// has no finite value, and callers must check them.
pub(super) fn observed_information(likelihood: &dyn LogLikelihood, params: &[f64]) -> Vec<Vec<f64>> {
    analytic_information(likelihood, params).unwrap_or_else(|| {
        let hessian = gradient_difference_hessian(likelihood, params)
            .unwrap_or_else(|| value_difference_hessian(likelihood, params));
        negated_symmetric(&hessian)
    })
}

/// Computes the observed information from the likelihood's analytic
/// Hessian, or returns `None` when it has none of the right shape.
pub(super) fn analytic_information(likelihood: &dyn LogLikelihood, params: &[f64]) -> Option<Vec<Vec<f64>>> {
    let dimension = params.len();
    let hessian = likelihood.hessian(params)?;
    let square = hessian.len() == dimension && hessian.iter().all(|row| row.len() == dimension);
    square.then(|| negated_symmetric(&hessian))
}

/// Returns `-(H + Hᵀ) / 2`.
fn negated_symmetric(hessian: &[Vec<f64>]) -> Vec<Vec<f64>> {
    let dimension = hessian.len();
    let mut information = vec![vec![0.0; dimension]; dimension];
    for i in 0..dimension {
        for j in 0..dimension {
            information[i][j] = -0.5 * (hessian[i][j] + hessian[j][i]);
        }
    }
    information
}

/// Returns the point `params` with parameter `index` set to `value`.
fn moved(params: &[f64], index: usize, value: f64) -> Vec<f64> {
    let mut point = params.to_vec();
    point[index] = value;
    point
}

/// Builds the Hessian column by column from central differences of the
/// gradient, or returns `None` when the likelihood has no analytic gradient
/// at a probe point.
fn gradient_difference_hessian(likelihood: &dyn LogLikelihood, params: &[f64]) -> Option<Vec<Vec<f64>>> {
    let dimension = params.len();
    let mut hessian = vec![vec![0.0; dimension]; dimension];

    for j in 0..dimension {
        let forward = params[j] * (1.0 + GRADIENT_DIFFERENCE_STEP);
        let backward = params[j] * (1.0 - GRADIENT_DIFFERENCE_STEP);
        let forward_gradient = likelihood.gradient(&moved(params, j, forward))?;
        let backward_gradient = likelihood.gradient(&moved(params, j, backward))?;
        if forward_gradient.len() != dimension || backward_gradient.len() != dimension {
            return None;
        }
        for i in 0..dimension {
            hessian[i][j] = (forward_gradient[i] - backward_gradient[i]) / (forward - backward);
        }
    }
    Some(hessian)
}

/// Builds the Hessian from second differences of the log-likelihood, with
/// a step `h_i` relative to each parameter: `(f(+h) - 2 f + f(-h)) / h^2`
/// on the diagonal, `(f(++) - f(+-) - f(-+) + f(--)) / (4 h_i h_j)` off it.
/// This takes `1 + 2 n^2` evaluations for `n` parameters.
fn value_difference_hessian(likelihood: &dyn LogLikelihood, params: &[f64]) -> Vec<Vec<f64>> {
    let dimension = params.len();
    let centre = likelihood.log_likelihood(params);

    // Rounded so that `param + h - param == h` exactly.
    let steps: Vec<f64> = params
        .iter()
        .map(|param| {
            let step = param * VALUE_DIFFERENCE_STEP;
            (param + step) - param
        })
        .collect();
    let value_at = |offsets: &[(usize, f64)]| {
        let mut point = params.to_vec();
        for &(index, offset) in offsets {
            point[index] += offset;
        }
        likelihood.log_likelihood(&point)
    };

    let mut hessian = vec![vec![0.0; dimension]; dimension];
    for i in 0..dimension {
        let h = steps[i];
        let forward = value_at(&[(i, h)]);
        let backward = value_at(&[(i, -h)]);
        hessian[i][i] = (forward - 2.0 * centre + backward) / (h * h);

        for j in 0..i {
            let k = steps[j];
            let both_up = value_at(&[(i, h), (j, k)]);
            let up_down = value_at(&[(i, h), (j, -k)]);
            let down_up = value_at(&[(i, -h), (j, k)]);
            let both_down = value_at(&[(i, -h), (j, -k)]);
            let mixed = (both_up - up_down - down_up + both_down) / (4.0 * h * k);
            hessian[i][j] = mixed;
            hessian[j][i] = mixed;
        }
    }
    hessian
}

#[cfg(test)]
mod tests {
    use super::*;

    /// LL(a, b) = -(a - 2)^2 - 3 (b - 5)^2 + a b, a quadratic whose Hessian
    /// is [[-2, 1], [1, -6]] everywhere.
    struct Quadratic {
        analytic: bool,
    }

    impl LogLikelihood for Quadratic {
        fn dimension(&self) -> usize {
            2
        }

        fn log_likelihood(&self, params: &[f64]) -> f64 {
            let (a, b) = (params[0], params[1]);
            -(a - 2.0).powi(2) - 3.0 * (b - 5.0).powi(2) + a * b
        }

        fn gradient(&self, params: &[f64]) -> Option<Vec<f64>> {
            let (a, b) = (params[0], params[1]);
            self.analytic.then(|| vec![-2.0 * (a - 2.0) + b, -6.0 * (b - 5.0) + a])
        }
    }

    #[test]
    fn steps_are_roots_of_epsilon() {
        assert!((GRADIENT_DIFFERENCE_STEP - f64::EPSILON.cbrt()).abs() < 1e-20);
        assert!((VALUE_DIFFERENCE_STEP - f64::EPSILON.sqrt().sqrt()).abs() < 1e-20);
    }

    #[test]
    fn information_of_quadratic() {
        // Both difference schemes are exact on a quadratic up to rounding.
        // Tolerance: rounding of LL ~ 30 at relative steps 1.2e-4, about 1e-7.
        let expected = [[2.0, -1.0], [-1.0, 6.0]];
        for analytic in [true, false] {
            let information = observed_information(&Quadratic { analytic }, &[1.5, 4.0]);
            for i in 0..2 {
                for j in 0..2 {
                    let error = (information[i][j] - expected[i][j]).abs();
                    assert!(error < 1e-6, "analytic {analytic}, entry ({i}, {j}): {}", information[i][j]);
                }
            }
        }
    }

    #[test]
    fn information_is_symmetric() {
        let information = observed_information(&Quadratic { analytic: true }, &[0.3, 7.0]);
        assert_eq!(information[0][1], information[1][0]);
    }
}
