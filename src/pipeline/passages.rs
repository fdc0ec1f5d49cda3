//! Passage relations: aligning candidate pairs in batches, deciding their relation
//! ([`crate::relation`]), streaming overlaps to an [`OverlapSink`] and returning story links.

use super::ahead::Ahead;
use super::decide::{decide, in_id_order, Absorbed, Decided, FingerprintsOnce, Side};
use super::plan::{Plan, PAIR_BLOCK};
use super::scratch::Merged;
use super::sequences::{kept_or_made, SequenceFile, Sequences};
use super::{fill_sets, Doc, Docs, Progress, Proposals, RunError, TextSpill};
use crate::config::{Config, PassageParams};
use crate::lsh::{winnow, Pair};
use crate::overlap::Sequence;
use crate::relation::{self, RelationConfig};
use crate::shingle::ShingleKind;
use crate::verify::{self, Relation, VerifiedPair};
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

/// Receives the pairs that share passages, in the order of their documents' ids (smaller id
/// first): the overlaps report. The library decides; the sink writes. A sink is `Send`: it
/// takes a block's overlaps on a worker thread while the next block is aligned.
pub trait OverlapSink: Send {
    /// A pair whose only relation is `overlap`, as soon as it is decided (`pair.a` has the
    /// smaller id). `key` orders pairs: calls come in increasing `key`.
    fn overlap(&mut self, docs: &Docs, pair: &VerifiedPair, key: (u32, u32));
    /// The overlap-only pairs of one block, in increasing key: the same as
    /// [`OverlapSink::overlap`] for each in turn (which is what it does unless a sink prepares
    /// them on several threads first).
    fn overlaps(&mut self, docs: &Docs, pairs: &[((u32, u32), VerifiedPair)]) {
        for (key, pair) in pairs {
            self.overlap(docs, pair, *key);
        }
    }
    /// The pairs held until the end (story links, and the links that composite pruning
    /// turned into overlaps), in increasing `key`, with their final relations; called once,
    /// after the last [`OverlapSink::overlap`].
    fn finish(&mut self, docs: &Docs, held: &[((u32, u32), VerifiedPair)]);
    /// A directory where the run may keep temporary files: the texts reading lets go past
    /// `--text-memory` (see [`super::TextSpill`]). `None` (the default): those texts are read
    /// again from the inputs when needed, and held from then on.
    fn scratch(&self) -> Option<&Path> {
        None
    }
}

/// An [`OverlapSink`] that keeps nothing.
pub struct NoOverlaps;

impl OverlapSink for NoOverlaps {
    fn overlap(&mut self, _: &Docs, _: &VerifiedPair, _: (u32, u32)) {}
    fn finish(&mut self, _: &Docs, _: &[((u32, u32), VerifiedPair)]) {}
}

/// An [`OverlapSink`] that keeps nothing and names a directory for the run's temporary files
/// (see [`OverlapSink::scratch`]).
pub struct NoOverlapsIn<'a>(pub &'a Path);

impl OverlapSink for NoOverlapsIn<'_> {
    fn overlap(&mut self, _: &Docs, _: &VerifiedPair, _: (u32, u32)) {}
    fn finish(&mut self, _: &Docs, _: &[((u32, u32), VerifiedPair)]) {}
    fn scratch(&self) -> Option<&Path> {
        Some(self.0)
    }
}

/// Pairs aligned at a time (progress is told after each batch). The decided pairs of one
/// block of documents ([`PAIR_BLOCK`]) are streamed before the next block is aligned, so memory
/// holds story links and one block's overlaps, not every overlap.
const ALIGN_BATCH: usize = 16_384;

/// Rank of every document in id order.
pub fn id_ranks(docs: &[Doc]) -> Vec<u32> {
    let mut order: Vec<u32> = (0..docs.len() as u32).collect();
    order.par_sort_unstable_by(|&x, &y| docs[x as usize].id.cmp(&docs[y as usize].id));
    let mut rank = vec![0u32; docs.len()];
    for (r, &d) in order.iter().enumerate() {
        rank[d as usize] = r as u32;
    }
    rank
}

/// Whether the passage stage makes the shingle sets of the documents it aligns from their
/// alignment sequences (word shingles, whose hashes the sequences hold), so that the sets held
/// since verification can go.
pub fn sets_from_sequences(config: &Config) -> bool {
    config.passages.is_some() && config.shingle.kind == ShingleKind::Word
}

/// Gives the documents a mask marks their texts (see [`super::Texts`]), or returns the
/// file of texts where they are (see [`TextSpill`]).
pub type TextsFor<'a> = dyn FnMut(&mut [Doc], &[bool]) -> Result<Option<Arc<TextSpill>>, RunError> + 'a;

/// The pairs [`relate`] holds for [`OverlapSink::finish`]: story links and the links composite
/// pruning set aside, with their keys, in increasing key.
pub type Held = Vec<((u32, u32), VerifiedPair)>;

/// The pairs [`relate`] decides.
pub struct ToRelate<'a> {
    /// Pairs at or above the Jaccard threshold.
    pub verified: Vec<VerifiedPair>,
    /// Copies of a text linked to its first copy.
    pub stars: Vec<VerifiedPair>,
    /// Pairs proposed by shared winnowing fingerprints: let go once they are written to the
    /// scratch directory, before any sequence is made.
    pub proposed: Proposals,
    /// The document frequencies of the fingerprints.
    pub df: &'a winnow::DocFrequency,
}

/// Counts of the relations decided by [`relate`].
#[derive(Debug, Clone, Copy, Default)]
pub struct RelationCounts {
    /// Pairs aligned.
    pub aligned: usize,
    /// Pairs proposed by shared passage fingerprints (some of them also verified pairs).
    pub proposed: usize,
    /// Pairs whose strongest relation is `overlap` (composite pruning included).
    pub overlaps: usize,
    /// Story links that composite pruning removed.
    pub pruned: usize,
    /// Story links across a sparse cut of a story cluster (set by the clustering step).
    pub split: usize,
    /// Rows of blocks aligned one after another, each holding at most `--align-memory` bytes
    /// of sequences (1 when the corpus fits; 0 without passage detection).
    pub rows: usize,
}

/// Without passage detection, the verified pairs are the story links: duplicates by the
/// duplicate rule, stories otherwise, with the `stars` (copies of a text) as duplicates.
pub fn without_passages(
    verified: Vec<VerifiedPair>,
    stars: Vec<VerifiedPair>,
    rank: &[u32],
    rules: &RelationConfig,
) -> (Vec<VerifiedPair>, RelationCounts, Held) {
    let mut links: Vec<VerifiedPair> = verified
        .into_iter()
        .map(|mut p| {
            let dup = relation::is_duplicate(&p, true, rules) || relation::is_duplicate(&p, false, rules);
            p.relation = if dup { Relation::Duplicate } else { Relation::Story };
            p
        })
        .chain(stars.into_iter().map(|p| VerifiedPair { relation: Relation::Duplicate, ..p }))
        .collect();
    links.sort_by_key(|p| (p.a, p.b));
    let mut report: Held = links.iter().cloned().map(|p| in_id_order(rank, p)).collect();
    report.sort_unstable_by_key(|(k, _)| *k);
    (links, RelationCounts::default(), report)
}

/// Decides the relation of every verified pair and every pair proposed by shared winnowing
/// fingerprints: aligns them in batches (in id order, a row of blocks at a time: at most
/// `config.align_memory` bytes of sequences), streams overlap-only pairs to `sink`,
/// prunes composites, and returns the story links (duplicates included), sorted by document
/// index, with the pairs to hand to [`OverlapSink::finish`] once clustering has had its say.
/// `stars` link copies of a text to its first copy: duplicates as they are, never aligned again.
/// Without passage detection, the verified pairs are the story links.
/// `progress` sees the stage `passages` restart with the number of pairs to align as its total,
/// and the pairs aligned so far after each batch. `texts` gives the documents to align their
/// texts (see [`super::Texts`]), or returns the file where they are. With word shingles and
/// `every_set`, every aligned document is left its shingle set, made again from its sequence;
/// otherwise sets are let go with the sequences (clustering makes those it compares).
pub fn relate(
    docs: &mut [Doc],
    pairs: ToRelate,
    config: &Config,
    sink: &mut dyn OverlapSink,
    progress: &dyn Progress,
    texts: &mut TextsFor,
    every_set: bool,
) -> Result<(Vec<VerifiedPair>, RelationCounts, Held), RunError> {
    let ToRelate { verified, stars, proposed, df } = pairs;
    let rules = config.relations();
    let rank = id_ranks(docs);
    let Some(params) = config.passages else {
        let (links, counts, held) = without_passages(verified, stars, &rank, &rules);
        return Ok((links, counts, held));
    };
    let dir: Option<PathBuf> = sink.scratch().map(Path::to_path_buf);
    let (plan, involved) = Plan::new(docs, &rank, &verified, proposed, config, dir)?;
    // Verified pairs keep their scores; a pair only proposed by fingerprints is scored when it
    // shares a passage (otherwise it has nothing to report).
    let verified: HashMap<Pair, verify::Scores> =
        verified.into_iter().map(|p| ((p.a, p.b), p.scores)).collect();
    let spill = texts(docs, &involved.docs)?;
    // Scoring needs the shingle sets. With word shingles the sequences hold exactly those
    // hashes: pairs are scored from them, and a document's set is made from its sequence when
    // the sequence is let go. Sets held since verification are let go here, so memory never
    // holds both for a document.
    let by_words = sets_from_sequences(config);
    if by_words {
        docs.par_iter_mut().zip(involved.docs.par_iter()).filter(|(_, &on)| on).for_each(|(d, _)| {
            d.shingles = Vec::new();
        });
    } else {
        fill_sets(docs, &involved.docs, config);
    }
    let leave_sets = by_words && every_set;
    // With rows, the second documents past a row are made once and kept in a file for the
    // rows after it (and their own).
    let file = match plan.dir() {
        Some(dir) if plan.rows.len() > 1 => Some(SequenceFile::new(dir, docs.len())?),
        _ => None,
    };
    let mut state = State {
        held: Sequences { of: docs.iter().map(|_| None).collect(), leave_sets, file },
        fps: docs.iter().map(|_| OnceLock::new()).collect(),
        absorbed: Absorbed::new(RelationCounts {
            aligned: involved.aligned,
            proposed: involved.from_fps,
            rows: plan.rows.len(),
            ..Default::default()
        }),
        done: 0,
    };
    let aligning = Aligning {
        plan: &plan,
        verified: &verified,
        params: &params,
        rules: &rules,
        df,
        by_words,
        spill: spill.as_deref(),
        config,
    };
    // The number of pairs to align is known only now: the stage restarts with it as its total.
    progress.finish();
    progress.start("passages", Some(involved.aligned as u64), "pairs");
    for row in &plan.rows {
        // The row's documents first in a pair whose second document lies past the row have
        // their sequences made first.
        let firsts: Vec<u32> =
            plan.row_members(row).iter().copied().filter(|&d| involved.has_past[d as usize]).collect();
        let mut ahead = aligning.past(row, &firsts, docs, &mut state, progress)?;
        // The row's documents no pair within the row needs: all their pairs are decided.
        let gone: Vec<u32> = firsts.into_iter().filter(|&d| !involved.within[d as usize]).collect();
        state.held.let_go(&gone, docs, &mut state.fps);
        // Each block is aligned while the overlaps of the block before it are taken (their
        // records made and written, mostly on one thread), and taken in block order.
        let mut pending: Option<(usize, Vec<(u32, Decided)>)> = None;
        for i in row.clone() {
            // The sequences this block is the first to need.
            state.held.make(involved.starting.of(i), docs, aligning.spill, config)?;
            let shared = Docs::with(docs, aligning.spill);
            let State { held, fps, absorbed, done } = &mut state;
            let (taken, decided) = rayon::join(
                || match pending.take() {
                    Some((j, decided)) => aligning.take(j, decided, &shared, absorbed, &mut ahead, sink),
                    None => Ok(()),
                },
                || aligning.block(i, &shared, held, fps, done, progress),
            );
            taken?;
            pending = Some((i, decided?));
            // The sequences no later block needs: let go (with every set kept, each leaving its
            // shingle set behind).
            state.held.let_go(involved.ending.of(i), docs, &mut state.fps);
        }
        if let Some((j, decided)) = pending {
            let shared = Docs::with(docs, aligning.spill);
            aligning.take(j, decided, &shared, &mut state.absorbed, &mut ahead, sink)?;
        }
        debug_assert!(ahead.is_done(), "an overlap decided before its row's blocks was not taken");
        // The row's sequences, made on every thread, are free: the next row's threads find
        // that memory only once the system has it back.
        super::give_back_freed();
    }
    let State { mut held, mut fps, absorbed, .. } = state;
    // Documents aligned only as second documents past a row: their sets, once every pair is
    // decided.
    if leave_sets {
        let rest: Vec<u32> = (0..docs.len() as u32)
            .filter(|&d| {
                let doc = &docs[d as usize];
                involved.docs[d as usize] && doc.shingles.is_empty() && doc.shingle_count > 0
            })
            .collect();
        // A block of them at a time, so memory holds no more sequences than a block's.
        for some in rest.chunks(PAIR_BLOCK) {
            held.make(some, docs, spill.as_deref(), config)?;
            held.let_go(some, docs, &mut fps);
        }
    }
    for (doc, _) in docs.iter_mut().zip(&involved.docs).filter(|(_, &on)| on) {
        doc.sequence = None;
    }
    let (links, counts, held) = absorbed.conclude(stars, &rank, config.prune_composites, &params, &rules);
    Ok((links, counts, held))
}

/// What aligning changes as it goes: the sequences held, the fingerprints computed, the pairs
/// decided, and how many pairs are aligned so far.
struct State {
    held: Sequences,
    fps: Vec<FingerprintsOnce>,
    absorbed: Absorbed,
    done: u64,
}

/// What aligning reads: the plan, the scores of verified pairs, the rules and where texts are.
struct Aligning<'a> {
    plan: &'a Plan<'a>,
    verified: &'a HashMap<Pair, verify::Scores>,
    params: &'a PassageParams,
    rules: &'a RelationConfig,
    df: &'a winnow::DocFrequency,
    by_words: bool,
    spill: Option<&'a TextSpill>,
    config: &'a Config,
}

impl Aligning<'_> {
    /// Document `d` as [`decide`] reads it, with its sequence `sequence`.
    fn side<'s>(
        &'s self,
        shared: &'s Docs,
        fps: &'s [FingerprintsOnce],
        d: u32,
        sequence: &'s Sequence,
    ) -> Side<'s> {
        let set = (!self.by_words).then_some(shared[d as usize].shingles.as_slice());
        Side { sequence, set, fps: &fps[d as usize], df: self.df }
    }

    /// [`decide`] of pair `(a, b)`, with the scores it has when verified.
    fn decide(&self, (a, b): Pair, x: Side, y: Side) -> Option<Decided> {
        decide((a, b), (x, y), self.verified.get(&(a, b)).copied(), self.params, self.rules)
    }

    /// Aligns the pairs of the row's blocks whose second document lies past the row (none
    /// past the last row), in the order of their second document and of the first for each,
    /// with the sequences of `firsts` (the row's documents first in one of them) made first
    /// and the second documents made a batch at a time. The overlaps decided wait in what is
    /// returned for their block's turn (see [`Ahead`]).
    fn past(
        &self,
        row: &std::ops::Range<usize>,
        firsts: &[u32],
        docs: &mut [Doc],
        st: &mut State,
        progress: &dyn Progress,
    ) -> Result<Ahead, RunError> {
        let plan = self.plan;
        st.held.make(firsts, docs, self.spill, self.config)?;
        let some_past = !firsts.is_empty();
        let mut outside = plan.past_of(if some_past { row.clone() } else { 0..0 })?;
        let second = |p: &Pair| plan.second(p);
        let mut ahead = Ahead::new(plan.dir().filter(|_| some_past)).map_err(|e| plan.kept(e))?;
        // Each batch is aligned while the pairs of the batch before it are taken (the
        // overlaps held ahead) and the next batch is read: both on one thread.
        let absorb = |decided: Vec<Decided>, absorbed: &mut Absorbed, ahead: &mut Ahead| {
            for d in decided {
                if let Some((k, p)) = absorbed.absorb(d, plan.rank()) {
                    ahead.push(k, &p).map_err(|e| plan.kept(e))?;
                }
            }
            Ok::<(), RunError>(())
        };
        let mut batch = next_batch(&mut outside, plan)?;
        let mut pending: Vec<Decided> = Vec::new();
        while !batch.is_empty() {
            let mut seconds: Vec<u32> = batch.iter().map(second).collect();
            seconds.dedup();
            let shared = Docs::with(docs, self.spill);
            let file = st.held.file.as_ref();
            let made: Vec<Option<Sequence>> = seconds
                .par_iter()
                .map(|&d| match &shared[d as usize].sequence {
                    Some(_) => Ok(None),
                    None => Ok(Some(kept_or_made(file, &shared, d, self.spill, self.config)?)),
                })
                .collect::<Result<_, RunError>>()?;
            if let Some(file) = &mut st.held.file {
                file.keep(seconds.iter().zip(&made).filter_map(|(&d, s)| Some((d, s.as_ref()?))))?;
            }
            let State { held, fps, absorbed, .. } = &mut *st;
            let (held, fps) = (&*held, &*fps);
            let sequence_of = |d: u32| -> Option<&Sequence> {
                let at = seconds.binary_search(&d).ok();
                held.of[d as usize]
                    .as_deref()
                    .or_else(|| made[at?].as_ref())
                    .or(shared[d as usize].sequence.as_deref())
            };
            let side = |d: u32| Some(self.side(&shared, fps, d, sequence_of(d)?));
            let (taken, decided) = rayon::join(
                || {
                    absorb(std::mem::take(&mut pending), absorbed, &mut ahead)?;
                    next_batch(&mut outside, plan)
                },
                || decided_ahead(&batch, |&p| p, held, |&(a, b)| self.decide((a, b), side(a)?, side(b)?)),
            );
            drop(made);
            pending = decided;
            for &d in &seconds {
                st.fps[d as usize] = OnceLock::new();
            }
            st.done += batch.len() as u64;
            progress.set(st.done);
            batch = taken?;
        }
        absorb(pending, &mut st.absorbed, &mut ahead)?;
        drop(outside);
        ahead.finish().map_err(|e| plan.kept(e))?;
        Ok(ahead)
    }

    /// Aligns the pairs of block `i` within its row (their sequences held): its decided pairs
    /// in key order, each with its index in the block.
    fn block(
        &self,
        i: usize,
        shared: &Docs,
        held: &Sequences,
        fps: &[FingerprintsOnce],
        done: &mut u64,
        progress: &dyn Progress,
    ) -> Result<Vec<(u32, Decided)>, RunError> {
        let plan = self.plan;
        let side = |d: u32| Some(self.side(shared, fps, d, held.of[d as usize].as_deref()?));
        let decide_one = |&(a, b): &Pair| self.decide((a, b), side(a)?, side(b)?);
        let pairs = plan.pairs_of(i)?;
        // The pairs of a block share their first documents (a few thousand, whose sequences
        // stay in cache); their second documents are anywhere in the row. Aligned in the
        // order of the second document, each sequence is fetched once for all its pairs,
        // and neighbours in memory come one after another.
        let by_second = plan.by_second(&pairs);
        let mut decided: Vec<(u32, Decided)> = Vec::new();
        for batch in by_second.chunks(ALIGN_BATCH) {
            decided.extend(decided_ahead(
                batch,
                |&(_, k)| pairs[k as usize],
                held,
                |&(_, k)| Some((k, decide_one(&pairs[k as usize])?)),
            ));
            *done += batch.len() as u64;
            progress.set(*done);
        }
        decided.par_sort_unstable_by_key(|&(k, _)| k);
        Ok(decided)
    }

    /// Takes the decided pairs of block `i` ([`Aligning::block`]'s) and hands its overlaps to `sink` in
    /// key order, with those of the block decided before it (`ahead`).
    fn take(
        &self,
        i: usize,
        decided: Vec<(u32, Decided)>,
        shared: &Docs,
        absorbed: &mut Absorbed,
        ahead: &mut Ahead,
        sink: &mut dyn OverlapSink,
    ) -> Result<(), RunError> {
        let plan = self.plan;
        let before = ahead.take_before(plan.block_end(i)).map_err(|e| plan.kept(e))?;
        absorbed.take_all(decided.into_iter().map(|(_, d)| d), before, shared, plan.rank(), sink);
        Ok(())
    }
}

/// The next batch of pairs past a row: [`ALIGN_BATCH`] pairs or more, ending between two
/// second documents so that each is made once a row; none at the end.
fn next_batch<K: Fn(&Pair) -> (u32, u32)>(
    outside: &mut Merged<K>,
    plan: &Plan,
) -> Result<Vec<Pair>, RunError> {
    let mut batch: Vec<Pair> = Vec::new();
    while let Some((next, _)) = outside.peek() {
        if batch.len() >= ALIGN_BATCH && batch.last().map(|p| plan.second(p)) != Some(next) {
            break;
        }
        batch.extend(outside.pop().map_err(|e| plan.kept(e))?);
    }
    Ok(batch)
}

/// Consecutive pairs a thread decides one after another, asking ahead for the next ones'
/// sequences ([`decided_ahead`]).
const AHEAD_RUN: usize = 256;

/// `decide` of every item (a pair, `pair_of` it), in parallel, in their order. Each thread takes
/// a run of consecutive items and, while it decides one, asks ahead for what deciding the next
/// three reads first of the sequences `held` (the slot of each document's sequence three items
/// ahead, the sequence two ahead, its hashes one ahead: [`Sequences::ask_ahead`]). The pairs of
/// a block lie anywhere in its row, and aligning one waited for memory at each of those steps
/// before it could compare a hash.
fn decided_ahead<T: Sync, R: Send>(
    items: &[T],
    pair_of: impl Fn(&T) -> Pair + Sync,
    held: &Sequences,
    decide: impl Fn(&T) -> Option<R> + Sync,
) -> Vec<R> {
    let (pair_of, decide) = (&pair_of, &decide);
    items
        .par_chunks(AHEAD_RUN)
        .flat_map_iter(|run| {
            (0..run.len()).filter_map(move |n| {
                for (step, m) in [(0u8, n + 3), (1, n + 2), (2, n + 1)] {
                    if let Some(t) = run.get(m) {
                        let (a, b) = pair_of(t);
                        held.ask_ahead(step, a);
                        held.ask_ahead(step, b);
                    }
                }
                decide(&run[n])
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Params;
    use crate::corpus::Input;
    use crate::pipeline::{run, NoProgress};

    /// The pairs a sink was given, by id, with their keys: `overlap` calls, then `finish`.
    #[derive(Default, Debug, PartialEq)]
    struct Given {
        overlaps: Vec<((u32, u32), (String, String))>,
        held: Vec<((u32, u32), (String, String))>,
        /// The scratch directory it names (with one, the pairs are read back from a file).
        scratch: Option<PathBuf>,
    }

    /// The ids of a pair's documents.
    fn ids(docs: &Docs, p: &VerifiedPair) -> (String, String) {
        (docs[p.a as usize].id.clone(), docs[p.b as usize].id.clone())
    }

    impl OverlapSink for Given {
        fn overlap(&mut self, docs: &Docs, p: &VerifiedPair, key: (u32, u32)) {
            self.overlaps.push((key, ids(docs, p)));
        }
        fn finish(&mut self, docs: &Docs, held: &[((u32, u32), VerifiedPair)]) {
            self.held = held.iter().map(|(k, p)| (*k, ids(docs, p))).collect();
        }
        fn scratch(&self) -> Option<&Path> {
            self.scratch.as_deref()
        }
    }

    /// Over three blocks of documents, every pair that shares a passage reaches the sink
    /// once, in increasing key, whichever blocks its documents are in: pairs whose second
    /// document is a block or more after the first, and pairs within the last block. Aligned
    /// a row of one block at a time (`--align-memory 1`), the sink is given the same pairs in
    /// the same order, and the clusters are the same; the same again whether the pairs are
    /// read back from a file in a scratch directory or made again.
    #[test]
    fn every_pair_sharing_a_passage_reaches_the_sink_once_in_key_order_across_blocks() {
        let n = 2 * PAIR_BLOCK + 100;
        let half = n / 2;
        let last = 2 * PAIR_BLOCK;
        let words = |prefix: String, count: usize| -> Vec<String> {
            (0..count).map(|j| format!("{prefix}w{j}")).collect()
        };
        // Document `i` has words of its own, the passage it shares with `i ± half` (long
        // enough for a story link for every fifth pair), and, in the last block, one it shares
        // with its neighbour (`last + 2k` with `last + 2k + 1`).
        let mut expected: Vec<(String, String)> = Vec::new();
        let id = |i: usize| format!("d{i:05}");
        let mut lines = String::new();
        for i in 0..n {
            let mut text = words(format!("own{i}"), 180);
            let cross = if (i % half).is_multiple_of(5) { 150 } else { 60 };
            text.extend(words(format!("cross{}", i % half), cross));
            if i >= last {
                text.extend(words(format!("near{}", (i - last) / 2), 60));
            }
            text.extend(words(format!("tail{i}"), 180));
            lines += &(serde_json::json!({ "id": id(i), "text": text.join(" ") }).to_string() + "\n");
            if i < half {
                expected.push((id(i), id(i + half)));
            }
            if i >= last && (i - last).is_multiple_of(2) && i + 1 < n {
                expected.push((id(i), id(i + 1)));
            }
        }
        let dir = std::env::temp_dir().join(format!("reprint-blocks-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("in.jsonl");
        std::fs::write(&path, lines).unwrap();
        let run_with = |align_memory: usize, scratch: bool| {
            let mut config = Params::default().resolve().unwrap();
            config.align_memory = align_memory;
            let mut given = Given { scratch: scratch.then(|| dir.clone()), ..Given::default() };
            let r = run(vec![Input::Jsonl(path.clone())], &config, &NoProgress, &mut given).unwrap();
            given.scratch = None;
            // The rows it made, in the run's counts and in the summary on the terminal.
            let summary = crate::report::terminal::run_summary(&r, &[], &[], 0.0);
            let rows = (
                r.stats.align_rows,
                summary.contains(&format!(", in {} rows of --align-memory)", r.stats.align_rows)),
            );
            // The pairs it aligned, in the counts and in the summary's words.
            let aligned = r.stats.aligned_pairs;
            assert!(summary.contains(&format!("; {aligned} pairs aligned")), "{summary}");
            (given, format!("{:?}", r.clusters), r.clusters.len(), rows, aligned)
        };
        let (given, clusters, count, rows, aligned) = run_with(crate::config::DEFAULT_ALIGN_MEMORY, false);
        let others = [(1, false), (crate::config::DEFAULT_ALIGN_MEMORY, true), (1, true)]
            .map(|(memory, scratch)| run_with(memory, scratch));
        std::fs::remove_dir_all(&dir).unwrap();
        // A story link for every fifth pair, except where the second document is in the last
        // block: its neighbour there shares another passage, so it is a roundup of two.
        assert_eq!(count, (last - half).div_ceil(5));
        for (other, other_clusters, _, _, other_aligned) in &others {
            assert_eq!(other, &given);
            assert_eq!(other_clusters, &clusters);
            assert_eq!(*other_aligned, aligned);
        }
        // One row of three blocks (the summary does not mention rows), or a row a block.
        assert_eq!(rows, (1, false));
        assert_eq!(others.map(|o| o.3), [(3, true), (1, false), (3, true)]);
        for calls in [&given.overlaps, &given.held] {
            assert!(calls.windows(2).all(|w| w[0].0 < w[1].0), "keys not increasing");
        }
        let mut got: Vec<(String, String)> =
            given.overlaps.into_iter().chain(given.held).map(|(_, ids)| ids).collect();
        got.sort();
        expected.sort();
        // Every pair that shares a passage is aligned, and no other.
        assert_eq!(aligned, expected.len());
        assert_eq!(got.len(), expected.len());
        assert_eq!(got, expected);
    }

    #[test]
    fn pairs_decided_ahead_are_decided_once_each_in_their_order() {
        // Held and missing sequences, documents past the slots, runs of every length.
        let held = Sequences {
            of: (0..100).map(|d| (d % 3 == 0).then(|| Box::new(Sequence::default()))).collect(),
            leave_sets: false,
            file: None,
        };
        for n in [0u32, 1, 2, 3, 255, 256, 257, 1000] {
            let items: Vec<Pair> = (0..n).map(|i| (i % 120, (i * 7) % 110)).collect();
            let got = decided_ahead(&items, |&p| p, &held, |&(a, b)| (a % 2 == 0).then_some((a, b)));
            let want: Vec<Pair> = items.iter().copied().filter(|&(a, _)| a % 2 == 0).collect();
            assert_eq!(got, want, "{n} pairs");
        }
    }
}
