//! 64-bit SimHash fingerprints (Charikar 2002) of shingle sets.
//!
//! Every shingle hash votes +1 or −1 on each of the 64 bit positions; a fingerprint bit is set
//! where the vote is positive. Similar sets give fingerprints at small Hamming distance; see
//! [`crate::lsh::hamming`] for how candidates are found.

use bitvec::prelude::*;

/// The SimHash fingerprint of a set of shingle hashes (each counted once per occurrence in
/// `shingles`; pass a deduplicated set for set semantics).
pub fn simhash(shingles: &[u64]) -> u64 {
    let mut votes = [0i32; 64];
    for &h in shingles {
        let bits = h.view_bits::<Lsb0>();
        for (v, bit) in votes.iter_mut().zip(bits.iter()) {
            *v += if *bit { 1 } else { -1 };
        }
    }
    let mut fp = 0u64;
    let out = fp.view_bits_mut::<Lsb0>();
    for (i, v) in votes.iter().enumerate() {
        out.set(i, *v > 0);
    }
    fp
}

/// Number of differing bits.
#[inline]
pub fn hamming(a: u64, b: u64) -> u32 {
    (a ^ b).count_ones()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sketch::SplitMix64;

    #[test]
    fn similar_sets_are_close_and_unrelated_far() {
        let mut rng = SplitMix64(5);
        let base: Vec<u64> = (0..1000).map(|_| rng.next_u64()).collect();
        let mut near = base.clone();
        near[0] = rng.next_u64();
        let other: Vec<u64> = (0..1000).map(|_| rng.next_u64()).collect();
        assert_eq!(simhash(&base), simhash(&base));
        assert!(hamming(simhash(&base), simhash(&near)) <= 3);
        assert!(hamming(simhash(&base), simhash(&other)) > 10);
    }
}
