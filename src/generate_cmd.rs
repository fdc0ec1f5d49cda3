//! `reprint generate`: manual pages and shell completion scripts, made from the command line's
//! own definition ([`crate::cli::Cli`]), so that they say what `--help` says.

use crate::console::write_stdout;
use anyhow::{bail, Context, Result};
use clap::{Args, ValueEnum};
use clap_complete::{Generator, Shell};
use reprint::report::write_atomically;
use std::path::PathBuf;

/// Arguments of `reprint generate`.
#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// What to generate: `man` writes a manual page per command into --out (reprint.1,
    /// reprint-cluster.1, reprint-index-create.1, ...); `complete-SHELL` prints the shell's
    /// completion script, or writes it into --out under the name the shell looks for.
    #[arg(value_enum, value_name = "KIND")]
    pub kind: Kind,

    /// Directory to write into (created if missing). Required for `man`.
    #[arg(short, long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

/// What `reprint generate` makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Kind {
    /// Manual pages (roff), one per command.
    Man,
    /// Completion script for bash.
    CompleteBash,
    /// Completion script for zsh.
    CompleteZsh,
    /// Completion script for fish.
    CompleteFish,
    /// Completion script for PowerShell.
    CompletePowershell,
    /// Completion script for elvish.
    CompleteElvish,
}

impl Kind {
    fn shell(self) -> Option<Shell> {
        match self {
            Kind::Man => None,
            Kind::CompleteBash => Some(Shell::Bash),
            Kind::CompleteZsh => Some(Shell::Zsh),
            Kind::CompleteFish => Some(Shell::Fish),
            Kind::CompletePowershell => Some(Shell::PowerShell),
            Kind::CompleteElvish => Some(Shell::Elvish),
        }
    }
}

/// Runs `reprint generate`; the files written are listed on stdout.
pub fn generate(args: GenerateArgs) -> Result<u8> {
    let cmd = <crate::cli::Cli as clap::CommandFactory>::command();
    let pages = match args.kind.shell() {
        None => man_pages(cmd)?,
        Some(shell) => {
            let mut cmd = cmd;
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut cmd, "reprint", &mut script);
            vec![(shell.file_name("reprint"), script)]
        }
    };
    match (&args.out, args.kind) {
        (Some(dir), _) => {
            std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
            let mut wrote = String::new();
            for (name, bytes) in &pages {
                let path = dir.join(name);
                write_atomically(&path, bytes).with_context(|| format!("cannot write {}", path.display()))?;
                wrote.push_str(&format!("{}\n", path.display()));
            }
            write_stdout(&wrote)?;
        }
        (None, Kind::Man) => {
            bail!("`generate man` writes {} pages, one per command: give --out DIR", pages.len())
        }
        (None, _) => {
            for (_, script) in pages {
                write_stdout(&String::from_utf8(script).context("the completion script is not UTF-8")?)?;
            }
        }
    }
    Ok(0)
}

/// A manual page for the command and for each of its subcommands, nested ones included, as
/// (file name, roff): `reprint.1`, `reprint-cluster.1`, `reprint-index-create.1`, ...
fn man_pages(cmd: clap::Command) -> Result<Vec<(String, Vec<u8>)>> {
    fn walk(cmd: clap::Command, pages: &mut Vec<(String, Vec<u8>)>) -> Result<()> {
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()).cloned() {
            walk(sub, pages)?;
        }
        let man = clap_mangen::Man::new(cmd);
        let mut roff = Vec::new();
        man.render(&mut roff).context("cannot render a manual page")?;
        let roff = String::from_utf8(roff).context("a manual page is not UTF-8")?;
        let name = man.get_filename();
        let title = name.trim_end_matches(".1");
        // The page's title line with every field quoted: left empty, the date would be dropped
        // and the fields after it shifted into its place.
        let th = format!(".TH {title} 1 \"\" \"reprint {}\" \"reprint manual\"", env!("CARGO_PKG_VERSION"));
        let roff: Vec<&str> =
            roff.lines().map(|l| if l.starts_with(".TH ") { th.as_str() } else { l }).collect();
        pages.push((name, (roff.join("\n") + "\n").into_bytes()));
        Ok(())
    }
    let mut cmd = cmd.disable_help_subcommand(true);
    cmd.build();
    let mut pages = Vec::new();
    walk(cmd, &mut pages)?;
    pages.sort();
    Ok(pages)
}
