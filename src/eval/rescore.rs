//! Scoring an earlier run: the clusters of a `clusters.json` against labels (and labelled
//! pairs), without running the pipeline again.

use super::{agreement, pair_outcome, Agreement, LabelledPair, PairOutcome, PAIR_BANDS};
use crate::report::ClusterReport;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use thiserror::Error;

/// Why a `clusters.json` could not be scored.
#[derive(Debug, Error)]
pub enum RescoreError {
    /// The file could not be read.
    #[error("cannot read {}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The file is not a `clusters.json` (not JSON, or another schema).
    #[error("{} is not a clusters.json file", path.display())]
    NotClusters {
        /// The file.
        path: PathBuf,
        /// What did not parse.
        #[source]
        source: serde_json::Error,
    },
    /// The corpus the run read could not be read.
    #[error(transparent)]
    Corpus(#[from] crate::corpus::CorpusError),
}

/// The cluster of every clustered document of a `clusters.json` (1-based, in file order), read
/// with the typed reader ([`ClusterReport::from_json`]), and the number of clusters.
pub fn read_clusters_file(path: &Path) -> Result<(HashMap<String, usize>, usize), RescoreError> {
    let bytes = std::fs::read(path).map_err(|source| RescoreError::Read { path: path.into(), source })?;
    let report = ClusterReport::from_json(&bytes)
        .map_err(|source| RescoreError::NotClusters { path: path.into(), source })?;
    let mut cluster_of: HashMap<String, usize> = Default::default();
    for (k, c) in report.clusters.iter().enumerate() {
        for id in &c.members {
            cluster_of.insert(id.clone(), k + 1);
        }
    }
    Ok((cluster_of, report.clusters.len()))
}

/// The figures of an earlier run's clusters.
#[derive(Debug, Clone, PartialEq)]
pub struct Rescored {
    /// Agreement with the labels.
    pub agreement: Agreement,
    /// Labelled pairs, when given.
    pub pairs: Option<PairOutcome>,
}

/// Scores the clusters of `path` against `labels` (and `pairs`). The documents scored are
/// `corpus_ids` when given (the corpus the run read), else every labelled or clustered id.
pub fn rescore_clusters_file(
    path: &Path,
    labels: &HashMap<String, String>,
    pairs: Option<&[LabelledPair]>,
    corpus_ids: impl FnOnce() -> Result<Option<Vec<String>>, crate::corpus::CorpusError>,
) -> Result<Rescored, RescoreError> {
    let (cluster_of, clusters) = read_clusters_file(path)?;
    let mut ids: Vec<String> = match corpus_ids()? {
        Some(ids) => ids,
        None => labels.keys().chain(cluster_of.keys()).cloned().collect(),
    };
    ids.sort();
    ids.dedup();
    let truth: Vec<&str> = ids.iter().map(|id| labels.get(id).map(String::as_str).unwrap_or(id)).collect();
    let base = clusters + 1;
    let predicted: Vec<usize> =
        ids.iter().enumerate().map(|(i, id)| cluster_of.get(id).copied().unwrap_or(base + i)).collect();
    let agreement = agreement(&truth, &predicted);
    let pairs = pairs.map(|pairs| {
        let map: HashMap<&str, usize> = ids.iter().zip(&predicted).map(|(id, &c)| (id.as_str(), c)).collect();
        pair_outcome(pairs, &map, |p| p.jaccard, &PAIR_BANDS)
    });
    Ok(Rescored { agreement, pairs })
}
