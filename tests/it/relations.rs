//! The three relations (duplicate, story, overlap) on real corpora, against oracles computed
//! here independently of the alignment code. Skipped with a message when `../shared/data` is
//! absent.

use crate::common::{read_json, reprint, shared_data};
use reprint::normalize::{Normalizer, Profile};
use reprint::shingle::{ShingleConfig, ShingleKind, Shingler};
use std::collections::{HashMap, HashSet};
use std::io::{BufRead, Write};
use std::path::Path;

fn jsonl(path: &Path) -> Vec<serde_json::Value> {
    let f = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let r: Box<dyn BufRead> = if path.extension().is_some_and(|e| e == "gz") {
        Box::new(std::io::BufReader::new(flate2::read::GzDecoder::new(f)))
    } else {
        Box::new(std::io::BufReader::new(f))
    };
    r.lines().map(|l| serde_json::from_str(&l.unwrap()).expect("JSON line")).collect()
}

fn texts(path: &Path) -> HashMap<String, String> {
    jsonl(path)
        .into_iter()
        .map(|v| (v["id"].as_str().unwrap().to_owned(), v["text"].as_str().unwrap().to_owned()))
        .collect()
}

fn normalized_words(text: &str) -> Vec<String> {
    Normalizer::new(Profile::Default).normalize(text).words().map(str::to_owned).collect()
}

/// Oracle for "words of `d` outside `k`": a word of `d` is inside `k` when some word 5-gram
/// of `d` that contains it is also a 5-gram of `k`. Returns (outside, words).
fn words_outside(d: &str, k: &str) -> (usize, usize) {
    let norm = Normalizer::new(Profile::Default);
    let sh = Shingler::new(ShingleConfig { kind: ShingleKind::Word, size: 5 }, 42);
    let (nd, nk) = (norm.normalize(d), norm.normalize(k));
    let (mut hd, mut hk) = (Vec::new(), Vec::new());
    sh.hashes_into(&nd, &mut hd);
    sh.hashes_into(&nk, &mut hk);
    let in_k: HashSet<u64> = hk.into_iter().collect();
    let words = nd.tokens.len();
    let mut covered = vec![false; words];
    for (i, h) in hd.iter().enumerate() {
        if in_k.contains(h) {
            for c in covered.iter_mut().skip(i).take(5) {
                *c = true;
            }
        }
    }
    (covered.iter().filter(|&&c| !c).count(), words)
}

fn dedup(input: &Path, out: &Path, args: &[&str]) -> Vec<serde_json::Value> {
    reprint().arg("dedup").arg(input).arg("--out").arg(out).arg("-q").args(args).assert().success();
    jsonl(&out.join("removed.jsonl"))
}

/// `--threshold 1` asks for copies equal after normalization, and only those: BBC News has
/// 98 exact copies and 5 more that differ only in case, punctuation or spacing.
#[test]
fn bbc_threshold_one_removes_only_copies_equal_after_normalization() {
    let Some(input) = shared_data("bbc_news.jsonl.gz") else { return };
    let out = tempfile::tempdir().unwrap();
    let removed = dedup(&input, out.path(), &["--threshold", "1"]);
    assert!((98..=103).contains(&removed.len()), "{} removed", removed.len());
    let t = texts(&input);
    for r in &removed {
        let (d, k) = (r["id"].as_str().unwrap(), r["duplicate_of"].as_str().unwrap());
        assert_eq!(normalized_words(&t[d]), normalized_words(&t[k]), "{d} removed as a copy of {k}");
    }
}

/// With default settings no removed document has a fifth or more of its words outside the
/// document kept in its place (BBC News and the harder development set), and on the
/// development set no document is removed as a duplicate of another story and no story loses
/// every document.
#[test]
fn default_dedup_never_removes_a_document_with_its_own_content() {
    for name in ["bbc_news.jsonl.gz", "reprints_dev_ar_v2/docs.jsonl.gz"] {
        let Some(input) = shared_data(name) else { return };
        let out = tempfile::tempdir().unwrap();
        let removed = dedup(&input, out.path(), &[]);
        assert!(removed.len() > 90, "{name}: {} removed", removed.len());
        let t = texts(&input);
        for r in &removed {
            let (d, k) = (r["id"].as_str().unwrap(), r["duplicate_of"].as_str().unwrap());
            let (outside, words) = words_outside(&t[d], &t[k]);
            assert!(
                (outside as f64) < 0.2 * words as f64,
                "{name}: {d} removed as a duplicate of {k} has {outside} of {words} words of its own"
            );
            assert_eq!(r["relation"], "duplicate");
            assert!(r.get("via").is_none());
        }
    }
    let Some(labels) = shared_data("reprints_dev_ar_v2/labels.jsonl.gz") else { return };
    let Some(input) = shared_data("reprints_dev_ar_v2/docs.jsonl.gz") else { return };
    let story: HashMap<String, String> = jsonl(&labels)
        .into_iter()
        .map(|v| (v["id"].as_str().unwrap().to_owned(), v["cluster"].to_string()))
        .collect();
    let out = tempfile::tempdir().unwrap();
    let removed = dedup(&input, out.path(), &[]);
    let gone: HashSet<&str> = removed.iter().map(|r| r["id"].as_str().unwrap()).collect();
    for r in &removed {
        let (d, k) = (r["id"].as_str().unwrap(), r["duplicate_of"].as_str().unwrap());
        assert_eq!(story[d], story[k], "{d} removed as a duplicate of {k}, another story");
    }
    let mut members: HashMap<&str, Vec<&str>> = HashMap::new();
    for (id, s) in &story {
        members.entry(s.as_str()).or_default().push(id.as_str());
    }
    for (s, m) in members {
        assert!(m.iter().any(|id| !gone.contains(id)), "story {s} lost every document");
    }
}

/// Story clusters on real news stay small: template, formula and boilerplate text does not
/// chain different events into one component, and two stories joined by a sparse cut are split.
#[test]
fn saudinewsnet_has_no_story_cluster_over_40_documents() {
    let Some(input) = shared_data("saudinewsnet.jsonl.gz") else { return };
    let out = tempfile::tempdir().unwrap();
    reprint()
        .arg("cluster")
        .arg(&input)
        .arg("--out")
        .arg(out.path())
        .args(["-q", "--no-html"])
        .assert()
        .success();
    let report = read_json(&out.path().join("clusters.json"));
    let largest = report["clusters"].as_array().unwrap().iter().map(|c| c["size"].as_u64().unwrap()).max();
    eprintln!("largest cluster: {largest:?}");
    assert!(largest.is_some_and(|n| n <= 40), "largest cluster {largest:?}");
    assert!(report["summary"]["overlap_pairs"].as_u64().unwrap() > 1000);

    // The king's departure on a private holiday (25 July) and his arrival in Morocco (2 August)
    // are two stories whose reports list the same delegation: joined as plain components,
    // split at the sparse cut by default, the links across it reported as overlaps.
    let (departure, arrival) = ("2015-07-25-00352", "2015-08-02-00747");
    let cluster_of = |report: &serde_json::Value, id: &str| {
        report["clusters"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["members"].as_array().unwrap().iter().any(|m| m == id))
            .map(|c| c["id"].clone())
    };
    assert!(cluster_of(&report, departure).is_some() && cluster_of(&report, arrival).is_some());
    assert_ne!(cluster_of(&report, departure), cluster_of(&report, arrival));
    assert!(report["summary"]["split_links"].as_u64().unwrap() > 0);
    let across = std::fs::read_to_string(out.path().join("overlaps.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .find(|p| p["a"] == departure && p["b"] == arrival)
        .expect("the departure and the arrival share the delegation list");
    assert_eq!(across["relation"], "overlap");
    assert_eq!(across["set_aside"], "cut");
    assert!(across.get("set_aside_by").is_none());
    // Every link set aside says what set it aside: as many cuts as links across sparse cuts, as
    // many roundups and hubs as links pruning set aside.
    let overlaps = std::fs::read_to_string(out.path().join("overlaps.jsonl")).unwrap();
    let manifest = read_json(&out.path().join("manifest.json"));
    let count = |why: &str| overlaps.matches(&format!("\"set_aside\":\"{why}\"")).count() as u64;
    assert_eq!(count("cut"), report["summary"]["split_links"].as_u64().unwrap());
    assert_eq!(count("roundup") + count("hub"), manifest["counts"]["pruned_links"].as_u64().unwrap());
    let components = tempfile::tempdir().unwrap();
    reprint()
        .arg("cluster")
        .arg(&input)
        .arg("--out")
        .arg(components.path())
        .args(["-q", "--no-html", "--cluster", "components"])
        .assert()
        .success();
    let plain = read_json(&components.path().join("clusters.json"));
    assert_eq!(plain["summary"]["split_links"], 0);
    assert_eq!(cluster_of(&plain, departure), cluster_of(&plain, arrival));
}

/// Small borrowings: verbatim passages of 60–150 words planted inside long documents (each
/// passage under a tenth of its hosts) are all reported in `overlaps.jsonl`, with character
/// offsets that slice to the planted text in both originals.
#[test]
fn planted_passages_inside_long_documents_are_all_in_overlaps() {
    let Some(input) = shared_data("bbc_news.jsonl.gz") else { return };
    let docs = jsonl(&input);
    let text = |i: usize| docs[i]["text"].as_str().unwrap().to_owned();
    // Distinct texts only (the corpus holds exact copies).
    let mut seen = HashSet::new();
    let pool: Vec<usize> = (0..docs.len()).filter(|&i| seen.insert(text(i))).collect();
    let mut rng = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move |n: usize| {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        (rng % n as u64) as usize
    };
    let plants = 20;
    // Hosts: 2 per planted passage, each 7 consecutive distinct articles (well over 1,500
    // words); donors: the articles after them, never part of a host.
    let mut hosts: Vec<String> = (0..2 * plants)
        .map(|h| (0..7).map(|k| text(pool[h * 7 + k])).collect::<Vec<_>>().join("\n\n"))
        .collect();
    let mut planted = Vec::new();
    for p in 0..plants {
        let donor = text(pool[2 * plants * 7 + p]);
        let words: Vec<&str> = donor.split_whitespace().collect();
        let len = 60 + next(91);
        let start = next(words.len().saturating_sub(len).max(1));
        let passage = words[start..(start + len).min(words.len())].join(" ");
        let passage = passage.trim_matches(|c: char| !c.is_alphanumeric()).to_owned();
        // Insert at paragraph breaks whose neighbouring words differ between the two hosts, so
        // the shared text is exactly the planted passage.
        let word_after = |t: &str, at: usize| t[at..].split_whitespace().next().unwrap_or("").to_owned();
        let word_before = |t: &str, at: usize| t[..at].split_whitespace().last().unwrap_or("").to_owned();
        let cuts = |t: &str| -> Vec<usize> { t.match_indices("\n\n").map(|(i, _)| i).collect() };
        let (ca, cb) = (cuts(&hosts[2 * p]), cuts(&hosts[2 * p + 1]));
        let (mut at_a, mut at_b) = (ca[next(ca.len())], cb[next(cb.len())]);
        while word_after(&hosts[2 * p], at_a) == word_after(&hosts[2 * p + 1], at_b)
            || word_before(&hosts[2 * p], at_a) == word_before(&hosts[2 * p + 1], at_b)
        {
            (at_a, at_b) = (ca[next(ca.len())], cb[next(cb.len())]);
        }
        for (h, at) in [(2 * p, at_a), (2 * p + 1, at_b)] {
            let host = &hosts[h];
            hosts[h] = format!("{}\n\n{}\n\n{}", &host[..at], passage, &host[at..]);
        }
        planted.push(passage);
    }
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("hosts.jsonl");
    let mut f = std::fs::File::create(&corpus).unwrap();
    for (h, t) in hosts.iter().enumerate() {
        writeln!(f, "{}", serde_json::json!({"id": format!("host{h:03}"), "text": t})).unwrap();
    }
    drop(f);
    let out = dir.path().join("out");
    reprint().arg("cluster").arg(&corpus).arg("--out").arg(&out).args(["-q", "--no-html"]).assert().success();
    let overlaps = jsonl(&out.join("overlaps.jsonl"));
    let slice = |t: &str, r: &serde_json::Value| -> String {
        let (s, e) = (r[0].as_u64().unwrap() as usize, r[1].as_u64().unwrap() as usize);
        t.chars().skip(s).take(e - s).collect()
    };
    for (p, passage) in planted.iter().enumerate() {
        let (a, b) = (format!("host{:03}", 2 * p), format!("host{:03}", 2 * p + 1));
        let words = passage.split_whitespace().count();
        let (ta, tb) = (&hosts[2 * p], &hosts[2 * p + 1]);
        assert!((words as f64) < 0.1 * ta.split_whitespace().count() as f64);
        let pair =
            overlaps.iter().find(|o| o["a"] == a.as_str() && o["b"] == b.as_str()).unwrap_or_else(|| {
                panic!("planted passage {p} ({words} words) between {a} and {b} not reported")
            });
        let found = pair["passages"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| slice(ta, &x["a"]) == *passage && slice(tb, &x["b"]) == *passage);
        assert!(
            found,
            "passage {p}: offsets do not slice to the planted text {passage:?}: {pair}; sliced: {:?}",
            pair["passages"].as_array().unwrap().iter().map(|x| slice(ta, &x["a"])).collect::<Vec<_>>()
        );
    }
}

/// `--no-prune` decides every pair on its own: on the development set with roundups, the same
/// pairs are related with and without it, pruning sets some story links aside by default and
/// none with the flag, and every pair whose relation differs is weaker with pruning (a roundup
/// link set aside, or a duplicate of a roundup refused), never stronger.
/// What set a link aside, and the document that did (`set_aside`, `set_aside_by`), if anything.
type Aside = Option<(String, String)>;

#[test]
fn no_prune_keeps_the_links_pruning_sets_aside_and_changes_nothing_else() {
    let Some(input) = shared_data("reprints_dev_ar_v2/docs.jsonl.gz") else { return };
    let work = tempfile::tempdir().unwrap();
    let run = |name: &str, extra: &[&str]| {
        let out = work.path().join(name);
        reprint()
            .args(["cluster", "-q", "--no-html", "--cluster", "components"])
            .args(extra)
            .arg(&input)
            .arg("--out")
            .arg(&out)
            .assert()
            .success();
        let pairs: HashMap<(String, String), (String, Aside)> = jsonl(&out.join("overlaps.jsonl"))
            .into_iter()
            .map(|p| {
                let side = |k: &str| p[k].as_str().map(str::to_owned);
                let aside = side("set_aside").map(|why| (why, side("set_aside_by").unwrap_or_default()));
                ((side("a").unwrap(), side("b").unwrap()), (side("relation").unwrap(), aside))
            })
            .collect();
        (read_json(&out.join("manifest.json")), pairs)
    };
    let (pruned, with) = run("pruned", &[]);
    let (kept, without) = run("kept", &["--no-prune"]);
    assert!(pruned["counts"]["pruned_links"].as_u64().unwrap() > 0);
    assert_eq!(kept["counts"]["pruned_links"], 0);
    assert_eq!(kept["params"]["no_prune"], true);
    assert!(pruned["params"].get("no_prune").is_none());
    assert_eq!(with.keys().collect::<HashSet<_>>(), without.keys().collect::<HashSet<_>>());
    let strength = |r: &str| ["overlap", "story", "duplicate"].iter().position(|x| *x == r).unwrap();
    let differ: Vec<_> = with.iter().filter(|(k, (r, _))| without[*k].0 != *r).collect();
    assert!(!differ.is_empty());
    for (k, (r, _)) in &differ {
        assert!(strength(r) < strength(&without[*k].0), "{k:?}: {r} pruned, {} kept", without[*k].0);
    }
    // Exactly the story links pruning turned into overlaps say so, naming the roundup (one of
    // the two); without pruning no pair is set aside.
    assert!(without.values().all(|(_, aside)| aside.is_none()));
    let mut aside = 0;
    for ((a, b), (r, why)) in &with {
        let set_aside = r == "overlap" && without[&(a.clone(), b.clone())].0 != "overlap";
        match why {
            Some((why, by)) => {
                assert!(set_aside, "{a} {b}: {r} is not a story link set aside");
                assert_eq!(why, "roundup");
                assert!(by == a || by == b, "{a} {b}: set aside by {by}");
                aside += 1;
            }
            None => assert!(!set_aside, "{a} {b}: a story link set aside does not say so"),
        }
    }
    assert_eq!(aside as u64, pruned["counts"]["pruned_links"].as_u64().unwrap());
}

/// A boilerplate star: one paragraph carried by twelve unrelated articles (a fifth of each) and
/// making up most of a short document. Held by more than half of `--max-family` documents, it
/// links the short document to every carrier as their "main content" when each pair is decided
/// on its own (`--no-prune`), which chains the twelve into one cluster; by default the short
/// document is a hub of boilerplate and every one of those links is an overlap.
#[test]
fn a_short_document_that_is_mostly_boilerplate_does_not_chain_the_articles_carrying_it() {
    let dir = tempfile::tempdir().unwrap();
    let carriers = 12;
    let Some(path) = boilerplate_star(dir.path(), carriers) else { return };
    let run = |name: &str, extra: &[&str]| {
        let out = dir.path().join(name);
        reprint().arg("cluster").arg(&path).arg("--out").arg(&out).arg("-q").args(extra).assert().success();
        let hub_links: HashMap<String, String> = jsonl(&out.join("overlaps.jsonl"))
            .into_iter()
            .filter(|p| p["b"] == "hub" || p["a"] == "hub")
            .map(|p| {
                let other = if p["a"] == "hub" { &p["b"] } else { &p["a"] };
                // What set the link aside, if anything: the hub.
                let aside = match (&p["set_aside"], &p["set_aside_by"]) {
                    (serde_json::Value::Null, serde_json::Value::Null) => String::new(),
                    (why, by) => format!(" set aside: {} by {}", why.as_str().unwrap(), by.as_str().unwrap()),
                };
                (other.as_str().unwrap().to_owned(), format!("{}{aside}", p["relation"].as_str().unwrap()))
            })
            .collect();
        (crate::common::clusters(&read_json(&out.join("clusters.json"))), hub_links)
    };
    // Each pair on its own: the hub is linked to every carrier, and chains them all.
    let (chained, links) = run("unpruned", &["--no-prune", "--no-html"]);
    assert_eq!(links.len(), carriers, "{links:?}");
    assert!(links.values().all(|r| r == "story"), "{links:?}");
    assert!(chained.iter().any(|c| c.len() == carriers + 1), "{chained:?}");
    // By default: still reported, as overlaps set aside by the hub, and no cluster.
    let (clusters, links) = run("default", &[]);
    assert_eq!(links.len(), carriers, "{links:?}");
    assert!(links.values().all(|r| r == "overlap set aside: hub by hub"), "{links:?}");
    assert!(clusters.is_empty(), "{clusters:?}");
    // The report's document pages say so in the row of each such link: on the hub's page and
    // on each carrier's.
    let pages = std::fs::read_dir(dir.path().join("default/overlap/d")).unwrap();
    let rows: usize = pages
        .map(|e| {
            std::fs::read_to_string(e.unwrap().path()).unwrap().matches("\">set aside: hub</span>").count()
        })
        .sum();
    assert_eq!(rows, 2 * carriers);
}

/// Writes `star.jsonl` into `dir`: a paragraph of 84 words inserted in the middle of
/// `carriers` distinct BBC News articles of 250–450 words (a sixth to a quarter of each), and a
/// document `hub` of 60 words of another article followed by the paragraph. `None` without
/// `../shared/data`.
pub fn boilerplate_star(dir: &Path, carriers: usize) -> Option<std::path::PathBuf> {
    let input = shared_data("bbc_news.jsonl.gz")?;
    let docs = jsonl(&input);
    let mut seen = HashSet::new();
    let pool: Vec<String> = docs
        .iter()
        .map(|d| d["text"].as_str().unwrap().to_owned())
        .filter(|t| (250..=450).contains(&t.split_whitespace().count()) && seen.insert(t.clone()))
        .collect();
    let words = |t: &str, n: usize| t.split_whitespace().take(n).collect::<Vec<_>>().join(" ");
    let boilerplate = words(&pool[100], 84);
    let mut corpus: Vec<(String, String)> = (0..carriers)
        .map(|i| {
            let w: Vec<&str> = pool[i].split_whitespace().collect();
            let (first, second) = w.split_at(w.len() / 2);
            (
                format!("carrier{i:02}"),
                format!("{}\n\n{boilerplate}\n\n{}", first.join(" "), second.join(" ")),
            )
        })
        .collect();
    corpus.push(("hub".to_owned(), format!("{}\n\n{boilerplate}", words(&pool[101], 60))));
    let path = dir.join("star.jsonl");
    let mut f = std::fs::File::create(&path).unwrap();
    for (id, text) in &corpus {
        writeln!(f, "{}", serde_json::json!({"id": id, "text": text})).unwrap();
    }
    Some(path)
}
