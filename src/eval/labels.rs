//! Reading the truth: labels (`{"id", "cluster"}`) and labelled pairs (`{"a", "b", "same",
//! "jaccard"?}`), JSON Lines plain or gzip.

use crate::corpus::{read_json_objects, CorpusError, JsonLine};
use serde_json::Value;
use std::collections::HashMap;
use std::path::Path;

/// Returns id → cluster label.
pub fn read_labels(path: &Path) -> Result<HashMap<String, String>, CorpusError> {
    let mut out = HashMap::new();
    for record in read_json_objects(path)? {
        let line = record.line;
        // Numbers keep their exact text, as documents' numeric ids do.
        let (Some(id), Some(cluster)) = (record.scalar("id"), record.scalar("cluster")) else {
            return Err(CorpusError::BadRecord {
                source_name: path.display().to_string(),
                line: Some(line),
                reason: "a label needs string or number fields `id` and `cluster`".into(),
            });
        };
        match out.get(&id) {
            Some(first) if *first != cluster => {
                return Err(CorpusError::BadRecord {
                    source_name: path.display().to_string(),
                    line: Some(line),
                    reason: format!(
                        "id `{id}` is labelled again with another cluster (`{cluster}`, first `{first}`): \
                         one label per id"
                    ),
                });
            }
            Some(_) => {}
            None => {
                out.insert(id, cluster);
            }
        }
    }
    Ok(out)
}

/// Reads labelled pairs: JSON Lines of `{"a": id, "b": id, "same": bool, "jaccard": x?}`.
pub fn read_pairs(path: &Path) -> Result<Vec<LabelledPair>, CorpusError> {
    read_json_objects(path)?
        .into_iter()
        .map(|JsonLine { line, object: obj, .. }| {
            let s = |k: &str| obj.get(k).and_then(Value::as_str).map(str::to_owned);
            match (s("a"), s("b"), obj.get("same").and_then(Value::as_bool)) {
                (Some(a), Some(b), Some(same)) => {
                    Ok(LabelledPair { a, b, same, jaccard: obj.get("jaccard").and_then(Value::as_f64) })
                }
                _ => Err(CorpusError::BadRecord {
                    source_name: path.display().to_string(),
                    line: Some(line),
                    reason: "a labelled pair needs string fields `a`, `b` and a boolean `same`".into(),
                }),
            }
        })
        .collect()
}

/// A labelled pair: two document ids and whether they belong together.
#[derive(Debug, Clone, PartialEq)]
pub struct LabelledPair {
    /// First id.
    pub a: String,
    /// Second id.
    pub b: String,
    /// Whether they are the same story.
    pub same: bool,
    /// The Jaccard similarity recorded with the pair, if any.
    pub jaccard: Option<f64>,
}
