//! The negative log-likelihood over log-parameters, as an `argmin` problem.

use std::cell::{Cell, RefCell};

use argmin::core::{CostFunction, Error, Gradient};

use super::LogLikelihood;

/// Step of the central differences in log-parameter space. A step `h` in
/// `ln p` is a relative step of about `h` in `p`, so the step scales with the
/// parameter. The cube root of machine epsilon balances the truncation error
/// of central differences against rounding.
const GRADIENT_STEP: f64 = 6.055_454_452_393_343e-6;

/// A point in log-parameter space and its log-likelihood.
#[derive(Clone, Debug)]
pub(super) struct Point {
    pub theta: Vec<f64>,
    pub log_likelihood: f64,
}

/// Bookkeeping of one optimiser run that outlives the `argmin` executor,
/// which takes ownership of the problem and drops it when it returns an error.
#[derive(Debug)]
pub(super) struct RunRecord {
    best: RefCell<Point>,
    evaluations: Cell<u64>,
}

impl RunRecord {
    /// Starts a record at a point whose log-likelihood is finite.
    pub fn new(start: Point) -> Self {
        Self { best: RefCell::new(start), evaluations: Cell::new(0) }
    }

    /// Best point passed to the cost function so far.
    pub fn best(&self) -> Point {
        self.best.borrow().clone()
    }

    /// Number of log-likelihood evaluations requested, including those of
    /// numerical gradients.
    pub fn evaluations(&self) -> u64 {
        self.evaluations.get()
    }
}

/// Minimisation problem over `theta = ln(params)`.
///
/// The cost is `-LL / scale`, so that the absolute tolerances of the
/// optimiser act as tolerances relative to the size of the log-likelihood.
/// A point where the log-likelihood is NaN, infinite or where `exp(theta)`
/// leaves the positive finite numbers costs `+inf`, and its gradient is an
/// error, so that the line search treats it as worse than any finite point.
pub(super) struct LogObjective<'a> {
    likelihood: &'a dyn LogLikelihood,
    scale: f64,
    record: &'a RunRecord,
    // One-entry caches, because the line search evaluates the cost and the
    // gradient at each trial point and L-BFGS requests the gradient of
    // the accepted point again.
    last_cost: RefCell<Option<(Vec<f64>, f64)>>,
    last_gradient: RefCell<Option<(Vec<f64>, Vec<f64>)>>,
}

impl<'a> LogObjective<'a> {
    /// Builds the problem. `scale` must be positive and finite.
    pub fn new(likelihood: &'a dyn LogLikelihood, scale: f64, record: &'a RunRecord) -> Self {
        debug_assert!(scale > 0.0 && scale.is_finite(), "invalid cost scale {scale}");
        Self { likelihood, scale, record, last_cost: RefCell::new(None), last_gradient: RefCell::new(None) }
    }

    /// Computes the log-likelihood at `exp(theta)` as [`finite_log_likelihood`]
    /// does, and counts the request.
    fn log_likelihood(&self, theta: &[f64]) -> f64 {
        self.record.evaluations.set(self.record.evaluations.get() + 1);
        finite_log_likelihood(self.likelihood, theta)
    }

    /// Computes the gradient of the cost with respect to `theta`.
    fn cost_gradient(&self, theta: &[f64]) -> Result<Vec<f64>, Error> {
        let params = natural_params(theta)
            .ok_or_else(|| Error::msg(format!("parameters exp({theta:?}) are not positive and finite")))?;

        let gradient = match self.likelihood.gradient(&params) {
            Some(gradient) => {
                if gradient.len() != params.len() {
                    return Err(Error::msg(format!(
                        "the likelihood's gradient has {} entries, but the likelihood has {} parameters",
                        gradient.len(),
                        params.len()
                    )));
                }
                // Chain rule: d LL / d theta_i = p_i * d LL / d p_i.
                params.iter().zip(&gradient).map(|(param, slope)| param * slope).collect()
            }
            None => self.numerical_gradient(theta),
        };

        if let Some(index) = gradient.iter().position(|slope: &f64| !slope.is_finite()) {
            return Err(Error::msg(format!(
                "the gradient of the log-likelihood at parameters {params:?} is not finite in entry {index}"
            )));
        }
        Ok(gradient.iter().map(|slope| -slope / self.scale).collect())
    }

    /// Computes d LL / d theta by central differences, or by a one-sided
    /// difference next to a point where the log-likelihood is not finite.
    /// An entry is NaN when neither works.
    fn numerical_gradient(&self, theta: &[f64]) -> Vec<f64> {
        let mut centre = None;
        let mut probe = theta.to_vec();
        let mut gradient = Vec::with_capacity(theta.len());

        for i in 0..theta.len() {
            let forward = theta[i] + GRADIENT_STEP;
            let backward = theta[i] - GRADIENT_STEP;
            probe[i] = forward;
            let forward_value = self.log_likelihood(&probe);
            probe[i] = backward;
            let backward_value = self.log_likelihood(&probe);
            probe[i] = theta[i];

            let slope = match (forward_value.is_finite(), backward_value.is_finite()) {
                (true, true) => (forward_value - backward_value) / (forward - backward),
                (forward_finite, _) => {
                    let centre_value = *centre.get_or_insert_with(|| self.log_likelihood(theta));
                    if forward_finite {
                        (forward_value - centre_value) / (forward - theta[i])
                    } else {
                        (centre_value - backward_value) / (theta[i] - backward)
                    }
                }
            };
            gradient.push(slope);
        }
        gradient
    }
}

impl CostFunction for LogObjective<'_> {
    type Param = Vec<f64>;
    type Output = f64;

    fn cost(&self, theta: &Vec<f64>) -> Result<f64, Error> {
        if let Some((cached_theta, cost)) = self.last_cost.borrow().as_ref() {
            if cached_theta == theta {
                return Ok(*cost);
            }
        }

        let log_likelihood = self.log_likelihood(theta);
        let cost = if log_likelihood.is_finite() {
            let mut best = self.record.best.borrow_mut();
            if log_likelihood > best.log_likelihood {
                *best = Point { theta: theta.clone(), log_likelihood };
            }
            -log_likelihood / self.scale
        } else {
            f64::INFINITY
        };

        *self.last_cost.borrow_mut() = Some((theta.clone(), cost));
        Ok(cost)
    }
}

impl Gradient for LogObjective<'_> {
    type Param = Vec<f64>;
    type Gradient = Vec<f64>;

    fn gradient(&self, theta: &Vec<f64>) -> Result<Vec<f64>, Error> {
        if let Some((cached_theta, gradient)) = self.last_gradient.borrow().as_ref() {
            if cached_theta == theta {
                return Ok(gradient.clone());
            }
        }

        let gradient = self.cost_gradient(theta)?;
        *self.last_gradient.borrow_mut() = Some((theta.clone(), gradient.clone()));
        Ok(gradient)
    }
}

/// Maps `theta` to `exp(theta)`, or `None` when an entry underflows to zero,
/// overflows or is NaN.
pub(super) fn natural_params(theta: &[f64]) -> Option<Vec<f64>> {
    let params: Vec<f64> = theta.iter().map(|value| value.exp()).collect();
    params.iter().all(|param| *param > 0.0 && param.is_finite()).then_some(params)
}

/// Computes the log-likelihood at `exp(theta)`. Returns negative infinity
/// where the parameters or the value are not finite, and for a value of
/// positive infinity, which no proper likelihood reaches.
pub(super) fn finite_log_likelihood(likelihood: &dyn LogLikelihood, theta: &[f64]) -> f64 {
    let Some(params) = natural_params(theta) else {
        return f64::NEG_INFINITY;
    };
    let value = likelihood.log_likelihood(&params);
    if value.is_finite() { value } else { f64::NEG_INFINITY }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// LL(a, b) = -(a - 1)^2 - a b^2, NaN where a > 3.
    struct Bowl {
        analytic: bool,
    }

    impl LogLikelihood for Bowl {
        fn dimension(&self) -> usize {
            2
        }

        fn log_likelihood(&self, params: &[f64]) -> f64 {
            let (a, b) = (params[0], params[1]);
            if a > 3.0 { f64::NAN } else { -(a - 1.0).powi(2) - a * b * b }
        }

        fn gradient(&self, params: &[f64]) -> Option<Vec<f64>> {
            let (a, b) = (params[0], params[1]);
            self.analytic.then(|| vec![-2.0 * (a - 1.0) - b * b, -2.0 * a * b])
        }
    }

    fn start_record(likelihood: &dyn LogLikelihood, theta: &[f64]) -> RunRecord {
        RunRecord::new(Point {
            theta: theta.to_vec(),
            log_likelihood: finite_log_likelihood(likelihood, theta),
        })
    }

    #[test]
    fn gradient_step_is_cube_root_of_epsilon() {
        assert!((GRADIENT_STEP - f64::EPSILON.cbrt()).abs() < 1e-20);
    }

    #[test]
    fn numerical_gradient_matches_chain_rule() {
        let theta = vec![0.5_f64.ln(), 2.0_f64.ln()];
        let analytic = Bowl { analytic: true };
        let numerical = Bowl { analytic: false };
        let analytic_record = start_record(&analytic, &theta);
        let numerical_record = start_record(&numerical, &theta);
        let scale = 4.0;

        let expected = LogObjective::new(&analytic, scale, &analytic_record).gradient(&theta).unwrap();
        let actual = LogObjective::new(&numerical, scale, &numerical_record).gradient(&theta).unwrap();

        // d cost / d theta = -p * dLL/dp / scale = (-0.5 * -3 / 4, -2 * -2 / 4).
        assert!((expected[0] - 0.375).abs() < 1e-15, "{expected:?}");
        assert!((expected[1] - 1.0).abs() < 1e-15, "{expected:?}");
        // Central differences at step 6e-6: truncation ~ step^2 ~ 4e-11.
        for i in 0..2 {
            assert!((actual[i] - expected[i]).abs() < 1e-9, "{actual:?} vs {expected:?}");
        }
        assert_eq!(numerical_record.evaluations(), 4);
    }

    #[test]
    fn one_sided_difference_at_wall() {
        // a sits just below the NaN region a > 3, so the forward probe is NaN.
        let theta = vec![(3.0 * (1.0 - 1e-6_f64)).ln(), 1.0_f64.ln()];
        let problem = Bowl { analytic: false };
        let record = start_record(&problem, &theta);
        let gradient = LogObjective::new(&problem, 1.0, &record).gradient(&theta).unwrap();

        // d cost / d theta_a = -a * (-2 (a - 1) - b^2) ~ 15. Backward
        // differences at step 6e-6 have truncation error ~ step / 2 times
        // |d2LL / d theta_a^2| ~ 33, about 1e-4.
        let expected = -3.0 * (-2.0 * 2.0 - 1.0);
        assert!((gradient[0] - expected).abs() < 1e-3, "{gradient:?}");
    }

    #[test]
    fn non_finite_points_cost_infinity() {
        let problem = Bowl { analytic: false };
        let start = vec![0.0, 0.0];
        let record = start_record(&problem, &start);
        let objective = LogObjective::new(&problem, 1.0, &record);

        for theta in [vec![2.0, 0.0], vec![800.0, 0.0], vec![-800.0, 0.0], vec![f64::NAN, 0.0]] {
            assert_eq!(objective.cost(&theta).unwrap(), f64::INFINITY, "{theta:?}");
            assert!(objective.gradient(&theta).is_err(), "{theta:?}");
        }
        assert_eq!(record.best().theta, start);
    }

    #[test]
    fn best_point_is_recorded() {
        let problem = Bowl { analytic: true };
        let record = start_record(&problem, &[0.0, 0.0]);
        let objective = LogObjective::new(&problem, 2.0, &record);

        let better = vec![0.0, -3.0];
        let worse = vec![1.0, 1.0];
        assert_eq!(objective.cost(&better).unwrap(), -problem.log_likelihood(&[1.0, (-3.0_f64).exp()]) / 2.0);
        objective.cost(&worse).unwrap();

        assert_eq!(record.best().theta, better);
        assert_eq!(record.evaluations(), 2);
    }
}
