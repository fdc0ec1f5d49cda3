//! Reading inputs again after a run: the raw lines of a JSON Lines file (dedup copies kept
//! records byte for byte), the records at chosen lines (texts read again), the bytes of a text
//! file, and input checksums for manifests.

use super::array::{sniff_array, ArraySource};
use super::dir::entries;
use super::lines::{open_lines, read_line_capped};
use super::reader::BATCH_BYTES;
use super::record::parse_record;
use super::table::TableSource;
use super::{is_json_array, CorpusConfig, CorpusError, Format, Input, RawDoc, Record, Source};
use std::fs::File;
use std::io::{self, Read};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

/// Calls `f(line_number, raw_line)` for every line of a JSON Lines file (plain or compressed),
/// numbering lines exactly as the reader does (1-based, every `\n`-terminated line counts).
/// `raw_line` includes its line ending and any byte-order mark; a line longer than `cap` bytes
/// is consumed without being held and given as `None` (the reader skipped it too). Reading stops
/// at the end of the file, or after the line for which `f` breaks.
pub fn for_each_line(
    path: &Path,
    cap: usize,
    mut f: impl FnMut(u64, Option<&[u8]>) -> io::Result<ControlFlow<()>>,
) -> Result<(), CorpusError> {
    let err = |source| CorpusError::Open { path: path.to_path_buf(), source };
    let mut reader = open_lines(path)?;
    let mut buf = Vec::new();
    let mut line = 0u64;
    loop {
        buf.clear();
        let (n, too_long) = read_line_capped(reader.as_mut(), &mut buf, cap).map_err(err)?;
        if n == 0 {
            return Ok(());
        }
        line += 1;
        if f(line, (!too_long).then_some(buf.as_slice())).map_err(err)?.is_break() {
            return Ok(());
        }
    }
}

/// How dedup copies the kept records of a record file: in the format it was read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CopyFormat {
    /// JSON Lines (also a `.json` file holding JSON Lines): kept lines.
    Lines,
    /// CSV: the header row, then the kept rows.
    Csv,
    /// TSV: the header row, then the kept rows.
    Tsv,
    /// A JSON array: an array of the kept elements.
    Array,
    /// Parquet: the kept rows, under the schema of the input.
    Parquet,
}

impl CopyFormat {
    /// The extension of the clean corpus in this format: `jsonl`, `csv`, `tsv`, `json`.
    pub fn extension(self) -> &'static str {
        match self {
            CopyFormat::Lines => "jsonl",
            CopyFormat::Csv => "csv",
            CopyFormat::Tsv => "tsv",
            CopyFormat::Array => "json",
            CopyFormat::Parquet => "parquet",
        }
    }
}

/// The record files of `input` with the format each is copied in, in the order the reader
/// reads them: the file of a record input, the record files among the shards of a directory;
/// none for text files and standard input.
pub fn copy_files(input: &Input, config: &CorpusConfig) -> Result<Vec<(PathBuf, CopyFormat)>, CorpusError> {
    let of = |p: &Path, f: Format| -> Result<Option<CopyFormat>, CorpusError> {
        Ok(match f {
            Format::JsonLines => Some(CopyFormat::Lines),
            Format::Json if is_json_array(p)? => Some(CopyFormat::Array),
            Format::Json => Some(CopyFormat::Lines),
            Format::Csv => Some(CopyFormat::Csv),
            Format::Tsv => Some(CopyFormat::Tsv),
            Format::Parquet => Some(CopyFormat::Parquet),
            Format::Text => None,
        })
    };
    let mut out = Vec::new();
    let mut push = |p: &Path, f: Format| -> Result<(), CorpusError> {
        if let Some(c) = of(p, f)? {
            out.push((p.to_path_buf(), c));
        }
        Ok(())
    };
    match input {
        Input::Jsonl(p) => push(p, Format::JsonLines)?,
        Input::Json(p) => push(p, Format::Json)?,
        Input::Csv(p) => push(p, Format::Csv)?,
        Input::Tsv(p) => push(p, Format::Tsv)?,
        Input::Parquet(p) => push(p, Format::Parquet)?,
        Input::Dir(root) => {
            for (p, f) in entries(root, config)? {
                push(&p, f)?;
            }
        }
        Input::TextFile(_) | Input::Stdin => {}
    }
    Ok(out)
}

/// A CSV or TSV file read again: its header row as read, then its rows as read.
pub struct TableRows(TableSource);

impl TableRows {
    /// Opens the table at `path` (`tsv`: tab-separated) and reads its header.
    pub fn open(path: &Path, tsv: bool, config: &CorpusConfig) -> Result<TableRows, CorpusError> {
        let reader = open_lines(path)?;
        let delimiter = if tsv { b'\t' } else { b',' };
        TableSource::open(path.display().to_string(), reader, delimiter, config, false).map(TableRows)
    }

    /// The header row as read (with its byte-order mark and line ending).
    pub fn header(&self) -> &[u8] {
        self.0.header()
    }

    /// The header's column names.
    pub fn columns(&self) -> &[String] {
        self.0.columns()
    }

    /// Calls `f(line, row)` for every row, numbered as the reader numbers them, with its bytes
    /// as read (`None` for a row over `--max-doc-bytes`, which the reader skipped too).
    pub fn for_each_row(
        &mut self,
        config: &CorpusConfig,
        f: impl FnMut(u64, Option<&[u8]>) -> io::Result<()>,
    ) -> io::Result<()> {
        self.0.for_each_row(config, f)
    }
}

/// Calls `f(line, element)` for every element of the JSON array file `path`, with the line it
/// starts on and its bytes as read (`None` for an element over `--max-doc-bytes`).
pub fn for_each_element(
    path: &Path,
    config: &CorpusConfig,
    f: impl FnMut(u64, Option<&[u8]>) -> io::Result<()>,
) -> Result<(), CorpusError> {
    let err = |source| CorpusError::Open { path: path.to_path_buf(), source };
    let mut reader = open_lines(path)?;
    let (_, lines) = sniff_array(&mut reader).map_err(err)?;
    ArraySource::new(path.display().to_string(), reader, lines, false)
        .for_each_element(config, f)
        .map_err(err)
}

/// Size and xxh3-64 checksum of an input, for run manifests: a file's bytes as stored
/// (compressed files are hashed compressed); a directory's files that are read, in sorted
/// order, each contributing its relative path, a NUL byte and its content as stored. Standard input has no checksum.
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
        Input::Jsonl(p)
        | Input::Csv(p)
        | Input::Tsv(p)
        | Input::Json(p)
        | Input::Parquet(p)
        | Input::TextFile(p) => feed(p, &mut hasher)?,
        Input::Dir(root) => {
            let mut total = 0;
            for (f, _) in entries(root, config)? {
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

/// Records of chosen lines of a JSON Lines file (plain or compressed) read again, parsed as the
/// reader parses them. `wanted` lists `(line, slot)` in increasing line; `batch` receives
/// `(slot, record)` pairs, about 2 MB of lines at a time, in line order, with `None`
/// where the line no longer holds a document (a file that changed) or the file ended first.
/// Reading stops after the last wanted line; only wanted lines are parsed.
pub fn records_at_lines<E: From<CorpusError>>(
    path: &Path,
    config: &CorpusConfig,
    wanted: &[(u64, usize)],
    mut batch: impl FnMut(Vec<(usize, Option<RawDoc>)>) -> Result<(), E>,
) -> Result<(), E> {
    use rayon::prelude::*;
    let name = Source::from(path.display().to_string());
    let mut next = wanted.iter().peekable();
    let mut lines: Vec<(u64, usize, Vec<u8>)> = Vec::new();
    let mut held = 0usize;
    let mut parse = |lines: &mut Vec<(u64, usize, Vec<u8>)>| -> Result<(), E> {
        let records = std::mem::take(lines)
            .into_par_iter()
            .map(|(n, slot, bytes)| match parse_record(&name, n, &bytes, config) {
                Some((Record::Doc(raw), _)) => (slot, Some(raw)),
                _ => (slot, None),
            })
            .collect();
        batch(records)
    };
    let mut failed = None;
    if !wanted.is_empty() {
        for_each_line(path, config.max_doc_bytes, |line, raw| {
            let Some(&&(at, slot)) = next.peek() else { return Ok(ControlFlow::Break(())) };
            if line == at {
                next.next();
                let bytes = raw.map_or_else(Vec::new, <[u8]>::to_vec);
                held += bytes.len();
                lines.push((line, slot, bytes));
                if held >= BATCH_BYTES {
                    held = 0;
                    if let Err(e) = parse(&mut lines) {
                        failed = Some(e);
                        return Ok(ControlFlow::Break(()));
                    }
                }
                if next.peek().is_none() {
                    return Ok(ControlFlow::Break(()));
                }
            }
            Ok(ControlFlow::Continue(()))
        })?;
    }
    if let Some(e) = failed {
        return Err(e);
    }
    parse(&mut lines)?;
    // Wanted lines past the end of the file (none, unless it changed).
    batch(next.map(|&(_, slot)| (slot, None)).collect())
}
