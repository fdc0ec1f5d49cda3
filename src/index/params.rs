//! The parameters an index is built with, stored in its manifest: every one that decides what
//! a document's sketch and fingerprints are, and how a pair is related. A query runs under
//! them; a query flag given with another value is an error naming it.

use crate::config::{CandidateMode, Candidates, Config, Method, Params, PassageParams};
use crate::corpus::CorpusConfig;
use crate::normalize::Profile;
use crate::overlap::PassageConfig;
use serde::{Deserialize, Serialize};

/// The parameters of an index, named as their flags (`_` for `-`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndexParams {
    /// `--normalize`.
    pub normalize: String,
    /// `--shingle`.
    pub shingle: String,
    /// `--threshold`.
    pub threshold: f64,
    /// `--seed`.
    pub seed: u64,
    /// `--num-perm`.
    pub num_perm: usize,
    /// `--bands` (resolved: chosen from the threshold when not given).
    pub bands: usize,
    /// `--rows`.
    pub rows: usize,
    /// Passage detection (`--no-passages` turns it off).
    pub passages: bool,
    /// `--min-passage`.
    pub min_passage: usize,
    /// `--min-coverage`.
    pub min_coverage: f64,
    /// `--max-gap`.
    pub max_gap: usize,
    /// `--winnow-window`.
    pub winnow_window: usize,
    /// `--max-df`.
    pub max_df: usize,
    /// `--min-shared`.
    pub min_shared: usize,
    /// `--max-family`.
    pub max_family: usize,
    /// `--min-covered`.
    pub min_covered: f64,
    /// `--ignore-figures` (present only when given).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub ignore_figures: bool,
}

impl IndexParams {
    /// The parameters of `config`, which must use MinHash LSH (the only candidate stage an
    /// index stores); `Err` names what is not supported.
    pub fn of(config: &Config) -> Result<IndexParams, String> {
        let Candidates::MinHashLsh { banding, .. } = config.candidates else {
            return Err("an index stores MinHash LSH band tables: --method minhash --candidates lsh".into());
        };
        let p = config.passages.unwrap_or_default();
        Ok(IndexParams {
            normalize: config.normalize.name().to_owned(),
            shingle: config.shingle.to_string(),
            threshold: config.threshold,
            seed: config.seed,
            num_perm: config.num_perm,
            bands: banding.bands,
            rows: banding.rows,
            passages: config.passages.is_some(),
            min_passage: p.rule.min_passage,
            min_coverage: p.rule.min_coverage,
            max_gap: p.rule.max_gap,
            winnow_window: p.window,
            max_df: p.max_df,
            min_shared: p.min_shared,
            max_family: p.max_family,
            min_covered: config.min_covered,
            ignore_figures: config.ignore_figures,
        })
    }

    /// The configuration a query or an add runs under, reading records as `corpus` says.
    pub fn config(&self, corpus: CorpusConfig) -> Result<Config, String> {
        let defaults = Params::default();
        let params = Params {
            corpus,
            normalize: match self.normalize.as_str() {
                "none" => Profile::None,
                "default" => Profile::Default,
                other => return Err(format!("unknown normalization `{other}`")),
            },
            shingle: self.shingle.parse()?,
            method: Method::Minhash,
            candidates: CandidateMode::Lsh,
            threshold: self.threshold,
            num_perm: self.num_perm,
            seed: self.seed,
            bands: Some(self.bands),
            rows: Some(self.rows),
            passages: self.passages.then_some(PassageParams {
                rule: PassageConfig {
                    min_passage: self.min_passage,
                    min_coverage: self.min_coverage,
                    max_gap: self.max_gap,
                    ..PassageConfig::default()
                },
                window: self.winnow_window,
                max_df: self.max_df,
                min_shared: self.min_shared,
                max_family: self.max_family,
            }),
            min_covered: self.min_covered,
            ignore_figures: self.ignore_figures,
            ..defaults
        };
        let mut config = params.resolve().map_err(|e| e.to_string())?;
        // A query decides each pair alone (see the module docs of `crate::index`).
        config.prune_composites = false;
        Ok(config)
    }

    /// The flags among `given` (clap ids: `min_passage`) whose values in `other` differ from
    /// this index's, as `--flag VALUE (the index has VALUE)`.
    pub fn differences(&self, other: &IndexParams, given: &[String]) -> Vec<String> {
        let (mine, theirs) = (serde_json::to_value(self), serde_json::to_value(other));
        let (Ok(serde_json::Value::Object(mine)), Ok(serde_json::Value::Object(theirs))) = (mine, theirs)
        else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for id in given {
            let key = match id.as_str() {
                "no_passages" => "passages",
                other => other,
            };
            if let (Some(a), Some(b)) = (mine.get(key), theirs.get(key)) {
                if a != b {
                    out.push(if key == "passages" {
                        let on = if self.passages { "on" } else { "off" };
                        format!("--no-passages (the index has passage detection {on})")
                    } else {
                        format!("--{} {b} (the index has {a})", id.replace('_', "-"))
                    });
                }
            }
        }
        out
    }
}
