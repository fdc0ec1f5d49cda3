//! Per-stage throughput on fixed inputs: the shipped seeds, and SaudiNewsNet when
//! `../shared/data` is present. Every bench checks its own result, so a change that is fast
//! because it broke something fails here.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use reprint::corpus::Input;
use reprint::normalize::{Normalized, Normalizer, Profile};
use reprint::pipeline::{self, CandidateMode, NoProgress, Params};
use reprint::shingle::{ShingleConfig, Shingler};
use reprint::sketch::{simhash, MinHasher};
use std::path::PathBuf;

fn seeds() -> Vec<String> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("seeds");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("seeds/")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    files.iter().map(|p| std::fs::read_to_string(p).expect("seed text")).collect()
}

fn stages(c: &mut Criterion) {
    let texts = seeds();
    let bytes: usize = texts.iter().map(String::len).sum();
    let normalizer = Normalizer::new(Profile::Default);
    let shingler = Shingler::new(ShingleConfig::default(), 42);
    let minhasher = MinHasher::new(128, 42);

    let mut g = c.benchmark_group("seeds");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.bench_function("normalize", |b| {
        let mut out = Normalized::default();
        b.iter(|| {
            let mut tokens = 0;
            for t in &texts {
                normalizer.normalize_into(t, &mut out);
                tokens += out.tokens.len();
            }
            assert_eq!(tokens, 2531, "the seeds hold 2,531 words");
            tokens
        })
    });
    let normalized: Vec<Normalized> = texts.iter().map(|t| normalizer.normalize(t)).collect();
    g.bench_function("shingle", |b| {
        let mut set = Vec::new();
        b.iter(|| {
            let mut n = 0;
            for d in &normalized {
                shingler.set_into(d, &mut set);
                n += set.len();
            }
            assert!(n > 2000, "{n} shingles");
            n
        })
    });
    let sets: Vec<Vec<u64>> = normalized
        .iter()
        .map(|d| {
            let mut s = Vec::new();
            shingler.set_into(d, &mut s);
            s
        })
        .collect();
    g.bench_function("minhash_128", |b| {
        b.iter(|| {
            let sigs: Vec<Vec<u32>> = sets.iter().map(|s| minhasher.signature(s)).collect();
            assert_eq!(sigs[0].len(), 128);
            sigs
        })
    });
    g.bench_function("simhash", |b| {
        b.iter(|| {
            let fps: Vec<u64> = sets.iter().map(|s| simhash(s)).collect();
            assert_ne!(fps[0], fps[1]);
            fps
        })
    });
    g.finish();

    let exact =
        Params { candidates: CandidateMode::Exact, threshold: 0.15, ..Params::default() }.resolve().unwrap();
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("seeds");
    c.bench_function("seeds/pipeline_exact_0.15", |b| {
        b.iter(|| {
            let run = pipeline::run(vec![Input::Dir(dir.clone())], &exact, &NoProgress).unwrap();
            // The one reprint in the seeds: 000 and 002 (cluster stage included).
            assert_eq!(run.clusters.len(), 1);
            assert_eq!(run.clusters[0].members.len(), 2);
            run.stats.verified_pairs
        })
    });
}

fn saudinewsnet(c: &mut Criterion) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data/saudinewsnet.jsonl.gz");
    if !path.exists() {
        eprintln!("skipping saudinewsnet benches: {} not found", path.display());
        return;
    }
    let config = Params::default().resolve().unwrap();
    let mut g = c.benchmark_group("saudinewsnet");
    g.sample_size(10);
    g.throughput(Throughput::Bytes(std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0)));
    g.bench_function("cluster_minhash_0.5", |b| {
        b.iter(|| {
            let run = pipeline::run(vec![Input::Jsonl(path.clone())], &config, &NoProgress).unwrap();
            assert_eq!(run.stats.documents, 31_030);
            // The exact join finds 10,177 pairs at 0.5; LSH must keep at least 95% of them.
            assert!(run.stats.verified_pairs >= 9_668, "{} pairs", run.stats.verified_pairs);
            run.stats.clusters
        })
    });
    g.finish();
}

criterion_group!(benches, stages, saudinewsnet);
criterion_main!(benches);
