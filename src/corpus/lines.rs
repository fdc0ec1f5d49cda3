//! The one opener of record inputs (compression detected by content: gzip, zstd, bzip2, xz;
//! bytes counted for progress and hashed for the manifest), the capped line reader that never
//! holds a line longer than the cap, and byte-order-mark handling.
//!
//! Decompression is bounded the same way for every codec: the readers above this one never
//! hold more than one record of `--max-doc-bytes` (a line, a CSV record, a JSON array element)
//! whatever the compressed stream expands to, and the decoders' own memory is capped (zstd
//! windows up to 128 MiB, xz dictionaries within [`XZ_MEMLIMIT`]).

use super::CorpusError;
use flate2::bufread::MultiGzDecoder;
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

/// Opens a JSON Lines file for reading lines, decompressing it when its content is compressed
/// ([`Codec`]).
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

/// Most memory the xz decoder may use (a dictionary of up to 64 MiB, `xz -9`, needs about
/// 65 MiB): a stream that needs more ends in a read error instead of taking gigabytes.
pub const XZ_MEMLIMIT: u64 = 256 << 20;

/// Largest zstd window accepted (2^27 = 128 MiB, zstd's own default limit): frames made with
/// `--long=31` end in a read error instead of taking 2 GiB.
const ZSTD_WINDOW_LOG_MAX: u32 = 27;

/// A compression format, told by the first bytes of a stream (never by the file name).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Codec {
    /// Not compressed (or in a format not recognised: read as is).
    Plain,
    /// gzip (`1f 8b`); concatenated members are read one after another.
    Gzip,
    /// Zstandard (`28 b5 2f fd`); several frames are read one after another.
    Zstd,
    /// bzip2 (`BZh`); several streams are read one after another.
    Bzip2,
    /// xz (`fd 37 7a 58 5a 00`); several streams are read one after another.
    Xz,
}

impl Codec {
    /// Bytes needed to recognise every codec.
    pub const MAGIC_LEN: usize = 6;

    /// The codec of a stream that starts with `head` (at least [`Codec::MAGIC_LEN`] bytes
    /// unless the stream is shorter).
    pub fn sniff(head: &[u8]) -> Codec {
        if head.starts_with(&[0x1f, 0x8b]) {
            Codec::Gzip
        } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
            Codec::Zstd
        } else if head.len() >= 4 && head.starts_with(b"BZh") && (b'1'..=b'9').contains(&head[3]) {
            Codec::Bzip2
        } else if head.starts_with(&[0xfd, b'7', b'z', b'X', b'Z', 0x00]) {
            Codec::Xz
        } else {
            Codec::Plain
        }
    }

    /// The decompressed bytes of `raw`, which is in this codec.
    fn decoder(self, raw: Box<dyn BufRead + Send>) -> io::Result<Box<dyn Read + Send>> {
        Ok(match self {
            Codec::Plain => Box::new(raw),
            Codec::Gzip => Box::new(MultiGzDecoder::new(raw)),
            Codec::Zstd => {
                let mut d = zstd::stream::read::Decoder::with_buffer(raw)?;
                d.window_log_max(ZSTD_WINDOW_LOG_MAX)?;
                Box::new(d)
            }
            Codec::Bzip2 => Box::new(bzip2::bufread::MultiBzDecoder::new(raw)),
            Codec::Xz => {
                let stream = xz2::stream::Stream::new_stream_decoder(XZ_MEMLIMIT, xz2::stream::CONCATENATED)
                    .map_err(io::Error::other)?;
                Box::new(xz2::bufread::XzDecoder::new_stream(raw, stream))
            }
        })
    }
}

/// The decompressed bytes of a whole file held in memory (`stored`, in `codec`), at most
/// `max + 1` of them: `Ok(None)` when there are more than `max`.
pub(super) fn decompress_capped(codec: Codec, stored: Vec<u8>, max: usize) -> io::Result<Option<Vec<u8>>> {
    let mut out = Vec::new();
    codec
        .decoder(Box::new(io::Cursor::new(stored)))?
        .take((max as u64).saturating_add(1))
        .read_to_end(&mut out)?;
    Ok((out.len() <= max).then_some(out))
}

/// Up to `n` bytes from the start of `reader`, reading again after short reads (a pipe may
/// hand out one byte at a time), stopping early only at the end of the stream.
fn peek(reader: &mut dyn Read, n: usize) -> io::Result<Vec<u8>> {
    let mut head = Vec::with_capacity(n);
    reader.take(n as u64).read_to_end(&mut head)?;
    Ok(head)
}

/// The bytes of `raw`, decompressed when its first bytes say it is compressed ([`Codec`]).
fn decompressed(mut raw: Box<dyn Read + Send>) -> io::Result<Box<dyn BufRead + Send>> {
    let head = peek(&mut raw, Codec::MAGIC_LEN)?;
    let codec = Codec::sniff(&head);
    let stored: Box<dyn BufRead + Send> = Box::new(BufReader::new(io::Cursor::new(head).chain(raw)));
    Ok(match codec {
        Codec::Plain => stored,
        c => Box::new(BufReader::with_capacity(1 << 16, c.decoder(stored)?)),
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

    /// A reader that hands out one byte per call, like a slow pipe.
    struct Trickle<'a>(&'a [u8]);

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            match (self.0.split_first(), buf.is_empty()) {
                (Some((&b, rest)), false) => {
                    buf[0] = b;
                    self.0 = rest;
                    Ok(1)
                }
                _ => Ok(0),
            }
        }
    }

    fn decode(bytes: &'static [u8]) -> Vec<u8> {
        let mut out = Vec::new();
        decompressed(Box::new(Trickle(bytes))).unwrap().read_to_end(&mut out).unwrap();
        out
    }

    #[test]
    fn codecs_are_told_by_their_magic_bytes() {
        assert_eq!(Codec::sniff(&[0x1f, 0x8b, 8, 0, 0, 0]), Codec::Gzip);
        assert_eq!(Codec::sniff(&[0x28, 0xb5, 0x2f, 0xfd, 0, 0]), Codec::Zstd);
        assert_eq!(Codec::sniff(b"BZh91AY"), Codec::Bzip2);
        assert_eq!(Codec::sniff(b"BZh\n"), Codec::Plain);
        assert_eq!(Codec::sniff(&[0xfd, b'7', b'z', b'X', b'Z', 0]), Codec::Xz);
        assert_eq!(Codec::sniff(b"{\"id\""), Codec::Plain);
        assert_eq!(Codec::sniff(&[0x1f]), Codec::Plain);
        assert_eq!(Codec::sniff(b""), Codec::Plain);
    }

    #[test]
    fn every_codec_is_read_through_a_pipe_that_trickles() {
        let text = b"{\"id\": 1, \"text\": \"x\"}\n".repeat(50);
        let gz = {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
            std::io::Write::write_all(&mut e, &text).unwrap();
            e.finish().unwrap()
        };
        let zst = zstd::stream::encode_all(&text[..], 3).unwrap();
        let bz = {
            let mut e = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::default());
            std::io::Write::write_all(&mut e, &text).unwrap();
            e.finish().unwrap()
        };
        let xz = {
            let mut e = xz2::write::XzEncoder::new(Vec::new(), 6);
            std::io::Write::write_all(&mut e, &text).unwrap();
            e.finish().unwrap()
        };
        for (name, c) in [("gzip", gz), ("zstd", zst), ("bzip2", bz), ("xz", xz)] {
            let bytes: &'static [u8] = Box::leak(c.into_boxed_slice());
            assert_ne!(Codec::sniff(bytes), Codec::Plain, "{name}");
            assert_eq!(decode(bytes), text, "{name}");
        }
        // Two bytes and a short plain stream come through unchanged.
        assert_eq!(decode(b"{}"), b"{}");
        assert_eq!(decode(b""), b"");
    }

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
