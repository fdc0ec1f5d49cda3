//! Which files a stage reads: the parts of the inputs (`reprint stage parts`), the Parquet
//! files of a file-or-directory argument, and the parameters a stage file carries.

use super::{StageError, StageParams, PARAMS_KEY};
use crate::corpus::{record_shards, CorpusConfig, Input};
use parquet::file::reader::{FileReader, SerializedFileReader};
use std::path::{Path, PathBuf};

/// The parts of `args` (inputs as `reprint cluster` takes them) in reading order, each an
/// input that `reprint stage sketch` reads alone with the same documents in the same order as
/// within the whole: a record file, each record file of a directory of record files, or a
/// directory of text files as one part (its documents' ids are paths relative to it).
pub fn parts(args: &[String], config: &CorpusConfig) -> Result<Vec<String>, StageError> {
    let (inputs, names) = Input::from_args(args).map_err(|e| StageError(e.to_string()))?;
    let mut out = Vec::new();
    for (input, name) in inputs.iter().zip(names) {
        match input {
            Input::Stdin => {
                return Err(StageError("stages read files: save standard input to a file first".into()))
            }
            Input::Dir(root) => match record_shards(root, config).map_err(|e| StageError(e.to_string()))? {
                Some(files) => out.extend(files.into_iter().map(|p| p.to_string_lossy().into_owned())),
                None => out.push(name),
            },
            _ => out.push(name),
        }
    }
    Ok(out)
}

/// The Parquet files of `paths`: a file as itself, a directory as every `*.parquet` file below
/// it in sorted path order (files whose names start with `.` or `_`, an engine's markers and
/// temporary files, are not read).
pub fn parquet_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, StageError> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), StageError> {
        let entries = std::fs::read_dir(dir).map_err(|e| StageError::at(dir, e))?;
        for e in entries {
            let e = e.map_err(|e| StageError::at(dir, e))?;
            let path = e.path();
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') || name.starts_with('_') {
                continue;
            }
            if path.is_dir() {
                walk(&path, out)?;
            } else if name.ends_with(".parquet") {
                out.push(path);
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut found = Vec::new();
            walk(p, &mut found)?;
            found.sort();
            out.extend(found);
        } else if p.exists() {
            out.push(p.clone());
        } else {
            return Err(StageError::at(p, "no such file or directory"));
        }
    }
    Ok(out)
}

/// A Parquet file's key-value metadata entry `key`.
pub fn key_value(file: &Path, key: &str) -> Result<Option<String>, StageError> {
    let f = std::fs::File::open(file).map_err(|e| StageError::at(file, e))?;
    let reader = SerializedFileReader::new(f)
        .map_err(|e| StageError::at(file, format!("not a Parquet file ({e})")))?;
    let kv = reader.metadata().file_metadata().key_value_metadata();
    Ok(kv.and_then(|kv| kv.iter().find(|k| k.key == key)).and_then(|k| k.value.clone()))
}

/// The parameters a stage file was made with.
pub fn read_params(file: &Path) -> Result<StageParams, StageError> {
    let json = key_value(file, PARAMS_KEY)?.ok_or_else(|| {
        StageError::at(file, format!("no `{PARAMS_KEY}` metadata: not a file a reprint stage wrote"))
    })?;
    serde_json::from_str(&json).map_err(|e| StageError::at(file, format!("unreadable `{PARAMS_KEY}` ({e})")))
}
