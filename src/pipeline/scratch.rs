//! Bytes a stage writes once and reads back later: appended to an unnamed temporary file in the
//! run's scratch directory ([`super::OverlapSink::scratch`]), or held in memory without one.
//! The file has no name: nothing of it is left behind, however the run ends.

use crate::lsh::Pair;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::os::unix::fs::FileExt;
use std::path::Path;

/// Where the bytes are.
enum Store {
    Memory(Vec<u8>),
    File(BufWriter<File>),
}

/// Bytes appended, then read back at their offsets once [`Scratch::finish`] is called.
pub struct Scratch {
    store: Store,
    /// Bytes appended.
    len: u64,
}

impl Scratch {
    /// Nothing written yet: a temporary file in `dir`, or memory without one.
    pub fn new(dir: Option<&Path>) -> io::Result<Self> {
        let store = match dir {
            Some(dir) => Store::File(BufWriter::with_capacity(1 << 20, tempfile::tempfile_in(dir)?)),
            None => Store::Memory(Vec::new()),
        };
        Ok(Scratch { store, len: 0 })
    }

    /// Appends `bytes`; returns their offset.
    pub fn append(&mut self, bytes: &[u8]) -> io::Result<u64> {
        match &mut self.store {
            Store::Memory(m) => m.extend_from_slice(bytes),
            Store::File(f) => f.write_all(bytes)?,
        }
        let at = self.len;
        self.len += bytes.len() as u64;
        Ok(at)
    }

    /// Every byte is appended: they are read from now on.
    pub fn finish(&mut self) -> io::Result<()> {
        if let Store::File(f) = &mut self.store {
            f.flush()?;
        }
        Ok(())
    }

    /// The `len` bytes at `offset` (read into `buf` from a file).
    pub fn read<'a>(&'a self, offset: u64, len: usize, buf: &'a mut Vec<u8>) -> io::Result<&'a [u8]> {
        match &self.store {
            Store::Memory(m) => Ok(&m[offset as usize..offset as usize + len]),
            Store::File(f) => {
                buf.resize(len, 0);
                f.get_ref().read_exact_at(buf, offset)?;
                Ok(buf)
            }
        }
    }
}

/// Lists of pairs written once, a block at a time, and read back by block.
pub struct PairBlocks {
    store: Scratch,
    /// The offset and number of pairs of each block.
    at: Vec<(u64, usize)>,
    /// The block being encoded.
    bytes: Vec<u8>,
}

impl PairBlocks {
    /// No block yet: a temporary file in `dir`, or memory without one.
    pub fn new(dir: Option<&Path>) -> io::Result<Self> {
        Ok(PairBlocks { store: Scratch::new(dir)?, at: Vec::new(), bytes: Vec::new() })
    }

    /// Writes the pairs of the next block (8 bytes a pair).
    pub fn push(&mut self, pairs: &[Pair]) -> io::Result<()> {
        self.bytes.clear();
        for &(a, b) in pairs {
            self.bytes.extend_from_slice(&a.to_le_bytes());
            self.bytes.extend_from_slice(&b.to_le_bytes());
        }
        let offset = self.store.append(&self.bytes)?;
        self.at.push((offset, pairs.len()));
        Ok(())
    }

    /// Every block is written: they are read from now on.
    pub fn finish(&mut self) -> io::Result<()> {
        self.store.finish()
    }

    /// The pairs of block `i` (the `i`-th pushed), as pushed.
    pub fn read(&self, i: usize) -> io::Result<Vec<Pair>> {
        self.read_part(i, 0, self.at[i].1)
    }

    /// At most `n` pairs of block `i` from its `from`-th on.
    fn read_part(&self, i: usize, from: usize, n: usize) -> io::Result<Vec<Pair>> {
        let (offset, len) = self.at[i];
        let n = n.min(len.saturating_sub(from));
        let mut buf = Vec::new();
        let bytes = self.store.read(offset + 8 * from as u64, 8 * n, &mut buf)?;
        let word = |b: &[u8]| u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
        Ok(bytes.chunks_exact(8).map(|p| (word(&p[..4]), word(&p[4..]))).collect())
    }
}

/// Pairs read from a merge at a time, from each list (64 KiB).
const MERGE_PART: usize = 8_192;

/// One list of a [`Merged`]: the part of it read, and where the rest is.
struct Part {
    /// The block of [`PairBlocks`] the rest is read from (none for a list given whole).
    block: Option<usize>,
    pairs: Vec<Pair>,
    at: usize,
    /// Pairs of the block read so far.
    read: usize,
}

/// Lists of pairs, each in increasing `key`, taken as one list in increasing `key`, holding
/// at most [`MERGE_PART`] pairs of each list that [`PairBlocks`] holds. Keys are distinct.
pub struct Merged<'a, K> {
    blocks: Option<&'a PairBlocks>,
    parts: Vec<Part>,
    /// The key of each list's next pair, smallest first.
    next: std::collections::BinaryHeap<std::cmp::Reverse<((u32, u32), usize)>>,
    key: K,
}

impl<'a, K: Fn(&Pair) -> (u32, u32)> Merged<'a, K> {
    /// The blocks `of` of `blocks`, read a part at a time.
    pub fn stored(blocks: &'a PairBlocks, of: impl Iterator<Item = usize>, key: K) -> io::Result<Self> {
        let parts = of.map(|i| Part { block: Some(i), pairs: Vec::new(), at: 0, read: 0 }).collect();
        Merged::start(Some(blocks), parts, key)
    }

    /// Lists held whole.
    pub fn held(lists: Vec<Vec<Pair>>, key: K) -> io::Result<Self> {
        let parts = lists.into_iter().map(|pairs| Part { block: None, pairs, at: 0, read: 0 }).collect();
        Merged::start(None, parts, key)
    }

    fn start(blocks: Option<&'a PairBlocks>, parts: Vec<Part>, key: K) -> io::Result<Self> {
        let mut m = Merged { blocks, parts, next: Default::default(), key };
        for k in 0..m.parts.len() {
            m.refill(k)?;
        }
        Ok(m)
    }

    /// Reads the next part of list `k` when its pairs read are all taken, and queues its next
    /// pair.
    fn refill(&mut self, k: usize) -> io::Result<()> {
        let part = &mut self.parts[k];
        if part.at == part.pairs.len() {
            if let (Some(blocks), Some(i)) = (self.blocks, part.block) {
                part.pairs = blocks.read_part(i, part.read, MERGE_PART)?;
                part.read += part.pairs.len();
                part.at = 0;
            }
        }
        if let Some(p) = part.pairs.get(part.at) {
            self.next.push(std::cmp::Reverse(((self.key)(p), k)));
        }
        Ok(())
    }

    /// The key of the next pair.
    pub fn peek(&self) -> Option<(u32, u32)> {
        self.next.peek().map(|r| r.0 .0)
    }

    /// The next pair, in increasing key.
    pub fn pop(&mut self) -> io::Result<Option<Pair>> {
        let Some(std::cmp::Reverse((_, k))) = self.next.pop() else { return Ok(None) };
        let part = &mut self.parts[k];
        let p = part.pairs[part.at];
        part.at += 1;
        self.refill(k)?;
        Ok(Some(p))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Every piece reads back as it was appended, from memory and from a file alike, in
        /// any order of reading.
        #[test]
        fn pieces_read_back_equal(pieces in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..100), 0..20), in_file: bool) {
            let dir = std::env::temp_dir();
            let mut s = Scratch::new(in_file.then_some(dir.as_path())).unwrap();
            let at: Vec<u64> = pieces.iter().map(|p| s.append(p).unwrap()).collect();
            s.finish().unwrap();
            let mut buf = Vec::new();
            for (p, &o) in pieces.iter().zip(&at).rev() {
                prop_assert_eq!(s.read(o, p.len(), &mut buf).unwrap(), &p[..]);
            }
        }

        /// Every block of pairs reads back as it was pushed, extreme ids and empty blocks
        /// included.
        #[test]
        fn blocks_of_pairs_read_back_equal(blocks in proptest::collection::vec(proptest::collection::vec(any::<(u32, u32)>(), 0..50), 0..10), in_file: bool) {
            let dir = std::env::temp_dir();
            let mut s = PairBlocks::new(in_file.then_some(dir.as_path())).unwrap();
            for b in &blocks {
                s.push(b).unwrap();
            }
            s.finish().unwrap();
            for (i, b) in blocks.iter().enumerate().rev() {
                prop_assert_eq!(&s.read(i).unwrap(), b);
            }
        }

        /// Lists each sorted by a key, merged a part at a time from a file, from memory, or
        /// given whole, come out as all their pairs sorted by that key, lists longer than a
        /// part included.
        #[test]
        fn merged_lists_come_out_sorted_by_key(lists in proptest::collection::vec(proptest::collection::btree_set(any::<(u32, u32)>(), 0..50), 0..6), long: bool, in_file: bool) {
            // The key: the second member first (distinct pairs, distinct keys).
            let key = |p: &Pair| (p.1, p.0);
            let mut lists: Vec<Vec<Pair>> = lists.into_iter().map(|l| l.into_iter().collect()).collect();
            if long {
                // Two parts and a few pairs more.
                lists.push((0..MERGE_PART as u32 * 2 + 3).map(|j| (u32::MAX - j, j)).collect());
            }
            let mut all: Vec<Pair> = lists.iter().flatten().copied().collect();
            all.sort_by_key(key);
            all.dedup();
            // Keys are distinct in a merge: a pair in two lists stays in the first only.
            let mut seen = std::collections::HashSet::new();
            for l in &mut lists {
                l.retain(|p| seen.insert(*p));
                l.sort_by_key(key);
            }
            let dir = std::env::temp_dir();
            let mut s = PairBlocks::new(in_file.then_some(dir.as_path())).unwrap();
            for l in &lists {
                s.push(l).unwrap();
            }
            s.finish().unwrap();
            let drain = |mut m: Merged<'_, _>| {
                let mut out = Vec::new();
                while let Some(k) = m.peek() {
                    let p = m.pop().unwrap().unwrap();
                    assert_eq!(key(&p), k);
                    out.push(p);
                }
                out
            };
            prop_assert_eq!(&drain(Merged::stored(&s, 0..lists.len(), key).unwrap()), &all);
            prop_assert_eq!(&drain(Merged::held(lists, key).unwrap()), &all);
        }
    }
}
