//! Per-character Unicode folding for the default profile: compatibility decomposition, mark
//! and format-character removal, case folding, then the Arabic rules, then the separator test.

use super::arabic;
use std::sync::OnceLock;
use unicode_normalization::char::{decompose_compatible, is_combining_mark};

/// What one original character contributes after folding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Folded {
    /// A character that belongs to a word.
    Char(char),
    /// A word separator (punctuation, symbol, whitespace, control).
    Separator,
}

/// Default-ignorable format characters removed inside words: soft hyphen, ZWNJ/ZWJ, word
/// joiner, bidi marks, embeddings, overrides and isolates, BOM / zero-width no-break space.
#[inline]
pub fn is_ignorable(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{061C}' | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

/// Characters below this code point are folded through a precomputed table (Latin, Greek,
/// Cyrillic, Hebrew, Arabic and their neighbours): the common case costs one array read.
const TABLE_END: u32 = 0x0800;
const REMOVED: u32 = u32::MAX;
const SEPARATOR: u32 = u32::MAX - 1;
const SLOW: u32 = u32::MAX - 2;

/// The folding of every character below [`TABLE_END`]: [`REMOVED`], [`SEPARATOR`], [`SLOW`]
/// (more than one character: [`fold_char_slow`] decides), or the one character it folds to.
pub(super) fn table() -> &'static [u32] {
    static TABLE: OnceLock<Vec<u32>> = OnceLock::new();
    TABLE.get_or_init(|| {
        (0..TABLE_END)
            .map(|cp| {
                let Some(c) = char::from_u32(cp) else { return SLOW };
                let mut out = Vec::new();
                fold_char_slow(c, |f| out.push(f));
                match out.as_slice() {
                    [] => REMOVED,
                    [Folded::Separator] => SEPARATOR,
                    [Folded::Char(d)] => *d as u32,
                    _ => SLOW,
                }
            })
            .collect()
    })
}

/// What [`fast_table`] tells of a character below [`TABLE_END`], packed in four bytes for the
/// normalizer's loop: a word character is the UTF-8 bytes of what it folds to (at most three:
/// the table keeps only those, see [`fast_table`]) with their count and the segmenter flag in
/// the top byte, so the loop copies the bytes without encoding a `char`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Fast(u32);

/// Tags in [`Fast`]'s top byte for what is not a word character (their count bits, the low
/// two of the top byte, are zero).
pub(super) const FAST_REMOVED: u32 = 0x80 << 24;
pub(super) const FAST_SEPARATOR: u32 = 0x40 << 24;
pub(super) const FAST_SLOW: u32 = 0x20 << 24;
/// [`Fast`]'s flag for a folded character that needs the segmenter.
pub(super) const FAST_COMPLEX: u32 = 0x10 << 24;

impl Fast {
    fn char(c: char) -> Fast {
        let mut buf = [0u8; 4];
        let n = c.encode_utf8(&mut buf).len();
        if n > 3 {
            return Fast(FAST_SLOW);
        }
        let complex = if needs_segmenter(c) { FAST_COMPLEX } else { 0 };
        Fast(u32::from_le_bytes([buf[0], buf[1], buf[2], 0]) | complex | (n as u32) << 24)
    }

    /// For a word character: its folded form's UTF-8 bytes (`bytes()[..len]`), their count
    /// (1 to 3) and whether it needs the segmenter; `None` for anything else.
    #[inline]
    pub(super) fn char_bytes(self) -> Option<([u8; 4], usize, bool)> {
        let len = (self.0 >> 24) & 0x3;
        (self.0 & (FAST_REMOVED | FAST_SEPARATOR | FAST_SLOW) == 0)
            .then(|| ((self.0 & 0x00FF_FFFF).to_le_bytes(), len as usize, self.0 & FAST_COMPLEX != 0))
    }

    /// The packed form: the folded character's UTF-8 bytes in the low three bytes (little
    /// endian), their count in the low two bits of the top byte, and the tags above.
    #[inline]
    pub(super) fn raw(self) -> u32 {
        self.0
    }

    #[inline]
    pub(super) fn is_separator(self) -> bool {
        self.0 == FAST_SEPARATOR
    }

    #[inline]
    pub(super) fn is_removed(self) -> bool {
        self.0 == FAST_REMOVED
    }
}

/// [`table`] with its answers decoded once (the folded character's UTF-8 bytes and whether it
/// needs the segmenter), for the normalizer's loop over ASCII and two-byte characters. A
/// folding to a character of four bytes is left to [`fold_char_slow`] (none below
/// [`TABLE_END`] folds so; the packing has room for three bytes).
pub(super) fn fast_table() -> &'static [Fast] {
    static FAST: OnceLock<Vec<Fast>> = OnceLock::new();
    FAST.get_or_init(|| {
        table()
            .iter()
            .map(|&v| match v {
                REMOVED => Fast(FAST_REMOVED),
                SEPARATOR => Fast(FAST_SEPARATOR),
                SLOW => Fast(FAST_SLOW),
                // As `lookup` reads it.
                d => char::from_u32(d).map_or(Fast(FAST_SEPARATOR), Fast::char),
            })
            .collect()
    })
}

/// What the table tells of a character.
pub(super) enum Lookup {
    /// Removed (a mark, tatweel, an ignorable).
    Removed,
    /// One folded character, or a separator.
    One(Folded),
    /// The table cannot tell (past its end, or more than one character): [`fold_char_slow`].
    Slow,
}

/// The table's answer for `c`; `table` is [`table`], fetched once by callers that fold many
/// characters.
#[inline]
pub(super) fn lookup(table: &[u32], c: char) -> Lookup {
    match table.get(c as usize) {
        None | Some(&SLOW) => Lookup::Slow,
        Some(&REMOVED) => Lookup::Removed,
        Some(&SEPARATOR) => Lookup::One(Folded::Separator),
        // The table holds only values made from chars.
        Some(&d) => Lookup::One(char::from_u32(d).map_or(Folded::Separator, Folded::Char)),
    }
}

/// Folds `c`, calling `emit` for each resulting character or separator. Removed characters
/// (marks, tatweel, ignorables) emit nothing.
#[inline]
pub fn fold_char(c: char, mut emit: impl FnMut(Folded)) {
    match lookup(table(), c) {
        Lookup::Removed => {}
        Lookup::One(f) => emit(f),
        Lookup::Slow => fold_char_slow(c, emit),
    }
}

/// [`fold_char`] without the table: the definition the table is built from.
pub fn fold_char_slow(c: char, mut emit: impl FnMut(Folded)) {
    decompose_compatible(c, |d| {
        if is_combining_mark(d) || d == arabic::TATWEEL || is_ignorable(d) {
            return;
        }
        case_fold(d, |l| {
            let l = arabic::fold(l);
            if l.is_alphanumeric() {
                emit(Folded::Char(l));
            } else {
                emit(Folded::Separator);
            }
        });
    });
}

/// Full lowercase mapping, plus the two case-folding differences that matter for matching
/// words: sharp s folds to `ss` and final sigma to `σ`.
#[inline]
fn case_fold(c: char, mut emit: impl FnMut(char)) {
    match c {
        'ß' | 'ẞ' => {
            emit('s');
            emit('s');
        }
        'ς' => emit('σ'),
        _ if c.is_lowercase() || !c.is_alphabetic() => emit(c),
        _ => c.to_lowercase().for_each(emit),
    }
}

/// Characters of scripts written without spaces between words, where a run of letters may hold
/// several words and UAX #29 must decide: ideographs, kana, and the Southeast Asian scripts.
#[inline]
pub fn needs_segmenter(c: char) -> bool {
    // Below Thai, nothing needs it (the common case: one comparison).
    c >= '\u{0E00}'
        && matches!(c,
        '\u{0E00}'..='\u{0EFF}'       // Thai, Lao
        | '\u{1000}'..='\u{109F}'     // Myanmar
        | '\u{1780}'..='\u{17FF}'     // Khmer
        | '\u{1950}'..='\u{19DF}'     // Tai Le, New Tai Lue
        | '\u{1A20}'..='\u{1AAF}'     // Tai Tham
        | '\u{3040}'..='\u{30FF}'     // Hiragana, Katakana
        | '\u{31F0}'..='\u{31FF}'     // Katakana extensions
        | '\u{3400}'..='\u{4DBF}'     // CJK extension A
        | '\u{4E00}'..='\u{9FFF}'     // CJK unified ideographs
        | '\u{F900}'..='\u{FAFF}'     // CJK compatibility ideographs
        | '\u{20000}'..='\u{3FFFF}') // CJK extensions B and beyond
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_agrees_with_definition() {
        for cp in 0..TABLE_END {
            let Some(c) = char::from_u32(cp) else { continue };
            let (mut fast, mut slow) = (Vec::new(), Vec::new());
            fold_char(c, |f| fast.push(f));
            fold_char_slow(c, |f| slow.push(f));
            assert_eq!(fast, slow, "U+{cp:04X}");
        }
    }
}
