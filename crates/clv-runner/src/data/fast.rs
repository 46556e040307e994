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

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;

    use clv_ingest::TransactionReader;

    use crate::config::{Config, Source};
    use crate::error::RunnerError;

    /// Writes `log` and a config that reads it into a fresh folder, and loads the config.
    fn config_for(name: &str, log: &str) -> Config {
        let dir = std::env::temp_dir().join(format!("clv-runner-fast-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("log.csv"), log).unwrap();
        let config = "[data]\npath = \"log.csv\"\ncustomer = \"customer\"\ndate = \"date\"\namount = \"amount\"\n\
                      [period]\ntime_unit = \"week\"\ncalibration_end = 2024-03-31\n\
                      [value]\nhorizon = 52\nmargin = 0.3\n\
                      [[models]]\nname = \"historical\"\nkind = \"historical\"\n";
        std::fs::write(dir.join("config.toml"), config).unwrap();
        Config::from_path(&dir.join("config.toml")).unwrap()
    }

    /// Returns a log of `rows` valid rows in customer order, with `bad_row` after the first half.
    fn log_with(rows: u32, bad_row: &str) -> String {
        let mut log = "customer,date,amount\n".to_string();
        for row in 0..rows {
            if row == rows / 2 {
                log.push_str(bad_row);
            }
            writeln!(log, "{},2024-0{}-1{},{}.25", row / 4, 1 + row % 4, row % 10, 10 + row % 7).unwrap();
        }
        log
    }

    #[test]
    fn late_invalid_row_gives_accurate_error() {
        let config = config_for("invalid", &log_with(4_000, "c7,2024-02-30,5\n"));
        let Source::Transactions(spec) = &config.source else { panic!("a transaction log") };
        let expected = TransactionReader::open(spec).unwrap().find_map(Result::err).unwrap();

        let error = super::super::load(&config).unwrap_err();

        assert_eq!(error.to_string(), RunnerError::from(expected).to_string());
        assert!(error.to_string().contains("log.csv:2002: column 1 (date)"), "{error}");
    }

    #[test]
    fn valid_log_is_read_fast() {
        let config = config_for("valid", &log_with(4_000, ""));
        let Source::Transactions(spec) = &config.source else { panic!("a transaction log") };

        let read = super::read(spec, &config, config_margin(&config), &crate::progress::NoProgress);

        let read = read.expect("the fast reader takes the log");
        assert_eq!(read.report.rows_accepted, 4_000);
        let data = super::super::load(&config).unwrap();
        assert_eq!(data.summaries, read.result.unwrap().0);
    }

    fn config_margin(config: &Config) -> clv_core::Decimal {
        match config.margin {
            crate::config::MarginSource::Configured(margin) => margin,
            crate::config::MarginSource::CostColumn => clv_core::Decimal::ONE,
        }
    }
}
