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
    let banding = reprint::lsh::banding::Banding::optimal(0.5, 128);
    // Seeds plus edited copies, so that LSH has buckets to fill.
    let mut many: Vec<Vec<u64>> = Vec::new();
    for k in 0..40u64 {
        for set in &sets {
            many.push(set.iter().map(|&h| if h % 50 == k { h ^ 1 } else { h }).collect());
        }
    }
    let sigs: Vec<Vec<u32>> = many.iter().map(|s| minhasher.signature(s)).collect();
    let sig_refs: Vec<Option<&[u32]>> = sigs.iter().map(|s| Some(s.as_slice())).collect();
    g.bench_function("lsh_banding_200_docs", |b| {
        b.iter(|| {
            let pairs = banding.candidates(&sig_refs, 42);
            // The 40 edited copies of each seed find each other: 5 x C(40, 2) pairs at least.
            assert!(pairs.len() >= 5 * 780, "{} candidates", pairs.len());
            pairs.len()
        })
    });
    let pairs = banding.candidates(&sig_refs, 42);
    let set_refs: Vec<&[u64]> = many.iter().map(Vec::as_slice).collect();
    g.bench_function("verify_200_docs", |b| {
        b.iter(|| {
            let v = reprint::verify::verify(&pairs, &set_refs, 0.5);
            assert!(v.len() >= 5 * 780);
            v.len()
        })
    });
    let config = Params::default().resolve().unwrap();
    let a = pipeline::sequence(&texts[0], &config);
    let b2 = pipeline::sequence(&texts[2], &config);
    g.bench_function("align_000_002", |b| {
        b.iter(|| {
            let al = reprint::overlap::align(&a, &b2, &reprint::overlap::PassageConfig::default());
            // The 1037-soldiers reprint: two passages of 50+ words.
            assert_eq!(al.passages.len(), 2);
            al.coverage_a
        })
    });
    // Aligning many proposed pairs, as the passage stage does: 1,200 documents of four to six
    // paragraphs of 15 to 60 words drawn from a pool of 600 (each in about ten documents),
    // every pair sharing a paragraph aligned once. Most share one too short to report, as on
    // the generated corpora of benches/gen; the count of pairs with a passage is checked
    // against `align`, pair by pair.
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = move |n: u64| {
        state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) % n
    };
    let paragraphs: Vec<String> = (0..600)
        .map(|_| {
            let words = 15 + next(46);
            (0..words).map(|_| format!("w{}", next(20_000))).collect::<Vec<_>>().join(" ")
        })
        .collect();
    let mut holding: Vec<Vec<u32>> = vec![Vec::new(); paragraphs.len()];
    let docs: Vec<reprint::overlap::Sequence> = (0..1_200u32)
        .map(|d| {
            let picked: Vec<usize> =
                (0..4 + next(3)).map(|_| next(paragraphs.len() as u64) as usize).collect();
            for &p in &picked {
                holding[p].push(d);
            }
            let text = picked.iter().map(|&p| paragraphs[p].as_str()).collect::<Vec<_>>().join(" ");
            pipeline::sequence(&text, &config)
        })
        .collect();
    let mut pairs: Vec<(u32, u32)> = holding
        .iter()
        .flat_map(|h| h.iter().flat_map(|&a| h.iter().filter(move |&&b| b > a).map(move |&b| (a, b))))
        .collect();
    pairs.sort_unstable();
    pairs.dedup();
    let rule = reprint::overlap::PassageConfig::default();
    let with_passages = pairs
        .iter()
        .filter(|&&(a, b)| {
            !reprint::overlap::align(&docs[a as usize], &docs[b as usize], &rule).passages.is_empty()
        })
        .count();
    assert!(with_passages > 0 && with_passages < pairs.len() / 2, "{with_passages} of {}", pairs.len());
    g.throughput(Throughput::Elements(pairs.len() as u64));
    g.bench_function("align_if_passage_pairs_sharing_paragraphs", |b| {
        b.iter(|| {
            let found = pairs
                .iter()
                .filter(|&&(a, b)| {
                    reprint::overlap::align_if_passage(&docs[a as usize], &docs[b as usize], &rule).is_some()
                })
                .count();
            assert_eq!(found, with_passages);
            found
        })
    });
    g.finish();

    // Clustering: 10,000 documents in 1,000 chains of 10 linked documents.
    struct Keys(Vec<String>);
    impl reprint::cluster::DocKeys for Keys {
        fn id(&self, d: u32) -> &str {
            &self.0[d as usize]
        }
        fn char_len(&self, _: u32) -> usize {
            1
        }
        fn shingles(&self, _: u32) -> &[u64] {
            &[]
        }
    }
    let keys = Keys((0..10_000).map(|i| format!("doc{i:05}")).collect());
    let scores =
        reprint::verify::Scores { jaccard: 0.9, containment_a_in_b: 0.9, containment_b_in_a: 0.9, shared: 9 };
    let links: Vec<reprint::verify::VerifiedPair> = (0..10_000u32)
        .filter(|i| i % 10 != 9)
        .map(|i| reprint::verify::VerifiedPair {
            a: i,
            b: i + 1,
            scores,
            linked_by: reprint::verify::LinkedBy::Jaccard,
            alignment: None,
            relation: reprint::verify::Relation::Story,
            set_aside: None,
        })
        .collect();
    c.bench_function("cluster_10k_docs_9k_links", |b| {
        b.iter(|| {
            let cl = reprint::cluster::cluster(
                10_000,
                &links,
                &keys,
                reprint::cluster::Keep::First,
                reprint::cluster::ClusterMethod::Components,
            );
            assert_eq!(cl.len(), 1_000);
            assert!(cl.iter().all(|c| c.members.len() == 10 && c.cohesion.unlinked_pairs == 36));
            cl.len()
        })
    });

    // Document-frequency lookups on a table the size of a million-document corpus's shared
    // fingerprints (the passage stage looks up every fingerprint of every aligned document).
    let mut rng = reprint::sketch::SplitMix64(7);
    let mut table: Vec<(u64, u32)> = (0..8_000_000).map(|i| (rng.next_u64(), 2 + i % 50)).collect();
    table.sort_unstable();
    table.dedup_by_key(|e| e.0);
    let probes: Vec<(u64, u32)> =
        (0..1 << 16).map(|_| table[(rng.next_u64() % table.len() as u64) as usize]).collect();
    let df = reprint::lsh::winnow::DocFrequency::new(table);
    c.bench_function("doc_frequency_8m_64k_lookups", |b| {
        b.iter(|| {
            let found = probes.iter().filter(|&&(h, n)| df.get(h) == n).count();
            assert_eq!(found, probes.len());
            found
        })
    });

    let exact =
        Params { candidates: CandidateMode::Exact, threshold: 0.15, ..Params::default() }.resolve().unwrap();
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("seeds");
    c.bench_function("seeds/pipeline_exact_0.15", |b| {
        b.iter(|| {
            let run =
                pipeline::run(vec![Input::Dir(dir.clone())], &exact, &NoProgress, &mut pipeline::NoOverlaps)
                    .unwrap();
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
    // Whole-document mode: the configuration of the speed bar (peers have no passage stage).
    let config = Params { passages: None, ..Params::default() }.resolve().unwrap();
    let mut g = c.benchmark_group("saudinewsnet");
    g.sample_size(10);
    g.throughput(Throughput::Bytes(std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0)));
    g.bench_function("cluster_minhash_0.5_no_passages", |b| {
        b.iter(|| {
            let run = pipeline::run(
                vec![Input::Jsonl(path.clone())],
                &config,
                &NoProgress,
                &mut pipeline::NoOverlaps,
            )
            .unwrap();
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
