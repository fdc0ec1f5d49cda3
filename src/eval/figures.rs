//! The figures of one evaluated run: counts, agreement with labels, labelled pairs by band.

use super::{agreement, pair_outcome, predicted_labels, Agreement, LabelledPair, LshFigures, PairOutcome};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// The figures of one evaluated setting.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Figures {
    /// Swept parameter values of this setting (empty without `--sweep`).
    pub setting: BTreeMap<String, String>,
    /// Documents.
    pub documents: usize,
    /// Candidate pairs.
    pub candidate_pairs: usize,
    /// Pairs with Jaccard ≥ threshold.
    pub verified_pairs: usize,
    /// Pairs linked by passages only.
    pub passage_links: usize,
    /// All links.
    pub linked_pairs: usize,
    /// Clusters.
    pub clusters: usize,
    /// Agreement with the labels.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub labels: Option<Agreement>,
    /// Labelled pairs, banded by the pairs file's own `jaccard`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pairs: Option<PairOutcome>,
    /// Labelled pairs, banded by reprint's exact Jaccard.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pairs_by_reprint_jaccard: Option<PairOutcome>,
    /// LSH against the exact answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lsh: Option<LshFigures>,
    /// Wall time of the stages after reading, in seconds.
    pub seconds: f64,
}

/// Jaccard bands used for labelled pairs.
pub const PAIR_BANDS: [f64; 4] = [0.0, 0.35, 0.5, 1.0];

/// Scores a finished run against labels and labelled pairs (recomputing the shingle sets of
/// the documents in labelled pairs).
pub fn figures(
    run: &mut crate::pipeline::RunResult,
    labels: Option<&HashMap<String, String>>,
    pairs: Option<&[LabelledPair]>,
) -> Figures {
    if let Some(pairs) = pairs {
        let index: HashMap<&str, usize> =
            run.docs.iter().enumerate().map(|(i, d)| (d.id.as_str(), i)).collect();
        let mut wanted = vec![false; run.docs.len()];
        for p in pairs {
            for id in [&p.a, &p.b] {
                if let Some(&i) = index.get(id.as_str()) {
                    wanted[i] = true;
                }
            }
        }
        crate::pipeline::fill_sets(&mut run.docs, &wanted, &run.config);
    }
    let run: &crate::pipeline::RunResult = run;
    let predicted = predicted_labels(run.docs.len(), &run.clusters);
    let agreement_figs = labels.map(|labels| {
        let truth: Vec<&str> =
            run.docs.iter().map(|d| labels.get(&d.id).map(String::as_str).unwrap_or(d.id.as_str())).collect();
        // Unlabelled documents are singletons: their own id is a label no cluster shares
        // unless a labelled cluster happens to have that name, which ids and cluster names
        // of one file do not.
        agreement(&truth, &predicted)
    });
    let (by_file, by_reprint) = match pairs {
        None => (None, None),
        Some(pairs) => {
            let cluster_of: HashMap<&str, usize> =
                run.docs.iter().zip(&predicted).map(|(d, &c)| (d.id.as_str(), c)).collect();
            let index: HashMap<&str, usize> =
                run.docs.iter().enumerate().map(|(i, d)| (d.id.as_str(), i)).collect();
            let by_file = pair_outcome(pairs, &cluster_of, |p| p.jaccard, &PAIR_BANDS);
            let by_reprint = pair_outcome(
                pairs,
                &cluster_of,
                |p| {
                    let (x, y) = (index.get(p.a.as_str())?, index.get(p.b.as_str())?);
                    Some(crate::verify::jaccard_sorted(&run.docs[*x].shingles, &run.docs[*y].shingles))
                },
                &PAIR_BANDS,
            );
            (Some(by_file), Some(by_reprint))
        }
    };
    let s = &run.stats;
    Figures {
        setting: BTreeMap::new(),
        documents: s.documents,
        candidate_pairs: s.candidate_pairs,
        verified_pairs: s.verified_pairs,
        passage_links: s.passage_links,
        linked_pairs: s.linked_pairs,
        clusters: s.clusters,
        labels: agreement_figs,
        pairs: by_file,
        pairs_by_reprint_jaccard: by_reprint,
        lsh: None,
        seconds: s.timings.iter().filter(|(k, _)| *k != "read+sketch").map(|(_, d)| d.as_secs_f64()).sum(),
    }
}

/// The truth a run is scored against.
#[derive(Debug, Clone, Copy, Default)]
pub struct Truth<'a> {
    /// id → cluster label.
    pub labels: Option<&'a HashMap<String, String>>,
    /// Labelled pairs.
    pub pairs: Option<&'a [LabelledPair]>,
}
