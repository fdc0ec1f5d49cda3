//! Passage relations: aligning candidate pairs in batches, deciding their relation
//! ([`crate::relation`]), streaming overlaps to an [`OverlapSink`] and returning story links.

use super::ahead::Ahead;
use super::decide::{decide, in_id_order, Absorbed, Decided, FingerprintsOnce, Side};
use super::scratch::{Merged, PairBlocks};
use super::sequences::{kept_or_made, SequenceFile, Sequences};
use super::{fill_sets, Doc, Docs, Progress, Proposals, RunError, TextSpill};
use crate::config::Config;
use crate::lsh::{winnow, Pair};
use crate::overlap::Sequence;
use crate::relation::{self, RelationConfig};
use crate::shingle::ShingleKind;
use crate::verify::{self, Relation, VerifiedPair};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

/// Receives the pairs that share passages, in the order of their documents' ids (smaller id
/// first): the overlaps report. The library decides; the sink writes.
pub trait OverlapSink {
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

/// Documents (in id order) whose proposed pairs are generated together.
const PAIR_BLOCK: usize = 4_096;

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
    let key = |a: u32, b: u32| {
        let (x, y) = (rank[a as usize], rank[b as usize]);
        (x.min(y), x.max(y))
    };
    let Some(params) = config.passages else {
        let (links, counts, held) = without_passages(verified, stars, &rank, &rules);
        return Ok((links, counts, held));
    };
    // Pairs are aligned a block of documents at a time, in id order: block `i` holds the pairs
    // whose first document in id order is among the documents of ranks `i * PAIR_BLOCK ..`, so
    // blocks come in increasing key, and only one block's pairs are in memory.
    let mut by_key: Vec<((u32, u32), Pair)> = verified.iter().map(|p| (key(p.a, p.b), (p.a, p.b))).collect();
    by_key.sort_unstable();
    // Verified pairs keep their scores; a pair only proposed by fingerprints is scored when it
    // shares a passage (otherwise it has nothing to report).
    let verified: std::collections::HashMap<Pair, verify::Scores> =
        verified.into_iter().map(|p| ((p.a, p.b), p.scores)).collect();
    let mut order: Vec<u32> = vec![0; rank.len()];
    for (d, &r) in rank.iter().enumerate() {
        order[r as usize] = d as u32;
    }
    let after = |a: u32, b: u32| rank[b as usize] > rank[a as usize];
    // Documents read in id order (the usual case) have their index as their rank: the test of
    // every partner a fingerprint names is then a comparison, not a look-up in `rank`.
    let read_in_id_order = rank.iter().enumerate().all(|(d, &r)| r as usize == d);
    // The pairs of block `i` in increasing key, and how many of them fingerprints proposed.
    let block = |proposed: &Proposals, i: usize, members: &[u32]| -> (Vec<Pair>, usize) {
        let mut ps = if read_in_id_order {
            proposed.pairs(members, |a, b| b > a)
        } else {
            proposed.pairs(members, after)
        };
        let from_fps = ps.len();
        let (r0, r1) = ((i * PAIR_BLOCK) as u32, (i * PAIR_BLOCK + members.len()) as u32);
        let lo = by_key.partition_point(|(k, _)| k.0 < r0);
        let hi = by_key.partition_point(|(k, _)| k.0 < r1);
        ps.extend(by_key[lo..hi].iter().map(|&(_, p)| p));
        // Each pair's key is looked up once, not at every comparison of the sort (the ranks of
        // documents anywhere in the corpus). Distinct pairs have distinct keys, so sorting by
        // key and pair gives the order of the keys.
        let mut keyed: Vec<((u32, u32), Pair)> =
            ps.into_par_iter().map(|(a, b)| (key(a, b), (a, b))).collect();
        keyed.par_sort_unstable();
        keyed.dedup();
        (keyed.into_par_iter().map(|(_, p)| p).collect(), from_fps)
    };
    // Blocks are aligned a row of them at a time: a row's documents hold at most
    // `--align-memory` bytes of sequences. A pair whose second document lies past the row is
    // aligned first, with the row's documents held and the second documents' sequences made a
    // batch at a time (again for each row that needs them); the pairs within the row follow a
    // block at a time, as before. One row (the usual case) aligns as if there were none.
    let rows = rows(&order, docs, config);
    let row_end = |i: usize| -> u32 {
        let row = rows.partition_point(|r| r.end <= i);
        order.len().min(rows[row].end * PAIR_BLOCK) as u32
    };
    let members_of = |i: usize| &order[i * PAIR_BLOCK..order.len().min((i + 1) * PAIR_BLOCK)];
    let in_row = |i: usize, (a, b): Pair| rank[a as usize].max(rank[b as usize]) < row_end(i);
    // The first and the last block that aligns each document within its row: its sequence is
    // made for the first and let go after the last, so memory holds the sequences of the
    // documents still to be aligned, not of every document in a pair.
    const UNUSED: u32 = u32::MAX;
    let mut first = vec![UNUSED; docs.len()];
    let mut last = vec![UNUSED; docs.len()];
    let mut involved = vec![false; docs.len()];
    let (mut aligned, mut from_fps) = (0usize, 0usize);
    // The documents that are the first of a pair whose second document lies past its row.
    let mut has_past = vec![false; docs.len()];
    // The order in which pairs past a row are aligned: by second document, then by the rank
    // of the first (each block's list is sorted so, and a row's lists are merged).
    let past_order = |p: &Pair| (second_of(p, &rank), rank[p.0 as usize].min(rank[p.1 as usize]));
    // Each block's pairs are made here, once, and read back when its row needs them, those
    // within its row apart from those past it (from a temporary file in the scratch
    // directory; without one they are made again).
    let dir: Option<PathBuf> = sink.scratch().map(Path::to_path_buf);
    let mut stored =
        dir.as_deref().map(|d| PairBlocks::new(Some(d))).transpose().map_err(|e| kept(&dir, e))?;
    for (i, members) in order.chunks(PAIR_BLOCK).enumerate() {
        let (ps, n) = block(&proposed, i, members);
        aligned += ps.len();
        from_fps += n;
        let (inside, mut beyond): (Vec<Pair>, Vec<Pair>) = ps.into_iter().partition(|&p| in_row(i, p));
        beyond.par_sort_unstable_by_key(past_order);
        if let Some(stored) = &mut stored {
            stored.push(&inside).map_err(|e| kept(&dir, e))?;
            stored.push(&beyond).map_err(|e| kept(&dir, e))?;
        }
        for p @ &(a, b) in &beyond {
            involved[a as usize] = true;
            involved[b as usize] = true;
            has_past[if second_of(p, &rank) == b { a } else { b } as usize] = true;
        }
        for &(a, b) in &inside {
            for d in [a as usize, b as usize] {
                involved[d] = true;
                if first[d] == UNUSED {
                    first[d] = i as u32;
                }
                last[d] = i as u32;
            }
        }
    }
    if let Some(stored) = &mut stored {
        stored.finish().map_err(|e| kept(&dir, e))?;
    }
    // With the pairs in the file, the fingerprint postings that proposed them are let go before
    // any sequence is made (349 MB on the generated million); without a file, each row makes
    // its pairs from them again.
    let proposed = stored.is_none().then_some(proposed);
    let again = |i: usize| -> Vec<Pair> {
        let proposed = proposed.as_ref().expect("pairs are made again only when none were stored");
        block(proposed, i, members_of(i)).0
    };
    // The pairs of block `i` within its row, in increasing key.
    let pairs_of = |i: usize| -> Result<Vec<Pair>, RunError> {
        match &stored {
            Some(stored) => stored.read(2 * i).map_err(|e| kept(&dir, e)),
            None => {
                let mut ps = again(i);
                ps.retain(|&p| in_row(i, p));
                Ok(ps)
            }
        }
    };
    // The pairs of a row's blocks past it, in `past_order`: read a part of each block at a
    // time, so memory does not hold them (without a file, each block's are made again).
    let past_of = |row: std::ops::Range<usize>| {
        let merged = match &stored {
            Some(stored) => Merged::stored(stored, row.map(|i| 2 * i + 1), past_order),
            None => Merged::held(
                row.map(|i| {
                    let mut ps = again(i);
                    ps.retain(|&p| !in_row(i, p));
                    ps.sort_unstable_by_key(past_order);
                    ps
                })
                .collect(),
                past_order,
            ),
        };
        merged.map_err(|e| kept(&dir, e))
    };
    let spill = texts(docs, &involved)?;
    let blocks = order.len().div_ceil(PAIR_BLOCK);
    let (starting, ending) = (by_block(&first, blocks), by_block(&last, blocks));
    let within: Vec<bool> = first.iter().map(|&f| f != UNUSED).collect();
    drop((first, last));
    // Scoring needs the shingle sets. With word shingles the sequences hold exactly those
    // hashes: pairs are scored from them, and a document's set is made from its sequence when
    // the sequence is let go. Sets held since verification are let go here, so memory never
    // holds both for a document.
    let by_words = sets_from_sequences(config);
    if by_words {
        docs.par_iter_mut().zip(involved.par_iter()).filter(|(_, &on)| on).for_each(|(d, _)| {
            d.shingles = Vec::new();
        });
    } else {
        fill_sets(docs, &involved, config);
    }
    let leave_sets = by_words && every_set;
    // With rows, the second documents past a row are made once and kept in a file for the
    // rows after it (and their own).
    let file = match dir.as_deref() {
        Some(dir) if rows.len() > 1 => Some(SequenceFile::new(dir, docs.len())?),
        _ => None,
    };
    let mut held = Sequences { of: docs.iter().map(|_| None).collect(), leave_sets, file };
    let mut fps: Vec<FingerprintsOnce> = docs.iter().map(|_| OnceLock::new()).collect();

    let mut absorbed =
        Absorbed::new(RelationCounts { aligned, proposed: from_fps, rows: rows.len(), ..Default::default() });
    // The number of pairs to align is known only now: the stage restarts with it as its total.
    progress.finish();
    progress.start("passages", Some(aligned as u64), "pairs");
    let mut done = 0u64;
    for row in &rows {
        // The pairs whose second document lies past the row (none past the last row), in the
        // order of their second document, and of the first for each; the row's documents
        // first in one of them have their sequences made first.
        let members = &order[row.start * PAIR_BLOCK..order.len().min(row.end * PAIR_BLOCK)];
        let firsts: Vec<u32> = members.iter().copied().filter(|&d| has_past[d as usize]).collect();
        held.make(&firsts, docs, spill.as_deref(), config)?;
        let some_past = !firsts.is_empty();
        let mut outside = past_of(if some_past { row.clone() } else { 0..0 })?;
        let second = |p: &Pair| second_of(p, &rank);
        // The overlaps decided here wait for their block's turn (see `ahead`).
        let mut ahead = Ahead::new(dir.as_deref().filter(|_| some_past)).map_err(|e| kept(&dir, e))?;
        let mut batch: Vec<Pair> = Vec::new();
        loop {
            // A batch ends between two second documents, so each is made once a row.
            batch.clear();
            while let Some((next, _)) = outside.peek() {
                if batch.len() >= ALIGN_BATCH && batch.last().map(second) != Some(next) {
                    break;
                }
                batch.extend(outside.pop().map_err(|e| kept(&dir, e))?);
            }
            if batch.is_empty() {
                break;
            }
            let mut seconds: Vec<u32> = batch.iter().map(second).collect();
            seconds.dedup();
            let shared = Docs::with(docs, spill.as_deref());
            let file = held.file.as_ref();
            let made: Vec<Option<Sequence>> = seconds
                .par_iter()
                .map(|&d| match &shared[d as usize].sequence {
                    Some(_) => Ok(None),
                    None => Ok(Some(kept_or_made(file, &shared, d, spill.as_deref(), config)?)),
                })
                .collect::<Result<_, RunError>>()?;
            if let Some(file) = &mut held.file {
                file.keep(seconds.iter().zip(&made).filter_map(|(&d, s)| Some((d, s.as_ref()?))))?;
            }
            let sequence_of = |d: u32| -> Option<&Sequence> {
                let at = seconds.binary_search(&d).ok();
                held.of[d as usize]
                    .as_deref()
                    .or_else(|| made[at?].as_ref())
                    .or(shared[d as usize].sequence.as_deref())
            };
            let side = |d: u32| -> Option<Side> {
                let set = (!by_words).then_some(shared[d as usize].shingles.as_slice());
                Some(Side { sequence: sequence_of(d)?, set, fps: &fps[d as usize], df })
            };
            let decided: Vec<Decided> = decided_ahead(
                &batch,
                |&p| p,
                &held,
                |&(a, b)| {
                    decide((a, b), (side(a)?, side(b)?), verified.get(&(a, b)).copied(), &params, &rules)
                },
            );
            drop(made);
            for d in decided {
                if let Some((k, p)) = absorbed.absorb(d, &rank) {
                    ahead.push(k, &p).map_err(|e| kept(&dir, e))?;
                }
            }
            for &d in &seconds {
                fps[d as usize] = OnceLock::new();
            }
            done += batch.len() as u64;
            progress.set(done);
        }
        drop((outside, batch));
        ahead.finish().map_err(|e| kept(&dir, e))?;
        // The row's documents no pair within the row needs: all their pairs are decided.
        let gone: Vec<u32> = firsts.into_iter().filter(|&d| !within[d as usize]).collect();
        held.let_go(&gone, docs, &mut fps);
        for i in row.clone() {
            let members = members_of(i);
            // The sequences this block is the first to need.
            held.make(starting.of(i), docs, spill.as_deref(), config)?;
            let shared = Docs::with(docs, spill.as_deref());
            let side = |d: u32| -> Option<Side> {
                let d = d as usize;
                let set = (!by_words).then_some(shared[d].shingles.as_slice());
                Some(Side { sequence: held.of[d].as_deref()?, set, fps: &fps[d], df })
            };
            let decide_one = |&(a, b): &Pair| -> Option<Decided> {
                decide((a, b), (side(a)?, side(b)?), verified.get(&(a, b)).copied(), &params, &rules)
            };
            let pairs = pairs_of(i)?;
            // The pairs of a block share their first documents (a few thousand, whose sequences
            // stay in cache); their second documents are anywhere in the row. Aligned in the
            // order of the second document, each sequence is fetched once for all its pairs,
            // and neighbours in memory come one after another. Decided pairs are taken in key
            // order, with the block's pairs decided before it (second documents past the row).
            let by_second = second_order(&pairs, &rank);
            let mut decided: Vec<(u32, Decided)> = Vec::new();
            for batch in by_second.chunks(ALIGN_BATCH) {
                decided.extend(decided_ahead(
                    batch,
                    |&(_, k)| pairs[k as usize],
                    &held,
                    |&(_, k)| Some((k, decide_one(&pairs[k as usize])?)),
                ));
                done += batch.len() as u64;
                progress.set(done);
            }
            decided.par_sort_unstable_by_key(|&(k, _)| k);
            let block_end = (i * PAIR_BLOCK + members.len()) as u32;
            let before = ahead.take_before(block_end).map_err(|e| kept(&dir, e))?;
            absorbed.take_all(decided.into_iter().map(|(_, d)| d), before, &shared, &rank, sink);
            // The sequences no later block needs: let go (with every set kept, each leaving its
            // shingle set behind).
            held.let_go(ending.of(i), docs, &mut fps);
        }
        debug_assert!(ahead.is_done(), "an overlap decided before its row's blocks was not taken");
        // The row's sequences, made on every thread, are free: the next row's threads find
        // that memory only once the system has it back.
        super::give_back_freed();
    }
    // Documents aligned only as second documents past a row: their sets, once every pair is
    // decided.
    if leave_sets {
        let rest: Vec<u32> = (0..docs.len() as u32)
            .filter(|&d| {
                let doc = &docs[d as usize];
                involved[d as usize] && doc.shingles.is_empty() && doc.shingle_count > 0
            })
            .collect();
        // A block of them at a time, so memory holds no more sequences than a block's.
        for some in rest.chunks(PAIR_BLOCK) {
            held.make(some, docs, spill.as_deref(), config)?;
            held.let_go(some, docs, &mut fps);
        }
    }
    for (doc, _) in docs.iter_mut().zip(&involved).filter(|(_, &on)| on) {
        doc.sequence = None;
    }
    let (links, counts, held) = absorbed.conclude(stars, &rank, config.prune_composites, &params, &rules);
    Ok((links, counts, held))
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

/// The rows of blocks [`relate`] aligns one after another: consecutive blocks whose documents'
/// sequences take at most `--align-memory` bytes (estimated), at least one block each.
fn rows(order: &[u32], docs: &[Doc], config: &Config) -> Vec<std::ops::Range<usize>> {
    let mut rows = Vec::new();
    let (mut start, mut bytes) = (0, 0usize);
    for (i, members) in order.chunks(PAIR_BLOCK).enumerate() {
        // About 12 bytes a word (a hash, a position, a token range), 6 characters a word.
        let more: usize = members.iter().map(|&d| 2 * docs[d as usize].chars).sum();
        if i > start && bytes + more > config.align_memory {
            rows.push(start..i);
            (start, bytes) = (i, 0);
        }
        bytes += more;
    }
    rows.push(start..order.len().div_ceil(PAIR_BLOCK));
    rows
}

/// The second document of a pair: the one later in id order.
fn second_of(&(a, b): &Pair, rank: &[u32]) -> u32 {
    if rank[a as usize] < rank[b as usize] {
        b
    } else {
        a
    }
}

/// `(second document, index)` of each of `pairs` (`second_of`), sorted.
fn second_order(pairs: &[Pair], rank: &[u32]) -> Vec<(u32, u32)> {
    let mut by: Vec<(u32, u32)> =
        pairs.par_iter().enumerate().map(|(k, p)| (second_of(p, rank), k as u32)).collect();
    by.par_sort_unstable();
    by
}

/// The error of the temporary file of overlaps decided ahead.
fn kept(dir: &Option<PathBuf>, e: std::io::Error) -> RunError {
    RunError::scratch(dir.as_deref().unwrap_or(Path::new("")), e)
}

/// Documents grouped by a block index (`UNUSED`, `u32::MAX`, in none): compressed rows.
struct ByBlock {
    starts: Vec<usize>,
    docs: Vec<u32>,
}

impl ByBlock {
    /// The documents of block `i`, in increasing index.
    fn of(&self, i: usize) -> &[u32] {
        &self.docs[self.starts[i]..self.starts[i + 1]]
    }
}

/// The documents of each of `blocks` blocks, from every document's block in `block_of`.
fn by_block(block_of: &[u32], blocks: usize) -> ByBlock {
    let mut starts = vec![0usize; blocks + 1];
    for &b in block_of.iter().filter(|&&b| (b as usize) < blocks) {
        starts[b as usize + 1] += 1;
    }
    for i in 0..blocks {
        starts[i + 1] += starts[i];
    }
    let mut at = starts.clone();
    let mut docs = vec![0u32; starts[blocks]];
    for (d, &b) in block_of.iter().enumerate().filter(|(_, &b)| (b as usize) < blocks) {
        docs[at[b as usize]] = d as u32;
        at[b as usize] += 1;
    }
    ByBlock { starts, docs }
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

    #[test]
    fn documents_are_grouped_by_their_block_in_increasing_index() {
        let block_of = [2, u32::MAX, 0, 2, 1, 0, u32::MAX];
        let b = by_block(&block_of, 3);
        assert_eq!(b.of(0), &[2, 5]);
        assert_eq!(b.of(1), &[4]);
        assert_eq!(b.of(2), &[0, 3]);
        // Every document in a block is in exactly one group; the others in none.
        let all: usize = (0..3).map(|i| b.of(i).len()).sum();
        assert_eq!(all, 5);
        assert!(by_block(&[u32::MAX; 4], 2).of(1).is_empty());
    }
}
