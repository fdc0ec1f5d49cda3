//! Clusters from linked pairs: a petgraph graph whose nodes are documents and whose edges
//! are linked pairs; clusters are its connected components of two or more documents, split at
//! sparse cuts ([`ClusterMethod::Stories`], the default) or not
//! ([`ClusterMethod::Components`]), or stars around centers ([`ClusterMethod::Center`]), with
//! cohesion diagnostics that expose chaining.
//!
//! Invariants: the clusters depend only on the set of verified pairs, never on input order or
//! thread count. Members are listed by id, clusters by their smallest member id, and cluster
//! ids number clusters in that order, starting at 1.

pub mod split;

use crate::verify::{score, VerifiedPair};
use petgraph::algo::bridges::bridges;
use petgraph::graph::UnGraph;
use petgraph::unionfind::UnionFind;
use petgraph::visit::EdgeRef;
use serde::Serialize;
use std::collections::{BTreeMap, HashSet};
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
    /// The shortest member (in characters); ties go to the first in input order.
    Shortest,
    /// The member with the smallest value of the key field (`earliest:FIELD`, e.g. a date);
    /// members without the field come last; ties go to the first in input order.
    Earliest,
    /// The member with the largest value of the key field (`latest:FIELD`).
    Latest,
}

impl Keep {
    /// The policy's name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Keep::First => "first",
            Keep::Longest => "longest",
            Keep::Shortest => "shortest",
            Keep::Earliest => "earliest",
            Keep::Latest => "latest",
        }
    }

    /// Whether the policy reads a key field of the records.
    pub fn needs_key(self) -> bool {
        matches!(self, Keep::Earliest | Keep::Latest)
    }
}

impl FromStr for Keep {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "first" => Ok(Keep::First),
            "longest" => Ok(Keep::Longest),
            "shortest" => Ok(Keep::Shortest),
            "earliest" => Ok(Keep::Earliest),
            "latest" => Ok(Keep::Latest),
            _ => Err(format!(
                "unknown keep policy `{s}` (use first, longest, shortest, earliest:FIELD or latest:FIELD)"
            )),
        }
    }
}

/// Compares two key values: numerically when both are numbers, else as strings (ISO dates
/// order correctly as strings).
pub fn compare_keys(a: &str, b: &str) -> std::cmp::Ordering {
    match (a.trim().parse::<f64>(), b.trim().parse::<f64>()) {
        (Ok(x), Ok(y)) => x.total_cmp(&y),
        _ => a.cmp(b),
    }
}

/// How verified pairs become clusters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ClusterMethod {
    /// Story clusters: connected components of the links, each split where it is two groups
    /// held together by a sparse cut of passage links ([`split`]).
    #[default]
    Stories,
    /// Connected components: every chain of links joins one cluster (A~B~C even when A and C
    /// share nothing). Nothing linked is ever split.
    Components,
    /// Star clustering around centers (CENTER, Haveliwala et al. 2000): links are taken from
    /// the strongest down; a document joins the first center it is linked to, and a link
    /// between two unassigned documents makes one of them (chosen by `--keep`) a center.
    /// Every member is linked directly to its center, so clusters never chain.
    Center,
}

impl FromStr for ClusterMethod {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "stories" => Ok(ClusterMethod::Stories),
            "components" => Ok(ClusterMethod::Components),
            "center" => Ok(ClusterMethod::Center),
            _ => Err(format!("unknown cluster method `{s}` (use stories, components or center)")),
        }
    }
}

/// How tightly a cluster holds together: the diagnostics for chaining.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cohesion {
    /// Member pairs whose shingle sets were compared exactly (all pairs up to
    /// [`MAX_COMPARED_MEMBERS`] members, else only the linked ones).
    pub compared_pairs: usize,
    /// Smallest Jaccard similarity among the compared member pairs.
    pub min_jaccard: f64,
    /// Smallest link score (the larger of Jaccard and passage coverage) among linked pairs.
    pub min_link_score: f64,
    /// Member pairs that are linked directly.
    pub linked_pairs: usize,
    /// Member pairs that are not linked directly (together only through others).
    pub unlinked_pairs: usize,
    /// Links whose removal would split the cluster (for clusters of 3 or more), as document
    /// indices.
    #[serde(skip)]
    pub bridges: Vec<(u32, u32)>,
}

/// Clusters larger than this compare only their linked pairs for [`Cohesion::min_jaccard`].
pub const MAX_COMPARED_MEMBERS: usize = 64;

/// One cluster of two or more documents.
#[derive(Debug, Clone)]
pub struct Cluster {
    /// 1-based number in output order.
    pub id: usize,
    /// Index of the representative document.
    pub representative: u32,
    /// Member document indices, ordered by document id.
    pub members: Vec<u32>,
    /// The linked pairs inside the cluster, ordered by the two ids (`a` before `b`).
    pub pairs: Vec<VerifiedPair>,
    /// Chaining diagnostics.
    pub cohesion: Cohesion,
}

/// What the clusterer needs to know about each document.
pub trait DocKeys {
    /// The document's id (for ordering).
    fn id(&self, doc: u32) -> &str;
    /// The document's length in characters (for `Keep::Longest`).
    fn char_len(&self, doc: u32) -> usize;
    /// The document's sorted shingle set (for cohesion).
    fn shingles(&self, doc: u32) -> &[u64];
    /// The document's key-field value (for `Keep::Earliest` / `Keep::Latest`).
    fn key(&self, _doc: u32) -> Option<&str> {
        None
    }
}

/// Groups `n` documents linked by `pairs` into clusters: [`group`], then [`Grouped::cohere`].
pub fn cluster<D: DocKeys + Sync + ?Sized>(
    n: usize,
    pairs: &[VerifiedPair],
    docs: &D,
    keep: Keep,
    method: ClusterMethod,
) -> Vec<Cluster> {
    group(n, pairs, docs, keep, method).cohere(docs)
}

/// Clusters whose cohesion has yet to compare the member pairs that are not linked directly
/// ([`Grouped::compared`] names the documents whose shingle sets that reads); the linked pairs
/// are scored already (their Jaccard similarity is the link's).
#[derive(Debug)]
pub struct Grouped(Vec<Cluster>);

impl Grouped {
    /// Marks, of `n` documents, those whose shingle sets [`Grouped::cohere`] reads: the members
    /// of clusters of at most [`MAX_COMPARED_MEMBERS`] with a member pair not linked directly.
    pub fn compared(&self, n: usize) -> Vec<bool> {
        let mut on = vec![false; n];
        for c in self.0.iter().filter(|c| compares_unlinked(c)) {
            c.members.iter().for_each(|&d| on[d as usize] = true);
        }
        on
    }

    /// The clusters, their cohesion complete: the member pairs not linked directly compared by
    /// their shingle sets (in clusters of at most [`MAX_COMPARED_MEMBERS`]).
    pub fn cohere<D: DocKeys + Sync + ?Sized>(self, docs: &D) -> Vec<Cluster> {
        use rayon::prelude::*;
        let mut clusters = self.0;
        clusters.par_iter_mut().filter(|c| compares_unlinked(c)).for_each(|c| {
            let linked: HashSet<(u32, u32)> = c.pairs.iter().map(|p| (p.a.min(p.b), p.a.max(p.b))).collect();
            let mut min = c.cohesion.min_jaccard;
            for (k, &x) in c.members.iter().enumerate() {
                for &y in &c.members[k + 1..] {
                    if !linked.contains(&(x.min(y), x.max(y))) {
                        min = min.min(score(docs.shingles(x), docs.shingles(y)).jaccard);
                    }
                }
            }
            c.cohesion.min_jaccard = min;
        });
        clusters
    }
}

/// Whether [`Grouped::cohere`] compares member pairs of `c` by their shingle sets.
fn compares_unlinked(c: &Cluster) -> bool {
    c.members.len() <= MAX_COMPARED_MEMBERS && c.cohesion.unlinked_pairs > 0
}

/// Groups `n` documents linked by `pairs` into clusters, each with the cohesion of its linked
/// pairs: see [`Grouped`].
pub fn group<D: DocKeys + ?Sized>(
    n: usize,
    pairs: &[VerifiedPair],
    docs: &D,
    keep: Keep,
    method: ClusterMethod,
) -> Grouped {
    let kept: Vec<VerifiedPair>;
    let pairs = match method {
        ClusterMethod::Stories => {
            let cut = split::sparse_cuts(n, pairs);
            kept = pairs.iter().zip(&cut).filter(|(_, &c)| !c).map(|(p, _)| p.clone()).collect();
            &kept[..]
        }
        _ => pairs,
    };
    let labels = match method {
        ClusterMethod::Stories | ClusterMethod::Components => components(n, pairs),
        ClusterMethod::Center => centers(n, pairs, docs, keep),
    };
    // Members and pairs by label; documents in no cluster carry `u32::MAX`.
    let mut by_label: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
    for (doc, &label) in labels.iter().enumerate() {
        if label != u32::MAX {
            by_label.entry(label).or_default().push(doc as u32);
        }
    }
    let mut pairs_by_label: BTreeMap<u32, Vec<VerifiedPair>> = BTreeMap::new();
    for p in pairs {
        let (la, lb) = (labels[p.a as usize], labels[p.b as usize]);
        if la == lb && la != u32::MAX {
            pairs_by_label.entry(la).or_default().push(p.clone());
        }
    }
    let bridges = bridge_set(n, pairs);

    let mut clusters: Vec<Cluster> = by_label
        .into_iter()
        .filter(|(_, members)| members.len() >= 2)
        .map(|(label, mut members)| {
            let representative = match method {
                ClusterMethod::Center => label,
                ClusterMethod::Stories | ClusterMethod::Components => pick(&members, docs, keep),
            };
            members.sort_by(|&x, &y| docs.id(x).cmp(docs.id(y)));
            let mut pairs = pairs_by_label.remove(&label).unwrap_or_default();
            for p in &mut pairs {
                if docs.id(p.a) > docs.id(p.b) {
                    p.swap();
                }
            }
            pairs.sort_by(|p, q| (docs.id(p.a), docs.id(p.b)).cmp(&(docs.id(q.a), docs.id(q.b))));
            let cohesion = cohesion(members.len(), &pairs, &bridges);
            Cluster { id: 0, representative, members, pairs, cohesion }
        })
        .collect();
    clusters.sort_by(|x, y| docs.id(x.members[0]).cmp(docs.id(y.members[0])));
    for (k, c) in clusters.iter_mut().enumerate() {
        c.id = k + 1;
    }
    Grouped(clusters)
}

/// How `keep` orders two documents: `Less` when `x` is preferred. Ties go to the smaller
/// index (first in input order), so the order never depends on iteration order.
pub fn keep_cmp<D: DocKeys + ?Sized>(x: u32, y: u32, docs: &D, keep: Keep) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    let ord = match keep {
        Keep::First => Ordering::Equal,
        Keep::Longest => docs.char_len(y).cmp(&docs.char_len(x)),
        Keep::Shortest => docs.char_len(x).cmp(&docs.char_len(y)),
        Keep::Earliest | Keep::Latest => match (docs.key(x), docs.key(y)) {
            (Some(a), Some(b)) => {
                let o = compare_keys(a, b);
                if keep == Keep::Earliest {
                    o
                } else {
                    o.reverse()
                }
            }
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        },
    };
    ord.then(x.cmp(&y))
}

/// The representative among `members` under `keep`.
pub fn pick<D: DocKeys + ?Sized>(members: &[u32], docs: &D, keep: Keep) -> u32 {
    members.iter().copied().min_by(|&x, &y| keep_cmp(x, y, docs, keep)).unwrap_or(0)
}

/// Component label (root) of every document in a petgraph graph of the links; unlinked
/// documents get `u32::MAX`.
fn components(n: usize, pairs: &[VerifiedPair]) -> Vec<u32> {
    let graph = graph(n, pairs);
    let mut uf: UnionFind<u32> = UnionFind::new(n);
    let mut linked = vec![false; n];
    for e in graph.edge_indices() {
        if let Some((a, b)) = graph.edge_endpoints(e) {
            uf.union(a.index() as u32, b.index() as u32);
            linked[a.index()] = true;
            linked[b.index()] = true;
        }
    }
    uf.into_labeling().into_iter().zip(linked).map(|(l, on)| if on { l } else { u32::MAX }).collect()
}

/// Center label of every document (the center's own index); unassigned documents get
/// `u32::MAX`.
fn centers<D: DocKeys + ?Sized>(n: usize, pairs: &[VerifiedPair], docs: &D, keep: Keep) -> Vec<u32> {
    let mut order: Vec<&VerifiedPair> = pairs.iter().collect();
    order.sort_by(|p, q| {
        let key = |p: &VerifiedPair| {
            let (x, y) = (docs.id(p.a), docs.id(p.b));
            if x <= y {
                (x, y)
            } else {
                (y, x)
            }
        };
        q.score().total_cmp(&p.score()).then_with(|| key(p).cmp(&key(q)))
    });
    let mut label = vec![u32::MAX; n];
    let mut is_center = vec![false; n];
    for p in order {
        let (a, b) = (p.a as usize, p.b as usize);
        match (label[a] == u32::MAX, label[b] == u32::MAX) {
            (true, true) => {
                let c = pick(&[p.a, p.b], docs, keep);
                label[a] = c;
                label[b] = c;
                is_center[c as usize] = true;
            }
            (true, false) if is_center[b] => label[a] = p.b,
            (false, true) if is_center[a] => label[b] = p.a,
            _ => {}
        }
    }
    label
}

fn graph(n: usize, pairs: &[VerifiedPair]) -> UnGraph<(), (), u32> {
    let mut graph: UnGraph<(), (), u32> = UnGraph::with_capacity(n, pairs.len());
    for _ in 0..n {
        graph.add_node(());
    }
    for p in pairs {
        graph.add_edge(p.a.into(), p.b.into(), ());
    }
    graph
}

/// Every bridge of the link graph, as ordered index pairs.
fn bridge_set(n: usize, pairs: &[VerifiedPair]) -> HashSet<(u32, u32)> {
    let graph = graph(n, pairs);
    bridges(&graph)
        .map(|e| {
            let (a, b) = (e.source().index() as u32, e.target().index() as u32);
            (a.min(b), a.max(b))
        })
        .collect()
}

/// The cohesion of a cluster of `members` documents linked by `pairs`, every member pair compared
/// that is linked (their Jaccard similarity is the link's); [`Grouped::cohere`] compares the
/// rest in clusters of at most [`MAX_COMPARED_MEMBERS`].
fn cohesion(members: usize, pairs: &[VerifiedPair], bridges: &HashSet<(u32, u32)>) -> Cohesion {
    let total = members * (members - 1) / 2;
    let linked = pairs.len();
    let min_link_score = pairs.iter().map(VerifiedPair::score).fold(f64::INFINITY, f64::min);
    let min_jaccard = pairs.iter().map(|p| p.scores.jaccard).fold(f64::INFINITY, f64::min);
    let compared_pairs = if members <= MAX_COMPARED_MEMBERS { total } else { linked };
    let bridges = if members >= 3 {
        pairs.iter().filter(|p| bridges.contains(&(p.a.min(p.b), p.a.max(p.b)))).map(|p| (p.a, p.b)).collect()
    } else {
        Vec::new()
    };
    Cohesion {
        compared_pairs,
        min_jaccard: if min_jaccard.is_finite() { min_jaccard } else { 0.0 },
        min_link_score: if min_link_score.is_finite() { min_link_score } else { 0.0 },
        linked_pairs: linked,
        unlinked_pairs: total - linked,
        bridges,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verify::{LinkedBy, Scores};

    struct Docs(Vec<(&'static str, usize, Vec<u64>)>);
    impl DocKeys for Docs {
        fn id(&self, d: u32) -> &str {
            self.0[d as usize].0
        }
        fn char_len(&self, d: u32) -> usize {
            self.0[d as usize].1
        }
        fn shingles(&self, d: u32) -> &[u64] {
            &self.0[d as usize].2
        }
    }

    fn docs(v: &[(&'static str, usize)]) -> Docs {
        Docs(v.iter().enumerate().map(|(i, &(id, len))| (id, len, vec![i as u64, 100])).collect())
    }

    fn pair_scored(a: u32, b: u32, jaccard: f64) -> VerifiedPair {
        let scores = Scores { jaccard, containment_a_in_b: 0.25, containment_b_in_a: 0.75, shared: 1 };
        VerifiedPair {
            a,
            b,
            scores,
            linked_by: LinkedBy::Jaccard,
            alignment: None,
            relation: crate::verify::Relation::Story,
            set_aside: None,
        }
    }

    fn pair(a: u32, b: u32) -> VerifiedPair {
        pair_scored(a, b, 1.0)
    }

    #[test]
    fn components_are_ordered_by_smallest_id_and_numbered() {
        let docs = docs(&[("d", 1), ("c", 5), ("b", 2), ("a", 9), ("e", 1)]);
        let cl =
            cluster(5, &[pair(0, 1), pair(2, 3), pair(1, 4)], &docs, Keep::First, ClusterMethod::Components);
        assert_eq!(cl.len(), 2);
        assert_eq!(cl[0].members, vec![3, 2]); // a, b
        assert_eq!(cl[0].id, 1);
        assert_eq!(cl[0].representative, 2); // b came first in input order
        assert_eq!(cl[1].members, vec![1, 0, 4]); // c, d, e
                                                  // Pairs are re-oriented so that `a` has the smaller id, with containments swapped.
        let p = &cl[0].pairs[0];
        assert_eq!((p.a, p.b), (3, 2));
        assert_eq!(p.scores.containment_a_in_b, 0.75);
    }

    #[test]
    fn keep_policies() {
        struct Keyed(Vec<(usize, Option<&'static str>)>);
        impl DocKeys for Keyed {
            fn id(&self, _: u32) -> &str {
                ""
            }
            fn char_len(&self, d: u32) -> usize {
                self.0[d as usize].0
            }
            fn shingles(&self, _: u32) -> &[u64] {
                &[]
            }
            fn key(&self, d: u32) -> Option<&str> {
                self.0[d as usize].1
            }
        }
        let docs =
            Keyed(vec![(5, Some("2015-08-02")), (9, None), (2, Some("2015-07-30")), (9, Some("2015-07-30"))]);
        let all = [0, 1, 2, 3];
        assert_eq!(pick(&all, &docs, Keep::First), 0);
        assert_eq!(pick(&all, &docs, Keep::Longest), 1);
        assert_eq!(pick(&all, &docs, Keep::Shortest), 2);
        assert_eq!(pick(&all, &docs, Keep::Earliest), 2, "ties go to input order");
        assert_eq!(pick(&all, &docs, Keep::Latest), 0, "documents without the key never win");
        let nums = Keyed(vec![(1, Some("10")), (1, Some("9"))]);
        assert_eq!(pick(&[0, 1], &nums, Keep::Earliest), 1, "numbers compare as numbers");
    }

    #[test]
    fn keep_longest() {
        let docs = docs(&[("a", 1), ("b", 5), ("c", 5)]);
        let cl = cluster(3, &[pair(0, 1), pair(1, 2)], &docs, Keep::Longest, ClusterMethod::Components);
        assert_eq!(cl[0].representative, 1);
    }

    #[test]
    fn cohesion_exposes_a_chain() {
        // a~b~c: a and c are not linked; both links are bridges; a and c share only one
        // shingle of three, a and b one of two.
        let docs = Docs(vec![("a", 1, vec![1, 2]), ("b", 1, vec![2]), ("c", 1, vec![2, 3])]);
        let cl = cluster(
            3,
            &[pair_scored(0, 1, 0.5), pair_scored(1, 2, 0.5)],
            &docs,
            Keep::First,
            ClusterMethod::Components,
        );
        let c = &cl[0].cohesion;
        assert_eq!((c.compared_pairs, c.linked_pairs, c.unlinked_pairs), (3, 2, 1));
        assert_eq!(c.bridges.len(), 2);
        assert_eq!(c.min_link_score, 0.5);
        assert!((c.min_jaccard - 1.0 / 3.0).abs() < 1e-9);
    }

    /// Documents whose shingle sets may not be read: reading one panics.
    struct Sealed<'a> {
        docs: &'a Docs,
        open: Vec<bool>,
    }
    impl DocKeys for Sealed<'_> {
        fn id(&self, d: u32) -> &str {
            self.docs.id(d)
        }
        fn char_len(&self, d: u32) -> usize {
            self.docs.char_len(d)
        }
        fn shingles(&self, d: u32) -> &[u64] {
            assert!(self.open[d as usize], "the set of document {d} was read, but not named");
            self.docs.shingles(d)
        }
    }

    proptest::proptest! {
        /// Cohesion compares every member pair of a small cluster by its shingle sets, the
        /// linked ones through their links' scores: the same minimum as comparing them all,
        /// reading the sets of the documents [`Grouped::compared`] names and no others.
        #[test]
        fn cohesion_reads_the_sets_it_names_and_equals_comparing_every_member_pair(
            sets in proptest::collection::vec(proptest::collection::btree_set(0u64..12, 1..6), 2..12),
            edges in proptest::collection::vec((0usize..12, 0usize..12), 0..20),
        ) {
            let n = sets.len();
            let ids: Vec<&'static str> = (0..n).map(|i| &*format!("d{i:02}").leak()).collect();
            let docs = Docs((0..n).map(|i| (ids[i], 1, sets[i].iter().copied().collect())).collect());
            let mut links = Vec::new();
            for (a, b) in edges.into_iter().map(|(a, b)| (a % n, b % n)).filter(|(a, b)| a < b) {
                if !links.iter().any(|p: &VerifiedPair| (p.a as usize, p.b as usize) == (a, b)) {
                    let j = score(docs.shingles(a as u32), docs.shingles(b as u32)).jaccard;
                    links.push(pair_scored(a as u32, b as u32, j));
                }
            }
            let grouped = group(n, &links, &docs, Keep::First, ClusterMethod::Components);
            let open = grouped.compared(n);
            for c in grouped.cohere(&Sealed { docs: &docs, open }) {
                let mut min = f64::INFINITY;
                for (k, &x) in c.members.iter().enumerate() {
                    for &y in &c.members[k + 1..] {
                        min = min.min(score(docs.shingles(x), docs.shingles(y)).jaccard);
                    }
                }
                proptest::prop_assert_eq!(c.cohesion.min_jaccard, min);
                proptest::prop_assert_eq!(c.cohesion.compared_pairs, c.members.len() * (c.members.len() - 1) / 2);
            }
        }
    }

    #[test]
    fn center_clustering_does_not_chain() {
        // a~b strong, b~c weaker, c~d strong: stars {a,b} and {c,d}, not one chain.
        let docs = docs(&[("a", 1), ("b", 1), ("c", 1), ("d", 1)]);
        let links = [pair_scored(0, 1, 0.9), pair_scored(1, 2, 0.6), pair_scored(2, 3, 0.8)];
        let comp = cluster(4, &links, &docs, Keep::First, ClusterMethod::Components);
        assert_eq!(comp.len(), 1);
        let star = cluster(4, &links, &docs, Keep::First, ClusterMethod::Center);
        assert_eq!(star.iter().map(|c| c.members.clone()).collect::<Vec<_>>(), vec![vec![0, 1], vec![2, 3]]);
        assert!(star.iter().all(|c| c.cohesion.unlinked_pairs == 0));
        // A document linked to a center joins it.
        let links = [pair_scored(0, 1, 0.9), pair_scored(0, 2, 0.6)];
        let star = cluster(4, &links, &docs, Keep::First, ClusterMethod::Center);
        assert_eq!(star[0].members, vec![0, 1, 2]);
        assert_eq!(star[0].representative, 0);
    }
}
