//! MinHash banding: `b` bands of `r` rows; two documents become candidates when all `r` rows
//! of some band agree, which happens with probability `1 − (1 − s^r)^b` for Jaccard `s`.

use super::{bucket_pairs, finish_pairs, Pair};
use rayon::prelude::*;
use serde::Serialize;
use xxhash_rust::xxh3::xxh3_64_with_seed;

/// Bands and rows of a MinHash LSH index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Banding {
    /// Number of bands.
    pub bands: usize,
    /// Rows (signature slots) per band.
    pub rows: usize,
}

/// Probability with which a pair exactly at the threshold must become a candidate when bands
/// and rows are chosen from the threshold. Every candidate is verified exactly, so a false
/// positive costs one set intersection, while a false negative loses a result for good; the
/// banding is therefore chosen for recall first (see [`Banding::optimal`]).
pub const RECALL_AT_THRESHOLD: f64 = 0.99;

impl Banding {
    /// Probability that a pair with Jaccard `s` becomes a candidate.
    pub fn probability(&self, s: f64) -> f64 {
        1.0 - (1.0 - s.powi(self.rows as i32)).powi(self.bands as i32)
    }

    /// Chooses `(b, r)` with `b·r ≤ num_perm` for a Jaccard threshold `t`: among the bandings
    /// that make a pair at the threshold a candidate with probability at least
    /// [`RECALL_AT_THRESHOLD`] (so every pair at or above `t` is found with at least that
    /// probability), the one with the smallest false-positive area `∫₀ᵗ P(s) ds`, i.e. the
    /// fewest candidates to verify. If no banding reaches the target (tiny signatures), the
    /// one with the highest probability at `t` is taken.
    ///
    /// datasketch instead minimizes an equally weighted sum of false-positive and
    /// false-negative areas, which puts the S-curve's midpoint at the threshold and misses
    /// about half of the pairs near it; with exact verification behind it, that trade is wrong.
    pub fn optimal(threshold: f64, num_perm: usize) -> Banding {
        let mut best: Option<(bool, f64, Banding)> = None;
        for bands in 1..=num_perm {
            for rows in 1..=num_perm / bands {
                let cand = Banding { bands, rows };
                let p_t = cand.probability(threshold);
                let ok = p_t >= RECALL_AT_THRESHOLD;
                // Feasible bandings compare by false-positive area, others by recall at t.
                let cost = if ok { integrate(|s| cand.probability(s), 0.0, threshold) } else { -p_t };
                let better = match best {
                    None => true,
                    Some((best_ok, best_cost, _)) => {
                        (ok && !best_ok) || (ok == best_ok && cost < best_cost - 1e-12)
                    }
                };
                if better {
                    best = Some((ok, cost, cand));
                }
            }
        }
        best.map_or(Banding { bands: num_perm.max(1), rows: 1 }, |(_, _, b)| b)
    }

    /// The bucket of `signature` in band `band`: two documents are proposed when their keys
    /// in some band are equal. `bytes` is scratch space.
    pub fn key(&self, band: usize, signature: &[u32], seed: u64, bytes: &mut Vec<u8>) -> u64 {
        let lo = band * self.rows;
        let band_seed = seed ^ (band as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        bytes.clear();
        bytes.extend(signature[lo..lo + self.rows].iter().flat_map(|v| v.to_le_bytes()));
        xxh3_64_with_seed(bytes, band_seed)
    }

    /// Proposes every pair of documents that share a band. `signatures[i]` is document `i`'s
    /// signature, or `None` for documents that must not be indexed (empty ones).
    pub fn candidates(&self, signatures: &[Option<&[u32]>], seed: u64) -> Vec<Pair> {
        let per_band: Vec<Vec<Pair>> = (0..self.bands)
            .into_par_iter()
            .map(|band| {
                let mut bytes = Vec::with_capacity(4 * self.rows);
                let mut keys: Vec<(u64, u32)> = Vec::with_capacity(signatures.len());
                for (i, s) in signatures.iter().enumerate() {
                    let Some(s) = s else { continue };
                    keys.push((self.key(band, s, seed, &mut bytes), i as u32));
                }
                keys.sort_unstable();
                let mut pairs = Vec::new();
                let mut members = Vec::new();
                for run in keys.chunk_by(|x, y| x.0 == y.0) {
                    if run.len() > 1 {
                        members.clear();
                        members.extend(run.iter().map(|&(_, i)| i));
                        bucket_pairs(&members, &mut pairs);
                    }
                }
                pairs
            })
            .collect();
        finish_pairs(per_band.into_iter().flatten().collect())
    }
}

/// Midpoint-rule integral with fine steps (the integrands are smooth).
fn integrate(f: impl Fn(f64) -> f64, a: f64, b: f64) -> f64 {
    let steps = 200;
    let h = (b - a) / steps as f64;
    (0..steps).map(|i| f(a + (i as f64 + 0.5) * h)).sum::<f64>() * h
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sketch::{MinHasher, SplitMix64};

    #[test]
    fn optimal_banding_fits_in_signature_and_centres_on_threshold() {
        for &(t, k) in &[(0.5, 128), (0.8, 128), (0.3, 64), (0.9, 256)] {
            let b = Banding::optimal(t, k);
            assert!(b.bands * b.rows <= k);
            // Pairs at the threshold are found with the promised probability, pairs far below
            // it rarely.
            assert!(b.probability(t) >= RECALL_AT_THRESHOLD, "{b:?} at {t}");
            assert!(b.probability((t - 0.4).max(0.0)) < 0.5, "{b:?} at {t}");
        }
    }

    /// For pairs of known Jaccard, the measured candidate rate follows the S-curve within
    /// sampling error.
    #[test]
    fn candidate_rate_follows_s_curve() {
        let banding = Banding { bands: 16, rows: 8 };
        let mh = MinHasher::new(128, 3);
        let mut rng = SplitMix64(11);
        for &(common, diff) in &[(100usize, 100usize), (300, 50), (150, 25), (60, 140)] {
            let j = common as f64 / (common + 2 * diff) as f64;
            let pairs = 400;
            let mut sigs = Vec::new();
            for _ in 0..pairs {
                let shared: Vec<u64> = (0..common).map(|_| rng.next_u64()).collect();
                let mut a = shared.clone();
                a.extend((0..diff).map(|_| rng.next_u64()));
                let mut b = shared;
                b.extend((0..diff).map(|_| rng.next_u64()));
                sigs.push(mh.signature(&a));
                sigs.push(mh.signature(&b));
            }
            let refs: Vec<Option<&[u32]>> = sigs.iter().map(|s| Some(s.as_slice())).collect();
            let cands = banding.candidates(&refs, 9);
            let hits = cands.iter().filter(|&&(i, k)| i % 2 == 0 && k == i + 1).count();
            let rate = hits as f64 / pairs as f64;
            let p = banding.probability(j);
            let sd = (p * (1.0 - p) / pairs as f64).sqrt();
            assert!((rate - p).abs() <= 4.0 * sd + 0.02, "J={j:.3}: rate {rate}, S-curve {p}");
        }
    }
}
