//! Command-line interface (binary only): clap definitions. Defaults come from the library's
//! constants so that `--help`, the README and the library agree.

use crate::bytes::Bytes;
use crate::console::ColorChoice;
use clap::{Args, Parser, Subcommand, ValueEnum};
use reprint::corpus::{
    CorpusConfig, DisplayField, MetaConfig, MetaFields, DEFAULT_DATE_FIELD, DEFAULT_ID_FIELD,
    DEFAULT_MAX_DOC_BYTES, DEFAULT_SOURCE_FIELD, DEFAULT_TEXT_FIELD, DEFAULT_TITLE_FIELD,
};
use reprint::lsh::winnow::{DEFAULT_MAX_DF, DEFAULT_MIN_SHARED, DEFAULT_WINDOW};
use reprint::normalize::Profile;
use reprint::overlap::{PassageConfig, DEFAULT_MAX_GAP, DEFAULT_MIN_COVERAGE, DEFAULT_MIN_PASSAGE};
use reprint::pipeline::{
    CandidateMode, Method, OnError, Params, PassageParams, DEFAULT_MAX_HAMMING, DEFAULT_NUM_PERM,
    DEFAULT_SEED, DEFAULT_THRESHOLD,
};
use reprint::relation::{DEFAULT_MAX_FAMILY, DEFAULT_MIN_COVERED};
use reprint::shingle::ShingleConfig;
use std::path::PathBuf;

/// Find near-duplicate and partially reprinted texts and group them into clusters.
#[derive(Debug, Parser)]
#[command(name = "reprint", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Cluster the documents of one or more inputs: clusters.json, clusters.csv, overlaps.jsonl,
    /// overlap.html (with its pages in overlap/), manifest.json.
    ///
    /// Exit status: 0 on success, 2 on an error (nothing written), 3 when the run completed but
    /// some records were skipped (listed in clusters.json and on stderr).
    Cluster(ClusterArgs),
    /// Remove duplicates: write the kept records (byte for byte, in the input's format), the
    /// removed ones with what they duplicate, and a run manifest.
    ///
    /// Exit status: 0 on success; 1 with --check when duplicates were found; 2 on an error;
    /// 3 when the run completed but some records were skipped.
    Dedup(DedupArgs),
    /// Measure: score clusterings against labels, LSH against the exact answer, and sweep
    /// parameters; writes eval.json, eval.csv and SVG plots.
    Eval(EvalArgs),
    /// Compare two documents: similarity figures and the passages they share, side by side.
    ///
    /// A and B are .txt files, or document ids when --in names the corpus that holds them.
    /// Exit status: 0 when the two are linked (Jaccard >= --threshold, or shared passages
    /// covering --min-coverage of the shorter one), 1 when they are not, 2 on an error.
    Compare(CompareArgs),
    /// Build, extend and inspect a persistent index of a corpus, for `reprint query`.
    Index(crate::index_cmd::IndexArgs),
    /// Match documents against an index: one JSON line per document, written as soon as it
    /// is decided: {"id", "matches": [{"id", "relation", "jaccard", "passages", ...}]}.
    ///
    /// Parameters come from the index; a matching flag given with another value is an error.
    /// Relations are those of each pair alone (no roundup pruning, no story split).
    /// Exit status: 0 on success, 2 on an error, 3 when some records were skipped.
    Query(crate::index_cmd::QueryArgs),
    /// The pipeline's stages as commands over Parquet, for an engine that runs them in
    /// parallel (spark/reprint_spark.py); `cluster --links` and `dedup --links` report.
    Stage(crate::stage_cmd::StageArgs),
    /// Manual pages and shell completion scripts, made from this command line's definition:
    /// `reprint generate man --out DIR`, `reprint generate complete-bash` (zsh, fish,
    /// powershell, elvish).
    Generate(crate::generate_cmd::GenerateArgs),
}

/// Arguments of `reprint dedup`.
#[derive(Debug, Args)]
pub struct DedupArgs {
    /// Inputs to deduplicate: directories (of .txt files or of record files), .jsonl, .json,
    /// .csv and .tsv files (also compressed: .gz, .zst, .bz2, .xz; told by content), .parquet
    /// files, .txt files. Kept records are written in the format they were read in.
    #[arg(value_name = "INPUT", required = true)]
    pub inputs: Vec<String>,

    /// Output directory: kept.jsonl, kept.csv, kept.tsv, kept.json (each .gz when its inputs
    /// are), kept.parquet and/or kept.txt, removed.jsonl, manifest.json.
    #[arg(short, long, value_name = "DIR")]
    pub out: PathBuf,

    /// Reference corpora (any input form), or one index directory (`reprint index create`;
    /// the matching flags are then the index's): remove documents of INPUT that duplicate a
    /// reference document.
    /// The reference is never modified; duplicates inside it or inside INPUT are not removed.
    #[arg(long, value_name = "REF", num_args = 1..)]
    pub against: Vec<String>,

    /// Write every record with `cluster`, `duplicate_of`, `is_representative` added
    /// (annotated.jsonl, .csv, .tsv, .json or .parquet: fields of JSON records, columns of tables
    /// and Parquet files) instead of removing duplicates.
    #[arg(long)]
    pub annotate: bool,

    /// Exit with status 1 when any duplicate is found (for CI pipelines).
    #[arg(long)]
    pub check: bool,

    /// Copy the kept text files into this directory (relative paths preserved).
    #[arg(long, value_name = "DIR")]
    pub copy_to: Option<PathBuf>,

    /// Bytes of texts held; past that, every text is let go into a temporary file in --out and read from there. A size may end in K, M, G or T (powers of 1024).
    #[arg(long, value_name = "BYTES", default_value_t = Bytes(reprint::pipeline::DEFAULT_FILED_TEXT_MEMORY))]
    pub text_memory: Bytes,

    /// Bytes of alignment sequences the passage stage holds (a sequence takes about 12 bytes a word); past that, documents are aligned a row of them at a time, and the sequences of later documents they share passages with are made once and read back from a temporary file in --out by each row. A size may end in K, M, G or T (powers of 1024).
    #[arg(long, value_name = "BYTES", default_value_t = Bytes(reprint::pipeline::DEFAULT_ALIGN_MEMORY))]
    pub align_memory: Bytes,

    #[command(flatten)]
    pub pipeline: PipelineOptions,

    #[command(flatten)]
    pub links: crate::stage_cmd::LinksOption,

    #[command(flatten)]
    pub run: RunOptions,
}

/// Arguments of `reprint eval`.
#[derive(Debug, Args)]
pub struct EvalArgs {
    /// The corpus to run on (directories, .jsonl, .json, .csv, .tsv, also compressed; .parquet). Optional
    /// with --clusters.
    #[arg(value_name = "INPUT")]
    pub inputs: Vec<String>,

    /// Labels: JSON Lines of {"id": ..., "cluster": ...}; unlisted documents are singletons.
    #[arg(long, value_name = "FILE")]
    pub labels: Option<PathBuf>,

    /// Labelled pairs: JSON Lines of {"a": id, "b": id, "same": bool, "jaccard": x}: recall of
    /// true pairs by Jaccard band and the share of negative pairs merged.
    #[arg(long, value_name = "FILE")]
    pub pairs: Option<PathBuf>,

    /// Score an existing clusters.json instead of running (needs --labels).
    #[arg(long, value_name = "FILE", conflicts_with_all = ["sweep", "exact"])]
    pub clusters: Option<PathBuf>,

    /// Also measure LSH against the exact answer (all pairs above the threshold, found by the
    /// prefix-filtered join): recall, and candidates dropped by verification.
    #[arg(long)]
    pub exact: bool,

    /// Sweep a parameter: threshold=0.3:0.9:0.05 (start:end:step) or num-perm=64,128,256,
    /// shingle=word:3,word:5, min-passage=30,50, min-coverage=0.1,0.2. Repeat for a grid.
    #[arg(long, value_name = "NAME=VALUES")]
    pub sweep: Vec<String>,

    /// Output directory for eval.json, eval.csv and the SVG plots.
    #[arg(short, long, value_name = "DIR", default_value = "reports")]
    pub out: PathBuf,

    #[command(flatten)]
    pub pipeline: PipelineOptions,

    #[command(flatten)]
    pub run: RunOptions,
}

/// Arguments of `reprint compare`.
#[derive(Debug, Args)]
pub struct CompareArgs {
    /// First document: a .txt file, or an id with --in.
    #[arg(value_name = "A")]
    pub a: String,

    /// Second document: a .txt file, or an id with --in.
    #[arg(value_name = "B")]
    pub b: String,

    /// Find A and B as document ids in these inputs (directories, .jsonl, .json, .csv, .tsv,
    /// also compressed; .parquet).
    #[arg(long = "in", value_name = "INPUT")]
    pub corpus: Vec<String>,

    /// Print JSON instead of the side-by-side terminal view.
    #[arg(long)]
    pub json: bool,

    /// Width of the terminal view in columns, 40 to 1000 (default: $COLUMNS when it is a
    /// positive number, else the width of the terminal stdout is, else 100).
    #[arg(long, value_name = "COLUMNS")]
    pub width: Option<usize>,

    /// When to colour the shared passages (the words that differ inside a passage are bold,
    /// underlined and in another colour): auto (when stdout is a terminal and NO_COLOR is not
    /// set), always, never.
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    #[command(flatten)]
    pub matching: MatchOptions,

    #[command(flatten)]
    pub input: InputOptions,
}

/// Arguments of `reprint cluster`.
#[derive(Debug, Args)]
pub struct ClusterArgs {
    /// Inputs: directories (of .txt files, id = relative path, or of record files), .jsonl,
    /// .json (an array of records, or JSON Lines), .csv and .tsv files (also compressed: .gz,
    /// .zst, .bz2, .xz; told by content), .parquet files (a record per row), .txt files, or -
    /// for JSON Lines or a JSON array on stdin (plain or compressed). Default: seeds/
    #[arg(value_name = "INPUT")]
    pub inputs: Vec<String>,

    /// Directory for clusters.json, clusters.csv, overlaps.jsonl, overlap.html, overlap/ and
    /// manifest.json (created if missing).
    #[arg(short, long, value_name = "DIR", default_value = "reports")]
    pub out: PathBuf,

    #[command(flatten)]
    pub pipeline: PipelineOptions,

    /// Do not write overlap.html and overlap/.
    #[arg(long)]
    pub no_html: bool,

    /// Links shown with their two texts per page of overlap/ (all are in its table of links).
    #[arg(long, value_name = "N", default_value_t = reprint::report::html::DEFAULT_MAX_PAIRS)]
    pub html_max_pairs: usize,

    /// Clusters with a page in overlap/ and a row in the index, largest first.
    #[arg(long, value_name = "N", default_value_t = reprint::report::html::DEFAULT_MAX_CLUSTERS)]
    pub html_clusters: usize,

    /// Documents with a page in overlap/: up to N members of the clusters with one (largest
    /// cluster first), and the N documents with the most overlaps.
    #[arg(long, value_name = "N", default_value_t = reprint::report::html::DEFAULT_MAX_DOCUMENTS)]
    pub html_documents: usize,

    /// Bytes of texts held; past that, every text is let go into a temporary file in --out and read from there. A size may end in K, M, G or T (powers of 1024).
    #[arg(long, value_name = "BYTES", default_value_t = Bytes(reprint::pipeline::DEFAULT_FILED_TEXT_MEMORY))]
    pub text_memory: Bytes,

    /// Bytes of alignment sequences the passage stage holds (a sequence takes about 12 bytes a word); past that, documents are aligned a row of them at a time, and the sequences of later documents they share passages with are made once and read back from a temporary file in --out by each row. A size may end in K, M, G or T (powers of 1024).
    #[arg(long, value_name = "BYTES", default_value_t = Bytes(reprint::pipeline::DEFAULT_ALIGN_MEMORY))]
    pub align_memory: Bytes,

    #[command(flatten)]
    pub links: crate::stage_cmd::LinksOption,

    #[command(flatten)]
    pub run: RunOptions,
}

/// Everything that configures a pipeline run (shared by cluster, dedup and eval).
#[derive(Debug, Args)]
pub struct PipelineOptions {
    #[command(flatten)]
    pub matching: MatchOptions,

    #[command(flatten)]
    pub index: IndexOptions,

    #[command(flatten)]
    pub input: InputOptions,
}

/// How two documents are compared and when they are linked.
#[derive(Debug, Args)]
pub struct MatchOptions {
    /// Shingles: word:N (word n-grams) or char:N (character n-grams).
    #[arg(long, value_name = "KIND:N", default_value = "word:5")]
    pub shingle: ShingleConfig,

    /// Normalization profile: default (NFKC, case, marks, Arabic letters and digits) or none.
    #[arg(long, value_enum, default_value_t = NormalizeArg::Default)]
    pub normalize: NormalizeArg,

    /// Jaccard similarity of shingle sets that makes two documents the same story (0 < t <= 1);
    /// with --threshold 1 only documents equal after normalization are duplicates.
    #[arg(short, long, default_value_t = DEFAULT_THRESHOLD)]
    pub threshold: f64,

    /// Seed of shingle hashes and MinHash permutations.
    #[arg(long, default_value_t = DEFAULT_SEED)]
    pub seed: u64,

    /// Turn off passage detection: link documents by whole-document Jaccard only.
    #[arg(long, help_heading = "Passages (partial reprints)")]
    pub no_passages: bool,

    /// Shortest shared passage, in words, that counts toward a link.
    #[arg(long, value_name = "WORDS", default_value_t = DEFAULT_MIN_PASSAGE, help_heading = "Passages (partial reprints)")]
    pub min_passage: usize,

    /// Share of EACH document that specific shared passages must cover to make two documents
    /// whose Jaccard is below --threshold the same story (less is an overlap).
    #[arg(long, value_name = "SHARE", default_value_t = DEFAULT_MIN_COVERAGE, help_heading = "Passages (partial reprints)")]
    pub min_coverage: f64,

    /// Largest edit, in words, bridged inside one passage (and the largest edit read for a
    /// replaced figure).
    #[arg(long, value_name = "WORDS", default_value_t = DEFAULT_MAX_GAP, help_heading = "Passages (partial reprints)")]
    pub max_gap: usize,

    /// Winnowing window in shingles: shared runs of window + k - 1 words are always found.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_WINDOW, help_heading = "Passages (partial reprints)")]
    pub winnow_window: usize,

    /// Ignore passage fingerprints held by more than this many documents (boilerplate).
    #[arg(long, value_name = "DOCS", default_value_t = DEFAULT_MAX_DF, help_heading = "Passages (partial reprints)")]
    pub max_df: usize,

    /// Fingerprints two documents must share before their passages are aligned.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MIN_SHARED, help_heading = "Passages (partial reprints)")]
    pub min_shared: usize,

    /// A passage held by more documents than this is formula, boilerplate or template text:
    /// it shows as an overlap but never makes two documents the same story.
    #[arg(long, value_name = "DOCS", default_value_t = DEFAULT_MAX_FAMILY, help_heading = "Passages (partial reprints)")]
    pub max_family: usize,

    /// Share of a document's words that must lie inside passages shared with the kept
    /// document for it to be a duplicate (it may have at most the rest of its own). A
    /// document that puts another figure in the same words (an edit of at most --max-gap
    /// words, numbers on both sides, digits differing) is never a duplicate.
    #[arg(long, value_name = "SHARE", default_value_t = DEFAULT_MIN_COVERED)]
    pub min_covered: f64,

    /// Do not compare figures: a document that puts other numbers in the same words as the
    /// kept one (a header's line count, a price of another day) can be a duplicate.
    #[arg(long)]
    pub ignore_figures: bool,
}

/// How candidate pairs are found and how links become clusters.
#[derive(Debug, Args)]
pub struct IndexOptions {
    /// Signature method for LSH candidates.
    #[arg(long, value_enum, default_value_t = MethodArg::Minhash, help_heading = "Candidates and clusters")]
    pub method: MethodArg,

    /// Candidate generation: lsh (signatures), exact (prefix-filtered join; no misses), or
    /// identical (byte-identical texts only; no passage links).
    #[arg(long, value_enum, default_value_t = CandidatesArg::Lsh, help_heading = "Candidates and clusters")]
    pub candidates: CandidatesArg,

    /// MinHash permutations (signature length).
    #[arg(long, default_value_t = DEFAULT_NUM_PERM, help_heading = "Candidates and clusters")]
    pub num_perm: usize,

    /// LSH bands (with --rows; default: chosen from --threshold).
    #[arg(long, requires = "rows", help_heading = "Candidates and clusters")]
    pub bands: Option<usize>,

    /// LSH rows per band (with --bands).
    #[arg(long, requires = "bands", help_heading = "Candidates and clusters")]
    pub rows: Option<usize>,

    /// SimHash: largest Hamming distance proposed as a candidate.
    #[arg(long, default_value_t = DEFAULT_MAX_HAMMING, help_heading = "Candidates and clusters")]
    pub max_hamming: u32,

    /// How links become clusters: stories (connected components split where two groups are
    /// held together by a sparse cut of passage links), components (every chain of links) or
    /// center (stars around a center document; never chains).
    #[arg(long, value_name = "METHOD", default_value = "stories", value_parser = ["stories", "components", "center"], help_heading = "Candidates and clusters")]
    pub cluster: String,

    /// Representative of each cluster (the document kept by dedup): first (in input order),
    /// longest, shortest, earliest:FIELD or latest:FIELD (smallest / largest value of a JSON
    /// field or CSV column, e.g. earliest:date; documents without it rank last, and are counted
    /// in a warning; no document with it is an error).
    #[arg(long, value_name = "POLICY", default_value = "first", help_heading = "Candidates and clusters")]
    pub keep: String,

    /// Decide every pair on its own: keep the story links of roundups (documents made of passages
    /// of several stories), which are otherwise set aside for all their stories but one, and of
    /// hubs of boilerplate (short documents that are mostly a widely held passage, linked through
    /// it to many mutually unlinked documents). With --cluster components, the relations `reprint
    /// query` reports (an index query never prunes: pruning needs every link of the corpus).
    #[arg(long, help_heading = "Candidates and clusters")]
    pub no_prune: bool,
}

/// How records are read.
#[derive(Debug, Args)]
pub struct InputOptions {
    /// JSON field (dotted paths reach nested objects), CSV/TSV or Parquet column (dotted paths
    /// reach struct fields) with the document id.
    /// A field that no record of an input has is an error naming the fields seen.
    #[arg(long, default_value = DEFAULT_ID_FIELD, help_heading = "Input")]
    pub id_field: String,

    /// JSON field (dotted paths reach nested objects), CSV/TSV or Parquet column with the document
    /// text. A field that no record of an input has is an error naming the fields seen.
    #[arg(long, default_value = DEFAULT_TEXT_FIELD, help_heading = "Input")]
    pub text_field: String,

    /// What to read from directories: file extensions, comma-separated (jsonl also matches
    /// .jsonl.gz); * reads every file. Files named as record files (.jsonl, .ndjson, .json, .csv,
    /// .tsv, also compressed; .parquet) are read as records, every other chosen file as one
    /// document. Default: the directory's contents decide: its .txt files, or its record files
    /// (both is an error).
    #[arg(long, value_name = "EXT,...", value_delimiter = ',', help_heading = "Input")]
    pub ext: Option<Vec<String>>,

    /// Skip documents larger than this many bytes. A size may end in K, M, G or T (powers of 1024).
    #[arg(long, value_name = "BYTES", default_value_t = Bytes(DEFAULT_MAX_DOC_BYTES), help_heading = "Input")]
    pub max_doc_bytes: Bytes,

    /// Run even when an input holds nothing to read (an empty file or directory) or no document
    /// could be read at all; by default each is an error (exit status 2).
    #[arg(long, help_heading = "Input")]
    pub allow_empty: bool,

    /// Record fields carried into the outputs (clusters.json, clusters.csv, overlaps.jsonl,
    /// removed.jsonl): all (every string, number and boolean field but the id and the text; every
    /// CSV/TSV column and every Parquet column holding such values but those two; Parquet dates and
    /// timestamps as ISO 8601 strings), none, or FIELD,FIELD,... (each must be in some record).
    #[arg(long, value_name = "FIELD,...", default_value = "all", help_heading = "Input")]
    pub meta: String,

    /// Field shown as a document's title in reports (default: title, when records have it; a
    /// field given here that no record has is an error).
    #[arg(long, value_name = "FIELD", help_heading = "Input")]
    pub title_field: Option<String>,

    /// Field shown as a document's date (default: date, when records have it).
    #[arg(long, value_name = "FIELD", help_heading = "Input")]
    pub date_field: Option<String>,

    /// Field shown as a document's outlet, its publisher (default: source, when records have it).
    #[arg(long, value_name = "FIELD", help_heading = "Input")]
    pub source_field: Option<String>,

    /// A record that cannot be read: skip it (reported; exit status 3) or fail the run.
    #[arg(long, value_enum, default_value_t = OnErrorArg::Skip, help_heading = "Input")]
    pub on_error: OnErrorArg,
}

/// Threads and terminal output.
#[derive(Debug, Args)]
pub struct RunOptions {
    /// Worker threads, at most 1024 (default or 0: one per core; RAYON_NUM_THREADS also works).
    #[arg(long, short = 'j')]
    pub threads: Option<usize>,

    /// No progress bars and no summary on stdout.
    #[arg(short, long)]
    pub quiet: bool,
}

impl InputOptions {
    /// How records are read.
    pub fn corpus_config(&self) -> anyhow::Result<CorpusConfig> {
        let display = |given: &Option<String>, default: &str| match given {
            Some(name) => DisplayField { name: name.clone(), explicit: true },
            None => DisplayField::default_to(default),
        };
        let meta = MetaConfig {
            fields: MetaFields::parse(&self.meta).map_err(|e| anyhow::anyhow!("--meta {e}"))?,
            title: display(&self.title_field, DEFAULT_TITLE_FIELD),
            date: display(&self.date_field, DEFAULT_DATE_FIELD),
            outlet: display(&self.source_field, DEFAULT_SOURCE_FIELD),
        };
        Ok(CorpusConfig {
            id_field: self.id_field.clone(),
            text_field: self.text_field.clone(),
            extensions: self.ext.as_ref().map(|ext| {
                ext.iter()
                    .map(|e| e.trim().trim_start_matches('.').to_lowercase())
                    .filter(|e| !e.is_empty())
                    .collect()
            }),
            max_doc_bytes: self.max_doc_bytes.0,
            key_field: None,
            allow_empty: self.allow_empty,
            meta,
            exclude: Vec::new(),
        })
    }
}

impl PipelineOptions {
    /// The library parameters these flags give (not yet validated).
    pub fn params(&self) -> anyhow::Result<Params> {
        self.matching.params(Some(&self.index), &self.input)
    }
}

impl MatchOptions {
    /// The library parameters these flags give, with the candidate and cluster flags of
    /// `index` when the command has them.
    pub fn params(&self, index: Option<&IndexOptions>, input: &InputOptions) -> anyhow::Result<Params> {
        let m = self;
        let defaults = Params::default();
        let mut p = Params {
            corpus: input.corpus_config()?,
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
                max_family: m.max_family,
            }),
            min_covered: m.min_covered,
            ignore_figures: m.ignore_figures,
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
                CandidatesArg::Identical => CandidateMode::Identical,
            };
            p.num_perm = ix.num_perm;
            p.bands = ix.bands;
            p.rows = ix.rows;
            p.max_hamming = ix.max_hamming;
            let (policy, field) = match ix.keep.split_once(':') {
                Some((policy, field)) => (policy, Some(field.to_owned())),
                None => (ix.keep.as_str(), None),
            };
            p.keep = policy.parse().map_err(|e: String| anyhow::anyhow!("--keep: {e}"))?;
            p.corpus.key_field = field.filter(|f| !f.is_empty());
            p.cluster = ix.cluster.parse().map_err(anyhow::Error::msg)?;
            p.prune_composites = !ix.no_prune;
        }
        Ok(p)
    }
}

/// `--normalize` values.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum NormalizeArg {
    /// NFKC, case folding, mark removal, Arabic letter and digit folding.
    Default,
    /// Text as is; only word segmentation.
    None,
}

/// `--method` values.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum MethodArg {
    /// MinHash signatures, banded LSH.
    Minhash,
    /// SimHash fingerprints, Hamming block tables.
    Simhash,
}

/// `--candidates` values.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum CandidatesArg {
    /// Locality-sensitive hashing.
    Lsh,
    /// Exact prefix-filtered similarity join.
    Exact,
    /// Byte-identical texts only (exact-copy dedup; no passage links).
    Identical,
}

/// `--on-error` values.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum OnErrorArg {
    /// Skip and report.
    Skip,
    /// Stop at the first bad record.
    Fail,
}
