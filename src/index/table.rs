//! Sorted tables of fixed-size records in a segment file, read at an offset without loading
//! them: records are sorted by their first 8 bytes (a little-endian `u64` key, uniform hashes),
//! and a directory of `2^bits` bucket starts (the key's top `bits` bits, chosen so that a
//! bucket holds about 64 records) is kept in memory. A lookup reads one bucket with one
//! positioned read and searches it.

use std::fs::File;
use std::io;
use std::os::unix::fs::FileExt;

/// Records per directory bucket aimed at.
const BUCKET: u64 = 64;
/// Most directory bits (a directory of 32 MiB, for a table of 2^28 records: a segment of
/// millions of documents still reads about 64 records a lookup).
pub const MAX_BITS: u32 = 22;

/// Directory bits for `count` records.
pub fn bits_for(count: u64) -> u32 {
    let mut bits = 0;
    while bits < MAX_BITS && (count >> bits) > BUCKET {
        bits += 1;
    }
    bits
}

fn bucket_of(key: u64, bits: u32) -> usize {
    if bits == 0 {
        0
    } else {
        (key >> (64 - bits)) as usize
    }
}

/// Writes records (already sorted by key, each `rec` bytes, key first) as a table: the
/// directory (`2^bits + 1` little-endian `u64` record indices) then the records. Returns the
/// bytes to append to the segment and the directory bits.
pub fn encode(records: &[u8], rec: usize, bits: u32) -> Vec<u8> {
    let mut out = directory(records.chunks_exact(rec).map(key), bits);
    out.extend_from_slice(records);
    out
}

/// The directory [`encode`] writes before records (sorted) whose keys are `keys`.
pub fn directory(keys: impl Iterator<Item = u64>, bits: u32) -> Vec<u8> {
    let buckets = 1usize << bits;
    let mut start = vec![0u64; buckets + 1];
    for k in keys {
        start[bucket_of(k, bits) + 1] += 1;
    }
    for p in 0..buckets {
        start[p + 1] += start[p];
    }
    let mut out = Vec::with_capacity(8 * (buckets + 1));
    for s in start {
        out.extend_from_slice(&s.to_le_bytes());
    }
    out
}

/// The key of a record.
pub fn key(r: &[u8]) -> u64 {
    u64::from_le_bytes(r[..8].try_into().unwrap_or([0; 8]))
}

/// A table of a segment file, with its directory in memory.
#[derive(Debug)]
pub struct Table {
    /// Offset of the first record in the file.
    records_at: u64,
    /// Record size.
    rec: usize,
    bits: u32,
    start: Vec<u64>,
}

impl Table {
    /// Reads the directory of a table written by [`encode`] at `offset` of `file`.
    pub fn open(file: &File, offset: u64, rec: usize, bits: u32) -> io::Result<Table> {
        let buckets = 1usize << bits;
        let mut raw = vec![0u8; 8 * (buckets + 1)];
        file.read_exact_at(&mut raw, offset)?;
        let start: Vec<u64> = raw.chunks_exact(8).map(key).collect();
        if start.windows(2).any(|w| w[0] > w[1]) {
            return Err(io::Error::new(io::ErrorKind::InvalidData, "table directory out of order"));
        }
        Ok(Table { records_at: offset + raw.len() as u64, rec, bits, start })
    }

    /// Number of records.
    pub fn rows(&self) -> u64 {
        self.start.last().copied().unwrap_or(0)
    }

    /// Bytes the table takes in the file.
    pub fn bytes(&self) -> u64 {
        8 * self.start.len() as u64 + self.rows() * self.rec as u64
    }

    /// Calls `found` with every record whose key is `k`.
    pub fn lookup(
        &self,
        file: &File,
        k: u64,
        buf: &mut Vec<u8>,
        mut found: impl FnMut(&[u8]),
    ) -> io::Result<()> {
        let b = bucket_of(k, self.bits);
        let (lo, hi) = (self.start[b], self.start[b + 1]);
        if lo == hi {
            return Ok(());
        }
        buf.resize(((hi - lo) as usize) * self.rec, 0);
        file.read_exact_at(buf, self.records_at + lo * self.rec as u64)?;
        let n = (hi - lo) as usize;
        let first = partition(n, |i| key(&buf[i * self.rec..]) < k);
        for i in first..n {
            let r = &buf[i * self.rec..(i + 1) * self.rec];
            if key(r) != k {
                break;
            }
            found(r);
        }
        Ok(())
    }
}

/// The first index in `0..n` where `before` is false (`before` is true then false).
fn partition(n: usize, before: impl Fn(usize) -> bool) -> usize {
    let (mut lo, mut hi) = (0, n);
    while lo < hi {
        let mid = (lo + hi) / 2;
        if before(mid) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    lo
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn lookups_find_exactly_the_records_of_a_key() {
        let mut keys: Vec<(u64, u32)> = (0..5000u64)
            .map(|i| (i.wrapping_mul(0x9E37_79B9_7F4A_7C15) % 977 * 0x0100_0000_0000_0001, i as u32))
            .collect();
        keys.sort_unstable();
        let mut recs = Vec::new();
        for (k, v) in &keys {
            recs.extend_from_slice(&k.to_le_bytes());
            recs.extend_from_slice(&v.to_le_bytes());
        }
        for bits in [0, bits_for(keys.len() as u64)] {
            let mut f = tempfile::tempfile().unwrap();
            f.write_all(b"head").unwrap();
            f.write_all(&encode(&recs, 12, bits)).unwrap();
            let t = Table::open(&f, 4, 12, bits).unwrap();
            assert_eq!(t.rows(), 5000);
            let mut buf = Vec::new();
            for probe in [keys[0].0, keys[2500].0, keys[4999].0, 12345] {
                let mut got = Vec::new();
                t.lookup(&f, probe, &mut buf, |r| got.push(u32::from_le_bytes(r[8..12].try_into().unwrap())))
                    .unwrap();
                let want: Vec<u32> = keys.iter().filter(|(k, _)| *k == probe).map(|(_, v)| *v).collect();
                assert_eq!(got, want, "bits {bits}, key {probe}");
            }
        }
    }
}
