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
        Sequence::new(doc, hashes, config.passage_k)
    })
}
