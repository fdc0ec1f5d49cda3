//! Matching a batch of documents against an index: candidates from the band tables and the
//! fingerprint postings, then the pipeline's own verification and [`relate`] on the few indexed
//! documents involved and the batch (see the module docs of [`crate::index`] for what equals a
//! batch run).

use super::{segment, text_key, Index, IndexError};
use crate::config::Candidates;
use crate::lsh::winnow::DocFrequency;
use crate::lsh::Pair;
use crate::pipeline::{
    fill_sets, involved, passage_candidates, relate, star_links, Doc, NoProgress, OverlapSink, ToRelate,
};
use crate::report::json::{pair_report_in, PairReport};
use crate::verify::{self, VerifiedPair};
use rayon::prelude::*;
use serde::Serialize;
use serde_json::value::RawValue;
use std::collections::{BTreeSet, HashMap};
use std::hash::{BuildHasherDefault, Hasher};

/// Hashes keys that are hashes already (fingerprints, text hashes) or small numbers (document
/// numbers) with one multiplication: the maps of a query are on its hot path.
#[derive(Default)]
struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = (self.0.rotate_left(5) ^ v).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
    fn write_u32(&mut self, v: u32) {
        self.write_u64(u64::from(v));
    }
    fn write_usize(&mut self, v: usize) {
        self.write_u64(v as u64);
    }
}

/// A map keyed through [`KeyHasher`].
type Map<K, V> = HashMap<K, V, BuildHasherDefault<KeyHasher>>;

/// One indexed document a query document shares something with.
#[derive(Debug, Clone, Serialize)]
pub struct Match {
    /// The indexed document's id.
    pub id: String,
    /// The pair as `overlaps.jsonl` reports it ([`crate::report::overlaps`]), with `a` the
    /// query document and `b` the indexed one.
    #[serde(flatten)]
    pub pair: PairReport,
    /// The query document's carried fields (`--meta`), when it has any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meta_a: Option<Box<RawValue>>,
    /// The indexed document's carried fields, as its record had them when it was indexed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meta_b: Option<Box<RawValue>>,
}

/// The answer for one query document: one line of `reprint query`'s output.
#[derive(Debug, Clone, Serialize)]
pub struct QueryResult {
    /// The query document's id.
    pub id: String,
    /// A document earlier in the same batch with exactly this text: this one is matched
    /// through it (its matches are listed there), as a run links every copy to its first copy.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub copy_of: Option<String>,
    /// Matches, strongest relation first, then by Jaccard (highest first), then by id.
    pub matches: Vec<Match>,
}

/// Collects every related pair: the overlaps as [`relate`] streams them, then the links it
/// holds (with no clustering after it, their relations are final).
struct Collect(Vec<VerifiedPair>);

impl OverlapSink for Collect {
    fn overlap(&mut self, _: &crate::pipeline::Docs, pair: &VerifiedPair, _: (u32, u32)) {
        self.0.push(pair.clone());
    }
    fn finish(&mut self, _: &crate::pipeline::Docs, held: &[((u32, u32), VerifiedPair)]) {
        self.0.extend(held.iter().map(|(_, p)| p.clone()));
    }
}

/// Cached lookups of fingerprint postings.
struct Postings<'a> {
    index: &'a Index,
    cache: Map<u64, Vec<u32>>,
    buf: Vec<u8>,
}

impl Postings<'_> {
    fn get(&mut self, h: u64) -> Result<&[u32], IndexError> {
        if !self.cache.contains_key(&h) {
            let mut docs = Vec::new();
            self.index.lookup(segment::POSTINGS, h, &mut self.buf, |_, d| docs.push(d))?;
            self.cache.insert(h, docs);
        }
        Ok(self.cache.get(&h).map_or(&[], |v| v.as_slice()))
    }
}

/// What a batch matched in an index.
#[derive(Debug)]
pub struct Matched {
    /// The indexed documents involved (the first `indexed`, in index order), then the batch.
    pub docs: Vec<Doc>,
    /// How many of `docs` are indexed documents.
    pub indexed: u32,
    /// Every related pair of a batch document and an indexed one, with `a` the batch document.
    pub pairs: Vec<VerifiedPair>,
    /// For each batch document, an earlier one of the batch with exactly its text (it is
    /// matched through that one, as a run links every copy to its first copy).
    pub copy_of: Vec<Option<usize>>,
}

/// Matches `batch` (documents read and sketched under `index.config()`) against the index:
/// one result per document, in batch order; at most `top` matches each.
pub fn query(index: &Index, batch: Vec<Doc>, top: Option<usize>) -> Result<Vec<QueryResult>, IndexError> {
    let n = batch.len();
    let Matched { docs, indexed: m, pairs, copy_of } = match_batch(index, batch)?;
    let mut results: Vec<QueryResult> = (0..n)
        .map(|q| QueryResult {
            id: docs[m as usize + q].id.clone(),
            copy_of: copy_of[q].map(|p| docs[m as usize + p].id.clone()),
            matches: Vec::new(),
        })
        .collect();
    for p in pairs {
        let q = (p.a - m) as usize;
        let report = pair_report_in(&docs, &p);
        let meta =
            |d: u32| docs[d as usize].meta_json().and_then(|m| RawValue::from_string(m.to_owned()).ok());
        results[q].matches.push(Match {
            id: report.b.clone(),
            pair: report,
            meta_a: meta(p.a),
            meta_b: meta(p.b),
        });
    }
    for r in &mut results {
        r.matches.sort_by(|x, y| {
            y.pair
                .relation
                .cmp(&x.pair.relation)
                .then(y.pair.jaccard.total_cmp(&x.pair.jaccard))
                .then_with(|| x.id.cmp(&y.id))
        });
        if let Some(top) = top {
            r.matches.truncate(top);
        }
    }
    Ok(results)
}

/// The matches of `batch` in the index: candidates from the band tables and the postings,
/// verified, aligned and related as a run on the involved indexed documents and the batch.
pub fn match_batch(index: &Index, batch: Vec<Doc>) -> Result<Matched, IndexError> {
    let config = index.config();
    let Candidates::MinHashLsh { banding, .. } = config.candidates else {
        return Err(IndexError::Params("an index needs MinHash LSH".into()));
    };
    let n = batch.len();
    // The first copy of each document's text: indexed, or earlier in the batch.
    let mut in_index: Vec<Option<u32>> = vec![None; n];
    let mut in_batch: Vec<Option<usize>> = vec![None; n];
    let mut seen: Map<u64, Vec<usize>> = Map::default();
    for (q, d) in batch.iter().enumerate() {
        if d.is_empty() {
            continue;
        }
        in_index[q] = index.first_copy(&d.text)?;
        if in_index[q].is_none() {
            let same = seen.entry(text_key(&d.text)).or_default();
            in_batch[q] = same.iter().copied().find(|&p| batch[p].text == d.text);
            if in_batch[q].is_none() {
                same.push(q);
            }
        }
    }
    let active: Vec<bool> =
        (0..n).map(|q| !batch[q].is_empty() && in_index[q].is_none() && in_batch[q].is_none()).collect();
    let mut batch_df: Map<u64, u32> = Map::default();
    for q in (0..n).filter(|&q| active[q]) {
        for &h in &batch[q].winnowed {
            *batch_df.entry(h).or_default() += 1;
        }
    }
    let mut postings = Postings { index, cache: Map::default(), buf: Vec::new() };
    // Cross pairs as (indexed document, query document).
    let mut lsh: BTreeSet<(u32, usize)> = BTreeSet::new();
    let mut by_passages: BTreeSet<(u32, usize)> = BTreeSet::new();
    let mut scratch = Vec::new();
    let mut buf = Vec::new();
    for q in (0..n).filter(|&q| active[q]) {
        let slots = batch[q].sketch.slots();
        for band in 0..banding.bands {
            let key = banding.key(band, slots, config.seed, &mut scratch);
            index.lookup(segment::BANDS, key, &mut buf, |b, d| {
                if b as usize == band {
                    lsh.insert((d, q));
                }
            })?;
        }
        if let Some(p) = config.passages {
            let mut shared: Map<u32, usize> = Map::default();
            for &h in &batch[q].winnowed {
                let docs = postings.get(h)?;
                if docs.is_empty() || docs.len() + batch_df[&h] as usize > p.max_df {
                    continue;
                }
                for &d in docs {
                    *shared.entry(d).or_default() += 1;
                }
            }
            by_passages
                .extend(shared.into_iter().filter(|&(_, c)| c >= p.min_shared.max(1)).map(|(d, _)| (d, q)));
        }
    }
    // The indexed documents involved, then the batch, as one document list.
    let mut indexed: Vec<u32> =
        lsh.iter().chain(&by_passages).map(|&(d, _)| d).chain(in_index.iter().flatten().copied()).collect();
    indexed.sort_unstable();
    indexed.dedup();
    let m = indexed.len() as u32;
    let at = |d: u32| indexed.binary_search(&d).map_or(u32::MAX, |i| i as u32);
    let mut docs: Vec<Doc> = Vec::with_capacity(indexed.len() + n);
    let mut stored_dfs: Vec<(usize, Vec<u32>)> = Vec::with_capacity(indexed.len());
    // Read in parallel: each read decodes and checks a text and a sequence.
    let stored: Vec<segment::StoredDoc> =
        indexed.par_iter().map(|&d| index.doc(d)).collect::<Result<_, _>>()?;
    for (&d, mut stored) in indexed.iter().zip(stored) {
        stored_dfs.push((index.segment_of(d), std::mem::take(&mut stored.dfs)));
        docs.push(stored.into_doc(config.seed));
    }
    docs.extend(batch);
    let pair = |d: u32, q: usize| (at(d), m + q as u32);
    let candidates: Vec<Pair> = lsh.iter().map(|&(d, q)| pair(d, q)).collect();
    let mut first: Vec<u32> = (0..docs.len() as u32).collect();
    for (q, r) in in_index.iter().enumerate() {
        if let Some(r) = r {
            first[m as usize + q] = at(*r);
        }
    }
    let stars = star_links(&docs, &first, config);
    // Document frequencies over the index and the batch, for every fingerprint involved: a
    // query document's were looked up above; an indexed document stores its own as of its
    // segment, to which the later segments and the batch add.
    let mut counts: Map<u64, u32> = Map::default();
    for q in (0..n).filter(|&q| active[q]) {
        for &h in &docs[m as usize + q].winnowed {
            counts.insert(h, postings.get(h)?.len() as u32 + batch_df[&h]);
        }
    }
    for (i, (seg, dfs)) in stored_dfs.iter().enumerate() {
        let winnowed = &docs[i].winnowed;
        for (j, &h) in winnowed.iter().enumerate() {
            if counts.contains_key(&h) {
                continue;
            }
            // A stored document's frequencies match its fingerprints one for one (the segment
            // reader checks it); only a document outside the tables has none.
            let count = match dfs.get(j) {
                Some(&stored) => stored + index.count_from(seg + 1, segment::POSTINGS, h, &mut buf)?,
                None => index.count_from(0, segment::POSTINGS, h, &mut buf)?,
            };
            counts.insert(h, count);
        }
    }
    let mut table: Vec<(u64, u32)> = counts.into_iter().filter(|&(_, c)| c >= 2).collect();
    table.sort_unstable();
    let df = DocFrequency::new(table);
    // The passage proposals as a run makes them: the fingerprints each document shares with a
    // query document, held by at most --max-df documents of the index and the batch together.
    // Only pairs of an indexed and a query document are aligned: the others are no answers.
    let mut on = vec![false; docs.len()];
    if let Some(p) = config.passages {
        for (i, d) in docs.iter_mut().enumerate() {
            on[i] = i < m as usize || active[i - m as usize];
            let mut keep = Vec::with_capacity(d.winnowed.len());
            for &h in &d.winnowed {
                let b = batch_df.get(&h).copied().unwrap_or(0) as usize;
                if b > 0 && postings.get(h)?.len() + b <= p.max_df {
                    keep.push(h);
                }
            }
            d.winnowed = keep.into();
        }
    }
    let (proposed, _) = passage_candidates(&docs, &on, config);
    let proposed = proposed.across(m);
    let wanted = involved(docs.len(), candidates.iter().copied());
    fill_sets(&mut docs, &wanted, config);
    let sets: Vec<&[u64]> = docs.iter().map(|d| d.shingles.as_slice()).collect();
    let verified = verify::verify(&candidates, &sets, config.threshold);
    let mut sink = Collect(Vec::new());
    // Indexed and query documents hold their texts: nothing is read again.
    let (_, _, held) = relate(
        &mut docs,
        ToRelate { verified, stars, proposed, df: &df },
        config,
        &mut sink,
        &NoProgress,
        &mut |_, _| Ok(None),
        true,
    )?;
    sink.finish(&crate::pipeline::Docs::held(&docs), &held);

    let mut pairs = Vec::new();
    for mut p in sink.0 {
        if (p.a < m) == (p.b < m) {
            continue;
        }
        if p.a < m {
            p.swap();
        }
        pairs.push(p);
    }
    Ok(Matched { docs, indexed: m, pairs, copy_of: in_batch })
}
