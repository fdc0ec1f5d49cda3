//! The merge join that aligning starts from: the positions where two hash-sorted sequences
//! hold equal hashes. Equal hashes are few (two documents share a small part of their
//! shingles, if any), so most of the join is stepping over hashes of one side only; on
//! processors with AVX2 it steps over four of them at a time, comparing a block of four hashes
//! of each side at once, and where two blocks share one goes straight to the smallest hash
//! they share. When neither side holds a hash twice (most documents repeat no shingle), the
//! blocks' equal hashes are written out without a branch, whether a block pair shares none
//! or several, in blocks of eight where the processor has AVX-512, then of four. All ways give
//! the same matches in the same order.

/// How two sides are joined.
pub(super) struct Join<'s> {
    /// Hashes that either side holds more than this many times are left out.
    pub max_repeats: usize,
    /// Whether neither side holds a hash twice.
    pub unique: bool,
    /// Room for the indices `x | y << 32` of the equal hashes `ha[x] == hb[y]` the join of
    /// unique sides finds, before they become positions.
    pub pairs: &'s mut Vec<u64>,
}

impl Join<'_> {
    /// The matching positions of two sequences given as hashes in increasing order (`ha`,
    /// `hb`) with the position of each (`pa`, `pb`): `(j − i, i)` for every `i` of A and `j` of
    /// B with equal hashes, leaving out hashes that either side holds more than `max_repeats`
    /// times. Pushed to `matches` in hash order; returns the number of distinct hashes the
    /// sides share.
    pub(super) fn matches<PA: Copy + Into<u32>, PB: Copy + Into<u32>>(
        self,
        a: Side<PA>,
        b: Side<PB>,
        matches: &mut Vec<(i64, u32)>,
    ) -> usize {
        if wide() {
            // Indices are packed in 32 bits each; no sequence comes near that.
            let fits = |s: &[u64]| s.len() < 1 << 32;
            if self.unique && self.max_repeats > 0 && fits(a.0) && fits(b.0) {
                return unique_join(a, b, self.max_repeats, self.pairs, matches, wider());
            }
            return join::<true, _, _>(a, b, self.max_repeats, matches);
        }
        join::<false, _, _>(a, b, self.max_repeats, matches)
    }
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
    // The wide step goes as far as a side has four hashes left; the scalar join finishes
    // from there.
    let from = if WIDE { wide_part(a, b, max_repeats, matches) } else { (0, 0, 0) };
    finish(a, b, from, max_repeats, matches)
}

/// The join of sides that hold no hash twice, with AVX2: blocks of four without a branch on
/// equal hashes ([`unique_avx2`]), then the scalar join from where they stopped.
fn unique_join<PA: Copy + Into<u32>, PB: Copy + Into<u32>>(
    a: Side<PA>,
    b: Side<PB>,
    max_repeats: usize,
    pairs: &mut Vec<u64>,
    matches: &mut Vec<(i64, u32)>,
    wider: bool,
) -> usize {
    let ((ha, pa), (hb, pb)) = (a, b);
    pairs.clear();
    pairs.reserve(ha.len() + hb.len());
    let (x, y) = unique_part(ha, hb, pairs, wider);
    positions_of(pairs, (pa, pb), matches);
    finish(a, b, (x, y, pairs.len()), max_repeats, matches)
}

/// The matching positions `(j − i, i)` of the equal hashes at indices `x | y << 32`, pushed to
/// `matches`.
fn positions_of<PA: Copy + Into<u32>, PB: Copy + Into<u32>>(
    pairs: &[u64],
    (pa, pb): (&[PA], &[PB]),
    matches: &mut Vec<(i64, u32)>,
) {
    matches.reserve(pairs.len());
    for &p in pairs {
        let (i, j): (u32, u32) = (pa[p as u32 as usize].into(), pb[(p >> 32) as usize].into());
        matches.push((j as i64 - i as i64, i));
    }
}

/// The scalar join from `x` in A and `y` in B, with `shared` distinct hashes shared before.
#[inline(always)]
fn finish<PA: Copy + Into<u32>, PB: Copy + Into<u32>>(
    a: Side<PA>,
    b: Side<PB>,
    (mut x, mut y, mut shared): (usize, usize, usize),
    max_repeats: usize,
    matches: &mut Vec<(i64, u32)>,
) -> usize {
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

/// The blocks of sides that hold no hash twice, of eight with `wider` as far as a side has
/// eight left, then of four as far as a side has four left: the indices of their equal hashes
/// pushed to `pairs` (which must have room for as many entries as the two sides have hashes),
/// and where it stopped in A and in B.
#[inline(always)]
fn unique_part(ha: &[u64], hb: &[u64], pairs: &mut Vec<u64>, wider: bool) -> (usize, usize) {
    #[cfg(target_arch = "x86_64")]
    {
        assert!(pairs.capacity() - pairs.len() >= ha.len() + hb.len());
        // SAFETY: only reached where `wide()` holds, so the processor has AVX2, and with
        // `wider` where `wider()` holds, so it has AVX-512; `pairs` has the room (asserted),
        // and each kernel stores only below `ha.len() + hb.len()` entries past its start.
        unsafe {
            let from = if wider { unique_avx512(ha, hb, pairs) } else { (0, 0) };
            unique_avx2(ha, hb, pairs, from)
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let _ = (ha, hb, pairs, wider);
        (0, 0)
    }
}

/// The blocks `ha[x..x + 4]` and `hb[y..y + 4]` compared, every hash of A's with every hash of
/// B's: `e[r]` compares A's lane `l` with B's lane `(l + r) mod 4` (B's block and its three
/// rotations); one bit per lane of A's block that equals some lane of B's; and the blocks'
/// last hashes, read again from memory rather than taken out of the blocks (a load is the
/// shorter way to the next step's start, on which every step waits).
///
/// # Safety
///
/// The processor has AVX2, and both blocks lie inside their slices.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline]
unsafe fn compare(
    ha: &[u64],
    hb: &[u64],
    x: usize,
    y: usize,
) -> ([std::arch::x86_64::__m256i; 4], u32, (u64, u64)) {
    use std::arch::x86_64::*;
    // SAFETY: both blocks lie inside their slices (the caller's promise).
    let (va, vb, last) = unsafe {
        (
            _mm256_loadu_si256(ha.as_ptr().add(x) as *const __m256i),
            _mm256_loadu_si256(hb.as_ptr().add(y) as *const __m256i),
            (ha.as_ptr().add(x + 3).read_volatile(), hb.as_ptr().add(y + 3).read_volatile()),
        )
    };
    let e = [
        _mm256_cmpeq_epi64(va, vb),
        _mm256_cmpeq_epi64(va, _mm256_permute4x64_epi64::<0b00_11_10_01>(vb)),
        _mm256_cmpeq_epi64(va, _mm256_permute4x64_epi64::<0b01_00_11_10>(vb)),
        _mm256_cmpeq_epi64(va, _mm256_permute4x64_epi64::<0b10_01_00_11>(vb)),
    ];
    let equal = _mm256_or_si256(_mm256_or_si256(e[0], e[1]), _mm256_or_si256(e[2], e[3]));
    (e, _mm256_movemask_pd(_mm256_castsi256_pd(equal)) as u32, last)
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
        let (equal, lanes, (last_a, last_b)) = unsafe { compare(ha, hb, x, y) };
        if lanes != 0 {
            let lane = lanes.trailing_zeros();
            // The lanes of B's block equal to A's lane `lane`: rotation `r` compared it with
            // B's lane `lane + r` (mod 4). The first of them, without a branch on which.
            let mut of_b = 0u32;
            for (r, e) in equal.into_iter().enumerate() {
                let hit = (_mm256_movemask_pd(_mm256_castsi256_pd(e)) as u32 >> lane) & 1;
                of_b |= hit << ((lane + r as u32) & 3);
            }
            let (xm, ym) = (x + lane as usize, y + of_b.trailing_zeros() as usize);
            (x, y) = take(a, b, (xm, ym), max_repeats, matches);
            shared += 1;
            continue;
        }
        // The two last hashes differ: both are in the blocks, which share none.
        x += 4 * usize::from(last_a < last_b);
        y += 4 * usize::from(last_b < last_a);
    }
    (x, y, shared)
}

/// For each set of lanes of a block (a 4-bit mask), the 32-bit lanes that move its 64-bit
/// lanes, in order, to the front: a compress by `_mm256_permutevar8x32_epi32`.
#[cfg(target_arch = "x86_64")]
static COMPRESS: [[u32; 8]; 16] = {
    let mut table = [[0u32; 8]; 16];
    let mut mask = 0;
    while mask < 16 {
        let (mut to, mut lane) = (0, 0);
        while lane < 4 {
            if (mask >> lane) & 1 == 1 {
                table[mask][2 * to] = 2 * lane as u32;
                table[mask][2 * to + 1] = 2 * lane as u32 + 1;
                to += 1;
            }
            lane += 1;
        }
        mask += 1;
    }
    table
};

/// Steps `x` and `y` on by blocks of four hashes of sides that hold no hash twice, each step
/// comparing every hash of A's block with every hash of B's: each lane of A's block equals at
/// most one of B's. The indices of the equal pairs are packed (`x | y << 32`), moved to the
/// front and stored four at once, of which as many are kept as lanes were equal; the block
/// whose last hash is smaller then moves on, or both when the last hashes are equal (no hash
/// of that block can equal a hash beyond the other's). Every block pair is compared at most
/// once and every equal pair of hashes lies in one that is, so each is found once, in
/// increasing order.
///
/// # Safety
///
/// The processor has AVX2, and `pairs` has room for `ha.len() + hb.len()` more entries: each
/// step moves at least one side on by four and stores four entries past those kept before,
/// keeping at most four, so the last step stores below that bound.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn unique_avx2(
    ha: &[u64],
    hb: &[u64],
    pairs: &mut Vec<u64>,
    (mut x, mut y): (usize, usize),
) -> (usize, usize) {
    use std::arch::x86_64::*;
    let mut n = pairs.len();
    let out = pairs.as_mut_ptr();
    // Rotation `r` compares A's lane `l` with B's lane `(l + r) mod 4`: that lane's index, in
    // the upper half where it is packed.
    let of_b =
        |r: i64| _mm256_setr_epi64x(r << 32, ((1 + r) & 3) << 32, ((2 + r) & 3) << 32, ((3 + r) & 3) << 32);
    let (b0, b1, b2, b3) = (of_b(0), of_b(1), of_b(2), of_b(3));
    let of_a = _mm256_setr_epi64x(0, 1, 2, 3);
    // The number of lanes set in each 4-bit mask, four bits each.
    const ONES: u64 = 0x4332_3221_3221_2110;
    while x + 4 <= ha.len() && y + 4 <= hb.len() {
        // SAFETY: both blocks lie inside their slices (the loop's condition).
        let ([e0, e1, e2, e3], lanes, (last_a, last_b)) = unsafe { compare(ha, hb, x, y) };
        let lanes = lanes as usize;
        // B's lane equal to each of A's (at most one rotation hits), and both blocks' starts.
        let lane_b = _mm256_or_si256(
            _mm256_or_si256(_mm256_and_si256(e0, b0), _mm256_and_si256(e1, b1)),
            _mm256_or_si256(_mm256_and_si256(e2, b2), _mm256_and_si256(e3, b3)),
        );
        let at = _mm256_set1_epi64x((x | y << 32) as i64);
        let found = _mm256_add_epi64(at, _mm256_or_si256(of_a, lane_b));
        // SAFETY: the table's rows are eight lanes; `out + n` has room for four (see the
        // function's safety: `n` is at most four times the steps before this one).
        unsafe {
            let to_front = _mm256_loadu_si256(COMPRESS[lanes].as_ptr() as *const __m256i);
            _mm256_storeu_si256(out.add(n) as *mut __m256i, _mm256_permutevar8x32_epi32(found, to_front));
        }
        n += ((ONES >> (4 * lanes)) & 0xf) as usize;
        x += 4 * usize::from(last_a <= last_b);
        y += 4 * usize::from(last_b <= last_a);
    }
    // SAFETY: entries up to `n` were stored above (or were there before).
    unsafe { pairs.set_len(n) };
    (x, y)
}

/// Whether the join of unique sides may step in blocks of eight: x86-64 with AVX-512
/// (checked at run time). Only where [`wide()`] holds too.
fn wider() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::arch::is_x86_feature_detected!("avx512f")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// [`unique_avx2`] in blocks of eight hashes: each lane of A's block compared with B's block
/// and its seven rotations, the indices of the equal pairs compressed to the front and stored
/// eight at once, the block whose last hash is smaller moved on (both when equal). Half the
/// steps of blocks of four on the long stretches where the sides share nothing; returns where
/// it stopped in A and in B (a side has fewer than eight hashes left), for the blocks of four
/// to go on from.
///
/// # Safety
///
/// The processor has AVX-512F, and `pairs` has room for `ha.len() + hb.len()` more entries:
/// each step moves a side on by eight and stores eight entries past those kept before, keeping
/// at most eight, so every store lies below `x + y + 8 <= ha.len() + hb.len()`.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
unsafe fn unique_avx512(ha: &[u64], hb: &[u64], pairs: &mut Vec<u64>) -> (usize, usize) {
    use std::arch::x86_64::*;
    let (mut x, mut y, mut n) = (0, 0, pairs.len());
    let out = pairs.as_mut_ptr();
    // Rotation `r` compares A's lane `l` with B's lane `(l + r) mod 8`: that lane's index, in
    // the upper half where it is packed.
    let of_b = |r: i64| {
        let l = |i: i64| ((i + r) & 7) << 32;
        _mm512_setr_epi64(l(0), l(1), l(2), l(3), l(4), l(5), l(6), l(7))
    };
    let lanes_of_b = [of_b(0), of_b(1), of_b(2), of_b(3), of_b(4), of_b(5), of_b(6), of_b(7)];
    let of_a = _mm512_setr_epi64(0, 1, 2, 3, 4, 5, 6, 7);
    while x + 8 <= ha.len() && y + 8 <= hb.len() {
        // SAFETY: both blocks lie inside their slices (the loop's condition). The last hashes
        // are read again from memory: the shorter way to the next step's start.
        let (va, vb, last_a, last_b) = unsafe {
            (
                _mm512_loadu_si512(ha.as_ptr().add(x) as *const _),
                _mm512_loadu_si512(hb.as_ptr().add(y) as *const _),
                ha.as_ptr().add(x + 7).read_volatile(),
                hb.as_ptr().add(y + 7).read_volatile(),
            )
        };
        let rotations = [
            vb,
            _mm512_alignr_epi64::<1>(vb, vb),
            _mm512_alignr_epi64::<2>(vb, vb),
            _mm512_alignr_epi64::<3>(vb, vb),
            _mm512_alignr_epi64::<4>(vb, vb),
            _mm512_alignr_epi64::<5>(vb, vb),
            _mm512_alignr_epi64::<6>(vb, vb),
            _mm512_alignr_epi64::<7>(vb, vb),
        ];
        // B's lane equal to each of A's (at most one rotation hits), and which lanes do.
        let (mut lane_b, mut lanes) = (_mm512_setzero_si512(), 0u8);
        for (rotated, of) in rotations.into_iter().zip(lanes_of_b) {
            let equal = _mm512_cmpeq_epi64_mask(va, rotated);
            lane_b = _mm512_mask_mov_epi64(lane_b, equal, of);
            lanes |= equal;
        }
        let at = _mm512_set1_epi64((x | y << 32) as i64);
        let found = _mm512_maskz_compress_epi64(lanes, _mm512_add_epi64(at, _mm512_or_si512(of_a, lane_b)));
        // SAFETY: `out + n` has room for eight (see the function's safety).
        unsafe { _mm512_storeu_si512(out.add(n) as *mut _, found) };
        n += lanes.count_ones() as usize;
        x += 8 * usize::from(last_a <= last_b);
        y += 8 * usize::from(last_b <= last_a);
    }
    // SAFETY: entries up to `n` were stored above (or were there before).
    unsafe { pairs.set_len(n) };
    (x, y)
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

    /// The joins of sides that hold no hash twice, in blocks of four and in blocks of eight,
    /// those this processor can run (none unless the sides are such).
    fn unique(a: &(Vec<u64>, Vec<u32>), b: &(Vec<u64>, Vec<u32>), max_repeats: usize) -> Vec<Joined> {
        let once = |s: &[u64]| s.windows(2).all(|w| w[0] != w[1]);
        if !(wide() && once(&a.0) && once(&b.0) && max_repeats > 0) {
            return vec![];
        }
        let run = |wider: bool| {
            let (mut m, mut pairs) = (Vec::new(), Vec::new());
            let sides = ((&a.0[..], &a.1[..]), (&b.0[..], &b.1[..]));
            let shared = unique_join(sides.0, sides.1, max_repeats, &mut pairs, &mut m, wider);
            (m, shared)
        };
        [false, true].into_iter().filter(|&w| !w || wider()).map(run).collect()
    }

    #[test]
    fn blocks_that_share_nothing_are_stepped_over_and_matches_found_at_every_offset() {
        // One equal hash (1000) at each offset of sides of 13 and of 25 that otherwise share
        // nothing: A's others odd, B's even, `at` of them below 1000 and the rest above.
        for len in [13, 25] {
            let around = |at: u64, odd: u64| -> Vec<u64> {
                (0..at)
                    .map(|i| 2 * i + odd)
                    .chain([1000])
                    .chain((at..len - 1).map(|i| 1002 + 2 * i + odd))
                    .collect()
            };
            for at_a in 0..len {
                for at_b in 0..len {
                    let (a, b) = (side(around(at_a, 1)), side(around(at_b, 0)));
                    assert_eq!(a.0[at_a as usize], 1000);
                    let (narrow, wide) = both(&a, &b, 8);
                    assert_eq!(narrow.1, 1, "{at_a} {at_b}");
                    if let Some(wide) = wide {
                        assert_eq!(narrow, wide, "{at_a} {at_b}");
                    }
                    for unique in unique(&a, &b, 8) {
                        assert_eq!(narrow, unique, "{at_a} {at_b}");
                    }
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

        /// On sides that hold no hash twice, the join without branches on equal hashes gives
        /// the matches and the count of the join one hash at a time, whether blocks share none,
        /// one or all of their hashes.
        #[test]
        fn the_join_of_unique_sides_matches_the_narrow_one(
            a in proptest::collection::btree_set(0u64..160, 0..120),
            b in proptest::collection::btree_set(0u64..160, 0..120),
            spread in 1u64..3,
            max_repeats in 1usize..4,
        ) {
            let a = side(a.into_iter().map(|h| h * spread).collect());
            let b = side(b.into_iter().collect());
            let narrow = both(&a, &b, max_repeats).0;
            for unique in unique(&a, &b, max_repeats) {
                proptest::prop_assert_eq!(&narrow, &unique);
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
