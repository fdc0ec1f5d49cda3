//! Overlaps decided ahead of their turn. When [`super::relate`] aligns a row of blocks, the
//! pairs whose second document lies past the row are decided first, but the sink takes
//! overlaps in increasing key, a block at a time. Until their block's turn they are held
//! encoded ([`super::record`]: about 100 bytes an overlap instead of a few hundred), in an
//! unnamed temporary file in the run's scratch directory when it has one
//! ([`super::OverlapSink::scratch`]), so memory holds 20 bytes for each.

use super::record;
use super::scratch::Scratch;
use crate::verify::VerifiedPair;
use rayon::prelude::*;
use std::io;
use std::path::Path;

/// What errors call the file.
const FILE: &str = "the file of overlaps decided ahead";

/// Overlaps held until their block: pushed in any order, taken in increasing key.
pub struct Ahead {
    store: Scratch,
    /// The record being written.
    record: Vec<u8>,
    /// `(key, offset, length)` of each overlap; sorted by key once every overlap is pushed.
    at: Vec<((u32, u32), u64, u32)>,
    /// The first not taken yet.
    next: usize,
}

impl Ahead {
    /// Nothing held yet; a temporary file in `dir`, or memory without one.
    pub fn new(dir: Option<&Path>) -> io::Result<Self> {
        Ok(Ahead { store: Scratch::new(dir)?, record: Vec::new(), at: Vec::new(), next: 0 })
    }

    /// Holds the overlap `p` of key `key`.
    pub fn push(&mut self, key: (u32, u32), p: &VerifiedPair) -> io::Result<()> {
        record::encode(p, &mut self.record);
        let offset = self.store.append(&self.record)?;
        self.at.push((key, offset, self.record.len() as u32));
        Ok(())
    }

    /// Every overlap is pushed: they are taken from now on.
    pub fn finish(&mut self) -> io::Result<()> {
        self.store.finish()?;
        self.at.sort_unstable_by_key(|&(k, _, _)| k);
        Ok(())
    }

    /// The overlaps not taken yet whose key's first rank is below `end`, in increasing key
    /// (read and decoded on all threads: the overlaps of a row's first blocks are mostly
    /// decided ahead).
    pub fn take_before(&mut self, end: u32) -> io::Result<Vec<((u32, u32), VerifiedPair)>> {
        let from = self.next;
        while self.next < self.at.len() && self.at[self.next].0 .0 < end {
            self.next += 1;
        }
        let store = &self.store;
        self.at[from..self.next]
            .par_iter()
            .map_init(Vec::new, |buf, &(key, offset, len)| {
                let mut r = store.read(offset, len as usize, buf)?;
                let p = record::decode(&mut r, FILE)?;
                match r.is_empty() {
                    true => Ok((key, p)),
                    false => Err(io::Error::new(io::ErrorKind::InvalidData, format!("{FILE} is corrupt"))),
                }
            })
            .collect()
    }

    /// Whether every overlap was taken.
    pub fn is_done(&self) -> bool {
        self.next == self.at.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::overlap::{Alignment, Passage};
    use crate::verify::{LinkedBy, Relation, Scores, SetAside};
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
                figures_replaced: seed as usize % 3,
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
}
