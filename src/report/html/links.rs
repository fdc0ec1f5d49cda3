//! The links the document pages show: every story link and, up to a cap per document, the
//! overlap-only pairs the run streams while it aligns (which no other output keeps in memory).
//! The pairs wait in a file of their own until the pages are chosen; only those of documents
//! with a page are read back.

use crate::overlap::{Alignment, Passage};
use crate::pipeline::{Docs, OverlapSink};
use crate::verify::{LinkedBy, Relation, Scores, SetAside, VerifiedPair};
use std::io::{self, BufReader, BufWriter, Read, Seek, Write};
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
            let p = decode(&mut r)?;
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
            encode(pair, &mut self.record);
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

fn relation_code(r: Relation) -> u8 {
    match r {
        Relation::Overlap => 0,
        Relation::Story => 1,
        Relation::Duplicate => 2,
    }
}

fn linked_by_code(l: LinkedBy) -> u8 {
    match l {
        LinkedBy::Jaccard => 0,
        LinkedBy::Passage => 1,
        LinkedBy::Both => 2,
    }
}

/// The record of `p` (as it is in memory, every float by its bits) into `b`, in place of what
/// `b` held: [`decode`] gives it back equal.
fn encode(p: &VerifiedPair, b: &mut Vec<u8>) {
    b.clear();
    let u32s = |b: &mut Vec<u8>, xs: &[u32]| xs.iter().for_each(|x| b.extend_from_slice(&x.to_le_bytes()));
    let u64s = |b: &mut Vec<u8>, xs: &[u64]| xs.iter().for_each(|x| b.extend_from_slice(&x.to_le_bytes()));
    u32s(b, &[p.a, p.b]);
    let s = &p.scores;
    let bits = [s.jaccard, s.containment_a_in_b, s.containment_b_in_a].map(f64::to_bits);
    u64s(b, &bits);
    u64s(b, &[s.shared as u64]);
    let (aside, by) = match p.set_aside {
        None => (0, 0),
        Some(SetAside::Roundup(d)) => (1, d),
        Some(SetAside::Hub(d)) => (2, d),
        Some(SetAside::Cut) => (3, 0),
    };
    b.extend_from_slice(&[
        linked_by_code(p.linked_by),
        relation_code(p.relation),
        p.alignment.is_some() as u8,
        aside,
    ]);
    u32s(b, &[by]);
    if let Some(al) = &p.alignment {
        u64s(b, &[al.coverage_a, al.coverage_b, al.coverage_shorter].map(f64::to_bits));
        let words = [al.own_words_a, al.own_words_b, al.words_a, al.words_b, al.passages.len()];
        u64s(b, &words.map(|x| x as u64));
        for x in &al.passages {
            u32s(b, &[x.a.0, x.a.1, x.b.0, x.b.1, x.a_tokens.0, x.a_tokens.1, x.b_tokens.0, x.b_tokens.1]);
            u64s(b, &[x.words as u64, x.exact.to_bits()]);
        }
    }
}

/// Reads back one pair [`encode`] wrote.
fn decode(r: &mut impl Read) -> io::Result<VerifiedPair> {
    fn u32_(r: &mut impl Read) -> io::Result<u32> {
        let mut x = [0u8; 4];
        r.read_exact(&mut x)?;
        Ok(u32::from_le_bytes(x))
    }
    fn u64_(r: &mut impl Read) -> io::Result<u64> {
        let mut x = [0u8; 8];
        r.read_exact(&mut x)?;
        Ok(u64::from_le_bytes(x))
    }
    let f64_ = |r: &mut _| u64_(r).map(f64::from_bits);
    let bad = || io::Error::new(io::ErrorKind::InvalidData, "the report's link file is corrupt");
    let (a, b) = (u32_(r)?, u32_(r)?);
    let scores = Scores {
        jaccard: f64_(r)?,
        containment_a_in_b: f64_(r)?,
        containment_b_in_a: f64_(r)?,
        shared: u64_(r)? as usize,
    };
    let mut codes = [0u8; 4];
    r.read_exact(&mut codes)?;
    let by = u32_(r)?;
    let set_aside = match codes[3] {
        0 => None,
        1 => Some(SetAside::Roundup(by)),
        2 => Some(SetAside::Hub(by)),
        3 => Some(SetAside::Cut),
        _ => return Err(bad()),
    };
    let linked_by = match codes[0] {
        0 => LinkedBy::Jaccard,
        1 => LinkedBy::Passage,
        2 => LinkedBy::Both,
        _ => return Err(bad()),
    };
    let relation = match codes[1] {
        0 => Relation::Overlap,
        1 => Relation::Story,
        2 => Relation::Duplicate,
        _ => return Err(bad()),
    };
    let alignment = match codes[2] {
        0 => None,
        1 => {
            let (coverage_a, coverage_b, coverage_shorter) = (f64_(r)?, f64_(r)?, f64_(r)?);
            let mut words = [0usize; 5];
            for w in &mut words {
                *w = u64_(r)? as usize;
            }
            let mut passages = Vec::with_capacity(words[4].min(1 << 16));
            for _ in 0..words[4] {
                let mut x = [0u32; 8];
                for v in &mut x {
                    *v = u32_(r)?;
                }
                passages.push(Passage {
                    a: (x[0], x[1]),
                    b: (x[2], x[3]),
                    a_tokens: (x[4], x[5]),
                    b_tokens: (x[6], x[7]),
                    words: u64_(r)? as usize,
                    exact: f64_(r)?,
                });
            }
            Some(Alignment {
                passages,
                coverage_a,
                coverage_b,
                coverage_shorter,
                own_words_a: words[0],
                own_words_b: words[1],
                words_a: words[2],
                words_b: words[3],
            })
        }
        _ => return Err(bad()),
    };
    Ok(VerifiedPair { a, b, scores, linked_by, alignment, relation, set_aside })
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

    fn pair(alignment: Option<Alignment>) -> VerifiedPair {
        VerifiedPair {
            a: 7,
            b: u32::MAX,
            scores: Scores {
                jaccard: 0.1 + 0.2,
                containment_a_in_b: f64::MIN_POSITIVE,
                containment_b_in_a: 1.0,
                shared: usize::MAX >> 1,
            },
            linked_by: LinkedBy::Both,
            alignment,
            relation: Relation::Duplicate,
            set_aside: None,
        }
    }

    #[test]
    fn pairs_read_back_equal() {
        let passage = |k: u32| Passage {
            a: (k, k + 300),
            b: (u32::MAX - 9, u32::MAX),
            a_tokens: (k, k + 51),
            b_tokens: (3, 54),
            words: 51,
            exact: 1.0 / 3.0,
        };
        let al = Alignment {
            passages: vec![passage(0), passage(1_000_000)],
            coverage_a: 2.0 / 3.0,
            coverage_b: 0.15,
            coverage_shorter: 0.15,
            own_words_a: 1,
            own_words_b: 2,
            words_a: 3,
            words_b: 4,
        };
        let mut empty = al.clone();
        empty.passages.clear();
        let mut story = pair(None);
        story.relation = Relation::Story;
        story.linked_by = LinkedBy::Jaccard;
        let mut overlap = pair(Some(empty));
        overlap.relation = Relation::Overlap;
        overlap.linked_by = LinkedBy::Passage;
        overlap.set_aside = Some(SetAside::Roundup(u32::MAX - 1));
        let hub = VerifiedPair { set_aside: Some(SetAside::Hub(7)), ..overlap.clone() };
        let cut = VerifiedPair { set_aside: Some(SetAside::Cut), ..overlap.clone() };
        let pairs = [pair(Some(al)), story, overlap, hub, cut];
        let (mut bytes, mut one) = (Vec::new(), Vec::new());
        for p in &pairs {
            encode(p, &mut one);
            bytes.extend_from_slice(&one);
        }
        let mut r = bytes.as_slice();
        for p in &pairs {
            assert_eq!(&decode(&mut r).expect("read"), p);
        }
        assert!(r.is_empty(), "every byte read");
        encode(&pairs[0], &mut one);
        assert!(decode(&mut &one[..one.len() - 1]).is_err(), "a cut record is an error");
    }

    #[test]
    fn load_reads_back_the_chosen_pairs_and_can_be_called_again() {
        let dir = tempfile::tempdir().expect("a directory");
        let mut c = LinkCollector::new(1, dir.path()).expect("a collector");
        let docs: Vec<crate::pipeline::Doc> = Vec::new();
        let mut ps: Vec<VerifiedPair> =
            (0..3u32).map(|k| VerifiedPair { a: k, b: k + 1, ..pair(None) }).collect();
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
