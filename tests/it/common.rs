//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};

/// The project root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The shipped sample corpus.
pub fn seeds() -> PathBuf {
    root().join("seeds")
}

/// A file of the shared data folder, or `None` (with a message) when it is not there. With
/// the environment variable `CI` set, a missing file fails the test instead: CI must never
/// pass the real-data tests by skipping them.
pub fn shared_data(name: &str) -> Option<PathBuf> {
    let p = root().join("../shared/data").join(name);
    if p.exists() {
        return Some(p);
    }
    let ci = std::env::var_os("CI").is_some_and(|v| !v.is_empty());
    assert!(!ci, "CI is set but {} is missing: the real-data tests would pass vacuously", p.display());
    eprintln!("skipping: {} not found (the shared data folder is not beside the project)", p.display());
    None
}

/// `reprint` as a command, with a clean environment for thread count.
pub fn reprint() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("reprint").expect("binary built");
    cmd.env_remove("RAYON_NUM_THREADS");
    cmd
}

/// Parses a written `clusters.json`.
pub fn read_json(path: &Path) -> serde_json::Value {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    serde_json::from_slice(&bytes).expect("valid JSON")
}

/// Cluster member lists of a report, as sorted vectors of ids.
pub fn clusters(report: &serde_json::Value) -> Vec<Vec<String>> {
    report["clusters"]
        .as_array()
        .expect("clusters array")
        .iter()
        .map(|c| c["members"].as_array().unwrap().iter().map(|m| m.as_str().unwrap().to_owned()).collect())
        .collect()
}

/// Run by `missing_shared_data_fails_under_ci` in a child process.
#[test]
#[ignore = "run by missing_shared_data_fails_under_ci in a child process, with and without CI"]
fn missing_shared_data_probe() {
    assert!(shared_data("no-such-file.jsonl").is_none());
}

/// A missing data file skips the test on a developer's machine and fails it under CI.
#[test]
fn missing_shared_data_fails_under_ci() {
    let probe = |ci: Option<&str>| {
        let mut cmd = std::process::Command::new(std::env::current_exe().unwrap());
        cmd.args(["--exact", "common::missing_shared_data_probe", "--include-ignored", "--nocapture"]);
        cmd.env_remove("CI");
        if let Some(v) = ci {
            cmd.env("CI", v);
        }
        let out = cmd.output().unwrap();
        (
            out.status.success(),
            format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)),
        )
    };
    let (ok, log) = probe(None);
    assert!(ok && log.contains("skipping:") && log.contains("1 passed"), "without CI: skips\n{log}");
    let (ok, log) = probe(Some("true"));
    assert!(!ok && log.contains("CI is set but"), "with CI: fails\n{log}");
}

/// What a run of `reprint` on a pseudo-terminal printed.
pub struct PtyRun {
    /// Exit status.
    pub code: Option<i32>,
    /// What the program wrote to the terminal, with the terminal's `\r\n` turned back into
    /// `\n`.
    pub output: String,
}

/// Runs `reprint ARGS` with stdout and stderr on a new pseudo-terminal `cols` columns wide
/// (stdin is /dev/null), as a user at a terminal would, and collects what it printed.
pub fn reprint_on_pty(args: &[&str], cols: u16, env: &[(&str, &str)], remove: &[&str]) -> PtyRun {
    use std::io::Read;
    use std::os::fd::{FromRawFd, OwnedFd};
    // SAFETY: plain libc calls on descriptors this function owns; every result is checked.
    let (master, slave) = unsafe {
        let m = libc::posix_openpt(libc::O_RDWR | libc::O_NOCTTY);
        assert!(m >= 0, "posix_openpt: {}", std::io::Error::last_os_error());
        let master = OwnedFd::from_raw_fd(m);
        assert_eq!(libc::grantpt(m), 0, "grantpt");
        assert_eq!(libc::unlockpt(m), 0, "unlockpt");
        let mut name = [0 as libc::c_char; 128];
        assert_eq!(libc::ptsname_r(m, name.as_mut_ptr(), name.len()), 0, "ptsname_r");
        let s = libc::open(name.as_ptr(), libc::O_RDWR | libc::O_NOCTTY);
        assert!(s >= 0, "open the pty slave: {}", std::io::Error::last_os_error());
        let size = libc::winsize { ws_row: 40, ws_col: cols, ws_xpixel: 0, ws_ypixel: 0 };
        assert_eq!(libc::ioctl(s, libc::TIOCSWINSZ, &size), 0, "TIOCSWINSZ");
        (std::fs::File::from(master), OwnedFd::from_raw_fd(s))
    };
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("reprint"));
    cmd.args(args)
        .current_dir(root())
        .env_remove("RAYON_NUM_THREADS")
        .stdin(std::process::Stdio::null())
        .stdout(slave.try_clone().unwrap())
        .stderr(slave);
    for (k, v) in env {
        cmd.env(k, v);
    }
    for k in remove {
        cmd.env_remove(k);
    }
    let mut child = cmd.spawn().expect("spawn reprint");
    // Every copy of the slave must be closed for the master to report the end (EIO).
    drop(cmd);
    let mut master = master;
    let mut bytes = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        match master.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => bytes.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            // Linux reports EIO once the last slave descriptor is closed.
            Err(_) => break,
        }
    }
    let status = child.wait().unwrap();
    PtyRun { code: status.code(), output: String::from_utf8_lossy(&bytes).replace("\r\n", "\n") }
}

/// Every page of the overlap report in `out` (`overlap.html` and the files under `overlap/`),
/// as (path relative to `out`, content), in path order.
pub fn report_pages(out: &Path) -> Vec<(String, String)> {
    fn walk(dir: &Path, out: &Path, pages: &mut Vec<(String, String)>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, out, pages);
            } else {
                let rel = p.strip_prefix(out).expect("inside").to_string_lossy().into_owned();
                pages.push((rel, std::fs::read_to_string(&p).expect("UTF-8 page")));
            }
        }
    }
    let mut pages =
        vec![("overlap.html".to_owned(), std::fs::read_to_string(out.join("overlap.html")).expect("index"))];
    walk(&out.join("overlap"), out, &mut pages);
    pages.sort();
    pages
}

/// A notice of about a hundred words that states `amount` in the middle of its words: the same
/// notice with another amount states another figure in the same words.
pub fn notice(amount: &str) -> String {
    let filler = |p: &str| (0..40).map(|i| format!("{p}{i}")).collect::<Vec<_>>().join(" ");
    format!(
        "{} The reserve bank said it would arrange {amount} billion dollars of repurchase agreements \
         for customers while funds traded at six pct. {}",
        filler("lead"),
        filler("tail")
    )
}
