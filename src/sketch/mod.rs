//! Document signatures: MinHash (for Jaccard-threshold LSH) and SimHash (for Hamming tables).
//!
//! A signature is only meaningful next to the parameters it was made with; the pipeline keeps
//! one [`SketchParams`] per run and echoes it in every report, and signatures made with
//! different parameters are never compared.

pub mod minhash;
pub mod simhash;

pub use minhash::MinHasher;
pub use simhash::simhash;

use serde::Serialize;

/// The parameters a set of signatures was made with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SketchParams {
    /// Number of MinHash permutations (signature length).
    pub num_perm: usize,
    /// Seed of the shingle hash and of the permutation coefficients.
    pub seed: u64,
}

/// SplitMix64: a fixed, documented generator used to derive coefficients from the seed, so
/// that signatures never change with a dependency's version.
#[derive(Debug, Clone)]
pub struct SplitMix64(pub u64);

impl SplitMix64 {
    /// The next 64-bit value.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}
