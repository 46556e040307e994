//! Property tests of the config parser: any text gives a config or an
//! error, never a panic, and an accepted config satisfies the documented
//! ranges.

use std::path::Path;

use clv_runner::Config;
use proptest::prelude::*;

/// Keys of every section and of the model tables, with a few misspelt ones.
const KEYS: &[&str] = &[
    "path",
    "layout",
    "separator",
    "header",
    "customer",
    "date",
    "amount",
    "cost",
    "date_format",
    "invalid_rows",
    "frequency",
    "recency",
    "age",
    "count",
    "monetary_value",
    "currency_symbol",
    "thousands_separator",
    "decimal_separator",
    "customer_ids",
    "time_unit",
    "calibration_end",
    "observation_end",
    "horizon",
    "annual_discount_rate",
    "margin",
    "dir",
    "name",
    "kind",
    "spend",
    "lifetime_months",
    "inactive_after_months",
    "horizn",
];

/// TOML values of every type, in and out of the valid ranges.
const VALUES: &[&str] = &[
    "0",
    "1",
    "-1",
    "52",
    "1e308",
    "-0.0",
    "0.3",
    "1.0",
    "nan",
    "inf",
    "-inf",
    "true",
    "\"\"",
    "\"week\"",
    "\"day\"",
    "\"comma\"",
    "\"whitespace\"",
    "\"summary\"",
    "\"skip\"",
    "\"%Y%m%d\"",
    "\"%Y-%m\"",
    "\"bg_nbd\"",
    "\"gamma_gamma\"",
    "\"x\"",
    "\",\"",
    "\"€\"",
    "1997-09-30",
    "1998-06-30",
    "\"1997-13-01\"",
    "1997-09-30T10:00:00",
    "[]",
    "{ p = 6.25, q = 0.5, gamma = 1.0 }",
    "{}",
    "\"ignore_case\"",
    "\"data.csv\"",
];

fn entry() -> impl Strategy<Value = String> {
    (prop::sample::select(KEYS), prop::sample::select(VALUES))
        .prop_map(|(key, value)| format!("{key} = {value}"))
}

fn section() -> impl Strategy<Value = String> {
    let header =
        prop::sample::select(&["[data]", "[period]", "[value]", "[output]", "[[models]]", "[extra]"][..]);
    (header, prop::collection::vec(entry(), 0..8))
        .prop_map(|(header, entries)| format!("{header}\n{}\n", entries.join("\n")))
}

/// A valid config to mutate, so that most cases get past the parser.
const VALID: &str = "[data]\npath = \"sales.csv\"\ncustomer = 0\ndate = 1\namount = 2\nheader = false\n\
                     [period]\ntime_unit = \"week\"\ncalibration_end = 2024-03-31\n\
                     [value]\nhorizon = 52\nannual_discount_rate = 0.1\nmargin = 0.3\n\
                     [[models]]\nname = \"m\"\nkind = \"bg_nbd\"\n";

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 300,
        failure_persistence: None,
        // A fixed seed keeps the test command repeatable; the fuzz targets explore further.
        rng_seed: proptest::test_runner::RngSeed::Fixed(20261205),
        ..ProptestConfig::default()
    })]

    #[test]
    fn random_sections_parse_or_fail(sections in prop::collection::vec(section(), 0..6)) {
        let text = sections.concat();
        check(&text)?;
    }

    #[test]
    fn mutated_valid_config_parses_or_fails(extra in prop::collection::vec(entry(), 1..4), section in 0..4usize) {
        let headers = ["[data]", "[period]", "[value]", "[[models]]"];
        let text = VALID.replacen(headers[section], &format!("{}\n{}", headers[section], extra.join("\n")), 1);
        check(&text)?;
    }

    #[test]
    fn arbitrary_text_parses_or_fails(text in "\\PC{0,200}") {
        check(&text)?;
    }
}

/// Parses `text` and checks the ranges of an accepted config.
fn check(text: &str) -> Result<(), TestCaseError> {
    let Ok(config) = Config::from_toml(text, Path::new("random/config.toml")) else { return Ok(()) };

    prop_assert!(config.horizon.is_finite() && config.horizon > 0.0, "{}", config.horizon);
    prop_assert!((0.0..1.0).contains(&config.annual_discount_rate), "{}", config.annual_discount_rate);
    if let (Some(calibration_end), Some(observation_end)) = (config.calibration_end, config.observation_end) {
        prop_assert!(calibration_end < observation_end);
    }
    let names: Vec<&str> = config.models.iter().map(|model| model.name.as_str()).collect();
    for (index, name) in names.iter().enumerate() {
        prop_assert!(!names[..index].contains(name), "duplicate {}", name);
    }
    Ok(())
}
