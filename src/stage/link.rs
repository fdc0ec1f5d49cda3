//! `reprint stage link`: a group of candidate pairs and the documents they name in, the pairs
//! decided on their own out, by the in-memory run's [`crate::pipeline::decide`].

use super::read::{batches, bool_at, int_at, list_of_pairs, str_at};
use super::{wire, StageError, StageParams, COUNTS_KEY, PARAMS_KEY};
use crate::config::Config;
use crate::lsh::winnow::DocFrequency;
use crate::overlap::Sequence;
use crate::pipeline::{decide, sequence, shingle_set, Decided, FingerprintsOnce, Side};
use crate::shingle::ShingleKind;
use crate::verify::{self, LinkedBy, Relation, VerifiedPair};
use arrow_array::{ArrayRef, Float64Array, Int64Array, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema};
use parquet::arrow::ArrowWriter;
use parquet::file::metadata::KeyValue;
use parquet::file::properties::WriterProperties;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

/// What a link file's pairs were: written into its metadata, summed by `--links`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkCounts {
    /// Pairs read.
    pub pairs: usize,
    /// Pairs proposed by LSH.
    pub candidate_pairs: usize,
    /// Of those, pairs at or above the Jaccard threshold.
    pub verified_pairs: usize,
    /// Pairs proposed by shared passage fingerprints.
    pub passage_candidates: usize,
    /// Pairs aligned (verified or proposed by fingerprints).
    pub aligned: usize,
    /// Pairs written (decided to share something).
    pub decided: usize,
}

/// One document of a group.
struct GroupDoc {
    id: String,
    sequence: Option<Sequence>,
    set: Vec<u64>,
    fps: FingerprintsOnce,
}

/// The schema of a link file (see [`super`]).
fn schema() -> Arc<Schema> {
    Arc::new(Schema::new(vec![
        Field::new("a", DataType::Int64, false),
        Field::new("b", DataType::Int64, false),
        Field::new("id_a", DataType::Utf8, false),
        Field::new("id_b", DataType::Utf8, false),
        Field::new("relation", DataType::Utf8, false),
        Field::new("jaccard", DataType::Float64, false),
        Field::new("decided", DataType::Utf8, false),
    ]))
}

/// Reads the documents of `docs` files (`doc`, `id`, `text`, `dfs`) and prepares what deciding
/// their pairs reads, by global number, with the document frequencies their fingerprints are
/// computed under.
fn read_docs(
    files: &[PathBuf],
    config: &Config,
) -> Result<(HashMap<u64, GroupDoc>, DocFrequency), StageError> {
    let mut raw: Vec<(u64, String, String)> = Vec::new();
    let mut table: Vec<(u64, u32)> = Vec::new();
    for file in files {
        for batch in batches(file)? {
            let batch = batch?;
            for i in 0..batch.num_rows() {
                let doc = int_at(&batch, "doc", i, file)? as u64;
                raw.push((
                    doc,
                    str_at(&batch, "id", i, file)?.to_owned(),
                    str_at(&batch, "text", i, file)?.to_owned(),
                ));
                table.extend(
                    list_of_pairs(&batch, "dfs", "fp", "n", i, file)?
                        .into_iter()
                        .map(|(h, n)| (h as u64, n as u32)),
                );
            }
        }
    }
    table.par_sort_unstable();
    table.dedup_by_key(|x| x.0);
    let df = DocFrequency::new(table);
    let passages = config.passages;
    let prepared: Vec<(u64, GroupDoc)> = raw
        .into_par_iter()
        .map(|(doc, id, text)| {
            let sequence = passages.map(|_| sequence(&text, config));
            let set = match &sequence {
                Some(s) if config.shingle.kind == ShingleKind::Word => s.shingle_set(),
                _ => shingle_set(&text, config),
            };
            (doc, GroupDoc { id, sequence, set, fps: OnceLock::new() })
        })
        .collect();
    Ok((prepared.into_iter().collect(), df))
}

/// Decides the pairs of `pairs` files (`a`, `b`, `lsh`, `fps`) among the documents of `docs`
/// files and writes those that share something to `out` (atomically), with `config`'s
/// parameters and the counts in its metadata.
pub fn link(
    pairs: &[PathBuf],
    docs: &[PathBuf],
    config: &Config,
    out: &Path,
) -> Result<LinkCounts, StageError> {
    let params = StageParams::of(config).map_err(StageError)?;
    let (pairs, docs) = (&super::parquet_files(pairs)?, super::parquet_files(docs)?);
    let (docs, df) = read_docs(&docs, config)?;
    let rules = config.relations();
    let mut counts = LinkCounts::default();
    let props = WriterProperties::builder()
        .set_key_value_metadata(Some(vec![KeyValue::new(
            PARAMS_KEY.to_owned(),
            serde_json::to_string(&params).expect("parameters serialize"),
        )]))
        .build();
    wire::write_atomically(out, |file| {
        let mut w = ArrowWriter::try_new(file, schema(), Some(props))?;
        for path in pairs {
            for batch in batches(path)? {
                let batch = batch?;
                let mut rows = Vec::with_capacity(batch.num_rows());
                for i in 0..batch.num_rows() {
                    let (a, b) = (int_at(&batch, "a", i, path)? as u64, int_at(&batch, "b", i, path)? as u64);
                    let (lsh, fps) = (bool_at(&batch, "lsh", i, path)?, bool_at(&batch, "fps", i, path)?);
                    for d in [a, b] {
                        if !docs.contains_key(&d) {
                            return Err(Box::new(StageError::at(
                                path,
                                format!("row {}: document {d} is not in the documents given", i + 1),
                            )));
                        }
                    }
                    rows.push((a, b, lsh, fps));
                }
                let decided: Vec<(Option<Decided>, bool, bool)> = rows
                    .par_iter()
                    .map(|&(a, b, lsh, fps)| {
                        let (x, y) = (&docs[&a], &docs[&b]);
                        let scores = lsh
                            .then(|| verify::score(&x.set, &y.set))
                            .filter(|s| s.jaccard >= config.threshold);
                        let pair = (a as u32, b as u32);
                        let d = match (config.passages, &x.sequence, &y.sequence) {
                            (Some(p), Some(sx), Some(sy)) if scores.is_some() || fps => {
                                let sides = (
                                    Side { sequence: sx, set: Some(&x.set), fps: &x.fps, df: &df },
                                    Side { sequence: sy, set: Some(&y.set), fps: &y.fps, df: &df },
                                );
                                decide(pair, sides, scores, &p, &rules)
                            }
                            (None, _, _) => scores.map(|scores| Decided {
                                relation: Relation::Story,
                                by_jaccard: true,
                                regions: None,
                                pair: VerifiedPair {
                                    a: pair.0,
                                    b: pair.1,
                                    scores,
                                    linked_by: LinkedBy::Jaccard,
                                    alignment: None,
                                    relation: Relation::Story,
                                    set_aside: None,
                                },
                            }),
                            _ => None,
                        };
                        (d, scores.is_some(), scores.is_some() || fps)
                    })
                    .collect();
                counts.pairs += rows.len();
                counts.candidate_pairs += rows.iter().filter(|r| r.2).count();
                counts.passage_candidates += rows.iter().filter(|r| r.3).count();
                counts.verified_pairs += decided.iter().filter(|d| d.1).count();
                if config.passages.is_some() {
                    counts.aligned += decided.iter().filter(|d| d.2).count();
                }
                let kept: Vec<Decided> = decided.into_iter().filter_map(|d| d.0).collect();
                counts.decided += kept.len();
                if !kept.is_empty() {
                    w.write(&link_batch(&kept, &docs)?)?;
                }
            }
        }
        w.append_key_value_metadata(KeyValue::new(COUNTS_KEY.to_owned(), serde_json::to_string(&counts)?));
        w.close()?;
        Ok(())
    })?;
    Ok(counts)
}

/// The rows of a link file for `kept`.
fn link_batch(
    kept: &[Decided],
    docs: &HashMap<u64, GroupDoc>,
) -> Result<RecordBatch, arrow_schema::ArrowError> {
    let id = |d: u32| docs[&(d as u64)].id.as_str();
    let relation = |r: Relation| match r {
        Relation::Overlap => "overlap",
        Relation::Story => "story",
        Relation::Duplicate => "duplicate",
    };
    let columns: Vec<ArrayRef> = vec![
        Arc::new(Int64Array::from_iter_values(kept.iter().map(|d| d.pair.a as i64))),
        Arc::new(Int64Array::from_iter_values(kept.iter().map(|d| d.pair.b as i64))),
        Arc::new(StringArray::from_iter_values(kept.iter().map(|d| id(d.pair.a)))),
        Arc::new(StringArray::from_iter_values(kept.iter().map(|d| id(d.pair.b)))),
        Arc::new(StringArray::from_iter_values(kept.iter().map(|d| relation(d.relation)))),
        Arc::new(Float64Array::from_iter_values(kept.iter().map(|d| d.pair.scores.jaccard))),
        Arc::new(StringArray::from_iter_values(kept.iter().map(wire::to_json))),
    ];
    RecordBatch::try_new(schema(), columns)
}
