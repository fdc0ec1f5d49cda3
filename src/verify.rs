//! Exact scores for candidate pairs, from the two sorted shingle sets: Jaccard similarity and
//! containment in both directions. The only place that decides whether a pair is similar.

use crate::lsh::Pair;
use crate::overlap::Alignment;
use rayon::prelude::*;
use serde::Serialize;

/// Exact similarity of two documents.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Scores {
    /// |A ∩ B| / |A ∪ B|.
    pub jaccard: f64,
    /// |A ∩ B| / |A|: how much of A is found in B.
    pub containment_a_in_b: f64,
    /// |A ∩ B| / |B|: how much of B is found in A.
    pub containment_b_in_a: f64,
    /// |A ∩ B|, in shingles.
    #[serde(skip)]
    pub shared: usize,
}

/// Size of the intersection of two sorted, deduplicated slices.
pub fn intersection_size(a: &[u64], b: &[u64]) -> usize {
    // Galloping would help very unequal sizes; news articles are of similar length, so a
    // linear merge is the fast path.
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

/// Exact Jaccard similarity of two sorted, deduplicated slices (0 when both are empty).
pub fn jaccard_sorted(a: &[u64], b: &[u64]) -> f64 {
    score(a, b).jaccard
}

/// All scores of two sorted, deduplicated shingle sets.
pub fn score(a: &[u64], b: &[u64]) -> Scores {
    Scores::of_counts(a.len(), b.len(), intersection_size(a, b))
}

impl Scores {
    /// The scores of two sets of `a` and `b` shingles that share `shared`.
    pub fn of_counts(a: usize, b: usize, shared: usize) -> Scores {
        let union = a + b - shared;
        let ratio = |n: usize, d: usize| if d == 0 { 0.0 } else { n as f64 / d as f64 };
        Scores {
            jaccard: ratio(shared, union),
            containment_a_in_b: ratio(shared, a),
            containment_b_in_a: ratio(shared, b),
            shared,
        }
    }
}

/// Why a pair is linked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LinkedBy {
    /// Whole-document Jaccard reached the threshold.
    Jaccard,
    /// Shared passages cover enough of the shorter document.
    Passage,
    /// Both.
    Both,
}

/// What two documents are to each other; a pair holds the strongest that applies (see
/// [`crate::relation`] for the rules).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Relation {
    /// They share at least one passage of `--min-passage` words, nothing more.
    Overlap,
    /// The same story: clusters are built from this relation.
    Story,
    /// One is a copy of the other: what `dedup` removes by.
    Duplicate,
}

/// A linked pair with its exact scores and, when passage detection is on, its alignment.
#[derive(Debug, Clone, PartialEq)]
pub struct VerifiedPair {
    /// First document index.
    pub a: u32,
    /// Second document index.
    pub b: u32,
    /// Exact scores.
    pub scores: Scores,
    /// Why the pair is linked.
    pub linked_by: LinkedBy,
    /// Shared passages (passage detection on).
    pub alignment: Option<Alignment>,
    /// The strongest relation that holds.
    pub relation: Relation,
    /// Why a pair that is a story link on its own is an overlap in a whole-corpus run (roundup
    /// and hub pruning, sparse cuts); `None` for every other pair.
    pub set_aside: Option<SetAside>,
}

/// What set a story link aside, making it an overlap: decisions that need every link of the
/// corpus, which the pair on its own does not show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetAside {
    /// The document of this index is a roundup (a composite: its passages are shared with
    /// several groups of documents that share no passage with each other), and the pair is not
    /// in the one group it joins, if any.
    Roundup(u32),
    /// The document of this index is a hub of boilerplate: its main content is a widely held
    /// passage that unlinked documents carry as a minor part.
    Hub(u32),
    /// The link crosses a sparse cut of a story cluster, which was split there.
    Cut,
}

impl SetAside {
    /// The name reported (`roundup`, `hub`, `cut`).
    pub fn name(self) -> &'static str {
        match self {
            SetAside::Roundup(_) => "roundup",
            SetAside::Hub(_) => "hub",
            SetAside::Cut => "cut",
        }
    }

    /// The roundup or the hub.
    pub fn by(self) -> Option<u32> {
        match self {
            SetAside::Roundup(d) | SetAside::Hub(d) => Some(d),
            SetAside::Cut => None,
        }
    }
}

impl VerifiedPair {
    /// The strength of the link in [0, 1]: the larger of Jaccard and the passage coverage of
    /// the shorter document.
    pub fn score(&self) -> f64 {
        let coverage = self.alignment.as_ref().map_or(0.0, |al| al.coverage_shorter);
        self.scores.jaccard.max(coverage)
    }

    /// Swaps the roles of `a` and `b` (scores and passages follow).
    pub fn swap(&mut self) {
        std::mem::swap(&mut self.a, &mut self.b);
        let s = &mut self.scores;
        std::mem::swap(&mut s.containment_a_in_b, &mut s.containment_b_in_a);
        if let Some(al) = &mut self.alignment {
            std::mem::swap(&mut al.coverage_a, &mut al.coverage_b);
            std::mem::swap(&mut al.own_words_a, &mut al.own_words_b);
            std::mem::swap(&mut al.words_a, &mut al.words_b);
            for p in &mut al.passages {
                std::mem::swap(&mut p.a, &mut p.b);
                std::mem::swap(&mut p.a_tokens, &mut p.b_tokens);
            }
            al.passages.sort_by_key(|p| (p.a, p.b));
        }
    }
}

/// Scores every candidate and keeps those with Jaccard ≥ `threshold`, in candidate order.
pub fn verify(candidates: &[Pair], sets: &[&[u64]], threshold: f64) -> Vec<VerifiedPair> {
    candidates
        .par_iter()
        .filter_map(|&(a, b)| {
            let scores = score(sets[a as usize], sets[b as usize]);
            (scores.jaccard >= threshold).then_some(VerifiedPair {
                a,
                b,
                scores,
                linked_by: LinkedBy::Jaccard,
                alignment: None,
                relation: Relation::Story,
                set_aside: None,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_of_small_sets() {
        let s = score(&[1, 2, 3, 4], &[3, 4, 5, 6, 7, 8]);
        assert_eq!(s.shared, 2);
        assert_eq!(s.jaccard, 2.0 / 8.0);
        assert_eq!(s.containment_a_in_b, 0.5);
        assert_eq!(s.containment_b_in_a, 2.0 / 6.0);
        assert_eq!(score(&[], &[]).jaccard, 0.0);
        assert_eq!(score(&[1], &[1]).jaccard, 1.0);
    }

    #[test]
    fn verify_drops_pairs_below_threshold() {
        let sets: Vec<&[u64]> = vec![&[1, 2, 3], &[1, 2, 3], &[1, 9, 10]];
        let v = verify(&[(0, 1), (0, 2), (1, 2)], &sets, 0.5);
        assert_eq!(v.len(), 1);
        assert_eq!((v[0].a, v[0].b), (0, 1));
    }
}
