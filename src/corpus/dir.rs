//! What a directory input holds: the files below it that are read, in the order they are read.

use super::{CorpusConfig, CorpusError};
use std::path::{Path, PathBuf};

/// Lists the files under `dir` with an accepted extension, skipping hidden entries.
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
        } else if is_file && accepts(&path, config) {
            out.push(path);
        }
    }
    Ok(())
}

fn accepts(path: &Path, config: &CorpusConfig) -> bool {
    if config.extensions.iter().any(|e| e == "*") {
        return true;
    }
    let ext = path.extension().map(|e| e.to_string_lossy().to_lowercase()).unwrap_or_default();
    config.extensions.contains(&ext)
}
