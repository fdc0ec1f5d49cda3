//! One link: its figures and the two texts side by side, the shared passages highlighted in
//! matching colours. A long text is shown as the region of its passages with some context
//! (the rest folded into a link to the document's page, which holds the full text), so the
//! first highlight is near the top of its pane without scrolling or script.

use super::escape::{esc, escape};
use super::{PageTexts, Site};
use crate::report::round6;
use crate::verify::{LinkedBy, Relation, SetAside, VerifiedPair};
use std::fmt::Write;

/// Characters of context shown on each side of a passage.
const CONTEXT: usize = 300;
/// A run of text outside the context shorter than this (in characters) is shown, not folded.
const MIN_FOLD: usize = 200;
/// Characters shown of a text that has no passage (a link by Jaccard alone).
const HEAD: usize = 1200;

/// The name of a relation, as the reports write it.
pub(super) fn relation_name(r: Relation) -> &'static str {
    match r {
        Relation::Duplicate => "duplicate",
        Relation::Story => "story",
        Relation::Overlap => "overlap",
    }
}

/// Why `p`, a story link on its own, is an overlap, in words (HTML), naming the roundup or hub
/// by `name`; `None` when nothing set it aside.
pub(super) fn aside_note(p: &VerifiedPair, name: impl Fn(u32) -> String) -> Option<String> {
    Some(match p.set_aside? {
        SetAside::Roundup(d) => format!(
            "a story link on their own, set aside: {} is a roundup (its passages are shared with groups of documents that share no passage with each other, and it joins at most one of them)",
            name(d)
        ),
        SetAside::Hub(d) => format!(
            "a story link on their own, set aside: {} is a hub of boilerplate (its main content is a passage that documents not linked to each other carry as a small part)",
            name(d)
        ),
        SetAside::Cut => {
            "a story link on their own, set aside: it crosses a sparse cut, where its story cluster was split in two".to_owned()
        }
    })
}

/// Writes link number `n` of a page whose links to other pages start with `prefix`
/// (`../` on the cluster and document pages), its texts from the page's `texts`.
pub(super) fn pair(h: &mut String, texts: &PageTexts, p: &VerifiedPair, n: usize, prefix: &str) {
    let site = texts.site;
    let docs = &site.run.docs;
    let rel = relation_name(p.relation);
    let _ = writeln!(
        h,
        "<section class=\"pair\" id=\"l{n}\">\n<h3>Link {n}: {} ↔ {} <span class=\"rel {rel}\">{rel}</span></h3>",
        site.doc_link(p.a, prefix),
        site.doc_link(p.b, prefix)
    );
    let sc = &p.scores;
    h.push_str(
        "<table><tr><th>linked by</th><th>Jaccard</th><th>containment A in B</th><th>containment B in A</th>",
    );
    if p.alignment.is_some() {
        h.push_str("<th>coverage A</th><th>coverage B</th><th>passages</th>");
    }
    let aside = aside_note(p, |d| site.doc_link(d, prefix));
    let by = match (p.relation, p.linked_by) {
        (Relation::Overlap, _) => match &aside {
            Some(note) => format!("shared passages: {note}"),
            None => "shared passages (too small a part, or too common, for a story)".to_owned(),
        },
        (_, LinkedBy::Jaccard) => "Jaccard".to_owned(),
        (_, LinkedBy::Passage) => "shared passages".to_owned(),
        (_, LinkedBy::Both) => "Jaccard and shared passages".to_owned(),
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
    for (side, doc, ranges) in [("a", p.a, ranges_a), ("b", p.b, ranges_b)] {
        let d = &docs[doc as usize];
        let _ = write!(
            h,
            "<div class=\"doc\" dir=\"auto\"><h4 dir=\"auto\"><span class=\"id\">{}</span> {}</h4>",
            esc(&d.id),
            site.title_html(doc)
        );
        let full = site.has_page(doc).then(|| format!("{prefix}{}#text", Site::doc_href(doc)));
        excerpt(h, &texts.get(doc), &ranges, &format!("l{n}{side}"), full.as_deref());
        h.push_str("</div>\n");
    }
    h.push_str("</div>\n</section>\n");
}

/// A highlighted span of a text: byte range, colour number and tooltip.
pub(super) struct Span {
    pub start: usize,
    pub end: usize,
    pub colour: usize,
    pub title: String,
}

/// Writes `text[from..to]` escaped, with the `spans` inside it (sorted, non-overlapping, on
/// character boundaries) wrapped in `<mark>`; the first mark written gets the id `anchor`
/// (taken, so only once).
fn marked(h: &mut String, text: &str, (from, to): (usize, usize), spans: &[Span], anchor: &mut Option<&str>) {
    let mut pos = from;
    for s in spans.iter().filter(|s| s.start >= from && s.end <= to) {
        escape(&text[pos..s.start], h);
        match anchor.take() {
            Some(id) => {
                let _ = write!(h, "<mark id=\"{id}\" class=\"p{}\" title=\"{}\">", s.colour % 8, s.title);
            }
            None => {
                let _ = write!(h, "<mark class=\"p{}\" title=\"{}\">", s.colour % 8, s.title);
            }
        }
        escape(&text[s.start..s.end], h);
        h.push_str("</mark>");
        pos = s.end;
    }
    escape(&text[pos..to], h);
}

/// The valid spans among `spans` (inside the text, on character boundaries), sorted, each
/// starting after the previous one ends.
pub(super) fn clean(text: &str, mut spans: Vec<Span>) -> Vec<Span> {
    spans.retain(|s| {
        s.start <= s.end
            && s.end <= text.len()
            && text.is_char_boundary(s.start)
            && text.is_char_boundary(s.end)
    });
    spans.sort_by_key(|s| (s.start, s.end));
    let mut end = 0;
    spans.retain(|s| {
        let ok = s.start >= end;
        if ok {
            end = s.end;
        }
        ok
    });
    spans
}

/// Writes the whole `text` escaped with `spans` highlighted; the first highlight gets the id
/// `anchor`.
pub(super) fn full_text(h: &mut String, text: &str, spans: Vec<Span>, anchor: &str) {
    let spans = clean(text, spans);
    marked(h, text, (0, text.len()), &spans, &mut Some(anchor));
}

/// Byte index `n` characters before `pos` (0 at most), moved forward to just after a white
/// space within the next 60 bytes when there is one, so a context starts on a word.
fn back(text: &str, pos: usize, n: usize) -> usize {
    let start = if n == 0 { pos } else { text[..pos].char_indices().rev().nth(n - 1).map_or(0, |(i, _)| i) };
    if start == 0 {
        return 0;
    }
    let look = &text[start..pos];
    match look.char_indices().take_while(|(i, _)| *i < 60).find(|(_, c)| c.is_whitespace()) {
        Some((i, c)) => start + i + c.len_utf8(),
        None => start,
    }
}

/// Byte index `n` characters after `pos` (the end at most), moved back to a white space
/// within the last 60 bytes when there is one.
fn forward(text: &str, pos: usize, n: usize) -> usize {
    let end = text[pos..].char_indices().nth(n).map_or(text.len(), |(i, _)| pos + i);
    if end == text.len() {
        return end;
    }
    match text[pos..end]
        .char_indices()
        .rev()
        .take_while(|(i, _)| pos + *i + 60 >= end)
        .find(|(_, c)| c.is_whitespace())
    {
        Some((i, _)) => pos + i,
        None => end,
    }
}

/// Writes the part of `text` around its passages (`ranges[k]`, byte ranges, highlighted in
/// colour `k`): each passage with [`CONTEXT`] characters on each side; longer runs between
/// them are folded into a marker that links to `full` (the full text). The first highlight
/// gets the id `anchor`. A text with no passage shows its first [`HEAD`] characters.
pub(super) fn excerpt(h: &mut String, text: &str, ranges: &[(u32, u32)], anchor: &str, full: Option<&str>) {
    let spans: Vec<Span> = ranges
        .iter()
        .enumerate()
        .map(|(k, &(s, e))| Span {
            start: s as usize,
            end: e as usize,
            colour: k,
            title: format!("passage {}", k + 1),
        })
        .collect();
    let spans = clean(text, spans);
    let mut windows: Vec<(usize, usize)> = Vec::new();
    if spans.is_empty() {
        windows.push((0, forward(text, 0, HEAD)));
    }
    for s in &spans {
        let (ws, we) = (back(text, s.start, CONTEXT), forward(text, s.end, CONTEXT));
        match windows.last_mut() {
            Some(last) if ws <= last.1 || text[last.1..ws].chars().count() < MIN_FOLD => {
                last.1 = last.1.max(we)
            }
            _ => windows.push((ws, we)),
        }
    }
    if let Some(first) = windows.first_mut() {
        if text[..first.0].chars().count() < MIN_FOLD {
            first.0 = 0;
        }
    }
    if let Some(last) = windows.last_mut() {
        if text[last.1..].chars().count() < MIN_FOLD {
            last.1 = text.len();
        }
    }
    let mut anchor = Some(anchor);
    let mut pos = 0;
    for &(ws, we) in &windows {
        if ws > pos {
            fold(h, text[pos..ws].chars().count(), full);
        }
        marked(h, text, (ws, we), &spans, &mut anchor);
        pos = we;
    }
    if pos < text.len() {
        fold(h, text[pos..].chars().count(), full);
    }
}

fn fold(h: &mut String, chars: usize, full: Option<&str>) {
    match full {
        Some(href) => {
            let _ = write!(h, "<a class=\"fold\" href=\"{href}\">[… {chars} characters: full text …]</a>");
        }
        None => {
            let _ = write!(h, "<span class=\"fold\">[… {chars} characters …]</span>");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlights_wrap_escaped_passages() {
        let mut h = String::new();
        excerpt(&mut h, "a <b> c d", &[(2, 5), (8, 9)], "x", None);
        assert_eq!(h, "a <mark id=\"x\" class=\"p0\" title=\"passage 1\">&lt;b&gt;</mark> c <mark class=\"p1\" title=\"passage 2\">d</mark>");
    }

    #[test]
    fn long_texts_fold_what_is_far_from_the_passages() {
        let before = "w ".repeat(1000);
        let after = " z".repeat(1000);
        let text = format!("{before}SHARED{after}");
        let s = before.len();
        let mut h = String::new();
        excerpt(&mut h, &text, &[(s as u32, (s + 6) as u32)], "l1a", Some("../d/0001.html#text"));
        // Folded on both sides: the passage with up to 300 characters of context, cut after or
        // before a space.
        assert!(
            h.starts_with(
                "<a class=\"fold\" href=\"../d/0001.html#text\">[… 1702 characters: full text …]</a>"
            ),
            "{h}"
        );
        assert!(h.contains("<mark id=\"l1a\" class=\"p0\" title=\"passage 1\">SHARED</mark>"));
        assert!(h.ends_with("[… 1702 characters: full text …]</a>"), "{h}");
        let shown = h.split("</a>").nth(1).unwrap();
        assert_eq!(shown.matches('w').count(), 149);
    }

    #[test]
    fn a_text_without_passages_shows_its_beginning() {
        let text = "word ".repeat(400);
        let mut h = String::new();
        excerpt(&mut h, &text, &[], "x", None);
        assert!(h.starts_with("word word"));
        assert!(h.ends_with("[… 801 characters …]</span>"), "{h}");
    }
}
