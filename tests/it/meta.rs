//! Metadata pass-through (`--meta`, `--title-field`, `--date-field`, `--source-field`): the
//! carried record fields in clusters.json, clusters.csv, overlaps.jsonl and dedup's
//! removed.jsonl, the display accessors of `Doc`, fields in no record, and dedup of CSV and
//! JSON-array inputs in their own format.

use crate::common::{read_json, reprint, seeds};
use reprint::corpus::{CorpusConfig, DisplayField, Input, MetaConfig, MetaFields};
use reprint::pipeline::{self, NoOverlaps, NoProgress, Params};
use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};

/// The text of seed `n` (000 and 002 share two passages: one story).
fn seed(n: usize) -> String {
    let mut names: Vec<PathBuf> = fs::read_dir(seeds())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    names.sort();
    fs::read_to_string(&names[n]).unwrap()
}

/// A hard title: commas, quotes, a line break, Arabic.
const TITLE: &str = "عنوان، \"مقتبس\", with commas,\nand a second line";

/// Records: `a` (seed 0), `b` (seed 2; a story with `a`), `c` (a copy of `b`: a duplicate),
/// `d` (seed 4, a singleton) and `e` (seed 1, no metadata at all). The raw JSON of each line's
/// carried fields is returned with it.
fn records() -> Vec<(String, String, Option<String>)> {
    let t = |s: &str| serde_json::to_string(s).unwrap();
    let rows = [
        (
            "a",
            seed(0),
            r#""title":"first","date":"2015-07-21","source":"aawsat","views":18446744073709551616,"live":true"#,
        ),
        (
            "b",
            seed(2),
            r#""title":"second","date":"2015-07-22","source":"okaz","views":1e2,"nested":{"x":1},"gone":null"#,
        ),
        (
            "c",
            seed(2),
            &*format!(r#""title":{},"date":"2015-07-23","source":"spa","url":"http://x/\u00e9""#, t(TITLE)),
        ),
        ("d", seed(4), r#""source":"alriyadh""#),
        ("e", seed(1), ""),
    ];
    rows.iter()
        .map(|(id, text, extra)| {
            let sep = if extra.is_empty() { "" } else { ", " };
            let line = format!(r#"{{"id": "{id}", "text": {}{sep}{extra}}}"#, t(text));
            // The carried fields: the scalars after the id and the text, as written.
            let v: Value = serde_json::from_str(&line).unwrap();
            let carried: Vec<String> = extra
                .split_terminator(",\"")
                .map(|f| if f.starts_with('"') { f.to_owned() } else { format!("\"{f}") })
                .filter(|f| {
                    let key: String = serde_json::from_str(f.split_once(':').unwrap().0).unwrap();
                    matches!(v[&key], Value::String(_) | Value::Number(_) | Value::Bool(_))
                })
                .collect();
            let meta = (!carried.is_empty()).then(|| format!("{{{}}}", carried.join(",")));
            (id.to_string(), line, meta)
        })
        .collect()
}

fn write_corpus(dir: &Path) -> PathBuf {
    let path = dir.join("in.jsonl");
    let body: String = records().iter().map(|(_, l, _)| format!("{l}\n")).collect();
    fs::write(&path, body).unwrap();
    path
}

fn raw_meta(id: &str) -> Option<String> {
    records().into_iter().find(|(i, _, _)| i == id).unwrap().2
}

#[test]
fn the_expected_meta_of_the_fixture_is_what_it_says() {
    // The fixture's own oracle, spelled out once: nested objects and nulls are not carried;
    // numbers keep their digits; escapes stay as written.
    assert_eq!(
        raw_meta("a").unwrap(),
        r#"{"title":"first","date":"2015-07-21","source":"aawsat","views":18446744073709551616,"live":true}"#
    );
    assert_eq!(
        raw_meta("b").unwrap(),
        r#"{"title":"second","date":"2015-07-22","source":"okaz","views":1e2}"#
    );
    assert!(raw_meta("c").unwrap().ends_with(r#""url":"http://x/\u00e9"}"#));
    assert_eq!(raw_meta("e"), None);
}

/// The raw text of the `meta` objects of clusters.json, by member id.
fn cluster_meta(clusters_json: &Path) -> Vec<(String, String)> {
    let bytes = fs::read(clusters_json).unwrap();
    #[derive(serde::Deserialize)]
    struct Report<'a> {
        #[serde(borrow)]
        clusters: Vec<Entry<'a>>,
    }
    #[derive(serde::Deserialize)]
    struct Entry<'a> {
        #[serde(borrow, default)]
        meta: std::collections::BTreeMap<String, &'a serde_json::value::RawValue>,
    }
    let r: Report = serde_json::from_slice(&bytes).unwrap();
    r.clusters.iter().flat_map(|c| c.meta.iter().map(|(k, v)| (k.clone(), v.get().to_owned()))).collect()
}

/// Rows of a CSV file, parsed back.
fn csv_rows(path: &Path) -> Vec<Vec<String>> {
    let mut r = csv::ReaderBuilder::new().has_headers(false).from_path(path).unwrap();
    r.records().map(|rec| rec.unwrap().iter().map(str::to_owned).collect()).collect()
}

#[test]
fn metadata_goes_through_every_output_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let input = write_corpus(dir.path());
    let out = dir.path().join("out");
    reprint().arg("cluster").arg(&input).arg("-q").arg("--out").arg(&out).assert().success();

    // clusters.json: one cluster {a, b, c}; each member's meta as the record wrote it.
    let report = read_json(&out.join("clusters.json"));
    assert_eq!(report["clusters"][0]["members"], serde_json::json!(["a", "b", "c"]));
    assert_eq!(report["params"]["meta"], "all");
    assert_eq!(report["params"]["title_field"], "title");
    let want: Vec<(String, String)> =
        ["a", "b", "c"].iter().map(|id| (id.to_string(), raw_meta(id).unwrap())).collect();
    assert_eq!(cluster_meta(&out.join("clusters.json")), want);

    // overlaps.jsonl: each side's meta.
    let overlaps = fs::read_to_string(out.join("overlaps.jsonl")).unwrap();
    let mut pairs = Vec::new();
    for line in overlaps.lines() {
        let v: Value = serde_json::from_str(line).unwrap();
        for (side, key) in [("a", "meta_a"), ("b", "meta_b")] {
            let id = v[side].as_str().unwrap();
            match raw_meta(id) {
                Some(m) => assert!(line.contains(&format!("\"{key}\":{m}")), "{key} of {id} in {line}"),
                None => assert!(v.get(key).is_none()),
            }
        }
        pairs.push((v["a"].as_str().unwrap().to_owned(), v["b"].as_str().unwrap().to_owned()));
    }
    // a–b share passages; c, a copy of b, is linked to b alone (copies are stars).
    assert_eq!(pairs, [("a".to_owned(), "b".to_owned()), ("b".to_owned(), "c".to_owned())], "{overlaps}");

    // clusters.csv: every document, singletons and the document without metadata included;
    // the hard title reads back exactly.
    let rows = csv_rows(&out.join("clusters.csv"));
    assert_eq!(
        rows[0],
        [
            "id",
            "cluster",
            "representative",
            "size",
            "relation",
            "title",
            "date",
            "source",
            "views",
            "live",
            "url"
        ]
    );
    let row = |id: &str| rows.iter().find(|r| r[0] == id).unwrap().clone();
    assert_eq!(row("a")[..5], ["a", "1", "a", "3", "representative"]);
    assert_eq!(row("b")[..5], ["b", "1", "a", "3", "story"]);
    assert_eq!(row("c")[..5], ["c", "1", "a", "3", "story"]);
    assert_eq!(row("c")[5], TITLE);
    assert_eq!(row("c")[10], "http://x/é");
    assert_eq!(row("a")[8..10], ["18446744073709551616", "true"]);
    assert_eq!(row("b")[8], "1e2");
    assert_eq!(row("d"), ["d", "", "d", "1", "singleton", "", "", "alriyadh", "", "", ""]);
    assert_eq!(row("e"), ["e", "", "e", "1", "singleton", "", "", "", "", "", ""]);
    assert_eq!(rows.len(), 6);

    // dedup: c (a copy of b) is removed; removed.jsonl carries both sides' meta.
    let dd = dir.path().join("dd");
    reprint().arg("dedup").arg(&input).arg("-q").arg("--out").arg(&dd).assert().success();
    let removed = fs::read_to_string(dd.join("removed.jsonl")).unwrap();
    let v: Value = serde_json::from_str(removed.trim()).unwrap();
    assert_eq!((v["id"].as_str(), v["duplicate_of"].as_str()), (Some("c"), Some("b")));
    assert!(removed.contains(&format!("\"meta\":{}", raw_meta("c").unwrap())), "{removed}");
    assert!(removed.contains(&format!("\"duplicate_of_meta\":{}", raw_meta("b").unwrap())), "{removed}");
}

#[test]
fn meta_none_and_meta_lists() {
    let dir = tempfile::tempdir().unwrap();
    let input = write_corpus(dir.path());
    let run = |args: &[&str], out: &str| {
        let out = dir.path().join(out);
        reprint().arg("cluster").arg(&input).args(args).arg("-q").arg("--out").arg(&out).assert().success();
        out
    };
    // --meta none: nothing carried anywhere; clusters.csv has the five columns.
    let none = run(&["--meta", "none"], "none");
    assert!(cluster_meta(&none.join("clusters.json")).is_empty());
    assert!(!fs::read_to_string(none.join("overlaps.jsonl")).unwrap().contains("meta_"));
    let rows = csv_rows(&none.join("clusters.csv"));
    assert_eq!(rows[0], ["id", "cluster", "representative", "size", "relation"]);
    assert_eq!(read_json(&none.join("clusters.json"))["params"]["meta"], "none");
    // A list: those fields, in its order; documents without any carry nothing.
    let list = run(&["--meta", "views,source"], "list");
    let got = cluster_meta(&list.join("clusters.json"));
    assert_eq!(got[0], ("a".to_owned(), r#"{"views":18446744073709551616,"source":"aawsat"}"#.to_owned()));
    assert_eq!(got[1], ("b".to_owned(), r#"{"views":1e2,"source":"okaz"}"#.to_owned()));
    let rows = csv_rows(&list.join("clusters.csv"));
    assert_eq!(rows[0][5..], ["views", "source"]);
    let e = rows.iter().find(|r| r[0] == "e").unwrap();
    assert_eq!(e[5..], ["", ""]);
}

#[test]
fn a_named_field_in_no_record_is_an_error_listing_the_fields_seen() {
    let dir = tempfile::tempdir().unwrap();
    let input = write_corpus(dir.path());
    let out = dir.path().join("out");
    for (args, message) in [
        (vec!["--meta", "source,headline"], "field `headline` (--meta) is in no record of"),
        (vec!["--title-field", "headline"], "field `headline` (--title-field) is in no record of"),
        (vec!["--date-field", "published"], "field `published` (--date-field) is in no record of"),
        (
            vec!["--source-field", "outlet", "--meta", "nested"],
            "fields `nested` (--meta) and `outlet` (--source-field) are in no record of",
        ),
    ] {
        let o = reprint()
            .arg("cluster")
            .arg(&input)
            .args(&args)
            .arg("-q")
            .arg("--out")
            .arg(&out)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(message), "{args:?}: {stderr}");
        assert!(stderr.contains("as a string, number or boolean (5 records read); fields seen: `date`, `gone`, `id`, `live`, `nested`"), "{args:?}: {stderr}");
        assert!(!out.join("clusters.json").exists(), "nothing written");
    }
    // Given explicitly and present: accepted; the defaults never fail on records without them.
    reprint()
        .arg("cluster")
        .arg(&input)
        .args(["--title-field", "title", "--meta", "live", "-q", "--out"])
        .arg(&out)
        .assert()
        .success();
    let plain = dir.path().join("plain.jsonl");
    fs::write(&plain, format!("{{\"id\": \"x\", \"text\": {}}}\n", serde_json::to_string(&seed(0)).unwrap()))
        .unwrap();
    reprint().arg("cluster").arg(&plain).args(["-q", "--out"]).arg(dir.path().join("p")).assert().success();
}

/// Reads `input` through the library with `meta`, returning (id, title, date, outlet, meta).
#[allow(clippy::type_complexity)]
fn docs_of(
    input: &Path,
    meta: MetaConfig,
) -> Vec<(String, Option<String>, Option<String>, Option<String>, Option<String>)> {
    let params = Params { corpus: CorpusConfig { meta, ..CorpusConfig::default() }, ..Params::default() };
    let config = params.resolve().unwrap();
    let input = Input::from_arg(&input.display().to_string()).unwrap();
    let run = pipeline::run(vec![input], &config, &NoProgress, &mut NoOverlaps).unwrap();
    let own = |s: Option<&str>| s.map(str::to_owned);
    run.docs
        .iter()
        .map(|d| (d.id.clone(), own(d.title()), own(d.date()), own(d.outlet()), own(d.meta_json())))
        .collect()
}

#[test]
fn display_fields_default_and_survive_meta_none() {
    let dir = tempfile::tempdir().unwrap();
    let input = write_corpus(dir.path());
    let docs = docs_of(&input, MetaConfig::default());
    assert_eq!(docs[0].1.as_deref(), Some("first"));
    assert_eq!(docs[0].2.as_deref(), Some("2015-07-21"));
    assert_eq!(docs[0].3.as_deref(), Some("aawsat"));
    assert_eq!(docs[2].1.as_deref(), Some(TITLE));
    assert_eq!(docs[0].4, raw_meta("a"));
    assert_eq!(docs[4], ("e".to_owned(), None, None, None, None));
    // --meta none: the display values stay, nothing is carried.
    let none = MetaConfig { fields: MetaFields::List(vec![]), ..MetaConfig::default() };
    let docs = docs_of(&input, none);
    assert_eq!(
        docs[1],
        ("b".to_owned(), Some("second".into()), Some("2015-07-22".into()), Some("okaz".into()), None)
    );
    // Other display fields: a number keeps its digits.
    let other = MetaConfig {
        fields: MetaFields::List(vec![]),
        title: DisplayField { name: "url".into(), explicit: true },
        date: DisplayField { name: "views".into(), explicit: true },
        outlet: DisplayField { name: "live".into(), explicit: true },
    };
    let docs = docs_of(&input, other);
    assert_eq!(
        docs[0],
        ("a".to_owned(), None, Some("18446744073709551616".into()), Some("true".into()), None)
    );
    assert_eq!(docs[2].1.as_deref(), Some("http://x/é"));
}

/// A CSV corpus: the same documents, with a hard title column.
fn write_csv(dir: &Path, name: &str) -> (PathBuf, Vec<Vec<u8>>) {
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
    w.write_record(["id", "title", "text", "date"]).unwrap();
    let texts = [("a", seed(0)), ("b", seed(2)), ("c", seed(2)), ("d", seed(4))];
    let mut rows = Vec::new();
    for (i, (id, text)) in texts.iter().enumerate() {
        let title = if *id == "c" { TITLE.to_owned() } else { format!("title {id}") };
        let mut one = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
        one.write_record([*id, title.as_str(), text.as_str(), &format!("2015-07-2{i}")]).unwrap();
        let row = one.into_inner().unwrap();
        w.write_record([*id, title.as_str(), text.as_str(), &format!("2015-07-2{i}")]).unwrap();
        rows.push(row);
    }
    let path = dir.join(name);
    fs::write(&path, w.into_inner().unwrap()).unwrap();
    (path, rows)
}

#[test]
fn csv_columns_are_carried_and_read_back_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let (input, _) = write_csv(dir.path(), "in.csv");
    let out = dir.path().join("out");
    // The latest date (c) represents {a, b, c}; b is the same text as c.
    reprint()
        .arg("cluster")
        .arg(&input)
        .args(["--keep", "latest:date", "-q", "--out"])
        .arg(&out)
        .assert()
        .success();
    let rows = csv_rows(&out.join("clusters.csv"));
    assert_eq!(rows[0], ["id", "cluster", "representative", "size", "relation", "title", "date"]);
    assert_eq!(rows[1], ["a", "1", "c", "3", "story", "title a", "2015-07-20"]);
    assert_eq!(rows[2], ["b", "1", "c", "3", "duplicate", "title b", "2015-07-21"]);
    assert_eq!(rows[3], ["c", "1", "c", "3", "representative", TITLE, "2015-07-22"]);
    assert_eq!(rows[4], ["d", "", "d", "1", "singleton", "title d", "2015-07-23"]);
    let meta = cluster_meta(&out.join("clusters.json"));
    assert_eq!(
        meta[2].1,
        format!(r#"{{"title":{},"date":"2015-07-22"}}"#, serde_json::to_string(TITLE).unwrap())
    );
}

#[test]
fn dedup_writes_csv_and_json_arrays_in_their_own_format() {
    let dir = tempfile::tempdir().unwrap();
    // CSV in, CSV out: the header and the kept rows byte for byte; c (a copy of b) removed.
    let (input, rows) = write_csv(dir.path(), "in.csv");
    let out = dir.path().join("csv");
    reprint().arg("dedup").arg(&input).args(["-q", "--out"]).arg(&out).assert().success();
    let kept = fs::read(out.join("kept.csv")).unwrap();
    let mut want = b"id,title,text,date\r\n".to_vec();
    for (i, r) in rows.iter().enumerate() {
        if i != 2 {
            want.extend_from_slice(r);
        }
    }
    assert_eq!(kept, want);
    let removed: Value =
        serde_json::from_str(fs::read_to_string(out.join("removed.jsonl")).unwrap().trim()).unwrap();
    assert_eq!(removed["id"], "c");
    assert_eq!(removed["meta"]["title"], TITLE);
    // --annotate: every row with three columns added.
    let ann = dir.path().join("csv-ann");
    reprint().arg("dedup").arg(&input).args(["--annotate", "-q", "--out"]).arg(&ann).assert().success();
    let rows_back = csv_rows(&ann.join("annotated.csv"));
    assert_eq!(rows_back[0], ["id", "title", "text", "date", "cluster", "duplicate_of", "is_representative"]);
    assert_eq!(rows_back[3][0..2], ["c".to_owned(), TITLE.to_owned()]);
    assert_eq!(rows_back[3][4..], ["1", "b", "false"]);
    assert_eq!(rows_back[4][4..], ["", "", "true"]);

    // A JSON array in, a JSON array out: the kept elements as read (two on one line).
    let elements: Vec<String> = records().into_iter().map(|(_, l, _)| l).collect();
    let array =
        format!("[{}, {},\n  {},\n{}, {}]", elements[0], elements[1], elements[2], elements[3], elements[4]);
    let input = dir.path().join("in.json");
    fs::write(&input, &array).unwrap();
    let out = dir.path().join("json");
    reprint().arg("dedup").arg(&input).args(["-q", "--out"]).arg(&out).assert().success();
    let kept = fs::read_to_string(out.join("kept.json")).unwrap();
    let want = format!("[\n{}\n]\n", [0, 1, 3, 4].map(|i| elements[i].as_str()).join(",\n"));
    assert_eq!(kept, want);
    let ann = dir.path().join("json-ann");
    reprint().arg("dedup").arg(&input).args(["--annotate", "-q", "--out"]).arg(&ann).assert().success();
    let v: Value = serde_json::from_str(&fs::read_to_string(ann.join("annotated.json")).unwrap()).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 5);
    assert_eq!((v[2]["id"].as_str(), v[2]["duplicate_of"].as_str()), (Some("c"), Some("b")));
    assert_eq!(v[0]["is_representative"], true);
}
