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

/// What [`fast_table`] tells of a character below [`TABLE_END`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Fast {
    /// A word character: what it folds to, and whether that character needs the segmenter.
    Char { c: char, complex: bool },
    /// Removed (a mark, tatweel, an ignorable).
    Removed,
    /// A word separator.
    Separator,
    /// More than one character: [`fold_char_slow`] decides.
    Slow,
}

/// [`table`] with its answers decoded once (the folded character and whether it needs the
/// segmenter), for the normalizer's loop over two-byte characters.
pub(super) fn fast_table() -> &'static [Fast] {
    static FAST: OnceLock<Vec<Fast>> = OnceLock::new();
    FAST.get_or_init(|| {
        table()
            .iter()
            .map(|&v| match v {
                REMOVED => Fast::Removed,
                SEPARATOR => Fast::Separator,
                SLOW => Fast::Slow,
                // As `lookup` reads it.
                d => char::from_u32(d)
                    .map_or(Fast::Separator, |c| Fast::Char { c, complex: needs_segmenter(c) }),
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
