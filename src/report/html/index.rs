//! `overlap.html`: the index of the clusters. One row per cluster (its number, the story's
//! title, size, outlets, date range, links), sorted by size; a small inline script
//! (`index.js`, allowed by its hash in the page's Content-Security-Policy) sorts by any column
//! and filters by title, outlet and date. Without the script the table is still complete and
//! every cluster page is a link away.

use super::escape::{esc, esc_attr};
use super::{page, Site};
use std::fmt::Write;

/// The index's script.
const SCRIPT: &str = include_str!("index.js");
/// Base64 SHA-256 of [`SCRIPT`], for the Content-Security-Policy (`scripts/browser-test.sh`
/// recomputes it from the page and checks that the script ran).
const SCRIPT_SHA256: &str = "DruwEDVmyvIK81CNfJjet3c3MvEIXcPj4l34+bbPY5A=";

/// The index page.
pub(super) fn page(site: &Site, sources: &[String]) -> String {
    let run = site.run;
    let s = &run.stats;
    let mut h = page::head("reprint: shared passages", Some(SCRIPT_SHA256));
    h.push_str("<h1>reprint: shared passages</h1>\n");
    let _ = writeln!(
        h,
        "<p>{} documents from <span class=\"id\">{}</span>; {} linked pairs ({} duplicates, {} by Jaccard ≥ {}, {} by shared passages only) and {} overlaps; {} clusters. reprint {}.</p>",
        s.documents,
        esc(&sources.join(", ")),
        s.linked_pairs,
        s.duplicate_pairs,
        s.verified_pairs,
        run.config.threshold,
        s.passage_links,
        s.overlap_pairs,
        s.clusters,
        env!("CARGO_PKG_VERSION")
    );
    if let Some(p) = &run.config.passages {
        let _ = writeln!(
            h,
            "<p class=\"note\">Passages: at least {} words. A cluster's page shows its members and each link's two texts side by side, the shared passages highlighted in matching colours; a document's page shows everything it shares, overlaps included (<a href=\"overlap/documents.html\">documents with overlaps</a>).</p>",
            p.rule.min_passage
        );
    }
    if run.clusters.is_empty() {
        h.push_str("<p>No clusters: no two documents are linked.</p>\n");
    }

    // Outlets, numbered for the filter (attributes hold numbers, never outlet names).
    let listed = &site.paged_clusters;
    if listed.len() < run.clusters.len() {
        let _ = writeln!(
            h,
            "<p class=\"note\">The {} largest of the {} clusters are listed, each with its page (<code>--html-clusters</code>); every cluster is in <code>clusters.json</code>.</p>",
            listed.len(),
            run.clusters.len()
        );
    }
    if site.members_paged < listed.len() {
        let _ = writeln!(
            h,
            "<p class=\"note\">Pages of members stop at {} documents (<code>--html-documents</code>): every member of the first {} clusters listed has one; the others are shown on their cluster's page.</p>",
            site.limits.max_documents, site.members_paged
        );
    }
    let mut all_outlets: Vec<&str> =
        listed.iter().flat_map(|c| c.members.iter().filter_map(|&m| site.meta.outlet(m))).collect();
    all_outlets.sort_unstable();
    all_outlets.dedup();
    h.push_str("<div class=\"filters\"><label>title contains<input id=\"q\" type=\"search\"></label>");
    if site.has_outlets {
        h.push_str("<label>outlet<select id=\"src\"><option value=\"\">all</option>");
        for (k, o) in all_outlets.iter().enumerate() {
            let _ = write!(h, "<option value=\"{k}\">{}</option>", esc(o));
        }
        h.push_str("</select></label>");
    }
    if site.has_dates {
        h.push_str("<label>from<input id=\"from\" type=\"date\"></label><label>to<input id=\"to\" type=\"date\"></label>");
    }
    let _ = writeln!(
        h,
        "<span><span id=\"shown\">{}</span> of {} clusters shown</span></div>",
        listed.len(),
        listed.len()
    );

    h.push_str("<table id=\"clusters\"><thead><tr><th><button data-key=\"id\">cluster</button></th><th class=\"story\">story (title of the representative)</th><th aria-sort=\"descending\"><button data-key=\"size\">documents</button></th>");
    if site.has_outlets {
        h.push_str("<th><button data-key=\"outlets\">outlets</button></th>");
    }
    if site.has_dates {
        h.push_str("<th class=\"dates\"><button data-key=\"d0\">dates</button></th>");
    }
    h.push_str("<th><button data-key=\"links\">links</button></th></tr></thead>\n<tbody>\n");
    for c in listed {
        let outlets = site.outlets(&c.members);
        let dates = site.date_range(&c.members);
        let _ = write!(
            h,
            "<tr data-id=\"{}\" data-size=\"{}\" data-links=\"{}\"",
            c.id,
            c.members.len(),
            c.pairs.len()
        );
        if site.has_outlets {
            let nums: Vec<String> = outlets
                .iter()
                .filter_map(|o| all_outlets.binary_search(o).ok())
                .map(|k| k.to_string())
                .collect();
            let _ = write!(h, " data-outlets=\"{}\" data-src=\"{}\"", outlets.len(), nums.join(" "));
        }
        if let Some((lo, hi)) = dates {
            let _ = write!(h, " data-d0=\"{}\" data-d1=\"{}\"", esc_attr(lo), esc_attr(hi));
        }
        let _ = write!(
            h,
            "><td class=\"num\">{}</td><td><a href=\"overlap/{}\">{}</a></td><td class=\"num\">{}</td>",
            c.id,
            Site::cluster_href(c.id),
            site.title_html(c.representative),
            c.members.len()
        );
        if site.has_outlets {
            let _ = write!(h, "<td class=\"num\">{}</td>", outlets.len());
        }
        if site.has_dates {
            match dates {
                Some((lo, hi)) if lo == hi => {
                    let _ = write!(h, "<td dir=\"auto\">{}</td>", esc(lo));
                }
                Some((lo, hi)) => {
                    let _ = write!(h, "<td dir=\"auto\">{} – {}</td>", esc(lo), esc(hi));
                }
                None => h.push_str("<td></td>"),
            }
        }
        let _ = writeln!(h, "<td class=\"num\">{}</td></tr>", c.pairs.len());
    }
    h.push_str("</tbody></table>\n<script>");
    h.push_str(SCRIPT);
    h.push_str("</script>\n");
    page::foot(&mut h);
    h
}
