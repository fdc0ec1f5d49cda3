//! Text files as documents (one file, one document: size cap, compression told by content,
//! binary and UTF-8 checks, byte-order mark), and the small readers that take a whole corpus at
//! once (`read_all`) or the two documents of `reprint compare` (`read_two`).

use super::lines::{decompress_capped, without_bom, Codec};
use super::reader::CorpusReader;
use super::{CorpusConfig, CorpusError, Input, Origin, RawDoc, Record, Skipped};
use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

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

/// The two documents of `reprint compare`: ids `a` and `b` in `corpus` (its inputs and their
/// names) when given, else the text files `a` and `b`.
pub fn read_two(
    a: &str,
    b: &str,
    corpus: Option<(Vec<Input>, Vec<String>)>,
    config: &CorpusConfig,
) -> Result<[RawDoc; 2], CorpusError> {
    let Some((inputs, names)) = corpus else {
        let load = |arg: &str| -> Result<RawDoc, CorpusError> {
            let input = Input::TextFile(arg.into());
            if Path::new(arg).is_dir() {
                return Err(CorpusError::IsDirectory(arg.to_owned()));
            }
            if !Path::new(arg).is_file() {
                return Err(CorpusError::NoSuchFile(arg.to_owned()));
            }
            let (mut docs, skipped) = read_all(vec![input], config)?;
            if let Some(s) = skipped.first() {
                return Err(CorpusError::Unusable {
                    source_name: s.source.clone(),
                    reason: s.reason.clone(),
                });
            }
            docs.pop().ok_or_else(|| CorpusError::NothingRead(arg.to_owned()))
        };
        return Ok([load(a)?, load(b)?]);
    };
    let (docs, _) = read_all(inputs, config)?;
    let find = |id: &str| -> Result<RawDoc, CorpusError> {
        docs.iter()
            .find(|d| d.id == id)
            .cloned()
            .ok_or_else(|| CorpusError::NoSuchId { id: id.to_owned(), inputs: names.join(", ") })
    };
    Ok([find(a)?, find(b)?])
}

/// The first `max + 1` bytes of a file at most: enough to tell it is over the limit without
/// reading a device or a sparse file to its end.
pub(super) fn read_capped(path: &Path, max: usize) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    File::open(path)?.take((max as u64).saturating_add(1)).read_to_end(&mut bytes)?;
    Ok(bytes)
}

pub(super) fn text_record(
    path: &Path,
    id: String,
    bytes: io::Result<Vec<u8>>,
    config: &CorpusConfig,
) -> Record {
    let source = path.display().to_string();
    let skip = |reason: String, line: Option<u64>| {
        Record::Skip(Skipped { source: source.clone(), line, id: Some(id.clone()), reason })
    };
    let bytes = match bytes {
        Ok(b) => b,
        Err(e) => return skip(format!("cannot read file: {e}"), None),
    };
    if bytes.len() > config.max_doc_bytes {
        return skip(format!("larger than --max-doc-bytes ({} bytes)", config.max_doc_bytes), None);
    }
    // The checksum is of the file as stored: dedup's --copy-to copies it as stored.
    let record_xxh3 = xxhash_rust::xxh3::xxh3_64(&bytes);
    let codec = Codec::sniff(&bytes[..bytes.len().min(Codec::MAGIC_LEN)]);
    let bytes = match codec {
        Codec::Plain => bytes,
        _ => match decompress_capped(codec, bytes, config.max_doc_bytes) {
            Ok(Some(b)) => b,
            Ok(None) => {
                let reason =
                    format!("larger than --max-doc-bytes ({} bytes) once decompressed", config.max_doc_bytes);
                return skip(reason, None);
            }
            Err(e) => return skip(format!("cannot decompress ({codec:?}): {e}"), None),
        },
    };
    if bytes[..bytes.len().min(8192)].contains(&0) {
        return skip("binary file (contains NUL bytes)".to_owned(), None);
    }
    let bytes = strip_bom(bytes);
    match super::utf8_string(bytes) {
        Ok(text) => Record::Doc(RawDoc {
            id,
            text,
            origin: Origin { source: source.into(), line: None, input: 0 },
            key: None,
            meta: super::Meta::default(),
            record_xxh3,
        }),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let line = e.as_bytes()[..at].iter().filter(|&&b| b == b'\n').count() as u64 + 1;
            skip(format!("not valid UTF-8 (at byte {at})"), Some(line))
        }
    }
}

fn strip_bom(mut bytes: Vec<u8>) -> Vec<u8> {
    let bom = bytes.len() - without_bom(&bytes).len();
    bytes.drain(..bom);
    bytes
}
