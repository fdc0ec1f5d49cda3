//! LSH against the exact answer: recall of the candidate stage, and the share of pairs it
//! proposes per exact-Jaccard bin (set against the banding's S-curve).

use serde::{Deserialize, Serialize};

/// LSH against the exact answer on the same corpus: how many of the pairs with Jaccard ≥ the
/// threshold the candidate stage found, and how much verification had to drop.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    let found = exact.iter().filter(|p| run.proposed(p.a, p.b)).count();
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
        bins[k].3 += run.proposed(p.a, p.b) as usize;
    }
    bins
}

/// The share of pairs the candidate stage proposed per exact-Jaccard bin, with the banding
/// whose S-curve it should follow.
#[derive(Debug, Clone, PartialEq)]
pub struct CandidateRate {
    /// The swept values of the measured setting (empty without `--sweep`).
    pub setting: std::collections::BTreeMap<String, String>,
    /// The threshold of the measured setting.
    pub threshold: f64,
    /// The banding of the measured setting.
    pub banding: crate::lsh::banding::Banding,
    /// `(lo, hi, pairs, proposed)` per bin.
    pub bins: Vec<(f64, f64, usize, usize)>,
}
