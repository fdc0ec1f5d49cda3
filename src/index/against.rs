//! `reprint dedup INPUT... --against DIR` when DIR is an index: the inputs are matched against
//! the index as a query batch ([`super::match_batch`]), and the result is put in the shape of a
//! run over the inputs and the indexed documents involved, so that the cross-corpus plan
//! ([`crate::dedup::plan_against`]) and the outputs of `dedup` are the same code as with a
//! reference corpus read from files.

use super::{match_batch, Index, IndexError};
use crate::pipeline::{Doc, ReadSummary, RunResult, Stats};
use crate::verify::Relation;

/// The run `dedup --against` plans on: the `batch` documents first (read from the inputs, as
/// `read` summarizes), then the indexed documents they are related to, whose origin is the
/// input number `reference` (one past the inputs, so that they count as the reference); the
/// links are the related (batch, indexed) pairs. Links inside the batch are not made: with
/// `--against`, only links to the reference count.
pub fn against_index(
    index: &Index,
    batch: Vec<Doc>,
    read: ReadSummary,
    reference: usize,
) -> Result<RunResult, IndexError> {
    let n = batch.len() as u32;
    let matched = match_batch(index, batch)?;
    let m = matched.indexed;
    let mut docs = matched.docs;
    let mut indexed: Vec<Doc> = docs.drain(..m as usize).collect();
    for d in &mut indexed {
        d.origin.input = reference;
    }
    docs.extend(indexed);
    let mut links = matched.pairs;
    for p in &mut links {
        // Batch documents move from `m + q` to `q`, indexed ones from `i` to `n + i`.
        p.a -= m;
        p.b += n;
    }
    links.sort_unstable_by_key(|p| (p.a, p.b));
    let mut identical_to: Vec<u32> = (0..docs.len() as u32).collect();
    for (q, first) in matched.copy_of.iter().enumerate() {
        if let Some(f) = first {
            identical_to[q] = *f as u32;
        }
    }
    let stats = Stats {
        documents: n as usize,
        empty_documents: docs[..n as usize].iter().filter(|d| d.is_empty()).count(),
        skipped: read.skipped.len(),
        input_bytes: read.input_bytes,
        linked_pairs: links.len(),
        duplicate_pairs: links.iter().filter(|p| p.relation == Relation::Duplicate).count(),
        overlap_pairs: links.iter().filter(|p| p.relation == Relation::Overlap).count(),
        ..Stats::default()
    };
    Ok(RunResult {
        config: index.config().clone(),
        docs,
        skipped: read.skipped,
        inputs: read.inputs,
        identical_to,
        candidates: Vec::new(),
        links,
        clusters: Vec::new(),
        stats,
        spilled: None,
    })
}
