//! The `reprint` binary: parse the command line, validate it into a configuration, call the
//! library, write the outputs, and turn the outcome into an exit status.

mod cli;

use anyhow::{bail, Context, Result};
use clap::Parser;
use cli::{
    CandidatesArg, Cli, ClusterArgs, Command, CompareArgs, IndexOptions, InputOptions, MatchOptions,
    MethodArg, NormalizeArg, OnErrorArg, RunOptions,
};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use reprint::corpus::{self, CorpusConfig, Input, RawDoc};
use reprint::normalize::Profile;
use reprint::overlap::PassageConfig;
use reprint::pipeline::{self, CandidateMode, Method, OnError, Params, PassageParams, Progress, RunResult};
use reprint::report::{self, ClusterReport};
use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Mutex;
use std::time::Instant;

/// Appends a formatted line to a String (writing to a String cannot fail).
macro_rules! outln {
    ($o:expr, $($arg:tt)*) => {{
        use std::fmt::Write as _;
        let _ = writeln!($o, $($arg)*);
    }};
}

/// Writes to stdout; a closed pipe (`reprint ... | head`) is not an error.
fn emit(text: &str) {
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
}

/// Exit status when the run completed but some records were skipped.
const EXIT_SKIPPED: u8 = 3;
/// Exit status on an error.
const EXIT_ERROR: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Cluster(args) => cluster(args),
        Command::Compare(args) => compare(args),
    };
    match outcome {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("reprint: error: {e:#}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}

fn corpus_config(input: &InputOptions) -> CorpusConfig {
    CorpusConfig {
        id_field: input.id_field.clone(),
        text_field: input.text_field.clone(),
        extensions: input
            .ext
            .iter()
            .map(|e| e.trim().trim_start_matches('.').to_lowercase())
            .filter(|e| !e.is_empty())
            .collect(),
        max_doc_bytes: input.max_doc_bytes,
    }
}

fn params(m: &MatchOptions, index: Option<&IndexOptions>, input: &InputOptions) -> Result<Params> {
    let defaults = Params::default();
    let mut p = Params {
        corpus: corpus_config(input),
        normalize: match m.normalize {
            NormalizeArg::Default => Profile::Default,
            NormalizeArg::None => Profile::None,
        },
        shingle: m.shingle,
        threshold: m.threshold,
        seed: m.seed,
        on_error: match input.on_error {
            OnErrorArg::Skip => OnError::Skip,
            OnErrorArg::Fail => OnError::Fail,
        },
        passages: (!m.no_passages).then_some(PassageParams {
            rule: PassageConfig {
                min_passage: m.min_passage,
                min_coverage: m.min_coverage,
                max_gap: m.max_gap,
                ..PassageConfig::default()
            },
            window: m.winnow_window,
            max_df: m.max_df,
            min_shared: m.min_shared,
        }),
        ..defaults
    };
    if let Some(ix) = index {
        p.method = match ix.method {
            MethodArg::Minhash => Method::Minhash,
            MethodArg::Simhash => Method::Simhash,
        };
        p.candidates = match ix.candidates {
            CandidatesArg::Lsh => CandidateMode::Lsh,
            CandidatesArg::Exact => CandidateMode::Exact,
        };
        p.num_perm = ix.num_perm;
        p.bands = ix.bands;
        p.rows = ix.rows;
        p.max_hamming = ix.max_hamming;
        p.keep = ix.keep.parse().map_err(anyhow::Error::msg)?;
        p.cluster = ix.cluster.parse().map_err(anyhow::Error::msg)?;
    }
    Ok(p)
}

fn inputs(args: &[String]) -> Result<(Vec<Input>, Vec<String>)> {
    let names: Vec<String> = if args.is_empty() {
        if !Path::new("seeds").is_dir() {
            bail!("no INPUT given and no seeds/ directory here: pass a directory of .txt files, a .jsonl(.gz) file, or - for stdin");
        }
        vec!["seeds".to_owned()]
    } else {
        args.to_vec()
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

fn set_threads(run: &RunOptions) -> Result<()> {
    if let Some(n) = run.threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build_global()
            .context("--threads: cannot start the thread pool")?;
    }
    Ok(())
}

fn cluster(args: ClusterArgs) -> Result<u8> {
    let config = params(&args.matching, Some(&args.index), &args.input)?.resolve()?;
    set_threads(&args.run)?;
    let (inputs, names) = inputs(&args.inputs)?;
    prepare_out_dir(&args.out)?;
    let progress = Bars::new(args.run.quiet);
    let started = Instant::now();
    let run = pipeline::run(inputs, &config, &progress)?;
    let report = ClusterReport::new(&run, names.clone());
    let path = args.out.join("clusters.json");
    report::write_atomically(&path, &report.to_json())
        .with_context(|| format!("cannot write {}", path.display()))?;
    let mut written = vec![path];
    if !args.no_html {
        let page =
            report::html::render(&run, &names, report::html::HtmlLimits { max_pairs: args.html_max_pairs });
        let path = args.out.join("overlap.html");
        report::write_atomically(&path, page.as_bytes())
            .with_context(|| format!("cannot write {}", path.display()))?;
        written.push(path);
    }
    let elapsed = started.elapsed();
    report_skipped(&run.skipped);
    if !args.run.quiet {
        print_summary(&run, &names, &written, elapsed.as_secs_f64());
    }
    Ok(if run.skipped.is_empty() { 0 } else { EXIT_SKIPPED })
}

/// Loads the two documents of `reprint compare`: ids in `--in` inputs, or two files.
fn compare_docs(args: &CompareArgs, config: &CorpusConfig) -> Result<[RawDoc; 2]> {
    if args.corpus.is_empty() {
        let load = |arg: &str| -> Result<RawDoc> {
            let input = Input::TextFile(arg.into());
            if !Path::new(arg).is_file() {
                bail!("{arg}: no such file (to compare documents of a corpus by id, name it with --in)");
            }
            let (mut docs, skipped) = corpus::read_all(vec![input], config)?;
            if let Some(s) = skipped.first() {
                bail!("{}: {}", s.source, s.reason);
            }
            docs.pop().with_context(|| format!("{arg}: nothing read"))
        };
        return Ok([load(&args.a)?, load(&args.b)?]);
    }
    let (inputs, names) = inputs(&args.corpus)?;
    let (docs, _) = corpus::read_all(inputs, config)?;
    let find = |id: &str| -> Result<RawDoc> {
        docs.iter()
            .find(|d| d.id == id)
            .cloned()
            .with_context(|| format!("no document with id `{id}` in {}", names.join(", ")))
    };
    Ok([find(&args.a)?, find(&args.b)?])
}

fn compare(args: CompareArgs) -> Result<u8> {
    let config = params(&args.matching, None, &args.input)?.resolve()?;
    let [a, b] = compare_docs(&args, &config.corpus)?;
    let cmp = pipeline::compare(&a.text, &b.text, &config);
    if args.json {
        let json = report::json::comparison_json(&a, &b, &cmp, &config);
        emit(&format!("{}\n", serde_json::to_string_pretty(&json)?));
    } else {
        let width = args
            .width
            .or_else(|| std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok()))
            .unwrap_or(100)
            .max(40);
        emit(&report::terminal::comparison(&a, &b, &cmp, &config, width));
    }
    Ok(if cmp.linked_by.is_some() { 0 } else { 1 })
}

fn report_skipped(skipped: &[reprint::corpus::Skipped]) {
    const SHOWN: usize = 20;
    for s in skipped.iter().take(SHOWN) {
        let line = s.line.map(|l| format!(":{l}")).unwrap_or_default();
        eprintln!("reprint: skipped {}{line}: {}", s.source, s.reason);
    }
    if skipped.len() > SHOWN {
        eprintln!(
            "reprint: ... and {} more skipped records (all listed in clusters.json)",
            skipped.len() - SHOWN
        );
    }
}

fn print_summary(run: &RunResult, names: &[String], written: &[std::path::PathBuf], secs: f64) {
    let mut o = String::new();
    let s = &run.stats;
    let c = &run.config;
    let how = match (c.candidates, c.method, c.banding, c.max_hamming) {
        (CandidateMode::Exact, ..) => "exact prefix-filtered join".to_owned(),
        (_, Method::Minhash, Some(b), _) => format!("MinHash LSH, {} bands x {} rows", b.bands, b.rows),
        (_, Method::Simhash, _, Some(k)) => format!("SimHash, Hamming <= {k}"),
        _ => "LSH".to_owned(),
    };
    let mb = s.input_bytes as f64 / 1e6;
    outln!(
        o,
        "reprint {}: {} documents ({} empty, {} skipped), {:.1} MB from {}",
        env!("CARGO_PKG_VERSION"),
        s.documents,
        s.empty_documents,
        s.skipped,
        mb,
        names.join(", ")
    );
    outln!(o, "  candidates {:>10} pairs  ({how}, {} shingles)", s.candidate_pairs, c.shingle);
    outln!(o, "  verified   {:>10} pairs  (Jaccard >= {})", s.verified_pairs, c.threshold);
    if let Some(p) = &c.passages {
        outln!(o,
            "  passages   {:>10} pairs  linked by shared passages of {}+ words covering {}+ of the shorter document ({} aligned)",
            s.passage_links, p.rule.min_passage, p.rule.min_coverage, s.passage_candidates
        );
    }
    outln!(
        o,
        "  clusters   {:>10}        ({} documents in clusters, {} singletons)",
        s.clusters,
        s.clustered_documents,
        s.documents - s.empty_documents - s.clustered_documents
    );
    let stages: Vec<String> =
        s.timings.iter().map(|(name, d)| format!("{name} {:.2} s", d.as_secs_f64())).collect();
    outln!(o, "  time       {secs:>10.2} s      ({})", stages.join(", "));
    let written: Vec<String> = written.iter().map(|p| p.display().to_string()).collect();
    outln!(o, "  wrote      {}", written.join(", "));
    emit(&o);
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
