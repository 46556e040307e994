//! The fast reader of common logs, tried before the accurate reader.

use clv_core::Decimal;
use clv_ingest::{FastRead, FastSummaries, SourceSpec, SummaryRequest, read_summaries_fast};

use crate::config::Config;
use crate::progress::Progress;

/// Reads and summarises the log of `spec` with the fast reader, or returns
/// `None` when the fast reader leaves it to the accurate reader.
pub(super) fn read(
    spec: &SourceSpec,
    config: &Config,
    margin: Decimal,
    progress: &dyn Progress,
) -> Option<FastSummaries> {
    let request = SummaryRequest {
        unit: config.unit,
        calibration_end: config.calibration_end,
        observation_end: config.observation_end,
        margin,
    };
    progress.start("reading and summarising rows", None);
    let read = read_summaries_fast(spec, &request);
    progress.finish();
    match read {
        FastRead::Read(summaries) => {
            log::debug!("read {} with the fast reader", spec.path.display());
            Some(*summaries)
        }
        FastRead::Declined(reason) => {
            log::debug!("reading {} with the accurate reader, because {reason}", spec.path.display());
            None
        }
    }
}
