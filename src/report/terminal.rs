//! Terminal views: `reprint compare` (figures, then each shared passage with the two texts
//! side by side, wrapped to the terminal width), the summaries `cluster`, `dedup` and `eval`
//! print, and the skipped-record lines on stderr.
//!
//! A column line that holds right-to-left text (a character of bidirectional class R or AL:
//! Arabic, Hebrew, …) is wrapped in a directional isolate (U+2066 … U+2069: right-to-left when
//! its passage starts right to left, else left-to-right), so a terminal that implements the
//! bidirectional algorithm lays out an Arabic column right to left without reordering it across
//! the divider; terminals without bidi support ignore them. Lines without right-to-left text
//! (English, digits) get no isolate, and neither does anything else on an all-left-to-right
//! view; an id holding right-to-left text is wrapped in a first-strong isolate.

use crate::config::Candidates;
use crate::corpus::{RawDoc, SkipLog};
use crate::pipeline::{Comparison, Config, RunResult};
use crate::verify::Relation;
use std::fmt::Write;
use std::path::{Path, PathBuf};

/// The narrowest terminal view: narrower widths are drawn this wide.
pub const MIN_WIDTH: usize = 40;
/// The widest terminal view: each passage's title rule is drawn this wide.
pub const MAX_WIDTH: usize = 1000;
/// The width of the view without `--width`, `$COLUMNS` or a terminal on stdout.
pub const DEFAULT_WIDTH: usize = 100;

/// `--width` above [`MAX_WIDTH`].
#[derive(Debug, thiserror::Error)]
#[error("--width must be at most {MAX_WIDTH} columns, got {0}")]
pub struct WidthError(pub usize);

/// The width of the terminal view, from the first of: `flag` (`--width`); `$COLUMNS`
/// (`columns`) when it is a positive whole number (anything else is ignored, as if unset);
/// `terminal`, the width of the terminal stdout is, when it is one; [`DEFAULT_WIDTH`]. The
/// result is at least [`MIN_WIDTH`]. A `--width` above [`MAX_WIDTH`] is an error; a larger
/// `$COLUMNS` or terminal is taken as [`MAX_WIDTH`].
pub fn view_width(
    flag: Option<usize>,
    columns: Option<&str>,
    terminal: Option<usize>,
) -> Result<usize, WidthError> {
    let width = match flag {
        Some(w) if w > MAX_WIDTH => return Err(WidthError(w)),
        Some(w) => w,
        None => columns
            .and_then(|c| c.trim().parse::<u64>().ok())
            .filter(|&c| c > 0)
            .map(|c| usize::try_from(c.min(MAX_WIDTH as u64)).unwrap_or(MAX_WIDTH))
            .or(terminal.filter(|&t| t > 0).map(|t| t.min(MAX_WIDTH)))
            .unwrap_or(DEFAULT_WIDTH),
    };
    Ok(width.max(MIN_WIDTH))
}

/// Left-to-right isolate.
const LRI: char = '\u{2066}';
/// Right-to-left isolate.
const RLI: char = '\u{2067}';
/// First-strong isolate.
const FSI: char = '\u{2068}';
/// Pop directional isolate: ends the isolate that [`LRI`], [`RLI`] or [`FSI`] opened.
const PDI: char = '\u{2069}';

/// Whether `text` holds a strong right-to-left character (bidirectional class R or AL).
fn has_rtl(text: &str) -> bool {
    use unicode_bidi::BidiClass::{AL, R};
    text.chars().any(|c| matches!(unicode_bidi::bidi_class(c), R | AL))
}

/// Whether `text` reads right to left: its first strong character is right-to-left.
fn reads_rtl(text: &str) -> bool {
    unicode_bidi::get_base_direction_full(text) == unicode_bidi::Direction::Rtl
}

/// `line` as one column cell: isolated (right-to-left when `rtl`) when it holds right-to-left
/// text, as it is otherwise.
fn cell(line: &str, rtl: bool) -> std::borrow::Cow<'_, str> {
    if has_rtl(line) {
        std::borrow::Cow::Owned(format!("{}{line}{PDI}", if rtl { RLI } else { LRI }))
    } else {
        std::borrow::Cow::Borrowed(line)
    }
}

/// `id` in a first-strong isolate when it holds right-to-left text, so that the words around
/// it keep their places.
fn isolated_id(id: &str) -> std::borrow::Cow<'_, str> {
    if has_rtl(id) {
        std::borrow::Cow::Owned(format!("{FSI}{id}{PDI}"))
    } else {
        std::borrow::Cow::Borrowed(id)
    }
}

/// The relation as the terminal view names it.
fn relation_name(r: Relation) -> &'static str {
    match r {
        Relation::Duplicate => "DUPLICATE",
        Relation::Story => "SAME STORY",
        Relation::Overlap => "OVERLAP",
    }
}

/// How the terminal view of `compare` is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct View {
    /// Width in columns (see [`view_width`]).
    pub width: usize,
    /// Whether shared passages are coloured with ANSI SGR sequences (the binary decides:
    /// `--color`, `NO_COLOR`, whether stdout is a terminal).
    pub colour: bool,
}

/// SGR sequence of shared passage text: cyan.
pub const SGR_SHARED: &str = "\x1b[0;36m";
/// SGR sequence of the words that differ inside a passage: bold, underlined, yellow.
pub const SGR_DIFFERING: &str = "\x1b[0;1;4;33m";
/// SGR sequence that ends a styled cell.
pub const SGR_RESET: &str = "\x1b[0m";

/// Renders the comparison as `view` says. Everything taken from the documents is stripped of
/// control characters (texts) or has them escaped (ids), so the only escape sequences in the
/// result are the SGR sequences above, and those only with `view.colour`.
pub fn comparison(a: &RawDoc, b: &RawDoc, cmp: &Comparison, config: &Config, view: View) -> String {
    let width = view.width;
    let mut out = String::new();
    let s = &cmp.scores;
    let _ = writeln!(out, "A  {}  ({} words)", isolated_id(&escape_controls(&a.id)), cmp.words.0);
    let _ = writeln!(out, "B  {}  ({} words)", isolated_id(&escape_controls(&b.id)), cmp.words.1);
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
    let verdict = match cmp.relation {
        Some(r) => format!("{}: {}", relation_name(r), cmp.why),
        None => format!("NOT RELATED: {}", cmp.why),
    };
    let _ = writeln!(out, "{verdict}");
    // A figure's words on one line, as a cell draws them.
    let figure = |text: &str, (x, y): (u32, u32)| {
        let words = wrap(text.get(x as usize..y as usize).unwrap_or_default(), 1 << 16).join(" ");
        cell(&words, reads_rtl(&words)).into_owned()
    };
    for &((a0, a1), (b0, b1)) in &cmp.figures {
        let _ = writeln!(
            out,
            "Another figure: A «{}» · B «{}»",
            figure(&a.text, (a0, a1)),
            figure(&b.text, (b0, b1))
        );
    }
    let col = (width.saturating_sub(3)) / 2;
    let chars = super::offsets::passage_chars(&a.text, &b.text, &al.passages);
    let none = crate::overlap::Differences::default();
    for (k, (p, (ca, cb))) in al.passages.iter().zip(chars).enumerate() {
        let _ = writeln!(out);
        let title = format!(
            "passage {} · {} words · {:.0}% verbatim · A chars {}..{} · B chars {}..{}",
            k + 1,
            p.words,
            100.0 * p.exact,
            ca[0],
            ca[1],
            cb[0],
            cb[1]
        );
        let _ = writeln!(out, "── {title} {}", "─".repeat(width.saturating_sub(title.chars().count() + 4)));
        let (text_a, text_b) = (
            a.text.get(p.a.0 as usize..p.a.1 as usize).unwrap_or_default(),
            b.text.get(p.b.0 as usize..p.b.1 as usize).unwrap_or_default(),
        );
        let (rtl_a, rtl_b) = (reads_rtl(text_a), reads_rtl(text_b));
        let diff = cmp.differences.get(k).unwrap_or(&none);
        let relative = |ranges: &[(u32, u32)], start: u32| -> Vec<(usize, usize)> {
            ranges
                .iter()
                .map(|&(x, y)| (x.saturating_sub(start) as usize, y.saturating_sub(start) as usize))
                .collect()
        };
        let left = wrap_marked(text_a, &relative(&diff.a, p.a.0), col);
        let right = wrap_marked(text_b, &relative(&diff.b, p.b.0), col);
        for i in 0..left.len().max(right.len()) {
            let l = left.get(i).map(Vec::as_slice).unwrap_or_default();
            let r = right.get(i).map(Vec::as_slice).unwrap_or_default();
            let pad = col.saturating_sub(l.len());
            let (l, r) = (styled(l, rtl_a, view.colour), styled(r, rtl_b, view.colour));
            let _ = writeln!(out, "{l}{} │ {r}", " ".repeat(pad));
        }
    }
    out
}

/// A wrapped line: its characters, each with whether it lies in a word that differs.
type MarkedLine = Vec<(char, bool)>;

/// One column cell: the line's text, coloured when `colour` (shared text in one colour, the
/// words that differ in another), in a directional isolate when it holds right-to-left text
/// (see [`cell`]).
fn styled(line: &[(char, bool)], rtl: bool, colour: bool) -> String {
    let plain: String = line.iter().map(|&(c, _)| c).collect();
    if !colour || line.is_empty() {
        return cell(&plain, rtl).into_owned();
    }
    let mut text = String::with_capacity(plain.len() + 32);
    let mut current = None;
    for &(c, differs) in line {
        if current != Some(differs) {
            text.push_str(if differs { SGR_DIFFERING } else { SGR_SHARED });
            current = Some(differs);
        }
        text.push(c);
    }
    text.push_str(SGR_RESET);
    if has_rtl(&plain) {
        format!("{}{text}{PDI}", if rtl { RLI } else { LRI })
    } else {
        text
    }
}

/// Wraps `text` into lines of at most `width` characters, breaking at spaces where possible;
/// control characters (newlines, tabs, bidi controls) become spaces or are dropped.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    wrap_marked(text, &[], width).into_iter().map(|l| l.into_iter().map(|(c, _)| c).collect()).collect()
}

/// [`wrap`], each character marked with whether it lies in one of the byte ranges `marked`
/// of `text` (sorted, not overlapping). A space between two marked words is marked.
fn wrap_marked(text: &str, marked: &[(usize, usize)], width: usize) -> Vec<MarkedLine> {
    let width = width.max(10);
    let mut next = 0;
    let clean: Vec<(char, bool)> = text
        .char_indices()
        .filter_map(|(at, c)| {
            while next < marked.len() && marked[next].1 <= at {
                next += 1;
            }
            let m = next < marked.len() && marked[next].0 <= at;
            match c {
                '\n' | '\r' | '\t' => Some((' ', m)),
                c if c.is_control() || crate::normalize::unicode::is_ignorable(c) => None,
                c => Some((c, m)),
            }
        })
        .collect();
    let mut lines = Vec::new();
    let mut line: MarkedLine = Vec::new();
    for word in clean.split(|&(c, _)| c == ' ').filter(|w| !w.is_empty()) {
        if !line.is_empty() && line.len() + 1 + word.len() > width {
            lines.push(std::mem::take(&mut line));
        }
        let mut rest = word;
        while rest.len() > width {
            let (head, tail) = rest.split_at(width);
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            lines.push(head.to_vec());
            rest = tail;
        }
        if let Some(&(_, before)) = line.last() {
            line.push((' ', before && rest.first().is_some_and(|&(_, m)| m)));
        }
        line.extend_from_slice(rest);
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

/// The summary `reprint cluster` prints: counts per stage, how candidates were proposed, time
/// per stage, the files written.
pub fn run_summary(run: &RunResult, names: &[String], written: &[PathBuf], secs: f64) -> String {
    let mut o = String::new();
    let s = &run.stats;
    let c = &run.config;
    let how = match c.candidates {
        Candidates::Exact => "exact prefix-filtered join".to_owned(),
        Candidates::Identical => "byte-identical texts".to_owned(),
        Candidates::MinHashLsh { banding: b, .. } => {
            format!("MinHash LSH, {} bands x {} rows", b.bands, b.rows)
        }
        Candidates::SimHashLsh { max_hamming: k } => format!("SimHash, Hamming <= {k}"),
    };
    // Sizes in MB (10^6 bytes), as the progress bars count them: the records read, and the
    // input files as stored (the total the read bar runs to) when compression makes it differ.
    let (read, stored) = (format!("{:.1}", s.input_bytes as f64 / 1e6), stored_mb(&run.inputs));
    let stored =
        stored.filter(|st| *st != read).map(|st| format!(" ({st} MB as stored)")).unwrap_or_default();
    let _ = writeln!(
        o,
        "reprint {}: {} documents ({} empty, {} skipped), {read} MB{stored} from {}",
        env!("CARGO_PKG_VERSION"),
        s.documents,
        s.empty_documents,
        s.skipped,
        names.join(", ")
    );
    let _ = writeln!(o, "  candidates {:>10} pairs  ({how}, {} shingles)", s.candidate_pairs, c.shingle);
    let _ = writeln!(o, "  verified   {:>10} pairs  (Jaccard >= {})", s.verified_pairs, c.threshold);
    if let Some(p) = &c.passages {
        let _ = writeln!(
            o,
            "  passages   {:>10} pairs  (same story by shared passages of {}+ words covering {}+ of each document; {} pairs aligned{})",
            s.passage_links,
            p.rule.min_passage,
            p.rule.min_coverage,
            s.aligned_pairs,
            rows(s.align_rows)
        );
        let _ = writeln!(
            o,
            "  relations  {:>10} duplicates, {} story links, {} overlaps ({} links of roundups and boilerplate hubs set aside, {} across sparse cuts)",
            s.duplicate_pairs,
            s.linked_pairs - s.duplicate_pairs,
            s.overlap_pairs,
            s.pruned_links,
            s.split_links
        );
    }
    let _ = writeln!(
        o,
        "  clusters   {:>10}        ({} documents in clusters, {} singletons)",
        s.clusters,
        s.clustered_documents,
        s.documents - s.empty_documents - s.clustered_documents
    );
    let stages: Vec<String> =
        s.timings.iter().map(|(name, d)| format!("{name} {:.2} s", d.as_secs_f64())).collect();
    let _ = writeln!(o, "  time       {secs:>10.2} s      ({})", stages.join(", "));
    let _ = writeln!(o, "  wrote      {}", paths(written));
    o
}

/// The size of the inputs as stored, in MB to one decimal; `None` when one of them has no
/// known size (standard input).
/// How the passage stage went through the corpus, when it took more than one row: `, in 6
/// rows of --align-memory`.
fn rows(rows: usize) -> String {
    match rows {
        0 | 1 => String::new(),
        n => format!(", in {n} rows of --align-memory"),
    }
}

fn stored_mb(inputs: &[crate::corpus::InputSum]) -> Option<String> {
    let bytes: Option<u64> = inputs.iter().map(|i| i.bytes).sum();
    bytes.map(|b| format!("{:.1}", b as f64 / 1e6))
}

/// The summary `reprint dedup` prints.
pub fn dedup_summary(tally: &crate::dedup::Tally, against: bool, written: &[PathBuf], secs: f64) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "reprint {}: {} documents read, {} removed as duplicates, {} kept{}",
        env!("CARGO_PKG_VERSION"),
        tally.considered,
        tally.removed,
        tally.kept,
        if against { format!(" (against {} reference documents)", tally.reference) } else { String::new() }
    );
    let _ = writeln!(o, "{}", time_and_files(written, secs));
    o
}

/// The closing lines of `dedup` and `eval`: wall time and the files written.
pub fn time_and_files(written: &[PathBuf], secs: f64) -> String {
    format!("  time  {secs:.2} s\n  wrote {}", paths(written))
}

/// What `reprint eval --clusters` prints.
pub fn rescore_lines(path: &Path, r: &crate::eval::Rescored) -> String {
    let mut o = String::new();
    let a = &r.agreement;
    let _ = writeln!(
        o,
        "{}: {} documents; P {:.4} R {:.4} F1 {:.4} ARI {:.4} NMI {:.4}",
        path.display(),
        a.documents,
        a.precision,
        a.recall,
        a.f1,
        a.ari,
        a.nmi
    );
    if let Some(p) = &r.pairs {
        let _ = writeln!(
            o,
            "true pairs together {}/{}, negatives merged {}/{}",
            p.true_pairs_together, p.true_pairs, p.negative_pairs_merged, p.negative_pairs
        );
    }
    o
}

/// The stderr lines naming skipped records (the first 20), then, when there are more, how
/// many were skipped in all and for which reasons.
pub fn skipped_lines(skipped: &SkipLog) -> String {
    const SHOWN: usize = 20;
    let mut o = String::new();
    for s in skipped.sample().iter().take(SHOWN) {
        let line = s.line.map(|l| format!(":{l}")).unwrap_or_default();
        let _ = writeln!(o, "reprint: skipped {}{line}: {}", s.source, s.reason);
    }
    if skipped.len() > SHOWN {
        let reasons: Vec<String> = skipped.by_reason().iter().map(|(r, n)| format!("{n} {r}")).collect();
        let _ = writeln!(
            o,
            "reprint: ... and {} more; {} records skipped in all ({}); counted in clusters.json and manifest.json",
            skipped.len() - SHOWN,
            skipped.len(),
            reasons.join(", ")
        );
    }
    o
}

/// `text` with every control character other than newline and tab written as `\u{..}`, so
/// that nothing read from the input (ids, file names, texts) can move the cursor, retitle or
/// clear a terminal.
pub fn escape_controls(text: &str) -> std::borrow::Cow<'_, str> {
    let bad = |c: char| c.is_control() && c != '\n' && c != '\t';
    if !text.chars().any(bad) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if bad(c) {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// A JSON document with every control character other than newline and tab written as a JSON
/// `\u` escape: the same document, still valid JSON, safe to show on a terminal. serde_json
/// already escapes the characters below U+0020 inside strings; this covers DEL and
/// U+0080..U+009F (C1 controls such as CSI), which it leaves as they are.
pub fn escape_json_controls(json: &str) -> std::borrow::Cow<'_, str> {
    let bad = |c: char| c.is_control() && c != '\n' && c != '\t';
    if !json.chars().any(bad) {
        return std::borrow::Cow::Borrowed(json);
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if bad(c) {
            let _ = write!(out, "\\u{:04x}", c as u32);
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

fn paths(written: &[PathBuf]) -> String {
    written.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(
            escape_controls("a\u{1b}[2J\u{7}b\n\tc\u{0}\u{9b}"),
            "a\\u{1b}[2J\\u{7}b\n\tc\\u{0}\\u{9b}"
        );
        assert!(matches!(escape_controls("plain\n"), std::borrow::Cow::Borrowed(_)));
    }

    #[test]
    fn control_characters_in_json_stay_valid_json() {
        let value = serde_json::json!({ "text": "a\u{1b}[2J\u{7f}b\u{9b}c\n\td\u{0}" });
        let json = serde_json::to_string_pretty(&value).unwrap();
        let shown = escape_json_controls(&json);
        assert!(!shown.chars().any(|c| c.is_control() && c != '\n' && c != '\t'), "{shown}");
        assert_eq!(serde_json::from_str::<serde_json::Value>(&shown).unwrap(), value);
        assert!(matches!(escape_json_controls("{}\n"), std::borrow::Cow::Borrowed(_)));
    }

    #[test]
    fn width_comes_from_the_flag_then_columns_then_the_terminal() {
        assert_eq!(view_width(Some(80), Some("120"), Some(150)).unwrap(), 80);
        assert_eq!(view_width(None, Some("120"), Some(150)).unwrap(), 120);
        assert_eq!(view_width(None, Some(" 120\n"), None).unwrap(), 120);
        assert_eq!(view_width(None, None, Some(150)).unwrap(), 150);
        assert_eq!(view_width(None, None, None).unwrap(), DEFAULT_WIDTH);
        // $COLUMNS that is not a positive number is ignored, as if unset.
        for bad in ["", "0", "-5", "wide", "80x"] {
            assert_eq!(view_width(None, Some(bad), Some(150)).unwrap(), 150, "{bad:?}");
            assert_eq!(view_width(None, Some(bad), None).unwrap(), DEFAULT_WIDTH, "{bad:?}");
        }
        // Clamped to [MIN_WIDTH, MAX_WIDTH]; only the flag is refused when too large.
        assert_eq!(view_width(Some(0), None, None).unwrap(), MIN_WIDTH);
        assert_eq!(view_width(None, Some("3"), None).unwrap(), MIN_WIDTH);
        assert_eq!(view_width(None, None, Some(12)).unwrap(), MIN_WIDTH);
        assert_eq!(view_width(None, Some("99999999999"), None).unwrap(), MAX_WIDTH);
        assert_eq!(view_width(None, None, Some(5000)).unwrap(), MAX_WIDTH);
        assert_eq!(view_width(None, None, Some(0)).unwrap(), DEFAULT_WIDTH);
        assert!(matches!(view_width(Some(MAX_WIDTH + 1), None, None), Err(WidthError(1001))));
    }

    #[test]
    fn only_right_to_left_text_is_isolated() {
        assert_eq!(cell("the same story", false), "the same story");
        assert_eq!(cell("1037 - 2015", true), "1037 - 2015");
        assert_eq!(cell("فر 1037 جنديا", true), "\u{2067}فر 1037 جنديا\u{2069}");
        assert_eq!(cell("Kabul فر", false), "\u{2066}Kabul فر\u{2069}");
        assert_eq!(cell("שלום", true), "\u{2067}שלום\u{2069}");
        assert!(reads_rtl("1037 جنديا Kabul") && !reads_rtl("Kabul جنديا") && !reads_rtl("1037"));
        assert_eq!(isolated_id("000.txt"), "000.txt");
        assert_eq!(isolated_id("خبر.txt"), "\u{2068}خبر.txt\u{2069}");
    }

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
