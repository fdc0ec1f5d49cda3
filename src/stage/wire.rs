//! How a decided pair travels between `stage link` and `--links`: every field the corpus-wide
//! decisions read, as JSON in the link file's `decided` column. Floats travel as their IEEE
//! bits, so a pair read back is exactly the pair decided.

use super::StageError;
use crate::overlap::{Alignment, Passage};
use crate::pipeline::Decided;
use crate::relation::Regions;
use crate::verify::{LinkedBy, Relation, Scores, VerifiedPair};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// Writes `path` (creating its directory) through a temporary file beside it, synced and renamed into place once
/// `write` succeeds: a killed or failed run leaves no file that looks complete.
pub fn write_atomically(
    path: &Path,
    write: impl FnOnce(&mut std::fs::File) -> Result<(), Box<dyn std::error::Error>>,
) -> Result<(), StageError> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| StageError::at(dir, format!("cannot create ({e})")))?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".reprint-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| StageError::at(path, format!("cannot write ({e})")))?;
    write(tmp.as_file_mut()).map_err(|e| StageError::at(path, format!("cannot write ({e})")))?;
    tmp.as_file().sync_all().map_err(|e| StageError::at(path, e))?;
    tmp.persist(path).map_err(|e| StageError::at(path, e.error))?;
    Ok(())
}

#[derive(Serialize, Deserialize)]
struct WirePassage {
    a: (u32, u32),
    b: (u32, u32),
    at: (u32, u32),
    bt: (u32, u32),
    words: usize,
    exact: u64,
}

#[derive(Serialize, Deserialize)]
struct WireAlignment {
    passages: Vec<WirePassage>,
    /// coverage_a, coverage_b, coverage_shorter (bits).
    coverage: [u64; 3],
    /// own_words_a, own_words_b, words_a, words_b.
    words: [usize; 4],
    /// figures_replaced.
    #[serde(default)]
    replaced: usize,
}

#[derive(Serialize, Deserialize)]
struct WireRegions {
    in_a: Vec<(u32, u32)>,
    in_b: Vec<(u32, u32)>,
    cover: [u64; 2],
    by_jaccard: bool,
    story: bool,
    #[serde(default)]
    wide: bool,
}

#[derive(Serialize, Deserialize)]
struct WireDecided {
    relation: Relation,
    by_jaccard: bool,
    /// The pair's own relation field (what the corpus-wide decisions start from).
    pair_relation: Relation,
    linked_by: LinkedBy,
    /// jaccard, containment_a_in_b, containment_b_in_a (bits).
    scores: [u64; 3],
    shared: usize,
    alignment: Option<WireAlignment>,
    regions: Option<WireRegions>,
}

/// The `decided` column's JSON of `d` (its documents travel in the `a`, `b` columns).
pub fn to_json(d: &Decided) -> String {
    let p = &d.pair;
    let s = &p.scores;
    let w = WireDecided {
        relation: d.relation,
        by_jaccard: d.by_jaccard,
        pair_relation: p.relation,
        linked_by: p.linked_by,
        scores: [s.jaccard.to_bits(), s.containment_a_in_b.to_bits(), s.containment_b_in_a.to_bits()],
        shared: s.shared,
        alignment: p.alignment.as_ref().map(|al| WireAlignment {
            passages: al
                .passages
                .iter()
                .map(|x| WirePassage {
                    a: x.a,
                    b: x.b,
                    at: x.a_tokens,
                    bt: x.b_tokens,
                    words: x.words,
                    exact: x.exact.to_bits(),
                })
                .collect(),
            coverage: [al.coverage_a.to_bits(), al.coverage_b.to_bits(), al.coverage_shorter.to_bits()],
            words: [al.own_words_a, al.own_words_b, al.words_a, al.words_b],
            replaced: al.figures_replaced,
        }),
        regions: d.regions.as_ref().map(|r| WireRegions {
            in_a: r.in_a.clone(),
            in_b: r.in_b.clone(),
            cover: [r.cover_a.to_bits(), r.cover_b.to_bits()],
            by_jaccard: r.by_jaccard,
            story: r.story,
            wide: r.wide,
        }),
    };
    serde_json::to_string(&w).expect("a decided pair serializes")
}

/// The pair of documents `a`, `b` decided as `json` says.
pub fn from_json(a: u32, b: u32, json: &str) -> Result<Decided, String> {
    let w: WireDecided = serde_json::from_str(json).map_err(|e| e.to_string())?;
    let f = f64::from_bits;
    let alignment = w.alignment.map(|al| Alignment {
        passages: al
            .passages
            .into_iter()
            .map(|x| Passage {
                a: x.a,
                b: x.b,
                a_tokens: x.at,
                b_tokens: x.bt,
                words: x.words,
                exact: f(x.exact),
            })
            .collect(),
        coverage_a: f(al.coverage[0]),
        coverage_b: f(al.coverage[1]),
        coverage_shorter: f(al.coverage[2]),
        own_words_a: al.words[0],
        own_words_b: al.words[1],
        figures_replaced: al.replaced,
        words_a: al.words[2],
        words_b: al.words[3],
    });
    let regions = w.regions.map(|r| Regions {
        a,
        b,
        in_a: r.in_a,
        in_b: r.in_b,
        cover_a: f(r.cover[0]),
        cover_b: f(r.cover[1]),
        by_jaccard: r.by_jaccard,
        story: r.story,
        wide: r.wide,
    });
    let scores = Scores {
        jaccard: f(w.scores[0]),
        containment_a_in_b: f(w.scores[1]),
        containment_b_in_a: f(w.scores[2]),
        shared: w.shared,
    };
    let pair = VerifiedPair {
        a,
        b,
        scores,
        linked_by: w.linked_by,
        alignment,
        relation: w.pair_relation,
        set_aside: None,
    };
    Ok(Decided { relation: w.relation, by_jaccard: w.by_jaccard, regions, pair })
}
