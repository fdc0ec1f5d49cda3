//! The two halves of a passage relation: what one pair is on its own ([`decide`]: align,
//! measure, classify), and what the corpus makes of every pair together ([`Absorbed`]: overlaps
//! streamed, composite pruning, the duplicate rule, why each link holds). [`super::relate`]
//! runs both in memory; `reprint stage link` runs the first on a part of the pairs and
//! `--links` hands its results to the second (see [`crate::stage`]).

use super::{Docs, OverlapSink, RelationCounts};
use crate::config::PassageParams;
use crate::lsh::{winnow::DocFrequency, Pair};
use crate::overlap::{self, Sequence};
use crate::relation::{self, Fingerprints, PairFacts, Regions, RelationConfig};
use crate::verify::{self, LinkedBy, Relation, Scores, VerifiedPair};
use rayon::prelude::*;
use std::sync::OnceLock;

/// A pair aligned and classified on its own, before the decisions that need every pair.
#[derive(Debug, Clone, PartialEq)]
pub struct Decided {
    /// The strongest relation the pair has on its own.
    pub relation: Relation,
    /// Whether it is a story link by Jaccard ([`PairFacts::by_jaccard`]).
    pub by_jaccard: bool,
    /// What composite pruning reads of it.
    pub regions: Option<Regions>,
    /// The pair, its scores and alignment (`relation` is set later).
    pub pair: VerifiedPair,
}

/// What [`decide`] reads of one document.
#[derive(Clone, Copy)]
pub struct Side<'a> {
    /// Its alignment sequence.
    pub sequence: &'a Sequence,
    /// Its shingle set; `None` when it is the set of the sequence's hashes (word shingles),
    /// which is then counted from the sequence without being made.
    pub set: Option<&'a [u64]>,
    /// Its fingerprints by position, computed (under the document frequencies `df`) the first
    /// time a pair of it shares a passage or reached the Jaccard threshold: most proposed
    /// pairs share nothing worth reporting, and their documents never need them.
    pub fps: &'a FingerprintsOnce,
    /// The document frequencies its fingerprints are computed under.
    pub df: &'a DocFrequency,
}

/// A document's fingerprints by position, once computed: boxed, since the passage stage holds a
/// slot for every document and most stay empty (16 bytes a slot, not 56).
pub type FingerprintsOnce = OnceLock<Box<Fingerprints>>;

impl Side<'_> {
    /// Its fingerprints by position.
    fn fingerprints(&self, params: &PassageParams) -> &Fingerprints {
        self.fps.get_or_init(|| {
            Box::new(Fingerprints::new(&self.sequence.hashes(), self.df, params.window, params.max_family))
        })
    }
}

/// Aligns documents `a` and `b` and decides what they are on their own. `verified` holds the
/// scores of a pair that reached the Jaccard threshold; a pair only proposed by fingerprints is
/// scored when it shares a passage, and is nothing (`None`) otherwise.
pub fn decide(
    (a, b): Pair,
    (x, y): (Side, Side),
    verified: Option<Scores>,
    params: &PassageParams,
    rules: &RelationConfig,
) -> Option<Decided> {
    let (alignment, shared) = match verified {
        Some(_) => overlap::align_counted(x.sequence, y.sequence, &params.rule),
        None => overlap::align_if_passage(x.sequence, y.sequence, &params.rule)?,
    };
    let scores = match verified {
        Some(s) => s,
        None => match (x.set, y.set) {
            (Some(a), Some(b)) => verify::score(a, b),
            _ => {
                let (a, b) = x.sequence.distinct_pair(y.sequence);
                Scores::of_counts(a, b, shared)
            }
        },
    };
    let pair = VerifiedPair {
        a,
        b,
        scores,
        linked_by: LinkedBy::Jaccard,
        alignment: Some(alignment),
        relation: Relation::Overlap,
        set_aside: None,
    };
    let fps = (x.fingerprints(params), y.fingerprints(params));
    let facts = PairFacts::new(pair, (x.sequence, y.sequence), fps);
    let r = relation::classify(&facts, rules)?;
    Some(Decided {
        relation: r,
        by_jaccard: facts.by_jaccard(rules),
        regions: relation::regions(&facts, r, rules),
        pair: facts.pair,
    })
}

/// Pairs as they are decided, in increasing key: overlaps go to the sink at once, story links
/// are held until [`Absorbed::conclude`].
#[derive(Default)]
pub struct Absorbed {
    held: Vec<(Relation, bool, VerifiedPair)>,
    regions: Vec<Regions>,
    /// Counts so far.
    pub counts: RelationCounts,
}

/// The key of pair `(a, b)`: the ranks of its documents in id order, smaller first. Pairs are
/// decided, streamed and reported in increasing key.
pub fn key(rank: &[u32], a: u32, b: u32) -> (u32, u32) {
    let (x, y) = (rank[a as usize], rank[b as usize]);
    (x.min(y), x.max(y))
}

/// The key of a pair (the ranks of its documents in id order, smaller first), and the pair with
/// `a` the document with the smaller id.
pub fn in_id_order(rank: &[u32], mut p: VerifiedPair) -> ((u32, u32), VerifiedPair) {
    if rank[p.a as usize] > rank[p.b as usize] {
        p.swap();
    }
    (key(rank, p.a, p.b), p)
}

impl Absorbed {
    /// Nothing taken yet; `counts` so far.
    pub fn new(counts: RelationCounts) -> Self {
        Absorbed { counts, ..Default::default() }
    }

    /// Takes one decided pair (calls come in increasing key).
    pub fn take(&mut self, d: Decided, docs: &Docs, rank: &[u32], sink: &mut dyn OverlapSink) {
        if let Some((k, p)) = self.absorb(d, rank) {
            sink.overlap(docs, &p, k);
        }
    }

    /// Takes decided pairs (in increasing key), handing their overlaps to `sink` together with
    /// `ahead`, overlaps taken before (by [`Absorbed::absorb`]) whose turn it is, in key order.
    pub fn take_all(
        &mut self,
        decided: impl IntoIterator<Item = Decided>,
        ahead: Vec<((u32, u32), VerifiedPair)>,
        docs: &Docs,
        rank: &[u32],
        sink: &mut dyn OverlapSink,
    ) {
        let mut overlaps: Vec<_> = decided.into_iter().filter_map(|d| self.absorb(d, rank)).collect();
        if !ahead.is_empty() {
            overlaps.extend(ahead);
            overlaps.sort_unstable_by_key(|(k, _)| *k);
        }
        sink.overlaps(docs, &overlaps);
    }

    /// Keeps what `d` adds to composite pruning, holds it when it is a story link, and
    /// otherwise counts it and returns it (with its key) for the sink. Pairs may come in any
    /// order; the sink takes overlaps in increasing key.
    pub fn absorb(&mut self, d: Decided, rank: &[u32]) -> Option<((u32, u32), VerifiedPair)> {
        if let Some(reg) = d.regions {
            self.regions.push(reg);
        }
        if d.relation >= Relation::Story {
            self.held.push((d.relation, d.by_jaccard, d.pair));
            None
        } else {
            self.counts.overlaps += 1;
            Some(in_id_order(rank, d.pair))
        }
    }

    /// Prunes composites, applies the duplicate rule, says why each link holds, and adds the
    /// `stars` (copies of a text): the story links sorted by document index, the counts, and
    /// the held pairs in increasing key for [`OverlapSink::finish`].
    pub fn conclude(
        self,
        stars: Vec<VerifiedPair>,
        rank: &[u32],
        prune: bool,
        params: &PassageParams,
        rules: &RelationConfig,
    ) -> (Vec<VerifiedPair>, RelationCounts, super::Held) {
        let Absorbed { held, mut regions, mut counts } = self;
        // Pruning reads the regions in increasing key, whatever order the pairs were taken in.
        regions.par_sort_unstable_by_key(|r| key(rank, r.a, r.b));
        let composites = if prune {
            relation::prune_composites(&regions, rank, rules)
        } else {
            relation::Composites::default()
        };
        drop(regions);
        let mut report: super::Held = Vec::with_capacity(held.len());
        let mut links = Vec::new();
        for (r, by_jaccard, mut p) in held {
            let aside = composites.pruned.get(&(p.a.min(p.b), p.a.max(p.b))).copied();
            let lost = aside.is_some();
            // No document is a duplicate of a composite (a roundup is not a copy of what it
            // quotes).
            let dup = |removed_is_a: bool| {
                let kept = if removed_is_a { p.b } else { p.a };
                relation::is_duplicate(&p, removed_is_a, rules) && !composites.docs.contains(&kept)
            };
            let r = if r == Relation::Duplicate && !dup(true) && !dup(false) { Relation::Story } else { r };
            p.relation = if lost { Relation::Overlap } else { r };
            p.set_aside = aside;
            let by_passages = if by_jaccard {
                p.alignment.as_ref().is_some_and(|al| al.links(&params.rule))
            } else {
                r >= Relation::Story
            };
            p.linked_by = match (by_jaccard, !lost && by_passages) {
                (true, true) => LinkedBy::Both,
                (true, false) => LinkedBy::Jaccard,
                _ => LinkedBy::Passage,
            };
            if lost {
                counts.pruned += 1;
                counts.overlaps += 1;
            } else {
                links.push(p.clone());
            }
            report.push(in_id_order(rank, p));
        }
        for p in stars {
            let p = VerifiedPair { relation: Relation::Duplicate, ..p };
            links.push(p.clone());
            report.push(in_id_order(rank, p));
        }
        report.sort_unstable_by_key(|(k, _)| *k);
        links.sort_by_key(|p| (p.a, p.b));
        (links, counts, report)
    }
}
