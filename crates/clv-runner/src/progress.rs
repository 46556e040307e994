//! Progress of the long steps of a run, for a caller that shows it.
//!
//! The runner never draws anything: it reports each step to a [`Progress`]
//! observer, and the command-line tool decides whether to draw bars.

/// Observer of a run's steps: reading, summarising, and each model's fit,
/// prediction and diagnostics. Every method does nothing by default.
pub trait Progress: Sync {
    /// Marks the start of a step. `total` is its number of items when known in advance.
    fn start(&self, step: &str, total: Option<u64>) {
        let _ = (step, total);
    }

    /// `done` items of the current step are complete, counted from its start.
    fn advance(&self, done: u64) {
        let _ = done;
    }

    /// Marks the end of the current step.
    fn finish(&self) {}
}

/// An observer that ignores every step.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoProgress;

impl Progress for NoProgress {}

/// Rows between two reports of the reading step.
pub(crate) const ROWS_PER_UPDATE: u64 = 8192;
