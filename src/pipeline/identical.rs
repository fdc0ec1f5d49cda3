//! Byte-identical texts: found before the candidate stages so that a group of N copies costs
//! N − 1 links, not N(N − 1)/2 candidate pairs, alignments and reported pairs.
//!
//! The first document of each group (in input order) is its representative: only it enters
//! LSH, the exact join and winnowing; every other copy is linked to it directly (a star), with
//! the scores two identical texts have (Jaccard and both containments 1, one verbatim passage of
//! the whole text, [`overlap::identity`]). Links of the representative stand for the whole group.

use super::{read, Doc};
use crate::config::Config;
use crate::normalize::Normalizer;
use crate::overlap;
use crate::verify::{LinkedBy, Scores, VerifiedPair};
use rayon::prelude::*;

/// For every document, the representative of its group of byte-identical texts (itself when it
/// has no copy, or when it has no words: empty documents are never linked).
pub fn representatives(docs: &[Doc]) -> Vec<u32> {
    let keyed = by_text_hash(docs);
    let mut rep: Vec<u32> = (0..docs.len() as u32).collect();
    for run in keyed.chunk_by(|x, y| x.0 == y.0) {
        // Within one hash, texts are compared so that a collision never merges documents.
        let mut firsts: Vec<u32> = Vec::new();
        for &(_, i) in run {
            match firsts.iter().find(|&&f| docs[f as usize].text == docs[i as usize].text) {
                Some(&f) => rep[i as usize] = f,
                None => firsts.push(i),
            }
        }
    }
    rep
}

/// Marks the documents whose text hash another document shares: [`representatives`] compares
/// their texts.
pub fn shared_hashes(docs: &[Doc]) -> Vec<bool> {
    let mut shared = vec![false; docs.len()];
    for run in by_text_hash(docs).chunk_by(|x, y| x.0 == y.0).filter(|run| run.len() > 1) {
        run.iter().for_each(|&(_, i)| shared[i as usize] = true);
    }
    shared
}

/// The documents that have words, as (text hash, number), sorted.
fn by_text_hash(docs: &[Doc]) -> Vec<(u128, u32)> {
    let mut keyed: Vec<(u128, u32)> = docs
        .par_iter()
        .enumerate()
        .filter(|(_, d)| !d.is_empty())
        .map(|(i, d)| (d.text_xxh3, i as u32))
        .collect();
    keyed.par_sort_unstable();
    keyed
}

/// The star links: every copy linked to its representative.
pub fn star_links(docs: &[Doc], rep: &[u32], config: &Config) -> Vec<VerifiedPair> {
    let mut members: Vec<(u32, u32)> =
        rep.iter().enumerate().filter(|&(i, &r)| r != i as u32).map(|(i, &r)| (r, i as u32)).collect();
    members.sort_unstable();
    let groups: Vec<&[(u32, u32)]> = members.chunk_by(|x, y| x.0 == y.0).collect();
    let normalizer = Normalizer::new(config.normalize);
    groups
        .par_iter()
        .flat_map_iter(|group| {
            let r = group[0].0;
            let doc = &docs[r as usize];
            let n = doc.shingle_count;
            let scores = Scores { jaccard: 1.0, containment_a_in_b: 1.0, containment_b_in_a: 1.0, shared: n };
            let (alignment, linked_by) = match config.passages {
                Some(p) => {
                    let (words, first, end) = read::word_extent(&normalizer, &doc.text);
                    let al = overlap::identity(words, (first, end), &p.rule);
                    let by = if al.links(&p.rule) { LinkedBy::Both } else { LinkedBy::Jaccard };
                    (Some(al), by)
                }
                None => (None, LinkedBy::Jaccard),
            };
            group.iter().map(move |&(a, b)| VerifiedPair {
                a,
                b,
                scores,
                linked_by,
                alignment: alignment.clone(),
                relation: crate::verify::Relation::Duplicate,
                set_aside: None,
            })
        })
        .collect()
}
