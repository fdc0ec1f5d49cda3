//! `reprint index create|add|info|compact` and `reprint query`: the binary's side of
//! [`reprint::index`]: their clap arguments and what they do.

use crate::bars::Bars;
use crate::bytes::Bytes;
use crate::cli::{PipelineOptions, RunOptions};
use crate::console::{emit, emit_json, warn};
use crate::setup::set_threads;
use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand};
use reprint::config::Config;
use reprint::corpus::{Input, SkipLog};
use reprint::index::{self, Index, IndexParams};
use reprint::pipeline::{self, Doc, NoProgress};
use std::io::BufRead;
use std::path::{Path, PathBuf};

/// Arguments of `reprint index`.
#[derive(Debug, Args)]
pub struct IndexArgs {
    /// What to do with the index.
    #[command(subcommand)]
    pub command: IndexCommand,
}

/// `reprint index` subcommands.
#[derive(Debug, Subcommand)]
pub enum IndexCommand {
    /// Create an index of the inputs in a new (or empty) directory, with the matching flags'
    /// parameters (MinHash LSH).
    Create(IndexWriteArgs),
    /// Add the inputs' documents to an index (a new segment; the index is switched
    /// atomically). An id the index already holds is an error naming both places.
    Add(IndexWriteArgs),
    /// Print what an index holds (JSON): parameters, documents, segments and their sizes.
    Info(IndexInfoArgs),
    /// Merge the segments of an index into one (as `index create` would have written it), so
    /// queries read one set of tables; `query --add` makes a segment per batch.
    Compact(IndexInfoArgs),
}

/// Arguments of `reprint index create` and `reprint index add`.
#[derive(Debug, Args)]
pub struct IndexWriteArgs {
    /// Inputs, as for `reprint cluster`.
    #[arg(value_name = "INPUT", required = true)]
    pub inputs: Vec<String>,

    /// The index directory.
    #[arg(long, value_name = "DIR")]
    pub index: PathBuf,

    /// Bytes of texts held; past that, every text is let go into a temporary file in the index directory and read from there when the segment is written. A size may end in K, M, G or T (powers of 1024).
    #[arg(long, value_name = "BYTES", default_value_t = Bytes(reprint::pipeline::DEFAULT_FILED_TEXT_MEMORY))]
    pub text_memory: Bytes,

    #[command(flatten)]
    pub pipeline: PipelineOptions,

    #[command(flatten)]
    pub run: RunOptions,
}

/// Arguments of `reprint index info` and `reprint index compact`.
#[derive(Debug, Args)]
#[group(id = "directory", required = true, multiple = false)]
pub struct IndexInfoArgs {
    /// The index directory (or `--index DIR`).
    #[arg(value_name = "DIR")]
    dir: Option<PathBuf>,

    /// The index directory, named as `index create`, `index add` and `query` name it.
    #[arg(long, value_name = "DIR")]
    index: Option<PathBuf>,
}

impl IndexInfoArgs {
    /// The index directory, given either way (the parser requires exactly one).
    fn dir(&self) -> &Path {
        self.dir.as_deref().or(self.index.as_deref()).expect("the parser requires DIR or --index")
    }
}

/// Arguments of `reprint query`.
#[derive(Debug, Args)]
pub struct QueryArgs {
    /// Query documents, as for `reprint cluster`; - reads JSON Lines from standard input one
    /// line at a time (each answered before the next is read).
    #[arg(value_name = "INPUT", required = true)]
    pub inputs: Vec<String>,

    /// The index directory.
    #[arg(long, value_name = "DIR")]
    pub index: PathBuf,

    /// At most this many matches per document (the strongest).
    #[arg(long, value_name = "N")]
    pub top: Option<usize>,

    /// Add the queried documents to the index after matching them (monitoring).
    #[arg(long)]
    pub add: bool,

    #[command(flatten)]
    pub pipeline: PipelineOptions,

    #[command(flatten)]
    pub run: RunOptions,
}

/// Exit status when some records were skipped.
const EXIT_SKIPPED: u8 = 3;

/// Flags of the (sub)command that the command line gave, as clap ids (`min_passage`).
pub fn given(matches: &clap::ArgMatches) -> Vec<String> {
    let mut m = matches;
    while let Some((_, sub)) = m.subcommand() {
        m = sub;
    }
    m.ids()
        .filter(|id| m.value_source(id.as_str()) == Some(clap::parser::ValueSource::CommandLine))
        .map(|id| id.as_str().to_owned())
        .collect()
}

/// The index's configuration, reading records as `args` says; a matching flag given with
/// another value than the index's is an error naming it.
pub fn index_config(index: &Index, pipeline_args: &PipelineOptions, given: &[String]) -> Result<Config> {
    let mine = pipeline_args.params()?.resolve()?;
    let asked = IndexParams::of(&mine).map_err(anyhow::Error::msg)?;
    let differ = index.manifest().params.differences(&asked, given);
    if !differ.is_empty() {
        bail!(
            "flags differ from the parameters of the index (fixed when it was created): {}",
            differ.join(", ")
        );
    }
    let mut config = index.config().clone();
    config.corpus = mine.corpus;
    Ok(config)
}

/// The index among `--against` references, when one is an index directory (it must then be
/// the only reference).
pub fn against_index(against: &[String]) -> Result<Option<Index>> {
    let Some(dir) = against.iter().map(Path::new).find(|p| p.join(index::MANIFEST).is_file()) else {
        return Ok(None);
    };
    if against.len() > 1 {
        bail!("--against {} is an index, and an index must be the only reference of a run: give it alone, or add the other references to it (`reprint index add`)", dir.display());
    }
    Ok(Some(Index::open(dir, Default::default())?))
}

/// `dedup --against INDEX`: the inputs read and matched against the index, as a run over the
/// inputs and the indexed documents involved (those count as input number `reference`).
pub fn against_run(
    ix: &Index,
    inputs: Vec<Input>,
    reference: usize,
    config: &Config,
    progress: &Bars,
) -> Result<pipeline::RunResult> {
    let (docs, summary) = pipeline::read_and_sketch(inputs, config, progress)?;
    pipeline::Progress::finish(progress);
    pipeline::Progress::start(progress, "match", None, "documents");
    let run = index::against_index(ix, docs, summary, reference)?;
    pipeline::Progress::finish(progress);
    Ok(run)
}

fn skipped(log: &SkipLog) -> bool {
    warn(&reprint::report::terminal::skipped_lines(log));
    !log.is_empty()
}

/// `reprint index …`.
pub fn index(args: IndexArgs, matches: &clap::ArgMatches) -> Result<u8> {
    match args.command {
        IndexCommand::Create(a) => write(a, true, &given(matches)),
        IndexCommand::Add(a) => write(a, false, &given(matches)),
        IndexCommand::Info(a) => {
            let ix = Index::open(a.dir(), Default::default())?;
            let mut json = serde_json::to_vec_pretty(&ix.info())?;
            json.push(b'\n');
            emit_json(&json)?;
            Ok(0)
        }
        IndexCommand::Compact(a) => {
            let started = std::time::Instant::now();
            let c = index::compact(a.dir())?;
            emit(&format!(
                "reprint index compact: {} segments of {} merged into {} ({:.1} MB), {} documents, {:.2} s\n",
                c.segments_before,
                a.dir().display(),
                c.segment.as_deref().unwrap_or("none"),
                c.bytes as f64 / 1e6,
                c.documents,
                started.elapsed().as_secs_f64()
            ))?;
            Ok(0)
        }
    }
}

fn write(args: IndexWriteArgs, create: bool, given: &[String]) -> Result<u8> {
    set_threads(&args.run)?;
    let config = if create {
        let config = args.pipeline.params()?.resolve()?;
        IndexParams::of(&config).map_err(anyhow::Error::msg)?;
        config
    } else {
        index_config(&Index::open(&args.index, Default::default())?, &args.pipeline, given)?
    };
    let (inputs, names) = Input::from_args(&args.inputs)?;
    let progress = Bars::new(args.run.quiet);
    let started = std::time::Instant::now();
    // The index is checked and locked before reading, which may let texts go into the index
    // directory.
    let adding = index::Adding::begin(&args.index, &config, create)?;
    let (docs, summary, texts) =
        pipeline::read_and_sketch_spilling(inputs, &config, &progress, args.text_memory.0, adding.dir())?;
    let added = adding.finish(docs, texts.as_ref(), names, &progress)?;
    let any_skipped = skipped(&summary.skipped);
    if !args.run.quiet {
        emit(&format!(
            "reprint {}: {} documents added ({} distinct texts) to {}, {} documents in all; segment {} ({:.1} MB), {:.2} s\n",
            if create { "index create" } else { "index add" },
            added.added,
            added.distinct,
            args.index.display(),
            added.documents,
            added.segment.as_deref().unwrap_or("none"),
            added.bytes as f64 / 1e6,
            started.elapsed().as_secs_f64()
        ))?;
    }
    Ok(if any_skipped { EXIT_SKIPPED } else { 0 })
}

fn answer(
    dir: &Path,
    index: &Index,
    docs: Vec<Doc>,
    args: &QueryArgs,
    config: &Config,
    names: &[String],
) -> Result<()> {
    let to_add = if args.add { docs.clone() } else { Vec::new() };
    for r in index::query(index, docs, args.top)? {
        let mut line = serde_json::to_vec(&r)?;
        line.push(b'\n');
        emit_json(&line)?;
    }
    if args.add && !to_add.is_empty() {
        index::add(dir, to_add, config, names.to_vec(), false)?;
    }
    Ok(())
}

/// `reprint query …`.
pub fn query(args: QueryArgs, matches: &clap::ArgMatches) -> Result<u8> {
    set_threads(&args.run)?;
    let given = given(matches);
    let ix = Index::open(&args.index, Default::default())?;
    let config = index_config(&ix, &args.pipeline, &given)?;
    if args.inputs.iter().any(|i| i == "-") {
        if args.inputs.len() > 1 {
            bail!("query reads - (standard input) alone: give files or -, not both");
        }
        return query_stdin(args, ix, config);
    }
    let (inputs, names) = Input::from_args(&args.inputs)?;
    let (docs, summary) = pipeline::read_and_sketch(inputs, &config, &NoProgress)?;
    answer(&args.index, &ix, docs, &args, &config, &names)?;
    Ok(if skipped(&summary.skipped) { EXIT_SKIPPED } else { 0 })
}

/// Standard input, one JSON line at a time: each line is read by the corpus reader (from a
/// temporary file holding that line) and answered before the next line is read.
fn query_stdin(args: QueryArgs, mut ix: Index, config: Config) -> Result<u8> {
    let tmp = tempfile::Builder::new().prefix("reprint-query-").suffix(".jsonl").tempfile()?;
    let stdin = std::io::stdin();
    let mut input = stdin.lock();
    let mut raw = Vec::new();
    let mut line_no = 0u64;
    let mut any_skipped = false;
    let cap = config.corpus.max_doc_bytes as u64 + 1;
    loop {
        raw.clear();
        let n = std::io::Read::take(&mut input, cap)
            .read_until(b'\n', &mut raw)
            .context("cannot read standard input")?;
        if n == 0 {
            break;
        }
        line_no += 1;
        if raw.last() != Some(&b'\n') && n as u64 == cap {
            // Consume the rest of an over-long line, then report it.
            let mut rest = Vec::new();
            while input.read_until(b'\n', &mut rest)? > 0 && rest.last() != Some(&b'\n') {
                rest.clear();
            }
            warn(&format!("reprint: <stdin>:{line_no}: skipped: longer than --max-doc-bytes\n"));
            any_skipped = true;
            continue;
        }
        if raw.iter().all(|b| b.is_ascii_whitespace()) {
            continue;
        }
        std::fs::write(tmp.path(), &raw)?;
        let mut corpus = config.corpus.clone();
        corpus.allow_empty = true;
        let line_config = Config { corpus, ..config.clone() };
        let (mut docs, summary) = pipeline::read_and_sketch(
            vec![Input::Jsonl(tmp.path().to_path_buf())],
            &line_config,
            &NoProgress,
        )
        .map_err(|e| anyhow::anyhow!("<stdin>:{line_no}: {e}"))?;
        for s in summary.skipped.sample() {
            warn(&format!("reprint: <stdin>:{line_no}: skipped: {}\n", s.reason));
            any_skipped = true;
        }
        let stdin: reprint::corpus::Source = "<stdin>".into();
        for d in &mut docs {
            d.origin.source = stdin.clone();
            d.origin.line = Some(line_no);
        }
        answer(&args.index, &ix, docs, &args, &config, &["-".to_owned()])?;
        if args.add {
            ix = Index::open(&args.index, config.corpus.clone())?;
        }
    }
    Ok(if any_skipped { EXIT_SKIPPED } else { 0 })
}
