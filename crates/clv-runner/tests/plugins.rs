//! Plugin models through the real loader: the example NBD plugin beside a
//! built-in model, and one failure fixture per way a plugin can fail.
//!
//! The libraries are dev-dependencies of this crate, so cargo builds them
//! into the folder of this test binary, where `library_name` finds them.

use std::path::{Path, PathBuf};

use clv_runner::{Config, ModelRun, RunOutput, build_report};

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("plugin-scratch").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Returns a CDNOW config (weeks, calibration end 1997-09-30) with the `historical`
/// model and then `plugin_entry`, the lines of a plugin's `[[models]]` table.
fn config_text(plugin_entry: &str) -> String {
    let data = workspace_root().join("data/CDNOW_sample.txt");
    format!(
        r#"
[data]
path = {data:?}
separator = "whitespace"
header = false
customer = 1
date = 2
amount = 4
date_format = "%Y%m%d"

[period]
time_unit = "week"
calibration_end = 1997-09-30
observation_end = 1998-06-30

[value]
horizon = 52
annual_discount_rate = 0.1
margin = 0.3

[[models]]
name = "historical"
kind = "historical"

[[models]]
name = "plugin"
kind = "plugin"
{plugin_entry}
"#
    )
}

fn config(dir: &Path, plugin_entry: &str) -> Result<Config, clv_runner::RunnerError> {
    let path = dir.join("config.toml");
    std::fs::write(&path, config_text(plugin_entry)).unwrap();
    Config::from_path(&path)
}

fn run_with(name: &str, plugin_entry: &str) -> RunOutput {
    let config = config(&scratch(name), plugin_entry).unwrap();
    clv_runner::run(&config).unwrap()
}

fn plugin_error(output: &RunOutput) -> String {
    let historical: &ModelRun = &output.models[0];
    assert!(historical.outcome.is_ok(), "historical: {:?}", historical.outcome.as_ref().err());
    match &output.models[1].outcome {
        Ok(_) => panic!("the plugin model succeeded, but it should fail"),
        Err(reason) => reason.clone(),
    }
}

#[test]
fn example_plugin_runs_beside_builtin() {
    let output = run_with("example", "library_name = \"clv_model_nbd\"");
    assert!(!output.any_model_failed(), "{:?}", output.models.iter().map(|m| &m.outcome).collect::<Vec<_>>());
    let results = output.models[1].outcome.as_ref().unwrap();
    let customers = &output.data.summaries.customers;
    assert_eq!(results.clv.len(), customers.len());
    assert_eq!(results.holdout.as_ref().unwrap().len(), customers.len());

    // r and α by the method of moments, recomputed here from the summaries.
    let rates: Vec<(f64, f64)> =
        customers.iter().filter(|c| c.age > 0.0).map(|c| (f64::from(c.frequency) / c.age, c.age)).collect();
    let n = rates.len() as f64;
    let mean = rates.iter().map(|(rate, _)| rate).sum::<f64>() / n;
    let variance = rates.iter().map(|(rate, _)| (rate - mean).powi(2)).sum::<f64>() / (n - 1.0);
    let between = variance - mean * rates.iter().map(|(_, t)| 1.0 / t).sum::<f64>() / n;
    let alpha = mean / between;
    let r = mean * alpha;
    let parameter = |name: &str| results.parameters.iter().find(|p| p.name == name).unwrap().value;
    assert!((parameter("r") - r).abs() < 1e-9 * r, "r {} vs {r}", parameter("r"));
    assert!((parameter("alpha") - alpha).abs() < 1e-9 * alpha, "alpha {} vs {alpha}", parameter("alpha"));

    // Customer 0001 (x = 2, T = 38.8571 weeks): 52 (r + x) / (α + T) purchases, closed form.
    let first = &customers[0];
    let expected = 52.0 * (r + f64::from(first.frequency)) / (alpha + first.age);
    let predicted = results.clv[0].expected_transactions;
    assert!((predicted - expected).abs() < 1e-9, "{predicted} vs {expected}");
    assert_eq!(results.clv[0].p_alive, None);
    assert!(results.clv[0].value_per_transaction.is_some());
}

#[test]
fn example_plugin_shown_in_report() {
    let output = run_with("report", "library_name = \"clv_model_nbd\"");
    let report = build_report(&output);
    assert_eq!(report.models[1].name, "plugin");
    assert_eq!(report.models[1].status, "ok");
    assert_eq!(report.models[1].error, None);
}

#[test]
fn failure_fixtures_fail_only_their_model() {
    let cases: [(&str, &[&str]); 6] = [
        ("clv_fixture_wrong_abi", &["ABI version 999", "supports version 1"]),
        ("clv_fixture_no_entry", &["no `clv_plugin_entry` symbol", "export_plugin!"]),
        ("clv_fixture_panic_fit", &["plugin panic_fit", "panicked in fit", "fixture panic in fit"]),
        (
            "clv_fixture_panic_predict",
            &["plugin panic_predict", "panicked in predict", "fixture panic in predict for 2357 customers"],
        ),
        (
            "clv_fixture_nan_output",
            &["plugin nan_output returned expected transactions NaN", "customer \"2357\""],
        ),
        (
            "clv_fixture_wrong_count",
            &["plugin wrong_count returned 2356 predictions for 2357 customers", "customer \"2357\""],
        ),
    ];
    for (library, fragments) in cases {
        let output = run_with(library, &format!("library_name = {library:?}"));
        let reason = plugin_error(&output);
        for fragment in fragments {
            assert!(reason.contains(fragment), "{library}: {reason:?} lacks {fragment:?}");
        }

        let report = build_report(&output);
        assert_eq!(report.models[0].status, "ok", "{library}");
        assert_eq!(report.models[1].status, "failed", "{library}");
        assert_eq!(report.models[1].error.as_deref(), Some(reason.as_str()), "{library}");
    }
}

#[test]
fn library_path_is_relative_to_config() {
    let dir = scratch("relative");
    let file_name = format!("{}clv_model_nbd{}", std::env::consts::DLL_PREFIX, std::env::consts::DLL_SUFFIX);
    let built = clv_runner::plugin::resolve_library_name("clv-model-nbd").unwrap();
    std::fs::create_dir_all(dir.join("plugins")).unwrap();
    std::fs::copy(&built, dir.join("plugins").join(&file_name)).unwrap();

    let config = config(&dir, &format!("library = \"plugins/{file_name}\"")).unwrap();
    let info = config.models[1].plugin.as_ref().unwrap();
    assert!(info.error.is_none(), "{:?}", info.error);
    assert_eq!(info.plugin_name.as_deref(), Some("nbd"));
    assert_eq!(info.abi_version, Some(1));
    assert_eq!(PathBuf::from(&info.library), dir.canonicalize().unwrap().join("plugins").join(&file_name));
    assert!(!clv_runner::run(&config).unwrap().any_model_failed());
}

#[test]
fn missing_library_names_the_path() {
    let output = run_with("missing", "library = \"plugins/absent.so\"");
    let reason = plugin_error(&output);
    assert!(reason.contains("plugins/absent.so not found"), "{reason}");
}

#[test]
fn non_library_file_fails_to_load() {
    let dir = scratch("not_a_library");
    std::fs::write(dir.join("fake.so"), "not a shared library\n").unwrap();
    let output = clv_runner::run(&config(&dir, "library = \"fake.so\"").unwrap()).unwrap();
    let reason = plugin_error(&output);
    assert!(reason.contains("cannot load plugin library"), "{reason}");
    assert!(reason.contains("fake.so"), "{reason}");
}

#[test]
fn unbuilt_library_name_lists_searched_paths() {
    let output = run_with("unbuilt", "library_name = \"clv_model_absent\"");
    let reason = plugin_error(&output);
    assert!(reason.contains("\"clv_model_absent\" not found next to the clv executable"), "{reason}");
    assert!(reason.contains("deps"), "{reason}");
}

#[test]
fn invalid_plugin_setting_names_the_key() {
    let output = run_with("setting", "library_name = \"clv_model_nbd\"\nspend = \"median\"");
    let reason = plugin_error(&output);
    assert!(reason.contains("failed in settings: invalid setting `spend`"), "{reason}");

    let output = run_with("unknown_setting", "library_name = \"clv_model_nbd\"\nspent = \"customer\"");
    let reason = plugin_error(&output);
    assert!(reason.contains("unknown field `spent`"), "{reason}");
}

#[test]
fn abi_mismatch_reported_with_version() {
    let config = config(&scratch("abi"), "library_name = \"clv_fixture_wrong_abi\"").unwrap();
    let info = config.models[1].plugin.as_ref().unwrap();
    assert_eq!(info.abi_version, Some(999));
    assert_eq!(info.plugin_name, None);
    assert!(info.error.is_some());
}

#[test]
fn library_keys_are_config_errors() {
    let cases = [
        ("", "needs the plugin library"),
        ("library = \"a.so\"\nlibrary_name = \"a\"", "library and library_name are both set"),
        ("library = 3", "library must be a string, found integer"),
    ];
    for (entry, fragment) in cases {
        let error = config(&scratch("keys"), entry).unwrap_err().to_string();
        assert!(error.contains("models[1] (plugin)"), "{error}");
        assert!(error.contains(fragment), "{error}");
    }
}

#[test]
fn library_loaded_once_per_file() {
    let path = clv_runner::plugin::resolve_library_name("clv_model_nbd").unwrap();
    let first = clv_runner::plugin::load(&path).unwrap();
    let second = clv_runner::plugin::load(&path).unwrap();
    assert!(std::sync::Arc::ptr_eq(&first, &second));
    assert_eq!(first.name, "nbd");
    assert_eq!(first.abi_version, clv_plugin::ABI_VERSION);
}
