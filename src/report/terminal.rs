//! Terminal views: `reprint compare` (figures, then each shared passage with the two texts
//! side by side, wrapped to the terminal width) and the one-line summary of an `eval` setting.
//!
//! Each column line is wrapped in Unicode first-strong isolates (U+2068 … U+2069), so a
//! terminal that implements the bidirectional algorithm lays out an Arabic column right to
//! left without reordering it across the divider; terminals without bidi support ignore them.

use crate::corpus::RawDoc;
use crate::pipeline::{Comparison, Config};
use crate::verify::LinkedBy;
use std::fmt::Write;

/// Renders the comparison for a terminal `width` columns wide.
pub fn comparison(a: &RawDoc, b: &RawDoc, cmp: &Comparison, config: &Config, width: usize) -> String {
    let mut out = String::new();
    let s = &cmp.scores;
    let _ = writeln!(out, "A  {}  ({} words)", a.id, cmp.words.0);
    let _ = writeln!(out, "B  {}  ({} words)", b.id, cmp.words.1);
    let _ = writeln!(
        out,
        "Jaccard {:.3}   containment A in B {:.3}   B in A {:.3}   ({} shingles)",
        s.jaccard, s.containment_a_in_b, s.containment_b_in_a, config.shingle
    );
    let al = &cmp.alignment;
    let min_passage = config.passages.map(|p| p.rule.min_passage).unwrap_or_default();
    let _ = writeln!(
        out,
        "Shared passages of {min_passage}+ words: {}   coverage A {:.1}%   B {:.1}%",
        al.passages.len(),
        100.0 * al.coverage_a,
        100.0 * al.coverage_b
    );
    let verdict = match cmp.linked_by {
        Some(LinkedBy::Jaccard) => format!("LINKED: Jaccard >= {}", config.threshold),
        Some(LinkedBy::Passage) => "LINKED: shared passages cover enough of the shorter document".to_owned(),
        Some(LinkedBy::Both) => format!("LINKED: Jaccard >= {} and shared passages", config.threshold),
        None => "not linked".to_owned(),
    };
    let _ = writeln!(out, "{verdict}");
    let col = (width.saturating_sub(3)) / 2;
    let mut offs_a: Vec<u32> = al.passages.iter().flat_map(|x| [x.a.0, x.a.1]).collect();
    let mut offs_b: Vec<u32> = al.passages.iter().flat_map(|x| [x.b.0, x.b.1]).collect();
    let ca = super::json::char_offsets(&a.text, &mut offs_a);
    let cb = super::json::char_offsets(&b.text, &mut offs_b);
    for (k, p) in al.passages.iter().enumerate() {
        let _ = writeln!(out);
        let title = format!(
            "passage {} · {} words · {:.0}% verbatim · A chars {}..{} · B chars {}..{}",
            k + 1,
            p.words,
            100.0 * p.exact,
            ca(p.a.0),
            ca(p.a.1),
            cb(p.b.0),
            cb(p.b.1)
        );
        let _ = writeln!(out, "── {title} {}", "─".repeat(width.saturating_sub(title.chars().count() + 4)));
        let left = wrap(a.text.get(p.a.0 as usize..p.a.1 as usize).unwrap_or_default(), col);
        let right = wrap(b.text.get(p.b.0 as usize..p.b.1 as usize).unwrap_or_default(), col);
        for i in 0..left.len().max(right.len()) {
            let l = left.get(i).map(String::as_str).unwrap_or("");
            let r = right.get(i).map(String::as_str).unwrap_or("");
            let pad = col.saturating_sub(l.chars().count());
            let _ = writeln!(out, "\u{2068}{l}\u{2069}{} │ \u{2068}{r}\u{2069}", " ".repeat(pad));
        }
    }
    out
}

/// Wraps `text` into lines of at most `width` characters, breaking at spaces where possible;
/// control characters (newlines, tabs, bidi controls) become spaces or are dropped.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(10);
    let clean: String = text
        .chars()
        .filter_map(|c| match c {
            '\n' | '\r' | '\t' => Some(' '),
            c if c.is_control() || crate::normalize::unicode::is_ignorable(c) => None,
            c => Some(c),
        })
        .collect();
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut len = 0;
    for word in clean.split(' ').filter(|w| !w.is_empty()) {
        let wl = word.chars().count();
        if len > 0 && len + 1 + wl > width {
            lines.push(std::mem::take(&mut line));
            len = 0;
        }
        let mut rest: Vec<char> = word.chars().collect();
        while rest.len() > width {
            let head: String = rest.drain(..width).collect();
            if len > 0 {
                lines.push(std::mem::take(&mut line));
            }
            lines.push(head);
            len = 0;
        }
        if len > 0 {
            line.push(' ');
            len += 1;
        }
        line.extend(rest.iter());
        len += rest.len();
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// One summary line of an evaluated setting.
pub fn eval_line(f: &crate::eval::Figures) -> String {
    let mut parts: Vec<String> = f.setting.iter().map(|(k, v)| format!("{k}={v}")).collect();
    parts.push(format!("{} docs, {} linked pairs, {} clusters", f.documents, f.linked_pairs, f.clusters));
    if let Some(a) = &f.labels {
        parts.push(format!(
            "P {:.4} R {:.4} F1 {:.4} ARI {:.4} NMI {:.4}",
            a.precision, a.recall, a.f1, a.ari, a.nmi
        ));
    }
    if let Some(p) = &f.pairs {
        let bands: Vec<String> = p
            .recall_by_jaccard
            .iter()
            .map(|b| format!("J[{:.2},{:.2}) {}/{}", b.lo, b.hi, b.together, b.pairs))
            .collect();
        parts.push(format!(
            "true pairs together {}/{} ({}), negatives merged {}/{}",
            p.true_pairs_together,
            p.true_pairs,
            bands.join(", "),
            p.negative_pairs_merged,
            p.negative_pairs
        ));
    }
    if let Some(l) = &f.lsh {
        parts.push(format!(
            "LSH recall {:.4} ({}/{} exact pairs), {} candidates, {} dropped by verification",
            l.recall, l.found, l.exact_pairs, l.candidates, l.dropped_by_verification
        ));
    }
    parts.join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_at_spaces_and_splits_long_words() {
        assert_eq!(wrap("aaa bbb ccc", 10), ["aaa bbb", "ccc"]);
        assert_eq!(wrap("x\nyy\tz", 10), ["x yy z"]);
        assert_eq!(wrap(&"a".repeat(25), 10), ["a".repeat(10), "a".repeat(10), "a".repeat(5)]);
        assert!(wrap("", 10).is_empty());
        for l in wrap("فر 1037 جنديا أفغانيا إلى طاجيكستان بعد اشتباكات مع حركة طالبان", 12)
        {
            assert!(l.chars().count() <= 12);
        }
    }
}
