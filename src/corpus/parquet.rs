//! Parquet files: each row is one record. `--id-field` and `--text-field` name columns (dotted
//! paths reach the fields of struct columns); every other column is a field of the record, as
//! in a JSON line. A row becomes the JSON object of its values ([`super::arrow_json`]) and is
//! read like a JSON line from there, so ids, texts, `--keep` fields and metadata follow the
//! rules of JSON Lines; records are reported under their row number (1-based, counting the
//! rows of the file) where JSON Lines gives the line.
//!
//! Memory: the file is read a record batch at a time (`parquet`'s Arrow reader decodes one row
//! group's column chunks at a time); batches are sized from the file's own figures to about
//! [`BATCH_BYTES`] of values. The input's checksum (for the manifest) is computed by one
//! sequential read of the file when it is opened, since the Arrow reader reads column chunks
//! out of order.

use super::arrow_json::{column_keys, write_row};
use super::lines::Hashing;
use super::reader::{RecordStream, BATCH_BYTES, BATCH_LINES};
use super::record::{parse_record, FieldTally, Fields};
use super::{CorpusConfig, CorpusError, Record, Skipped, Source};
use arrow_array::RecordBatch;
use arrow_schema::{DataType, SchemaRef};
use parquet::arrow::arrow_reader::{ParquetRecordBatchReader, ParquetRecordBatchReaderBuilder};
use std::fs::File;
use std::io::{self, Read};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// The most rows per record batch.
const MAX_BATCH_ROWS: usize = 1024;

/// A Parquet file opened for reading: its rows as record batches.
pub(super) struct ParquetFile {
    reader: ParquetRecordBatchReader,
    schema: SchemaRef,
    /// Rows in the file (from its footer).
    rows: u64,
}

impl ParquetFile {
    /// Opens `path` and reads its footer. A file that is not Parquet (or whose footer is
    /// damaged) is an error naming it.
    pub(super) fn open(path: &Path) -> Result<ParquetFile, CorpusError> {
        let file =
            File::open(path).map_err(|source| CorpusError::Open { path: path.to_path_buf(), source })?;
        let not_parquet = |e: parquet::errors::ParquetError| CorpusError::NotParquet {
            path: path.to_path_buf(),
            reason: e.to_string(),
        };
        let builder = ParquetRecordBatchReaderBuilder::try_new(file).map_err(not_parquet)?;
        let meta = builder.metadata().file_metadata();
        let rows = meta.num_rows().max(0) as u64;
        let bytes: i64 = builder.metadata().row_groups().iter().map(|g| g.total_byte_size()).sum();
        // Rows of about BATCH_BYTES of values per batch, from the file's average row size.
        let per_row = (bytes.max(1) as u64 / rows.max(1)).max(1) as usize;
        let batch_rows = (BATCH_BYTES / per_row).clamp(1, MAX_BATCH_ROWS);
        let schema = builder.schema().clone();
        let reader = builder.with_batch_size(batch_rows).build().map_err(not_parquet)?;
        Ok(ParquetFile { reader, schema, rows })
    }

    /// The file's schema, as Arrow reads it.
    pub(super) fn schema(&self) -> &SchemaRef {
        &self.schema
    }

    /// The column names, for messages.
    fn names(&self) -> Vec<String> {
        self.schema.fields().iter().map(|f| f.name().clone()).collect()
    }

    /// An error when `field` (named by `flag`) is not a column (nor, for a dotted path, a
    /// field of a struct column): every row would lack it, as a CSV header without it.
    fn check_column(&self, name: &str, field: &str, flag: &str) -> Result<(), CorpusError> {
        let found = has_path(self.schema.fields(), field);
        if found {
            return Ok(());
        }
        Err(CorpusError::NoSuchColumn {
            source_name: name.to_owned(),
            field: field.to_owned(),
            flag: flag.to_owned(),
            columns: self.names().join(", "),
        })
    }

    /// The next record batch; `Err` for damage inside the file.
    fn next_batch(&mut self) -> Option<Result<RecordBatch, String>> {
        self.reader.next().map(|b| b.map_err(|e| e.to_string()))
    }
}

/// Whether `field` is a column of `fields`, or a dotted path through struct columns to one of
/// their fields (the exact name first, as [`super::record::lookup`] looks fields up).
fn has_path(fields: &arrow_schema::Fields, field: &str) -> bool {
    if fields.iter().any(|f| f.name() == field) {
        return true;
    }
    let mut level = fields.clone();
    let mut parts = field.split('.').peekable();
    while let Some(part) = parts.next() {
        let Some(f) = level.iter().find(|f| f.name() == part).cloned() else { return false };
        if parts.peek().is_none() {
            return true;
        }
        match f.data_type() {
            DataType::Struct(inner) => level = inner.clone(),
            _ => return false,
        }
    }
    false
}

/// A Parquet file being read as records.
pub(super) struct ParquetSource {
    name: String,
    file: ParquetFile,
    /// Rows read so far.
    row: u64,
    /// The file's size, counted into `stored` in proportion to the rows read (progress).
    size: u64,
    counted: u64,
    stored: Arc<AtomicU64>,
    done: bool,
    /// Whether this file is a whole input (not a shard of a directory).
    whole: bool,
    /// The column names, until the first batch tells them to the field tally.
    names: Vec<String>,
}

impl ParquetSource {
    /// Opens the Parquet file `path`, checks that the columns the flags name are there, and
    /// hashes the file into `hash` (one sequential read).
    pub(super) fn open(
        path: &Path,
        config: &CorpusConfig,
        whole: bool,
        stored: &Arc<AtomicU64>,
        hash: Option<&Arc<Mutex<Hashing>>>,
    ) -> Result<ParquetSource, CorpusError> {
        let name = path.display().to_string();
        let file = ParquetFile::open(path)?;
        file.check_column(&name, &config.id_field, "--id-field")?;
        file.check_column(&name, &config.text_field, "--text-field")?;
        if let Some(k) = &config.key_field {
            file.check_column(&name, k, "--keep")?;
        }
        let err = |source| CorpusError::Open { path: path.to_path_buf(), source };
        let mut f = File::open(path).map_err(err)?;
        let mut buf = vec![0u8; 1 << 16];
        let mut size = 0u64;
        loop {
            let n = f.read(&mut buf).map_err(err)?;
            if n == 0 {
                break;
            }
            size += n as u64;
            if let Some(Ok(mut h)) = hash.map(|h| h.lock()) {
                h.update(&buf[..n]);
            }
        }
        let names = file.names();
        Ok(ParquetSource {
            name,
            file,
            row: 0,
            size,
            counted: 0,
            stored: stored.clone(),
            done: false,
            whole,
            names,
        })
    }

    /// Counts the file's bytes as stored in proportion to the rows read.
    fn count_progress(&mut self) {
        let target = if self.done || self.file.rows == 0 {
            self.size
        } else {
            (self.size as u128 * self.row.min(self.file.rows) as u128 / self.file.rows as u128) as u64
        };
        if target > self.counted {
            self.stored.fetch_add(target - self.counted, Ordering::Relaxed);
            self.counted = target;
        }
    }
}

/// The JSON text of every row of `batch` (see [`super::arrow_json`]), `None` for a row over
/// `max` bytes.
pub(super) fn row_texts(batch: &RecordBatch, max: usize) -> Vec<Option<Vec<u8>>> {
    use rayon::prelude::*;
    let keys = column_keys(batch);
    (0..batch.num_rows())
        .into_par_iter()
        .map(|r| {
            let mut out = Vec::new();
            write_row(&mut out, batch, &keys, r);
            (out.len() <= max).then_some(out)
        })
        .collect()
}

impl RecordStream for ParquetSource {
    fn next_records(
        &mut self,
        config: &CorpusConfig,
        bytes_read: &mut u64,
        hash: Option<&Arc<Mutex<Hashing>>>,
        fields: &mut FieldTally,
    ) -> Result<Option<Vec<Record>>, CorpusError> {
        use rayon::prelude::*;
        if self.done {
            return Ok(None);
        }
        if !self.names.is_empty() {
            fields.note_keys(&std::mem::take(&mut self.names));
        }
        let mut records = Vec::new();
        let mut size = 0usize;
        while size < BATCH_BYTES && records.len() < BATCH_LINES {
            let batch = match self.file.next_batch() {
                None => {
                    self.done = true;
                    if let (true, Some(Ok(mut h))) = (self.whole, hash.map(|h| h.lock())) {
                        h.complete = true;
                    }
                    break;
                }
                Some(Err(e)) => {
                    // Damage inside the file ends it; the rows before it are kept.
                    self.done = true;
                    if let Some(Ok(mut h)) = hash.map(|h| h.lock()) {
                        h.complete = false;
                    }
                    records.push(Record::Skip(Skipped {
                        source: self.name.clone(),
                        line: Some(self.row + 1),
                        id: None,
                        reason: format!("input ends in a read error, rest of file not read: {e}"),
                    }));
                    break;
                }
                Some(Ok(batch)) => batch,
            };
            let first = self.row + 1;
            self.row += batch.num_rows() as u64;
            let name = self.name.as_str();
            let source = Source::from(name);
            let parsed: Vec<(Record, Option<Fields>)> = row_texts(&batch, config.max_doc_bytes)
                .into_par_iter()
                .enumerate()
                .map(|(k, text)| {
                    let row = first + k as u64;
                    let skip = |reason: String| {
                        (
                            Record::Skip(Skipped {
                                source: name.to_owned(),
                                line: Some(row),
                                id: None,
                                reason,
                            }),
                            None,
                        )
                    };
                    let Some(text) = text else {
                        return skip(format!(
                            "row longer than --max-doc-bytes ({} bytes)",
                            config.max_doc_bytes
                        ));
                    };
                    // The text is a JSON object, never blank: parse_record gives a record.
                    match parse_record(&source, row, &text, config) {
                        Some((r, f)) => (r, Some(f)),
                        None => skip("empty row".to_owned()),
                    }
                })
                .collect();
            for (record, f) in parsed {
                if let Some(f) = &f {
                    fields.add(f);
                }
                if let Record::Doc(d) = &record {
                    size += d.text.len();
                }
                records.push(record);
            }
        }
        *bytes_read += size as u64;
        self.count_progress();
        if records.is_empty() {
            return Ok(None);
        }
        Ok(Some(records))
    }
}

/// A Parquet file read again (dedup's clean corpus): its schema, then its rows batch by batch
/// with the checksum of each row's JSON text, numbered as the reader numbers them.
pub struct ParquetRows(ParquetFile);

impl ParquetRows {
    /// Opens the Parquet file at `path`.
    pub fn open(path: &Path) -> Result<ParquetRows, CorpusError> {
        ParquetFile::open(path).map(ParquetRows)
    }

    /// The file's schema.
    pub fn schema(&self) -> SchemaRef {
        self.0.schema().clone()
    }

    /// Calls `f(first_row, batch, checksums)` for every record batch: the 1-based number of
    /// its first row, the batch, and the xxh3 of each row's JSON text as the reader computed
    /// it for [`super::RawDoc::record_xxh3`] (`None` for a row over `--max-doc-bytes`). Damage
    /// inside the file ends it (its rows were not analysed either).
    pub fn for_each_batch(
        &mut self,
        config: &CorpusConfig,
        mut f: impl FnMut(u64, &RecordBatch, &[Option<u64>]) -> io::Result<()>,
    ) -> io::Result<()> {
        let mut row = 0u64;
        while let Some(Ok(batch)) = self.0.next_batch() {
            let sums: Vec<Option<u64>> = row_texts(&batch, config.max_doc_bytes)
                .into_iter()
                .map(|t| t.map(|t| xxhash_rust::xxh3::xxh3_64(&t)))
                .collect();
            f(row + 1, &batch, &sums)?;
            row += batch.num_rows() as u64;
        }
        Ok(())
    }
}
