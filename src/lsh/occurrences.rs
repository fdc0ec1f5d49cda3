//! Every `(hash, document)` occurrence of many sorted hash sets, sorted: what the exact join
//! counts document frequencies from and the passage index builds its postings from.

use rayon::prelude::*;

/// Occurrences are grouped by the top bits of their hash (hashes are uniform) before sorting.
const BITS: u32 = 12;
const BUCKETS: usize = 1 << BITS;

fn bucket(h: u64) -> usize {
    (h >> (64 - BITS)) as usize
}

/// Every `(shingle, document)` occurrence of `sets`, sorted, and the offsets that cut it into
/// pieces of about equal size at bucket boundaries (so no run of one hash spans two pieces).
///
/// Chunks of documents are counting-sorted by bucket on their own, in parallel; then each piece
/// gathers its buckets from every chunk and sorts them, in parallel and in cache.
pub(crate) fn sorted_occurrences(sets: &[Option<&[u64]>]) -> (Vec<(u64, u32)>, Vec<usize>) {
    let parts: Vec<&[u64]> = sets.iter().map(|s| s.unwrap_or(&[])).collect();
    let grouped = Grouped::new(&parts, 0..BUCKETS);
    let bounds = grouped.bounds.clone();
    let mut occurrences = vec![(0u64, 0u32); grouped.total];
    let mut pieces: Vec<&mut [(u64, u32)]> = Vec::with_capacity(bounds.len());
    let mut rest = occurrences.as_mut_slice();
    for w in bounds.windows(2) {
        let (this, tail) = rest.split_at_mut(w[1] - w[0]);
        pieces.push(this);
        rest = tail;
    }
    pieces.into_par_iter().enumerate().for_each(|(i, piece)| grouped.piece(i, piece));
    (occurrences, bounds)
}

/// The occurrences [`for_each_sorted_piece`] groups at once, in bytes: more are taken in
/// passes over ranges of buckets.
const PASS_BYTES: usize = 8 << 20;
/// At most this many passes (each walks every document's set once more, to its range).
const MAX_PASSES: usize = 16;

/// The same occurrences as [`sorted_occurrences`], handed to `each` one piece at a time, in
/// order (no run of one hash spans two pieces), without ever holding all of them: they are
/// grouped in passes over ranges of buckets (the sets are sorted, so each pass takes the next
/// stretch of every set), and each pass's pieces are sorted a few at a time, in parallel, into
/// buffers used again for the next ones.
pub(crate) fn for_each_sorted_piece(sets: &[Option<&[u64]>], each: impl FnMut(&[(u64, u32)])) {
    let total: usize = sets.iter().map(|s| s.map_or(0, |s| s.len())).sum();
    let passes = (total * std::mem::size_of::<(u64, u32)>()).div_ceil(PASS_BYTES).clamp(1, MAX_PASSES);
    in_passes(sets, passes, each)
}

/// [`for_each_sorted_piece`] in `passes` passes (1 to [`BUCKETS`]).
fn in_passes(sets: &[Option<&[u64]>], passes: usize, mut each: impl FnMut(&[(u64, u32)])) {
    // Where each set's next pass starts.
    let mut at = vec![0usize; sets.len()];
    let at_once = rayon::current_num_threads().max(1);
    let mut buffers: Vec<Vec<(u64, u32)>> = vec![Vec::new(); at_once];
    // Passes of about equal size, as ranges of buckets (fingerprints chosen as the least hash
    // of a window crowd the low buckets).
    let mut ends = Vec::with_capacity(passes);
    if passes > 1 {
        let sizes = bucket_sizes(sets);
        let (per, mut acc) = (sizes.iter().sum::<usize>().div_ceil(passes).max(1), 0usize);
        for (b, &n) in sizes.iter().enumerate() {
            acc += n;
            if acc >= per && b + 1 < BUCKETS {
                ends.push(b + 1);
                acc = 0;
            }
        }
    }
    ends.push(BUCKETS);
    for (pass, &end) in ends.iter().enumerate() {
        let buckets = if pass == 0 { 0 } else { ends[pass - 1] }..end;
        let parts: Vec<&[u64]> = at
            .par_iter_mut()
            .zip(sets.par_iter())
            .map(|(at, s)| {
                let s = s.unwrap_or(&[]);
                let from = *at;
                while *at < s.len() && bucket(s[*at]) < buckets.end {
                    *at += 1;
                }
                &s[from..*at]
            })
            .collect();
        let grouped = Grouped::new(&parts, buckets);
        drop(parts);
        let n = grouped.bounds.len() - 1;
        for first in (0..n).step_by(at_once) {
            let count = at_once.min(n - first);
            buffers[..count].par_iter_mut().enumerate().for_each(|(k, buf)| {
                let i = first + k;
                buf.clear();
                buf.resize(grouped.bounds[i + 1] - grouped.bounds[i], (0, 0));
                grouped.piece(i, buf);
            });
            for buf in &buffers[..count] {
                each(buf);
            }
        }
    }
}

/// How many hashes of `sets` fall in each bucket.
fn bucket_sizes(sets: &[Option<&[u64]>]) -> Vec<usize> {
    sets.par_iter()
        .fold(
            || vec![0usize; BUCKETS],
            |mut sizes, s| {
                for &h in s.unwrap_or(&[]) {
                    sizes[bucket(h)] += 1;
                }
                sizes
            },
        )
        .reduce(
            || vec![0usize; BUCKETS],
            |mut a, b| {
                a.iter_mut().zip(&b).for_each(|(x, y)| *x += y);
                a
            },
        )
}

/// One chunk's occurrences, grouped by bucket, and where each bucket starts.
type Chunk = (Vec<(u64, u32)>, Vec<usize>);

/// The occurrences of many sets (all in one range of buckets) counting-sorted by bucket, chunk
/// by chunk, and the pieces of consecutive buckets they are sorted in.
struct Grouped {
    /// Every chunk's occurrences, grouped by bucket, with where each bucket starts.
    local: Vec<Chunk>,
    /// `cuts[i]..cuts[i + 1]`: the buckets of piece `i`.
    cuts: Vec<usize>,
    /// `bounds[i]..bounds[i + 1]`: where piece `i` lies among all occurrences, sorted.
    bounds: Vec<usize>,
    total: usize,
}

impl Grouped {
    /// Groups the occurrences of `sets`, whose hashes all fall in `buckets`.
    fn new(sets: &[&[u64]], buckets: std::ops::Range<usize>) -> Grouped {
        let len = |s: &&[u64]| s.len();
        let total: usize = sets.iter().map(len).sum();
        let threads = rayon::current_num_threads().max(1);
        let mut chunks = Vec::new();
        let (want, mut lo, mut acc) = (total.div_ceil(4 * threads).max(1), 0usize, 0usize);
        for (d, s) in sets.iter().enumerate() {
            acc += len(s);
            if acc >= want {
                chunks.push(lo..d + 1);
                (lo, acc) = (d + 1, 0);
            }
        }
        if lo < sets.len() {
            chunks.push(lo..sets.len());
        }
        let local: Vec<Chunk> = chunks
            .into_par_iter()
            .map(|r| {
                let docs = || r.clone().flat_map(|d| sets[d].iter().map(move |&h| (h, d as u32)));
                let mut start = vec![0usize; BUCKETS + 1];
                for (h, _) in docs() {
                    start[bucket(h) + 1] += 1;
                }
                for b in 0..BUCKETS {
                    start[b + 1] += start[b];
                }
                let mut fill = start.clone();
                let mut out = vec![(0u64, 0u32); start[BUCKETS]];
                for (h, d) in docs() {
                    let b = bucket(h);
                    out[fill[b]] = (h, d);
                    fill[b] += 1;
                }
                (out, start)
            })
            .collect();
        let size = |b: usize| local.iter().map(|(_, s)| s[b + 1] - s[b]).sum::<usize>();
        // Pieces of consecutive buckets, as bucket ranges and occurrence offsets.
        let per = total.div_ceil(8 * threads).max(1);
        let (mut cuts, mut bounds) = (vec![buckets.start], vec![0usize]);
        let (mut acc, mut pos) = (0usize, 0usize);
        for b in buckets.clone() {
            let n = size(b);
            (acc, pos) = (acc + n, pos + n);
            if acc >= per || b + 1 == buckets.end {
                cuts.push(b + 1);
                bounds.push(pos);
                acc = 0;
            }
        }
        Grouped { local, cuts, bounds, total }
    }

    /// Fills `piece` (exactly as long as piece `i`) with its occurrences, sorted.
    fn piece(&self, i: usize, piece: &mut [(u64, u32)]) {
        let mut at = 0;
        for b in self.cuts[i]..self.cuts[i + 1] {
            let from = at;
            for (out, start) in &self.local {
                let part = &out[start[b]..start[b + 1]];
                piece[at..at + part.len()].copy_from_slice(part);
                at += part.len();
            }
            piece[from..at].sort_unstable();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sketch::SplitMix64;

    /// The occurrences are those of one sort of all `(hash, document)` pairs, and every piece
    /// ends where a hash changes.
    #[test]
    fn occurrences_are_all_pairs_sorted_in_pieces_that_keep_runs_whole() {
        let mut rng = SplitMix64(7);
        for docs in [0usize, 1, 3, 200, 2000] {
            let sets: Vec<Option<Vec<u64>>> = (0..docs)
                .map(|d| {
                    (d % 7 != 3).then(|| {
                        // Few distinct hashes (shared across documents), spread over all buckets.
                        let mut s: Vec<u64> = (0..rng.next_u64() % 40)
                            .map(|_| (rng.next_u64() % 500).wrapping_mul(0x9E37_79B9_7F4A_7C15))
                            .collect();
                        s.sort_unstable();
                        s.dedup();
                        s
                    })
                })
                .collect();
            let refs: Vec<Option<&[u64]>> = sets.iter().map(|s| s.as_deref()).collect();
            let mut want: Vec<(u64, u32)> = refs
                .iter()
                .enumerate()
                .flat_map(|(d, s)| s.unwrap_or(&[]).iter().map(move |&h| (h, d as u32)))
                .collect();
            want.sort_unstable();
            let (got, bounds) = sorted_occurrences(&refs);
            assert_eq!(got, want, "{docs} documents");
            assert_eq!((bounds[0], *bounds.last().unwrap()), (0, got.len()));
            for w in bounds.windows(2) {
                assert!(w[0] <= w[1]);
                if w[1] > 0 && w[1] < got.len() {
                    assert_ne!(got[w[1] - 1].0, got[w[1]].0, "a run split at {}", w[1]);
                }
            }
            // Piece by piece: the same occurrences, in the same pieces.
            let mut pieces: Vec<Vec<(u64, u32)>> = Vec::new();
            for_each_sorted_piece(&refs, |p| pieces.push(p.to_vec()));
            assert_eq!(pieces.len(), bounds.len() - 1, "{docs} documents");
            for (p, w) in pieces.iter().zip(bounds.windows(2)) {
                assert_eq!(p[..], got[w[0]..w[1]]);
            }
            // In passes over ranges of buckets: the same occurrences in order, no run split.
            for passes in [2, 3, 16, BUCKETS] {
                let mut pieces: Vec<Vec<(u64, u32)>> = Vec::new();
                in_passes(&refs, passes, |p| pieces.push(p.to_vec()));
                assert_eq!(pieces.concat(), want, "{docs} documents, {passes} passes");
                let full: Vec<&Vec<(u64, u32)>> = pieces.iter().filter(|p| !p.is_empty()).collect();
                for w in full.windows(2) {
                    assert_ne!(w[0].last().unwrap().0, w[1][0].0, "a run split ({passes} passes)");
                }
            }
        }
    }
}
