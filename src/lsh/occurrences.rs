//! Every `(hash, document)` occurrence of many sorted hash sets, sorted: what the exact join
//! counts document frequencies from and the passage index builds its postings from.

use rayon::prelude::*;

/// Occurrences are grouped by the top bits of their hash (hashes are uniform) before sorting.
const BITS: u32 = 12;
const BUCKETS: usize = 1 << BITS;

/// One chunk's occurrences, grouped by bucket, and where each bucket starts.
type Grouped = (Vec<(u64, u32)>, Vec<usize>);

fn bucket(h: u64) -> usize {
    (h >> (64 - BITS)) as usize
}

/// Every `(shingle, document)` occurrence of `sets`, sorted, and the offsets that cut it into
/// pieces of about equal size at bucket boundaries (so no run of one hash spans two pieces).
///
/// Chunks of documents are counting-sorted by bucket on their own, in parallel; then each piece
/// gathers its buckets from every chunk and sorts them, in parallel and in cache.
pub(crate) fn sorted_occurrences(sets: &[Option<&[u64]>]) -> (Vec<(u64, u32)>, Vec<usize>) {
    let len = |s: &Option<&[u64]>| s.map_or(0, |s| s.len());
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
    let local: Vec<Grouped> = chunks
        .into_par_iter()
        .map(|r| {
            let docs = || r.clone().flat_map(|d| sets[d].unwrap_or(&[]).iter().map(move |&h| (h, d as u32)));
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
    let (per, mut cuts, mut bounds) = (total.div_ceil(8 * threads).max(1), vec![0usize], vec![0usize]);
    let (mut acc, mut pos) = (0usize, 0usize);
    for b in 0..BUCKETS {
        let n = size(b);
        (acc, pos) = (acc + n, pos + n);
        if acc >= per || b + 1 == BUCKETS {
            cuts.push(b + 1);
            bounds.push(pos);
            acc = 0;
        }
    }
    let mut occurrences = vec![(0u64, 0u32); total];
    let mut pieces: Vec<&mut [(u64, u32)]> = Vec::with_capacity(cuts.len());
    let mut rest = occurrences.as_mut_slice();
    for w in bounds.windows(2) {
        let (this, tail) = rest.split_at_mut(w[1] - w[0]);
        pieces.push(this);
        rest = tail;
    }
    pieces.into_par_iter().zip(cuts.par_windows(2)).for_each(|(piece, c)| {
        let mut at = 0;
        for b in c[0]..c[1] {
            let from = at;
            for (out, start) in &local {
                let part = &out[start[b]..start[b + 1]];
                piece[at..at + part.len()].copy_from_slice(part);
                at += part.len();
            }
            piece[from..at].sort_unstable();
        }
    });
    (occurrences, bounds)
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
        }
    }
}
