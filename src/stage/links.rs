//! Link files in, [`Decisions`] out: what `reprint cluster|dedup --links` runs on.

use super::read::{batches, int_at, str_at};
use super::{
    check_params, parquet_files, read_params, wire, LinkCounts, StageError, StageParams, COUNTS_KEY,
};
use crate::config::Config;
use crate::pipeline::Decisions;
use std::path::PathBuf;

/// The decisions of the link files of `paths` (files, or directories of `*.parquet` files),
/// made with `config`'s parameters (else an error naming the parameter and the file), with
/// their counts summed.
pub fn read_links(paths: &[PathBuf], config: &Config) -> Result<Decisions, StageError> {
    let expected = StageParams::of(config).map_err(StageError)?;
    let files = parquet_files(paths)?;
    if files.is_empty() {
        return Err(StageError(format!(
            "no link files (*.parquet) in {}",
            paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
        )));
    }
    let mut out = Decisions::default();
    for file in &files {
        check_params(&expected, &read_params(file)?, file)?;
        let counts: LinkCounts = super::files::key_value(file, COUNTS_KEY)?
            .and_then(|json| serde_json::from_str(&json).ok())
            .ok_or_else(|| {
                StageError::at(file, format!("no `{COUNTS_KEY}` metadata: not a complete link file"))
            })?;
        out.candidate_pairs += counts.candidate_pairs;
        out.verified_pairs += counts.verified_pairs;
        out.passage_candidates += counts.passage_candidates;
        out.aligned += counts.aligned;
        for batch in batches(file)? {
            let batch = batch?;
            for i in 0..batch.num_rows() {
                let number = |col: &str| -> Result<u32, StageError> {
                    let n = int_at(&batch, col, i, file)?;
                    u32::try_from(n).map_err(|_| {
                        StageError::at(file, format!("row {}: `{col}` {n} is no document number", i + 1))
                    })
                };
                let (a, b) = (number("a")?, number("b")?);
                let d = wire::from_json(a, b, str_at(&batch, "decided", i, file)?).map_err(|e| {
                    StageError::at(file, format!("row {}: unreadable `decided` ({e})", i + 1))
                })?;
                out.decided.push(d);
                out.ids
                    .push((str_at(&batch, "id_a", i, file)?.into(), str_at(&batch, "id_b", i, file)?.into()));
            }
        }
    }
    Ok(out)
}
