//! `reprint stage sketch`: one part of the inputs in, its documents' sketches out as Parquet.

use super::{StageError, StageParams, PARAMS_KEY};
use crate::config::{Candidates, Config};
use crate::corpus::{Input, SkipLog};
use crate::pipeline::{read_and_sketch, Doc, Progress};
use arrow_array::builder::{Int64Builder, ListBuilder};
use arrow_array::{ArrayRef, BooleanArray, Int32Array, Int64Array, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema};
use parquet::arrow::ArrowWriter;
use parquet::file::metadata::KeyValue;
use parquet::file::properties::WriterProperties;
use std::path::Path;
use std::sync::Arc;

/// Documents written per record batch.
const BATCH: usize = 8_192;

/// The schema of a sketch file (see [`super`]).
fn schema() -> Arc<Schema> {
    let list = DataType::List(Arc::new(Field::new("item", DataType::Int64, true)));
    Arc::new(Schema::new(vec![
        Field::new("part", DataType::Int32, false),
        Field::new("row", DataType::Int64, false),
        Field::new("id", DataType::Utf8, false),
        Field::new("text", DataType::Utf8, false),
        Field::new("text_hash", DataType::Utf8, false),
        Field::new("empty", DataType::Boolean, false),
        Field::new("shingles", DataType::Int64, false),
        Field::new("chars", DataType::Int64, false),
        Field::new("bands", list.clone(), false),
        Field::new("fps", list, false),
    ]))
}

/// Reads `input` (one part, see [`super::parts`]) and writes its documents' sketches to `out`
/// (atomically: a killed run leaves no file that looks complete): a row per document in
/// reading order, `part` as given. Returns the number of documents and the records skipped.
pub fn sketch(
    input: Input,
    part: i32,
    config: &Config,
    out: &Path,
    progress: &dyn Progress,
) -> Result<(usize, SkipLog), StageError> {
    let params = StageParams::of(config).map_err(StageError)?;
    let Candidates::MinHashLsh { banding, .. } = config.candidates else {
        unreachable!("checked by StageParams::of")
    };
    let (docs, summary) =
        read_and_sketch(vec![input], config, progress).map_err(|e| StageError(e.to_string()))?;
    let props = WriterProperties::builder()
        .set_key_value_metadata(Some(vec![KeyValue::new(
            PARAMS_KEY.to_owned(),
            serde_json::to_string(&params).expect("parameters serialize"),
        )]))
        .build();
    super::wire::write_atomically(out, |file| {
        let mut w = ArrowWriter::try_new(file, schema(), Some(props))?;
        let mut bytes = Vec::new();
        for (c, chunk) in docs.chunks(BATCH).enumerate() {
            let row0 = (c * BATCH) as i64;
            let mut bands = ListBuilder::new(Int64Builder::new());
            let mut fps = ListBuilder::new(Int64Builder::new());
            for d in chunk {
                if !d.is_empty() {
                    let slots = d.sketch.slots();
                    for band in 0..banding.bands {
                        bands.values().append_value(banding.key(band, slots, config.seed, &mut bytes) as i64);
                    }
                }
                bands.append(true);
                fps.values().append_slice(&d.winnowed.iter().map(|&h| h as i64).collect::<Vec<_>>());
                fps.append(true);
            }
            let col = |f: &dyn Fn(&Doc) -> i64| -> ArrayRef {
                Arc::new(Int64Array::from(chunk.iter().map(f).collect::<Vec<_>>()))
            };
            let columns: Vec<ArrayRef> = vec![
                Arc::new(Int32Array::from(vec![part; chunk.len()])),
                Arc::new(Int64Array::from((0..chunk.len() as i64).map(|i| row0 + i).collect::<Vec<_>>())),
                Arc::new(StringArray::from_iter_values(chunk.iter().map(|d| d.id.as_str()))),
                Arc::new(StringArray::from_iter_values(chunk.iter().map(|d| d.text.as_str()))),
                Arc::new(StringArray::from_iter_values(
                    chunk.iter().map(|d| format!("{:032x}", xxhash_rust::xxh3::xxh3_128(d.text.as_bytes()))),
                )),
                Arc::new(BooleanArray::from(chunk.iter().map(|d| d.is_empty()).collect::<Vec<_>>())),
                col(&|d| d.shingle_count as i64),
                col(&|d| d.chars as i64),
                Arc::new(bands.finish()),
                Arc::new(fps.finish()),
            ];
            w.write(&RecordBatch::try_new(schema(), columns)?)?;
        }
        w.close()?;
        Ok(())
    })?;
    Ok((docs.len(), summary.skipped))
}
