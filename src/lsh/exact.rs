//! Exact candidate generation: every pair whose Jaccard similarity can reach the threshold,
//! found without LSH through an inverted index with prefix filtering (All-Pairs, Bayardo et
//! al. 2007; the family PPJoin and SetSimilaritySearch belong to).
//!
//! Shingles are ranked by document frequency, rarest first, and every set is rewritten in rank
//! order. If `J(x, y) ≥ t` then `|x ∩ y| ≥ ⌈t·max(|x|, |y|)⌉`, so `x` and `y` share a shingle
//! among the first `|x| − ⌈t·|x|⌉ + 1` of `x` (its *prefix*) and likewise of `y`. Only prefixes
//! are indexed, and a pair is proposed only when the sizes allow the threshold
//! (`|y| ≥ ⌈t·|x|⌉`). Because prefixes hold the rarest shingles, boilerplate shared by many
//! documents rarely sits in a prefix and the join stays far from quadratic. This generator has
//! no false negatives: it is the oracle LSH is measured against.

use super::{finish_pairs, Pair};
use rayon::prelude::*;

/// Smallest overlap a set of size `n` needs with another set for Jaccard ≥ `t`.
fn min_overlap(t: f64, n: usize) -> usize {
    ((t * n as f64) - 1e-9).ceil().max(1.0) as usize
}

/// Every pair `(i, j)` whose sets may reach Jaccard `threshold` (a superset of the true answer;
/// verification drops the rest). `sets[i]` is a sorted, deduplicated shingle set, or `None` for
/// documents that are not indexed.
pub fn candidates(sets: &[Option<&[u64]>], threshold: f64) -> Vec<Pair> {
    // Global document frequency of each shingle, through one sort of all occurrences.
    let mut all: Vec<u64> = sets.iter().flatten().flat_map(|s| s.iter().copied()).collect();
    all.par_sort_unstable();
    let mut vocab: Vec<(u64, u32)> = Vec::new();
    for run in all.chunk_by(|a, b| a == b) {
        vocab.push((run[0], run.len() as u32));
    }
    drop(all);
    // Rank: rarest first, ties broken by hash so the order is total and reproducible.
    let mut by_freq: Vec<u32> = (0..vocab.len() as u32).collect();
    by_freq.par_sort_unstable_by_key(|&k| (vocab[k as usize].1, vocab[k as usize].0));
    let mut rank = vec![0u32; vocab.len()];
    for (r, &k) in by_freq.iter().enumerate() {
        rank[k as usize] = r as u32;
    }
    let rank_of = |h: u64| -> u32 {
        let k = vocab.binary_search_by_key(&h, |&(v, _)| v).expect("shingle is in vocabulary");
        rank[k]
    };

    // Each set's prefix in rank order.
    let prefixes: Vec<Vec<u32>> = sets
        .par_iter()
        .map(|s| match s {
            None => Vec::new(),
            Some(s) => {
                let mut ranks: Vec<u32> = s.iter().map(|&h| rank_of(h)).collect();
                ranks.sort_unstable();
                let p = s.len() - min_overlap(threshold, s.len()) + 1;
                ranks.truncate(p);
                ranks
            }
        })
        .collect();

    // Processing order: by size, then index. A document probes only documents before it.
    let size = |i: usize| sets[i].map_or(0, |s| s.len());
    let mut order: Vec<u32> = (0..sets.len() as u32).filter(|&i| sets[i as usize].is_some()).collect();
    order.sort_unstable_by_key(|&i| (size(i as usize), i));
    let mut position = vec![u32::MAX; sets.len()];
    for (p, &i) in order.iter().enumerate() {
        position[i as usize] = p as u32;
    }

    // Inverted index over prefixes: rank -> documents, in processing order.
    let mut postings: Vec<Vec<u32>> = vec![Vec::new(); vocab.len()];
    for &i in &order {
        for &r in &prefixes[i as usize] {
            postings[r as usize].push(i);
        }
    }

    let pairs: Vec<Vec<Pair>> = order
        .par_iter()
        .map(|&x| {
            let n = size(x as usize);
            let min_size = min_overlap(threshold, n);
            let px = position[x as usize];
            let mut found: Vec<u32> = Vec::new();
            for &r in &prefixes[x as usize] {
                for &y in &postings[r as usize] {
                    if position[y as usize] >= px {
                        break;
                    }
                    if size(y as usize) >= min_size {
                        found.push(y);
                    }
                }
            }
            found.sort_unstable();
            found.dedup();
            found.into_iter().map(|y| (x.min(y), x.max(y))).collect()
        })
        .collect();
    finish_pairs(pairs.into_iter().flatten().collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sketch::SplitMix64;
    use crate::verify::jaccard_sorted;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        /// No false negatives: every pair at or above the threshold is proposed.
        #[test]
        fn finds_every_pair_above_threshold(seed: u64, t in 0.1f64..1.0) {
            let mut rng = SplitMix64(seed);
            // Small vocabulary so that sets overlap a lot.
            let sets: Vec<Vec<u64>> = (0..40)
                .map(|_| {
                    let n = 1 + (rng.next_u64() % 12) as usize;
                    let mut s: Vec<u64> = (0..n).map(|_| rng.next_u64() % 20).collect();
                    s.sort_unstable();
                    s.dedup();
                    s
                })
                .collect();
            let refs: Vec<Option<&[u64]>> = sets.iter().map(|s| Some(s.as_slice())).collect();
            let got = candidates(&refs, t);
            for i in 0..sets.len() {
                for j in i + 1..sets.len() {
                    if jaccard_sorted(&sets[i], &sets[j]) >= t {
                        prop_assert!(got.binary_search(&(i as u32, j as u32)).is_ok(),
                            "missed ({i}, {j})");
                    }
                }
            }
        }
    }
}
