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
/// representative would silently be the first in input order); when some lack it, a warning.
pub fn check_keep_field(run: &pipeline::RunResult) -> Result<()> {
    let (Some(field), true) = (&run.config.corpus.key_field, run.config.keep.needs_key()) else {
        return Ok(());
    };
    let without = run.docs.iter().filter(|d| d.key.is_none()).count();
    let policy = run.config.keep.name();
    if without == run.docs.len() && without > 0 {
        bail!("--keep {policy}:{field}: no document has a field `{field}` (a string or a number); every representative would be the first in input order");
    }
    if without > 0 {
        warn(&format!(
            "reprint: warning: --keep {policy}:{field}: {without} of {} documents have no field `{field}`; they come last\n",
            run.docs.len()
        ));
    }
    Ok(())
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
