//! What a directory input holds: the files below it that are read, in the order they are read,
//! each with the [`Format`] it is read in.
//!
//! The rule, without `--ext`: the directory's contents decide. Its `.txt` files are documents
//! (one per file); its record files (`.jsonl`, `.ndjson`, `.json`, `.csv`, `.tsv`, optionally
//! compressed)
//! are read record
//! by record, like the same file given as an argument; other files are not read. A directory
//! holding both text files and record files is an error that says what it found, since nothing
//! tells which of the two the user meant (a `.jsonl` of metadata beside articles, or a stray
//! `.txt` among shards). With `--ext`, the files with the listed extensions are read, each in
//! the format its name tells: record files as records, every other file as one document.
//!
//! Files are read in sorted path order, so shards are read in the same order on every run.

use super::{CorpusConfig, CorpusError, Format};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The files of the directory `root` that are read, sorted by path, with their format.
pub(super) fn entries(root: &Path, config: &CorpusConfig) -> Result<Vec<(PathBuf, Format)>, CorpusError> {
    let mut files = Vec::new();
    list_files(root, config, &mut files)?;
    files.sort();
    let name_of = |p: &Path| p.file_name().map(|n| n.to_string_lossy().to_lowercase()).unwrap_or_default();
    if let Some(exts) = &config.extensions {
        return Ok(files
            .into_iter()
            .filter_map(|p| {
                let name = name_of(&p);
                matches(&name, exts).then(|| {
                    let format = Format::of_name(&name).filter(|f| f.is_records()).unwrap_or(Format::Text);
                    (p, format)
                })
            })
            .collect());
    }
    let mut text = BTreeMap::new();
    let mut records = BTreeMap::new();
    let mut out = Vec::new();
    for p in files {
        let name = name_of(&p);
        let Some(format) = Format::of_name(&name) else { continue };
        let seen = if format.is_records() { &mut records } else { &mut text };
        *seen.entry(suffix(&name)).or_insert(0usize) += 1;
        out.push((p, format));
    }
    if !text.is_empty() && !records.is_empty() {
        return Err(CorpusError::MixedDirectory {
            path: root.to_path_buf(),
            text: tally(&text),
            records: tally(&records),
        });
    }
    Ok(out)
}

/// What the directory `root` holds when none of its files is read: `is empty`, or the files
/// found by suffix, for the message of an empty input.
pub(super) fn unread(root: &Path, config: &CorpusConfig) -> Result<String, CorpusError> {
    let mut files = Vec::new();
    list_files(root, config, &mut files)?;
    if files.is_empty() {
        return Ok("is an empty directory (hidden files aside)".to_owned());
    }
    let mut found = BTreeMap::new();
    for p in &files {
        let name = p.file_name().map(|n| n.to_string_lossy().to_lowercase()).unwrap_or_default();
        let s = suffix(&name);
        *found.entry(if s.is_empty() { "without extension".to_owned() } else { s }).or_insert(0usize) += 1;
    }
    let wanted = match &config.extensions {
        Some(exts) => format!("no file with extension {}", exts.join(", ")),
        None => "no .txt file and no record file (.jsonl, .ndjson, .json, .csv, .tsv)".to_owned(),
    };
    Ok(format!("holds {wanted}: found {}; choose with --ext", tally(&found)))
}

/// Counts by suffix, as a message shows them: `12 .txt`, `3 .jsonl.gz, 1 .jsonl`.
fn tally(counts: &BTreeMap<String, usize>) -> String {
    counts.iter().map(|(s, n)| format!("{n} {s}")).collect::<Vec<_>>().join(", ")
}

/// The suffix a file is recognised by, with its compression suffix: `.jsonl.gz`, `.txt`.
fn suffix(name: &str) -> String {
    let stem = super::without_compression_suffix(name);
    let ext = stem.rfind('.').map_or("", |i| &stem[i..]);
    format!("{ext}{}", &name[stem.len()..])
}

/// Whether a file name (lowercase) has one of the extensions `exts` (lowercase, without dot):
/// its last extension (`gz`), its extension before a compression suffix (`jsonl` for
/// `a.jsonl.gz`), or both (`jsonl.gz`); `*` matches every file.
fn matches(name: &str, exts: &[String]) -> bool {
    if exts.iter().any(|e| e == "*") {
        return true;
    }
    let last = name.rsplit_once('.').map(|(_, e)| e);
    let stem = super::without_compression_suffix(name);
    let inner = stem.rsplit_once('.').map(|(_, e)| e);
    let both = inner.filter(|_| stem.len() < name.len()).map(|e| format!("{e}{}", &name[stem.len()..]));
    exts.iter().any(|e| Some(e.as_str()) == last || Some(e.as_str()) == inner || Some(e) == both.as_ref())
}

/// Lists every file under `dir`, skipping hidden entries and the run's own outputs.
pub(super) fn list_files(
    dir: &Path,
    config: &CorpusConfig,
    out: &mut Vec<PathBuf>,
) -> Result<(), CorpusError> {
    let err = |source| CorpusError::Open { path: dir.to_path_buf(), source };
    // The run's own outputs, when `--out` lies inside this input, are never read back.
    let here = if config.exclude.is_empty() { None } else { dir.canonicalize().ok() };
    for entry in std::fs::read_dir(dir).map_err(err)? {
        let entry = entry.map_err(err)?;
        let name = entry.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        if here.as_ref().is_some_and(|h| config.exclude.contains(&h.join(&name))) {
            continue;
        }
        let path = entry.path();
        let ty = entry.file_type().map_err(err)?;
        // Links to files are read; links to directories are not followed (a link loop would
        // never end), as ripgrep and fd do by default.
        let (is_dir, is_file) = if ty.is_symlink() {
            (false, std::fs::metadata(&path).map(|m| m.is_file()).unwrap_or(false))
        } else {
            (ty.is_dir(), ty.is_file())
        };
        if is_dir {
            list_files(&path, config, out)?;
        } else if is_file {
            out.push(path);
        }
    }
    Ok(())
}

/// The record files of the directory `root` in reading order, when every file read is a
/// record file (each can then be read alone, with the same documents in the same order);
/// `None` when it holds text files (whose ids are paths relative to `root`).
pub fn record_shards(root: &Path, config: &CorpusConfig) -> Result<Option<Vec<PathBuf>>, CorpusError> {
    let entries = entries(root, config)?;
    Ok(entries.iter().all(|(_, f)| f.is_records()).then(|| entries.into_iter().map(|(p, _)| p).collect()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions_match_before_and_after_a_compression_suffix() {
        let exts = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(matches("a.jsonl.gz", &exts(&["jsonl"])));
        assert!(matches("a.jsonl.gz", &exts(&["jsonl.gz"])));
        assert!(matches("a.jsonl.gz", &exts(&["gz"])));
        assert!(!matches("a.jsonl.zst", &exts(&["jsonl.gz"])));
        assert!(matches("a.jsonl.zst", &exts(&["jsonl"])));
        assert!(!matches("a.txt", &exts(&["jsonl"])));
        assert!(matches("readme", &exts(&["*"])));
        assert!(!matches("readme", &exts(&["txt"])));
        assert_eq!(suffix("part-1.jsonl.gz"), ".jsonl.gz");
        assert_eq!(suffix("a.txt"), ".txt");
        assert_eq!(suffix("b.ndjson"), ".ndjson");
    }

    #[test]
    fn a_directory_is_read_by_its_contents() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        for name in ["b.jsonl", "a.jsonl.gz", "sub/c.ndjson.zst", "notes.md", ".hidden.jsonl"] {
            std::fs::create_dir_all(d.join(name).parent().unwrap()).unwrap();
            std::fs::write(d.join(name), "").unwrap();
        }
        let config = CorpusConfig::default();
        let got: Vec<(String, Format)> = entries(d, &config)
            .unwrap()
            .into_iter()
            .map(|(p, f)| (p.strip_prefix(d).unwrap().display().to_string(), f))
            .collect();
        let want = [
            ("a.jsonl.gz", Format::JsonLines),
            ("b.jsonl", Format::JsonLines),
            ("sub/c.ndjson.zst", Format::JsonLines),
        ];
        assert_eq!(got, want.map(|(p, f)| (p.to_owned(), f)));

        std::fs::write(d.join("x.txt"), "").unwrap();
        let err = entries(d, &config).unwrap_err().to_string();
        assert!(
            err.contains("both text files (1 .txt) and record files (1 .jsonl, 1 .jsonl.gz, 1 .ndjson.zst)"),
            "{err}"
        );

        // --ext chooses; each chosen file is read in the format its name tells.
        let only = |e: &[&str]| CorpusConfig {
            extensions: Some(e.iter().map(|s| s.to_string()).collect()),
            ..CorpusConfig::default()
        };
        let formats =
            |c: &CorpusConfig| entries(d, c).unwrap().into_iter().map(|(_, f)| f).collect::<Vec<_>>();
        assert_eq!(formats(&only(&["txt"])), vec![Format::Text]);
        assert_eq!(formats(&only(&["jsonl"])), vec![Format::JsonLines, Format::JsonLines]);
        assert_eq!(formats(&only(&["md", "txt"])), vec![Format::Text, Format::Text]);
        assert_eq!(formats(&only(&["*"])).len(), 5);
    }
}
