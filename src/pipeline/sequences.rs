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
pub(super) fn from_text(
    docs: &Docs,
    d: u32,
    spill: Option<&TextSpill>,
    config: &Config,
) -> Result<Sequence, RunError> {
    Ok(sequence(&docs.text(d).map_err(|e| scratch(spill, e))?, config))
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
}

impl Sequences {
    /// Makes the sequences of `ds` not held yet: the one read with the document, or one made
    /// from its text.
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
        let made: Vec<(u32, Box<Sequence>)> = stored
            .into_par_iter()
            .map(|(d, s)| match s {
                Some(s) => Ok((d, s)),
                None => Ok((d, Box::new(from_text(&shared, d, spill, config)?))),
            })
            .collect::<Result<_, RunError>>()?;
        for (d, s) in made {
            self.of[d as usize] = Some(s);
        }
        Ok(())
    }

    /// Asks ahead for what aligning a pair of document `d` reads first, in three steps, each
    /// reading what the one before brought into cache: its slot (`step` 0), the sequence the
    /// slot points to (1), the start of the sequence's hashes and positions (2).
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
