//! The resolved parameters and tool as every report echoes them (`params`, `tool` in
//! `clusters.json`, `manifest.json`, `eval.json` and `compare --json`): rerunning with these
//! reproduces the file.

use crate::config::Config;
use serde::{Deserialize, Serialize};

/// Name and version of this tool.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tool {
    /// Always `reprint`.
    pub name: String,
    /// Crate version.
    pub version: String,
}

impl Tool {
    /// This build.
    pub fn current() -> Self {
        Tool { name: "reprint".to_owned(), version: env!("CARGO_PKG_VERSION").to_owned() }
    }
}

/// The normalization profile as reported.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NormalizeParams {
    /// Profile name.
    pub profile: String,
    /// Steps, in order.
    pub steps: Vec<String>,
}

/// Every resolved parameter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    /// Extensions read from directories (`--ext`); `null`: the directory's contents decide.
    pub extensions: Option<Vec<String>>,
    /// Largest document read, in bytes.
    pub max_doc_bytes: usize,
    /// `--allow-empty` (present only when given).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub allow_empty: bool,
    /// Carried record fields (`--meta`): `all`, `none` or the fields listed, comma-separated
    /// (absent in files written before metadata was carried).
    #[serde(default)]
    pub meta: String,
    /// The field shown as a document's title (`--title-field`).
    #[serde(default)]
    pub title_field: String,
    /// The field shown as a document's date (`--date-field`).
    #[serde(default)]
    pub date_field: String,
    /// The field shown as a document's outlet (`--source-field`).
    #[serde(default)]
    pub source_field: String,
    /// Passage detection parameters (`null` when off).
    pub passages: Option<PassageParamsReport>,
    /// Clustering method.
    pub cluster: crate::cluster::ClusterMethod,
    /// Share of a duplicate's words inside passages shared with the kept document.
    pub min_covered: f64,
    /// `--ignore-figures`: figures not compared for the duplicate relation (present only when
    /// given).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub ignore_figures: bool,
    /// `--no-prune`: roundups and hubs of boilerplate keep their story links (present only when
    /// given).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub no_prune: bool,
}

/// Passage detection parameters as reported.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PassageParamsReport {
    /// Words per shingle used for alignment.
    pub shingle_words: usize,
    /// Shortest passage that counts, in words.
    pub min_passage: usize,
    /// Share of each document that specific passages must cover for a story link.
    pub min_coverage: f64,
    /// Passages held by more documents than this never make a story link.
    pub max_family: usize,
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
            normalize: NormalizeParams {
                profile: c.normalize.name().to_owned(),
                steps: c.normalize.steps().iter().map(|s| (*s).to_owned()).collect(),
            },
            shingle: c.shingle.to_string(),
            method: c.method,
            candidates: c.candidates.mode(),
            threshold: c.threshold,
            num_perm: c.num_perm,
            seed: c.seed,
            bands: c.candidates.banding().map(|b| b.bands),
            rows: c.candidates.banding().map(|b| b.rows),
            banding_from_threshold: c.candidates.banding_from_threshold(),
            max_hamming: c.candidates.max_hamming(),
            keep: match &c.corpus.key_field {
                Some(f) => format!("{}:{f}", c.keep.name()),
                None => c.keep.name().to_owned(),
            },
            on_error: c.on_error,
            id_field: c.corpus.id_field.clone(),
            text_field: c.corpus.text_field.clone(),
            extensions: c.corpus.extensions.clone(),
            max_doc_bytes: c.corpus.max_doc_bytes,
            allow_empty: c.corpus.allow_empty,
            meta: c.corpus.meta.fields.name(),
            title_field: c.corpus.meta.title.name.clone(),
            date_field: c.corpus.meta.date.name.clone(),
            source_field: c.corpus.meta.outlet.name.clone(),
            passages: c.passages.map(|p| PassageParamsReport {
                shingle_words: c.passage_k,
                min_passage: p.rule.min_passage,
                min_coverage: p.rule.min_coverage,
                max_family: p.max_family,
                max_gap: p.rule.max_gap,
                max_repeats: p.rule.max_repeats,
                winnow_window: p.window,
                max_df: p.max_df,
                min_shared: p.min_shared,
            }),
            cluster: c.cluster,
            min_covered: c.min_covered,
            ignore_figures: c.ignore_figures,
            no_prune: !c.prune_composites,
        }
    }
}
