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

/// Every relative link of every page of the report in `out` names a file that exists.
fn dangling_links(out: &Path) -> Vec<String> {
    let mut missing = Vec::new();
    for (name, page) in report_pages(out) {
        let dir = out.join(&name).parent().expect("a page in a directory").to_path_buf();
        for href in page.split("href=\"").skip(1).map(|s| s.split(['"', '#']).next().unwrap_or("")) {
            if !href.is_empty() && !dir.join(href).exists() {
                missing.push(format!("{name} -> {href}"));
            }
        }
    }
    missing
}

#[test]
fn html_clusters_and_html_documents_bound_the_pages_and_leave_no_dangling_link() {
    // Cluster 1: three copies of one text; cluster 2: two copies of another; and two documents
    // that share a 60-word passage that is a small part of each (an overlap, no cluster).
    let dir = tmp();
    let (a, b, p) = (words("a", 200), words("b", 200), words("p", 60));
    let mut texts: Vec<(String, String)> =
        (0..3).map(|k| (format!("a{k}"), format!("{a} tail{k}"))).collect();
    texts.extend((0..2).map(|k| (format!("b{k}"), format!("{b} end{k}"))));
    texts.push(("x".to_owned(), format!("{p} {}", words("x", 400))));
    texts.push(("y".to_owned(), format!("{} {p}", words("y", 400))));
    let lines: String =
        texts.iter().map(|(id, t)| serde_json::json!({"id": id, "text": t}).to_string() + "\n").collect();
    fs::write(dir.path().join("c.jsonl"), lines).unwrap();
    let run = |name: &str, caps: &[&str]| -> std::path::PathBuf {
        let out = dir.path().join(name);
        reprint()
            .current_dir(dir.path())
            .args(["cluster", "c.jsonl", "-q"])
            .args(caps)
            .arg("--out")
            .arg(&out)
            .assert()
            .success();
        out
    };
    let all = run("all", &[]);
    assert_eq!(
        names(&all),
        [
            "overlap.html",
            "overlap/c/0001.html",
            "overlap/c/0002.html",
            "overlap/d/0000.html",
            "overlap/d/0001.html",
            "overlap/d/0002.html",
            "overlap/d/0003.html",
            "overlap/d/0004.html",
            "overlap/d/0005.html",
            "overlap/d/0006.html",
            "overlap/documents.html"
        ]
    );
    assert!(!fs::read_to_string(all.join("overlap.html")).unwrap().contains("--html-clusters"));
    assert_eq!(dangling_links(&all), Vec::<String>::new());

    let report = read_json(&all.join("clusters.json"));
    let largest =
        report["clusters"].as_array().unwrap().iter().find(|c| c["size"] == 3).expect("the cluster of three");
    let id = largest["id"].as_u64().unwrap();
    let member_note = "Pages of members stop at";
    assert!(!fs::read_to_string(all.join("overlap.html")).unwrap().contains(member_note));

    let few = run("few", &["--html-clusters", "1", "--html-documents", "0"]);
    // Only the largest cluster (three members) has a page; no document has one.
    assert_eq!(
        names(&few),
        ["overlap.html".to_owned(), format!("overlap/c/{id:04}.html"), "overlap/documents.html".to_owned()]
    );
    let index = fs::read_to_string(few.join("overlap.html")).unwrap();
    assert_eq!(index.matches("<tr data-id=").count(), 1);
    assert!(index.contains("The 1 largest of the 2 clusters are listed"));
    assert!(index.contains("Pages of members stop at 0 documents"), "{index}");
    assert!(index.contains("every member of the first 0 clusters listed has one"));
    let list = fs::read_to_string(few.join("overlap/documents.html")).unwrap();
    assert!(list.contains("2 documents share passages") && list.contains("The 0 with the most overlaps"));
    assert_eq!(dangling_links(&few), Vec::<String>::new());

    // Two member pages: two of the largest cluster's three members, none of the next
    // cluster's; and the two documents with overlaps.
    let two = run("two", &["--html-documents", "2"]);
    assert_eq!(
        names(&two),
        [
            "overlap.html".to_owned(),
            "overlap/c/0001.html".to_owned(),
            "overlap/c/0002.html".to_owned(),
            "overlap/d/0000.html".to_owned(),
            "overlap/d/0001.html".to_owned(),
            "overlap/d/0005.html".to_owned(),
            "overlap/d/0006.html".to_owned(),
            "overlap/documents.html".to_owned()
        ]
    );
    let index = fs::read_to_string(two.join("overlap.html")).unwrap();
    assert!(index.contains("Pages of members stop at 2 documents"), "{index}");
    let page = fs::read_to_string(two.join(format!("overlap/c/{id:04}.html"))).unwrap();
    assert!(page.contains("href=\"../d/0001.html\"") && !page.contains("href=\"../d/0002.html\""));
    assert_eq!(dangling_links(&two), Vec::<String>::new());
    // Outputs other than the report do not change.
    for out in [&few, &two] {
        for f in ["clusters.json", "overlaps.jsonl", "clusters.csv"] {
            assert_eq!(fs::read(all.join(f)).unwrap(), fs::read(out.join(f)).unwrap(), "{f}");
        }
    }
}
