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
