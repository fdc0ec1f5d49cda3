//! Shared passages between two documents, as ranges of the ORIGINAL texts.
//!
//! [`align`] finds maximal runs of matching word shingles (equal hashes at positions `i` in A
//! and `j`, `j+1`, … in B along one diagonal), chains runs separated by small edits (at most
//! `max_gap` words in both documents) into passages, and keeps a non-overlapping set of the
//! longest ones (greedy tiling), so repeated text is never counted twice. A passage covers the
//! tokens of its first and last shingle; its length in words is the smaller of its two spans,
//! gap words included. Coverage of a document is the share of its words inside passages of at
//! least `min_passage` words.
//!
//! Invariant: passage ranges are byte ranges of the original texts that start and end on
//! character boundaries (they come from token ranges, see [`crate::normalize`]); passages never
//! overlap each other on either side.

use crate::normalize::Normalized;
use crate::prefetch::prefetch_all;
use serde::Serialize;

mod figures;
mod join;
mod positions;
mod runs;
mod stored;
mod tokens;

use positions::Positions;
use runs::{chain, runs_of_matches, Chain, Run};

pub use figures::{Digits, Figures, Join};
pub use tokens::Tokens;

/// How passages are found and when they link two documents.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PassageConfig {
    /// Shortest passage, in words, that counts.
    pub min_passage: usize,
    /// Share of the shorter document that passages of `min_passage`+ words must cover to link.
    pub min_coverage: f64,
    /// Largest edit, in words on each side, that two runs may be chained across.
    pub max_gap: usize,
    /// Shingles that occur more often than this within one document (boilerplate, repeated
    /// lines) are ignored when aligning.
    pub max_repeats: usize,
}

/// Default shortest passage in words: above the length of a quoted sentence or two (measured
/// on the development set: quotes in same-topic articles reach 45 words), below a paragraph.
pub const DEFAULT_MIN_PASSAGE: usize = 50;
/// Default share of each document that specific shared passages must cover to make a story
/// link (see [`crate::relation`]). Measured: the development sets hold ARI ≥ 0.98 from 0.15
/// to 0.2, and on SaudiNewsNet's judged links 0.15 loses fewer right links than 0.2.
pub const DEFAULT_MIN_COVERAGE: f64 = 0.15;
/// Default largest edit between two chained runs, in words.
pub const DEFAULT_MAX_GAP: usize = 5;
/// Default cap on repeats of one shingle within a document.
pub const DEFAULT_MAX_REPEATS: usize = 8;

impl Default for PassageConfig {
    fn default() -> Self {
        PassageConfig {
            min_passage: DEFAULT_MIN_PASSAGE,
            min_coverage: DEFAULT_MIN_COVERAGE,
            max_gap: DEFAULT_MAX_GAP,
            max_repeats: DEFAULT_MAX_REPEATS,
        }
    }
}

/// A document prepared for alignment: its word-shingle hashes with their positions, sorted by
/// hash, and its tokens' original byte ranges.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sequence {
    /// Original byte range of every token.
    pub tokens: Tokens,
    /// Shingle size in words.
    pub k: usize,
    /// Shingle positions sorted by `(hash, position)`: what alignment joins on.
    order: Positions,
    /// The shingle hashes in that order (`sorted[x]` is the hash at position `order[x]`): the
    /// join reads them one after another, never through the position.
    sorted: Vec<u64>,
    /// Whether no hash occurs twice in `sorted` (most documents repeat no shingle): the join
    /// of two such sequences needs no runs of equal hashes.
    unique: bool,
    /// The tokens that hold digits: where an edit between two shared stretches replaces one
    /// figure by another ([`Alignment::figures_replaced`]).
    pub figures: Figures,
}

impl Sequence {
    /// Builds the sequence of document `text`, normalized as `doc`, from its in-order shingle
    /// hashes.
    pub fn new(text: &str, doc: &Normalized, hashes: &[u64], k: usize) -> Self {
        // Sorting the (hash, position) pairs themselves, not positions by an indirect key,
        // keeps the comparisons in cache; the order is the same.
        let mut keyed: Vec<(u64, u32)> = hashes.iter().enumerate().map(|(i, &h)| (h, i as u32)).collect();
        keyed.sort_unstable();
        let figures = Figures::of(text, doc.tokens.iter().map(|t| (t.start, t.end)));
        Sequence::from_pairs(doc.tokens.iter().map(|t| (t.start, t.end)).collect(), &keyed, k, figures)
    }

    /// The sequence of `(hash, position)` pairs in increasing order. Positions and hashes are
    /// collected from a borrow: collecting the pairs by value would keep their allocation, at
    /// twice the size.
    fn from_pairs(tokens: Tokens, sorted: &[(u64, u32)], k: usize, figures: Figures) -> Self {
        let order = Positions::new(sorted.iter().map(|&(_, i)| i), sorted.len());
        let sorted: Vec<u64> = sorted.iter().map(|&(h, _)| h).collect();
        let unique = sorted.windows(2).all(|w| w[0] != w[1]);
        Sequence { tokens, k, order, sorted, unique, figures }
    }

    /// The sequence of document `text` whose tokens' original byte ranges are `tokens` and
    /// whose shingles, as `(hash, position)` pairs, are `sorted` in increasing order (what
    /// [`Sequence::sorted`] gives): no sorting needed. `None` unless the positions are
    /// exactly `0..sorted.len()`, in increasing pair order, with at most one shingle per token.
    pub fn from_sorted(text: &str, tokens: Tokens, sorted: &[(u64, u32)], k: usize) -> Option<Self> {
        let ordered = sorted.windows(2).all(|w| w[0] < w[1]);
        if !ordered || sorted.len() > tokens.len() {
            return None;
        }
        let mut seen = vec![false; sorted.len()];
        for &(_, i) in sorted {
            let at = i as usize;
            if at >= seen.len() || std::mem::replace(&mut seen[at], true) {
                return None;
            }
        }
        let figures = Figures::of(text, tokens.slice(0, tokens.len()));
        Some(Sequence::from_pairs(tokens, sorted, k, figures))
    }

    /// The shingles as `(hash, position)` pairs in increasing order.
    pub fn sorted(&self) -> impl Iterator<Item = (u64, u32)> + '_ {
        self.sorted.iter().copied().zip((0..self.sorted.len()).map(|x| self.order.get(x)))
    }

    /// The sorted, deduplicated shingle hashes: the document's shingle set.
    pub fn shingle_set(&self) -> Vec<u64> {
        let mut set: Vec<u64> = self.sorted.clone();
        set.dedup();
        set
    }

    /// Asks for what aligning reads of the sequence: every line of its sorted hashes and of
    /// their positions. Asking for the start only and leaving the rest to the processor's
    /// streaming left the join waiting on memory at a fifth of a run's time.
    pub fn ask_ahead(&self) {
        prefetch_all(&self.sorted);
        match &self.order {
            Positions::Short(p) => prefetch_all(p),
            Positions::Long(p) => prefetch_all(p),
        }
    }

    /// The sizes of the shingle sets of `self` and `other` and of their intersection: what
    /// [`Sequence::shingle_set`] of each would give, counted without making the sets.
    pub fn set_counts(&self, other: &Sequence) -> (usize, usize, usize) {
        let (a, b) = self.distinct_pair(other);
        // The join that aligns them counts the shared hashes; with no repeat allowed it
        // records no match.
        (a, b, SCRATCH.with_borrow_mut(|steps| join_matches(self, other, 0, steps)))
    }

    /// The sizes of the shingle sets of `self` and `other`, counted without making them.
    pub fn distinct_pair(&self, other: &Sequence) -> (usize, usize) {
        let distinct = |h: &[u64]| usize::from(!h.is_empty()) + h.windows(2).filter(|w| w[0] != w[1]).count();
        (distinct(&self.sorted), distinct(&other.sorted))
    }

    /// The shingle hashes in document order.
    pub fn hashes(&self) -> Vec<u64> {
        let mut hashes = vec![0u64; self.sorted.len()];
        for (x, &h) in self.sorted.iter().enumerate() {
            hashes[self.order.get(x) as usize] = h;
        }
        hashes
    }

    /// Number of shingles.
    pub fn shingles(&self) -> usize {
        self.sorted.len()
    }

    /// The shingle positions `[start, end)` of the shingles that lie inside the token range
    /// `[first, last)` (the shingles of a passage).
    pub fn shingles_within(&self, tokens: (u32, u32)) -> (u32, u32) {
        let start = tokens.0.min(self.shingles() as u32);
        let end = (tokens.1 as usize + 1).saturating_sub(self.k).clamp(start as usize, self.shingles());
        (start, end as u32)
    }

    /// Number of words.
    pub fn words(&self) -> usize {
        self.tokens.len()
    }

    /// Token range `[first, last)` covered by shingles `[i0, i1)`.
    fn token_range(&self, i0: usize, i1: usize) -> (usize, usize) {
        let last = (i1 - 1 + self.k).min(self.tokens.len());
        (i0, last)
    }
}

/// One shared passage.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Passage {
    /// Byte range in A's original text.
    pub a: (u32, u32),
    /// Byte range in B's original text.
    pub b: (u32, u32),
    /// Token range in A.
    #[serde(skip)]
    pub a_tokens: (u32, u32),
    /// Token range in B.
    #[serde(skip)]
    pub b_tokens: (u32, u32),
    /// Length in words: the smaller of the two spans.
    pub words: usize,
    /// Share of the passage's shingle positions in A that match B exactly (1.0: verbatim).
    pub exact: f64,
}

/// The shared passages of two documents and how much of each they cover.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Alignment {
    /// Passages of at least `min_passage` words, in A's order.
    pub passages: Vec<Passage>,
    /// Share of A's words inside those passages.
    pub coverage_a: f64,
    /// Share of B's words inside those passages.
    pub coverage_b: f64,
    /// Coverage of the shorter document (by words; A on ties).
    pub coverage_shorter: f64,
    /// Words of A that are in no shingle shared with B (whatever the passage length): what A
    /// has of its own.
    #[serde(skip)]
    pub own_words_a: usize,
    /// Words of B that are in no shingle shared with A.
    #[serde(skip)]
    pub own_words_b: usize,
    /// Places where an edit of at most `max_gap` words between two stretches the documents
    /// share, in the same order in both, holds figures on both sides that differ
    /// ([`Figures`]): the same words around another number.
    #[serde(skip)]
    pub figures_replaced: usize,
    /// Words of A.
    #[serde(skip)]
    pub words_a: usize,
    /// Words of B.
    #[serde(skip)]
    pub words_b: usize,
}

impl Alignment {
    /// Words of the longest passage.
    pub fn longest(&self) -> usize {
        self.passages.iter().map(|p| p.words).max().unwrap_or(0)
    }

    /// Whether the passages link the two documents under `config`.
    pub fn links(&self, config: &PassageConfig) -> bool {
        !self.passages.is_empty() && self.coverage_shorter >= config.min_coverage
    }
}

/// The words of one passage that have no match on the other side, as byte ranges of the
/// original texts (consecutive such words merged into one range): what `compare` marks inside
/// a shared passage.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Differences {
    /// Ranges in A's original text, in order.
    pub a: Vec<(u32, u32)>,
    /// Ranges in B's original text, in order.
    pub b: Vec<(u32, u32)>,
}

/// The words of passage `p` (of the alignment of `a` and `b`) that differ: a word differs when
/// no word shingle of its side of the passage that covers it occurs in the other side of the
/// passage. Edited, inserted and deleted words differ; words equal after normalization do not.
pub fn differences(a: &Sequence, b: &Sequence, p: &Passage) -> Differences {
    Differences { a: unmatched(a, p.a_tokens, b, p.b_tokens), b: unmatched(b, p.b_tokens, a, p.a_tokens) }
}

/// Byte ranges of the tokens `mine` of `s` that no shingle found in tokens `theirs` of `o`
/// covers.
fn unmatched(s: &Sequence, mine: (u32, u32), o: &Sequence, theirs: (u32, u32)) -> Vec<(u32, u32)> {
    let (o0, o1) = o.shingles_within(theirs);
    let mut other: Vec<u64> = o.hashes()[o0 as usize..o1 as usize].to_vec();
    let hashes = s.hashes();
    other.sort_unstable();
    other.dedup();
    let (t0, t1) = (mine.0 as usize, (mine.1 as usize).min(s.tokens.len()));
    let mut matched = vec![false; t1.saturating_sub(t0)];
    let (s0, s1) = s.shingles_within(mine);
    for i in (s0 as usize).max(t0)..(s1 as usize).min(t1) {
        if other.binary_search(&hashes[i]).is_ok() {
            for m in &mut matched[i - t0..(i + s.k.max(1)).min(t1) - t0] {
                *m = true;
            }
        }
    }
    let mut ranges: Vec<(u32, u32)> = Vec::new();
    let mut previous_unmatched = false;
    for ((start, end), &m) in s.tokens.slice(t0, t1).zip(&matched) {
        match ranges.last_mut() {
            Some(r) if !m && previous_unmatched => r.1 = end,
            _ if !m => ranges.push((start, end)),
            _ => {}
        }
        previous_unmatched = !m;
    }
    ranges
}

/// A chain with its token ranges on both sides and its length in words.
struct Span {
    chain: Chain,
    ta: (usize, usize),
    tb: (usize, usize),
    words: usize,
}

/// Aligns `a` and `b` (built with the same shingle size and seed).
pub fn align(a: &Sequence, b: &Sequence, config: &PassageConfig) -> Alignment {
    align_counted(a, b, config).0
}

/// [`align`], and the number of shingle hashes `a` and `b` share (the size of the intersection
/// of their shingle sets), which the join that aligns them counts on its way.
pub fn align_counted(a: &Sequence, b: &Sequence, config: &PassageConfig) -> (Alignment, usize) {
    SCRATCH.with_borrow_mut(|steps| {
        let shared = join_matches(a, b, config.max_repeats, steps);
        runs_of_matches(steps, a.shingles());
        let alignment = align_runs(a, b, config, steps);
        steps.let_go_of_excess();
        (alignment, shared)
    })
}

/// [`align_counted`] for a pair that matters only if it shares a passage: `None` when it shares
/// none. Most such pairs share a phrase or a paragraph too short to report: when the shingles
/// the two have in common lie too close together in either document for any passage of
/// `min_passage` words, that is known from the join alone, without making runs and chains.
pub fn align_if_passage(a: &Sequence, b: &Sequence, config: &PassageConfig) -> Option<(Alignment, usize)> {
    SCRATCH.with_borrow_mut(|steps| {
        let shared = join_matches(a, b, config.max_repeats, steps);
        let found = spread_over(&steps.matches, a.k, config.min_passage).then(|| {
            runs_of_matches(steps, a.shingles());
            align_runs(a, b, config, steps)
        });
        steps.let_go_of_excess();
        found.filter(|alignment| !alignment.passages.is_empty()).map(|alignment| (alignment, shared))
    })
}

/// Whether matching positions `(j − i, i)` span at least `min_passage` words in both documents
/// (shingles of `k` words): a passage's chain of runs covers the words from its first matching
/// shingle to the last words of its last one ([`Sequence::token_range`]), so no passage is
/// longer than `max − min + k` of the matching positions, in either document.
fn spread_over(matches: &[(i64, u32)], k: usize, min_passage: usize) -> bool {
    let Some(&(d, i)) = matches.first() else { return false };
    let (i, j) = (i as i64, i as i64 + d);
    let (mut lo_a, mut hi_a, mut lo_b, mut hi_b) = (i, i, j, j);
    for &(d, i) in &matches[1..] {
        let (i, j) = (i as i64, i as i64 + d);
        (lo_a, hi_a, lo_b, hi_b) = (lo_a.min(i), hi_a.max(i), lo_b.min(j), hi_b.max(j));
    }
    let reaches = |lo: i64, hi: i64| (hi - lo) as usize + k >= min_passage;
    reaches(lo_a, hi_a) && reaches(lo_b, hi_b)
}

/// The buffers of one alignment's steps: the matching positions, the runs they make and the
/// words runs cover. Each thread reuses its own, so aligning a pair allocates only what it
/// returns (growing the matches of every pair anew was a tenth of a run on corpora with many
/// passage candidates).
#[derive(Default)]
struct Steps {
    matches: Vec<(i64, u32)>,
    /// The join's matching indices, before they become positions ([`join::Join::pairs`]).
    pairs: Vec<u64>,
    runs: Vec<Run>,
    covered: Vec<(usize, usize)>,
    /// The match in B of each position of A, while runs are read off by position.
    at: Vec<u32>,
}

/// Entries of each buffer a thread keeps room for between alignments (under a megabyte in
/// all); a pair that needed more gives the rest back.
const STEPS_KEPT: usize = 1 << 14;

impl Steps {
    fn let_go_of_excess(&mut self) {
        self.matches.shrink_to(STEPS_KEPT);
        self.pairs.shrink_to(STEPS_KEPT);
        self.runs.shrink_to(STEPS_KEPT);
        self.covered.shrink_to(STEPS_KEPT);
        self.at.shrink_to(STEPS_KEPT);
    }
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Steps> = std::cell::RefCell::default();
}

/// The alignment of `a` and `b` from their runs (in `steps.runs`).
fn align_runs(a: &Sequence, b: &Sequence, config: &PassageConfig, steps: &mut Steps) -> Alignment {
    let (own_words_a, own_words_b) = own_words(a, b, &steps.runs, &mut steps.covered);
    let figures_replaced = figures_replaced(a, b, &steps.runs, config.max_gap);
    let chains = chain(&steps.runs, a.k + config.max_gap);
    // Greedy tiling: longest chains first, none overlapping another on either side.
    let mut spans: Vec<Span> = chains
        .into_iter()
        .map(|chain| {
            let ta = a.token_range(chain.i0, chain.i1);
            let tb = b.token_range(chain.j0, chain.j1);
            Span { chain, ta, tb, words: (ta.1 - ta.0).min(tb.1 - tb.0) }
        })
        .filter(|s| s.words >= config.min_passage)
        .collect();
    spans.sort_by(|x, y| {
        y.words.cmp(&x.words).then(x.chain.i0.cmp(&y.chain.i0)).then(x.chain.j0.cmp(&y.chain.j0))
    });
    let mut taken: Vec<Span> = Vec::new();
    for s in spans {
        let overlaps = |r: (usize, usize), q: (usize, usize)| r.0 < q.1 && q.0 < r.1;
        if taken.iter().all(|t| !overlaps(t.ta, s.ta) && !overlaps(t.tb, s.tb)) {
            taken.push(s);
        }
    }
    taken.sort_by_key(|t| (t.ta.0, t.tb.0));
    let mut covered_a = 0;
    let mut covered_b = 0;
    let passages = taken
        .iter()
        .map(|s| {
            covered_a += s.ta.1 - s.ta.0;
            covered_b += s.tb.1 - s.tb.0;
            Passage {
                a: (a.tokens.get(s.ta.0).0, a.tokens.get(s.ta.1 - 1).1),
                b: (b.tokens.get(s.tb.0).0, b.tokens.get(s.tb.1 - 1).1),
                a_tokens: (s.ta.0 as u32, s.ta.1 as u32),
                b_tokens: (s.tb.0 as u32, s.tb.1 as u32),
                words: s.words,
                exact: s.chain.matched as f64 / (s.chain.i1 - s.chain.i0) as f64,
            }
        })
        .collect();
    let share = |n: usize, d: usize| if d == 0 { 0.0 } else { n as f64 / d as f64 };
    let (coverage_a, coverage_b) = (share(covered_a, a.words()), share(covered_b, b.words()));
    let coverage_shorter = if b.words() < a.words() { coverage_b } else { coverage_a };
    Alignment {
        passages,
        coverage_a,
        coverage_b,
        coverage_shorter,
        own_words_a,
        own_words_b,
        figures_replaced,
        words_a: a.words(),
        words_b: b.words(),
    }
}

/// The alignment of a text with an identical copy of itself, from its word count and the byte
/// range from its first word to its last: one verbatim passage of the whole text when it has at
/// least `min_passage` words. (Aligning the text with itself would give the same passage, but
/// costs memory in proportion to the text and loses stretches of shingles repeated more than
/// `max_repeats` times, which an identical copy shares like any other.)
pub fn identity(words: usize, bytes: (u32, u32), config: &PassageConfig) -> Alignment {
    let whole = words > 0 && words >= config.min_passage;
    let passages = if whole {
        vec![Passage {
            a: bytes,
            b: bytes,
            a_tokens: (0, words as u32),
            b_tokens: (0, words as u32),
            words,
            exact: 1.0,
        }]
    } else {
        Vec::new()
    };
    let coverage = if whole { 1.0 } else { 0.0 };
    Alignment {
        passages,
        coverage_a: coverage,
        coverage_b: coverage,
        coverage_shorter: coverage,
        own_words_a: 0,
        own_words_b: 0,
        figures_replaced: 0,
        words_a: words,
        words_b: words,
    }
}

/// Words of each document covered by no matching run: a run of `len` shingles covers
/// `len + k − 1` words on each side.
fn own_words(a: &Sequence, b: &Sequence, runs: &[Run], spans: &mut Vec<(usize, usize)>) -> (usize, usize) {
    let uncovered = |words: usize, spans: &mut Vec<(usize, usize)>| {
        spans.sort_unstable();
        let (mut covered, mut end) = (0, 0);
        for &(s, e) in spans.iter() {
            let (s, e) = (s.max(end), e.min(words));
            if e > s {
                covered += e - s;
                end = e;
            }
        }
        words - covered
    };
    let k = a.k.max(1);
    spans.clear();
    spans.extend(runs.iter().map(|r| (r.i, r.i + r.len + k - 1)));
    let own_a = uncovered(a.words(), spans);
    spans.clear();
    spans.extend(runs.iter().map(|r| (r.j, r.j + r.len + k - 1)));
    (own_a, uncovered(b.words(), spans))
}

/// The places where one figure replaces another ([`Alignment::figures_replaced`]).
fn figures_replaced(a: &Sequence, b: &Sequence, runs: &[Run], max_gap: usize) -> usize {
    let mut places = 0;
    figures::edits(a, b, runs, max_gap, |_, _| places += 1);
    places
}

/// The places where one figure replaces another in `a` and `b` aligned under `config`
/// ([`Alignment::figures_replaced`]), as byte ranges of A's and B's original texts, in A's order.
pub fn replaced_figures(a: &Sequence, b: &Sequence, config: &PassageConfig) -> Vec<((u32, u32), (u32, u32))> {
    SCRATCH.with_borrow_mut(|steps| {
        join_matches(a, b, config.max_repeats, steps);
        runs_of_matches(steps, a.shingles());
        let bytes =
            |s: &Sequence, (first, last): (usize, usize)| (s.tokens.get(first).0, s.tokens.get(last - 1).1);
        let mut places = Vec::new();
        figures::edits(a, b, &steps.runs, config.max_gap, |x, y| places.push((bytes(a, x), bytes(b, y))));
        steps.let_go_of_excess();
        places
    })
}

/// The matching positions `(j − i, i)` of equal shingles, to `steps.matches`, ignoring
/// shingles repeated more than `max_repeats` times in either document: a merge join of the two
/// hash-sorted sequences ([`join::Join::matches`]). Returns the number of hashes the two share.
fn join_matches(a: &Sequence, b: &Sequence, max_repeats: usize, steps: &mut Steps) -> usize {
    let matches = &mut steps.matches;
    matches.clear();
    let (ha, hb) = (&a.sorted[..], &b.sorted[..]);
    let join = join::Join { max_repeats, unique: a.unique && b.unique, pairs: &mut steps.pairs };
    match (&a.order, &b.order) {
        (Positions::Short(pa), Positions::Short(pb)) => join.matches((ha, pa), (hb, pb), matches),
        (Positions::Short(pa), Positions::Long(pb)) => join.matches((ha, pa), (hb, pb), matches),
        (Positions::Long(pa), Positions::Short(pb)) => join.matches((ha, pa), (hb, pb), matches),
        (Positions::Long(pa), Positions::Long(pb)) => join.matches((ha, pa), (hb, pb), matches),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::{Normalizer, Profile};
    use crate::shingle::{ShingleConfig, Shingler};

    /// The sequence of `text` with default normalization and word 5-shingles.
    pub(super) fn seq(text: &str) -> Sequence {
        let doc = Normalizer::new(Profile::Default).normalize(text);
        let mut h = Vec::new();
        Shingler::new(ShingleConfig::default(), 1).hashes_into(&doc, &mut h);
        Sequence::new(text, &doc, &h, 5)
    }

    fn words(prefix: &str, n: usize) -> String {
        (0..n).map(|i| format!("{prefix}{i}")).collect::<Vec<_>>().join(" ")
    }

    fn cfg(min_passage: usize) -> PassageConfig {
        PassageConfig { min_passage, ..PassageConfig::default() }
    }

    #[test]
    fn finds_an_embedded_passage_at_its_original_offsets() {
        let shared = words("s", 60);
        let a = format!("{} {shared} {}", words("a", 30), words("x", 10));
        let b = format!("«{}» {shared}. {}", words("b", 100), words("y", 40));
        let al = align(&seq(&a), &seq(&b), &cfg(50));
        assert_eq!(al.passages.len(), 1);
        let p = al.passages[0];
        assert_eq!(&a[p.a.0 as usize..p.a.1 as usize], shared);
        assert_eq!(&b[p.b.0 as usize..p.b.1 as usize], shared);
        assert_eq!(p.words, 60);
        assert_eq!(p.exact, 1.0);
        assert!((al.coverage_a - 60.0 / 100.0).abs() < 1e-9);
        assert!((al.coverage_b - 60.0 / 200.0).abs() < 1e-9);
    }

    #[test]
    fn positions_past_two_bytes_align_at_their_offsets() {
        // Sequences of more than 65,536 shingles keep their positions in four bytes; aligned
        // with a short one either way round and with another long one.
        let shared = words("s", 60);
        let long = format!("{} {shared}", words("a", 70_000));
        let other_long = format!("{} {shared} {}", words("c", 66_000), words("z", 5));
        let short = format!("{} {shared} {}", words("b", 30), words("y", 10));
        let (l, o, s) = (seq(&long), seq(&other_long), seq(&short));
        assert_eq!((l.shingles(), s.shingles()), (70_056, 96));
        for (x, tx, y, ty) in [(&l, &long, &s, &short), (&s, &short, &l, &long), (&l, &long, &o, &other_long)]
        {
            let al = align(x, y, &cfg(50));
            assert_eq!(al.passages.len(), 1, "{al:?}");
            let p = al.passages[0];
            assert_eq!(
                (&tx[p.a.0 as usize..p.a.1 as usize], &ty[p.b.0 as usize..p.b.1 as usize]),
                (&*shared, &*shared)
            );
            assert_eq!((p.words, p.exact), (60, 1.0));
        }
        assert_eq!(align(&l, &s, &cfg(50)).passages[0].a_tokens, (70_000, 70_060));
        let back = Sequence::from_sorted(&long, l.tokens.clone(), &l.sorted().collect::<Vec<_>>(), 5);
        assert_eq!(back.as_ref(), Some(&l));
        let mut hashes = l.hashes();
        hashes.sort_unstable();
        assert_eq!(l.sorted().map(|(h, _)| h).collect::<Vec<_>>(), hashes);
    }

    #[test]
    fn small_edits_are_bridged_and_large_ones_split() {
        let s: Vec<String> = (0..80).map(|i| format!("s{i}")).collect();
        let mut edited = s.clone();
        edited[40] = "changed".into();
        edited[41] = "words".into();
        let a = s.join(" ");
        let al = align(&seq(&a), &seq(&edited.join(" ")), &cfg(50));
        assert_eq!(al.passages.len(), 1, "{al:?}");
        assert_eq!(al.passages[0].words, 80);
        assert!(al.passages[0].exact < 1.0);

        let mut far = s.clone();
        for w in far.iter_mut().skip(35).take(10) {
            *w = "other".into();
        }
        let al = align(&seq(&a), &seq(&far.join(" ")), &cfg(20));
        assert_eq!(al.passages.len(), 2, "{al:?}");
    }

    #[test]
    fn short_quotes_do_not_count() {
        let quote = words("q", 30);
        let a = format!("{} {quote} {}", words("a", 200), words("c", 100));
        let b = format!("{} {quote} {}", words("b", 200), words("d", 100));
        let al = align(&seq(&a), &seq(&b), &cfg(50));
        assert!(al.passages.is_empty());
        assert!(!al.links(&PassageConfig::default()));
    }

    #[test]
    fn repeated_text_is_not_counted_twice() {
        let shared = words("s", 60);
        let a = format!("{shared} {} {shared}", words("a", 10));
        let b = format!("{} {shared}", words("b", 10));
        let al = align(&seq(&a), &seq(&b), &cfg(50));
        assert_eq!(al.passages.len(), 1);
        assert!(al.coverage_b <= 1.0);
    }

    proptest::proptest! {
        /// Fuzz target: random texts over a small vocabulary (so that runs, repeats and edits
        /// happen) never panic, and every passage respects the invariants.
        #[test]
        fn alignment_invariants(
            a in proptest::collection::vec(0u8..12, 0..150),
            b in proptest::collection::vec(0u8..12, 0..150),
            min_passage in 1usize..30,
            max_gap in 0usize..8,
        ) {
            let words = ["الجيش", "wire", "١٠٣٧", "x", "Straße", "«q»", "a-b", "جندي", "ٱل", "...", "y", "z"];
            let text = |v: &[u8]| v.iter().map(|&i| words[i as usize]).collect::<Vec<_>>().join(" ");
            let (ta, tb) = (text(&a), text(&b));
            let cfg = PassageConfig { min_passage, max_gap, ..PassageConfig::default() };
            let (sa, sb) = (seq(&ta), seq(&tb));
            let al = align(&sa, &sb, &cfg);
            proptest::prop_assert!((0.0..=1.0).contains(&al.coverage_a) && (0.0..=1.0).contains(&al.coverage_b));
            for (k, p) in al.passages.iter().enumerate() {
                proptest::prop_assert!(p.words >= min_passage);
                proptest::prop_assert!(p.exact > 0.0 && p.exact <= 1.0);
                proptest::prop_assert!(ta.get(p.a.0 as usize..p.a.1 as usize).is_some());
                proptest::prop_assert!(tb.get(p.b.0 as usize..p.b.1 as usize).is_some());
                let d = differences(&sa, &sb, p);
                for (ranges, within, text) in [(&d.a, p.a, &ta), (&d.b, p.b, &tb)] {
                    for &(x, y) in ranges {
                        proptest::prop_assert!(within.0 <= x && x < y && y <= within.1);
                        proptest::prop_assert!(text.get(x as usize..y as usize).is_some());
                    }
                    proptest::prop_assert!(ranges.windows(2).all(|w| w[0].1 < w[1].0));
                }
                for q in &al.passages[k + 1..] {
                    proptest::prop_assert!(p.a_tokens.1 <= q.a_tokens.0 || q.a_tokens.1 <= p.a_tokens.0);
                    proptest::prop_assert!(p.b_tokens.1 <= q.b_tokens.0 || q.b_tokens.1 <= p.b_tokens.0);
                }
            }
        }
    }

    proptest::proptest! {
        /// The set sizes counted from two sequences equal those of their shingle sets (texts
        /// over a small vocabulary, so that shingles repeat).
        #[test]
        fn set_counts_equal_those_of_the_sets(
            a in proptest::collection::vec(0u8..4, 0..80),
            b in proptest::collection::vec(0u8..4, 0..80),
        ) {
            let words = ["w", "x", "جندي", "z"];
            let text = |v: &[u8]| v.iter().map(|&i| words[i as usize]).collect::<Vec<_>>().join(" ");
            let (sa, sb) = (seq(&text(&a)), seq(&text(&b)));
            let (set_a, set_b) = (sa.shingle_set(), sb.shingle_set());
            let shared = crate::verify::intersection_size(&set_a, &set_b);
            proptest::prop_assert_eq!(sa.set_counts(&sb), (set_a.len(), set_b.len(), shared));
            // The join that aligns them counts the same intersection, whatever the cap on
            // repeats leaves out of the alignment.
            for max_repeats in [1, 8] {
                let config = PassageConfig { max_repeats, ..cfg(5) };
                proptest::prop_assert_eq!(align_counted(&sa, &sb, &config).1, shared);
            }
        }
    }

    proptest::proptest! {
        /// Aligning only a pair that may share a passage gives what aligning every pair gives
        /// for those that share one, and nothing for the others: texts that share a stretch of
        /// any length, at any place, among words of their own and words of a small vocabulary
        /// (so that matches also lie scattered), under any passage length.
        #[test]
        fn a_pair_set_aside_unaligned_shares_no_passage(
            a in proptest::collection::vec(0u8..40, 0..120),
            b in proptest::collection::vec(0u8..40, 0..120),
            shared in proptest::collection::vec(0u8..40, 0..90),
            at in (0usize..120, 0usize..120),
            min_passage in 1usize..80,
            max_gap in 0usize..8,
        ) {
            let word = |i: u8| if i < 8 { format!("w{i}") } else { format!("x{i}") };
            let text = |own: &[u8], side: &str, at: usize| {
                let mut ws: Vec<String> = own.iter().enumerate().map(|(n, &i)| {
                    if i < 8 { word(i) } else { format!("{side}{n}") }
                }).collect();
                let at = at.min(ws.len());
                ws.splice(at..at, shared.iter().map(|&i| word(i)));
                ws.join(" ")
            };
            let (sa, sb) = (seq(&text(&a, "a", at.0)), seq(&text(&b, "b", at.1)));
            let config = PassageConfig { min_passage, max_gap, ..PassageConfig::default() };
            let (all, n) = align_counted(&sa, &sb, &config);
            let expected = (!all.passages.is_empty()).then_some((all, n));
            proptest::prop_assert_eq!(align_if_passage(&sa, &sb, &config), expected);
        }
    }

    #[test]
    fn differences_are_the_edited_and_inserted_words() {
        let s: Vec<String> = (0..60).map(|i| format!("s{i}")).collect();
        let mut edited = s.clone();
        edited[20] = "changed".into();
        edited.insert(41, "inserted".into());
        edited.insert(42, "words".into());
        let (a, b) = (s.join(" "), edited.join(" "));
        let (sa, sb) = (seq(&a), seq(&b));
        let al = align(&sa, &sb, &cfg(50));
        assert_eq!(al.passages.len(), 1, "{al:?}");
        let d = differences(&sa, &sb, &al.passages[0]);
        let text = |t: &str, r: &[(u32, u32)]| -> Vec<String> {
            r.iter().map(|&(x, y)| t[x as usize..y as usize].to_owned()).collect()
        };
        assert_eq!(text(&a, &d.a), ["s20"]);
        assert_eq!(text(&b, &d.b), ["changed", "inserted words"]);
        // A verbatim passage has no differences; words equal after folding do not differ.
        let same = format!("{} ALL CAPS here", s.join(" "));
        let (sx, sy) = (seq(&same), seq(&same.to_lowercase()));
        let al = align(&sx, &sy, &cfg(50));
        assert_eq!(differences(&sx, &sy, &al.passages[0]), Differences::default());
    }

    #[test]
    fn empty_documents_align_to_nothing() {
        let al = align(&seq(""), &seq("a b c"), &cfg(1));
        assert!(al.passages.is_empty());
        assert_eq!(al.coverage_a, 0.0);
    }

    /// A notice with its figures: the same words around `price` and `amount`.
    fn notice(price: &str, amount: &str) -> String {
        format!(
            "{} The reserve bank said it would arrange {amount} billion of repurchase agreements \
             while funds traded at {price} pct when it began its operation. {}",
            words("p", 30),
            words("q", 30)
        )
    }

    #[test]
    fn another_figure_in_the_same_words_is_found_and_another_way_of_writing_one_is_not() {
        let base = seq(&notice("6.25", "1,500"));
        let replaced = |price: &str, amount: &str| {
            let other = seq(&notice(price, amount));
            let al = align(&base, &other, &cfg(50));
            assert_eq!(al.passages.len(), 1, "one passage, bridged over the edits");
            (al.figures_replaced, replaced_figures(&base, &other, &cfg(50)).len())
        };
        assert_eq!(replaced("6.25", "1,500"), (0, 0));
        assert_eq!(replaced("6.25", "1500"), (0, 0));
        assert_eq!(replaced("6.250", "1 500"), (0, 0));
        assert_eq!(replaced("6.25", "2,500"), (1, 1));
        assert_eq!(replaced("6.50", "1,500"), (1, 1));
        assert_eq!(replaced("6.50", "2,500"), (2, 2));
        // The place is given as the figures' byte ranges in both texts, with their scale words.
        let text = notice("6.25", "2,500");
        let places = replaced_figures(&base, &seq(&text), &cfg(50));
        let base_text = notice("6.25", "1,500");
        let ((a0, a1), (b0, b1)) = places[0];
        assert_eq!(
            (&base_text[a0 as usize..a1 as usize], &text[b0 as usize..b1 as usize]),
            ("1,500 billion", "2,500 billion")
        );
    }

    #[test]
    fn another_figure_at_either_end_of_the_shared_words_is_found() {
        let replaced = |x: &str, y: &str| {
            let (a, b) = (seq(x), seq(y));
            let (ab, ba) = (align(&a, &b, &cfg(10)), align(&b, &a, &cfg(10)));
            assert_eq!(ab.figures_replaced, ba.figures_replaced, "{x} / {y}");
            (ab.figures_replaced, replaced_figures(&a, &b, &cfg(10)).len())
        };
        // Two notices of one template: the words after the last shared ones state another date.
        let notice =
            |record: &str| format!("Qtly div 15 cts vs 15 cts prior Pay April 30 Record April {record}");
        assert_eq!(replaced(&notice("14"), &notice("15")), (1, 1));
        assert_eq!(replaced(&notice("14"), &notice("14")), (0, 0));
        // A figure only one side ends with is added, not replaced.
        assert_eq!(replaced(&notice("14"), &notice("")), (0, 0));
        assert_eq!(replaced(&notice("14"), &notice("fourteen")), (0, 0));
        // Before the first shared words.
        let dated =
            |day: &str| format!("On {day} March the bank set a new tender for a repurchase agreement");
        assert_eq!(replaced(&dated("3"), &dated("4")), (1, 1));
        assert_eq!(replaced(&dated("3"), &dated("03")), (0, 0));
        // More than `--max-gap` words on one side: not an edit of the same words.
        assert_eq!(replaced(&dated("3"), &format!("{} {}", words("p", 6), dated("4"))), (0, 0));
        // A number word is a figure; one written in digits elsewhere is the same.
        let ships = |n: &str| {
            format!("There were {n} grain ships loading and six ships were waiting to load at Portland")
        };
        assert_eq!(replaced(&ships("seven"), &ships("six")), (1, 1));
        assert_eq!(replaced(&ships("seven"), &ships("7")), (0, 0));
        assert_eq!(replaced(&ships("twenty-five"), &ships("25")), (0, 0));
        // A phrase that repeats matches out of order: it does not place an end. B is the first
        // part of A; A's last words match B's last words only through the repeated phrase.
        let first = format!("{} rose to 42 billion at the end of December 1985", words("w", 20));
        let longer = format!("{first} and {} fell to 9 billion at the end of 1984", words("q", 20));
        assert_eq!(replaced(&longer, &first), (0, 0));
    }

    proptest::proptest! {
        /// The places where one figure replaces another are as many whichever document is A
        /// (texts over a small vocabulary with figures, so that runs, repeats and edits
        /// happen), and [`replaced_figures`] lists as many as the alignment counts.
        #[test]
        fn replaced_figures_do_not_depend_on_the_order(
            a in proptest::collection::vec("[a-d]|1[0-2]|7", 0..120),
            edits in proptest::collection::vec((0usize..120, "[a-d]|1[0-2]|7|9"), 0..8),
        ) {
            let mut b = a.clone();
            for (at, w) in edits {
                if !b.is_empty() {
                    let at = at % b.len();
                    b[at] = w;
                }
            }
            let (sa, sb) = (seq(&a.join(" ")), seq(&b.join(" ")));
            let config = cfg(10);
            let (ab, ba) = (align(&sa, &sb, &config), align(&sb, &sa, &config));
            proptest::prop_assert_eq!(ab.figures_replaced, ba.figures_replaced);
            proptest::prop_assert_eq!(replaced_figures(&sa, &sb, &config).len(), ab.figures_replaced);
        }
    }
}
