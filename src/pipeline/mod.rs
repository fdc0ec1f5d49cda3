//! The one place that knows every stage: read → normalize → shingle → sketch → candidates →
//! verify → passages → cluster.
//!
//! [`run`] executes a validated [`Config`] (see [`crate::config`]) and returns a [`RunResult`]
//! that the report module turns into files. One file per stage:
//! [`read`](read_and_sketch) reads and sketches, [`candidates()`] proposes pairs, [`relate`]
//! aligns and links by passages, [`compare()`] scores two texts; [`fill_sets`] and [`sequence`]
//! rebuild shingle sets and alignment sequences from the text when a stage needs them.

mod ahead;
mod candidates;
mod compare;
mod decide;
mod decided;
mod doc;
mod identical;
mod passages;
mod plan;
mod read;
pub mod record;
mod scratch;
mod sequences;
mod sets;
mod spill;
mod texts;

pub use crate::config::{
    same_sketch, CandidateMode, Config, ConfigError, Method, OnError, Params, PassageParams,
    DEFAULT_ALIGN_MEMORY, DEFAULT_FILED_TEXT_MEMORY, DEFAULT_MAX_HAMMING, DEFAULT_NUM_PERM, DEFAULT_SEED,
    DEFAULT_TEXT_MEMORY, DEFAULT_THRESHOLD,
};
pub use candidates::{candidates, passage_candidates, Proposals};
pub use compare::{compare, Comparison};
pub use decide::{decide, in_id_order, Absorbed, Decided, FingerprintsOnce, Side};
pub use decided::relate_decided;
pub use doc::Doc;
pub use identical::{representatives, star_links};
pub use passages::{
    id_ranks, relate, without_passages, Held, NoOverlaps, NoOverlapsIn, OverlapSink, RelationCounts, ToRelate,
};
pub use read::{read_and_sketch, read_and_sketch_spilling, ReadSummary};
pub use sets::{fill_sets, involved, sequence, shingle_set};
pub use spill::{Docs, Read, TextSpill};
pub use texts::{Texts, Want};

use crate::cluster::{self, Cluster};
use crate::corpus::{CorpusError, Input, InputSum, SkipLog};
use crate::lsh::Pair;
use crate::packed::Packed;
use crate::verify::{LinkedBy, Relation, VerifiedPair};
use rayon::prelude::*;
use serde::Serialize;
use std::path::Path;
use std::time::{Duration, Instant};
use thiserror::Error;

/// Errors that stop a run.
#[derive(Debug, Error)]
pub enum RunError {
    /// Reading the corpus failed.
    #[error(transparent)]
    Corpus(#[from] CorpusError),
    /// Documents were sketched with other parameters than the run's.
    #[error(transparent)]
    Sketch(#[from] crate::sketch::SketchMismatch),
    /// Decisions made elsewhere do not name this run's documents.
    #[error("{0}")]
    Decisions(String),
    /// An input read again for texts no longer holds the records read first.
    #[error("{0}")]
    Changed(String),
    /// The temporary file of texts (see [`TextSpill`]) could not be written or read.
    #[error("the temporary file of texts in {0}")]
    Scratch(String),
}

impl RunError {
    /// The error `e` of the temporary file of texts in `dir`.
    pub(crate) fn scratch(dir: &Path, e: std::io::Error) -> Self {
        RunError::Scratch(format!("{}: {e}", dir.display()))
    }
}

/// Receives progress from a run. The library never prints; the binary draws bars.
pub trait Progress: Sync {
    /// A stage starts; `total` is its size in `unit`s when known. A stage whose size becomes
    /// known only once it is under way is finished and started again with its total. Units:
    /// `bytes` (of the input files as stored: compressed for gzip), `pairs` or `documents`.
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
    /// Pairs aligned by the passage stage: those proposed by passage fingerprints and the
    /// verified pairs, each once (0 without passage detection).
    pub aligned_pairs: usize,
    /// Pairs linked by shared passages only (below the Jaccard threshold).
    pub passage_links: usize,
    /// Pairs whose strongest relation is `overlap`.
    pub overlap_pairs: usize,
    /// Story links whose strongest relation is `duplicate`.
    pub duplicate_pairs: usize,
    /// Passage links of composite documents (roundups) and hubs of boilerplate that became
    /// overlaps.
    pub pruned_links: usize,
    /// Passage links across a sparse cut of a story cluster that became overlaps.
    pub split_links: usize,
    /// Rows of documents the passage stage aligned one after another, each holding at most
    /// `--align-memory` bytes of alignment sequences (1 when the corpus fits; 0 without
    /// passage detection, or with pairs aligned by `reprint stage link`).
    pub align_rows: usize,
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
    /// Records that were skipped (counts by reason, a bounded sample).
    pub skipped: SkipLog,
    /// Size and checksum of each input, computed while reading.
    pub inputs: Vec<InputSum>,
    /// For every document, the first document with a byte-identical text (itself when none):
    /// copies are linked to it as a star and never enter the candidate stages.
    pub identical_to: Vec<u32>,
    /// Candidate pairs (among documents that are not copies of an earlier one).
    pub candidates: Vec<Pair>,
    /// Linked pairs: Jaccard ≥ threshold, or shared passages (when on).
    pub links: Vec<VerifiedPair>,
    /// Clusters of two or more documents.
    pub clusters: Vec<Cluster>,
    /// Counts and timings.
    pub stats: Stats,
    /// The texts that documents do not hold, past `--text-memory`, in a temporary file: read
    /// through [`RunResult::texts`].
    pub spilled: Option<std::sync::Arc<TextSpill>>,
}

impl RunResult {
    /// The documents with their texts, held or read from [`RunResult::spilled`].
    pub fn texts(&self) -> Docs<'_> {
        Docs::with(&self.docs, self.spilled.as_deref())
    }
}

/// Documents without the field of `--keep earliest:FIELD` / `latest:FIELD`: they rank after
/// every document that has it (in input order among themselves), so a cluster keeps one of them
/// only when none of its members has the field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeepGap {
    /// `earliest` or `latest`.
    pub policy: &'static str,
    /// The field.
    pub field: String,
    /// Documents without it (or with a value that is not a string or a number).
    pub without: usize,
    /// Documents read.
    pub documents: usize,
}

impl RunResult {
    /// How many documents lack the `--keep` field, when the policy reads one.
    pub fn keep_gap(&self) -> Option<KeepGap> {
        let field = self.config.corpus.key_field.as_ref().filter(|_| self.config.keep.needs_key())?;
        Some(KeepGap {
            policy: self.config.keep.name(),
            field: field.clone(),
            without: self.docs.iter().filter(|d| d.key.is_none()).count(),
            documents: self.docs.len(),
        })
    }

    /// Whether the candidate stage proposed the pair `a < b`, directly or through the first
    /// copies of their texts.
    pub fn proposed(&self, a: u32, b: u32) -> bool {
        let (ra, rb) = (self.identical_to[a as usize], self.identical_to[b as usize]);
        ra == rb
            || self.candidates.binary_search(&(a, b)).is_ok()
            || self.candidates.binary_search(&(ra.min(rb), ra.max(rb))).is_ok()
    }
}

/// Runs the whole pipeline on `inputs`.
pub fn run(
    inputs: Vec<Input>,
    config: &Config,
    progress: &dyn Progress,
    overlaps: &mut dyn OverlapSink,
) -> Result<RunResult, RunError> {
    let corpus = read_texts(&inputs, config, progress, overlaps.scratch())?;
    stages(corpus, config, progress, overlaps, false, None)
}

/// What reading gives the stages: the documents, the summary of what was read, where the
/// documents' texts are ([`Texts`]), and the time reading took (for the stats).
struct ReadCorpus<'a> {
    docs: Vec<Doc>,
    summary: ReadSummary,
    texts: Texts<'a>,
    took: Duration,
}

/// Reads and sketches `inputs` for [`stages`]: past `--text-memory`, the texts let go are
/// written to a file in `dir` when there is one (see [`Texts`]).
fn read_texts<'a>(
    inputs: &'a [Input],
    config: &'a Config,
    progress: &dyn Progress,
    dir: Option<&Path>,
) -> Result<ReadCorpus<'a>, RunError> {
    let t = Instant::now();
    let texts = Texts::in_file(inputs, &config.corpus, dir.is_some());
    let (docs, summary, spill) = read::read(inputs.to_vec(), config, progress, texts.budget(config), dir)?;
    Ok(ReadCorpus { docs, summary, texts: texts.with_spill(spill), took: t.elapsed() })
}

/// The stages after reading, on documents sketched by [`read_and_sketch`] with the same
/// normalization, shingles, seed, signature method and length as `config` (what `reprint eval`
/// reuses across a threshold sweep). `read` is the time reading took, for the stats.
pub fn run_on(
    docs: Vec<Doc>,
    summary: ReadSummary,
    read: Duration,
    config: &Config,
    progress: &dyn Progress,
    overlaps: &mut dyn OverlapSink,
) -> Result<RunResult, RunError> {
    let corpus = ReadCorpus { docs, summary, texts: Texts::held(), took: read };
    stages(corpus, config, progress, overlaps, true, None)
}

/// What the candidate, verify and passage stages decided elsewhere (`reprint stage link`, see
/// [`crate::stage`]): every pair decided on its own, and the counts of the pairs behind them.
#[derive(Debug, Clone, Default)]
pub struct Decisions {
    /// Pairs decided on their own, with global document numbers. With passage detection:
    /// every pair [`decide`] returned; without: the verified pairs (no alignment).
    pub decided: Vec<Decided>,
    /// Candidate pairs proposed by LSH.
    pub candidate_pairs: usize,
    /// Of those, pairs at or above the Jaccard threshold.
    pub verified_pairs: usize,
    /// Pairs proposed by shared passage fingerprints.
    pub passage_candidates: usize,
    /// Pairs aligned.
    pub aligned: usize,
    /// The ids of each decided pair's documents, as the stage that decided it read them: a
    /// run on other inputs than the stage's is an error, never a wrong result.
    pub ids: Vec<(Box<str>, Box<str>)>,
}

/// Runs the pipeline on `inputs` with the pairs' decisions taken from `decisions` instead of
/// the candidate, verify and passage stages: reading, copies of a text, the corpus-wide
/// decisions, clustering and everything after are those of [`run`], so the same decisions
/// give the same result.
pub fn run_decided(
    inputs: Vec<Input>,
    config: &Config,
    progress: &dyn Progress,
    overlaps: &mut dyn OverlapSink,
    decisions: Decisions,
) -> Result<RunResult, RunError> {
    let corpus = read_texts(&inputs, config, progress, overlaps.scratch())?;
    stages(corpus, config, progress, overlaps, false, Some(decisions))
}

/// [`run_on`]; `keep_sketches` false drops each document's signature once candidates are known
/// (nothing after the candidate stage reads it; 512 bytes a document with 128 permutations), and
/// its shingle set and fingerprints once clustered; true keeps them in the result for a caller
/// that runs the stages again on the same documents. The corpus's `texts` give documents their
/// texts when a stage needs them.
fn stages(
    corpus: ReadCorpus,
    config: &Config,
    progress: &dyn Progress,
    overlaps: &mut dyn OverlapSink,
    keep_sketches: bool,
    decisions: Option<Decisions>,
) -> Result<RunResult, RunError> {
    let ReadCorpus { mut docs, summary, texts, took: read } = corpus;
    let mut stats = Stats::default();
    stats.timings.push(("read+sketch", read));
    // Time spent reading texts again: a stage of its own in the timings, not the stage's.
    let reread = std::cell::Cell::new(Duration::ZERO);
    let load = |docs: &mut [Doc], wanted: &[bool], want: Want| -> Result<(), RunError> {
        let t = Instant::now();
        if texts.load(docs, wanted, want, progress)? {
            reread.set(reread.get() + t.elapsed());
        }
        Ok(())
    };
    let since = |t: Instant, before: Duration| t.elapsed().saturating_sub(reread.get() - before);
    // Sets from the texts (read again where not held): verification's, and cohesion's.
    let make = |docs: &mut [Doc], wanted: &[bool]| -> Result<(), RunError> {
        load(docs, wanted, Want::Set(config)).map(|_| fill_sets(docs, wanted, config))
    };
    // Whether reading let the texts go (past `--text-memory`).
    let let_go = docs.iter().any(|d| d.text.is_empty() && d.chars > 0);
    if let_go {
        // Copies of a text are compared byte for byte: documents sharing a text hash need theirs.
        let shared = identical::shared_hashes(&docs);
        load(&mut docs, &shared, Want::Text)?;
    }
    if let Some(decisions) = decisions {
        for (d, (x, y)) in decisions.decided.iter().zip(&decisions.ids) {
            let (a, b) = (d.pair.a as usize, d.pair.b as usize);
            if docs.get(a).map(|d| d.id.as_str()) != Some(x) || docs.get(b).map(|d| d.id.as_str()) != Some(y)
            {
                return Err(RunError::Decisions(format!(
                    "the links name documents {a} `{x}` and {b} `{y}`, which these inputs number otherwise: links made from other inputs (or another order)"
                )));
            }
        }
        docs.par_iter_mut().for_each(|d| d.sketch = crate::sketch::Sketch::None);
        let identical_to = identical::representatives(&docs);
        let mut wanted = vec![false; docs.len()];
        for d in &decisions.decided {
            wanted[d.pair.a as usize] = true;
            wanted[d.pair.b as usize] = true;
        }
        load(&mut docs, &wanted, Want::Text)?;
        let t = Instant::now();
        let (links, counts, held) =
            decided::relate_decided(&docs, &identical_to, decisions.decided, config, overlaps);
        stats.timings.push(("passages", t.elapsed()));
        stats.candidate_pairs = decisions.candidate_pairs;
        stats.verified_pairs = decisions.verified_pairs;
        let counts =
            RelationCounts { aligned: decisions.aligned, proposed: decisions.passage_candidates, ..counts };
        let decided = Relations { identical_to, candidates: Vec::new(), links, counts, held, spilled: None };
        let result = conclude(docs, summary, decided, config, overlaps, stats, (&mut { make }, &reread))?;
        return Ok(let_sets_go(result, keep_sketches));
    }

    let t = Instant::now();
    progress.start("candidates", None, "pairs");
    // Copies of a text stay out of the candidate stages; they are linked to their first copy.
    let identical_to = identical::representatives(&docs);
    let active: Vec<bool> = identical_to.iter().enumerate().map(|(i, &r)| r == i as u32).collect();
    let candidates = candidates(&docs, &active, config)?;
    if !keep_sketches {
        docs.par_iter_mut().for_each(|d| d.sketch = crate::sketch::Sketch::None);
        give_back_freed();
    }
    progress.finish();
    stats.timings.push(("candidates", t.elapsed()));

    let (t, before) = (Instant::now(), reread.get());
    progress.start("verify", None, "pairs");
    let by_words = passages::sets_from_sequences(config);
    // At most `--align-memory` bytes of sets at a time unless every set is kept; linked
    // documents keep theirs where the passage stage does not make them again.
    let (budget, keep_linked) = (if keep_sketches { usize::MAX } else { config.align_memory }, !by_words);
    let verified =
        sets::verify_within(&mut docs, &candidates, config.threshold, budget, keep_linked, &mut { make })?;
    if !keep_sketches {
        // Only linked documents need their sets from here on, and with word shingles the
        // passage stage makes theirs again from the alignment sequences (every verified pair
        // is aligned): the rest are let go, whether texts are held or not.
        let linked = involved(docs.len(), verified.iter().filter(|_| !by_words).map(|p| (p.a, p.b)));
        docs.par_iter_mut().zip(linked.par_iter()).for_each(|(d, &on)| {
            if !on && !d.shingles.is_empty() {
                d.shingles = Vec::new();
            }
        });
        give_back_freed();
    }
    progress.finish();
    stats.timings.push(("verify", since(t, before)));

    stats.verified_pairs = verified.len();
    let (t, before) = (Instant::now(), reread.get());
    progress.start("passages", None, "pairs");
    let (proposed, df) = passage_candidates(&docs, &active, config);
    if !keep_sketches {
        // The proposals hold what passage detection needs of the winnowing fingerprints (the
        // relations take theirs from the alignment sequences).
        docs.par_iter_mut().for_each(|d| d.winnowed = Packed::default());
        give_back_freed();
    }
    let stars = identical::star_links(&docs, &identical_to, config);
    // Texts held from reading that no later stage reads are let go once the documents to
    // align are known: those of documents in no pair to align and no copy of a text (the
    // reports show only linked documents and overlaps). Only where the inputs can be read
    // again, so that a text wanted after all is read, never missing.
    let copies = (!let_go && !keep_sketches && texts.rereadable())
        .then(|| involved(docs.len(), stars.iter().map(|p| (p.a, p.b))));
    let (links, counts, held) = relate(
        &mut docs,
        ToRelate { verified, stars, proposed, df: &df },
        config,
        overlaps,
        progress,
        &mut |docs, wanted| {
            // Texts that reading wrote to a file are read from there.
            if let Some(spill) = texts.spilled() {
                return Ok(Some(spill));
            }
            load(docs, wanted, Want::Text)?;
            if let Some(copies) = &copies {
                docs.par_iter_mut().zip(wanted.par_iter().zip(copies.par_iter())).for_each(
                    |(d, (&w, &c))| {
                        if !w && !c {
                            d.text = String::new();
                        }
                    },
                );
            }
            Ok(None)
        },
        keep_sketches,
    )?;
    drop(df);
    give_back_freed();
    // The reports read the texts that reading let go from its file.
    let spill = texts.spilled();
    progress.finish();
    if config.passages.is_some() {
        stats.timings.push(("passages", since(t, before)));
    }
    // The reports show the texts of linked documents and of overlaps (those the passage stage
    // wrote to a file are read from there).
    let mut wanted =
        involved(docs.len(), links.iter().chain(held.iter().map(|(_, p)| p)).map(|p| (p.a, p.b)));
    if let Some(spill) = &spill {
        wanted.par_iter_mut().enumerate().for_each(|(d, w)| *w = *w && !spill.has(d));
    }
    load(&mut docs, &wanted, Want::Text)?;

    stats.candidate_pairs = candidates.len();
    let decided = Relations { identical_to, candidates, links, counts, held, spilled: spill };
    let result = conclude(docs, summary, decided, config, overlaps, stats, (&mut { make }, &reread))?;
    Ok(let_sets_go(result, keep_sketches))
}

/// Returns the memory a stage let go to the system. The allocator keeps freed memory for
/// reuse in the arena of the thread that freed it, where the next stage's threads do not
/// always find it: without this the resident size holds the shingle sets of verification, or
/// the fingerprint index, beside what the next stage makes (on SaudiNewsNet, 10 to 20 MB of a
/// peak of 125). With glibc's allocator only; a no-op elsewhere.
fn give_back_freed() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim takes no pointer; it only releases the allocator's free pages.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Clustering is the last reader of the shingle sets (and winnowing fingerprints, where the
/// passage candidates did not let them go first): the reports
/// read texts, links and clusters. Letting them go before the reports are written leaves their
/// memory to the rendering. A caller that needs sets makes them again with [`fill_sets`], as
/// `reprint eval` does; `keep` (the stages' `keep_sketches`) keeps them.
fn let_sets_go(mut result: RunResult, keep: bool) -> RunResult {
    if keep {
        return result;
    }
    result.docs.par_iter_mut().for_each(|d| {
        d.shingles = Vec::new();
        d.winnowed = Packed::default();
    });
    result
}

/// What the stages before clustering decided, for [`conclude`].
struct Relations {
    /// See [`RunResult::identical_to`].
    identical_to: Vec<u32>,
    /// See [`RunResult::candidates`].
    candidates: Vec<Pair>,
    /// The story links, duplicates included.
    links: Vec<VerifiedPair>,
    counts: RelationCounts,
    /// The pairs held for [`OverlapSink::finish`].
    held: Held,
    /// See [`RunResult::spilled`].
    spilled: Option<std::sync::Arc<TextSpill>>,
}

/// Clustering and the result, after the relations are decided: `make` gives the documents
/// whose member pairs cohesion compares their shingle sets, and `reread` is the time spent
/// reading texts again so far, which `make` adds to (the `texts` timing, not `cluster`'s).
fn conclude(
    mut docs: Vec<Doc>,
    summary: ReadSummary,
    decided: Relations,
    config: &Config,
    overlaps: &mut dyn OverlapSink,
    mut stats: Stats,
    (make, reread): (&mut sets::MakeSets, &std::cell::Cell<Duration>),
) -> Result<RunResult, RunError> {
    let Relations { identical_to, candidates, links, mut counts, mut held, spilled } = decided;
    let t = Instant::now();
    let before = reread.get();
    // Story clusters: the links across a sparse cut become overlaps, in overlaps.jsonl too.
    let (links, method) = match config.cluster {
        cluster::ClusterMethod::Stories => {
            let cut = cluster::split::sparse_cuts(docs.len(), &links);
            let (kept, split): (Vec<_>, Vec<_>) = links.into_iter().zip(cut).partition(|(_, c)| !c);
            let split: std::collections::HashSet<(u32, u32)> =
                split.into_iter().map(|(p, _)| (p.a.min(p.b), p.a.max(p.b))).collect();
            for (_, p) in held.iter_mut() {
                if split.contains(&(p.a.min(p.b), p.a.max(p.b))) {
                    p.relation = Relation::Overlap;
                    p.set_aside = Some(crate::verify::SetAside::Cut);
                }
            }
            counts.split = split.len();
            counts.overlaps += split.len();
            (kept.into_iter().map(|(p, _)| p).collect(), cluster::ClusterMethod::Components)
        }
        method => (links, method),
    };
    overlaps.finish(&Docs::with(&docs, spilled.as_deref()), &held);
    drop(held);
    let grouped = cluster::group(docs.len(), &links, docs.as_slice(), config.keep, method);
    let compared = grouped.compared(docs.len());
    make(&mut docs, &compared)?;
    let clusters = grouped.cohere(docs.as_slice());
    if !reread.get().is_zero() {
        stats.timings.push(("texts", reread.get()));
    }
    stats.timings.push(("cluster", t.elapsed().saturating_sub(reread.get() - before)));

    stats.documents = docs.len();
    stats.empty_documents = docs.iter().filter(|d| d.is_empty()).count();
    let ReadSummary { skipped, input_bytes, inputs } = summary;
    stats.skipped = skipped.len();
    stats.input_bytes = input_bytes;
    stats.shingles = docs.iter().map(|d| d.shingle_count as u64).sum();
    stats.passage_candidates = counts.proposed;
    stats.aligned_pairs = counts.aligned;
    stats.overlap_pairs = counts.overlaps;
    stats.pruned_links = counts.pruned;
    stats.split_links = counts.split;
    stats.align_rows = counts.rows;
    stats.duplicate_pairs = links.iter().filter(|p| p.relation == Relation::Duplicate).count();
    stats.passage_links = links.iter().filter(|p| p.linked_by == LinkedBy::Passage).count();
    stats.linked_pairs = links.len();
    stats.clusters = clusters.len();
    stats.clustered_documents = clusters.iter().map(|c| c.members.len()).sum();
    Ok(RunResult {
        config: config.clone(),
        docs,
        skipped,
        inputs,
        identical_to,
        candidates,
        links,
        clusters,
        stats,
        spilled,
    })
}
