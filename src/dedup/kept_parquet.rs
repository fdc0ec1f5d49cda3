//! The clean corpus of Parquet inputs: `kept.parquet`, the kept rows under the schema of the
//! input (every column, values as read, Snappy-compressed), or with `--annotate`
//! `annotated.parquet`, every row analysed with three columns appended: `cluster` (int64,
//! null for a singleton), `duplicate_of` (string, null for a kept document) and
//! `is_representative` (boolean).
//!
//! Rows are matched to the documents analysed by row number and the checksum of their JSON
//! text, in order, as records of the other formats are; runs of consecutive rows to write are
//! written as slices of the batch read (no copy of the values). Several Parquet files go into
//! one output only when their schemas are the same.

use super::copy::{Expected, Note};
use super::{DedupError, DedupOutput, Plan, ANNOTATE_FIELDS};
use crate::corpus::ParquetRows;
use crate::pipeline::RunResult;
use crate::report::{AtomicFile, Staged};
use arrow_array::{ArrayRef, BooleanArray, Int64Array, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;
use std::collections::HashMap;
use std::io;
use std::path::PathBuf;
use std::sync::Arc;

/// Stages `kept.parquet` (or `annotated.parquet`) from the Parquet files `files` (input
/// index, path); `docs` lists the documents analysed from each file by (row, document), and
/// `note` what `--annotate` adds to a document.
pub(super) fn write_parquet<'r>(
    run: &'r RunResult,
    plan: &Plan,
    out: &DedupOutput<'_>,
    files: &[&(usize, PathBuf, crate::corpus::CopyFormat)],
    docs: &HashMap<(usize, &str), Vec<(u64, u32)>>,
    note: &dyn Fn(u32) -> Note<'r>,
) -> Result<Staged, DedupError> {
    let stem = if out.annotate { "annotated" } else { "kept" };
    let path = out.dir.join(format!("{stem}.parquet"));
    let write_err = |e: io::Error| DedupError::Write { path: path.clone(), source: e };
    let pq_err = |e: parquet::errors::ParquetError| write_err(io::Error::other(e.to_string()));
    let config = &run.config.corpus;
    let mut writer: Option<(ArrowWriter<AtomicFile>, SchemaRef, String)> = None;
    for (k, p, _) in files {
        let source_name = p.display().to_string();
        let none = Vec::new();
        let list = docs.get(&(*k, source_name.as_str())).unwrap_or(&none);
        let mut expected = Expected { list, next: 0 };
        let mut rows = ParquetRows::open(p)?;
        let schema = rows.schema();
        let (w, out_schema, first) = match &mut writer {
            Some(w) => w,
            None => {
                let out_schema = if out.annotate {
                    annotated(&schema, &source_name).map_err(write_err)?
                } else {
                    schema.clone()
                };
                let file = AtomicFile::create(&path).map_err(write_err)?;
                let props = WriterProperties::builder().set_compression(Compression::SNAPPY).build();
                let w = ArrowWriter::try_new(file, out_schema.clone(), Some(props)).map_err(pq_err)?;
                writer.insert((w, out_schema, source_name.clone()))
            }
        };
        let base = if out.annotate {
            out_schema.fields().len() - ANNOTATE_FIELDS.len()
        } else {
            out_schema.fields().len()
        };
        if schema.fields()[..] != out_schema.fields()[..base] {
            let e = format!("{source_name}: its schema differs from that of {first}, so their kept rows cannot go in one Parquet file; deduplicate them in separate runs, or with one as --against");
            return Err(write_err(io::Error::other(e)));
        }
        let mut failed: Option<parquet::errors::ParquetError> = None;
        rows.for_each_batch(config, |first_row, batch, sums| {
            // Rows to write, as (row in batch, document).
            let mut take: Vec<(usize, u32)> = Vec::new();
            for (r, sum) in sums.iter().enumerate() {
                if let Some(d) = expected.take_sum(run, first_row + r as u64, *sum) {
                    if out.annotate || !plan.is_removed[d as usize] {
                        take.push((r, d));
                    }
                }
            }
            let mut start = 0;
            while start < take.len() {
                let mut end = start + 1;
                while end < take.len() && take[end].0 == take[end - 1].0 + 1 {
                    end += 1;
                }
                let run_rows = &take[start..end];
                let slice = batch.slice(run_rows[0].0, run_rows.len());
                let slice =
                    if out.annotate { annotate(&slice, out_schema, run_rows, note) } else { Ok(slice) };
                if let Err(e) = slice.and_then(|s| w.write(&s)) {
                    failed = Some(e);
                    return Err(io::Error::other("write failed"));
                }
                start = end;
            }
            Ok(())
        })
        .map_err(|e| match failed.take() {
            Some(f) => pq_err(f),
            None => write_err(e),
        })?;
        expected.finish(&source_name)?;
    }
    let (w, _, _) = writer.ok_or_else(|| write_err(io::Error::other("no Parquet input")))?;
    w.into_inner().map_err(pq_err)?.stage().map_err(write_err)
}

/// The schema of `annotated.parquet`: the input's, then the three annotation columns.
fn annotated(schema: &SchemaRef, source_name: &str) -> io::Result<SchemaRef> {
    if let Some(f) = ANNOTATE_FIELDS.iter().find(|f| schema.fields().iter().any(|c| c.name() == *f)) {
        return Err(io::Error::other(format!(
            "{source_name}: the schema already has a column `{f}`, which --annotate adds"
        )));
    }
    let mut fields: Vec<Field> = schema.fields().iter().map(|f| f.as_ref().clone()).collect();
    fields.push(Field::new(ANNOTATE_FIELDS[0], DataType::Int64, true));
    fields.push(Field::new(ANNOTATE_FIELDS[1], DataType::Utf8, true));
    fields.push(Field::new(ANNOTATE_FIELDS[2], DataType::Boolean, false));
    Ok(Arc::new(Schema::new_with_metadata(fields, schema.metadata().clone())))
}

/// `slice` (the rows `rows` of a batch) with the annotation columns appended.
fn annotate<'r>(
    slice: &RecordBatch,
    schema: &SchemaRef,
    rows: &[(usize, u32)],
    note: &dyn Fn(u32) -> Note<'r>,
) -> Result<RecordBatch, parquet::errors::ParquetError> {
    let notes: Vec<Note> = rows.iter().map(|&(_, d)| note(d)).collect();
    let mut columns: Vec<ArrayRef> = slice.columns().to_vec();
    columns.push(Arc::new(Int64Array::from_iter(notes.iter().map(|n| n.cluster.map(|c| c as i64)))));
    columns.push(Arc::new(StringArray::from_iter(notes.iter().map(|n| n.duplicate_of))));
    columns.push(Arc::new(BooleanArray::from_iter(notes.iter().map(|n| Some(n.duplicate_of.is_none())))));
    Ok(RecordBatch::try_new(schema.clone(), columns)?)
}
