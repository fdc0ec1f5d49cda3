//! [`Doc`]: one document after reading and sketching, as the later stages see it.

use crate::cluster::DocKeys;
use crate::corpus::{Meta, Origin};
use crate::overlap::Sequence;
use crate::packed::Packed;
use crate::sketch::Sketch;

/// One document after sketching.
#[derive(Debug, Clone)]
pub struct Doc {
    /// Unique id.
    pub id: String,
    /// Original text; empty while a run over files does not need it (see
    /// [`Texts`](super::Texts)).
    pub text: String,
    /// xxh3-128 of the text: copies of a text are found by it, then compared byte for byte.
    pub text_xxh3: u128,
    /// Where it was read.
    pub origin: Origin,
    /// Sorted, deduplicated shingle hashes. Held only while needed: for every document with
    /// `--candidates exact`, otherwise only for documents in candidate pairs (filled by
    /// [`fill_sets`](super::fill_sets)), so memory holds texts and signatures, not shingle sets;
    /// [`pipeline::run`](super::run) lets every set go once the clusters are made.
    pub shingles: Vec<u64>,
    /// Number of distinct shingles (0: no words; never clustered).
    pub shingle_count: usize,
    /// The MinHash signature or SimHash fingerprint the candidate stage needs, with the
    /// parameters it was made with ([`Sketch::None`] for other modes and for empty documents;
    /// [`pipeline::run`](super::run) drops it once the candidates are known).
    pub sketch: Sketch,
    /// Winnowing fingerprints of the word shingles (empty unless passages are on;
    /// [`pipeline::run`](super::run) lets them go once the passage candidates are indexed, or
    /// with the shingle sets once it has made the clusters from decisions made elsewhere).
    pub winnowed: Packed<u64>,
    /// Length in characters.
    pub chars: usize,
    /// Key-field value (for `--keep earliest:FIELD` / `latest:FIELD`).
    pub key: Option<String>,
    /// Carried record fields (`--meta`) and display values (title, date, outlet): one
    /// allocation at most, none for a document without any.
    pub meta: Meta,
    /// xxh3-64 of the record as read ([`crate::corpus::RawDoc::record_xxh3`]).
    pub record_xxh3: u64,
    /// Its alignment sequence, when it was read with the document (an index stores it);
    /// otherwise the passage stage makes it from the text when the document needs one.
    pub sequence: Option<Box<Sequence>>,
}

impl Doc {
    /// Whether the document has no shingles (and is therefore never clustered).
    pub fn is_empty(&self) -> bool {
        self.shingle_count == 0
    }

    /// The title reports show (`--title-field`, default `title` when records have it).
    pub fn title(&self) -> Option<&str> {
        self.meta.title()
    }

    /// The date reports show (`--date-field`, default `date`), as the record wrote it.
    pub fn date(&self) -> Option<&str> {
        self.meta.date()
    }

    /// The outlet (publisher) reports show (`--source-field`, default `source`).
    pub fn outlet(&self) -> Option<&str> {
        self.meta.outlet()
    }

    /// The carried fields (`--meta`) as the raw text of a JSON object; `None` when the
    /// document carries none.
    pub fn meta_json(&self) -> Option<&str> {
        self.meta.json()
    }
}

impl DocKeys for [Doc] {
    fn id(&self, doc: u32) -> &str {
        &self[doc as usize].id
    }
    fn char_len(&self, doc: u32) -> usize {
        self[doc as usize].chars
    }
    fn shingles(&self, doc: u32) -> &[u64] {
        &self[doc as usize].shingles
    }
    fn key(&self, doc: u32) -> Option<&str> {
        self[doc as usize].key.as_deref()
    }
}
