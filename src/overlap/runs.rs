//! Runs and chains of matching shingles: the maximal diagonal runs of the positions where two
//! sequences hold equal hashes ([`super::join`]), and the runs chained across small edits, from
//! which alignment makes its passages.

use super::Steps;

/// A run of consecutive matching shingles: A positions `[i, i + len)`, B `[j, j + len)`.
#[derive(Debug, Clone, Copy)]
pub(super) struct Run {
    pub(super) i: usize,
    pub(super) j: usize,
    pub(super) len: usize,
}

/// A chain of runs: first and end positions on both sides, matched shingles.
#[derive(Debug, Clone, Copy)]
pub(super) struct Chain {
    pub(super) i0: usize,
    pub(super) i1: usize,
    pub(super) j0: usize,
    pub(super) j1: usize,
    pub(super) matched: usize,
}

/// Maximal diagonal runs of the matching positions in `steps.matches` (positions in A below
/// `len_a`), to `steps.runs` in the order of A. Where no position of A matches twice (neither
/// side repeats a shingle: most pairs), each match is put at its position in A and a run is a
/// stretch of consecutive positions whose matches in B are consecutive too, read off in one
/// pass; otherwise sorting the positions by diagonal makes each run contiguous. Both ways give
/// the same runs.
pub(super) fn runs_of_matches(steps: &mut Steps, len_a: usize) {
    if !runs_by_position(steps, len_a) {
        runs_by_diagonal(steps);
    }
}

/// No match at this position of A ([`runs_by_position`]).
const NO_MATCH: u32 = u32::MAX;

/// [`runs_of_matches`] by position in A: `false` (and no runs) when a position of A matches
/// twice.
fn runs_by_position(steps: &mut Steps, len_a: usize) -> bool {
    let Steps { matches, runs, at, .. } = steps;
    runs.clear();
    at.clear();
    at.resize(len_a, NO_MATCH);
    for &(d, i) in matches.iter() {
        match at.get_mut(i as usize) {
            Some(slot) if *slot == NO_MATCH => *slot = (i as i64 + d) as u32,
            _ => return false,
        }
    }
    for (i, &j) in at.iter().enumerate().filter(|&(_, &j)| j != NO_MATCH) {
        extend(runs, i, j as usize);
    }
    true
}

/// [`runs_of_matches`] by sorting the matches by diagonal.
fn runs_by_diagonal(steps: &mut Steps) {
    let Steps { matches, runs, .. } = steps;
    runs.clear();
    matches.sort_unstable();
    for &(d, i) in matches.iter() {
        extend(runs, i as usize, (i as i64 + d) as usize);
    }
    runs.sort_unstable_by_key(|r| (r.i, r.j));
}

/// Adds the match of A's position `i` with B's `j` to `runs`, given in an order where the
/// matches of a run come one after another: it extends the last run when that run ends just
/// before it on both sides (the match before it on its diagonal), else starts a run.
fn extend(runs: &mut Vec<Run>, i: usize, j: usize) {
    match runs.last_mut() {
        Some(r) if r.i + r.len == i && r.j + r.len == j => r.len += 1,
        _ => runs.push(Run { i, j, len: 1 }),
    }
}

/// Chains runs in A order: a run extends the chain whose end is closest before it, when the
/// gap on both sides is at most `max_skip` shingle positions (an edit of `g` words breaks
/// `g + k − 1` shingles).
pub(super) fn chain(runs: &[Run], max_skip: usize) -> Vec<Chain> {
    let mut chains: Vec<Chain> = Vec::new();
    for &r in runs {
        let best = chains
            .iter_mut()
            .filter(|c| r.i >= c.i1 && r.j >= c.j1 && r.i - c.i1 <= max_skip && r.j - c.j1 <= max_skip)
            .min_by_key(|c| (r.i - c.i1) + (r.j - c.j1));
        match best {
            Some(c) => {
                c.i1 = r.i + r.len;
                c.j1 = r.j + r.len;
                c.matched += r.len;
            }
            None => chains.push(Chain { i0: r.i, i1: r.i + r.len, j0: r.j, j1: r.j + r.len, matched: r.len }),
        }
    }
    chains
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The runs of a set of matches, as `(i, j, len)`.
    fn runs_of(steps: &Steps) -> Vec<(usize, usize, usize)> {
        steps.runs.iter().map(|r| (r.i, r.j, r.len)).collect()
    }

    proptest::proptest! {
        /// Reading runs off by position in A gives the runs that sorting by diagonal gives,
        /// whenever no position of A matches twice (matches on a few diagonals, so that they
        /// make runs, with gaps, in any order), and declines when one does.
        #[test]
        fn runs_by_position_are_the_runs_by_diagonal(
            at in proptest::collection::btree_map(0u32..80, 0i64..4, 0..60),
            twice in proptest::option::of((0u32..80, 0i64..4)),
            order in proptest::collection::vec(proptest::arbitrary::any::<u32>(), 60),
        ) {
            let mut matches: Vec<(i64, u32)> = at.iter().map(|(&i, &d)| (d, i)).collect();
            if let Some((i, d)) = twice {
                matches.push((d + 4, i));
            }
            // Any order, as the join gives them in hash order.
            let mut keyed: Vec<(u32, (i64, u32))> =
                matches.iter().zip(order.iter().cycle()).map(|(&m, &k)| (k, m)).collect();
            keyed.sort_unstable();
            let matches: Vec<(i64, u32)> = keyed.into_iter().map(|(_, m)| m).collect();
            let repeated = twice.is_some_and(|(i, _)| at.contains_key(&i));
            let mut by_diagonal = Steps { matches: matches.clone(), ..Steps::default() };
            runs_by_diagonal(&mut by_diagonal);
            let mut by_position = Steps { matches, ..Steps::default() };
            let read = runs_by_position(&mut by_position, 80);
            proptest::prop_assert_eq!(read, !repeated);
            if read {
                proptest::prop_assert_eq!(runs_of(&by_position), runs_of(&by_diagonal));
            }
            let mut either = Steps { matches: by_diagonal.matches.clone(), ..Steps::default() };
            runs_of_matches(&mut either, 80);
            proptest::prop_assert_eq!(runs_of(&either), runs_of(&by_diagonal));
        }
    }
}
