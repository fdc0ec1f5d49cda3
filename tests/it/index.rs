//! `reprint index` and `reprint query`: the answers equal the cross pairs of `reprint cluster`
//! on the index and the queries together; parameters, ids and bad input are checked.

use crate::common::{notice, reprint, reprint_on_pty, seeds, shared_data};
use serde_json::Value;
use std::collections::HashSet;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

/// A pair as `(query, indexed)`: `a` the query document, the fields of each side with it, the
/// passages in the order of their start in `a`.
fn oriented(mut p: Value, queries: &HashSet<String>) -> Value {
    if queries.contains(p["a"].as_str().unwrap()) {
        return p;
    }
    let o = p.as_object_mut().unwrap();
    for (x, y) in [
        ("a", "b"),
        ("containment_a_in_b", "containment_b_in_a"),
        ("coverage_a", "coverage_b"),
        ("meta_a", "meta_b"),
    ] {
        let (vx, vy) = (o.remove(x), o.remove(y));
        if let Some(v) = vy {
            o.insert(x.into(), v);
        }
        if let Some(v) = vx {
            o.insert(y.into(), v);
        }
    }
    if let Some(Value::Array(ps)) = o.get_mut("passages") {
        for q in ps.iter_mut() {
            let q = q.as_object_mut().unwrap();
            let (a, b) = (q.remove("a").unwrap(), q.remove("b").unwrap());
            q.insert("a".into(), b);
            q.insert("b".into(), a);
        }
        // As `VerifiedPair::swap` orders them: by the new `a` side.
        ps.sort_by_key(|q| (q["a"][0].as_u64(), q["b"][0].as_u64()));
    }
    p
}

/// The corpus split by date: every record (in date order), the first half, the second half,
/// and the first half in three parts. `take`: a window of that many records from the middle of
/// the date order.
struct Split {
    _dir: tempfile::TempDir,
    all: PathBuf,
    first: PathBuf,
    second: PathBuf,
    parts: [PathBuf; 3],
    queries: HashSet<String>,
}

fn split(corpus: &Path, take: Option<usize>) -> Split {
    let reader =
        std::io::BufReader::new(flate2::read::MultiGzDecoder::new(std::fs::File::open(corpus).unwrap()));
    let mut lines: Vec<(String, usize, String)> = reader
        .lines()
        .enumerate()
        .map(|(i, l)| {
            let l = l.unwrap();
            let v: Value = serde_json::from_str(&l).unwrap();
            (v["date"].as_str().unwrap_or("").to_owned(), i, l)
        })
        .collect();
    lines.sort();
    if let Some(n) = take {
        let start = (lines.len() - n) / 2;
        lines = lines[start..start + n].to_vec();
    }
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, part: &[(String, usize, String)]| {
        let p = dir.path().join(name);
        let mut f = std::io::BufWriter::new(std::fs::File::create(&p).unwrap());
        for (_, _, l) in part {
            writeln!(f, "{l}").unwrap();
        }
        p
    };
    let half = lines.len() / 2;
    let third = half / 3;
    let queries = lines[half..]
        .iter()
        .map(|(_, _, l)| serde_json::from_str::<Value>(l).unwrap()["id"].as_str().unwrap().to_owned())
        .collect();
    Split {
        all: write("all.jsonl", &lines),
        first: write("first.jsonl", &lines[..half]),
        second: write("second.jsonl", &lines[half..]),
        parts: [
            write("part1.jsonl", &lines[..third]),
            write("part2.jsonl", &lines[third..2 * third]),
            write("part3.jsonl", &lines[2 * third..half]),
        ],
        queries,
        _dir: dir,
    }
}

/// The cross pairs of `reprint cluster --cluster components --no-prune` on the whole corpus
/// (index documents first; the relations of pairs alone), from its `overlaps.jsonl`, oriented
/// (query, indexed), sorted.
fn batch_cross_pairs(s: &Split) -> Vec<String> {
    let out = tempfile::tempdir().unwrap();
    reprint()
        .args(["cluster", "-q", "--no-html", "--cluster", "components", "--no-prune"])
        .arg(&s.all)
        .arg("--out")
        .arg(out.path())
        .assert()
        .success();
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(out.path().join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["params"]["no_prune"], true);
    let overlaps = std::fs::read_to_string(out.path().join("overlaps.jsonl")).unwrap();
    let mut pairs: Vec<String> = overlaps
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|p| {
            s.queries.contains(p["a"].as_str().unwrap()) != s.queries.contains(p["b"].as_str().unwrap())
        })
        .map(|p| oriented(p, &s.queries).to_string())
        .collect();
    pairs.sort();
    pairs
}

/// The pairs of `reprint query` output lines, as [`batch_cross_pairs`] gives them.
fn query_pairs(output: &[u8], queries: &HashSet<String>) -> Vec<String> {
    let mut out = Vec::new();
    for line in output.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
        let r: Value = serde_json::from_slice(line).unwrap();
        assert!(queries.contains(r["id"].as_str().unwrap()));
        for m in r["matches"].as_array().unwrap() {
            let mut m = m.clone();
            assert_eq!(m["a"], r["id"]);
            assert_eq!(m["b"], m["id"]);
            m.as_object_mut().unwrap().remove("id");
            out.push(m.to_string());
        }
    }
    out.sort();
    out
}

fn query(index: &Path, input: &Path) -> Vec<u8> {
    let out = reprint().args(["query"]).arg(input).arg("--index").arg(index).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

fn equivalence(corpus: &Path, take: Option<usize>) {
    let s = split(corpus, take);
    let expected = batch_cross_pairs(&s);
    assert!(expected.len() > 50, "the slice has cross pairs to compare: {}", expected.len());
    let work = tempfile::tempdir().unwrap();
    let one = work.path().join("one");
    reprint().args(["index", "create", "-q"]).arg(&s.first).arg("--index").arg(&one).assert().success();
    let answered = query(&one, &s.second);
    let got = query_pairs(&answered, &s.queries);
    let missing: Vec<&String> = expected.iter().filter(|p| !got.contains(p)).take(3).collect();
    let extra: Vec<&String> = got.iter().filter(|p| !expected.contains(p)).take(3).collect();
    assert_eq!(got.len(), expected.len(), "missing {missing:#?}\nextra {extra:#?}");
    assert!(got == expected, "missing {missing:#?}\nextra {extra:#?}");
    eprintln!("{} cross pairs equal", got.len());

    // The same index built in three adds answers byte for byte the same. The adds hold no
    // text (`--text-memory 0`: every text goes to a temporary file in the index and is read
    // from there, also to find copies of texts indexed before).
    let three = work.path().join("three");
    reprint().args(["index", "create", "-q"]).arg(&s.parts[0]).arg("--index").arg(&three).assert().success();
    for p in &s.parts[1..] {
        let add = ["index", "add", "-q", "--text-memory", "0"];
        reprint().args(add).arg(p).arg("--index").arg(&three).assert().success();
    }
    assert_eq!(query(&three, &s.second), answered);

    // Compacted, the three segments become the one `index create` writes from the same inputs
    // in one step, byte for byte, and the answers stay the same: compacting reads the texts
    // from the index and holds them, this create holds none.
    let at_once = work.path().join("at-once");
    let create = ["index", "create", "-q", "--text-memory", "0"];
    reprint().args(create).args(&s.parts).arg("--index").arg(&at_once).assert().success();
    reprint().args(["index", "compact"]).arg(&three).assert().success();
    let files = |d: &Path| {
        let mut names: Vec<String> = std::fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| !n.starts_with('.'))
            .collect();
        names.sort();
        names
    };
    assert_eq!(files(&three), ["index.json", "segment-000004.rpx"]);
    let merged = std::fs::read(three.join("segment-000004.rpx")).unwrap();
    assert!(
        merged == std::fs::read(at_once.join("segment-000001.rpx")).unwrap(),
        "compacted segment differs"
    );
    assert_eq!(query(&three, &s.second), answered);
    // An index of one segment is left as it is; a directory that is no index is an error that
    // says so, and gets no file.
    reprint().args(["index", "compact"]).arg(&at_once).assert().success();
    assert_eq!(files(&at_once), ["index.json", "segment-000001.rpx"]);
    let empty = work.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    for dir in [empty.clone(), work.path().join("missing")] {
        let out = reprint().args(["index", "compact"]).arg(&dir).output().unwrap();
        assert_eq!(out.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&out.stderr).contains("not a reprint index"));
    }
    assert_eq!(std::fs::read_dir(&empty).unwrap().count(), 0);
}

/// 3,000 SaudiNewsNet articles from the middle of the date order: the first half indexed, the
/// second half queried; the pairs, relations, scores, passages and metadata equal the cross
/// pairs of `reprint cluster --cluster components --no-prune` on all 3,000 (pair relations: no
/// roundup pruning, no story split).
#[test]
fn queries_equal_the_cross_pairs_of_a_batch_run() {
    let Some(path) = shared_data("saudinewsnet.jsonl.gz") else { return };
    equivalence(&path, Some(3000));
}

/// The same on the whole of SaudiNewsNet (about a minute on two cores).
#[test]
#[ignore]
fn queries_equal_the_cross_pairs_of_a_batch_run_on_all_of_saudinewsnet() {
    let Some(path) = shared_data("saudinewsnet.jsonl.gz") else { return };
    equivalence(&path, None);
}

/// The README's worked example: four seed articles indexed, the fifth queried.
#[test]
fn the_fifth_seed_matches_the_one_it_shares_a_story_with() {
    let work = tempfile::tempdir().unwrap();
    let four = work.path().join("four");
    std::fs::create_dir(&four).unwrap();
    for e in std::fs::read_dir(seeds()).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        if name.ends_with(".txt") && !name.starts_with("002_") {
            std::fs::copy(&p, four.join(&name)).unwrap();
        }
    }
    let ix = work.path().join("ix");
    reprint().args(["index", "create", "-q"]).arg(&four).arg("--index").arg(&ix).assert().success();
    let out = query(&ix, &seeds().join("002_f827d458276c570b.txt"));
    let r: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(r["id"], "002_f827d458276c570b.txt");
    let m = r["matches"].as_array().unwrap();
    assert_eq!(m.len(), 1);
    assert_eq!(m[0]["id"], "000_19cceab3956b993e.txt");
    assert_eq!(m[0]["relation"], "story");
    assert_eq!(m[0]["passages"][0]["a"], serde_json::json!([202, 654]));
    assert_eq!(m[0]["passages"][0]["b"], serde_json::json!([1259, 1708]));

    // --add: the fifth joins the index; the same text again is its duplicate.
    reprint()
        .args(["query", "--add"])
        .arg(seeds().join("002_f827d458276c570b.txt"))
        .arg("--index")
        .arg(&ix)
        .assert()
        .success();
    let copy = work.path().join("copy.txt");
    std::fs::copy(seeds().join("002_f827d458276c570b.txt"), &copy).unwrap();
    let r: Value = serde_json::from_slice(&query(&ix, &copy)).unwrap();
    assert_eq!(r["matches"][0]["id"], "002_f827d458276c570b.txt");
    assert_eq!(r["matches"][0]["relation"], "duplicate");
    let info: Value =
        serde_json::from_slice(&reprint().args(["index", "info"]).arg(&ix).output().unwrap().stdout).unwrap();
    assert_eq!(info["documents"], 5);
    assert_eq!(info["segments"].as_array().unwrap().len(), 2);
    // `info` and `compact` take the directory as `--index DIR` too, as the other index commands
    // name it; naming it both ways is an error.
    let by_flag = reprint().args(["index", "info", "--index"]).arg(&ix).output().unwrap();
    assert!(by_flag.status.success());
    assert_eq!(serde_json::from_slice::<Value>(&by_flag.stdout).unwrap(), info);
    let both = reprint().args(["index", "info"]).arg(&ix).arg("--index").arg(&ix).output().unwrap();
    assert_eq!(both.status.code(), Some(2));
    let neither = reprint().args(["index", "compact"]).output().unwrap();
    assert_eq!(neither.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&neither.stderr).contains("<DIR|--index <DIR>>"));
    reprint().args(["index", "compact", "--index"]).arg(&ix).assert().success();
    let info: Value =
        serde_json::from_slice(&reprint().args(["index", "info"]).arg(&ix).output().unwrap().stdout).unwrap();
    assert_eq!(info["documents"], 5);
    assert_eq!(info["segments"].as_array().unwrap().len(), 1);
}

/// A query decides figures as a run does, from the index's stored texts: a notice with another
/// figure in the same words is the same story, with the figure written another way a duplicate.
#[test]
fn a_query_reads_figures_from_the_stored_texts() {
    let work = tempfile::tempdir().unwrap();
    let corpus = work.path().join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    std::fs::write(corpus.join("first.txt"), notice("1,500")).unwrap();
    let ix = work.path().join("ix");
    reprint().args(["index", "create", "-q"]).arg(&corpus).arg("--index").arg(&ix).assert().success();
    for (amount, relation) in [("2,500", "story"), ("1500", "duplicate")] {
        let q = work.path().join("q.txt");
        std::fs::write(&q, notice(amount)).unwrap();
        let r: Value = serde_json::from_slice(&query(&ix, &q)).unwrap();
        assert_eq!(r["matches"][0]["id"], "first.txt");
        assert_eq!(r["matches"][0]["relation"], relation, "{amount}");
    }
}

/// Standard input is answered line by line: the answer to a line comes before the next line
/// is written.
#[test]
fn standard_input_is_answered_one_line_at_a_time() {
    let work = tempfile::tempdir().unwrap();
    let ix = work.path().join("ix");
    reprint().args(["index", "create", "-q"]).arg(seeds()).arg("--index").arg(&ix).assert().success();
    let text = std::fs::read_to_string(seeds().join("000_19cceab3956b993e.txt")).unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_reprint"))
        .args(["query", "-", "--index"])
        .arg(&ix)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    for id in ["first", "second"] {
        writeln!(stdin, "{}", serde_json::json!({"id": id, "text": text})).unwrap();
        stdin.flush().unwrap();
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        let r: Value = serde_json::from_str(&line).unwrap();
        assert_eq!(r["id"], id);
        assert_eq!(r["matches"][0]["id"], "000_19cceab3956b993e.txt");
        assert_eq!(r["matches"][0]["relation"], "duplicate");
    }
    drop(stdin);
    assert!(child.wait().unwrap().success());
}

/// A flag that differs from the index's parameters is an error naming it; an id already in the
/// index is an error naming both places; `index create` refuses a directory that is not empty.
#[test]
fn incompatible_flags_duplicate_ids_and_occupied_directories_are_errors() {
    let work = tempfile::tempdir().unwrap();
    let ix = work.path().join("ix");
    reprint()
        .args(["index", "create", "-q", "--threshold", "0.6"])
        .arg(seeds())
        .arg("--index")
        .arg(&ix)
        .assert()
        .success();
    let out = reprint()
        .args(["query", "--min-passage", "40"])
        .arg(seeds())
        .arg("--index")
        .arg(&ix)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--min-passage 40 (the index has 50)"), "{err}");
    // The index's own value, given again, is accepted.
    reprint().args(["query", "--threshold", "0.6"]).arg(seeds()).arg("--index").arg(&ix).assert().success();

    let again = work.path().join("again.jsonl");
    std::fs::write(&again, "{\"id\": \"new\", \"text\": \"a b c d e f\"}\n{\"id\": \"001_2829b539c0b17180.txt\", \"text\": \"x y z\"}\n").unwrap();
    let out = reprint().args(["index", "add", "-q"]).arg(&again).arg("--index").arg(&ix).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("duplicate id `001_2829b539c0b17180.txt`"), "{err}");
    assert!(err.contains("again.jsonl:2"), "{err}");
    assert!(
        err.contains("again.jsonl:2 and, already in the index, ")
            && err.contains("seeds/001_2829b539c0b17180.txt"),
        "{err}"
    );

    let out =
        reprint().args(["index", "create", "-q"]).arg(seeds()).arg("--index").arg(&ix).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("exists and is not empty"));
    let out = reprint().args(["index", "info"]).arg(work.path()).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a reprint index"));

    // The index is made and locked before the inputs are read; a create that fails while
    // reading leaves the directory as it was: missing, or empty.
    let bad = work.path().join("bad.jsonl");
    std::fs::write(&bad, "{\"id\": \"a\", \"text\": \"a b c d e f\"}\n{\"id\": \"b\", \"text\": \n").unwrap();
    let empty = work.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    for dir in [work.path().join("missing"), empty.clone()] {
        let args = ["index", "create", "-q", "--on-error", "fail"];
        let out = reprint().args(args).arg(&bad).arg("--index").arg(&dir).output().unwrap();
        assert_eq!(out.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&out.stderr).contains("bad.jsonl:2"), "{out:?}");
        let left = std::fs::read_dir(&dir).map(|d| d.count());
        assert_eq!(left.ok(), (dir == empty).then_some(0), "{}", dir.display());
    }
    // What a create killed before writing its manifest leaves (the lock, a temporary segment,
    // a segment no manifest names) does not stop a create, which removes it; any other file
    // does.
    let killed = work.path().join("killed");
    std::fs::create_dir(&killed).unwrap();
    for name in [".lock", ".segment-x1y2.tmp", ".index.json.z3.tmp", "segment-000001.rpx"] {
        std::fs::write(killed.join(name), "partial").unwrap();
    }
    reprint().args(["index", "create", "-q"]).arg(seeds()).arg("--index").arg(&killed).assert().success();
    let mut names: Vec<String> =
        std::fs::read_dir(&killed).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    names.sort();
    assert_eq!(names, [".lock", "index.json", "segment-000001.rpx"]);
    assert_ne!(std::fs::read(killed.join("segment-000001.rpx")).unwrap(), b"partial");
    let foreign = work.path().join("foreign");
    std::fs::create_dir(&foreign).unwrap();
    std::fs::write(foreign.join(".lock"), "").unwrap();
    std::fs::write(foreign.join("notes.txt"), "mine").unwrap();
    let out =
        reprint().args(["index", "create", "-q"]).arg(seeds()).arg("--index").arg(&foreign).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("exists and is not empty"));
    assert_eq!(std::fs::read(foreign.join("notes.txt")).unwrap(), b"mine");
}

/// `dedup --against DIR` with DIR an index: removes what a reference corpus of the same
/// documents removes (and the pairs a whole-corpus run demotes, which a query reports as
/// duplicates), each as a duplicate `reprint query` reports; the kept records are the others,
/// byte for byte.
#[test]
fn dedup_against_an_index_removes_the_duplicates_a_query_reports() {
    let Some(path) = shared_data("saudinewsnet.jsonl.gz") else { return };
    let s = split(&path, Some(3000));
    let work = tempfile::tempdir().unwrap();
    let ix = work.path().join("ix");
    reprint().args(["index", "create", "-q"]).arg(&s.first).arg("--index").arg(&ix).assert().success();
    let by_index = work.path().join("by-index");
    reprint()
        .args(["dedup", "-q"])
        .arg(&s.second)
        .arg("--against")
        .arg(&ix)
        .arg("--out")
        .arg(&by_index)
        .assert()
        .success();
    let by_files = work.path().join("by-files");
    reprint()
        .args(["dedup", "-q"])
        .arg(&s.second)
        .arg("--against")
        .arg(&s.first)
        .arg("--out")
        .arg(&by_files)
        .assert()
        .success();
    let removed = |dir: &Path| -> std::collections::HashMap<String, Value> {
        std::fs::read_to_string(dir.join("removed.jsonl"))
            .unwrap()
            .lines()
            .map(|l| {
                let v: Value = serde_json::from_str(l).unwrap();
                (v["id"].as_str().unwrap().to_owned(), v)
            })
            .collect()
    };
    let (ri, rf) = (removed(&by_index), removed(&by_files));
    assert!(rf.len() > 10, "the slice has duplicates across its halves: {}", rf.len());
    for id in rf.keys() {
        assert!(ri.contains_key(id), "{id} is removed against the files, not against the index");
    }
    // Every removal is a duplicate match of the query answers, with its scores.
    let answers = query(&ix, &s.second);
    let mut duplicates: HashSet<(String, String, String)> = HashSet::new();
    for line in answers.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
        let r: Value = serde_json::from_slice(line).unwrap();
        for m in r["matches"].as_array().unwrap() {
            if m["relation"] == "duplicate" {
                duplicates.insert((m["a"].to_string(), m["b"].to_string(), m["jaccard"].to_string()));
            }
        }
    }
    for r in ri.values() {
        assert_eq!(r["relation"], "duplicate");
        assert_eq!(r["cluster"], Value::Null);
        let key = (r["id"].to_string(), r["duplicate_of"].to_string(), r["jaccard"].to_string());
        assert!(duplicates.contains(&key), "{key:?} is not a duplicate the query reports");
    }
    // The kept records are the input's other lines, byte for byte.
    let kept: Vec<String> = std::fs::read_to_string(&s.second)
        .unwrap()
        .lines()
        .filter(|l| !ri.contains_key(serde_json::from_str::<Value>(l).unwrap()["id"].as_str().unwrap()))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(std::fs::read_to_string(by_index.join("kept.jsonl")).unwrap(), kept.concat());
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(by_index.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["counts"]["removed"], ri.len());
    let inputs = manifest["inputs"].as_array().unwrap();
    assert_eq!(inputs.len(), 2, "the input and the index: {inputs:?}");
    assert_eq!(inputs[1]["kind"], "index");
    assert_eq!(inputs[1]["name"], ix.display().to_string());
    let index_json = std::fs::read(ix.join("index.json")).unwrap();
    assert_eq!(inputs[1]["xxh3"], format!("{:016x}", xxhash_rust::xxh3::xxh3_64(&index_json)));

    // An index among other references, and flags other than the index's, are errors.
    let out = reprint()
        .args(["dedup", "-q"])
        .arg(&s.second)
        .arg("--against")
        .arg(&ix)
        .arg(&s.first)
        .arg("--out")
        .arg(work.path().join("x"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is an index"));
    let out = reprint()
        .args(["dedup", "-q", "--min-passage", "40"])
        .arg(&s.second)
        .arg("--against")
        .arg(&ix)
        .arg("--out")
        .arg(work.path().join("y"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("--min-passage 40"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!work.path().join("x").exists() && !work.path().join("y").exists());
}

/// On a terminal, `index create` shows the documents written into the segment as a stage of
/// its progress, after reading.
#[test]
fn index_create_shows_the_segment_being_written_on_a_terminal() {
    let work = tempfile::tempdir().unwrap();
    let (seeds, ix) = (seeds(), work.path().join("ix"));
    let args = ["index", "create", seeds.to_str().unwrap(), "--index", ix.to_str().unwrap()];
    let run = reprint_on_pty(&args, 100, &[], &["NO_COLOR"]);
    assert_eq!(run.code, Some(0), "{}", run.output);
    let (read, written) = (run.output.find("read+sketch"), run.output.find("segment ["));
    assert!(read.is_some() && written > read, "{}", run.output);
    assert!(run.output.contains("/5 documents"), "{}", run.output);
}
