//! Helpers shared by the end-to-end tests.

use std::path::PathBuf;

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
