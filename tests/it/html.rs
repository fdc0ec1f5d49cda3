//! The overlap report: `overlap.html` (the index of clusters) and its pages in `overlap/`.

use crate::common::{read_json, report_pages, reprint, root, seeds};
use std::fs;
use std::path::Path;

fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

fn names(out: &Path) -> Vec<String> {
    report_pages(out).into_iter().map(|(n, _)| n).collect()
}

/// `n` distinct words tagged with `tag`.
fn words(tag: &str, n: usize) -> String {
    (0..n).map(|k| format!("{tag}{k}")).collect::<Vec<_>>().join(" ")
}

#[test]
fn seeds_give_an_index_a_cluster_page_and_a_page_per_linked_document() {
    let out = tmp();
    reprint().arg("cluster").arg(seeds()).args(["-q", "--out"]).arg(out.path()).assert().success();
    assert_eq!(
        names(out.path()),
        [
            "overlap.html",
            "overlap/c/0001.html",
            "overlap/d/0000.html",
            "overlap/d/0002.html",
            "overlap/documents.html"
        ]
    );
    let pages = report_pages(out.path());
    let page = |n: &str| &pages.iter().find(|(p, _)| p == n).expect(n).1;
    let index = page("overlap.html");
    assert_eq!(index.matches("<tr data-id=").count(), 1);
    assert!(index.contains("<a href=\"overlap/c/0001.html\">"));
    let cluster = page("overlap/c/0001.html");
    // The members link their pages; the one link is shown, its first highlights anchored.
    assert!(cluster.contains("href=\"../d/0000.html\"") && cluster.contains("href=\"../d/0002.html\""));
    assert_eq!(cluster.matches("<section class=\"pair\"").count(), 1);
    assert_eq!(cluster.matches("<mark id=\"l1a\"").count(), 1);
    assert_eq!(cluster.matches("<mark id=\"l1b\"").count(), 1);
    assert_eq!(cluster.matches("<mark ").count(), 4, "two passages on each side");
    // The document page: its text with both passages highlighted, the link to its cluster.
    let doc = page("overlap/d/0000.html");
    assert!(doc.contains("<a href=\"../c/0001.html#l1\">cluster 1, link 1</a>"));
    assert_eq!(doc.matches("<mark ").count(), 2);
    // The manifest lists the pages' directory with its size.
    let manifest = read_json(&out.path().join("manifest.json"));
    assert!(manifest.to_string().contains("overlap\""), "{manifest}");
}

#[test]
fn overlaps_show_on_the_pages_of_their_documents() {
    // A 60-word paragraph shared by two 600-word articles: an overlap (a tenth of each), no
    // cluster.
    let shared = words("shared", 60);
    let a = format!("{} {shared} {}", words("a", 300), words("aa", 300));
    let b = format!("{} {shared} {}", words("b", 300), words("bb", 300));
    let dir = tmp();
    let line = |id: &str, t: &str| serde_json::json!({"id": id, "text": t}).to_string() + "\n";
    fs::write(dir.path().join("o.jsonl"), line("one", &a) + &line("two", &b)).unwrap();
    reprint().current_dir(dir.path()).args(["cluster", "o.jsonl", "-q", "--out", "r"]).assert().success();
    let out = dir.path().join("r");
    let overlaps = fs::read_to_string(out.join("overlaps.jsonl")).unwrap();
    assert!(overlaps.contains("\"relation\":\"overlap\""), "{overlaps}");
    assert_eq!(
        names(&out),
        ["overlap.html", "overlap/d/0000.html", "overlap/d/0001.html", "overlap/documents.html"]
    );
    let pages = report_pages(&out);
    let page = |n: &str| &pages.iter().find(|(p, _)| p == n).expect(n).1;
    let one = page("overlap/d/0000.html");
    assert!(one.contains("none (its links are overlaps only)"));
    assert!(one.contains("<span class=\"rel overlap\">overlap</span>"));
    assert!(one.contains("href=\"../d/0001.html\""));
    assert_eq!(one.matches("<section class=\"pair\"").count(), 1, "the overlap side by side");
    // Both sides are folded around the passage: 300 words before it are not all shown.
    assert!(one.contains("<mark id=\"l1a\"") && one.contains("<mark id=\"l1b\""));
    assert!(one.contains("characters: full text …]</a>"));
    let list = page("overlap/documents.html");
    assert!(list.contains("href=\"d/0000.html\"") && list.contains("href=\"d/0001.html\""));
    assert!(page("overlap.html").contains("No clusters"));
}

#[test]
fn html_max_pairs_caps_the_texts_per_page_and_lists_every_link() {
    // Five copies of one text with different tails: one cluster, 10 links.
    let body = words("story", 200);
    let dir = tmp();
    let mut lines = String::new();
    for k in 0..5 {
        let t = format!("{body} tail{k}");
        lines += &(serde_json::json!({"id": format!("d{k}"), "text": t}).to_string() + "\n");
    }
    fs::write(dir.path().join("c.jsonl"), lines).unwrap();
    for (cap, shown) in [("2", 2), ("20", 10)] {
        let out = dir.path().join(format!("r{cap}"));
        reprint()
            .current_dir(dir.path())
            .args(["cluster", "c.jsonl", "-q", "--html-max-pairs", cap, "--out"])
            .arg(&out)
            .assert()
            .success();
        let report = read_json(&out.join("clusters.json"));
        assert_eq!(report["clusters"][0]["pairs"].as_array().unwrap().len(), 10);
        let page = fs::read_to_string(out.join("overlap/c/0001.html")).unwrap();
        assert_eq!(page.matches("<section class=\"pair\"").count(), shown, "cap {cap}");
        // Every link has a row in the table; the shown ones link to their texts.
        assert_eq!(page.matches("<tr><td class=\"num\">").count(), 10);
        assert_eq!(page.matches("<tr><td class=\"num\"><a href=\"#l").count(), shown);
        // The representative's links come first.
        let first = page.split("<section class=\"pair\" id=\"l1\">").nth(1).unwrap();
        assert!(first.split("</h3>").next().unwrap().contains(">d0</a>"));
        assert_eq!(page.contains("The texts of the first 2 of 10 links"), shown == 2);
    }
}

#[test]
fn a_new_run_replaces_the_pages_whole_and_no_html_writes_none() {
    let dir = tmp();
    let out = dir.path().join("r");
    let fixture = root().join("tests/fixtures/html_injection.jsonl");
    reprint().arg("cluster").arg(&fixture).args(["-q", "--out"]).arg(&out).assert().success();
    assert_eq!(fs::read_dir(out.join("overlap/c")).unwrap().count(), 33);
    reprint().arg("cluster").arg(seeds()).args(["-q", "--out"]).arg(&out).assert().success();
    assert_eq!(names(&out).len(), 5, "the pages of the first run are gone");
    let hidden: Vec<String> = fs::read_dir(&out)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.') && n != ".reprint.lock")
        .collect();
    assert!(hidden.is_empty(), "temporary files left: {hidden:?}");
    let other = dir.path().join("n");
    reprint().arg("cluster").arg(seeds()).args(["-q", "--no-html", "--out"]).arg(&other).assert().success();
    assert!(!other.join("overlap.html").exists() && !other.join("overlap").exists());
}

#[test]
fn a_file_named_overlap_fails_the_run_before_anything_is_replaced() {
    let dir = tmp();
    let out = dir.path().join("r");
    reprint().arg("cluster").arg(seeds()).args(["-q", "--no-html", "--out"]).arg(&out).assert().success();
    let before = fs::read(out.join("clusters.json")).unwrap();
    fs::write(out.join("overlap"), "a file").unwrap();
    let run = reprint().arg("cluster").arg(seeds()).args(["-q", "--out"]).arg(&out).output().unwrap();
    assert_eq!(run.status.code(), Some(2));
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(err.contains("overlap: a file has that name"), "{err}");
    assert_eq!(fs::read(out.join("clusters.json")).unwrap(), before);
}
