//! Deduplication decisions and the clean corpus: which documents are removed, which kept
//! document each one duplicates, and the output files.
//!
//! * Within a corpus ([`plan`]): every cluster keeps its representative (`--keep`); another
//!   member is removed only when it is a duplicate ([`crate::relation`]) of a kept member that
//!   holds it directly, never through a third document.
//! * Across corpora ([`plan_against`]): a document of the inputs that is a duplicate of a
//!   document of the reference is removed as a duplicate of the one it shares most with; the
//!   reference is never modified, and links inside the reference or inside the inputs do not
//!   count.
//!
//! Kept JSON Lines records are copied byte for byte from the input (a second read of the
//! input files), never re-serialized; CSV/TSV rows and JSON array elements likewise, into a
//! table under the input's header or an array (module `copy`). Every output is staged under a
//! temporary name ([`crate::report::Staged`]); the caller renames them all together once every
//! file is ready.

mod copy;
mod kept_parquet;

use crate::cluster::keep_cmp;
use crate::corpus::{self, CopyFormat, CorpusError, Input};
use crate::pipeline::RunResult;
use crate::relation;
use crate::report::{round6, AtomicFile, Staged};
use crate::verify::{LinkedBy, Relation, VerifiedPair};
use serde::Serialize;
use std::collections::HashMap;
use std::io::{self, Write};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use thiserror::Error;

/// One removed document.
#[derive(Debug, Clone)]
pub struct Removal {
    /// The removed document.
    pub doc: u32,
    /// The kept document it duplicates (always linked to it directly).
    pub duplicate_of: u32,
    /// Its cluster id, when clustered.
    pub cluster: Option<usize>,
    /// The removed–kept pair that decides the removal.
    pub link: VerifiedPair,
}

/// What deduplication decided.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// Removed documents, in input order.
    pub removed: Vec<Removal>,
    /// For every document: removed or not.
    pub is_removed: Vec<bool>,
}

/// Within-corpus deduplication of a finished run. In each cluster, members are visited in
/// `--keep` order (the representative first); a member is removed when it is a duplicate
/// ([`relation::is_duplicate`]) of a member already kept, linked to it directly, and kept
/// otherwise. So every removal names the kept document that holds it, and a document with a
/// substantial part of its own is never removed.
pub fn plan(run: &RunResult) -> Plan {
    let n = run.docs.len();
    let rules = run.config.relations();
    let docs = run.docs.as_slice();
    let mut removed = Vec::new();
    for c in &run.clusters {
        let links: HashMap<(u32, u32), &VerifiedPair> =
            c.pairs.iter().flat_map(|p| [((p.a, p.b), p), ((p.b, p.a), p)]).collect();
        let mut order = c.members.clone();
        order.sort_by(|&x, &y| keep_cmp(x, y, docs, run.config.keep));
        if let Some(i) = order.iter().position(|&m| m == c.representative) {
            let rep = order.remove(i);
            order.insert(0, rep);
        }
        let mut kept: Vec<u32> = Vec::new();
        // Removed so far in this cluster: the kept document and the deciding pair.
        let mut decided: HashMap<u32, (u32, VerifiedPair)> = HashMap::new();
        for m in order {
            let holder = kept.iter().find_map(|&k| {
                let p = links.get(&(m, k))?;
                (p.relation == Relation::Duplicate && relation::is_duplicate(p, p.a == m, &rules))
                    .then(|| (k, (*p).clone()))
            });
            // A copy of a text is linked only to its first copy (a star): it duplicates a kept
            // copy of the same text (its star link, with the kept copy in place of the first),
            // or, when the first copy was removed, goes with it as a duplicate of the same kept
            // document (identical texts, identical scores and passages).
            let g = run.identical_to.get(m as usize).copied().unwrap_or(m);
            let same_text = |k: u32| run.identical_to.get(k as usize).copied().unwrap_or(k) == g;
            let holder = holder.or_else(|| {
                let &k = kept.iter().find(|&&k| same_text(k))?;
                let mut p = (*links.get(&(m, g))?).clone();
                if p.a == g {
                    p.a = k;
                } else {
                    p.b = k;
                }
                Some((k, p))
            });
            let holder = holder.or_else(|| {
                let (k, p) = decided.get(&g)?;
                let mut p = p.clone();
                if p.a == g {
                    p.a = m;
                } else {
                    p.b = m;
                }
                Some((*k, p))
            });
            match holder {
                Some((k, p)) => {
                    decided.insert(m, (k, p.clone()));
                    removed.push(Removal { doc: m, duplicate_of: k, cluster: Some(c.id), link: p })
                }
                None => kept.push(m),
            }
        }
    }
    finish(n, removed)
}

/// Cross-corpus deduplication: `is_reference[i]` marks documents of the reference corpus. A
/// document of the inputs is removed when it is a duplicate of a reference document, as a
/// duplicate of the one it shares most with.
pub fn plan_against(run: &RunResult, is_reference: &[bool]) -> Plan {
    let n = run.docs.len();
    let rules = run.config.relations();
    let mut best: HashMap<u32, &VerifiedPair> = HashMap::new();
    let cluster_of = cluster_ids(run);
    for p in &run.links {
        let (ra, rb) = (is_reference[p.a as usize], is_reference[p.b as usize]);
        if ra == rb {
            continue;
        }
        let (input_doc, ref_doc) = if ra { (p.b, p.a) } else { (p.a, p.b) };
        if p.relation != Relation::Duplicate || !relation::is_duplicate(p, p.a == input_doc, &rules) {
            continue;
        }
        let better = |old: &&VerifiedPair| {
            let old_ref = if old.a == input_doc { old.b } else { old.a };
            p.score()
                .total_cmp(&old.score())
                .then_with(|| run.docs[old_ref as usize].id.cmp(&run.docs[ref_doc as usize].id))
                .is_gt()
        };
        match best.get(&input_doc) {
            Some(old) if !better(old) => {}
            _ => {
                best.insert(input_doc, p);
            }
        }
    }
    let mut chosen: HashMap<u32, VerifiedPair> = best.into_iter().map(|(d, p)| (d, p.clone())).collect();
    // Copies of a text never entered the candidate stages: each is linked only to the first
    // copy. An input copy duplicates a reference copy of the same text, else whatever its first
    // copy duplicates (identical texts have identical scores and passages).
    let mut ref_copy: HashMap<u32, u32> = HashMap::new();
    for (i, &g) in run.identical_to.iter().enumerate() {
        if is_reference[i] {
            let e = ref_copy.entry(g).or_insert(i as u32);
            if run.docs[i].id < run.docs[*e as usize].id {
                *e = i as u32;
            }
        }
    }
    for (m, &g) in run.identical_to.iter().enumerate() {
        let m = m as u32;
        if g == m || is_reference[m as usize] || chosen.contains_key(&m) {
            continue;
        }
        let star = run.links.binary_search_by_key(&(g, m), |p| (p.a, p.b)).ok().map(|k| &run.links[k]);
        let link = match (ref_copy.get(&g), star) {
            (Some(&r), Some(star)) => Some(VerifiedPair { a: m, b: r, ..star.clone() }),
            _ => chosen.get(&g).map(|p| {
                let mut p = p.clone();
                if p.a == g {
                    p.a = m;
                } else {
                    p.b = m;
                }
                p
            }),
        };
        if let Some(p) = link {
            chosen.insert(m, p);
        }
    }
    let removed = chosen
        .into_iter()
        .map(|(doc, p)| Removal {
            doc,
            duplicate_of: if p.a == doc { p.b } else { p.a },
            cluster: cluster_of.get(&doc).copied(),
            link: p,
        })
        .collect();
    finish(n, removed)
}

fn cluster_ids(run: &RunResult) -> HashMap<u32, usize> {
    run.clusters.iter().flat_map(|c| c.members.iter().map(move |&m| (m, c.id))).collect()
}

fn finish(n: usize, mut removed: Vec<Removal>) -> Plan {
    removed.sort_by_key(|r| r.doc);
    let mut is_removed = vec![false; n];
    for r in &removed {
        is_removed[r.doc as usize] = true;
    }
    Plan { removed, is_removed }
}

/// A line of `removed.jsonl`: the removed document, the kept document that holds it, and the
/// scores of that pair.
#[derive(Debug, Serialize)]
pub struct RemovedRecord<'a> {
    /// Removed document id.
    pub id: &'a str,
    /// Where it was read.
    pub source: &'a str,
    /// Its JSON Lines line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// The kept document it duplicates.
    pub duplicate_of: &'a str,
    /// Where that document was read (the reference file with `--against`).
    pub duplicate_of_source: &'a str,
    /// Cluster id (`null` with `--against` when not clustered).
    pub cluster: Option<usize>,
    /// The pair's relation (`duplicate`).
    pub relation: Relation,
    /// What links the pair as a story.
    pub linked_by: LinkedBy,
    /// Jaccard similarity of the removed and kept documents.
    pub jaccard: f64,
    /// Share of the removed document's shingles found in the kept one.
    pub containment: f64,
    /// Words of the longest shared passage (passage detection on).
    pub passage_words: Option<usize>,
    /// Share of the removed document's words inside passages shared with the kept one.
    pub coverage: Option<f64>,
    /// Words of the removed document (passage detection on).
    pub words: Option<usize>,
    /// Of those, words in no shingle shared with the kept document: what removing it loses.
    pub words_not_in_kept: Option<usize>,
    /// The removed document's carried fields (`--meta`), when it has any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meta: Option<&'a serde_json::value::RawValue>,
    /// The kept document's carried fields, when it has any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duplicate_of_meta: Option<&'a serde_json::value::RawValue>,
}

/// The `removed.jsonl` record of a removal.
pub fn removed_record<'a>(run: &'a RunResult, r: &'a Removal) -> RemovedRecord<'a> {
    let d = &run.docs[r.doc as usize];
    let k = &run.docs[r.duplicate_of as usize];
    let p = &r.link;
    let removed_is_a = p.a == r.doc;
    let al = p.alignment.as_ref();
    RemovedRecord {
        id: &d.id,
        source: &d.origin.source,
        line: d.origin.line,
        duplicate_of: &k.id,
        duplicate_of_source: &k.origin.source,
        cluster: r.cluster,
        relation: p.relation,
        linked_by: p.linked_by,
        jaccard: round6(p.scores.jaccard),
        containment: round6(if removed_is_a {
            p.scores.containment_a_in_b
        } else {
            p.scores.containment_b_in_a
        }),
        passage_words: al.map(|al| al.longest()),
        coverage: al.map(|al| round6(if removed_is_a { al.coverage_a } else { al.coverage_b })),
        words: al.map(|al| if removed_is_a { al.words_a } else { al.words_b }),
        words_not_in_kept: al.map(|al| if removed_is_a { al.own_words_a } else { al.own_words_b }),
        meta: d.meta_json().and_then(|m| serde_json::from_str(m).ok()),
        duplicate_of_meta: k.meta_json().and_then(|m| serde_json::from_str(m).ok()),
    }
}

/// Errors while writing deduplication outputs.
#[derive(Debug, Error)]
pub enum DedupError {
    /// Re-reading an input failed.
    #[error(transparent)]
    Corpus(#[from] CorpusError),
    /// An input is not what the first read saw: a record differs or is missing.
    #[error("{source_name}:{line}: the input changed since it was read (this record is not the one analysed); nothing was written, run dedup again")]
    Changed {
        /// The input.
        source_name: String,
        /// The first line that differs.
        line: u64,
    },
    /// Two tables copied into one clean table have different header rows.
    #[error("{second}: its header row differs from that of {first}, so their kept rows cannot go in one table; deduplicate them in separate runs, or with one as --against")]
    Header {
        /// The first table.
        first: String,
        /// The table whose header differs.
        second: String,
    },
    /// Writing an output failed.
    #[error("cannot write {}: {source}", path.display())]
    Write {
        /// The output.
        path: PathBuf,
        /// The I/O error.
        source: io::Error,
    },
}

/// What to write.
#[derive(Debug, Clone)]
pub struct DedupOutput<'a> {
    /// Output directory.
    pub dir: &'a Path,
    /// Inputs in the order read (JSON Lines inputs are copied line by line).
    pub inputs: &'a [Input],
    /// Write every record with `cluster`, `duplicate_of`, `is_representative` added instead of
    /// only the kept ones.
    pub annotate: bool,
    /// Copy kept text files into this directory (relative paths kept).
    pub copy_to: Option<&'a Path>,
}

/// Fields `--annotate` adds.
pub const ANNOTATE_FIELDS: [&str; 3] = ["cluster", "duplicate_of", "is_representative"];

/// Stages `kept.jsonl[.gz]` (or `annotated.jsonl[.gz]`), `kept.txt` for text inputs,
/// `removed.jsonl`, and copies of kept text files with `copy_to`, for
/// [`crate::report::OutputDir::commit`]. Documents of inputs not listed
/// in `only_inputs` (the reference corpus of `--against`) are never written.
pub fn write_outputs(
    run: &RunResult,
    plan: &Plan,
    out: &DedupOutput<'_>,
    only_inputs: usize,
) -> Result<Vec<Staged>, DedupError> {
    let mut written = Vec::new();
    let wrap = |path: &Path| {
        let path = path.to_path_buf();
        move |source: io::Error| DedupError::Write { path: path.clone(), source }
    };
    // Documents of record files by (input, file, line); documents of text files in order.
    let mut by_line: HashMap<(usize, &str), HashMap<u64, u32>> = HashMap::new();
    let mut text_docs: Vec<u32> = Vec::new();
    for (i, d) in run.docs.iter().enumerate() {
        if d.origin.input >= only_inputs {
            continue;
        }
        match d.origin.line {
            Some(l) => {
                by_line.entry((d.origin.input, &*d.origin.source)).or_default().insert(l, i as u32);
            }
            None => text_docs.push(i as u32),
        }
    }
    let cluster_of = cluster_ids(run);
    let rep_of: HashMap<u32, u32> = plan.removed.iter().map(|r| (r.doc, r.duplicate_of)).collect();

    // The record files of every input, in the order they were read: JSON Lines files and the
    // shards of directories; tables and arrays apart.
    let mut jsonl: Vec<(usize, PathBuf)> = Vec::new();
    let mut others: Vec<(usize, PathBuf, CopyFormat)> = Vec::new();
    for (k, input) in out.inputs[..only_inputs.min(out.inputs.len())].iter().enumerate() {
        for (p, f) in corpus::copy_files(input, &run.config.corpus)? {
            match f {
                CopyFormat::Lines => jsonl.push((k, p)),
                _ => others.push((k, p, f)),
            }
        }
    }
    // A file whose records were analysed but that is no longer there changed too.
    for (&(k, source), lines) in &by_line {
        let named = |i: usize, p: &Path| i == k && p.display().to_string() == source;
        if !jsonl.iter().any(|(i, p)| named(*i, p)) && !others.iter().any(|(i, p, _)| named(*i, p)) {
            let line = lines.keys().min().copied().unwrap_or_default();
            return Err(DedupError::Changed { source_name: source.to_owned(), line });
        }
    }
    if !jsonl.is_empty() {
        let gz = jsonl.iter().all(|(_, p)| p.to_string_lossy().to_lowercase().ends_with(".gz"));
        let stem = if out.annotate { "annotated" } else { "kept" };
        let path = out.dir.join(if gz { format!("{stem}.jsonl.gz") } else { format!("{stem}.jsonl") });
        let err = wrap(&path);
        let file = AtomicFile::create(&path).map_err(&err)?;
        let mut sink: Box<dyn WriteCommit> = if gz {
            Box::new(flate2::write::GzEncoder::new(file, flate2::Compression::fast()))
        } else {
            Box::new(file)
        };
        let cap = run.config.corpus.max_doc_bytes;
        let none = HashMap::new();
        for (k, p) in &jsonl {
            // Every record copied is checked against the checksum taken when it was analysed,
            // so a file replaced between the two reads is an error, never a silent mix.
            let source_name = p.display().to_string();
            let docs = by_line.get(&(*k, source_name.as_str())).unwrap_or(&none);
            let mut expected: Vec<u64> = docs.keys().copied().collect();
            expected.sort_unstable();
            let mut matched = 0usize;
            let mut changed = None;
            let mut copy = |line: u64, raw: Option<&[u8]>| -> io::Result<()> {
                let Some(&doc) = docs.get(&line) else { return Ok(()) };
                // Over-long lines were skipped by the first read too: one where a document was
                // analysed means the file changed.
                let Some(raw) =
                    raw.filter(|raw| xxhash_rust::xxh3::xxh3_64(raw) == run.docs[doc as usize].record_xxh3)
                else {
                    changed = Some(line);
                    return Err(io::Error::other("changed"));
                };
                matched += 1;
                if out.annotate {
                    let d = &run.docs[doc as usize];
                    let dup = rep_of.get(&doc).map(|&r| run.docs[r as usize].id.as_str());
                    let record = if line == 1 { corpus::without_bom(raw) } else { raw };
                    annotate_line(record, cluster_of.get(&doc).copied(), dup, &mut sink).map_err(
                        |e| match e {
                            AnnotateError::Io(e) => e,
                            AnnotateError::Clash(field) => io::Error::other(format!(
                                "{}:{line}: the record already has a field `{field}`, which --annotate adds",
                                d.origin.source
                            )),
                        },
                    )
                } else if !plan.is_removed[doc as usize] {
                    sink.write_all(raw)?;
                    if !raw.ends_with(b"\n") {
                        sink.write_all(b"\n")?;
                    }
                    Ok(())
                } else {
                    Ok(())
                }
            };
            let read = corpus::for_each_line(p, cap, |line, raw| {
                copy(line, raw).map(|()| ControlFlow::Continue(()))
            });
            match (read, changed) {
                (_, Some(line)) => return Err(DedupError::Changed { source_name, line }),
                (Err(e), None) => return Err(e.into()),
                (Ok(()), None) if matched < expected.len() => {
                    let line = expected.get(matched).copied().unwrap_or_default();
                    return Err(DedupError::Changed { source_name, line });
                }
                (Ok(()), None) => {}
            }
        }
        written.push(sink.stage_all().map_err(&err)?);
    }
    written.extend(copy::write_copies(run, plan, out, &others)?);

    if !text_docs.is_empty() {
        let path = out.dir.join("kept.txt");
        let err = wrap(&path);
        let mut f = AtomicFile::create(&path).map_err(&err)?;
        for &d in &text_docs {
            if !plan.is_removed[d as usize] {
                writeln!(f, "{}", run.docs[d as usize].origin.source).map_err(&err)?;
            }
        }
        written.push(f.stage().map_err(&err)?);
        if let Some(dest) = out.copy_to {
            for &d in &text_docs {
                if plan.is_removed[d as usize] {
                    continue;
                }
                let doc = &run.docs[d as usize];
                let target = dest.join(&doc.id);
                let err = wrap(&target);
                if let Some(parent) = target.parent() {
                    std::fs::create_dir_all(parent).map_err(&err)?;
                }
                let mut f = AtomicFile::create(&target).map_err(&err)?;
                let bytes = corpus::read_bytes(Path::new(&*doc.origin.source))?;
                if xxhash_rust::xxh3::xxh3_64(&bytes) != doc.record_xxh3 {
                    return Err(DedupError::Changed { source_name: doc.origin.source.to_string(), line: 1 });
                }
                f.write_all(&bytes).map_err(&err)?;
                written.push(f.stage().map_err(&err)?);
            }
        }
    }

    let path = out.dir.join("removed.jsonl");
    let err = wrap(&path);
    let mut f = AtomicFile::create(&path).map_err(&err)?;
    for r in &plan.removed {
        let line = serde_json::to_string(&removed_record(run, r)).map_err(|e| err(io::Error::other(e)))?;
        writeln!(f, "{line}").map_err(&err)?;
    }
    written.push(f.stage().map_err(&err)?);
    Ok(written)
}

/// A writer that can be staged (plain atomic file, or gzip over one).
trait WriteCommit: Write {
    fn stage_all(self: Box<Self>) -> io::Result<Staged>;
}

impl WriteCommit for AtomicFile {
    fn stage_all(self: Box<Self>) -> io::Result<Staged> {
        (*self).stage()
    }
}

impl WriteCommit for flate2::write::GzEncoder<AtomicFile> {
    fn stage_all(self: Box<Self>) -> io::Result<Staged> {
        (*self).finish()?.stage()
    }
}

enum AnnotateError {
    Io(io::Error),
    Clash(&'static str),
}

/// Appends the annotation fields to a raw JSON object line, keeping every original byte of
/// the object before its closing brace.
fn annotate_line(
    raw: &[u8],
    cluster: Option<usize>,
    duplicate_of: Option<&str>,
    out: &mut dyn Write,
) -> Result<(), AnnotateError> {
    let value: serde_json::Map<String, serde_json::Value> =
        serde_json::from_slice(raw).map_err(|e| AnnotateError::Io(io::Error::other(e)))?;
    if let Some(f) = ANNOTATE_FIELDS.iter().find(|f| value.contains_key(**f)) {
        return Err(AnnotateError::Clash(f));
    }
    let body = raw.trim_ascii_end();
    let close = body.len().saturating_sub(1);
    let head = &body[..close];
    let empty = value.is_empty();
    let fields = serde_json::json!({
        "cluster": cluster,
        "duplicate_of": duplicate_of,
        "is_representative": duplicate_of.is_none(),
    });
    let mut extra = String::new();
    for (i, k) in ANNOTATE_FIELDS.iter().enumerate() {
        if i > 0 || !empty {
            extra.push_str(", ");
        }
        extra.push_str(&format!("\"{k}\": {}", fields[*k]));
    }
    let io = AnnotateError::Io;
    out.write_all(head).map_err(io)?;
    out.write_all(extra.as_bytes()).map_err(io)?;
    out.write_all(b"}\n").map_err(io)?;
    Ok(())
}

/// The plan of `reprint dedup`: within the corpus, or, when `against` is set, against the
/// reference documents (those of input `only_inputs` and later).
pub fn plan_for(run: &RunResult, only_inputs: usize, against: bool) -> Plan {
    if against {
        let is_ref: Vec<bool> = run.docs.iter().map(|d| d.origin.input >= only_inputs).collect();
        plan_against(run, &is_ref)
    } else {
        plan(run)
    }
}

/// How many documents a deduplication considered, removed and kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    /// Documents of the inputs (reference documents excluded).
    pub considered: usize,
    /// Removed as duplicates.
    pub removed: usize,
    /// Kept.
    pub kept: usize,
    /// Documents of the reference corpora (`--against`).
    pub reference: usize,
}

/// Counts the documents of `run` that come from the first `only_inputs` inputs, and what
/// `plan` removed of them.
pub fn tally(run: &RunResult, plan: &Plan, only_inputs: usize) -> Tally {
    let considered = run.docs.iter().filter(|d| d.origin.input < only_inputs).count();
    Tally {
        considered,
        removed: plan.removed.len(),
        kept: considered - plan.removed.len(),
        reference: run.docs.len() - considered,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn annotate(raw: &str, cluster: Option<usize>, dup: Option<&str>) -> String {
        let mut out = Vec::new();
        assert!(annotate_line(raw.as_bytes(), cluster, dup, &mut out).is_ok());
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn annotation_appends_fields_and_keeps_original_bytes() {
        assert_eq!(
            annotate("{\"id\":\"a\",  \"text\":\"x\"}\r\n", Some(3), Some("b")),
            "{\"id\":\"a\",  \"text\":\"x\", \"cluster\": 3, \"duplicate_of\": \"b\", \"is_representative\": false}\n"
        );
        assert_eq!(
            annotate("{}", None, None),
            "{\"cluster\": null, \"duplicate_of\": null, \"is_representative\": true}\n"
        );
        let mut out = Vec::new();
        assert!(matches!(
            annotate_line(b"{\"cluster\": 1}", None, None, &mut out),
            Err(AnnotateError::Clash("cluster"))
        ));
    }
}
