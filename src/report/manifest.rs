//! `manifest.json`: the record of one run, written last. It names the tool version, every
//! resolved parameter, the inputs with sizes and xxh3 checksums, counts per stage, skipped
//! records by reason, wall time per stage, peak memory and the files written. Timings live
//! here and only here, so results files stay byte-identical between runs.
//!
//! A manifest present in an output directory means the run that wrote it completed: the
//! binary deletes an old manifest before starting and writes the new one after every other
//! file.

use super::json::{ParamsReport, Tool, SCHEMA_VERSION};
use crate::corpus::{CorpusError, Input, InputSum};
use crate::pipeline::{RunResult, Stats};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// One input as recorded.
#[derive(Debug, Clone, Serialize)]
pub struct InputInfo {
    /// The argument as given.
    pub name: String,
    /// `directory`, `jsonl`, `json`, `csv`, `tsv`, `text` or `stdin`; `index` for the index
    /// of `dedup --against` (its size is that of its segments, its checksum that of its
    /// `index.json`).
    pub kind: &'static str,
    /// Size in bytes (files as stored; directories: the files read) and xxh3-64 checksum.
    #[serde(flatten)]
    pub sum: super::Checksum,
}

/// Counts per stage: the run's [`Stats`], skipped records by reason, and what dedup decided.
#[derive(Debug, Clone, Serialize)]
pub struct Counts {
    /// Documents, shingles, candidates, links, clusters.
    #[serde(flatten)]
    pub run: Stats,
    /// Skipped records by reason.
    pub skipped_by_reason: BTreeMap<String, usize>,
    /// Documents removed (dedup).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub removed: Option<usize>,
    /// Documents kept (dedup).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kept: Option<usize>,
    /// Documents without the field of `--keep earliest:FIELD` / `latest:FIELD` (present only
    /// with those policies): they rank after every document that has it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub without_keep_field: Option<usize>,
}

/// A file written by the run.
#[derive(Debug, Clone, Serialize)]
pub struct OutputFile {
    /// Path.
    pub file: String,
    /// Size in bytes.
    pub bytes: u64,
}

/// The whole manifest.
#[derive(Debug, Clone, Serialize)]
pub struct Manifest {
    /// Schema version (shared with clusters.json).
    pub schema_version: u32,
    /// Tool name and version.
    pub tool: Tool,
    /// `cluster` or `dedup`.
    pub command: String,
    /// Every resolved parameter.
    pub params: ParamsReport,
    /// Inputs with sizes and checksums.
    pub inputs: Vec<InputInfo>,
    /// Counts per stage.
    pub counts: Counts,
    /// Wall time per stage, in milliseconds.
    pub timings_ms: BTreeMap<String, f64>,
    /// Wall time of the whole run, in milliseconds.
    pub wall_ms: f64,
    /// Peak resident memory in bytes, where the platform tells.
    pub peak_rss_bytes: Option<u64>,
    /// Worker threads.
    pub threads: usize,
    /// Files written, in order.
    pub outputs: Vec<OutputFile>,
}

impl Manifest {
    /// The manifest of `run`.
    pub fn new(command: &str, run: &RunResult, inputs: Vec<InputInfo>) -> Self {
        let s = &run.stats;
        let skipped_by_reason = run.skipped.by_reason().clone();
        Manifest {
            schema_version: SCHEMA_VERSION,
            tool: Tool::current(),
            command: command.to_owned(),
            params: ParamsReport::new(&run.config),
            inputs,
            counts: Counts {
                run: s.clone(),
                skipped_by_reason,
                removed: None,
                kept: None,
                without_keep_field: run.keep_gap().map(|g| g.without),
            },
            timings_ms: s.timings.iter().map(|(k, d)| ((*k).to_owned(), d.as_secs_f64() * 1e3)).collect(),
            wall_ms: 0.0,
            peak_rss_bytes: None,
            threads: rayon::current_num_threads(),
            outputs: Vec::new(),
        }
    }
}

impl InputInfo {
    /// The record of every input (names as given), with the sizes and checksums computed
    /// while reading them.
    pub fn all(inputs: &[Input], names: &[String], sums: &[InputSum]) -> Vec<InputInfo> {
        inputs
            .iter()
            .zip(names)
            .enumerate()
            .map(|(k, (input, name))| InputInfo {
                name: name.clone(),
                kind: input.kind(),
                sum: sums.get(k).copied().unwrap_or_default().into(),
            })
            .collect()
    }
}

impl Manifest {
    /// The manifest of a finished `run` of `command`: its inputs (names as given) with
    /// checksums, the wall time since `started`, peak memory and the files `written` so far
    /// (final names and sizes).
    pub fn of_run(
        command: &str,
        run: &RunResult,
        inputs: &[Input],
        names: &[String],
        started: std::time::Instant,
        written: &[(PathBuf, u64)],
    ) -> Result<Manifest, CorpusError> {
        let infos = InputInfo::all(inputs, names, &run.inputs);
        let mut m = Manifest::new(command, run, infos);
        m.wall_ms = started.elapsed().as_secs_f64() * 1e3;
        m.peak_rss_bytes = peak_rss_bytes();
        m.outputs = written
            .iter()
            .map(|(p, bytes)| OutputFile { file: p.display().to_string(), bytes: *bytes })
            .collect();
        Ok(m)
    }

    /// The manifest as pretty-printed JSON with a trailing newline.
    pub fn to_json(&self) -> Vec<u8> {
        super::pretty_json(self)
    }
}

/// Peak resident set size of this process (Linux: VmHWM in /proc/self/status).
fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}
