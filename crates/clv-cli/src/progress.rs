//! Progress bars on stderr for the steps of a run.

use std::sync::Mutex;
use std::time::Duration;

use clv_runner::Progress;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Draws one spinner or bar per step of the run on stderr.
///
/// Create it only when stderr is a terminal and the user did not ask for
/// `--quiet`. The runner calls it from one thread at a time.
pub struct Bars {
    /// The bar of the current step, with the step's name.
    current: Mutex<Option<(ProgressBar, String)>>,
}

impl Bars {
    pub fn new() -> Bars {
        Bars { current: Mutex::new(None) }
    }
}

impl Progress for Bars {
    fn start(&self, step: &str, total: Option<u64>) {
        let bar = match total {
            Some(total) => ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr())
                .with_style(
                    ProgressStyle::with_template("{spinner} {msg} [{bar:30}] {pos}/{len} ({elapsed})")
                        .expect("the template is valid")
                        .progress_chars("=> "),
                ),
            None => ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr()).with_style(
                ProgressStyle::with_template("{spinner} {msg} ({elapsed})").expect("the template is valid"),
            ),
        };
        bar.set_message(step.to_string());
        bar.enable_steady_tick(Duration::from_millis(120));
        if let Ok(mut current) = self.current.lock() {
            if let Some((previous, _)) = current.replace((bar, step.to_string())) {
                previous.finish_and_clear();
            }
        }
    }

    fn advance(&self, done: u64) {
        if let Ok(current) = self.current.lock() {
            if let Some((bar, step)) = current.as_ref() {
                bar.set_position(done);
                if bar.length().is_none() {
                    bar.set_message(format!("{step}: {}", indicatif::HumanCount(done)));
                }
            }
        }
    }

    fn finish(&self) {
        if let Ok(mut current) = self.current.lock() {
            if let Some((bar, _)) = current.take() {
                bar.finish_and_clear();
            }
        }
    }
}
