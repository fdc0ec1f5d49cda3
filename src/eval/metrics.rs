//! Agreement figures from one contingency table (pairwise P/R/F1, ARI, NMI), labelled-pair
//! outcomes by Jaccard band, and ROC AUC.

use super::LabelledPair;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// Clustering agreement figures.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Agreement {
    /// Documents scored.
    pub documents: usize,
    /// Within-cluster pairs in the truth.
    pub true_pairs: u64,
    /// Within-cluster pairs predicted.
    pub predicted_pairs: u64,
    /// Pairs together in both.
    pub correct_pairs: u64,
    /// correct / predicted (1 when nothing is predicted).
    pub precision: f64,
    /// correct / true (1 when the truth has no pairs).
    pub recall: f64,
    /// Harmonic mean of precision and recall.
    pub f1: f64,
    /// Adjusted Rand index (Hubert & Arabie 1985).
    pub ari: f64,
    /// Normalized mutual information, arithmetic-mean normalization (as scikit-learn).
    pub nmi: f64,
}

/// Predicted cluster label of each of `n` documents: the cluster id, or a unique label above
/// every cluster id for documents in no cluster.
pub fn predicted_labels(n: usize, clusters: &[crate::cluster::Cluster]) -> Vec<usize> {
    let base = clusters.len() + 1;
    let mut labels: Vec<usize> = (0..n).map(|i| base + i).collect();
    for c in clusters {
        for &m in &c.members {
            labels[m as usize] = c.id;
        }
    }
    labels
}

fn pairs(n: u64) -> u64 {
    n * n.saturating_sub(1) / 2
}

/// Compares two labelings of the same documents (`truth[i]`, `predicted[i]`: cluster label
/// of document `i`; give singletons unique labels).
pub fn agreement<T: Ord, P: Ord>(truth: &[T], predicted: &[P]) -> Agreement {
    assert_eq!(truth.len(), predicted.len(), "one label per document on both sides");
    let n = truth.len();
    let mut cells: BTreeMap<(&T, &P), u64> = BTreeMap::new();
    let mut rows: BTreeMap<&T, u64> = BTreeMap::new();
    let mut cols: BTreeMap<&P, u64> = BTreeMap::new();
    for (t, p) in truth.iter().zip(predicted) {
        *cells.entry((t, p)).or_default() += 1;
        *rows.entry(t).or_default() += 1;
        *cols.entry(p).or_default() += 1;
    }
    let correct: u64 = cells.values().map(|&c| pairs(c)).sum();
    let true_pairs: u64 = rows.values().map(|&c| pairs(c)).sum();
    let predicted_pairs: u64 = cols.values().map(|&c| pairs(c)).sum();
    let ratio = |a: u64, b: u64| if b == 0 { 1.0 } else { a as f64 / b as f64 };
    let precision = ratio(correct, predicted_pairs);
    let recall = ratio(correct, true_pairs);
    let f1 = if precision + recall == 0.0 { 0.0 } else { 2.0 * precision * recall / (precision + recall) };

    let total = pairs(n as u64) as f64;
    let expected = if total == 0.0 { 0.0 } else { true_pairs as f64 * predicted_pairs as f64 / total };
    let max = (true_pairs + predicted_pairs) as f64 / 2.0;
    let ari =
        if (max - expected).abs() < 1e-12 { 1.0 } else { (correct as f64 - expected) / (max - expected) };

    let nf = n as f64;
    let entropy = |m: &dyn Fn() -> Vec<u64>| -> f64 {
        m().iter().map(|&c| c as f64 / nf).filter(|&p| p > 0.0).map(|p| -p * p.ln()).sum()
    };
    let h_true = entropy(&|| rows.values().copied().collect());
    let h_pred = entropy(&|| cols.values().copied().collect());
    let mi: f64 = cells
        .iter()
        .map(|(&(t, p), &c)| {
            let pij = c as f64 / nf;
            pij * (pij / ((rows[t] as f64 / nf) * (cols[p] as f64 / nf))).ln()
        })
        .sum();
    let nmi = if h_true + h_pred == 0.0 { 1.0 } else { (2.0 * mi / (h_true + h_pred)).clamp(0.0, 1.0) };
    Agreement {
        documents: n,
        true_pairs,
        predicted_pairs,
        correct_pairs: correct,
        precision,
        recall,
        f1,
        ari,
        nmi,
    }
}

/// How labelled pairs fared: in `bands` of a Jaccard value, how many true pairs ended in one
/// cluster, and how many negative pairs were merged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PairOutcome {
    /// True pairs scored.
    pub true_pairs: usize,
    /// True pairs in one predicted cluster.
    pub true_pairs_together: usize,
    /// Negative pairs scored.
    pub negative_pairs: usize,
    /// Negative pairs in one predicted cluster.
    pub negative_pairs_merged: usize,
    /// Recall of true pairs by Jaccard band `[lo, hi)`.
    pub recall_by_jaccard: Vec<BandRecall>,
}

/// Recall of true pairs in one Jaccard band.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BandRecall {
    /// Lower bound (inclusive).
    pub lo: f64,
    /// Upper bound (exclusive; the last band includes 1).
    pub hi: f64,
    /// True pairs in the band.
    pub pairs: usize,
    /// Of which together.
    pub together: usize,
}

/// Scores labelled pairs against predicted cluster labels (`cluster_of[id]`; ids missing from
/// the map are singletons). `jaccard_of` gives the Jaccard value that places a pair in a band.
pub fn pair_outcome(
    labelled: &[LabelledPair],
    cluster_of: &HashMap<&str, usize>,
    jaccard_of: impl Fn(&LabelledPair) -> Option<f64>,
    bands: &[f64],
) -> PairOutcome {
    let together = |p: &LabelledPair| match (cluster_of.get(p.a.as_str()), cluster_of.get(p.b.as_str())) {
        (Some(x), Some(y)) => x == y,
        _ => false,
    };
    let mut out = PairOutcome {
        true_pairs: 0,
        true_pairs_together: 0,
        negative_pairs: 0,
        negative_pairs_merged: 0,
        recall_by_jaccard: bands
            .windows(2)
            .map(|w| BandRecall { lo: w[0], hi: w[1], pairs: 0, together: 0 })
            .collect(),
    };
    for p in labelled {
        let t = together(p);
        if p.same {
            out.true_pairs += 1;
            out.true_pairs_together += t as usize;
            if let Some(j) = jaccard_of(p) {
                let last = out.recall_by_jaccard.len().saturating_sub(1);
                if let Some(b) = out
                    .recall_by_jaccard
                    .iter_mut()
                    .enumerate()
                    .find(|(k, b)| j >= b.lo && (j < b.hi || (*k == last && j <= b.hi)))
                    .map(|(_, b)| b)
                {
                    b.pairs += 1;
                    b.together += t as usize;
                }
            }
        } else {
            out.negative_pairs += 1;
            out.negative_pairs_merged += t as usize;
        }
    }
    out
}

/// Area under the ROC curve of `scores` for `positive` labels (probability that a random
/// positive scores above a random negative, ties counting half).
pub fn roc_auc(scored: &[(f64, bool)]) -> f64 {
    let pos: Vec<f64> = scored.iter().filter(|s| s.1).map(|s| s.0).collect();
    let neg: Vec<f64> = scored.iter().filter(|s| !s.1).map(|s| s.0).collect();
    if pos.is_empty() || neg.is_empty() {
        return f64::NAN;
    }
    let mut wins = 0.0;
    for &p in &pos {
        for &q in &neg {
            wins += if p > q {
                1.0
            } else if p == q {
                0.5
            } else {
                0.0
            };
        }
    }
    wins / (pos.len() * neg.len()) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ari_and_nmi_match_hand_computed_values() {
        // truth {0,1},{2,3}; predicted {0,1},{2},{3}: ARI = 4/7, NMI = 0.8.
        let a = agreement(&[0, 0, 1, 1], &[0, 0, 1, 2]);
        assert!((a.ari - 4.0 / 7.0).abs() < 1e-12, "{}", a.ari);
        assert!((a.nmi - 0.8).abs() < 1e-12, "{}", a.nmi);
        assert_eq!((a.true_pairs, a.predicted_pairs, a.correct_pairs), (2, 1, 1));
        assert_eq!((a.precision, a.recall), (1.0, 0.5));
    }

    #[test]
    fn identical_labelings_score_one_and_label_names_do_not_matter() {
        let a = agreement(&["x", "x", "y", "z"], &[7, 7, 3, 1]);
        assert_eq!((a.ari, a.nmi, a.f1), (1.0, 1.0, 1.0));
    }

    #[test]
    fn everything_merged_has_zero_ari() {
        let a = agreement(&[0, 1, 2, 3, 4, 4], &[0, 0, 0, 0, 0, 0]);
        assert!(a.ari.abs() < 0.2);
        assert!(a.precision < 0.1);
    }

    #[test]
    fn pair_outcomes_by_band() {
        let lp =
            |a: &str, b: &str, same, j| LabelledPair { a: a.into(), b: b.into(), same, jaccard: Some(j) };
        let pairs = [
            lp("a", "b", true, 0.2),
            lp("a", "c", true, 0.9),
            lp("a", "d", false, 0.1),
            lp("c", "d", false, 0.1),
        ];
        let cluster_of: HashMap<&str, usize> = [("a", 1), ("b", 1), ("d", 1)].into_iter().collect();
        let o = pair_outcome(&pairs, &cluster_of, |p| p.jaccard, &[0.0, 0.35, 1.0]);
        assert_eq!((o.true_pairs, o.true_pairs_together), (2, 1));
        assert_eq!((o.negative_pairs, o.negative_pairs_merged), (2, 1));
        assert_eq!((o.recall_by_jaccard[0].pairs, o.recall_by_jaccard[0].together), (1, 1));
        assert_eq!((o.recall_by_jaccard[1].pairs, o.recall_by_jaccard[1].together), (1, 0));
    }

    #[test]
    fn roc_auc_counts_ties_half() {
        assert_eq!(roc_auc(&[(0.9, true), (0.1, false)]), 1.0);
        assert_eq!(roc_auc(&[(0.5, true), (0.5, false)]), 0.5);
        assert_eq!(roc_auc(&[(0.1, true), (0.9, false), (0.95, true)]), 0.5);
    }
}
