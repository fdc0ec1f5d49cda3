//! `reprint compare`: the similarity of two texts under a configuration.

use super::{sequence, shingle_set};
use crate::config::Config;
use crate::overlap::{self, Sequence};
use crate::shingle::ShingleKind;
use crate::verify::{self, LinkedBy};

/// The similarity of two texts, as `reprint compare` reports it.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    /// Exact shingle-set scores.
    pub scores: verify::Scores,
    /// Shared passages (computed even when passage linking is off).
    pub alignment: overlap::Alignment,
    /// Why the two are linked under `config`, or `None`.
    pub linked_by: Option<LinkedBy>,
    /// Words in A and in B.
    pub words: (usize, usize),
}

/// Compares two texts with the shingles, normalization, threshold and passage rule of
/// `config`.
pub fn compare(a: &str, b: &str, config: &Config) -> Comparison {
    let (sa, sb) = (sequence(a, config), sequence(b, config));
    // With word shingles the alignment sequences already hold the shingle sets.
    let set = |text: &str, seq: &Sequence| match config.shingle.kind {
        ShingleKind::Word => seq.shingle_set(),
        ShingleKind::Char => shingle_set(text, config),
    };
    let scores = verify::score(&set(a, &sa), &set(b, &sb));
    let rule = config.passages.map(|p| p.rule).unwrap_or_default();
    let alignment = overlap::align(&sa, &sb, &rule);
    let by_jaccard = scores.jaccard >= config.threshold && scores.shared > 0;
    let by_passage = config.passages.is_some() && alignment.links(&rule);
    let linked_by = match (by_jaccard, by_passage) {
        (true, true) => Some(LinkedBy::Both),
        (true, false) => Some(LinkedBy::Jaccard),
        (false, true) => Some(LinkedBy::Passage),
        (false, false) => None,
    };
    Comparison { scores, alignment, linked_by, words: (sa.words(), sb.words()) }
}
