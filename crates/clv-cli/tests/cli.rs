//! The `clv` binary as a user runs it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

fn clv(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_clv")).args(args).current_dir(workspace_root()).output().unwrap()
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli-scratch").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn models_lists_each_kind() {
    let output = clv(&["models"]);
    assert!(output.status.success());
    let stdout = text(&output.stdout);
    let kinds: Vec<&str> = stdout.lines().map(|line| line.split_whitespace().next().unwrap()).collect();
    assert_eq!(
        kinds,
        ["historical", "formula", "bg_nbd", "pareto_nbd", "mbg_nbd", "bg_bb", "gamma_gamma", "plugin"]
    );
}

/// Writes a CDNOW config with the `historical` model and a plugin entry per
/// (name, library_name) into `dir`, and returns its path.
fn plugin_config(dir: &Path, plugins: &[(&str, &str)]) -> PathBuf {
    let data = workspace_root().join("data/CDNOW_sample.txt");
    let mut text = format!(
        "[data]\npath = {data:?}\nseparator = \"whitespace\"\nheader = false\ncustomer = 1\ndate = 2\n\
         amount = 4\ndate_format = \"%Y%m%d\"\n\n[period]\ntime_unit = \"week\"\n\
         calibration_end = 1997-09-30\n\n[value]\nhorizon = 52\n\n\
         [[models]]\nname = \"historical\"\nkind = \"historical\"\n"
    );
    for (name, library) in plugins {
        text.push_str(&format!(
            "\n[[models]]\nname = {name:?}\nkind = \"plugin\"\nlibrary_name = {library:?}\n"
        ));
    }
    let path = dir.join("config.toml");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn models_lists_config_plugins() {
    let output = clv(&["models", "--config", "config/cdnow.toml"]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    let line = stdout.lines().find(|line| line.starts_with("nbd ")).unwrap_or_else(|| panic!("{stdout}"));
    assert!(line.contains("loaded  ABI version 1"), "{line}");
    assert!(line.contains("clv_model_nbd"), "{line}");
    assert!(stdout.contains("nbd: NBD purchase model"), "{stdout}");
}

#[test]
fn models_reports_plugin_load_error() {
    let dir = scratch("models-plugins");
    let config = plugin_config(&dir, &[("nbd", "clv_model_nbd"), ("future", "clv_fixture_wrong_abi")]);
    let output = clv(&["models", "--config", config.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(3), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    let future =
        lines.iter().position(|line| line.starts_with("future ")).unwrap_or_else(|| panic!("{stdout}"));
    assert!(lines[future].contains("failed  ABI version 999"), "{stdout}");
    assert!(lines[future + 1].contains("supports version 1"), "{stdout}");
    let nbd = lines.iter().find(|line| line.starts_with("nbd ")).unwrap();
    assert!(nbd.contains("loaded  ABI version 1"), "{stdout}");
}

#[test]
fn failed_plugin_exits_3_with_reports() {
    let dir = scratch("run-failed-plugin");
    let config = plugin_config(&dir, &[("future", "clv_fixture_wrong_abi")]);
    let out = dir.join("out");
    let output = clv(&["run", config.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(3), "{}", text(&output.stderr));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("model future (plugin) failed"), "{stderr}");
    assert!(stderr.contains("ABI version 999"), "{stderr}");

    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    assert_eq!(json["models"][0]["status"], "ok");
    assert_eq!(json["models"][1]["status"], "failed");
    assert!(json["models"][1]["error"].as_str().unwrap().contains("ABI version 999"));
}

#[test]
fn run_writes_reports_and_prints_table() {
    let dir = scratch("run");
    let output = clv(&["run", "config/cdnow.toml", "--out", dir.to_str().unwrap()]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    assert!(stdout.contains("historical"), "{stdout}");
    assert!(stdout.contains("formula"), "{stdout}");
    assert!(stdout.contains("CLV total"), "{stdout}");
    for file in ["predictions.csv", "segments.csv", "report.md", "report.json", "report.html"] {
        assert!(dir.join(file).is_file(), "{file} missing");
    }
    assert!(stdout.contains("report.html"), "{stdout}");
}

#[test]
fn report_rerenders_from_json() {
    let dir = scratch("rerender");
    let run = clv(&["run", "config/cdnow.toml", "--out", dir.to_str().unwrap(), "--quiet"]);
    assert!(run.status.success(), "{}", text(&run.stderr));
    let written: Vec<String> = ["report.md", "report.json", "report.html"]
        .map(|file| std::fs::read_to_string(dir.join(file)).unwrap())
        .into();
    for file in ["report.md", "report.html"] {
        std::fs::remove_file(dir.join(file)).unwrap();
    }

    let output = clv(&["report", dir.to_str().unwrap()]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(text(&output.stdout).contains("report.html"), "{}", text(&output.stdout));
    for (file, before) in ["report.md", "report.json", "report.html"].iter().zip(&written) {
        assert_eq!(&std::fs::read_to_string(dir.join(file)).unwrap(), before, "{file} differs");
    }
}

#[test]
fn report_without_json_names_the_file() {
    let dir = scratch("rerender_missing");
    let output = clv(&["report", dir.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("report.json"), "{stderr}");
    assert!(stderr.contains("cannot read report"), "{stderr}");
}

#[test]
fn segments_csv_has_tier_and_cell() {
    let dir = scratch("segments");
    let output = clv(&["run", "config/cdnow.toml", "--out", dir.to_str().unwrap(), "--quiet"]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let segments = std::fs::read_to_string(dir.join("segments.csv")).unwrap();
    let mut lines = segments.lines();
    assert_eq!(lines.next(), Some("customer_id,model,clv,tier,p_alive,band,cell"));
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 2357);
    // 2357 customers: the top 1% is ceil(23.57) = 24 of them.
    assert_eq!(rows.iter().filter(|row| row.contains(",top 1%,")).count(), 24);
    assert!(rows.iter().all(|row| row.contains(",pareto_nbd,")), "{}", rows[0]);
    assert!(rows.iter().any(|row| row.ends_with("top 1% / active")), "{segments}");
}

#[test]
fn quiet_run_prints_nothing() {
    let dir = scratch("quiet");
    let output = clv(&["run", "config/cdnow.toml", "--out", dir.to_str().unwrap(), "--quiet"]);
    assert!(output.status.success());
    assert_eq!(text(&output.stdout), "");
    assert_eq!(text(&output.stderr), "");
}

#[test]
fn summarize_writes_one_row_per_customer() {
    let dir = scratch("summarize");
    let file = dir.join("summary.csv");
    let output = clv(&["summarize", "config/cdnow.toml", "--out", file.to_str().unwrap()]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let mut reader = csv::Reader::from_path(&file).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2357);
    // Customer 0001 of the CDNOW sample: 2 repeat days, recency 213 days, T 272 days.
    assert_eq!(&rows[0][0], "0001");
    assert_eq!(&rows[0][1], "2");
    assert_eq!(&rows[0][2], "30.4286");
    assert_eq!(&rows[0][3], "38.8571");
}

#[test]
fn missing_config_names_the_path() {
    let output = clv(&["run", "config/nope.toml"]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("config/nope.toml"), "{stderr}");
}

#[test]
fn invalid_config_names_the_key() {
    let dir = scratch("invalid_config");
    let config = dir.join("bad.toml");
    let original = std::fs::read_to_string(workspace_root().join("config/cdnow.toml")).unwrap();
    std::fs::write(&config, original.replace("horizon = 52", "horizon = -1")).unwrap();
    let output = clv(&["run", config.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("value.horizon"), "{stderr}");
}

#[test]
fn models_with_invalid_config_prints_only_the_error() {
    let output = clv(&["models", "--config", "config/nope.toml"]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(text(&output.stdout), "");
    assert!(text(&output.stderr).contains("config/nope.toml"), "{}", text(&output.stderr));
}

#[test]
fn invalid_row_names_file_line_and_value() {
    let dir = scratch("invalid_row");
    let data = dir.join("sales.csv");
    std::fs::write(&data, "customer,day,amount\nA,2024-01-01,10\nB,2024-01-02,ten\n").unwrap();
    let config = dir.join("run.toml");
    std::fs::write(
        &config,
        "[data]\npath = \"sales.csv\"\ncustomer = \"customer\"\ndate = \"day\"\namount = \"amount\"\n\
         [period]\ntime_unit = \"day\"\n[value]\nhorizon = 30\n[[models]]\nname = \"h\"\nkind = \"historical\"\n",
    )
    .unwrap();
    let output = clv(&["run", config.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("sales.csv"), "{stderr}");
    assert!(stderr.contains(":3"), "{stderr}");
    assert!(stderr.contains("\"ten\""), "{stderr}");
}

#[test]
fn help_states_units() {
    let output = clv(&["run", "--help"]);
    assert!(output.status.success());
    let stdout = text(&output.stdout);
    assert!(stdout.contains("time_unit"), "{stdout}");
    assert!(stdout.contains("Exit status"), "{stdout}");
}

#[test]
fn summarize_to_closed_pipe_succeeds() {
    use std::io::Read;
    use std::process::Stdio;

    let mut child = Command::new(env!("CARGO_BIN_EXE_clv"))
        .args(["summarize", "config/cdnow.toml"])
        .current_dir(workspace_root())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 16];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    // Dropping the read end closes the pipe, as `head` does.
    let output = child.wait_with_output().unwrap();
    assert_eq!(&first, b"customer_id,freq");
    assert!(output.status.success(), "{}", text(&output.stderr));
}

#[test]
fn summarize_creates_output_folder() {
    let dir = scratch("summarize_folder");
    let file = dir.join("new/folder/summary.csv");
    let output = clv(&["summarize", "config/cdnow.toml", "--out", file.to_str().unwrap()]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(file.is_file());
}

#[test]
fn error_cause_printed_once() {
    let output = clv(&["run", "config/nope.toml"]);
    let stderr = text(&output.stderr);
    assert_eq!(stderr.matches("os error 2").count(), 1, "{stderr}");
}
