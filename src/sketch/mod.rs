//! Document signatures: MinHash (for Jaccard-threshold LSH) and SimHash (for Hamming tables).
//!
//! A signature is only meaningful next to the parameters it was made with (signature length,
//! seed, shingle kind and size, normalization): every report echoes them, and signatures are
//! only compared within one run (`pipeline::same_sketch` guards reuse across settings).

pub mod minhash;
pub mod simhash;

pub use minhash::MinHasher;
pub use simhash::simhash;

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
