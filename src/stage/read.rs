//! Reading the Parquet tables an engine hands to a stage: record batches, and typed cells that
//! name the file, the column and the row when they are not what the stage expects.

use super::StageError;
use arrow_array::cast::AsArray;
use arrow_array::types::Int64Type;
use arrow_array::{Array, RecordBatch};
use arrow_schema::DataType;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use std::path::{Path, PathBuf};

/// Rows per record batch read.
const BATCH: usize = 8_192;

/// The record batches of `file`, read a batch at a time.
pub fn batches(file: &Path) -> Result<impl Iterator<Item = Result<RecordBatch, StageError>>, StageError> {
    let f = std::fs::File::open(file).map_err(|e| StageError::at(file, e))?;
    let reader = ParquetRecordBatchReaderBuilder::try_new(f)
        .and_then(|b| b.with_batch_size(BATCH).build())
        .map_err(|e| StageError::at(file, format!("not a readable Parquet file ({e})")))?;
    let file: PathBuf = file.to_path_buf();
    Ok(reader.map(move |b| b.map_err(|e| StageError::at(&file, e))))
}

fn column<'a>(batch: &'a RecordBatch, name: &str, file: &Path) -> Result<&'a dyn Array, StageError> {
    batch
        .column_by_name(name)
        .map(|c| c.as_ref())
        .ok_or_else(|| StageError::at(file, format!("no column `{name}`")))
}

fn null(file: &Path, name: &str, row: usize) -> StageError {
    StageError::at(file, format!("row {}: column `{name}` is null", row + 1))
}

fn wrong(file: &Path, name: &str, found: &DataType, want: &str) -> StageError {
    StageError::at(file, format!("column `{name}` is {found}, not {want}"))
}

/// The integer in column `name` at `row` (64 or 32 bits).
pub fn int_at(batch: &RecordBatch, name: &str, row: usize, file: &Path) -> Result<i64, StageError> {
    let c = column(batch, name, file)?;
    if c.is_null(row) {
        return Err(null(file, name, row));
    }
    match c.data_type() {
        DataType::Int64 => Ok(c.as_primitive::<Int64Type>().value(row)),
        DataType::Int32 => Ok(c.as_primitive::<arrow_array::types::Int32Type>().value(row) as i64),
        t => Err(wrong(file, name, t, "a 64-bit integer")),
    }
}

/// The boolean in column `name` at `row`.
pub fn bool_at(batch: &RecordBatch, name: &str, row: usize, file: &Path) -> Result<bool, StageError> {
    let c = column(batch, name, file)?;
    if c.is_null(row) {
        return Err(null(file, name, row));
    }
    match c.data_type() {
        DataType::Boolean => Ok(c.as_boolean().value(row)),
        t => Err(wrong(file, name, t, "a boolean")),
    }
}

/// The string in column `name` at `row`.
pub fn str_at<'a>(
    batch: &'a RecordBatch,
    name: &str,
    row: usize,
    file: &Path,
) -> Result<&'a str, StageError> {
    let c = column(batch, name, file)?;
    if c.is_null(row) {
        return Err(null(file, name, row));
    }
    match c.data_type() {
        DataType::Utf8 => Ok(c.as_string::<i32>().value(row)),
        DataType::LargeUtf8 => Ok(c.as_string::<i64>().value(row)),
        DataType::Utf8View => Ok(c.as_string_view().value(row)),
        t => Err(wrong(file, name, t, "a string")),
    }
}

/// The list of structs `{x, y}` (64-bit integers) in column `name` at `row` (null: empty).
pub fn list_of_pairs(
    batch: &RecordBatch,
    name: &str,
    x: &str,
    y: &str,
    row: usize,
    file: &Path,
) -> Result<Vec<(i64, i64)>, StageError> {
    let c = column(batch, name, file)?;
    if c.is_null(row) {
        return Ok(Vec::new());
    }
    let want = "a list of structs of 64-bit integers";
    let items = match c.data_type() {
        DataType::List(_) => c.as_list::<i32>().value(row),
        DataType::LargeList(_) => c.as_list::<i64>().value(row),
        t => return Err(wrong(file, name, t, want)),
    };
    let Some(s) = items.as_struct_opt() else { return Err(wrong(file, name, c.data_type(), want)) };
    let field = |f: &str| -> Result<&arrow_array::Int64Array, StageError> {
        s.column_by_name(f)
            .and_then(|c| c.as_primitive_opt::<Int64Type>())
            .ok_or_else(|| wrong(file, name, c.data_type(), want))
    };
    let (xs, ys) = (field(x)?, field(y)?);
    Ok((0..s.len()).map(|i| (xs.value(i), ys.value(i))).collect())
}
