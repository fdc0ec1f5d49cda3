//! The links the document pages show: every story link and, up to a cap per document, the
//! overlap-only pairs the run streams while it aligns (which no other output keeps in memory).
//! The pairs wait in a file of their own until the pages are chosen; only those of documents
//! with a page are read back.

use crate::pipeline::{record, Docs, OverlapSink};
use crate::verify::{Relation, VerifiedPair};
use std::io::{self, BufReader, BufWriter, Seek, Write};
use std::path::Path;

/// A pair the collector kept: its documents and relation (the rest is in the spill file).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Kept {
    /// First document.
    pub a: u32,
    /// Second document.
    pub b: u32,
    /// Its relation.
    pub relation: Relation,
}

/// Collects, while a run aligns, the links each document page lists: every pair the run holds
/// to the end (story links, and the links composite pruning or a sparse cut turned into
/// overlaps: they are in memory anyway), and of the overlap-only pairs streamed before, those
/// with a document that has fewer than `cap` of them kept so far. Memory: twelve bytes a pair
/// kept (at most `2 × cap` overlap-only pairs per document); the pairs themselves are written
/// to an unnamed temporary file, which disappears with the process however it ends.
#[derive(Debug)]
pub struct LinkCollector {
    cap: usize,
    kept: Vec<u32>,
    total: Vec<u32>,
    pairs: Vec<Kept>,
    spill: BufWriter<std::fs::File>,
    /// One pair's record, made again for each pair kept.
    record: Vec<u8>,
    error: Option<io::Error>,
}

impl LinkCollector {
    /// Keeps up to `cap` overlap-only pairs per document (a pair is kept when either of its
    /// documents still has room), writing them to a temporary file in `dir`.
    pub fn new(cap: usize, dir: &Path) -> io::Result<LinkCollector> {
        Ok(LinkCollector {
            cap,
            kept: Vec::new(),
            total: Vec::new(),
            pairs: Vec::new(),
            spill: BufWriter::with_capacity(1 << 16, tempfile::tempfile_in(dir)?),
            record: Vec::new(),
            error: None,
        })
    }

    /// The links kept, in the order the run decided them.
    pub fn pairs(&self) -> &[Kept] {
        &self.pairs
    }

    /// Overlap-only pairs of document `doc` the run streamed, kept or not.
    pub fn overlaps_of(&self, doc: u32) -> u32 {
        self.total.get(doc as usize).copied().unwrap_or(0)
    }

    /// Reads back the kept pairs `want` takes (it is given each one's place in
    /// [`LinkCollector::pairs`] and its entry there), in order; the first error met while
    /// writing them, if any.
    pub fn load(&mut self, want: impl Fn(usize, Kept) -> bool) -> io::Result<Vec<VerifiedPair>> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        self.spill.flush()?;
        let file = self.spill.get_mut();
        file.rewind()?;
        let mut r = BufReader::with_capacity(1 << 16, &*file);
        let mut out = Vec::new();
        for i in 0..self.pairs.len() {
            let p = record::decode(&mut r, "the report's link file")?;
            if want(i, self.pairs[i]) {
                out.push(p);
            }
        }
        drop(r);
        file.seek(io::SeekFrom::End(0))?;
        Ok(out)
    }

    fn keep(&mut self, pair: &VerifiedPair) {
        self.pairs.push(Kept { a: pair.a, b: pair.b, relation: pair.relation });
        if self.error.is_none() {
            record::encode(pair, &mut self.record);
            if let Err(e) = self.spill.write_all(&self.record) {
                self.error = Some(e);
            }
        }
    }

    fn grow(&mut self, n: usize) {
        if self.kept.len() < n {
            self.kept.resize(n, 0);
            self.total.resize(n, 0);
        }
    }
}

impl OverlapSink for LinkCollector {
    fn overlap(&mut self, docs: &Docs, pair: &VerifiedPair, _key: (u32, u32)) {
        self.grow(docs.len());
        let (a, b) = (pair.a as usize, pair.b as usize);
        self.total[a] += 1;
        self.total[b] += 1;
        if (self.kept[a] as usize) < self.cap || (self.kept[b] as usize) < self.cap {
            self.kept[a] += 1;
            self.kept[b] += 1;
            self.keep(pair);
        }
    }

    fn finish(&mut self, docs: &Docs, held: &[((u32, u32), VerifiedPair)]) {
        self.grow(docs.len());
        for (_, p) in held {
            if p.relation == Relation::Overlap {
                self.total[p.a as usize] += 1;
                self.total[p.b as usize] += 1;
            }
            self.keep(p);
        }
    }
}

/// Hands every pair to two sinks (`overlaps.jsonl` and the pages' [`LinkCollector`]).
pub struct Both<'a>(pub &'a mut dyn OverlapSink, pub &'a mut dyn OverlapSink);

impl OverlapSink for Both<'_> {
    fn overlap(&mut self, docs: &Docs, pair: &VerifiedPair, key: (u32, u32)) {
        self.0.overlap(docs, pair, key);
        self.1.overlap(docs, pair, key);
    }

    fn overlaps(&mut self, docs: &Docs, pairs: &[((u32, u32), VerifiedPair)]) {
        self.0.overlaps(docs, pairs);
        self.1.overlaps(docs, pairs);
    }

    fn finish(&mut self, docs: &Docs, held: &[((u32, u32), VerifiedPair)]) {
        self.0.finish(docs, held);
        self.1.finish(docs, held);
    }
    fn scratch(&self) -> Option<&Path> {
        self.0.scratch().or(self.1.scratch())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn load_reads_back_the_chosen_pairs_and_can_be_called_again() {
        let dir = tempfile::tempdir().expect("a directory");
        let mut c = LinkCollector::new(1, dir.path()).expect("a collector");
        let docs: Vec<crate::pipeline::Doc> = Vec::new();
        let pair = |k: u32| VerifiedPair {
            a: k,
            b: k + 1,
            scores: crate::verify::Scores {
                jaccard: 0.3,
                containment_a_in_b: 0.5,
                containment_b_in_a: 1.0,
                shared: 9,
            },
            linked_by: crate::verify::LinkedBy::Both,
            alignment: None,
            relation: Relation::Duplicate,
            set_aside: None,
        };
        let mut ps: Vec<VerifiedPair> = (0..3u32).map(pair).collect();
        ps[1].relation = Relation::Overlap;
        let held: Vec<((u32, u32), VerifiedPair)> = ps.iter().map(|p| ((p.a, p.b), p.clone())).collect();
        c.grow(5);
        c.finish(&Docs::held(&docs), &held);
        assert_eq!(
            c.pairs().iter().map(|k| k.relation).collect::<Vec<_>>(),
            [Relation::Duplicate, Relation::Overlap, Relation::Duplicate]
        );
        assert_eq!(c.load(|i, _| i != 1).expect("read"), [ps[0].clone(), ps[2].clone()]);
        assert_eq!(c.load(|_, _| true).expect("read again"), ps);
        assert_eq!((c.overlaps_of(1), c.overlaps_of(2), c.overlaps_of(0)), (1, 1, 0));
        assert_eq!(std::fs::read_dir(dir.path()).expect("listed").count(), 0, "the file has no name");
    }
}
