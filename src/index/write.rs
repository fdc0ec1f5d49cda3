//! `index create` and `index add`: a new segment, then the manifest replaced atomically.

use super::segment::{self, Rows, StoredDoc};
use super::{
    io_err, text_key, Index, IndexError, IndexParams, Manifest, SegmentEntry, FORMAT_VERSION, LOCK, MANIFEST,
};
use crate::config::{Candidates, Config};
use crate::lsh::winnow::DocFrequency;
use crate::pipeline::Doc;
use crate::report::params::Tool;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::HashMap;
use std::fs::File;
use std::io::Write;
use std::path::Path;

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

/// Adds `docs` (read and sketched under `config`, from `inputs`) to the index in `dir`; with
/// `create`, makes a new index there (the directory must be missing or empty). Holds the
/// index's lock throughout; a duplicate id (against the index) is an error before anything is
/// written.
pub fn add(
    dir: &Path,
    docs: Vec<Doc>,
    config: &Config,
    inputs: Vec<String>,
    create: bool,
) -> Result<AddSummary, IndexError> {
    let params = IndexParams::of(config).map_err(IndexError::Params)?;
    if create {
        if dir.exists() && std::fs::read_dir(dir).map_err(io_err(dir))?.next().is_some() {
            return Err(IndexError::NotEmpty(dir.to_path_buf()));
        }
        std::fs::create_dir_all(dir).map_err(io_err(dir))?;
    } else if !dir.join(MANIFEST).exists() {
        return Err(IndexError::NotAnIndex(dir.to_path_buf()));
    }
    let lock = lock(dir)?;
    let index = if create { None } else { Some(Index::open(dir, config.corpus.clone())?) };
    let mut manifest = match &index {
        Some(ix) => ix.manifest.clone(),
        None => Manifest {
            format_version: FORMAT_VERSION,
            tool: Tool::current(),
            params: params.clone(),
            documents: 0,
            segments: Vec::new(),
        },
    };
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
    remove_leftovers(dir, &manifest)?;
    if let Some(ix) = &index {
        for d in &docs {
            if let Some(old) = ix.find_id(&d.id)? {
                let at = old.line.map_or(old.source.clone(), |l| format!("{}:{l}", old.source));
                return Err(IndexError::DuplicateId { id: d.id.clone(), new: d.origin.to_string(), old: at });
            }
        }
    }
    let base = manifest.documents;
    if base + docs.len() as u64 > u32::MAX as u64 {
        return Err(IndexError::Params("an index holds at most 2^32 - 1 documents".into()));
    }
    let added = docs.len() as u64;
    let prepared = rows(index.as_ref(), docs, config, base as u32)?;
    let distinct = prepared.distinct;
    let mut summary = AddSummary { added, distinct, segment: None, bytes: 0, documents: base + added };
    if added > 0 || create {
        if added > 0 {
            let entry = write_segment(dir, &manifest, prepared, config, base, inputs)?;
            summary.segment = Some(entry.file.clone());
            summary.bytes = entry.bytes;
            manifest.segments.push(entry);
        }
        manifest.documents = summary.documents;
        manifest.tool = Tool::current();
        write_manifest(dir, &manifest)?;
    }
    drop(lock);
    Ok(summary)
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

/// Writes the documents `prepared` (numbered from `base`) and their table rows as a new
/// segment file of the index in `dir`, synced and renamed to a name no segment of `manifest`
/// has had (one past the highest number), and returns its manifest entry.
fn write_segment(
    dir: &Path,
    manifest: &Manifest,
    prepared: Prepared,
    config: &Config,
    base: u64,
    inputs: Vec<String>,
) -> Result<SegmentEntry, IndexError> {
    let Prepared { stored, rows, distinct } = prepared;
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
    let bytes = segment::write(tmp.as_file_mut(), &stored, rows, sequence).map_err(io_err(&tmp_path))?;
    tmp.as_file().sync_all().map_err(io_err(&tmp_path))?;
    tmp.persist(dir.join(&name)).map_err(|e| io_err(&tmp_path)(e.error))?;
    sync_dir(dir)?;
    Ok(SegmentEntry { file: name, documents: stored.len() as u64, distinct, bytes, inputs })
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
/// a stream of `query --add` batches needs now and then. Holds the lock and every document in
/// memory; the manifest is switched atomically, as by an add, then the old segment files are
/// removed (queries already running keep reading them).
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
        .map(|d| Ok(index.doc(d)?.into_doc(config.seed)))
        .collect::<Result<Vec<Doc>, IndexError>>()?;
    drop(index);
    let mut inputs: Vec<String> = Vec::new();
    for i in manifest.segments.iter().flat_map(|s| &s.inputs) {
        if !inputs.contains(i) {
            inputs.push(i.clone());
        }
    }
    let entry = write_segment(dir, &manifest, rows(None, docs, &config, 0)?, &config, 0, inputs)?;
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
        let name = entry.file_name().to_string_lossy().into_owned();
        let temp =
            (name.starts_with(".segment-") || name.starts_with(".index.json.")) && name.ends_with(".tmp");
        let orphan = name.starts_with("segment-")
            && name.ends_with(".rpx")
            && !manifest.segments.iter().any(|s| s.file == name);
        if temp || orphan {
            std::fs::remove_file(entry.path()).map_err(io_err(&entry.path()))?;
        }
    }
    Ok(())
}

/// Documents ready to be written as a segment ([`rows`]).
struct Prepared {
    /// The documents as stored.
    stored: Vec<StoredDoc>,
    /// Their table rows.
    rows: Rows,
    /// How many of them are distinct (enter the candidate tables).
    distinct: u64,
}

/// The stored documents and table rows of `docs`, numbered from `base`; and how many are
/// distinct (enter the candidate tables). Each distinct document stores the document frequency
/// of each of its fingerprints over the index and `docs`, so that a query reads them with the
/// document instead of looking each one up.
fn rows(index: Option<&Index>, docs: Vec<Doc>, config: &Config, base: u32) -> Result<Prepared, IndexError> {
    let Candidates::MinHashLsh { banding, .. } = config.candidates else {
        return Err(IndexError::Params("an index needs MinHash LSH".into()));
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
            let key = text_key(&d.text);
            let earlier = match index.map(|ix| ix.first_copy(&d.text)).transpose()?.flatten() {
                Some(f) => Some(f),
                None => seen
                    .get(&key)
                    .and_then(|v| v.iter().find(|&&j| docs[j as usize].text == d.text))
                    .map(|&j| base + j),
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
    let counts = DocFrequency::new(counts);
    // The documents move into what the segment stores: their texts are not copied.
    let stored = docs
        .into_par_iter()
        .zip(firsts)
        .enumerate()
        .map(|(i, (d, first))| {
            let own = !d.is_empty() && first == base + i as u32;
            let dfs = if own { d.winnowed.iter().map(|&h| counts.get(h)).collect() } else { Vec::new() };
            StoredDoc::of(d, first, dfs)
        })
        .collect();
    Ok(Prepared { stored, rows, distinct })
}
