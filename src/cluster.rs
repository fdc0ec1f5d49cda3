//! Clusters from verified pairs: a petgraph graph whose nodes are documents and whose edges
//! are verified pairs; clusters are its connected components of two or more documents.
//!
//! Invariants: the clusters depend only on the set of verified pairs, never on input order or
//! thread count. Members are listed by id, clusters by their smallest member id, and cluster
//! ids number clusters in that order, starting at 1.

use crate::verify::VerifiedPair;
use petgraph::graph::UnGraph;
use petgraph::unionfind::UnionFind;
use serde::Serialize;
use std::str::FromStr;

/// Which member of a cluster represents it (and is kept by deduplication).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Keep {
    /// The member that came first in input order.
    #[default]
    First,
    /// The longest member (in characters); ties go to the first in input order.
    Longest,
}

impl FromStr for Keep {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "first" => Ok(Keep::First),
            "longest" => Ok(Keep::Longest),
            _ => Err(format!("unknown keep policy `{s}` (use first or longest)")),
        }
    }
}

/// One cluster of two or more documents.
#[derive(Debug, Clone)]
pub struct Cluster {
    /// 1-based number in output order.
    pub id: usize,
    /// Index of the representative document.
    pub representative: u32,
    /// Member document indices, ordered by document id.
    pub members: Vec<u32>,
    /// The verified pairs inside the cluster, ordered by the two ids.
    pub pairs: Vec<VerifiedPair>,
}

/// What the clusterer needs to know about each document.
pub trait DocKeys {
    /// The document's id (for ordering).
    fn id(&self, doc: u32) -> &str;
    /// The document's length in characters (for `Keep::Longest`).
    fn char_len(&self, doc: u32) -> usize;
}

/// Groups `n` documents linked by `pairs` into clusters.
pub fn cluster<D: DocKeys + ?Sized>(n: usize, pairs: &[VerifiedPair], docs: &D, keep: Keep) -> Vec<Cluster> {
    let mut graph: UnGraph<(), f64, u32> = UnGraph::with_capacity(n, pairs.len());
    for _ in 0..n {
        graph.add_node(());
    }
    for p in pairs {
        graph.add_edge(p.a.into(), p.b.into(), p.scores.jaccard);
    }
    let mut uf: UnionFind<u32> = UnionFind::new(n);
    for e in graph.edge_indices() {
        if let Some((a, b)) = graph.edge_endpoints(e) {
            uf.union(a.index() as u32, b.index() as u32);
        }
    }
    let labels = uf.into_labeling();

    // Group members by component root.
    let mut by_root: std::collections::BTreeMap<u32, Vec<u32>> = Default::default();
    for p in pairs {
        by_root.entry(labels[p.a as usize]).or_default();
    }
    for (doc, &root) in labels.iter().enumerate() {
        if let Some(m) = by_root.get_mut(&root) {
            m.push(doc as u32);
        }
    }
    let mut pairs_by_root: std::collections::BTreeMap<u32, Vec<VerifiedPair>> = Default::default();
    for p in pairs {
        pairs_by_root.entry(labels[p.a as usize]).or_default().push(*p);
    }

    let mut clusters: Vec<Cluster> = by_root
        .into_iter()
        .map(|(root, mut members)| {
            let representative = match keep {
                Keep::First => members[0],
                Keep::Longest => *members
                    .iter()
                    .max_by_key(|&&d| (docs.char_len(d), std::cmp::Reverse(d)))
                    .unwrap_or(&members[0]),
            };
            members.sort_by(|&x, &y| docs.id(x).cmp(docs.id(y)));
            let mut pairs = pairs_by_root.remove(&root).unwrap_or_default();
            for p in &mut pairs {
                if docs.id(p.a) > docs.id(p.b) {
                    std::mem::swap(&mut p.a, &mut p.b);
                    let s = &mut p.scores;
                    std::mem::swap(&mut s.containment_a_in_b, &mut s.containment_b_in_a);
                }
            }
            pairs.sort_by(|p, q| (docs.id(p.a), docs.id(p.b)).cmp(&(docs.id(q.a), docs.id(q.b))));
            Cluster { id: 0, representative, members, pairs }
        })
        .collect();
    clusters.sort_by(|x, y| docs.id(x.members[0]).cmp(docs.id(y.members[0])));
    for (k, c) in clusters.iter_mut().enumerate() {
        c.id = k + 1;
    }
    clusters
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verify::Scores;

    struct Docs(Vec<(&'static str, usize)>);
    impl DocKeys for Docs {
        fn id(&self, d: u32) -> &str {
            self.0[d as usize].0
        }
        fn char_len(&self, d: u32) -> usize {
            self.0[d as usize].1
        }
    }

    fn pair(a: u32, b: u32) -> VerifiedPair {
        let scores = Scores { jaccard: 1.0, containment_a_in_b: 0.25, containment_b_in_a: 0.75, shared: 1 };
        VerifiedPair { a, b, scores }
    }

    #[test]
    fn components_are_ordered_by_smallest_id_and_numbered() {
        let docs = Docs(vec![("d", 1), ("c", 5), ("b", 2), ("a", 9), ("e", 1)]);
        let cl = cluster(5, &[pair(0, 1), pair(2, 3), pair(1, 4)], &docs, Keep::First);
        assert_eq!(cl.len(), 2);
        assert_eq!(cl[0].members, vec![3, 2]); // a, b
        assert_eq!(cl[0].id, 1);
        assert_eq!(cl[0].representative, 2); // b came first in input order
        assert_eq!(cl[1].members, vec![1, 0, 4]); // c, d, e
                                                  // Pairs are re-oriented so that `a` has the smaller id, with containments swapped.
        let p = cl[0].pairs[0];
        assert_eq!((p.a, p.b), (3, 2));
        assert_eq!(p.scores.containment_a_in_b, 0.75);
    }

    #[test]
    fn keep_longest() {
        let docs = Docs(vec![("a", 1), ("b", 5), ("c", 5)]);
        let cl = cluster(3, &[pair(0, 1), pair(1, 2)], &docs, Keep::Longest);
        assert_eq!(cl[0].representative, 1);
    }
}
