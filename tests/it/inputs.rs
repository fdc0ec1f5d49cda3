//! Inputs as they come (issue 13): directories of JSON Lines shards, every compression, each
//! read record by record with sources that name the shard and line. Each test checks exact
//! ids, sources and counts against what the files hold.

use crate::common::{read_json, reprint};
use reprint::corpus::{self, CorpusConfig, CorpusReader, Input};
use std::fs;
use std::io::Write;
use std::path::Path;

/// A document line with enough words to shingle.
fn doc(id: &str, text: &str) -> String {
    format!("{}\n", serde_json::json!({ "id": id, "text": text }))
}

const TEXT_A: &str = "the quick brown fox jumps over the lazy dog near the river bank on a cold morning";
const TEXT_B: &str = "a completely different story about elections parliament votes and the budget debate";
const TEXT_C: &str = "markets rallied on friday as investors welcomed the central bank decision on rates";

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

fn xz(bytes: &[u8]) -> Vec<u8> {
    let mut e = xz2::write::XzEncoder::new(Vec::new(), 6);
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

fn write(path: &Path, bytes: impl AsRef<[u8]>) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, bytes).unwrap();
}

/// A directory of shards in four encodings, written out of name order, with a file that is not
/// read (README.md) and a hidden shard.
fn shard_dir(d: &Path) {
    write(
        &d.join("part-0002.jsonl.zst"),
        zstd::stream::encode_all((doc("c1", TEXT_C) + &doc("c2", TEXT_B)).as_bytes(), 3).unwrap(),
    );
    write(&d.join("part-0000.jsonl.gz"), gzip((doc("a1", TEXT_A) + &doc("a2", TEXT_B)).as_bytes()));
    write(&d.join("part-0001.jsonl"), doc("b1", TEXT_A));
    write(&d.join("sub/part-0003.ndjson.xz"), xz(doc("d1", TEXT_C).as_bytes()));
    write(&d.join("README.md"), "shards of a corpus");
    write(&d.join(".hidden.jsonl"), doc("h", TEXT_A));
}

#[test]
fn a_directory_of_jsonl_shards_is_read_record_by_record_in_path_order() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("shards");
    shard_dir(&d);
    let config = CorpusConfig::default();
    let (docs, skipped) = corpus::read_all(vec![Input::Dir(d.clone())], &config).unwrap();
    assert!(skipped.is_empty(), "{skipped:?}");
    let got: Vec<(String, String)> = docs
        .iter()
        .map(|doc| (doc.id.clone(), doc.origin.to_string().replace(&format!("{}/", d.display()), "")))
        .collect();
    let want = [
        ("a1", "part-0000.jsonl.gz:1"),
        ("a2", "part-0000.jsonl.gz:2"),
        ("b1", "part-0001.jsonl:1"),
        ("c1", "part-0002.jsonl.zst:1"),
        ("c2", "part-0002.jsonl.zst:2"),
        ("d1", "sub/part-0003.ndjson.xz:1"),
    ];
    assert_eq!(got, want.map(|(i, s)| (i.to_owned(), s.to_owned())));
    assert_eq!(docs[5].text, TEXT_C);

    // The checksum computed while reading is the one a second pass computes.
    let mut reader = CorpusReader::new(vec![Input::Dir(d.clone())], config.clone());
    while reader.next_batch().unwrap().is_some() {}
    let sum = reader.sums()[0];
    let again = corpus::checksum(&Input::Dir(d.clone()), &config).unwrap().unwrap();
    assert_eq!((sum.bytes, sum.xxh3), (Some(again.0), Some(again.1)));

    // The binary reads the same six documents.
    let out = tmp.path().join("out");
    reprint().arg("cluster").arg(&d).arg("--out").arg(&out).arg("-q").assert().code(0);
    let report = read_json(&out.join("clusters.json"));
    assert_eq!(report["input"]["documents"], 6);
    assert_eq!(report["params"]["extensions"], serde_json::Value::Null);
}

#[test]
fn ext_jsonl_reads_json_lines_files_as_records_not_as_documents() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("mixed");
    write(&d.join("a.jsonl"), doc("r1", TEXT_A) + &doc("r2", TEXT_B));
    write(&d.join("b.jsonl.gz"), gzip(doc("r3", TEXT_C).as_bytes()));
    write(&d.join("notes.txt"), TEXT_C);
    let read = |ext: &[&str]| {
        let config = CorpusConfig {
            extensions: Some(ext.iter().map(|e| e.to_string()).collect()),
            ..CorpusConfig::default()
        };
        let (docs, skipped) = corpus::read_all(vec![Input::Dir(d.clone())], &config).unwrap();
        assert!(skipped.is_empty(), "{skipped:?}");
        docs.into_iter().map(|doc| doc.id).collect::<Vec<_>>()
    };
    assert_eq!(read(&["jsonl"]), ["r1", "r2", "r3"]);
    assert_eq!(read(&["jsonl.gz"]), ["r3"]);
    assert_eq!(read(&["txt"]), ["notes.txt"]);
    assert_eq!(read(&["txt", "jsonl"]), ["r1", "r2", "r3", "notes.txt"]);

    // Without --ext the mix is refused, naming what was found; nothing is written.
    let out = tmp.path().join("out");
    let run = reprint().arg("cluster").arg(&d).arg("--out").arg(&out).output().unwrap();
    let err = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(2), "{err}");
    assert!(
        err.contains("holds both text files (1 .txt) and record files (1 .jsonl, 1 .jsonl.gz): choose what to read with --ext"),
        "{err}"
    );
    assert!(!out.join("clusters.json").exists());
    let run =
        reprint().arg("cluster").arg(&d).args(["--ext", "jsonl", "-q", "--out"]).arg(&out).output().unwrap();
    assert_eq!(run.status.code(), Some(0), "{}", String::from_utf8_lossy(&run.stderr));
    assert_eq!(read_json(&out.join("clusters.json"))["input"]["documents"], 3);
}

#[test]
fn dedup_of_a_shard_directory_copies_kept_lines_of_every_shard_in_order() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("shards");
    // b2 repeats a1 (removed), c1 repeats b1 (removed); the rest are kept.
    let a = doc("a1", TEXT_A) + &doc("a2", TEXT_B);
    let b = doc("b1", TEXT_C) + &doc("b2", TEXT_A);
    let c = doc("c1", TEXT_C) + &doc("c2", "a last story about football and the league table this season");
    write(&d.join("a.jsonl.gz"), gzip(a.as_bytes()));
    write(&d.join("b.jsonl"), &b);
    write(&d.join("c/c.jsonl.zst"), zstd::stream::encode_all(c.as_bytes(), 3).unwrap());
    let out = tmp.path().join("out");
    reprint().arg("dedup").arg(&d).arg("--out").arg(&out).arg("-q").assert().code(0);
    let kept = fs::read_to_string(out.join("kept.jsonl")).unwrap();
    let lines = |s: &str| s.lines().map(str::to_owned).collect::<Vec<_>>();
    let want = [lines(&a), lines(&b)[..1].to_vec(), lines(&c)[1..].to_vec()].concat();
    assert_eq!(lines(&kept), want);
    let removed: Vec<serde_json::Value> = fs::read_to_string(out.join("removed.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let shown: Vec<(String, String, u64, String)> = removed
        .iter()
        .map(|r| {
            let src = |k: &str| r[k].as_str().unwrap().replace(&format!("{}/", d.display()), "");
            (
                r["id"].as_str().unwrap().to_owned(),
                src("source"),
                r["line"].as_u64().unwrap(),
                r["duplicate_of"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        shown,
        [
            ("b2".to_owned(), "b.jsonl".to_owned(), 2, "a1".to_owned()),
            ("c1".to_owned(), "c/c.jsonl.zst".to_owned(), 1, "b1".to_owned())
        ]
    );
}

/// Reads `inputs` with `config` and returns (id, text, source:line) of every document, with
/// the temporary directory `base` taken out of sources, and the skipped records.
fn read(
    inputs: Vec<Input>,
    config: &CorpusConfig,
    base: &Path,
) -> (Vec<(String, String, String)>, Vec<String>) {
    let strip = |s: String| s.replace(&format!("{}/", base.display()), "");
    let (docs, skipped) = corpus::read_all(inputs, config).unwrap();
    (
        docs.into_iter().map(|d| (d.id, d.text, strip(d.origin.to_string()))).collect(),
        skipped
            .into_iter()
            .map(|s| strip(format!("{}:{}: {}", s.source, s.line.unwrap_or(0), s.reason)))
            .collect(),
    )
}

fn triples(want: &[(&str, &str, &str)]) -> Vec<(String, String, String)> {
    want.iter().map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string())).collect()
}

#[test]
fn csv_and_tsv_files_are_read_row_by_row_by_header_columns() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    // A byte-order mark, CRLF endings, a quoted field with a comma, a doubled quote and a
    // newline, a blank line, and columns in any order.
    write(
        &t.join("a.csv"),
        "\u{feff}title,text,id\r\nT1,\"one, two \"\"three\"\"\nfour\",r1\r\n\r\nT2,plain text,r2\r\n",
    );
    // TSV has no quoting: quotes are text.
    write(&t.join("b.tsv.gz"), gzip(b"id\ttext\nr3\tsays \"hi\" twice\nr4\t'single'\n"));
    let config = CorpusConfig::default();
    let (docs, skipped) = read(vec![Input::Csv(t.join("a.csv")), Input::Tsv(t.join("b.tsv.gz"))], &config, t);
    assert!(skipped.is_empty(), "{skipped:?}");
    assert_eq!(
        docs,
        triples(&[
            ("r1", "one, two \"three\"\nfour", "a.csv:2"),
            ("r2", "plain text", "a.csv:5"),
            ("r3", "says \"hi\" twice", "b.tsv.gz:2"),
            ("r4", "'single'", "b.tsv.gz:3"),
        ])
    );

    // --id-field and --text-field name columns; --keep earliest:FIELD reads a column too.
    let config = CorpusConfig {
        id_field: "title".into(),
        text_field: "text".into(),
        key_field: Some("id".into()),
        ..CorpusConfig::default()
    };
    let (docs, _) = corpus::read_all(vec![Input::Csv(t.join("a.csv"))], &config).unwrap();
    let got: Vec<(&str, Option<&str>)> = docs.iter().map(|d| (d.id.as_str(), d.key.as_deref())).collect();
    assert_eq!(got, [("T1", Some("r1")), ("T2", Some("r2"))]);

    // The binary: from the argument's name, and from a directory of table shards.
    let d = t.join("tables");
    write(&d.join("x.csv"), "id,text\nx1,first row\n");
    write(&d.join("y.tsv.zst"), zstd::stream::encode_all(&b"id\ttext\ny1\tsecond row\n"[..], 3).unwrap());
    let (docs, _) = read(vec![Input::Dir(d.clone())], &CorpusConfig::default(), t);
    assert_eq!(
        docs,
        triples(&[("x1", "first row", "tables/x.csv:2"), ("y1", "second row", "tables/y.tsv.zst:2")])
    );
    let out = t.join("out");
    reprint()
        .arg("cluster")
        .arg(t.join("a.csv"))
        .arg(t.join("b.tsv.gz"))
        .arg(&d)
        .arg("-q")
        .arg("--out")
        .arg(&out)
        .assert()
        .code(0);
    let manifest = read_json(&out.join("manifest.json"));
    let kinds: Vec<&str> =
        manifest["inputs"].as_array().unwrap().iter().map(|i| i["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["csv", "tsv", "directory"]);
    assert_eq!(manifest["counts"]["documents"], 6);
}

#[test]
fn dedup_copies_csv_inputs_as_csv_and_reads_them_as_references() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let table = format!("id,text\nc1,{TEXT_A}\nc2,{TEXT_B}\n");
    write(&t.join("a.csv"), &table);
    write(&t.join("q.jsonl"), doc("q1", TEXT_A) + &doc("q2", TEXT_C));
    let out = t.join("out");
    // Nothing to remove: the clean table is the table.
    reprint().current_dir(t).args(["dedup", "a.csv", "-q", "--out", "out"]).assert().code(0);
    assert_eq!(fs::read_to_string(out.join("kept.csv")).unwrap(), table);
    reprint()
        .current_dir(t)
        .args(["dedup", "q.jsonl", "--against", "a.csv", "-q", "--out", "out"])
        .assert()
        .code(0);
    assert_eq!(fs::read_to_string(out.join("kept.jsonl")).unwrap(), doc("q2", TEXT_C));
    let removed = fs::read_to_string(out.join("removed.jsonl")).unwrap();
    let r: serde_json::Value = serde_json::from_str(removed.trim()).unwrap();
    assert_eq!(
        (r["id"].as_str(), r["duplicate_of"].as_str(), r["duplicate_of_source"].as_str()),
        (Some("q1"), Some("c1"), Some("a.csv"))
    );
}

#[test]
fn json_arrays_are_read_element_by_element_and_json_files_may_hold_lines() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let values = serde_json::json!([
        { "id": "j1", "text": TEXT_A },
        { "id": 2, "meta": { "n": [1, 2] }, "text": "with ] and } inside" },
        { "id": "j3", "text": TEXT_C }
    ]);
    write(&t.join("pretty.json"), serde_json::to_string_pretty(&values).unwrap());
    write(&t.join("compact.json.gz"), gzip(format!("\n\n{values}").as_bytes()));
    write(&t.join("lines.json"), doc("l1", TEXT_B) + &doc("l2", TEXT_A));
    let (docs, skipped) = read(
        vec![Input::Json(t.join("pretty.json")), Input::Json(t.join("lines.json"))],
        &CorpusConfig::default(),
        t,
    );
    assert!(skipped.is_empty(), "{skipped:?}");
    assert_eq!(
        docs,
        triples(&[
            ("j1", TEXT_A, "pretty.json:2"),
            ("2", "with ] and } inside", "pretty.json:6"),
            ("j3", TEXT_C, "pretty.json:16"),
            ("l1", TEXT_B, "lines.json:1"),
            ("l2", TEXT_A, "lines.json:2"),
        ])
    );
    // Compact, compressed, after two blank lines: every element on line 3.
    let (docs, _) = read(vec![Input::Json(t.join("compact.json.gz"))], &CorpusConfig::default(), t);
    let lines: Vec<&str> = docs.iter().map(|d| d.2.as_str()).collect();
    assert_eq!(lines, ["compact.json.gz:3"; 3]);

    // The binary, from a file and from standard input.
    let out = t.join("out");
    reprint().arg("cluster").arg(t.join("pretty.json")).arg("-q").arg("--out").arg(&out).assert().code(0);
    assert_eq!(read_json(&out.join("clusters.json"))["input"]["documents"], 3);
    reprint()
        .args(["cluster", "-", "-q", "--out"])
        .arg(&out)
        .write_stdin(values.to_string())
        .assert()
        .code(0);
    assert_eq!(read_json(&out.join("clusters.json"))["input"]["documents"], 3);

    // dedup copies a .json file of lines byte for byte, and a JSON array as an array of its
    // elements as written.
    let lines = t.join("dup.json");
    write(&lines, doc("l1", TEXT_B) + &doc("l2", TEXT_B) + &doc("l3", TEXT_A));
    let dd = t.join("dd");
    reprint().arg("dedup").arg(&lines).arg("-q").arg("--out").arg(&dd).assert().code(0);
    assert_eq!(fs::read_to_string(dd.join("kept.jsonl")).unwrap(), doc("l1", TEXT_B) + &doc("l3", TEXT_A));
    let run = reprint()
        .arg("dedup")
        .arg(t.join("pretty.json"))
        .arg("-q")
        .arg("--out")
        .arg(t.join("d2"))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(0), "{err}");
    let elements: Vec<String> = values
        .as_array()
        .unwrap()
        .iter()
        .map(|v| serde_json::to_string_pretty(v).unwrap().replace('\n', "\n  "))
        .collect();
    assert_eq!(
        fs::read_to_string(t.join("d2/kept.json")).unwrap(),
        format!("[\n{}\n]\n", elements.join(",\n"))
    );
}

#[test]
fn compressed_text_files_are_documents_and_dedup_copies_them_as_stored() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let d = t.join("texts");
    write(&d.join("a.txt.gz"), gzip(TEXT_A.as_bytes()));
    write(&d.join("b.txt"), zstd::stream::encode_all(TEXT_A.as_bytes(), 3).unwrap());
    write(&d.join("c.txt.xz"), xz(TEXT_C.as_bytes()));
    let (docs, skipped) = read(vec![Input::Dir(d.clone())], &CorpusConfig::default(), t);
    assert!(skipped.is_empty(), "{skipped:?}");
    assert_eq!(
        docs,
        triples(&[
            ("a.txt.gz", TEXT_A, "texts/a.txt.gz"),
            ("b.txt", TEXT_A, "texts/b.txt"),
            ("c.txt.xz", TEXT_C, "texts/c.txt.xz")
        ])
    );
    // b.txt repeats a.txt.gz: removed; the kept files are copied as stored, still compressed.
    let (out, copies) = (t.join("out"), t.join("copies"));
    reprint()
        .arg("dedup")
        .arg(&d)
        .arg("--out")
        .arg(&out)
        .arg("--copy-to")
        .arg(&copies)
        .arg("-q")
        .assert()
        .code(0);
    let kept: Vec<String> = fs::read_to_string(out.join("kept.txt"))
        .unwrap()
        .lines()
        .map(|l| l.replace(&format!("{}/", t.display()), ""))
        .collect();
    assert_eq!(kept, ["texts/a.txt.gz", "texts/c.txt.xz"]);
    for name in ["a.txt.gz", "c.txt.xz"] {
        assert_eq!(fs::read(copies.join(name)).unwrap(), fs::read(d.join(name)).unwrap(), "{name}");
    }
    assert!(!copies.join("b.txt").exists());
}

/// BBC News (2,225 articles) read as its JSON Lines file, as four zstd shards in a directory,
/// as a CSV file and as a JSON array: the same documents and the same clusters. (Compared
/// without metadata: the CSV holds only the id and text columns, and the array's objects were
/// written with their keys sorted, so the carried fields differ by form, as they should.)
#[test]
fn bbc_news_as_shards_csv_and_a_json_array_gives_the_same_clusters() {
    let Some(input) = crate::common::shared_data("bbc_news.jsonl.gz") else { return };
    let mut text = String::new();
    std::io::Read::read_to_string(
        &mut flate2::read::MultiGzDecoder::new(fs::File::open(&input).unwrap()),
        &mut text,
    )
    .unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2225);
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let shards = t.join("shards");
    for (k, part) in lines.chunks(600).enumerate() {
        let body = part.iter().map(|l| format!("{l}\n")).collect::<String>();
        write(
            &shards.join(format!("part-{k:05}.jsonl.zst")),
            zstd::stream::encode_all(body.as_bytes(), 3).unwrap(),
        );
    }
    let records: Vec<serde_json::Value> = lines.iter().map(|l| serde_json::from_str(l).unwrap()).collect();
    let mut csv = csv::Writer::from_path(t.join("bbc.csv")).unwrap();
    csv.write_record(["id", "text"]).unwrap();
    for r in &records {
        csv.write_record([r["id"].as_str().unwrap(), r["text"].as_str().unwrap()]).unwrap();
    }
    csv.flush().unwrap();
    write(&t.join("bbc.json"), serde_json::to_string_pretty(&records).unwrap());

    let run = |arg: &Path, name: &str| {
        let out = t.join(format!("out-{name}"));
        reprint()
            .arg("cluster")
            .arg(arg)
            .args(["-q", "--no-html", "--meta", "none", "--out"])
            .arg(&out)
            .assert()
            .code(0);
        let report = read_json(&out.join("clusters.json"));
        assert_eq!(report["input"]["documents"], 2225, "{name}");
        (crate::common::clusters(&report), fs::read(out.join("overlaps.jsonl")).unwrap())
    };
    let (clusters, overlaps) = run(&input, "jsonl");
    assert!(clusters.len() > 50, "BBC News has many clusters of copies: {}", clusters.len());
    for (arg, name) in [(shards, "shards"), (t.join("bbc.csv"), "csv"), (t.join("bbc.json"), "json")] {
        let (c, o) = run(&arg, name);
        assert_eq!(c, clusters, "{name}: clusters");
        assert!(o == overlaps, "{name}: overlaps.jsonl differs");
    }
}
