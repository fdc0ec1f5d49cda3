//! Overlaps decided ahead of their turn. When [`super::relate`] aligns a row of blocks, the
//! pairs whose second document lies past the row are decided first, but the sink takes
//! overlaps in increasing key, a block at a time. Until their block's turn they are held
//! encoded (about 100 bytes an overlap instead of a few hundred), in an unnamed temporary file
//! in the run's scratch directory when it has one ([`super::OverlapSink::scratch`]), so memory
//! holds 20 bytes for each.

use crate::overlap::{Alignment, Passage};
use crate::verify::{LinkedBy, Relation, Scores, SetAside, VerifiedPair};
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::os::unix::fs::FileExt;
use std::path::Path;

/// Encoded overlaps, in memory or in a temporary file.
enum Store {
    Memory(Vec<u8>),
    File(BufWriter<File>),
}

/// Overlaps held until their block: pushed in any order, taken in increasing key.
pub struct Ahead {
    store: Store,
    /// Bytes written.
    len: u64,
    /// `(key, offset, length)` of each overlap; sorted by key once every overlap is pushed.
    at: Vec<((u32, u32), u64, u32)>,
    /// The first not taken yet.
    next: usize,
}

impl Ahead {
    /// Nothing held yet; a temporary file in `dir`, or memory without one.
    pub fn new(dir: Option<&Path>) -> io::Result<Self> {
        let store = match dir {
            Some(dir) => Store::File(BufWriter::with_capacity(1 << 20, tempfile::tempfile_in(dir)?)),
            None => Store::Memory(Vec::new()),
        };
        Ok(Ahead { store, len: 0, at: Vec::new(), next: 0 })
    }

    /// Holds the overlap `p` of key `key`.
    pub fn push(&mut self, key: (u32, u32), p: &VerifiedPair) -> io::Result<()> {
        let mut bytes = Vec::with_capacity(128);
        encode(p, &mut bytes);
        match &mut self.store {
            Store::Memory(m) => m.extend_from_slice(&bytes),
            Store::File(f) => f.write_all(&bytes)?,
        }
        self.at.push((key, self.len, bytes.len() as u32));
        self.len += bytes.len() as u64;
        Ok(())
    }

    /// Every overlap is pushed: they are taken from now on.
    pub fn finish(&mut self) -> io::Result<()> {
        if let Store::File(f) = &mut self.store {
            f.flush()?;
        }
        self.at.sort_unstable_by_key(|&(k, _, _)| k);
        Ok(())
    }

    /// The overlaps not taken yet whose key's first rank is below `end`, in increasing key.
    pub fn take_before(&mut self, end: u32) -> io::Result<Vec<((u32, u32), VerifiedPair)>> {
        let from = self.next;
        while self.next < self.at.len() && self.at[self.next].0 .0 < end {
            self.next += 1;
        }
        let mut buf = Vec::new();
        self.at[from..self.next]
            .iter()
            .map(|&(key, offset, len)| {
                let bytes: &[u8] = match &self.store {
                    Store::Memory(m) => &m[offset as usize..offset as usize + len as usize],
                    Store::File(f) => {
                        buf.resize(len as usize, 0);
                        f.get_ref().read_exact_at(&mut buf, offset)?;
                        &buf
                    }
                };
                decode(bytes)
                    .map(|p| (key, p))
                    .ok_or_else(|| io::Error::other("an overlap held ahead reads back wrong"))
            })
            .collect()
    }

    /// Whether every overlap was taken.
    pub fn is_done(&self) -> bool {
        self.next == self.at.len()
    }
}

fn put_u32(out: &mut Vec<u8>, x: u32) {
    out.extend_from_slice(&x.to_le_bytes());
}

fn put_u64(out: &mut Vec<u8>, x: u64) {
    out.extend_from_slice(&x.to_le_bytes());
}

fn put_f64(out: &mut Vec<u8>, x: f64) {
    put_u64(out, x.to_bits());
}

/// Appends the bytes of `p` to `out`.
fn encode(p: &VerifiedPair, out: &mut Vec<u8>) {
    put_u32(out, p.a);
    put_u32(out, p.b);
    put_f64(out, p.scores.jaccard);
    put_f64(out, p.scores.containment_a_in_b);
    put_f64(out, p.scores.containment_b_in_a);
    put_u64(out, p.scores.shared as u64);
    out.push(match p.linked_by {
        LinkedBy::Jaccard => 0,
        LinkedBy::Passage => 1,
        LinkedBy::Both => 2,
    });
    out.push(match p.relation {
        Relation::Overlap => 0,
        Relation::Story => 1,
        Relation::Duplicate => 2,
    });
    let (tag, by) = match p.set_aside {
        None => (0, 0),
        Some(SetAside::Roundup(d)) => (1, d),
        Some(SetAside::Hub(d)) => (2, d),
        Some(SetAside::Cut) => (3, 0),
    };
    out.push(tag);
    put_u32(out, by);
    let Some(al) = &p.alignment else {
        out.push(0);
        return;
    };
    out.push(1);
    put_u32(out, al.passages.len() as u32);
    for q in &al.passages {
        for x in [q.a.0, q.a.1, q.b.0, q.b.1, q.a_tokens.0, q.a_tokens.1, q.b_tokens.0, q.b_tokens.1] {
            put_u32(out, x);
        }
        put_u64(out, q.words as u64);
        put_f64(out, q.exact);
    }
    for x in [al.coverage_a, al.coverage_b, al.coverage_shorter] {
        put_f64(out, x);
    }
    for x in [al.own_words_a, al.own_words_b, al.words_a, al.words_b] {
        put_u64(out, x as u64);
    }
}

/// Reads what [`encode`] wrote, front to back.
struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn bytes<const N: usize>(&mut self) -> Option<[u8; N]> {
        let (head, rest) = self.0.split_first_chunk::<N>()?;
        self.0 = rest;
        Some(*head)
    }
    fn u8(&mut self) -> Option<u8> {
        Some(self.bytes::<1>()?[0])
    }
    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.bytes()?))
    }
    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.bytes()?))
    }
    fn usize(&mut self) -> Option<usize> {
        usize::try_from(self.u64()?).ok()
    }
    fn f64(&mut self) -> Option<f64> {
        Some(f64::from_bits(self.u64()?))
    }
}

/// The pair [`encode`] wrote as `bytes`, or `None` when they are not such a pair.
fn decode(bytes: &[u8]) -> Option<VerifiedPair> {
    let mut r = Reader(bytes);
    let (a, b) = (r.u32()?, r.u32()?);
    let scores = Scores {
        jaccard: r.f64()?,
        containment_a_in_b: r.f64()?,
        containment_b_in_a: r.f64()?,
        shared: r.usize()?,
    };
    let linked_by = [LinkedBy::Jaccard, LinkedBy::Passage, LinkedBy::Both].get(r.u8()? as usize).copied()?;
    let relation =
        [Relation::Overlap, Relation::Story, Relation::Duplicate].get(r.u8()? as usize).copied()?;
    let (tag, by) = (r.u8()?, r.u32()?);
    let set_aside = match tag {
        0 => None,
        1 => Some(SetAside::Roundup(by)),
        2 => Some(SetAside::Hub(by)),
        3 => Some(SetAside::Cut),
        _ => return None,
    };
    let alignment = match r.u8()? {
        0 => None,
        1 => {
            let n = r.u32()? as usize;
            let mut passages = Vec::with_capacity(n.min(bytes.len()));
            for _ in 0..n {
                let mut x = [0u32; 8];
                for v in &mut x {
                    *v = r.u32()?;
                }
                passages.push(Passage {
                    a: (x[0], x[1]),
                    b: (x[2], x[3]),
                    a_tokens: (x[4], x[5]),
                    b_tokens: (x[6], x[7]),
                    words: r.usize()?,
                    exact: r.f64()?,
                });
            }
            Some(Alignment {
                passages,
                coverage_a: r.f64()?,
                coverage_b: r.f64()?,
                coverage_shorter: r.f64()?,
                own_words_a: r.usize()?,
                own_words_b: r.usize()?,
                words_a: r.usize()?,
                words_b: r.usize()?,
            })
        }
        _ => return None,
    };
    r.0.is_empty().then_some(VerifiedPair { a, b, scores, linked_by, alignment, relation, set_aside })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn pair(seed: u32, passages: usize, set_aside: Option<SetAside>) -> VerifiedPair {
        let f = |x: u32| f64::from(x) / 7.0;
        VerifiedPair {
            a: seed,
            b: seed.wrapping_mul(31).wrapping_add(5),
            scores: Scores {
                jaccard: f(seed),
                containment_a_in_b: f(seed + 1),
                containment_b_in_a: -0.0,
                shared: 3,
            },
            linked_by: [LinkedBy::Jaccard, LinkedBy::Passage, LinkedBy::Both][seed as usize % 3],
            alignment: (passages > 0).then(|| Alignment {
                passages: (0..passages as u32)
                    .map(|i| Passage {
                        a: (i, i + 9),
                        b: (i * 2, u32::MAX - i),
                        a_tokens: (i, i + 1),
                        b_tokens: (i + 2, i + 3),
                        words: 50 + i as usize,
                        exact: f(i),
                    })
                    .collect(),
                coverage_a: 0.25,
                coverage_b: f(seed),
                coverage_shorter: 0.25,
                own_words_a: 1,
                own_words_b: 2,
                words_a: 300,
                words_b: usize::MAX,
            }),
            relation: [Relation::Overlap, Relation::Story, Relation::Duplicate][seed as usize % 3],
            set_aside,
        }
    }

    proptest! {
        /// Every pair reads back as it was pushed, in increasing key whatever the order of
        /// pushing, each once, from memory and from a file alike.
        #[test]
        fn overlaps_read_back_equal_in_key_order(keys in proptest::collection::btree_set((0u32..50, 0u32..50), 0..40), in_file: bool) {
            let dir = std::env::temp_dir();
            let mut ahead = Ahead::new(in_file.then_some(dir.as_path())).unwrap();
            let asides = [None, Some(SetAside::Roundup(4)), Some(SetAside::Hub(9)), Some(SetAside::Cut)];
            let mut expected: Vec<((u32, u32), VerifiedPair)> = keys
                .iter()
                .enumerate()
                .map(|(i, &k)| (k, pair(k.0 * 50 + k.1, i % 4, asides[i % 4])))
                .collect();
            // Pushed in reverse, the opposite of key order.
            for (k, p) in expected.iter().rev() {
                ahead.push(*k, p).unwrap();
            }
            ahead.finish().unwrap();
            let mut got = ahead.take_before(20).unwrap();
            prop_assert!(got.iter().all(|(k, _)| k.0 < 20));
            got.extend(ahead.take_before(u32::MAX).unwrap());
            prop_assert!(ahead.is_done());
            prop_assert!(ahead.take_before(u32::MAX).unwrap().is_empty());
            expected.sort_by_key(|(k, _)| *k);
            prop_assert_eq!(got.len(), expected.len());
            for ((k, p), (l, q)) in got.iter().zip(&expected) {
                prop_assert_eq!(k, l);
                // Bit for bit, negative zero included.
                prop_assert_eq!(format!("{p:?}"), format!("{q:?}"));
                prop_assert_eq!(p.scores.containment_b_in_a.to_bits(), q.scores.containment_b_in_a.to_bits());
            }
        }
    }

    #[test]
    fn bytes_that_are_not_a_pair_read_as_none() {
        let mut bytes = Vec::new();
        encode(&pair(3, 2, None), &mut bytes);
        assert!(decode(&bytes).is_some());
        assert!(decode(&bytes[..bytes.len() - 1]).is_none());
        bytes.push(0);
        assert!(decode(&bytes).is_none());
    }
}
