//! The one opener of line-oriented inputs (gzip detected by content, bytes counted for
//! progress), the capped line reader that never holds a line longer than the cap, and
//! byte-order-mark handling.

use super::CorpusError;
use flate2::read::MultiGzDecoder;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use xxhash_rust::xxh3::Xxh3;

/// The UTF-8 byte-order mark some editors put at the start of a file.
const BOM: &[u8] = &[0xEF, 0xBB, 0xBF];

/// `bytes` without a leading UTF-8 byte-order mark: how every reader treats the first line of
/// a JSON Lines file and the start of a text file.
pub fn without_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(BOM).unwrap_or(bytes)
}

/// Appends one line (up to and including `\n`) from `reader` to `buf` and returns the bytes
/// consumed. A line longer than `cap` is consumed but not kept (`buf` is left as it was) and
/// flagged, so one giant line never has to fit in memory.
pub(super) fn read_line_capped(
    reader: &mut dyn BufRead,
    buf: &mut Vec<u8>,
    cap: usize,
) -> io::Result<(usize, bool)> {
    let start = buf.len();
    let mut consumed = 0;
    let mut too_long = false;
    loop {
        let available = match reader.fill_buf() {
            Ok(a) => a,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            break;
        }
        let (take, done) = match memchr::memchr(b'\n', available) {
            Some(i) => (i + 1, true),
            None => (available.len(), false),
        };
        if !too_long {
            if buf.len() - start + take > cap.saturating_add(2) {
                too_long = true;
                buf.truncate(start);
            } else {
                buf.extend_from_slice(&available[..take]);
            }
        }
        reader.consume(take);
        consumed += take;
        if done {
            break;
        }
    }
    Ok((consumed, too_long))
}

/// Opens a JSON Lines file for reading lines, decompressing gzip (detected by content).
pub fn open_lines(path: &Path) -> Result<Box<dyn BufRead + Send>, CorpusError> {
    let err = |source| CorpusError::Open { path: path.to_path_buf(), source };
    let file = File::open(path).map_err(err)?;
    decompressed(Box::new(file)).map_err(err)
}

/// The checksum of an input being read: every byte read from it as stored, in order.
pub(super) struct Hashing {
    hasher: Xxh3,
    bytes: u64,
    /// Set when the input was read to its end.
    pub(super) complete: bool,
}

impl Hashing {
    pub(super) fn new() -> Self {
        Hashing { hasher: Xxh3::new(), bytes: 0, complete: false }
    }

    pub(super) fn update(&mut self, bytes: &[u8]) {
        self.hasher.update(bytes);
        self.bytes += bytes.len() as u64;
    }

    /// Hashes bytes that are not content (a file's relative path in a directory): they count
    /// toward the checksum, not the size.
    pub(super) fn update_name(&mut self, bytes: &[u8]) {
        self.hasher.update(bytes);
    }

    pub(super) fn sum(&self) -> super::InputSum {
        super::InputSum { bytes: Some(self.bytes), xxh3: self.complete.then(|| self.hasher.digest()) }
    }
}

/// A reader that counts the bytes it reads (progress) and hashes them (the manifest's checksum).
struct Tallied<R> {
    inner: R,
    count: Arc<AtomicU64>,
    hash: Option<Arc<Mutex<Hashing>>>,
}

impl<R: Read> Read for Tallied<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        if let Some(h) = &self.hash {
            if let Ok(mut h) = h.lock() {
                h.update(&buf[..n]);
            }
        }
        Ok(n)
    }
}

/// Lines of `raw`, gunzipped when it starts with the gzip magic bytes.
fn decompressed(raw: Box<dyn Read + Send>) -> io::Result<Box<dyn BufRead + Send>> {
    let mut file = BufReader::new(raw);
    let gz = file.fill_buf()?.starts_with(&[0x1f, 0x8b]);
    Ok(if gz {
        Box::new(BufReader::with_capacity(1 << 16, MultiGzDecoder::new(file)))
    } else {
        Box::new(file)
    })
}

/// [`open_lines`] for the reader: counts the bytes read from the file as stored into `count`
/// and hashes them into `hash`. `None` reads standard input.
pub(super) fn open_tallied(
    path: Option<&Path>,
    count: Arc<AtomicU64>,
    hash: Option<Arc<Mutex<Hashing>>>,
) -> Result<Box<dyn BufRead + Send>, CorpusError> {
    let shown = path.map(Path::to_path_buf).unwrap_or_else(|| "-".into());
    let err = |source| CorpusError::Open { path: shown.clone(), source };
    let raw: Box<dyn Read + Send> = match path {
        Some(p) => Box::new(File::open(p).map_err(err)?),
        None => Box::new(io::stdin()),
    };
    decompressed(Box::new(Tallied { inner: raw, count, hash })).map_err(err)
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// Fuzz target: the capped line reader returns every line, or flags it, whatever the
        /// line lengths.
        #[test]
        fn capped_reader_splits_like_read_until(
            lines in proptest::collection::vec("[a-z]{0,40}", 0..20), cap in 1usize..30,
        ) {
            let text = lines.join("\n");
            let mut reader = io::BufReader::with_capacity(7, text.as_bytes());
            let mut got = Vec::new();
            loop {
                let mut buf = Vec::new();
                let (n, too_long) = read_line_capped(&mut reader, &mut buf, cap).unwrap();
                if n == 0 {
                    break;
                }
                let line = String::from_utf8(buf).unwrap();
                let bare = line.trim_end_matches('\n').to_owned();
                if too_long {
                    proptest::prop_assert!(line.is_empty());
                    got.push(None);
                } else {
                    got.push(Some(bare));
                }
            }
            // What read_until would give, with over-long lines flagged.
            let want: Vec<Option<String>> = text
                .split_inclusive('\n')
                .map(|l| (l.len() <= cap + 2).then(|| l.trim_end_matches('\n').to_owned()))
                .collect();
            proptest::prop_assert_eq!(got, want);
        }
    }
}
