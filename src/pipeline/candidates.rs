//! Candidate pairs: the proposals of the candidate stage (identical texts, the exact join,
//! SimHash or MinHash LSH) and of shared winnowing fingerprints (passages).

use super::Doc;
use crate::config::{CandidateMode, Config, Method, DEFAULT_MAX_HAMMING};
use crate::lsh::{self, banding::Banding, winnow, Pair};

/// Proposes candidate pairs among the documents `active` marks (all when it is empty) as
/// `config` says.
pub fn candidates(docs: &[Doc], active: &[bool], config: &Config) -> Vec<Pair> {
    let on = |i: usize| active.get(i).copied().unwrap_or(true) && !docs[i].is_empty();
    match (config.candidates, config.method, config.banding) {
        (CandidateMode::Identical, _, _) => {
            // Group by a 128-bit hash of the original text, then compare the texts themselves.
            let mut keyed: Vec<(u128, u32)> = docs
                .iter()
                .enumerate()
                .filter(|&(i, _)| on(i))
                .map(|(i, d)| (xxhash_rust::xxh3::xxh3_128(d.text.as_bytes()), i as u32))
                .collect();
            keyed.sort_unstable();
            let mut pairs = Vec::new();
            for run in keyed.chunk_by(|x, y| x.0 == y.0) {
                for (k, &(_, i)) in run.iter().enumerate() {
                    for &(_, j) in &run[k + 1..] {
                        if docs[i as usize].text == docs[j as usize].text {
                            pairs.push((i.min(j), i.max(j)));
                        }
                    }
                }
            }
            pairs.sort_unstable();
            pairs
        }
        (CandidateMode::Exact, _, _) => {
            let sets: Vec<Option<&[u64]>> =
                docs.iter().enumerate().map(|(i, d)| on(i).then_some(d.shingles.as_slice())).collect();
            lsh::exact::candidates(&sets, config.threshold)
        }
        (CandidateMode::Lsh, Method::Simhash, _) => {
            let fps: Vec<Option<u64>> =
                docs.iter().enumerate().map(|(i, d)| on(i).then_some(d.fingerprint)).collect();
            lsh::hamming::candidates(&fps, config.max_hamming.unwrap_or(DEFAULT_MAX_HAMMING))
        }
        (CandidateMode::Lsh, Method::Minhash, banding) => {
            let sigs: Vec<Option<&[u32]>> =
                docs.iter().enumerate().map(|(i, d)| on(i).then_some(d.signature.as_slice())).collect();
            let banding = banding.unwrap_or_else(|| Banding::optimal(config.threshold, config.num_perm));
            banding.candidates(&sigs, config.seed)
        }
    }
}

/// Pairs of the documents `active` marks (all when it is empty) sharing enough winnowing
/// fingerprints to be aligned (empty when passage detection is off).
pub fn passage_candidates(docs: &[Doc], active: &[bool], config: &Config) -> Vec<Pair> {
    let Some(params) = config.passages else { return Vec::new() };
    let on = |i: usize| active.get(i).copied().unwrap_or(true) && !docs[i].is_empty();
    let fps: Vec<Option<&[u64]>> =
        docs.iter().enumerate().map(|(i, d)| on(i).then_some(d.winnowed.as_slice())).collect();
    winnow::candidates(&fps, params.max_df, params.min_shared)
}
