//! Arrow values as JSON: how a row of a Parquet file becomes the JSON object the record code
//! reads (id, text, `--keep` field, metadata), so a Parquet row and a JSON line with the same
//! values give the same document.
//!
//! The mapping, per Arrow type:
//!
//! - strings (`Utf8`, `LargeUtf8`, `Utf8View`, and dictionary-encoded strings, as pandas writes
//!   categoricals) are JSON strings; binary values are strings when they are UTF-8, else null;
//! - integers and decimals are JSON numbers with their exact digits (`18446744073709551615`,
//!   `-12.50`); floats are numbers in their shortest round-trip form (`0.1`, `1e300`), NaN and
//!   infinities null;
//! - booleans are booleans;
//! - dates are ISO 8601 strings (`2015-07-21`), timestamps too (`2015-07-21T10:30:00`, with
//!   fractional seconds when there are any, and `Z` when the column has a time zone: Arrow
//!   stores such timestamps in UTC), times of day `10:30:00`;
//! - structs are objects (so dotted paths such as `meta.url` reach their fields), lists arrays;
//! - null, and types with no JSON counterpart (durations, intervals, maps, unions), are null:
//!   a missing value.
//!
//! Invariant: the text depends only on the row's values and the schema (never on flags), so
//! rendering a row again gives the same bytes and the same checksum (dedup's second read).

use arrow_array::cast::AsArray;
use arrow_array::types::*;
use arrow_array::{Array, RecordBatch};
use arrow_schema::{DataType, TimeUnit};
use std::io::Write;

/// The JSON keys of a batch's columns, each with its quotes and the colon (`"title":`).
pub(super) fn column_keys(batch: &RecordBatch) -> Vec<Vec<u8>> {
    batch
        .schema()
        .fields()
        .iter()
        .map(|f| {
            let mut k = serde_json::to_vec(f.name()).unwrap_or_else(|_| b"\"\"".to_vec());
            k.push(b':');
            k
        })
        .collect()
}

/// Appends row `row` of `batch` as a JSON object to `out`: every column, in schema order,
/// under its name (`keys` from [`column_keys`]).
pub(super) fn write_row(out: &mut Vec<u8>, batch: &RecordBatch, keys: &[Vec<u8>], row: usize) {
    out.push(b'{');
    for (k, (key, column)) in keys.iter().zip(batch.columns()).enumerate() {
        if k > 0 {
            out.push(b',');
        }
        out.extend_from_slice(key);
        write_value(out, column.as_ref(), row);
    }
    out.push(b'}');
}

/// Appends the value at `i` of `array` as JSON (see the module docs for the mapping).
pub(super) fn write_value(out: &mut Vec<u8>, array: &dyn Array, i: usize) {
    if array.is_null(i) {
        out.extend_from_slice(b"null");
        return;
    }
    // Writing into a Vec<u8> cannot fail.
    macro_rules! num {
        ($t:ty) => {{
            let _ = write!(out, "{}", array.as_primitive::<$t>().value(i));
        }};
    }
    macro_rules! time {
        ($t:ty, $f:literal) => {
            iso(out, array.as_primitive::<$t>().value_as_datetime(i).map(|d| d.format($f)))
        };
    }
    macro_rules! clock {
        ($t:ty) => {
            iso(out, array.as_primitive::<$t>().value_as_time(i).map(|t| t.format("%H:%M:%S%.f")))
        };
    }
    match array.data_type() {
        DataType::Boolean => {
            out.extend_from_slice(if array.as_boolean().value(i) { b"true" } else { b"false" })
        }
        DataType::Int8 => num!(Int8Type),
        DataType::Int16 => num!(Int16Type),
        DataType::Int32 => num!(Int32Type),
        DataType::Int64 => num!(Int64Type),
        DataType::UInt8 => num!(UInt8Type),
        DataType::UInt16 => num!(UInt16Type),
        DataType::UInt32 => num!(UInt32Type),
        DataType::UInt64 => num!(UInt64Type),
        DataType::Float16 => float(out, array.as_primitive::<Float16Type>().value(i).to_f32() as f64, true),
        DataType::Float32 => float(out, array.as_primitive::<Float32Type>().value(i) as f64, true),
        DataType::Float64 => float(out, array.as_primitive::<Float64Type>().value(i), false),
        DataType::Decimal128(..) => {
            out.extend_from_slice(array.as_primitive::<Decimal128Type>().value_as_string(i).as_bytes())
        }
        DataType::Decimal256(..) => {
            out.extend_from_slice(array.as_primitive::<Decimal256Type>().value_as_string(i).as_bytes())
        }
        DataType::Utf8 => string(out, array.as_string::<i32>().value(i)),
        DataType::LargeUtf8 => string(out, array.as_string::<i64>().value(i)),
        DataType::Utf8View => string(out, array.as_string_view().value(i)),
        DataType::Binary => bytes(out, array.as_binary::<i32>().value(i)),
        DataType::LargeBinary => bytes(out, array.as_binary::<i64>().value(i)),
        DataType::BinaryView => bytes(out, array.as_binary_view().value(i)),
        DataType::FixedSizeBinary(_) => bytes(out, array.as_fixed_size_binary().value(i)),
        DataType::Date32 => time!(Date32Type, "%Y-%m-%d"),
        DataType::Date64 => time!(Date64Type, "%Y-%m-%d"),
        DataType::Timestamp(unit, tz) => {
            let f = if tz.is_some() { "%Y-%m-%dT%H:%M:%S%.fZ" } else { "%Y-%m-%dT%H:%M:%S%.f" };
            let t = match unit {
                TimeUnit::Second => array.as_primitive::<TimestampSecondType>().value_as_datetime(i),
                TimeUnit::Millisecond => {
                    array.as_primitive::<TimestampMillisecondType>().value_as_datetime(i)
                }
                TimeUnit::Microsecond => {
                    array.as_primitive::<TimestampMicrosecondType>().value_as_datetime(i)
                }
                TimeUnit::Nanosecond => array.as_primitive::<TimestampNanosecondType>().value_as_datetime(i),
            };
            iso(out, t.map(|d| d.format(f)))
        }
        DataType::Time32(TimeUnit::Second) => clock!(Time32SecondType),
        DataType::Time32(_) => clock!(Time32MillisecondType),
        DataType::Time64(TimeUnit::Microsecond) => clock!(Time64MicrosecondType),
        DataType::Time64(_) => clock!(Time64NanosecondType),
        DataType::Struct(fields) => {
            let s = array.as_struct();
            out.push(b'{');
            for (k, (f, column)) in fields.iter().zip(s.columns()).enumerate() {
                if k > 0 {
                    out.push(b',');
                }
                string(out, f.name());
                out.push(b':');
                write_value(out, column.as_ref(), i);
            }
            out.push(b'}');
        }
        DataType::List(_) => list(out, &array.as_list::<i32>().value(i)),
        DataType::LargeList(_) => list(out, &array.as_list::<i64>().value(i)),
        DataType::FixedSizeList(..) => list(out, &array.as_fixed_size_list().value(i)),
        DataType::Dictionary(key, _) => {
            macro_rules! dict {
                ($k:ty) => {{
                    let d = array.as_dictionary::<$k>();
                    match d.key(i) {
                        Some(k) => write_value(out, d.values().as_ref(), k),
                        None => out.extend_from_slice(b"null"),
                    }
                }};
            }
            match key.as_ref() {
                DataType::Int8 => dict!(Int8Type),
                DataType::Int16 => dict!(Int16Type),
                DataType::Int32 => dict!(Int32Type),
                DataType::Int64 => dict!(Int64Type),
                DataType::UInt8 => dict!(UInt8Type),
                DataType::UInt16 => dict!(UInt16Type),
                DataType::UInt32 => dict!(UInt32Type),
                DataType::UInt64 => dict!(UInt64Type),
                _ => out.extend_from_slice(b"null"),
            }
        }
        _ => out.extend_from_slice(b"null"),
    }
}

/// A JSON string.
fn string(out: &mut Vec<u8>, s: &str) {
    // Serializing a str into a Vec cannot fail.
    let _ = serde_json::to_writer(&mut *out, s);
}

/// Binary: a string when UTF-8 (Parquet writers often store text without the UTF-8
/// annotation), else null. Checked with the vectorized check texts are read with.
fn bytes(out: &mut Vec<u8>, b: &[u8]) {
    match simdutf8::basic::from_utf8(b) {
        Ok(s) => string(out, s),
        Err(_) => out.extend_from_slice(b"null"),
    }
}

/// A float in its shortest round-trip form (`f32` values as `f32`, so `0.1f32` is `0.1`);
/// NaN and infinities are null.
fn float(out: &mut Vec<u8>, v: f64, single: bool) {
    if !v.is_finite() {
        out.extend_from_slice(b"null");
    } else if single {
        let _ = write!(out, "{:?}", v as f32);
    } else {
        let _ = write!(out, "{v:?}");
    }
}

/// A formatted date or time as a JSON string; null when out of range.
fn iso(out: &mut Vec<u8>, formatted: Option<impl std::fmt::Display>) {
    match formatted {
        Some(f) => {
            let _ = write!(out, "\"{f}\"");
        }
        None => out.extend_from_slice(b"null"),
    }
}

/// A JSON array of the values of `array`.
fn list(out: &mut Vec<u8>, array: &dyn Array) {
    out.push(b'[');
    for i in 0..array.len() {
        if i > 0 {
            out.push(b',');
        }
        write_value(out, array, i);
    }
    out.push(b']');
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::builder::{ListBuilder, StringBuilder};
    use arrow_array::*;
    use arrow_schema::{Field, Fields, Schema};
    use std::sync::Arc;

    fn rows(batch: &RecordBatch) -> Vec<String> {
        let keys = column_keys(batch);
        (0..batch.num_rows())
            .map(|r| {
                let mut out = Vec::new();
                write_row(&mut out, batch, &keys, r);
                String::from_utf8(out).unwrap()
            })
            .collect()
    }

    #[test]
    fn parquet_values_map_to_json_as_documented() {
        let mut tags = ListBuilder::new(StringBuilder::new());
        tags.values().append_value("a");
        tags.values().append_value("b");
        tags.append(true);
        tags.append(false);
        let url: ArrayRef = Arc::new(StringArray::from(vec![Some("https://x/1"), None]));
        let inner = StructArray::from(vec![(Arc::new(Field::new("url", DataType::Utf8, true)), url)]);
        let columns: Vec<(&str, ArrayRef)> = vec![
            ("s", Arc::new(StringArray::from(vec![Some("say \"hi\"\n"), None]))),
            ("i", Arc::new(Int64Array::from(vec![Some(-7), Some(i64::MAX)]))),
            ("u", Arc::new(UInt64Array::from(vec![u64::MAX, 0]))),
            ("f", Arc::new(Float64Array::from(vec![0.1, f64::NAN]))),
            ("g", Arc::new(Float32Array::from(vec![0.1f32, 1e30]))),
            ("b", Arc::new(BooleanArray::from(vec![Some(true), Some(false)]))),
            ("d", Arc::new(Date32Array::from(vec![16637, 0]))),
            ("t", Arc::new(TimestampMillisecondArray::from(vec![1_437_474_600_000, 1_437_474_600_250]))),
            ("tz", Arc::new(TimestampSecondArray::from(vec![1_437_474_600, 0]).with_timezone("+03:00"))),
            ("tod", Arc::new(Time32SecondArray::from(vec![37800, 0]))),
            ("dec", Arc::new(Decimal128Array::from(vec![-1250, 5]).with_precision_and_scale(10, 2).unwrap())),
            ("bin", Arc::new(BinaryArray::from(vec![&b"ok"[..], &[0xff, 0xfe][..]]))),
            (
                "cat",
                Arc::new(
                    vec![Some("aawsat"), Some("aawsat")].into_iter().collect::<DictionaryArray<Int32Type>>(),
                ),
            ),
            ("meta", Arc::new(inner)),
            ("tags", Arc::new(tags.finish())),
            ("n", Arc::new(NullArray::new(2))),
        ];
        let schema = Schema::new(
            columns.iter().map(|(n, a)| Field::new(*n, a.data_type().clone(), true)).collect::<Fields>(),
        );
        let batch =
            RecordBatch::try_new(Arc::new(schema), columns.into_iter().map(|(_, a)| a).collect()).unwrap();
        let got = rows(&batch);
        assert_eq!(
            got[0],
            concat!(
                r#"{"s":"say \"hi\"\n","i":-7,"u":18446744073709551615,"f":0.1,"g":0.1,"b":true,"#,
                r#""d":"2015-07-21","t":"2015-07-21T10:30:00","tz":"2015-07-21T10:30:00Z","tod":"10:30:00","#,
                r#""dec":-12.50,"bin":"ok","cat":"aawsat","meta":{"url":"https://x/1"},"tags":["a","b"],"n":null}"#
            )
        );
        assert_eq!(
            got[1],
            concat!(
                r#"{"s":null,"i":9223372036854775807,"u":0,"f":null,"g":1e30,"b":false,"#,
                r#""d":"1970-01-01","t":"2015-07-21T10:30:00.250","tz":"1970-01-01T00:00:00Z","tod":"00:00:00","#,
                r#""dec":0.05,"bin":null,"cat":"aawsat","meta":{"url":null},"tags":null,"n":null}"#
            )
        );
        // Every row is valid JSON.
        for row in &got {
            serde_json::from_str::<serde_json::Value>(row).unwrap();
        }
    }
}
