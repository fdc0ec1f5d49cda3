//! Every numeric flag at 0, 1 and its type's largest value, and the extreme values that once
//! panicked: each gives a clear error (exit status 2, the flag named) or a correct run, never
//! a panic. One test per case, so a failure names the flag and the value.

use crate::common::{read_json, reprint, seeds};

const U64_MAX: &str = "18446744073709551615";
const U32_MAX: &str = "4294967295";
const F64_MAX: &str = "1.7976931348623157e308";

/// What a case must give.
enum Want {
    /// A completed run with this exit status (0, or 3 when records were skipped) and a
    /// clusters.json.
    Runs(i32),
    /// Exit status 2 and this message on stderr.
    Error(&'static str),
}

/// Runs `reprint cluster seeds ARGS` and checks the outcome.
fn cluster(args: &[&str], want: Want) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let output =
        reprint().arg("cluster").arg(seeds()).args(args).arg("--out").arg(&out).arg("-q").output().unwrap();
    check(args, &output, want);
    if output.status.code() != Some(2) {
        let report = read_json(&out.join("clusters.json"));
        assert_eq!(
            report["input"]["documents"].as_u64().unwrap() + skipped(&report),
            5,
            "{args:?}: every seed accounted for"
        );
    }
}

fn skipped(report: &serde_json::Value) -> u64 {
    report["input"]["skipped"].as_array().map_or(0, |s| s.len() as u64)
}

/// Runs `reprint compare` on the two seed articles that share passages, with `env` set.
fn compare(args: &[&str], env: Option<(&str, &str)>, want: Want) {
    let mut cmd = reprint();
    cmd.arg("compare")
        .arg(seeds().join("000_19cceab3956b993e.txt"))
        .arg(seeds().join("002_f827d458276c570b.txt"))
        .args(args)
        .env_remove("COLUMNS");
    if let Some((k, v)) = env {
        cmd.env(k, v);
    }
    let output = cmd.output().unwrap();
    check(args, &output, want);
}

fn check(args: &[&str], output: &std::process::Output, want: Want) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{args:?}: panicked\n{stderr}");
    match want {
        Want::Runs(code) => assert_eq!(output.status.code(), Some(code), "{args:?}: exit status\n{stderr}"),
        Want::Error(message) => {
            assert_eq!(output.status.code(), Some(2), "{args:?}: exit status\n{stderr}");
            assert!(stderr.contains(message), "{args:?}: stderr lacks {message:?}\n{stderr}");
        }
    }
}

/// One `#[test]` per case: `name: [args...] => want`.
macro_rules! cluster_cases {
    ($($name:ident: [$($arg:expr),*] => $want:expr;)*) => {
        $(#[test]
        fn $name() {
            cluster(&[$($arg),*], $want);
        })*
    };
}

cluster_cases! {
    threshold_0: ["--threshold", "0"] => Want::Error("--threshold must be greater than 0");
    threshold_1: ["--threshold", "1"] => Want::Runs(0);
    threshold_max: ["--threshold", F64_MAX] => Want::Error("--threshold must be greater than 0 and at most 1");
    seed_0: ["--seed", "0"] => Want::Runs(0);
    seed_1: ["--seed", "1"] => Want::Runs(0);
    seed_max: ["--seed", U64_MAX] => Want::Runs(0);
    num_perm_0: ["--num-perm", "0"] => Want::Error("--num-perm must be between 1 and 4096, got 0");
    num_perm_1: ["--num-perm", "1"] => Want::Runs(0);
    num_perm_max: ["--num-perm", U64_MAX] => Want::Error("--num-perm must be between 1 and 4096");
    bands_0: ["--bands", "0", "--rows", "1"] => Want::Error("--bands and --rows must be at least 1");
    bands_1: ["--bands", "1", "--rows", "1"] => Want::Runs(0);
    bands_max: ["--bands", U64_MAX, "--rows", "1"] => Want::Error("is more than --num-perm 128");
    rows_0: ["--bands", "1", "--rows", "0"] => Want::Error("--bands and --rows must be at least 1");
    rows_1: ["--bands", "1", "--rows", "1"] => Want::Runs(0);
    rows_max: ["--bands", "1", "--rows", U64_MAX] => Want::Error("is more than --num-perm 128");
    bands_2_pow_63_rows_2: ["--bands", "9223372036854775808", "--rows", "2"]
        => Want::Error("--bands 9223372036854775808 x --rows 2 = 18446744073709551616 is more than --num-perm 128");
    bands_2_rows_2_pow_63: ["--bands", "2", "--rows", "9223372036854775808"]
        => Want::Error("--bands 2 x --rows 9223372036854775808 = 18446744073709551616 is more than --num-perm 128");
    bands_2_pow_32_rows_2_pow_32: ["--bands", "4294967296", "--rows", "4294967296"]
        => Want::Error("is more than --num-perm 128");
    max_hamming_0: ["--method", "simhash", "--max-hamming", "0"] => Want::Runs(0);
    max_hamming_1: ["--method", "simhash", "--max-hamming", "1"] => Want::Runs(0);
    max_hamming_max: ["--method", "simhash", "--max-hamming", U32_MAX] => Want::Error("--max-hamming must be below 32");
    min_passage_0: ["--min-passage", "0"] => Want::Error("--min-passage must be at least 1 word");
    min_passage_1: ["--min-passage", "1"] => Want::Runs(0);
    min_passage_max: ["--min-passage", U64_MAX] => Want::Error("--min-passage must be at most 4294967295");
    min_coverage_0: ["--min-coverage", "0"] => Want::Runs(0);
    min_coverage_1: ["--min-coverage", "1"] => Want::Runs(0);
    min_coverage_max: ["--min-coverage", F64_MAX] => Want::Error("--min-coverage must be between 0 and 1");
    max_gap_0: ["--max-gap", "0"] => Want::Runs(0);
    max_gap_1: ["--max-gap", "1"] => Want::Runs(0);
    max_gap_max: ["--max-gap", U64_MAX] => Want::Error("--max-gap must be at most 4294967295");
    winnow_window_0: ["--winnow-window", "0"] => Want::Error("--winnow-window and --min-shared must be at least 1");
    winnow_window_1: ["--winnow-window", "1"] => Want::Runs(0);
    winnow_window_max: ["--winnow-window", U64_MAX] => Want::Error("--winnow-window must be at most 4294967295");
    winnow_window_10_pow_9: ["--winnow-window", "1000000000"] => Want::Runs(0);
    max_df_0: ["--max-df", "0"] => Want::Error("--max-df must be at least 2");
    max_df_1: ["--max-df", "1"] => Want::Error("--max-df must be at least 2");
    max_df_max: ["--max-df", U64_MAX] => Want::Runs(0);
    min_shared_0: ["--min-shared", "0"] => Want::Error("--winnow-window and --min-shared must be at least 1");
    min_shared_1: ["--min-shared", "1"] => Want::Runs(0);
    min_shared_max: ["--min-shared", U64_MAX] => Want::Runs(0);
    max_doc_bytes_0: ["--max-doc-bytes", "0"] => Want::Error("no document could be read: 5 records skipped, the first at ");
    max_doc_bytes_1: ["--max-doc-bytes", "1"] => Want::Error("larger than --max-doc-bytes (1 bytes) (--allow-empty to run anyway)");
    max_doc_bytes_0_allow_empty: ["--max-doc-bytes", "0", "--allow-empty"] => Want::Runs(3);
    max_doc_bytes_1_allow_empty: ["--max-doc-bytes", "1", "--allow-empty"] => Want::Runs(3);
    max_doc_bytes_max: ["--max-doc-bytes", U64_MAX] => Want::Error("--max-doc-bytes must be at most 4294967295");
    html_max_pairs_0: ["--html-max-pairs", "0"] => Want::Runs(0);
    html_max_pairs_1: ["--html-max-pairs", "1"] => Want::Runs(0);
    html_max_pairs_max: ["--html-max-pairs", U64_MAX] => Want::Runs(0);
    html_clusters_0: ["--html-clusters", "0"] => Want::Runs(0);
    html_clusters_max: ["--html-clusters", U64_MAX] => Want::Runs(0);
    html_documents_0: ["--html-documents", "0"] => Want::Runs(0);
    html_documents_max: ["--html-documents", U64_MAX] => Want::Runs(0);
    text_memory_0: ["--text-memory", "0"] => Want::Runs(0);
    text_memory_1: ["--text-memory", "1"] => Want::Runs(0);
    text_memory_max: ["--text-memory", U64_MAX] => Want::Runs(0);
    text_memory_1k: ["--text-memory", "1k"] => Want::Runs(0);
    align_memory_0: ["--align-memory", "0"] => Want::Runs(0);
    align_memory_1k: ["--align-memory", "1K"] => Want::Runs(0);
    align_memory_2g: ["--align-memory", "2G"] => Want::Runs(0);
    align_memory_max: ["--align-memory", U64_MAX] => Want::Runs(0);
    align_memory_2gb: ["--align-memory", "2GB"] => Want::Error("invalid value '2GB' for '--align-memory <BYTES>': expected a whole number of bytes, optionally followed by K, M, G or T (powers of 1024), as in 512M; got `2GB`");
    align_memory_fraction: ["--align-memory", "1.5G"] => Want::Error("optionally followed by K, M, G or T (powers of 1024), as in 512M; got `1.5G`");
    align_memory_overflow: ["--align-memory", "16777216T"] => Want::Error("`16777216T` is more bytes than this machine can count");
    max_doc_bytes_4g: ["--max-doc-bytes", "4G"] => Want::Error("--max-doc-bytes must be at most 4294967295, got 4294967296");
    threads_0: ["--threads", "0"] => Want::Runs(0);
    threads_1: ["--threads", "1"] => Want::Runs(0);
    threads_max: ["--threads", U64_MAX] => Want::Error("--threads must be at most 1024");
}

/// With `--max-doc-bytes` at its largest, documents are read whole (the limit once wrapped
/// around and every document was read as empty).
#[test]
fn max_doc_bytes_at_its_limit_reads_every_document() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    reprint()
        .arg("cluster")
        .arg(seeds())
        .args(["--max-doc-bytes", U32_MAX, "-q", "--out"])
        .arg(&out)
        .assert()
        .success();
    let report = read_json(&out.join("clusters.json"));
    assert_eq!(report["input"]["documents"], 5);
    assert!(report["input"]["empty"].as_array().unwrap().is_empty());
    assert_eq!(report["summary"]["clusters"], 1, "the seed pair that shares passages is found");
}

/// A size with a unit is that many powers of 1024 bytes: `--max-doc-bytes 1M --align-memory 2K`
/// is the run of `--max-doc-bytes 1048576 --align-memory 2048`, in the manifest's parameters
/// and counts and in every output.
#[test]
fn a_size_unit_is_a_power_of_1024() {
    let run = |args: &[&str]| {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        reprint()
            .arg("cluster")
            .arg(seeds())
            .args(args)
            .args(["-q", "--no-html", "--out"])
            .arg(&out)
            .assert()
            .success();
        let read = |name: &str| std::fs::read(out.join(name)).unwrap();
        (
            read_json(&out.join("manifest.json")),
            [read("clusters.json"), read("overlaps.jsonl"), read("clusters.csv")],
        )
    };
    let (units, units_out) = run(&["--max-doc-bytes", "1M", "--align-memory", "2K"]);
    let (bytes, bytes_out) = run(&["--max-doc-bytes", "1048576", "--align-memory", "2048"]);
    assert_eq!(units["params"]["max_doc_bytes"], 1_048_576);
    assert_ne!(units["params"], run(&["--max-doc-bytes", "1000000"]).0["params"], "1M is not 1000000");
    assert_eq!(units["params"], bytes["params"]);
    assert_eq!(units["counts"], bytes["counts"]);
    assert!(units_out == bytes_out, "the same outputs");
}

/// One `#[test]` per `compare` case: `name: [args...], env => want`.
macro_rules! compare_cases {
    ($($name:ident: [$($arg:expr),*], $env:expr => $want:expr;)*) => {
        $(#[test]
        fn $name() {
            compare(&[$($arg),*], $env, $want);
        })*
    };
}

compare_cases! {
    compare_width_0: ["--width", "0"], None => Want::Runs(0);
    compare_width_1: ["--width", "1"], None => Want::Runs(0);
    compare_width_max: ["--width", U64_MAX], None => Want::Error("--width must be at most 1000 columns");
    compare_columns_0: [], Some(("COLUMNS", "0")) => Want::Runs(0);
    compare_columns_1: [], Some(("COLUMNS", "1")) => Want::Runs(0);
    compare_columns_99999999999: [], Some(("COLUMNS", "99999999999")) => Want::Runs(0);
    compare_columns_max: [], Some(("COLUMNS", U64_MAX)) => Want::Runs(0);
    // Without bridging edits, the shared passages cover too little to link: exit status 1.
    compare_max_gap_0: ["--max-gap", "0"], None => Want::Runs(1);
    compare_max_gap_1: ["--max-gap", "1"], None => Want::Runs(0);
    compare_max_gap_max: ["--max-gap", U64_MAX], None => Want::Error("--max-gap must be at most 4294967295");
}

/// A huge `$COLUMNS` draws the view at the widest width, not wider.
#[test]
fn compare_with_huge_columns_draws_at_most_1000_columns() {
    let output = reprint()
        .arg("compare")
        .arg(seeds().join("000_19cceab3956b993e.txt"))
        .arg(seeds().join("002_f827d458276c570b.txt"))
        .env("COLUMNS", "99999999999")
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    let widest = stdout.lines().map(|l| l.chars().count()).max().unwrap();
    assert!((900..=1000).contains(&widest), "widest line {widest}");
}

/// Any gap up to the limit still finds the seed pair's passages.
#[test]
fn compare_max_gap_at_its_limit_still_links_the_seed_pair() {
    compare(&["--max-gap", U32_MAX], None, Want::Runs(0));
}
