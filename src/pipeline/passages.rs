//! Passage links: aligning candidate pairs and applying the passage linking rule.

use super::{fill_sets, involved, sequence, Doc};
use crate::config::Config;
use crate::lsh::Pair;
use crate::overlap::{self, Sequence};
use crate::shingle::ShingleKind;
use crate::verify::{self, LinkedBy, VerifiedPair};
use rayon::prelude::*;

/// Adds passage links to the verified pairs: aligns every verified pair (for its passages) and
/// every pair proposed by shared winnowing fingerprints, and keeps the latter when their
/// passages satisfy the linking rule. Returns the links and the number of passage candidates.
pub fn link_passages(
    docs: &mut [Doc],
    verified: Vec<VerifiedPair>,
    proposed: &[Pair],
    config: &Config,
) -> (Vec<VerifiedPair>, usize) {
    let Some(params) = config.passages else { return (verified, 0) };
    let mut is_verified: std::collections::HashSet<Pair> = verified.iter().map(|p| (p.a, p.b)).collect();
    let extra: Vec<Pair> = proposed.iter().copied().filter(|p| !is_verified.contains(p)).collect();
    is_verified.clear();

    let mut pairs: Vec<Pair> = verified.iter().map(|p| (p.a, p.b)).collect();
    pairs.extend(&extra);
    let involved = involved(docs.len(), &pairs);
    let sequences: Vec<Option<Sequence>> = docs
        .par_iter()
        .zip(involved.par_iter())
        .map(|(d, &on)| on.then(|| sequence(&d.text, config)))
        .collect();
    // The passage candidates need their shingle sets for scoring. With word shingles the
    // sequences just computed hold exactly those hashes, so no document is normalized twice.
    if config.shingle.kind == ShingleKind::Word {
        docs.par_iter_mut().zip(sequences.par_iter()).for_each(|(d, s)| {
            if let (Some(s), true) = (s, d.shingles.is_empty() && d.shingle_count > 0) {
                d.shingles = s.shingle_set();
            }
        });
    } else {
        fill_sets(docs, &involved, config);
    }
    let docs: &[Doc] = docs;
    let seq = |i: u32| sequences[i as usize].as_ref();
    let align = |a: u32, b: u32| match (seq(a), seq(b)) {
        (Some(x), Some(y)) => overlap::align(x, y, &params.rule),
        _ => overlap::Alignment::default(),
    };

    let mut links: Vec<VerifiedPair> = verified
        .into_par_iter()
        .map(|mut p| {
            let al = align(p.a, p.b);
            if al.links(&params.rule) {
                p.linked_by = LinkedBy::Both;
            }
            p.alignment = Some(al);
            p
        })
        .collect();
    let passage_links: Vec<VerifiedPair> = extra
        .par_iter()
        .filter_map(|&(a, b)| {
            let al = align(a, b);
            al.links(&params.rule).then(|| VerifiedPair {
                a,
                b,
                scores: verify::score(&docs[a as usize].shingles, &docs[b as usize].shingles),
                linked_by: LinkedBy::Passage,
                alignment: Some(al),
            })
        })
        .collect();
    links.extend(passage_links);
    links.sort_by_key(|p| (p.a, p.b));
    (links, proposed.len())
}
