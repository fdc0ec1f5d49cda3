//! The real binary, run in temporary directories: default run, bad arguments, input formats,
//! skipped records, determinism.

use crate::common::{clusters, read_json, reprint, root, seeds};
use predicates::prelude::*;
use std::fs;
use tempfile::TempDir;

fn tmp() -> TempDir {
    tempfile::tempdir().expect("temp dir")
}

#[test]
fn default_run_reads_seeds_and_writes_versioned_report() {
    let out = tmp();
    reprint()
        .current_dir(root())
        .args(["cluster", "--out"])
        .arg(out.path())
        .assert()
        .success()
        .stdout(predicate::str::contains("5 documents (0 empty, 0 skipped)"))
        .stdout(predicate::str::contains("clusters.json"));
    let r = read_json(&out.path().join("clusters.json"));
    assert_eq!(r["schema_version"], 2);
    assert_eq!(r["tool"]["name"], "reprint");
    assert_eq!(r["input"]["documents"], 5);
    assert_eq!(r["input"]["sources"][0], "seeds");
    let p = &r["params"];
    assert_eq!(p["shingle"], "word:5");
    assert_eq!(p["threshold"], 0.5);
    assert_eq!(p["num_perm"], 128);
    assert_eq!(p["seed"], 42);
    assert_eq!(p["normalize"]["profile"], "default");
    assert_eq!(p["passages"]["min_passage"], 50);
    assert_eq!(p["cluster"], "stories");
    let (b, rows) = (p["bands"].as_u64().unwrap(), p["rows"].as_u64().unwrap());
    assert!(b * rows <= 128);

    // The partial reprint: exactly one cluster {000, 002}; 001, 003, 004 stay singletons.
    assert_eq!(clusters(&r), vec![vec!["000_19cceab3956b993e.txt", "002_f827d458276c570b.txt"]]);
    assert_eq!(r["summary"]["singletons"], 3);
    let pair = &r["clusters"][0]["pairs"][0];
    assert_eq!(pair["linked_by"], "passage");
    assert!(pair["jaccard"].as_f64().unwrap() < 0.25);
    // The reported passages, sliced from the original texts by character offsets, hold the
    // 1037-soldiers paragraph on both sides.
    let text = |id: &str| fs::read_to_string(seeds().join(id)).unwrap();
    let (a, b) = (text("000_19cceab3956b993e.txt"), text("002_f827d458276c570b.txt"));
    let slice = |t: &str, r: &serde_json::Value| -> String {
        let (s, e) = (r[0].as_u64().unwrap() as usize, r[1].as_u64().unwrap() as usize);
        t.chars().skip(s).take(e - s).collect()
    };
    let passages = pair["passages"].as_array().unwrap();
    assert!(!passages.is_empty());
    assert!(passages.iter().any(|p| slice(&a, &p["a"]).contains("1037 جنديا")));
    assert!(passages.iter().any(|p| slice(&b, &p["b"]).contains("1037 جنديا")));
    for p in passages {
        assert!(p["words"].as_u64().unwrap() >= 50);
    }
    let cov = pair["coverage_a"].as_f64().unwrap();
    assert!((0.2..0.5).contains(&cov), "coverage {cov}");
    assert_eq!(pair["relation"], "story");
    // overlaps.jsonl lists the same pair, with the same fields.
    let overlaps = fs::read_to_string(out.path().join("overlaps.jsonl")).unwrap();
    assert_eq!(overlaps.lines().count(), 1);
    let o: serde_json::Value = serde_json::from_str(overlaps.trim_end()).unwrap();
    assert_eq!(&o, pair);
}

#[test]
fn seeds_000_and_002_share_a_fifth_of_their_word_5_grams() {
    // Exact join at a low threshold: the one pair above 0.15 is the 1037-soldiers reprint,
    // whole-document Jaccard about 0.19.
    let out = tmp();
    reprint()
        .args(["cluster", "--no-passages", "--candidates", "exact", "--threshold", "0.15", "--out"])
        .arg(out.path())
        .arg(seeds())
        .assert()
        .success();
    let r = read_json(&out.path().join("clusters.json"));
    assert_eq!(clusters(&r), vec![vec!["000_19cceab3956b993e.txt", "002_f827d458276c570b.txt"]]);
    let pair = &r["clusters"][0]["pairs"][0];
    let j = pair["jaccard"].as_f64().unwrap();
    assert!((0.18..0.21).contains(&j), "jaccard {j}");
    let c = pair["containment_a_in_b"].as_f64().unwrap();
    assert!((0.3..0.36).contains(&c), "containment {c}");
}

#[test]
fn bands_times_rows_over_num_perm_is_an_error() {
    reprint()
        .args(["cluster", "--bands", "20", "--rows", "7"])
        .arg(seeds())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--bands 20 x --rows 7 = 140 is more than --num-perm 128"));
}

#[test]
fn bad_arguments_fail_with_clear_messages() {
    let cases: &[(&[&str], &str)] = &[
        (&["--threshold", "0"], "--threshold must be greater than 0"),
        (&["--threshold", "1.2"], "--threshold must be greater than 0"),
        (&["--num-perm", "0"], "--num-perm must be between 1 and 4096"),
        (&["--shingle", "word:0"], "shingle size must be between 1 and 64"),
        (&["--shingle", "line:3"], "unknown shingle kind `line`"),
        (&["--bands", "4"], "--rows"),
        (&["--method", "simhash", "--bands", "2", "--rows", "2"], "--bands/--rows apply to --method minhash"),
        (&["--max-hamming", "40", "--method", "simhash"], "--max-hamming must be below 32"),
        (&["--keep", "oldest"], "oldest"),
    ];
    for (args, msg) in cases {
        reprint()
            .arg("cluster")
            .args(*args)
            .arg(seeds())
            .assert()
            .code(2)
            .stderr(predicate::str::contains(*msg));
    }
}

#[test]
fn missing_input_and_unknown_format_name_the_path() {
    let dir = tmp();
    let csv = dir.path().join("corpus.xml");
    fs::write(&csv, "<doc/>\n").unwrap();
    reprint()
        .args(["cluster", "no/such/dir"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot read input `no/such/dir`"));
    reprint().arg("cluster").arg(&csv).assert().code(2).stderr(
        predicate::str::contains("cannot tell the format of").and(predicate::str::contains("corpus.xml")),
    );
}

#[test]
fn output_path_that_is_a_file_is_an_error() {
    let dir = tmp();
    let file = dir.path().join("taken");
    fs::write(&file, "x").unwrap();
    reprint()
        .arg("cluster")
        .arg(seeds())
        .arg("--out")
        .arg(&file)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("exists and is not a directory"));
    assert_eq!(fs::read(&file).unwrap(), b"x");
}

const STORY: &str = "فر ١٠٣٧ جنديا أفغانيا إلى طاجيكستان بعد اشتباكات مع مقاتلي حركة طالبان في ولاية بدخشان \
    شمال شرقي البلاد حسبما أعلنت لجنة الأمن القومي في طاجيكستان يوم الاثنين";

fn jsonl(lines: &[String]) -> String {
    lines.iter().map(|l| format!("{l}\n")).collect()
}

fn doc(id: &str, text: &str) -> String {
    serde_json::json!({ "id": id, "text": text }).to_string()
}

#[test]
fn stdin_jsonl_with_bad_lines_skips_them_and_exits_3() {
    let out = tmp();
    let input = jsonl(&[
        doc("a", STORY),
        "{not json".to_owned(),
        doc("b", &STORY.replace("أفغانيا", "افغانيا")),
        r#"{"id": "c", "text": null}"#.to_owned(),
    ]);
    reprint()
        .args(["cluster", "-", "--threshold", "0.9", "--out"])
        .arg(out.path())
        .write_stdin(input)
        .assert()
        .code(3)
        .stderr(predicate::str::contains("skipped <stdin>:2: invalid JSON"))
        .stderr(predicate::str::contains("skipped <stdin>:4: text field `text` is null"));
    let r = read_json(&out.path().join("clusters.json"));
    assert_eq!(clusters(&r), vec![vec!["a", "b"]]);
    let skipped = r["input"]["skipped"].as_array().unwrap();
    assert_eq!(skipped.len(), 2);
    assert_eq!(skipped[0]["line"], 2);
    assert_eq!(skipped[1]["id"], "c");
}

#[test]
fn on_error_fail_stops_at_the_first_bad_record() {
    let out = tmp();
    reprint()
        .args(["cluster", "-", "--on-error", "fail", "--out"])
        .arg(out.path())
        .write_stdin(jsonl(&[doc("a", STORY), "[]".to_owned()]))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("<stdin>:2: expected a JSON object, found an array"));
    assert!(!out.path().join("clusters.json").exists());
}

#[test]
fn duplicate_ids_across_inputs_name_both_places() {
    let dir = tmp();
    let a = dir.path().join("a.jsonl");
    let b = dir.path().join("b.jsonl");
    fs::write(&a, jsonl(&[doc("x", "one two"), doc("y", "three four")])).unwrap();
    fs::write(&b, jsonl(&[doc("z", "five"), doc("y", "six")])).unwrap();
    reprint()
        .arg("cluster")
        .arg(&a)
        .arg(&b)
        .arg("--out")
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("duplicate document id `y`"))
        .stderr(predicate::str::contains("a.jsonl:2"))
        .stderr(predicate::str::contains("b.jsonl:2"));
}

#[test]
fn empty_documents_are_reported_and_never_clustered() {
    let out = tmp();
    let input = jsonl(&[doc("e1", ""), doc("e2", " ... ، ؟ "), doc("e3", "\n\n"), doc("w", "word")]);
    reprint()
        .args(["cluster", "-", "--candidates", "exact", "--threshold", "0.1", "--out"])
        .arg(out.path())
        .write_stdin(input)
        .assert()
        .success()
        .stdout(predicate::str::contains("4 documents (3 empty, 0 skipped)"));
    let r = read_json(&out.path().join("clusters.json"));
    let empty: Vec<&str> =
        r["input"]["empty"].as_array().unwrap().iter().map(|e| e["id"].as_str().unwrap()).collect();
    assert_eq!(empty, ["e1", "e2", "e3"]);
    assert!(clusters(&r).is_empty());
}

#[test]
fn arabic_spelling_variants_do_not_hide_a_reprint_unless_normalization_is_off() {
    let variant = STORY
        .replace("١٠٣٧", "1037")
        .replace("أفغانيا", "أفغـانيًا")
        .replace("إلى", "الى")
        .replace("الأمن", "الامن");
    let input = jsonl(&[doc("wire", STORY), doc("outlet", &variant)]);
    for (profile, expected) in [("default", 1), ("none", 0)] {
        let out = tmp();
        reprint()
            .args(["cluster", "-", "--threshold", "0.95", "--normalize", profile, "--out"])
            .arg(out.path())
            .write_stdin(input.clone())
            .assert()
            .success();
        let r = read_json(&out.path().join("clusters.json"));
        assert_eq!(clusters(&r).len(), expected, "--normalize {profile}");
        assert_eq!(r["params"]["normalize"]["profile"], profile);
    }
}

/// A corpus with known structure: three families of near-copies plus unrelated documents.
fn family_corpus() -> Vec<String> {
    let words: Vec<String> = (0..1000).map(|i| format!("w{i}")).collect();
    let mut lines = Vec::new();
    for fam in 0..3 {
        let base: Vec<&str> = words[fam * 300..fam * 300 + 200].iter().map(String::as_str).collect();
        for copy in 0..4 {
            let mut text = base.clone();
            // Each copy changes a few words: Jaccard with the base stays high.
            for k in 0..copy {
                text[20 + k * 40] = "edited";
            }
            lines.push(doc(&format!("f{fam}-c{copy}"), &text.join(" ")));
        }
    }
    // Unrelated documents: their own vocabulary, no passage in common with anything.
    for u in 0..10 {
        let text: Vec<String> = (0..80).map(|i| format!("u{u}x{i}")).collect();
        lines.push(doc(&format!("u{u}"), &text.join(" ")));
    }
    lines
}

#[test]
fn clusters_do_not_depend_on_input_order_threads_or_method() {
    let dir = tmp();
    let lines = family_corpus();
    let fwd = dir.path().join("fwd.jsonl");
    let rev = dir.path().join("rev.jsonl");
    fs::write(&fwd, jsonl(&lines)).unwrap();
    let mut reversed = lines.clone();
    reversed.reverse();
    fs::write(&rev, jsonl(&reversed)).unwrap();

    let run = |input: &std::path::Path, extra: &[&str], threads: &str| {
        let out = tmp();
        reprint()
            .env("RAYON_NUM_THREADS", threads)
            .arg("cluster")
            .arg(input)
            .args(extra)
            .args(["--threshold", "0.8", "--out"])
            .arg(out.path())
            .assert()
            .success();
        fs::read(out.path().join("clusters.json")).unwrap()
    };
    let one = run(&fwd, &[], "1");
    let two = run(&fwd, &[], "2");
    assert_eq!(one, two, "output must be byte-identical across thread counts");
    assert_eq!(one, run(&fwd, &[], "2"), "and across runs");

    let expected: Vec<Vec<String>> = (0..3).map(|f| (0..4).map(|c| format!("f{f}-c{c}")).collect()).collect();
    let v = |bytes: &[u8]| serde_json::from_slice::<serde_json::Value>(bytes).unwrap();
    assert_eq!(clusters(&v(&one)), expected);
    assert_eq!(clusters(&v(&run(&rev, &[], "2"))), expected, "reversed input");
    assert_eq!(clusters(&v(&run(&fwd, &["--candidates", "exact"], "2"))), expected, "exact");
    assert_eq!(clusters(&v(&run(&fwd, &["--shingle", "char:12"], "2"))), expected, "char shingles");
}

#[test]
fn simhash_finds_exact_and_near_exact_copies() {
    let out = tmp();
    let lines = family_corpus();
    reprint()
        .args(["cluster", "-", "--method", "simhash", "--threshold", "0.9", "--out"])
        .arg(out.path())
        .write_stdin(jsonl(&lines))
        .assert()
        .success();
    let r = read_json(&out.path().join("clusters.json"));
    assert_eq!(r["params"]["method"], "simhash");
    assert_eq!(r["params"]["max_hamming"], 3);
    // c0 and c1 differ in one word of 200: Jaccard 0.95, SimHash within 3 bits.
    for c in clusters(&r) {
        assert!(c.iter().all(|m| m.starts_with(&c[0][..2])), "{c:?} mixes families");
    }
    assert!(!clusters(&r).is_empty());
}

#[test]
fn directories_are_read_recursively_with_relative_ids() {
    let dir = tmp();
    let corpus = dir.path().join("corpus");
    fs::create_dir_all(corpus.join("sub")).unwrap();
    fs::write(corpus.join("a.txt"), STORY).unwrap();
    fs::write(corpus.join("sub/b.txt"), format!("\u{feff}{STORY}")).unwrap();
    fs::write(corpus.join("notes.md"), STORY).unwrap();
    fs::write(corpus.join(".hidden.txt"), STORY).unwrap();
    fs::write(corpus.join("bin.txt"), b"\x00\x01binary").unwrap();
    let out = dir.path().join("out");
    reprint()
        .arg("cluster")
        .arg(&corpus)
        .arg("--out")
        .arg(&out)
        .assert()
        .code(3)
        .stderr(predicate::str::contains("bin.txt: binary file"));
    let r = read_json(&out.join("clusters.json"));
    assert_eq!(r["input"]["documents"], 2);
    assert_eq!(clusters(&r), vec![vec!["a.txt", "sub/b.txt"]]);
}

#[test]
fn help_lists_every_parameter_with_its_default() {
    let assert = reprint().args(["cluster", "--help"]).assert().success();
    let help = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
    for flag in [
        "--out",
        "--shingle",
        "--normalize",
        "--method",
        "--candidates",
        "--threshold",
        "--num-perm",
        "--seed",
        "--bands",
        "--rows",
        "--max-hamming",
        "--keep",
        "--id-field",
        "--text-field",
        "--ext",
        "--max-doc-bytes",
        "--on-error",
        "--threads",
        "--quiet",
    ] {
        assert!(help.contains(flag), "--help lacks {flag}");
    }
    for default in
        ["[default: reports]", "[default: word:5]", "[default: 0.5]", "[default: 128]", "[default: 42]"]
    {
        assert!(help.contains(default), "--help lacks {default}");
    }
}

/// The help of each size flag with a default of the library's shows that default, in the
/// largest unit that holds it exactly (`[default: 16M]`), under that flag; the words of the help
/// name no size of their own that could drift from it.
#[test]
fn size_flags_help_shows_the_defaults_they_have() {
    let in_mib = |bytes: usize| {
        assert_eq!(bytes % (1 << 20), 0, "a whole number of MiB");
        format!("[default: {}M]", bytes >> 20)
    };
    let text = ("--text-memory", in_mib(reprint::pipeline::DEFAULT_FILED_TEXT_MEMORY));
    let align = ("--align-memory", in_mib(reprint::pipeline::DEFAULT_ALIGN_MEMORY));
    // The commands, and whether they align (and so have --align-memory).
    for (command, aligns) in
        [("cluster", true), ("dedup", true), ("index create", false), ("index add", false)]
    {
        let flags = if aligns { vec![&text, &align] } else { vec![&text] };
        let assert = reprint().args(command.split(' ')).arg("--help").assert().success();
        let help = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
        for (flag, default) in flags {
            // The flag's entry: its line and the more deeply indented lines under it.
            let mut lines = help.lines().skip_while(|l| l.trim_start() != format!("{flag} <BYTES>"));
            let head = lines.next().unwrap_or_else(|| panic!("{command:?}: no {flag}"));
            let body = lines.take_while(|l| l.is_empty() || l.starts_with("          "));
            let entry = std::iter::once(head).chain(body).collect::<Vec<_>>().join("\n");
            assert!(entry.contains(default.as_str()), "{command:?} {flag} lacks `{default}`:\n{entry}");
            assert!(!entry.contains("MiB"), "{command:?} {flag} names a size in words:\n{entry}");
        }
    }
}

/// Every page of the report (the index, the cluster pages, the document pages, the list of
/// documents) shows the 33 payloads (in texts, ids, and the title, date and source fields once
/// metadata is read) as text: no element, attribute or link of a payload reaches a page.
#[test]
fn the_overlap_report_escapes_every_payload_on_every_page() {
    let out = tmp();
    reprint()
        .arg("cluster")
        .arg(root().join("tests/fixtures/html_injection.jsonl"))
        .arg("--out")
        .arg(out.path())
        .assert()
        .success();
    let pages = crate::common::report_pages(out.path());
    assert_eq!(pages.len(), 1 + 33 + 66 + 1, "index, 33 cluster pages, 66 document pages, the list");
    let mut marks = 0;
    for (name, html) in &pages {
        let body = html.split("<body>").nth(1).expect("a body");
        for tag in ["<img", "<svg", "<iframe", "<style", "<object", "<embed", "<base", "<details", "<form"] {
            assert!(!body.contains(tag), "{name}: {tag} reached the page unescaped");
        }
        assert!(!html.contains('\u{202E}'), "{name}: a raw bidi override reached the page");
        let scripts = if name == "overlap.html" { 1 } else { 0 };
        assert_eq!(body.matches("<script").count(), scripts, "{name}: the index's script only");
        for href in body.split(" href=\"").skip(1) {
            let href = href.split('"').next().unwrap_or("");
            assert!(
                href.starts_with('#') || href.ends_with(".html") || href.contains(".html#"),
                "{name}: a link that is not the report's own: {href}"
            );
            assert!(!href.contains(':'), "{name}: a link with a scheme: {href}");
        }
        if name.starts_with("overlap/c/") {
            assert!(body.contains("&lt;"), "{name}: the payload is shown as text");
            marks += body.matches("<mark ").count();
        }
    }
    assert_eq!(marks, 66, "each of the 33 pairs highlighted on both sides");
}

/// `compare --json` escapes control characters for the terminal as JSON escapes: DEL and C1
/// controls (U+009B is CSI), which serde_json leaves raw, become `\u009b`, so the output is
/// still valid JSON with the same ids and passage texts.
#[test]
fn compare_json_escapes_control_characters_and_stays_valid_json() {
    let dir = tmp();
    let words: Vec<String> = (0..120).map(|k| format!("word{k}")).collect();
    let text = format!("{} \u{9b}31m \u{7f} \u{1b}[2J {}", words[..60].join(" "), words[60..].join(" "));
    let id = "x\u{9b}y.txt";
    fs::write(dir.path().join("a.txt"), &text).unwrap();
    fs::write(dir.path().join(id), &text).unwrap();
    let out = reprint().current_dir(dir.path()).args(["compare", "a.txt", id, "--json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let shown = String::from_utf8(out.stdout).unwrap();
    assert!(!shown.chars().any(|c| c.is_control() && c != '\n'), "a raw control character: {shown:?}");
    let v: serde_json::Value = serde_json::from_str(&shown).expect("valid JSON");
    assert_eq!(v["b"]["id"], id);
    let passage = v["passages"][0]["text_a"].as_str().unwrap();
    assert!(
        passage.contains('\u{9b}') && passage.contains('\u{7f}') && passage.contains('\u{1b}'),
        "{passage:?}"
    );
}

#[test]
fn compare_two_files_and_ids_in_a_corpus() {
    let a = seeds().join("000_19cceab3956b993e.txt");
    let b = seeds().join("002_f827d458276c570b.txt");
    let assert = reprint().arg("compare").arg(&a).arg(&b).arg("--json").assert().success();
    let v: serde_json::Value = serde_json::from_slice(&assert.get_output().stdout).unwrap();
    assert_eq!(v["linked_by"], "passage");
    let text_a = fs::read_to_string(&a).unwrap();
    let p = &v["passages"][0];
    let (s, e) = (p["a"][0].as_u64().unwrap() as usize, p["a"][1].as_u64().unwrap() as usize);
    let sliced: String = text_a.chars().skip(s).take(e - s).collect();
    assert_eq!(sliced, p["text_a"].as_str().unwrap());
    assert!(sliced.contains("1037 جنديا"));

    reprint()
        .args(["compare", "--in"])
        .arg(seeds())
        .args(["001_2829b539c0b17180.txt", "003_1a55989438145c7f.txt", "--width", "80"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("NOT RELATED"));
    reprint()
        .args(["compare", "--in"])
        .arg(seeds())
        .args(["nope.txt", "003_1a55989438145c7f.txt"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no document with id `nope.txt`"));
}

/// One stage as a run reported it: its name, total and unit, and every position set.
struct Stage {
    name: &'static str,
    total: Option<u64>,
    unit: &'static str,
    positions: Vec<u64>,
}

/// What a run reported as progress.
#[derive(Default)]
struct ProgressLog(std::sync::Mutex<Vec<Stage>>);

impl reprint::pipeline::Progress for ProgressLog {
    fn start(&self, name: &'static str, total: Option<u64>, unit: &'static str) {
        self.0.lock().unwrap().push(Stage { name, total, unit, positions: Vec::new() });
    }
    fn set(&self, done: u64) {
        if let Some(last) = self.0.lock().unwrap().last_mut() {
            last.positions.push(done);
        }
    }
    fn finish(&self) {}
}

/// The passage stage counts pairs: it starts again with the number of pairs it aligns as its
/// total (not a spinner with no count) and ends at that total.
#[test]
fn passage_progress_counts_aligned_pairs_out_of_a_known_total() {
    use reprint::corpus::Input;
    use reprint::pipeline::{self, Params};
    let (inputs, _) = Input::from_args(&[seeds().display().to_string()]).unwrap();
    let config = Params::default().resolve().unwrap();
    let log = ProgressLog::default();
    let run = pipeline::run(inputs, &config, &log, &mut pipeline::NoOverlaps).unwrap();
    let log = log.0.into_inner().unwrap();
    let stages: Vec<(&str, Option<u64>, &str)> = log.iter().map(|s| (s.name, s.total, s.unit)).collect();
    // The seed pair 000/002 is the one pair the passage stage aligns.
    assert_eq!(run.stats.passage_candidates, 1);
    assert_eq!(run.stats.aligned_pairs, 1);
    assert_eq!(
        stages,
        [
            // A directory's size is not known before it is walked: no total.
            ("read+sketch", None, "bytes"),
            ("candidates", None, "pairs"),
            ("verify", None, "pairs"),
            ("passages", None, "pairs"),
            ("passages", Some(1), "pairs"),
        ]
    );
    assert_eq!(log[4].positions, [1], "pairs aligned after each batch");
}

/// The summary counts in MB like the progress bars: the records read, and, for compressed
/// input, the size as stored (what the read bar runs to).
#[test]
fn summary_gives_sizes_read_and_as_stored_in_mb() {
    use std::io::Write as _;
    let dir = tmp();
    let mut state = 7u64;
    let mut lines = String::new();
    for i in 0..2000 {
        let mut line = format!("{{\"id\":\"d{i:04}\",\"text\":\"");
        while line.len() < 497 {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            line.push((b'a' + (state >> 59) as u8 % 26) as char);
            if state.is_multiple_of(7) {
                line.push(' ');
            }
        }
        line.truncate(497);
        line.push_str("\"}\n");
        assert_eq!(line.len(), 500);
        lines.push_str(&line);
    }
    let path = dir.path().join("docs.jsonl.gz");
    let mut gz =
        flate2::write::GzEncoder::new(fs::File::create(&path).unwrap(), flate2::Compression::default());
    gz.write_all(lines.as_bytes()).unwrap();
    gz.finish().unwrap();
    let stored = format!("{:.1}", fs::metadata(&path).unwrap().len() as f64 / 1e6);
    assert_ne!(stored, "1.0");
    let out = reprint()
        .current_dir(dir.path())
        .args(["cluster", "docs.jsonl.gz", "--out", "o", "--no-html"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let first = String::from_utf8(out.stdout).unwrap().lines().next().unwrap().to_owned();
    assert_eq!(
        first,
        format!(
            "reprint {}: 2000 documents (0 empty, 0 skipped), 1.0 MB ({stored} MB as stored) from docs.jsonl.gz",
            env!("CARGO_PKG_VERSION")
        )
    );
    // Uncompressed input: one size.
    fs::write(dir.path().join("plain.jsonl"), &lines).unwrap();
    let out = reprint()
        .current_dir(dir.path())
        .args(["cluster", "plain.jsonl", "--out", "p", "--no-html"])
        .output()
        .unwrap();
    let first = String::from_utf8(out.stdout).unwrap().lines().next().unwrap().to_owned();
    assert_eq!(
        first,
        format!(
            "reprint {}: 2000 documents (0 empty, 0 skipped), 1.0 MB from plain.jsonl",
            env!("CARGO_PKG_VERSION")
        )
    );
}
