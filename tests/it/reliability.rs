//! Reliability under hostile use (issue 10): one named test per failure found by trying the
//! tool as a hostile user would. Each pins the honest behaviour: no data loss, bounded
//! resources, a clear message, and an exit status that tells the truth. Checks that need a
//! full disk, a gigabyte of input or concurrency at scale live in `scripts/hostile-test.sh`.

use crate::common::{read_json, reprint, seeds};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// A document line with enough words to shingle.
fn doc(id: &str, text: &str) -> String {
    format!("{}\n", serde_json::json!({ "id": id, "text": text }))
}

const TEXT_A: &str = "the quick brown fox jumps over the lazy dog near the river bank on a cold morning";
const TEXT_B: &str = "a completely different story about elections parliament votes and the budget debate";

fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

fn stderr_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn mkfifo(path: &Path) {
    let ok = std::process::Command::new("mkfifo").arg(path).status().map(|s| s.success()).unwrap_or(false);
    assert!(ok, "mkfifo {}", path.display());
}

/// Writes `bytes` into a FIFO from another thread (opening blocks until a reader comes).
fn feed_fifo(path: PathBuf, bytes: Vec<u8>) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        if let Ok(mut f) = fs::OpenOptions::new().write(true).open(&path) {
            let _ = f.write_all(&bytes);
        }
    })
}

/// Kills a spawned child when the test ends, whatever the outcome.
struct Reaper(std::process::Child);

impl Drop for Reaper {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

// --- 1. outputs never share a path with an input ---------------------------------------------

#[test]
fn dedup_refuses_an_output_that_is_one_of_its_inputs() {
    let dir = tmp();
    let t = dir.path();
    fs::write(t.join("q.jsonl"), doc("q1", TEXT_A) + &doc("q2", TEXT_B)).unwrap();
    fs::create_dir(t.join("d")).unwrap();
    let reference = doc("r1", TEXT_A);
    for (name, extra) in
        [("removed.jsonl", vec![]), ("kept.jsonl", vec![]), ("annotated.jsonl", vec!["--annotate"])]
    {
        let path = t.join("d").join(name);
        fs::write(&path, &reference).unwrap();
        let args: Vec<String> = if name == "removed.jsonl" {
            vec![
                "dedup".into(),
                "q.jsonl".into(),
                "--against".into(),
                format!("d/{name}"),
                "--out".into(),
                "d".into(),
            ]
        } else {
            vec!["dedup".into(), format!("d/{name}"), "--out".into(), "d".into()]
        };
        let out = reprint().current_dir(t).args(&args).args(&extra).output().unwrap();
        let err = stderr_of(&out);
        assert_eq!(out.status.code(), Some(2), "{name}: {err}");
        assert!(err.contains(&format!("d/{name}")) && err.contains("--out"), "{name}: names both: {err}");
        assert_eq!(fs::read_to_string(&path).unwrap(), reference, "{name} was overwritten");
        fs::remove_file(&path).unwrap();
    }
}

// --- 2. a failed run leaves previous outputs untouched and writes no new ones -------------------

#[test]
fn a_failed_run_leaves_previous_outputs_and_adds_none() {
    let dir = tmp();
    let o = dir.path().join("o");
    reprint().args(["cluster", "-q", "--no-html", "--out"]).arg(&o).arg(seeds()).assert().code(0);
    let before = fs::read(o.join("clusters.json")).unwrap();
    let manifest = fs::read(o.join("manifest.json")).unwrap();
    fs::create_dir(o.join("overlap.html")).unwrap();
    let out = reprint()
        .args(["cluster", "-q", "--threshold", "0.9", "--out"])
        .arg(&o)
        .arg(seeds())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr_of(&out));
    assert_eq!(fs::read(o.join("clusters.json")).unwrap(), before, "clusters.json replaced by a failed run");
    assert_eq!(
        fs::read(o.join("manifest.json")).unwrap(),
        manifest,
        "manifest.json of the last good run lost"
    );

    let d = dir.path().join("d");
    fs::create_dir_all(d.join("removed.jsonl")).unwrap();
    let input = dir.path().join("x.jsonl");
    fs::write(&input, doc("a", TEXT_A) + &doc("b", TEXT_A) + &doc("c", TEXT_B)).unwrap();
    let out = reprint().args(["dedup", "-q", "--out"]).arg(&d).arg(&input).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr_of(&out));
    for name in ["kept.jsonl", "manifest.json"] {
        assert!(!d.join(name).exists(), "{name} written by a run that failed");
    }
}

/// A bad record early in a large input with `--on-error fail` ends the run at once: the reader
/// thread, batches ahead of the sketching, must not wait forever on a full channel.
#[test]
fn on_error_fail_early_in_a_large_input_ends_the_run() {
    let dir = tmp();
    let input = dir.path().join("in.jsonl");
    let mut f = std::io::BufWriter::new(fs::File::create(&input).unwrap());
    f.write_all(b"{\"id\": \"bad\", \"text\": 5}\n").unwrap();
    // Far more than the reader's batches and its channel hold (about 40 MB).
    for i in 0..200_000 {
        f.write_all(doc(&format!("d{i}"), &format!("{TEXT_A} {TEXT_B} {i}")).as_bytes()).unwrap();
    }
    drop(f);
    let out = reprint()
        .args(["cluster", "-q", "--on-error", "fail", "--out"])
        .arg(dir.path().join("o"))
        .arg(&input)
        .timeout(Duration::from_secs(120))
        .output()
        .unwrap();
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("in.jsonl:1: text field `text` is a number"), "{err}");
}

/// Every file under `dir`, by relative path, with its bytes (manifest.json aside: it holds
/// timings).
fn outputs(dir: &Path) -> std::collections::BTreeMap<PathBuf, Vec<u8>> {
    let mut files = std::collections::BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.file_name().is_some_and(|n| n != "manifest.json") {
                files.insert(p.strip_prefix(dir).unwrap().to_path_buf(), fs::read(&p).unwrap());
            }
        }
    }
    files
}

/// `--text-memory 0` lets every text go into the temporary file in `--out`: `cluster` and
/// `dedup` write the same bytes as with the texts held, on the seeds (a directory) and on the
/// development set (JSON Lines, compressed and plain; copies, passages).
#[test]
fn texts_read_again_give_the_outputs_of_texts_held() {
    let dev = crate::common::shared_data("reprints_dev_ar/docs.jsonl.gz");
    let dir = tmp();
    let plain = dir.path().join("dev.jsonl");
    let mut inputs = vec![seeds()];
    if let Some(dev) = dev {
        // Compressed and plain: both are read again line by line.
        let mut text = String::new();
        std::io::Read::read_to_string(
            &mut flate2::read::GzDecoder::new(fs::File::open(&dev).unwrap()),
            &mut text,
        )
        .unwrap();
        fs::write(&plain, text).unwrap();
        inputs.extend([dev, plain]);
    }
    for (k, input) in inputs.iter().enumerate() {
        for command in ["cluster", "dedup"] {
            let run = |tag: &str, extra: &[&str]| {
                let out = dir.path().join(format!("{k}-{command}-{tag}"));
                let o = reprint()
                    .arg(command)
                    .arg(input)
                    .args(["-q", "--out"])
                    .arg(&out)
                    .args(extra)
                    .output()
                    .unwrap();
                assert_eq!(o.status.code(), Some(0), "{input:?} {command} {tag}: {}", stderr_of(&o));
                outputs(&out)
            };
            let (held, reread) = (run("held", &[]), run("reread", &["--text-memory", "0"]));
            assert!(held.len() > 2, "{input:?} {command}: {:?}", held.keys());
            assert!(held == reread, "{input:?} {command}: outputs differ");
        }
    }
}

/// Standard input lets its texts go past `--text-memory` too (into the temporary file in
/// `--out`, never read twice): `cluster` writes the same bytes as with every text held.
#[test]
fn standard_input_past_the_text_memory_gives_the_outputs_of_texts_held() {
    let mut body = String::new();
    let mut names: Vec<PathBuf> = fs::read_dir(seeds()).unwrap().map(|e| e.unwrap().path()).collect();
    names.sort();
    for p in names.iter().filter(|p| p.extension().is_some_and(|e| e == "txt")) {
        body += &doc(&p.file_stem().unwrap().to_string_lossy(), &fs::read_to_string(p).unwrap());
    }
    let dir = tmp();
    let run = |tag: &str, extra: &[&str]| {
        let out = dir.path().join(tag);
        let o = reprint()
            .args(["cluster", "-", "-q", "--out"])
            .arg(&out)
            .args(extra)
            .write_stdin(body.clone())
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(0), "{tag}: {}", stderr_of(&o));
        outputs(&out)
    };
    let (held, filed) = (run("held", &[]), run("filed", &["--text-memory", "0"]));
    assert!(held.keys().any(|k| k.ends_with("overlaps.jsonl")), "{:?}", held.keys());
    let overlaps = held.iter().find(|(k, _)| k.ends_with("overlaps.jsonl")).unwrap().1;
    assert!(!overlaps.is_empty(), "the seeds share passages");
    assert!(held == filed, "outputs differ");
}

// --- 3. no unbounded or second read of an input ------------------------------------------------

#[test]
fn a_txt_link_to_dev_zero_is_skipped_in_bounded_time() {
    let dir = tmp();
    std::os::unix::fs::symlink("/dev/zero", dir.path().join("zero.txt")).unwrap();
    fs::write(dir.path().join("good.txt"), TEXT_A).unwrap();
    let out = reprint()
        .current_dir(dir.path())
        .args(["cluster", "-q", "--max-doc-bytes", "1000000", "--out", "o", "zero.txt", "good.txt"])
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(err.contains("zero.txt") && err.contains("larger than --max-doc-bytes"), "{err}");
}

#[test]
fn a_sparse_file_over_the_limit_is_not_read_to_its_end() {
    let dir = tmp();
    let f = fs::File::create(dir.path().join("sparse.txt")).unwrap();
    if f.set_len(200 << 30).is_err() {
        eprintln!("skipping: this file system cannot hold a 200 GB sparse file");
        return;
    }
    // With a readable document beside it: a run where no document can be read is an error.
    fs::write(dir.path().join("good.txt"), TEXT_A).unwrap();
    let out = reprint()
        .current_dir(dir.path())
        .args(["cluster", "-q", "--max-doc-bytes", "1000000", "--out", "o", "sparse.txt", "good.txt"])
        .timeout(Duration::from_secs(30))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", stderr_of(&out));
}

#[test]
fn a_fifo_input_is_read_once_and_checksummed_while_read() {
    let dir = tmp();
    let fifo = dir.path().join("in.jsonl");
    mkfifo(&fifo);
    let writer = feed_fifo(fifo.clone(), (doc("a", TEXT_A) + &doc("b", TEXT_B)).into_bytes());
    let out = reprint()
        .current_dir(dir.path())
        .args(["cluster", "-q", "--out", "o", "in.jsonl"])
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    let _ = writer.join();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let m = read_json(&dir.path().join("o/manifest.json"));
    assert_eq!(m["counts"]["documents"], 2);
    assert!(m["inputs"][0]["xxh3"].is_string(), "{}", m["inputs"]);
}

#[test]
fn eval_reads_a_fifo_corpus_once_and_checksums_it_while_reading() {
    let dir = tmp();
    let fifo = dir.path().join("in.jsonl");
    mkfifo(&fifo);
    let corpus = doc("a", TEXT_A) + &doc("b", TEXT_B);
    let writer = feed_fifo(fifo.clone(), corpus.clone().into_bytes());
    fs::write(
        dir.path().join("labels.jsonl"),
        "{\"id\":\"a\",\"cluster\":\"1\"}\n{\"id\":\"b\",\"cluster\":\"2\"}\n",
    )
    .unwrap();
    let out = reprint()
        .current_dir(dir.path())
        .args(["eval", "-q", "--labels", "labels.jsonl", "--out", "o", "in.jsonl"])
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    let _ = writer.join();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let report = read_json(&dir.path().join("o/eval.json"));
    let want = format!("{:016x}", xxhash_rust::xxh3::xxh3_64(corpus.as_bytes()));
    assert_eq!(report["inputs"][0]["xxh3"], want.as_str(), "{}", report["inputs"]);
    assert_eq!(report["inputs"][0]["bytes"], corpus.len());
}

// --- 4. identical texts are not quadratic ---------------------------------------------------------

#[test]
fn identical_texts_give_linear_output() {
    let dir = tmp();
    let input = dir.path().join("same.jsonl");
    let n = 1000;
    let body: String = (0..n).map(|i| doc(&format!("d{i:04}"), TEXT_A)).collect();
    fs::write(&input, body).unwrap();
    for flags in [&[][..], &["--candidates", "identical"][..], &["--cluster", "center", "--no-passages"][..]]
    {
        let o = dir.path().join(format!("o{}", flags.len()));
        reprint()
            .args(["cluster", "-q", "--out"])
            .arg(&o)
            .args(flags)
            .arg(&input)
            .timeout(Duration::from_secs(120))
            .assert()
            .code(0);
        let size = fs::metadata(o.join("clusters.json")).unwrap().len();
        assert!(size < 1 << 20, "{flags:?}: clusters.json is {size} bytes for {n} identical documents");
        let report = read_json(&o.join("clusters.json"));
        let clusters = report["clusters"].as_array().unwrap();
        assert_eq!(clusters.len(), 1, "{flags:?}");
        assert_eq!(clusters[0]["size"], n, "{flags:?}");
        let pairs = clusters[0]["pairs"].as_array().unwrap();
        assert_eq!(pairs.len(), n - 1, "{flags:?}: a spanning set of links");
        assert_eq!(pairs[0]["jaccard"], 1.0);
    }
    let d = dir.path().join("dd");
    reprint()
        .args(["dedup", "-q", "--out"])
        .arg(&d)
        .arg(&input)
        .timeout(Duration::from_secs(120))
        .assert()
        .code(0);
    assert_eq!(fs::read_to_string(d.join("kept.jsonl")).unwrap().lines().count(), 1);
    assert_eq!(fs::read_to_string(d.join("removed.jsonl")).unwrap().lines().count(), n - 1);
}

// --- 5. skipped records: counted by reason, a bounded sample kept --------------------------------

#[test]
fn skipped_records_are_counted_with_a_bounded_sample() {
    let dir = tmp();
    let input = dir.path().join("junk.jsonl.gz");
    let n = 200_000;
    let mut body = doc("ok", TEXT_A).into_bytes();
    body.extend("x\n".repeat(n).as_bytes());
    fs::write(&input, gzip(&body)).unwrap();
    let o = dir.path().join("o");
    let out = reprint().args(["cluster", "-q", "--out"]).arg(&o).arg(&input).output().unwrap();
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(err.lines().count() < 40, "stderr lists every skipped record: {} lines", err.lines().count());
    assert!(err.contains(&n.to_string()), "the summary counts them: {err}");
    let size = fs::metadata(o.join("clusters.json")).unwrap().len();
    assert!(size < 100_000, "clusters.json is {size} bytes");
    let report = read_json(&o.join("clusters.json"));
    assert_eq!(report["input"]["skipped_total"], n);
    assert_eq!(report["input"]["skipped_by_reason"]["invalid JSON"], n);
    assert!(report["input"]["skipped"].as_array().unwrap().len() <= 100);
    let m = read_json(&o.join("manifest.json"));
    assert_eq!(m["counts"]["skipped"], n);
}

// --- 7. eval sweeps are bounded ------------------------------------------------------------------

#[test]
fn an_eval_sweep_too_large_is_refused_before_any_work() {
    let dir = tmp();
    let out = reprint()
        .current_dir(dir.path())
        .args(["eval", "-q", "--exact", "--out", "o"])
        .arg(seeds())
        .args(["--sweep", "threshold=0.001:1:0.001", "--sweep", "min-coverage=0:0.999:0.001"])
        .timeout(Duration::from_secs(30))
        .output()
        .unwrap();
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("--sweep") && err.contains("settings"), "{err}");
}

// --- 8. every write to stdout is checked ---------------------------------------------------------

#[test]
fn a_failed_stdout_write_fails_the_run() {
    let dir = tmp();
    fs::write(dir.path().join("a.txt"), TEXT_A).unwrap();
    fs::write(dir.path().join("b.txt"), TEXT_A).unwrap();
    let full = || fs::OpenOptions::new().write(true).open("/dev/full").expect("/dev/full");
    for args in [
        &["compare", "a.txt", "b.txt", "--json"][..],
        &["compare", "a.txt", "b.txt"][..],
        &["cluster", "a.txt", "b.txt", "--out", "o"][..],
    ] {
        let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("reprint"))
            .current_dir(dir.path())
            .args(args)
            .stdout(full())
            .stderr(std::process::Stdio::piped())
            .output()
            .unwrap();
        let err = stderr_of(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains("standard output"), "{args:?}: {err}");
    }
    assert!(!dir.path().join("o/clusters.json").exists(), "outputs of a run that exits 2");
}

// --- 9. one run at a time per output directory ---------------------------------------------------

#[test]
fn a_second_run_on_the_same_out_fails_and_leaves_the_first_alone() {
    let dir = tmp();
    let fifo = dir.path().join("slow.jsonl");
    mkfifo(&fifo);
    let first = std::process::Command::new(assert_cmd::cargo::cargo_bin("reprint"))
        .current_dir(dir.path())
        .args(["cluster", "-q", "--out", "o", "slow.jsonl"])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = Reaper(first);
    // The first run waits on its FIFO input, holding the output directory.
    std::thread::sleep(Duration::from_millis(1500));
    let out = reprint()
        .current_dir(dir.path())
        .args(["cluster", "-q", "--out", "o"])
        .arg(seeds())
        .output()
        .unwrap();
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(2), "second run: {err}");
    assert!(err.contains("--out o") && err.contains("another reprint run"), "{err}");
    let writer = feed_fifo(fifo, (doc("a", TEXT_A) + &doc("b", TEXT_A)).into_bytes());
    let _ = writer.join();
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(s) = first.0.try_wait().unwrap() {
            break s;
        }
        assert!(std::time::Instant::now() < deadline, "the first run did not finish");
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(status.code(), Some(0), "the first run failed");
    assert_eq!(read_json(&dir.path().join("o/clusters.json"))["input"]["documents"], 2);
}

// --- 10. control characters never reach the terminal ---------------------------------------------

#[test]
fn control_characters_are_escaped_in_messages_and_views() {
    let dir = tmp();
    let t = dir.path();
    let evil = "\u{1b}[2J\u{1b}]0;PWNED\u{7}x";
    let raw = |b: &[u8]| b.iter().any(|&c| c == 0x1b || c == 0x07);
    // A duplicate id.
    fs::write(t.join("dup.jsonl"), doc(evil, TEXT_A) + &doc(evil, TEXT_B)).unwrap();
    let out = reprint().current_dir(t).args(["cluster", "-q", "--out", "o", "dup.jsonl"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(!raw(&out.stderr), "duplicate-id message: {:?}", stderr_of(&out));
    assert!(stderr_of(&out).contains("duplicate document id"));
    // A skipped file whose name holds the escapes.
    fs::create_dir(t.join("c")).unwrap();
    fs::write(t.join("c").join(format!("{evil}.txt")), b"bad \xff utf-8").unwrap();
    fs::write(t.join("c/good.txt"), TEXT_A).unwrap();
    let out = reprint().current_dir(t).args(["cluster", "--out", "o", "c"]).output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(!raw(&out.stderr) && !raw(&out.stdout), "skip message: {:?}", stderr_of(&out));
    assert!(stderr_of(&out).contains("not valid UTF-8"));
    // compare: ids and texts in the terminal view.
    let evil_text = format!("{TEXT_A} {evil}");
    fs::write(t.join("cmp.jsonl"), doc(evil, &evil_text) + &doc("b", &evil_text)).unwrap();
    let out = reprint().current_dir(t).args(["compare", "--in", "cmp.jsonl", evil, "b"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert!(!raw(&out.stdout), "compare view: {:?}", String::from_utf8_lossy(&out.stdout));
    let out = reprint().current_dir(t).args(["compare", "--in", "cmp.jsonl", evil, "nope"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(!raw(&out.stderr), "compare error: {:?}", stderr_of(&out));
}

// --- 11. outputs are never read back as inputs ---------------------------------------------------

#[test]
fn outputs_inside_an_input_directory_are_not_read_back() {
    let dir = tmp();
    let dd = dir.path().join("dd");
    fs::create_dir(&dd).unwrap();
    fs::write(dd.join("a.txt"), TEXT_A).unwrap();
    fs::write(dd.join("b.txt"), TEXT_A).unwrap();
    fs::write(dd.join("c.txt"), TEXT_B).unwrap();
    for _ in 0..2 {
        reprint().current_dir(dir.path()).args(["dedup", "-q", "dd", "--out", "dd"]).assert().code(0);
        let m = read_json(&dd.join("manifest.json"));
        assert_eq!(m["counts"]["documents"], 3, "dedup read its own outputs");
    }
    let input = dir.path().join("in");
    fs::create_dir(&input).unwrap();
    fs::write(input.join("a.txt"), TEXT_A).unwrap();
    fs::write(input.join("b.md"), TEXT_A).unwrap();
    for _ in 0..2 {
        reprint()
            .current_dir(dir.path())
            .args(["cluster", "-q", "--ext", "*", "in", "--out", "in/rep"])
            .assert()
            .code(0);
        let m = read_json(&input.join("rep/manifest.json"));
        assert_eq!(m["counts"]["documents"], 2, "cluster read its own outputs");
    }
}

// --- 12. dedup's second read is the data it analysed ---------------------------------------------

#[test]
fn dedup_fails_when_an_input_changes_between_its_two_reads() {
    use reprint::corpus::Input;
    use reprint::pipeline::{self, NoProgress, Params};
    let dir = tmp();
    let path = dir.path().join("in.jsonl");
    fs::write(&path, doc("a", TEXT_A) + &doc("b", TEXT_A) + &doc("c", TEXT_B)).unwrap();
    let inputs = vec![Input::Jsonl(path.clone())];
    let config = Params::default().resolve().unwrap();
    let run = pipeline::run(inputs.clone(), &config, &NoProgress, &mut pipeline::NoOverlaps).unwrap();
    let plan = reprint::dedup::plan(&run);
    // Another file moved over the input: same number of lines, other records.
    fs::write(&path, doc("x", TEXT_B) + &doc("y", TEXT_B) + &doc("z", TEXT_A)).unwrap();
    let out_dir = dir.path().join("o");
    fs::create_dir(&out_dir).unwrap();
    let out = reprint::dedup::DedupOutput { dir: &out_dir, inputs: &inputs, annotate: false, copy_to: None };
    let written = reprint::dedup::write_outputs(&run, &plan, &out, 1);
    let err = written.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(
        err.contains("in.jsonl") && err.contains("changed"),
        "second read accepted other records: {err:?}"
    );
    assert!(!out_dir.join("kept.jsonl").exists());
}

// --- 13. numeric ids keep their JSON text ----------------------------------------------------------

#[test]
fn numeric_ids_keep_their_exact_json_text() {
    let dir = tmp();
    let input = dir.path().join("n.jsonl");
    let line = |id: &str, text: &str| format!("{{\"id\": {id}, \"text\": {}}}\n", serde_json::json!(text));
    let body = line("18446744073709551616", TEXT_A)
        + &line("18446744073709551617", TEXT_A)
        + &line("1e2", TEXT_B)
        + &line("-0", TEXT_B)
        + &line(
            "123456789012345678901234567890",
            "one more story about the weather in the mountains this winter",
        )
        + &line("0", "one more story about the weather in the mountains this winter");
    fs::write(&input, body).unwrap();
    let o = dir.path().join("o");
    let out = reprint().args(["cluster", "-q", "--out"]).arg(&o).arg(&input).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let clusters = crate::common::clusters(&read_json(&o.join("clusters.json")));
    assert_eq!(
        clusters,
        vec![
            vec!["-0".to_owned(), "1e2".to_owned()],
            vec!["0".to_owned(), "123456789012345678901234567890".to_owned()],
            vec!["18446744073709551616".to_owned(), "18446744073709551617".to_owned()],
        ]
    );
}

#[test]
fn numeric_ids_in_labels_match_the_same_numeric_ids_of_the_corpus() {
    let dir = tmp();
    let line = |id: &str, text: &str| format!("{{\"id\": {id}, \"text\": {}}}\n", serde_json::json!(text));
    let body =
        line("18446744073709551616", TEXT_A) + &line("18446744073709551617", TEXT_A) + &line("1e2", TEXT_B);
    fs::write(dir.path().join("n.jsonl"), body).unwrap();
    // Two ids that a parsed number would round to one, and one it would rewrite as `100.0`.
    let labels = "{\"id\": 18446744073709551616, \"cluster\": 7}\n\
                  {\"id\": 18446744073709551617, \"cluster\": 7}\n\
                  {\"id\": 1e2, \"cluster\": 8}\n";
    fs::write(dir.path().join("labels.jsonl"), labels).unwrap();
    let out = reprint()
        .current_dir(dir.path())
        .args(["eval", "-q", "--labels", "labels.jsonl", "--out", "o", "n.jsonl"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert!(!stderr_of(&out).contains("not documents of the corpus"), "{}", stderr_of(&out));
    let report = read_json(&dir.path().join("o/eval.json"));
    let row = &report["rows"][0];
    let l = &row["labels"];
    assert_eq!(
        (l["documents"].as_u64(), l["true_pairs"].as_u64(), l["correct_pairs"].as_u64()),
        (Some(3), Some(1), Some(1)),
        "{row}"
    );
    assert_eq!(l["ari"].as_f64(), Some(1.0), "{row}");
}

// --- 14. the labels file is read with a bound ------------------------------------------------------

#[test]
fn a_labels_file_that_never_ends_is_refused() {
    let dir = tmp();
    std::os::unix::fs::symlink("/dev/zero", dir.path().join("labels.jsonl")).unwrap();
    let out = reprint()
        .current_dir(dir.path())
        .args(["eval", "-q", "--labels", "labels.jsonl", "--out", "o"])
        .arg(seeds())
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("labels.jsonl") && err.contains("longer than"), "{err}");
}

// --- 15. thread counts -----------------------------------------------------------------------------

#[test]
fn absurd_thread_counts_are_refused_without_a_panic() {
    let out = reprint()
        .env("RAYON_NUM_THREADS", "100000")
        .args(["cluster", "-q", "--out"])
        .arg(tmp().path().join("o"))
        .arg(seeds())
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("RAYON_NUM_THREADS") && !err.contains("panicked"), "{err}");
    let out = reprint()
        .args(["cluster", "-q", "-j", "100000", "--out"])
        .arg(tmp().path().join("o"))
        .arg(seeds())
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("--threads") && !err.contains("panicked"), "{err}");
}

// --- 16. no silent success --------------------------------------------------------------------------

#[test]
fn labels_and_keep_fields_that_match_nothing_are_errors() {
    let dir = tmp();
    let t = dir.path();
    fs::write(
        t.join("absent.jsonl"),
        "{\"id\": \"nope1\", \"cluster\": 1}\n{\"id\": \"nope2\", \"cluster\": 1}\n",
    )
    .unwrap();
    let out = reprint()
        .current_dir(t)
        .args(["eval", "-q", "--labels", "absent.jsonl", "--out", "o"])
        .arg(seeds())
        .output()
        .unwrap();
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("absent.jsonl") && err.contains("none of the 2 labelled ids"), "{err}");

    let id = "000_19cceab3956b993e.txt";
    fs::write(
        t.join("conflict.jsonl"),
        format!("{{\"id\": \"{id}\", \"cluster\": 1}}\n{{\"id\": \"{id}\", \"cluster\": 2}}\n"),
    )
    .unwrap();
    let out = reprint()
        .current_dir(t)
        .args(["eval", "-q", "--labels", "conflict.jsonl", "--out", "o"])
        .arg(seeds())
        .output()
        .unwrap();
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("conflict.jsonl:2") && err.contains(id), "{err}");

    fs::write(t.join("c.jsonl"), doc("a", TEXT_A) + &doc("b", TEXT_A)).unwrap();
    let out = reprint()
        .current_dir(t)
        .args(["dedup", "-q", "--keep", "earliest:missing", "--out", "o", "c.jsonl"])
        .output()
        .unwrap();
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("--keep") && err.contains("`missing`"), "{err}");
}

// --- 17. smaller ones ------------------------------------------------------------------------------

#[test]
fn gzip_on_standard_input_is_recognised() {
    let dir = tmp();
    let body = gzip((doc("a", TEXT_A) + &doc("b", TEXT_B)).as_bytes());
    let out = reprint()
        .current_dir(dir.path())
        .args(["cluster", "-q", "--out", "o", "-"])
        .write_stdin(body)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_eq!(read_json(&dir.path().join("o/clusters.json"))["input"]["documents"], 2);
}

#[test]
fn compare_on_a_directory_says_it_is_a_directory() {
    let dir = tmp();
    fs::write(dir.path().join("a.txt"), TEXT_A).unwrap();
    fs::create_dir(dir.path().join("sub")).unwrap();
    let out = reprint().current_dir(dir.path()).args(["compare", "a.txt", "sub"]).output().unwrap();
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("sub: is a directory") && !err.contains("no such file"), "{err}");
}

#[test]
fn nul_bytes_never_reach_overlap_html() {
    let dir = tmp();
    let text = format!("{TEXT_A} nul\u{0}here {TEXT_B}");
    fs::write(dir.path().join("n.jsonl"), doc("a", &text) + &doc("b", &text)).unwrap();
    reprint().current_dir(dir.path()).args(["cluster", "-q", "--out", "o", "n.jsonl"]).assert().code(0);
    let pages = crate::common::report_pages(&dir.path().join("o"));
    assert!(pages.iter().any(|(_, p)| p.contains("nul")), "the pair is shown");
    for (name, page) in pages {
        assert!(!page.contains('\0'), "a raw NUL byte in {name}");
    }
}

#[test]
fn a_repeated_sweep_parameter_is_an_error() {
    let out = reprint()
        .args([
            "eval",
            "-q",
            "--exact",
            "--sweep",
            "threshold=0.5:0.6:0.1",
            "--sweep",
            "threshold=0.7:0.8:0.1",
            "--out",
        ])
        .arg(tmp().path().join("o"))
        .arg(seeds())
        .output()
        .unwrap();
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("--sweep threshold") && err.contains("more than once"), "{err}");
}

#[test]
fn errors_do_not_repeat_their_cause() {
    let dir = tmp();
    std::os::unix::fs::symlink("loop.jsonl", dir.path().join("loop.jsonl")).unwrap();
    let out = reprint()
        .current_dir(dir.path())
        .args(["cluster", "-q", "--out", "o", "loop.jsonl"])
        .output()
        .unwrap();
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert_eq!(err.matches("Too many levels of symbolic links").count(), 1, "{err}");
}

/// A run removes the temporary files a killed run left in its `--out` (of every file reprint
/// writes there, whichever command left them: `clusters.csv` and `kept.csv` were missed), and
/// nothing else of the user's.
#[test]
fn a_run_removes_what_a_killed_run_left_and_nothing_else() {
    let dir = tmp();
    let o = dir.path().join("o");
    fs::create_dir(&o).unwrap();
    let left = [
        ".clusters.csv.Ab12Cd.tmp",
        ".clusters.json.Zz99Yy.tmp",
        ".kept.csv.Xx00Ww.tmp",
        ".kept.parquet.Pq3Rs4.tmp",
    ];
    for name in left {
        fs::write(o.join(name), b"partial").unwrap();
    }
    fs::create_dir_all(o.join(".overlap.Qq11Ww.tmp/d")).unwrap();
    fs::write(o.join(".overlap.Qq11Ww.tmp/d/0001.html"), b"<p>partial").unwrap();
    let kept = [".notes.tmp", ".clusters.csv.bak", "clusters.csv.Ab12Cd.tmp"];
    for name in kept {
        fs::write(o.join(name), b"mine").unwrap();
    }
    reprint().args(["cluster", "-q", "--out"]).arg(&o).arg(seeds()).assert().success();
    for name in left.iter().chain(&[".overlap.Qq11Ww.tmp"]) {
        assert!(!o.join(name).exists(), "{name} is still there");
    }
    for name in kept {
        assert_eq!(fs::read(o.join(name)).unwrap(), b"mine", "{name}");
    }
    let hidden: Vec<String> = fs::read_dir(&o)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.') && n.ends_with(".tmp") && !kept.contains(&n.as_str()))
        .collect();
    assert!(hidden.is_empty(), "temporary files left: {hidden:?}");
}
