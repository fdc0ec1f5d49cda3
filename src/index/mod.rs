//! A persistent index of a corpus on disk (`reprint index`, `reprint query`): what a run keeps
//! in memory for each document (its sketch, its winnowing fingerprints, its text), written once
//! so that new documents are matched against it without reading the corpus again.
//!
//! # Layout
//!
//! A directory holding `index.json` (the manifest: format version, tool, [`IndexParams`], the
//! segments with their document counts and sizes) and immutable segment files
//! (`segment-NNNNNN.rpx`, [`segment`]): per document its id, where it was read, its text, its
//! metadata, its signature and fingerprints, with how many documents of its segment and the
//! earlier ones hold each fingerprint (so a query adds only the later segments and its batch,
//! instead of looking up every fingerprint of every document it aligns), and with passages on
//! its alignment sequence (token ranges and shingle hashes in join order: a query aligns every
//! indexed document it shares a fingerprint with, and normalizing, shingling and sorting their
//! texts again was most of its time); the band tables,
//! fingerprint postings, text hashes and id hashes as sorted tables read at an offset
//! ([`table`]), so a query reads what it looks up, not the index. Documents are numbered
//! across segments in manifest order.
//!
//! # Crash safety and readers
//!
//! An add takes `.lock` (an exclusive `flock`; a second add meanwhile fails at once), writes
//! its new segment under a temporary name, syncs it, renames it, syncs the directory, then
//! replaces `index.json` atomically (temporary file, sync, rename, sync of the directory). A
//! process killed at any moment leaves the old manifest, which names only complete segments, or
//! the new one; files no manifest names are removed by the next add. Readers take no lock: they
//! read the manifest once and the segments it names, which never change. A compaction
//! ([`compact`]) writes one segment of every document the same way, switches the manifest, then
//! removes the old segment files (open files stay readable).
//!
//! # What a query answers, and how it equals a batch run
//!
//! For a batch of query documents, the pairs (query, indexed) are proposed, scored, aligned
//! and related by the same library code as `reprint cluster` ([`crate::pipeline::relate`],
//! [`crate::verify`], [`crate::relation`]), as if the run had read the index's documents (in
//! the order they were added) followed by the batch:
//!
//! * candidates: the band keys of [`crate::lsh::banding::Banding::key`], looked up in the band
//!   tables; pairs sharing `--min-shared` winnowing fingerprints, each held by at most
//!   `--max-df` documents of the index and the batch together (document frequencies count
//!   both);
//! * identical texts: a query document whose text is byte-identical to an indexed document is
//!   a duplicate of the first indexed copy and is matched through it only; a query document
//!   identical to an earlier one of its batch is matched through that one only (as a run
//!   links every copy to its first copy);
//! * passage families and specific fingerprints use the same document frequencies.
//!
//! Two decisions of a run need every link of the corpus and are **not** made: composite (roundup)
//! and boilerplate hub pruning and the story split of clusters. A query's `relation` is therefore
//! the pair's relation before both, as `reprint cluster --cluster components --no-prune` decides it
//! (composite pruning off, [`crate::config::Config::prune_composites`]); the equivalence is tested
//! against that command's `overlaps.jsonl` (`tests/it/index.rs`). Against `reprint cluster` with
//! pruning on, the pairs and all their scores and passages are equal; only pairs that pruning sets
//! aside differ in `relation` (README, "Monitoring with an index").

mod against;
mod params;
mod query;
pub mod segment;
pub mod table;
mod write;

pub use against::against_index;
pub use params::IndexParams;
pub use query::{match_batch, query, Match, Matched, QueryResult};
pub use write::{add, compact, AddSummary, Adding, CompactSummary};

use crate::report::params::Tool;
use segment::Segment;
use serde::{Deserialize, Serialize};
use std::fs::File;
use std::path::{Path, PathBuf};
use thiserror::Error;

/// Version of the on-disk format.
pub const FORMAT_VERSION: u32 = 3;
/// The manifest's file name.
pub const MANIFEST: &str = "index.json";
/// The lock an add holds.
pub const LOCK: &str = ".lock";

/// What the manifest says.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// [`FORMAT_VERSION`] of the files.
    pub format_version: u32,
    /// The tool that wrote it last.
    pub tool: Tool,
    /// The parameters every document was sketched with.
    pub params: IndexParams,
    /// Documents in all segments.
    pub documents: u64,
    /// The segments, in the order their documents are numbered.
    pub segments: Vec<SegmentEntry>,
}

/// One segment as the manifest lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SegmentEntry {
    /// File name in the index directory.
    pub file: String,
    /// Documents in it.
    pub documents: u64,
    /// Of them, those that enter candidate stages (not empty, not a copy of an earlier text).
    pub distinct: u64,
    /// Size of the file.
    pub bytes: u64,
    /// The inputs it was read from.
    pub inputs: Vec<String>,
}

/// Errors of the index.
#[derive(Debug, Error)]
pub enum IndexError {
    /// A file of the index could not be read or written.
    #[error("index {}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The directory holds no index.
    #[error("{}: not a reprint index (no {MANIFEST}); create one with `reprint index create INPUT... --index {}`", .0.display(), .0.display())]
    NotAnIndex(PathBuf),
    /// `index create` on a directory that is not empty.
    #[error("--index {}: the directory exists and is not empty; `reprint index add` adds to an index", .0.display())]
    NotEmpty(PathBuf),
    /// The manifest cannot be understood.
    #[error("{}: {what}", path.display())]
    Manifest {
        /// The manifest.
        path: PathBuf,
        /// What is wrong.
        what: String,
    },
    /// Another add holds the lock.
    #[error("index {}: another `index add` or `query --add` is writing to it", .0.display())]
    Locked(PathBuf),
    /// Parameters that an index cannot hold, or query flags that differ from the index's.
    #[error("{0}")]
    Params(String),
    /// An id that the index already holds.
    #[error("duplicate id `{id}`: {new} and, already in the index, {old}")]
    DuplicateId {
        /// The id.
        id: String,
        /// Where the new document was read.
        new: String,
        /// Where the indexed one was read.
        old: String,
    },
    /// Reading the inputs failed.
    #[error(transparent)]
    Run(#[from] crate::pipeline::RunError),
}

/// An index opened for reading: the manifest read once, and its segments.
#[derive(Debug)]
pub struct Index {
    dir: PathBuf,
    manifest: Manifest,
    /// xxh3-64 of `index.json` as read: with immutable segments, it names the index's state.
    manifest_xxh3: u64,
    config: crate::config::Config,
    segments: Vec<(u32, Segment)>,
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> IndexError + '_ {
    move |source| IndexError::Io { path: path.to_path_buf(), source }
}

impl Index {
    /// Opens the index in `dir`; documents are read (for queries and adds) as `corpus` says.
    pub fn open(dir: &Path, corpus: crate::corpus::CorpusConfig) -> Result<Index, IndexError> {
        let path = dir.join(MANIFEST);
        let raw = match std::fs::read(&path) {
            Ok(raw) => raw,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(IndexError::NotAnIndex(dir.into()))
            }
            Err(e) => return Err(io_err(&path)(e)),
        };
        let manifest: Manifest = serde_json::from_slice(&raw)
            .map_err(|e| IndexError::Manifest { path: path.clone(), what: e.to_string() })?;
        if manifest.format_version != FORMAT_VERSION {
            let what =
                format!("format version {} (this reprint reads {FORMAT_VERSION})", manifest.format_version);
            return Err(IndexError::Manifest { path, what });
        }
        let config = manifest
            .params
            .config(corpus)
            .map_err(|e| IndexError::Manifest { path: path.clone(), what: e })?;
        let mut segments = Vec::with_capacity(manifest.segments.len());
        let mut base = 0u64;
        for s in &manifest.segments {
            let p = dir.join(&s.file);
            let seg = File::open(&p).and_then(|f| Segment::open(f, s.bytes)).map_err(io_err(&p))?;
            if seg.documents as u64 != s.documents {
                return Err(IndexError::Manifest {
                    path,
                    what: format!("{} holds {} documents, not {}", s.file, seg.documents, s.documents),
                });
            }
            segments.push((
                u32::try_from(base).map_err(|_| IndexError::Params("more than 2^32 documents".into()))?,
                seg,
            ));
            base += s.documents;
        }
        let manifest_xxh3 = xxhash_rust::xxh3::xxh3_64(&raw);
        Ok(Index { dir: dir.to_path_buf(), manifest, manifest_xxh3, config, segments })
    }

    /// The manifest.
    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// Bytes of its segments, and the xxh3-64 of its manifest as read (which names the state
    /// of the index: segments never change once named).
    pub fn checksum(&self) -> (u64, u64) {
        (self.manifest.segments.iter().map(|s| s.bytes).sum(), self.manifest_xxh3)
    }

    /// The configuration queries run under.
    pub fn config(&self) -> &crate::config::Config {
        &self.config
    }

    /// Documents in the index.
    pub fn documents(&self) -> u32 {
        self.manifest.documents as u32
    }

    fn locate(&self, doc: u32) -> (&Segment, u32, &str) {
        let i = self.segment_of(doc);
        let (base, seg) = &self.segments[i];
        (seg, doc - base, &self.manifest.segments[i].file)
    }

    /// Reads indexed document `doc`.
    pub fn doc(&self, doc: u32) -> Result<segment::StoredDoc, IndexError> {
        let (seg, local, file) = self.locate(doc);
        seg.doc(local, self.config().passage_k).map_err(io_err(&self.dir.join(file)))
    }

    /// The text of document `doc` (numbered across segments), read without the rest of it.
    pub fn text(&self, doc: u32) -> Result<String, IndexError> {
        let (seg, local, file) = self.locate(doc);
        seg.text(local).map_err(io_err(&self.dir.join(file)))
    }

    /// Calls `found(value, doc)` for every row of table `t` with key `k`, in every segment.
    fn lookup(
        &self,
        t: usize,
        k: u64,
        buf: &mut Vec<u8>,
        found: impl FnMut(u32, u32),
    ) -> Result<(), IndexError> {
        self.lookup_from(0, t, k, buf, found)
    }

    /// [`Index::lookup`] in the segments from number `from` on.
    fn lookup_from(
        &self,
        from: usize,
        t: usize,
        k: u64,
        buf: &mut Vec<u8>,
        mut found: impl FnMut(u32, u32),
    ) -> Result<(), IndexError> {
        for (i, (base, seg)) in self.segments.iter().enumerate().skip(from) {
            seg.lookup(t, k, buf, |v, d| found(v, base + d))
                .map_err(io_err(&self.dir.join(&self.manifest.segments[i].file)))?;
        }
        Ok(())
    }

    /// The number (in manifest order) of the segment holding document `doc`.
    fn segment_of(&self, doc: u32) -> usize {
        self.segments.partition_point(|(base, _)| *base <= doc) - 1
    }

    /// How many rows of table `t` have key `k`, in the segments from number `from` on.
    fn count_from(&self, from: usize, t: usize, k: u64, buf: &mut Vec<u8>) -> Result<u32, IndexError> {
        let mut n = 0;
        self.lookup_from(from, t, k, buf, |_, _| n += 1)?;
        Ok(n)
    }

    /// The indexed document with id `id`, if any.
    pub fn find_id(&self, id: &str) -> Result<Option<segment::StoredDoc>, IndexError> {
        let mut hits = Vec::new();
        self.lookup(segment::IDS, xxhash_rust::xxh3::xxh3_64(id.as_bytes()), &mut Vec::new(), |_, d| {
            hits.push(d)
        })?;
        for d in hits {
            let doc = self.doc(d)?;
            if doc.id == id {
                return Ok(Some(doc));
            }
        }
        Ok(None)
    }

    /// The first indexed copy of `text`, if any.
    pub fn first_copy(&self, text: &str) -> Result<Option<u32>, IndexError> {
        self.first_copy_keyed(text_key(text), || Ok(std::borrow::Cow::Borrowed(text)))
    }

    /// The first indexed copy of a text whose [`text_key`] is `key`, if any; `text` gives the
    /// text, asked for only when an indexed text has that key.
    pub fn first_copy_keyed<'t>(
        &self,
        key: u64,
        text: impl FnOnce() -> Result<std::borrow::Cow<'t, str>, IndexError>,
    ) -> Result<Option<u32>, IndexError> {
        let mut hits = Vec::new();
        self.lookup(segment::TEXTS, key, &mut Vec::new(), |_, d| hits.push(d))?;
        if hits.is_empty() {
            return Ok(None);
        }
        hits.sort_unstable();
        let text = text()?;
        for d in hits {
            if self.doc(d)?.text == *text {
                return Ok(Some(d));
            }
        }
        Ok(None)
    }

    /// What `index info` prints.
    pub fn info(&self) -> serde_json::Value {
        let tables: Vec<serde_json::Value> = self
            .segments
            .iter()
            .zip(&self.manifest.segments)
            .map(|((base, seg), e)| {
                serde_json::json!({
                    "file": e.file, "first_document": base, "documents": e.documents,
                    "distinct": e.distinct, "bytes": e.bytes, "inputs": e.inputs,
                    "band_rows": seg.rows(segment::BANDS), "band_bytes": seg.table_bytes(segment::BANDS),
                    "postings": seg.rows(segment::POSTINGS), "postings_bytes": seg.table_bytes(segment::POSTINGS),
                })
            })
            .collect();
        serde_json::json!({
            "index": self.dir.display().to_string(),
            "format_version": self.manifest.format_version,
            "tool": self.manifest.tool,
            "params": self.manifest.params,
            "documents": self.manifest.documents,
            "bytes": self.manifest.segments.iter().map(|s| s.bytes).sum::<u64>(),
            "segments": tables,
        })
    }
}

/// The key of a text in the texts table.
pub fn text_key(text: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_128(text.as_bytes()) as u64
}
