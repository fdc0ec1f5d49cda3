//! Candidate pairs: the proposals of the candidate stage (identical texts, the exact join,
//! SimHash or MinHash LSH) and of shared winnowing fingerprints (passages).

use super::Doc;
use crate::config::{Candidates, Config};
use crate::lsh::{self, winnow, Pair};
use crate::sketch::SketchMismatch;

/// Proposes candidate pairs among the documents `active` marks (all when it is empty) as
/// `config` says. Documents sketched with other parameters than `config`'s (another signature
/// length, seed or method) are a typed error.
pub fn candidates(docs: &[Doc], active: &[bool], config: &Config) -> Result<Vec<Pair>, SketchMismatch> {
    if let Some(expected) = config.sketch_kind() {
        for d in docs.iter().filter(|d| !d.is_empty()) {
            d.sketch.check(expected, &d.id)?;
        }
    }
    let on = |i: usize| active.get(i).copied().unwrap_or(true) && !docs[i].is_empty();
    Ok(match config.candidates {
        Candidates::Identical => {
            // Group by a 128-bit hash of the original text, then compare the texts themselves.
            let mut keyed: Vec<(u128, u32)> = docs
                .iter()
                .enumerate()
                .filter(|&(i, _)| on(i))
                .map(|(i, d)| (d.text_xxh3, i as u32))
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
        Candidates::Exact => {
            let sets: Vec<Option<&[u64]>> =
                docs.iter().enumerate().map(|(i, d)| on(i).then_some(d.shingles.as_slice())).collect();
            lsh::exact::candidates(&sets, config.threshold)
        }
        Candidates::SimHashLsh { max_hamming } => {
            let fps: Vec<Option<u64>> =
                docs.iter().enumerate().map(|(i, d)| d.sketch.fingerprint().filter(|_| on(i))).collect();
            lsh::hamming::candidates(&fps, max_hamming)
        }
        Candidates::MinHashLsh { banding, .. } => {
            let sigs: Vec<Option<&[u32]>> =
                docs.iter().enumerate().map(|(i, d)| on(i).then_some(d.sketch.slots())).collect();
            banding.candidates(&sigs, config.seed)
        }
    })
}

/// The pairs of the documents `active` marks (all when it is empty) sharing enough winnowing
/// fingerprints, as an index that yields them a block at a time ([`Proposals::pairs`]), and the
/// document frequency of every fingerprint. Empty (no pairs) without passage detection.
pub fn passage_candidates(
    docs: &[Doc],
    active: &[bool],
    config: &Config,
) -> (Proposals, winnow::DocFrequency) {
    let Some(params) = config.passages else { return Default::default() };
    let on = |i: usize| active.get(i).copied().unwrap_or(true) && !docs[i].is_empty();
    let fps: Vec<Option<&[u64]>> =
        docs.iter().enumerate().map(|(i, d)| on(i).then_some(&d.winnowed[..])).collect();
    let (index, df) = winnow::SharedIndex::new(&fps, params.max_df);
    (Proposals { index, min_shared: params.min_shared, across: None }, df)
}

/// Pairs proposed by shared passage fingerprints, produced on demand so that memory never holds
/// all of them at once.
#[derive(Debug, Default)]
pub struct Proposals {
    index: winnow::SharedIndex,
    min_shared: usize,
    across: Option<u32>,
}

impl Proposals {
    /// For each document `a` of `docs`, the proposed pairs `(min(a, b), max(a, b))` with the
    /// documents `b` for which `after(a, b)` holds (see [`winnow::SharedIndex::pairs`]).
    pub fn pairs(&self, docs: &[u32], after: impl Fn(u32, u32) -> bool + Sync) -> Vec<Pair> {
        match self.across {
            None => self.index.pairs(docs, self.min_shared, after),
            Some(m) => self.index.pairs(docs, self.min_shared, |a, b| (a < m) != (b < m) && after(a, b)),
        }
    }

    /// Only the pairs with one document below `m` and the other not (a query's pairs of an
    /// indexed and a query document: the others are no answers and are never aligned).
    pub fn across(self, m: u32) -> Self {
        Proposals { across: Some(m), ..self }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Method, Params};
    use crate::corpus::Input;
    use crate::pipeline::{read_and_sketch, NoProgress};
    use crate::sketch::SketchKind;

    fn sketched(params: Params) -> Vec<Doc> {
        let seeds = Input::Dir(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds"));
        read_and_sketch(vec![seeds], &params.resolve().unwrap(), &NoProgress).unwrap().0
    }

    /// Documents sketched under other parameters are refused with a typed error naming both
    /// sketches, never banded out of bounds.
    #[test]
    fn sketches_made_with_other_parameters_are_a_typed_error() {
        let docs = sketched(Params { num_perm: 64, ..Params::default() });
        let wider = Params::default().resolve().unwrap();
        let e = candidates(&docs, &[], &wider).unwrap_err();
        assert_eq!(e.expected, SketchKind::MinHash { num_perm: 128, seed: 42 });
        assert_eq!(e.found, "MinHash, 64 permutations, seed 42");

        let other_seed = Params { num_perm: 64, seed: 7, ..Params::default() }.resolve().unwrap();
        assert!(candidates(&docs, &[], &other_seed).is_err());

        let simhash = Params { method: Method::Simhash, ..Params::default() }.resolve().unwrap();
        assert_eq!(candidates(&docs, &[], &simhash).unwrap_err().expected, SketchKind::SimHash { seed: 42 });

        let unsketched =
            sketched(Params { candidates: crate::config::CandidateMode::Exact, ..Params::default() });
        assert_eq!(candidates(&unsketched, &[], &wider).unwrap_err().found, "none");

        let same = Params { num_perm: 64, ..Params::default() }.resolve().unwrap();
        assert_eq!(candidates(&docs, &[], &same).unwrap().len(), 1, "the seed pair that shares passages");
    }
}
