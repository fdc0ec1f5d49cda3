//! `reprint stage parts|sketch|check|link`: the binary's side of [`reprint::stage`], the
//! pipeline's stages as commands over Parquet for an engine such as Apache Spark.

use crate::bars::Bars;
use crate::cli::{PipelineOptions, RunOptions};
use crate::console::{emit, warn};
use crate::setup::set_threads;
use anyhow::{bail, Result};
use clap::{Args, Subcommand};
use reprint::corpus::Input;
use reprint::stage::{self, StageParams};
use std::path::PathBuf;

/// Arguments of `reprint stage`.
#[derive(Debug, Args)]
pub struct StageArgs {
    /// The stage to run.
    #[command(subcommand)]
    pub command: StageCommand,
}

/// `reprint stage` subcommands (see "Past one machine" in the README).
#[derive(Debug, Subcommand)]
pub enum StageCommand {
    /// Print the parts of the inputs, one per line, in reading order: each an input that
    /// `stage sketch` reads alone (a record file, or a directory of text files).
    Parts(PartsArgs),
    /// Sketch one part: a Parquet file with a row per document (part, row, id, text,
    /// text_hash, empty, shingles, chars, bands, fps) and the parameters in its metadata.
    Sketch(SketchArgs),
    /// Check that stage files were made with this run's parameters (and so with each
    /// other's); print the parameters as JSON. Exit status 2 naming the parameter otherwise.
    Check(CheckArgs),
    /// Decide a group of candidate pairs: pairs (a, b, lsh, fps) and their documents (doc, id,
    /// text, dfs) in, the pairs that share something out (a, b, id_a, id_b, relation,
    /// jaccard, decided), for `cluster --links` / `dedup --links`.
    Link(LinkArgs),
}

/// Arguments of `reprint stage parts`.
#[derive(Debug, Args)]
pub struct PartsArgs {
    /// Inputs, as for `reprint cluster`.
    #[arg(value_name = "INPUT", required = true)]
    pub inputs: Vec<String>,

    #[command(flatten)]
    pub pipeline: PipelineOptions,
}

/// Arguments of `reprint stage sketch`.
#[derive(Debug, Args)]
pub struct SketchArgs {
    /// One part (a line of `reprint stage parts`).
    #[arg(value_name = "PART")]
    pub input: String,

    /// The part's number (0-based, its line in `reprint stage parts`), written into every row.
    #[arg(long, value_name = "K", default_value_t = 0)]
    pub part: i32,

    /// The Parquet file to write.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,

    #[command(flatten)]
    pub pipeline: PipelineOptions,

    #[command(flatten)]
    pub run: RunOptions,
}

/// Arguments of `reprint stage check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Stage files (sketch or link files), or directories of them.
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<PathBuf>,

    #[command(flatten)]
    pub pipeline: PipelineOptions,
}

/// Arguments of `reprint stage link`.
#[derive(Debug, Args)]
pub struct LinkArgs {
    /// Candidate pairs: Parquet files or directories of them (a, b, lsh, fps).
    #[arg(long, value_name = "PATH", required = true, num_args = 1..)]
    pub pairs: Vec<PathBuf>,

    /// The pairs' documents: Parquet files or directories of them (doc, id, text, dfs).
    #[arg(long, value_name = "PATH", required = true, num_args = 1..)]
    pub docs: Vec<PathBuf>,

    /// The Parquet file to write.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,

    #[command(flatten)]
    pub pipeline: PipelineOptions,

    #[command(flatten)]
    pub run: RunOptions,
}

/// Exit status when some records were skipped.
const EXIT_SKIPPED: u8 = 3;

/// `reprint stage …`.
pub fn stage(args: StageArgs) -> Result<u8> {
    match args.command {
        StageCommand::Parts(a) => {
            let config = a.pipeline.params()?.resolve()?;
            let parts = stage::parts(&a.inputs, &config.corpus)?;
            emit(&parts.iter().map(|p| format!("{p}\n")).collect::<String>())?;
            Ok(0)
        }
        StageCommand::Sketch(a) => {
            let config = a.pipeline.params()?.resolve()?;
            set_threads(&a.run)?;
            let input = Input::from_arg(&a.input)?;
            let (docs, skipped) = stage::sketch(input, a.part, &config, &a.out, &Bars::new(a.run.quiet))?;
            warn(&reprint::report::terminal::skipped_lines(&skipped));
            if !a.run.quiet {
                emit(&format!("{docs} documents sketched into {}\n", a.out.display()))?;
            }
            Ok(if skipped.is_empty() { 0 } else { EXIT_SKIPPED })
        }
        StageCommand::Check(a) => {
            let config = a.pipeline.params()?.resolve()?;
            let expected = StageParams::of(&config).map_err(anyhow::Error::msg)?;
            let files = stage::parquet_files(&a.files)?;
            if files.is_empty() {
                bail!("no stage files (*.parquet) given");
            }
            for f in &files {
                stage::check_params(&expected, &stage::read_params(f)?, f)?;
            }
            emit(&format!("{}\n", serde_json::to_string(&expected)?))?;
            Ok(0)
        }
        StageCommand::Link(a) => {
            let config = a.pipeline.params()?.resolve()?;
            set_threads(&a.run)?;
            let counts = stage::link(&a.pairs, &a.docs, &config, &a.out)?;
            if !a.run.quiet {
                emit(&format!("{}\n", serde_json::to_string(&counts)?))?;
            }
            Ok(0)
        }
    }
}

/// `--links` of `cluster` and `dedup`.
#[derive(Debug, Args)]
pub struct LinksOption {
    /// Take the pairs' decisions from these link files (written by `reprint stage link`;
    /// Parquet files or directories of them) instead of finding and aligning candidates: the
    /// report stage of a staged run. The inputs must be those the links were made from, in the
    /// same order, with the same flags.
    #[arg(long, value_name = "PATH", num_args = 1..)]
    pub links: Vec<PathBuf>,
}

/// Runs the pipeline, or with `--links` its report stage on the decisions of link files.
pub fn run(
    links: &LinksOption,
    inputs: Vec<Input>,
    config: &reprint::config::Config,
    progress: &dyn reprint::pipeline::Progress,
    sink: &mut dyn reprint::pipeline::OverlapSink,
) -> Result<reprint::pipeline::RunResult> {
    Ok(if links.links.is_empty() {
        reprint::pipeline::run(inputs, config, progress, sink)?
    } else {
        let decisions = stage::read_links(&links.links, config)?;
        reprint::pipeline::run_decided(inputs, config, progress, sink, decisions)?
    })
}
