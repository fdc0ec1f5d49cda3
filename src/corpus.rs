//! Reading documents: directories of text files, JSON Lines files (plain or gzip), and JSON
//! Lines on standard input. The only library code that reads files.
//!
//! Documents arrive in batches of a few megabytes, so a corpus is never held as raw input: the
//! pipeline keeps each document's text and signature and drops the rest of the batch.
//!
//! Per-record problems (a line that is not JSON, a missing field, a file that is not UTF-8) are
//! data: they become [`Skipped`] entries naming the file and line, and reading goes on. Only
//! problems that make the whole run meaningless are errors: an input that cannot be opened, or
//! two documents with the same id.

use flate2::read::MultiGzDecoder;
use serde::Serialize;
use serde_json::Value;
use std::collections::HashMap;
use std::fmt;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use thiserror::Error;

/// One place a corpus is read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// A directory of text files, read recursively; a document's id is its relative path.
    Dir(PathBuf),
    /// A JSON Lines file, gzip-compressed or not (detected from the content).
    Jsonl(PathBuf),
    /// A single text file; its id is its file name.
    TextFile(PathBuf),
    /// JSON Lines on standard input.
    Stdin,
}

impl Input {
    /// Interprets a command-line argument: `-` is standard input, a directory is a directory of
    /// text files, `*.jsonl`, `*.ndjson` (optionally `.gz`) are JSON Lines, `*.txt` is one text
    /// document.
    pub fn from_arg(arg: &str) -> Result<Input, CorpusError> {
        if arg == "-" {
            return Ok(Input::Stdin);
        }
        let path = PathBuf::from(arg);
        let meta =
            std::fs::metadata(&path).map_err(|source| CorpusError::Open { path: path.clone(), source })?;
        if meta.is_dir() {
            return Ok(Input::Dir(path));
        }
        let name = path.file_name().map(|n| n.to_string_lossy().to_lowercase()).unwrap_or_default();
        let stem = name.strip_suffix(".gz").unwrap_or(&name);
        if stem.ends_with(".jsonl") || stem.ends_with(".ndjson") {
            Ok(Input::Jsonl(path))
        } else if name.ends_with(".txt") {
            Ok(Input::TextFile(path))
        } else {
            Err(CorpusError::UnknownFormat { path })
        }
    }
}

/// How records are read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CorpusConfig {
    /// JSON field holding the document id (dotted paths reach into nested objects).
    pub id_field: String,
    /// JSON field holding the document text (dotted paths allowed).
    pub text_field: String,
    /// File extensions read from directories (without dot, lowercase); `*` reads every file.
    pub extensions: Vec<String>,
    /// Documents larger than this many bytes are skipped with a diagnostic.
    pub max_doc_bytes: usize,
    /// A JSON field read alongside each document (for `--keep earliest:FIELD`).
    pub key_field: Option<String>,
}

/// Default JSON id field.
pub const DEFAULT_ID_FIELD: &str = "id";
/// Default JSON text field.
pub const DEFAULT_TEXT_FIELD: &str = "text";
/// Default extension of text files read from directories.
pub const DEFAULT_EXTENSION: &str = "txt";
/// Default size limit of one document, and of one JSON line (128 MiB): a 100 MB document is
/// read; a runaway line without newlines is not.
pub const DEFAULT_MAX_DOC_BYTES: usize = 128 << 20;

impl Default for CorpusConfig {
    fn default() -> Self {
        CorpusConfig {
            id_field: DEFAULT_ID_FIELD.to_owned(),
            text_field: DEFAULT_TEXT_FIELD.to_owned(),
            extensions: vec![DEFAULT_EXTENSION.to_owned()],
            max_doc_bytes: DEFAULT_MAX_DOC_BYTES,
            key_field: None,
        }
    }
}

/// Where a document came from: the input file and, for JSON Lines, the 1-based line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Origin {
    /// The file the document was read from (`<stdin>` for standard input).
    pub source: String,
    /// 1-based line number in a JSON Lines input.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// Index of the input (in the order given) the document came from.
    #[serde(skip)]
    pub input: usize,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(l) => write!(f, "{}:{l}", self.source),
            None => write!(f, "{}", self.source),
        }
    }
}

/// A document as read.
#[derive(Debug, Clone)]
pub struct RawDoc {
    /// Unique id.
    pub id: String,
    /// Original text.
    pub text: String,
    /// Where it came from.
    pub origin: Origin,
    /// Value of the key field (`CorpusConfig::key_field`), when asked for and present.
    pub key: Option<String>,
}

/// A record that could not be used, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Skipped {
    /// The file (`<stdin>` for standard input).
    pub source: String,
    /// 1-based line in a JSON Lines input.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// The record's id, when it could be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// What was wrong.
    pub reason: String,
}

/// One item of a batch.
#[derive(Debug, Clone)]
pub enum Record {
    /// A usable document.
    Doc(RawDoc),
    /// A record that was skipped.
    Skip(Skipped),
}

/// Errors that stop reading altogether.
#[derive(Debug, Error)]
pub enum CorpusError {
    /// The input could not be opened or listed.
    #[error("cannot read input `{}`: {source}", path.display())]
    Open {
        /// The input path.
        path: PathBuf,
        /// The I/O error.
        source: io::Error,
    },
    /// A file argument whose format cannot be told from its name.
    #[error("cannot tell the format of `{}`: give a directory of .txt files, a .jsonl / .jsonl.gz file, a .txt file, or - for JSON Lines on stdin", path.display())]
    UnknownFormat {
        /// The input path.
        path: PathBuf,
    },
    /// Two documents share an id.
    #[error("duplicate document id `{id}`: first at {first}, again at {second} (ids must be unique across all inputs; use --id-field to pick another field)")]
    DuplicateId {
        /// The repeated id.
        id: String,
        /// Where it was seen first.
        first: Origin,
        /// Where it was seen again.
        second: Origin,
    },
    /// A record was bad and the policy is to stop at the first bad record.
    #[error("{}{}: {reason}", source_name, line.map(|l| format!(":{l}")).unwrap_or_default())]
    BadRecord {
        /// The file.
        source_name: String,
        /// The line.
        line: Option<u64>,
        /// What was wrong.
        reason: String,
    },
}

/// Approximate bytes of input per batch.
const BATCH_BYTES: usize = 2 << 20;

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
}

enum Source {
    Lines { name: String, reader: Box<dyn BufRead + Send>, line: u64 },
    Files { root: PathBuf, files: std::vec::IntoIter<PathBuf>, stored: Arc<AtomicU64> },
    One(PathBuf, Arc<AtomicU64>),
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
        }
    }

    /// Total size in bytes of the file inputs (directories and stdin count as 0), for progress.
    pub fn total_bytes(inputs: &[Input]) -> u64 {
        inputs
            .iter()
            .map(|i| match i {
                Input::Jsonl(p) | Input::TextFile(p) => std::fs::metadata(p).map(|m| m.len()).unwrap_or(0),
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
                    None => return Ok(None),
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
                        if let Record::Doc(d) = r {
                            d.origin.input = index;
                        }
                    }
                    self.check_ids(&mut records)?;
                    return Ok(Some(records));
                }
                None => {
                    self.current = None;
                    self.input_index += 1;
                }
            }
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

/// Reads every record of `inputs` at once (for small jobs such as `reprint compare`).
pub fn read_all(
    inputs: Vec<Input>,
    config: &CorpusConfig,
) -> Result<(Vec<RawDoc>, Vec<Skipped>), CorpusError> {
    let mut reader = CorpusReader::new(inputs, config.clone());
    let (mut docs, mut skipped) = (Vec::new(), Vec::new());
    while let Some(batch) = reader.next_batch()? {
        for r in batch {
            match r {
                Record::Doc(d) => docs.push(d),
                Record::Skip(s) => skipped.push(s),
            }
        }
    }
    Ok((docs, skipped))
}

fn open(input: Input, config: &CorpusConfig, stored: &Arc<AtomicU64>) -> Result<Source, CorpusError> {
    match input {
        Input::Stdin => Ok(Source::Lines {
            name: "<stdin>".to_owned(),
            reader: Box::new(BufReader::new(io::stdin())),
            line: 0,
        }),
        Input::Jsonl(path) => {
            let reader = open_counted(&path, Some(stored.clone()))?;
            Ok(Source::Lines { name: path.display().to_string(), reader, line: 0 })
        }
        Input::Dir(root) => {
            let mut files = Vec::new();
            list_files(&root, config, &mut files)?;
            files.sort();
            Ok(Source::Files { root, files: files.into_iter(), stored: stored.clone() })
        }
        Input::TextFile(path) => Ok(Source::One(path, stored.clone())),
    }
}

/// Lists the files under `dir` with an accepted extension, skipping hidden entries.
fn list_files(dir: &Path, config: &CorpusConfig, out: &mut Vec<PathBuf>) -> Result<(), CorpusError> {
    let err = |source| CorpusError::Open { path: dir.to_path_buf(), source };
    for entry in std::fs::read_dir(dir).map_err(err)? {
        let entry = entry.map_err(err)?;
        let name = entry.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        let path = entry.path();
        let ty = entry.file_type().map_err(err)?;
        // Links to files are read; links to directories are not followed (a link loop would
        // never end), as ripgrep and fd do by default.
        let (is_dir, is_file) = if ty.is_symlink() {
            (false, std::fs::metadata(&path).map(|m| m.is_file()).unwrap_or(false))
        } else {
            (ty.is_dir(), ty.is_file())
        };
        if is_dir {
            list_files(&path, config, out)?;
        } else if is_file && accepts(&path, config) {
            out.push(path);
        }
    }
    Ok(())
}

fn accepts(path: &Path, config: &CorpusConfig) -> bool {
    if config.extensions.iter().any(|e| e == "*") {
        return true;
    }
    let ext = path.extension().map(|e| e.to_string_lossy().to_lowercase()).unwrap_or_default();
    config.extensions.contains(&ext)
}

fn read_batch(
    src: &mut Source,
    config: &CorpusConfig,
    bytes_read: &mut u64,
) -> Result<Option<Vec<Record>>, CorpusError> {
    use rayon::prelude::*;
    match src {
        Source::Lines { name, reader, line } => {
            // One contiguous buffer per batch; each line is a span of it.
            let mut data: Vec<u8> = Vec::with_capacity(BATCH_BYTES + (64 << 10));
            let mut spans: Vec<(u64, usize, usize, bool)> = Vec::new();
            let mut trailer = None;
            while data.len() < BATCH_BYTES {
                let start = data.len();
                match read_line_capped(reader.as_mut(), &mut data, config.max_doc_bytes) {
                    Ok((0, _)) => break,
                    Ok((n, too_long)) => {
                        *line += 1;
                        *bytes_read += n as u64;
                        spans.push((*line, start, data.len(), too_long));
                    }
                    Err(e) => {
                        // A read error (a truncated or corrupt gzip stream) ends this input;
                        // what was read before it is kept.
                        data.truncate(start);
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
            let data = &data;
            let mut records: Vec<Record> = spans
                .into_par_iter()
                .filter_map(|(n, start, end, too_long)| {
                    if too_long {
                        return Some(Record::Skip(Skipped {
                            source: name.to_owned(),
                            line: Some(n),
                            id: None,
                            reason: format!(
                                "line longer than --max-doc-bytes ({} bytes); not read",
                                config.max_doc_bytes
                            ),
                        }));
                    }
                    parse_line(name, n, &data[start..end], config)
                })
                .collect();
            records.extend(trailer.map(Record::Skip));
            Ok(Some(records))
        }
        Source::Files { root, files, stored } => {
            let mut batch = Vec::new();
            let mut size = 0u64;
            for path in files.by_ref() {
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
            let records = batch
                .into_par_iter()
                .map(|path| {
                    let id = path.strip_prefix(root).unwrap_or(&path).to_string_lossy().replace('\\', "/");
                    read_text_file(&path, id, config)
                })
                .collect();
            Ok(Some(records))
        }
        Source::One(path, stored) => {
            let path = std::mem::take(path);
            if path.as_os_str().is_empty() {
                return Ok(None);
            }
            let id = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
            *bytes_read += size;
            stored.fetch_add(size, Ordering::Relaxed);
            Ok(Some(vec![read_text_file(&path, id, config)]))
        }
    }
}

fn read_text_file(path: &Path, id: String, config: &CorpusConfig) -> Record {
    let source = path.display().to_string();
    let skip = |reason: String, line: Option<u64>| {
        Record::Skip(Skipped { source: source.clone(), line, id: Some(id.clone()), reason })
    };
    let mut bytes = Vec::new();
    let read = File::open(path).and_then(|f| f.take(config.max_doc_bytes as u64 + 1).read_to_end(&mut bytes));
    if let Err(e) = read {
        return skip(format!("cannot read file: {e}"), None);
    }
    if bytes.len() > config.max_doc_bytes {
        return skip(format!("larger than --max-doc-bytes ({} bytes)", config.max_doc_bytes), None);
    }
    if bytes[..bytes.len().min(8192)].contains(&0) {
        return skip("binary file (contains NUL bytes)".to_owned(), None);
    }
    let bytes = strip_bom(bytes);
    match String::from_utf8(bytes) {
        Ok(text) => {
            Record::Doc(RawDoc { id, text, origin: Origin { source, line: None, input: 0 }, key: None })
        }
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let line = e.as_bytes()[..at].iter().filter(|&&b| b == b'\n').count() as u64 + 1;
            skip(format!("not valid UTF-8 (at byte {at})"), Some(line))
        }
    }
}

fn strip_bom(mut bytes: Vec<u8>) -> Vec<u8> {
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        bytes.drain(..3);
    }
    bytes
}

/// Appends one line (up to and including `\n`) from `reader` to `buf` and returns the bytes
/// consumed. A line longer than `cap` is consumed but not kept (`buf` is left as it was) and
/// flagged, so one giant line never has to fit in memory.
fn read_line_capped(reader: &mut dyn BufRead, buf: &mut Vec<u8>, cap: usize) -> io::Result<(usize, bool)> {
    let start = buf.len();
    let mut consumed = 0;
    let mut too_long = false;
    loop {
        let available = match reader.fill_buf() {
            Ok(a) => a,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            break;
        }
        let (take, done) = match memchr::memchr(b'\n', available) {
            Some(i) => (i + 1, true),
            None => (available.len(), false),
        };
        if !too_long {
            if buf.len() - start + take > cap.saturating_add(2) {
                too_long = true;
                buf.truncate(start);
            } else {
                buf.extend_from_slice(&available[..take]);
            }
        }
        reader.consume(take);
        consumed += take;
        if done {
            break;
        }
    }
    Ok((consumed, too_long))
}

/// Opens a JSON Lines file for reading lines, decompressing gzip (detected by content).
pub fn open_lines(path: &Path) -> Result<Box<dyn BufRead + Send>, CorpusError> {
    open_counted(path, None)
}

/// A reader that adds the bytes it reads to a shared counter.
struct Counted<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// [`open_lines`], counting the bytes read from the file as stored into `count`.
fn open_counted(path: &Path, count: Option<Arc<AtomicU64>>) -> Result<Box<dyn BufRead + Send>, CorpusError> {
    let err = |source| CorpusError::Open { path: path.to_path_buf(), source };
    let raw: Box<dyn Read + Send> = match count {
        Some(count) => Box::new(Counted { inner: File::open(path).map_err(err)?, count }),
        None => Box::new(File::open(path).map_err(err)?),
    };
    let mut file = BufReader::new(raw);
    let gz = file.fill_buf().map_err(err)?.starts_with(&[0x1f, 0x8b]);
    Ok(if gz {
        Box::new(BufReader::with_capacity(1 << 16, MultiGzDecoder::new(file)))
    } else {
        Box::new(file)
    })
}

/// Calls `f(line_number, raw_line)` for every line of a JSON Lines file, numbering lines
/// exactly as the reader does (1-based, every `\n`-terminated line counts). `raw_line`
/// includes its line ending.
pub fn for_each_line(
    path: &Path,
    mut f: impl FnMut(u64, &[u8]) -> io::Result<()>,
) -> Result<(), CorpusError> {
    let mut reader = open_lines(path)?;
    let mut buf = Vec::new();
    let mut line = 0u64;
    loop {
        buf.clear();
        let n = reader
            .read_until(b'\n', &mut buf)
            .map_err(|source| CorpusError::Open { path: path.to_path_buf(), source })?;
        if n == 0 {
            return Ok(());
        }
        line += 1;
        f(line, &buf).map_err(|source| CorpusError::Open { path: path.to_path_buf(), source })?;
    }
}

/// Size and xxh3-64 checksum of an input, for run manifests: a file's bytes as stored
/// (compressed files are hashed compressed); a directory's accepted files in sorted order,
/// each contributing its relative path and content. Standard input has no checksum.
pub fn checksum(input: &Input, config: &CorpusConfig) -> Result<Option<(u64, u64)>, CorpusError> {
    use xxhash_rust::xxh3::Xxh3;
    fn feed(path: &Path, hasher: &mut Xxh3) -> Result<u64, CorpusError> {
        let err = |source| CorpusError::Open { path: path.to_path_buf(), source };
        let mut file = File::open(path).map_err(err)?;
        let mut buf = vec![0u8; 1 << 16];
        let mut total = 0u64;
        loop {
            let n = file.read(&mut buf).map_err(err)?;
            if n == 0 {
                return Ok(total);
            }
            hasher.update(&buf[..n]);
            total += n as u64;
        }
    }
    let mut hasher = Xxh3::new();
    let bytes = match input {
        Input::Stdin => return Ok(None),
        Input::Jsonl(p) | Input::TextFile(p) => feed(p, &mut hasher)?,
        Input::Dir(root) => {
            let mut files = Vec::new();
            list_files(root, config, &mut files)?;
            files.sort();
            let mut total = 0;
            for f in files {
                hasher.update(f.strip_prefix(root).unwrap_or(&f).to_string_lossy().as_bytes());
                hasher.update(&[0]);
                total += feed(&f, &mut hasher)?;
            }
            total
        }
    };
    Ok(Some((bytes, hasher.digest())))
}

/// The bytes of a file (for copying kept text files).
pub fn read_bytes(path: &Path) -> Result<Vec<u8>, CorpusError> {
    std::fs::read(path).map_err(|source| CorpusError::Open { path: path.to_path_buf(), source })
}

/// A JSON object, as read from an auxiliary file.
pub type JsonObject = serde_json::Map<String, Value>;

/// Reads a small JSON Lines file (plain or gzip) of auxiliary data — labels, labelled pairs —
/// into `(line number, object)` pairs. Unlike documents, a bad line here is an error naming
/// the file and line: labels with holes would give wrong figures.
pub fn read_json_objects(path: &Path) -> Result<Vec<(u64, JsonObject)>, CorpusError> {
    let err = |source| CorpusError::Open { path: path.to_path_buf(), source };
    let mut file = BufReader::new(File::open(path).map_err(err)?);
    let gz = file.fill_buf().map_err(err)?.starts_with(&[0x1f, 0x8b]);
    let reader: Box<dyn BufRead> =
        if gz { Box::new(BufReader::new(MultiGzDecoder::new(file))) } else { Box::new(file) };
    let name = path.display().to_string();
    let mut out = Vec::new();
    for (n, line) in reader.lines().enumerate() {
        let line_no = n as u64 + 1;
        let bad = |reason: String| CorpusError::BadRecord {
            source_name: name.clone(),
            line: Some(line_no),
            reason,
        };
        let line = line.map_err(|e| bad(format!("cannot read: {e}")))?;
        let line = line.trim_start_matches('\u{feff}').trim();
        if line.is_empty() {
            continue;
        }
        match serde_json::from_str::<Value>(line) {
            Ok(Value::Object(map)) => out.push((line_no, map)),
            Ok(other) => return Err(bad(format!("expected a JSON object, found {}", kind(&other)))),
            Err(e) => return Err(bad(format!("invalid JSON: {e}"))),
        }
    }
    Ok(out)
}

/// Parses one JSON line into a record; blank lines give nothing.
fn parse_line(source: &str, line: u64, bytes: &[u8], config: &CorpusConfig) -> Option<Record> {
    let mut bytes = bytes;
    if line == 1 && bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        bytes = &bytes[3..];
    }
    while let Some((&last, rest)) = bytes.split_last() {
        if last == b'\n' || last == b'\r' {
            bytes = rest;
        } else {
            break;
        }
    }
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return None;
    }
    let skip = |reason: String, id: Option<String>| {
        Some(Record::Skip(Skipped { source: source.to_owned(), line: Some(line), id, reason }))
    };
    if bytes.len() > config.max_doc_bytes {
        return skip(format!("line longer than --max-doc-bytes ({} bytes)", config.max_doc_bytes), None);
    }
    let value: Value = match serde_json::from_slice(bytes) {
        Ok(v) => v,
        Err(e) => return skip(format!("invalid JSON: {e}"), None),
    };
    if !value.is_object() {
        return skip(format!("expected a JSON object, found {}", kind(&value)), None);
    }
    let id = match lookup(&value, &config.id_field) {
        Some(Value::String(s)) if !s.is_empty() => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::String(_)) => return skip(format!("id field `{}` is empty", config.id_field), None),
        Some(other) => {
            return skip(
                format!("id field `{}` is {}, expected a string or number", config.id_field, kind(other)),
                None,
            )
        }
        None => return skip(format!("no id field `{}` (see --id-field)", config.id_field), None),
    };
    let key = config.key_field.as_deref().and_then(|f| match lookup(&value, f) {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    });
    let mut value = value;
    let text = match lookup_mut(&mut value, &config.text_field) {
        // Taken, not cloned: the parsed line is dropped right after.
        Some(Value::String(s)) => std::mem::take(s),
        Some(other) => {
            return skip(
                format!("text field `{}` is {}, expected a string", config.text_field, kind(other)),
                Some(id),
            )
        }
        None => return skip(format!("no text field `{}` (see --text-field)", config.text_field), Some(id)),
    };
    Some(Record::Doc(RawDoc {
        id,
        text,
        origin: Origin { source: source.to_owned(), line: Some(line), input: 0 },
        key,
    }))
}

/// Looks up `path` in a JSON object: the exact key first, then a dotted path.
fn lookup<'v>(value: &'v Value, path: &str) -> Option<&'v Value> {
    if let Some(v) = value.get(path) {
        return Some(v);
    }
    if !path.contains('.') {
        return None;
    }
    path.split('.').try_fold(value, |v, key| v.get(key))
}

/// [`lookup`], mutable.
fn lookup_mut<'v>(value: &'v mut Value, path: &str) -> Option<&'v mut Value> {
    if value.get(path).is_some() || !path.contains('.') {
        return value.get_mut(path);
    }
    path.split('.').try_fold(value, |v, key| v.get_mut(key))
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(line: &str) -> Record {
        parse_line("f.jsonl", 3, line.as_bytes(), &CorpusConfig::default()).expect("a record")
    }

    fn reason(r: Record) -> String {
        match r {
            Record::Skip(s) => s.reason,
            Record::Doc(d) => panic!("expected a skip, got document {}", d.id),
        }
    }

    #[test]
    fn reads_id_and_text() {
        match parse(r#"{"id": "a", "text": "hello", "x": 1}"#) {
            Record::Doc(d) => {
                assert_eq!((d.id.as_str(), d.text.as_str()), ("a", "hello"));
                assert_eq!(d.origin.to_string(), "f.jsonl:3");
            }
            Record::Skip(s) => panic!("{s:?}"),
        }
    }

    #[test]
    fn numeric_ids_and_dotted_paths() {
        let cfg =
            CorpusConfig { id_field: "meta.id".into(), text_field: "body.text".into(), ..Default::default() };
        let r = parse_line("f", 1, br#"{"meta": {"id": 7}, "body": {"text": "t"}}"#, &cfg);
        assert!(matches!(r, Some(Record::Doc(d)) if d.id == "7" && d.text == "t"));
    }

    #[test]
    fn bad_records_are_skipped_with_reasons() {
        assert!(reason(parse("{not json")).starts_with("invalid JSON"));
        assert_eq!(reason(parse("[1, 2]")), "expected a JSON object, found an array");
        assert!(reason(parse(r#"{"text": "x"}"#)).starts_with("no id field `id`"));
        assert!(reason(parse(r#"{"id": "a", "text": null}"#)).contains("is null"));
        assert!(reason(parse(r#"{"id": "a", "text": 5}"#)).contains("is a number"));
        assert!(reason(parse(r#"{"id": "", "text": "x"}"#)).contains("is empty"));
        assert!(parse_line("f", 2, b"  \r\n", &CorpusConfig::default()).is_none());
    }

    proptest::proptest! {
        /// Fuzz target: arbitrary bytes as a JSON line never panic, and a document comes out
        /// only with an id and a text.
        #[test]
        fn parse_line_never_panics(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300)) {
            if let Some(Record::Doc(d)) = parse_line("f", 1, &bytes, &CorpusConfig::default()) {
                proptest::prop_assert!(!d.id.is_empty());
            }
        }

        /// Fuzz target: JSON-shaped lines with odd values.
        #[test]
        fn parse_line_on_json_like_lines(
            s in r#"\{("(id|text|meta|x)": ?("[^"\\]{0,12}"|-?[0-9]{1,4}(\.[0-9])?|null|true|\[\]|\{\}|\{"id": ?"a"\}), ?){0,4}"z": 0\}"#
        ) {
            let cfg = CorpusConfig { id_field: "meta.id".into(), ..CorpusConfig::default() };
            let _ = parse_line("f", 1, s.as_bytes(), &CorpusConfig::default());
            let _ = parse_line("f", 1, s.as_bytes(), &cfg);
        }

        /// Fuzz target: the capped line reader returns every line, or flags it, whatever the
        /// line lengths.
        #[test]
        fn capped_reader_splits_like_read_until(
            lines in proptest::collection::vec("[a-z]{0,40}", 0..20), cap in 1usize..30,
        ) {
            let text = lines.join("\n");
            let mut reader = io::BufReader::with_capacity(7, text.as_bytes());
            let mut got = Vec::new();
            loop {
                let mut buf = Vec::new();
                let (n, too_long) = read_line_capped(&mut reader, &mut buf, cap).unwrap();
                if n == 0 {
                    break;
                }
                let line = String::from_utf8(buf).unwrap();
                let bare = line.trim_end_matches('\n').to_owned();
                if too_long {
                    proptest::prop_assert!(line.is_empty());
                    got.push(None);
                } else {
                    got.push(Some(bare));
                }
            }
            // What read_until would give, with over-long lines flagged.
            let want: Vec<Option<String>> = text
                .split_inclusive('\n')
                .map(|l| (l.len() <= cap + 2).then(|| l.trim_end_matches('\n').to_owned()))
                .collect();
            proptest::prop_assert_eq!(got, want);
        }
    }

    #[test]
    fn input_kinds_from_names() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["a.jsonl", "b.JSONL.gz", "c.ndjson", "d.txt", "e.csv"] {
            std::fs::write(dir.path().join(name), "").unwrap();
        }
        let arg = |n: &str| dir.path().join(n).display().to_string();
        assert!(matches!(Input::from_arg(&arg("a.jsonl")), Ok(Input::Jsonl(_))));
        assert!(matches!(Input::from_arg(&arg("b.JSONL.gz")), Ok(Input::Jsonl(_))));
        assert!(matches!(Input::from_arg(&arg("c.ndjson")), Ok(Input::Jsonl(_))));
        assert!(matches!(Input::from_arg(&arg("d.txt")), Ok(Input::TextFile(_))));
        assert!(matches!(Input::from_arg(&arg("e.csv")), Err(CorpusError::UnknownFormat { .. })));
        assert!(matches!(Input::from_arg(&arg("missing")), Err(CorpusError::Open { .. })));
        assert!(matches!(Input::from_arg(&dir.path().display().to_string()), Ok(Input::Dir(_))));
        assert_eq!(Input::from_arg("-").unwrap(), Input::Stdin);
    }
}
