//! Candidate pairs of SimHash fingerprints within Hamming distance `k`, through block tables
//! (Manku, Jain, Das Sarma 2007): split the 64 bits into `k + 1` blocks; by the pigeonhole
//! principle two fingerprints within distance `k` agree exactly on at least one block. One
//! table per block (the "permuted" copy of the fingerprint with that block leading) buckets the
//! documents; pairs in a bucket are kept when their full distance is at most `k`.

use super::{finish_pairs, Pair};
use crate::sketch::simhash::hamming;
use rayon::prelude::*;

/// Pairs of documents whose fingerprints differ in at most `max_hamming` bits. `None`
/// entries are not indexed. `max_hamming` must be below 64.
pub fn candidates(fingerprints: &[Option<u64>], max_hamming: u32) -> Vec<Pair> {
    let blocks = (max_hamming + 1) as usize;
    let per_block: Vec<Vec<Pair>> = (0..blocks)
        .into_par_iter()
        .map(|blk| {
            let lo = blk * 64 / blocks;
            let hi = (blk + 1) * 64 / blocks;
            let width = hi - lo;
            let mask = if width == 64 { u64::MAX } else { ((1u64 << width) - 1) << lo };
            let mut keys: Vec<(u64, u32)> = fingerprints
                .iter()
                .enumerate()
                .filter_map(|(i, f)| f.map(|f| (f & mask, i as u32)))
                .collect();
            keys.sort_unstable();
            let mut pairs = Vec::new();
            for run in keys.chunk_by(|x, y| x.0 == y.0) {
                for (k, &(_, i)) in run.iter().enumerate() {
                    for &(_, j) in &run[k + 1..] {
                        let (fi, fj) = (fingerprints[i as usize], fingerprints[j as usize]);
                        if let (Some(fi), Some(fj)) = (fi, fj) {
                            if hamming(fi, fj) <= max_hamming {
                                pairs.push((i.min(j), i.max(j)));
                            }
                        }
                    }
                }
            }
            pairs
        })
        .collect();
    finish_pairs(per_block.into_iter().flatten().collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sketch::SplitMix64;

    #[test]
    fn finds_exactly_the_pairs_within_distance() {
        let mut rng = SplitMix64(1);
        let mut fps: Vec<u64> = (0..300).map(|_| rng.next_u64()).collect();
        // Plant near neighbours at distances 0..=5.
        for d in 0..6u32 {
            let base = fps[d as usize];
            let mut f = base;
            for bit in 0..d {
                f ^= 1 << (bit * 11 % 64);
            }
            fps.push(f);
        }
        let opt: Vec<Option<u64>> = fps.iter().copied().map(Some).collect();
        for k in [0u32, 3, 5] {
            let got = candidates(&opt, k);
            let mut want = Vec::new();
            for i in 0..fps.len() {
                for j in i + 1..fps.len() {
                    if hamming(fps[i], fps[j]) <= k {
                        want.push((i as u32, j as u32));
                    }
                }
            }
            assert_eq!(got, want, "k = {k}");
        }
    }
}
