//! Exact candidate generation: every pair whose Jaccard similarity can reach the threshold,
//! found without LSH through an inverted index with prefix filtering (All-Pairs, Bayardo et
//! al. 2007; the family PPJoin and SetSimilaritySearch belong to).
//!
//! Shingles are ranked by document frequency, rarest first, and every set is rewritten in rank
//! order. If `J(x, y) ≥ t` then `|x ∩ y| ≥ ⌈t·max(|x|, |y|)⌉`, so `x` and `y` share a shingle
//! among the first `|x| − ⌈t·|x|⌉ + 1` of `x` (its *prefix*) and likewise of `y`. Only prefixes
//! are indexed, and a pair is proposed only when the sizes allow the threshold
//! (`|y| ≥ ⌈t·|x|⌉`). Because prefixes hold the rarest shingles, boilerplate shared by many
//! documents rarely sits in a prefix and the join stays far from quadratic. Shingles of a
//! single document come first in every prefix and can pair with nothing, so only the shared
//! shingles of prefixes are indexed. This generator has no false negatives: it is the oracle
//! LSH is measured against.

use super::occurrences::sorted_occurrences;
use super::{finish_pairs, Pair};
use rayon::prelude::*;
use std::sync::atomic::{AtomicU32, AtomicU64, AtomicUsize, Ordering::Relaxed};

/// The runs of equal hashes of a sorted piece that more than one document holds.
fn runs(p: &[(u64, u32)]) -> impl Iterator<Item = &[(u64, u32)]> {
    p.chunk_by(|a, b| a.0 == b.0).filter(|r| r.len() > 1)
}

/// Smallest overlap a set of size `n` needs with another set for Jaccard ≥ `t`.
fn min_overlap(t: f64, n: usize) -> usize {
    ((t * n as f64) - 1e-9).ceil().max(1.0) as usize
}

/// Every pair `(i, j)` whose sets may reach Jaccard `threshold` (a superset of the true answer;
/// verification drops the rest). `sets[i]` is a sorted, deduplicated shingle set, or `None` for
/// documents that are not indexed.
pub fn candidates(sets: &[Option<&[u64]>], threshold: f64) -> Vec<Pair> {
    let n = sets.len();
    // Global document frequency of each shingle, through one sort of all occurrences (with
    // the document each comes from, so shingles go back to documents without a lookup).
    let (occurrences, bounds) = sorted_occurrences(sets);
    let pieces: Vec<&[(u64, u32)]> = bounds.windows(2).map(|w| &occurrences[w[0]..w[1]]).collect();
    // Only shingles of two or more documents can make a pair. Those of one document are the
    // rarest, so they come first in every prefix: a set needs only their number, and its
    // shared shingles (as `(document frequency, shingle number)`), grouped by document (CSR).
    // Shared shingle `k` is the k-th shared hash, so numbers order shingles as hashes do.
    let shared: Vec<AtomicU32> = (0..n).map(|_| AtomicU32::new(0)).collect();
    let in_piece: Vec<u32> = pieces
        .par_iter()
        .map(|p| {
            let mut k = 0u32;
            for run in runs(p) {
                k += 1;
                for &(_, d) in run {
                    shared[d as usize].fetch_add(1, Relaxed);
                }
            }
            k
        })
        .collect();
    let mut first = vec![0u32; pieces.len() + 1];
    for (i, &k) in in_piece.iter().enumerate() {
        first[i + 1] = first[i] + k;
    }
    let vocabulary = first[pieces.len()] as usize;
    let mut at = vec![0usize; n + 1];
    for (d, s) in shared.into_iter().enumerate() {
        at[d + 1] = at[d] + s.into_inner() as usize;
    }
    let fill: Vec<AtomicUsize> = at[..n].iter().map(|&a| AtomicUsize::new(a)).collect();
    let keyed: Vec<AtomicU64> = (0..at[n]).map(|_| AtomicU64::new(0)).collect();
    pieces.par_iter().zip(first.par_iter()).for_each(|(p, &k0)| {
        for (k, run) in (k0..).zip(runs(p)) {
            let key = (run.len() as u64) << 32 | k as u64;
            for &(_, d) in run {
                keyed[fill[d as usize].fetch_add(1, Relaxed)].store(key, Relaxed);
            }
        }
    });
    drop((pieces, fill));
    drop(occurrences);
    let mut keyed: Vec<u64> = keyed.into_iter().map(AtomicU64::into_inner).collect();
    // Each set's prefix: its rarest shingles, ties broken by hash so the order is total and
    // reproducible (the global rank order, without ranking the whole vocabulary). Of a prefix,
    // only the shared shingles are kept: the others can never be in another set's.
    let mut keyed_sets: Vec<&mut [u64]> = Vec::with_capacity(n);
    let mut rest = keyed.as_mut_slice();
    for d in 0..n {
        let (set, tail) = rest.split_at_mut(at[d + 1] - at[d]);
        keyed_sets.push(set);
        rest = tail;
    }
    let prefixes: Vec<Vec<u32>> = keyed_sets
        .into_par_iter()
        .zip(sets.par_iter())
        .map(|(keys, s)| match s {
            None => Vec::new(),
            Some(s) => {
                let keep = s.len() - min_overlap(threshold, s.len()) + 1;
                let Some(keep) = keep.checked_sub(s.len() - keys.len()).filter(|&k| k > 0) else {
                    return Vec::new();
                };
                if keep < keys.len() {
                    keys.select_nth_unstable(keep);
                }
                keys[..keep.min(keys.len())].iter().map(|&key| key as u32).collect()
            }
        })
        .collect();
    drop(keyed);

    // Processing order: by size, then index. A document probes only documents before it.
    let size = |i: usize| sets[i].map_or(0, |s| s.len());
    let mut order: Vec<u32> = (0..sets.len() as u32).filter(|&i| sets[i as usize].is_some()).collect();
    order.sort_unstable_by_key(|&i| (size(i as usize), i));
    let size_at: Vec<u32> = order.iter().map(|&i| size(i as usize) as u32).collect();

    // Inverted index over prefixes, compressed (CSR): shingle -> positions in processing order,
    // ascending, so the documents a probe may pair with are one slice of each list.
    let mut start = vec![0u32; vocabulary + 1];
    for &i in &order {
        for &r in &prefixes[i as usize] {
            start[r as usize + 1] += 1;
        }
    }
    for r in 0..vocabulary {
        start[r + 1] += start[r];
    }
    let mut fill = start.clone();
    let mut postings = vec![0u32; start[vocabulary] as usize];
    for (p, &i) in order.iter().enumerate() {
        for &r in &prefixes[i as usize] {
            postings[fill[r as usize] as usize] = p as u32;
            fill[r as usize] += 1;
        }
    }
    drop(fill);

    let pairs: Vec<Vec<Pair>> = order
        .par_iter()
        .enumerate()
        .map(|(px, &x)| {
            let px = px as u32;
            let min_size = min_overlap(threshold, size(x as usize)) as u32;
            let mut found: Vec<u32> = Vec::new();
            for &r in &prefixes[x as usize] {
                let list = &postings[start[r as usize] as usize..start[r as usize + 1] as usize];
                // Documents before x (processing order is by size, so the sizes along a list
                // never decrease) that are large enough to reach the threshold with it.
                let hi = list.partition_point(|&p| p < px);
                let lo = list[..hi].partition_point(|&p| size_at[p as usize] < min_size);
                found.extend(list[lo..hi].iter().map(|&p| order[p as usize]));
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
