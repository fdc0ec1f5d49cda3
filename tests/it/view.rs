//! `reprint compare`'s terminal view: its width (`--width`, `$COLUMNS`, the terminal),
//! colours (`--color`, `NO_COLOR`) and bidirectional isolates.

use crate::common::{reprint, reprint_on_pty, seeds};

/// The seed pair that shares two passages.
fn seed_pair() -> [String; 2] {
    ["000_19cceab3956b993e.txt", "002_f827d458276c570b.txt"].map(|f| seeds().join(f).display().to_string())
}

/// `reprint compare` on the seed pair with stdout piped: (exit code, stdout).
fn compare_piped(args: &[&str], env: &[(&str, &str)]) -> (Option<i32>, String) {
    let [a, b] = seed_pair();
    let mut cmd = reprint();
    cmd.arg("compare").arg(a).arg(b).args(args).env_remove("COLUMNS").env_remove("NO_COLOR");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    (out.status.code(), String::from_utf8(out.stdout).unwrap())
}

/// The widths of the passage title rules (`── passage 1 · … ───`), which span the view.
fn rule_widths(view: &str) -> Vec<usize> {
    view.lines().filter(|l| l.starts_with("── passage")).map(|l| l.chars().count()).collect()
}

#[test]
fn width_comes_from_the_flag_before_columns() {
    let (code, view) = compare_piped(&["--width", "120"], &[("COLUMNS", "90")]);
    assert_eq!(code, Some(0));
    assert_eq!(rule_widths(&view), [120, 120]);
    let (_, view) = compare_piped(&[], &[("COLUMNS", "90")]);
    assert_eq!(rule_widths(&view), [90, 90]);
    // Each column line is two columns of (90 - 3) / 2 = 43 characters around " │ ".
    let lines: Vec<&str> = view.lines().filter(|l| l.contains(" │ ")).collect();
    assert!(lines.len() > 10);
    for l in lines {
        let clean: String = l.chars().filter(|c| !('\u{2066}'..='\u{2069}').contains(c)).collect();
        assert_eq!(clean.find(" │ ").map(|i| clean[..i].chars().count()), Some(43), "{l}");
    }
}

#[test]
fn width_is_100_when_piped_without_flag_or_columns() {
    let (_, view) = compare_piped(&[], &[]);
    assert_eq!(rule_widths(&view), [100, 100]);
    // $COLUMNS that is not a positive number is ignored.
    let (_, view) = compare_piped(&[], &[("COLUMNS", "0")]);
    assert_eq!(rule_widths(&view), [100, 100]);
    let (_, view) = compare_piped(&[], &[("COLUMNS", "wide")]);
    assert_eq!(rule_widths(&view), [100, 100]);
}

#[test]
fn width_is_the_terminals_when_stdout_is_a_terminal() {
    let [a, b] = seed_pair();
    let run = reprint_on_pty(&["compare", &a, &b], 132, &[], &["COLUMNS", "NO_COLOR"]);
    assert_eq!(run.code, Some(0), "{}", run.output);
    assert_eq!(rule_widths(&run.output), [132, 132], "{}", run.output);
    // $COLUMNS, when valid, still wins over the terminal; the flag over both.
    let run = reprint_on_pty(&["compare", &a, &b], 132, &[("COLUMNS", "90")], &["NO_COLOR"]);
    assert_eq!(rule_widths(&run.output), [90, 90]);
    let run = reprint_on_pty(&["compare", &a, &b], 132, &[("COLUMNS", "0")], &["NO_COLOR"]);
    assert_eq!(rule_widths(&run.output), [132, 132]);
    let run = reprint_on_pty(&["compare", &a, &b, "--width", "85"], 132, &[("COLUMNS", "90")], &["NO_COLOR"]);
    assert_eq!(rule_widths(&run.output), [85, 85]);
}

/// Bidirectional isolates and the other directional formatting characters.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Two English texts sharing a 60-word passage, with one word changed inside it.
fn english_pair(dir: &std::path::Path) -> [String; 2] {
    let shared: Vec<String> = (0..60).map(|i| format!("word{i}")).collect();
    let mut edited = shared.clone();
    edited[30] = "changed".into();
    let a = format!("The council met on Tuesday. {} The vote is next week.", shared.join(" "));
    let b = format!("Reported by our correspondent. {} More to follow.", edited.join(" "));
    let (pa, pb) = (dir.join("a.txt"), dir.join("b.txt"));
    std::fs::write(&pa, a).unwrap();
    std::fs::write(&pb, b).unwrap();
    [pa.display().to_string(), pb.display().to_string()]
}

#[test]
fn english_output_has_no_bidi_isolates() {
    let dir = tempfile::tempdir().unwrap();
    let [a, b] = english_pair(dir.path());
    let out = reprint().args(["compare", &a, &b, "--width", "100"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let view = String::from_utf8(out.stdout).unwrap();
    assert!(view.contains("word0 word1"), "{view}");
    assert_eq!(view.chars().filter(|&c| is_bidi_control(c)).count(), 0, "{view:?}");
}

#[test]
fn arabic_columns_are_right_to_left_isolates() {
    let (_, view) = compare_piped(&["--width", "100"], &[]);
    let columns: Vec<&str> = view.lines().filter(|l| l.contains(" │ ")).collect();
    assert!(columns.len() > 10);
    for line in columns {
        let (left, right) = line.split_once(" │ ").unwrap();
        // Every cell of the Arabic seed passages is one right-to-left isolate, and nothing
        // else on the line is a directional control (the divider stays outside).
        for side in [left.trim_end(), right] {
            assert!(side.starts_with('\u{2067}') && side.ends_with('\u{2069}'), "{side:?}");
            let inner = &side['\u{2067}'.len_utf8()..side.len() - '\u{2069}'.len_utf8()];
            assert!(!inner.chars().any(is_bidi_control), "{inner:?}");
        }
    }
    // The header (ids, figures, verdict) and the passage titles are plain.
    for line in view.lines().filter(|l| !l.contains(" │ ")) {
        assert!(!line.chars().any(is_bidi_control), "{line:?}");
    }
}

const SHARED: &str = "\u{1b}[0;36m";
const DIFFERING: &str = "\u{1b}[0;1;4;33m";
const RESET: &str = "\u{1b}[0m";

/// `reprint compare` on the English pair, stdout piped: (exit code, stdout).
fn compare_english(dir: &std::path::Path, args: &[&str], env: &[(&str, &str)]) -> (Option<i32>, String) {
    let [a, b] = english_pair(dir);
    let mut cmd = reprint();
    cmd.args(["compare", &a, &b, "--width", "100"]).args(args).env_remove("NO_COLOR");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    (out.status.code(), String::from_utf8(out.stdout).unwrap())
}

#[test]
fn color_always_colours_passages_and_marks_the_words_that_differ() {
    let dir = tempfile::tempdir().unwrap();
    let (code, view) = compare_english(dir.path(), &["--color", "always"], &[]);
    assert_eq!(code, Some(0));
    // The shared passage in cyan; the one edited word, on each side, bold, underlined, yellow.
    let line = view.lines().find(|l| l.contains("changed")).unwrap();
    assert_eq!(
        line,
        format!(
            "{SHARED}word29 {DIFFERING}word30{SHARED} word31 word32 word33 word34 word35{RESET} │ \
             {SHARED}word29 {DIFFERING}changed{SHARED} word31 word32 word33 word34{RESET}"
        )
    );
    let first = view.lines().find(|l| l.contains("word0 ")).unwrap();
    assert_eq!(
        first,
        format!(
            "{SHARED}word0 word1 word2 word3 word4 word5 word6 word7{RESET}  │ \
             {SHARED}word0 word1 word2 word3 word4 word5 word6 word7{RESET}"
        )
    );
    assert_eq!(view.matches(DIFFERING).count(), 2, "{view:?}");
    // The header lines are not coloured.
    assert!(view.lines().take(5).all(|l| !l.contains('\u{1b}')), "{view:?}");
    // With colours removed, the view is the plain one.
    let (_, plain) = compare_english(dir.path(), &["--color", "never"], &[]);
    let stripped = view.replace(SHARED, "").replace(DIFFERING, "").replace(RESET, "");
    assert_eq!(stripped, plain);
}

#[test]
fn no_colour_when_piped_never_or_no_color() {
    let dir = tempfile::tempdir().unwrap();
    for (args, env) in [
        (&[][..], &[][..]),
        (&["--color", "auto"][..], &[][..]),
        (&["--color", "never"][..], &[][..]),
        (&["--color", "never"][..], &[("NO_COLOR", "1")][..]),
    ] {
        let (code, view) = compare_english(dir.path(), args, env);
        assert_eq!(code, Some(0));
        assert!(view.contains("word29 changed word31"), "{args:?} {env:?}: {view}");
        assert!(!view.contains('\u{1b}'), "{args:?} {env:?}: {view:?}");
    }
    // --color always is a request: it wins over NO_COLOR.
    let (_, view) = compare_english(dir.path(), &["--color", "always"], &[("NO_COLOR", "1")]);
    assert!(view.contains(DIFFERING));
}

#[test]
fn colour_on_a_terminal_unless_no_color_or_never() {
    let dir = tempfile::tempdir().unwrap();
    let [a, b] = english_pair(dir.path());
    let args = ["compare", a.as_str(), b.as_str(), "--width", "100"];
    let run = reprint_on_pty(&args, 100, &[("TERM", "xterm")], &["NO_COLOR"]);
    assert_eq!(run.code, Some(0), "{}", run.output);
    assert!(run.output.contains(&format!("{DIFFERING}changed{SHARED}")), "{:?}", run.output);
    for (extra, env) in [
        (None, &[("TERM", "xterm"), ("NO_COLOR", "1")][..]),
        (Some("never"), &[("TERM", "xterm")][..]),
        (None, &[("TERM", "dumb")][..]),
    ] {
        let mut args = args.to_vec();
        if let Some(when) = extra {
            args.extend(["--color", when]);
        }
        let run = reprint_on_pty(&args, 100, env, if env.len() == 1 { &["NO_COLOR"] } else { &[] });
        assert_eq!(run.code, Some(0), "{}", run.output);
        assert!(run.output.contains("word29 changed word31"), "{env:?}: {}", run.output);
        assert!(!run.output.contains('\u{1b}'), "{extra:?} {env:?}: {:?}", run.output);
    }
}

/// With colours on, escape sequences in ids and texts are still neutralised: the only escape
/// sequences are the view's own colours.
#[test]
fn colours_do_not_let_control_characters_through() {
    let dir = tempfile::tempdir().unwrap();
    let evil = "\u{1b}[2J\u{1b}]0;PWNED\u{7}x";
    let shared: Vec<String> = (0..60).map(|i| format!("word{i}")).collect();
    let text = format!("{} {evil} {}", shared[..30].join(" "), shared[30..].join(" "));
    let line = |id: &str| serde_json::json!({ "id": id, "text": text }).to_string() + "\n";
    std::fs::write(dir.path().join("c.jsonl"), line(evil) + &line("b")).unwrap();
    let out = reprint()
        .current_dir(dir.path())
        .args(["compare", "--in", "c.jsonl", evil, "b", "--color", "always"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let view = String::from_utf8(out.stdout).unwrap();
    assert!(view.contains(SHARED), "{view:?}");
    let rest = view.replace(SHARED, "").replace(DIFFERING, "").replace(RESET, "");
    assert!(!rest.chars().any(|c| c.is_control() && c != '\n'), "{rest:?}");
    assert!(rest.contains("A  \\u{1b}[2J\\u{1b}]0;PWNED\\u{7}x  (64 words)"), "{rest}");
}
