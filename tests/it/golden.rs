//! Golden files pin the JSON schemas byte for byte on the sample corpus: `clusters.json`,
//! `overlaps.jsonl`, `compare --json` and `eval.json` (a sweep and a rescoring). Each file is also read back
//! through its typed definition and written again, which must give the same bytes.
//!
//! After an intended change of a format, regenerate with `UPDATE_GOLDEN=1 cargo test golden`
//! and review the diff of `tests/golden/`.

use crate::common::{reprint, root};
use reprint::report::compare::ComparisonReport;
use reprint::report::eval::EvalReport;
use reprint::report::ClusterReport;
use std::path::Path;

/// Compares `bytes` with `tests/golden/NAME` (or rewrites it with `UPDATE_GOLDEN` set).
fn golden(name: &str, bytes: &[u8]) {
    let path = root().join("tests/golden").join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, bytes).unwrap();
        return;
    }
    let want = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(
        want == bytes,
        "{name} differs from {} (UPDATE_GOLDEN=1 regenerates it):\n{}",
        path.display(),
        String::from_utf8_lossy(bytes)
    );
}

/// Runs reprint from the project root (so paths in the outputs are relative) with `--out`.
fn run(args: &[&str], out: &Path) {
    reprint().current_dir(root()).args(args).arg("--out").arg(out).arg("-q").assert().success();
}

#[test]
fn golden_clusters_json_on_seeds() {
    let dir = tempfile::tempdir().unwrap();
    run(&["cluster", "seeds", "--no-html"], dir.path());
    let bytes = std::fs::read(dir.path().join("clusters.json")).unwrap();
    golden("clusters.seeds.json", &bytes);
    let typed = ClusterReport::from_json(&bytes).expect("the typed reader reads what was written");
    assert!(typed.to_json() == bytes, "read and written again, the same bytes");
    // overlaps.jsonl: each line a pair in the clusters.json pair form.
    let overlaps = std::fs::read(dir.path().join("overlaps.jsonl")).unwrap();
    golden("overlaps.seeds.jsonl", &overlaps);
    for line in String::from_utf8(overlaps).unwrap().lines() {
        let pair: reprint::report::json::PairReport = serde_json::from_str(line).expect("a pair");
        assert_eq!(serde_json::to_string(&pair).unwrap(), line, "read and written again, the same bytes");
    }
}

#[test]
fn golden_compare_json_on_the_seed_pair() {
    let output = reprint()
        .current_dir(root())
        .args(["compare", "seeds/000_19cceab3956b993e.txt", "seeds/002_f827d458276c570b.txt", "--json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "the seed pair is linked");
    golden("compare.seeds.json", &output.stdout);
    let typed: ComparisonReport = serde_json::from_slice(&output.stdout).unwrap();
    assert!(typed.to_json() == output.stdout, "read and written again, the same bytes");
    assert_eq!(typed.passages.len(), 2);
}

#[test]
fn golden_eval_json_of_a_sweep_on_seeds() {
    let dir = tempfile::tempdir().unwrap();
    let labels = "tests/fixtures/seeds_labels.jsonl";
    run(&["eval", "seeds", "--labels", labels, "--exact", "--sweep", "threshold=0.4,0.6"], dir.path());
    let bytes = std::fs::read(dir.path().join("eval.json")).unwrap();
    let EvalReport::Sweep(mut report) = EvalReport::from_json(&bytes).unwrap() else {
        panic!("a sweep's eval.json reads as a sweep")
    };
    // Unrounded floats (the S-curve) may not survive serde_json's fast float parsing bit for
    // bit, so the round trip is compared as parsed JSON.
    let again: serde_json::Value =
        serde_json::from_slice(&EvalReport::Sweep(report.clone()).to_json()).unwrap();
    assert!(again == serde_json::from_slice::<serde_json::Value>(&bytes).unwrap(), "read and written again");
    // The stages' wall time is the one timing in the file.
    for row in &mut report.rows {
        row.seconds = 0.0;
    }
    assert_eq!(report.rows.len(), 2);
    golden("eval.sweep.seeds.json", &EvalReport::Sweep(report).to_json());
}

#[test]
fn golden_eval_json_of_a_rescoring() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(root().join("tests/golden/clusters.seeds.json"), dir.path().join("clusters.json")).unwrap();
    let out = dir.path().join("out");
    reprint()
        .current_dir(dir.path())
        .args(["eval", "--clusters", "clusters.json", "--labels"])
        .arg(root().join("tests/fixtures/seeds_labels.jsonl"))
        .arg("--out")
        .arg(&out)
        .arg("-q")
        .assert()
        .success();
    let bytes = std::fs::read(out.join("eval.json")).unwrap();
    let EvalReport::Rescore(report) = EvalReport::from_json(&bytes).unwrap() else {
        panic!("a rescoring's eval.json reads as a rescoring")
    };
    assert_eq!(report.agreement.ari, 1.0, "the labels put the seed pair together, as the run did");
    let mut report = report;
    report.labels = Some("seeds_labels.jsonl".into());
    golden("eval.rescore.seeds.json", &EvalReport::Rescore(report).to_json());
}
