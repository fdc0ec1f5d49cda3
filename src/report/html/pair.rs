//! One linked pair: its figures and the two texts side by side, shared passages highlighted.

use super::escape::{esc, escape};
use crate::pipeline::RunResult;
use crate::report::round6;
use crate::verify::VerifiedPair;
use std::fmt::Write;

pub(super) fn pair(h: &mut String, run: &RunResult, p: &VerifiedPair) {
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
    fn highlights_wrap_escaped_passages() {
        let mut h = String::new();
        highlighted(&mut h, "a <b> c d", &[(2, 5), (8, 9)]);
        assert_eq!(h, "a <mark class=\"p0\" title=\"passage 1\">&lt;b&gt;</mark> c <mark class=\"p1\" title=\"passage 2\">d</mark>");
    }
}
