//! Story clusters: connected components of the story links, each split where it is two groups
//! held together by a sparse cut.
//!
//! Two stories told with the same formula — a king's departure and, a week later, his arrival,
//! both listing the same delegation; two job announcements of one ministry — are each a dense
//! group of outlets that all link to one another, joined by a few links through the shared
//! formula. The cut between the groups is sparse: few links cross it compared with the links
//! inside the smaller group. A story told by several outlets has no such cut, since its
//! members link to a real share of the cluster.
//!
//! The rule: a component of at least `2 × MIN_SIDE` documents is split at the sweep cut of its
//! Fiedler vector (the eigenvector of the second smallest eigenvalue of the normalized
//! Laplacian, found by power iteration from a fixed start) when the cut's conductance — links
//! crossing it over the link ends on its smaller side — is below [`SPLIT_CONDUCTANCE`], each
//! side has at least [`MIN_SIDE`] documents, and no crossing link is a duplicate or a Jaccard
//! link (those are never cut). Each side is split again the same way, until no such cut is
//! left. Everything is computed per component in a fixed order, so the result never depends
//! on input order or thread count.

use crate::verify::{LinkedBy, Relation, VerifiedPair};
use petgraph::graph::{NodeIndex, UnGraph};
use petgraph::unionfind::UnionFind;
use petgraph::visit::EdgeRef;
use rayon::prelude::*;
use std::collections::BTreeMap;

/// A cut is sparse when fewer than this share of the link ends on its smaller side cross it.
pub const SPLIT_CONDUCTANCE: f64 = 0.1;
/// Documents each side of a cut must have: two documents linked to another group through one
/// link are not a story of their own.
pub const MIN_SIDE: usize = 3;
/// Power iterations for the Fiedler vector (a sweep cut is only taken when its conductance,
/// measured exactly, is below the bound, so an unconverged vector can only miss a cut).
const ITERATIONS: usize = 400;

/// Whether a link may be cut: passage links only (a duplicate or a Jaccard link is the same
/// text, never formula).
fn cuttable(p: &VerifiedPair) -> bool {
    p.relation != Relation::Duplicate && p.linked_by == LinkedBy::Passage
}

/// For every pair of `pairs` (links among `n` documents), whether splitting at sparse cuts
/// removes it.
pub fn sparse_cuts(n: usize, pairs: &[VerifiedPair]) -> Vec<bool> {
    let mut graph: UnGraph<(), usize, u32> = UnGraph::with_capacity(n, pairs.len());
    for _ in 0..n {
        graph.add_node(());
    }
    for (i, p) in pairs.iter().enumerate() {
        graph.add_edge(NodeIndex::new(p.a as usize), NodeIndex::new(p.b as usize), i);
    }
    let mut uf: UnionFind<u32> = UnionFind::new(n);
    for p in pairs {
        uf.union(p.a, p.b);
    }
    let mut components: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
    for p in pairs {
        for d in [p.a, p.b] {
            components.entry(uf.find(d)).or_default().push(d);
        }
    }
    let components: Vec<Vec<u32>> = components
        .into_values()
        .map(|mut m| {
            m.sort_unstable();
            m.dedup();
            m
        })
        .filter(|m| m.len() >= 2 * MIN_SIDE)
        .collect();
    let cut_pairs: Vec<usize> =
        components.par_iter().flat_map_iter(|members| split_component(&graph, pairs, members)).collect();
    let mut cut = vec![false; pairs.len()];
    for i in cut_pairs {
        cut[i] = true;
    }
    cut
}

/// The pairs cut inside one component (members sorted by index).
fn split_component(graph: &UnGraph<(), usize, u32>, pairs: &[VerifiedPair], members: &[u32]) -> Vec<usize> {
    let mut cut: Vec<usize> = Vec::new();
    let mut is_cut = std::collections::HashSet::new();
    let mut stack: Vec<Vec<u32>> = vec![members.to_vec()];
    while let Some(group) = stack.pop() {
        if group.len() < 2 * MIN_SIDE {
            continue;
        }
        let local = Local::new(graph, &group, &is_cut);
        let Some(side) = local.sparse_cut(pairs) else { continue };
        let mut sides: [Vec<u32>; 2] = [Vec::new(), Vec::new()];
        for (i, &d) in group.iter().enumerate() {
            sides[usize::from(!side[i])].push(d);
        }
        for (i, nbrs) in local.adj.iter().enumerate() {
            for &(j, e) in nbrs {
                if i < j && side[i] != side[j] && is_cut.insert(e) {
                    cut.push(e);
                }
            }
        }
        // Each side goes on as its connected pieces.
        for s in sides {
            stack.extend(Local::new(graph, &s, &is_cut).pieces(&s));
        }
    }
    cut.sort_unstable();
    cut
}

/// A group of documents with the links among them that are not cut: local indices follow
/// the group's order.
struct Local {
    /// Neighbours of each member: (local index, pair index), in edge order.
    adj: Vec<Vec<(usize, usize)>>,
}

impl Local {
    fn new(
        graph: &UnGraph<(), usize, u32>,
        group: &[u32],
        is_cut: &std::collections::HashSet<usize>,
    ) -> Local {
        let pos: std::collections::HashMap<u32, usize> =
            group.iter().enumerate().map(|(i, &d)| (d, i)).collect();
        let adj = group
            .iter()
            .map(|&d| {
                let mut nbrs: Vec<(usize, usize)> = graph
                    .edges(NodeIndex::new(d as usize))
                    .filter(|e| !is_cut.contains(e.weight()))
                    .filter_map(|e| {
                        let other = if e.source().index() == d as usize { e.target() } else { e.source() };
                        pos.get(&(other.index() as u32)).map(|&j| (j, *e.weight()))
                    })
                    .collect();
                nbrs.sort_unstable();
                nbrs
            })
            .collect();
        Local { adj }
    }

    /// The connected pieces of the group (as document indices).
    fn pieces(&self, group: &[u32]) -> Vec<Vec<u32>> {
        let mut uf: UnionFind<usize> = UnionFind::new(group.len());
        for (i, nbrs) in self.adj.iter().enumerate() {
            for &(j, _) in nbrs {
                uf.union(i, j);
            }
        }
        let mut by_root: BTreeMap<usize, Vec<u32>> = BTreeMap::new();
        for (i, &d) in group.iter().enumerate() {
            by_root.entry(uf.find(i)).or_default().push(d);
        }
        by_root.into_values().collect()
    }

    /// The side of every member (`true`: the first side) of the sparsest sweep cut of the
    /// Fiedler vector, when it is sparse enough and crosses only cuttable links.
    fn sparse_cut(&self, pairs: &[VerifiedPair]) -> Option<Vec<bool>> {
        let n = self.adj.len();
        let deg: Vec<f64> = self.adj.iter().map(|a| a.len() as f64).collect();
        if deg.contains(&0.0) {
            return None;
        }
        let sq: Vec<f64> = deg.iter().map(|d| d.sqrt()).collect();
        let norm = deg.iter().sum::<f64>().sqrt();
        // The top eigenvector of D^-1/2 A D^-1/2: the Fiedler vector is orthogonal to it.
        let top: Vec<f64> = sq.iter().map(|s| s / norm).collect();
        let deflate = |x: &mut Vec<f64>| {
            let dot: f64 = x.iter().zip(&top).map(|(a, b)| a * b).sum();
            for (v, t) in x.iter_mut().zip(&top) {
                *v -= dot * t;
            }
            let len = x.iter().map(|v| v * v).sum::<f64>().sqrt();
            if len > 0.0 {
                for v in x.iter_mut() {
                    *v /= len;
                }
            }
        };
        // A fixed, spread-out start (Knuth's multiplicative hash of the index).
        let mut x: Vec<f64> =
            (0..n).map(|i| ((i as u64 * 2_654_435_761) % 1000) as f64 / 1000.0 - 0.5).collect();
        deflate(&mut x);
        // Power iteration on (I + D^-1/2 A D^-1/2) / 2, whose spectrum is in [0, 1].
        let mut y = vec![0.0; n];
        for _ in 0..ITERATIONS {
            for i in 0..n {
                let s: f64 = self.adj[i].iter().map(|&(j, _)| x[j] / (sq[i] * sq[j])).sum();
                y[i] = 0.5 * x[i] + 0.5 * s;
            }
            std::mem::swap(&mut x, &mut y);
            deflate(&mut x);
        }
        let f: Vec<f64> = x.iter().zip(&sq).map(|(v, s)| v / s).collect();
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by(|&i, &j| f[i].total_cmp(&f[j]).then(i.cmp(&j)));
        // Sweep: the prefixes of that order, each a candidate side.
        let total: f64 = deg.iter().sum();
        let mut in_side = vec![false; n];
        let (mut crossing, mut volume) = (0i64, 0.0);
        let mut best: Option<(f64, usize)> = None;
        for (k, &i) in order.iter().enumerate().take(n - 1) {
            for &(j, _) in &self.adj[i] {
                crossing += if in_side[j] { -1 } else { 1 };
            }
            in_side[i] = true;
            volume += deg[i];
            let size = k + 1;
            if size >= MIN_SIDE && n - size >= MIN_SIDE {
                let conductance = crossing as f64 / volume.min(total - volume);
                if best.is_none_or(|(c, _)| conductance < c) {
                    best = Some((conductance, size));
                }
            }
        }
        let (conductance, size) = best?;
        if conductance >= SPLIT_CONDUCTANCE {
            return None;
        }
        let mut side = vec![false; n];
        for &i in &order[..size] {
            side[i] = true;
        }
        let all_cuttable = self
            .adj
            .iter()
            .enumerate()
            .all(|(i, nbrs)| nbrs.iter().all(|&(j, e)| side[i] == side[j] || cuttable(&pairs[e])));
        all_cuttable.then_some(side)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verify::Scores;

    fn link(a: u32, b: u32, linked_by: LinkedBy) -> VerifiedPair {
        VerifiedPair {
            a,
            b,
            scores: Scores { jaccard: 0.2, containment_a_in_b: 0.2, containment_b_in_a: 0.2, shared: 10 },
            linked_by,
            alignment: None,
            relation: Relation::Story,
            set_aside: None,
        }
    }

    /// Every pair of `group` linked by passages.
    fn clique(group: std::ops::Range<u32>) -> Vec<VerifiedPair> {
        let g: Vec<u32> = group.collect();
        let mut out = Vec::new();
        for (k, &a) in g.iter().enumerate() {
            for &b in &g[k + 1..] {
                out.push(link(a, b, LinkedBy::Passage));
            }
        }
        out
    }

    fn cut_ends(pairs: &[VerifiedPair], cut: &[bool]) -> Vec<(u32, u32)> {
        pairs.iter().zip(cut).filter(|(_, &c)| c).map(|(p, _)| (p.a, p.b)).collect()
    }

    #[test]
    fn two_dense_groups_joined_by_two_links_are_split_there() {
        // Two cliques of 6 (15 links each) joined by 2 links: conductance 2 / 32 < 0.1.
        let mut pairs = clique(0..6);
        pairs.extend(clique(6..12));
        pairs.push(link(0, 6, LinkedBy::Passage));
        pairs.push(link(1, 7, LinkedBy::Passage));
        let cut = sparse_cuts(12, &pairs);
        assert_eq!(cut_ends(&pairs, &cut), vec![(0, 6), (1, 7)]);
    }

    #[test]
    fn a_dense_story_is_never_split() {
        let pairs = clique(0..12);
        assert!(sparse_cuts(12, &pairs).iter().all(|&c| !c));
    }

    #[test]
    fn a_jaccard_or_duplicate_link_is_never_cut() {
        for by in [LinkedBy::Jaccard, LinkedBy::Both] {
            let mut pairs = clique(0..6);
            pairs.extend(clique(6..12));
            pairs.push(link(0, 6, by));
            assert!(sparse_cuts(12, &pairs).iter().all(|&c| !c), "{by:?}");
        }
        let mut pairs = clique(0..6);
        pairs.extend(clique(6..12));
        pairs.push(VerifiedPair { relation: Relation::Duplicate, ..link(0, 6, LinkedBy::Passage) });
        assert!(sparse_cuts(12, &pairs).iter().all(|&c| !c));
    }

    #[test]
    fn small_groups_and_stars_are_left_alone() {
        // Two triangles joined by one link: 6 documents, conductance 1 / 7 ≥ 0.1.
        let mut pairs = clique(0..3);
        pairs.extend(clique(3..6));
        pairs.push(link(0, 3, LinkedBy::Passage));
        assert!(sparse_cuts(6, &pairs).iter().all(|&c| !c));
        // A wire story and its twenty reprints, each linked only to the wire.
        let star: Vec<VerifiedPair> = (1..=20).map(|b| link(0, b, LinkedBy::Passage)).collect();
        assert!(sparse_cuts(21, &star).iter().all(|&c| !c));
    }

    #[test]
    fn three_groups_in_a_row_are_split_into_three() {
        let mut pairs = clique(0..6);
        pairs.extend(clique(6..12));
        pairs.extend(clique(12..18));
        pairs.push(link(5, 6, LinkedBy::Passage));
        pairs.push(link(11, 12, LinkedBy::Passage));
        let cut = sparse_cuts(18, &pairs);
        assert_eq!(cut_ends(&pairs, &cut), vec![(5, 6), (11, 12)]);
    }

    #[test]
    fn the_cut_does_not_depend_on_document_numbering() {
        // The same graph with documents renumbered in reverse: the same links are cut.
        let mut pairs = clique(0..7);
        pairs.extend(clique(7..13));
        pairs.push(link(2, 9, LinkedBy::Passage));
        let cut = sparse_cuts(13, &pairs);
        let rev: Vec<VerifiedPair> =
            pairs.iter().map(|p| link(12 - p.b, 12 - p.a, LinkedBy::Passage)).collect();
        let cut_rev = sparse_cuts(13, &rev);
        assert_eq!(cut_ends(&pairs, &cut), vec![(2, 9)]);
        assert_eq!(cut_ends(&rev, &cut_rev), vec![(3, 10)]);
    }
}
