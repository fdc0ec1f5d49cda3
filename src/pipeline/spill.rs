//! Texts in a temporary file. Past `--text-memory`, reading writes the texts it lets go to an
//! unnamed temporary file in the directory of the run's outputs
//! ([`super::OverlapSink::scratch`]); each text is read from there when a step needs it (the
//! shingle sets of candidate pairs, copies of a text compared byte for byte, alignment
//! sequences, the character offsets of overlaps, the reports), so memory holds the sequences
//! being aligned, not every text in a pair besides, and the inputs are never read again.
//! The file has no name: nothing of it is left behind, however the run ends.

use super::Doc;
use rayon::prelude::*;
use std::borrow::Cow;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::mpsc::SyncSender;
use std::thread::JoinHandle;

/// The length of a document whose text is not in the file.
const ABSENT: u32 = u32::MAX;

/// Texts being written to a temporary file, in any order of documents.
pub struct SpillWriter {
    out: BufWriter<File>,
    dir: PathBuf,
    at: Vec<(u64, u32)>,
    len: u64,
}

impl SpillWriter {
    /// A new unnamed file in `dir` for the texts of some documents, room made for `docs` of
    /// them.
    pub fn create(dir: &Path, docs: usize) -> io::Result<Self> {
        Ok(SpillWriter {
            out: BufWriter::with_capacity(1 << 20, tempfile::tempfile_in(dir)?),
            dir: dir.to_path_buf(),
            at: Vec::with_capacity(docs),
            len: 0,
        })
    }

    /// Writes the text of document `d`.
    pub fn push(&mut self, d: usize, text: &str) -> io::Result<()> {
        if d >= self.at.len() {
            self.at.resize(d + 1, (0, ABSENT));
        }
        let n = u32::try_from(text.len())
            .ok()
            .filter(|&n| n != ABSENT)
            .ok_or_else(|| io::Error::other("a text of 4 GiB or more"))?;
        self.out.write_all(text.as_bytes())?;
        self.at[d] = (self.len, n);
        self.len += u64::from(n);
        Ok(())
    }

    /// The file written, ready to be read.
    pub fn finish(self) -> io::Result<TextSpill> {
        let file = self.out.into_inner().map_err(|e| e.into_error())?;
        let mut at = self.at;
        at.shrink_to_fit();
        Ok(TextSpill { file, dir: self.dir, at })
    }
}

/// A [`SpillWriter`] on a thread of its own: texts are handed to it a batch at a time, and
/// written (and their memory freed) while the caller goes on.
pub struct SpillSender {
    to: SyncSender<Vec<(usize, String)>>,
    writer: JoinHandle<io::Result<TextSpill>>,
}

impl SpillSender {
    /// A new unnamed file in `dir` (see [`SpillWriter::create`]) and its thread.
    pub fn create(dir: &Path, docs: usize) -> io::Result<Self> {
        let mut w = SpillWriter::create(dir, docs)?;
        // Two batches in flight at most: the caller waits rather than holding more texts.
        let (to, from) = std::sync::mpsc::sync_channel::<Vec<(usize, String)>>(2);
        let writer = std::thread::Builder::new().name("texts".to_owned()).spawn(move || {
            // Each text is freed once written, not with its batch.
            for batch in from {
                batch.into_iter().try_for_each(|(d, text)| w.push(d, &text))?;
            }
            w.finish()
        })?;
        Ok(SpillSender { to, writer })
    }

    /// Hands `texts` (document, text) to the writer.
    pub fn send(self, texts: Vec<(usize, String)>) -> Result<Self, io::Error> {
        match self.to.send(texts) {
            Ok(()) => Ok(self),
            // The writer stopped: its error.
            Err(_) => {
                Err(self.finish().err().unwrap_or_else(|| io::Error::other("the writer of texts stopped")))
            }
        }
    }

    /// The file written, once every text handed over is in it.
    pub fn finish(self) -> io::Result<TextSpill> {
        drop(self.to);
        self.writer.join().unwrap_or_else(|_| Err(io::Error::other("the writer of texts failed")))
    }
}

/// Texts in a temporary file, read one at a time (by any number of threads at once).
pub struct TextSpill {
    file: File,
    dir: PathBuf,
    at: Vec<(u64, u32)>,
}

impl std::fmt::Debug for TextSpill {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self.at.iter().filter(|&&(_, n)| n != ABSENT).count();
        write!(f, "TextSpill {{ dir: {:?}, texts: {n} }}", self.dir)
    }
}

/// The text of `bytes` read back, checked as UTF-8 again (the passage stage and the pages read
/// back a text many times: [`crate::corpus::utf8_string`]'s check), an error naming where the
/// bytes stop being UTF-8 if they are not.
fn checked(bytes: Vec<u8>) -> io::Result<String> {
    crate::corpus::utf8_string(bytes).map_err(io::Error::other)
}

impl TextSpill {
    /// The text of document `d`, when the file holds it.
    pub fn text(&self, d: usize) -> Option<io::Result<String>> {
        Some(self.bytes(d)?.and_then(checked))
    }

    /// The bytes of the text of document `d`, when the file holds it, not checked as UTF-8
    /// again (what counting characters needs).
    pub fn bytes(&self, d: usize) -> Option<io::Result<Vec<u8>>> {
        let mut buf = vec![0u8; self.len(d)?];
        Some(self.read_into(d, &mut buf).map(|()| buf))
    }

    /// The length in bytes of the text of document `d`, when the file holds it.
    fn len(&self, d: usize) -> Option<usize> {
        self.at.get(d).filter(|&&(_, n)| n != ABSENT).map(|&(_, n)| n as usize)
    }

    /// Reads the text of document `d`, which the file holds, into `buf`, of its length.
    fn read_into(&self, d: usize, buf: &mut [u8]) -> io::Result<()> {
        self.file.read_exact_at(buf, self.at[d].0)
    }

    /// The directory of the file (for messages).
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Whether the file holds the text of document `d`.
    pub fn has(&self, d: usize) -> bool {
        self.len(d).is_some()
    }
}

/// The documents of a run as a sink sees them: each one's fields, and its text, held or read
/// from the run's [`TextSpill`].
#[derive(Clone, Copy)]
pub struct Docs<'a> {
    docs: &'a [Doc],
    spill: Option<&'a TextSpill>,
}

impl<'a> Docs<'a> {
    /// Documents that hold their texts.
    pub fn held(docs: &'a [Doc]) -> Self {
        Docs { docs, spill: None }
    }

    /// Documents whose texts, when not held, are in `spill`.
    pub fn with(docs: &'a [Doc], spill: Option<&'a TextSpill>) -> Self {
        Docs { docs, spill }
    }

    /// The text of document `d`: the one it holds, else the one in the file.
    pub fn text(&self, d: u32) -> io::Result<Cow<'a, str>> {
        match self.unheld(d).and_then(|s| s.text(d as usize)) {
            Some(text) => text.map(Cow::Owned),
            None => Ok(Cow::Borrowed(self.docs[d as usize].text.as_str())),
        }
    }

    /// The bytes of the text of document `d` (see [`TextSpill::bytes`]).
    pub fn bytes(&self, d: u32) -> io::Result<Cow<'a, [u8]>> {
        match self.unheld(d).and_then(|s| s.bytes(d as usize)) {
            Some(bytes) => bytes.map(Cow::Owned),
            None => Ok(Cow::Borrowed(self.docs[d as usize].text.as_bytes())),
        }
    }

    /// The file of texts, when document `d` holds no text (the file may hold it).
    fn unheld(&self, d: u32) -> Option<&'a TextSpill> {
        self.spill.filter(|_| self.docs[d as usize].text.is_empty())
    }
}

/// The bytes of the texts of some documents, each read once (see [`Docs::read`]).
pub struct Read<'a> {
    docs: Docs<'a>,
    /// The documents whose texts were read from the file, increasing, each with where its
    /// text ends in `bytes` (and starts where the one before ends).
    read: Vec<(u32, usize)>,
    /// Their texts, one after another: one buffer for a batch, not one for each text.
    bytes: Vec<u8>,
}

impl<'a> Docs<'a> {
    /// The texts of the documents `wanted` names (in any order, repeated or not), as bytes:
    /// those read from the file are read once each, on all threads, for everything
    /// [`Read::bytes`] is asked next (a document is in many pairs of a batch).
    pub fn read(&self, mut wanted: Vec<u32>) -> io::Result<Read<'a>> {
        let Some(spill) = self.spill else {
            return Ok(Read { docs: *self, read: Vec::new(), bytes: Vec::new() });
        };
        wanted.retain(|&d| self.unheld(d).is_some());
        wanted.sort_unstable();
        wanted.dedup();
        // Where each text the file holds ends in the buffer.
        let mut end = 0;
        let read: Vec<(u32, usize)> = wanted
            .iter()
            .filter_map(|&d| {
                end += spill.len(d as usize)?;
                Some((d, end))
            })
            .collect();
        let mut bytes = vec![0u8; end];
        // Each text's part of the buffer, in the order of `read`.
        let mut parts: Vec<(u32, &mut [u8])> = Vec::with_capacity(read.len());
        let (mut rest, mut start) = (&mut bytes[..], 0);
        for &(d, end) in &read {
            let (part, after) = std::mem::take(&mut rest).split_at_mut(end - start);
            parts.push((d, part));
            (rest, start) = (after, end);
        }
        let fill = |(d, part): (u32, &mut [u8])| spill.read_into(d as usize, part);
        // A few texts (one pair's) are read on this thread: threads cost more than reads.
        if parts.len() <= 16 {
            parts.into_iter().try_for_each(fill)?;
        } else {
            parts.into_par_iter().try_for_each(fill)?;
        }
        Ok(Read { docs: *self, read, bytes })
    }
}

impl Read<'_> {
    /// The bytes of the text of document `d`: read before, held, or read now.
    pub fn bytes(&self, d: u32) -> io::Result<Cow<'_, [u8]>> {
        match self.read.binary_search_by_key(&d, |(k, _)| *k) {
            Ok(i) => {
                let start = i.checked_sub(1).map_or(0, |i| self.read[i].1);
                Ok(Cow::Borrowed(&self.bytes[start..self.read[i].1]))
            }
            Err(_) => self.docs.bytes(d),
        }
    }
}

impl std::ops::Deref for Docs<'_> {
    type Target = [Doc];

    fn deref(&self) -> &[Doc] {
        self.docs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_read_back_are_the_texts_written_in_any_order() {
        let dir = tempfile::tempdir().unwrap();
        let texts = ["جنود أفغان ١٠٣٧", "", "plain ascii", "ى ي ة ه ـ"];
        let mut w = SpillWriter::create(dir.path(), 6).unwrap();
        for d in [3usize, 0, 1, 2] {
            w.push(d, texts[d]).unwrap();
        }
        let spill = w.finish().unwrap();
        for (d, t) in texts.iter().enumerate() {
            assert_eq!(spill.text(d).unwrap().unwrap(), *t);
        }
        assert!(spill.text(4).is_none() && spill.text(5).is_none() && spill.text(6).is_none());
        // The file has no name: the directory stays empty.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    /// A document holding `text` (empty: none).
    fn doc(text: &str) -> Doc {
        Doc {
            id: String::new(),
            text: text.to_owned(),
            text_xxh3: 0,
            origin: crate::corpus::Origin { source: "t".into(), line: None, input: 0 },
            shingles: Vec::new(),
            shingle_count: 0,
            sketch: crate::sketch::Sketch::None,
            winnowed: Default::default(),
            chars: 0,
            key: None,
            meta: Default::default(),
            record_xxh3: 0,
            sequence: None,
        }
    }

    #[test]
    fn texts_read_for_a_batch_are_each_documents_text() {
        let dir = tempfile::tempdir().unwrap();
        let texts: Vec<String> = (0..60)
            .map(|i| match i % 4 {
                0 => String::new(),
                1 => format!("جنود أفغان ١٠٣٧ {i}"),
                2 => "plain ascii ".repeat(i),
                _ => format!("ى ي ة ه ـ {i}"),
            })
            .collect();
        // Every third document's text goes to the file and the document lets it go.
        let mut w = SpillWriter::create(dir.path(), texts.len()).unwrap();
        let mut docs = Vec::new();
        for (d, t) in texts.iter().enumerate() {
            let spilled = d % 3 == 0;
            if spilled {
                w.push(d, t).unwrap();
            }
            docs.push(doc(if spilled { "" } else { t }));
        }
        let spill = w.finish().unwrap();
        let docs = Docs::with(&docs, Some(&spill));
        // Few documents (read on this thread) and many (on all), repeated, in any order.
        for wanted in [vec![9u32, 3, 9, 4], (0..60).rev().chain(0..60).collect::<Vec<u32>>()] {
            let read = docs.read(wanted.clone()).unwrap();
            for &d in &wanted {
                assert_eq!(&*read.bytes(d).unwrap(), texts[d as usize].as_bytes(), "document {d}");
            }
            // A document not asked for is read when asked.
            assert_eq!(&*read.bytes(57).unwrap(), texts[57].as_bytes());
        }
    }

    #[test]
    fn bytes_read_back_are_a_text_only_when_they_are_utf8() {
        for text in ["جنود أفغان ١٠٣٧", "", "plain ascii", "𝔘𝔫𝔦 ✓ ى"] {
            assert_eq!(checked(text.as_bytes().to_vec()).unwrap(), text);
        }
        // A cut character, a lone continuation byte, an overlong form, a surrogate.
        for bad in [&b"\xd8"[..], b"ab\x80", b"\xc0\xaf", b"\xed\xa0\x80", "جن".as_bytes().split_at(3).0] {
            let e = checked(bad.to_vec()).unwrap_err();
            assert!(e.to_string().contains("utf-8") && e.to_string().contains("index"), "{e}");
        }
    }
}
