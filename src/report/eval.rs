//! `eval.json`: the record of one `reprint eval`, either a sweep (parameters, inputs with
//! checksums, one row of figures per setting, the candidate rate by Jaccard) or the rescoring
//! of an earlier `clusters.json` (agreement and labelled pairs).

use super::json::{ParamsReport, Tool};
use super::{xxh3_hex, SCHEMA_VERSION};
use crate::config::Config;
use crate::corpus::{self, CorpusError, Input};
use crate::eval::{SweepAxis, SweepResult};
use std::path::{Path, PathBuf};

/// The `eval.json` of a sweep over `inputs` (names as given), scored against the `labels` and
/// `pairs` files.
pub fn sweep_json(
    config: &Config,
    axes: &[SweepAxis],
    inputs: &[Input],
    names: &[String],
    labels: Option<&Path>,
    pairs: Option<&Path>,
    result: &SweepResult,
) -> Result<Vec<u8>, CorpusError> {
    let infos = inputs
        .iter()
        .zip(names)
        .map(|(i, n)| {
            let sum = corpus::checksum(i, &config.corpus)?;
            Ok(serde_json::json!({"name": n, "bytes": sum.map(|s| s.0), "xxh3": sum.map(|s| xxh3_hex(s.1))}))
        })
        .collect::<Result<Vec<_>, CorpusError>>()?;
    let file_sum = |p: Option<&Path>| -> Result<serde_json::Value, CorpusError> {
        Ok(match p {
            None => serde_json::Value::Null,
            Some(p) => {
                let sum = corpus::checksum(&Input::TextFile(p.to_path_buf()), &config.corpus)?;
                serde_json::json!({"name": p.display().to_string(), "xxh3": sum.map(|s| xxh3_hex(s.1))})
            }
        })
    };
    let doc = serde_json::json!({
        "schema_version": SCHEMA_VERSION,
        "tool": Tool::current(),
        "command": "eval",
        "params": ParamsReport::new(config),
        "sweep": axes.iter().map(|a| serde_json::json!({"name": a.name, "values": a.values})).collect::<Vec<_>>(),
        "inputs": infos,
        "labels": file_sum(labels)?,
        "pairs": file_sum(pairs)?,
        "rows": result.rows,
        "candidate_rate_by_jaccard": result.candidate_rate.as_ref().map(|c| serde_json::json!({
            "bands": c.banding.bands, "rows": c.banding.rows,
            "bins": c.bins.iter().map(|&(lo, hi, n, k)| serde_json::json!({
                "lo": lo, "hi": hi, "pairs": n, "proposed": k,
                "s_curve": c.banding.probability((lo + hi) / 2.0)})).collect::<Vec<_>>()
        })),
    });
    Ok(super::pretty_json(&doc))
}

/// The `eval.json` of `reprint eval --clusters FILE`: the figures of an earlier run's clusters.
pub fn rescore_json(clusters: &Path, labels: Option<&PathBuf>, r: &crate::eval::Rescored) -> Vec<u8> {
    let doc = serde_json::json!({
        "schema_version": SCHEMA_VERSION,
        "tool": Tool::current(),
        "command": "eval",
        "clusters": clusters.display().to_string(),
        "labels": labels.map(|p| p.display().to_string()),
        "agreement": r.agreement,
        "pairs": r.pairs,
    });
    super::pretty_json(&doc)
}
