//! `clusters.csv`: one row per document read, the flat table of which cluster each document is
//! in, with its carried fields (`--meta`). Written by `cluster` next to `clusters.json`.
//!
//! ```text
//! id,cluster,representative,size,relation,<meta field>,...
//! 2015-07-21-00000,17,2015-07-21-00000,3,representative,ar,aawsat,...
//! 2015-07-21-00004,17,2015-07-21-00000,3,duplicate,ar,okaz,...
//! 2015-07-21-00001,,2015-07-21-00001,1,singleton,ar,alriyadh,...
//! ```
//!
//! * Rows are sorted by id (as members in `clusters.json`); every document read is a row,
//!   singletons and empty documents included, so grouping by `representative` gives every
//!   document's cluster.
//! * `cluster` is the number of the document's cluster in `clusters.json`, empty for a
//!   singleton or an empty document (in no cluster); then `representative` is the document
//!   itself and `size` is 1.
//! * `relation` is the document's place in its cluster: `representative` (`--keep`),
//!   `duplicate` (linked to the representative as a duplicate, or the same text),
//!   `story` (in the cluster through story links), `singleton` (in no cluster) or `empty` (no
//!   words; never clustered).
//! * Then one column per carried field: the fields `--meta` lists, in that order, or with
//!   `--meta all` every field any document carries, in the order they first appear (a CSV
//!   input's header order). A string is written decoded, a number or boolean as the record
//!   wrote it; a document without the field has an empty cell. A field named like one of the
//!   five columns above is headed `meta.NAME`.
//! * Quoting is RFC 4180 (the `csv` crate): fields holding commas, quotes or line breaks are
//!   quoted, so every value reads back exactly.

use super::{AtomicFile, Staged};
use crate::corpus::{cell_text, fields_of, MetaFields};
use crate::pipeline::RunResult;
use crate::verify::Relation;
use std::collections::HashMap;
use std::io;
use std::path::Path;

/// The five columns before the carried fields.
pub const COLUMNS: [&str; 5] = ["id", "cluster", "representative", "size", "relation"];

/// The carried fields that become columns, in order.
fn meta_columns(run: &RunResult) -> Vec<String> {
    match &run.config.corpus.meta.fields {
        MetaFields::List(l) => l.clone(),
        MetaFields::All => {
            let mut seen: HashMap<String, ()> = HashMap::new();
            let mut out = Vec::new();
            for d in &run.docs {
                for (k, _) in d.meta_json().map(fields_of).unwrap_or_default() {
                    if seen.insert(k.clone(), ()).is_none() {
                        out.push(k);
                    }
                }
            }
            out
        }
    }
}

/// Writes `clusters.csv` of `run` at `path`, staged for [`super::OutputDir::adopt`].
pub fn write(run: &RunResult, path: &Path) -> io::Result<Staged> {
    let docs = &run.docs;
    let mut cluster_of: Vec<Option<usize>> = vec![None; docs.len()];
    for (k, c) in run.clusters.iter().enumerate() {
        for &m in &c.members {
            cluster_of[m as usize] = Some(k);
        }
    }
    // Members linked to their representative as duplicates.
    let mut dup_of_rep = vec![false; docs.len()];
    for c in &run.clusters {
        for p in c.pairs.iter().filter(|p| p.relation == Relation::Duplicate) {
            if p.a == c.representative {
                dup_of_rep[p.b as usize] = true;
            } else if p.b == c.representative {
                dup_of_rep[p.a as usize] = true;
            }
        }
    }
    let meta = meta_columns(run);
    let mut w = csv::Writer::from_writer(AtomicFile::create(path)?);
    let header: Vec<String> = COLUMNS
        .iter()
        .map(|c| c.to_string())
        .chain(
            meta.iter().map(|m| if COLUMNS.contains(&m.as_str()) { format!("meta.{m}") } else { m.clone() }),
        )
        .collect();
    w.write_record(&header)?;
    let mut order: Vec<u32> = (0..docs.len() as u32).collect();
    order.sort_by(|&a, &b| docs[a as usize].id.cmp(&docs[b as usize].id));
    let group = |d: u32| run.identical_to.get(d as usize).copied().unwrap_or(d);
    let mut row: Vec<String> = Vec::with_capacity(header.len());
    for d in order {
        let doc = &docs[d as usize];
        row.clear();
        row.push(doc.id.clone());
        match cluster_of[d as usize].map(|k| &run.clusters[k]) {
            Some(c) => {
                let rep = c.representative;
                let relation = if d == rep {
                    "representative"
                } else if group(d) == group(rep) || dup_of_rep[d as usize] {
                    "duplicate"
                } else {
                    "story"
                };
                row.push(c.id.to_string());
                row.push(docs[rep as usize].id.clone());
                row.push(c.members.len().to_string());
                row.push(relation.to_owned());
            }
            None => {
                row.push(String::new());
                row.push(doc.id.clone());
                row.push("1".to_owned());
                row.push(if doc.is_empty() { "empty" } else { "singleton" }.to_owned());
            }
        }
        let fields = doc.meta_json().map(fields_of).unwrap_or_default();
        for m in &meta {
            row.push(
                fields
                    .iter()
                    .find(|(k, _)| k == m)
                    .map(|(_, v)| cell_text(v).into_owned())
                    .unwrap_or_default(),
            );
        }
        w.write_record(&row)?;
    }
    let file = w.into_inner().map_err(|e| e.into_error())?;
    file.stage()
}
