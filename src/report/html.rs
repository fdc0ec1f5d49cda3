//! `overlap.html`: one self-contained page (inline CSS, no scripts, no network) showing each
//! cluster, its figures, and for each linked pair the two texts side by side with the shared
//! passages highlighted in matching colours.
//!
//! Safety invariant: every piece of document-derived text (ids, texts, sources) goes through
//! [`escape`], and bidirectional control characters are replaced by a visible marker, so a
//! document can neither inject markup nor reorder what the reader sees. The page holds no
//! `<script>` at all.

use crate::pipeline::RunResult;
use crate::report::round6;
use crate::verify::VerifiedPair;
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

/// Escapes text for HTML element content and attribute values, and makes bidi controls and
/// other control characters (NUL, ESC, …; not newline, tab or carriage return) visible.
pub fn escape(text: &str, out: &mut String) {
    for c in text.chars() {
        if let Some(entity) = super::markup_entity(c) {
            out.push_str(entity);
            continue;
        }
        match c {
            '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => {
                let _ = write!(
                    out,
                    "<span class=\"ctl\" title=\"bidi control U+{:04X}\">[U+{:04X}]</span>",
                    c as u32, c as u32
                );
            }
            c if c.is_control() && !matches!(c, '\n' | '\t' | '\r') => {
                let _ = write!(
                    out,
                    "<span class=\"ctl\" title=\"control character U+{:04X}\">[U+{:04X}]</span>",
                    c as u32, c as u32
                );
            }
            _ => out.push(c),
        }
    }
}

fn esc(text: &str) -> String {
    let mut s = String::with_capacity(text.len());
    escape(text, &mut s);
    s
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

fn pair(h: &mut String, run: &RunResult, p: &VerifiedPair) {
    let (a, b) = (&run.docs[p.a as usize], &run.docs[p.b as usize]);
    let _ = writeln!(h, "<div class=\"pair\">\n<h3><span class=\"id\" dir=\"auto\">{}</span> ↔ <span class=\"id\" dir=\"auto\">{}</span></h3>", esc(&a.id), esc(&b.id));
    let sc = &p.scores;
    let _ = write!(
        h,
        "<table><tr><th>linked by</th><th>Jaccard</th><th>containment A in B</th><th>containment B in A</th>"
    );
    if p.alignment.is_some() {
        h.push_str("<th>coverage A</th><th>coverage B</th><th>passages</th>");
    }
    let by = match p.linked_by {
        crate::verify::LinkedBy::Jaccard => "Jaccard",
        crate::verify::LinkedBy::Passage => "shared passages",
        crate::verify::LinkedBy::Both => "Jaccard and shared passages",
    };
    let _ = write!(
        h,
        "</tr><tr><td>{by}</td><td>{}</td><td>{}</td><td>{}</td>",
        round6(sc.jaccard),
        round6(sc.containment_a_in_b),
        round6(sc.containment_b_in_a)
    );
    let passages = p.alignment.as_ref().map(|al| al.passages.as_slice()).unwrap_or(&[]);
    if let Some(al) = &p.alignment {
        let words: Vec<String> = al
            .passages
            .iter()
            .map(|x| format!("{} words ({:.0}% verbatim)", x.words, 100.0 * x.exact))
            .collect();
        let _ = write!(
            h,
            "<td>{:.1}%</td><td>{:.1}%</td><td>{}</td>",
            100.0 * al.coverage_a,
            100.0 * al.coverage_b,
            if words.is_empty() { "none".to_owned() } else { words.join(", ") }
        );
    }
    h.push_str("</tr></table>\n<div class=\"cols\">\n");
    let ranges_a: Vec<(u32, u32)> = passages.iter().map(|x| x.a).collect();
    let ranges_b: Vec<(u32, u32)> = passages.iter().map(|x| x.b).collect();
    for (doc, ranges) in [(a, ranges_a), (b, ranges_b)] {
        let _ = write!(h, "<div class=\"doc\" dir=\"auto\"><h4 dir=\"auto\">{}</h4>", esc(&doc.id));
        highlighted(h, &doc.text, &ranges);
        h.push_str("</div>\n");
    }
    h.push_str("</div>\n</div>\n");
}

/// Writes `text` escaped, with `ranges[k]` (byte ranges, non-overlapping) wrapped in
/// `<mark class="p{k mod 8}">`.
fn highlighted(h: &mut String, text: &str, ranges: &[(u32, u32)]) {
    let mut order: Vec<(usize, (u32, u32))> = ranges.iter().copied().enumerate().collect();
    order.sort_by_key(|&(_, r)| r);
    let mut pos = 0usize;
    for (k, (s, e)) in order {
        let (s, e) = (s as usize, e as usize);
        if s < pos || e > text.len() || !text.is_char_boundary(s) || !text.is_char_boundary(e) {
            continue;
        }
        escape(&text[pos..s], h);
        let _ = write!(h, "<mark class=\"p{}\" title=\"passage {}\">", k % 8, k + 1);
        escape(&text[s..e], h);
        h.push_str("</mark>");
        pos = e;
    }
    escape(&text[pos..], h);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_shows_bidi_controls() {
        assert_eq!(esc("<script>alert('x')</script>"), "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
        assert_eq!(esc("<img src=x onerror=\"a()\">"), "&lt;img src=x onerror=&quot;a()&quot;&gt;");
        let s = esc("abc\u{202E}fed");
        assert!(s.contains("[U+202E]") && !s.contains('\u{202E}'));
    }

    #[test]
    fn highlights_wrap_escaped_passages() {
        let mut h = String::new();
        highlighted(&mut h, "a <b> c d", &[(2, 5), (8, 9)]);
        assert_eq!(h, "a <mark class=\"p0\" title=\"passage 1\">&lt;b&gt;</mark> c <mark class=\"p1\" title=\"passage 2\">d</mark>");
    }
}
