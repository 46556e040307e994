use std::path::Path;

use super::*;

const VALID: &str = r#"
[data]
path = "sales.csv"
customer = "customer"
date = "day"
amount = "amount"

[period]
time_unit = "week"
calibration_end = 2024-03-31

[value]
horizon = 52
annual_discount_rate = 0.1
margin = 0.3

[[models]]
name = "hist"
kind = "historical"
"#;

fn parse(text: &str) -> Result<Config, String> {
    Config::from_toml(text, Path::new("configs/run.toml")).map_err(|error| error.to_string())
}

fn transactions(config: &Config) -> &SourceSpec {
    match &config.source {
        Source::Transactions(spec) => spec,
        Source::Summaries(_) => panic!("expected a transaction log"),
    }
}

fn parse_error(text: &str) -> String {
    match parse(text) {
        Ok(_) => panic!("config was accepted:\n{text}"),
        Err(message) => message,
    }
}

#[test]
fn valid_config_resolves_paths_and_defaults() {
    let config = parse(VALID).unwrap();
    // The folder does not exist, so the paths are plain joins.
    assert_eq!(config.source.path(), Path::new("configs/sales.csv"));
    assert_eq!(config.output_dir, Path::new("configs/out"));
    assert_eq!(transactions(&config).date_format, "%Y-%m-%d");
    assert_eq!(config.calibration_end, Some(Date::constant(2024, 3, 31)));
    assert_eq!(config.observation_end, None);
    assert_eq!(config.margin, MarginSource::Configured(Decimal::from_str("0.3").unwrap()));
    assert_eq!(config.models.len(), 1);
    assert_eq!(config.models[0].kind, "historical");
}

#[test]
fn date_as_string_is_accepted() {
    let text = VALID.replace("calibration_end = 2024-03-31", "calibration_end = \"2024-03-31\"");
    assert_eq!(parse(&text).unwrap().calibration_end, Some(Date::constant(2024, 3, 31)));
}

#[test]
fn unknown_key_is_named() {
    let message = parse_error(&VALID.replace("horizon = 52", "horizon = 52\nhorizn = 3"));
    assert!(message.contains("horizn"), "{message}");
    assert!(message.contains("configs/run.toml"), "{message}");
}

#[test]
fn wrong_type_is_named() {
    let message = parse_error(&VALID.replace("horizon = 52", "horizon = \"52\""));
    assert!(message.contains("horizon"), "{message}");
}

#[test]
fn invalid_values_name_key_and_range() {
    let cases = [
        ("horizon = 52", "horizon = 0", "value.horizon"),
        ("horizon = 52", "horizon = -3", "value.horizon"),
        ("annual_discount_rate = 0.1", "annual_discount_rate = 1.0", "value.annual_discount_rate"),
        ("annual_discount_rate = 0.1", "annual_discount_rate = -0.1", "value.annual_discount_rate"),
        ("margin = 0.3", "margin = 0.0", "value.margin"),
        ("margin = 0.3", "margin = 1.5", "value.margin"),
        ("time_unit = \"week\"", "time_unit = \"fortnight\"", "fortnight"),
    ];
    for (from, to, expected) in cases {
        let message = parse_error(&VALID.replace(from, to));
        assert!(message.contains(expected), "{to}: {message}");
    }
}

#[test]
fn unknown_model_kind_lists_valid_kinds() {
    let message = parse_error(&VALID.replace("kind = \"historical\"", "kind = \"bgnbd\""));
    assert!(message.contains("\"bgnbd\""), "{message}");
    assert!(message.contains("historical, formula, bg_nbd, pareto_nbd, mbg_nbd, bg_bb"), "{message}");
}

#[test]
fn spend_kind_as_model_points_to_spend_setting() {
    let message = parse_error(&VALID.replace("kind = \"historical\"", "kind = \"gamma_gamma\""));
    assert!(message.contains("set spend = \"gamma_gamma\""), "{message}");
}

#[test]
fn duplicate_model_name_is_error() {
    let text = format!("{VALID}\n[[models]]\nname = \"hist\"\nkind = \"formula\"\n");
    let message = parse_error(&text);
    assert!(message.contains("models[1].name \"hist\" is used twice"), "{message}");
}

#[test]
fn unknown_model_setting_is_named() {
    let message = parse_error(&VALID.replace("kind = \"historical\"", "kind = \"historical\"\nspeed = 3"));
    assert!(message.contains("models[0] (hist)"), "{message}");
    assert!(message.contains("speed"), "{message}");
}

#[test]
fn missing_models_is_allowed_until_run() {
    let text = VALID.split("[[models]]").next().unwrap();
    let config = parse(text).unwrap();
    assert!(config.models.is_empty());
    let message = crate::run(&config).unwrap_err().to_string();
    assert!(message.contains("no [[models]] entry"), "{message}");
}

#[test]
fn model_name_characters_are_checked() {
    let message = parse_error(&VALID.replace("name = \"hist\"", "name = \"a|b\""));
    assert!(message.contains("models[0].name \"a|b\" is invalid"), "{message}");
}

#[test]
fn clashing_prediction_columns_are_error() {
    let text = VALID.replace("name = \"hist\"", "name = \"x\"")
        + "\n[[models]]\nname = \"x_holdout\"\nkind = \"formula\"\n";
    let message = parse_error(&text);
    assert!(message.contains("x_holdout_expected_transactions"), "{message}");
}

#[test]
fn horizon_above_hundred_years_is_error() {
    let message = parse_error(&VALID.replace("horizon = 52", "horizon = 5219"));
    assert!(message.contains("at most"), "{message}");
    assert!(parse(&VALID.replace("horizon = 52", "horizon = 5217")).is_ok());
}

#[test]
fn header_names_need_a_header() {
    let message = parse_error(&VALID.replace("[data]", "[data]\nheader = false"));
    assert!(message.contains("data.customer"), "{message}");
}

#[test]
fn calibration_after_observation_end_is_error() {
    let text = VALID.replace(
        "calibration_end = 2024-03-31",
        "calibration_end = 2024-03-31\nobservation_end = 2024-03-01",
    );
    let message = parse_error(&text);
    assert!(message.contains("must be before period.observation_end"), "{message}");
}

#[test]
fn margin_and_cost_together_is_error() {
    let message = parse_error(&VALID.replace("amount = \"amount\"", "amount = \"amount\"\ncost = \"cost\""));
    assert!(message.contains("value.margin and data.cost are both set"), "{message}");
}

#[test]
fn cdnow_example_config_is_valid() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../config/cdnow.toml");
    let config = Config::from_path(&path).unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap();
    assert_eq!(config.source.path(), root.join("data/CDNOW_sample.txt"));
    assert_eq!(config.output_dir, root.join("out/cdnow"));
    assert_eq!(config.unit, TimeUnit::Week);
    assert!(matches!(transactions(&config).format, Format::Whitespace));
    assert!(!transactions(&config).has_header);
    assert_eq!(config.observation_end, Some(Date::constant(1998, 6, 30)));
    let names: Vec<&str> = config.models.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["historical", "formula", "bg_nbd", "pareto_nbd", "mbg_nbd", "nbd"]);
    assert_eq!(config.models[5].kind, "plugin");
    assert!(config.models[5].plugin.is_some());
    assert!(config.models[..5].iter().all(|m| m.plugin.is_none()));
}

const SUMMARY: &str = r#"
[data]
path = "donations.csv"
layout = "summary"
frequency = "frequency"
recency = "recency"
age = "periods"
count = "weights"

[period]
time_unit = "year"
calibration_end = 2001-12-31

[value]
horizon = 5

[[models]]
name = "hist"
kind = "historical"
"#;

#[test]
fn summary_layout_is_valid() {
    let config = parse(SUMMARY).unwrap();
    let Source::Summaries(spec) = &config.source else { panic!("expected a summary file") };
    assert_eq!(spec.age, ColumnRef::Name("periods".to_string()));
    assert_eq!(spec.count, Some(ColumnRef::Name("weights".to_string())));
    assert_eq!(spec.customer, None);
}

#[test]
fn summary_layout_needs_calibration_end() {
    let message = parse_error(&SUMMARY.replace("calibration_end = 2001-12-31", ""));
    assert!(message.contains("period.calibration_end is missing"), "{message}");
}

#[test]
fn layout_rejects_keys_of_other_layout() {
    let message = parse_error(&SUMMARY.replace("layout = \"summary\"", "layout = \"summary\"\namount = 2"));
    assert!(message.contains("data.amount does not apply"), "{message}");
    let message = parse_error(&VALID.replace("[data]", "[data]\nrecency = 3"));
    assert!(message.contains("data.recency does not apply"), "{message}");
}

#[test]
fn missing_required_column_is_named() {
    let message = parse_error(&SUMMARY.replace("age = \"periods\"", ""));
    assert!(message.contains("data.age is missing"), "{message}");
    let message = parse_error(&VALID.replace("date = \"day\"", ""));
    assert!(message.contains("data.date is missing"), "{message}");
}

#[test]
fn invalid_spend_names_the_choices() {
    let text = VALID.replace("kind = \"historical\"", "kind = \"bg_nbd\"\nspend = \"foo\"");
    let message = parse_error(&text);
    assert!(message.contains("spend = \"gamma_gamma\", a fixed value"), "{message}");
    assert!(message.contains("Gamma-Gamma parameters such as spend = { p = 6.25"), "{message}");
}

#[test]
fn money_format_and_id_settings_are_read() {
    let text = VALID.replace(
        "amount = \"amount\"",
        "amount = \"amount\"\ncurrency_symbol = \"€\"\nthousands_separator = \".\"\n\
         decimal_separator = \",\"\ncustomer_ids = \"ignore_case_and_spaces\"",
    );
    let config = parse(&text).unwrap();
    let spec = transactions(&config);

    assert_eq!(spec.amount_format.currency_symbol.as_deref(), Some("€"));
    assert_eq!(spec.amount_format.thousands_separator, Some('.'));
    assert_eq!(spec.amount_format.decimal_separator, ',');
    assert_eq!(spec.customer_ids, clv_ingest::CustomerIds::IgnoreCaseAndSpaces);
}

#[test]
fn money_format_defaults_to_plain_decimals() {
    let config = parse(VALID).unwrap();
    let spec = transactions(&config);

    assert!(spec.amount_format.is_plain());
    assert_eq!(spec.customer_ids, clv_ingest::CustomerIds::Exact);
}

#[test]
fn separator_must_be_one_character() {
    let message = parse_error(
        &VALID.replace("amount = \"amount\"", "amount = \"amount\"\nthousands_separator = \",,\""),
    );
    assert!(message.contains("data.thousands_separator must be one character"), "{message}");
    let message =
        parse_error(&VALID.replace("amount = \"amount\"", "amount = \"amount\"\ndecimal_separator = \"\""));
    assert!(message.contains("data.decimal_separator must be one character"), "{message}");
}

#[test]
fn unknown_customer_ids_value_lists_choices() {
    let message =
        parse_error(&VALID.replace("amount = \"amount\"", "amount = \"amount\"\ncustomer_ids = \"lower\""));
    assert!(message.contains("lower"), "{message}");
    assert!(message.contains("exact"), "{message}");
    assert!(message.contains("ignore_case_and_spaces"), "{message}");
}

#[test]
fn money_settings_do_not_apply_to_summaries() {
    for setting in ["currency_symbol = \"$\"", "customer_ids = \"ignore_case\""] {
        let message = parse_error(
            &SUMMARY.replace("layout = \"summary\"", &format!("layout = \"summary\"\n{setting}")),
        );
        assert!(message.contains("does not apply to data.layout = \"summary\""), "{setting}: {message}");
    }
}

#[test]
fn non_finite_values_are_rejected() {
    let cases = [
        ("horizon = 52", "horizon = nan", "value.horizon"),
        ("horizon = 52", "horizon = inf", "value.horizon"),
        ("annual_discount_rate = 0.1", "annual_discount_rate = nan", "value.annual_discount_rate"),
        ("margin = 0.3", "margin = nan", "value.margin"),
        ("margin = 0.3", "margin = inf", "value.margin"),
    ];
    for (from, to, expected) in cases {
        let message = parse_error(&VALID.replace(from, to));
        assert!(message.contains(expected), "{to}: {message}");
    }
}

#[test]
fn wrong_type_in_section_and_model_is_named() {
    let message = parse_error(&VALID.replace("header", "x").replace("[data]", "[data]\nheader = \"yes\""));
    assert!(message.contains("header"), "{message}");
    let message = parse_error(&format!(
        "{VALID}\n[[models]]\nname = \"f\"\nkind = \"formula\"\nlifetime_months = \"six\"\n"
    ));
    assert!(message.contains("models[1] (f)"), "{message}");
    assert!(message.contains("lifetime_months") || message.contains("invalid type"), "{message}");
}
