//! Candidate generation: structures that only *propose* document pairs. Nothing here decides
//! whether a pair is similar; [`crate::verify`] does, exactly.
//!
//! * [`banding`]: MinHash LSH with `b` bands of `r` rows (the S-curve `1 − (1 − s^r)^b`);
//! * [`hamming`]: block tables over SimHash fingerprints (Manku et al. 2007);
//! * [`exact`]: all pairs above a Jaccard threshold via prefix filtering (no false negatives);
//! * [`winnow`]: pairs sharing winnowing fingerprints, for passage-level (partial) reprints.
//!
//! Every generator returns pairs `(i, j)` of document indices with `i < j`, sorted and
//! without repeats, so the result is independent of thread count.

pub mod banding;
pub mod exact;
pub mod hamming;
pub(crate) mod occurrences;
pub mod winnow;

/// A candidate pair of document indices, smaller index first.
pub type Pair = (u32, u32);

/// Sorts and deduplicates pairs (each already ordered `i < j`).
pub(crate) fn finish_pairs(mut pairs: Vec<Pair>) -> Vec<Pair> {
    use rayon::slice::ParallelSliceMut;
    pairs.par_sort_unstable();
    pairs.dedup();
    pairs
}

/// Appends every pair of a bucket's members (member lists are ascending).
pub(crate) fn bucket_pairs(members: &[u32], out: &mut Vec<Pair>) {
    for (k, &i) in members.iter().enumerate() {
        for &j in &members[k + 1..] {
            if i != j {
                out.push((i.min(j), i.max(j)));
            }
        }
    }
}
