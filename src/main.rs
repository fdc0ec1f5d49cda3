//! The `reprint` binary: parse the command line, validate it into a configuration, call the
//! library, write the outputs, and turn the outcome into an exit status.

mod bars;
mod bytes;
mod cli;
mod console;
mod eval_cmd;
mod generate_cmd;
mod index_cmd;
mod setup;
mod stage_cmd;

use anyhow::{bail, Context, Result};
use bars::Bars;
use cli::{Cli, ClusterArgs, Command, CompareArgs, DedupArgs};
use console::{emit, emit_json, message, warn};
use reprint::corpus::{self, Input};
use reprint::dedup;
use reprint::pipeline;
use reprint::report::manifest::Manifest;
use reprint::report::{self, terminal, ClusterReport};
use setup::{check_keep_field, keep_gap_line, open_out, set_threads};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

/// Exit status of `dedup --check` when duplicates were found.
const EXIT_DUPLICATES: u8 = 1;
/// Exit status when the run completed but some records were skipped.
const EXIT_SKIPPED: u8 = 3;
/// Exit status on an error.
const EXIT_ERROR: u8 = 2;

fn main() -> ExitCode {
    let matches = <Cli as clap::CommandFactory>::command().get_matches();
    let cli = match <Cli as clap::FromArgMatches>::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    let outcome = match cli.command {
        Command::Index(args) => index_cmd::index(args, &matches),
        Command::Query(args) => index_cmd::query(args, &matches),
        Command::Cluster(args) => cluster(args),
        Command::Compare(args) => compare(args),
        Command::Dedup(args) => dedup(args, &matches),
        Command::Eval(args) => eval_cmd::eval(args),
        Command::Stage(args) => stage_cmd::stage(args),
        Command::Generate(args) => generate_cmd::generate(args),
    };
    match outcome {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            warn(&format!("reprint: error: {}\n", message(&e)));
            ExitCode::from(EXIT_ERROR)
        }
    }
}

fn cluster(args: ClusterArgs) -> Result<u8> {
    let mut config = args.pipeline.params()?.resolve()?;
    config.text_memory = args.text_memory.0;
    config.align_memory = args.align_memory.0;
    set_threads(&args.run)?;
    let (inputs, names) = Input::from_args(&args.inputs)?;
    let mut out = open_out(&args.out, report::CLUSTER_OUTPUTS, &inputs, &names, &mut config.corpus)?;
    let progress = Bars::new(args.run.quiet);
    let started = Instant::now();
    let overlaps_path = out.path("overlaps.jsonl");
    let mut overlaps = report::overlaps::OverlapsWriter::create(&overlaps_path)
        .with_context(|| format!("cannot write {}", overlaps_path.display()))?;
    // The report's document pages list overlaps, which the run streams and does not keep.
    // They wait in a temporary file beside overlaps.jsonl until the pages are chosen.
    let mut links = if args.no_html {
        None
    } else {
        let dir = overlaps.dir();
        let links = report::html::LinkCollector::new(args.html_max_pairs, dir);
        Some(links.with_context(|| format!("cannot write a temporary file in {}", dir.display()))?)
    };
    let mut run = match &mut links {
        Some(links) => stage_cmd::run(
            &args.links,
            inputs.clone(),
            &config,
            &progress,
            &mut report::html::Both(&mut overlaps, links),
        )?,
        None => stage_cmd::run(&args.links, inputs.clone(), &config, &progress, &mut overlaps)?,
    };
    check_keep_field(&run)?;
    out.adopt(vec![overlaps.stage().with_context(|| format!("cannot write {}", overlaps_path.display()))?]);
    // The two cluster files are written side by side (each is one thread's work).
    let csv_path = out.path("clusters.csv");
    let (json, csv) = rayon::join(
        || -> anyhow::Result<()> {
            let report = ClusterReport::new(&run, names.clone()).context("cannot make clusters.json")?;
            Ok(out.stage_with("clusters.json", |w| report.write_json(w))?)
        },
        || report::clusters_csv::write(&run, &csv_path),
    );
    json?;
    out.adopt(vec![csv.with_context(|| format!("cannot write {}", csv_path.display()))?]);
    let html_started = Instant::now();
    if let Some(mut links) = links {
        let limits = report::html::HtmlLimits {
            max_pairs: args.html_max_pairs,
            max_clusters: args.html_clusters,
            max_documents: args.html_documents,
        };
        let mut pages = out.stage_dir("overlap")?;
        let (index, _) =
            report::html::render(&run, &names, limits, &run.docs, &mut links, &mut |path, bytes| {
                pages.write(path, bytes).map_err(anyhow::Error::from)
            })?;
        // No output reads a text from here on. Closed before the pages are made durable (one
        // syncfs of the filesystem), the file of texts is discarded rather than written back.
        run.spilled = None;
        out.adopt_dir(pages)?;
        out.stage("overlap.html", index.as_bytes())?;
    }
    let mut manifest = Manifest::of_run("cluster", &run, &inputs, &names, started, &out.staged())?;
    if !args.no_html {
        manifest.timings_ms.insert("html".to_owned(), html_started.elapsed().as_secs_f64() * 1e3);
    }
    let manifest = manifest.to_json();
    out.stage("manifest.json", &manifest)?;
    warn(&terminal::skipped_lines(&run.skipped));
    if !args.run.quiet {
        let written: Vec<PathBuf> = out.staged().into_iter().map(|(p, _)| p).collect();
        emit(&terminal::run_summary(&run, &names, &written, started.elapsed().as_secs_f64()))?;
    }
    out.commit()?;
    Ok(if run.skipped.is_empty() { 0 } else { EXIT_SKIPPED })
}

fn dedup(args: DedupArgs, matches: &clap::ArgMatches) -> Result<u8> {
    let mut config = args.pipeline.params()?.resolve()?;
    config.text_memory = args.text_memory.0;
    config.align_memory = args.align_memory.0;
    set_threads(&args.run)?;
    if args.inputs.iter().chain(&args.against).any(|i| i == "-") {
        bail!("dedup reads its inputs twice (to copy kept records byte for byte): save standard input to a file first");
    }
    let against_index = index_cmd::against_index(&args.against)?;
    if let Some(ix) = &against_index {
        config = index_cmd::index_config(ix, &args.pipeline, &index_cmd::given(matches))?;
    }
    let (mut inputs, mut names) = Input::from_args(&args.inputs)?;
    let only_inputs = inputs.len();
    if !args.against.is_empty() && against_index.is_none() {
        let (refs, ref_names) = Input::from_args(&args.against)?;
        inputs.extend(refs);
        names.extend(ref_names);
    }
    let mut out = open_out(&args.out, report::DEDUP_OUTPUTS, &inputs, &names, &mut config.corpus)?;
    if let Some(dir) = &args.copy_to {
        if dir.exists() && !dir.is_dir() {
            bail!("--copy-to {}: exists and is not a directory", dir.display());
        }
        std::fs::create_dir_all(dir)
            .with_context(|| format!("--copy-to {}: cannot create directory", dir.display()))?;
        let target = dir.canonicalize().with_context(|| format!("--copy-to {}", dir.display()))?;
        for (input, name) in inputs.iter().zip(&names) {
            if input.path().and_then(|p| p.canonicalize().ok()).is_some_and(|p| p == target) {
                bail!("--copy-to {} is the input {name}: the copies would replace the files they copy; choose another directory", dir.display());
            }
        }
    }
    let progress = Bars::new(args.run.quiet);
    let started = Instant::now();
    if !args.links.links.is_empty() && !args.against.is_empty() {
        bail!("--links and --against cannot be combined: stage the reference corpus as inputs");
    }
    let mut run = match &against_index {
        Some(ix) => index_cmd::against_run(ix, inputs.clone(), only_inputs, &config, &progress)?,
        None => stage_cmd::run(
            &args.links,
            inputs.clone(),
            &config,
            &progress,
            &mut pipeline::NoOverlapsIn(&args.out),
        )?,
    };
    check_keep_field(&run)?;
    // dedup's outputs read no text of the run (kept records are copied from the inputs).
    run.spilled = None;
    let t = Instant::now();
    let plan = dedup::plan_for(&run, only_inputs, !args.against.is_empty());
    let dedup_out = dedup::DedupOutput {
        dir: &args.out,
        inputs: &inputs,
        annotate: args.annotate,
        copy_to: args.copy_to.as_deref(),
    };
    let (in_dir, copies): (Vec<_>, Vec<_>) = dedup::write_outputs(&run, &plan, &dedup_out, only_inputs)?
        .into_iter()
        .partition(|s| s.path().parent() == Some(args.out.as_path()));
    out.adopt(in_dir);
    let mut tally = dedup::tally(&run, &plan, only_inputs);
    if let Some(ix) = &against_index {
        tally.reference = ix.documents() as usize;
    }
    let mut m = Manifest::of_run("dedup", &run, &inputs, &names, started, &out.staged())?;
    m.timings_ms.insert("write".to_owned(), t.elapsed().as_secs_f64() * 1e3);
    if let Some(ix) = &against_index {
        let (bytes, xxh3) = ix.checksum();
        let sum = reprint::report::Checksum { bytes: Some(bytes), xxh3: Some(format!("{xxh3:016x}")) };
        m.inputs.push(reprint::report::manifest::InputInfo {
            name: args.against[0].clone(),
            kind: "index",
            sum,
        });
    }
    m.counts.removed = Some(tally.removed);
    m.counts.kept = Some(tally.kept);
    out.stage("manifest.json", &m.to_json())?;
    warn(&terminal::skipped_lines(&run.skipped));
    if !args.run.quiet {
        let secs = started.elapsed().as_secs_f64();
        let written: Vec<PathBuf> = out.staged().into_iter().map(|(p, _)| p).collect();
        let mut summary = terminal::dedup_summary(&tally, !args.against.is_empty(), &written, secs);
        if let Some(gap) = run.keep_gap().filter(|g| g.without > 0 && args.against.is_empty()) {
            summary.push_str(&format!("  keep  {}\n", keep_gap_line(&gap)));
        }
        emit(&summary)?;
    }
    out.adopt(copies);
    out.commit()?;
    Ok(if args.check && tally.removed > 0 {
        EXIT_DUPLICATES
    } else if !run.skipped.is_empty() {
        EXIT_SKIPPED
    } else {
        0
    })
}

fn compare(args: CompareArgs) -> Result<u8> {
    let config = args.matching.params(None, &args.input)?.resolve()?;
    let corpus = if args.corpus.is_empty() { None } else { Some(Input::from_args(&args.corpus)?) };
    let [a, b] = corpus::read_two(&args.a, &args.b, corpus, &config.corpus)?;
    let cmp = pipeline::compare(&a.text, &b.text, &config);
    if args.json {
        emit_json(&report::compare::ComparisonReport::new(&a, &b, &cmp, &config).to_json())?;
    } else {
        let columns = std::env::var("COLUMNS").ok();
        let tty_width = console::stdout_terminal_width();
        let width = terminal::view_width(args.width, columns.as_deref(), tty_width)?;
        let colour = args.color.colour(
            std::io::IsTerminal::is_terminal(&std::io::stdout()),
            std::env::var_os("NO_COLOR").as_deref(),
            std::env::var_os("TERM").as_deref(),
        );
        let view = terminal::comparison(&a, &b, &cmp, &config, terminal::View { width, colour });
        // The view escapes what it takes from the documents itself; escaping it again here
        // would show its colour sequences as text.
        if colour {
            console::write_stdout(&view)?;
        } else {
            emit(&view)?;
        }
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

    /// `--color auto` colours only a terminal, and not when NO_COLOR is set (to anything but
    /// the empty string) or TERM is `dumb`; `always` and `never` ignore all three.
    #[test]
    fn colour_choice_follows_the_terminal_and_no_color() {
        use crate::console::ColorChoice::{Always, Auto, Never};
        use std::ffi::OsStr;
        let some = |s: &'static str| Some(OsStr::new(s));
        assert!(Auto.colour(true, None, some("xterm-256color")));
        assert!(Auto.colour(true, some(""), None));
        assert!(!Auto.colour(false, None, some("xterm")));
        assert!(!Auto.colour(true, some("1"), some("xterm")));
        assert!(!Auto.colour(true, None, some("dumb")));
        assert!(Always.colour(false, some("1"), some("dumb")));
        assert!(!Never.colour(true, None, some("xterm")));
    }
}
