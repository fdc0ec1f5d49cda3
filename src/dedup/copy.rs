//! The clean corpus of CSV/TSV tables and JSON arrays (and, through `kept_parquet`, Parquet
//! files), in the format they were read in: a
//! table's header row, then its kept rows as read (`kept.csv`, `kept.tsv`); an array of the
//! kept elements as read (`kept.json`). With `--annotate`, every row gets three columns
//! (`cluster`, `duplicate_of`, `is_representative`) and every element three fields.
//!
//! Records are matched to the documents analysed by the line they start on and the checksum
//! of their bytes, in order (several elements of a JSON array can start on one line), so a
//! file changed between the two reads is an error, never a silent mix.

use super::{annotate_line, AnnotateError, DedupError, DedupOutput, Plan, WriteCommit, ANNOTATE_FIELDS};
use crate::corpus::{self, CopyFormat};
use crate::pipeline::RunResult;
use crate::report::{AtomicFile, Staged};
use std::collections::HashMap;
use std::io::{self, Write};
use std::path::PathBuf;

/// The documents analysed from one file, in order: (line, document).
pub(super) struct Expected<'a> {
    pub(super) list: &'a [(u64, u32)],
    pub(super) next: usize,
}

impl Expected<'_> {
    /// The document the record on `line` with bytes `raw` is, when it is the next one.
    fn take(&mut self, run: &RunResult, line: u64, raw: Option<&[u8]>) -> Option<u32> {
        self.take_sum(run, line, raw.map(xxhash_rust::xxh3::xxh3_64))
    }

    /// The document the record on `line` (row, for Parquet) whose bytes have the checksum
    /// `sum` is, when it is the next one.
    pub(super) fn take_sum(&mut self, run: &RunResult, line: u64, sum: Option<u64>) -> Option<u32> {
        let &(l, d) = self.list.get(self.next)?;
        let same = sum.is_some_and(|s| s == run.docs[d as usize].record_xxh3);
        (l == line && same).then(|| {
            self.next += 1;
            d
        })
    }

    /// An error naming the first document not found again.
    pub(super) fn finish(&self, source_name: &str) -> Result<(), DedupError> {
        match self.list.get(self.next) {
            Some(&(line, _)) => Err(DedupError::Changed { source_name: source_name.to_owned(), line }),
            None => Ok(()),
        }
    }
}

/// What `--annotate` adds to one record.
pub(super) struct Note<'a> {
    pub(super) cluster: Option<usize>,
    pub(super) duplicate_of: Option<&'a str>,
}

/// Stages the clean corpus of the table, array and Parquet files `files` (input index, path,
/// format), one output per format.
pub(super) fn write_copies(
    run: &RunResult,
    plan: &Plan,
    out: &DedupOutput<'_>,
    files: &[(usize, PathBuf, CopyFormat)],
) -> Result<Vec<Staged>, DedupError> {
    let mut docs: HashMap<(usize, &str), Vec<(u64, u32)>> = HashMap::new();
    for (i, d) in run.docs.iter().enumerate() {
        if let Some(l) = d.origin.line {
            docs.entry((d.origin.input, &*d.origin.source)).or_default().push((l, i as u32));
        }
    }
    let cluster_of: HashMap<u32, usize> =
        run.clusters.iter().flat_map(|c| c.members.iter().map(move |&m| (m, c.id))).collect();
    let rep_of: HashMap<u32, u32> = plan.removed.iter().map(|r| (r.doc, r.duplicate_of)).collect();
    let note = |d: u32| Note {
        cluster: cluster_of.get(&d).copied(),
        duplicate_of: rep_of.get(&d).map(|&r| run.docs[r as usize].id.as_str()),
    };
    let mut staged = Vec::new();
    for format in [CopyFormat::Csv, CopyFormat::Tsv, CopyFormat::Array] {
        let group: Vec<&(usize, PathBuf, CopyFormat)> = files.iter().filter(|f| f.2 == format).collect();
        if group.is_empty() {
            continue;
        }
        let gz = group.iter().all(|(_, p, _)| p.to_string_lossy().to_lowercase().ends_with(".gz"));
        let stem = if out.annotate { "annotated" } else { "kept" };
        let ext = format.extension();
        let path = out.dir.join(if gz { format!("{stem}.{ext}.gz") } else { format!("{stem}.{ext}") });
        let write_err = |source: io::Error| DedupError::Write { path: path.clone(), source };
        let file = AtomicFile::create(&path).map_err(write_err)?;
        let mut sink: Box<dyn WriteCommit> = if gz {
            Box::new(flate2::write::GzEncoder::new(file, flate2::Compression::fast()))
        } else {
            Box::new(file)
        };
        let mut first_header: Option<(Vec<u8>, String)> = None;
        let mut elements = 0usize;
        if format == CopyFormat::Array {
            sink.write_all(b"[").map_err(write_err)?;
        }
        for (k, p, _) in group {
            let source_name = p.display().to_string();
            let none = Vec::new();
            let list = docs.get(&(*k, source_name.as_str())).unwrap_or(&none);
            let mut expected = Expected { list, next: 0 };
            let config = &run.config.corpus;
            if format == CopyFormat::Array {
                corpus::for_each_element(p, config, |line, raw| {
                    let Some(d) = expected.take(run, line, raw) else { return Ok(()) };
                    if !out.annotate && plan.is_removed[d as usize] {
                        return Ok(());
                    }
                    let raw = raw.unwrap_or_default();
                    sink.write_all(if elements == 0 { b"\n" } else { b",\n" })?;
                    elements += 1;
                    if !out.annotate {
                        return sink.write_all(raw);
                    }
                    let n = note(d);
                    let mut buf = Vec::new();
                    annotate_line(raw, n.cluster, n.duplicate_of, &mut buf)
                        .map_err(|e| annotate_error(e, &source_name, line))?;
                    buf.pop();
                    sink.write_all(&buf)
                })?;
            } else {
                let mut table = corpus::TableRows::open(p, format == CopyFormat::Tsv, config)?;
                let header = table.header().to_vec();
                let delimiter = if format == CopyFormat::Tsv { b'\t' } else { b',' };
                match &first_header {
                    None => {
                        let (body, ending) = split_ending(&header);
                        let mut h = body.to_vec();
                        if out.annotate {
                            if let Some(f) =
                                ANNOTATE_FIELDS.iter().find(|f| table.columns().iter().any(|n| n == *f))
                            {
                                let e = io::Error::other(format!(
                                    "{source_name}: the header already has a column `{f}`, which --annotate adds"
                                ));
                                return Err(write_err(e));
                            }
                            for f in ANNOTATE_FIELDS {
                                h.push(delimiter);
                                h.extend_from_slice(f.as_bytes());
                            }
                        }
                        h.extend_from_slice(ending);
                        sink.write_all(&h).map_err(write_err)?;
                        first_header = Some((header, source_name.clone()));
                    }
                    Some((first, first_name)) => {
                        let line = |h: &[u8]| split_ending(corpus::without_bom(h)).0.to_vec();
                        if line(first) != line(&header) {
                            return Err(DedupError::Header {
                                first: first_name.clone(),
                                second: source_name,
                            });
                        }
                    }
                }
                table
                    .for_each_row(config, |line, raw| {
                        let Some(d) = expected.take(run, line, raw) else { return Ok(()) };
                        let raw = raw.unwrap_or_default();
                        if !out.annotate {
                            if plan.is_removed[d as usize] {
                                return Ok(());
                            }
                            let (body, ending) = split_ending(raw);
                            sink.write_all(body)?;
                            return sink.write_all(ending);
                        }
                        let n = note(d);
                        let (body, ending) = split_ending(raw);
                        sink.write_all(body)?;
                        let cluster = n.cluster.map(|c| c.to_string()).unwrap_or_default();
                        let dup = n.duplicate_of.unwrap_or_default();
                        let rep = if n.duplicate_of.is_none() { "true" } else { "false" };
                        for cell in [cluster.as_str(), dup, rep] {
                            sink.write_all(&[delimiter])?;
                            sink.write_all(&cell_bytes(cell, delimiter))?;
                        }
                        sink.write_all(ending)
                    })
                    .map_err(write_err)?;
            }
            expected.finish(&source_name)?;
        }
        if format == CopyFormat::Array {
            sink.write_all(if elements == 0 { b"]\n" } else { b"\n]\n" }).map_err(write_err)?;
        }
        staged.push(sink.stage_all().map_err(write_err)?);
    }
    let parquet: Vec<&(usize, PathBuf, CopyFormat)> =
        files.iter().filter(|f| f.2 == CopyFormat::Parquet).collect();
    if !parquet.is_empty() {
        staged.push(super::kept_parquet::write_parquet(run, plan, out, &parquet, &docs, &note)?);
    }
    Ok(staged)
}

fn annotate_error(e: AnnotateError, source: &str, line: u64) -> io::Error {
    match e {
        AnnotateError::Io(e) => e,
        AnnotateError::Clash(field) => io::Error::other(format!(
            "{source}:{line}: the record already has a field `{field}`, which --annotate adds"
        )),
    }
}

/// A row without its line ending, and the ending to write after it: the row's own (`\r\n`,
/// `\n`; a row read up to its `\r` gets `\r\n`), or `\n` when it has none (the last row).
fn split_ending(raw: &[u8]) -> (&[u8], &'static [u8]) {
    let body = raw.strip_suffix(b"\n").unwrap_or(raw);
    let body = body.strip_suffix(b"\r").unwrap_or(body);
    (body, if raw[body.len()..].starts_with(b"\r") { b"\r\n" } else { b"\n" })
}

/// One cell of an annotated row: quoted as RFC 4180 when a CSV cell needs it; in TSV, tabs
/// and line breaks (which TSV cannot hold) become spaces.
fn cell_bytes(cell: &str, delimiter: u8) -> Vec<u8> {
    if delimiter == b'\t' {
        return cell.replace(['\t', '\n', '\r'], " ").into_bytes();
    }
    if cell.bytes().any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r')) {
        format!("\"{}\"", cell.replace('"', "\"\"")).into_bytes()
    } else {
        cell.as_bytes().to_vec()
    }
}
