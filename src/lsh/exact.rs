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

/// `items` sorted by hash: a counting pass on the top bits of the hash (hashes are uniform),
/// then each bucket sorted on its own, in parallel and in cache.
fn sort_by_hash(items: Vec<(u64, u32)>) -> Vec<(u64, u32)> {
    const BITS: u32 = 11;
    let bucket = |h: u64| (h >> (64 - BITS)) as usize;
    let mut start = vec![0usize; (1 << BITS) + 1];
    for &(h, _) in &items {
        start[bucket(h) + 1] += 1;
    }
    for b in 0..1 << BITS {
        start[b + 1] += start[b];
    }
    let mut fill = start.clone();
    let mut out = vec![(0u64, 0u32); items.len()];
    for &(h, d) in &items {
        let b = bucket(h);
        out[fill[b]] = (h, d);
        fill[b] += 1;
    }
    drop(items);
    let mut buckets: Vec<&mut [(u64, u32)]> = Vec::with_capacity(1 << BITS);
    let mut rest = out.as_mut_slice();
    for b in 0..1 << BITS {
        let (this, tail) = rest.split_at_mut(start[b + 1] - start[b]);
        buckets.push(this);
        rest = tail;
    }
    buckets.into_par_iter().for_each(|b| b.sort_unstable());
    out
}

/// Smallest overlap a set of size `n` needs with another set for Jaccard ≥ `t`.
fn min_overlap(t: f64, n: usize) -> usize {
    ((t * n as f64) - 1e-9).ceil().max(1.0) as usize
}

/// Every pair `(i, j)` whose sets may reach Jaccard `threshold` (a superset of the true answer;
/// verification drops the rest). `sets[i]` is a sorted, deduplicated shingle set, or `None` for
/// documents that are not indexed.
pub fn candidates(sets: &[Option<&[u64]>], threshold: f64) -> Vec<Pair> {
    // Global document frequency of each shingle, through one sort of all occurrences (with
    // the document each comes from, so shingles go back to documents without a lookup).
    let all: Vec<(u64, u32)> = sets
        .par_iter()
        .enumerate()
        .flat_map_iter(|(d, s)| s.iter().flat_map(move |s| s.iter().map(move |&h| (h, d as u32))))
        .collect();
    let all = sort_by_hash(all);
    let runs: Vec<&[(u64, u32)]> = all.chunk_by(|a, b| a.0 == b.0).collect();
    let vocabulary = runs.len();

    // Every set's shingles as (document frequency, shingle number), grouped by document (CSR);
    // shingle `k` is the k-th distinct hash, so numbers order shingles as their hashes do.
    let mut at = vec![0usize; sets.len() + 1];
    for (d, s) in sets.iter().enumerate() {
        at[d + 1] = at[d] + s.map_or(0, |s| s.len());
    }
    let mut fill = at.clone();
    let mut keyed = vec![(0u32, 0u32); at[sets.len()]];
    for (k, run) in runs.iter().enumerate() {
        for &(_, d) in *run {
            keyed[fill[d as usize]] = (run.len() as u32, k as u32);
            fill[d as usize] += 1;
        }
    }
    drop((runs, fill));
    drop(all);
    // Each set's prefix: its rarest shingles, ties broken by hash so the order is total and
    // reproducible (the global rank order, without ranking the whole vocabulary).
    let mut keyed_sets: Vec<&mut [(u32, u32)]> = Vec::with_capacity(sets.len());
    let mut rest = keyed.as_mut_slice();
    for d in 0..sets.len() {
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
                if keep < keys.len() {
                    keys.select_nth_unstable(keep);
                }
                keys[..keep.min(keys.len())].iter().map(|&(_, k)| k).collect()
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
