//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};

/// The project root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The shipped sample corpus.
pub fn seeds() -> PathBuf {
    root().join("seeds")
}

/// A file of the shared data folder, or `None` (with a message) when it is not there.
pub fn shared_data(name: &str) -> Option<PathBuf> {
    let p = root().join("../shared/data").join(name);
    if p.exists() {
        Some(p)
    } else {
        eprintln!("skipping: {} not found (the shared data folder is not beside the project)", p.display());
        None
    }
}

/// `reprint` as a command, with a clean environment for thread count.
pub fn reprint() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("reprint").expect("binary built");
    cmd.env_remove("RAYON_NUM_THREADS");
    cmd
}

/// Parses a written `clusters.json`.
pub fn read_json(path: &Path) -> serde_json::Value {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    serde_json::from_slice(&bytes).expect("valid JSON")
}

/// Cluster member lists of a report, as sorted vectors of ids.
pub fn clusters(report: &serde_json::Value) -> Vec<Vec<String>> {
    report["clusters"]
        .as_array()
        .expect("clusters array")
        .iter()
        .map(|c| c["members"].as_array().unwrap().iter().map(|m| m.as_str().unwrap().to_owned()).collect())
        .collect()
}
