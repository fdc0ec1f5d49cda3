//! Where the passage stage ([`super::relate`]) aligns each pair. Documents in id order form
//! blocks of [`PAIR_BLOCK`]; a pair belongs to the block of its first document in id order, so
//! blocks come in increasing key. Consecutive blocks form rows whose documents' sequences take
//! at most `--align-memory` bytes; a pair whose second document lies past its block's row is
//! aligned before the row's blocks, in the order of its second document. The pairs of every
//! block are made once, before any sequence, and kept in a temporary file in the scratch
//! directory (without one, they are made again from the fingerprint postings when a row needs
//! them).

use super::decide::key;
use super::scratch::{Merged, PairBlocks};
use super::{Doc, Proposals, RunError};
use crate::config::Config;
use crate::lsh::Pair;
use crate::verify::VerifiedPair;
use rayon::prelude::*;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// Documents (in id order) whose proposed pairs are generated together.
pub(super) const PAIR_BLOCK: usize = 4_096;

/// The block of a document no block within its row aligns.
const UNUSED: u32 = u32::MAX;

/// The blocks and rows of the passage stage, and the pairs of each block.
pub(super) struct Plan<'a> {
    /// Rank of every document in id order.
    rank: &'a [u32],
    /// The documents in id order.
    order: Vec<u32>,
    /// The rows, as ranges of blocks.
    pub rows: Vec<Range<usize>>,
    /// The verified pairs with their keys, in increasing key.
    by_key: Vec<((u32, u32), Pair)>,
    /// Whether documents were read in id order (the usual case): each has its index as its
    /// rank, and the test of every partner a fingerprint names is a comparison, not a look-up.
    read_in_id_order: bool,
    /// The pairs of every block, those within its row (`2 i`) apart from those past it
    /// (`2 i + 1`), when there is a scratch directory.
    stored: Option<PairBlocks>,
    /// The fingerprint postings, held only while there is no file of pairs.
    proposed: Option<Proposals>,
    /// The scratch directory.
    dir: Option<PathBuf>,
}

/// What making the plan learnt of the documents.
pub(super) struct Involved {
    /// The documents of some pair.
    pub docs: Vec<bool>,
    /// The documents that are the first of a pair whose second document lies past its row.
    pub has_past: Vec<bool>,
    /// The documents each block is the first to align within its row: their sequences are
    /// made for it.
    pub starting: ByBlock,
    /// The documents each block is the last to align within its row: their sequences are let
    /// go after it.
    pub ending: ByBlock,
    /// The documents some pair within their row aligns.
    pub within: Vec<bool>,
    /// Pairs to align.
    pub aligned: usize,
    /// Pairs proposed by fingerprints (some of them also verified).
    pub from_fps: usize,
}

impl<'a> Plan<'a> {
    /// Makes the pairs of every block (the `verified` pairs and those `proposed`), stores them
    /// in `dir` when there is one (and then lets the postings go), and marks where each
    /// document is aligned.
    pub fn new(
        docs: &[Doc],
        rank: &'a [u32],
        verified: &[VerifiedPair],
        proposed: Proposals,
        config: &Config,
        dir: Option<PathBuf>,
    ) -> Result<(Self, Involved), RunError> {
        let mut by_key: Vec<((u32, u32), Pair)> =
            verified.iter().map(|p| (key(rank, p.a, p.b), (p.a, p.b))).collect();
        by_key.sort_unstable();
        let mut order: Vec<u32> = vec![0; rank.len()];
        for (d, &r) in rank.iter().enumerate() {
            order[r as usize] = d as u32;
        }
        let read_in_id_order = rank.iter().enumerate().all(|(d, &r)| r as usize == d);
        let rows = rows(&order, docs, config);
        let mut stored =
            dir.as_deref().map(|d| PairBlocks::new(Some(d))).transpose().map_err(|e| kept(&dir, e))?;
        let mut plan =
            Plan { rank, order, rows, by_key, read_in_id_order, stored: None, proposed: Some(proposed), dir };
        let n = docs.len();
        let mut first = vec![UNUSED; n];
        let mut last = vec![UNUSED; n];
        let mut involved = vec![false; n];
        let mut has_past = vec![false; n];
        let (mut aligned, mut from_fps) = (0usize, 0usize);
        let past_order = plan.past_order();
        let blocks = plan.blocks();
        let mut next = (blocks > 0).then(|| plan.block(0));
        for i in 0..blocks {
            let (ps, made) = next.take().expect("each block's pairs are made before its turn");
            aligned += ps.len();
            from_fps += made;
            // The next block's pairs are made (on all threads) while this block's are split,
            // sorted, written and marked (mostly on one).
            let (done, following) = rayon::join(
                || -> Result<(), RunError> {
                    let (inside, mut beyond): (Vec<Pair>, Vec<Pair>) =
                        ps.into_iter().partition(|&p| plan.in_row(i, p));
                    beyond.par_sort_unstable_by_key(past_order);
                    if let Some(stored) = &mut stored {
                        stored.push(&inside).map_err(|e| plan.kept(e))?;
                        stored.push(&beyond).map_err(|e| plan.kept(e))?;
                    }
                    for p @ &(a, b) in &beyond {
                        involved[a as usize] = true;
                        involved[b as usize] = true;
                        has_past[if second_of(p, rank) == b { a } else { b } as usize] = true;
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
                    Ok(())
                },
                || (i + 1 < blocks).then(|| plan.block(i + 1)),
            );
            done?;
            next = following;
        }
        if let Some(stored) = &mut stored {
            stored.finish().map_err(|e| plan.kept(e))?;
            // With the pairs in the file, the fingerprint postings that proposed them are let
            // go before any sequence is made (349 MB on the generated million); without a
            // file, each row makes its pairs from them again.
            plan.proposed = None;
        }
        plan.stored = stored;
        let (starting, ending) = (by_block(&first, blocks), by_block(&last, blocks));
        let within: Vec<bool> = first.iter().map(|&f| f != UNUSED).collect();
        let involved = Involved { docs: involved, has_past, starting, ending, within, aligned, from_fps };
        Ok((plan, involved))
    }

    /// The number of blocks.
    pub fn blocks(&self) -> usize {
        self.order.len().div_ceil(PAIR_BLOCK)
    }

    /// The documents of block `i`, in id order.
    pub fn members_of(&self, i: usize) -> &[u32] {
        self.row_members(&(i..i + 1))
    }

    /// The documents of the blocks of `row`, in id order.
    pub fn row_members(&self, row: &Range<usize>) -> &[u32] {
        &self.order[row.start * PAIR_BLOCK..self.end_of(row.end)]
    }

    /// The rank past the last document of the blocks before block `i`.
    fn end_of(&self, i: usize) -> usize {
        self.order.len().min(i * PAIR_BLOCK)
    }

    /// The rank past the last document of block `i`.
    pub fn block_end(&self, i: usize) -> u32 {
        self.end_of(i + 1) as u32
    }

    /// The rank past the last document of the row of block `i`.
    fn row_end(&self, i: usize) -> u32 {
        let row = self.rows.partition_point(|r| r.end <= i);
        self.end_of(self.rows[row].end) as u32
    }

    /// Whether pair `p` of block `i` lies within its row.
    fn in_row(&self, i: usize, (a, b): Pair) -> bool {
        self.rank[a as usize].max(self.rank[b as usize]) < self.row_end(i)
    }

    /// Rank of every document in id order.
    pub fn rank(&self) -> &'a [u32] {
        self.rank
    }

    /// The second document of a pair: the one later in id order.
    pub fn second(&self, p: &Pair) -> u32 {
        second_of(p, self.rank)
    }

    /// `(second document, index)` of each of `pairs` ([`Plan::second`]), sorted: the order in
    /// which a block's pairs are aligned.
    pub fn by_second(&self, pairs: &[Pair]) -> Vec<(u32, u32)> {
        let rank = self.rank;
        let mut by: Vec<(u32, u32)> =
            pairs.par_iter().enumerate().map(|(k, p)| (second_of(p, rank), k as u32)).collect();
        by.par_sort_unstable();
        by
    }

    /// The order in which pairs past a row are aligned: by second document, then by the rank
    /// of the first (each block's list is sorted so, and a row's lists are merged).
    fn past_order(&self) -> impl Fn(&Pair) -> (u32, u32) + Copy + Sync + 'a {
        let rank = self.rank;
        move |p: &Pair| (second_of(p, rank), key(rank, p.0, p.1).0)
    }

    /// The pairs of block `i` in increasing key (from the postings), and how many of them
    /// fingerprints proposed.
    fn block(&self, i: usize) -> (Vec<Pair>, usize) {
        let proposed = self.proposed.as_ref().expect("pairs are made again only when none were stored");
        let members = self.members_of(i);
        let rank = self.rank;
        let mut ps = if self.read_in_id_order {
            proposed.pairs(members, |a, b| b > a)
        } else {
            proposed.pairs(members, |a, b| rank[b as usize] > rank[a as usize])
        };
        let from_fps = ps.len();
        let (r0, r1) = ((i * PAIR_BLOCK) as u32, self.block_end(i));
        let lo = self.by_key.partition_point(|(k, _)| k.0 < r0);
        let hi = self.by_key.partition_point(|(k, _)| k.0 < r1);
        ps.extend(self.by_key[lo..hi].iter().map(|&(_, p)| p));
        // Each pair's key is looked up once, not at every comparison of the sort (the ranks of
        // documents anywhere in the corpus). Distinct pairs have distinct keys, so sorting by
        // key and pair gives the order of the keys.
        let mut keyed: Vec<((u32, u32), Pair)> =
            ps.into_par_iter().map(|(a, b)| (key(rank, a, b), (a, b))).collect();
        keyed.par_sort_unstable();
        keyed.dedup();
        (keyed.into_par_iter().map(|(_, p)| p).collect(), from_fps)
    }

    /// The pairs of block `i` within its row, in increasing key.
    pub fn pairs_of(&self, i: usize) -> Result<Vec<Pair>, RunError> {
        match &self.stored {
            Some(stored) => stored.read(2 * i).map_err(|e| self.kept(e)),
            None => {
                let mut ps = self.block(i).0;
                ps.retain(|&p| self.in_row(i, p));
                Ok(ps)
            }
        }
    }

    /// The pairs of a row's blocks past it, in the order they are aligned: read a part of each
    /// block at a time, so memory does not hold them (without a file, each block's are made
    /// again).
    pub fn past_of(
        &self,
        row: Range<usize>,
    ) -> Result<Merged<'_, impl Fn(&Pair) -> (u32, u32) + Copy + 'a>, RunError> {
        let past_order = self.past_order();
        let merged = match &self.stored {
            Some(stored) => Merged::stored(stored, row.map(|i| 2 * i + 1), past_order),
            None => Merged::held(
                row.map(|i| {
                    let mut ps = self.block(i).0;
                    ps.retain(|&p| !self.in_row(i, p));
                    ps.sort_unstable_by_key(past_order);
                    ps
                })
                .collect(),
                past_order,
            ),
        };
        merged.map_err(|e| self.kept(e))
    }

    /// The scratch directory.
    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    /// The error of a temporary file in the scratch directory.
    pub fn kept(&self, e: std::io::Error) -> RunError {
        kept(&self.dir, e)
    }
}

/// The error of a temporary file in the scratch directory `dir`.
fn kept(dir: &Option<PathBuf>, e: std::io::Error) -> RunError {
    RunError::scratch(dir.as_deref().unwrap_or(Path::new("")), e)
}

/// The rows of blocks aligned one after another: consecutive blocks whose documents'
/// sequences take at most `--align-memory` bytes (estimated), at least one block each.
fn rows(order: &[u32], docs: &[Doc], config: &Config) -> Vec<Range<usize>> {
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

/// Documents grouped by a block index (`UNUSED`, `u32::MAX`, in none): compressed rows.
pub(super) struct ByBlock {
    starts: Vec<usize>,
    docs: Vec<u32>,
}

impl ByBlock {
    /// The documents of block `i`, in increasing index.
    pub fn of(&self, i: usize) -> &[u32] {
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
