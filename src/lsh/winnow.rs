//! Passage-level candidates by winnowing (Schleimer, Wilkerson, Aiken 2003).
//!
//! Each document's sequence of word-shingle hashes is winnowed: in every window of `w`
//! consecutive shingles the smallest hash is selected (the rightmost on ties), and each
//! selected position is kept once. The *guarantee threshold* follows: any run of at least
//! `w + k − 1` words (k = shingle size) shared by two documents selects at least one common
//! fingerprint, however short the run is relative to the documents. An inverted index over
//! fingerprints then proposes every pair of documents sharing at least `min_shared`
//! fingerprints.
//!
//! Boilerplate ("read also", agency credits, newsletter footers) would link everything to
//! everything; a fingerprint held by more than `max_df` documents is therefore dropped (the
//! document-frequency cap used by passage-reuse tools such as passim). The cost is at most
//! `max_df` pairs per posting, so the stage stays linear in corpus size.

use super::Pair;
use crate::prefetch::prefetch;

/// Default winnowing window: with word 5-grams, every shared run of 12 or more words is
/// guaranteed to share a fingerprint.
pub const DEFAULT_WINDOW: usize = 8;
/// Default document-frequency cap of a fingerprint. Wire stories are reprinted by dozens of
/// outlets; a cap of 20 lost 4–7% of passage links on SaudiNewsNet, 100 lost none measured.
pub const DEFAULT_MAX_DF: usize = 100;
/// Default number of fingerprints two documents must share to be aligned.
pub const DEFAULT_MIN_SHARED: usize = 2;
use rayon::prelude::*;
use std::collections::VecDeque;

/// The winnowing fingerprints of a shingle-hash sequence (in document order), sorted and
/// deduplicated. Sequences shorter than a window select their minimum.
pub fn fingerprints(hashes: &[u64], window: usize) -> Vec<u64> {
    let mut out = Vec::with_capacity(2 * hashes.len() / window.max(1).saturating_add(1) + 1);
    select(hashes, window, |j| out.push(hashes[j]));
    out.sort_unstable();
    out.dedup();
    out.shrink_to_fit();
    out
}

/// Calls `selected` with every position winnowing selects, in increasing order, once each.
fn select(hashes: &[u64], window: usize, mut selected: impl FnMut(usize)) {
    let w = window.max(1);
    // Monotone deque of positions whose hashes increase from front to back; ties keep the
    // rightmost position.
    let mut deque: VecDeque<usize> = VecDeque::with_capacity(w.min(hashes.len()));
    let mut last_selected = usize::MAX;
    for (i, &h) in hashes.iter().enumerate() {
        while deque.back().is_some_and(|&j| hashes[j] >= h) {
            deque.pop_back();
        }
        deque.push_back(i);
        if deque.front().is_some_and(|&j| i - j >= w) {
            deque.pop_front();
        }
        let window_complete = i + 1 >= w || i + 1 == hashes.len();
        if window_complete {
            if let Some(&j) = deque.front() {
                if j != last_selected {
                    selected(j);
                    last_selected = j;
                }
            }
        }
    }
}

/// How many documents hold each fingerprint held by two or more (fingerprints of one
/// document are absent and count 1). Built from the postings of [`candidates`].
#[derive(Debug, Clone, Default)]
pub struct DocFrequency {
    /// `(fingerprint, documents)` sorted by fingerprint.
    table: Vec<(u64, u32)>,
    /// `start[p]..start[p + 1]`: the entries whose top `bits` bits are `p` (hashes are
    /// uniform, so each range is short and a lookup touches one or two cache lines).
    start: Vec<u32>,
    /// Bits of the hash prefix indexed by `start`.
    bits: u32,
}

/// Fewest bits of the hash prefix indexed by [`DocFrequency`]; a larger table takes more, for
/// about four entries a prefix (a binary search over hundreds of entries would touch a cache
/// line at every step).
const MIN_PREFIX_BITS: u32 = 16;
/// Most bits of the hash prefix indexed by [`DocFrequency`].
const MAX_PREFIX_BITS: u32 = 30;

impl DocFrequency {
    /// The frequencies of `table`: `(fingerprint, documents)` sorted by fingerprint, each
    /// fingerprint once (those absent count 1). What [`candidates`] builds from its postings;
    /// an index builds it from its stored postings and a query batch.
    pub fn new(table: Vec<(u64, u32)>) -> Self {
        let bits = table.len().max(1).ilog2().saturating_sub(2).clamp(MIN_PREFIX_BITS, MAX_PREFIX_BITS);
        let buckets = 1usize << bits;
        let mut start = vec![0u32; buckets + 1];
        for &(h, _) in &table {
            start[prefix(h, bits) + 1] += 1;
        }
        for p in 0..buckets {
            start[p + 1] += start[p];
        }
        DocFrequency { table, start, bits }
    }

    /// The number of documents holding fingerprint `h` (1 when it is not in the table).
    pub fn get(&self, h: u64) -> u32 {
        if self.table.is_empty() {
            return 1;
        }
        self.within(self.range(prefix(h, self.bits)), h)
    }

    /// The entries `lo..hi` whose hashes have prefix `p`.
    fn range(&self, p: usize) -> (u32, u32) {
        (self.start[p], self.start[p + 1])
    }

    /// The frequency of `h` among the entries `lo..hi` (those of its prefix).
    fn within(&self, (lo, hi): (u32, u32), h: u64) -> u32 {
        let run = &self.table[lo as usize..hi as usize];
        run.binary_search_by_key(&h, |&(k, _)| k).map_or(1, |i| run[i].1)
    }

    /// The fingerprints of a document by position: `(position, document frequency)` of every
    /// position winnowing selects in `hashes` (the document's shingles in order), increasing.
    pub fn by_position(&self, hashes: &[u64], window: usize) -> Vec<(u32, u32)> {
        let mut out = Vec::new();
        select(hashes, window, |j| out.push((j as u32, 1)));
        if self.table.is_empty() {
            return out;
        }
        // Each look-up reads two cache lines anywhere in a large table (the prefix's range, then
        // its entries), and one after another each waits for memory twice. A document's
        // look-ups are independent: every line is asked for before any is read, a step ahead,
        // so that their waits overlap. The frequencies are those of [`DocFrequency::get`].
        let prefix_of = |j: u32| prefix(hashes[j as usize], self.bits);
        for &(j, _) in &out {
            prefetch(&self.start[prefix_of(j)]);
        }
        let ranges: Vec<(u32, u32)> = out
            .iter()
            .map(|&(j, _)| {
                let (lo, hi) = self.range(prefix_of(j));
                if lo < hi {
                    prefetch(&self.table[lo as usize]);
                }
                (lo, hi)
            })
            .collect();
        for ((j, df), range) in out.iter_mut().zip(ranges) {
            *df = self.within(range, hashes[*j as usize]);
        }
        out
    }
}

/// The top `bits` bits of hash `h`, by which [`DocFrequency`] finds its entries.
fn prefix(h: u64, bits: u32) -> usize {
    (h >> (64 - bits)) as usize
}

/// The family size of a passage: the 75th percentile of the document frequencies of the
/// fingerprints at shingle positions `[start, end)` (`by_pos` from
/// [`DocFrequency::by_position`]), or 0 when there are none.
pub fn family(by_pos: &[(u32, u32)], start: u32, end: u32) -> u32 {
    let lo = by_pos.partition_point(|&(p, _)| p < start);
    let hi = by_pos.partition_point(|&(p, _)| p < end);
    if lo >= hi {
        return 0;
    }
    // The frequencies are copied into the thread's own buffer (both sides of every passage
    // the passage stage finds are measured: an allocation each), and only the element at
    // three quarters is put in its place, not the whole sorted.
    FREQUENCIES.with_borrow_mut(|dfs| {
        dfs.clear();
        dfs.extend(by_pos[lo..hi].iter().map(|&(_, d)| d));
        let at = (dfs.len() * 3 / 4).min(dfs.len() - 1);
        *dfs.select_nth_unstable(at).1
    })
}

thread_local! {
    /// [`family`]'s buffer.
    static FREQUENCIES: std::cell::RefCell<Vec<u32>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Pairs of documents sharing at least `min_shared` fingerprints held by at most `max_df`
/// documents, and the document frequency of every fingerprint. `fps[i]` is document `i`'s
/// sorted fingerprint set (`None`: not indexed). Pairs are `(a, b)` with `a < b`, sorted.
pub fn candidates(fps: &[Option<&[u64]>], max_df: usize, min_shared: usize) -> (Vec<Pair>, DocFrequency) {
    let (index, df) = SharedIndex::new(fps, max_df);
    let docs: Vec<u32> = (0..fps.len() as u32).collect();
    (index.pairs(&docs, min_shared, |a, b| a < b), df)
}

/// The postings of the fingerprints held by 2 to `max_df` documents, in compact form (CSR both
/// ways: fingerprint → documents and document → fingerprints), from which the pairs sharing
/// fingerprints are counted one document at a time. Memory is linear in the number of
/// fingerprints; it never holds one entry per pair occurrence.
#[derive(Debug, Default)]
pub struct SharedIndex {
    /// `members[run_start[r]..run_start[r + 1]]`: the documents holding fingerprint run `r`,
    /// increasing.
    run_start: Vec<u32>,
    members: Vec<u32>,
    /// `doc_runs[doc_start[d]..doc_start[d + 1]]`: the runs document `d` belongs to.
    doc_start: Vec<u32>,
    doc_runs: Vec<u32>,
}

impl SharedIndex {
    /// Indexes `fps` (see [`candidates`]) and returns the index with the document frequency of
    /// every fingerprint held by two or more documents.
    pub fn new(fps: &[Option<&[u64]>], max_df: usize) -> (Self, DocFrequency) {
        let mut table = Vec::new();
        let mut run_start = vec![0u32];
        let mut members = Vec::new();
        // The postings come a piece at a time (no fingerprint's run spans two): all of them
        // sorted at once would double the memory the chunks they are gathered from take.
        super::occurrences::for_each_sorted_piece(fps, |postings| {
            for run in postings.chunk_by(|x, y| x.0 == y.0).filter(|r| r.len() >= 2) {
                table.push((run[0].0, run.len().min(u32::MAX as usize) as u32));
                if run.len() <= max_df {
                    members.extend(run.iter().map(|&(_, d)| d));
                    run_start.push(u32::try_from(members.len()).expect("fewer than 2^32 postings"));
                }
            }
        });
        let mut doc_start = vec![0u32; fps.len() + 1];
        for &d in &members {
            doc_start[d as usize + 1] += 1;
        }
        for d in 0..fps.len() {
            doc_start[d + 1] += doc_start[d];
        }
        let mut fill = doc_start.clone();
        let mut doc_runs = vec![0u32; members.len()];
        for r in 0..run_start.len() - 1 {
            for &d in &members[run_start[r] as usize..run_start[r + 1] as usize] {
                doc_runs[fill[d as usize] as usize] = r as u32;
                fill[d as usize] += 1;
            }
        }
        (SharedIndex { run_start, members, doc_start, doc_runs }, DocFrequency::new(table))
    }

    /// For each document `a` of `docs`, the pairs `(min(a, b), max(a, b))` with every document
    /// `b` for which `after(a, b)` holds and that shares at least `min_shared` indexed
    /// fingerprints with `a`: grouped by `a` in the order of `docs`, each group sorted by `b`.
    pub fn pairs(
        &self,
        docs: &[u32],
        min_shared: usize,
        after: impl Fn(u32, u32) -> bool + Sync,
    ) -> Vec<Pair> {
        let min_shared = min_shared.max(1);
        let groups: Vec<Vec<Pair>> = docs
            .par_chunks(256)
            .map(|chunk| {
                let mut out = Vec::new();
                let mut partners: Vec<u32> = Vec::new();
                for &a in chunk {
                    partners.clear();
                    let (lo, hi) =
                        (self.doc_start[a as usize] as usize, self.doc_start[a as usize + 1] as usize);
                    for &r in &self.doc_runs[lo..hi] {
                        let run = &self.members
                            [self.run_start[r as usize] as usize..self.run_start[r as usize + 1] as usize];
                        partners.extend(run.iter().copied().filter(|&b| b != a && after(a, b)));
                    }
                    partners.sort_unstable();
                    for run in partners.chunk_by(|x, y| x == y) {
                        if run.len() >= min_shared {
                            out.push((a.min(run[0]), a.max(run[0])));
                        }
                    }
                }
                out
            })
            .collect();
        groups.concat()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sketch::SplitMix64;
    use proptest::prelude::*;

    #[test]
    fn short_sequences_select_their_minimum() {
        assert_eq!(fingerprints(&[5, 3, 9], 8), vec![3]);
        assert!(fingerprints(&[], 8).is_empty());
    }

    #[test]
    fn density_is_about_two_over_window_plus_one() {
        let mut rng = SplitMix64(4);
        let h: Vec<u64> = (0..100_000).map(|_| rng.next_u64()).collect();
        let n = fingerprints(&h, 10).len() as f64 / h.len() as f64;
        assert!((n - 2.0 / 11.0).abs() < 0.01, "density {n}");
    }

    proptest! {
        /// A passage's family is the 75th percentile of its fingerprints' frequencies, the
        /// element a sorted copy has at three quarters of its length, short or long.
        #[test]
        fn family_is_the_75th_percentile_of_the_passage_frequencies(
            dfs in proptest::collection::vec(1u32..200, 0..150), start in 0u32..160, len in 0u32..160,
        ) {
            let by_pos: Vec<(u32, u32)> = dfs.iter().enumerate().map(|(p, &d)| (p as u32, d)).collect();
            let end = start + len;
            let mut within: Vec<u32> = by_pos.iter().filter(|&&(p, _)| p >= start && p < end).map(|&(_, d)| d).collect();
            within.sort_unstable();
            let expected = if within.is_empty() { 0 } else { within[(within.len() * 3 / 4).min(within.len() - 1)] };
            prop_assert_eq!(family(&by_pos, start, end), expected);
        }

        /// Looked up together, a document's fingerprints get the frequencies that looking each
        /// up on its own gives, at the positions winnowing selects, whether or not the table
        /// holds them (symbols are spread over the whole hash range, so that they fall under
        /// many prefixes).
        #[test]
        fn fingerprints_by_position_have_the_frequency_of_each_alone(
            symbols in proptest::collection::vec(0u64..48, 0..200),
            held in proptest::collection::btree_map(0u64..48, 2u32..500, 0..40),
            window in 1usize..12,
        ) {
            let spread = |x: u64| x.wrapping_add(1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
            let hashes: Vec<u64> = symbols.iter().map(|&x| spread(x)).collect();
            let mut table: Vec<(u64, u32)> = held.iter().map(|(&x, &d)| (spread(x), d)).collect();
            table.sort_unstable();
            for df in [DocFrequency::new(table), DocFrequency::default()] {
                let mut alone = Vec::new();
                select(&hashes, window, |j| alone.push((j as u32, df.get(hashes[j]))));
                prop_assert_eq!(df.by_position(&hashes, window), alone);
            }
        }
    }

    proptest! {
        /// The guarantee: a shared run of `w` shingles (w + k − 1 words) always shares a
        /// fingerprint, wherever it sits in two otherwise unrelated documents.
        #[test]
        fn shared_run_of_window_length_shares_a_fingerprint(
            seed: u64, w in 1usize..16, pre_a in 0usize..50, pre_b in 0usize..50, post in 0usize..50,
        ) {
            let mut rng = SplitMix64(seed);
            let run: Vec<u64> = (0..w).map(|_| rng.next_u64()).collect();
            let mut a: Vec<u64> = (0..pre_a).map(|_| rng.next_u64()).collect();
            a.extend(&run);
            a.extend((0..post).map(|_| rng.next_u64()));
            let mut b: Vec<u64> = (0..pre_b).map(|_| rng.next_u64()).collect();
            b.extend(&run);
            let (fa, fb) = (fingerprints(&a, w), fingerprints(&b, w));
            prop_assert!(fa.iter().any(|h| fb.binary_search(h).is_ok()));
            let got = candidates(&[Some(&fa), Some(&fb)], 10, 1).0;
            prop_assert_eq!(got, vec![(0, 1)]);
        }
    }

    proptest! {
        /// The per-document counting equals the oracle: every pair of indexed documents
        /// counted by the fingerprints they share with document frequency in 2..=max_df.
        #[test]
        fn candidates_equal_the_pair_count_oracle(
            sets in proptest::collection::vec(
                proptest::option::of(proptest::collection::btree_set(0u64..40, 0..12)), 0..30),
            max_df in 2usize..8, min_shared in 0usize..4,
        ) {
            let sets: Vec<Option<Vec<u64>>> = sets.into_iter().map(|s| s.map(|s| s.into_iter().collect())).collect();
            let fps: Vec<Option<&[u64]>> = sets.iter().map(|s| s.as_deref()).collect();
            let df = |h: u64| fps.iter().flatten().filter(|f| f.contains(&h)).count();
            let mut want = Vec::new();
            for a in 0..fps.len() {
                for b in a + 1..fps.len() {
                    if let (Some(fa), Some(fb)) = (fps[a], fps[b]) {
                        let shared = fa.iter().filter(|&&h| fb.contains(&h) && df(h) <= max_df).count();
                        if shared >= min_shared.max(1) {
                            want.push((a as u32, b as u32));
                        }
                    }
                }
            }
            let (got, table) = candidates(&fps, max_df, min_shared);
            prop_assert_eq!(got, want);
            for h in 0..40u64 {
                prop_assert_eq!(table.get(h) as usize, df(h).max(1));
            }
        }
    }

    #[test]
    fn document_frequencies_of_shared_fingerprints() {
        let (a, b, c) = ([1u64, 5, u64::MAX], [5u64, u64::MAX], [u64::MAX, 7]);
        let sets: Vec<Option<&[u64]>> = vec![Some(&a[..]), Some(&b[..]), Some(&c[..])];
        let (_, df) = candidates(&sets, 10, 1);
        assert_eq!((df.get(1), df.get(5), df.get(7), df.get(u64::MAX), df.get(42)), (1, 2, 1, 3, 1));
        assert_eq!(DocFrequency::default().get(5), 1);
    }

    #[test]
    fn frequent_fingerprints_are_capped() {
        let common = [1u64];
        let sets: Vec<Option<&[u64]>> = (0..5).map(|_| Some(&common[..])).collect();
        assert_eq!(candidates(&sets, 5, 1).0.len(), 10);
        assert!(candidates(&sets, 4, 1).0.is_empty());
        assert!(candidates(&sets, 5, 2).0.is_empty());
    }
}
