//! Parquet input (issue 15): a Parquet file and a directory of Parquet shards read like JSON
//! Lines (ids, texts, clusters, metadata columns), bad rows skipped with file and row number,
//! a file that is not Parquet refused by name, and dedup's clean corpus as Parquet. Fixtures
//! are written here with the arrow and parquet crates into temporary directories.

use crate::common::{clusters, read_json, reprint, seeds};
use arrow_array::{ArrayRef, BooleanArray, Date32Array, Float64Array, Int64Array, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::WriterProperties;
use reprint::corpus::{self, CorpusConfig, Input};
use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Writes `columns` as one Parquet file (zstd, row groups of `group` rows).
fn write_parquet(path: &Path, columns: Vec<(&str, ArrayRef)>, group: usize) {
    let schema = Schema::new(
        columns.iter().map(|(n, a)| Field::new(*n, a.data_type().clone(), true)).collect::<Vec<_>>(),
    );
    let batch =
        RecordBatch::try_new(Arc::new(schema), columns.into_iter().map(|(_, a)| a).collect()).unwrap();
    let props = WriterProperties::builder()
        .set_compression(Compression::ZSTD(ZstdLevel::default()))
        .set_max_row_group_size(group)
        .build();
    let mut w = ArrowWriter::try_new(fs::File::create(path).unwrap(), batch.schema(), Some(props)).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
}

fn strings(v: &[Option<&str>]) -> ArrayRef {
    Arc::new(StringArray::from(v.to_vec()))
}

/// The seed articles as (file name, text), in name order.
fn seed_docs() -> Vec<(String, String)> {
    let mut names: Vec<PathBuf> = fs::read_dir(seeds())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    names.sort();
    names
        .iter()
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), fs::read_to_string(p).unwrap()))
        .collect()
}

/// Runs `cluster` on `input` into `out`; the parsed clusters.json.
fn cluster(input: &Path, out: &Path, extra: &[&str]) -> Value {
    reprint().arg("cluster").arg(input).args(extra).arg("-q").arg("--out").arg(out).assert().success();
    read_json(&out.join("clusters.json"))
}

#[test]
fn the_seeds_as_parquet_cluster_as_the_seeds_as_json_lines() {
    let dir = tempfile::tempdir().unwrap();
    let docs = seed_docs();
    let jsonl: String =
        docs.iter().map(|(id, text)| format!("{}\n", serde_json::json!({"id": id, "text": text}))).collect();
    fs::write(dir.path().join("seeds.jsonl"), jsonl).unwrap();
    let ids: Vec<Option<&str>> = docs.iter().map(|(id, _)| Some(id.as_str())).collect();
    let texts: Vec<Option<&str>> = docs.iter().map(|(_, t)| Some(t.as_str())).collect();
    // Row groups of two rows: the file is read across row-group boundaries.
    write_parquet(
        &dir.path().join("seeds.parquet"),
        vec![("id", strings(&ids)), ("text", strings(&texts))],
        2,
    );

    let from_jsonl = cluster(&dir.path().join("seeds.jsonl"), &dir.path().join("a"), &[]);
    let from_parquet = cluster(&dir.path().join("seeds.parquet"), &dir.path().join("b"), &[]);
    assert!(!from_jsonl["clusters"].as_array().unwrap().is_empty());
    assert_eq!(from_parquet["clusters"], from_jsonl["clusters"]);
    assert_eq!(from_parquet["input"]["documents"], docs.len());
    assert_eq!(
        fs::read(dir.path().join("b/overlaps.jsonl")).unwrap(),
        fs::read(dir.path().join("a/overlaps.jsonl")).unwrap()
    );
}

#[test]
fn a_directory_of_parquet_shards_is_read_row_by_row_in_path_order() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("shards");
    fs::create_dir_all(d.join("sub")).unwrap();
    write_parquet(
        &d.join("part-1.parquet"),
        vec![
            ("id", strings(&[Some("b1"), Some("b2")])),
            ("text", strings(&[Some("beta one"), Some("beta two")])),
        ],
        1,
    );
    write_parquet(
        &d.join("sub/part-0.parquet"),
        vec![("text", strings(&[Some("alpha")])), ("id", strings(&[Some("a1")]))],
        10,
    );
    fs::write(d.join("README.md"), "not read").unwrap();
    let (docs, skipped) = corpus::read_all(vec![Input::Dir(d.clone())], &CorpusConfig::default()).unwrap();
    assert!(skipped.is_empty(), "{skipped:?}");
    let got: Vec<(String, String, String, Option<u64>)> = docs
        .iter()
        .map(|doc| {
            let rel = Path::new(&*doc.origin.source).strip_prefix(&d).unwrap().display().to_string();
            (doc.id.clone(), doc.text.clone(), rel, doc.origin.line)
        })
        .collect();
    let want = [
        ("b1", "beta one", "part-1.parquet", 1),
        ("b2", "beta two", "part-1.parquet", 2),
        ("a1", "alpha", "sub/part-0.parquet", 1),
    ];
    assert_eq!(got, want.map(|(i, t, s, l)| (i.to_owned(), t.to_owned(), s.to_owned(), Some(l))));
    // The command line reads the directory too, with the shards as sources.
    let report = cluster(&d, &dir.path().join("out"), &[]);
    assert_eq!(report["input"]["documents"], 3);
}

#[test]
fn bad_parquet_rows_are_skipped_with_file_and_row() {
    let dir = tempfile::tempdir().unwrap();
    let (_, text) = &seed_docs()[0];
    let bad = dir.path().join("bad.parquet");
    write_parquet(
        &bad,
        vec![
            ("id", strings(&[Some("ok1"), Some("t-null"), None, Some("ok2")])),
            ("text", strings(&[Some(text), None, Some("no id here"), Some("another text")])),
        ],
        3,
    );
    let ints = dir.path().join("ints.parquet");
    write_parquet(
        &ints,
        vec![("id", strings(&[Some("n1")])), ("text", Arc::new(Int64Array::from(vec![42])) as ArrayRef)],
        10,
    );
    let out = dir.path().join("out");
    let run = reprint().arg("cluster").arg(&bad).arg(&ints).arg("--out").arg(&out).arg("-q").assert().code(3);
    let stderr = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
    let b = bad.display().to_string();
    let i = ints.display().to_string();
    for want in [
        format!("{b}:2: text field `text` is null, expected a string"),
        format!("{b}:3: id field `id` is null, expected a string or number"),
        format!("{i}:1: text field `text` is a number, expected a string"),
    ] {
        assert!(stderr.contains(&want), "{want} in\n{stderr}");
    }
    let report = read_json(&out.join("clusters.json"));
    assert_eq!(report["input"]["documents"], 2);
    let skipped: Vec<(String, u64)> = report["input"]["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["source"].as_str().unwrap().to_owned(), s["line"].as_u64().unwrap()))
        .collect();
    assert_eq!(skipped, [(b.clone(), 2), (b, 3), (i, 1)]);
}

#[test]
fn a_file_that_is_not_parquet_or_lacks_a_column_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let fake = dir.path().join("fake.parquet");
    fs::write(&fake, "{\"id\": 1, \"text\": \"json, not parquet\"}\n").unwrap();
    let run = reprint().arg("cluster").arg(&fake).arg("--out").arg(dir.path().join("o")).assert().code(2);
    let stderr = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
    assert!(stderr.contains(&format!("{}: not a valid Parquet file", fake.display())), "{stderr}");
    assert!(!dir.path().join("o/clusters.json").exists());

    let good = dir.path().join("good.parquet");
    write_parquet(&good, vec![("id", strings(&[Some("a")])), ("body", strings(&[Some("some text")]))], 10);
    let run = reprint().arg("cluster").arg(&good).arg("--out").arg(dir.path().join("o")).assert().code(2);
    let stderr = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
    let want = format!(
        "{}: field `text` (--text-field) is not a column of the header row; columns: id, body",
        good.display()
    );
    assert!(stderr.contains(&want), "{stderr}");
    // Named with --text-field, the column is read.
    let report = cluster(&good, &dir.path().join("o"), &["--text-field", "body"]);
    assert_eq!(report["input"]["documents"], 1);
}

/// Seeds 0 and 2 (one story), 4 and a copy of 2, with metadata columns of several types.
fn meta_corpus(path: &Path) {
    let docs = seed_docs();
    let texts = [docs[0].1.as_str(), docs[2].1.as_str(), docs[4].1.as_str(), docs[2].1.as_str()];
    write_parquet(
        path,
        vec![
            ("id", Arc::new(Int64Array::from(vec![10, 20, 30, 40])) as ArrayRef),
            ("text", strings(&texts.map(Some))),
            ("title", strings(&[Some("first, \"quoted\""), Some("second"), None, Some("copy")])),
            ("date", Arc::new(Date32Array::from(vec![Some(16637), Some(16638), None, Some(16640)]))),
            ("views", Arc::new(Int64Array::from(vec![Some(7), None, Some(9), Some(-1)]))),
            ("score", Arc::new(Float64Array::from(vec![0.5, 1.25, 2.0, 3.0]))),
            ("live", Arc::new(BooleanArray::from(vec![true, false, true, false]))),
        ],
        2,
    );
}

#[test]
fn parquet_columns_are_carried_as_metadata() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("meta.parquet");
    meta_corpus(&input);
    let out = dir.path().join("out");
    let report = cluster(&input, &out, &[]);
    assert_eq!(clusters(&report), [["10", "20", "40"]]);
    let meta = &report["clusters"][0]["meta"];
    assert_eq!(
        meta["10"],
        serde_json::json!({"title": "first, \"quoted\"", "date": "2015-07-21", "views": 7, "score": 0.5, "live": true})
    );
    // A null is a missing field.
    assert_eq!(
        meta["20"],
        serde_json::json!({"title": "second", "date": "2015-07-22", "score": 1.25, "live": false})
    );

    let mut r = csv::ReaderBuilder::new().has_headers(false).from_path(out.join("clusters.csv")).unwrap();
    let rows: Vec<Vec<String>> =
        r.records().map(|rec| rec.unwrap().iter().map(str::to_owned).collect()).collect();
    assert_eq!(
        rows[0],
        ["id", "cluster", "representative", "size", "relation", "title", "date", "views", "score", "live"]
    );
    let row = |id: &str| rows.iter().find(|r| r[0] == id).unwrap().clone();
    assert_eq!(row("10")[5..], ["first, \"quoted\"", "2015-07-21", "7", "0.5", "true"]);
    assert_eq!(row("30"), ["30", "", "30", "1", "singleton", "", "", "9", "2.0", "true"]);

    // --keep earliest:date reads the date column (ISO strings compare in date order).
    let dd = dir.path().join("dd");
    reprint()
        .arg("dedup")
        .arg(&input)
        .args(["--keep", "earliest:date", "-q", "--out"])
        .arg(&dd)
        .assert()
        .success();
    let removed = fs::read_to_string(dd.join("removed.jsonl")).unwrap();
    let v: Value = serde_json::from_str(removed.trim()).unwrap();
    assert_eq!(
        (v["id"].as_str(), v["duplicate_of"].as_str(), v["line"].as_u64()),
        (Some("40"), Some("20"), Some(4))
    );
}

/// The rows of a Parquet file, as JSON objects by the arrow reader's own values.
fn read_rows(path: &Path) -> (Arc<Schema>, Vec<RecordBatch>) {
    let b = ParquetRecordBatchReaderBuilder::try_new(fs::File::open(path).unwrap()).unwrap();
    let schema = b.schema().clone();
    (schema, b.build().unwrap().map(|b| b.unwrap()).collect())
}

#[test]
fn dedup_of_parquet_writes_the_kept_rows_as_parquet() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("meta.parquet");
    meta_corpus(&input);
    let dd = dir.path().join("dd");
    reprint().arg("dedup").arg(&input).args(["-q", "--out"]).arg(&dd).assert().success();
    let (in_schema, _) = read_rows(&input);
    let (schema, batches) = read_rows(&dd.join("kept.parquet"));
    assert_eq!(schema.fields(), in_schema.fields());
    let ids: Vec<i64> = batches
        .iter()
        .flat_map(|b| b.column(0).as_any().downcast_ref::<Int64Array>().unwrap().values().to_vec())
        .collect();
    // 40 is a copy of 20: removed; the others kept in input order with all their columns.
    assert_eq!(ids, [10, 20, 30]);
    let titles: Vec<Option<String>> = batches
        .iter()
        .flat_map(|b| {
            let t = b.column(2).as_any().downcast_ref::<StringArray>().unwrap();
            t.iter().map(|s| s.map(str::to_owned)).collect::<Vec<_>>()
        })
        .collect();
    assert_eq!(titles, [Some("first, \"quoted\"".to_owned()), Some("second".to_owned()), None]);

    // --annotate: every row, with the three columns appended.
    let an = dir.path().join("an");
    reprint().arg("dedup").arg(&input).args(["--annotate", "-q", "--out"]).arg(&an).assert().success();
    let (schema, batches) = read_rows(&an.join("annotated.parquet"));
    let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
    assert_eq!(names[7..], ["cluster", "duplicate_of", "is_representative"]);
    assert_eq!(schema.field(7).data_type(), &DataType::Int64);
    let col = |i: usize| -> Vec<Value> {
        batches
            .iter()
            .flat_map(|b| {
                let a = b.column(i);
                (0..a.len())
                    .map(|r| match a.data_type() {
                        _ if a.is_null(r) => Value::Null,
                        DataType::Int64 => a.as_any().downcast_ref::<Int64Array>().unwrap().value(r).into(),
                        DataType::Utf8 => a.as_any().downcast_ref::<StringArray>().unwrap().value(r).into(),
                        _ => a.as_any().downcast_ref::<BooleanArray>().unwrap().value(r).into(),
                    })
                    .collect::<Vec<_>>()
            })
            .collect()
    };
    assert_eq!(col(0), [10, 20, 30, 40].map(Value::from));
    assert_eq!(col(7), [Value::from(1), 1.into(), Value::Null, 1.into()]);
    assert_eq!(col(8), [Value::Null, Value::Null, Value::Null, "20".into()]);
    assert_eq!(col(9), [true, true, true, false].map(Value::from));
}
