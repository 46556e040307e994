//! Logs each optimiser iteration at the `info` level, so `clv -v` shows a
//! fit's progress.

use argmin::core::observers::Observe;
use argmin::core::{Error, KV, State};

/// An argmin observer that logs the iteration number and the best
/// log-likelihood so far. The cost it observes is `-LL / scale`.
pub(super) struct IterationLog {
    pub solver: &'static str,
    pub scale: f64,
}

impl<I: State<Float = f64>> Observe<I> for IterationLog {
    fn observe_iter(&mut self, state: &I, _kv: &KV) -> Result<(), Error> {
        log::info!(
            "{} iteration {}: log-likelihood {:.6}",
            self.solver,
            state.get_iter(),
            -state.get_best_cost() * self.scale
        );
        Ok(())
    }
}
