//! Helpers shared by the end-to-end tests.

use std::path::{Path, PathBuf};

/// Returns the root folder of the workspace.
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ sits in the workspace root")
        .to_path_buf()
}

/// Creates an empty folder for one test's output under `base`, normally the
/// test's `CARGO_TARGET_TMPDIR`.
pub fn scratch_dir(base: &str, name: &str) -> PathBuf {
    let dir = PathBuf::from(base).join(name);
    if dir.exists() {
        std::fs::remove_dir_all(&dir).expect("scratch folder can be removed");
    }
    std::fs::create_dir_all(&dir).expect("scratch folder can be created");
    dir
}

/// Loads the calibration summaries of the shipped CDNOW config (weeks,
/// calibration end 1997-09-30), built from the raw sample log.
pub fn cdnow_summaries() -> clv_core::Summaries {
    let config = clv_runner::Config::from_path(&workspace_root().join("config/cdnow.toml"))
        .expect("the shipped CDNOW config is valid");
    clv_runner::load_data(&config).expect("the shipped CDNOW data loads").summaries
}

/// Checks that no written report contains NaN or an infinity. No cell or
/// word of report.md and predictions.csv may be a non-finite number as Rust
/// writes one. No number field of report.json may be null, because
/// serde_json writes a non-finite float as null.
pub fn assert_reports_finite(dir: &Path) {
    for file in ["report.md", "predictions.csv"] {
        let text = std::fs::read_to_string(dir.join(file)).unwrap();
        let words = text.split(|c: char| c == '|' || c == ',' || c.is_whitespace());
        for word in words {
            assert!(!["NaN", "inf", "-inf", "+inf"].contains(&word), "{file} contains {word}:\n{text}");
        }
    }

    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("report.json")).unwrap()).unwrap();
    assert_no_null_number(&json, "report.json");
}

/// Checks that every number of the fields that are always numbers is present.
pub fn assert_no_null_number(value: &serde_json::Value, at: &str) {
    const NUMBER_FIELDS: [&str; 10] = [
        "holdout_length",
        "horizon",
        "annual_discount_rate",
        "discount_rate_per_unit",
        "value",
        "log_likelihood",
        "aic",
        "bic",
        "mae",
        "rmse",
    ];
    match value {
        serde_json::Value::Object(map) => {
            for (key, field) in map {
                let path = format!("{at}.{key}");
                if NUMBER_FIELDS.contains(&key.as_str()) {
                    assert!(!field.is_null(), "{path} is null");
                }
                assert_no_null_number(field, &path);
            }
        }
        serde_json::Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                assert_no_null_number(item, &format!("{at}[{index}]"));
            }
        }
        _ => {}
    }
}

/// Every model kind, with the formula's lifetime given so that it does not
/// depend on how many customers lapsed.
pub const ALL_MODELS: &str = r#"
[[models]]
name = "historical"
kind = "historical"

[[models]]
name = "formula"
kind = "formula"
lifetime_months = 12.0

[[models]]
name = "bg_nbd"
kind = "bg_nbd"

[[models]]
name = "pareto_nbd"
kind = "pareto_nbd"

[[models]]
name = "mbg_nbd"
kind = "mbg_nbd"
"#;
