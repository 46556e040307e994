//! One optimiser run from one start: L-BFGS over log-parameters, with a
//! Nelder-Mead polish when L-BFGS stops without converging.

use argmin::core::observers::ObserverMode;
use argmin::core::{Executor, State, TerminationReason};
use argmin::solver::neldermead::NelderMead;
use argmin::solver::quasinewton::LBFGS;

use super::iteration_log::IterationLog;
use super::line_search::FiniteStepLineSearch;
use super::objective::{LogObjective, Point, RunRecord};
use super::{FitError, LogLikelihood};

/// Number of correction pairs that L-BFGS keeps.
const HISTORY: usize = 10;

/// L-BFGS stops when the L2 norm of `d LL / d ln(params)` falls below this
/// tolerance times the cost scale `max(1, |LL|)` at the run's start.
const GRADIENT_TOLERANCE: f64 = 1e-6;

/// L-BFGS stops when one iteration changes LL by less than this tolerance
/// times the cost scale. Nelder-Mead stops when the standard deviation of
/// LL over its simplex falls below the same bound.
///
/// It is tighter than the more common 1e-10: at 1e-10 a fit with
/// |LL| = 1e4 may stop 1e-6 short of the maximum, the whole margin of the
/// restart check in [`super::maximise`], and on the ridge of two correlated
/// gamma parameters the fits stopped 1e-4 short in the parameters.
const COST_TOLERANCE: f64 = 1e-12;

/// Maximum number of iterations of L-BFGS in one run, and separately of
/// Nelder-Mead.
const MAX_ITERATIONS: u64 = 1000;

/// Edge of the initial Nelder-Mead simplex in log-parameters: each vertex
/// moves one parameter by about 10%.
const SIMPLEX_EDGE: f64 = 0.1;

/// Largest ratio between the cost scale of an L-BFGS run and the scale at
/// its best point before the run continues with the smaller scale. A start
/// far from the optimum can have |LL| thousands of times larger than at the
/// optimum, and the relative tolerances would then be as much looser.
const MAX_SCALE_RATIO: f64 = 2.0;

/// Result of one run.
#[derive(Clone, Debug)]
pub(super) struct Run {
    /// Best point that the run evaluated.
    pub best: Point,
    /// Iterations of L-BFGS and, if it ran, Nelder-Mead.
    pub iterations: u64,
    /// Whether the run ended on a convergence criterion, not on the
    /// iteration limit or a failure.
    pub converged: bool,
    /// Log-likelihood evaluations, including those of numerical gradients.
    pub evaluations: u64,
}

/// Maximises the log-likelihood from `start`, whose log-likelihood must be
/// finite. Failures of the line search end in a Nelder-Mead polish, so the
/// only errors are invalid solver settings.
pub(super) fn run_from(likelihood: &dyn LogLikelihood, start: Point) -> Result<Run, FitError> {
    let record = RunRecord::new(start);
    let mut iterations = 0;
    loop {
        let point = record.best();
        let scale = cost_scale(point.log_likelihood);
        let (lbfgs_iterations, reason) =
            run_lbfgs(likelihood, scale, &record, point.theta, MAX_ITERATIONS - iterations)?;
        iterations += lbfgs_iterations;
        log::debug!(
            "L-BFGS stopped after {lbfgs_iterations} iterations ({}) at log-likelihood {}",
            describe(reason.as_ref()),
            record.best().log_likelihood
        );

        let converged = match reason {
            Some(TerminationReason::SolverConverged) => {
                if scale > MAX_SCALE_RATIO * cost_scale(record.best().log_likelihood) {
                    continue;
                }
                true
            }
            Some(TerminationReason::SolverExit(_)) => {
                let (polish_iterations, polish_converged) = polish(likelihood, scale, &record)?;
                iterations += polish_iterations;
                polish_converged
            }
            _ => false,
        };
        return Ok(Run { best: record.best(), iterations, converged, evaluations: record.evaluations() });
    }
}

/// Returns the divisor of the cost: the cost tolerances are relative to it.
fn cost_scale(log_likelihood: f64) -> f64 {
    log_likelihood.abs().max(1.0)
}

/// Runs L-BFGS from `theta` for at most `max_iterations`, and returns its
/// iterations and termination reason. An executor error counts as a solver
/// exit with that message.
fn run_lbfgs(
    likelihood: &dyn LogLikelihood,
    scale: f64,
    record: &RunRecord,
    theta: Vec<f64>,
    max_iterations: u64,
) -> Result<(u64, Option<TerminationReason>), FitError> {
    let solver = LBFGS::new(FiniteStepLineSearch::new(), HISTORY)
        .with_tolerance_grad(GRADIENT_TOLERANCE)
        .and_then(|solver| solver.with_tolerance_cost(COST_TOLERANCE))
        .map_err(|error| FitError::Optimiser(format!("invalid L-BFGS settings: {error}")))?;
    let result = Executor::new(LogObjective::new(likelihood, scale, record), solver)
        .configure(|state| state.param(theta).max_iters(max_iterations))
        .add_observer(IterationLog { solver: "L-BFGS", scale }, ObserverMode::Always)
        .run();

    Ok(match result {
        Ok(result) => (result.state.get_iter(), result.state.get_termination_reason().cloned()),
        Err(error) => (0, Some(TerminationReason::SolverExit(error.to_string()))),
    })
}

/// Runs Nelder-Mead from the best point of `record`, and returns its
/// iterations and whether it converged.
fn polish(likelihood: &dyn LogLikelihood, scale: f64, record: &RunRecord) -> Result<(u64, bool), FitError> {
    let centre = record.best().theta;
    let mut simplex = vec![centre.clone()];
    for i in 0..centre.len() {
        let mut vertex = centre.clone();
        vertex[i] += SIMPLEX_EDGE;
        simplex.push(vertex);
    }

    let solver = NelderMead::new(simplex)
        .with_sd_tolerance(COST_TOLERANCE)
        .map_err(|error| FitError::Optimiser(format!("invalid Nelder-Mead settings: {error}")))?;
    let result = Executor::new(LogObjective::new(likelihood, scale, record), solver)
        .configure(|state| state.max_iters(MAX_ITERATIONS))
        .add_observer(IterationLog { solver: "Nelder-Mead", scale }, ObserverMode::Always)
        .run();

    let (iterations, reason) = match result {
        Ok(result) => (result.state.get_iter(), result.state.get_termination_reason().cloned()),
        Err(error) => (0, Some(TerminationReason::SolverExit(error.to_string()))),
    };
    log::debug!(
        "Nelder-Mead stopped after {iterations} iterations ({}) at log-likelihood {}",
        describe(reason.as_ref()),
        record.best().log_likelihood
    );
    Ok((iterations, reason == Some(TerminationReason::SolverConverged)))
}

fn describe(reason: Option<&TerminationReason>) -> String {
    match reason {
        Some(TerminationReason::SolverExit(message)) => format!("stopped early: {message}"),
        Some(reason) => reason.text().to_string(),
        None => "no termination reason".to_string(),
    }
}
