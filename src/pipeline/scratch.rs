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
        let (offset, n) = self.at[i];
        let mut buf = Vec::new();
        let bytes = self.store.read(offset, 8 * n, &mut buf)?;
        let word = |b: &[u8]| u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
        Ok(bytes.chunks_exact(8).map(|p| (word(&p[..4]), word(&p[4..]))).collect())
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
    }
}
