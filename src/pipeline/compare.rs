//! `reprint compare`: the similarity and relation of two texts under a configuration.

use super::{sequence, shingle_set};
use crate::config::Config;
use crate::overlap::{self, Sequence};
use crate::relation::{self, PairFacts, RelationConfig};
use crate::shingle::ShingleKind;
use crate::verify::{self, LinkedBy, Relation, VerifiedPair};

/// The similarity of two texts, as `reprint compare` reports it.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    /// Exact shingle-set scores.
    pub scores: verify::Scores,
    /// Shared passages (computed even when passage linking is off).
    pub alignment: overlap::Alignment,
    /// Why the two are a story link under `config`, or `None`.
    pub linked_by: Option<LinkedBy>,
    /// The strongest relation that holds, or `None` when they share nothing reportable.
    pub relation: Option<Relation>,
    /// Why that relation holds (or none does), in one sentence.
    pub why: String,
    /// Words in A and in B.
    pub words: (usize, usize),
    /// The words that differ inside each passage of `alignment`, in the same order.
    pub differences: Vec<overlap::Differences>,
    /// Where one figure replaces another, as byte ranges of A and of B
    /// ([`overlap::replaced_figures`]).
    pub figures: Vec<((u32, u32), (u32, u32))>,
}

/// Compares two texts with the shingles, normalization, threshold and relation rules of
/// `config`. Two documents alone have no corpus, so every passage counts as specific (its
/// family is unknown) and there are no composites.
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
    let rules = RelationConfig { max_family: u32::MAX as usize, ..config.relations() };
    let pair = VerifiedPair {
        a: 0,
        b: 1,
        scores,
        linked_by: LinkedBy::Jaccard,
        alignment: config.passages.is_some().then(|| alignment.clone()),
        relation: Relation::Overlap,
        set_aside: None,
    };
    let facts = PairFacts { families: vec![0; alignment.passages.len()], specific_jaccard: 1.0, pair };
    let relation = relation::classify(&facts, &rules);
    let by_jaccard = scores.jaccard >= config.threshold && scores.shared > 0;
    let story = relation.is_some_and(|r| r >= Relation::Story);
    let linked_by = match (story, by_jaccard) {
        (false, _) => None,
        (true, true) if alignment.links(&rule) => Some(LinkedBy::Both),
        (true, true) => Some(LinkedBy::Jaccard),
        (true, false) => Some(LinkedBy::Passage),
    };
    let why = relation::explain(&facts.pair, relation, &rules, rule.min_passage);
    let differences = alignment.passages.iter().map(|p| overlap::differences(&sa, &sb, p)).collect();
    let figures = overlap::replaced_figures(&sa, &sb, &rule);
    Comparison {
        scores,
        alignment,
        linked_by,
        relation,
        why,
        words: (sa.words(), sb.words()),
        differences,
        figures,
    }
}
