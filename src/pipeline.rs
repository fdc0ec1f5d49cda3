//! The one place that knows every stage: read → normalize → shingle → sketch → candidates →
//! verify → passages → cluster.
//!
//! [`Params`] holds the user's choices (every field has a documented default); [`Params::resolve`]
//! validates them once and returns a [`Config`] in which every derived value (bands and rows)
//! is fixed, so that no stage has an error branch in its hot loop. [`run`] executes a `Config`
//! and returns a [`RunResult`] that the report module turns into files.

use crate::cluster::{self, Cluster, ClusterMethod, DocKeys, Keep};
use crate::corpus::{CorpusConfig, CorpusError, CorpusReader, Input, Origin, Record, Skipped};
use crate::lsh::{self, banding::Banding, winnow, Pair};
use crate::normalize::{Normalized, Normalizer, Profile};
use crate::overlap::{self, PassageConfig, Sequence};
use crate::shingle::{ShingleConfig, ShingleKind, Shingler};
use crate::sketch::{simhash, MinHasher};
use crate::verify::{self, LinkedBy, VerifiedPair};
use rayon::prelude::*;
use serde::Serialize;
use std::time::{Duration, Instant};
use thiserror::Error;

/// How signatures are computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Method {
    /// MinHash signatures with banded LSH.
    #[default]
    Minhash,
    /// 64-bit SimHash fingerprints with Hamming block tables.
    Simhash,
}

/// How candidate pairs are proposed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
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
}

impl Default for PassageParams {
    fn default() -> Self {
        PassageParams {
            rule: PassageConfig::default(),
            window: winnow::DEFAULT_WINDOW,
            max_df: winnow::DEFAULT_MAX_DF,
            min_shared: winnow::DEFAULT_MIN_SHARED,
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
            cluster: ClusterMethod::Components,
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
    #[error("--bands {bands} x --rows {rows} = {} is more than --num-perm {num_perm}", bands * rows)]
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
}

/// Validated parameters with every derived value resolved.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Config {
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
    /// Jaccard threshold.
    pub threshold: f64,
    /// MinHash signature length.
    pub num_perm: usize,
    /// Seed.
    pub seed: u64,
    /// Bands and rows (MinHash LSH only).
    pub banding: Option<Banding>,
    /// Whether bands and rows were chosen from the threshold (true) or given.
    pub banding_from_threshold: bool,
    /// SimHash Hamming radius (SimHash only).
    pub max_hamming: Option<u32>,
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
        if self.corpus.extensions.is_empty() {
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
                if b * r > self.num_perm {
                    return Err(ConfigError::BandsRowsTooMany { bands: b, rows: r, num_perm: self.num_perm });
                }
                Some(Banding { bands: b, rows: r })
            }
            _ => return Err(ConfigError::BandsRowsPair),
        };
        let lsh_minhash = self.candidates == CandidateMode::Lsh && self.method == Method::Minhash;
        if self.method == Method::Simhash && explicit.is_some() {
            return Err(ConfigError::BandsWithSimhash);
        }
        if self.max_hamming >= 32 {
            return Err(ConfigError::MaxHamming(self.max_hamming));
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
        }
        let banding = if lsh_minhash {
            Some(explicit.unwrap_or_else(|| Banding::optimal(self.threshold, self.num_perm)))
        } else {
            None
        };
        Ok(Config {
            corpus: self.corpus.clone(),
            normalize: self.normalize,
            shingle: self.shingle,
            method: self.method,
            candidates: self.candidates,
            threshold: self.threshold,
            num_perm: self.num_perm,
            seed: self.seed,
            banding,
            banding_from_threshold: lsh_minhash && explicit.is_none(),
            max_hamming: (self.method == Method::Simhash && self.candidates == CandidateMode::Lsh)
                .then_some(self.max_hamming),
            keep: self.keep,
            on_error: self.on_error,
            passages: if self.candidates == CandidateMode::Identical { None } else { self.passages },
            passage_k: match self.shingle.kind {
                ShingleKind::Word => self.shingle.size,
                ShingleKind::Char => crate::shingle::DEFAULT_WORD_SHINGLE,
            },
            cluster: self.cluster,
        })
    }
}

/// Errors that stop a run.
#[derive(Debug, Error)]
pub enum RunError {
    /// Reading the corpus failed.
    #[error(transparent)]
    Corpus(#[from] CorpusError),
}

/// Receives progress from a run. The library never prints; the binary draws bars.
pub trait Progress: Sync {
    /// A stage starts; `total` is its size in `unit`s when known.
    fn start(&self, stage: &'static str, total: Option<u64>, unit: &'static str);
    /// The current stage advanced to `done` units.
    fn set(&self, done: u64);
    /// The current stage is over.
    fn finish(&self);
}

/// Progress that goes nowhere.
pub struct NoProgress;

impl Progress for NoProgress {
    fn start(&self, _: &'static str, _: Option<u64>, _: &'static str) {}
    fn set(&self, _: u64) {}
    fn finish(&self) {}
}

/// One document after sketching.
#[derive(Debug, Clone)]
pub struct Doc {
    /// Unique id.
    pub id: String,
    /// Original text.
    pub text: String,
    /// Where it was read.
    pub origin: Origin,
    /// Sorted, deduplicated shingle hashes. Held only while needed: for every document with
    /// `--candidates exact`, otherwise only for documents in candidate pairs (filled by
    /// [`fill_sets`]), so memory holds texts and signatures, not shingle sets.
    pub shingles: Vec<u64>,
    /// Number of distinct shingles (0: no words; never clustered).
    pub shingle_count: usize,
    /// MinHash signature (empty unless the method is MinHash with LSH).
    pub signature: Vec<u32>,
    /// SimHash fingerprint (0 unless the method is SimHash).
    pub fingerprint: u64,
    /// Winnowing fingerprints of the word shingles (empty unless passages are on).
    pub winnowed: Vec<u64>,
    /// Length in characters.
    pub chars: usize,
    /// Key-field value (for `--keep earliest:FIELD` / `latest:FIELD`).
    pub key: Option<String>,
}

impl Doc {
    /// Whether the document has no shingles (and is therefore never clustered).
    pub fn is_empty(&self) -> bool {
        self.shingle_count == 0
    }
}

/// Counts and timings of a run.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Stats {
    /// Documents read (including empty ones).
    pub documents: usize,
    /// Documents with no words after normalization (never clustered).
    pub empty_documents: usize,
    /// Records skipped.
    pub skipped: usize,
    /// Bytes of input read.
    pub input_bytes: u64,
    /// Total distinct shingles over all documents (sum of set sizes).
    pub shingles: u64,
    /// Candidate pairs proposed.
    pub candidate_pairs: usize,
    /// Pairs that passed verification (Jaccard ≥ threshold).
    pub verified_pairs: usize,
    /// Pairs proposed by passage fingerprints.
    pub passage_candidates: usize,
    /// Pairs linked by shared passages only (below the Jaccard threshold).
    pub passage_links: usize,
    /// All linked pairs.
    pub linked_pairs: usize,
    /// Clusters of two or more documents.
    pub clusters: usize,
    /// Documents in clusters.
    pub clustered_documents: usize,
    /// Wall time per stage.
    #[serde(skip)]
    pub timings: Vec<(&'static str, Duration)>,
}

/// Everything a run produced.
#[derive(Debug)]
pub struct RunResult {
    /// The resolved configuration.
    pub config: Config,
    /// Documents in input order.
    pub docs: Vec<Doc>,
    /// Records that were skipped.
    pub skipped: Vec<Skipped>,
    /// Candidate pairs.
    pub candidates: Vec<Pair>,
    /// Linked pairs: Jaccard ≥ threshold, or shared passages (when on).
    pub links: Vec<VerifiedPair>,
    /// Clusters of two or more documents.
    pub clusters: Vec<Cluster>,
    /// Counts and timings.
    pub stats: Stats,
}

impl DocKeys for [Doc] {
    fn id(&self, doc: u32) -> &str {
        &self[doc as usize].id
    }
    fn char_len(&self, doc: u32) -> usize {
        self[doc as usize].chars
    }
    fn shingles(&self, doc: u32) -> &[u64] {
        &self[doc as usize].shingles
    }
    fn key(&self, doc: u32) -> Option<&str> {
        self[doc as usize].key.as_deref()
    }
}

/// Reads and sketches every document of `inputs`.
pub fn read_and_sketch(
    inputs: Vec<Input>,
    config: &Config,
    progress: &dyn Progress,
) -> Result<(Vec<Doc>, Vec<Skipped>, u64), RunError> {
    let total = CorpusReader::total_bytes(&inputs);
    progress.start("read+sketch", (total > 0).then_some(total), "bytes");
    let mut reader = CorpusReader::new(inputs, config.corpus.clone());
    let stored = reader.stored_counter();
    let normalizer = Normalizer::new(config.normalize);
    let shingler = Shingler::new(config.shingle, config.seed);
    let minhasher = (config.method == Method::Minhash && config.candidates == CandidateMode::Lsh)
        .then(|| MinHasher::new(config.num_perm, config.seed));
    let simhash_on = config.method == Method::Simhash && config.candidates == CandidateMode::Lsh;
    let passage_shingler = passage_shingler(config);
    let keep_sets = config.candidates == CandidateMode::Exact;
    let mut docs = Vec::new();
    let mut skipped = Vec::new();
    // The reader runs one batch ahead on its own thread, so that decompressing and splitting
    // lines (sequential work) overlaps with sketching the previous batch (parallel work).
    let (tx, rx) = std::sync::mpsc::sync_channel::<Result<Vec<Record>, CorpusError>>(2);
    let bytes_read = std::thread::scope(|scope| -> Result<u64, RunError> {
        let handle = scope.spawn(move || {
            loop {
                match reader.next_batch() {
                    Ok(Some(batch)) => {
                        if tx.send(Ok(batch)).is_err() {
                            break;
                        }
                    }
                    Ok(None) => break,
                    Err(e) => {
                        let _ = tx.send(Err(e));
                        break;
                    }
                }
            }
            reader.bytes_read()
        });
        for batch in rx.iter() {
            let batch = batch?;
            let processed: Vec<Result<Doc, Skipped>> = batch
                .into_par_iter()
                .map_init(Normalized::default, |norm, record| match record {
                    Record::Skip(s) => Err(s),
                    Record::Doc(raw) => {
                        normalizer.normalize_into(&raw.text, norm);
                        let mut shingles = Vec::new();
                        shingler.hashes_into(norm, &mut shingles);
                        let winnowed = match (&config.passages, &passage_shingler) {
                            (None, _) => Vec::new(),
                            (Some(p), None) => winnow::fingerprints(&shingles, p.window),
                            (Some(p), Some(ps)) => {
                                let mut words = Vec::new();
                                ps.hashes_into(norm, &mut words);
                                winnow::fingerprints(&words, p.window)
                            }
                        };
                        shingles.sort_unstable();
                        shingles.dedup();
                        let shingle_count = shingles.len();
                        let signature = match (&minhasher, shingles.is_empty()) {
                            (Some(m), false) => m.signature(&shingles),
                            _ => Vec::new(),
                        };
                        let fingerprint = if simhash_on { simhash(&shingles) } else { 0 };
                        if keep_sets {
                            // Kept for the whole run: no spare capacity.
                            shingles.shrink_to_fit();
                        } else {
                            shingles = Vec::new();
                        }
                        let chars = raw.text.chars().count();
                        Ok(Doc {
                            id: raw.id,
                            text: raw.text,
                            origin: raw.origin,
                            shingles,
                            shingle_count,
                            signature,
                            fingerprint,
                            winnowed,
                            chars,
                            key: raw.key,
                        })
                    }
                })
                .collect();
            for p in processed {
                match p {
                    Ok(d) => docs.push(d),
                    Err(s) => {
                        if config.on_error == OnError::Fail {
                            return Err(RunError::Corpus(CorpusError::BadRecord {
                                source_name: s.source,
                                line: s.line,
                                reason: s.reason,
                            }));
                        }
                        skipped.push(s)
                    }
                }
            }
            progress.set(stored.load(std::sync::atomic::Ordering::Relaxed));
        }
        handle.join().map_err(|panic| std::panic::resume_unwind(panic))
    })?;
    progress.finish();
    Ok((docs, skipped, bytes_read))
}

/// Proposes candidate pairs among `docs` as `config` says.
pub fn candidates(docs: &[Doc], config: &Config) -> Vec<Pair> {
    match (config.candidates, config.method, config.banding) {
        (CandidateMode::Identical, _, _) => {
            // Group by a 128-bit hash of the original text, then compare the texts themselves.
            let mut keyed: Vec<(u128, u32)> = docs
                .iter()
                .enumerate()
                .filter(|(_, d)| !d.is_empty())
                .map(|(i, d)| (xxhash_rust::xxh3::xxh3_128(d.text.as_bytes()), i as u32))
                .collect();
            keyed.sort_unstable();
            let mut pairs = Vec::new();
            for run in keyed.chunk_by(|x, y| x.0 == y.0) {
                for (k, &(_, i)) in run.iter().enumerate() {
                    for &(_, j) in &run[k + 1..] {
                        if docs[i as usize].text == docs[j as usize].text {
                            pairs.push((i.min(j), i.max(j)));
                        }
                    }
                }
            }
            pairs.sort_unstable();
            pairs
        }
        (CandidateMode::Exact, _, _) => {
            let sets: Vec<Option<&[u64]>> =
                docs.iter().map(|d| (!d.is_empty()).then_some(d.shingles.as_slice())).collect();
            lsh::exact::candidates(&sets, config.threshold)
        }
        (CandidateMode::Lsh, Method::Simhash, _) => {
            let fps: Vec<Option<u64>> =
                docs.iter().map(|d| (!d.is_empty()).then_some(d.fingerprint)).collect();
            lsh::hamming::candidates(&fps, config.max_hamming.unwrap_or(DEFAULT_MAX_HAMMING))
        }
        (CandidateMode::Lsh, Method::Minhash, banding) => {
            let sigs: Vec<Option<&[u32]>> =
                docs.iter().map(|d| (!d.is_empty()).then_some(d.signature.as_slice())).collect();
            let banding = banding.unwrap_or_else(|| Banding::optimal(config.threshold, config.num_perm));
            banding.candidates(&sigs, config.seed)
        }
    }
}

/// Pairs of documents sharing enough winnowing fingerprints to be aligned (empty when passage
/// detection is off).
pub fn passage_candidates(docs: &[Doc], config: &Config) -> Vec<Pair> {
    let Some(params) = config.passages else { return Vec::new() };
    let fps: Vec<Option<&[u64]>> =
        docs.iter().map(|d| (!d.is_empty()).then_some(d.winnowed.as_slice())).collect();
    winnow::candidates(&fps, params.max_df, params.min_shared)
}

/// The word shingler for passages when it differs from the main shingler (`char:N` mode).
fn passage_shingler(config: &Config) -> Option<Shingler> {
    (config.passages.is_some() && config.shingle.kind != ShingleKind::Word).then(|| {
        Shingler::new(ShingleConfig { kind: ShingleKind::Word, size: config.passage_k }, config.seed)
    })
}

/// The sorted shingle set of a text under `config`.
pub fn shingle_set(text: &str, config: &Config) -> Vec<u64> {
    let doc = Normalizer::new(config.normalize).normalize(text);
    let mut set = Vec::new();
    Shingler::new(config.shingle, config.seed).set_into(&doc, &mut set);
    set
}

/// Recomputes the shingle sets of the documents `wanted` marks (when not held already), in
/// parallel. Verification, passages, cohesion and evaluation call it for the documents they
/// score.
pub fn fill_sets(docs: &mut [Doc], wanted: &[bool], config: &Config) {
    docs.par_iter_mut().zip(wanted.par_iter()).for_each(|(d, &want)| {
        if want && d.shingles.is_empty() && d.shingle_count > 0 {
            d.shingles = shingle_set(&d.text, config);
        }
    });
}

/// Marks the documents that appear in `pairs`.
pub fn involved(n: usize, pairs: &[Pair]) -> Vec<bool> {
    let mut on = vec![false; n];
    for &(a, b) in pairs {
        on[a as usize] = true;
        on[b as usize] = true;
    }
    on
}

/// The alignment sequence of one document: its word shingles in order with token ranges.
pub fn sequence(text: &str, config: &Config) -> Sequence {
    let doc = Normalizer::new(config.normalize).normalize(text);
    let shingler =
        Shingler::new(ShingleConfig { kind: ShingleKind::Word, size: config.passage_k }, config.seed);
    let mut hashes = Vec::new();
    shingler.hashes_into(&doc, &mut hashes);
    Sequence::new(&doc, hashes, config.passage_k)
}

/// Adds passage links to the verified pairs: aligns every verified pair (for its passages) and
/// every pair proposed by shared winnowing fingerprints, and keeps the latter when their
/// passages satisfy the linking rule. Returns the links and the number of passage candidates.
pub fn link_passages(
    docs: &mut [Doc],
    verified: Vec<VerifiedPair>,
    proposed: &[Pair],
    config: &Config,
) -> (Vec<VerifiedPair>, usize) {
    let Some(params) = config.passages else { return (verified, 0) };
    let mut is_verified: std::collections::HashSet<Pair> = verified.iter().map(|p| (p.a, p.b)).collect();
    let extra: Vec<Pair> = proposed.iter().copied().filter(|p| !is_verified.contains(p)).collect();
    is_verified.clear();

    let mut pairs: Vec<Pair> = verified.iter().map(|p| (p.a, p.b)).collect();
    pairs.extend(&extra);
    let involved = involved(docs.len(), &pairs);
    let sequences: Vec<Option<Sequence>> = docs
        .par_iter()
        .zip(involved.par_iter())
        .map(|(d, &on)| on.then(|| sequence(&d.text, config)))
        .collect();
    // The passage candidates need their shingle sets for scoring. With word shingles the
    // sequences just computed hold exactly those hashes, so no document is normalized twice.
    if config.shingle.kind == ShingleKind::Word {
        docs.par_iter_mut().zip(sequences.par_iter()).for_each(|(d, s)| {
            if let (Some(s), true) = (s, d.shingles.is_empty() && d.shingle_count > 0) {
                d.shingles = s.shingle_set();
            }
        });
    } else {
        fill_sets(docs, &involved, config);
    }
    let docs: &[Doc] = docs;
    let seq = |i: u32| sequences[i as usize].as_ref();
    let align = |a: u32, b: u32| match (seq(a), seq(b)) {
        (Some(x), Some(y)) => overlap::align(x, y, &params.rule),
        _ => overlap::Alignment::default(),
    };

    let mut links: Vec<VerifiedPair> = verified
        .into_par_iter()
        .map(|mut p| {
            let al = align(p.a, p.b);
            if al.links(&params.rule) {
                p.linked_by = LinkedBy::Both;
            }
            p.alignment = Some(al);
            p
        })
        .collect();
    let passage_links: Vec<VerifiedPair> = extra
        .par_iter()
        .filter_map(|&(a, b)| {
            let al = align(a, b);
            al.links(&params.rule).then(|| VerifiedPair {
                a,
                b,
                scores: verify::score(&docs[a as usize].shingles, &docs[b as usize].shingles),
                linked_by: LinkedBy::Passage,
                alignment: Some(al),
            })
        })
        .collect();
    links.extend(passage_links);
    links.sort_by_key(|p| (p.a, p.b));
    (links, proposed.len())
}

/// The similarity of two texts, as `reprint compare` reports it.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    /// Exact shingle-set scores.
    pub scores: verify::Scores,
    /// Shared passages (computed even when passage linking is off).
    pub alignment: overlap::Alignment,
    /// Why the two are linked under `config`, or `None`.
    pub linked_by: Option<LinkedBy>,
    /// Words in A and in B.
    pub words: (usize, usize),
}

/// Compares two texts with the shingles, normalization, threshold and passage rule of
/// `config`.
pub fn compare(a: &str, b: &str, config: &Config) -> Comparison {
    let (sa, sb) = (sequence(a, config), sequence(b, config));
    // With word shingles the alignment sequences already hold the shingle sets.
    let set = |text: &str, seq: &Sequence| match config.shingle.kind {
        ShingleKind::Word => seq.shingle_set(),
        ShingleKind::Char => shingle_set(text, config),
    };
    let scores = verify::score(&set(a, &sa), &set(b, &sb));
    let rule = config.passages.map(|p| p.rule).unwrap_or_default();
    let alignment = overlap::align(&sa, &sb, &rule);
    let by_jaccard = scores.jaccard >= config.threshold && scores.shared > 0;
    let by_passage = config.passages.is_some() && alignment.links(&rule);
    let linked_by = match (by_jaccard, by_passage) {
        (true, true) => Some(LinkedBy::Both),
        (true, false) => Some(LinkedBy::Jaccard),
        (false, true) => Some(LinkedBy::Passage),
        (false, false) => None,
    };
    Comparison { scores, alignment, linked_by, words: (sa.words(), sb.words()) }
}

/// Runs the whole pipeline on `inputs`.
pub fn run(inputs: Vec<Input>, config: &Config, progress: &dyn Progress) -> Result<RunResult, RunError> {
    let t = Instant::now();
    let (docs, skipped, input_bytes) = read_and_sketch(inputs, config, progress)?;
    let read = t.elapsed();
    Ok(run_on(docs, skipped, input_bytes, read, config, progress))
}

/// The stages after reading, on documents sketched by [`read_and_sketch`] with the same
/// normalization, shingles, seed, signature method and length as `config` (what `reprint eval`
/// reuses across a threshold sweep). `read` is the time reading took, for the stats.
pub fn run_on(
    docs: Vec<Doc>,
    skipped: Vec<Skipped>,
    input_bytes: u64,
    read: Duration,
    config: &Config,
    progress: &dyn Progress,
) -> RunResult {
    let mut stats = Stats::default();
    stats.timings.push(("read+sketch", read));

    let t = Instant::now();
    progress.start("candidates", None, "pairs");
    let candidates = candidates(&docs, config);
    progress.finish();
    stats.timings.push(("candidates", t.elapsed()));

    let t = Instant::now();
    progress.start("verify", None, "pairs");
    let mut docs = docs;
    let wanted = involved(docs.len(), &candidates);
    fill_sets(&mut docs, &wanted, config);
    let sets: Vec<&[u64]> = docs.iter().map(|d| d.shingles.as_slice()).collect();
    let verified = verify::verify(&candidates, &sets, config.threshold);
    progress.finish();
    stats.timings.push(("verify", t.elapsed()));

    stats.verified_pairs = verified.len();
    let t = Instant::now();
    progress.start("passages", None, "pairs");
    let proposed = passage_candidates(&docs, config);
    let (links, passage_candidates) = link_passages(&mut docs, verified, &proposed, config);
    progress.finish();
    if config.passages.is_some() {
        stats.timings.push(("passages", t.elapsed()));
    }

    let t = Instant::now();
    let clusters = cluster::cluster(docs.len(), &links, docs.as_slice(), config.keep, config.cluster);
    stats.timings.push(("cluster", t.elapsed()));

    stats.documents = docs.len();
    stats.empty_documents = docs.iter().filter(|d| d.is_empty()).count();
    stats.skipped = skipped.len();
    stats.input_bytes = input_bytes;
    stats.shingles = docs.iter().map(|d| d.shingle_count as u64).sum();
    stats.candidate_pairs = candidates.len();
    stats.passage_candidates = passage_candidates;
    stats.passage_links = links.iter().filter(|p| p.linked_by == LinkedBy::Passage).count();
    stats.linked_pairs = links.len();
    stats.clusters = clusters.len();
    stats.clustered_documents = clusters.iter().map(|c| c.members.len()).sum();
    RunResult { config: config.clone(), docs, skipped, candidates, links, clusters, stats }
}

/// Whether documents sketched under `a` can be reused under `b` (same tokens, shingles,
/// signatures and fingerprints).
pub fn same_sketch(a: &Config, b: &Config) -> bool {
    a.corpus == b.corpus
        && a.normalize == b.normalize
        && a.shingle == b.shingle
        && a.seed == b.seed
        && a.num_perm == b.num_perm
        && a.method == b.method
        && a.candidates == b.candidates
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
        assert_eq!(c.candidates, CandidateMode::Lsh);
        assert_eq!(c.keep, Keep::First);
        assert_eq!(c.corpus.id_field, "id");
        assert_eq!(c.corpus.text_field, "text");
        assert_eq!(c.corpus.extensions, vec!["txt"]);
        assert_eq!(c.banding, Some(Banding { bands: 35, rows: 3 }));
        assert!(c.banding_from_threshold);
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
    }
}
