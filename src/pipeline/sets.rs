//! Shingle sets and alignment sequences recomputed from a document's text: memory holds texts
//! and signatures, and the stages that score pairs rebuild what they need for the documents
//! they score.

use super::Doc;
use crate::config::Config;
use crate::lsh::Pair;
use crate::normalize::{Normalized, Normalizer};
use crate::overlap::Sequence;
use crate::shingle::{ShingleConfig, ShingleKind, Shingler};
use rayon::prelude::*;
use std::cell::RefCell;

/// The sorted shingle set of a text under `config`.
pub fn shingle_set(text: &str, config: &Config) -> Vec<u64> {
    super::read::shingle_set(
        &Normalizer::new(config.normalize),
        &Shingler::new(config.shingle, config.seed),
        text,
    )
}

/// Recomputes the shingle sets of the documents `wanted` marks (when not held already), in
/// parallel. Verification, passages, cohesion and evaluation call it for the documents they
/// score.
pub fn fill_sets(docs: &mut [Doc], wanted: &[bool], config: &Config) {
    docs.par_iter_mut().zip(wanted.par_iter()).for_each(|(d, &want)| {
        if want && d.shingles.is_empty() && d.shingle_count > 0 {
            d.shingles = shingle_set(&d.text, config);
        }
    });
}

/// Marks the documents that appear in `pairs`.
pub fn involved(n: usize, pairs: impl IntoIterator<Item = Pair>) -> Vec<bool> {
    let mut on = vec![false; n];
    for (a, b) in pairs {
        on[a as usize] = true;
        on[b as usize] = true;
    }
    on
}

/// The alignment sequence of one document: its word shingles in order with token ranges.
pub fn sequence(text: &str, config: &Config) -> Sequence {
    // The normalized text and the hashes in order are only steps: each thread reuses its own.
    thread_local! {
        static STEPS: RefCell<(Normalized, Vec<u64>)> = RefCell::default();
    }
    let shingler =
        Shingler::new(ShingleConfig { kind: ShingleKind::Word, size: config.passage_k }, config.seed);
    STEPS.with_borrow_mut(|(doc, hashes)| {
        Normalizer::new(config.normalize).normalize_into(text, doc);
        hashes.clear();
        shingler.hashes_into(doc, hashes);
        Sequence::new(text, doc, hashes, config.passage_k)
    })
}

/// Gives the documents a mask marks their shingle sets.
pub(super) type MakeSets<'a> = dyn FnMut(&mut [Doc], &[bool]) -> Result<(), super::RunError> + 'a;

/// Scores `candidates` (sorted, `a < b`) from the shingle sets `make` gives the documents a
/// mask marks, holding at most about `budget` bytes of sets (8 bytes a shingle): the documents
/// are taken a row at a time (consecutive documents whose sets take half the budget), a row's
/// pairs scored with the row's sets held and, for the pairs whose second document lies past
/// the row, that document's set made a batch at a time (the other half) and let go after. Sets
/// are let go once scored, except those of documents in a verified pair when `keep_linked`
/// (made again at the end where a row let them go). The same pairs in the same order as
/// [`crate::verify::verify`] with every set held, which is what a corpus whose sets fit the
/// budget gets.
pub(super) fn verify_within(
    docs: &mut [Doc],
    candidates: &[Pair],
    threshold: f64,
    budget: usize,
    keep_linked: bool,
    make: &mut MakeSets,
) -> Result<Vec<crate::verify::VerifiedPair>, super::RunError> {
    let n = docs.len();
    let wanted = involved(n, candidates.iter().copied());
    let bytes = |d: &Doc| 8 * d.shingle_count;
    // The bytes of a document's set when it is in a candidate pair.
    let cost = |docs: &[Doc], d: usize| if wanted[d] { bytes(&docs[d]) } else { 0 };
    let total: usize = (0..n).map(|d| cost(docs, d)).sum();
    let score = |docs: &[Doc], pairs: &[Pair]| {
        let sets: Vec<&[u64]> = docs.iter().map(|d| d.shingles.as_slice()).collect();
        crate::verify::verify(pairs, &sets, threshold)
    };
    if total <= budget {
        make(docs, &wanted)?;
        return Ok(score(docs, candidates));
    }
    let half = budget / 2;
    let mut verified: Vec<crate::verify::VerifiedPair> = Vec::new();
    // Documents in a verified pair so far (whose sets stay when `keep_linked`).
    let mut linked = vec![false; n];
    // Scores `pairs` with the sets held, then lets go the sets of the documents in `of`.
    let mut score_and_let_go = |docs: &mut [Doc], pairs: &[Pair], of: &[u32]| {
        let found = score(docs, pairs);
        for p in &found {
            linked[p.a as usize] = true;
            linked[p.b as usize] = true;
        }
        verified.extend(found);
        for &d in of {
            if !(keep_linked && linked[d as usize]) {
                docs[d as usize].shingles = Vec::new();
            }
        }
    };
    // The documents `make` is given, marked and unmarked again after each call.
    let mut mask = vec![false; n];
    let mut make_for = |docs: &mut [Doc], of: &[u32]| -> Result<(), super::RunError> {
        of.iter().for_each(|&d| mask[d as usize] = true);
        let made = make(docs, &mask);
        of.iter().for_each(|&d| mask[d as usize] = false);
        made
    };
    let (mut lo, mut at) = (0usize, 0usize);
    while at < candidates.len() {
        // The row: from `lo`, documents whose sets take at most half the budget (one at least).
        let (mut hi, mut held) = (lo, 0usize);
        while hi < n && (hi == lo || held + cost(docs, hi) <= half) {
            held += cost(docs, hi);
            hi += 1;
        }
        let end = at + candidates[at..].partition_point(|p| (p.0 as usize) < hi);
        let pairs = &candidates[at..end];
        let (inside, mut past): (Vec<Pair>, Vec<Pair>) = pairs.iter().partition(|p| (p.1 as usize) < hi);
        let mut row: Vec<u32> = pairs
            .iter()
            .flat_map(|&(a, b)| [a].into_iter().chain(((b as usize) < hi).then_some(b)))
            .collect();
        row.sort_unstable();
        row.dedup();
        make_for(docs, &row)?;
        // Pairs past the row, by second document, a batch of second documents at a time.
        past.sort_unstable_by_key(|&(a, b)| (b, a));
        let mut from = 0;
        while from < past.len() {
            let (mut to, mut batch_bytes) = (from, 0usize);
            let mut seconds: Vec<u32> = Vec::new();
            while to < past.len() {
                let b = past[to].1;
                if seconds.last() != Some(&b) {
                    if !seconds.is_empty() && batch_bytes + bytes(&docs[b as usize]) > half {
                        break;
                    }
                    batch_bytes += bytes(&docs[b as usize]);
                    seconds.push(b);
                }
                to += 1;
            }
            make_for(docs, &seconds)?;
            score_and_let_go(docs, &past[from..to], &seconds);
            from = to;
        }
        score_and_let_go(docs, &inside, &row);
        (lo, at) = (hi, end);
    }
    if keep_linked {
        make(docs, &linked)?;
    }
    verified.sort_unstable_by_key(|p| (p.a, p.b));
    Ok(verified)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Params;
    use crate::corpus::Input;
    use crate::pipeline::{read_and_sketch, NoProgress};

    /// Every pair of 40 documents (groups of near-copies that differ in a word or two, and
    /// documents of their own) scored a row at a time gives the pairs, scores and order of
    /// scoring with every set held, under budgets from one byte to all of them; the sets held
    /// at once never pass the budget by more than a document a row and a document past it; the
    /// sets left behind are those of linked documents when kept, none otherwise.
    #[test]
    fn pairs_scored_a_row_at_a_time_equal_those_scored_with_every_set_held() {
        let mut lines = String::new();
        for i in 0..40usize {
            let group = i % 7;
            let words: Vec<String> = (0..30 + 10 * group)
                .map(|j| if i >= 28 || j == i % 5 { format!("w{i}x{j}") } else { format!("g{group}w{j}") })
                .collect();
            lines += &(serde_json::json!({ "id": format!("d{i:02}"), "text": words.join(" ") }).to_string()
                + "\n");
        }
        let path = std::env::temp_dir().join(format!("reprint-rows-{}.jsonl", std::process::id()));
        std::fs::write(&path, lines).unwrap();
        let config = Params::default().resolve().unwrap();
        let (mut docs, _) = read_and_sketch(vec![Input::Jsonl(path.clone())], &config, &NoProgress).unwrap();
        std::fs::remove_file(&path).unwrap();
        let n = docs.len() as u32;
        let pairs: Vec<Pair> = (0..n).flat_map(|a| (a + 1..n).map(move |b| (a, b))).collect();
        let all = vec![true; docs.len()];
        fill_sets(&mut docs, &all, &config);
        let sets: Vec<&[u64]> = docs.iter().map(|d| d.shingles.as_slice()).collect();
        let expected = format!("{:?}", crate::verify::verify(&pairs, &sets, 0.5));
        assert!(expected.matches("VerifiedPair").count() > 20, "near-copies are verified: {expected}");
        let total: usize = docs.iter().map(|d| 8 * d.shingle_count).sum();
        let largest = docs.iter().map(|d| 8 * d.shingle_count).max().unwrap();
        for budget in [1, 600, 3000, total / 2, total, usize::MAX] {
            for keep_linked in [false, true] {
                for d in docs.iter_mut() {
                    d.shingles = Vec::new();
                }
                let mut most = 0usize;
                let mut make = |docs: &mut [Doc], wanted: &[bool]| {
                    fill_sets(docs, wanted, &config);
                    most = most.max(docs.iter().map(|d| 8 * d.shingles.len()).sum());
                    Ok(())
                };
                let got = verify_within(&mut docs, &pairs, 0.5, budget, keep_linked, &mut make).unwrap();
                assert_eq!(format!("{got:?}"), expected, "budget {budget}");
                let linked = involved(docs.len(), got.iter().map(|p| (p.a, p.b)));
                if budget < total {
                    let kept = if keep_linked { linked.iter().filter(|&&l| l).count() } else { 0 };
                    assert!(
                        most <= budget + 2 * largest + kept * largest,
                        "budget {budget}: {most} bytes held"
                    );
                    for (d, &l) in docs.iter().zip(&linked) {
                        assert_eq!(!d.shingles.is_empty(), keep_linked && l, "budget {budget}");
                    }
                }
            }
        }
    }
}
