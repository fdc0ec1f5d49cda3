//! Preparing a run in the binary: the worker pool, the output directory (locked, never one of
//! the inputs) and the `--keep` field check.

use crate::cli::RunOptions;
use crate::console::warn;
use anyhow::{bail, Context, Result};
use reprint::corpus::{self, Input};
use reprint::pipeline;
use reprint::report::OutputDir;
use std::path::{Path, PathBuf};

/// Starts the worker pool with `--threads`, else `RAYON_NUM_THREADS`, refusing absurd counts.
pub fn set_threads(run: &RunOptions) -> Result<()> {
    let env = std::env::var("RAYON_NUM_THREADS").ok();
    let Some(n) = reprint::config::worker_threads(run.threads, env.as_deref())? else {
        return Ok(());
    };
    let from =
        if run.threads.is_some() { format!("--threads {n}") } else { format!("RAYON_NUM_THREADS={n}") };
    rayon::ThreadPoolBuilder::new()
        .num_threads(n)
        .build_global()
        .with_context(|| format!("{from}: cannot start the worker threads"))
}

/// `--keep earliest:FIELD` / `latest:FIELD` when no document has the field is an error (every
/// representative would silently be the first in input order); when some lack it, a warning
/// that says how many and what was done with them.
pub fn check_keep_field(run: &pipeline::RunResult) -> Result<()> {
    let Some(gap) = run.keep_gap() else { return Ok(()) };
    let pipeline::KeepGap { policy, field, without, documents } = &gap;
    if without == documents && *without > 0 {
        bail!("--keep {policy}:{field}: no document has a field `{field}` (a string or a number); every representative would be the first in input order");
    }
    if *without > 0 {
        warn(&format!("reprint: warning: {}\n", keep_gap_line(&gap)));
    }
    Ok(())
}

/// What the warning and the dedup summary say about documents without the `--keep` field.
pub fn keep_gap_line(gap: &pipeline::KeepGap) -> String {
    let pipeline::KeepGap { policy, field, without, documents } = gap;
    format!(
        "--keep {policy}:{field}: {without} of {documents} documents have no field `{field}` (a string or a number); they rank after every document that has it, in input order, so a cluster keeps one of them only when no member has the field"
    )
}

/// Opens `--out` for a run reading `inputs` (refusing an output that is an input), and keeps
/// the run's own outputs out of directory inputs.
pub fn open_out(
    dir: &Path,
    writes: &[&str],
    inputs: &[Input],
    names: &[String],
    corpus: &mut corpus::CorpusConfig,
) -> Result<OutputDir> {
    let paths: Vec<(PathBuf, String)> = inputs
        .iter()
        .zip(names)
        .filter_map(|(i, n)| i.path().map(|p| (p.to_path_buf(), n.clone())))
        .collect();
    let out = OutputDir::open(dir, writes, &paths)?;
    if let Ok(canonical) = dir.canonicalize() {
        corpus.exclude = writes.iter().map(|w| canonical.join(w)).collect();
    }
    Ok(out)
}
