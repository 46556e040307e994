//! Helpers shared by the end-to-end tests.

use std::path::PathBuf;

/// Returns the root folder of the workspace.
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ sits in the workspace root")
        .to_path_buf()
}

/// Creates an empty folder for one test's output under the target folder.
pub fn scratch_dir(name: &str) -> PathBuf {
    let dir = workspace_root().join("target").join("e2e-scratch").join(name);
    if dir.exists() {
        std::fs::remove_dir_all(&dir).expect("scratch folder can be removed");
    }
    std::fs::create_dir_all(&dir).expect("scratch folder can be created");
    dir
}
