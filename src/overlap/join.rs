//! The merge join that aligning starts from: the positions where two hash-sorted sequences
//! hold equal hashes. Equal hashes are few (two documents share a small part of their
//! shingles, if any), so most of the join is stepping over hashes of one side only; on
//! processors with AVX2 it steps over four of them at a time, comparing a block of four hashes
//! of each side at once, and where two blocks share one goes straight to the smallest hash
//! they share. Both ways give the same matches in the same order.

/// The matching positions of two sequences given as hashes in increasing order (`ha`, `hb`)
/// with the position of each (`pa`, `pb`): `(j − i, i)` for every `i` of A and `j` of B with
/// equal hashes, leaving out hashes that either side holds more than `max_repeats` times.
/// Pushed to `matches` in hash order; returns the number of distinct hashes the sides share.
pub(super) fn matches<PA: Copy + Into<u32>, PB: Copy + Into<u32>>(
    (ha, pa): (&[u64], &[PA]),
    (hb, pb): (&[u64], &[PB]),
    max_repeats: usize,
    matches: &mut Vec<(i64, u32)>,
) -> usize {
    if wide() {
        return join::<true, _, _>((ha, pa), (hb, pb), max_repeats, matches);
    }
    join::<false, _, _>((ha, pa), (hb, pb), max_repeats, matches)
}

/// Whether the join may step in blocks of four here: x86-64 with AVX2 (checked at run time).
/// The wide join must only run where this holds.
fn wide() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::arch::is_x86_feature_detected!("avx2")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// One side of a join: hashes in increasing order, and the position of each.
type Side<'a, P> = (&'a [u64], &'a [P]);

/// The join, with (`WIDE`) or without blocks of four.
#[inline(always)]
fn join<const WIDE: bool, PA: Copy + Into<u32>, PB: Copy + Into<u32>>(
    a: Side<PA>,
    b: Side<PB>,
    max_repeats: usize,
    matches: &mut Vec<(i64, u32)>,
) -> usize {
    // The wide step goes as far as a side has four hashes left; the scalar join below
    // finishes from there.
    let (mut x, mut y, mut shared) = if WIDE { wide_part(a, b, max_repeats, matches) } else { (0, 0, 0) };
    let ((ha, _), (hb, _)) = (a, b);
    while x < ha.len() && y < hb.len() {
        let (h, g) = (ha[x], hb[y]);
        if h != g {
            // Most steps: advance the smaller side without a branch on which one it is (the
            // comparison is unpredictable, equal hashes are rare).
            x += usize::from(h < g);
            y += usize::from(g < h);
        } else {
            (x, y) = take(a, b, (x, y), max_repeats, matches);
            shared += 1;
        }
    }
    shared
}

/// Takes the equal hash at `x` of A and `y` of B (each the first of its run): its matches,
/// unless a side holds it more than `max_repeats` times. Returns where its runs end.
#[inline(always)]
fn take<PA: Copy + Into<u32>, PB: Copy + Into<u32>>(
    (ha, pa): Side<PA>,
    (hb, pb): Side<PB>,
    (x, y): (usize, usize),
    max_repeats: usize,
    matches: &mut Vec<(i64, u32)>,
) -> (usize, usize) {
    let h = ha[x];
    // Most shared hashes are held once on either side: their run ends at the next hash.
    let run_end = |s: &[u64], at: usize| match s.get(at + 1) {
        Some(&g) if g == h => at + s[at..].iter().take_while(|&&e| e == h).count(),
        _ => at + 1,
    };
    let (xe, ye) = (run_end(ha, x), run_end(hb, y));
    if xe - x <= max_repeats && ye - y <= max_repeats {
        for &i in &pa[x..xe] {
            let i: u32 = i.into();
            for &j in &pb[y..ye] {
                matches.push((j.into() as i64 - i as i64, i));
            }
        }
    }
    (xe, ye)
}

/// The join in blocks of four hashes, as far as a side has four left: where it stopped in A
/// and in B, and the number of distinct hashes shared before.
#[inline(always)]
fn wide_part<PA: Copy + Into<u32>, PB: Copy + Into<u32>>(
    a: Side<PA>,
    b: Side<PB>,
    max_repeats: usize,
    matches: &mut Vec<(i64, u32)>,
) -> (usize, usize, usize) {
    #[cfg(target_arch = "x86_64")]
    {
        // SAFETY: only reached where `wide()` holds, so the processor has AVX2 (`matches` and
        // the tests check it before the wide join).
        unsafe { join_avx2(a, b, max_repeats, matches) }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let _ = (a, b, max_repeats, matches);
        (0, 0, 0)
    }
}

/// Steps `x` and `y` on by blocks of four hashes while the blocks `ha[x..x + 4]` and
/// `hb[y..y + 4]` share none, advancing the block whose last hash is smaller (no hash of it can
/// equal any hash of the other side from `y` on, which are all larger). At blocks that share a
/// hash, takes the smallest shared one ([`take`]): the first lane of A's block that equals a
/// lane of B's, and the first lane of B's block that equals it (the hashes before them in
/// either block are smaller and equal nothing on the other side), and goes on from the ends of
/// their runs. Taking is part of the step: returning to a caller at each equal hash (a few
/// dozen in a typical pair) cost a call, a return and a mispredicted exit each.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn join_avx2<PA: Copy + Into<u32>, PB: Copy + Into<u32>>(
    a: Side<PA>,
    b: Side<PB>,
    max_repeats: usize,
    matches: &mut Vec<(i64, u32)>,
) -> (usize, usize, usize) {
    use std::arch::x86_64::*;
    let ((ha, _), (hb, _)) = (a, b);
    let (mut x, mut y, mut shared) = (0, 0, 0);
    while x + 4 <= ha.len() && y + 4 <= hb.len() {
        // SAFETY: both blocks lie inside their slices (the loop's condition).
        let (va, vb) = unsafe {
            (
                _mm256_loadu_si256(ha.as_ptr().add(x) as *const __m256i),
                _mm256_loadu_si256(hb.as_ptr().add(y) as *const __m256i),
            )
        };
        // Every hash of A's block against every hash of B's: B's block and its three rotations.
        let b1 = _mm256_permute4x64_epi64::<0b00_11_10_01>(vb);
        let b2 = _mm256_permute4x64_epi64::<0b01_00_11_10>(vb);
        let b3 = _mm256_permute4x64_epi64::<0b10_01_00_11>(vb);
        let (e0, e1, e2, e3) = (
            _mm256_cmpeq_epi64(va, vb),
            _mm256_cmpeq_epi64(va, b1),
            _mm256_cmpeq_epi64(va, b2),
            _mm256_cmpeq_epi64(va, b3),
        );
        let equal = _mm256_or_si256(_mm256_or_si256(e0, e1), _mm256_or_si256(e2, e3));
        // One bit per lane of A's block that equals some lane of B's.
        let lanes = _mm256_movemask_pd(_mm256_castsi256_pd(equal)) as u32;
        if lanes != 0 {
            let lane = lanes.trailing_zeros();
            // The lanes of B's block equal to A's lane `lane`: rotation `r` compared it with
            // B's lane `lane + r` (mod 4). The first of them, without a branch on which.
            let mut of_b = 0u32;
            for (r, e) in [e0, e1, e2, e3].into_iter().enumerate() {
                let hit = (_mm256_movemask_pd(_mm256_castsi256_pd(e)) as u32 >> lane) & 1;
                of_b |= hit << ((lane + r as u32) & 3);
            }
            let (xm, ym) = (x + lane as usize, y + of_b.trailing_zeros() as usize);
            (x, y) = take(a, b, (xm, ym), max_repeats, matches);
            shared += 1;
            continue;
        }
        // The two last hashes differ: both are in the blocks, which share none.
        let (last_a, last_b) = (ha[x + 3], hb[y + 3]);
        x += 4 * usize::from(last_a < last_b);
        y += 4 * usize::from(last_b < last_a);
    }
    (x, y, shared)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Sorted hashes over a small alphabet (so that they repeat and match), each with a
    /// distinct position.
    fn side(mut hashes: Vec<u64>) -> (Vec<u64>, Vec<u32>) {
        hashes.sort_unstable();
        let positions = (0..hashes.len() as u32).rev().collect();
        (hashes, positions)
    }

    /// What a join gives: its matches and the number of hashes shared.
    type Joined = (Vec<(i64, u32)>, usize);

    /// The narrow join's matches and count, and the wide join's where this processor can run
    /// it.
    fn both(
        a: &(Vec<u64>, Vec<u32>),
        b: &(Vec<u64>, Vec<u32>),
        max_repeats: usize,
    ) -> (Joined, Option<Joined>) {
        let run = |wide: bool| {
            let mut m = Vec::new();
            let sides = ((&a.0[..], &a.1[..]), (&b.0[..], &b.1[..]));
            let shared = if wide {
                join::<true, _, _>(sides.0, sides.1, max_repeats, &mut m)
            } else {
                join::<false, _, _>(sides.0, sides.1, max_repeats, &mut m)
            };
            (m, shared)
        };
        (run(false), wide().then(|| run(true)))
    }

    #[test]
    fn blocks_that_share_nothing_are_stepped_over_and_matches_found_at_every_offset() {
        // One equal hash (1000) at each offset of sides of 13 that otherwise share nothing:
        // A's others odd, B's even, `at` of them below 1000 and the rest above.
        let around = |at: u64, odd: u64| -> Vec<u64> {
            (0..at).map(|i| 2 * i + odd).chain([1000]).chain((at..12).map(|i| 1002 + 2 * i + odd)).collect()
        };
        for at_a in 0..13 {
            for at_b in 0..13 {
                let (a, b) = (side(around(at_a, 1)), side(around(at_b, 0)));
                assert_eq!(a.0[at_a as usize], 1000);
                let (narrow, wide) = both(&a, &b, 8);
                assert_eq!(narrow.1, 1, "{at_a} {at_b}");
                if let Some(wide) = wide {
                    assert_eq!(narrow, wide, "{at_a} {at_b}");
                }
            }
        }
    }

    proptest::proptest! {
        /// The join in blocks of four gives the matches and the count of the join one hash at
        /// a time, on sides that share many, few or no hashes, with repeats.
        #[test]
        fn the_wide_join_matches_the_narrow_one(
            a in proptest::collection::vec(0u64..40, 0..120),
            b in proptest::collection::vec(0u64..40, 0..120),
            spread in 1u64..4,
            max_repeats in 0usize..4,
        ) {
            let a = side(a.into_iter().map(|h| h * spread).collect());
            let b = side(b);
            if let (narrow, Some(wide)) = both(&a, &b, max_repeats) {
                proptest::prop_assert_eq!(narrow, wide);
            }
        }

        /// The narrow join finds every pair of positions whose hashes are equal, but for hashes
        /// a side holds more than `max_repeats` times, and counts the distinct hashes the two
        /// sides share (against every pair of positions compared).
        #[test]
        fn the_narrow_join_finds_every_equal_pair(
            a in proptest::collection::vec(0u64..30, 0..60),
            b in proptest::collection::vec(0u64..30, 0..60),
            max_repeats in 0usize..4,
        ) {
            let (a, b) = (side(a), side(b));
            let (mut expected, mut shared) = (Vec::new(), std::collections::BTreeSet::new());
            let count = |s: &[u64], h: u64| s.iter().filter(|&&g| g == h).count();
            for (x, &h) in a.0.iter().enumerate() {
                for (y, _) in b.0.iter().enumerate().filter(|&(_, &g)| g == h) {
                    shared.insert(h);
                    if count(&a.0, h) <= max_repeats && count(&b.0, h) <= max_repeats {
                        expected.push((b.1[y] as i64 - a.1[x] as i64, a.1[x]));
                    }
                }
            }
            let (mut got, count) = both(&a, &b, max_repeats).0;
            got.sort_unstable();
            expected.sort_unstable();
            proptest::prop_assert_eq!(got, expected);
            proptest::prop_assert_eq!(count, shared.len());
        }
    }
}
