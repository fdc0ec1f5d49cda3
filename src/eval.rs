//! Scoring a clustering against labels: pairwise precision, recall and F1 over within-cluster
//! pairs, adjusted Rand index, normalized mutual information; and, given labelled pairs, how
//! many true pairs end up together and how many negative pairs are merged.
//!
//! Every document not in a labelled cluster is a singleton; every document not in a predicted
//! cluster is a singleton. All figures come from one contingency table, so they agree.

use crate::corpus::{read_json_objects, CorpusError};
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// Reads a labels file: JSON Lines of `{"id": ..., "cluster": ...}` (numbers or strings).
/// Returns id → cluster label.
pub fn read_labels(path: &Path) -> Result<HashMap<String, String>, CorpusError> {
    let mut out = HashMap::new();
    for (line, obj) in read_json_objects(path)? {
        let field = |name: &str| match obj.get(name) {
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        };
        let (Some(id), Some(cluster)) = (field("id"), field("cluster")) else {
            return Err(CorpusError::BadRecord {
                source_name: path.display().to_string(),
                line: Some(line),
                reason: "a label needs string or number fields `id` and `cluster`".into(),
            });
        };
        out.insert(id, cluster);
    }
    Ok(out)
}

/// Reads labelled pairs: JSON Lines of `{"a": id, "b": id, "same": bool, "jaccard": x?}`.
pub fn read_pairs(path: &Path) -> Result<Vec<LabelledPair>, CorpusError> {
    read_json_objects(path)?
        .into_iter()
        .map(|(line, obj)| {
            let s = |k: &str| obj.get(k).and_then(Value::as_str).map(str::to_owned);
            match (s("a"), s("b"), obj.get("same").and_then(Value::as_bool)) {
                (Some(a), Some(b), Some(same)) => {
                    Ok(LabelledPair { a, b, same, jaccard: obj.get("jaccard").and_then(Value::as_f64) })
                }
                _ => Err(CorpusError::BadRecord {
                    source_name: path.display().to_string(),
                    line: Some(line),
                    reason: "a labelled pair needs string fields `a`, `b` and a boolean `same`".into(),
                }),
            }
        })
        .collect()
}

/// Clustering agreement figures.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
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

/// A labelled pair: two document ids and whether they belong together.
#[derive(Debug, Clone, PartialEq)]
pub struct LabelledPair {
    /// First id.
    pub a: String,
    /// Second id.
    pub b: String,
    /// Whether they are the same story.
    pub same: bool,
    /// The Jaccard similarity recorded with the pair, if any.
    pub jaccard: Option<f64>,
}

/// How labelled pairs fared: in `bands` of a Jaccard value, how many true pairs ended in one
/// cluster, and how many negative pairs were merged.
#[derive(Debug, Clone, PartialEq, Serialize)]
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
#[derive(Debug, Clone, PartialEq, Serialize)]
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

/// One swept parameter: `threshold=0.3:0.9:0.05` (start:end:step, inclusive) or
/// `num-perm=64,128,256` (a list). Sweepable: `threshold`, `num-perm`, `shingle`,
/// `min-passage`, `min-coverage`.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepAxis {
    /// Parameter name as on the command line (without `--`).
    pub name: String,
    /// Values, as text.
    pub values: Vec<String>,
}

/// Parameters `--sweep` accepts.
pub const SWEEPABLE: [&str; 5] = ["threshold", "num-perm", "shingle", "min-passage", "min-coverage"];

impl std::str::FromStr for SweepAxis {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let (name, spec) = s.split_once('=').ok_or_else(|| format!("expected NAME=VALUES, got `{s}`"))?;
        if !SWEEPABLE.contains(&name) {
            return Err(format!("cannot sweep `{name}` (sweepable: {})", SWEEPABLE.join(", ")));
        }
        let parts: Vec<&str> = spec.split(':').collect();
        let numeric = parts.len() == 3 && parts.iter().all(|p| p.parse::<f64>().is_ok());
        let values = if numeric {
            let v: Vec<f64> = parts.iter().filter_map(|p| p.parse().ok()).collect();
            let (start, end, step) = (v[0], v[1], v[2]);
            if step <= 0.0 || end < start {
                return Err(format!("`{spec}`: need start <= end and a positive step"));
            }
            let n = ((end - start) / step + 1e-9).floor() as usize + 1;
            if n > 1000 {
                return Err(format!("`{spec}` gives {n} values; at most 1000"));
            }
            (0..n).map(|k| format!("{}", ((start + k as f64 * step) * 1e6).round() / 1e6)).collect()
        } else {
            spec.split(',').map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned).collect::<Vec<_>>()
        };
        if values.is_empty() {
            return Err(format!("`{s}` has no values"));
        }
        Ok(SweepAxis { name: name.to_owned(), values })
    }
}

/// Every combination of the axes' values, as (name, value) lists in axis order.
pub fn settings(axes: &[SweepAxis]) -> Vec<Vec<(String, String)>> {
    let mut out: Vec<Vec<(String, String)>> = vec![Vec::new()];
    for axis in axes {
        out = out
            .into_iter()
            .flat_map(|prefix| {
                axis.values.iter().map(move |v| {
                    let mut p = prefix.clone();
                    p.push((axis.name.clone(), v.clone()));
                    p
                })
            })
            .collect();
    }
    out
}

/// Sets one swept parameter on `params`.
pub fn apply(params: &mut crate::pipeline::Params, name: &str, value: &str) -> Result<(), String> {
    let bad = |e: &dyn std::fmt::Display| format!("--sweep {name}={value}: {e}");
    match name {
        "threshold" => params.threshold = value.parse().map_err(|e| bad(&e))?,
        "num-perm" => params.num_perm = value.parse().map_err(|e| bad(&e))?,
        "shingle" => params.shingle = value.parse().map_err(|e: String| bad(&e))?,
        "min-passage" | "min-coverage" => {
            let p =
                params.passages.as_mut().ok_or_else(|| bad(&"passage detection is off (--no-passages)"))?;
            if name == "min-passage" {
                p.rule.min_passage = value.parse().map_err(|e| bad(&e))?;
            } else {
                p.rule.min_coverage = value.parse().map_err(|e| bad(&e))?;
            }
        }
        _ => return Err(bad(&"not sweepable")),
    }
    Ok(())
}

/// LSH against the exact answer on the same corpus: how many of the pairs with Jaccard ≥ the
/// threshold the candidate stage found, and how much verification had to drop.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LshFigures {
    /// Pairs at or above the threshold (exact prefix-filtered join).
    pub exact_pairs: usize,
    /// Of which LSH proposed (and verification kept).
    pub found: usize,
    /// found / exact_pairs.
    pub recall: f64,
    /// Candidates LSH proposed.
    pub candidates: usize,
    /// Candidates below the threshold, dropped by verification.
    pub dropped_by_verification: usize,
    /// Share of candidates that were true pairs (before verification).
    pub candidate_precision: f64,
}

/// Compares the run's candidates (LSH) with the exact join at the run's threshold. Recomputes
/// the shingle sets of every document.
pub fn lsh_vs_exact(run: &mut crate::pipeline::RunResult) -> LshFigures {
    let all = vec![true; run.docs.len()];
    crate::pipeline::fill_sets(&mut run.docs, &all, &run.config);
    let sets: Vec<&[u64]> = run.docs.iter().map(|d| d.shingles.as_slice()).collect();
    let indexed: Vec<Option<&[u64]>> =
        run.docs.iter().map(|d| (!d.is_empty()).then_some(d.shingles.as_slice())).collect();
    let t = run.config.threshold;
    let exact = crate::verify::verify(&crate::lsh::exact::candidates(&indexed, t), &sets, t);
    let found = exact.iter().filter(|p| run.candidates.binary_search(&(p.a, p.b)).is_ok()).count();
    let kept = run.stats.verified_pairs;
    let ratio = |a: usize, b: usize| if b == 0 { 1.0 } else { a as f64 / b as f64 };
    LshFigures {
        exact_pairs: exact.len(),
        found,
        recall: ratio(found, exact.len()),
        candidates: run.candidates.len(),
        dropped_by_verification: run.candidates.len() - kept,
        candidate_precision: ratio(kept, run.candidates.len()),
    }
}

/// For pairs with exact Jaccard ≥ `floor` (exact join), the share the candidate stage proposed,
/// per Jaccard bin of width `width`: `(lo, hi, pairs, proposed)`. Set against the banding's
/// S-curve, it shows LSH behaving as the theory says.
pub fn candidate_rate_by_jaccard(
    run: &mut crate::pipeline::RunResult,
    floor: f64,
    width: f64,
) -> Vec<(f64, f64, usize, usize)> {
    let all = vec![true; run.docs.len()];
    crate::pipeline::fill_sets(&mut run.docs, &all, &run.config);
    let sets: Vec<&[u64]> = run.docs.iter().map(|d| d.shingles.as_slice()).collect();
    let indexed: Vec<Option<&[u64]>> =
        run.docs.iter().map(|d| (!d.is_empty()).then_some(d.shingles.as_slice())).collect();
    let pairs = crate::verify::verify(&crate::lsh::exact::candidates(&indexed, floor), &sets, floor);
    let nbins = ((1.0 - floor) / width).ceil().max(1.0) as usize;
    let mut bins: Vec<(f64, f64, usize, usize)> = (0..nbins)
        .map(|k| (floor + k as f64 * width, (floor + (k + 1) as f64 * width).min(1.0), 0, 0))
        .collect();
    for p in &pairs {
        let k = (((p.scores.jaccard - floor) / width) as usize).min(nbins - 1);
        bins[k].2 += 1;
        bins[k].3 += run.candidates.binary_search(&(p.a, p.b)).is_ok() as usize;
    }
    bins
}

/// The figures of one evaluated setting.
#[derive(Debug, Clone, Serialize)]
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

/// The share of pairs the candidate stage proposed per exact-Jaccard bin, with the banding
/// whose S-curve it should follow.
#[derive(Debug, Clone, PartialEq)]
pub struct CandidateRate {
    /// The banding of the measured setting.
    pub banding: crate::lsh::banding::Banding,
    /// `(lo, hi, pairs, proposed)` per bin.
    pub bins: Vec<(f64, f64, usize, usize)>,
}

/// The result of a sweep: one row per setting, and the candidate rate of the first LSH setting
/// (with `exact`).
#[derive(Debug, Clone)]
pub struct SweepResult {
    /// Figures per setting, in sweep order.
    pub rows: Vec<Figures>,
    /// Candidate rate by Jaccard bin (with `exact`).
    pub candidate_rate: Option<CandidateRate>,
}

/// Errors of a sweep.
#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    /// A swept value does not fit its parameter.
    #[error("{0}")]
    Setting(String),
    /// A setting gives an impossible configuration.
    #[error(transparent)]
    Config(#[from] crate::pipeline::ConfigError),
    /// Reading the corpus failed.
    #[error(transparent)]
    Run(#[from] crate::pipeline::RunError),
}

/// Runs the pipeline on `inputs` for every setting of `axes` applied to `base` and scores each
/// run against `truth` (and, with `exact`, LSH against the exact join). Documents are read and
/// sketched once per distinct sketch configuration, not once per setting. `on_row` sees each
/// row as soon as it is measured.
pub fn sweep(
    base: &crate::pipeline::Params,
    axes: &[SweepAxis],
    inputs: &[crate::corpus::Input],
    truth: Truth<'_>,
    exact: bool,
    progress: &dyn crate::pipeline::Progress,
    on_row: &mut dyn FnMut(&Figures),
) -> Result<SweepResult, SweepError> {
    use crate::pipeline::{self, CandidateMode};
    let mut rows = Vec::new();
    let mut candidate_rate = None;
    let mut cached: Option<(pipeline::Config, Vec<pipeline::Doc>, Vec<crate::corpus::Skipped>, u64)> = None;
    for setting in settings(axes) {
        let mut p = base.clone();
        for (name, value) in &setting {
            apply(&mut p, name, value).map_err(SweepError::Setting)?;
        }
        let config = p.resolve()?;
        let t = std::time::Instant::now();
        let (docs, skipped, bytes) = match cached.take() {
            Some((c, docs, skipped, bytes)) if pipeline::same_sketch(&c, &config) => (docs, skipped, bytes),
            _ => pipeline::read_and_sketch(inputs.to_vec(), &config, progress)?,
        };
        let mut run = pipeline::run_on(docs, skipped, bytes, t.elapsed(), &config, progress);
        let mut f = figures(&mut run, truth.labels, truth.pairs);
        f.setting = setting.iter().cloned().collect();
        if exact && config.candidates == CandidateMode::Lsh {
            f.lsh = Some(lsh_vs_exact(&mut run));
            if let (None, Some(banding)) = (&candidate_rate, config.banding) {
                let floor = (config.threshold - 0.4).max(0.1);
                candidate_rate =
                    Some(CandidateRate { banding, bins: candidate_rate_by_jaccard(&mut run, floor, 0.05) });
            }
        }
        on_row(&f);
        rows.push(f);
        cached = Some((config, run.docs, run.skipped, bytes));
    }
    Ok(SweepResult { rows, candidate_rate })
}

/// The rows as CSV: one line per setting, a header first.
pub fn to_csv(rows: &[Figures]) -> String {
    let axes: Vec<String> = rows.first().map(|r| r.setting.keys().cloned().collect()).unwrap_or_default();
    let mut out = String::new();
    let mut header: Vec<String> = axes.clone();
    header.extend(
        [
            "documents",
            "candidate_pairs",
            "verified_pairs",
            "passage_links",
            "linked_pairs",
            "clusters",
            "precision",
            "recall",
            "f1",
            "ari",
            "nmi",
            "low_jaccard_recall",
            "negatives_merged",
            "lsh_recall",
            "seconds",
        ]
        .map(str::to_owned),
    );
    out.push_str(&header.join(","));
    out.push('\n');
    let f = |x: Option<f64>| x.map(|v| format!("{v:.6}")).unwrap_or_default();
    for r in rows {
        let mut cells: Vec<String> =
            axes.iter().map(|a| r.setting.get(a).cloned().unwrap_or_default()).collect();
        let low = r.pairs.as_ref().and_then(|p| p.recall_by_jaccard.first()).map(|b| {
            if b.pairs == 0 {
                1.0
            } else {
                b.together as f64 / b.pairs as f64
            }
        });
        let neg = r.pairs.as_ref().map(|p| {
            if p.negative_pairs == 0 {
                0.0
            } else {
                p.negative_pairs_merged as f64 / p.negative_pairs as f64
            }
        });
        cells.extend([
            r.documents.to_string(),
            r.candidate_pairs.to_string(),
            r.verified_pairs.to_string(),
            r.passage_links.to_string(),
            r.linked_pairs.to_string(),
            r.clusters.to_string(),
            f(r.labels.map(|a| a.precision)),
            f(r.labels.map(|a| a.recall)),
            f(r.labels.map(|a| a.f1)),
            f(r.labels.map(|a| a.ari)),
            f(r.labels.map(|a| a.nmi)),
            f(low),
            f(neg),
            f(r.lsh.as_ref().map(|l| l.recall)),
            format!("{:.4}", r.seconds),
        ]);
        out.push_str(&cells.join(","));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod sweep_tests {
    use super::*;

    #[test]
    fn sweep_specs_parse() {
        let a: SweepAxis = "threshold=0.3:0.5:0.1".parse().unwrap();
        assert_eq!(a.values, ["0.3", "0.4", "0.5"]);
        let b: SweepAxis = "shingle=word:3,word:5".parse().unwrap();
        assert_eq!(b.values, ["word:3", "word:5"]);
        assert!("seed=1,2".parse::<SweepAxis>().is_err());
        assert!("threshold=0.9:0.1:0.1".parse::<SweepAxis>().is_err());
        assert!("threshold".parse::<SweepAxis>().is_err());
        let grid = settings(&[a, b]);
        assert_eq!(grid.len(), 6);
        assert_eq!(grid[1], vec![("threshold".into(), "0.3".into()), ("shingle".into(), "word:5".into())]);
    }

    #[test]
    fn apply_sets_parameters() {
        let mut p = crate::pipeline::Params::default();
        apply(&mut p, "threshold", "0.7").unwrap();
        apply(&mut p, "min-passage", "30").unwrap();
        apply(&mut p, "shingle", "char:9").unwrap();
        assert_eq!(p.threshold, 0.7);
        assert_eq!(p.passages.unwrap().rule.min_passage, 30);
        assert_eq!(p.shingle.to_string(), "char:9");
        assert!(apply(&mut p, "num-perm", "many").is_err());
    }
}
