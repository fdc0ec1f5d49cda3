//! The alignment sequences [`super::relate`] holds: made for the first block that aligns a
//! document (the one read with it, or one made from its text) and let go after the last,
//! leaving the document's shingle set behind when every set is kept.

use super::decide::FingerprintsOnce;
use super::{sequence, Doc, Docs, RunError, TextSpill};
use crate::config::Config;
use crate::overlap::Sequence;
use crate::prefetch::prefetch;
use rayon::prelude::*;
use std::path::Path;
use std::sync::OnceLock;

/// The sequence of document `d`, made from its text.
fn from_text(docs: &Docs, d: u32, spill: Option<&TextSpill>, config: &Config) -> Result<Sequence, RunError> {
    Ok(sequence(&docs.text(d).map_err(|e| scratch(spill, e))?, config))
}

/// The sequence of document `d` that `file` keeps, or, when it keeps none, one made from its
/// text ([`from_text`]).
pub(super) fn kept_or_made(
    file: Option<&SequenceFile>,
    docs: &Docs,
    d: u32,
    spill: Option<&TextSpill>,
    config: &Config,
) -> Result<Sequence, RunError> {
    match file.and_then(|f| f.get(d)) {
        Some(kept) => kept,
        None => from_text(docs, d, spill, config),
    }
}

/// The error of the temporary file of texts (a text held never fails to be read).
fn scratch(spill: Option<&TextSpill>, e: std::io::Error) -> RunError {
    RunError::scratch(spill.map_or(Path::new(""), TextSpill::dir), e)
}

/// The alignment sequences held, by document.
pub(super) struct Sequences {
    /// Boxed: a slot for every document, most empty at any time (8 bytes a slot, not 192).
    pub(super) of: Vec<Option<Box<Sequence>>>,
    /// Whether a sequence let go leaves its document's shingle set: with word shingles (see
    /// [`super::passages::sets_from_sequences`]) when every set is kept.
    pub(super) leave_sets: bool,
    /// The sequences made from texts that a later row needs again, when there are rows and a
    /// directory for temporary files: read back from there instead of made again.
    pub(super) file: Option<SequenceFile>,
}

/// Sequences kept in an unnamed temporary file ([`Sequence::encode`]): the second documents
/// of the pairs past a row are made from their texts once and read back for every later row
/// that aligns them. Normalizing, hashing and sorting a text costs several times reading its
/// sequence back.
pub(super) struct SequenceFile {
    file: std::fs::File,
    dir: std::path::PathBuf,
    /// Bytes written.
    len: u64,
    /// Where each document's sequence is: offset and length (0: not kept).
    at: Vec<(u64, u32)>,
}

impl SequenceFile {
    /// An empty file in `dir` for the sequences of `docs` documents.
    pub(super) fn new(dir: &Path, docs: usize) -> Result<Self, RunError> {
        let file = tempfile::tempfile_in(dir).map_err(|e| RunError::scratch(dir, e))?;
        Ok(SequenceFile { file, dir: dir.to_path_buf(), len: 0, at: vec![(0, 0); docs] })
    }

    /// The sequence of document `d`, when the file keeps it.
    pub(super) fn get(&self, d: u32) -> Option<Result<Sequence, RunError>> {
        use std::os::unix::fs::FileExt;
        let &(at, n) = self.at.get(d as usize)?;
        if n == 0 {
            return None;
        }
        let mut bytes = vec![0u8; n as usize];
        let read = self.file.read_exact_at(&mut bytes, at).and_then(|()| {
            Sequence::decode(&bytes).ok_or_else(|| {
                std::io::Error::new(std::io::ErrorKind::InvalidData, "the file of sequences is corrupt")
            })
        });
        Some(read.map_err(|e| RunError::scratch(&self.dir, e)))
    }

    /// Keeps the sequences of `made` that the file does not keep yet, written together.
    pub(super) fn keep<'a>(
        &mut self,
        made: impl Iterator<Item = (u32, &'a Sequence)>,
    ) -> Result<(), RunError> {
        use std::os::unix::fs::FileExt;
        let new: Vec<(u32, &Sequence)> = made.filter(|&(d, _)| self.at[d as usize].1 == 0).collect();
        let encoded: Vec<(u32, Vec<u8>)> = new
            .into_par_iter()
            .map(|(d, s)| {
                let mut bytes = Vec::new();
                s.encode(&mut bytes);
                (d, bytes)
            })
            .collect();
        let mut all = Vec::with_capacity(encoded.iter().map(|(_, b)| b.len()).sum());
        for (d, bytes) in encoded {
            // A sequence past 4 GiB is made again when needed.
            if let Ok(n) = u32::try_from(bytes.len()) {
                self.at[d as usize] = (self.len + all.len() as u64, n);
                all.extend_from_slice(&bytes);
            }
        }
        self.file.write_all_at(&all, self.len).map_err(|e| RunError::scratch(&self.dir, e))?;
        self.len += all.len() as u64;
        Ok(())
    }
}

impl Sequences {
    /// Makes the sequences of `ds` not held yet: the one read with the document, the one the
    /// file keeps, or one made from its text.
    pub(super) fn make(
        &mut self,
        ds: &[u32],
        docs: &mut [Doc],
        spill: Option<&TextSpill>,
        config: &Config,
    ) -> Result<(), RunError> {
        let stored: Vec<(u32, Option<Box<Sequence>>)> = ds
            .iter()
            .filter(|&&d| self.of[d as usize].is_none())
            .map(|&d| (d, docs[d as usize].sequence.take()))
            .collect();
        let shared = Docs::with(docs, spill);
        let file = self.file.as_ref();
        let made: Vec<(u32, Box<Sequence>)> = stored
            .into_par_iter()
            .map(|(d, s)| match s {
                Some(s) => Ok((d, s)),
                None => Ok((d, Box::new(kept_or_made(file, &shared, d, spill, config)?))),
            })
            .collect::<Result<_, RunError>>()?;
        for (d, s) in made {
            self.of[d as usize] = Some(s);
        }
        Ok(())
    }

    /// Asks ahead for what aligning a pair of document `d` reads first, in three steps, each
    /// reading what the one before brought into cache: its slot (`step` 0), the sequence the
    /// slot points to (1), every line of the sequence's hashes and positions (2).
    pub(super) fn ask_ahead(&self, step: u8, d: u32) {
        let d = d as usize;
        match (step, self.of.get(d)) {
            (0, _) => prefetch(self.of.as_ptr().wrapping_add(d)),
            (1, Some(Some(s))) => prefetch::<Sequence>(&**s),
            (_, Some(Some(s))) => s.ask_ahead(),
            _ => {}
        }
    }

    /// Lets the sequences of `ds` go, each leaving its shingle set behind when asked,
    /// and their fingerprints with them. Every pair of `ds` is decided.
    pub(super) fn let_go(&mut self, ds: &[u32], docs: &mut [Doc], fps: &mut [FingerprintsOnce]) {
        let gone: Vec<(u32, Box<Sequence>)> =
            ds.iter().filter_map(|&d| Some((d, self.of[d as usize].take()?))).collect();
        let sets: Vec<(u32, Vec<u64>)> = gone
            .into_par_iter()
            .filter(|(d, _)| {
                let doc = &docs[*d as usize];
                self.leave_sets && doc.shingles.is_empty() && doc.shingle_count > 0
            })
            .map(|(d, s)| (d, s.shingle_set()))
            .collect();
        for (d, set) in sets {
            docs[d as usize].shingles = set;
        }
        for &d in ds {
            fps[d as usize] = OnceLock::new();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Params;

    /// Sequences kept read back equal to those made, each document's once (a second keep of
    /// it writes nothing), none for a document not kept; a damaged file is an error naming
    /// its directory, never a sequence.
    #[test]
    fn kept_sequences_read_back_equal_and_damage_is_an_error() {
        use std::os::unix::fs::FileExt;
        let config = Params::default().resolve().unwrap();
        let texts = ["جنود أفغان ١٠٣٧ فروا إلى طاجيكستان", "", "one two three four five six seven"];
        let made: Vec<Sequence> = texts.iter().map(|t| super::super::sequence(t, &config)).collect();
        let dir = tempfile::tempdir().unwrap();
        let mut file = SequenceFile::new(dir.path(), 5).unwrap();
        file.keep([(0, &made[0]), (3, &made[2])].into_iter()).unwrap();
        let len = file.len;
        file.keep([(3, &made[1]), (4, &made[1])].into_iter()).unwrap();
        assert_eq!(file.get(0).unwrap().unwrap(), made[0]);
        assert_eq!(file.get(3).unwrap().unwrap(), made[2], "kept once: the first stays");
        assert_eq!(file.get(4).unwrap().unwrap(), made[1]);
        assert!(file.get(1).is_none() && file.get(2).is_none() && file.get(9).is_none());
        assert!(file.len > len);
        file.file.write_all_at(&[0xff], 9).unwrap();
        let e = file.get(0).unwrap().unwrap_err().to_string();
        assert!(e.contains(&dir.path().display().to_string()), "{e}");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "the file has no name");
    }
}
