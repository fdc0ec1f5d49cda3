//! `eval.json`, version [`SCHEMA_VERSION`]: the record of one `reprint eval`, either a sweep
//! ([`SweepReport`]) or the rescoring of an earlier `clusters.json` ([`RescoreReport`]);
//! [`EvalReport`] reads either.
//!
//! ```text
//! {                                   // a sweep: reprint eval INPUT... --labels/--pairs/--exact
//!   "candidate_rate_by_jaccard": {    // with --exact and MinHash LSH, else null: measured
//!     "bands": 35, "rows": 3,         // at the first setting (of the sweep) that uses LSH
//!     "setting": { "threshold": "0.5" },   // that setting's swept values ({} without --sweep)
//!     "threshold": 0.5,               // and its threshold
//!     "bins": [ { "lo": 0.1, "hi": 0.15, "pairs": N, "proposed": N, "s_curve": x } ] },
//!   "command": "eval",
//!   "inputs": [ { "bytes": N, "name": "docs.jsonl.gz", "xxh3": "16 hex digits" } ],
//!   "labels": { "name": "labels.jsonl.gz", "xxh3": "..." },   // or null
//!   "pairs": { "name": "pairs.jsonl.gz", "xxh3": "..." },     // or null
//!   "params": { ... },              // the base parameters, as in clusters.json
//!   "rows": [ {                     // one per setting, in sweep order
//!     "setting": { "threshold": "0.5" },   // swept values ({} without --sweep)
//!     "documents": N, "candidate_pairs": N, "verified_pairs": N, "passage_links": N,
//!     "linked_pairs": N, "clusters": N,
//!     "labels": { "documents", "true_pairs", "predicted_pairs", "correct_pairs",
//!                 "precision", "recall", "f1", "ari", "nmi" },          // with --labels
//!     "pairs": { "true_pairs", "true_pairs_together", "negative_pairs",
//!                "negative_pairs_merged",
//!                "recall_by_jaccard": [ { "lo", "hi", "pairs", "together" } ] },  // with --pairs,
//!     "pairs_by_reprint_jaccard": { ... },   // banded by the file's and by reprint's Jaccard
//!     "lsh": { "exact_pairs", "found", "recall", "candidates",
//!              "dropped_by_verification", "candidate_precision" },     // with --exact
//!     "seconds": x } ],             // wall time of the stages after reading
//!   "schema_version": 1,
//!   "sweep": [ { "name": "threshold", "values": ["0.3", "0.35", ...] } ],
//!   "tool": { "name": "reprint", "version": "0.1.0" }
//! }
//!
//! {                                   // rescoring: reprint eval --clusters FILE --labels FILE
//!   "agreement": { ... },             // as "labels" above
//!   "clusters": "reports/clusters.json", "command": "eval",
//!   "labels": "labels.jsonl",         // the labels file
//!   "pairs": { ... },                 // with --pairs, else null
//!   "schema_version": 1, "tool": { ... }
//! }
//! ```
//!
//! Keys are sorted at every level. `seconds` is the only timing; everything else is the same
//! for the same inputs and parameters.

use super::params::{ParamsReport, Tool};
use super::{Checksum, SCHEMA_VERSION};
use crate::config::Config;
use crate::corpus::{CorpusError, Input};
use crate::eval::{Agreement, CandidateRate, Figures, PairOutcome, Rescored, SweepAxis, SweepResult};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// Either form of `eval.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum EvalReport {
    /// A sweep.
    Sweep(Box<SweepReport>),
    /// The rescoring of a `clusters.json`.
    Rescore(Box<RescoreReport>),
}

/// An input as `eval.json` records it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InputSum {
    /// Size in bytes (`null` for standard input).
    pub bytes: Option<u64>,
    /// The argument as given.
    pub name: String,
    /// xxh3-64 of the content, hex.
    pub xxh3: Option<String>,
}

/// A labels or pairs file as `eval.json` records it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileSum {
    /// The path as given.
    pub name: String,
    /// xxh3-64 of the file as stored, hex.
    pub xxh3: Option<String>,
}

/// A swept parameter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AxisReport {
    /// Parameter name as on the command line.
    pub name: String,
    /// Its values, as text.
    pub values: Vec<String>,
}

/// The candidate rate by exact-Jaccard bin, with the banding's S-curve.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CandidateRateReport {
    /// Bands of the measured setting.
    pub bands: usize,
    /// Bins by exact Jaccard.
    pub bins: Vec<RateBin>,
    /// Rows per band.
    pub rows: usize,
    /// Swept values of the setting measured (the first that uses LSH); absent in files
    /// written before it was recorded.
    #[serde(default)]
    pub setting: std::collections::BTreeMap<String, String>,
    /// Threshold of the setting measured.
    #[serde(default)]
    pub threshold: Option<f64>,
}

/// One exact-Jaccard bin.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RateBin {
    /// Upper bound.
    pub hi: f64,
    /// Lower bound.
    pub lo: f64,
    /// Pairs in the bin (exact join).
    pub pairs: usize,
    /// Of which the candidate stage proposed.
    pub proposed: usize,
    /// The banding's probability of proposing a pair at the bin's middle.
    pub s_curve: f64,
}

/// `eval.json` of a sweep.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepReport {
    /// Candidate rate by Jaccard (with `--exact` and MinHash LSH).
    pub candidate_rate_by_jaccard: Option<CandidateRateReport>,
    /// Always `eval`.
    pub command: String,
    /// Inputs with sizes and checksums.
    pub inputs: Vec<InputSum>,
    /// The labels file.
    pub labels: Option<FileSum>,
    /// The labelled-pairs file.
    pub pairs: Option<FileSum>,
    /// The base parameters.
    pub params: ParamsReport,
    /// Figures per setting.
    pub rows: Vec<Figures>,
    /// Schema version.
    pub schema_version: u32,
    /// Swept parameters.
    pub sweep: Vec<AxisReport>,
    /// Tool name and version.
    pub tool: Tool,
}

/// `eval.json` of `reprint eval --clusters`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RescoreReport {
    /// Agreement with the labels.
    pub agreement: Agreement,
    /// The `clusters.json` scored.
    pub clusters: String,
    /// Always `eval`.
    pub command: String,
    /// The labels file.
    pub labels: Option<String>,
    /// Labelled pairs (with `--pairs`).
    pub pairs: Option<PairOutcome>,
    /// Schema version.
    pub schema_version: u32,
    /// Tool name and version.
    pub tool: Tool,
}

impl SweepReport {
    /// The report of a sweep over the inputs named `names`, scored against the `labels` and
    /// `pairs` files.
    pub fn new(
        config: &Config,
        axes: &[SweepAxis],
        names: &[String],
        files: (Option<&Path>, Option<&Path>),
        result: &SweepResult,
    ) -> Result<SweepReport, CorpusError> {
        // The sums the sweep computed while reading: inputs are not read again.
        let inputs = result
            .inputs
            .iter()
            .zip(names)
            .map(|(&sum, n)| {
                let sum = Checksum::from(sum);
                InputSum { bytes: sum.bytes, name: n.clone(), xxh3: sum.xxh3 }
            })
            .collect();
        let file_sum = |p: Option<&Path>| -> Result<Option<FileSum>, CorpusError> {
            p.map(|p| {
                let sum = Checksum::of(&Input::TextFile(p.to_path_buf()), &config.corpus)?;
                Ok(FileSum { name: p.display().to_string(), xxh3: sum.xxh3 })
            })
            .transpose()
        };
        Ok(SweepReport {
            candidate_rate_by_jaccard: result.candidate_rate.as_ref().map(CandidateRateReport::new),
            command: "eval".to_owned(),
            inputs,
            labels: file_sum(files.0)?,
            pairs: file_sum(files.1)?,
            params: ParamsReport::new(config),
            rows: result.rows.clone(),
            schema_version: SCHEMA_VERSION,
            sweep: axes
                .iter()
                .map(|a| AxisReport { name: a.name.clone(), values: a.values.clone() })
                .collect(),
            tool: Tool::current(),
        })
    }
}

impl CandidateRateReport {
    /// The report form of a measured candidate rate.
    pub fn new(c: &CandidateRate) -> Self {
        CandidateRateReport {
            bands: c.banding.bands,
            bins: c
                .bins
                .iter()
                .map(|&(lo, hi, pairs, proposed)| RateBin {
                    hi,
                    lo,
                    pairs,
                    proposed,
                    s_curve: c.banding.probability((lo + hi) / 2.0),
                })
                .collect(),
            rows: c.banding.rows,
            setting: c.setting.clone(),
            threshold: Some(c.threshold),
        }
    }
}

impl RescoreReport {
    /// The report of scoring the `clusters` file against the `labels` file.
    pub fn new(clusters: &Path, labels: Option<&Path>, r: &Rescored) -> Self {
        RescoreReport {
            agreement: r.agreement,
            clusters: clusters.display().to_string(),
            command: "eval".to_owned(),
            labels: labels.map(|p| p.display().to_string()),
            pairs: r.pairs.clone(),
            schema_version: SCHEMA_VERSION,
            tool: Tool::current(),
        }
    }
}

impl EvalReport {
    /// The document as pretty-printed JSON with sorted keys and a trailing newline.
    pub fn to_json(&self) -> Vec<u8> {
        super::sorted_json(self)
    }

    /// Reads an `eval.json`.
    pub fn from_json(bytes: &[u8]) -> Result<EvalReport, serde_json::Error> {
        serde_json::from_slice(bytes)
    }
}
