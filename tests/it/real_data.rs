//! Oracle tests on the real corpora of `../shared/data/` (skipped with a message when absent):
//! LSH recall against the exact join, and exact copies always clustered together.

use crate::common::shared_data;
use reprint::corpus::Input;
use reprint::lsh::{self, banding::Banding};
use reprint::pipeline::{self, Doc, NoProgress, Params};
use reprint::verify;
use std::collections::{HashMap, HashSet};

fn read(path: std::path::PathBuf) -> Vec<Doc> {
    let config = Params::default().resolve().unwrap();
    let (docs, skipped, _) =
        pipeline::read_and_sketch(vec![Input::Jsonl(path)], &config, &NoProgress).unwrap();
    assert!(skipped.is_empty(), "{skipped:?}");
    docs
}

/// LSH (bands and rows chosen from the threshold) against the exact prefix-filtered join on
/// 31,030 Arabic news articles: recall ≥ 98% at 0.8 and ≥ 95% at 0.5.
#[test]
fn lsh_recall_against_exact_join_on_saudinewsnet() {
    let Some(path) = shared_data("saudinewsnet.jsonl.gz") else { return };
    let docs = read(path);
    assert_eq!(docs.len(), 31_030);
    let sets: Vec<&[u64]> = docs.iter().map(|d| d.shingles.as_slice()).collect();
    let indexed: Vec<Option<&[u64]>> =
        docs.iter().map(|d| (!d.is_empty()).then_some(d.shingles.as_slice())).collect();
    let sigs: Vec<Option<&[u32]>> =
        docs.iter().map(|d| (!d.is_empty()).then_some(d.signature.as_slice())).collect();
    for (threshold, min_recall) in [(0.8, 0.98), (0.5, 0.95)] {
        let exact: HashSet<(u32, u32)> =
            verify::verify(&lsh::exact::candidates(&indexed, threshold), &sets, threshold)
                .iter()
                .map(|p| (p.a, p.b))
                .collect();
        let banding = Banding::optimal(threshold, 128);
        let found = verify::verify(&banding.candidates(&sigs, 42), &sets, threshold);
        // Verification makes LSH precise: every reported pair is a true pair.
        assert!(found.iter().all(|p| exact.contains(&(p.a, p.b))));
        let recall = found.len() as f64 / exact.len() as f64;
        eprintln!(
            "threshold {threshold}: exact {} pairs, LSH {} ({banding:?}), recall {recall:.4}",
            exact.len(),
            found.len()
        );
        assert!(exact.len() > 1000, "the corpus has many reprints");
        assert!(recall >= min_recall, "recall {recall} at {threshold}");
    }
}

/// BBC News holds 98 extra exact copies; every group of identical texts must end up inside one
/// cluster with the default settings.
#[test]
fn bbc_exact_copies_share_a_cluster() {
    let Some(path) = shared_data("bbc_news.jsonl.gz") else { return };
    let config = Params::default().resolve().unwrap();
    let run = pipeline::run(vec![Input::Jsonl(path)], &config, &NoProgress).unwrap();
    let mut by_text: HashMap<&str, Vec<u32>> = HashMap::new();
    for (i, d) in run.docs.iter().enumerate() {
        by_text.entry(d.text.as_str()).or_default().push(i as u32);
    }
    let groups: Vec<&Vec<u32>> = by_text.values().filter(|g| g.len() > 1).collect();
    let extra: usize = groups.iter().map(|g| g.len() - 1).sum();
    assert_eq!(extra, 98, "the corpus documents 98 extra exact copies");
    let mut cluster_of = vec![0usize; run.docs.len()];
    for c in &run.clusters {
        for &m in &c.members {
            cluster_of[m as usize] = c.id;
        }
    }
    for g in groups {
        let first = cluster_of[g[0] as usize];
        assert!(first > 0, "{} is in no cluster", run.docs[g[0] as usize].id);
        assert!(g.iter().all(|&m| cluster_of[m as usize] == first), "copies split across clusters");
    }
}
