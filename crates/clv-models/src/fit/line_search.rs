//! A More-Thuente line search that stays where the log-likelihood is finite.
//!
//! `argmin`'s `MoreThuenteLineSearch` (0.11) interpolates cubics through the
//! cost values of its trial points, so one infinite cost ends the search with
//! an error. It also has no bound on the number of trial points, and may
//! return a point with a higher cost when it cannot satisfy the Wolfe
//! conditions, which L-BFGS would accept. This wrapper closes those gaps:
//! it shortens the maximum step until the cost and gradient there are finite,
//! lets More-Thuente search only below that step, bounds the trial points,
//! and rejects a result that does not lower the cost.

use argmin::core::{
    CostFunction, Error, Gradient, IterState, KV, LineSearch, Problem, Solver, State, TerminationStatus,
};
use argmin::solver::linesearch::MoreThuenteLineSearch;

type Vector = Vec<f64>;
type LineState = IterState<Vector, Vector, (), (), (), f64>;

/// Largest change of any log-parameter in one step: a factor of
/// `e^5 ~ 148` on a parameter. It keeps the first steepest-descent steps of
/// L-BFGS, whose length is not yet scaled by curvature, from overflowing `exp`.
const MAX_LOG_STEP: f64 = 5.0;

/// Smallest change of any log-parameter that the backtracking tries before
/// it gives up. Such a step moves each parameter by at most a few thousand
/// units in the last place, so the search has stalled.
const MIN_LOG_STEP: f64 = 1e-12;

/// Factor by which the backtracking shortens a step that reaches a
/// non-finite cost.
const BACKTRACK_FACTOR: f64 = 0.5;

/// Maximum number of More-Thuente trial points per search.
const MAX_TRIALS: u64 = 20;

/// Sufficient-decrease and curvature constants of the strong Wolfe
/// conditions. These are the usual values for quasi-Newton methods.
const SUFFICIENT_DECREASE: f64 = 1e-4;
const CURVATURE: f64 = 0.9;

/// Line search for L-BFGS over a cost that is `+inf` in parts of the space.
#[derive(Clone, Default)]
pub(super) struct FiniteStepLineSearch {
    inner: Option<MoreThuenteLineSearch<Vector, Vector, f64>>,
    direction: Option<Vector>,
    initial_cost: f64,
    trials: u64,
}

impl FiniteStepLineSearch {
    pub fn new() -> Self {
        Self::default()
    }

    /// Returns the longest step at which the cost and its gradient are
    /// finite. The first try is 1, or less so that no log-parameter moves by
    /// more than [`MAX_LOG_STEP`], and each further try halves the step.
    fn finite_step<O>(problem: &mut Problem<O>, param: &[f64], direction: &[f64]) -> Result<f64, Error>
    where
        O: CostFunction<Param = Vector, Output = f64> + Gradient<Param = Vector, Gradient = Vector>,
    {
        let largest_move = direction.iter().fold(0.0_f64, |largest, value| largest.max(value.abs()));
        if !(largest_move > 0.0 && largest_move.is_finite()) {
            return Err(Error::msg(format!("the search direction {direction:?} is zero or not finite")));
        }

        let mut step = (MAX_LOG_STEP / largest_move).min(1.0);
        while step * largest_move >= MIN_LOG_STEP {
            let trial: Vector =
                param.iter().zip(direction).map(|(value, slope)| value + step * slope).collect();
            if problem.cost(&trial)?.is_finite() && problem.gradient(&trial).is_ok() {
                return Ok(step);
            }
            step *= BACKTRACK_FACTOR;
        }
        Err(Error::msg("the log-likelihood is not finite anywhere along the search direction"))
    }
}

impl LineSearch<Vector, f64> for FiniteStepLineSearch {
    fn search_direction(&mut self, direction: Vector) {
        self.direction = Some(direction);
    }

    /// L-BFGS of `argmin` 0.11 never sets a step length, and the search
    /// always starts at the longest finite step up to 1, so this only
    /// checks the value.
    fn initial_step_length(&mut self, step_length: f64) -> Result<(), Error> {
        if step_length > 0.0 && step_length.is_finite() {
            Ok(())
        } else {
            Err(Error::msg(format!("the initial step length must be positive and finite, got {step_length}")))
        }
    }
}

impl<O> Solver<O, LineState> for FiniteStepLineSearch
where
    O: CostFunction<Param = Vector, Output = f64> + Gradient<Param = Vector, Gradient = Vector>,
{
    fn name(&self) -> &str {
        "More-Thuente line search within finite steps"
    }

    fn init(&mut self, problem: &mut Problem<O>, state: LineState) -> Result<(LineState, Option<KV>), Error> {
        let direction =
            self.direction.clone().ok_or_else(|| Error::msg("the line search has no search direction"))?;
        let param =
            state.get_param().cloned().ok_or_else(|| Error::msg("the line search has no initial point"))?;

        let max_step = Self::finite_step(problem, &param, &direction)?;
        let mut inner = MoreThuenteLineSearch::new()
            .with_c(SUFFICIENT_DECREASE, CURVATURE)?
            .with_bounds(max_step * f64::EPSILON.sqrt(), max_step)?;
        inner.search_direction(direction);
        inner.initial_step_length(max_step)?;

        self.initial_cost = state.get_cost();
        self.trials = 0;
        let result = inner.init(problem, state);
        self.inner = Some(inner);
        result
    }

    fn next_iter(
        &mut self,
        problem: &mut Problem<O>,
        state: LineState,
    ) -> Result<(LineState, Option<KV>), Error> {
        self.trials += 1;
        if self.trials > MAX_TRIALS {
            return Err(Error::msg(format!(
                "the line search found no point satisfying the Wolfe conditions in {MAX_TRIALS} trial points"
            )));
        }

        let inner = self.inner.as_mut().ok_or_else(|| Error::msg("the line search was not initialised"))?;
        let (state, kv) = inner.next_iter(problem, state)?;

        if state.terminated() && state.get_cost() >= self.initial_cost {
            return Err(Error::msg(format!(
                "the line search failed to lower the cost {}: its last trial point costs {}",
                self.initial_cost,
                state.get_cost()
            )));
        }
        Ok((state, kv))
    }

    fn terminate(&mut self, state: &LineState) -> TerminationStatus {
        match self.inner.as_mut() {
            Some(inner) => Solver::<O, LineState>::terminate(inner, state),
            None => TerminationStatus::NotTerminated,
        }
    }
}
