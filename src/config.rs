//! Parameters and their validation: [`Params`] holds the user's choices (every field has a
//! documented default); [`Params::resolve`] validates them once and returns a [`Config`] in
//! which every derived value (bands and rows) is fixed, so that no stage has an error branch in
//! its hot loop. [`same_sketch`] says when documents sketched under one configuration can be
//! reused under another.

use crate::cluster::{ClusterMethod, Keep};
use crate::corpus::CorpusConfig;
use crate::lsh::{banding::Banding, winnow};
use crate::normalize::Profile;
use crate::overlap::PassageConfig;
use crate::shingle::{ShingleConfig, ShingleKind};
use crate::sketch::SketchKind;
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// How signatures are computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Method {
    /// MinHash signatures with banded LSH.
    #[default]
    Minhash,
    /// 64-bit SimHash fingerprints with Hamming block tables.
    Simhash,
}

/// How candidate pairs are proposed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CandidateMode {
    /// Locality-sensitive hashing over the signatures of `--method`.
    #[default]
    Lsh,
    /// Every pair that can reach the threshold, through prefix filtering (no misses).
    Exact,
    /// Only documents whose original texts are byte-identical (exact-copy deduplication;
    /// implies no passage links).
    Identical,
}

/// What to do with a record that cannot be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OnError {
    /// Skip it, report it, and go on.
    #[default]
    Skip,
    /// Stop the run with an error.
    Fail,
}

/// Default Jaccard threshold.
pub const DEFAULT_THRESHOLD: f64 = 0.5;
/// Default number of MinHash permutations.
pub const DEFAULT_NUM_PERM: usize = 128;
/// Default seed of shingle hashes and permutations.
pub const DEFAULT_SEED: u64 = 42;
/// Default maximum Hamming distance for SimHash candidates.
pub const DEFAULT_MAX_HAMMING: u32 = 3;
/// Bytes of texts a run holds (1 GiB) when its sink names no directory for a file of texts:
/// past that, texts are let go and the inputs read again for the documents that need them
/// (see [`crate::pipeline::Texts`]).
pub const DEFAULT_TEXT_MEMORY: usize = 1 << 30;
/// Bytes of texts `reprint cluster` and `reprint dedup` hold (16 MiB, `--text-memory`): past
/// that, every text goes to the file of texts in `--out` once its document is sketched, and is
/// read from there by the stages that need it. Only the documents in candidate pairs need
/// theirs, so holding every text costs memory the size of the corpus for little time (on
/// SaudiNewsNet, 95 MB of texts: 42% less peak memory for about 8% more time). A corpus past
/// the budget has held the budget's worth of texts when it lets them go, so the budget is
/// small: it spares only small corpora the file.
pub const DEFAULT_FILED_TEXT_MEMORY: usize = 16 << 20;
/// Bytes of alignment sequences the passage stage holds (512 MiB, `--align-memory`): past
/// that, documents are aligned a row of them at a time (see
/// [`crate::pipeline::relate`]), and the sequences of later documents they share passages with
/// are made again for each row. A sequence takes about 12 bytes a word, estimated at 2 bytes a
/// character, so the default makes one row of a corpus of about 270 million characters.
pub const DEFAULT_ALIGN_MEMORY: usize = 512 << 20;

/// The user's choices, before validation. `Default` gives the documented defaults.
#[derive(Debug, Clone, PartialEq)]
pub struct Params {
    /// How records are read.
    pub corpus: CorpusConfig,
    /// Normalization profile.
    pub normalize: Profile,
    /// Shingle kind and size.
    pub shingle: ShingleConfig,
    /// Signature method.
    pub method: Method,
    /// Candidate generation.
    pub candidates: CandidateMode,
    /// Jaccard threshold a verified pair must reach.
    pub threshold: f64,
    /// MinHash signature length.
    pub num_perm: usize,
    /// Seed for shingle hashing and permutations.
    pub seed: u64,
    /// Explicit number of bands (with `rows`), or `None` to choose from the threshold.
    pub bands: Option<usize>,
    /// Explicit rows per band (with `bands`).
    pub rows: Option<usize>,
    /// SimHash: largest Hamming distance proposed as a candidate.
    pub max_hamming: u32,
    /// Representative choice.
    pub keep: Keep,
    /// Bad-record policy.
    pub on_error: OnError,
    /// Passage-level detection (partial reprints); `None` turns it off.
    pub passages: Option<PassageParams>,
    /// How linked pairs become clusters.
    pub cluster: ClusterMethod,
    /// Share of a duplicate's words inside passages shared with the kept document.
    pub min_covered: f64,
    /// `--ignore-figures`: a pair that puts another figure in the same words can be a
    /// duplicate.
    pub ignore_figures: bool,
    /// Whether roundups lose their story links to all groups but one (`--no-prune` turns it
    /// off; see [`Config::prune_composites`]).
    pub prune_composites: bool,
    /// Bytes of texts held while reading files (`--text-memory`): past that, texts are read
    /// again when needed.
    pub text_memory: usize,
    /// Bytes of alignment sequences held (`--align-memory`; see [`DEFAULT_ALIGN_MEMORY`]).
    pub align_memory: usize,
}

/// Passage-level detection: winnowing candidates, then alignment and the linking rule.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PassageParams {
    /// Alignment and linking rule.
    #[serde(flatten)]
    pub rule: PassageConfig,
    /// Winnowing window, in shingles.
    pub window: usize,
    /// Fingerprints held by more documents than this are ignored.
    pub max_df: usize,
    /// Fingerprints two documents must share to be aligned.
    pub min_shared: usize,
    /// Passages held by more documents than this never make a story link.
    pub max_family: usize,
}

impl Default for PassageParams {
    fn default() -> Self {
        PassageParams {
            rule: PassageConfig::default(),
            window: winnow::DEFAULT_WINDOW,
            max_df: winnow::DEFAULT_MAX_DF,
            min_shared: winnow::DEFAULT_MIN_SHARED,
            max_family: crate::relation::DEFAULT_MAX_FAMILY,
        }
    }
}

impl Default for Params {
    fn default() -> Self {
        Params {
            corpus: CorpusConfig::default(),
            normalize: Profile::Default,
            shingle: ShingleConfig::default(),
            method: Method::Minhash,
            candidates: CandidateMode::Lsh,
            threshold: DEFAULT_THRESHOLD,
            num_perm: DEFAULT_NUM_PERM,
            seed: DEFAULT_SEED,
            bands: None,
            rows: None,
            max_hamming: DEFAULT_MAX_HAMMING,
            keep: Keep::First,
            on_error: OnError::Skip,
            passages: Some(PassageParams::default()),
            cluster: ClusterMethod::Stories,
            min_covered: crate::relation::DEFAULT_MIN_COVERED,
            ignore_figures: false,
            prune_composites: true,
            text_memory: DEFAULT_TEXT_MEMORY,
            align_memory: DEFAULT_ALIGN_MEMORY,
        }
    }
}

/// A combination of parameters that cannot work, found before any work starts.
#[derive(Debug, Error, PartialEq)]
pub enum ConfigError {
    /// Threshold outside (0, 1].
    #[error("--threshold must be greater than 0 and at most 1, got {0}")]
    Threshold(f64),
    /// Zero or absurd signature length.
    #[error("--num-perm must be between 1 and 4096, got {0}")]
    NumPerm(usize),
    /// Only one of bands / rows.
    #[error("--bands and --rows go together: give both, or neither to choose them from --threshold")]
    BandsRowsPair,
    /// Zero bands or rows.
    #[error("--bands and --rows must be at least 1")]
    BandsRowsZero,
    /// Bands × rows exceeds the signature.
    #[error("--bands {bands} x --rows {rows} = {} is more than --num-perm {num_perm}", *bands as u128 * *rows as u128)]
    BandsRowsTooMany {
        /// Bands.
        bands: usize,
        /// Rows.
        rows: usize,
        /// Signature length.
        num_perm: usize,
    },
    /// Hamming distance too large for 64-bit fingerprints.
    #[error("--max-hamming must be below 32 for 64-bit fingerprints, got {0}")]
    MaxHamming(u32),
    /// Banding flags with SimHash.
    #[error("--bands/--rows apply to --method minhash, not simhash (use --max-hamming)")]
    BandsWithSimhash,
    /// Empty field names.
    #[error("--id-field and --text-field must not be empty")]
    EmptyField,
    /// No extension to read.
    #[error("--ext needs at least one extension (or * for every file)")]
    NoExtension,
    /// `earliest`/`latest` without a field, or a field without them.
    #[error("--keep earliest and latest need a field: --keep earliest:FIELD (e.g. earliest:date)")]
    KeepField,
    /// Passage parameters out of range.
    #[error("{0}")]
    Passage(&'static str),
    /// `RAYON_NUM_THREADS` is not a number.
    #[error("RAYON_NUM_THREADS={0:?}: expected a number of worker threads")]
    ThreadsEnv(String),
    /// A value above the largest the stage can represent.
    #[error("{flag} must be at most {max}, got {value} ({why})")]
    TooLarge {
        /// The flag.
        flag: &'static str,
        /// The value given.
        value: u64,
        /// The largest value accepted.
        max: u64,
        /// Why the limit exists.
        why: &'static str,
    },
}

/// The largest `--max-doc-bytes`: byte offsets into a document are 32-bit.
pub const MAX_DOC_BYTES: usize = u32::MAX as usize;
/// The largest word count a flag can give (`--min-passage`, `--max-gap`, `--winnow-window`):
/// word and shingle positions in a document are 32-bit.
pub const MAX_WORDS: usize = u32::MAX as usize;

/// The most worker threads `--threads` accepts: each thread reserves a stack, and threads
/// beyond the cores only add overhead.
pub const MAX_THREADS: usize = 1024;

/// Checks `--threads` (0: one per core).
pub fn check_threads(n: usize) -> Result<(), ConfigError> {
    at_most("--threads", n, MAX_THREADS, THREADS_WHY)
}

/// Why [`MAX_THREADS`] exists, as the error says it.
const THREADS_WHY: &str = "0: one per core; more threads than cores only add overhead";

/// The number of worker threads to start: `--threads` (`flag`) when given, else the
/// `RAYON_NUM_THREADS` environment variable (`env`) when set, else `None` (one per core).
/// Either source above [`MAX_THREADS`] is refused, naming it, instead of failing to start the
/// threads.
pub fn worker_threads(flag: Option<usize>, env: Option<&str>) -> Result<Option<usize>, ConfigError> {
    if let Some(n) = flag {
        check_threads(n)?;
        return Ok(Some(n));
    }
    let Some(v) = env else { return Ok(None) };
    let n = v.trim().parse::<usize>().map_err(|_| ConfigError::ThreadsEnv(v.to_owned()))?;
    at_most("RAYON_NUM_THREADS", n, MAX_THREADS, THREADS_WHY)?;
    Ok(Some(n))
}

/// `Err(TooLarge)` when `value > max`.
fn at_most(flag: &'static str, value: usize, max: usize, why: &'static str) -> Result<(), ConfigError> {
    if value > max {
        return Err(ConfigError::TooLarge { flag, value: value as u64, max: max as u64, why });
    }
    Ok(())
}

/// The candidate stage as resolved: each mode carries exactly the parameters it uses, so no
/// stage re-applies a default or meets a state validation never produces.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Candidates {
    /// MinHash signatures (`num_perm` slots), banded.
    MinHashLsh {
        /// Bands and rows.
        banding: Banding,
        /// Whether bands and rows were chosen from the threshold (true) or given.
        from_threshold: bool,
    },
    /// 64-bit SimHash fingerprints, Hamming block tables.
    SimHashLsh {
        /// Largest Hamming distance proposed.
        max_hamming: u32,
    },
    /// Every pair that can reach the threshold (prefix-filtered join on the shingle sets).
    Exact,
    /// Byte-identical texts only.
    Identical,
}

impl Candidates {
    /// The mode, as `--candidates` names it.
    pub fn mode(&self) -> CandidateMode {
        match self {
            Candidates::MinHashLsh { .. } | Candidates::SimHashLsh { .. } => CandidateMode::Lsh,
            Candidates::Exact => CandidateMode::Exact,
            Candidates::Identical => CandidateMode::Identical,
        }
    }

    /// Bands and rows (MinHash LSH only).
    pub fn banding(&self) -> Option<Banding> {
        match self {
            Candidates::MinHashLsh { banding, .. } => Some(*banding),
            _ => None,
        }
    }

    /// Whether bands and rows were chosen from the threshold (MinHash LSH only).
    pub fn banding_from_threshold(&self) -> bool {
        matches!(self, Candidates::MinHashLsh { from_threshold: true, .. })
    }

    /// The Hamming radius (SimHash LSH only).
    pub fn max_hamming(&self) -> Option<u32> {
        match self {
            Candidates::SimHashLsh { max_hamming } => Some(*max_hamming),
            _ => None,
        }
    }
}

impl Config {
    /// The sketch the candidate stage needs from every document, if any.
    pub fn sketch_kind(&self) -> Option<SketchKind> {
        match self.candidates {
            Candidates::MinHashLsh { .. } => {
                Some(SketchKind::MinHash { num_perm: self.num_perm, seed: self.seed })
            }
            Candidates::SimHashLsh { .. } => Some(SketchKind::SimHash { seed: self.seed }),
            Candidates::Exact | Candidates::Identical => None,
        }
    }
}

/// Validated parameters with every derived value resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// How records are read.
    pub corpus: CorpusConfig,
    /// Normalization profile.
    pub normalize: Profile,
    /// Shingle kind and size.
    pub shingle: ShingleConfig,
    /// Signature method as given (reported; what is sketched follows from `candidates`).
    pub method: Method,
    /// The candidate stage, with the parameters of its mode.
    pub candidates: Candidates,
    /// Jaccard threshold.
    pub threshold: f64,
    /// MinHash signature length as given (used by [`Candidates::MinHashLsh`]).
    pub num_perm: usize,
    /// Seed.
    pub seed: u64,
    /// Representative choice.
    pub keep: Keep,
    /// Bad-record policy.
    pub on_error: OnError,
    /// Passage-level detection, if on.
    pub passages: Option<PassageParams>,
    /// Words per shingle used for passages (the word shingle size, or 5 with `char:N`).
    pub passage_k: usize,
    /// How linked pairs become clusters.
    pub cluster: ClusterMethod,
    /// Share of a duplicate's words inside passages shared with the kept document.
    pub min_covered: f64,
    /// Whether figures are not compared for the duplicate relation (`--ignore-figures`).
    pub ignore_figures: bool,
    /// Whether composite documents (roundups) lose their links to all groups but one
    /// ([`crate::relation::prune_composites`]). On unless `--no-prune`; off, the relations are
    /// those of each pair alone, as an index query decides them (pruning needs every link of
    /// the corpus).
    pub prune_composites: bool,
    /// Bytes of texts a run over files holds ([`crate::pipeline::Texts`]).
    pub text_memory: usize,
    /// Bytes of alignment sequences the passage stage holds ([`DEFAULT_ALIGN_MEMORY`]).
    pub align_memory: usize,
}

impl Config {
    /// The parameters of the three relations.
    pub fn relations(&self) -> crate::relation::RelationConfig {
        crate::relation::RelationConfig {
            threshold: self.threshold,
            min_coverage: self.passages.map_or(0.0, |p| p.rule.min_coverage),
            max_family: self.passages.map_or(0, |p| p.max_family),
            min_covered: self.min_covered,
            figures: !self.ignore_figures,
        }
    }
}

impl Params {
    /// Validates the parameters and resolves derived ones.
    pub fn resolve(&self) -> Result<Config, ConfigError> {
        if !(self.threshold > 0.0 && self.threshold <= 1.0) {
            return Err(ConfigError::Threshold(self.threshold));
        }
        if !(1..=4096).contains(&self.num_perm) {
            return Err(ConfigError::NumPerm(self.num_perm));
        }
        if self.corpus.id_field.is_empty() || self.corpus.text_field.is_empty() {
            return Err(ConfigError::EmptyField);
        }
        at_most(
            "--max-doc-bytes",
            self.corpus.max_doc_bytes,
            MAX_DOC_BYTES,
            "byte offsets into a document are 32-bit",
        )?;
        if self.corpus.extensions.as_ref().is_some_and(Vec::is_empty) {
            return Err(ConfigError::NoExtension);
        }
        if self.keep.needs_key() != self.corpus.key_field.is_some() {
            return Err(ConfigError::KeepField);
        }
        let explicit = match (self.bands, self.rows) {
            (None, None) => None,
            (Some(b), Some(r)) => {
                if b == 0 || r == 0 {
                    return Err(ConfigError::BandsRowsZero);
                }
                if b.checked_mul(r).is_none_or(|slots| slots > self.num_perm) {
                    return Err(ConfigError::BandsRowsTooMany { bands: b, rows: r, num_perm: self.num_perm });
                }
                Some(Banding { bands: b, rows: r })
            }
            _ => return Err(ConfigError::BandsRowsPair),
        };
        if self.method == Method::Simhash && explicit.is_some() {
            return Err(ConfigError::BandsWithSimhash);
        }
        if self.max_hamming >= 32 {
            return Err(ConfigError::MaxHamming(self.max_hamming));
        }
        if !(0.0..=1.0).contains(&self.min_covered) {
            return Err(ConfigError::Passage("--min-covered must be between 0 and 1"));
        }
        if let Some(p) = &self.passages {
            if p.rule.min_passage == 0 {
                return Err(ConfigError::Passage("--min-passage must be at least 1 word"));
            }
            if !(0.0..=1.0).contains(&p.rule.min_coverage) {
                return Err(ConfigError::Passage("--min-coverage must be between 0 and 1"));
            }
            if p.window == 0 || p.min_shared == 0 || p.rule.max_repeats == 0 {
                return Err(ConfigError::Passage("--winnow-window and --min-shared must be at least 1"));
            }
            if p.max_df < 2 {
                return Err(ConfigError::Passage(
                    "--max-df must be at least 2 (a fingerprint links two documents)",
                ));
            }
            if p.max_family < 2 {
                return Err(ConfigError::Passage(
                    "--max-family must be at least 2 (a shared passage is held by two documents)",
                ));
            }
            let words = "word positions in a document are 32-bit";
            at_most("--min-passage", p.rule.min_passage, MAX_WORDS, words)?;
            at_most("--max-gap", p.rule.max_gap, MAX_WORDS, words)?;
            at_most("--winnow-window", p.window, MAX_WORDS, words)?;
        }
        let candidates = match (self.candidates, self.method) {
            (CandidateMode::Lsh, Method::Minhash) => Candidates::MinHashLsh {
                banding: explicit.unwrap_or_else(|| Banding::optimal(self.threshold, self.num_perm)),
                from_threshold: explicit.is_none(),
            },
            (CandidateMode::Lsh, Method::Simhash) => Candidates::SimHashLsh { max_hamming: self.max_hamming },
            (CandidateMode::Exact, _) => Candidates::Exact,
            (CandidateMode::Identical, _) => Candidates::Identical,
        };
        Ok(Config {
            corpus: self.corpus.clone(),
            normalize: self.normalize,
            shingle: self.shingle,
            method: self.method,
            candidates,
            threshold: self.threshold,
            num_perm: self.num_perm,
            seed: self.seed,
            keep: self.keep,
            on_error: self.on_error,
            passages: if candidates == Candidates::Identical { None } else { self.passages },
            passage_k: match self.shingle.kind {
                ShingleKind::Word => self.shingle.size,
                ShingleKind::Char => crate::shingle::DEFAULT_WORD_SHINGLE,
            },
            cluster: self.cluster,
            min_covered: self.min_covered,
            ignore_figures: self.ignore_figures,
            prune_composites: self.prune_composites,
            text_memory: self.text_memory,
            align_memory: self.align_memory,
        })
    }
}

/// Whether documents sketched under `a` can be reused under `b` (same tokens, shingles,
/// signatures and fingerprints).
pub fn same_sketch(a: &Config, b: &Config) -> bool {
    a.corpus == b.corpus
        && a.normalize == b.normalize
        && a.shingle == b.shingle
        && a.seed == b.seed
        && a.num_perm == b.num_perm
        && a.sketch_kind() == b.sketch_kind()
        && a.candidates.mode() == b.candidates.mode()
        && a.passages.map(|p| p.window) == b.passages.map(|p| p.window)
        && a.passage_k == b.passage_k
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pins the documented defaults: README, `--help` and this test change together.
    #[test]
    fn defaults_are_pinned() {
        let c = Params::default().resolve().unwrap();
        assert_eq!(c.threshold, 0.5);
        assert_eq!(c.num_perm, 128);
        assert_eq!(c.seed, 42);
        assert_eq!(c.shingle.to_string(), "word:5");
        assert_eq!(c.normalize, Profile::Default);
        assert_eq!(c.method, Method::Minhash);
        assert_eq!(c.keep, Keep::First);
        assert_eq!(c.corpus.id_field, "id");
        assert_eq!(c.corpus.text_field, "text");
        assert_eq!(c.corpus.extensions, None);
        assert_eq!(
            c.candidates,
            Candidates::MinHashLsh { banding: Banding { bands: 35, rows: 3 }, from_threshold: true }
        );
    }

    #[test]
    fn impossible_combinations_are_config_errors() {
        let with = |f: fn(&mut Params)| {
            let mut p = Params::default();
            f(&mut p);
            p.resolve().unwrap_err()
        };
        assert_eq!(with(|p| p.threshold = 0.0), ConfigError::Threshold(0.0));
        assert_eq!(with(|p| p.threshold = 1.5), ConfigError::Threshold(1.5));
        assert_eq!(with(|p| p.num_perm = 0), ConfigError::NumPerm(0));
        assert_eq!(with(|p| p.bands = Some(4)), ConfigError::BandsRowsPair);
        assert_eq!(
            with(|p| {
                p.bands = Some(20);
                p.rows = Some(7);
            }),
            ConfigError::BandsRowsTooMany { bands: 20, rows: 7, num_perm: 128 }
        );
        assert_eq!(
            with(|p| {
                p.method = Method::Simhash;
                p.bands = Some(2);
                p.rows = Some(2);
            }),
            ConfigError::BandsWithSimhash
        );
        assert_eq!(with(|p| p.max_hamming = 40), ConfigError::MaxHamming(40));
        // bands x rows overflows usize: still an error, never a wrapped product that passes.
        let e = with(|p| {
            p.bands = Some(1 << 63);
            p.rows = Some(2);
        });
        assert_eq!(
            e.to_string(),
            "--bands 9223372036854775808 x --rows 2 = 18446744073709551616 is more than --num-perm 128"
        );
        assert!(matches!(
            with(|p| p.corpus.max_doc_bytes = usize::MAX),
            ConfigError::TooLarge { flag: "--max-doc-bytes", max: 4294967295, .. }
        ));
        for f in [
            |p: &mut Params| p.passages.as_mut().unwrap().rule.max_gap = usize::MAX,
            |p: &mut Params| p.passages.as_mut().unwrap().rule.min_passage = usize::MAX,
            |p: &mut Params| p.passages.as_mut().unwrap().window = usize::MAX,
        ] {
            assert!(matches!(with(f), ConfigError::TooLarge { max: 4294967295, .. }));
        }
    }

    proptest::proptest! {
        /// Fuzz target: any value of every numeric parameter, extremes and NaN included, is a
        /// `ConfigError` or a valid configuration, never a panic; an accepted configuration
        /// compares two texts without panicking, and the view width is bounded.
        #[test]
        fn validation_never_panics(
            threshold in num_f64(),
            min_coverage in num_f64(),
            num_perm in num_usize(),
            bands in proptest::option::of(num_usize()),
            rows in proptest::option::of(num_usize()),
            max_hamming in proptest::prop_oneof![proptest::prelude::any::<u32>(), 0u32..40],
            min_passage in num_usize(),
            max_gap in num_usize(),
            window in num_usize(),
            max_df in num_usize(),
            min_shared in num_usize(),
            max_doc_bytes in num_usize(),
            seed in proptest::prelude::any::<u64>(),
            simhash in proptest::prelude::any::<bool>(),
            mode in 0u8..3,
            threads in num_usize(),
            width in proptest::option::of(num_usize()),
            columns in proptest::option::of("[0-9]{0,25}"),
        ) {
            let mut p = Params {
                threshold,
                num_perm,
                bands,
                rows,
                max_hamming,
                seed,
                method: if simhash { Method::Simhash } else { Method::Minhash },
                candidates: [CandidateMode::Lsh, CandidateMode::Exact, CandidateMode::Identical][mode as usize],
                ..Params::default()
            };
            p.corpus.max_doc_bytes = max_doc_bytes;
            if let Some(pp) = p.passages.as_mut() {
                pp.rule.min_coverage = min_coverage;
                pp.rule.min_passage = min_passage;
                pp.rule.max_gap = max_gap;
                pp.window = window;
                pp.max_df = max_df;
                pp.min_shared = min_shared;
            }
            if let Ok(c) = p.resolve() {
                if let Some(b) = c.candidates.banding() {
                    proptest::prop_assert!(b.bands.checked_mul(b.rows).is_some_and(|s| s <= c.num_perm));
                }
                let text = "one two three four five six seven eight nine ten eleven twelve";
                let _ = crate::pipeline::compare(text, &text[4..], &c);
            }
            let _ = check_threads(threads);
            let _ = worker_threads(None, columns.as_deref());
            if let Ok(w) = crate::report::terminal::view_width(width, columns.as_deref(), width) {
                proptest::prop_assert!((40..=1000).contains(&w));
            }
        }
    }

    /// Numbers a flag can be given: small ones, the type's edges, and anything.
    fn num_usize() -> impl proptest::strategy::Strategy<Value = usize> {
        proptest::prop_oneof![
            0usize..10,
            proptest::sample::select(vec![
                usize::MAX,
                usize::MAX - 1,
                1 << 63,
                1 << 32,
                u32::MAX as usize,
                4096,
                4097
            ]),
            proptest::prelude::any::<usize>(),
        ]
    }

    fn num_f64() -> impl proptest::strategy::Strategy<Value = f64> {
        proptest::prop_oneof![
            0.0f64..=1.0,
            proptest::sample::select(vec![
                0.0,
                -0.0,
                1.0,
                f64::MAX,
                f64::MIN,
                f64::INFINITY,
                f64::NAN,
                f64::EPSILON
            ]),
            proptest::prelude::any::<f64>(),
        ]
    }
}
