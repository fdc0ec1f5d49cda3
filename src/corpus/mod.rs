//! Reading documents: directories (of text files, or of record files), JSON Lines, JSON array
//! and CSV/TSV files (plain or compressed with gzip, zstd, bzip2 or xz, told by content),
//! Parquet files, and JSON Lines or a JSON array on standard input. The only library code that reads files.
//!
//! Documents arrive in batches of a few megabytes, so a corpus is never held as raw input: the
//! pipeline keeps each document's text and signature and drops the rest of the batch.
//!
//! Per-record problems (a line that is not JSON, a missing field, a file that is not UTF-8) are
//! data: they become [`Skipped`] entries naming the file and line, and reading goes on. Only
//! problems that make the whole run meaningless are errors: an input that cannot be opened, or
//! two documents with the same id.
//!
//! One file per concern: [`reader`](CorpusReader) turns inputs into batches of records,
//! `record` parses one JSON line, `table` reads CSV/TSV rows, `array` the elements of a JSON array, `parquet` the rows of a
//! Parquet file (as JSON objects, `arrow_json`), `dir` decides what a directory
//! holds, `lines` is the one opener (compression detected by content) and the
//! capped line reader, `ahead` reads one batch ahead on a thread of its own, and `reread` reads inputs a second time after a run (dedup's
//! byte-for-byte copy, manifest checksums).

mod ahead;
mod array;
mod arrow_json;
mod dir;
pub use dir::record_shards;
mod lines;
mod meta;
mod parquet;
mod reader;
mod record;
mod reread;
mod table;
mod text;

pub use lines::{open_lines, without_bom, Codec, XZ_MEMLIMIT};
pub use meta::{
    cell_text, fields_of, DisplayField, Meta, MetaConfig, MetaFields, DEFAULT_DATE_FIELD,
    DEFAULT_SOURCE_FIELD, DEFAULT_TITLE_FIELD, MAX_META_FIELDS,
};
pub use parquet::ParquetRows;
pub use reader::CorpusReader;
pub use record::{read_json_objects, JsonLine, JsonObject};
pub use reread::{
    checksum, copy_files, for_each_element, for_each_line, read_bytes, records_at_lines, CopyFormat,
    TableRows,
};
pub use text::{read_all, read_two};

use serde::Serialize;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use thiserror::Error;

/// `String::from_utf8` with a vectorized check first: the text of `bytes`, or the error
/// `String::from_utf8` gives (its check, one byte at a time on text that is not ASCII, was 8%
/// of the CPU of a run on Arabic news where it checked every text read back).
pub fn utf8_string(bytes: Vec<u8>) -> Result<String, std::string::FromUtf8Error> {
    match simdutf8::basic::from_utf8(&bytes) {
        // SAFETY: the bytes were just checked as UTF-8.
        Ok(_) => Ok(unsafe { String::from_utf8_unchecked(bytes) }),
        Err(_) => String::from_utf8(bytes),
    }
}

/// How a file is read, told from its name (a compression suffix aside; compression itself is
/// told by content).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// The whole file is one document (`.txt`, also compressed: decompressed by content).
    Text,
    /// One JSON object per line (`.jsonl`, `.ndjson`).
    JsonLines,
    /// Comma-separated values with a header row (`.csv`).
    Csv,
    /// Tab-separated values with a header row (`.tsv`).
    Tsv,
    /// JSON (`.json`): an array of records when its first character is `[`, else JSON Lines.
    Json,
    /// Parquet (`.parquet`, never with a compression suffix: Parquet compresses inside).
    Parquet,
}

impl Format {
    /// The format a file name (lowercase) tells, `None` when it tells none.
    pub fn of_name(name: &str) -> Option<Format> {
        if name.ends_with(".parquet") {
            return Some(Format::Parquet);
        }
        let stem = without_compression_suffix(name);
        if stem.ends_with(".jsonl") || stem.ends_with(".ndjson") {
            Some(Format::JsonLines)
        } else if stem.ends_with(".json") {
            Some(Format::Json)
        } else if stem.ends_with(".csv") {
            Some(Format::Csv)
        } else if stem.ends_with(".tsv") {
            Some(Format::Tsv)
        } else if stem.ends_with(".txt") {
            Some(Format::Text)
        } else {
            None
        }
    }

    /// Whether files of this format hold records (with an id and a text field each), not one
    /// document.
    pub fn is_records(self) -> bool {
        self != Format::Text
    }
}

/// One place a corpus is read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// A directory, read recursively in sorted path order: text files (a document each, whose
    /// id is its relative path) or record files (JSON Lines shards), as its contents or
    /// `--ext` decide (see the module `dir`).
    Dir(PathBuf),
    /// A JSON Lines file, compressed or not (gzip, zstd, bzip2, xz: told by content).
    Jsonl(PathBuf),
    /// A CSV file with a header row, compressed or not.
    Csv(PathBuf),
    /// A TSV file with a header row, compressed or not.
    Tsv(PathBuf),
    /// A JSON file, compressed or not: an array of records, or JSON Lines (told by content).
    Json(PathBuf),
    /// A Parquet file: one record per row.
    Parquet(PathBuf),
    /// A single text file (compressed or not: told by content); its id is its file name.
    TextFile(PathBuf),
    /// JSON Lines on standard input.
    Stdin,
}

impl Input {
    /// The file or directory read, `None` for standard input.
    pub fn path(&self) -> Option<&Path> {
        match self {
            Input::Dir(p)
            | Input::Jsonl(p)
            | Input::Csv(p)
            | Input::Tsv(p)
            | Input::Json(p)
            | Input::Parquet(p)
            | Input::TextFile(p) => Some(p),
            Input::Stdin => None,
        }
    }

    /// Interprets a command-line argument: `-` is standard input, a directory is a directory
    /// input, `*.jsonl`, `*.ndjson` (optionally compressed: `.gz`, `.zst`, `.bz2`, `.xz`) are
    /// JSON Lines, `*.parquet` is Parquet, `*.txt` is one text document. Compression itself is told by content when the
    /// file is read, whatever the name says.
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
        match Format::of_name(&name) {
            Some(Format::JsonLines) => Ok(Input::Jsonl(path)),
            Some(Format::Csv) => Ok(Input::Csv(path)),
            Some(Format::Tsv) => Ok(Input::Tsv(path)),
            Some(Format::Json) => Ok(Input::Json(path)),
            Some(Format::Parquet) => Ok(Input::Parquet(path)),
            Some(Format::Text) => Ok(Input::TextFile(path)),
            _ => Err(CorpusError::UnknownFormat { path }),
        }
    }

    /// Interprets the INPUT arguments of a command ([`Input::from_arg`] each), with the names
    /// as given; no argument reads `seeds/` in the current directory.
    pub fn from_args(args: &[String]) -> Result<(Vec<Input>, Vec<String>), CorpusError> {
        let names: Vec<String> = if args.is_empty() {
            if !std::path::Path::new("seeds").is_dir() {
                return Err(CorpusError::NoInput);
            }
            vec!["seeds".to_owned()]
        } else {
            args.to_vec()
        };
        if names.iter().filter(|n| *n == "-").count() > 1 {
            return Err(CorpusError::StdinTwice);
        }
        let inputs = names.iter().map(|n| Input::from_arg(n)).collect::<Result<Vec<_>, _>>()?;
        Ok((inputs, names))
    }

    /// What kind of input this is, as manifests record it: `directory`, `jsonl`, `json`, `csv`,
    /// `tsv`, `parquet`, `text` or `stdin`.
    pub fn kind(&self) -> &'static str {
        match self {
            Input::Dir(_) => "directory",
            Input::Jsonl(_) => "jsonl",
            Input::Csv(_) => "csv",
            Input::Tsv(_) => "tsv",
            Input::Json(_) => "json",
            Input::Parquet(_) => "parquet",
            Input::TextFile(_) => "text",
            Input::Stdin => "stdin",
        }
    }
}

/// File-name suffixes of compressed files, stripped before the format is told from a name.
pub const COMPRESSION_SUFFIXES: &[&str] = &[".gz", ".zst", ".zstd", ".bz2", ".xz"];

/// `name` without a compression suffix ([`COMPRESSION_SUFFIXES`]).
fn without_compression_suffix(name: &str) -> &str {
    COMPRESSION_SUFFIXES.iter().find_map(|s| name.strip_suffix(s)).unwrap_or(name)
}

/// Whether the file at `path` (decompressed) holds a JSON array: its first character is `[`.
fn is_json_array(path: &Path) -> Result<bool, CorpusError> {
    let mut reader = open_lines(path)?;
    array::sniff_array(&mut reader)
        .map(|(array, _)| array)
        .map_err(|source| CorpusError::Open { path: path.to_path_buf(), source })
}

/// How records are read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CorpusConfig {
    /// JSON field holding the document id (dotted paths reach into nested objects).
    pub id_field: String,
    /// JSON field holding the document text (dotted paths allowed).
    pub text_field: String,
    /// File extensions read from directories (without dot, lowercase; `jsonl` also matches
    /// `a.jsonl.gz`); `*` reads every file. `None`: the directory's contents decide (its `.txt`
    /// files, or its record files; both is an error).
    pub extensions: Option<Vec<String>>,
    /// Documents larger than this many bytes are skipped with a diagnostic.
    pub max_doc_bytes: usize,
    /// A JSON field read alongside each document (for `--keep earliest:FIELD`).
    pub key_field: Option<String>,
    /// Whether an input with nothing to read, or a run where no document could be read, is
    /// accepted (`--allow-empty`); by default each is an error.
    pub allow_empty: bool,
    /// The metadata documents carry (`--meta`) and the fields reports show (`--title-field`,
    /// `--date-field`, `--source-field`).
    pub meta: MetaConfig,
    /// Files never read from a directory input (canonical paths): the outputs of the run,
    /// when `--out` is inside an input directory.
    #[serde(skip)]
    pub exclude: Vec<PathBuf>,
}

/// Default JSON id field.
pub const DEFAULT_ID_FIELD: &str = "id";
/// Default JSON text field.
pub const DEFAULT_TEXT_FIELD: &str = "text";
/// Default size limit of one document, and of one JSON line (128 MiB): a 100 MB document is
/// read; a runaway line without newlines is not.
pub const DEFAULT_MAX_DOC_BYTES: usize = 128 << 20;

impl Default for CorpusConfig {
    fn default() -> Self {
        CorpusConfig {
            id_field: DEFAULT_ID_FIELD.to_owned(),
            text_field: DEFAULT_TEXT_FIELD.to_owned(),
            extensions: None,
            max_doc_bytes: DEFAULT_MAX_DOC_BYTES,
            key_field: None,
            allow_empty: false,
            meta: MetaConfig::default(),
            exclude: Vec::new(),
        }
    }
}

/// The name of an input file as documents hold it: shared, not copied for each document.
pub type Source = std::sync::Arc<str>;

/// Where a document came from: the input file and, for a record file, the 1-based line the
/// record starts on (the row number for Parquet).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Origin {
    /// The file the document was read from (`<stdin>` for standard input): one allocation
    /// per input (CSV, TSV) or per batch of its records (JSON, Parquet), shared by their documents.
    pub source: Source,
    /// 1-based line number in a record file (a JSON Lines, JSON array or CSV/TSV input); the
    /// 1-based row number in a Parquet file.
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
    /// Carried fields and display values (none for text files).
    pub meta: Meta,
    /// xxh3-64 of the record as read (the raw JSON line with its line ending, or the text
    /// file's bytes): dedup's second read checks it is copying the records it analysed.
    pub record_xxh3: u64,
}

/// Size and xxh3-64 checksum of one input, computed while it is read (no second pass): a
/// file's bytes as stored (compressed files hashed compressed); a directory's accepted files in
/// sorted order, each contributing its relative path, a NUL byte and its content.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct InputSum {
    /// Bytes read (`None` for standard input).
    pub bytes: Option<u64>,
    /// The checksum; `None` for standard input, and when the input was not read to its end (a
    /// file over `--max-doc-bytes`, a read error), since it would not describe the input.
    pub xxh3: Option<u64>,
}

/// How many skipped records [`SkipLog`] keeps.
pub const SKIP_SAMPLE: usize = 100;
/// Distinct reasons [`SkipLog`] counts separately; further reasons count as `other`.
const SKIP_REASONS: usize = 64;

/// Skipped records: how many, how many for each reason, and the first [`SKIP_SAMPLE`] in full.
/// Memory does not grow with the number of skipped records.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SkipLog {
    total: usize,
    by_reason: std::collections::BTreeMap<String, usize>,
    sample: Vec<Skipped>,
}

impl SkipLog {
    /// Counts `s`, keeping it when the sample has room.
    pub fn push(&mut self, s: Skipped) {
        self.total += 1;
        let reason = s.reason.split(':').next().unwrap_or(&s.reason).trim();
        if let Some(n) = self.by_reason.get_mut(reason) {
            *n += 1;
        } else if self.by_reason.len() < SKIP_REASONS {
            self.by_reason.insert(reason.to_owned(), 1);
        } else {
            *self.by_reason.entry("other".to_owned()).or_insert(0) += 1;
        }
        if self.sample.len() < SKIP_SAMPLE {
            self.sample.push(s);
        }
    }

    /// Whether nothing was skipped.
    pub fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// Records skipped in all.
    pub fn len(&self) -> usize {
        self.total
    }

    /// The first skipped records, in input order.
    pub fn sample(&self) -> &[Skipped] {
        &self.sample
    }

    /// Skipped records by reason (the reason up to its first colon).
    pub fn by_reason(&self) -> &std::collections::BTreeMap<String, usize> {
        &self.by_reason
    }
}

/// A record that could not be used, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Skipped {
    /// The file (`<stdin>` for standard input).
    pub source: String,
    /// 1-based line in a record file (the row number in a Parquet file).
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
    #[error("cannot tell the format of `{}`: give a directory, a .jsonl, .ndjson, .json, .csv or .tsv file (also compressed: .gz, .zst, .bz2, .xz), a .parquet file, a .txt file, or - for JSON Lines or a JSON array on stdin", path.display())]
    UnknownFormat {
        /// The input path.
        path: PathBuf,
    },
    /// A file named `.parquet` that is not valid Parquet (or whose footer is damaged).
    #[error("{}: not a valid Parquet file: {reason}", path.display())]
    NotParquet {
        /// The file.
        path: PathBuf,
        /// What the Parquet reader said.
        reason: String,
    },
    /// A directory holding both text files and record files, without `--ext` to choose.
    #[error("`{}` holds both text files ({text}) and record files ({records}): choose what to read with --ext (e.g. --ext txt for the text files, --ext jsonl for the records)", path.display())]
    MixedDirectory {
        /// The directory.
        path: PathBuf,
        /// Its text files, counted by suffix.
        text: String,
        /// Its record files, counted by suffix.
        records: String,
    },
    /// A table whose header lacks a column the flags name: every row would lack it.
    #[error("{source_name}: field `{field}` ({flag}) is not a column of the header row; columns: {columns}")]
    NoSuchColumn {
        /// The file.
        source_name: String,
        /// The field asked for.
        field: String,
        /// The flag that names it.
        flag: String,
        /// The columns of the header, comma-separated.
        columns: String,
    },
    /// A field the flags name that no JSON record of an input has: every record would be
    /// skipped.
    #[error("{} {fields} {} in no record of {source_name} ({records} JSON object{} read); fields seen: {seen}", if *plural { "fields" } else { "field" }, if *plural { "are" } else { "is" }, if *records == 1 { "" } else { "s" })]
    NoSuchField {
        /// The fields, with their flags: `` `body` (--text-field) ``.
        fields: String,
        /// Whether more than one field is missing.
        plural: bool,
        /// The input.
        source_name: String,
        /// JSON objects read from it.
        records: u64,
        /// The keys the objects have (the first 32), comma-separated.
        seen: String,
    },
    /// A field `--meta` lists, or a display field given explicitly (`--title-field`, ...),
    /// that no record of any input has.
    #[error("{} {fields} {} in no record of {source_name} as a string, number or boolean ({records} record{} read); fields seen: {seen}", if *plural { "fields" } else { "field" }, if *plural { "are" } else { "is" }, if *records == 1 { "" } else { "s" })]
    NoSuchMetaField {
        /// The fields, with their flags: `` `headline` (--title-field) ``.
        fields: String,
        /// Whether more than one field is missing.
        plural: bool,
        /// The inputs, comma-separated.
        source_name: String,
        /// Records read from them.
        records: u64,
        /// The keys of records lacking a field, and the columns of tables (the first 32).
        seen: String,
    },
    /// An input with nothing to read (without `--allow-empty`).
    #[error("{source_name} {what} (--allow-empty to run anyway)")]
    EmptyInput {
        /// The input.
        source_name: String,
        /// What it holds: `holds no record (…)`, `is an empty directory …`.
        what: String,
    },
    /// No document could be read from any input (without `--allow-empty`).
    #[error("no document could be read: {skipped} record{} skipped, the first at {first} (--allow-empty to run anyway)", if *skipped == 1 { "" } else { "s" })]
    NoDocuments {
        /// Records skipped.
        skipped: u64,
        /// The first skipped record: `FILE:LINE: reason`.
        first: String,
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
    /// No INPUT and no `seeds/` directory to fall back on.
    #[error("no INPUT given and no seeds/ directory here: pass a directory, a .jsonl, .csv or .txt file, or - for stdin")]
    NoInput,
    /// `-` given more than once.
    #[error("standard input (-) can be given only once")]
    StdinTwice,
    /// `compare A B` without `--in`: A or B is a directory.
    #[error("{0}: is a directory (compare takes two .txt files, or two document ids with --in DIR)")]
    IsDirectory(String),
    /// `compare A B` without `--in`: A or B is not a file.
    #[error("{0}: no such file (to compare documents of a corpus by id, name it with --in)")]
    NoSuchFile(String),
    /// A document to compare could not be used.
    #[error("{source_name}: {reason}")]
    Unusable {
        /// The file.
        source_name: String,
        /// What was wrong.
        reason: String,
    },
    /// A file to compare gave no document.
    #[error("{0}: nothing read")]
    NothingRead(String),
    /// No document with this id in the corpus named by `--in`.
    #[error("no document with id `{id}` in {inputs}")]
    NoSuchId {
        /// The id.
        id: String,
        /// The inputs searched, comma-separated.
        inputs: String,
    },
}
