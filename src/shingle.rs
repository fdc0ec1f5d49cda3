//! Shingles: word or character n-grams, hashed with seeded xxh3-64, each remembering the byte
//! span of the original text it covers.
//!
//! Invariants:
//! * a document with at least one token but fewer than `n` gets exactly one shingle covering
//!   all its tokens (so short documents still compare), a document with no tokens gets none;
//! * the hash of a shingle depends only on its normalized content, `n`, the kind and the seed —
//!   never on its position or on the document, and never on the crate version of a hasher
//!   (xxh3 is a fixed, specified function).

use crate::normalize::Normalized;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use xxhash_rust::xxh3::{xxh3_64, xxh3_64_with_seed};

/// Word or character n-grams.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ShingleKind {
    /// n consecutive words.
    Word,
    /// n consecutive characters of the normalized text, words joined by one space.
    Char,
}

/// How documents are cut into shingles: `word:5` (the default) or `char:N`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShingleConfig {
    /// Word or character n-grams.
    pub kind: ShingleKind,
    /// The n of the n-grams (at least 1).
    pub size: usize,
}

/// Default shingle size in words.
pub const DEFAULT_WORD_SHINGLE: usize = 5;

impl Default for ShingleConfig {
    fn default() -> Self {
        ShingleConfig { kind: ShingleKind::Word, size: DEFAULT_WORD_SHINGLE }
    }
}

impl fmt::Display for ShingleConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.kind {
            ShingleKind::Word => "word",
            ShingleKind::Char => "char",
        };
        write!(f, "{kind}:{}", self.size)
    }
}

impl FromStr for ShingleConfig {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (kind, size) =
            s.split_once(':').ok_or_else(|| format!("expected word:N or char:N, got `{s}`"))?;
        let kind = match kind {
            "word" => ShingleKind::Word,
            "char" => ShingleKind::Char,
            other => return Err(format!("unknown shingle kind `{other}` (use word or char)")),
        };
        let size: usize = size.parse().map_err(|_| format!("shingle size `{size}` is not a whole number"))?;
        if !(1..=64).contains(&size) {
            return Err(format!("shingle size must be between 1 and 64, got {size}"));
        }
        Ok(ShingleConfig { kind, size })
    }
}

/// One shingle: its hash and the half-open byte range of the original text it covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shingle {
    /// Seeded xxh3-64 of the shingle's normalized content.
    pub hash: u64,
    /// Byte offset of the first covered character in the original text.
    pub start: u32,
    /// Byte offset just past the last covered character.
    pub end: u32,
    /// Index of the first token the shingle covers.
    pub first_token: u32,
    /// Number of tokens the shingle touches.
    pub tokens: u32,
}

/// Cuts normalized documents into hashed shingles.
#[derive(Debug, Clone, Copy)]
pub struct Shingler {
    config: ShingleConfig,
    seed: u64,
}

impl Shingler {
    /// A shingler for `config`, hashing with `seed`.
    pub fn new(config: ShingleConfig, seed: u64) -> Self {
        Shingler { config, seed }
    }

    /// The configuration this shingler applies.
    pub fn config(&self) -> ShingleConfig {
        self.config
    }

    /// Appends the hashes of every shingle of `doc` (in document order, with repeats) to `out`.
    pub fn hashes_into(&self, doc: &Normalized, out: &mut Vec<u64>) {
        match self.config.kind {
            ShingleKind::Word => self.word_shingles(doc, |h, _, _| out.push(h)),
            ShingleKind::Char => self.char_shingles(doc, |h, _, _| out.push(h)),
        }
    }

    /// The sorted, deduplicated shingle set of `doc`: what Jaccard and MinHash work on.
    pub fn set_into(&self, doc: &Normalized, out: &mut Vec<u64>) {
        out.clear();
        self.hashes_into(doc, out);
        out.sort_unstable();
        out.dedup();
    }

    /// Every shingle of `doc` with its original byte span, in document order.
    pub fn shingles(&self, doc: &Normalized) -> Vec<Shingle> {
        let mut out = Vec::new();
        let emit = |hash, first: usize, count: usize, out: &mut Vec<Shingle>| {
            let a = doc.tokens[first];
            let b = doc.tokens[first + count - 1];
            out.push(Shingle {
                hash,
                start: a.start,
                end: b.end,
                first_token: first as u32,
                tokens: count as u32,
            });
        };
        match self.config.kind {
            ShingleKind::Word => self.word_shingles(doc, |h, f, c| emit(h, f, c, &mut out)),
            ShingleKind::Char => self.char_shingles(doc, |h, f, c| emit(h, f, c, &mut out)),
        }
        out
    }

    /// Calls `emit(hash, first_token, token_count)` for each word n-gram.
    fn word_shingles(&self, doc: &Normalized, mut emit: impl FnMut(u64, usize, usize)) {
        let n = self.config.size;
        let count = doc.tokens.len();
        if count == 0 {
            return;
        }
        let token_hashes: Vec<u64> = doc.words().map(|w| xxh3_64(w.as_bytes())).collect();
        let width = n.min(count);
        let mut bytes = Vec::with_capacity(8 * width);
        for first in 0..=count - width {
            bytes.clear();
            for h in &token_hashes[first..first + width] {
                bytes.extend_from_slice(&h.to_le_bytes());
            }
            emit(xxh3_64_with_seed(&bytes, self.seed), first, width);
        }
    }

    /// Calls `emit(hash, first_token, token_count)` for each character n-gram of the words
    /// joined by single spaces.
    fn char_shingles(&self, doc: &Normalized, mut emit: impl FnMut(u64, usize, usize)) {
        let n = self.config.size;
        if doc.tokens.is_empty() {
            return;
        }
        // (char, token index) for the joined text; the joining space belongs to the next token.
        let mut chars: Vec<(char, u32)> = Vec::new();
        for (i, w) in doc.words().enumerate() {
            if i > 0 {
                chars.push((' ', i as u32));
            }
            chars.extend(w.chars().map(|c| (c, i as u32)));
        }
        let width = n.min(chars.len());
        let mut buf = String::new();
        for first in 0..=chars.len() - width {
            buf.clear();
            buf.extend(chars[first..first + width].iter().map(|&(c, _)| c));
            let t0 = chars[first].1 as usize;
            let t1 = chars[first + width - 1].1 as usize;
            emit(xxh3_64_with_seed(buf.as_bytes(), self.seed), t0, t1 - t0 + 1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::{Normalizer, Profile};

    fn set(text: &str, cfg: &str) -> Vec<u64> {
        let doc = Normalizer::new(Profile::Default).normalize(text);
        let mut out = Vec::new();
        Shingler::new(cfg.parse().unwrap(), 7).set_into(&doc, &mut out);
        out
    }

    #[test]
    fn word_shingle_count() {
        assert_eq!(set("a b c d e f g", "word:5").len(), 3);
        assert_eq!(set("a b c d e a b c d e", "word:5").len(), 5);
    }

    #[test]
    fn short_document_gets_one_shingle_and_empty_gets_none() {
        assert_eq!(set("a b", "word:5").len(), 1);
        assert_ne!(set("a b", "word:5"), set("a c", "word:5"));
        assert!(set("  ... ", "word:5").is_empty());
        assert!(set("", "char:4").is_empty());
    }

    #[test]
    fn spans_cover_original_text() {
        let text = "«أفغانستان» تقول: ١٠٣٧ جنديا فروا";
        let doc = Normalizer::new(Profile::Default).normalize(text);
        let sh = Shingler::new("word:3".parse().unwrap(), 0).shingles(&doc);
        assert_eq!(sh.len(), 3);
        assert_eq!(&text[sh[0].start as usize..sh[0].end as usize], "أفغانستان» تقول: ١٠٣٧");
        assert_eq!(&text[sh[2].start as usize..sh[2].end as usize], "١٠٣٧ جنديا فروا");
    }

    #[test]
    fn char_shingles_join_words_with_one_space() {
        assert_eq!(set("ab, cd", "char:3"), set("AB   CD", "char:3"));
        assert_eq!(set("abcd", "char:3").len(), 2);
    }

    #[test]
    fn parse_and_display_round_trip() {
        for s in ["word:5", "char:7", "word:1"] {
            assert_eq!(s.parse::<ShingleConfig>().unwrap().to_string(), s);
        }
        assert!("word:0".parse::<ShingleConfig>().is_err());
        assert!("line:3".parse::<ShingleConfig>().is_err());
        assert!("word".parse::<ShingleConfig>().is_err());
    }
}
