//! Document signatures: MinHash (for Jaccard-threshold LSH) and SimHash (for Hamming tables).
//!
//! A signature is only meaningful next to the parameters it was made with (signature length,
//! seed, shingle kind and size, normalization). A [`Sketch`] carries its kind, length and seed,
//! and [`Sketch::check`] refuses to use it under other parameters with a typed
//! [`SketchMismatch`] (as sourmash refuses to compare sketches made with different seeds);
//! the rest (shingles, normalization) is guarded by `config::same_sketch` across settings, and
//! every report echoes all of them.

pub mod minhash;
pub mod simhash;

pub use minhash::MinHasher;
pub use simhash::simhash;

use crate::packed::Packed;

/// What one document was sketched into, with the parameters it was made with.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Sketch {
    /// No sketch: the candidate mode needs none, or the document has no shingles.
    #[default]
    None,
    /// A MinHash signature: one slot per permutation (`slots.len()` is `--num-perm`).
    MinHash {
        /// Seed of the shingle hashes and permutations.
        seed: u64,
        /// Minimum of each permutation over the shingle set.
        slots: Packed<u32>,
    },
    /// A 64-bit SimHash fingerprint.
    SimHash {
        /// Seed of the shingle hashes.
        seed: u64,
        /// The fingerprint.
        bits: u64,
    },
}

/// The sketch a stage expects, to check documents against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SketchKind {
    /// MinHash with this many permutations and seed.
    MinHash {
        /// Signature length.
        num_perm: usize,
        /// Seed.
        seed: u64,
    },
    /// SimHash with this seed.
    SimHash {
        /// Seed.
        seed: u64,
    },
}

impl std::fmt::Display for SketchKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SketchKind::MinHash { num_perm, seed } => {
                write!(f, "MinHash, {num_perm} permutations, seed {seed}")
            }
            SketchKind::SimHash { seed } => write!(f, "SimHash, seed {seed}"),
        }
    }
}

/// A document sketched with other parameters than the stage uses.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("document `{id}` was sketched as {found}, but this stage needs {expected}: sketch the corpus again with these parameters")]
pub struct SketchMismatch {
    /// The document.
    pub id: String,
    /// What the stage needs.
    pub expected: SketchKind,
    /// What the document holds (`none` when it was not sketched).
    pub found: String,
}

impl Sketch {
    /// What this sketch is, or `None` for [`Sketch::None`].
    pub fn kind(&self) -> Option<SketchKind> {
        match self {
            Sketch::None => None,
            Sketch::MinHash { seed, slots } => {
                Some(SketchKind::MinHash { num_perm: slots.len(), seed: *seed })
            }
            Sketch::SimHash { seed, .. } => Some(SketchKind::SimHash { seed: *seed }),
        }
    }

    /// The MinHash slots, when this sketch is of kind `expected` (a MinHash kind).
    pub fn check(&self, expected: SketchKind, id: &str) -> Result<&Self, SketchMismatch> {
        if self.kind() == Some(expected) {
            Ok(self)
        } else {
            Err(SketchMismatch {
                id: id.to_owned(),
                expected,
                found: self.kind().map_or_else(|| "none".to_owned(), |k| k.to_string()),
            })
        }
    }

    /// The signature slots of a MinHash sketch (empty otherwise).
    pub fn slots(&self) -> &[u32] {
        match self {
            Sketch::MinHash { slots, .. } => slots,
            _ => &[],
        }
    }

    /// The fingerprint of a SimHash sketch.
    pub fn fingerprint(&self) -> Option<u64> {
        match self {
            Sketch::SimHash { bits, .. } => Some(*bits),
            _ => None,
        }
    }
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
