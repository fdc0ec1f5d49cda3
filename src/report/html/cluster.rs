//! A cluster's page: its members with their metadata, its cohesion, the table of its links
//! and, for the first [`HtmlLimits::max_pairs`](super::HtmlLimits) of them (the
//! representative's first), the two texts side by side.

use super::escape::esc;
use super::pair::{pair, relation_name};
use super::{page, Site};
use crate::cluster::Cluster;
use crate::report::round6;
use crate::verify::VerifiedPair;
use std::fmt::Write;

/// The links of `c` in the order the page shows them: the representative's first, then the
/// others, each group in id order.
pub(super) fn ordered(c: &Cluster) -> Vec<&VerifiedPair> {
    let rep = c.representative;
    let (mut first, rest): (Vec<&VerifiedPair>, Vec<&VerifiedPair>) =
        c.pairs.iter().partition(|p| p.a == rep || p.b == rep);
    first.extend(rest);
    first
}

/// The page of cluster `c` (in `overlap/c/`).
pub(super) fn page(site: &Site, c: &Cluster) -> String {
    let run = site.run;
    let mut h = page::head(&format!("reprint: cluster {}", c.id), None);
    let _ = writeln!(
        h,
        "<nav><a href=\"../../overlap.html\">← all clusters</a><a href=\"../documents.html\">documents with overlaps</a></nav>"
    );
    let _ = writeln!(h, "<h1>Cluster {} — {}</h1>", c.id, site.title_html(c.representative));
    let _ = write!(h, "<p>{} documents", c.members.len()); // never fewer than 2
    if let Some((lo, hi)) = site.date_range(&c.members) {
        let _ = write!(
            h,
            ", dated <span dir=\"auto\">{}</span> to <span dir=\"auto\">{}</span>",
            esc(lo),
            esc(hi)
        );
    }
    let outlets = site.outlets(&c.members);
    if !outlets.is_empty() {
        let names: Vec<String> =
            outlets.iter().map(|o| format!("<span dir=\"auto\">{}</span>", esc(o))).collect();
        let _ = write!(h, ", from {} outlets ({})", outlets.len(), names.join(", "));
    }
    let _ = writeln!(h, "; {}.</p>", super::count(c.pairs.len(), "link", "links"));

    h.push_str("<h2>Members</h2>\n<table><tr><th>document</th><th>title</th>");
    if site.has_dates {
        h.push_str("<th>date</th>");
    }
    if site.has_outlets {
        h.push_str("<th>outlet</th>");
    }
    h.push_str("<th>characters</th><th>source</th></tr>\n");
    for &m in &c.members {
        let d = &run.docs[m as usize];
        let rep = if m == c.representative { " (representative)" } else { "" };
        let _ = write!(h, "<tr><td>{}{rep}</td><td>{}</td>", site.doc_link(m, "../"), site.title_html(m));
        if site.has_dates {
            let _ = write!(h, "<td dir=\"auto\">{}</td>", esc(site.meta.date(m).unwrap_or("")));
        }
        if site.has_outlets {
            let _ = write!(h, "<td dir=\"auto\">{}</td>", esc(site.meta.outlet(m).unwrap_or("")));
        }
        let _ = writeln!(
            h,
            "<td class=\"num\">{}</td><td class=\"id\" dir=\"auto\">{}</td></tr>",
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

    let links = ordered(c);
    let shown = links.len().min(site.limits.max_pairs);
    h.push_str("<h2>Links</h2>\n");
    if shown < links.len() {
        let _ = writeln!(
            h,
            "<p class=\"note\">The texts of the first {shown} of {} links are shown below (the representative's first); every link is in this table, in clusters.json and on its documents' pages.</p>",
            links.len()
        );
    }
    h.push_str("<table><tr><th>link</th><th>A</th><th>B</th><th>relation</th><th>Jaccard</th><th>coverage A</th><th>coverage B</th></tr>\n");
    for (k, p) in links.iter().enumerate() {
        let n = k + 1;
        let num = if k < shown { format!("<a href=\"#l{n}\">{n}</a>") } else { n.to_string() };
        let (ca, cb) = p.alignment.as_ref().map_or((String::new(), String::new()), |al| {
            (format!("{:.1}%", 100.0 * al.coverage_a), format!("{:.1}%", 100.0 * al.coverage_b))
        });
        let _ = writeln!(
            h,
            "<tr><td class=\"num\">{num}</td><td>{}</td><td>{}</td><td><span class=\"rel {r}\">{r}</span></td><td class=\"num\">{}</td><td class=\"num\">{ca}</td><td class=\"num\">{cb}</td></tr>",
            site.doc_link(p.a, "../"),
            site.doc_link(p.b, "../"),
            round6(p.scores.jaccard),
            r = relation_name(p.relation)
        );
    }
    h.push_str("</table>\n");
    let texts = site.page_texts();
    for (k, p) in links.iter().take(shown).enumerate() {
        pair(&mut h, &texts, p, k + 1, "../");
    }
    page::foot(&mut h);
    h
}
