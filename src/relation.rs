//! The three relations two documents can have, decided from the same candidates and
//! alignments (no second pass over the corpus):
//!
//! * **overlap**: they share at least one passage of `--min-passage` words, whatever its share
//!   of either document. Every such pair is reported (`overlaps.jsonl`).
//! * **story**: the relation clusters are built from. A pair is a story link when its exact Jaccard
//!   reaches `--threshold`, or when its *specific* passages cover at least `--min-coverage` of
//!   **each** document. A passage is specific (rare) when its text is held by at most half of
//!   `--max-family` documents (its family: the 75th percentile of the document frequencies of its
//!   winnowing fingerprints); a passage held by more than `--max-family` is formula, boilerplate or
//!   template text, which shows as an overlap but never makes a story. Between the two, a passage
//!   held by more than half of `--max-family` documents (a widely reprinted wire story, or a common
//!   formula) counts only when it is the main content (half or more) of one of the two. A document
//!   that lies inside the other (`--min-covered` of it in rare passages) is the same story too.
//!   Then composites are pruned ([`prune_composites`]): a document whose passages are shared with
//!   two or more groups of documents that share no specific passage with each other (no story link,
//!   no overlap through a rare passage), in different regions of it (a roundup of several stories),
//!   keeps its passage links to one group only: the one covering most of it, when that is its main
//!   content or a document that lies wholly inside it. Hubs of boilerplate are pruned too (by
//!   [`prune_composites`]): a document whose main content is a passage held by more than half of
//!   `--max-family` documents, linked through it to at least a quarter of `--max-family` documents
//!   that carry it as a minor part and of which no two are linked, loses those links. Jaccard links
//!   are never pruned.
//! * **duplicate**: what `dedup` removes by. Document `d` is a duplicate of `k` when they are a
//!   story link, fewer than `1 − --min-covered` of `d`'s words are its own (in no shingle
//!   shared with `k`), no figure of one is replaced by another in the other (an edit of at most
//!   `--max-gap` words between two stretches they share, or before the first or after the last
//!   where both documents begin or end, holding numbers on both sides whose digits differ:
//!   [`crate::overlap::Figures`]), and either their Jaccard reaches
//!   `--threshold` or at least `--min-covered` of `d`'s words lie inside passages shared with
//!   `k`. With `--threshold 1` only documents whose shingle sets are equal are duplicates.
//!   Without passage detection the share of `d`'s own words is estimated by its shingle
//!   containment in `k`, and figures are not compared.
//!
//! A pair carries the strongest relation that holds. Invariant: the relations depend only on
//! the two documents, the document frequencies of their fingerprints and the set of candidate
//! pairs, never on input order or thread count (composites are grouped in id order).

use crate::lsh::winnow;
use crate::overlap::{Passage, Sequence};
use crate::verify::{Relation, SetAside, VerifiedPair};
use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// Default share of a document's words that must lie inside passages shared with the kept
/// document for it to be removed as a duplicate (and the most of its words it may have of its
/// own is the rest).
pub const DEFAULT_MIN_COVERED: f64 = 0.8;
/// Default largest family (documents holding the passage's text) of a passage that can make
/// a story link.
pub const DEFAULT_MAX_FAMILY: usize = 20;
/// A Jaccard link needs at least this Jaccard of the two documents' specific fingerprints
/// (those held by at most `--max-family` documents): two cables of one template to different
/// countries share the template, not the names that make each its own event.
pub const MIN_SPECIFIC_JACCARD: f64 = 0.2;

/// A document's winnowing fingerprints, as the relation rules read them.
#[derive(Debug, Clone, Default)]
pub struct Fingerprints {
    /// `(position, document frequency)` of every selected position, increasing.
    pub by_position: Vec<(u32, u32)>,
    /// The hashes of those held by at most `--max-family` documents, sorted, deduplicated.
    pub specific: Vec<u64>,
}

impl Fingerprints {
    /// The fingerprints of a document whose shingle hashes (in order) are `hashes`.
    pub fn new(hashes: &[u64], df: &winnow::DocFrequency, window: usize, max_family: usize) -> Self {
        let by_position = df.by_position(hashes, window);
        let mut specific: Vec<u64> = by_position
            .iter()
            .filter(|&&(_, d)| d as usize <= max_family)
            .map(|&(p, _)| hashes[p as usize])
            .collect();
        specific.sort_unstable();
        specific.dedup();
        Fingerprints { by_position, specific }
    }
}

/// Two neighbours of a document share its region when their passages in it overlap by at
/// least this share of the smaller.
const SAME_REGION: f64 = 0.5;
/// The share of a document that is its main content: a passage held by more than half of
/// `--max-family` documents makes a story link only when it covers this much of one of the
/// two; a composite document keeps its links to one group only when that group's passages
/// cover this much of it.
const MAIN_CONTENT: f64 = 0.5;

/// Token ranges `[first, last)` of passages in one document.
type Ranges = Vec<(u32, u32)>;

/// The rules' parameters.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RelationConfig {
    /// Jaccard that makes a story link (and, with little of its own, a duplicate).
    pub threshold: f64,
    /// Share of each document its specific passages must cover for a story link.
    pub min_coverage: f64,
    /// Largest family of a specific passage.
    pub max_family: usize,
    /// Share of a duplicate's words inside passages shared with the kept document.
    pub min_covered: f64,
    /// Whether a pair that puts another figure in the same words is never a duplicate (on
    /// unless `--ignore-figures`).
    pub figures: bool,
}

/// An aligned pair with what the rules read.
#[derive(Debug, Clone)]
pub struct PairFacts {
    /// The pair, its scores and its alignment; `relation` is decided by [`classify`].
    pub pair: VerifiedPair,
    /// Family size of each passage of the alignment, in its order.
    pub families: Vec<u32>,
    /// Jaccard of the two documents' specific fingerprints (held by at most `--max-family`
    /// documents); 1 when neither has any.
    pub specific_jaccard: f64,
}

impl PairFacts {
    /// Measures the families of the pair's passages; `fps` are the documents' fingerprints by
    /// position ([`winnow::DocFrequency::by_position`]).
    pub fn new(
        pair: VerifiedPair,
        seqs: (&Sequence, &Sequence),
        fps: (&Fingerprints, &Fingerprints),
    ) -> Self {
        let families = pair.alignment.as_ref().map_or_else(Vec::new, |al| {
            al.passages
                .iter()
                .map(|p| {
                    let (s, e) = seqs.0.shingles_within(p.a_tokens);
                    let (t, f) = seqs.1.shingles_within(p.b_tokens);
                    winnow::family(&fps.0.by_position, s, e).max(winnow::family(&fps.1.by_position, t, f))
                })
                .collect()
        });
        let (x, y) = (&fps.0.specific, &fps.1.specific);
        let specific_jaccard = if x.is_empty() && y.is_empty() {
            1.0
        } else {
            let shared = crate::verify::intersection_size(x, y);
            shared as f64 / (x.len() + y.len() - shared) as f64
        };
        PairFacts { pair, families, specific_jaccard }
    }

    /// Whether the pair is a story link by Jaccard: the threshold reached, and their specific
    /// content shared too.
    pub fn by_jaccard(&self, config: &RelationConfig) -> bool {
        let s = &self.pair.scores;
        s.jaccard >= config.threshold && s.shared > 0 && self.specific_jaccard >= MIN_SPECIFIC_JACCARD
    }

    /// The passages held by at most `max` documents.
    fn held_by<'a>(&'a self, max: usize) -> impl Iterator<Item = &'a Passage> + 'a {
        let passages = self.pair.alignment.as_ref().map_or(&[][..], |al| &al.passages[..]);
        passages.iter().zip(&self.families).filter(move |(_, &f)| f as usize <= max).map(|(p, _)| p)
    }

    /// Shares of A's and B's words inside passages held by at most `max` documents.
    fn coverage(&self, max: usize) -> (f64, f64) {
        let Some(al) = &self.pair.alignment else { return (0.0, 0.0) };
        let (mut ca, mut cb) = (0usize, 0usize);
        for p in self.held_by(max) {
            ca += (p.a_tokens.1 - p.a_tokens.0) as usize;
            cb += (p.b_tokens.1 - p.b_tokens.0) as usize;
        }
        (share(ca, al.words_a), share(cb, al.words_b))
    }

    /// The regions (token ranges) in A and in B of the passages held by at most `max`.
    fn regions(&self, max: usize) -> (Ranges, Ranges) {
        self.held_by(max).map(|p| (p.a_tokens, p.b_tokens)).unzip()
    }

    /// Whether the pair is a story link only through passages held by more than half of
    /// `--max-family` documents, one document's main content (no Jaccard, no rare passages).
    pub fn by_wide_passages(&self, config: &RelationConfig) -> bool {
        !self.by_jaccard(config) && self.story_passages(config) == Some(config.max_family)
    }

    /// How the passages make a story link, if they do: `Some(max)`, the largest family of
    /// the passages that count.
    fn story_passages(&self, config: &RelationConfig) -> Option<usize> {
        let few = config.max_family / 2;
        let (ra, rb) = self.coverage(few);
        let rare = self.held_by(few).next().is_some();
        if rare && (ra.min(rb) >= config.min_coverage || ra.max(rb) >= config.min_covered) {
            return Some(few);
        }
        let (wa, wb) = self.coverage(config.max_family);
        let wide = self.held_by(config.max_family).next().is_some();
        (wide && wa.max(wb) >= MAIN_CONTENT && wa.min(wb) >= config.min_coverage).then_some(config.max_family)
    }
}

fn share(n: usize, d: usize) -> f64 {
    if d == 0 {
        0.0
    } else {
        n as f64 / d as f64
    }
}

/// Whether the `a` side (`removed_is_a`) or the `b` side of `p` is a duplicate of the other
/// under `config` (story link assumed).
pub fn is_duplicate(p: &VerifiedPair, removed_is_a: bool, config: &RelationConfig) -> bool {
    let s = &p.scores;
    let by_jaccard = s.jaccard >= config.threshold && s.shared > 0;
    let own_max = 1.0 - config.min_covered;
    match &p.alignment {
        Some(al) => {
            let (w, own, cov) = if removed_is_a {
                (al.words_a, al.own_words_a, al.coverage_a)
            } else {
                (al.words_b, al.own_words_b, al.coverage_b)
            };
            // Strictly less than the rest of `min_covered`: at 0.8, under 20% of its own.
            let little_own =
                w > 0 && if own_max <= 0.0 { own == 0 } else { (own as f64) < own_max * w as f64 };
            let by_cover = config.threshold < 1.0 && cov >= config.min_covered;
            // The same words around another figure state another fact: not a copy.
            little_own && (!config.figures || al.figures_replaced == 0) && (by_jaccard || by_cover)
        }
        None => {
            let c = if removed_is_a { s.containment_a_in_b } else { s.containment_b_in_a };
            by_jaccard && c >= config.min_covered
        }
    }
}

/// The relation of a pair before composites are pruned: `None` when the two share nothing
/// reportable (no passage and Jaccard below the threshold).
pub fn classify(f: &PairFacts, config: &RelationConfig) -> Option<Relation> {
    let p = &f.pair;
    let by_jaccard = f.by_jaccard(config);
    if by_jaccard || f.story_passages(config).is_some() {
        let dup = is_duplicate(p, true, config) || is_duplicate(p, false, config);
        return Some(if dup { Relation::Duplicate } else { Relation::Story });
    }
    let shares = p.alignment.as_ref().is_some_and(|al| !al.passages.is_empty());
    (shares || p.scores.jaccard >= config.threshold).then_some(Relation::Overlap)
}

/// One sentence on why `relation` holds for `p` (or why nothing does), for `compare`.
pub fn explain(
    p: &VerifiedPair,
    relation: Option<Relation>,
    config: &RelationConfig,
    min_passage: usize,
) -> String {
    let pct = |x: f64| format!("{:.0}%", x * 100.0);
    let s = &p.scores;
    let (ca, cb) = p.alignment.as_ref().map_or((0.0, 0.0), |al| (al.coverage_a, al.coverage_b));
    let passages = p.alignment.as_ref().map_or(0, |al| al.passages.len());
    let longest = p.alignment.as_ref().map_or(0, |al| al.longest());
    match relation {
        Some(Relation::Duplicate) => {
            let (side, own, w) = match &p.alignment {
                Some(al) if is_duplicate(p, false, config) => ("B", al.own_words_b, al.words_b),
                Some(al) => ("A", al.own_words_a, al.words_a),
                None if is_duplicate(p, false, config) => ("B", 0, 0),
                None => ("A", 0, 0),
            };
            let other = if side == "A" { "B" } else { "A" };
            let cover = if side == "A" { ca } else { cb };
            if w == 0 {
                format!("{side} is a duplicate of {other}: Jaccard {:.2} >= {}", s.jaccard, config.threshold)
            } else {
                format!(
                    "{side} is a duplicate of {other}: Jaccard {:.2}, {} of {side}'s words inside shared passages, {} of its own (less than {})",
                    s.jaccard,
                    pct(cover),
                    pct(share(own, w)),
                    pct(1.0 - config.min_covered)
                )
            }
        }
        Some(Relation::Story) => {
            let why = if s.jaccard >= config.threshold {
                format!("the same story: Jaccard {:.2} >= {}", s.jaccard, config.threshold)
            } else {
                format!(
                    "the same story: {passages} shared passage(s), longest {longest} words, cover {} of A and {} of B (at least {} of each, or {} of one)",
                    pct(ca),
                    pct(cb),
                    pct(config.min_coverage),
                    pct(config.min_covered)
                )
            };
            match p.alignment.as_ref().map_or(0, |al| al.figures_replaced) {
                n if n == 0 || !config.figures => why,
                n => format!("{why}; not a duplicate: another figure in the same words at {n} place(s)"),
            }
        }
        Some(Relation::Overlap) => format!(
            "an overlap, not the same story: {passages} shared passage(s), longest {longest} words, cover {} of A and {} of B (a story needs {} of each); Jaccard {:.2} < {}",
            pct(ca),
            pct(cb),
            pct(config.min_coverage),
            s.jaccard,
            config.threshold
        ),
        None => format!(
            "unrelated: no shared passage of {min_passage}+ words and Jaccard {:.2} < {}",
            s.jaccard, config.threshold
        ),
    }
}

/// What composite pruning needs of a pair with specific passages.
#[derive(Debug, Clone, PartialEq)]
pub struct Regions {
    /// First document.
    pub a: u32,
    /// Second document.
    pub b: u32,
    /// Specific passage ranges (tokens) in A.
    pub in_a: Vec<(u32, u32)>,
    /// Specific passage ranges (tokens) in B.
    pub in_b: Vec<(u32, u32)>,
    /// Share of A inside them.
    pub cover_a: f64,
    /// Share of B inside them.
    pub cover_b: f64,
    /// Linked by Jaccard (never pruned, never a region of a composite).
    pub by_jaccard: bool,
    /// A story link before pruning.
    pub story: bool,
    /// A story link only through widely held passages ([`PairFacts::by_wide_passages`]).
    pub wide: bool,
}

/// The regions of a pair, when it has specific passages or is a story link.
pub fn regions(f: &PairFacts, relation: Relation, config: &RelationConfig) -> Option<Regions> {
    let story = relation >= Relation::Story;
    // The passages that count: those that made the link, or the rare ones of an overlap.
    let max = f.story_passages(config).unwrap_or(config.max_family / 2);
    let (in_a, in_b) = f.regions(max);
    if in_a.is_empty() && !story {
        return None;
    }
    let (cover_a, cover_b) = f.coverage(max);
    let p = &f.pair;
    let wide = story && f.by_wide_passages(config);
    Some(Regions {
        a: p.a,
        b: p.b,
        in_a,
        in_b,
        cover_a,
        cover_b,
        by_jaccard: f.by_jaccard(config),
        story,
        wide,
    })
}

fn size(r: &[(u32, u32)]) -> u64 {
    r.iter().map(|&(s, e)| (e - s) as u64).sum()
}

/// Whether the passages of one of two neighbours lie (half or more) within the span of the
/// other's (from its first passage to its last): two neighbours that took paragraphs of the
/// document in turn took parts of one text, where a roundup quotes each story as one block.
fn interleaved(n: &Near, m: &Near) -> bool {
    let within = |r: &[(u32, u32)], s: (u32, u32)| overlap(r, &[s]) as f64 >= SAME_REGION * size(r) as f64;
    within(n.region, m.span) || within(m.region, n.span)
}

/// The span of a region: from the start of its first passage to the end of its last.
fn span(r: &[(u32, u32)]) -> (u32, u32) {
    let start = r.iter().map(|p| p.0).min().unwrap_or(0);
    (start, r.iter().map(|p| p.1).max().unwrap_or(start))
}

fn overlap(x: &[(u32, u32)], y: &[(u32, u32)]) -> u64 {
    let mut n = 0;
    for &(s, e) in x {
        for &(t, f) in y {
            n += e.min(f).saturating_sub(s.max(t)) as u64;
        }
    }
    n
}

/// The composite documents and the passage-based story links they lose, with the links hubs
/// of boilerplate lose. `rank[i]` orders documents by id, so the grouping never depends on
/// input order.
pub fn prune_composites(regions: &[Regions], rank: &[u32], config: &RelationConfig) -> Composites {
    // Pairs that share a specific passage: a story link, or an overlap through a passage few
    // documents hold. Two neighbours of a document that do are about the same thing, so they are
    // one group of it, not two stories of a roundup. As `(smaller, larger)`, sorted.
    let mut related: Vec<(u32, u32)> = regions
        .iter()
        .filter(|r| r.story || !r.in_a.is_empty())
        .map(|r| (r.a.min(r.b), r.a.max(r.b)))
        .collect();
    related.sort_unstable();
    related.dedup();
    // Per document: its neighbours by passages (Jaccard links aside), with the region of the
    // document they share, its coverage, and whether the neighbour lies wholly inside it.
    let mut around: HashMap<u32, Vec<Near>> = HashMap::new();
    for r in regions.iter().filter(|r| !r.by_jaccard && !r.in_a.is_empty()) {
        let b_inside = r.story && r.cover_b >= config.min_covered;
        let a_inside = r.story && r.cover_a >= config.min_covered;
        around.entry(r.a).or_default().push(Near {
            x: r.b,
            region: &r.in_a,
            span: span(&r.in_a),
            cover: r.cover_a,
            inside: b_inside,
        });
        around.entry(r.b).or_default().push(Near {
            x: r.a,
            region: &r.in_b,
            span: span(&r.in_b),
            cover: r.cover_b,
            inside: a_inside,
        });
    }
    let mut out = Composites::default();
    prune_hubs(regions, config, &mut out);
    let mut docs: Vec<u32> = around.keys().copied().collect();
    docs.sort_unstable_by_key(|&d| rank[d as usize]);
    for d in docs {
        let mut near = around.remove(&d).unwrap_or_default();
        if near.len() < 2 {
            continue;
        }
        near.sort_unstable_by_key(|n| rank[n.x as usize]);
        let mut groups: Vec<Vec<Near>> = Vec::new();
        for n in near {
            // Parts of the document whose spans do not meet share no region and do not
            // interleave: most pairs of neighbours, told apart without reading their passages.
            let same = |m: &Near| {
                related.binary_search(&(n.x.min(m.x), n.x.max(m.x))).is_ok()
                    || (n.span.0 < m.span.1
                        && m.span.0 < n.span.1
                        && (overlap(n.region, m.region) as f64
                            >= SAME_REGION * size(n.region).min(size(m.region)) as f64
                            || interleaved(&n, m)))
            };
            match groups.iter_mut().find(|g| g.iter().any(same)) {
                Some(g) => g.push(n),
                None => groups.push(vec![n]),
            }
        }
        if groups.len() < 2 {
            continue;
        }
        out.docs.insert(d);
        let best = |g: &[Near]| g.iter().map(|n| n.cover).fold(0.0, f64::max);
        groups.sort_by(|g, h| {
            best(h).total_cmp(&best(g)).then_with(|| rank[g[0].x as usize].cmp(&rank[h[0].x as usize]))
        });
        // A composite joins at most one group: the one that covers most of it, when that is
        // its main content or a document that lies wholly inside it.
        let keep_first = best(&groups[0]) >= MAIN_CONTENT || groups[0].iter().any(|n| n.inside);
        for (i, g) in groups.iter().enumerate() {
            if i == 0 && keep_first {
                continue;
            }
            for n in g {
                out.pruned.entry((d.min(n.x), d.max(n.x))).or_insert(SetAside::Roundup(d));
            }
        }
    }
    out
}

/// Prunes the hubs of widely held text. A passage held by more than half of `--max-family`
/// documents makes a story link when it is the main content of one of the two ([`PairFacts`]):
/// a wire story published alone, linked to the articles that embed it. A document whose main
/// content is such a passage, linked through it to at least a quarter of `--max-family`
/// documents that carry it as a minor part and of which no two are linked to each other, is
/// not a story they share but boilerplate they all carry (a signature, a disclaimer, an
/// "about us" paragraph that makes up most of a short document): it loses those links, which
/// become overlaps. A wire story's embedders are the few reports of its event (2–4 for every
/// such document in SaudiNewsNet); a boilerplate paragraph's are many documents of different
/// stories.
fn prune_hubs(regions: &[Regions], config: &RelationConfig, out: &mut Composites) {
    let linked: HashSet<(u32, u32)> =
        regions.iter().filter(|r| r.story).flat_map(|r| [(r.a, r.b), (r.b, r.a)]).collect();
    // Per document, the neighbours whose link is its main content but not theirs.
    let mut carriers: HashMap<u32, Vec<u32>> = HashMap::new();
    for r in regions.iter().filter(|r| r.wide) {
        if r.cover_a >= MAIN_CONTENT && r.cover_b < MAIN_CONTENT {
            carriers.entry(r.a).or_default().push(r.b);
        }
        if r.cover_b >= MAIN_CONTENT && r.cover_a < MAIN_CONTENT {
            carriers.entry(r.b).or_default().push(r.a);
        }
    }
    let least = config.max_family.div_ceil(4).max(2);
    for (&d, near) in &carriers {
        let apart = || {
            near.iter().enumerate().all(|(i, x)| near[i + 1..].iter().all(|y| !linked.contains(&(*x, *y))))
        };
        if near.len() >= least && apart() {
            for &x in near {
                out.pruned.insert((d.min(x), d.max(x)), SetAside::Hub(d));
            }
        }
    }
}

/// What composite pruning found.
#[derive(Debug, Clone, Default)]
pub struct Composites {
    /// Story links that became overlaps, as `(smaller index, larger index)`.
    pub pruned: HashMap<(u32, u32), SetAside>,
    /// The composite documents: a roundup is not a copy of the articles it quotes, so no
    /// document is a duplicate of one.
    pub docs: HashSet<u32>,
}

/// A neighbour of a document in composite pruning.
struct Near<'a> {
    x: u32,
    region: &'a [(u32, u32)],
    /// The span of `region` ([`span`]).
    span: (u32, u32),
    cover: f64,
    inside: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONFIG: RelationConfig = RelationConfig {
        threshold: 0.5,
        min_coverage: 0.15,
        max_family: 20,
        min_covered: 0.8,
        figures: true,
    };

    fn reg(a: u32, b: u32, in_a: (u32, u32), cover_a: f64, story: bool) -> Regions {
        Regions {
            a,
            b,
            in_a: vec![in_a],
            in_b: vec![(0, 100)],
            cover_a,
            cover_b: 0.5,
            by_jaccard: false,
            story,
            wide: false,
        }
    }

    /// A link through widely held text between hub `h` (covering `ch` of it) and `x`.
    fn wide(h: u32, x: u32, ch: f64, cx: f64) -> Regions {
        Regions { cover_b: cx, wide: true, ..reg(h, x, (0, 84), ch, true) }
    }

    #[test]
    fn boilerplate_that_is_most_of_a_short_document_links_nothing() {
        // Document 0 is mostly a paragraph that 1..=5 carry as a fifth of themselves.
        let hub: Vec<Regions> = (1..=5).map(|x| wide(0, x, 0.56, 0.2)).collect();
        let pruned = prune_composites(&hub, &[0, 1, 2, 3, 4, 5], &CONFIG).pruned;
        assert_eq!(pruned, (1..=5).map(|x| ((0, x), SetAside::Hub(0))).collect());
        // The same with the hub second in its pairs.
        let flipped: Vec<Regions> = (1..=5)
            .map(|x| Regions { a: x, b: 0, cover_a: 0.2, cover_b: 0.56, ..wide(0, x, 0.0, 0.0) })
            .collect();
        assert_eq!(prune_composites(&flipped, &[0, 1, 2, 3, 4, 5], &CONFIG).pruned, pruned);
    }

    #[test]
    fn a_wire_story_keeps_the_articles_that_embed_it() {
        let rank = [0, 1, 2, 3, 4, 5];
        // Four embedders: fewer than a quarter of --max-family.
        let few: Vec<Regions> = (1..=4).map(|x| wide(0, x, 0.56, 0.2)).collect();
        assert!(prune_composites(&few, &rank, &CONFIG).pruned.is_empty());
        // Five, two of them linked to each other.
        let mut linked: Vec<Regions> = (1..=5).map(|x| wide(0, x, 0.56, 0.2)).collect();
        linked.push(Regions { by_jaccard: true, ..reg(2, 4, (0, 100), 0.9, true) });
        assert!(prune_composites(&linked, &rank, &CONFIG).pruned.is_empty());
        // Five for which the passage is their main content too.
        let main: Vec<Regions> = (1..=5).map(|x| wide(0, x, 0.56, 0.7)).collect();
        assert!(prune_composites(&main, &rank, &CONFIG).pruned.is_empty());
        // Five linked by rare passages, not widely held ones.
        let rare: Vec<Regions> = (1..=5).map(|x| Regions { wide: false, ..wide(0, x, 0.56, 0.2) }).collect();
        assert!(prune_composites(&rare, &rank, &CONFIG).pruned.is_empty());
    }

    #[test]
    fn a_roundup_of_two_stories_joins_neither() {
        // Document 0 shares its first third with 1 and 2 (linked: one story) and its second
        // third with 3 (another story).
        let mut r = vec![
            reg(0, 1, (0, 100), 0.33, true),
            reg(0, 2, (0, 90), 0.3, true),
            reg(0, 3, (100, 200), 0.33, true),
        ];
        r.push(Regions { by_jaccard: true, ..reg(1, 2, (0, 100), 0.9, true) });
        let rank = [0, 1, 2, 3];
        let dropped = prune_composites(&r, &rank, &CONFIG).pruned;
        let roundup = SetAside::Roundup(0);
        assert_eq!(dropped, [((0, 1), roundup), ((0, 2), roundup), ((0, 3), roundup)].into_iter().collect());
    }

    /// A document whose neighbours took different parts of it (an article, and two reprints
    /// of different paragraphs) is not a roundup when those neighbours share a rare passage
    /// with each other, even one too small a part of them for a story link.
    #[test]
    fn neighbours_that_share_a_rare_passage_are_one_group() {
        let rank = [0, 1, 2];
        let parts = vec![reg(0, 1, (0, 100), 0.4, true), reg(0, 2, (100, 200), 0.4, true)];
        let apart = prune_composites(&parts, &rank, &CONFIG);
        assert_eq!(apart.pruned.len(), 2, "two unrelated groups: a roundup joining neither");
        assert!(apart.docs.contains(&0));
        let mut related = parts.clone();
        related.push(reg(1, 2, (0, 60), 0.1, false));
        let one = prune_composites(&related, &rank, &CONFIG);
        assert!(one.pruned.is_empty() && one.docs.is_empty());
    }

    /// A document whose two neighbours took its paragraphs in turn (one the first and the
    /// last, the other those between) is one text they both reprint, not a roundup; a roundup
    /// quotes each story as one block.
    #[test]
    fn neighbours_that_took_paragraphs_in_turn_are_one_group() {
        let rank = [0, 1, 2];
        let ends = Regions { in_a: vec![(0, 100), (200, 300)], ..reg(0, 1, (0, 0), 0.6, true) };
        let between = reg(0, 2, (100, 200), 0.3, true);
        let one = prune_composites(&[ends.clone(), between], &rank, &CONFIG);
        assert!(one.pruned.is_empty() && one.docs.is_empty());
        // The same neighbours as blocks side by side: a composite, which keeps its main story.
        let first = Regions { in_a: vec![(0, 100), (100, 200)], ..ends };
        let last = reg(0, 2, (200, 300), 0.3, true);
        let apart = prune_composites(&[first, last], &rank, &CONFIG);
        assert_eq!(apart.pruned, [((0, 2), SetAside::Roundup(0))].into_iter().collect());
        assert!(apart.docs.contains(&0));
    }

    #[test]
    fn a_composite_keeps_its_main_story() {
        let r = vec![reg(0, 1, (0, 300), 0.6, true), reg(0, 2, (300, 400), 0.2, true)];
        let dropped = prune_composites(&r, &[0, 1, 2], &CONFIG).pruned;
        assert_eq!(dropped, [((0, 2), SetAside::Roundup(0))].into_iter().collect());
    }

    #[test]
    fn one_region_shared_by_many_is_not_a_composite() {
        let r = vec![
            reg(0, 1, (10, 100), 0.4, true),
            reg(0, 2, (0, 95), 0.4, true),
            reg(0, 3, (20, 110), 0.4, true),
        ];
        assert!(prune_composites(&r, &[0, 1, 2, 3], &CONFIG).pruned.is_empty());
    }
    /// A pair of documents of `wa` and `wb` words sharing one passage of `words` words (at the
    /// start of both), held by `family` documents, with `own` words of each outside any shared
    /// shingle, and the given Jaccard.
    fn facts(wa: usize, wb: usize, words: u32, family: u32, own: (usize, usize), jaccard: f64) -> PairFacts {
        use crate::overlap::{Alignment, Passage};
        use crate::verify::{LinkedBy, Scores};
        let passage = Passage {
            a: (0, 1),
            b: (0, 1),
            a_tokens: (0, words),
            b_tokens: (0, words),
            words: words as usize,
            exact: 1.0,
        };
        let alignment = Alignment {
            passages: vec![passage],
            coverage_a: words as f64 / wa as f64,
            coverage_b: words as f64 / wb as f64,
            coverage_shorter: words as f64 / wa.min(wb) as f64,
            own_words_a: own.0,
            own_words_b: own.1,
            figures_replaced: 0,
            words_a: wa,
            words_b: wb,
        };
        let scores = Scores { jaccard, containment_a_in_b: jaccard, containment_b_in_a: jaccard, shared: 1 };
        let pair = VerifiedPair {
            a: 0,
            b: 1,
            scores,
            linked_by: LinkedBy::Jaccard,
            alignment: Some(alignment),
            relation: Relation::Overlap,
            set_aside: None,
        };
        PairFacts { pair, families: vec![family], specific_jaccard: 1.0 }
    }

    #[test]
    fn a_rare_passage_covering_enough_of_each_document_is_a_story() {
        // 100 shared words of 400 and 500: 25% and 20% of each, held by 2 documents.
        assert_eq!(classify(&facts(400, 500, 100, 2, (300, 400), 0.1), &CONFIG), Some(Relation::Story));
        // The same passage in a 2,000-word article covers 5% of it: an overlap.
        assert_eq!(classify(&facts(400, 2000, 100, 2, (300, 1900), 0.05), &CONFIG), Some(Relation::Overlap));
    }

    #[test]
    fn a_widely_held_passage_counts_only_as_main_content() {
        // Held by 15 documents (more than half of --max-family 20): 25% / 20% is not enough ...
        assert_eq!(classify(&facts(400, 500, 100, 15, (300, 400), 0.1), &CONFIG), Some(Relation::Overlap));
        // ... but a wire story that is 2/3 of one article and 20% of the other is, through
        // widely held passages only (what hub pruning reads) ...
        let wire = facts(150, 500, 100, 15, (50, 400), 0.1);
        assert_eq!(classify(&wire, &CONFIG), Some(Relation::Story));
        assert!(wire.by_wide_passages(&CONFIG) && regions(&wire, Relation::Story, &CONFIG).unwrap().wide);
        // ... which a rare passage is not.
        let rare = facts(150, 500, 100, 2, (50, 400), 0.1);
        assert!(!rare.by_wide_passages(&CONFIG) && !regions(&rare, Relation::Story, &CONFIG).unwrap().wide);
        // Held by more than --max-family: formula, whatever its share.
        assert_eq!(classify(&facts(150, 150, 100, 21, (50, 50), 0.3), &CONFIG), Some(Relation::Overlap));
    }

    #[test]
    fn a_duplicate_has_less_than_a_fifth_of_its_own() {
        // B: 120 words, 110 of them in the shared passage, 10 of its own (8%).
        let f = facts(400, 120, 110, 2, (290, 10), 0.3);
        assert_eq!(classify(&f, &CONFIG), Some(Relation::Duplicate));
        assert!(is_duplicate(&f.pair, false, &CONFIG));
        assert!(!is_duplicate(&f.pair, true, &CONFIG));
        // 24 words of its own of 120 (20%): not a duplicate, still the same story.
        let f = facts(400, 120, 96, 2, (304, 24), 0.3);
        assert_eq!(classify(&f, &CONFIG), Some(Relation::Story));
        // --threshold 1: only equal shingle sets are duplicates, never by passages.
        let strict = RelationConfig { threshold: 1.0, ..CONFIG };
        assert!(!is_duplicate(&facts(400, 120, 110, 2, (290, 10), 0.3).pair, false, &strict));
        assert!(is_duplicate(&facts(120, 120, 120, 2, (0, 0), 1.0).pair, false, &strict));
    }

    #[test]
    fn another_figure_in_the_same_words_is_the_same_story_but_no_duplicate() {
        let mut f = facts(400, 120, 110, 2, (290, 10), 0.9);
        f.pair.alignment.as_mut().unwrap().figures_replaced = 1;
        assert_eq!(classify(&f, &CONFIG), Some(Relation::Story));
        assert!(!is_duplicate(&f.pair, false, &CONFIG));
        let why = explain(&f.pair, Some(Relation::Story), &CONFIG, 50);
        assert!(why.ends_with("not a duplicate: another figure in the same words at 1 place(s)"), "{why}");
        // --ignore-figures: figures are not compared.
        let ignoring = RelationConfig { figures: false, ..CONFIG };
        assert_eq!(classify(&f, &ignoring), Some(Relation::Duplicate));
        assert!(!explain(&f.pair, Some(Relation::Story), &ignoring, 50).contains("figure"));
    }

    #[test]
    fn a_jaccard_link_needs_shared_specific_content() {
        let mut f = facts(60, 60, 0, 2, (20, 20), 0.6);
        f.pair.alignment.as_mut().unwrap().passages.clear();
        f.families.clear();
        f.specific_jaccard = 0.5;
        assert_eq!(classify(&f, &CONFIG), Some(Relation::Story));
        // Two cables of one template to different countries: the names differ.
        f.specific_jaccard = 0.0;
        assert_eq!(classify(&f, &CONFIG), Some(Relation::Overlap));
    }
}
