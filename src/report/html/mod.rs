//! The overlap report: `overlap.html`, an index of the clusters, and the directory `overlap/`
//! beside it, with a page per cluster (`overlap/c/NNNN.html`: members with their metadata,
//! each link's two texts side by side, shared passages highlighted in matching colours), a
//! page per document that shares a passage with another (`overlap/d/NNNN.html`: its full text
//! with everything it shares highlighted, and every link it has, overlaps included) and a list
//! of the documents that have overlaps (`overlap/documents.html`). Links between the pages are
//! relative, so the report works from a copied directory with no network.
//!
//! Safety invariant: every piece of document-derived text (ids, texts, sources, titles,
//! dates, outlets) goes through [`escape`] (element content) or [`escape_attr`] (attribute
//! values), and bidirectional control characters are replaced by a visible marker, so a
//! document can neither inject markup nor reorder what the reader sees. Each page's
//! Content-Security-Policy allows no network and no script, except the index's one inline
//! script (sorting and filtering), allowed by its hash.

mod cluster;
mod document;
mod escape;
mod index;
mod links;
mod page;
mod pair;

pub use escape::{escape, escape_attr};
pub use links::{Both, Kept, LinkCollector};

use crate::cluster::Cluster;
use crate::pipeline::{Doc, RunResult};
use crate::verify::{Relation, VerifiedPair};
use escape::esc;
use rayon::prelude::*;
use std::borrow::Cow;
use std::collections::HashMap;
use std::rc::Rc;

/// Default of [`HtmlLimits::max_pairs`].
pub const DEFAULT_MAX_PAIRS: usize = 20;

/// Pages rendered at a time (in parallel) before they are handed to the writer in order.
const RENDER_BATCH: usize = 64;

/// Default of [`HtmlLimits::max_clusters`].
pub const DEFAULT_MAX_CLUSTERS: usize = 5_000;

/// Default of [`HtmlLimits::max_documents`].
pub const DEFAULT_MAX_DOCUMENTS: usize = 5_000;

/// Limits on how many pages the report has and how much text they embed: the report is for
/// reading, so on a large corpus it holds the largest clusters and the documents that borrow
/// the most, and its size does not grow with the corpus (every pair is in `clusters.json` and
/// `overlaps.jsonl`).
#[derive(Debug, Clone, Copy)]
pub struct HtmlLimits {
    /// Links shown with their two texts on one page: a cluster page shows the links of its
    /// representative first, then the others in id order; a document page shows its overlaps
    /// (its story links are shown on its cluster's page). The other links of the page are
    /// listed in its table of links, with their figures (all of them are in `clusters.json`
    /// and `overlaps.jsonl`). Also the overlaps kept per document ([`LinkCollector`]).
    pub max_pairs: usize,
    /// Clusters with a page, largest first (as the index orders them); the index lists these.
    pub max_clusters: usize,
    /// Documents with a page, twice over: the members of the clusters with a page, in the
    /// index's order (largest cluster first), up to this many; and the documents with the most
    /// overlaps (as `overlap/documents.html` lists them), up to this many.
    pub max_documents: usize,
}

impl Default for HtmlLimits {
    fn default() -> Self {
        HtmlLimits {
            max_pairs: DEFAULT_MAX_PAIRS,
            max_clusters: DEFAULT_MAX_CLUSTERS,
            max_documents: DEFAULT_MAX_DOCUMENTS,
        }
    }
}

/// The metadata the pages show for a document, when the corpus has it (shared by the threads
/// that render pages).
pub trait DocMeta: Sync {
    /// The document's title.
    fn title(&self, doc: u32) -> Option<&str>;
    /// The document's date (compared as a string: ISO dates sort by time).
    fn date(&self, doc: u32) -> Option<&str>;
    /// The outlet that published it.
    fn outlet(&self, doc: u32) -> Option<&str>;
}

impl DocMeta for Vec<Doc> {
    fn title(&self, doc: u32) -> Option<&str> {
        self[doc as usize].title()
    }
    fn date(&self, doc: u32) -> Option<&str> {
        self[doc as usize].date()
    }
    fn outlet(&self, doc: u32) -> Option<&str> {
        self[doc as usize].outlet()
    }
}

/// What the pages of a run share: the run, its metadata, and which cluster and links each
/// document has.
pub(crate) struct Site<'a> {
    run: &'a RunResult,
    meta: &'a dyn DocMeta,
    limits: HtmlLimits,
    /// Cluster number of each document (0: none).
    cluster_of: Vec<usize>,
    /// The links of each document with a page: story links from the clusters, then the
    /// collected ones (overlaps, and story links no cluster holds), each once.
    links_of: Vec<Vec<&'a VerifiedPair>>,
    /// Overlap-only pairs of each document, kept or not.
    overlap_totals: Vec<u32>,
    /// The links shown on their cluster's page: (cluster, link number) by document pair.
    on_cluster_page: std::collections::HashMap<(u32, u32), (usize, usize)>,
    /// The clusters with a page, in the index's order (largest first).
    paged_clusters: Vec<&'a Cluster>,
    /// Whether cluster `id` has a page, by id.
    cluster_paged: Vec<bool>,
    /// How many of the clusters with a page, from the first, have a page for every member
    /// (member pages stop at [`HtmlLimits::max_documents`]).
    members_paged: usize,
    /// Documents with overlaps, most first, each with its number of overlaps.
    with_overlaps: Vec<(u32, usize)>,
    /// Whether document `doc` has a page.
    doc_paged: Vec<bool>,
    has_dates: bool,
    has_outlets: bool,
    /// Each document's title as HTML, made the first time a page shows it (a document's title
    /// is on every page that lists one of its links).
    titles: Vec<std::sync::OnceLock<Box<str>>>,
    /// The first text that could not be read from the run's file of texts: [`render`] fails
    /// with it.
    unread: std::sync::Mutex<Option<std::io::Error>>,
}

/// Which documents have a page, chosen from the links' documents and relations alone (before
/// any collected pair is read back).
struct Selection<'a> {
    /// Whether each story link of the clusters (in cluster order) is listed: the first time
    /// its document pair is met.
    cluster_listed: Vec<bool>,
    /// Whether each collected pair is listed (its document pair is met for the first time).
    kept_listed: Vec<bool>,
    paged_clusters: Vec<&'a Cluster>,
    cluster_paged: Vec<bool>,
    members_paged: usize,
    with_overlaps: Vec<(u32, usize)>,
    doc_paged: Vec<bool>,
}

impl<'a> Selection<'a> {
    fn new(run: &'a RunResult, limits: HtmlLimits, links: &LinkCollector) -> Selection<'a> {
        let n = run.docs.len();
        // Links and overlap links of each document, each document pair counted once.
        let mut linked = vec![0u32; n];
        let mut overlaps = vec![0usize; n];
        let mut seen = std::collections::HashSet::new();
        let mut tally = |a: u32, b: u32, relation: Relation| {
            let first = seen.insert((a.min(b), a.max(b)));
            if first {
                for d in [a as usize, b as usize] {
                    linked[d] += 1;
                    overlaps[d] += usize::from(relation == Relation::Overlap);
                }
            }
            first
        };
        let cluster_listed: Vec<bool> =
            run.clusters.iter().flat_map(|c| c.pairs.iter()).map(|p| tally(p.a, p.b, p.relation)).collect();
        let kept_listed: Vec<bool> = links.pairs().iter().map(|k| tally(k.a, k.b, k.relation)).collect();
        let mut paged_clusters: Vec<&Cluster> = run.clusters.iter().collect();
        paged_clusters.sort_by(|x, y| y.members.len().cmp(&x.members.len()).then(x.id.cmp(&y.id)));
        paged_clusters.truncate(limits.max_clusters);
        let mut cluster_paged = vec![false; run.clusters.iter().map(|c| c.id + 1).max().unwrap_or(0)];
        let mut doc_paged = vec![false; n];
        // Members of the clusters with a page, in the index's order, up to `max_documents`
        // of them (a cluster's size has no bound, so neither would their pages); a document is
        // in one cluster at most. `members_paged`: the clusters before the first member left out.
        let (mut member_pages, mut members_paged, mut left_out) = (0usize, 0usize, false);
        for c in &paged_clusters {
            cluster_paged[c.id] = true;
            for &m in c.members.iter().filter(|&&m| linked[m as usize] > 0) {
                if member_pages == limits.max_documents {
                    left_out = true;
                    break;
                }
                doc_paged[m as usize] = true;
                member_pages += 1;
            }
            members_paged += usize::from(!left_out);
        }
        let mut with_overlaps: Vec<(u32, usize)> =
            (0..n as u32).map(|d| (d, overlaps[d as usize])).filter(|&(_, k)| k > 0).collect();
        with_overlaps.sort_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(&y.0)));
        for &(d, _) in with_overlaps.iter().take(limits.max_documents) {
            doc_paged[d as usize] = true;
        }
        Selection {
            cluster_listed,
            kept_listed,
            paged_clusters,
            cluster_paged,
            members_paged,
            with_overlaps,
            doc_paged,
        }
    }

    /// Whether collected pair `i` is listed on a page: it is listed, and one of its documents
    /// has a page.
    fn wants(&self, i: usize, k: Kept) -> bool {
        self.kept_listed[i] && (self.doc_paged[k.a as usize] || self.doc_paged[k.b as usize])
    }
}

impl<'a> Site<'a> {
    /// The site of `run` under `selection`; `loaded` holds the collected pairs
    /// [`Selection::wants`], in order.
    fn new(
        run: &'a RunResult,
        meta: &'a dyn DocMeta,
        limits: HtmlLimits,
        links: &LinkCollector,
        selection: Selection<'a>,
        loaded: &'a [VerifiedPair],
    ) -> Site<'a> {
        let n = run.docs.len();
        let mut cluster_of = vec![0usize; n];
        for c in &run.clusters {
            for &m in &c.members {
                cluster_of[m as usize] = c.id;
            }
        }
        let Selection {
            cluster_listed,
            paged_clusters,
            cluster_paged,
            members_paged,
            with_overlaps,
            doc_paged,
            ..
        } = selection;
        // The links of the documents with a page: story links from the clusters, then the
        // collected ones, each document pair once.
        let mut links_of: Vec<Vec<&VerifiedPair>> = vec![Vec::new(); n];
        let listed = run.clusters.iter().flat_map(|c| c.pairs.iter()).zip(&cluster_listed);
        for p in listed.filter(|&(_, &l)| l).map(|(p, _)| p).chain(loaded) {
            for d in [p.a as usize, p.b as usize] {
                if doc_paged[d] {
                    links_of[d].push(p);
                }
            }
        }
        let overlap_totals = (0..n as u32).map(|d| links.overlaps_of(d)).collect();
        let mut on_cluster_page = std::collections::HashMap::new();
        for c in &paged_clusters {
            for (k, p) in cluster::ordered(c).into_iter().take(limits.max_pairs).enumerate() {
                on_cluster_page.insert((p.a.min(p.b), p.a.max(p.b)), (c.id, k + 1));
            }
        }
        let has_dates = (0..n as u32).any(|d| meta.date(d).is_some());
        let has_outlets = (0..n as u32).any(|d| meta.outlet(d).is_some());
        Site {
            run,
            meta,
            limits,
            cluster_of,
            links_of,
            overlap_totals,
            on_cluster_page,
            paged_clusters,
            cluster_paged,
            members_paged,
            with_overlaps,
            doc_paged,
            has_dates,
            has_outlets,
            titles: (0..n).map(|_| std::sync::OnceLock::new()).collect(),
            unread: std::sync::Mutex::new(None),
        }
    }

    /// The text of document `doc`, held or read from the run's file of texts
    /// ([`RunResult::spilled`]); one that cannot be read is empty here and its error kept for
    /// [`render`] to return.
    fn text(&self, doc: u32) -> Cow<'a, str> {
        self.run.texts().text(doc).unwrap_or_else(|e| {
            self.unread.lock().unwrap_or_else(|p| p.into_inner()).get_or_insert(e);
            Cow::Borrowed("")
        })
    }

    /// The texts of one page, each read once for it (see [`PageTexts`]).
    fn page_texts(&self) -> PageTexts<'_, 'a> {
        PageTexts { site: self, read: Default::default() }
    }

    /// Whether document `doc` has a page: it has a link, and it is among the first
    /// [`HtmlLimits::max_documents`] members of the clusters with a page (in the index's order)
    /// or among the first [`HtmlLimits::max_documents`] documents with overlaps.
    fn has_page(&self, doc: u32) -> bool {
        self.doc_paged[doc as usize]
    }

    /// Cluster `id` as a link to its page (`prefix` leads to `overlap/`) when it has one, as
    /// plain text otherwise; `text` is the link's escaped content.
    fn cluster_link(&self, id: usize, prefix: &str, text: &str) -> String {
        if self.cluster_paged.get(id).copied().unwrap_or(false) {
            format!("<a href=\"{prefix}{}\">{text}</a>", Site::cluster_href(id))
        } else {
            text.to_owned()
        }
    }

    /// The path of document `doc`'s page inside `overlap/`.
    fn doc_href(doc: u32) -> String {
        format!("d/{doc:04}.html")
    }

    /// The path of cluster `id`'s page inside `overlap/`.
    fn cluster_href(id: usize) -> String {
        format!("c/{id:04}.html")
    }

    /// The document's id, escaped, as a link to its page when it has one.
    fn doc_link(&self, doc: u32, prefix: &str) -> String {
        let id = esc(&self.run.docs[doc as usize].id);
        if self.has_page(doc) {
            format!("<a class=\"id\" dir=\"auto\" href=\"{prefix}{}\">{id}</a>", Site::doc_href(doc))
        } else {
            format!("<span class=\"id\" dir=\"auto\">{id}</span>")
        }
    }

    /// The document's title, or the first words of its text (then `true`): at most 12 words
    /// and 90 characters, `…` marking a cut.
    fn title(&self, doc: u32) -> (String, bool) {
        if let Some(t) = self.meta.title(doc).filter(|t| !t.trim().is_empty()) {
            return (t.to_owned(), false);
        }
        let text = self.text(doc);
        let mut out = String::new();
        let mut chars = 0;
        for (k, w) in text.split_whitespace().enumerate() {
            let n = w.chars().count();
            if k == 12 || chars + n > 90 {
                out.push('…');
                break;
            }
            if k > 0 {
                out.push(' ');
                chars += 1;
            }
            out.push_str(w);
            chars += n;
        }
        (out, true)
    }

    /// The title as escaped HTML (a fallback is set in italics, so it is not taken for one).
    fn title_html(&self, doc: u32) -> &str {
        self.titles[doc as usize].get_or_init(|| {
            let html = match self.title(doc) {
                (t, false) => format!("<span class=\"title\" dir=\"auto\">{}</span>", esc(&t)),
                (t, true) => format!("<span class=\"title fallback\" dir=\"auto\">{}</span>", esc(&t)),
            };
            html.into_boxed_str()
        })
    }

    /// The earliest and latest date among `docs`.
    fn date_range(&self, docs: &[u32]) -> Option<(&str, &str)> {
        let dates = docs.iter().filter_map(|&d| self.meta.date(d));
        let lo = dates.clone().min()?;
        Some((lo, dates.max().unwrap_or(lo)))
    }

    /// The distinct outlets of `docs`, sorted.
    fn outlets(&self, docs: &[u32]) -> Vec<&str> {
        let mut o: Vec<&str> = docs.iter().filter_map(|&d| self.meta.outlet(d)).collect();
        o.sort_unstable();
        o.dedup();
        o
    }
}

/// The texts one page shows, each read once for the page: a document's text is in every link
/// of its own page, a cluster member's in each of its links on the cluster's page (read from the
/// run's file of texts, each read is a system call, a copy and a check of the UTF-8).
pub(super) struct PageTexts<'s, 'a> {
    site: &'s Site<'a>,
    read: std::cell::RefCell<HashMap<u32, Rc<Cow<'a, str>>>>,
}

impl<'a> PageTexts<'_, 'a> {
    /// The text of document `doc` ([`Site::text`]), read the first time the page asks for it.
    fn get(&self, doc: u32) -> Rc<Cow<'a, str>> {
        let mut read = self.read.borrow_mut();
        read.entry(doc).or_insert_with(|| Rc::new(self.site.text(doc))).clone()
    }
}

/// `n` and the noun, singular or plural: `1 link`, `2 links`.
fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Where [`render`] hands each page: its path inside `overlap/` and its bytes. It is called
/// from a thread of its own, in page order.
pub type PageWriter<'w, E> = dyn FnMut(&str, &[u8]) -> Result<(), E> + Send + 'w;

/// What [`render`] wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pages {
    /// Cluster pages.
    pub clusters: usize,
    /// Document pages.
    pub documents: usize,
}

/// Renders a page for each of `items` (`page` gives its path and content), a batch at a time in
/// parallel, and hands them to `write` in order on a thread of its own, which writes one batch
/// while the next is rendered (at most one more waits between them); returns how many.
fn in_batches<T: Sync, E: Send>(
    items: &[T],
    write: &mut PageWriter<'_, E>,
    page: impl Fn(&T) -> (String, String) + Sync,
) -> Result<usize, E> {
    let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<(String, String)>>(1);
    std::thread::scope(|s| {
        let writer = s.spawn(move || -> Result<(), E> {
            for batch in rx {
                for (path, html) in batch {
                    write(&path, html.as_bytes())?;
                }
            }
            Ok(())
        });
        for batch in items.chunks(RENDER_BATCH) {
            // A page starts with room for 64 KiB; it waits for the writer at its own size.
            let rendered: Vec<(String, String)> = batch
                .par_iter()
                .map(|item| {
                    let (path, mut html) = page(item);
                    html.shrink_to_fit();
                    (path, html)
                })
                .collect();
            // A closed channel means the writer failed: its error is returned below.
            if tx.send(rendered).is_err() {
                break;
            }
        }
        drop(tx);
        writer.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })?;
    Ok(items.len())
}

/// Renders the report of `run`: returns the index (`overlap.html`) and hands every other page
/// to `write` with its path inside `overlap/` (`c/0001.html`, `d/0042.html`,
/// `documents.html`). `links` holds the links the run streamed (see [`LinkCollector`]);
/// `meta` the documents' titles, dates and outlets (`&run.docs` for what the
/// reader kept).
pub fn render<E: Send + From<std::io::Error>>(
    run: &RunResult,
    sources: &[String],
    limits: HtmlLimits,
    meta: &dyn DocMeta,
    links: &mut LinkCollector,
    write: &mut PageWriter<'_, E>,
) -> Result<(String, Pages), E> {
    let selection = Selection::new(run, limits, links);
    let loaded = links.load(|i, k| selection.wants(i, k)).map_err(|e| {
        std::io::Error::new(e.kind(), format!("cannot read back the links of the report's pages: {e}"))
    })?;
    let site = Site::new(run, meta, limits, links, selection, &loaded);
    let with_page: Vec<u32> = (0..run.docs.len() as u32).filter(|&d| site.has_page(d)).collect();
    let pages = Pages {
        clusters: in_batches(&site.paged_clusters, write, |c| {
            (Site::cluster_href(c.id), cluster::page(&site, c))
        })?,
        documents: in_batches(&with_page, write, |&d| (Site::doc_href(d), document::page(&site, d)))?,
    };
    write("documents.html", document::list(&site).as_bytes())?;
    let index = index::page(&site, sources);
    if let Some(e) = site.unread.into_inner().unwrap_or_else(|p| p.into_inner()) {
        let message = format!("cannot read the texts of the report's pages: {e}");
        return Err(std::io::Error::new(e.kind(), message).into());
    }
    Ok((index, pages))
}

#[cfg(test)]
mod tests;
