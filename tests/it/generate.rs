//! `reprint generate`: manual pages and completion scripts cover every command and every flag
//! that `--help` lists.

use crate::common::reprint;
use std::collections::BTreeSet;
use std::fs;

/// The output of `reprint ARGS`, which must succeed.
fn run(args: &[&str]) -> String {
    let out = reprint().args(args).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// The output of `reprint PATH --help`.
fn help(path: &[String]) -> String {
    let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
    args.push("--help");
    run(&args)
}

/// The name of the manual page of the command at `path`, without its section: `reprint`,
/// `reprint-index-create`.
fn page_name(path: &[String]) -> String {
    std::iter::once("reprint").chain(path.iter().map(String::as_str)).collect::<Vec<_>>().join("-")
}

/// The command paths `reprint --help` lists, nested ones included: ["cluster"], ["index",
/// "create"], ...; `help` left out.
fn commands(path: &[String]) -> Vec<Vec<String>> {
    let help = help(path);
    let mut found = Vec::new();
    let Some(list) = help.split("Commands:\n").nth(1) else { return found };
    for line in list.lines().take_while(|l| l.starts_with(' ') || l.is_empty()) {
        // A command's line starts two spaces in; its description's later lines further in.
        let Some(name) = line.strip_prefix("  ").filter(|l| !l.starts_with(' ')) else { continue };
        let name = name.split_whitespace().next().unwrap().to_owned();
        if name == "help" {
            continue;
        }
        let mut sub = path.to_vec();
        sub.push(name);
        found.extend(commands(&sub));
        found.push(sub);
    }
    found
}

/// The long flags `reprint PATH --help` describes: the lines of its option lists, two spaces in
/// (`  -o, --out <DIR>`) or six without a short flag (`      --seed <SEED>`); descriptions are
/// further in.
fn long_flags(path: &[String]) -> BTreeSet<String> {
    let mut flags = BTreeSet::new();
    for line in help(path).lines() {
        let t = line.trim_start();
        if !matches!(line.len() - t.len(), 2 | 6) {
            continue;
        }
        let t = match t.strip_prefix('-').and_then(|r| r.split_once(", ")) {
            Some((_, rest)) if !t.starts_with("--") => rest,
            _ => t,
        };
        if let Some(rest) = t.strip_prefix("--") {
            let name: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-').collect();
            if !name.is_empty() {
                flags.insert(format!("--{name}"));
            }
        }
    }
    flags
}

#[test]
fn man_pages_cover_every_command_and_every_flag_of_its_help() {
    let dir = tempfile::tempdir().unwrap();
    let listed = run(&["generate", "man", "--out", dir.path().to_str().unwrap()]);
    let mut paths = commands(&[]);
    paths.push(Vec::new());
    // What the checks below go through: every command, and every flag of each.
    assert!(paths.contains(&vec!["index".to_owned(), "create".to_owned()]), "{paths:?}");
    assert!(paths.len() >= 15, "{paths:?}");
    let cluster = long_flags(&["cluster".to_owned()]);
    assert!(
        cluster.len() >= 40 && cluster.contains("--min-passage") && cluster.contains("--out"),
        "{cluster:?}"
    );
    let mut written: Vec<String> =
        fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    written.sort();
    let mut expected: Vec<String> = paths.iter().map(|p| page_name(p) + ".1").collect();
    expected.sort();
    assert_eq!(written, expected);
    // stdout lists the files written, one per line.
    assert_eq!(listed.lines().count(), written.len());
    for path in &paths {
        let name = page_name(path);
        let page = fs::read_to_string(dir.path().join(format!("{name}.1"))).unwrap();
        assert!(
            page.contains(&format!(".TH {name} 1 \"\" \"reprint {}\"", env!("CARGO_PKG_VERSION"))),
            "{name}"
        );
        // roff writes a hyphen as `\-`.
        let text = page.replace("\\-", "-");
        for flag in long_flags(path) {
            assert!(text.contains(&flag), "{name}.1 does not describe {flag}");
        }
    }
    // A rerun into the same directory replaces the pages with the same ones.
    let before = fs::read(dir.path().join("reprint-cluster.1")).unwrap();
    run(&["generate", "man", "--out", dir.path().to_str().unwrap()]);
    assert_eq!(fs::read(dir.path().join("reprint-cluster.1")).unwrap(), before);
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), written.len(), "no temporary file left");
}

#[test]
fn completion_scripts_name_every_command_and_flag() {
    let bash = run(&["generate", "complete-bash"]);
    assert!(bash.contains("complete -F _reprint"), "{}", &bash[..200.min(bash.len())]);
    for path in commands(&[]) {
        // Each command's case names the words it completes: `opts="-t ... --threshold ..."`.
        let case = format!("        reprint__subcmd__{})\n", path.join("__subcmd__"));
        let at = bash.find(&case).unwrap_or_else(|| panic!("bash: no case for {path:?}"));
        let opts = bash[at + case.len()..].lines().next().unwrap().trim();
        let opts: BTreeSet<&str> =
            opts.strip_prefix("opts=\"").unwrap().trim_end_matches('"').split_whitespace().collect();
        for flag in long_flags(&path) {
            assert!(opts.contains(flag.as_str()), "bash completion of {path:?} lacks {flag}");
        }
    }
    assert!(run(&["generate", "complete-zsh"]).starts_with("#compdef reprint"));
    let fish = run(&["generate", "complete-fish"]);
    assert!(fish.contains("complete -c reprint") && fish.contains("min-passage"));
    // Into a directory: the name the shell looks for, the same script.
    let dir = tempfile::tempdir().unwrap();
    let listed = run(&["generate", "complete-bash", "-o", dir.path().to_str().unwrap()]);
    assert_eq!(listed.trim(), dir.path().join("reprint.bash").display().to_string());
    assert_eq!(fs::read_to_string(dir.path().join("reprint.bash")).unwrap(), bash);
}

#[test]
fn man_pages_need_a_directory() {
    let out = reprint().args(["generate", "man"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("give --out DIR"), "{err}");
}
