//! Reading inputs again after a run: the raw lines of a JSON Lines file (dedup copies kept
//! records byte for byte), the bytes of a text file, and input checksums for manifests.

use super::dir::entries;
use super::lines::{open_lines, read_line_capped};
use super::{CorpusConfig, CorpusError, Input};
use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

/// Calls `f(line_number, raw_line)` for every line of a JSON Lines file (plain or compressed),
/// numbering lines exactly as the reader does (1-based, every `\n`-terminated line counts).
/// `raw_line` includes its line ending and any byte-order mark; a line longer than `cap` bytes
/// is consumed without being held and given as `None` (the reader skipped it too).
pub fn for_each_line(
    path: &Path,
    cap: usize,
    mut f: impl FnMut(u64, Option<&[u8]>) -> io::Result<()>,
) -> Result<(), CorpusError> {
    let err = |source| CorpusError::Open { path: path.to_path_buf(), source };
    let mut reader = open_lines(path)?;
    let mut buf = Vec::new();
    let mut line = 0u64;
    loop {
        buf.clear();
        let (n, too_long) = read_line_capped(reader.as_mut(), &mut buf, cap).map_err(err)?;
        if n == 0 {
            return Ok(());
        }
        line += 1;
        f(line, (!too_long).then_some(buf.as_slice())).map_err(err)?;
    }
}

/// Size and xxh3-64 checksum of an input, for run manifests: a file's bytes as stored
/// (compressed files are hashed compressed); a directory's files that are read, in sorted
/// order, each contributing its relative path, a NUL byte and its content as stored. Standard input has no checksum.
pub fn checksum(input: &Input, config: &CorpusConfig) -> Result<Option<(u64, u64)>, CorpusError> {
    use xxhash_rust::xxh3::Xxh3;
    fn feed(path: &Path, hasher: &mut Xxh3) -> Result<u64, CorpusError> {
        let err = |source| CorpusError::Open { path: path.to_path_buf(), source };
        let mut file = File::open(path).map_err(err)?;
        let mut buf = vec![0u8; 1 << 16];
        let mut total = 0u64;
        loop {
            let n = file.read(&mut buf).map_err(err)?;
            if n == 0 {
                return Ok(total);
            }
            hasher.update(&buf[..n]);
            total += n as u64;
        }
    }
    let mut hasher = Xxh3::new();
    let bytes = match input {
        Input::Stdin => return Ok(None),
        Input::Jsonl(p) | Input::Csv(p) | Input::Tsv(p) | Input::Json(p) | Input::TextFile(p) => {
            feed(p, &mut hasher)?
        }
        Input::Dir(root) => {
            let mut total = 0;
            for (f, _) in entries(root, config)? {
                hasher.update(f.strip_prefix(root).unwrap_or(&f).to_string_lossy().as_bytes());
                hasher.update(&[0]);
                total += feed(&f, &mut hasher)?;
            }
            total
        }
    };
    Ok(Some((bytes, hasher.digest())))
}

/// The bytes of a file (for copying kept text files).
pub fn read_bytes(path: &Path) -> Result<Vec<u8>, CorpusError> {
    std::fs::read(path).map_err(|source| CorpusError::Open { path: path.to_path_buf(), source })
}
