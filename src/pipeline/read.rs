//! Reading and sketching: every document of the inputs is normalized, shingled and sketched
//! (MinHash signature, SimHash fingerprint, winnowing fingerprints) in parallel, batch by batch,
//! while the reader thread fetches the next batch.

use super::spill::{SpillSender, TextSpill};
use super::{Doc, Progress, RunError};
use crate::config::{Candidates, Config, OnError};
use crate::corpus::{CorpusError, CorpusReader, Input, InputSum, Record, SkipLog, Skipped};
use crate::lsh::winnow;
use crate::normalize::Normalized;
use crate::normalize::Normalizer;
use crate::packed::Packed;
use crate::shingle::{ShingleConfig, ShingleKind, Shingler};
use crate::sketch::{simhash, MinHasher, Sketch, SketchKind};
use rayon::prelude::*;
use std::ops::ControlFlow;
use std::path::Path;

/// What reading produced besides the documents.
#[derive(Debug, Clone, Default)]
pub struct ReadSummary {
    /// Records skipped: counts by reason and a bounded sample.
    pub skipped: SkipLog,
    /// Bytes of documents read.
    pub input_bytes: u64,
    /// Size and checksum of each input, computed while reading it.
    pub inputs: Vec<InputSum>,
}

/// Reads and sketches every document of `inputs`; every document holds its text.
pub fn read_and_sketch(
    inputs: Vec<Input>,
    config: &Config,
    progress: &dyn Progress,
) -> Result<(Vec<Doc>, ReadSummary), RunError> {
    read(inputs, config, progress, None, None).map(|(docs, summary, _)| (docs, summary))
}

/// [`read_and_sketch`], holding at most `budget` bytes of texts: past that, every text goes to
/// an unnamed temporary file in `dir` (returned, see [`TextSpill`]) and its document holds
/// none.
pub fn read_and_sketch_spilling(
    inputs: Vec<Input>,
    config: &Config,
    progress: &dyn Progress,
    budget: usize,
    dir: &Path,
) -> Result<(Vec<Doc>, ReadSummary, Option<TextSpill>), RunError> {
    read(inputs, config, progress, Some(budget), Some(dir))
}

/// [`read_and_sketch`]; with a `budget`, texts are held until they take more than `budget`
/// bytes, then every document lets its text go (see [`super::Texts`]). With a `spill`
/// directory, the texts let go are written to a temporary file there first (every text a
/// document does not hold is in it), which is returned.
pub(super) fn read(
    inputs: Vec<Input>,
    config: &Config,
    progress: &dyn Progress,
    budget: Option<usize>,
    spill: Option<&Path>,
) -> Result<(Vec<Doc>, ReadSummary, Option<TextSpill>), RunError> {
    let mut written: Option<SpillSender> = None;
    let mut held = 0usize;
    let mut hold_texts = budget != Some(0);
    let total = CorpusReader::total_bytes(&inputs);
    progress.start("read+sketch", (total > 0).then_some(total), "bytes");
    let reader = CorpusReader::new(inputs, config.corpus.clone());
    let stored = reader.stored_counter();
    let normalizer = Normalizer::new(config.normalize);
    let shingler = Shingler::new(config.shingle, config.seed);
    let sketcher = match config.sketch_kind() {
        Some(SketchKind::MinHash { num_perm, seed }) => {
            Sketcher::MinHash(MinHasher::new(num_perm, seed), seed)
        }
        Some(SketchKind::SimHash { seed }) => Sketcher::SimHash(seed),
        None => Sketcher::None,
    };
    let passage_shingler = passage_shingler(config);
    let keep_sets = config.candidates == Candidates::Exact;
    let mut docs = Vec::new();
    let mut skipped = SkipLog::default();
    // The reader runs one batch ahead on its own thread, so that decompressing and splitting
    // lines (sequential work) overlaps with sketching the previous batch (parallel work).
    let reader = reader.read_ahead(|batch| -> Result<ControlFlow<()>, RunError> {
        let (hold, before) = (hold_texts, docs.len());
        let processed: Vec<Result<Sketched, Skipped>> = batch
            .into_par_iter()
            .map_init(Normalized::default, |norm, record| match record {
                Record::Skip(s) => Err(s),
                Record::Doc(raw) => {
                    let mut shingles = Vec::new();
                    if config.shingle.kind == ShingleKind::Word {
                        word_shingles_in_pieces(
                            &normalizer,
                            &shingler,
                            &raw.text,
                            PIECE_BYTES,
                            norm,
                            &mut shingles,
                        );
                    } else {
                        normalizer.normalize_into(&raw.text, norm);
                        shingler.hashes_into(norm, &mut shingles);
                    }
                    let winnowed: Vec<u64> = match (&config.passages, &passage_shingler) {
                        (None, _) => Vec::new(),
                        (Some(p), None) => winnow::fingerprints(&shingles, p.window),
                        (Some(p), Some(ps)) => {
                            let mut words = Vec::new();
                            ps.hashes_into(norm, &mut words);
                            winnow::fingerprints(&words, p.window)
                        }
                    };
                    shingles.sort_unstable();
                    shingles.dedup();
                    let shingle_count = shingles.len();
                    let mut slots = Vec::new();
                    let sketch = match (&sketcher, shingles.is_empty()) {
                        (_, true) | (Sketcher::None, _) => Sketch::None,
                        (Sketcher::MinHash(m, seed), false) => {
                            // The slots join the batch's buffer below.
                            slots = m.signature(&shingles);
                            Sketch::MinHash { seed: *seed, slots: Packed::default() }
                        }
                        (Sketcher::SimHash(seed), false) => {
                            Sketch::SimHash { seed: *seed, bits: simhash(&shingles) }
                        }
                    };
                    if keep_sets {
                        // Kept for the whole run: no spare capacity.
                        shingles.shrink_to_fit();
                    } else {
                        shingles = Vec::new();
                    }
                    let chars = raw.text.chars().count();
                    let text_xxh3 = xxhash_rust::xxh3::xxh3_128(raw.text.as_bytes());
                    let doc = Doc {
                        record_xxh3: raw.record_xxh3,
                        text_xxh3,
                        sequence: None,
                        id: raw.id,
                        text: if hold || spill.is_some() { raw.text } else { String::new() },
                        origin: raw.origin,
                        shingles,
                        shingle_count,
                        sketch,
                        winnowed: Packed::default(),
                        chars,
                        key: raw.key,
                        meta: raw.meta,
                    };
                    Ok((doc, slots, winnowed))
                }
            })
            .collect();
        // The batch's signatures and fingerprints go into one buffer of each (see `Packed`).
        let (mut slots, mut winnowed) = (Vec::new(), Vec::new());
        for p in processed {
            match p {
                Ok((d, s, w)) => {
                    docs.push(d);
                    slots.push(s);
                    winnowed.push(w);
                }
                Err(s) => {
                    if config.on_error == OnError::Fail {
                        return Err(RunError::Corpus(CorpusError::BadRecord {
                            source_name: s.source,
                            line: s.line,
                            reason: s.reason,
                        }));
                    }
                    skipped.push(s)
                }
            }
        }
        let packed = Packed::pack(&slots).into_iter().zip(Packed::pack(&winnowed));
        drop((slots, winnowed));
        for (d, (s, w)) in docs[before..].iter_mut().zip(packed) {
            if let Sketch::MinHash { slots, .. } = &mut d.sketch {
                *slots = s;
            }
            d.winnowed = w;
        }
        if let (Some(budget), true) = (budget, hold_texts) {
            held += docs[before..].iter().map(|d| d.text.len()).sum::<usize>();
            if held > budget {
                hold_texts = false;
                // Every text held so far goes to the file, then each batch's as it comes.
                let_go(&mut docs, 0, spill, &mut written)?;
            }
        } else if !hold {
            let_go(&mut docs, before, spill, &mut written)?;
        }
        progress.set(stored.load(std::sync::atomic::Ordering::Relaxed));
        Ok(ControlFlow::Continue(()))
    })?;
    progress.finish();
    let spilled = match (written, spill) {
        (Some(w), Some(dir)) => Some(w.finish().map_err(|e| RunError::scratch(dir, e))?),
        _ => None,
    };
    let (input_bytes, inputs) = (reader.bytes_read(), reader.sums().to_vec());
    Ok((docs, ReadSummary { skipped, input_bytes, inputs }, spilled))
}

/// A document read, with its MinHash slots and winnowing fingerprints, which join its batch's
/// buffers (see [`Packed`]).
type Sketched = (Doc, Vec<u32>, Vec<u64>);

/// Lets the texts of `docs[from..]` go, handed first to the writer of the file of texts in
/// `spill` (made at the first text) when there is a directory for it.
fn let_go(
    docs: &mut [Doc],
    from: usize,
    spill: Option<&Path>,
    written: &mut Option<SpillSender>,
) -> Result<(), RunError> {
    let Some(dir) = spill else {
        docs[from..].par_iter_mut().for_each(|d| d.text = String::new());
        return Ok(());
    };
    let scratch = |e| RunError::scratch(dir, e);
    let w = match written.take() {
        Some(w) => w,
        None => SpillSender::create(dir, docs.len()).map_err(scratch)?,
    };
    let texts = docs.iter_mut().enumerate().skip(from).map(|(d, doc)| (d, std::mem::take(&mut doc.text)));
    *written = Some(w.send(texts.collect()).map_err(scratch)?);
    Ok(())
}

/// The word shingler for passages when it differs from the main shingler (`char:N` mode).
/// Texts longer than this are normalized and shingled in pieces cut at white space: memory then
/// holds one piece's tokens (24 bytes a word) instead of the whole text's, so a 100 MB document
/// needs its text and its shingle hashes, not three times that.
const PIECE_BYTES: usize = 4 << 20;

/// Appends the word-shingle hashes of `text` to `out`, in document order, exactly as
/// [`Shingler::hashes_into`] gives them for the whole normalized text, normalizing at most
/// about `piece` bytes at a time. Each piece after the first starts at the first of the
/// previous piece's last `k − 1` tokens, so every shingle is hashed once, with all its words.
fn word_shingles_in_pieces(
    normalizer: &Normalizer,
    shingler: &Shingler,
    text: &str,
    piece: usize,
    norm: &mut Normalized,
    out: &mut Vec<u64>,
) {
    let k = shingler.config().size.max(1);
    let len = text.len();
    let mut start = 0usize;
    // Shingles at the start of the current piece that the previous piece already gave.
    let mut skip = 0usize;
    // How far the current piece may reach; it only grows, so every round makes progress.
    let mut reach = len.min(piece);
    loop {
        let mut end = reach;
        if end < len {
            // Cut after white space, so no token spans the cut.
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            match text[start..end].rfind(char::is_whitespace) {
                Some(i) if i > 0 => {
                    end = start + i + text[start + i..].chars().next().map_or(1, char::len_utf8)
                }
                _ => {
                    reach = len.min(reach + piece);
                    continue;
                }
            }
        }
        normalizer.normalize_into(&text[start..end], norm);
        let tokens = norm.tokens.len();
        let last = end == len;
        // The last k − 1 tokens go on to the next piece, more when a token overlaps the one
        // before it (one character folding into two words); their shingles that start in
        // this piece are skipped in the next.
        let t = &norm.tokens;
        let mut carry = k - 1;
        while carry > 0 && carry < tokens && t[tokens - carry].start < t[tokens - carry - 1].end {
            carry += 1;
        }
        if !last && (tokens < k || carry >= tokens) {
            // Too few words to make progress: take a larger piece.
            reach = len.min(reach + piece);
            continue;
        }
        if start == 0 || tokens >= k {
            let before = out.len();
            shingler.hashes_into(norm, out);
            let drop = skip.min(out.len() - before);
            out.drain(before..before + drop);
        }
        if last {
            return;
        }
        let next = if carry == 0 { end } else { start + norm.tokens[tokens - carry].start as usize };
        skip = carry - (k - 1);
        start = next;
        reach = len.min(reach.max(start) + piece);
    }
}

/// The sorted, deduplicated shingle set of `text`, as [`Shingler::set_into`] gives it for the
/// whole normalized text; word shingles of long texts are computed a piece at a time.
pub(super) fn shingle_set(normalizer: &Normalizer, shingler: &Shingler, text: &str) -> Vec<u64> {
    let mut norm = Normalized::default();
    let mut set = Vec::new();
    if shingler.config().kind == ShingleKind::Word {
        word_shingles_in_pieces(normalizer, shingler, text, PIECE_BYTES, &mut norm, &mut set);
        set.sort_unstable();
        set.dedup();
    } else {
        normalizer.normalize_into(text, &mut norm);
        shingler.set_into(&norm, &mut set);
    }
    set
}

/// The words of `text` as normalized: their number, the byte offset where the first begins and
/// where the last ends (`(0, 0, 0)` without words). Texts longer than [`PIECE_BYTES`] are
/// normalized a piece at a time, cut after white space, so memory holds one piece's tokens.
pub(super) fn word_extent(normalizer: &Normalizer, text: &str) -> (usize, u32, u32) {
    extent_in_pieces(normalizer, text, PIECE_BYTES)
}

fn extent_in_pieces(normalizer: &Normalizer, text: &str, piece: usize) -> (usize, u32, u32) {
    let mut norm = Normalized::default();
    let (mut words, mut first, mut last) = (0usize, None, 0u32);
    let mut start = 0usize;
    while start < text.len() {
        let mut end = text.len().min(start.saturating_add(piece.max(1)));
        if end < text.len() {
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            // Cut after the last white space of the piece (or the first after it), so no
            // token spans the cut.
            end = match text[start..end].rfind(char::is_whitespace).filter(|&i| i > 0) {
                Some(i) => start + i,
                None => text[end..].find(char::is_whitespace).map_or(text.len(), |i| end + i),
            };
            end += text[end..].chars().next().map_or(0, char::len_utf8);
        }
        normalizer.normalize_into(&text[start..end], &mut norm);
        if let (Some(a), Some(b)) = (norm.tokens.first(), norm.tokens.last()) {
            first.get_or_insert((start + a.start as usize) as u32);
            last = (start + b.end as usize) as u32;
        }
        words += norm.tokens.len();
        start = end;
    }
    (words, first.unwrap_or(0), last)
}

fn passage_shingler(config: &Config) -> Option<Shingler> {
    (config.passages.is_some() && config.shingle.kind != ShingleKind::Word).then(|| {
        Shingler::new(ShingleConfig { kind: ShingleKind::Word, size: config.passage_k }, config.seed)
    })
}

/// What the read stage computes for each document's sketch.
enum Sketcher {
    None,
    MinHash(MinHasher, u64),
    SimHash(u64),
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::Profile;
    use proptest::prelude::*;

    fn hashes(text: &str, k: usize, piece: Option<usize>, profile: Profile) -> Vec<u64> {
        let mut out = Vec::new();
        let sh = Shingler::new(ShingleConfig { kind: ShingleKind::Word, size: k }, 7);
        let normalizer = Normalizer::new(profile);
        match piece {
            None => sh.hashes_into(&normalizer.normalize(text), &mut out),
            Some(p) => {
                word_shingles_in_pieces(&normalizer, &sh, text, p, &mut Normalized::default(), &mut out)
            }
        }
        out
    }

    #[test]
    fn pieces_give_the_whole_text_hashes() {
        let text = "فر ١٠٣٧ جنديا أفغانيا إلى طاجيكستان ¼ بعد  اشتباكات\n\nمع حركة طالبان. a b c d e f g h";
        for k in [1, 2, 5] {
            for piece in [1, 3, 8, 20, 1000] {
                let whole = hashes(text, k, None, Profile::Default);
                assert_eq!(hashes(text, k, Some(piece), Profile::Default), whole, "k {k} piece {piece}");
            }
        }
        assert!(hashes("", 5, Some(4), Profile::Default).is_empty());
        assert_eq!(
            hashes("one two", 5, Some(4), Profile::Default),
            hashes("one two", 5, None, Profile::Default)
        );
    }

    fn whole_extent(text: &str, profile: Profile) -> (usize, u32, u32) {
        let n = Normalizer::new(profile).normalize(text);
        match (n.tokens.first(), n.tokens.last()) {
            (Some(a), Some(b)) => (n.tokens.len(), a.start, b.end),
            _ => (0, 0, 0),
        }
    }

    #[test]
    fn extent_in_pieces_matches_the_whole_text() {
        let text = "  فر ١٠٣٧ جنديا أفغانيا إلى طاجيكستان ¼ بعد  اشتباكات\n\nمع حركة طالبان. a b  ";
        let whole = whole_extent(text, Profile::Default);
        assert_eq!(whole.0, 15, "the words of the text (the full stop is not one)");
        assert_eq!(&text[whole.1 as usize..whole.2 as usize], text.trim());
        for piece in [1, 3, 8, 20, 1000] {
            assert_eq!(
                extent_in_pieces(&Normalizer::new(Profile::Default), text, piece),
                whole,
                "piece {piece}"
            );
        }
        assert_eq!(extent_in_pieces(&Normalizer::new(Profile::Default), " ... ", 2), (0, 0, 0));
    }

    proptest! {
        #[test]
        fn pieces_agree_with_the_whole_text(
            words in prop::collection::vec("[a-c¼éأ٣]{1,4}|[ \n\t]{1,3}|[.,!]", 0..200),
            k in 1usize..7,
            piece in 1usize..64,
        ) {
            let text: String = words.join(" ");
            for profile in [Profile::Default, Profile::None] {
                prop_assert_eq!(hashes(&text, k, Some(piece), profile), hashes(&text, k, None, profile));
            }
        }

        #[test]
        fn extent_in_pieces_agrees_with_the_whole_text(
            words in prop::collection::vec("[a-c¼éأ٣]{1,4}|[ \n\t]{1,3}|[.,!]", 0..200),
            piece in 1usize..64,
        ) {
            let text: String = words.join(" ");
            for profile in [Profile::Default, Profile::None] {
                let normalizer = Normalizer::new(profile);
                prop_assert_eq!(extent_in_pieces(&normalizer, &text, piece), whole_extent(&text, profile));
            }
        }
    }
}
