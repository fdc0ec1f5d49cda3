//! The binary's standard streams: stdout writes that fail loudly (a closed or full stdout is
//! an error, not lost output), stderr with control characters escaped, error messages with
//! each cause once, and what stdout is (the width of its terminal, whether to colour it).

use anyhow::{bail, Context, Result};
use clap::ValueEnum;
use reprint::report::terminal;

/// An error and its causes on one line, each cause shown once (library errors often quote
/// their cause in their own message).
pub fn message(e: &anyhow::Error) -> String {
    let mut msg = String::new();
    for cause in e.chain() {
        let text = cause.to_string();
        if msg.contains(&text) {
            continue;
        }
        if !msg.is_empty() {
            msg.push_str(": ");
        }
        msg.push_str(&text);
    }
    msg
}

/// Set when the process started with standard output closed.
static STDOUT_CLOSED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Rust's runtime puts `/dev/null` in place of a closed standard output before `main` runs (so
/// that no file inherits descriptor 1), which would make every write to it succeed. This check
/// runs earlier, as a constructor, and remembers that stdout was closed so that printing to it
/// fails instead of being lost.
#[cfg(target_os = "linux")]
#[used]
#[link_section = ".init_array"]
static CHECK_STDOUT: extern "C" fn() = {
    extern "C" fn check() {
        if std::fs::symlink_metadata("/proc/self/fd/1").is_err()
            && std::path::Path::new("/proc/self").exists()
        {
            STDOUT_CLOSED.store(true, std::sync::atomic::Ordering::Relaxed);
        }
    }
    check
};

/// Writes to stdout, control characters escaped; any failure (a full disk, a closed descriptor
/// or pipe) is an error, so the run ends with a non-zero status.
pub fn emit(text: &str) -> Result<()> {
    write_stdout(&terminal::escape_controls(text))
}

/// Writes a JSON document to stdout, control characters written as JSON escapes (the same
/// document, still valid JSON); failures as [`emit`].
pub fn emit_json(json: &[u8]) -> Result<()> {
    write_stdout(&terminal::escape_json_controls(&String::from_utf8_lossy(json)))
}

pub fn write_stdout(text: &str) -> Result<()> {
    use std::io::Write as _;
    if STDOUT_CLOSED.load(std::sync::atomic::Ordering::Relaxed) {
        bail!("cannot write to standard output: it is closed");
    }
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes()).and_then(|()| out.flush()).context("cannot write to standard output")
}

/// The width in columns of the terminal standard output is, or `None` when stdout is not a
/// terminal (a pipe, a file) or the terminal does not say (`TIOCGWINSZ` gives 0).
pub fn stdout_terminal_width() -> Option<usize> {
    terminal_size::terminal_size_of(std::io::stdout()).map(|(w, _)| usize::from(w.0))
}

/// Writes to stderr, control characters escaped; a failure there has nowhere to be reported.
pub fn warn(text: &str) {
    use std::io::Write as _;
    let text = terminal::escape_controls(text);
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(text.as_bytes()).and_then(|()| err.flush());
}

/// `--color`: when the terminal view is coloured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// When stdout is a terminal, `NO_COLOR` is unset or empty and `TERM` is not `dumb`.
    Auto,
    /// Always, even into a pipe or a file.
    Always,
    /// Never.
    Never,
}

impl ColorChoice {
    /// Whether to colour: `Auto` decides from whether stdout is a terminal and the values of
    /// `NO_COLOR` and `TERM`.
    pub fn colour(
        self,
        stdout_is_terminal: bool,
        no_color: Option<&std::ffi::OsStr>,
        term: Option<&std::ffi::OsStr>,
    ) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                stdout_is_terminal
                    && no_color.is_none_or(|v| v.is_empty())
                    && term.is_none_or(|t| t != "dumb")
            }
        }
    }
}
