//! The pipeline's stages as commands over Parquet files, for an engine that runs a command per
//! partition and joins tables between them (Apache Spark: `spark/reprint_spark.py`).
//!
//! ```text
//! inputs ──stage sketch (per part)──▶ sketches/*.parquet   part, row, id, text, text_hash,
//!                                                          empty, shingles, chars, bands, fps
//!        ──the engine's joins────────▶ pairs (a, b, lsh, fps), docs (doc, id, text, dfs)
//!        ──stage link (per group)────▶ links/*.parquet     a, b, id_a, id_b, relation,
//!                                                          jaccard, decided (JSON)
//!        ──cluster|dedup --links─────▶ the outputs of the single-machine run
//! ```
//!
//! Documents are numbered as `reprint cluster` numbers them: in reading order, over the parts
//! that [`parts`] lists (`row` within its part; the engine adds the counts of earlier parts).
//! Every file a stage writes carries the parameters it was made with ([`StageParams`], the
//! key `reprint.params` of the Parquet key-value metadata); a stage given files made with other
//! parameters stops with an error naming the parameter. Only MinHash LSH is staged.
//!
//! [`sketch`] writes a part's sketches, [`link`] decides a group of pairs with exactly the
//! library code of the in-memory run ([`crate::pipeline::decide`]), and [`read_links`] turns
//! link files into the [`crate::pipeline::Decisions`] that `--links` hands to
//! [`crate::pipeline::run_decided`].

mod files;
mod link;
mod links;
mod read;
mod sketch;
mod wire;

pub use files::{parquet_files, parts, read_params};
pub use link::{link, LinkCounts};
pub use links::read_links;
pub use sketch::sketch;

use crate::index::IndexParams;
use std::path::Path;

/// The parameters a stage file is made with: those of an index (what decides a sketch, its
/// fingerprints and how a pair is related), named as their flags.
pub type StageParams = IndexParams;

/// The Parquet key-value metadata key holding a stage file's [`StageParams`] (JSON).
pub const PARAMS_KEY: &str = "reprint.params";
/// The key holding a link file's [`LinkCounts`] (JSON).
pub const COUNTS_KEY: &str = "reprint.counts";

/// An error of a stage: what went wrong, naming the file (and column or row) where it did.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct StageError(pub String);

impl StageError {
    fn at(path: &Path, what: impl std::fmt::Display) -> Self {
        StageError(format!("{}: {what}", path.display()))
    }
}

/// Every parameter whose value differs between `a` (made by `a_name`) and `b`, as
/// `--flag A (NAME_A) vs B (NAME_B)`; empty when they agree.
pub fn param_differences(a: &StageParams, a_name: &str, b: &StageParams, b_name: &str) -> Vec<String> {
    let (Ok(serde_json::Value::Object(x)), Ok(serde_json::Value::Object(y))) =
        (serde_json::to_value(a), serde_json::to_value(b))
    else {
        return vec!["parameters that cannot be compared".into()];
    };
    x.iter()
        .filter(|(k, v)| y.get(*k) != Some(v))
        .map(|(k, v)| {
            let other = y.get(k).map_or("nothing".to_owned(), |w| w.to_string());
            let flag = if k == "passages" {
                "passage detection".to_owned()
            } else {
                format!("--{}", k.replace('_', "-"))
            };
            format!("{flag} {v} ({a_name}) vs {other} ({b_name})")
        })
        .collect()
}

/// `Err` naming every parameter of `found` (read from `file`) that differs from `expected`
/// (the run's flags).
pub fn check_params(expected: &StageParams, found: &StageParams, file: &Path) -> Result<(), StageError> {
    let d = param_differences(expected, "this run's flags", found, &file.display().to_string());
    if d.is_empty() {
        Ok(())
    } else {
        Err(StageError(format!("{} was made with other parameters: {}", file.display(), d.join("; "))))
    }
}
