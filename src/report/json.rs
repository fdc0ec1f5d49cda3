//! The `clusters.json` format, version [`SCHEMA_VERSION`].
//!
//! ```text
//! {
//!   "schema_version": 1,
//!   "tool": { "name": "reprint", "version": "0.1.0" },
//!   "params": {                      // every resolved parameter: rerunning with these
//!     "normalize": { "profile": "default", "steps": [...] },   // reproduces the file
//!     "shingle": "word:5", "method": "minhash", "candidates": "lsh",
//!     "threshold": 0.5, "num_perm": 128, "seed": 42,
//!     "bands": 9, "rows": 13, "banding_from_threshold": true,  // MinHash LSH only
//!     "max_hamming": null,                                     // SimHash only
//!     "keep": "first", "on_error": "skip",
//!     "id_field": "id", "text_field": "text", "extensions": ["txt"], "max_doc_bytes": N
//!   },
//!   "input": {
//!     "sources": ["seeds"],          // inputs in the order given
//!     "documents": 5,                // documents read, empty ones included
//!     "empty": [ { "id": ..., "source": ..., "line": ... } ],  // no words: never clustered
//!     "skipped": [ { "source": ..., "line": ..., "id": ..., "reason": ... } ],  // the first 100
//!     "skipped_total": N, "skipped_by_reason": { "REASON": N },  // when any was skipped
//!   },
//!   "summary": { "candidate_pairs": N, "verified_pairs": N, "clusters": N,
//!                "clustered_documents": N, "singletons": N },
//!   "clusters": [                    // clusters of 2+ documents, by smallest member id
//!     { "id": 1,                     // 1-based, in this order
//!       "size": 2,
//!       "representative": "<doc id>",
//!       "members": ["<doc id>", ...],                        // sorted by id
//!       "pairs": [ { "a": "<id>", "b": "<id>",               // a < b by id
//!                    "jaccard": x, "containment_a_in_b": x, "containment_b_in_a": x } ] }
//!   ]
//! }
//! ```
//!
//! Scores are exact (computed from the shingle sets, not estimated) and rounded to 6 decimals.
//! `line` is 1-based and present for JSON Lines input only. Documents not in any cluster are
//! singletons. The file holds no timings: the same input and parameters give a byte-identical
//! file. Fields are only ever added; a field that changes meaning bumps `schema_version`.

use super::round6;
use crate::corpus::Skipped;
use crate::pipeline::{Config, RunResult};
use crate::verify::VerifiedPair;
use serde::Serialize;

/// Version of the `clusters.json` schema.
pub const SCHEMA_VERSION: u32 = 1;

/// Name and version of this tool.
#[derive(Debug, Clone, Serialize)]
pub struct Tool {
    /// Always `reprint`.
    pub name: &'static str,
    /// Crate version.
    pub version: &'static str,
}

impl Tool {
    /// This build.
    pub fn current() -> Self {
        Tool { name: "reprint", version: env!("CARGO_PKG_VERSION") }
    }
}

/// The normalization profile as reported.
#[derive(Debug, Clone, Serialize)]
pub struct NormalizeParams {
    /// Profile name.
    pub profile: &'static str,
    /// Steps, in order.
    pub steps: &'static [&'static str],
}

/// Every resolved parameter.
#[derive(Debug, Clone, Serialize)]
pub struct ParamsReport {
    /// Normalization.
    pub normalize: NormalizeParams,
    /// Shingles, as `word:N` or `char:N`.
    pub shingle: String,
    /// Signature method.
    pub method: crate::pipeline::Method,
    /// Candidate generation.
    pub candidates: crate::pipeline::CandidateMode,
    /// Jaccard threshold.
    pub threshold: f64,
    /// MinHash permutations.
    pub num_perm: usize,
    /// Seed.
    pub seed: u64,
    /// LSH bands (MinHash LSH).
    pub bands: Option<usize>,
    /// LSH rows per band (MinHash LSH).
    pub rows: Option<usize>,
    /// Whether bands/rows were chosen from the threshold.
    pub banding_from_threshold: bool,
    /// SimHash Hamming radius.
    pub max_hamming: Option<u32>,
    /// Representative policy (`first`, `longest`, `shortest`, `earliest:FIELD`, `latest:FIELD`).
    pub keep: String,
    /// Bad-record policy.
    pub on_error: crate::pipeline::OnError,
    /// JSON id field.
    pub id_field: String,
    /// JSON text field.
    pub text_field: String,
    /// Extensions read from directories.
    pub extensions: Vec<String>,
    /// Largest document read, in bytes.
    pub max_doc_bytes: usize,
    /// Passage detection parameters (`null` when off).
    pub passages: Option<PassageParamsReport>,
    /// Clustering method.
    pub cluster: crate::cluster::ClusterMethod,
}

/// Passage detection parameters as reported.
#[derive(Debug, Clone, Serialize)]
pub struct PassageParamsReport {
    /// Words per shingle used for alignment.
    pub shingle_words: usize,
    /// Shortest passage that counts, in words.
    pub min_passage: usize,
    /// Coverage of the shorter document needed to link.
    pub min_coverage: f64,
    /// Largest edit bridged inside a passage, in words.
    pub max_gap: usize,
    /// Shingles repeated more often within one document are ignored.
    pub max_repeats: usize,
    /// Winnowing window, in shingles.
    pub winnow_window: usize,
    /// Document-frequency cap of fingerprints.
    pub max_df: usize,
    /// Shared fingerprints needed before aligning.
    pub min_shared: usize,
}

impl ParamsReport {
    /// The report form of a resolved configuration.
    pub fn new(c: &Config) -> Self {
        ParamsReport {
            normalize: NormalizeParams { profile: c.normalize.name(), steps: c.normalize.steps() },
            shingle: c.shingle.to_string(),
            method: c.method,
            candidates: c.candidates,
            threshold: c.threshold,
            num_perm: c.num_perm,
            seed: c.seed,
            bands: c.banding.map(|b| b.bands),
            rows: c.banding.map(|b| b.rows),
            banding_from_threshold: c.banding_from_threshold,
            max_hamming: c.max_hamming,
            keep: match &c.corpus.key_field {
                Some(f) => format!("{}:{f}", c.keep.name()),
                None => c.keep.name().to_owned(),
            },
            on_error: c.on_error,
            id_field: c.corpus.id_field.clone(),
            text_field: c.corpus.text_field.clone(),
            extensions: c.corpus.extensions.clone(),
            max_doc_bytes: c.corpus.max_doc_bytes,
            passages: c.passages.map(|p| PassageParamsReport {
                shingle_words: c.passage_k,
                min_passage: p.rule.min_passage,
                min_coverage: p.rule.min_coverage,
                max_gap: p.rule.max_gap,
                max_repeats: p.rule.max_repeats,
                winnow_window: p.window,
                max_df: p.max_df,
                min_shared: p.min_shared,
            }),
            cluster: c.cluster,
        }
    }
}

/// A document with no words.
#[derive(Debug, Clone, Serialize)]
pub struct EmptyDoc {
    /// Document id.
    pub id: String,
    /// File it came from.
    pub source: String,
    /// JSON Lines line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
}

/// What was read.
#[derive(Debug, Clone, Serialize)]
pub struct InputReport {
    /// Inputs in the order given.
    pub sources: Vec<String>,
    /// Documents read, empty ones included.
    pub documents: usize,
    /// Documents with no words.
    pub empty: Vec<EmptyDoc>,
    /// Records that could not be read: all of them up to 100, else the first 100.
    pub skipped: Vec<Skipped>,
    /// Records skipped in all (present when any was skipped).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skipped_total: Option<usize>,
    /// Records skipped by reason (present when any was skipped).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skipped_by_reason: Option<std::collections::BTreeMap<String, usize>>,
}

/// Run totals.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// Candidate pairs proposed.
    pub candidate_pairs: usize,
    /// Pairs at or above the Jaccard threshold.
    pub verified_pairs: usize,
    /// Pairs proposed by passage fingerprints.
    pub passage_candidates: usize,
    /// Pairs linked by shared passages only.
    pub passage_links: usize,
    /// All linked pairs (the edges of the cluster graph).
    pub linked_pairs: usize,
    /// Clusters of two or more.
    pub clusters: usize,
    /// Documents in clusters.
    pub clustered_documents: usize,
    /// Non-empty documents in no cluster.
    pub singletons: usize,
}

/// A verified pair as reported.
#[derive(Debug, Clone, Serialize)]
pub struct PairReport {
    /// Id of the first document (smaller id).
    pub a: String,
    /// Id of the second document.
    pub b: String,
    /// Exact Jaccard similarity of the shingle sets.
    pub jaccard: f64,
    /// Share of `a`'s shingles found in `b`.
    pub containment_a_in_b: f64,
    /// Share of `b`'s shingles found in `a`.
    pub containment_b_in_a: f64,
    /// Why the pair is linked: `jaccard`, `passage` or `both`.
    pub linked_by: crate::verify::LinkedBy,
    /// Share of `a`'s words inside the passages (passage detection on).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub coverage_a: Option<f64>,
    /// Share of `b`'s words inside the passages.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub coverage_b: Option<f64>,
    /// Shared passages of at least `min_passage` words (passage detection on).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub passages: Option<Vec<PassageReport>>,
}

/// A shared passage as reported: half-open ranges of Unicode scalar values (characters, not
/// bytes) into the original texts.
#[derive(Debug, Clone, Serialize)]
pub struct PassageReport {
    /// `[start, end)` in `a`'s original text, in characters.
    pub a: [u64; 2],
    /// `[start, end)` in `b`'s original text, in characters.
    pub b: [u64; 2],
    /// Length in words (the smaller side).
    pub words: usize,
    /// Share of the passage's shingles matching verbatim (1.0: no edits).
    pub exact: f64,
}

/// Chaining diagnostics as reported.
#[derive(Debug, Clone, Serialize)]
pub struct CohesionReport {
    /// Member pairs compared exactly.
    pub compared_pairs: usize,
    /// Smallest Jaccard among compared member pairs.
    pub min_jaccard: f64,
    /// Smallest link score (max of Jaccard and passage coverage) among linked pairs.
    pub min_link_score: f64,
    /// Member pairs linked directly.
    pub linked_pairs: usize,
    /// Member pairs together only through other members.
    pub unlinked_pairs: usize,
    /// Links whose removal would split the cluster (clusters of 3 or more).
    pub bridges: Vec<[String; 2]>,
}

/// A cluster as reported.
#[derive(Debug, Clone, Serialize)]
pub struct ClusterEntry {
    /// 1-based number.
    pub id: usize,
    /// Number of members.
    pub size: usize,
    /// Representative document id.
    pub representative: String,
    /// Member ids, sorted.
    pub members: Vec<String>,
    /// How tightly the cluster holds together.
    pub cohesion: CohesionReport,
    /// Linked pairs inside the cluster.
    pub pairs: Vec<PairReport>,
}

/// The whole `clusters.json` document.
#[derive(Debug, Clone, Serialize)]
pub struct ClusterReport {
    /// Schema version.
    pub schema_version: u32,
    /// Tool name and version.
    pub tool: Tool,
    /// Resolved parameters.
    pub params: ParamsReport,
    /// What was read.
    pub input: InputReport,
    /// Totals.
    pub summary: Summary,
    /// Clusters of two or more documents.
    pub clusters: Vec<ClusterEntry>,
}

impl ClusterReport {
    /// Builds the report of a run; `sources` names the inputs in order.
    pub fn new(run: &RunResult, sources: Vec<String>) -> Self {
        let id = |d: u32| run.docs[d as usize].id.clone();
        let clusters = run
            .clusters
            .iter()
            .map(|c| ClusterEntry {
                id: c.id,
                size: c.members.len(),
                representative: id(c.representative),
                members: c.members.iter().map(|&m| id(m)).collect(),
                cohesion: CohesionReport {
                    compared_pairs: c.cohesion.compared_pairs,
                    min_jaccard: round6(c.cohesion.min_jaccard),
                    min_link_score: round6(c.cohesion.min_link_score),
                    linked_pairs: c.cohesion.linked_pairs,
                    unlinked_pairs: c.cohesion.unlinked_pairs,
                    bridges: c.cohesion.bridges.iter().map(|&(a, b)| [id(a), id(b)]).collect(),
                },
                pairs: c.pairs.iter().map(|p| pair_report(run, p)).collect(),
            })
            .collect();
        let empty: Vec<EmptyDoc> = run
            .docs
            .iter()
            .filter(|d| d.is_empty())
            .map(|d| EmptyDoc { id: d.id.clone(), source: d.origin.source.clone(), line: d.origin.line })
            .collect();
        let s = &run.stats;
        ClusterReport {
            schema_version: SCHEMA_VERSION,
            tool: Tool::current(),
            params: ParamsReport::new(&run.config),
            summary: Summary {
                candidate_pairs: s.candidate_pairs,
                verified_pairs: s.verified_pairs,
                passage_candidates: s.passage_candidates,
                passage_links: s.passage_links,
                linked_pairs: s.linked_pairs,
                clusters: s.clusters,
                clustered_documents: s.clustered_documents,
                singletons: s.documents - s.empty_documents - s.clustered_documents,
            },
            input: InputReport {
                sources,
                documents: s.documents,
                empty,
                skipped: run.skipped.sample().to_vec(),
                skipped_total: (!run.skipped.is_empty()).then(|| run.skipped.len()),
                skipped_by_reason: (!run.skipped.is_empty()).then(|| run.skipped.by_reason().clone()),
            },
            clusters,
        }
    }

    /// The report as pretty-printed JSON with a trailing newline.
    pub fn to_json(&self) -> Vec<u8> {
        super::pretty_json(self)
    }
}

/// The report form of a linked pair, with passage offsets converted to characters.
pub fn pair_report(run: &RunResult, p: &VerifiedPair) -> PairReport {
    let (da, db) = (&run.docs[p.a as usize], &run.docs[p.b as usize]);
    let passages = p.alignment.as_ref().map(|al| {
        let mut offs_a: Vec<u32> = al.passages.iter().flat_map(|x| [x.a.0, x.a.1]).collect();
        let mut offs_b: Vec<u32> = al.passages.iter().flat_map(|x| [x.b.0, x.b.1]).collect();
        let ca = char_offsets(&da.text, &mut offs_a);
        let cb = char_offsets(&db.text, &mut offs_b);
        al.passages
            .iter()
            .map(|x| PassageReport {
                a: [ca(x.a.0), ca(x.a.1)],
                b: [cb(x.b.0), cb(x.b.1)],
                words: x.words,
                exact: round6(x.exact),
            })
            .collect()
    });
    PairReport {
        a: da.id.clone(),
        b: db.id.clone(),
        jaccard: round6(p.scores.jaccard),
        containment_a_in_b: round6(p.scores.containment_a_in_b),
        containment_b_in_a: round6(p.scores.containment_b_in_a),
        linked_by: p.linked_by,
        coverage_a: p.alignment.as_ref().map(|al| round6(al.coverage_a)),
        coverage_b: p.alignment.as_ref().map(|al| round6(al.coverage_b)),
        passages,
    }
}

/// Converts byte offsets of `text` (on char boundaries) to character offsets in one pass;
/// returns a lookup from byte offset to character offset.
pub fn char_offsets(text: &str, bytes: &mut [u32]) -> impl Fn(u32) -> u64 {
    bytes.sort_unstable();
    let mut map: Vec<(u32, u64)> = Vec::with_capacity(bytes.len());
    let mut chars = 0u64;
    let mut pos = 0usize;
    for &b in bytes.iter() {
        let b_us = (b as usize).min(text.len());
        if b_us >= pos {
            // Characters are the bytes that are not UTF-8 continuation bytes.
            chars += text.as_bytes()[pos..b_us].iter().filter(|&&c| (c & 0xC0) != 0x80).count() as u64;
            pos = b_us;
        }
        map.push((b, chars));
    }
    move |b| map.binary_search_by_key(&b, |&(k, _)| k).map(|i| map[i].1).unwrap_or(0)
}

/// The `reprint compare --json` document: both documents, the exact scores, the link verdict,
/// and every passage with character offsets and its text on both sides.
pub fn comparison_json(
    a: &crate::corpus::RawDoc,
    b: &crate::corpus::RawDoc,
    cmp: &crate::pipeline::Comparison,
    config: &Config,
) -> serde_json::Value {
    let mut offs_a: Vec<u32> = cmp.alignment.passages.iter().flat_map(|x| [x.a.0, x.a.1]).collect();
    let mut offs_b: Vec<u32> = cmp.alignment.passages.iter().flat_map(|x| [x.b.0, x.b.1]).collect();
    let ca = char_offsets(&a.text, &mut offs_a);
    let cb = char_offsets(&b.text, &mut offs_b);
    let slice = |t: &str, r: (u32, u32)| t.get(r.0 as usize..r.1 as usize).unwrap_or_default().to_owned();
    let passages: Vec<serde_json::Value> = cmp
        .alignment
        .passages
        .iter()
        .map(|p| {
            serde_json::json!({
                "a": [ca(p.a.0), ca(p.a.1)],
                "b": [cb(p.b.0), cb(p.b.1)],
                "words": p.words,
                "exact": round6(p.exact),
                "text_a": slice(&a.text, p.a),
                "text_b": slice(&b.text, p.b),
            })
        })
        .collect();
    let s = &cmp.scores;
    serde_json::json!({
        "schema_version": SCHEMA_VERSION,
        "tool": Tool::current(),
        "params": ParamsReport::new(config),
        "a": { "id": a.id, "source": a.origin.to_string(), "words": cmp.words.0 },
        "b": { "id": b.id, "source": b.origin.to_string(), "words": cmp.words.1 },
        "jaccard": round6(s.jaccard),
        "containment_a_in_b": round6(s.containment_a_in_b),
        "containment_b_in_a": round6(s.containment_b_in_a),
        "coverage_a": round6(cmp.alignment.coverage_a),
        "coverage_b": round6(cmp.alignment.coverage_b),
        "linked": cmp.linked_by.is_some(),
        "linked_by": cmp.linked_by,
        "passages": passages,
    })
}
