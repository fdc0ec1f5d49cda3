//! `overlap.html`: one self-contained page (inline CSS, no scripts, no network) showing each
//! cluster, its figures, and for each linked pair the two texts side by side with the shared
//! passages highlighted in matching colours.
//!
//! Safety invariant: every piece of document-derived text (ids, texts, sources) goes through
//! [`escape`], and bidirectional control characters are replaced by a visible marker, so a
//! document can neither inject markup nor reorder what the reader sees. The page holds no
//! `<script>` at all.

mod escape;
mod pair;

use escape::esc;
pub use escape::escape;
use pair::pair;

use crate::pipeline::RunResult;
use crate::report::round6;
use std::fmt::Write;

/// Limits on how much text the page embeds.
#[derive(Debug, Clone, Copy)]
pub struct HtmlLimits {
    /// Pairs shown with their texts, over the whole page (clusters in order).
    pub max_pairs: usize,
}

impl Default for HtmlLimits {
    fn default() -> Self {
        HtmlLimits { max_pairs: 500 }
    }
}

const STYLE: &str = r#"
body{font-family:system-ui,-apple-system,"Segoe UI","Noto Sans","Noto Naskh Arabic",sans-serif;margin:2rem;color:#1b1b1b;background:#fafafa}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2.5rem;border-bottom:1px solid #ccc}h3{font-size:1rem}
table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #ddd;padding:.2rem .5rem;text-align:left;vertical-align:top}
.pair{margin:1rem 0 2rem}.cols{display:grid;grid-template-columns:1fr 1fr;gap:1rem}
.doc{white-space:pre-wrap;unicode-bidi:plaintext;background:#fff;border:1px solid #ddd;padding:.75rem;max-height:40rem;overflow:auto;line-height:1.7}
.doc h4{margin:0 0 .5rem;font-size:.9rem;unicode-bidi:isolate}
mark{border-radius:3px;padding:0 1px}
mark.p0{background:#ffe08a}mark.p1{background:#a8e6cf}mark.p2{background:#b5d8ff}mark.p3{background:#ffc4d6}
mark.p4{background:#d9c8ff}mark.p5{background:#ffd1a6}mark.p6{background:#c9f2f2}mark.p7{background:#e5f5a6}
.ctl{font-family:monospace;font-size:.75em;color:#b00020;border:1px dashed #b00020;padding:0 2px}
.note{color:#555}.id{font-family:monospace;unicode-bidi:isolate}
"#;

/// Renders the page for a run.
pub fn render(run: &RunResult, sources: &[String], limits: HtmlLimits) -> String {
    let mut h = String::new();
    let s = &run.stats;
    h.push_str("<!DOCTYPE html>\n<html lang=\"und\">\n<head>\n<meta charset=\"utf-8\">\n");
    h.push_str("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n");
    h.push_str("<title>reprint: shared passages</title>\n<style>");
    h.push_str(STYLE);
    h.push_str("</style>\n</head>\n<body>\n<h1>reprint: shared passages</h1>\n");
    let _ = writeln!(
        h,
        "<p>{} documents from <span class=\"id\">{}</span>; {} linked pairs ({} by Jaccard ≥ {}, {} by shared passages only); {} clusters. reprint {}.</p>",
        s.documents,
        esc(&sources.join(", ")),
        s.linked_pairs,
        s.verified_pairs,
        run.config.threshold,
        s.passage_links,
        s.clusters,
        env!("CARGO_PKG_VERSION")
    );
    if let Some(p) = &run.config.passages {
        let _ = writeln!(
            h,
            "<p class=\"note\">Passages: at least {} words; documents below the Jaccard threshold are linked when passages cover at least {} of the shorter one. Highlights of the same colour mark the same passage in both texts.</p>",
            p.rule.min_passage, p.rule.min_coverage
        );
    }
    if run.clusters.is_empty() {
        h.push_str("<p>No clusters: no two documents are linked.</p>\n");
    }
    let mut shown = 0usize;
    let mut omitted = 0usize;
    for c in &run.clusters {
        let _ = writeln!(h, "<h2 id=\"c{}\">Cluster {} — {} documents</h2>", c.id, c.id, c.members.len());
        h.push_str("<table><tr><th>document</th><th>characters</th><th>source</th></tr>\n");
        for &m in &c.members {
            let d = &run.docs[m as usize];
            let rep = if m == c.representative { " (representative)" } else { "" };
            let _ = writeln!(
                h,
                "<tr><td class=\"id\" dir=\"auto\">{}{rep}</td><td>{}</td><td class=\"id\" dir=\"auto\">{}</td></tr>",
                esc(&d.id),
                d.chars,
                esc(&d.origin.to_string())
            );
        }
        h.push_str("</table>\n");
        let co = &c.cohesion;
        let _ = writeln!(
            h,
            "<p class=\"note\">Cohesion: {} of {} member pairs linked directly; smallest Jaccard among compared pairs {}; smallest link score {}; {} bridge links.</p>",
            co.linked_pairs,
            co.linked_pairs + co.unlinked_pairs,
            round6(co.min_jaccard),
            round6(co.min_link_score),
            co.bridges.len()
        );
        for p in &c.pairs {
            if shown >= limits.max_pairs {
                omitted += 1;
                continue;
            }
            shown += 1;
            pair(&mut h, run, p);
        }
    }
    if omitted > 0 {
        let _ = writeln!(
            h,
            "<p class=\"note\">{omitted} more linked pairs are in clusters.json; this page shows the texts of the first {} pairs.</p>",
            limits.max_pairs
        );
    }
    h.push_str("</body>\n</html>\n");
    h
}
