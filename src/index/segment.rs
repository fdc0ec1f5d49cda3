//! One segment file: the documents of one `index add` (or `query --add`), immutable once
//! written. Layout (little-endian):
//!
//! ```text
//! "RPIDXSG3"                                   magic and format version
//! documents u64, doc_offsets_at u64
//! 4 × (table offset u64, directory bits u64)   bands, postings, texts, ids
//! blobs …                                      one per document (StoredDoc::encode)
//! doc offsets: documents + 1 × u64             absolute offsets of the blobs
//! tables (super::table): bands    key u64, band u32, doc u32  (documents that enter LSH)
//!                        postings fingerprint u64, doc u32    (winnowing fingerprints)
//!                        texts    xxh3-128 of the text (low 64 bits) u64, doc u32
//!                        ids      xxh3-64 of the id u64, doc u32 (every document)
//! ```
//!
//! `doc` in the tables is the document's number inside the segment; the index adds the
//! segment's base. Only the first copy of a text (and no empty document) is in the bands,
//! postings and texts tables, as only the first copy enters the candidate stages of a run.
//!
//! With passages on, the blob of such a document also holds its alignment sequence (the byte
//! ranges of its tokens, varint-coded as gap and length, and its word-shingle hashes in
//! order): a query aligns every document it shares a fingerprint with, and reading the
//! sequence costs a fraction of normalizing and shingling the text again.

use super::table::{self, Table};
use crate::overlap::{Sequence, Tokens};
use crate::pipeline::Doc;
use crate::sketch::Sketch;
use rayon::prelude::*;
use std::fs::File;
use std::io::{self, Write};
use std::os::unix::fs::FileExt;

const MAGIC: &[u8; 8] = b"RPIDXSG3";
const HEADER: usize = 8 + 16 + 4 * 16;
const TABLES: usize = 4;
/// Record sizes of the four tables.
const RECORD: [usize; TABLES] = [16, 12, 12, 12];
/// Table numbers.
pub const BANDS: usize = 0;
/// Fingerprint postings.
pub const POSTINGS: usize = 1;
/// Text hashes.
pub const TEXTS: usize = 2;
/// Id hashes.
pub const IDS: usize = 3;

/// A document as a segment stores it.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredDoc {
    /// Id.
    pub id: String,
    /// Where it was read (file).
    pub source: String,
    /// Line in that file, for record inputs.
    pub line: Option<u64>,
    /// Original text.
    pub text: String,
    /// Length in characters.
    pub chars: u64,
    /// Distinct shingles.
    pub shingle_count: u32,
    /// Index number of the first document with the same text (its own number when none).
    pub first_copy: u32,
    /// xxh3-64 of the record as read.
    pub record_xxh3: u64,
    /// MinHash signature (empty for empty documents).
    pub slots: Vec<u32>,
    /// Winnowing fingerprints, sorted.
    pub winnowed: Vec<u64>,
    /// Display values and carried fields (`--meta`) of the record, as read.
    pub meta: crate::corpus::Meta,
    /// For each of `winnowed`, the documents holding it in this segment and the segments
    /// before it, counted when the segment was written (a query adds the later segments and
    /// its batch); empty for documents outside the candidate tables (copies, empty ones).
    pub dfs: Vec<u32>,
    /// Its alignment sequence, when the segment stores one (see the module docs).
    pub sequence: Option<Sequence>,
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    out.extend_from_slice(&(s.len() as u64).to_le_bytes());
    out.extend_from_slice(s.as_bytes());
}

struct Cursor<'a>(&'a [u8]);

impl Cursor<'_> {
    #[inline]
    fn take(&mut self, n: usize) -> io::Result<&[u8]> {
        if self.0.len() < n {
            return Err(bad("document record cut short"));
        }
        let (h, t) = self.0.split_at(n);
        self.0 = t;
        Ok(h)
    }
    fn u64(&mut self) -> io::Result<u64> {
        Ok(u64::from_le_bytes(self.take(8)?.try_into().map_err(|_| bad("short"))?))
    }
    fn u32(&mut self) -> io::Result<u32> {
        Ok(u32::from_le_bytes(self.take(4)?.try_into().map_err(|_| bad("short"))?))
    }
    #[inline]
    fn varint(&mut self) -> io::Result<u64> {
        if let Some((&b, rest)) = self.0.split_first().filter(|(&b, _)| b < 0x80) {
            self.0 = rest;
            return Ok(u64::from(b));
        }
        let mut v: u64 = 0;
        for shift in (0..64).step_by(7) {
            let b = self.take(1)?[0];
            v |= u64::from(b & 0x7f) << shift;
            if b < 0x80 {
                return Ok(v);
            }
        }
        Err(bad("varint too long"))
    }
    /// A stored sequence of word `k`-shingles of a document with text `text`: every token a
    /// range of the text on character boundaries (each start stored as the difference from the
    /// previous token's, its end as the difference from its start), then the shingles as
    /// `(hash, position)` pairs in increasing order (what alignment joins on), at most one per
    /// token.
    fn sequence(&mut self, text: &str, k: usize) -> io::Result<Sequence> {
        let n = self.u64()? as usize;
        if n > text.len() {
            return Err(bad("more tokens than bytes of text"));
        }
        let mut tokens = Tokens::with_capacity(n);
        let mut start = 0i64;
        for _ in 0..n {
            start = start.checked_add(unzigzag(self.varint()?)).ok_or_else(|| bad("token range"))?;
            let end = start.checked_add(unzigzag(self.varint()?)).ok_or_else(|| bad("token range"))?;
            let inside = |at: i64| usize::try_from(at).is_ok_and(|at| text.is_char_boundary(at));
            if !inside(start) || !inside(end) || end < start {
                return Err(bad("token outside the text"));
            }
            tokens.push((start as u32, end as u32));
        }
        let m = self.u64()? as usize;
        if m > n {
            return Err(bad("more shingles than tokens"));
        }
        let mut sorted = Vec::with_capacity(m);
        for _ in 0..m {
            let h = table::key(self.take(8)?);
            let i = u32::try_from(self.varint()?).map_err(|_| bad("shingle position"))?;
            sorted.push((h, i));
        }
        Sequence::from_sorted(text, tokens, &sorted, k).ok_or_else(|| bad("stored shingles out of order"))
    }
    fn string(&mut self) -> io::Result<String> {
        let n = self.u64()? as usize;
        crate::corpus::utf8_string(self.take(n)?.to_vec()).map_err(|_| bad("text is not UTF-8"))
    }
}

fn bad(what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, what.to_owned())
}

impl StoredDoc {
    /// What a segment stores of `doc`, with the document frequencies `dfs` of its fingerprints.
    pub fn of(doc: Doc, first_copy: u32, dfs: Vec<u32>) -> StoredDoc {
        StoredDoc {
            chars: doc.chars as u64,
            shingle_count: doc.shingle_count as u32,
            first_copy,
            record_xxh3: doc.record_xxh3,
            slots: doc.sketch.slots().to_vec(),
            id: doc.id,
            source: doc.origin.source.to_string(),
            line: doc.origin.line,
            text: doc.text,
            winnowed: doc.winnowed.to_vec(),
            meta: doc.meta,
            dfs,
            sequence: None,
        }
    }

    /// The document as the pipeline's stages see it (signature made with `seed`); its stored
    /// document frequencies are dropped.
    pub fn into_doc(self, seed: u64) -> Doc {
        let sketch = if self.slots.is_empty() {
            Sketch::None
        } else {
            Sketch::MinHash { seed, slots: self.slots.into() }
        };
        Doc {
            id: self.id,
            text_xxh3: xxhash_rust::xxh3::xxh3_128(self.text.as_bytes()),
            text: self.text,
            origin: crate::corpus::Origin { source: self.source.into(), line: self.line, input: 0 },
            shingles: Vec::new(),
            shingle_count: self.shingle_count as usize,
            sketch,
            winnowed: self.winnowed.into(),
            chars: self.chars as usize,
            key: None,
            meta: self.meta,
            record_xxh3: self.record_xxh3,
            sequence: self.sequence.map(Box::new),
        }
    }

    /// Appends the blob of the document, with `sequence` as its alignment sequence.
    fn encode(&self, sequence: Option<&Sequence>, out: &mut Vec<u8>) {
        put_str(out, &self.id);
        put_str(out, &self.source);
        out.extend_from_slice(&self.line.map_or(u64::MAX, |l| l).to_le_bytes());
        put_str(out, &self.text);
        out.extend_from_slice(&self.chars.to_le_bytes());
        out.extend_from_slice(&self.shingle_count.to_le_bytes());
        out.extend_from_slice(&self.first_copy.to_le_bytes());
        out.extend_from_slice(&self.record_xxh3.to_le_bytes());
        out.extend_from_slice(&(self.slots.len() as u64).to_le_bytes());
        self.slots.iter().for_each(|s| out.extend_from_slice(&s.to_le_bytes()));
        out.extend_from_slice(&(self.winnowed.len() as u64).to_le_bytes());
        self.winnowed.iter().for_each(|s| out.extend_from_slice(&s.to_le_bytes()));
        let m = &self.meta;
        for part in [m.title(), m.date(), m.outlet(), m.json()] {
            put_str(out, part.unwrap_or(""));
        }
        out.extend_from_slice(&(self.dfs.len() as u64).to_le_bytes());
        self.dfs.iter().for_each(|s| out.extend_from_slice(&s.to_le_bytes()));
        let Some(seq) = sequence else {
            out.push(0);
            return;
        };
        out.push(1);
        out.extend_from_slice(&(seq.tokens.len() as u64).to_le_bytes());
        let mut start = 0;
        for (s, e) in seq.tokens.iter() {
            put_varint(out, zigzag(i64::from(s) - i64::from(start)));
            put_varint(out, zigzag(i64::from(e) - i64::from(s)));
            start = s;
        }
        out.extend_from_slice(&(seq.shingles() as u64).to_le_bytes());
        for (h, i) in seq.sorted() {
            out.extend_from_slice(&h.to_le_bytes());
            put_varint(out, u64::from(i));
        }
    }

    /// Decodes a blob; a stored sequence is one of word `k`-shingles.
    /// The fields a stored document starts with: id, source, line and text.
    fn head(c: &mut Cursor) -> io::Result<(String, String, Option<u64>, String)> {
        let id = c.string()?;
        let source = c.string()?;
        let line = Some(c.u64()?).filter(|&l| l != u64::MAX);
        Ok((id, source, line, c.string()?))
    }

    fn decode(raw: &[u8], k: usize) -> io::Result<StoredDoc> {
        let mut c = Cursor(raw);
        let (id, source, line, text) = StoredDoc::head(&mut c)?;
        let chars = c.u64()?;
        let shingle_count = c.u32()?;
        let first_copy = c.u32()?;
        let record_xxh3 = c.u64()?;
        let n = c.u64()? as usize;
        let slots = c
            .take(n.checked_mul(4).ok_or_else(|| bad("size"))?)?
            .chunks_exact(4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect();
        let n = c.u64()? as usize;
        let winnowed: Vec<u64> =
            c.take(n.checked_mul(8).ok_or_else(|| bad("size"))?)?.chunks_exact(8).map(table::key).collect();
        let [title, date, outlet, json] = [c.string()?, c.string()?, c.string()?, c.string()?];
        let meta = crate::corpus::Meta::new(
            [Some(title.as_str()), Some(date.as_str()), Some(outlet.as_str())],
            Some(json.as_str()).filter(|j| !j.is_empty()),
        );
        let n = c.u64()? as usize;
        let dfs: Vec<u32> = c
            .take(n.checked_mul(4).ok_or_else(|| bad("size"))?)?
            .chunks_exact(4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect();
        if !dfs.is_empty() && dfs.len() != winnowed.len() {
            return Err(bad("document frequencies do not match the fingerprints"));
        }
        let sequence = match c.take(1)?[0] {
            0 => None,
            1 => Some(c.sequence(&text, k)?),
            _ => return Err(bad("sequence flag")),
        };
        if !c.0.is_empty() {
            return Err(bad("document record too long"));
        }
        Ok(StoredDoc {
            id,
            source,
            line,
            text,
            chars,
            shingle_count,
            first_copy,
            record_xxh3,
            slots,
            winnowed,
            meta,
            dfs,
            sequence,
        })
    }
}

/// A signed difference as an unsigned number, small for small differences either way.
fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

fn unzigzag(v: u64) -> i64 {
    (v >> 1) as i64 ^ -((v & 1) as i64)
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push(v as u8 | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// The rows of the four tables for the documents of one segment.
#[derive(Debug, Default)]
pub struct Rows {
    /// `(band key, band, doc)`.
    pub bands: Vec<(u64, u32, u32)>,
    /// `(fingerprint, doc)`.
    pub postings: Vec<(u64, u32)>,
    /// `(text hash, doc)`.
    pub texts: Vec<(u64, u32)>,
    /// `(id hash, doc)`.
    pub ids: Vec<(u64, u32)>,
}

/// Documents made and encoded at a time (in parallel) when a segment is written.
pub const ENCODE_BLOCK: usize = 4096;

/// Writes a segment with `documents` documents and the table `rows` to `file` (not synced).
/// `block(start, n)` gives documents `start..start + n` as stored, [`ENCODE_BLOCK`] at a time
/// (fewer for the last), so that the stored documents (their texts) are never all in memory;
/// `sequence(i, d)` gives the alignment sequence to store with document `i`, if any, called
/// once per document, a block at a time, so sequences are never all in memory either.
pub fn write(
    file: &mut File,
    documents: usize,
    mut block: impl FnMut(usize, usize) -> io::Result<Vec<StoredDoc>>,
    mut rows: Rows,
    sequence: impl Fn(usize, &StoredDoc) -> Option<Sequence> + Sync,
) -> io::Result<u64> {
    let mut w = io::BufWriter::with_capacity(1 << 20, &mut *file);
    w.write_all(&[0u8; HEADER])?;
    let mut at = HEADER as u64;
    let mut offsets = Vec::with_capacity(documents + 1);
    for start in (0..documents).step_by(ENCODE_BLOCK) {
        let n = ENCODE_BLOCK.min(documents - start);
        let docs = block(start, n)?;
        if docs.len() != n {
            return Err(io::Error::other(format!("{} documents made for a block of {n}", docs.len())));
        }
        let blobs: Vec<Vec<u8>> = docs
            .par_iter()
            .enumerate()
            .map(|(j, d)| {
                let mut blob = Vec::new();
                d.encode(sequence(start + j, d).as_ref(), &mut blob);
                blob
            })
            .collect();
        drop(docs);
        for blob in blobs {
            offsets.push(at);
            w.write_all(&blob)?;
            at += blob.len() as u64;
        }
    }
    offsets.push(at);
    let doc_offsets_at = at;
    for o in &offsets {
        w.write_all(&o.to_le_bytes())?;
    }
    at += 8 * offsets.len() as u64;
    let mut header = Vec::with_capacity(HEADER);
    header.extend_from_slice(MAGIC);
    header.extend_from_slice(&(documents as u64).to_le_bytes());
    header.extend_from_slice(&doc_offsets_at.to_le_bytes());
    // Each table is written from its rows, which go once it is: their bytes are never all in
    // memory besides the rows.
    rows.bands.sort_unstable();
    rows.postings.sort_unstable();
    rows.texts.sort_unstable();
    rows.ids.sort_unstable();
    let Rows { bands, postings, texts, ids } = rows;
    let band = |&(k, b, d): &(u64, u32, u32)| {
        let mut r = [0u8; 16];
        r[..8].copy_from_slice(&k.to_le_bytes());
        r[8..12].copy_from_slice(&b.to_le_bytes());
        r[12..].copy_from_slice(&d.to_le_bytes());
        r
    };
    let pair = |&(k, d): &(u64, u32)| {
        let mut r = [0u8; 16];
        r[..8].copy_from_slice(&k.to_le_bytes());
        r[8..12].copy_from_slice(&d.to_le_bytes());
        r
    };
    let mut put = |written: (u32, u64)| {
        header.extend_from_slice(&at.to_le_bytes());
        header.extend_from_slice(&u64::from(written.0).to_le_bytes());
        at += written.1;
    };
    put(put_table(&mut w, bands, RECORD[BANDS], band)?);
    put(put_table(&mut w, postings, RECORD[POSTINGS], pair)?);
    put(put_table(&mut w, texts, RECORD[TEXTS], pair)?);
    put(put_table(&mut w, ids, RECORD[IDS], pair)?);
    w.flush()?;
    drop(w);
    file.write_all_at(&header, 0)?;
    Ok(at)
}

/// Writes `rows` (sorted by their records' keys, the first 8 bytes) as a table, each row as the
/// first `rec` bytes of `record(row)`: the bytes [`table::encode`] gives for them, written as they
/// are made.
/// Returns the table's directory bits and its size in bytes.
fn put_table<T>(
    w: &mut impl Write,
    rows: Vec<T>,
    rec: usize,
    record: impl Fn(&T) -> [u8; 16],
) -> io::Result<(u32, u64)> {
    let bits = table::bits_for(rows.len() as u64);
    let directory = table::directory(rows.iter().map(|r| table::key(&record(r))), bits);
    w.write_all(&directory)?;
    for r in &rows {
        w.write_all(&record(r)[..rec])?;
    }
    Ok((bits, (directory.len() + rows.len() * rec) as u64))
}

/// An open segment file.
#[derive(Debug)]
pub struct Segment {
    file: File,
    /// Documents in it.
    pub documents: u32,
    doc_offsets_at: u64,
    tables: Vec<Table>,
}

impl Segment {
    /// Opens a segment file of `expected_bytes` bytes.
    pub fn open(file: File, expected_bytes: u64) -> io::Result<Segment> {
        let len = file.metadata()?.len();
        if len != expected_bytes {
            return Err(bad(&format!("{len} bytes where the index manifest says {expected_bytes}")));
        }
        let mut header = [0u8; HEADER];
        file.read_exact_at(&mut header, 0)?;
        if &header[..8] != MAGIC {
            return Err(bad("not a reprint index segment of this version (format RPIDXSG3)"));
        }
        let mut c = Cursor(&header[8..]);
        let documents = c.u64()?;
        let doc_offsets_at = c.u64()?;
        let documents = u32::try_from(documents).map_err(|_| bad("too many documents"))?;
        let mut tables = Vec::with_capacity(TABLES);
        for rec in RECORD {
            let (offset, bits) = (c.u64()?, c.u64()?);
            if bits > u64::from(table::MAX_BITS) {
                return Err(bad("table directory too large"));
            }
            tables.push(Table::open(&file, offset, rec, bits as u32)?);
        }
        Ok(Segment { file, documents, doc_offsets_at, tables })
    }

    /// Reads document `local` (a stored sequence is one of word `k`-shingles).
    pub fn doc(&self, local: u32, k: usize) -> io::Result<StoredDoc> {
        StoredDoc::decode(&self.raw(local)?, k)
    }

    /// The text of document `local`, without decoding the rest of its record.
    pub fn text(&self, local: u32) -> io::Result<String> {
        Ok(StoredDoc::head(&mut Cursor(&self.raw(local)?))?.3)
    }

    /// The record of document `local`, as stored.
    fn raw(&self, local: u32) -> io::Result<Vec<u8>> {
        let mut at = [0u8; 16];
        self.file.read_exact_at(&mut at, self.doc_offsets_at + 8 * local as u64)?;
        let (start, end) = (table::key(&at[..8]), table::key(&at[8..]));
        if end < start || end - start > (1 << 34) {
            return Err(bad("document offsets out of order"));
        }
        let mut raw = vec![0u8; (end - start) as usize];
        self.file.read_exact_at(&mut raw, start)?;
        Ok(raw)
    }

    /// Calls `found` with `(value, doc)` of every row of table `t` whose key is `k` (`value` is
    /// the band for [`BANDS`], 0 otherwise).
    pub fn lookup(
        &self,
        t: usize,
        k: u64,
        buf: &mut Vec<u8>,
        mut found: impl FnMut(u32, u32),
    ) -> io::Result<()> {
        let rec = RECORD[t];
        self.tables[t].lookup(&self.file, k, buf, |r| {
            let word = |i: usize| u32::from_le_bytes([r[i], r[i + 1], r[i + 2], r[i + 3]]);
            if rec == 16 {
                found(word(8), word(12))
            } else {
                found(0, word(8))
            }
        })
    }

    /// Rows of table `t`.
    pub fn rows(&self, t: usize) -> u64 {
        self.tables[t].rows()
    }

    /// Bytes of table `t`.
    pub fn table_bytes(&self, t: usize) -> u64 {
        self.tables[t].bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stored(text: &str) -> StoredDoc {
        StoredDoc {
            id: "d".into(),
            source: "in.jsonl".into(),
            line: Some(1),
            text: text.into(),
            chars: text.chars().count() as u64,
            shingle_count: 1,
            first_copy: 0,
            record_xxh3: 7,
            slots: vec![1, 2],
            winnowed: vec![3],
            meta: crate::corpus::Meta::default(),
            dfs: vec![1],
            sequence: None,
        }
    }

    #[test]
    fn a_stored_sequence_reads_back_as_the_one_made_from_the_text() {
        let config = crate::config::Params::default().resolve().unwrap();
        // "½" folds to two tokens over the same bytes, so token starts repeat and a token
        // can end after the next one starts; the repeated shingles test the (hash, position)
        // order.
        let text = "تقرير ١٠٣٧ جندي أفغاني ½ فروا إلى طاجيكستان. تقرير ١٠٣٧ جندي أفغاني ½ فروا. ß é";
        let sequence = crate::pipeline::sequence(text, &config);
        let tokens: Vec<(u32, u32)> = sequence.tokens.iter().collect();
        assert!(tokens.windows(2).any(|w| w[1].0 < w[0].1), "a token overlaps the next");
        let mut blob = Vec::new();
        stored(text).encode(Some(&sequence), &mut blob);
        let back = StoredDoc::decode(&blob, config.passage_k).unwrap();
        assert_eq!(back.sequence.as_ref(), Some(&sequence));
        assert_eq!(back, StoredDoc { sequence: Some(sequence), ..stored(text) });
        blob.clear();
        stored(text).encode(None, &mut blob);
        assert_eq!(StoredDoc::decode(&blob, config.passage_k).unwrap(), stored(text));
    }

    #[test]
    fn a_stored_sequence_outside_its_text_or_out_of_order_is_an_error() {
        let config = crate::config::Params::default().resolve().unwrap();
        let text = "one two three four five six seven";
        let sequence = crate::pipeline::sequence(text, &config);
        let mut blob = Vec::new();
        stored(text).encode(Some(&sequence), &mut blob);
        // Tokens start after the fixed part: the first token's start delta, then its length.
        let tokens_at = blob.len() - (8 + sequence.tokens.len() * 2) - (8 + sequence.shingles() * 9);
        let mut far = blob.clone();
        far[tokens_at + 8] = 0x7e; // the first token starts 63 bytes in: past the text
        let err = StoredDoc::decode(&far, config.passage_k).unwrap_err();
        assert!(err.to_string().contains("token outside the text"), "{err}");
        let mut swapped = blob.clone();
        let pairs_at = blob.len() - sequence.shingles() * 9;
        swapped.copy_within(pairs_at..pairs_at + 9, pairs_at + 9 * 2); // one pair over another
        let err = StoredDoc::decode(&swapped, config.passage_k).unwrap_err();
        assert!(err.to_string().contains("out of order"), "{err}");
        let err = StoredDoc::decode(&blob[..blob.len() - 1], config.passage_k).unwrap_err();
        assert!(err.to_string().contains("cut short"), "{err}");
    }
}
