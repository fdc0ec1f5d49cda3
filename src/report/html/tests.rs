//! The report's pages on the injection fixture with metadata supplied (titles, dates and
//! outlets holding the payloads), and on documents whose metadata is missing.

use super::*;
use crate::corpus::Input;
use crate::pipeline::{self, NoProgress, Params};
use std::collections::HashMap;

/// Titles, dates and outlets by document index.
struct Meta(Vec<[Option<String>; 3]>);

impl DocMeta for Meta {
    fn title(&self, doc: u32) -> Option<&str> {
        self.0[doc as usize][0].as_deref()
    }
    fn date(&self, doc: u32) -> Option<&str> {
        self.0[doc as usize][1].as_deref()
    }
    fn outlet(&self, doc: u32) -> Option<&str> {
        self.0[doc as usize][2].as_deref()
    }
}

fn fixture() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/html_injection.jsonl")
}

/// The fixture's run, and its `title`, `date` and `source` fields by document.
fn injection_run() -> (RunResult, Meta, LinkCollector) {
    let dir = std::env::temp_dir();
    let config = Params::default().resolve().expect("defaults are valid");
    let input = Input::from_arg(fixture().to_str().expect("a UTF-8 path")).expect("the fixture");
    let mut links = LinkCollector::new(DEFAULT_MAX_PAIRS, &dir).expect("a temporary file");
    let run = pipeline::run(vec![input], &config, &NoProgress, &mut links).expect("a run");
    let mut fields: HashMap<String, [Option<String>; 3]> = HashMap::new();
    for line in std::fs::read_to_string(fixture()).expect("the fixture").lines() {
        let v: serde_json::Value = serde_json::from_str(line).expect("JSON");
        let get = |k: &str| v[k].as_str().map(str::to_owned);
        fields.insert(get("id").expect("an id"), [get("title"), get("date"), get("source")]);
    }
    let meta = Meta(run.docs.iter().map(|d| fields[&d.id].clone()).collect());
    (run, meta, links)
}

fn pages(run: &RunResult, meta: &dyn DocMeta, links: &mut LinkCollector) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let (index, _) = render(run, &["in".to_owned()], HtmlLimits::default(), meta, links, &mut |p, b| {
        out.push((format!("overlap/{p}"), String::from_utf8(b.to_vec()).expect("UTF-8")));
        Ok::<(), std::io::Error>(())
    })
    .expect("rendered");
    out.push(("overlap.html".to_owned(), index));
    out
}

/// Every tag of `page` as (name, [(attribute, value)]), with a scanner that reads tags the way
/// a browser starts to (a `<` followed by a letter or `/` opens a tag).
fn tags(page: &str) -> Vec<(String, Vec<(String, String)>)> {
    let mut out = Vec::new();
    let b = page.as_bytes();
    let mut i = 0;
    while let Some(k) = page[i..].find('<') {
        let s = i + k + 1;
        i = s;
        if !b.get(s).is_some_and(|c| c.is_ascii_alphabetic() || *c == b'/') {
            continue;
        }
        let end = page[s..].find('>').map_or(page.len(), |e| s + e);
        let inner = &page[s..end];
        let name: String = inner.chars().take_while(|c| !c.is_whitespace()).collect();
        let mut attrs = Vec::new();
        let mut rest = &inner[name.len()..];
        while let Some(eq) = rest.find('=') {
            let key = rest[..eq].trim().to_owned();
            let after = &rest[eq + 1..];
            let (value, tail) = match after.strip_prefix('"') {
                Some(v) => v.split_once('"').unwrap_or((v, "")),
                None => after.split_once(' ').unwrap_or((after, "")),
            };
            attrs.push((key, value.to_owned()));
            rest = tail;
        }
        out.push((name.to_ascii_lowercase(), attrs));
        i = end;
    }
    out
}

const TAGS: &[&str] = &[
    "!doctype", "html", "head", "meta", "title", "style", "body", "h1", "h2", "h3", "h4", "p", "nav", "a",
    "span", "table", "thead", "tbody", "tr", "th", "td", "div", "section", "mark", "em", "label", "input",
    "select", "option", "button", "script",
];

fn href_is_internal(href: &str) -> bool {
    let path = href.split('#').next().unwrap_or("");
    let path = path.trim_start_matches("../");
    let ok_name = |p: &str| {
        p.strip_suffix(".html").is_some_and(|n| n.chars().all(|c| c.is_ascii_digit()) && !n.is_empty())
    };
    path.is_empty()
        || path == "overlap.html"
        || path == "documents.html"
        || path == "overlap/documents.html"
        || ["c/", "d/", "overlap/c/", "overlap/d/"].iter().any(|p| path.strip_prefix(p).is_some_and(ok_name))
}

/// Checks that a page holds only the report's own markup: known elements, no event handler,
/// internal links only, one script on the index only.
fn check_inert(name: &str, page: &str) {
    for (tag, attrs) in tags(page) {
        let tag = tag.trim_start_matches('/');
        assert!(TAGS.contains(&tag), "{name}: an element <{tag}> reached the page");
        for (k, v) in attrs {
            assert!(!k.starts_with("on"), "{name}: an event handler {k} on <{tag}>");
            assert!(!v.contains('<') && !v.contains('"'), "{name}: markup in an attribute: {v}");
            if k == "href" {
                assert!(href_is_internal(&v), "{name}: a link outside the report: {v}");
            }
        }
    }
    let scripts = page.matches("<script").count();
    assert_eq!(scripts, usize::from(name == "overlap.html"), "{name}: scripts");
    assert!(!page.contains('\u{202E}') && !page.contains('\0'), "{name}: a raw control character");
}

#[test]
fn payloads_in_texts_ids_titles_dates_and_outlets_stay_text_on_every_page() {
    let (run, meta, mut links) = injection_run();
    assert!(meta.0.iter().all(|m| m.iter().all(Option::is_some)), "the fixture gives every field");
    assert_eq!(run.clusters.len(), 33);
    let pages = pages(&run, &meta, &mut links);
    // The index, 33 cluster pages, 66 document pages, the list of documents with overlaps.
    assert_eq!(pages.len(), 1 + 33 + 66 + 1);
    for (name, page) in &pages {
        check_inert(name, page);
    }
    let index = &pages.last().expect("the index").1;
    // Titles, dates and outlets are shown (escaped): the first payload's title in the index.
    assert!(index.contains("&lt;script&gt;document.title=&#39;INJECTED&#39;&lt;/script&gt;"));
    assert!(index.contains("<select id=\"src\">") && index.contains("<input id=\"from\" type=\"date\">"));
    let cluster = &pages.iter().find(|(n, _)| n == "overlap/c/0001.html").expect("cluster 1").1;
    assert_eq!(cluster.matches("<mark id=\"l1a\"").count(), 1);
    assert_eq!(cluster.matches("<mark id=\"l1b\"").count(), 1);
    assert!(cluster.contains("<th>date</th>") && cluster.contains("<th>outlet</th>"));
}

#[test]
fn the_documents_own_metadata_gives_the_same_pages_as_the_fixtures_fields() {
    let (run, meta, mut links) = injection_run();
    assert_eq!(pages(&run, &run.docs, &mut links), pages(&run, &meta, &mut links));
}

#[test]
fn without_metadata_titles_fall_back_to_the_text_and_dates_and_outlets_are_hidden() {
    let (run, _, mut links) = injection_run();
    let none = Meta(vec![[None, None, None]; run.docs.len()]);
    let pages = pages(&run, &none, &mut links);
    for (name, page) in &pages {
        check_inert(name, page);
    }
    let index = &pages.last().expect("the index").1;
    assert!(index.contains("<span class=\"title fallback\" dir=\"auto\">lead in number 0 for the first outlet. s0w0 s0w1 s0w2 s0w3…</span>"), "{index}");
    assert!(!index.contains("<select id=\"src\"") && !index.contains("<input id=\"from\""));
    assert!(!index.contains(" data-d0=\"") && !index.contains(" data-outlets=\""));
    assert!(!index.contains("data-key=\"d0\"") && !index.contains("data-key=\"outlets\""));
    let cluster = &pages.iter().find(|(n, _)| n == "overlap/c/0001.html").expect("cluster 1").1;
    assert!(!cluster.contains("<th>date</th>") && !cluster.contains("<th>outlet</th>"));
}

#[test]
fn the_index_links_every_cluster_and_sorts_by_size() {
    let (run, meta, mut links) = injection_run();
    let pages = pages(&run, &meta, &mut links);
    let index = &pages.last().expect("the index").1;
    for c in &run.clusters {
        let href = format!("href=\"overlap/c/{:04}.html\"", c.id);
        assert_eq!(index.matches(&href).count(), 1, "{href}");
        assert!(pages.iter().any(|(n, _)| *n == format!("overlap/c/{:04}.html", c.id)));
    }
}

#[test]
fn pages_reach_the_writer_in_order_and_a_failed_write_ends_the_rendering() {
    // Four batches and a part: the writer works a batch behind the rendering.
    let items: Vec<u32> = (0..(4 * RENDER_BATCH + 17) as u32).collect();
    let page = |&i: &u32| (format!("d/{i}.html"), format!("page {i}"));
    let mut seen = Vec::new();
    let n = in_batches(
        &items,
        &mut |p: &str, b: &[u8]| {
            seen.push((p.to_owned(), b.to_vec()));
            Ok::<(), String>(())
        },
        page,
    )
    .expect("every page written");
    assert_eq!(n, items.len());
    let expected: Vec<(String, Vec<u8>)> = items.iter().map(page).map(|(p, h)| (p, h.into_bytes())).collect();
    assert_eq!(seen, expected);

    let fail_at = RENDER_BATCH + 3;
    let mut calls = 0;
    let result = in_batches(
        &items,
        &mut |p: &str, _: &[u8]| {
            calls += 1;
            if p == format!("d/{fail_at}.html") {
                Err(format!("cannot write {p}"))
            } else {
                Ok(())
            }
        },
        page,
    );
    assert_eq!(result, Err(format!("cannot write d/{fail_at}.html")));
    assert_eq!(calls, fail_at + 1, "no page is written after the one that failed");
}
