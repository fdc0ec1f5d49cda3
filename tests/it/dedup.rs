//! `reprint dedup`: exact copies on BBC News, byte-identical kept lines, cross-corpus mode,
//! determinism, annotate, --check, and outputs that survive SIGKILL.

use crate::common::{notice, reprint, root, shared_data};
use flate2::read::MultiGzDecoder;
use std::collections::HashSet;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

fn lines_of(path: &Path) -> Vec<Vec<u8>> {
    let raw = fs::read(path).unwrap();
    let mut bytes = Vec::new();
    if raw.starts_with(&[0x1f, 0x8b]) {
        MultiGzDecoder::new(&raw[..]).read_to_end(&mut bytes).unwrap();
    } else {
        bytes = raw;
    }
    bytes.split_inclusive(|&b| b == b'\n').map(|l| l.to_vec()).collect()
}

fn removed_ids(dir: &Path) -> Vec<serde_json::Value> {
    fs::read_to_string(dir.join("removed.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).expect("removed.jsonl line is JSON"))
        .collect()
}

/// BBC News has 98 extra exact copies: identical-text dedup removes exactly those, and every
/// kept line is byte-identical to its input line.
#[test]
fn bbc_exact_copies_are_removed_and_kept_lines_are_byte_identical() {
    let Some(input) = shared_data("bbc_news.jsonl.gz") else { return };
    let out = tempfile::tempdir().unwrap();
    reprint()
        .arg("dedup")
        .arg(&input)
        .arg("--out")
        .arg(out.path())
        .args(["--candidates", "identical", "-q"])
        .assert()
        .success();
    let removed = removed_ids(out.path());
    assert_eq!(removed.len(), 98);
    // Oracle: a document is an extra copy when an earlier line has the same text.
    let input_lines = lines_of(&input);
    let mut seen = HashSet::new();
    let mut expected_kept = Vec::new();
    let mut expected_removed = HashSet::new();
    for (k, line) in input_lines.iter().enumerate() {
        let v: serde_json::Value = serde_json::from_slice(line).unwrap();
        if seen.insert(v["text"].as_str().unwrap().to_owned()) {
            expected_kept.push(line.clone());
        } else {
            expected_removed.insert((k + 1) as u64);
        }
    }
    let got: HashSet<u64> = removed.iter().map(|r| r["line"].as_u64().unwrap()).collect();
    assert_eq!(got, expected_removed);
    let kept = lines_of(&out.path().join("kept.jsonl.gz"));
    assert_eq!(kept.len(), input_lines.len() - 98);
    assert!(kept == expected_kept, "kept lines must be the input lines, byte for byte");
    for r in &removed {
        assert_eq!(r["jaccard"], 1.0);
        assert_ne!(r["id"], r["duplicate_of"]);
    }
    let m: serde_json::Value =
        serde_json::from_slice(&fs::read(out.path().join("manifest.json")).unwrap()).unwrap();
    assert_eq!(m["counts"]["removed"], 98);
    assert_eq!(m["counts"]["kept"], 2127);
    assert_eq!(m["inputs"][0]["bytes"], fs::metadata(&input).unwrap().len());
    assert!(m["peak_rss_bytes"].as_u64().unwrap() > 0);
}

fn write_lines(path: &Path, lines: &[Vec<u8>]) {
    fs::write(path, lines.concat()).unwrap();
}

/// Cross-corpus mode on a split of BBC News: the documents of the second half whose text also
/// appears in the first half are removed with `duplicate_of` naming the reference document;
/// the reference file is not touched and duplicates inside either half are not reported.
#[test]
fn against_removes_what_the_reference_already_has() {
    let Some(input) = shared_data("bbc_news.jsonl.gz") else { return };
    let lines = lines_of(&input);
    let dir = tempfile::tempdir().unwrap();
    let (reference, today) = (dir.path().join("archive.jsonl"), dir.path().join("today.jsonl"));
    let half = lines.len() / 2;
    write_lines(&reference, &lines[..half]);
    write_lines(&today, &lines[half..]);
    let before = fs::read(&reference).unwrap();
    let mtime = fs::metadata(&reference).unwrap().modified().unwrap();

    let out = dir.path().join("out");
    reprint()
        .arg("dedup")
        .arg(&today)
        .arg("--against")
        .arg(&reference)
        .args(["--candidates", "identical", "-q", "--out"])
        .arg(&out)
        .assert()
        .success();
    assert_eq!(fs::read(&reference).unwrap(), before);
    assert_eq!(fs::metadata(&reference).unwrap().modified().unwrap(), mtime);

    let text = |l: &Vec<u8>| {
        serde_json::from_slice::<serde_json::Value>(l).unwrap()["text"].as_str().unwrap().to_owned()
    };
    let in_reference: HashSet<String> = lines[..half].iter().map(text).collect();
    let expected: HashSet<String> = lines[half..]
        .iter()
        .filter(|l| in_reference.contains(&text(l)))
        .map(|l| serde_json::from_slice::<serde_json::Value>(l).unwrap()["id"].as_str().unwrap().to_owned())
        .collect();
    assert!(!expected.is_empty(), "the split puts some copies on both sides");
    let removed = removed_ids(&out);
    let got: HashSet<String> = removed.iter().map(|r| r["id"].as_str().unwrap().to_owned()).collect();
    assert_eq!(got, expected);
    for r in &removed {
        assert_eq!(r["duplicate_of_source"], reference.display().to_string());
    }
    let kept = lines_of(&out.join("kept.jsonl"));
    assert_eq!(kept.len(), lines.len() - half - expected.len());
}

#[test]
fn outputs_are_identical_across_thread_counts_and_runs() {
    let Some(input) = shared_data("reprints_dev_ar/docs.jsonl.gz") else { return };
    let run = |threads: &str| {
        let out = tempfile::tempdir().unwrap();
        reprint()
            .env("RAYON_NUM_THREADS", threads)
            .arg("dedup")
            .arg(&input)
            .arg("-q")
            .arg("--out")
            .arg(out.path())
            .assert()
            .success();
        (
            fs::read(out.path().join("kept.jsonl.gz")).unwrap(),
            fs::read(out.path().join("removed.jsonl")).unwrap(),
        )
    };
    let one = run("1");
    assert!(one == run("2"), "thread count changed the output");
    assert!(one == run("2"), "two runs differ");
}

/// A corpus directory: the five seeds plus `005_copy.txt`, a copy of seed 002 with a new
/// first line (a duplicate: nearly all of its words are in 002).
fn seeds_with_a_copy(dir: &Path) -> PathBuf {
    let corpus = dir.join("corpus");
    fs::create_dir_all(&corpus).unwrap();
    for e in fs::read_dir(root().join("seeds")).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "txt") {
            fs::copy(&p, corpus.join(p.file_name().unwrap())).unwrap();
        }
    }
    let copied = fs::read_to_string(root().join("seeds/002_f827d458276c570b.txt")).unwrap();
    fs::write(corpus.join("005_copy.txt"), format!("(وكالات)\n{copied}")).unwrap();
    corpus
}

#[test]
fn annotate_check_and_text_directories() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let corpus = seeds_with_a_copy(dir.path());
    // --annotate on the JSON Lines form: every record comes back with three fields added.
    let jsonl = dir.path().join("seeds.jsonl");
    let mut lines = String::new();
    let mut paths: Vec<PathBuf> = fs::read_dir(&corpus).unwrap().map(|e| e.unwrap().path()).collect();
    paths.sort();
    for p in paths {
        let id = p.file_name().unwrap().to_string_lossy().into_owned();
        lines.push_str(
            &serde_json::json!({"id": id, "text": fs::read_to_string(&p).unwrap(), "x": [1, 2]}).to_string(),
        );
        lines.push('\n');
    }
    fs::write(&jsonl, &lines).unwrap();
    reprint().arg("dedup").arg(&jsonl).args(["--annotate", "-q", "--out"]).arg(&out).assert().success();
    let annotated = fs::read_to_string(out.join("annotated.jsonl")).unwrap();
    assert_eq!(annotated.lines().count(), 6);
    let records: Vec<serde_json::Value> =
        annotated.lines().map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()).collect();
    assert!(records.iter().all(|v| v["x"] == serde_json::json!([1, 2])));
    let reps = records.iter().filter(|v| v["is_representative"] == true).count();
    assert_eq!(reps, 5, "only the copy is a duplicate; 000 and 002 share a passage, not a copy");
    let copy = records.iter().find(|v| v["id"] == "005_copy.txt").unwrap();
    assert_eq!(copy["duplicate_of"], "002_f827d458276c570b.txt");

    // --check: status 1 when duplicates exist, 0 when not (partial reprints are not copies).
    reprint().arg("dedup").arg(&corpus).args(["--check", "-q", "--out"]).arg(&out).assert().code(1);
    reprint()
        .arg("dedup")
        .arg(root().join("seeds"))
        .args(["--check", "-q", "--out"])
        .arg(&out)
        .assert()
        .code(0);

    // Text directories: kept.txt lists kept files, --copy-to copies them.
    let copies = dir.path().join("copies");
    reprint()
        .arg("dedup")
        .arg(&corpus)
        .args(["-q", "--out"])
        .arg(&out)
        .arg("--copy-to")
        .arg(&copies)
        .assert()
        .success();
    let kept = fs::read_to_string(out.join("kept.txt")).unwrap();
    assert_eq!(kept.lines().count(), 5);
    assert!(!kept.contains("005_copy.txt"));
    assert_eq!(fs::read_dir(&copies).unwrap().count(), 5);
    assert_eq!(
        fs::read(copies.join("000_19cceab3956b993e.txt")).unwrap(),
        fs::read(root().join("seeds/000_19cceab3956b993e.txt")).unwrap()
    );
    let removed = removed_ids(&out);
    assert_eq!(removed.len(), 1);
    assert_eq!(removed[0]["duplicate_of"], "002_f827d458276c570b.txt");
    assert_eq!(removed[0]["relation"], "duplicate");
    assert!(removed[0]["passage_words"].as_u64().unwrap() >= 50);
    assert!(removed[0]["words_not_in_kept"].as_u64().unwrap() < removed[0]["words"].as_u64().unwrap() / 5);

    // Standard input cannot be read twice.
    reprint().args(["dedup", "-", "--out"]).arg(&out).assert().code(2);
}

/// Kills `reprint dedup` with SIGKILL at several moments of a large run: every output under its
/// final name is either absent or byte-identical to the output of an uninterrupted run.
#[cfg(unix)]
#[test]
fn sigkill_never_leaves_a_partial_output() {
    use std::time::{Duration, Instant};
    let Some(input) = shared_data("saudinewsnet.jsonl.gz") else { return };
    let bin = assert_cmd::cargo::cargo_bin("reprint");
    let reference = tempfile::tempdir().unwrap();
    let status = std::process::Command::new(&bin)
        .arg("dedup")
        .arg(&input)
        .arg("-q")
        .arg("--out")
        .arg(reference.path())
        .status()
        .unwrap();
    assert!(status.success());
    let names = ["kept.jsonl.gz", "removed.jsonl"];
    let expected: Vec<Vec<u8>> = names.iter().map(|n| fs::read(reference.path().join(n)).unwrap()).collect();
    let mut outcomes = Vec::new();
    for delay_ms in [50u64, 400, 900, 1500, 2200, 3000, 3800, 4600] {
        let out = tempfile::tempdir().unwrap();
        let mut child = std::process::Command::new(&bin)
            .arg("dedup")
            .arg(&input)
            .arg("-q")
            .arg("--out")
            .arg(out.path())
            .spawn()
            .unwrap();
        let start = Instant::now();
        while start.elapsed() < Duration::from_millis(delay_ms) {
            if child.try_wait().unwrap().is_some() {
                break;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        let mut present = Vec::new();
        for (name, want) in names.iter().zip(&expected) {
            let p = out.path().join(name);
            if p.exists() {
                assert!(fs::read(&p).unwrap() == *want, "{name} is partial after a kill at {delay_ms} ms");
                present.push(*name);
            }
        }
        let manifest = out.path().join("manifest.json");
        if manifest.exists() {
            let m: serde_json::Value =
                serde_json::from_slice(&fs::read(&manifest).unwrap()).expect("complete manifest");
            assert_eq!(m["counts"]["documents"], 31_030);
            assert_eq!(present.len(), names.len(), "a manifest means every output is there");
            present.push("manifest.json");
        }
        outcomes.push((delay_ms, present));
    }
    eprintln!("kill outcomes (delay ms, complete files present): {outcomes:?}");
}

/// `--keep earliest:date` keeps the first publication of a story, wherever it sits in the
/// input; `latest:date` the last; documents without the field never win.
#[test]
fn keep_earliest_and_latest_by_field() {
    let dir = tempfile::tempdir().unwrap();
    let story = (0..80).map(|i| format!("w{i}")).collect::<Vec<_>>().join(" ");
    let input = dir.path().join("in.jsonl");
    let lines = [
        serde_json::json!({"id": "late", "date": "2015-08-03", "text": story}),
        serde_json::json!({"id": "undated", "text": story}),
        serde_json::json!({"id": "early", "date": "2015-07-29", "text": story}),
        serde_json::json!({"id": "middle", "date": "2015-08-01", "text": story}),
    ];
    fs::write(&input, lines.iter().map(|l| format!("{l}\n")).collect::<String>()).unwrap();
    for (policy, kept) in [("earliest:date", "early"), ("latest:date", "late"), ("first", "late")] {
        let out = dir.path().join(policy.replace(':', "_"));
        reprint()
            .arg("dedup")
            .arg(&input)
            .args(["--keep", policy, "-q", "--out"])
            .arg(&out)
            .assert()
            .success();
        let kept_lines = fs::read_to_string(out.join("kept.jsonl")).unwrap();
        assert_eq!(kept_lines.lines().count(), 1, "{policy}");
        assert!(kept_lines.contains(&format!("\"id\":\"{kept}\"")), "{policy}: {kept_lines}");
        for r in removed_ids(&out) {
            assert_eq!(r["duplicate_of"], kept, "{policy}");
        }
    }
}

/// Documents without the `--keep` field: the warning on stderr, the dedup summary and the
/// manifest say how many and what was done with them (they rank last); a cluster of undated
/// documents only keeps its first; no document with the field is an error (exit 2).
#[test]
fn documents_without_the_keep_field_are_counted_and_said_what_was_done() {
    let dir = tempfile::tempdir().unwrap();
    let story = (0..80).map(|i| format!("w{i}")).collect::<Vec<_>>().join(" ");
    let other = (0..80).map(|i| format!("v{i}")).collect::<Vec<_>>().join(" ");
    let input = dir.path().join("in.jsonl");
    let lines = [
        serde_json::json!({"id": "undated", "text": story}),
        serde_json::json!({"id": "dated", "date": "2015-07-29", "text": story}),
        serde_json::json!({"id": "null-date", "date": null, "text": story}),
        serde_json::json!({"id": "o1", "text": other}),
        serde_json::json!({"id": "o2", "text": other}),
    ];
    fs::write(&input, lines.iter().map(|l| format!("{l}\n")).collect::<String>()).unwrap();
    let out = dir.path().join("out");
    let run = reprint()
        .arg("dedup")
        .arg(&input)
        .args(["--keep", "earliest:date", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    let (stdout, stderr) = (String::from_utf8_lossy(&run.stdout), String::from_utf8_lossy(&run.stderr));
    assert_eq!(run.status.code(), Some(0), "{stderr}");
    let said = "--keep earliest:date: 4 of 5 documents have no field `date` (a string or a number); they rank after every document that has it, in input order, so a cluster keeps one of them only when no member has the field";
    assert_eq!(stderr, format!("reprint: warning: {said}\n"));
    assert!(stdout.contains(&format!("  keep  {said}\n")), "{stdout}");
    let kept: Vec<String> = fs::read_to_string(out.join("kept.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(kept, ["dated", "o1"]);
    let manifest: serde_json::Value =
        serde_json::from_slice(&fs::read(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["counts"]["without_keep_field"], 4);

    // No document with the field: an error, nothing written.
    let none = dir.path().join("none.jsonl");
    fs::write(&none, format!("{}\n", lines[0]) + &format!("{}\n", lines[3])).unwrap();
    let out2 = dir.path().join("out2");
    let run = reprint()
        .arg("cluster")
        .arg(&none)
        .args(["--keep", "latest:date", "-q", "--out"])
        .arg(&out2)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("--keep latest:date: no document has a field `date` (a string or a number)"),
        "{stderr}"
    );
    assert!(!out2.join("clusters.json").exists());
}

/// Regression: `dedup --annotate` failed with "cannot read input" when the first line started
/// with a UTF-8 byte-order mark, which `cluster` accepts. The annotated record is the record
/// without the mark; a kept line is still copied byte for byte, mark included.
#[test]
fn annotate_and_keep_accept_a_byte_order_mark_on_the_first_line() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("bom.jsonl");
    let text = "the same eight words in both of these records";
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend(
        format!("{{\"id\": \"a\", \"text\": \"{text}\"}}\n{{\"id\": \"b\", \"text\": \"{text}\"}}\n").bytes(),
    );
    fs::write(&input, &bytes).unwrap();
    let out = dir.path().join("annotated");
    reprint().arg("dedup").arg(&input).arg("--annotate").arg("-q").arg("--out").arg(&out).assert().success();
    let lines = lines_of(&out.join("annotated.jsonl"));
    assert_eq!(lines.len(), 2);
    let first: serde_json::Value = serde_json::from_slice(&lines[0]).expect("annotated line is JSON");
    assert_eq!((first["id"].as_str(), first["is_representative"].as_bool()), (Some("a"), Some(true)));
    let second: serde_json::Value = serde_json::from_slice(&lines[1]).unwrap();
    assert_eq!(second["duplicate_of"], "a");

    let out = dir.path().join("kept");
    reprint().arg("dedup").arg(&input).arg("-q").arg("--out").arg(&out).assert().success();
    let first_line = bytes.split_inclusive(|&b| b == b'\n').next().unwrap().to_vec();
    assert_eq!(lines_of(&out.join("kept.jsonl")), vec![first_line]);
}

/// A notice reprinted with another figure in the same words is the same story but not a
/// duplicate: dedup keeps it, and removes the copies that write the same figure another way
/// (`1500` for `1,500`, `08:00` for `0800`; `72.5` is not `7.25`). With `--ignore-figures` they
/// are removed too. The manifest names the flag only when given.
#[test]
fn another_figure_in_the_same_words_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let docs = [
        ("first", notice("1,500")),
        ("same-figure", notice("1500")),
        ("other-figure", notice("2,500")),
        ("time", notice("0800")),
        ("same-time", notice("08:00")),
        ("decimal", notice("7.25")),
        ("other-decimal", notice("72.5")),
    ];
    let input = dir.path().join("notices.jsonl");
    let lines: Vec<String> =
        docs.iter().map(|(id, text)| serde_json::json!({"id": id, "text": text}).to_string()).collect();
    fs::write(&input, lines.join("\n") + "\n").unwrap();
    let run = |extra: &[&str]| {
        let out = dir.path().join(format!("out{}", extra.len()));
        reprint().arg("dedup").arg(&input).arg("-o").arg(&out).arg("-q").args(extra).assert().success();
        let mut removed: Vec<String> =
            removed_ids(&out).iter().map(|r| r["id"].as_str().unwrap().to_owned()).collect();
        removed.sort();
        let manifest: serde_json::Value =
            serde_json::from_slice(&fs::read(out.join("manifest.json")).unwrap()).unwrap();
        (removed, manifest["params"].get("ignore_figures").cloned())
    };
    let ids = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(run(&[]), (ids(&["same-figure", "same-time"]), None));
    let mut all: Vec<&str> = docs[1..].iter().map(|d| d.0).collect();
    all.sort();
    assert_eq!(run(&["--ignore-figures"]), (ids(&all), Some(serde_json::Value::Bool(true))));
    // compare says why, and where.
    let a = dir.path().join("a.txt");
    let b = dir.path().join("b.txt");
    fs::write(&a, &docs[0].1).unwrap();
    fs::write(&b, &docs[2].1).unwrap();
    let out = reprint().arg("compare").arg(&a).arg(&b).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("not a duplicate: another figure in the same words at 1 place(s)"), "{text}");
    assert!(text.contains("Another figure: A «1,500 billion» · B «2,500 billion»"), "{text}");
}
