//! `reprint eval`: measurement against labels, labelled pairs and the exact answer, over a
//! sweep of settings (moved out of `main.rs`, unchanged).

use crate::bars::Bars;
use crate::cli::EvalArgs;
use crate::console::{emit, warn};
use crate::setup::set_threads;
use anyhow::{bail, Result};
use reprint::corpus::{self, Input};
use reprint::eval::{self, SweepAxis};
use reprint::report::eval::{EvalReport, RescoreReport, SweepReport};
use reprint::report::{self, terminal, OutputDir};
use std::path::PathBuf;
use std::time::Instant;

pub(crate) fn eval(args: EvalArgs) -> Result<u8> {
    set_threads(&args.run)?;
    let base = args.pipeline.params()?;
    let base_config = base.resolve()?;
    let axes: Vec<SweepAxis> = args
        .sweep
        .iter()
        .map(|s| s.parse::<SweepAxis>().map_err(|e| anyhow::anyhow!("--sweep: {e}")))
        .collect::<Result<_>>()?;
    eval::check_axes(&axes).map_err(anyhow::Error::msg)?;
    let labels = args.labels.as_deref().map(eval::read_labels).transpose()?;
    let pairs = args.pairs.as_deref().map(eval::read_pairs).transpose()?;
    let mut read: Vec<(PathBuf, String)> = [&args.labels, &args.pairs, &args.clusters]
        .into_iter()
        .flatten()
        .map(|p| (p.clone(), p.display().to_string()))
        .collect();
    for arg in &args.inputs {
        read.push((PathBuf::from(arg), arg.clone()));
    }
    let mut out = OutputDir::open(&args.out, reprint::report::EVAL_OUTPUTS, &read)?;
    let started = Instant::now();

    if let Some(clusters_path) = &args.clusters {
        let Some(labels) = &labels else { bail!("--clusters needs --labels (or --pairs) to score against") };
        let corpus_config = args.pipeline.input.corpus_config()?;
        let corpus_ids = || -> Result<Option<Vec<String>>, corpus::CorpusError> {
            if args.inputs.is_empty() {
                return Ok(None);
            }
            let (inputs, _) = Input::from_args(&args.inputs)?;
            let (docs, _) = corpus::read_all(inputs, &corpus_config)?;
            Ok(Some(docs.into_iter().map(|d| d.id).collect()))
        };
        let scored = eval::rescore_clusters_file(clusters_path, labels, pairs.as_deref(), corpus_ids)?;
        let report =
            EvalReport::Rescore(Box::new(RescoreReport::new(clusters_path, args.labels.as_deref(), &scored)));
        out.stage("eval.json", &report.to_json())?;
        if !args.run.quiet {
            emit(&terminal::rescore_lines(clusters_path, &scored))?;
        }
        out.commit()?;
        return Ok(0);
    }
    if args.inputs.is_empty() {
        bail!("reprint eval needs an INPUT corpus to run on (or --clusters FILE with --labels)");
    }
    if labels.is_none() && pairs.is_none() && !args.exact {
        bail!("nothing to measure: give --labels, --pairs or --exact");
    }
    let (inputs, names) = Input::from_args(&args.inputs)?;
    let progress = Bars::new(args.run.quiet);
    let quiet = args.run.quiet;
    let truth = eval::Truth { labels: labels.as_ref(), pairs: pairs.as_deref() };
    let mut stdout_error = None;
    let result = eval::sweep(&base, &axes, &inputs, truth, args.exact, &progress, &mut |f| {
        if !quiet && stdout_error.is_none() {
            stdout_error = emit(&format!("{}\n", terminal::eval_line(f))).err();
        }
    });
    let result = match (result, &args.labels) {
        (Err(e @ eval::SweepError::LabelsMatchNothing(_)), Some(path)) => {
            bail!("--labels {}: {e}", path.display())
        }
        (r, _) => r?,
    };
    if let (Some(labels), Some(path)) = (&labels, &args.labels) {
        if result.labels_absent > 0 {
            warn(&format!(
                "reprint: warning: --labels {}: {} of the {} labelled ids are not documents of the corpus\n",
                path.display(),
                result.labels_absent,
                labels.len()
            ));
        }
    }
    if let Some(e) = stdout_error {
        return Err(e);
    }

    let (labels_file, pairs_file) = (args.labels.as_deref(), args.pairs.as_deref());
    let report = SweepReport::new(&base_config, &axes, &names, (labels_file, pairs_file), &result)?;
    out.stage("eval.json", &EvalReport::Sweep(Box::new(report)).to_json())?;
    out.stage("eval.csv", eval::to_csv(&result.rows).as_bytes())?;
    for (name, svg) in report::svg::eval_plots(&result.rows, &axes, result.candidate_rate.as_ref()) {
        out.stage(&name, svg.as_bytes())?;
    }
    if !args.run.quiet {
        let written: Vec<PathBuf> = out.staged().into_iter().map(|(p, _)| p).collect();
        emit(&format!("{}\n", terminal::time_and_files(&written, started.elapsed().as_secs_f64())))?;
    }
    out.commit()?;
    Ok(0)
}
