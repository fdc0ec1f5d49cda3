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

/// A file of the shared data folder, or `None` (with a message) when it is not there. With
/// the environment variable `CI` set, a missing file fails the test instead: CI must never
/// pass the real-data tests by skipping them.
pub fn shared_data(name: &str) -> Option<PathBuf> {
    let p = root().join("../shared/data").join(name);
    if p.exists() {
        return Some(p);
    }
    let ci = std::env::var_os("CI").is_some_and(|v| !v.is_empty());
    assert!(!ci, "CI is set but {} is missing: the real-data tests would pass vacuously", p.display());
    eprintln!("skipping: {} not found (the shared data folder is not beside the project)", p.display());
    None
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

/// Run by `missing_shared_data_fails_under_ci` in a child process.
#[test]
#[ignore = "run by missing_shared_data_fails_under_ci in a child process, with and without CI"]
fn missing_shared_data_probe() {
    assert!(shared_data("no-such-file.jsonl").is_none());
}

/// A missing data file skips the test on a developer's machine and fails it under CI.
#[test]
fn missing_shared_data_fails_under_ci() {
    let probe = |ci: Option<&str>| {
        let mut cmd = std::process::Command::new(std::env::current_exe().unwrap());
        cmd.args(["--exact", "common::missing_shared_data_probe", "--include-ignored", "--nocapture"]);
        cmd.env_remove("CI");
        if let Some(v) = ci {
            cmd.env("CI", v);
        }
        let out = cmd.output().unwrap();
        (
            out.status.success(),
            format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)),
        )
    };
    let (ok, log) = probe(None);
    assert!(ok && log.contains("skipping:") && log.contains("1 passed"), "without CI: skips\n{log}");
    let (ok, log) = probe(Some("true"));
    assert!(!ok && log.contains("CI is set but"), "with CI: fails\n{log}");
}
