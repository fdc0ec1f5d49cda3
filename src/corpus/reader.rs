//! [`CorpusReader`]: inputs in order, batch by batch, with unique ids. A JSON Lines batch is
//! one contiguous buffer of capped lines parsed in parallel; a directory batch is a group of
//! text files read in parallel.

use super::array::{sniff_array, ArraySource};
use super::lines::{open_tallied, read_line_capped, Hashing};
use super::parquet::ParquetSource;
use super::record::{parse_record, FieldTally, Fields};
use super::table::TableSource;
use super::text::{read_capped, text_record};
use super::{CorpusConfig, CorpusError, Format, Input, InputSum, Origin, Record, Skipped};
use std::collections::HashMap;
use std::io::{self, BufRead};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// Approximate bytes of input per batch.
pub(super) const BATCH_BYTES: usize = 2 << 20;
/// Most lines per batch: a batch of tiny lines (a file of junk) stays small in records, not
/// only in bytes.
pub(super) const BATCH_LINES: usize = 1 << 14;

/// Reads inputs in order, batch by batch, and checks that ids are unique.
pub struct CorpusReader {
    config: CorpusConfig,
    inputs: std::vec::IntoIter<Input>,
    current: Option<Source>,
    seen: HashMap<String, Origin>,
    /// Bytes of documents read so far (uncompressed lines and files).
    bytes_read: u64,
    /// Bytes of input files consumed as stored (compressed for gzip), for progress against
    /// [`CorpusReader::total_bytes`].
    stored_bytes: Arc<AtomicU64>,
    /// Index of the input being read.
    input_index: usize,
    /// Size and checksum of every input read to its end, in order.
    sums: Vec<InputSum>,
    /// Documents read from all inputs.
    documents: u64,
    /// Records skipped over all inputs, and the first of them.
    skipped: u64,
    first_skip: Option<Skipped>,
    /// The required fields over every input read (`--meta`, display flags), and the inputs'
    /// names, for the error when one is in no record.
    all_fields: FieldTally,
    names: Vec<String>,
}

struct Source {
    /// The input as messages name it.
    name: String,
    kind: SourceKind,
    /// The named fields over this input's JSON records.
    fields: FieldTally,
    /// Records (documents and skipped records) read from this input.
    records: u64,
    /// What a directory input holds, for the message when nothing in it is read.
    dir: Option<PathBuf>,
    /// The checksum of this input so far (`None` for standard input).
    hash: Option<Arc<Mutex<Hashing>>>,
}

enum SourceKind {
    Records(Box<dyn RecordStream>),
    Dir {
        root: PathBuf,
        /// The files still to read, in order, with their format.
        files: std::iter::Peekable<std::vec::IntoIter<(PathBuf, Format)>>,
        stored: Arc<AtomicU64>,
        /// The record file (shard) being read.
        shard: Option<Box<dyn RecordStream>>,
    },
    One(PathBuf, Arc<AtomicU64>),
}

/// A file of records being read, batch by batch: JSON Lines (a file or standard input), CSV or
/// TSV.
pub(super) trait RecordStream: Send {
    /// The next batch of records, `None` at the end of the stream. `bytes_read` counts the
    /// bytes of records read; `hash` is the input's checksum, completed at the end of a stream
    /// that is a whole input and marked incomplete by a read error; `fields` counts the named
    /// fields of JSON records.
    fn next_records(
        &mut self,
        config: &CorpusConfig,
        bytes_read: &mut u64,
        hash: Option<&Arc<Mutex<Hashing>>>,
        fields: &mut FieldTally,
    ) -> Result<Option<Vec<Record>>, CorpusError>;
}

/// A JSON Lines stream being read: a file or standard input.
struct LineSource {
    /// The name records are reported under.
    name: String,
    reader: Box<dyn BufRead + Send>,
    /// Lines read so far.
    line: u64,
    /// Whether this stream is a whole input (not a shard of a directory): its end completes
    /// the input's checksum.
    whole: bool,
}

impl CorpusReader {
    /// A reader over `inputs`, in the order given.
    pub fn new(inputs: Vec<Input>, config: CorpusConfig) -> Self {
        CorpusReader {
            config,
            inputs: inputs.into_iter(),
            current: None,
            seen: HashMap::new(),
            bytes_read: 0,
            stored_bytes: Arc::new(AtomicU64::new(0)),
            input_index: 0,
            sums: Vec::new(),
            documents: 0,
            skipped: 0,
            first_skip: None,
            all_fields: FieldTally::default(),
            names: Vec::new(),
        }
    }

    /// Size and checksum of each input read so far, in the order given.
    pub fn sums(&self) -> &[InputSum] {
        &self.sums
    }

    /// Total size in bytes of the file inputs (directories and stdin count as 0), for progress.
    pub fn total_bytes(inputs: &[Input]) -> u64 {
        inputs
            .iter()
            .map(|i| match i {
                Input::Jsonl(p)
                | Input::Csv(p)
                | Input::Tsv(p)
                | Input::Json(p)
                | Input::Parquet(p)
                | Input::TextFile(p) => std::fs::metadata(p).map(|m| m.len()).unwrap_or(0),
                _ => 0,
            })
            .sum()
    }

    /// Bytes of input consumed so far (compressed size is not tracked; this counts the bytes
    /// of lines and files handed out).
    pub fn bytes_read(&self) -> u64 {
        self.bytes_read
    }

    /// Bytes of the input files consumed as stored on disk (compressed for gzip): progress
    /// against [`CorpusReader::total_bytes`].
    pub fn stored_bytes_read(&self) -> u64 {
        self.stored_bytes.load(Ordering::Relaxed)
    }

    /// The counter behind [`CorpusReader::stored_bytes_read`], to watch progress while the
    /// reader works on another thread.
    pub fn stored_counter(&self) -> Arc<AtomicU64> {
        self.stored_bytes.clone()
    }

    /// The next batch of records, `None` when every input is exhausted.
    pub fn next_batch(&mut self) -> Result<Option<Vec<Record>>, CorpusError> {
        loop {
            if self.current.is_none() {
                match self.inputs.next() {
                    None => {
                        self.check_documents()?;
                        self.all_fields.check_required(&self.names.join(", "), &self.config)?;
                        return Ok(None);
                    }
                    Some(input) => self.current = Some(open(input, &self.config, &self.stored_bytes)?),
                }
            }
            let index = self.input_index;
            let batch = match self.current.as_mut() {
                Some(src) => read_batch(src, &self.config, &mut self.bytes_read)?,
                None => continue,
            };
            match batch {
                Some(mut records) => {
                    for r in &mut records {
                        match r {
                            Record::Doc(d) => {
                                d.origin.input = index;
                                self.documents += 1;
                            }
                            Record::Skip(s) => {
                                self.skipped += 1;
                                if self.first_skip.is_none() {
                                    self.first_skip = Some(s.clone());
                                }
                            }
                        }
                    }
                    if let Some(src) = &mut self.current {
                        src.records += records.len() as u64;
                    }
                    self.check_ids(&mut records)?;
                    return Ok(Some(records));
                }
                None => {
                    if let Some(src) = &self.current {
                        src.fields.check(&src.name, &self.config)?;
                        self.all_fields.merge(&src.fields);
                        self.names.push(src.name.clone());
                        if src.records == 0 && !self.config.allow_empty {
                            let what = match &src.dir {
                                Some(root) => super::dir::unread(root, &self.config)?,
                                None => "holds no record (empty, only blank lines, or only a header row)"
                                    .to_owned(),
                            };
                            return Err(CorpusError::EmptyInput { source_name: src.name.clone(), what });
                        }
                    }
                    let sum = self
                        .current
                        .take()
                        .and_then(|src| src.hash)
                        .and_then(|h| h.lock().ok().map(|h| h.sum()))
                        .unwrap_or_default();
                    self.sums.push(sum);
                    self.input_index += 1;
                }
            }
        }
    }

    /// No document from any input is an error, unless `--allow-empty`.
    fn check_documents(&self) -> Result<(), CorpusError> {
        match (&self.first_skip, self.documents, self.config.allow_empty) {
            (Some(s), 0, false) => Err(CorpusError::NoDocuments {
                skipped: self.skipped,
                first: format!(
                    "{}{}: {}",
                    s.source,
                    s.line.map(|l| format!(":{l}")).unwrap_or_default(),
                    s.reason
                ),
            }),
            _ => Ok(()),
        }
    }

    fn check_ids(&mut self, records: &mut [Record]) -> Result<(), CorpusError> {
        for r in records.iter() {
            if let Record::Doc(d) = r {
                if let Some(first) = self.seen.get(&d.id) {
                    return Err(CorpusError::DuplicateId {
                        id: d.id.clone(),
                        first: first.clone(),
                        second: d.origin.clone(),
                    });
                }
                self.seen.insert(d.id.clone(), d.origin.clone());
            }
        }
        Ok(())
    }
}

fn open(input: Input, config: &CorpusConfig, stored: &Arc<AtomicU64>) -> Result<Source, CorpusError> {
    let hash = Some(Arc::new(Mutex::new(Hashing::new())));
    let name = input.path().map_or_else(|| "<stdin>".to_owned(), |p| p.display().to_string());
    let dir = match &input {
        Input::Dir(root) => Some(root.clone()),
        _ => None,
    };
    let format = match &input {
        Input::Csv(_) => Format::Csv,
        Input::Tsv(_) => Format::Tsv,
        Input::Json(_) => Format::Json,
        Input::Parquet(_) => Format::Parquet,
        _ => Format::JsonLines,
    };
    let (kind, hash) = match input {
        Input::Stdin => {
            // Standard input has no checksum (it is not a file anyone can hash again).
            let reader = open_tallied(None, Arc::new(AtomicU64::new(0)), None)?;
            let records = json_records("<stdin>".to_owned(), reader, true)
                .map_err(|source| CorpusError::Open { path: "-".into(), source })?;
            (SourceKind::Records(records), None)
        }
        Input::Jsonl(path)
        | Input::Csv(path)
        | Input::Tsv(path)
        | Input::Json(path)
        | Input::Parquet(path) => {
            let records = open_records(&path, format, true, config, stored, hash.as_ref())?;
            (SourceKind::Records(records), hash)
        }
        Input::Dir(root) => {
            let files = super::dir::entries(&root, config)?;
            if let Some(h) = &hash {
                if let Ok(mut h) = h.lock() {
                    h.complete = true;
                }
            }
            let files = files.into_iter().peekable();
            (SourceKind::Dir { root, files, stored: stored.clone(), shard: None }, hash)
        }
        Input::TextFile(path) => (SourceKind::One(path, stored.clone()), hash),
    };
    Ok(Source { name, kind, fields: FieldTally::default(), records: 0, dir, hash })
}

fn read_batch(
    src: &mut Source,
    config: &CorpusConfig,
    bytes_read: &mut u64,
) -> Result<Option<Vec<Record>>, CorpusError> {
    use rayon::prelude::*;
    let hash = src.hash.clone();
    let record_sum = |rel: &str, bytes: &io::Result<Vec<u8>>, limit: usize| {
        if let Some(h) = &hash {
            if let Ok(mut h) = h.lock() {
                match bytes {
                    Ok(b) if b.len() <= limit => {
                        h.update_name(rel.as_bytes());
                        h.update_name(&[0]);
                        h.update(b);
                    }
                    _ => h.complete = false,
                }
            }
        }
    };
    match &mut src.kind {
        SourceKind::Records(records) => {
            records.next_records(config, bytes_read, hash.as_ref(), &mut src.fields)
        }
        SourceKind::Dir { root, files, stored, shard } => {
            // Record files (shards) are read batch by batch like a JSON Lines input; runs of
            // text files are read in groups of about BATCH_BYTES.
            loop {
                if let Some(records) = shard {
                    if let Some(records) =
                        records.next_records(config, bytes_read, hash.as_ref(), &mut src.fields)?
                    {
                        return Ok(Some(records));
                    }
                    *shard = None;
                }
                let Some((path, format)) = files.next_if(|(_, f)| f.is_records()) else { break };
                match open_shard(root, path, format, config, stored, hash.as_ref())? {
                    Ok(lines) => *shard = Some(lines),
                    // A shard that cannot be opened is skipped, like an unreadable text file.
                    Err(skip) => return Ok(Some(vec![Record::Skip(skip)])),
                }
            }
            let mut batch = Vec::new();
            let mut size = 0u64;
            while let Some((path, _)) = files.next_if(|(_, f)| !f.is_records()) {
                size += std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
                batch.push(path);
                if size as usize >= BATCH_BYTES {
                    break;
                }
            }
            if batch.is_empty() {
                return Ok(None);
            }
            *bytes_read += size;
            stored.fetch_add(size, Ordering::Relaxed);
            let root = root.as_path();
            // Files are read in order on this (the reader's) thread, so the directory's
            // checksum is computed as they arrive; they are parsed in parallel.
            let read: Vec<(PathBuf, String, io::Result<Vec<u8>>)> = batch
                .into_iter()
                .map(|path| {
                    let rel = path.strip_prefix(root).unwrap_or(&path).to_string_lossy().into_owned();
                    let bytes = read_capped(&path, config.max_doc_bytes);
                    record_sum(&rel, &bytes, config.max_doc_bytes);
                    (path, rel.replace('\\', "/"), bytes)
                })
                .collect();
            let records =
                read.into_par_iter().map(|(path, id, bytes)| text_record(&path, id, bytes, config)).collect();
            Ok(Some(records))
        }
        SourceKind::One(path, stored) => {
            let path = std::mem::take(path);
            if path.as_os_str().is_empty() {
                return Ok(None);
            }
            let id = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let bytes = read_capped(&path, config.max_doc_bytes);
            if let Some(Ok(mut h)) = hash.as_ref().map(|h| h.lock()) {
                match &bytes {
                    Ok(b) if b.len() <= config.max_doc_bytes => {
                        h.update(b);
                        h.complete = true;
                    }
                    Ok(b) => h.update(b),
                    Err(_) => {}
                }
            }
            let size = bytes.as_ref().map(|b| b.len() as u64).unwrap_or(0);
            *bytes_read += size;
            stored.fetch_add(size, Ordering::Relaxed);
            Ok(Some(vec![text_record(&path, id, bytes, config)]))
        }
    }
}

/// Opens the record file `path` in `format`; `whole` when it is a whole input (not a shard of
/// a directory). Its bytes as stored are counted into `stored` and hashed into `hash`.
fn open_records(
    path: &Path,
    format: Format,
    whole: bool,
    config: &CorpusConfig,
    stored: &Arc<AtomicU64>,
    hash: Option<&Arc<Mutex<Hashing>>>,
) -> Result<Box<dyn RecordStream>, CorpusError> {
    if format == Format::Parquet {
        // Parquet is read by seeking, not as a stream: its own opener.
        return Ok(Box::new(ParquetSource::open(path, config, whole, stored, hash)?));
    }
    let reader = open_tallied(Some(path), stored.clone(), hash.cloned())?;
    let name = path.display().to_string();
    Ok(match format {
        Format::Csv => Box::new(TableSource::open(name, reader, b',', config, whole)?),
        Format::Tsv => Box::new(TableSource::open(name, reader, b'\t', config, whole)?),
        Format::JsonLines => Box::new(LineSource { name, reader, line: 0, whole }),
        Format::Json => json_records(name, reader, whole)
            .map_err(|source| CorpusError::Open { path: path.to_path_buf(), source })?,
        // Text files are documents, never opened as records; Parquet is opened above.
        Format::Text | Format::Parquet => {
            return Err(CorpusError::UnknownFormat { path: path.to_path_buf() })
        }
    })
}

/// JSON records in `reader`: an array when its first character is `[`, else JSON Lines.
fn json_records(
    name: String,
    mut reader: Box<dyn BufRead + Send>,
    whole: bool,
) -> io::Result<Box<dyn RecordStream>> {
    let (array, lines) = sniff_array(&mut reader)?;
    Ok(if array {
        Box::new(ArraySource::new(name, reader, lines, whole))
    } else {
        Box::new(LineSource { name, reader, line: lines, whole })
    })
}

/// Opens the record file `path` of the directory `root` (a shard), whose bytes go into the
/// directory's checksum after its relative path and a NUL byte, as a text file's do. A shard
/// that cannot be opened is a skipped record (`Err` inside); a shard that cannot be read as
/// its format says (a CSV header without the text column) stops the run.
fn open_shard(
    root: &Path,
    path: PathBuf,
    format: Format,
    config: &CorpusConfig,
    stored: &Arc<AtomicU64>,
    hash: Option<&Arc<Mutex<Hashing>>>,
) -> Result<Result<Box<dyn RecordStream>, Skipped>, CorpusError> {
    let rel = path.strip_prefix(root).unwrap_or(&path).to_string_lossy().into_owned();
    if let Some(Ok(mut h)) = hash.map(|h| h.lock()) {
        h.update_name(rel.as_bytes());
        h.update_name(&[0]);
    }
    match open_records(&path, format, false, config, stored, hash) {
        Ok(records) => Ok(Ok(records)),
        Err(CorpusError::Open { source, .. }) => {
            if let Some(Ok(mut h)) = hash.map(|h| h.lock()) {
                h.complete = false;
            }
            let reason = format!("cannot read file: {source}");
            Ok(Err(Skipped { source: path.display().to_string(), line: None, id: None, reason }))
        }
        Err(e) => Err(e),
    }
}

impl RecordStream for LineSource {
    fn next_records(
        &mut self,
        config: &CorpusConfig,
        bytes_read: &mut u64,
        hash: Option<&Arc<Mutex<Hashing>>>,
        fields: &mut FieldTally,
    ) -> Result<Option<Vec<Record>>, CorpusError> {
        read_lines(self, config, bytes_read, hash, fields)
    }
}

/// The next batch of a JSON Lines stream: about [`BATCH_BYTES`] of lines in one buffer, parsed
/// in parallel; `None` at the end of the stream.
fn read_lines(
    src: &mut LineSource,
    config: &CorpusConfig,
    bytes_read: &mut u64,
    hash: Option<&Arc<Mutex<Hashing>>>,
    fields: &mut FieldTally,
) -> Result<Option<Vec<Record>>, CorpusError> {
    use rayon::prelude::*;
    let LineSource { name, reader, line, whole } = src;
    // One contiguous buffer per batch; each line is a span of it.
    let mut data: Vec<u8> = Vec::with_capacity(BATCH_BYTES + (64 << 10));
    let mut spans: Vec<(u64, usize, usize, bool)> = Vec::new();
    let mut trailer = None;
    while data.len() < BATCH_BYTES && spans.len() < BATCH_LINES {
        let start = data.len();
        match read_line_capped(reader.as_mut(), &mut data, config.max_doc_bytes) {
            Ok((0, _)) => {
                if let (true, Some(Ok(mut h))) = (*whole, hash.map(|h| h.lock())) {
                    h.complete = true;
                }
                break;
            }
            Ok((n, too_long)) => {
                *line += 1;
                *bytes_read += n as u64;
                spans.push((*line, start, data.len(), too_long));
            }
            Err(e) => {
                // A read error (a truncated or corrupt compressed stream) ends this file;
                // what was read before it is kept.
                data.truncate(start);
                if let Some(Ok(mut h)) = hash.map(|h| h.lock()) {
                    h.complete = false;
                }
                trailer = Some(Skipped {
                    source: name.clone(),
                    line: Some(*line + 1),
                    id: None,
                    reason: format!("input ends in a read error, rest of file not read: {e}"),
                });
                *reader = Box::new(io::empty());
                break;
            }
        }
    }
    if spans.is_empty() && trailer.is_none() {
        return Ok(None);
    }
    let name = name.as_str();
    let source = super::Source::from(name);
    let data = &data;
    let parsed: Vec<(Record, Option<Fields>)> = spans
        .into_par_iter()
        .filter_map(|(n, start, end, too_long)| {
            if too_long {
                let reason =
                    format!("line longer than --max-doc-bytes ({} bytes); not read", config.max_doc_bytes);
                return Some((
                    Record::Skip(Skipped { source: name.to_owned(), line: Some(n), id: None, reason }),
                    None,
                ));
            }
            parse_record(&source, n, &data[start..end], config).map(|(r, f)| (r, Some(f)))
        })
        .collect();
    let mut records = Vec::with_capacity(parsed.len() + 1);
    for (record, f) in parsed {
        if let Some(f) = &f {
            fields.add(f);
        }
        records.push(record);
    }
    records.extend(trailer.map(Record::Skip));
    Ok(Some(records))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_kinds_from_names() {
        let dir = tempfile::tempdir().unwrap();
        for name in [
            "a.jsonl",
            "b.JSONL.gz",
            "c.ndjson",
            "d.txt",
            "e.xml",
            "f.jsonl.zst",
            "g.ndjson.xz",
            "h.jsonl.bz2",
            "i.csv",
            "j.TSV.gz",
            "k.json",
            "l.json.zst",
            "m.txt.gz",
            "n.Parquet",
            "o.parquet.gz",
        ] {
            std::fs::write(dir.path().join(name), "").unwrap();
        }
        let arg = |n: &str| dir.path().join(n).display().to_string();
        assert!(matches!(Input::from_arg(&arg("a.jsonl")), Ok(Input::Jsonl(_))));
        assert!(matches!(Input::from_arg(&arg("b.JSONL.gz")), Ok(Input::Jsonl(_))));
        assert!(matches!(Input::from_arg(&arg("c.ndjson")), Ok(Input::Jsonl(_))));
        for name in ["f.jsonl.zst", "g.ndjson.xz", "h.jsonl.bz2"] {
            assert!(matches!(Input::from_arg(&arg(name)), Ok(Input::Jsonl(_))), "{name}");
        }
        assert!(matches!(Input::from_arg(&arg("i.csv")), Ok(Input::Csv(_))));
        assert!(matches!(Input::from_arg(&arg("k.json")), Ok(Input::Json(_))));
        assert!(matches!(Input::from_arg(&arg("l.json.zst")), Ok(Input::Json(_))));
        assert!(matches!(Input::from_arg(&arg("j.TSV.gz")), Ok(Input::Tsv(_))));
        assert!(matches!(Input::from_arg(&arg("d.txt")), Ok(Input::TextFile(_))));
        assert!(matches!(Input::from_arg(&arg("m.txt.gz")), Ok(Input::TextFile(_))));
        assert!(matches!(Input::from_arg(&arg("n.Parquet")), Ok(Input::Parquet(_))));
        // Parquet compresses inside; a compressed Parquet file cannot be read by seeking.
        assert!(matches!(Input::from_arg(&arg("o.parquet.gz")), Err(CorpusError::UnknownFormat { .. })));
        assert!(matches!(Input::from_arg(&arg("e.xml")), Err(CorpusError::UnknownFormat { .. })));
        assert!(matches!(Input::from_arg(&arg("missing")), Err(CorpusError::Open { .. })));
        assert!(matches!(Input::from_arg(&dir.path().display().to_string()), Ok(Input::Dir(_))));
        assert_eq!(Input::from_arg("-").unwrap(), Input::Stdin);
    }

    /// The documents of a batch of records name their input with one shared string, in every
    /// format of records (a document of its own per text file has its own).
    #[test]
    fn documents_read_together_share_their_input_name() {
        let dir = tempfile::tempdir().unwrap();
        let jsonl = "{\"id\": \"a\", \"text\": \"x\"}\n{\"id\": \"b\", \"text\": \"y\"}\n";
        let files = [
            ("r.jsonl", jsonl.to_owned()),
            ("r.json", format!("[{}]", jsonl.trim_end().replace('\n', ", "))),
            ("r.csv", "id,text\na,x\nb,y\n".to_owned()),
        ];
        for (name, body) in files {
            let path = dir.path().join(name);
            std::fs::write(&path, body).unwrap();
            let input = Input::from_arg(&path.display().to_string()).unwrap();
            let (docs, skipped) = super::super::read_all(vec![input], &CorpusConfig::default()).unwrap();
            assert!(skipped.is_empty() && docs.len() == 2, "{name}");
            assert_eq!(&*docs[0].origin.source, path.display().to_string(), "{name}");
            assert!(Arc::ptr_eq(&docs[0].origin.source, &docs[1].origin.source), "{name}");
        }
    }
}
