//! The `reprint` binary: parse the command line, validate it into a configuration, call the
//! library, write the outputs, and turn the outcome into an exit status.

mod cli;

use anyhow::{bail, Context, Result};
use clap::Parser;
use cli::{CandidatesArg, Cli, ClusterArgs, Command, MethodArg, NormalizeArg, OnErrorArg};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use reprint::corpus::{CorpusConfig, Input};
use reprint::normalize::Profile;
use reprint::overlap::PassageConfig;
use reprint::pipeline::{self, CandidateMode, Method, OnError, Params, PassageParams, Progress, RunResult};
use reprint::report::{self, ClusterReport};
use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Mutex;
use std::time::Instant;

/// Exit status when the run completed but some records were skipped.
const EXIT_SKIPPED: u8 = 3;
/// Exit status on an error.
const EXIT_ERROR: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Cluster(args) => cluster(args),
    };
    match outcome {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("reprint: error: {e:#}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}

fn params(args: &ClusterArgs) -> Result<Params> {
    Ok(Params {
        corpus: CorpusConfig {
            id_field: args.id_field.clone(),
            text_field: args.text_field.clone(),
            extensions: args
                .ext
                .iter()
                .map(|e| e.trim().trim_start_matches('.').to_lowercase())
                .filter(|e| !e.is_empty())
                .collect(),
            max_doc_bytes: args.max_doc_bytes,
        },
        normalize: match args.normalize {
            NormalizeArg::Default => Profile::Default,
            NormalizeArg::None => Profile::None,
        },
        shingle: args.shingle,
        method: match args.method {
            MethodArg::Minhash => Method::Minhash,
            MethodArg::Simhash => Method::Simhash,
        },
        candidates: match args.candidates {
            CandidatesArg::Lsh => CandidateMode::Lsh,
            CandidatesArg::Exact => CandidateMode::Exact,
        },
        threshold: args.threshold,
        num_perm: args.num_perm,
        seed: args.seed,
        bands: args.bands,
        rows: args.rows,
        max_hamming: args.max_hamming,
        keep: args.keep.parse().map_err(anyhow::Error::msg)?,
        on_error: match args.on_error {
            OnErrorArg::Skip => OnError::Skip,
            OnErrorArg::Fail => OnError::Fail,
        },
        passages: (!args.no_passages).then_some(PassageParams {
            rule: PassageConfig {
                min_passage: args.min_passage,
                min_coverage: args.min_coverage,
                max_gap: args.max_gap,
                ..PassageConfig::default()
            },
            window: args.winnow_window,
            max_df: args.max_df,
            min_shared: args.min_shared,
        }),
        cluster: args.cluster.parse().map_err(anyhow::Error::msg)?,
    })
}

fn inputs(args: &ClusterArgs) -> Result<(Vec<Input>, Vec<String>)> {
    let names: Vec<String> = if args.inputs.is_empty() {
        if !Path::new("seeds").is_dir() {
            bail!("no INPUT given and no seeds/ directory here: pass a directory of .txt files, a .jsonl(.gz) file, or - for stdin");
        }
        vec!["seeds".to_owned()]
    } else {
        args.inputs.clone()
    };
    if names.iter().filter(|n| *n == "-").count() > 1 {
        bail!("standard input (-) can be given only once");
    }
    let inputs = names.iter().map(|n| Input::from_arg(n)).collect::<Result<Vec<_>, _>>()?;
    Ok((inputs, names))
}

fn prepare_out_dir(dir: &Path) -> Result<()> {
    if dir.exists() && !dir.is_dir() {
        bail!("--out {}: exists and is not a directory", dir.display());
    }
    std::fs::create_dir_all(dir).with_context(|| format!("--out {}: cannot create directory", dir.display()))
}

fn cluster(args: ClusterArgs) -> Result<u8> {
    let config = params(&args)?.resolve()?;
    if let Some(n) = args.threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build_global()
            .context("--threads: cannot start the thread pool")?;
    }
    let (inputs, names) = inputs(&args)?;
    prepare_out_dir(&args.out)?;
    let progress = Bars::new(args.quiet);
    let started = Instant::now();
    let run = pipeline::run(inputs, &config, &progress)?;
    let report = ClusterReport::new(&run, names.clone());
    let path = args.out.join("clusters.json");
    report::write_atomically(&path, &report.to_json())
        .with_context(|| format!("cannot write {}", path.display()))?;
    let elapsed = started.elapsed();
    report_skipped(&run);
    if !args.quiet {
        print_summary(&run, &names, &path, elapsed.as_secs_f64());
    }
    Ok(if run.skipped.is_empty() { 0 } else { EXIT_SKIPPED })
}

fn report_skipped(run: &RunResult) {
    const SHOWN: usize = 20;
    for s in run.skipped.iter().take(SHOWN) {
        let line = s.line.map(|l| format!(":{l}")).unwrap_or_default();
        eprintln!("reprint: skipped {}{line}: {}", s.source, s.reason);
    }
    if run.skipped.len() > SHOWN {
        eprintln!(
            "reprint: ... and {} more skipped records (all listed in clusters.json)",
            run.skipped.len() - SHOWN
        );
    }
}

fn print_summary(run: &RunResult, names: &[String], path: &Path, secs: f64) {
    let s = &run.stats;
    let c = &run.config;
    let how = match (c.candidates, c.method, c.banding, c.max_hamming) {
        (CandidateMode::Exact, ..) => "exact prefix-filtered join".to_owned(),
        (_, Method::Minhash, Some(b), _) => format!("MinHash LSH, {} bands x {} rows", b.bands, b.rows),
        (_, Method::Simhash, _, Some(k)) => format!("SimHash, Hamming <= {k}"),
        _ => "LSH".to_owned(),
    };
    let mb = s.input_bytes as f64 / 1e6;
    println!(
        "reprint {}: {} documents ({} empty, {} skipped), {:.1} MB from {}",
        env!("CARGO_PKG_VERSION"),
        s.documents,
        s.empty_documents,
        s.skipped,
        mb,
        names.join(", ")
    );
    println!("  candidates {:>10} pairs  ({how}, {} shingles)", s.candidate_pairs, c.shingle);
    println!("  verified   {:>10} pairs  (Jaccard >= {})", s.verified_pairs, c.threshold);
    if let Some(p) = &c.passages {
        println!(
            "  passages   {:>10} pairs  linked by shared passages of {}+ words covering {}+ of the shorter document ({} aligned)",
            s.passage_links, p.rule.min_passage, p.rule.min_coverage, s.passage_candidates
        );
    }
    println!(
        "  clusters   {:>10}        ({} documents in clusters, {} singletons)",
        s.clusters,
        s.clustered_documents,
        s.documents - s.empty_documents - s.clustered_documents
    );
    let stages: Vec<String> =
        s.timings.iter().map(|(name, d)| format!("{name} {:.2} s", d.as_secs_f64())).collect();
    println!("  time       {secs:>10.2} s      ({})", stages.join(", "));
    println!("  wrote      {}", path.display());
}

/// Progress bars on stderr; hidden when stderr is not a terminal or with --quiet.
struct Bars {
    bar: Mutex<Option<ProgressBar>>,
    hidden: bool,
}

impl Bars {
    fn new(quiet: bool) -> Self {
        Bars { bar: Mutex::new(None), hidden: quiet || !std::io::stderr().is_terminal() }
    }
}

impl Progress for Bars {
    fn start(&self, stage: &'static str, total: Option<u64>, unit: &'static str) {
        if self.hidden {
            return;
        }
        let bar = match total {
            Some(t) => ProgressBar::new(t),
            None => ProgressBar::new_spinner(),
        };
        bar.set_draw_target(ProgressDrawTarget::stderr());
        let template = match (total, unit) {
            (Some(_), "bytes") => "{prefix:>12} [{bar:30}] {bytes}/{total_bytes} ({eta})",
            (Some(_), _) => "{prefix:>12} [{bar:30}] {pos}/{len} ({eta})",
            (None, _) => "{prefix:>12} {spinner} {elapsed}",
        };
        if let Ok(style) = ProgressStyle::with_template(template) {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_prefix(stage);
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        if let Ok(mut slot) = self.bar.lock() {
            *slot = Some(bar);
        }
    }

    fn set(&self, done: u64) {
        if let Ok(slot) = self.bar.lock() {
            if let Some(bar) = slot.as_ref() {
                bar.set_position(done);
            }
        }
    }

    fn finish(&self) {
        if let Ok(mut slot) = self.bar.lock() {
            if let Some(bar) = slot.take() {
                bar.finish_and_clear();
            }
        }
    }
}
