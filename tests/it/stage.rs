//! The staged run (`reprint stage …`, `cluster --links`, `dedup --links`) against the
//! single-machine run: the engine's part (the joins) is done here in plain Rust, from the
//! documented semantics, so the stage commands are checked without Spark; the Spark job itself
//! is checked by `scripts/spark-test.sh`.

use crate::common::{reprint, seeds, shared_data};
use arrow_array::builder::{Int64Builder, ListBuilder, StructBuilder};
use arrow_array::cast::AsArray;
use arrow_array::types::{Int32Type, Int64Type};
use arrow_array::{ArrayRef, BooleanArray, Int64Array, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Fields, Schema};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::arrow::ArrowWriter;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A candidate pair of document numbers, and whether LSH and fingerprints proposed it.
type Pair = (usize, usize);
type Flags = (bool, bool);

struct Sketched {
    id: String,
    text: String,
    hash: String,
    empty: bool,
    bands: Vec<i64>,
    fps: Vec<i64>,
}

fn read_sketches(files: &[PathBuf]) -> Vec<Sketched> {
    let mut by_part: BTreeMap<(i32, i64), Sketched> = BTreeMap::new();
    for f in files {
        let reader = ParquetRecordBatchReaderBuilder::try_new(std::fs::File::open(f).unwrap())
            .unwrap()
            .build()
            .unwrap();
        for batch in reader {
            let b = batch.unwrap();
            let col = |n: &str| b.column_by_name(n).unwrap().clone();
            let (part, row) = (col("part"), col("row"));
            let (id, text, hash, empty) = (col("id"), col("text"), col("text_hash"), col("empty"));
            let (bands, fps) = (col("bands"), col("fps"));
            for i in 0..b.num_rows() {
                let list =
                    |a: &ArrayRef| a.as_list::<i32>().value(i).as_primitive::<Int64Type>().values().to_vec();
                by_part.insert(
                    (part.as_primitive::<Int32Type>().value(i), row.as_primitive::<Int64Type>().value(i)),
                    Sketched {
                        id: id.as_string::<i32>().value(i).to_owned(),
                        text: text.as_string::<i32>().value(i).to_owned(),
                        hash: hash.as_string::<i32>().value(i).to_owned(),
                        empty: empty.as_boolean().value(i),
                        bands: list(&bands),
                        fps: list(&fps),
                    },
                );
            }
        }
    }
    by_part.into_values().collect()
}

fn write(path: &Path, columns: Vec<(&str, ArrayRef)>) {
    let schema = Schema::new(
        columns.iter().map(|(n, a)| Field::new(*n, a.data_type().clone(), true)).collect::<Vec<_>>(),
    );
    let batch =
        RecordBatch::try_new(Arc::new(schema), columns.into_iter().map(|(_, a)| a).collect()).unwrap();
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let mut w = ArrowWriter::try_new(std::fs::File::create(path).unwrap(), batch.schema(), None).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
}

/// The engine's part, as `spark/reprint_spark.py` documents it: active documents, LSH pairs,
/// fingerprint pairs under the document-frequency cap, and each group's pairs and documents.
fn engine(sketches: &[Sketched], max_df: usize, min_shared: usize, groups: usize, work: &Path) {
    let mut first: HashMap<&str, usize> = HashMap::new();
    let active: Vec<bool> = sketches
        .iter()
        .enumerate()
        .map(|(i, s)| !s.empty && *first.entry(s.hash.as_str()).or_insert(i) == i)
        .collect();
    let mut pairs: BTreeMap<(usize, usize), (bool, bool)> = BTreeMap::new();
    let mut buckets: HashMap<(usize, i64), Vec<usize>> = HashMap::new();
    let mut postings: HashMap<i64, Vec<usize>> = HashMap::new();
    for (i, s) in sketches.iter().enumerate().filter(|&(i, _)| active[i]) {
        for (band, &key) in s.bands.iter().enumerate() {
            buckets.entry((band, key)).or_default().push(i);
        }
        for &fp in &s.fps {
            postings.entry(fp).or_default().push(i);
        }
    }
    for docs in buckets.values() {
        for (k, &a) in docs.iter().enumerate() {
            for &b in &docs[k + 1..] {
                pairs.entry((a.min(b), a.max(b))).or_default().0 = true;
            }
        }
    }
    let mut shared: HashMap<(usize, usize), usize> = HashMap::new();
    for docs in postings.values().filter(|d| d.len() >= 2 && d.len() <= max_df) {
        for (k, &a) in docs.iter().enumerate() {
            for &b in &docs[k + 1..] {
                *shared.entry((a.min(b), a.max(b))).or_default() += 1;
            }
        }
    }
    for (p, n) in shared {
        if n >= min_shared.max(1) {
            pairs.entry(p).or_default().1 = true;
        }
    }
    for g in 0..groups {
        let mine: Vec<(&Pair, &Flags)> = pairs.iter().filter(|((a, _), _)| a % groups == g).collect();
        let docs: BTreeSet<usize> = mine.iter().flat_map(|((a, b), _)| [*a, *b]).collect();
        let ints = |v: Vec<usize>| -> ArrayRef {
            Arc::new(Int64Array::from_iter_values(v.into_iter().map(|x| x as i64)))
        };
        write(
            &work.join(format!("pairs/g={g}/p.parquet")),
            vec![
                ("a", ints(mine.iter().map(|p| p.0 .0).collect())),
                ("b", ints(mine.iter().map(|p| p.0 .1).collect())),
                ("lsh", Arc::new(BooleanArray::from(mine.iter().map(|p| p.1 .0).collect::<Vec<_>>()))),
                ("fps", Arc::new(BooleanArray::from(mine.iter().map(|p| p.1 .1).collect::<Vec<_>>()))),
            ],
        );
        let fields = Fields::from(vec![
            Field::new("fp", DataType::Int64, true),
            Field::new("n", DataType::Int64, true),
        ]);
        let mut dfs = ListBuilder::new(StructBuilder::from_fields(fields, 0));
        for &d in &docs {
            for fp in &sketches[d].fps {
                let n = postings.get(fp).map_or(0, Vec::len);
                if n >= 2 {
                    let s = dfs.values();
                    s.field_builder::<Int64Builder>(0).unwrap().append_value(*fp);
                    s.field_builder::<Int64Builder>(1).unwrap().append_value(n as i64);
                    s.append(true);
                }
            }
            dfs.append(true);
        }
        let strings = |f: &dyn Fn(usize) -> String| -> ArrayRef {
            Arc::new(StringArray::from_iter_values(docs.iter().map(|&d| f(d))))
        };
        write(
            &work.join(format!("docs/g={g}/d.parquet")),
            vec![
                ("doc", ints(docs.iter().copied().collect())),
                ("id", strings(&|d| sketches[d].id.clone())),
                ("text", strings(&|d| sketches[d].text.clone())),
                ("dfs", Arc::new(dfs.finish())),
            ],
        );
    }
}

/// Runs the staged pipeline on `inputs` with `flags` into `work`; returns the link directory.
fn staged(inputs: &[&str], flags: &[&str], work: &Path) -> PathBuf {
    let parts = reprint().arg("stage").arg("parts").args(inputs).args(flags).output().unwrap();
    assert!(parts.status.success(), "{}", String::from_utf8_lossy(&parts.stderr));
    let parts: Vec<String> = String::from_utf8(parts.stdout).unwrap().lines().map(str::to_owned).collect();
    assert!(!parts.is_empty());
    let mut files = Vec::new();
    for (k, part) in parts.iter().enumerate() {
        let out = work.join(format!("sketch/part-{k:05}.parquet"));
        std::fs::create_dir_all(out.parent().unwrap()).unwrap();
        reprint()
            .args(["stage", "sketch", part, "--part", &k.to_string(), "--out"])
            .arg(&out)
            .args(flags)
            .arg("-q")
            .assert()
            .success();
        files.push(out);
    }
    let check = reprint().args(["stage", "check"]).arg(work.join("sketch")).args(flags).output().unwrap();
    assert!(check.status.success(), "{}", String::from_utf8_lossy(&check.stderr));
    let params: serde_json::Value = serde_json::from_slice(&check.stdout).unwrap();
    let (max_df, min_shared) =
        (params["max_df"].as_u64().unwrap() as usize, params["min_shared"].as_u64().unwrap() as usize);
    let passages = params["passages"].as_bool().unwrap();
    let mut sketches = read_sketches(&files);
    if !passages {
        sketches.iter_mut().for_each(|s| s.fps.clear());
    }
    engine(&sketches, max_df, min_shared, 3, work);
    for g in 0..3 {
        reprint()
            .args(["stage", "link", "--pairs"])
            .arg(work.join(format!("pairs/g={g}")))
            .arg("--docs")
            .arg(work.join(format!("docs/g={g}")))
            .arg("--out")
            .arg(work.join(format!("links/links-{g}.parquet")))
            .args(flags)
            .arg("-q")
            .assert()
            .success();
    }
    work.join("links")
}

/// `cluster --links` after the stages writes the files `cluster` writes, byte for byte
/// (manifest.json aside: it holds timings). Returns the `clusters.json` both wrote.
fn same_as_cluster(inputs: &[&str], flags: &[&str]) -> serde_json::Value {
    let t = tempfile::tempdir().unwrap();
    let links = staged(inputs, flags, &t.path().join("work"));
    let (one, two) = (t.path().join("one"), t.path().join("two"));
    reprint().arg("cluster").args(inputs).args(flags).arg("--out").arg(&one).arg("-q").assert().success();
    reprint()
        .arg("cluster")
        .args(inputs)
        .args(flags)
        .arg("--links")
        .arg(&links)
        .arg("--out")
        .arg(&two)
        .arg("-q")
        .assert()
        .success();
    for f in ["clusters.json", "clusters.csv", "overlaps.jsonl", "overlap.html"] {
        let (x, y) = (std::fs::read(one.join(f)).unwrap(), std::fs::read(two.join(f)).unwrap());
        assert!(x == y, "{f} differs for {inputs:?} {flags:?}");
    }
    let clusters = crate::common::read_json(&one.join("clusters.json"));
    let proposed = |k: &str| clusters["summary"][k].as_u64().unwrap();
    assert!(proposed("candidate_pairs") + proposed("passage_candidates") > 0, "the run proposes pairs");
    clusters
}

#[test]
fn staged_run_on_the_seeds_writes_what_cluster_writes() {
    let s = seeds();
    same_as_cluster(&[s.to_str().unwrap()], &[]);
}

#[test]
fn staged_run_without_passages_writes_what_cluster_writes() {
    let Some(dev) = shared_data("reprints_dev_ar/docs.jsonl.gz") else { return };
    same_as_cluster(&[dev.to_str().unwrap()], &["--no-passages"]);
}

#[test]
fn staged_run_on_the_development_set_and_bbc_news_writes_what_cluster_writes() {
    let (Some(dev), Some(bbc)) =
        (shared_data("reprints_dev_ar_v2/docs.jsonl.gz"), shared_data("bbc_news.jsonl.gz"))
    else {
        return;
    };
    same_as_cluster(&[dev.to_str().unwrap(), bbc.to_str().unwrap()], &[]);
}

/// Hub pruning needs to know which links hold only through widely held passages: the link
/// files carry it, so the staged run sets aside the hub's links as `cluster` does.
#[test]
fn staged_run_prunes_a_hub_of_boilerplate_as_cluster_does() {
    let t = tempfile::tempdir().unwrap();
    let Some(star) = crate::relations::boilerplate_star(t.path(), 12) else { return };
    let star = star.to_str().unwrap();
    let summary = &same_as_cluster(&[star], &[])["summary"];
    assert_eq!((summary["pruned_links"].as_u64(), summary["clusters"].as_u64()), (Some(12), Some(0)));
}

#[test]
fn staged_dedup_writes_what_dedup_writes() {
    let Some(dev) = shared_data("reprints_dev_ar/docs.jsonl.gz") else { return };
    let t = tempfile::tempdir().unwrap();
    let input = dev.to_str().unwrap();
    let links = staged(&[input], &[], &t.path().join("work"));
    let (one, two) = (t.path().join("one"), t.path().join("two"));
    reprint().args(["dedup", input, "-q", "--out"]).arg(&one).assert().success();
    reprint().args(["dedup", input, "-q", "--links"]).arg(&links).arg("--out").arg(&two).assert().success();
    for f in ["kept.jsonl.gz", "removed.jsonl"] {
        assert!(std::fs::read(one.join(f)).unwrap() == std::fs::read(two.join(f)).unwrap(), "{f} differs");
    }
    assert!(std::fs::metadata(one.join("removed.jsonl")).unwrap().len() > 0, "dedup removes something");
}

#[test]
fn stage_files_made_with_other_parameters_are_an_error_naming_the_parameter() {
    let t = tempfile::tempdir().unwrap();
    let s = seeds();
    let a = t.path().join("a.parquet");
    reprint().args(["stage", "sketch"]).arg(&s).arg("--out").arg(&a).arg("-q").assert().success();
    let b = t.path().join("b.parquet");
    reprint()
        .args(["stage", "sketch"])
        .arg(&s)
        .args(["--seed", "7", "--out"])
        .arg(&b)
        .arg("-q")
        .assert()
        .success();
    let out = reprint().args(["stage", "check"]).arg(&a).arg(&b).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("b.parquet") && err.contains("--seed 42") && err.contains("7"), "{err}");
    let out = reprint().args(["stage", "check"]).arg(&a).args(["--max-df", "50"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("--max-df 50"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Links made with other parameters are refused by the report stage too.
    let work = t.path().join("work");
    let links = staged(&[s.to_str().unwrap()], &[], &work);
    let out = reprint()
        .arg("cluster")
        .arg(&s)
        .args(["--min-passage", "40", "--links"])
        .arg(&links)
        .arg("--out")
        .arg(t.path().join("o"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("--min-passage"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!t.path().join("o/clusters.json").exists());
}

#[test]
fn links_of_other_inputs_are_an_error() {
    let t = tempfile::tempdir().unwrap();
    let s = seeds();
    let links = staged(&[s.to_str().unwrap()], &[], &t.path().join("work"));
    // The same articles under other names: other ids at the links' document numbers.
    let other = t.path().join("other");
    std::fs::create_dir(&other).unwrap();
    for e in std::fs::read_dir(&s).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, other.join(format!("x-{}", p.file_name().unwrap().to_string_lossy()))).unwrap();
    }
    let out = reprint()
        .arg("cluster")
        .arg(&other)
        .arg("--links")
        .arg(&links)
        .arg("--out")
        .arg(t.path().join("o"))
        .output();
    let out = out.unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("links made from other inputs"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!t.path().join("o/clusters.json").exists());
}
