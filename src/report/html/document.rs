//! A document's page: its metadata, the table of everything it shares (story links, and the
//! overlaps: smaller borrowings that do not make it a cluster member), its full text with every
//! shared passage highlighted in the colour of its link, and the first
//! [`HtmlLimits::max_pairs`](super::HtmlLimits) of its overlaps side by side (its story links
//! are side by side on its cluster's page, which the table links to). Also the list of the
//! documents that have overlaps (`overlap/documents.html`).

use super::escape::{esc, esc_attr};
use super::pair::{aside_note, full_text, pair, relation_name, Span};
use super::{count, page, Site};
use crate::verify::{Relation, VerifiedPair};
use std::fmt::Write;

/// The links of `doc`, each turned so that `doc` is side A: story links (duplicates first),
/// then overlaps, each group in the order of the other document's id.
fn links(site: &Site, doc: u32) -> Vec<VerifiedPair> {
    let docs = &site.run.docs;
    let mut out: Vec<VerifiedPair> = site.links_of[doc as usize]
        .iter()
        .map(|&p| {
            let mut p = p.clone();
            if p.a != doc {
                p.swap();
            }
            p
        })
        .collect();
    out.sort_by(|x, y| {
        y.relation.cmp(&x.relation).then_with(|| docs[x.b as usize].id.cmp(&docs[y.b as usize].id))
    });
    out
}

/// The page of document `doc` (in `overlap/d/`).
pub(super) fn page(site: &Site, doc: u32) -> String {
    let d = &site.run.docs[doc as usize];
    let cluster = site.cluster_of[doc as usize];
    let mut h = page::head(&format!("reprint: document {doc}"), None);
    h.push_str("<nav><a href=\"../../overlap.html\">← all clusters</a>");
    if cluster > 0 && site.cluster_paged[cluster] {
        let _ = write!(h, "<a href=\"../{}\">cluster {cluster}</a>", Site::cluster_href(cluster));
    }
    h.push_str("<a href=\"../documents.html\">documents with overlaps</a></nav>\n");
    let _ = writeln!(h, "<h1>{}</h1>", site.title_html(doc));
    let _ = write!(h, "<table><tr><th>id</th><td class=\"id\" dir=\"auto\">{}</td></tr>", esc(&d.id));
    if let Some(t) = site.meta.title(doc) {
        let _ = write!(h, "<tr><th>title</th><td dir=\"auto\">{}</td></tr>", esc(t));
    }
    if let Some(t) = site.meta.date(doc) {
        let _ = write!(h, "<tr><th>date</th><td dir=\"auto\">{}</td></tr>", esc(t));
    }
    if let Some(t) = site.meta.outlet(doc) {
        let _ = write!(h, "<tr><th>outlet</th><td dir=\"auto\">{}</td></tr>", esc(t));
    }
    let _ = write!(
        h,
        "<tr><th>source</th><td class=\"id\" dir=\"auto\">{}</td></tr><tr><th>characters</th><td>{}</td></tr>",
        esc(&d.origin.to_string()),
        d.chars
    );
    let in_cluster = if cluster > 0 {
        site.cluster_link(cluster, "../", &format!("cluster {cluster}"))
    } else {
        "none (its links are overlaps only)".to_owned()
    };
    let _ = writeln!(h, "<tr><th>cluster</th><td>{in_cluster}</td></tr></table>");

    let links = links(site, doc);
    let overlaps = links.iter().filter(|p| p.relation == Relation::Overlap).count();
    let total = site.overlap_totals[doc as usize] as usize;
    let _ = write!(
        h,
        "<p>Shares passages with {}: {} ({}), {}",
        count(links.len(), "document", "documents"),
        count(links.len() - overlaps, "story link", "story links"),
        count(links.iter().filter(|p| p.relation == Relation::Duplicate).count(), "duplicate", "duplicates"),
        count(overlaps, "overlap", "overlaps")
    );
    if total > overlaps {
        let _ = write!(h, " (of {total}; the others are in overlaps.jsonl)");
    }
    h.push_str(".</p>\n");

    // Overlaps are shown here side by side (numbered 1, 2, …); story links on the cluster page
    // (here too when their cluster has no page).
    let unpaged = cluster > 0 && !site.cluster_paged[cluster];
    let mut side_by_side: Vec<(usize, &VerifiedPair)> = Vec::new();
    h.push_str("<table><tr><th>link</th><th>shares with</th><th>title</th><th>relation</th><th>passages</th><th>share of this one</th><th>share of the other</th><th>cluster</th><th>side by side</th></tr>\n");
    for (k, p) in links.iter().enumerate() {
        let key = (p.a.min(p.b), p.a.max(p.b));
        let num = match site.on_cluster_page.get(&key) {
            Some(&(c, n)) => {
                format!("<a href=\"../{}#l{n}\">cluster {c}, link {n}</a>", Site::cluster_href(c))
            }
            None if (p.relation == Relation::Overlap || unpaged)
                && side_by_side.len() < site.limits.max_pairs =>
            {
                side_by_side.push((k, p));
                let n = side_by_side.len();
                format!("<a href=\"#l{n}\">below, {n}</a>")
            }
            None => String::new(),
        };
        let (words, ca, cb) =
            p.alignment.as_ref().map_or((String::new(), String::new(), String::new()), |al| {
                (
                    format!("{} words", al.passages.iter().map(|x| x.words).sum::<usize>()),
                    format!("{:.1}%", 100.0 * al.coverage_a),
                    format!("{:.1}%", 100.0 * al.coverage_b),
                )
            });
        // A story link set aside says so, and why (the roundup or hub named by its side).
        let side = |d: u32| if d == p.a { "this document" } else { "the other" }.to_owned();
        let aside = match (p.set_aside, aside_note(p, side)) {
            (Some(x), Some(note)) => {
                format!(" <span class=\"aside\" title=\"{}\">set aside: {}</span>", esc_attr(&note), x.name())
            }
            _ => String::new(),
        };
        let other = site.cluster_of[p.b as usize];
        let other =
            if other > 0 { site.cluster_link(other, "../", &other.to_string()) } else { String::new() };
        let _ = writeln!(
            h,
            "<tr><td class=\"num\"><span class=\"sw p{}\"></span> {}</td><td>{}</td><td>{}</td><td><span class=\"rel {r}\">{r}</span>{aside}</td><td class=\"num\">{words}</td><td class=\"num\">{ca}</td><td class=\"num\">{cb}</td><td>{other}</td><td>{num}</td></tr>",
            k % 8,
            k + 1,
            site.doc_link(p.b, "../"),
            site.title_html(p.b),
            r = relation_name(p.relation)
        );
    }
    h.push_str("</table>\n<h2 id=\"text\">Text</h2>\n<p class=\"note\">Every passage it shares is highlighted in the colour of its link.</p>\n");
    let spans: Vec<Span> = links
        .iter()
        .enumerate()
        .flat_map(|(k, p)| {
            let passages = p.alignment.as_ref().map(|al| al.passages.as_slice()).unwrap_or(&[]);
            passages.iter().map(move |x| Span {
                start: x.a.0 as usize,
                end: x.a.1 as usize,
                colour: k,
                title: format!("link {}", k + 1),
            })
        })
        .collect();
    h.push_str("<div class=\"doc full\" dir=\"auto\">");
    let texts = site.page_texts();
    full_text(&mut h, &texts.get(doc), spans, "first");
    h.push_str("</div>\n");
    if !side_by_side.is_empty() && !unpaged {
        let _ = writeln!(
            h,
            "<h2>Overlaps</h2>\n<p class=\"note\">{} of its {overlaps} overlaps side by side.</p>",
            side_by_side.len()
        );
    } else if !side_by_side.is_empty() {
        let _ = writeln!(
            h,
            "<h2>Links</h2>\n<p class=\"note\">{} of its {} links side by side (its cluster has no page).</p>",
            side_by_side.len(),
            links.len()
        );
    }
    for (n, (_, p)) in side_by_side.iter().enumerate() {
        pair(&mut h, &texts, p, n + 1, "../");
    }
    page::foot(&mut h);
    h
}

/// `overlap/documents.html`: the documents that share passages outside their cluster (or
/// belong to none), most overlaps first.
pub(super) fn list(site: &Site) -> String {
    let mut h = page::head("reprint: documents with overlaps", None);
    h.push_str(
        "<nav><a href=\"../overlap.html\">← all clusters</a></nav>\n<h1>Documents with overlaps</h1>\n",
    );
    let rows = &site.with_overlaps;
    let _ = write!(
        h,
        "<p class=\"note\">{} documents share passages that do not make them members of one story (the <em>overlap</em> relation: a passage that is a small part of one of them, or text many documents hold).",
        rows.len()
    );
    let listed = rows.len().min(site.limits.max_documents);
    if listed < rows.len() {
        let _ = write!(
            h,
            " The {listed} with the most overlaps are listed here, each with its page (<code>--html-documents</code>); every overlap is in <code>overlaps.jsonl</code>."
        );
    } else {
        h.push_str(" Each links to its page.");
    }
    h.push_str("</p>\n");
    h.push_str("<table><tr><th>document</th><th>title</th><th>overlaps</th><th>cluster</th></tr>\n");
    for &(d, n) in &rows[..listed] {
        let c = site.cluster_of[d as usize];
        let c = if c > 0 { site.cluster_link(c, "", &c.to_string()) } else { String::new() };
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td class=\"num\">{n}</td><td>{c}</td></tr>",
            site.doc_link(d, ""),
            site.title_html(d)
        );
    }
    h.push_str("</table>\n");
    page::foot(&mut h);
    h
}
