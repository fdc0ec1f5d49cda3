//! `index create` and `index add`: a new segment, then the manifest replaced atomically.

use super::segment::{self, Rows, StoredDoc};
use super::{
    io_err, text_key, Index, IndexError, IndexParams, Manifest, SegmentEntry, FORMAT_VERSION, LOCK, MANIFEST,
};
use crate::config::{Candidates, Config};
use crate::lsh::winnow::DocFrequency;
use crate::pipeline::{Doc, NoProgress, Progress, TextSpill};
use crate::report::params::Tool;
use rayon::prelude::*;
use serde::Serialize;
use std::borrow::Cow;
use std::collections::HashMap;
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

/// What an add did.
#[derive(Debug, Clone, Serialize)]
pub struct AddSummary {
    /// Documents added.
    pub added: u64,
    /// Of them, those that enter candidate stages (not empty, not a copy of an earlier text).
    pub distinct: u64,
    /// The new segment's file (none when nothing was added).
    pub segment: Option<String>,
    /// Its size.
    pub bytes: u64,
    /// Documents in the index after the add.
    pub documents: u64,
}

fn sync_dir(dir: &Path) -> Result<(), IndexError> {
    File::open(dir).and_then(|d| d.sync_all()).map_err(io_err(dir))
}

/// Adds `docs` (read and sketched under `config`, from `inputs`, holding their texts) to the
/// index in `dir`; with `create`, makes a new index there (see [`Adding::begin`] for the
/// directories it takes): [`Adding::begin`], then [`Adding::finish`].
pub fn add(
    dir: &Path,
    docs: Vec<Doc>,
    config: &Config,
    inputs: Vec<String>,
    create: bool,
) -> Result<AddSummary, IndexError> {
    Adding::begin(dir, config, create)?.finish(docs, None, inputs, &NoProgress)
}

/// An add under way: the index checked and its lock held from before the documents are read
/// until the manifest names the new segment, so that reading can let the texts go into a
/// temporary file in the index directory ([`Adding::dir`]). Dropped unfinished, an add that
/// was to create the index leaves the directory as it found it (removed if it made it).
pub struct Adding {
    dir: PathBuf,
    config: Config,
    create: bool,
    /// Whether `begin` made the directory.
    made: bool,
    /// The lock; `None` once the add is finished.
    lock: Option<File>,
    index: Option<Index>,
    manifest: Manifest,
}

impl Adding {
    /// Checks that `dir` can take documents sketched under `config` (with `create`: that it is
    /// missing, empty or left so by a create killed before its manifest was written, and makes
    /// it), takes the index's lock and removes what killed adds left.
    pub fn begin(dir: &Path, config: &Config, create: bool) -> Result<Adding, IndexError> {
        let params = IndexParams::of(config).map_err(IndexError::Params)?;
        let mut made = false;
        if create {
            // Empty, or what a create killed before its manifest was written leaves: the lock
            // and files no manifest names (removed below, under the lock).
            if dir.exists() && !dir.join(MANIFEST).exists() {
                for entry in std::fs::read_dir(dir).map_err(io_err(dir))? {
                    let name = entry.map_err(io_err(dir))?.file_name();
                    let name = name.to_string_lossy();
                    if name != LOCK && !leftover(&name, &[]) {
                        return Err(IndexError::NotEmpty(dir.to_path_buf()));
                    }
                }
            } else if dir.exists() {
                return Err(IndexError::NotEmpty(dir.to_path_buf()));
            }
            made = !dir.exists();
            std::fs::create_dir_all(dir).map_err(io_err(dir))?;
        } else if !dir.join(MANIFEST).exists() {
            return Err(IndexError::NotAnIndex(dir.to_path_buf()));
        }
        // From here on, an error drops the add, which undoes what `create` did.
        let mut adding = Adding {
            dir: dir.to_path_buf(),
            config: config.clone(),
            create,
            made,
            lock: None,
            index: None,
            manifest: Manifest {
                format_version: FORMAT_VERSION,
                tool: Tool::current(),
                params: params.clone(),
                documents: 0,
                segments: Vec::new(),
            },
        };
        adding.lock = Some(lock(dir)?);
        if !create {
            let index = Index::open(dir, config.corpus.clone())?;
            adding.manifest = index.manifest.clone();
            adding.index = Some(index);
        }
        let manifest = &adding.manifest;
        if manifest.params != params {
            let given: Vec<String> = serde_json::to_value(&params)
                .ok()
                .and_then(|v| v.as_object().map(|o| o.keys().map(|k| k.replace('_', "-")).collect()))
                .unwrap_or_default();
            return Err(IndexError::Params(format!(
                "the documents were sketched with other parameters than the index's: {}",
                manifest.params.differences(&params, &given).join(", ")
            )));
        }
        remove_leftovers(dir, manifest)?;
        Ok(adding)
    }

    /// The index directory: where reading may keep the texts it lets go
    /// ([`crate::pipeline::read_and_sketch_spilling`]).
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Adds `docs` (read and sketched under the add's configuration, from `inputs`): those that
    /// hold no text have theirs in `texts`, by their place in `docs`. A duplicate id (against
    /// the index) is an error before anything is written. `progress` sees the stage `segment`
    /// count the documents written.
    pub fn finish(
        mut self,
        docs: Vec<Doc>,
        texts: Option<&TextSpill>,
        inputs: Vec<String>,
        progress: &dyn Progress,
    ) -> Result<AddSummary, IndexError> {
        let texts = texts.map_or(Unheld::Nowhere, Unheld::Spill);
        let summary = self.write(docs, texts, inputs, progress)?;
        self.lock = None;
        Ok(summary)
    }

    fn write(
        &mut self,
        docs: Vec<Doc>,
        texts: Unheld<'_>,
        inputs: Vec<String>,
        progress: &dyn Progress,
    ) -> Result<AddSummary, IndexError> {
        let (dir, config) = (&self.dir, &self.config);
        if let Some(ix) = &self.index {
            for d in &docs {
                if let Some(old) = ix.find_id(&d.id)? {
                    let at = old.line.map_or(old.source.clone(), |l| format!("{}:{l}", old.source));
                    return Err(IndexError::DuplicateId {
                        id: d.id.clone(),
                        new: d.origin.to_string(),
                        old: at,
                    });
                }
            }
        }
        let manifest = &mut self.manifest;
        let base = manifest.documents;
        if base + docs.len() as u64 > u32::MAX as u64 {
            return Err(IndexError::Params("an index holds at most 2^32 - 1 documents".into()));
        }
        let added = docs.len() as u64;
        let prepared = rows(self.index.as_ref(), &docs, texts, dir, config, base as u32)?;
        let distinct = prepared.distinct;
        let mut summary = AddSummary { added, distinct, segment: None, bytes: 0, documents: base + added };
        if added > 0 || self.create {
            if added > 0 {
                progress.start("segment", Some(added), "documents");
                let entry =
                    write_segment(dir, manifest, (docs, texts), prepared, config, (base, inputs), progress)?;
                progress.finish();
                summary.segment = Some(entry.file.clone());
                summary.bytes = entry.bytes;
                manifest.segments.push(entry);
            }
            manifest.documents = summary.documents;
            manifest.tool = Tool::current();
            write_manifest(dir, manifest)?;
        }
        Ok(summary)
    }
}

impl Drop for Adding {
    fn drop(&mut self) {
        // Unfinished: an index this add was to create is left as the directory was (missing or
        // empty); the temporary files of an unfinished segment remove themselves.
        if self.lock.is_some() && self.create {
            let _ = std::fs::remove_file(self.dir.join(LOCK));
            if self.made {
                let _ = std::fs::remove_dir(&self.dir);
            }
        }
    }
}

/// Takes the index's lock (an exclusive `flock` on `.lock`; held until the file is dropped).
fn lock(dir: &Path) -> Result<File, IndexError> {
    let lock_path = dir.join(LOCK);
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(io_err(&lock_path))?;
    match lock.try_lock() {
        Ok(()) => Ok(lock),
        Err(std::fs::TryLockError::WouldBlock) => Err(IndexError::Locked(dir.to_path_buf())),
        Err(std::fs::TryLockError::Error(e)) => Err(io_err(&lock_path)(e)),
    }
}

/// Where the documents of an add that hold no text have theirs, by their place in the add.
#[derive(Clone, Copy)]
enum Unheld<'a> {
    /// Every document holds its text.
    Nowhere,
    /// In the file of texts reading let go.
    Spill(&'a TextSpill),
    /// In the index being compacted: document `i` of the add is its document `i`.
    Index(&'a Index),
}

impl Unheld<'_> {
    /// The text of document `i`, which holds none: `None` when there is nowhere to read one.
    fn text(self, i: usize, dir: &Path) -> Result<Option<String>, IndexError> {
        match self {
            Unheld::Nowhere => Ok(None),
            Unheld::Spill(file) => file.text(i).transpose().map_err(io_err(dir)),
            Unheld::Index(index) => Ok(Some(index.text(i as u32)?)),
        }
    }
}

/// Writes the documents `docs` (numbered from `base`, their texts held or where `texts` says)
/// with what [`rows`] `prepared` of them as a new segment file of the index in `dir`,
/// synced and renamed to a name no segment of `manifest` has had (one past the highest
/// number), and returns its manifest entry. The documents are stored a block at a time: memory
/// holds one block's texts.
fn write_segment(
    dir: &Path,
    manifest: &Manifest,
    (docs, texts): (Vec<Doc>, Unheld<'_>),
    prepared: Prepared,
    config: &Config,
    (base, inputs): (u64, Vec<String>),
    progress: &dyn Progress,
) -> Result<SegmentEntry, IndexError> {
    let Prepared { firsts, counts, rows, distinct } = prepared;
    let number = manifest.segments.iter().filter_map(|s| segment_number(&s.file)).max().unwrap_or(0) + 1;
    let name = format!("segment-{number:06}.rpx");
    let mut tmp =
        tempfile::Builder::new().prefix(".segment-").suffix(".tmp").tempfile_in(dir).map_err(io_err(dir))?;
    let tmp_path = tmp.path().to_path_buf();
    // A document that enters the candidate stages stores its alignment sequence.
    let sequence = |i: usize, d: &StoredDoc| {
        let own = d.shingle_count > 0 && d.first_copy as u64 == base + i as u64;
        (own && config.passages.is_some()).then(|| crate::pipeline::sequence(&d.text, config))
    };
    let documents = docs.len();
    let mut docs = docs.into_iter();
    // The documents move into what the segment stores: the texts they hold are not copied.
    let block = |start: usize, n: usize| -> std::io::Result<Vec<StoredDoc>> {
        progress.set(start as u64);
        let block: Vec<Doc> = docs.by_ref().take(n).collect();
        block
            .into_par_iter()
            .enumerate()
            .map(|(j, mut d)| {
                let i = start + j;
                if d.text.is_empty() {
                    let text = texts.text(i, dir).map_err(std::io::Error::other)?;
                    d.text = text.unwrap_or_default();
                }
                let first = firsts[i];
                let own = !d.is_empty() && first == base as u32 + i as u32;
                let dfs = if own { d.winnowed.iter().map(|&h| counts.get(h)).collect() } else { Vec::new() };
                Ok(StoredDoc::of(d, first, dfs))
            })
            .collect()
    };
    let bytes =
        segment::write(tmp.as_file_mut(), documents, block, rows, sequence).map_err(io_err(&tmp_path))?;
    tmp.as_file().sync_all().map_err(io_err(&tmp_path))?;
    tmp.persist(dir.join(&name)).map_err(|e| io_err(&tmp_path)(e.error))?;
    sync_dir(dir)?;
    Ok(SegmentEntry { file: name, documents: documents as u64, distinct, bytes, inputs })
}

/// The number of a segment file name (`segment-000012.rpx`: 12).
fn segment_number(file: &str) -> Option<u64> {
    file.strip_prefix("segment-")?.strip_suffix(".rpx")?.parse().ok()
}

/// What a compaction did.
#[derive(Debug, Clone, Serialize)]
pub struct CompactSummary {
    /// Segments before.
    pub segments_before: usize,
    /// The one segment after (none when there was nothing to merge).
    pub segment: Option<String>,
    /// Its size.
    pub bytes: u64,
    /// Documents in the index (unchanged).
    pub documents: u64,
}

/// Merges every segment of the index in `dir` into one, as `index create` would have written
/// it from the same documents in the same order (the segment file is byte for byte the same,
/// but for its name): queries read one set of tables instead of one per segment, which is what
/// a stream of `query --add` batches needs now and then. Holds the lock, and each document's
/// signature, fingerprints and table rows in memory (texts are read again from the old
/// segments as the new one is written, a block at a time); the manifest is switched
/// atomically, as by an add, then the old segment files are removed (queries already running
/// keep reading them).
pub fn compact(dir: &Path) -> Result<CompactSummary, IndexError> {
    if !dir.join(MANIFEST).exists() {
        return Err(IndexError::NotAnIndex(dir.to_path_buf()));
    }
    let lock = lock(dir)?;
    let index = Index::open(dir, Default::default())?;
    let mut manifest = index.manifest.clone();
    remove_leftovers(dir, &manifest)?;
    let mut summary = CompactSummary {
        segments_before: manifest.segments.len(),
        segment: None,
        bytes: manifest.segments.iter().map(|s| s.bytes).sum(),
        documents: manifest.documents,
    };
    if manifest.segments.len() < 2 {
        summary.segment = manifest.segments.first().map(|s| s.file.clone());
        return Ok(summary);
    }
    let config = index.config().clone();
    let docs = (0..index.documents())
        .map(|d| {
            let mut doc = index.doc(d)?.into_doc(config.seed);
            // The text is read again when the segment is written, and the sequence made again
            // from it: neither is held meanwhile.
            (doc.text, doc.sequence) = (String::new(), None);
            Ok(doc)
        })
        .collect::<Result<Vec<Doc>, IndexError>>()?;
    let mut inputs: Vec<String> = Vec::new();
    for i in manifest.segments.iter().flat_map(|s| &s.inputs) {
        if !inputs.contains(i) {
            inputs.push(i.clone());
        }
    }
    let texts = Unheld::Index(&index);
    let prepared = rows(None, &docs, texts, dir, &config, 0)?;
    let entry = write_segment(dir, &manifest, (docs, texts), prepared, &config, (0, inputs), &NoProgress)?;
    drop(index);
    let old = std::mem::replace(&mut manifest.segments, vec![entry]);
    summary.segment = Some(manifest.segments[0].file.clone());
    summary.bytes = manifest.segments[0].bytes;
    manifest.tool = Tool::current();
    write_manifest(dir, &manifest)?;
    for s in old {
        let p = dir.join(&s.file);
        std::fs::remove_file(&p).map_err(io_err(&p))?;
    }
    sync_dir(dir)?;
    drop(lock);
    Ok(summary)
}

fn write_manifest(dir: &Path, manifest: &Manifest) -> Result<(), IndexError> {
    let path = dir.join(MANIFEST);
    let mut json = serde_json::to_vec_pretty(manifest)
        .map_err(|e| IndexError::Manifest { path: path.clone(), what: e.to_string() })?;
    json.push(b'\n');
    let mut tmp = tempfile::Builder::new()
        .prefix(".index.json.")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(io_err(dir))?;
    tmp.write_all(&json).and_then(|_| tmp.as_file().sync_all()).map_err(io_err(&path))?;
    tmp.persist(&path).map_err(|e| io_err(&path)(e.error))?;
    sync_dir(dir)
}

/// Segments and temporary files of adds that were killed: no manifest names them.
fn remove_leftovers(dir: &Path, manifest: &Manifest) -> Result<(), IndexError> {
    for entry in std::fs::read_dir(dir).map_err(io_err(dir))? {
        let entry = entry.map_err(io_err(dir))?;
        if leftover(&entry.file_name().to_string_lossy(), &manifest.segments) {
            std::fs::remove_file(entry.path()).map_err(io_err(&entry.path()))?;
        }
    }
    Ok(())
}

/// Whether a file named `name` in an index directory whose manifest names `segments` is left
/// over from an add that was killed: a temporary file, or a segment no manifest names.
fn leftover(name: &str, segments: &[SegmentEntry]) -> bool {
    let temp = (name.starts_with(".segment-") || name.starts_with(".index.json.")) && name.ends_with(".tmp");
    let orphan =
        name.starts_with("segment-") && name.ends_with(".rpx") && !segments.iter().any(|s| s.file == name);
    temp || orphan
}

/// What a segment of some documents stores besides the documents ([`rows`]).
struct Prepared {
    /// The index number of the first document with the same text as each.
    firsts: Vec<u32>,
    /// The document frequency of each fingerprint of the documents, over the index and them.
    counts: DocFrequency,
    /// Their table rows.
    rows: Rows,
    /// How many of them are distinct (enter the candidate tables).
    distinct: u64,
}

/// The table rows of `docs` (their texts held or where `texts` says), numbered from `base`; the first copy of each text; and how many are distinct
/// (enter the candidate tables). Each distinct document stores the document frequency of each
/// of its fingerprints over the index and `docs`, so that a query reads them with the document
/// instead of looking each one up.
fn rows(
    index: Option<&Index>,
    docs: &[Doc],
    texts: Unheld<'_>,
    dir: &Path,
    config: &Config,
    base: u32,
) -> Result<Prepared, IndexError> {
    let Candidates::MinHashLsh { banding, .. } = config.candidates else {
        return Err(IndexError::Params("an index needs MinHash LSH".into()));
    };
    let text = |d: u32| -> Result<Cow<'_, str>, IndexError> {
        let held = &docs[d as usize].text;
        if !held.is_empty() {
            return Ok(Cow::Borrowed(held));
        }
        Ok(texts.text(d as usize, dir)?.map_or(Cow::Borrowed(""), Cow::Owned))
    };
    let mut rows = Rows::default();
    let mut firsts = Vec::with_capacity(docs.len());
    let mut seen: HashMap<u64, Vec<u32>> = HashMap::new();
    let mut bytes = Vec::new();
    let mut distinct = 0;
    for (i, d) in docs.iter().enumerate() {
        let local = i as u32;
        rows.ids.push((xxhash_rust::xxh3::xxh3_64(d.id.as_bytes()), local));
        let mut first = base + local;
        if !d.is_empty() {
            // The text's key (`text_key`) from the hash reading made of it: a text is read
            // only to be compared with an earlier one of the same key.
            let key = d.text_xxh3 as u64;
            debug_assert!(d.text.is_empty() || key == text_key(&d.text));
            let earlier = match index {
                Some(ix) => ix.first_copy_keyed(key, || text(local))?,
                None => None,
            };
            let earlier = match earlier {
                Some(f) => Some(f),
                None => match seen.get(&key) {
                    Some(v) => {
                        let own = text(local)?;
                        let mut found = None;
                        for &j in v {
                            if text(j)? == own {
                                found = Some(base + j);
                                break;
                            }
                        }
                        found
                    }
                    None => None,
                },
            };
            match earlier {
                Some(f) => first = f,
                None => {
                    seen.entry(key).or_default().push(local);
                    distinct += 1;
                    rows.texts.push((key, local));
                    for band in 0..banding.bands {
                        rows.bands.push((
                            banding.key(band, d.sketch.slots(), config.seed, &mut bytes),
                            band as u32,
                            local,
                        ));
                    }
                    rows.postings.extend(d.winnowed.iter().map(|&h| (h, local)));
                }
            }
        }
        firsts.push(first);
    }
    rows.postings.sort_unstable();
    let mut counts: Vec<(u64, u32)> =
        rows.postings.chunk_by(|x, y| x.0 == y.0).map(|run| (run[0].0, run.len() as u32)).collect();
    if let Some(ix) = index {
        let mut buf = Vec::new();
        for (h, c) in &mut counts {
            *c += ix.count_from(0, segment::POSTINGS, *h, &mut buf)?;
        }
    }
    Ok(Prepared { firsts, counts: DocFrequency::new(counts), rows, distinct })
}
