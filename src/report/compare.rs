//! The `reprint compare --json` document, version [`SCHEMA_VERSION`]: both documents, the
//! exact scores, the link verdict, and every shared passage with character offsets and its
//! text on both sides.
//!
//! ```text
//! {
//!   "a": { "id": "000.txt", "source": "seeds/000.txt", "words": 414 },
//!   "b": { "id": "002.txt", "source": "seeds/002.txt", "words": 439 },
//!   "containment_a_in_b": 0.331695, "containment_b_in_a": 0.313225,
//!   "coverage_a": 0.321256, "coverage_b": 0.305239,   // share of each side's words in passages
//!   "figures": [ { "a": [310, 313], "b": [305, 308],     // another figure in the same words:
//!                  "text_a": "2.5", "text_b": "1.5" } ],  // [start, end) in characters, text
//!   "jaccard": 0.192034,
//!   "linked": true,                 // the same story under the parameters below
//!   "linked_by": "passage",         // "jaccard", "passage", "both", or null
//!   "params": { ... },              // as in clusters.json (keys sorted)
//!   "passages": [ { "a": [1259, 1708], "b": [202, 654],   // [start, end) in characters
//!                   "exact": 0.855072, "words": 73,       // share verbatim; length in words
//!                   "text_a": "...", "text_b": "..." } ],  // the passage on each side
//!   "relation": "story",            // "duplicate", "story", "overlap", or null (unrelated)
//!   "schema_version": 2,
//!   "tool": { "name": "reprint", "version": "0.1.0" },
//!   "why": "the same story: 2 shared passage(s), longest 73 words, cover 32% of A and ..."
//! }
//! ```
//!
//! Keys are sorted at every level (the field order below is alphabetical, and the whole
//! document is written through a sorted map, `params` included). Passages are reported
//! whether or not passage linking is on; scores are rounded to 6 decimals.

use super::offsets::{passage_chars, range_chars};
use super::params::{ParamsReport, Tool};
use super::{round6, SCHEMA_VERSION};
use crate::config::Config;
use crate::corpus::RawDoc;
use crate::pipeline::Comparison;
use crate::verify::{LinkedBy, Relation};
use serde::{Deserialize, Serialize};

/// One side of a comparison.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComparedDoc {
    /// Document id.
    pub id: String,
    /// Where it was read (`FILE` or `FILE:LINE`).
    pub source: String,
    /// Words in the document.
    pub words: usize,
}

/// A shared passage, with its text on both sides.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComparedPassage {
    /// `[start, end)` in A's original text, in characters.
    pub a: [u64; 2],
    /// `[start, end)` in B's original text, in characters.
    pub b: [u64; 2],
    /// Share of the passage's shingles matching verbatim.
    pub exact: f64,
    /// The passage in A.
    pub text_a: String,
    /// The passage in B.
    pub text_b: String,
    /// Length in words (the smaller side).
    pub words: usize,
}

/// A place where one figure replaces another (see [`crate::overlap::Figures`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComparedFigure {
    /// `[start, end)` in A's original text, in characters.
    pub a: [u64; 2],
    /// `[start, end)` in B's original text, in characters.
    pub b: [u64; 2],
    /// The words in A.
    pub text_a: String,
    /// The words in B.
    pub text_b: String,
}

/// The whole `compare --json` document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComparisonReport {
    /// Document A.
    pub a: ComparedDoc,
    /// Document B.
    pub b: ComparedDoc,
    /// Share of A's shingles found in B.
    pub containment_a_in_b: f64,
    /// Share of B's shingles found in A.
    pub containment_b_in_a: f64,
    /// Share of A's words inside the passages.
    pub coverage_a: f64,
    /// Share of B's words inside the passages.
    pub coverage_b: f64,
    /// Where one figure replaces another in the same words, in A's order (such a pair is
    /// never a duplicate unless `--ignore-figures`).
    pub figures: Vec<ComparedFigure>,
    /// Exact Jaccard similarity of the shingle sets.
    pub jaccard: f64,
    /// Whether the two are linked under `params`.
    pub linked: bool,
    /// Why they are linked (`null` when not).
    pub linked_by: Option<LinkedBy>,
    /// Resolved parameters.
    pub params: ParamsReport,
    /// Shared passages, in A's order.
    pub passages: Vec<ComparedPassage>,
    /// The strongest relation that holds (`null`: unrelated).
    pub relation: Option<Relation>,
    /// Schema version.
    pub schema_version: u32,
    /// Tool name and version.
    pub tool: Tool,
    /// Why the relation holds (or none does), in one sentence.
    pub why: String,
}

impl ComparisonReport {
    /// The report of comparing `a` with `b` under `config`.
    pub fn new(a: &RawDoc, b: &RawDoc, cmp: &Comparison, config: &Config) -> Self {
        let chars = passage_chars(&a.text, &b.text, &cmp.alignment.passages);
        let slice = |t: &str, r: (u32, u32)| t.get(r.0 as usize..r.1 as usize).unwrap_or_default().to_owned();
        let passages = cmp
            .alignment
            .passages
            .iter()
            .zip(chars)
            .map(|(p, (ca, cb))| ComparedPassage {
                a: ca,
                b: cb,
                exact: round6(p.exact),
                text_a: slice(&a.text, p.a),
                text_b: slice(&b.text, p.b),
                words: p.words,
            })
            .collect();
        let figures = range_chars(a.text.as_bytes(), b.text.as_bytes(), &cmp.figures)
            .into_iter()
            .zip(&cmp.figures)
            .map(|((ca, cb), &(x, y))| ComparedFigure {
                a: ca,
                b: cb,
                text_a: slice(&a.text, x),
                text_b: slice(&b.text, y),
            })
            .collect();
        let s = &cmp.scores;
        ComparisonReport {
            a: ComparedDoc { id: a.id.clone(), source: a.origin.to_string(), words: cmp.words.0 },
            b: ComparedDoc { id: b.id.clone(), source: b.origin.to_string(), words: cmp.words.1 },
            containment_a_in_b: round6(s.containment_a_in_b),
            containment_b_in_a: round6(s.containment_b_in_a),
            coverage_a: round6(cmp.alignment.coverage_a),
            coverage_b: round6(cmp.alignment.coverage_b),
            figures,
            jaccard: round6(s.jaccard),
            linked: cmp.linked_by.is_some(),
            linked_by: cmp.linked_by,
            params: ParamsReport::new(config),
            passages,
            relation: cmp.relation,
            schema_version: SCHEMA_VERSION,
            tool: Tool::current(),
            why: cmp.why.clone(),
        }
    }

    /// The document as pretty-printed JSON with sorted keys and a trailing newline.
    pub fn to_json(&self) -> Vec<u8> {
        super::sorted_json(self)
    }
}
