//! The links the document pages show: every story link and, up to a cap per document, the
//! overlap-only pairs the run streams while it aligns (which no other output keeps in memory).

use crate::pipeline::{Doc, OverlapSink};
use crate::verify::{Relation, VerifiedPair};

/// Collects, while a run aligns, the links each document page lists: every pair the run holds
/// to the end (story links, and the links composite pruning or a sparse cut turned into
/// overlaps: they are in memory anyway), and of the overlap-only pairs streamed before, those
/// with a document that has fewer than `cap` of them kept so far. Memory: at most `2 × cap`
/// overlap-only pairs per document, however many overlaps the corpus has.
#[derive(Debug, Default)]
pub struct LinkCollector {
    cap: usize,
    kept: Vec<u32>,
    total: Vec<u32>,
    pairs: Vec<VerifiedPair>,
}

impl LinkCollector {
    /// Keeps up to `cap` overlap-only pairs per document (a pair is kept when either of its
    /// documents still has room).
    pub fn new(cap: usize) -> LinkCollector {
        LinkCollector { cap, ..LinkCollector::default() }
    }

    /// The links kept, in the order the run decided them.
    pub fn pairs(&self) -> &[VerifiedPair] {
        &self.pairs
    }

    /// Overlap-only pairs of document `doc` the run streamed, kept or not.
    pub fn overlaps_of(&self, doc: u32) -> u32 {
        self.total.get(doc as usize).copied().unwrap_or(0)
    }

    fn grow(&mut self, n: usize) {
        if self.kept.len() < n {
            self.kept.resize(n, 0);
            self.total.resize(n, 0);
        }
    }
}

impl OverlapSink for LinkCollector {
    fn overlap(&mut self, docs: &[Doc], pair: &VerifiedPair, _key: (u32, u32)) {
        self.grow(docs.len());
        let (a, b) = (pair.a as usize, pair.b as usize);
        self.total[a] += 1;
        self.total[b] += 1;
        if (self.kept[a] as usize) < self.cap || (self.kept[b] as usize) < self.cap {
            self.kept[a] += 1;
            self.kept[b] += 1;
            self.pairs.push(pair.clone());
        }
    }

    fn finish(&mut self, docs: &[Doc], held: &[((u32, u32), VerifiedPair)]) {
        self.grow(docs.len());
        for (_, p) in held {
            if p.relation == Relation::Overlap {
                self.total[p.a as usize] += 1;
                self.total[p.b as usize] += 1;
            }
            self.pairs.push(p.clone());
        }
    }
}

/// Hands every pair to two sinks (`overlaps.jsonl` and the pages' [`LinkCollector`]).
pub struct Both<'a>(pub &'a mut dyn OverlapSink, pub &'a mut dyn OverlapSink);

impl OverlapSink for Both<'_> {
    fn overlap(&mut self, docs: &[Doc], pair: &VerifiedPair, key: (u32, u32)) {
        self.0.overlap(docs, pair, key);
        self.1.overlap(docs, pair, key);
    }

    fn finish(&mut self, docs: &[Doc], held: &[((u32, u32), VerifiedPair)]) {
        self.0.finish(docs, held);
        self.1.finish(docs, held);
    }
}
