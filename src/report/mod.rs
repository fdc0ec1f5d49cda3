//! Output files: the only module that knows JSON and HTML. See [`json`] for the
//! `clusters.json` schema, [`html`] for the `overlap.html` page, [`eval`] for `eval.json`,
//! [`manifest`] for `manifest.json`, [`terminal`] for what the commands print.
//!
//! Every file is written atomically: into a temporary file in the destination directory, synced,
//! then renamed over the final name. A run killed at any moment leaves either the previous file
//! or the complete new one, never a partial file under the final name.

pub mod compare;
pub mod eval;
pub mod html;
pub mod json;
pub mod manifest;
pub mod offsets;
pub mod params;
pub mod svg;
pub mod terminal;

pub use json::{ClusterReport, SCHEMA_VERSION};

use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Writes `bytes` to `path` atomically (temporary file in the same directory, fsync, rename).
pub fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut f = AtomicFile::create(path)?;
    f.write_all(bytes)?;
    f.commit()
}

/// A file written under a temporary name in its destination directory and renamed over the
/// final name by [`AtomicFile::commit`]. Dropped without commit (an error, a panic), the
/// temporary file is removed; killed, it leaves only a hidden `.NAME.*.tmp` file, never a
/// partial file under the final name.
pub struct AtomicFile {
    tmp: io::BufWriter<tempfile::NamedTempFile>,
    path: std::path::PathBuf,
}

impl AtomicFile {
    /// Starts writing `path`.
    pub fn create(path: &Path) -> io::Result<AtomicFile> {
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let tmp = tempfile::Builder::new().prefix(&format!(".{name}.")).suffix(".tmp").tempfile_in(dir)?;
        Ok(AtomicFile { tmp: io::BufWriter::with_capacity(1 << 16, tmp), path: path.to_path_buf() })
    }

    /// Whether `name` is the temporary name [`AtomicFile::create`] gives a file named `final_name`.
    pub fn is_temp_of(name: &str, final_name: &str) -> bool {
        name.ends_with(".tmp") && name.starts_with(&format!(".{final_name}."))
    }

    /// Flushes, syncs and renames the file to its final name.
    pub fn commit(self) -> io::Result<()> {
        let tmp = self.tmp.into_inner().map_err(|e| e.into_error())?;
        // Temporary files are private (0600); an output is an ordinary file. Keep the mode of
        // the file being replaced, else use 0644.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode =
                std::fs::metadata(&self.path).map(|m| m.permissions().mode() & 0o7777).unwrap_or(0o644);
            tmp.as_file().set_permissions(std::fs::Permissions::from_mode(mode))?;
        }
        tmp.as_file().sync_all()?;
        tmp.persist(&self.path).map_err(|e| e.error)?;
        Ok(())
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.tmp.write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.tmp.flush()
    }
}

/// Names of the files reprint writes into an output directory.
pub const OUTPUT_NAMES: [&str; 9] = [
    "clusters.json",
    "overlap.html",
    "manifest.json",
    "kept.jsonl",
    "kept.jsonl.gz",
    "annotated.jsonl",
    "annotated.jsonl.gz",
    "removed.jsonl",
    "kept.txt",
];

/// An old manifest that could not be removed before a run.
#[derive(Debug, thiserror::Error)]
#[error("cannot remove the old {}", path.display())]
pub struct StartError {
    /// The manifest.
    pub path: PathBuf,
    /// The I/O error.
    #[source]
    pub source: io::Error,
}

/// Prepares an output directory for a run and returns the path of its manifest: deletes an old
/// manifest, so that a manifest in the directory always belongs to a completed run, and the
/// hidden temporary files ([`AtomicFile`]) a killed run left behind.
pub fn start_run(dir: &Path) -> Result<PathBuf, StartError> {
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if OUTPUT_NAMES.iter().any(|o| AtomicFile::is_temp_of(&name, o)) {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
    let path = dir.join("manifest.json");
    match std::fs::remove_file(&path) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(source) => return Err(StartError { path, source }),
    }
    Ok(path)
}

/// `value` as pretty-printed JSON with a trailing newline: the form of every JSON file reprint
/// writes.
pub fn pretty_json<T: serde::Serialize + ?Sized>(value: &T) -> Vec<u8> {
    let mut out = serde_json::to_vec_pretty(value).unwrap_or_default();
    out.push(b'\n');
    out
}

/// `value` as pretty-printed JSON with the keys of every object sorted, and a trailing
/// newline: the form of `compare --json` and `eval.json`.
pub fn sorted_json<T: serde::Serialize + ?Sized>(value: &T) -> Vec<u8> {
    // serde_json's map is ordered by key, so going through a `Value` sorts every object.
    match serde_json::to_value(value) {
        Ok(v) => pretty_json(&v),
        Err(_) => Vec::new(),
    }
}

/// An input's size and checksum as reports record them: a file's bytes as stored, a
/// directory's accepted files (see [`crate::corpus::checksum`]); both `null` for standard input.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Checksum {
    /// Size in bytes.
    pub bytes: Option<u64>,
    /// xxh3-64 of the content, 16 lowercase hex digits.
    pub xxh3: Option<String>,
}

impl Checksum {
    /// The checksum of `input`, read as `config` says.
    pub fn of(
        input: &crate::corpus::Input,
        config: &crate::corpus::CorpusConfig,
    ) -> Result<Checksum, crate::corpus::CorpusError> {
        let sum = crate::corpus::checksum(input, config)?;
        Ok(Checksum { bytes: sum.map(|s| s.0), xxh3: sum.map(|s| xxh3_hex(s.1)) })
    }
}

/// An xxh3-64 checksum as reports write it: 16 lowercase hex digits.
pub fn xxh3_hex(sum: u64) -> String {
    format!("{sum:016x}")
}

/// The entity that stands for `c` in HTML and SVG text and attribute values (`&`, `<`, `>`,
/// `"`, `'`), or `None` when `c` needs none: the one markup escaper of the HTML page and the SVG
/// charts.
pub fn markup_entity(c: char) -> Option<&'static str> {
    Some(match c {
        '&' => "&amp;",
        '<' => "&lt;",
        '>' => "&gt;",
        '"' => "&quot;",
        '\'' => "&#39;",
        _ => return None,
    })
}

/// Rounds a score to 6 decimals so reports stay readable and stable.
pub(crate) fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_whole_file_and_leaves_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out.json");
        write_atomically(&p, b"first").unwrap();
        write_atomically(&p, b"second").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"second");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn atomic_write_into_missing_directory_fails_cleanly() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("no/such/dir/out.json");
        assert!(write_atomically(&p, b"x").is_err());
        assert!(!p.exists());
    }
}
