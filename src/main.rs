//! The `reprint` binary: parse the command line, validate it into a configuration, call the
//! library, write the outputs, and turn the outcome into an exit status.

mod bars;
mod cli;

use anyhow::{bail, Context, Result};
use bars::Bars;
use clap::Parser;
use cli::{Cli, ClusterArgs, Command, CompareArgs, DedupArgs, EvalArgs, RunOptions};
use reprint::corpus::{self, Input};
use reprint::dedup;
use reprint::eval::{self, SweepAxis};
use reprint::pipeline;
use reprint::report::eval::{EvalReport, RescoreReport, SweepReport};
use reprint::report::manifest::Manifest;
use reprint::report::{self, terminal, ClusterReport};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

/// Exit status of `dedup --check` when duplicates were found.
const EXIT_DUPLICATES: u8 = 1;
/// Exit status when the run completed but some records were skipped.
const EXIT_SKIPPED: u8 = 3;
/// Exit status on an error.
const EXIT_ERROR: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Cluster(args) => cluster(args),
        Command::Compare(args) => compare(args),
        Command::Dedup(args) => dedup(args),
        Command::Eval(args) => eval(args),
    };
    match outcome {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("reprint: error: {e:#}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}

/// Writes to stdout; a closed pipe (`reprint ... | head`) is not an error.
fn emit(text: &str) {
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
}

fn prepare_out_dir(dir: &Path) -> Result<()> {
    if dir.exists() && !dir.is_dir() {
        bail!("--out {}: exists and is not a directory", dir.display());
    }
    std::fs::create_dir_all(dir).with_context(|| format!("--out {}: cannot create directory", dir.display()))
}

fn set_threads(run: &RunOptions) -> Result<()> {
    if let Some(n) = run.threads {
        reprint::config::check_threads(n)?;
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build_global()
            .context("--threads: cannot start the thread pool")?;
    }
    Ok(())
}

fn write_output(path: &Path, bytes: &[u8], written: &mut Vec<PathBuf>) -> Result<()> {
    report::write_atomically(path, bytes).with_context(|| format!("cannot write {}", path.display()))?;
    written.push(path.to_path_buf());
    Ok(())
}

fn cluster(args: ClusterArgs) -> Result<u8> {
    let config = args.pipeline.params()?.resolve()?;
    set_threads(&args.run)?;
    let (inputs, names) = Input::from_args(&args.inputs)?;
    prepare_out_dir(&args.out)?;
    let manifest_path = report::start_run(&args.out)?;
    let progress = Bars::new(args.run.quiet);
    let started = Instant::now();
    let run = pipeline::run(inputs.clone(), &config, &progress)?;
    let report = ClusterReport::new(&run, names.clone());
    let mut written = Vec::new();
    write_output(&args.out.join("clusters.json"), &report.to_json(), &mut written)?;
    if !args.no_html {
        let page =
            report::html::render(&run, &names, report::html::HtmlLimits { max_pairs: args.html_max_pairs });
        write_output(&args.out.join("overlap.html"), page.as_bytes(), &mut written)?;
    }
    let manifest = Manifest::of_run("cluster", &run, &inputs, &names, started, &written)?.to_json();
    write_output(&manifest_path, &manifest, &mut written)?;
    eprint!("{}", terminal::skipped_lines(&run.skipped));
    if !args.run.quiet {
        emit(&terminal::run_summary(&run, &names, &written, started.elapsed().as_secs_f64()));
    }
    Ok(if run.skipped.is_empty() { 0 } else { EXIT_SKIPPED })
}

fn dedup(args: DedupArgs) -> Result<u8> {
    let config = args.pipeline.params()?.resolve()?;
    set_threads(&args.run)?;
    if args.inputs.iter().chain(&args.against).any(|i| i == "-") {
        bail!("dedup reads its inputs twice (to copy kept records byte for byte): save standard input to a file first");
    }
    let (mut inputs, mut names) = Input::from_args(&args.inputs)?;
    let only_inputs = inputs.len();
    if !args.against.is_empty() {
        let (refs, ref_names) = Input::from_args(&args.against)?;
        inputs.extend(refs);
        names.extend(ref_names);
    }
    prepare_out_dir(&args.out)?;
    if let Some(dir) = &args.copy_to {
        prepare_out_dir(dir).context("--copy-to")?;
    }
    let manifest_path = report::start_run(&args.out)?;
    let progress = Bars::new(args.run.quiet);
    let started = Instant::now();
    let run = pipeline::run(inputs.clone(), &config, &progress)?;
    let t = Instant::now();
    let plan = dedup::plan_for(&run, only_inputs, !args.against.is_empty());
    let out = dedup::DedupOutput {
        dir: &args.out,
        inputs: &inputs,
        annotate: args.annotate,
        copy_to: args.copy_to.as_deref(),
    };
    let files = dedup::write_outputs(&run, &plan, &out, only_inputs)?;
    let mut written: Vec<PathBuf> = files.iter().map(|w| w.file.clone().into()).collect();
    let tally = dedup::tally(&run, &plan, only_inputs);
    let mut m = Manifest::of_run("dedup", &run, &inputs, &names, started, &written)?;
    m.timings_ms.insert("write".to_owned(), t.elapsed().as_secs_f64() * 1e3);
    m.counts.removed = Some(tally.removed);
    m.counts.kept = Some(tally.kept);
    write_output(&manifest_path, &m.to_json(), &mut written)?;
    eprint!("{}", terminal::skipped_lines(&run.skipped));
    if !args.run.quiet {
        let secs = started.elapsed().as_secs_f64();
        emit(&terminal::dedup_summary(&tally, !args.against.is_empty(), &written, secs));
    }
    Ok(if args.check && tally.removed > 0 {
        EXIT_DUPLICATES
    } else if !run.skipped.is_empty() {
        EXIT_SKIPPED
    } else {
        0
    })
}

fn eval(args: EvalArgs) -> Result<u8> {
    set_threads(&args.run)?;
    let base = args.pipeline.params()?;
    let base_config = base.resolve()?;
    let axes: Vec<SweepAxis> = args
        .sweep
        .iter()
        .map(|s| s.parse::<SweepAxis>().map_err(|e| anyhow::anyhow!("--sweep: {e}")))
        .collect::<Result<_>>()?;
    let labels = args.labels.as_deref().map(eval::read_labels).transpose()?;
    let pairs = args.pairs.as_deref().map(eval::read_pairs).transpose()?;
    prepare_out_dir(&args.out)?;
    let started = Instant::now();

    if let Some(clusters_path) = &args.clusters {
        let Some(labels) = &labels else { bail!("--clusters needs --labels (or --pairs) to score against") };
        let corpus_ids = || -> Result<Option<Vec<String>>, corpus::CorpusError> {
            if args.inputs.is_empty() {
                return Ok(None);
            }
            let (inputs, _) = Input::from_args(&args.inputs)?;
            let (docs, _) = corpus::read_all(inputs, &args.pipeline.input.corpus_config())?;
            Ok(Some(docs.into_iter().map(|d| d.id).collect()))
        };
        let scored = eval::rescore_clusters_file(clusters_path, labels, pairs.as_deref(), corpus_ids)?;
        let report =
            EvalReport::Rescore(Box::new(RescoreReport::new(clusters_path, args.labels.as_deref(), &scored)));
        write_output(&args.out.join("eval.json"), &report.to_json(), &mut Vec::new())?;
        if !args.run.quiet {
            emit(&terminal::rescore_lines(clusters_path, &scored));
        }
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
    let result = eval::sweep(&base, &axes, &inputs, truth, args.exact, &progress, &mut |f| {
        if !quiet {
            emit(&format!("{}\n", terminal::eval_line(f)));
        }
    })?;

    let mut written = Vec::new();
    let (labels_file, pairs_file) = (args.labels.as_deref(), args.pairs.as_deref());
    let report = SweepReport::new(&base_config, &axes, &inputs, &names, (labels_file, pairs_file), &result)?;
    write_output(&args.out.join("eval.json"), &EvalReport::Sweep(Box::new(report)).to_json(), &mut written)?;
    write_output(&args.out.join("eval.csv"), eval::to_csv(&result.rows).as_bytes(), &mut written)?;
    for (name, svg) in report::svg::eval_plots(&result.rows, &axes, result.candidate_rate.as_ref()) {
        write_output(&args.out.join(name), svg.as_bytes(), &mut written)?;
    }
    if !args.run.quiet {
        emit(&format!("{}\n", terminal::time_and_files(&written, started.elapsed().as_secs_f64())));
    }
    Ok(0)
}

fn compare(args: CompareArgs) -> Result<u8> {
    let config = args.matching.params(None, &args.input)?.resolve()?;
    let corpus = if args.corpus.is_empty() { None } else { Some(Input::from_args(&args.corpus)?) };
    let [a, b] = corpus::read_two(&args.a, &args.b, corpus, &config.corpus)?;
    let cmp = pipeline::compare(&a.text, &b.text, &config);
    if args.json {
        emit(&String::from_utf8_lossy(
            &report::compare::ComparisonReport::new(&a, &b, &cmp, &config).to_json(),
        ));
    } else {
        let width = terminal::view_width(args.width, std::env::var("COLUMNS").ok().as_deref())?;
        emit(&terminal::comparison(&a, &b, &cmp, &config, width));
    }
    Ok(if cmp.linked_by.is_some() { 0 } else { 1 })
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    /// clap's own consistency checks of every subcommand and flag (duplicate names, bad
    /// defaults, conflicting requirements).
    #[test]
    fn cli_definition_is_consistent() {
        super::Cli::command().debug_assert();
    }
}
