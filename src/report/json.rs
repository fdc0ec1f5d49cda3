//! The `clusters.json` format, version [`SCHEMA_VERSION`]: [`ClusterReport`] writes it and
//! reads it back ([`ClusterReport::from_json`]; `reprint eval --clusters` scores a file through
//! it). Keys appear in the order below.
//!
//! ```text
//! {
//!   "schema_version": 2,
//!   "tool": { "name": "reprint", "version": "0.1.0" },
//!   "params": {                      // every resolved parameter: rerunning with these
//!     "normalize": { "profile": "default", "steps": ["nfkd", ...] },  // reproduces the file
//!     "shingle": "word:5", "method": "minhash", "candidates": "lsh",  // or simhash; exact, identical
//!     "threshold": 0.5, "num_perm": 128, "seed": 42,
//!     "bands": 35, "rows": 3, "banding_from_threshold": true,   // MinHash LSH only, else null
//!     "max_hamming": null,                                      // SimHash LSH only
//!     "keep": "first", "on_error": "skip",                      // keep: also earliest:FIELD, ...
//!     "id_field": "id", "text_field": "text", "max_doc_bytes": 134217728,
//!     "extensions": null,            // --ext; null: each directory's contents decide
//!     "passages": {                  // null with --no-passages or --candidates identical
//!       "shingle_words": 5, "min_passage": 50, "min_coverage": 0.15, "max_family": 20,
//!       "max_gap": 5, "max_repeats": 8, "winnow_window": 8, "max_df": 100, "min_shared": 2 },
//!     "cluster": "stories",          // or "components", "center"
//!     "min_covered": 0.8,            // the duplicate rule (see crate::relation)
//!     "no_prune": true               // only with --no-prune: roundups and hubs keep their links
//!   },
//!   "input": {
//!     "sources": ["seeds"],          // inputs in the order given
//!     "documents": 5,                // documents read, empty ones included
//!     "empty": [ { "id": ..., "source": ..., "line": ... } ],  // no words: never clustered
//!     "skipped": [ { "source": ..., "line": ..., "id": ..., "reason": ... } ],  // the first 100
//!     "skipped_total": N, "skipped_by_reason": { "REASON": N },  // when any was skipped
//!   },
//!   "summary": { "candidate_pairs": 1, "verified_pairs": 0, "passage_candidates": 1,
//!                "passage_links": 1,           // story links by passages only
//!                "duplicate_pairs": 0, "overlap_pairs": 0,  // relations (overlaps.jsonl)
//!                "pruned_links": 0,            // links of roundups and boilerplate hubs set aside
//!                "split_links": 0,             // links across a sparse cut of a story cluster
//!                "linked_pairs": 1, "clusters": 1,
//!                "clustered_documents": 2, "singletons": 3 },
//!   "clusters": [                    // clusters of 2+ documents, by smallest member id
//!     { "id": 1,                     // 1-based, in this order
//!       "size": 2,
//!       "representative": "<doc id>",                     // --keep
//!       "members": ["<doc id>", ...],                      // sorted by id
//!       "meta": { "<doc id>": { "source": "aawsat", "date": "2015-07-21", ... }, ... },
//!                                  // carried fields (--meta) of the members that have any
//!       "cohesion": { "compared_pairs": 1,                 // member pairs scored exactly
//!                     "min_jaccard": 0.192034, "min_link_score": 0.321256,
//!                     "linked_pairs": 1, "unlinked_pairs": 0,   // linked directly or not
//!                     "bridges": [["<id>", "<id>"]] },     // links whose removal splits it
//!       "pairs": [ { "a": "<id>", "b": "<id>",             // story links, a < b by id
//!                    "jaccard": x, "containment_a_in_b": x, "containment_b_in_a": x,
//!                    "relation": "story",                  // or "duplicate"
//!                    "linked_by": "passage",               // "jaccard", "passage" or "both"
//!                    "coverage_a": x, "coverage_b": x,     // passage detection on only
//!                    "passages": [ { "a": [1259, 1708], "b": [202, 654],  // [start, end)
//!                                    "words": 73, "exact": 0.855072 } ] } ] }  // in characters
//!   ]
//! }
//! ```
//!
//! Scores are exact (computed from the shingle sets, not estimated) and rounded to 6 decimals.
//! `line` is 1-based and present for JSON Lines input only. Documents not in any cluster are
//! singletons. Passage ranges are half-open ranges of Unicode scalar values (characters, not
//! bytes) of the original texts. The file holds no timings: the same input and parameters give
//! a byte-identical file. Fields are only ever added; a field that changes meaning bumps
//! `schema_version`. Version 2 added `relation`, the relation counts, `max_family` and
//! `min_covered`, and changed what makes a pair a link (the three relations of
//! [`crate::relation`] replace version 1's single rule). Later additions within version 2
//! (no existing field changed): `meta` of clusters (each member's carried record fields, as a
//! JSON object holding the values as the record wrote them: numbers keep their exact digits;
//! a CSV/TSV cell is a string), and the parameters `meta`, `title_field`, `date_field`,
//! `source_field`. `clusters.csv` lists every document with its cluster
//! ([`super::clusters_csv`]). `overlaps.jsonl` holds every pair
//! that shares a passage, with the same pair fields ([`super::overlaps`]). The `compare --json` and `eval.json` documents are described in
//! [`super::compare`] and [`super::eval`].

use super::offsets::byte_passage_chars;
pub use super::offsets::char_offsets;
pub use super::params::{NormalizeParams, ParamsReport, PassageParamsReport, Tool};
use super::round6;
use crate::corpus::Skipped;
use crate::pipeline::RunResult;
use crate::verify::VerifiedPair;
use serde::{Deserialize, Serialize};

/// Version of the `clusters.json` schema.
pub const SCHEMA_VERSION: u32 = 2;

/// A document with no words.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Candidate pairs proposed.
    pub candidate_pairs: usize,
    /// Pairs at or above the Jaccard threshold.
    pub verified_pairs: usize,
    /// Pairs proposed by passage fingerprints.
    pub passage_candidates: usize,
    /// Story links by shared passages only (below the Jaccard threshold).
    pub passage_links: usize,
    /// Story links whose documents are duplicates (one is a copy of the other).
    pub duplicate_pairs: usize,
    /// Pairs whose strongest relation is `overlap` (each a line of `overlaps.jsonl`).
    pub overlap_pairs: usize,
    /// Passage links of composite documents (roundups) and hubs of boilerplate that became
    /// overlaps.
    pub pruned_links: usize,
    /// Passage links across a sparse cut of a story cluster that became overlaps (absent in
    /// files written before story splitting: 0).
    #[serde(default)]
    pub split_links: usize,
    /// Story links: the edges of the cluster graph.
    pub linked_pairs: usize,
    /// Clusters of two or more.
    pub clusters: usize,
    /// Documents in clusters.
    pub clustered_documents: usize,
    /// Non-empty documents in no cluster.
    pub singletons: usize,
}

/// A verified pair as reported.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    /// The strongest relation that holds: `duplicate`, `story` or `overlap`.
    pub relation: crate::verify::Relation,
    /// For story links, what links them: `jaccard`, `passage` or `both` (absent on overlaps).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub linked_by: Option<crate::verify::LinkedBy>,
    /// For an overlap that is a story link on its own, what set it aside in the whole-corpus
    /// run: `roundup`, `hub` or `cut` (absent otherwise; see [`crate::verify::SetAside`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub set_aside: Option<String>,
    /// The roundup or the hub that set the link aside: `a` or `b`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub set_aside_by: Option<String>,
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClusterEntry {
    /// 1-based number.
    pub id: usize,
    /// Number of members.
    pub size: usize,
    /// Representative document id.
    pub representative: String,
    /// Member ids, sorted.
    pub members: Vec<String>,
    /// The carried fields (`--meta`) of the members that have any, by member id (absent when
    /// none has).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<std::collections::BTreeMap<String, MetaObject>>,
    /// How tightly the cluster holds together.
    pub cohesion: CohesionReport,
    /// Linked pairs inside the cluster.
    pub pairs: Vec<PairReport>,
}

/// A document's carried fields: a JSON object written as the record held the values (numbers
/// keep their digits).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(transparent)]
pub struct MetaObject(pub Box<serde_json::value::RawValue>);

impl MetaObject {
    /// The carried fields of a document, `None` when it has none.
    pub fn of(doc: &crate::pipeline::Doc) -> Option<MetaObject> {
        let json = doc.meta_json()?;
        serde_json::value::RawValue::from_string(json.to_owned()).ok().map(MetaObject)
    }

    /// The object's JSON text.
    pub fn get(&self) -> &str {
        self.0.get()
    }
}

impl PartialEq for MetaObject {
    fn eq(&self, other: &Self) -> bool {
        self.get() == other.get()
    }
}

/// The whole `clusters.json` document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    /// Builds the report of a run; `sources` names the inputs in order. Fails only when a text
    /// cannot be read from the run's temporary file ([`RunResult::spilled`]).
    pub fn new(run: &RunResult, sources: Vec<String>) -> std::io::Result<Self> {
        let id = |d: u32| run.docs[d as usize].id.clone();
        let clusters = run
            .clusters
            .iter()
            .map(|c| -> std::io::Result<ClusterEntry> {
                Ok(ClusterEntry {
                    id: c.id,
                    size: c.members.len(),
                    representative: id(c.representative),
                    members: c.members.iter().map(|&m| id(m)).collect(),
                    meta: {
                        let meta: std::collections::BTreeMap<String, MetaObject> = c
                            .members
                            .iter()
                            .filter_map(|&m| Some((id(m), MetaObject::of(&run.docs[m as usize])?)))
                            .collect();
                        (!meta.is_empty()).then_some(meta)
                    },
                    cohesion: CohesionReport {
                        compared_pairs: c.cohesion.compared_pairs,
                        min_jaccard: round6(c.cohesion.min_jaccard),
                        min_link_score: round6(c.cohesion.min_link_score),
                        linked_pairs: c.cohesion.linked_pairs,
                        unlinked_pairs: c.cohesion.unlinked_pairs,
                        bridges: c.cohesion.bridges.iter().map(|&(a, b)| [id(a), id(b)]).collect(),
                    },
                    pairs: c.pairs.iter().map(|p| pair_report(run, p)).collect::<std::io::Result<_>>()?,
                })
            })
            .collect::<std::io::Result<_>>()?;
        let empty: Vec<EmptyDoc> = run
            .docs
            .iter()
            .filter(|d| d.is_empty())
            .map(|d| EmptyDoc { id: d.id.clone(), source: d.origin.source.to_string(), line: d.origin.line })
            .collect();
        let s = &run.stats;
        Ok(ClusterReport {
            schema_version: SCHEMA_VERSION,
            tool: Tool::current(),
            params: ParamsReport::new(&run.config),
            summary: Summary {
                candidate_pairs: s.candidate_pairs,
                verified_pairs: s.verified_pairs,
                passage_candidates: s.passage_candidates,
                passage_links: s.passage_links,
                duplicate_pairs: s.duplicate_pairs,
                overlap_pairs: s.overlap_pairs,
                pruned_links: s.pruned_links,
                split_links: s.split_links,
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
        })
    }

    /// The report as pretty-printed JSON with a trailing newline.
    pub fn to_json(&self) -> Vec<u8> {
        super::pretty_json(self)
    }

    /// Writes [`ClusterReport::to_json`]'s bytes to `w` as they are made (a large corpus's
    /// report is hundreds of megabytes of text).
    pub fn write_json(&self, w: &mut dyn std::io::Write) -> std::io::Result<()> {
        super::write_pretty_json(w, self)
    }

    /// Reads a `clusters.json` (this schema version; unknown fields are ignored, so files of a
    /// later version that only added fields are read too).
    pub fn from_json(bytes: &[u8]) -> Result<ClusterReport, serde_json::Error> {
        serde_json::from_slice(bytes)
    }
}

/// The report form of a linked pair, with passage offsets converted to characters.
pub fn pair_report(run: &RunResult, p: &VerifiedPair) -> std::io::Result<PairReport> {
    let docs = run.texts();
    pair_report_read(&docs, &docs.read(vec![p.a, p.b])?, p)
}

/// The report form of a pair of `docs`, which hold their texts.
pub fn pair_report_in(docs: &[crate::pipeline::Doc], p: &VerifiedPair) -> PairReport {
    let (da, db) = (&docs[p.a as usize], &docs[p.b as usize]);
    pair_report_of(da, db, da.text.as_bytes(), db.text.as_bytes(), p)
}

/// The report form of a pair of `docs`, their texts from `texts` (which has read those of
/// the pair).
pub fn pair_report_read(
    docs: &[crate::pipeline::Doc],
    texts: &crate::pipeline::Read,
    p: &VerifiedPair,
) -> std::io::Result<PairReport> {
    let (da, db) = (&docs[p.a as usize], &docs[p.b as usize]);
    let (ta, tb) = match &p.alignment {
        Some(_) => (texts.bytes(p.a)?, texts.bytes(p.b)?),
        None => Default::default(),
    };
    Ok(pair_report_of(da, db, &ta, &tb, p))
}

/// The report form of a pair of documents with texts `ta` and `tb` (their UTF-8 bytes).
fn pair_report_of(
    da: &crate::pipeline::Doc,
    db: &crate::pipeline::Doc,
    ta: &[u8],
    tb: &[u8],
    p: &VerifiedPair,
) -> PairReport {
    let passages = p.alignment.as_ref().map(|al| {
        let chars = byte_passage_chars(ta, tb, &al.passages);
        al.passages
            .iter()
            .zip(chars)
            .map(|(x, (a, b))| PassageReport { a, b, words: x.words, exact: round6(x.exact) })
            .collect()
    });
    PairReport {
        a: da.id.clone(),
        b: db.id.clone(),
        jaccard: round6(p.scores.jaccard),
        containment_a_in_b: round6(p.scores.containment_a_in_b),
        containment_b_in_a: round6(p.scores.containment_b_in_a),
        relation: p.relation,
        linked_by: (p.relation >= crate::verify::Relation::Story).then_some(p.linked_by),
        set_aside: p.set_aside.map(|x| x.name().to_owned()),
        set_aside_by: p
            .set_aside
            .and_then(|x| x.by())
            .map(|d| if d == p.a { &da.id } else { &db.id }.clone()),
        coverage_a: p.alignment.as_ref().map(|al| round6(al.coverage_a)),
        coverage_b: p.alignment.as_ref().map(|al| round6(al.coverage_b)),
        passages,
    }
}
