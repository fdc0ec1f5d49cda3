//! Parameter sweeps: `--sweep NAME=VALUES` axes, their settings, and running and scoring the
//! pipeline once per setting (reading and sketching once per sketch configuration).

use super::{candidate_rate_by_jaccard, figures, lsh_vs_exact, CandidateRate, Figures, Truth};

/// One swept parameter: `threshold=0.3:0.9:0.05` (start:end:step, inclusive) or
/// `num-perm=64,128,256` (a list). Sweepable: `threshold`, `num-perm`, `shingle`,
/// `min-passage`, `min-coverage`.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepAxis {
    /// Parameter name as on the command line (without `--`).
    pub name: String,
    /// Values, as text.
    pub values: Vec<String>,
}

/// Parameters `--sweep` accepts.
pub const SWEEPABLE: [&str; 5] = ["threshold", "num-perm", "shingle", "min-passage", "min-coverage"];

impl std::str::FromStr for SweepAxis {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let (name, spec) = s.split_once('=').ok_or_else(|| format!("expected NAME=VALUES, got `{s}`"))?;
        if !SWEEPABLE.contains(&name) {
            return Err(format!("cannot sweep `{name}` (sweepable: {})", SWEEPABLE.join(", ")));
        }
        let parts: Vec<&str> = spec.split(':').collect();
        let numeric = parts.len() == 3 && parts.iter().all(|p| p.parse::<f64>().is_ok());
        let values = if numeric {
            let v: Vec<f64> = parts.iter().filter_map(|p| p.parse().ok()).collect();
            let (start, end, step) = (v[0], v[1], v[2]);
            if step <= 0.0 || end < start {
                return Err(format!("`{spec}`: need start <= end and a positive step"));
            }
            let n = ((end - start) / step + 1e-9).floor() as usize + 1;
            if n > 1000 {
                return Err(format!("`{spec}` gives {n} values; at most 1000"));
            }
            (0..n).map(|k| format!("{}", ((start + k as f64 * step) * 1e6).round() / 1e6)).collect()
        } else {
            spec.split(',').map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned).collect::<Vec<_>>()
        };
        if values.is_empty() {
            return Err(format!("`{s}` has no values"));
        }
        Ok(SweepAxis { name: name.to_owned(), values })
    }
}

/// Most settings one sweep may hold (the product of the axes' lengths).
pub const MAX_SETTINGS: usize = 10_000;

/// Checks a sweep before any work: each parameter swept once, and at most [`MAX_SETTINGS`]
/// settings in all.
pub fn check_axes(axes: &[SweepAxis]) -> Result<(), String> {
    for (k, a) in axes.iter().enumerate() {
        if axes[..k].iter().any(|b| b.name == a.name) {
            return Err(format!(
                "--sweep {} given more than once: give every value in one --sweep {}=...",
                a.name, a.name
            ));
        }
    }
    let total = axes.iter().try_fold(1usize, |n, a| n.checked_mul(a.values.len()));
    match total {
        Some(n) if n <= MAX_SETTINGS => Ok(()),
        _ => {
            let sizes: Vec<String> = axes.iter().map(|a| format!("{} {}", a.values.len(), a.name)).collect();
            Err(format!(
                "--sweep gives {} settings ({}); at most {MAX_SETTINGS}: use larger steps or fewer axes",
                total.map_or_else(|| "more than 2^64".to_owned(), |n| n.to_string()),
                sizes.join(" x ")
            ))
        }
    }
}

/// Every combination of the axes' values, as (name, value) lists in axis order.
pub fn settings(axes: &[SweepAxis]) -> Vec<Vec<(String, String)>> {
    let mut out: Vec<Vec<(String, String)>> = vec![Vec::new()];
    for axis in axes {
        out = out
            .into_iter()
            .flat_map(|prefix| {
                axis.values.iter().map(move |v| {
                    let mut p = prefix.clone();
                    p.push((axis.name.clone(), v.clone()));
                    p
                })
            })
            .collect();
    }
    out
}

/// Sets one swept parameter on `params`.
pub fn apply(params: &mut crate::pipeline::Params, name: &str, value: &str) -> Result<(), String> {
    let bad = |e: &dyn std::fmt::Display| format!("--sweep {name}={value}: {e}");
    match name {
        "threshold" => params.threshold = value.parse().map_err(|e| bad(&e))?,
        "num-perm" => params.num_perm = value.parse().map_err(|e| bad(&e))?,
        "shingle" => params.shingle = value.parse().map_err(|e: String| bad(&e))?,
        "min-passage" | "min-coverage" => {
            let p =
                params.passages.as_mut().ok_or_else(|| bad(&"passage detection is off (--no-passages)"))?;
            if name == "min-passage" {
                p.rule.min_passage = value.parse().map_err(|e| bad(&e))?;
            } else {
                p.rule.min_coverage = value.parse().map_err(|e| bad(&e))?;
            }
        }
        _ => return Err(bad(&"not sweepable")),
    }
    Ok(())
}

/// The result of a sweep: one row per setting, and the candidate rate of the first LSH setting
/// (with `exact`), which records that setting.
#[derive(Debug, Clone)]
pub struct SweepResult {
    /// Figures per setting, in sweep order.
    pub rows: Vec<Figures>,
    /// Candidate rate by Jaccard bin (with `exact`).
    pub candidate_rate: Option<CandidateRate>,
    /// Labelled ids that are not documents of the corpus.
    pub labels_absent: usize,
    /// Size and checksum of each input, computed while it was first read.
    pub inputs: Vec<crate::corpus::InputSum>,
}

/// Errors of a sweep.
#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    /// A swept value does not fit its parameter.
    #[error("{0}")]
    Setting(String),
    /// A setting gives an impossible configuration.
    #[error(transparent)]
    Config(#[from] crate::pipeline::ConfigError),
    /// Reading the corpus failed.
    #[error(transparent)]
    Run(#[from] crate::pipeline::RunError),
    /// The sweep is too large or repeats a parameter.
    #[error("{0}")]
    Axes(String),
    /// No labelled id is a document of the corpus: every figure would be meaningless.
    #[error("none of the {0} labelled ids is a document of the corpus (are the ids the same field? see --id-field)")]
    LabelsMatchNothing(usize),
}

/// Runs the pipeline on `inputs` for every setting of `axes` applied to `base` and scores each
/// run against `truth` (and, with `exact`, LSH against the exact join). Documents are read and
/// sketched once per distinct sketch configuration, not once per setting. `on_row` sees each
/// row as soon as it is measured.
pub fn sweep(
    base: &crate::pipeline::Params,
    axes: &[SweepAxis],
    inputs: &[crate::corpus::Input],
    truth: Truth<'_>,
    exact: bool,
    progress: &dyn crate::pipeline::Progress,
    on_row: &mut dyn FnMut(&Figures),
) -> Result<SweepResult, SweepError> {
    use crate::pipeline::{self, CandidateMode};
    check_axes(axes).map_err(SweepError::Axes)?;
    let mut labels_absent = 0;
    let mut rows = Vec::new();
    let mut candidate_rate = None;
    let mut sums = Vec::new();
    let mut cached: Option<(pipeline::Config, Vec<pipeline::Doc>, pipeline::ReadSummary)> = None;
    for setting in settings(axes) {
        let mut p = base.clone();
        for (name, value) in &setting {
            apply(&mut p, name, value).map_err(SweepError::Setting)?;
        }
        let config = p.resolve()?;
        let t = std::time::Instant::now();
        let (docs, summary) = match cached.take() {
            Some((c, docs, summary)) if pipeline::same_sketch(&c, &config) => (docs, summary),
            _ => pipeline::read_and_sketch(inputs.to_vec(), &config, progress)?,
        };
        if rows.is_empty() {
            sums = summary.inputs.clone();
            if let Some(labels) = truth.labels {
                let ids: std::collections::HashSet<&str> = docs.iter().map(|d| d.id.as_str()).collect();
                labels_absent = labels.keys().filter(|id| !ids.contains(id.as_str())).count();
                if labels_absent == labels.len() && !labels.is_empty() {
                    return Err(SweepError::LabelsMatchNothing(labels.len()));
                }
            }
        }
        let mut run =
            pipeline::run_on(docs, summary, t.elapsed(), &config, progress, &mut pipeline::NoOverlaps)?;
        let mut f = figures(&mut run, truth.labels, truth.pairs);
        f.setting = setting.iter().cloned().collect();
        if exact && config.candidates.mode() == CandidateMode::Lsh {
            f.lsh = Some(lsh_vs_exact(&mut run));
            if let (None, Some(banding)) = (&candidate_rate, config.candidates.banding()) {
                let floor = (config.threshold - 0.4).max(0.1);
                candidate_rate = Some(CandidateRate {
                    setting: f.setting.clone(),
                    threshold: config.threshold,
                    banding,
                    bins: candidate_rate_by_jaccard(&mut run, floor, 0.05),
                });
            }
        }
        on_row(&f);
        rows.push(f);
        let summary = pipeline::ReadSummary {
            skipped: run.skipped,
            input_bytes: run.stats.input_bytes,
            inputs: run.inputs,
        };
        cached = Some((config, run.docs, summary));
    }
    Ok(SweepResult { rows, candidate_rate, labels_absent, inputs: sums })
}

#[cfg(test)]
mod sweep_tests {
    use super::*;

    #[test]
    fn sweep_specs_parse() {
        let a: SweepAxis = "threshold=0.3:0.5:0.1".parse().unwrap();
        assert_eq!(a.values, ["0.3", "0.4", "0.5"]);
        let b: SweepAxis = "shingle=word:3,word:5".parse().unwrap();
        assert_eq!(b.values, ["word:3", "word:5"]);
        assert!("seed=1,2".parse::<SweepAxis>().is_err());
        assert!("threshold=0.9:0.1:0.1".parse::<SweepAxis>().is_err());
        assert!("threshold".parse::<SweepAxis>().is_err());
        let grid = settings(&[a, b]);
        assert_eq!(grid.len(), 6);
        assert_eq!(grid[1], vec![("threshold".into(), "0.3".into()), ("shingle".into(), "word:5".into())]);
    }

    #[test]
    fn apply_sets_parameters() {
        let mut p = crate::pipeline::Params::default();
        apply(&mut p, "threshold", "0.7").unwrap();
        apply(&mut p, "min-passage", "30").unwrap();
        apply(&mut p, "shingle", "char:9").unwrap();
        assert_eq!(p.threshold, 0.7);
        assert_eq!(p.passages.unwrap().rule.min_passage, 30);
        assert_eq!(p.shingle.to_string(), "char:9");
        assert!(apply(&mut p, "num-perm", "many").is_err());
    }
}
