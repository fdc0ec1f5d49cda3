//! Offset-preserving normalization and word segmentation.
//!
//! The [`Normalizer`] turns an original text into a sequence of [`Token`]s. Each token carries
//! its normalized form (in a shared buffer) and the half-open byte range `[start, end)` of the
//! *original* text it came from. Offsets are never rewritten by a later step: every folding rule
//! maps one original character to zero or more normalized characters, and a token's range runs
//! from the first original character that contributed to it to the end of the last one. So a
//! token range always starts and ends on a character boundary of the original text, and ranges
//! never go backwards (one original character may yield two tokens — `¼` gives `1` and `4` —
//! which then share its range).
//!
//! # Profiles
//!
//! * [`Profile::Default`], applied per character, in this order:
//!   1. Unicode compatibility decomposition (NFKD, the decomposition half of NFKC),
//!   2. removal of combining marks (Latin accents, Arabic harakat, Quranic annotation marks),
//!      tatweel (U+0640) and default-ignorable format characters (ZWJ/ZWNJ, bidi controls, soft
//!      hyphen) — these never split a word,
//!   3. case folding (full lowercase, plus `ß`→`ss` and final sigma → `σ`),
//!   4. Arabic letter folding ([`arabic`]): hamza-carrying alefs → `ا`, `ى` → `ي`, `ة` → `ه`,
//!      `ؤ` → `و`, `ئ` → `ي`,
//!   5. Arabic-Indic and Extended Arabic-Indic digits → ASCII digits,
//!   6. every character that is not alphanumeric after the steps above (punctuation, symbols,
//!      whitespace, controls, including `، ؛ ؟ « » “ ” „`) separates words.
//!
//!   Because combining marks are removed, canonical recomposition (the "C" of NFKC) cannot
//!   change the result and is skipped: two texts that are equal under NFKC are equal here.
//! * [`Profile::None`]: the text as is; only word segmentation (UAX #29 words).
//!
//! # Segmentation
//!
//! Words follow Unicode word segmentation (UAX #29), further split at punctuation and symbols.
//! For runs of letters and digits UAX #29 finds no boundary inside the run, except in scripts
//! written without spaces (ideographs, kana, Thai and its neighbours); only runs containing such
//! characters are passed through the UAX #29 segmenter, which keeps the common case fast. A unit
//! test checks the fast path against the segmenter.

pub mod arabic;
mod fast;
pub mod unicode;

use serde::{Deserialize, Serialize};
use unicode_segmentation::UnicodeSegmentation;

/// Which normalization steps run before segmentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Profile {
    /// NFKC-equivalent folding, case folding, mark removal, Arabic folding, digit folding.
    #[default]
    Default,
    /// No folding at all: UAX #29 words exactly as written.
    None,
}

impl Profile {
    /// The name used on the command line and in reports.
    pub fn name(self) -> &'static str {
        match self {
            Profile::Default => "default",
            Profile::None => "none",
        }
    }

    /// The steps this profile applies, in order, as recorded in reports.
    pub fn steps(self) -> &'static [&'static str] {
        match self {
            Profile::Default => &[
                "nfkd",
                "remove_combining_marks",
                "remove_tatweel_and_format_chars",
                "case_fold",
                "arabic_letter_fold",
                "arabic_digits_to_ascii",
                "punctuation_and_symbols_separate",
                "uax29_words",
            ],
            Profile::None => &["uax29_words"],
        }
    }
}

/// One word of a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    /// Byte offset in the original text where the token starts (a char boundary).
    pub start: u32,
    /// Byte offset in the original text just past the token's last character.
    pub end: u32,
    /// Start of the token's normalized form in [`Normalized::text`].
    pub norm_start: u32,
    /// End of the token's normalized form in [`Normalized::text`].
    pub norm_end: u32,
}

/// The result of normalizing one text: normalized words back to back in `text`, and their
/// positions. Reused across documents to avoid allocation.
#[derive(Debug, Default, Clone)]
pub struct Normalized {
    /// Normalized token texts, concatenated without separators.
    pub text: String,
    /// Tokens in document order.
    pub tokens: Vec<Token>,
}

impl Normalized {
    /// The normalized form of token `i`.
    pub fn token_text(&self, i: usize) -> &str {
        let t = &self.tokens[i];
        &self.text[t.norm_start as usize..t.norm_end as usize]
    }

    /// All normalized token texts, in order.
    pub fn words(&self) -> impl Iterator<Item = &str> + '_ {
        (0..self.tokens.len()).map(|i| self.token_text(i))
    }

    fn clear(&mut self) {
        self.text.clear();
        self.tokens.clear();
    }
}

/// Turns original texts into tokens with original byte ranges.
#[derive(Debug, Clone, Copy, Default)]
pub struct Normalizer {
    profile: Profile,
}

impl Normalizer {
    /// A normalizer for `profile`.
    pub fn new(profile: Profile) -> Self {
        Normalizer { profile }
    }

    /// The profile this normalizer applies.
    pub fn profile(&self) -> Profile {
        self.profile
    }

    /// Normalizes `text` into a fresh [`Normalized`].
    pub fn normalize(&self, text: &str) -> Normalized {
        let mut out = Normalized::default();
        self.normalize_into(text, &mut out);
        out
    }

    /// Normalizes `text` into `out`, replacing its previous content.
    ///
    /// Texts longer than `u32::MAX` bytes are not supported (the corpus reader caps document
    /// size well below that).
    pub fn normalize_into(&self, text: &str, out: &mut Normalized) {
        out.clear();
        match self.profile {
            Profile::None => {
                for (start, word) in text.unicode_word_indices() {
                    push_token(out, start, start + word.len(), word);
                }
            }
            Profile::Default => fold_text(text, 0, out, true),
        }
    }
}

fn push_token(out: &mut Normalized, start: usize, end: usize, norm: &str) {
    let norm_start = out.text.len() as u32;
    out.text.push_str(norm);
    out.tokens.push(Token {
        start: start as u32,
        end: end as u32,
        norm_start,
        norm_end: out.text.len() as u32,
    });
}

/// A token being built: where it started in the original and in `out.text`, and whether it
/// holds a character from a script that needs the UAX #29 segmenter.
struct Open {
    start: usize,
    end: usize,
    norm_start: usize,
    complex: bool,
}

/// The default profile over `text` (whose first byte is at `base` in the original document).
/// With `segment_complex`, runs holding characters of scripts written without spaces are
/// re-segmented with UAX #29; the recursive call for such a run passes `false`.
fn fold_text(text: &str, base: usize, out: &mut Normalized, segment_complex: bool) {
    let mut open: Option<Open> = None;
    let fast = unicode::fast_table();
    let bytes = text.as_bytes();
    let mut i = 0;
    loop {
        // The overwhelmingly common characters (ASCII and two-byte: Latin, Greek, Cyrillic,
        // Hebrew, Arabic) are folded by the loop over bytes; it stops at any other.
        i = fast::fold_run(bytes, i, base, fast, &mut open, out);
        let Some(&b) = bytes.get(i) else { break };
        if b >= 0xE0 {
            // Three- and four-byte characters lie past the table's end: the definition decides.
            let c = text[i..].chars().next().unwrap_or(char::REPLACEMENT_CHARACTER);
            fold_slow(&mut open, out, (segment_complex, text, base), i, c);
            i += c.len_utf8();
            continue;
        }
        // A character of the table that the loop leaves here: one that folds to a character
        // needing the segmenter, or to more than one character (or any, when a word needing
        // the segmenter is open).
        let (cp, len) = fast::table_char(bytes, i);
        let f = fast[cp];
        if let Some((utf8, n, complex)) = f.char_bytes() {
            open_token(&mut open, out, base + i, base + i + len, complex);
            push_utf8(&mut out.text, utf8, n);
        } else if f.is_separator() {
            close(&mut open, out, segment_complex, text, base);
        } else if !f.is_removed() {
            let c = char::from_u32(cp as u32).unwrap_or(char::REPLACEMENT_CHARACTER);
            fold_slow(&mut open, out, (segment_complex, text, base), i, c);
        }
        i += len;
    }
    close(&mut open, out, segment_complex, text, base);
}

/// Appends `utf8[..n]`, the UTF-8 bytes of one character ([`unicode::Fast::char_bytes`]), to
/// `text`.
#[inline]
fn push_utf8(text: &mut String, utf8: [u8; 4], n: usize) {
    debug_assert!(n <= 4 && std::str::from_utf8(&utf8[..n]).is_ok_and(|s| s.chars().count() == 1));
    // SAFETY: the bytes appended, `utf8[..n]`, are the UTF-8 encoding of one character, so
    // `text` stays valid UTF-8. The four bytes are written into capacity reserved just before,
    // and the length grows by the `n <= 4` of them that belong to the character.
    unsafe {
        let v = text.as_mut_vec();
        v.reserve(4);
        let len = v.len();
        v.as_mut_ptr().add(len).cast::<[u8; 4]>().write_unaligned(utf8);
        v.set_len(len + n);
    }
}

/// Folds `c`, at byte `i` of `text`, by the definition ([`unicode::fold_char_slow`]).
fn fold_slow(open: &mut Option<Open>, out: &mut Normalized, at: (bool, &str, usize), i: usize, c: char) {
    let (segment_complex, text, base) = at;
    let c_end = i + c.len_utf8();
    unicode::fold_char_slow(c, |f| match f {
        unicode::Folded::Char(d) => extend(open, out, base + i, base + c_end, d, unicode::needs_segmenter(d)),
        unicode::Folded::Separator => close(open, out, segment_complex, text, base),
    });
}

#[inline]
fn extend(open: &mut Option<Open>, out: &mut Normalized, start: usize, end: usize, c: char, complex: bool) {
    open_token(open, out, start, end, complex);
    out.text.push(c);
}

/// Opens a token at the original range `start..end`, or extends the open one to `end`, before
/// the character's folded form is appended to `out.text`.
#[inline]
fn open_token(open: &mut Option<Open>, out: &Normalized, start: usize, end: usize, complex: bool) {
    match open {
        Some(o) => {
            o.end = end;
            o.complex |= complex;
        }
        None => {
            *open = Some(Open { start, end, norm_start: out.text.len(), complex });
        }
    }
}

fn close(open: &mut Option<Open>, out: &mut Normalized, segment_complex: bool, text: &str, base: usize) {
    close_with(open, out, segment_complex, text, base, fold_text);
}

/// A word-folding loop: `fold_text`'s signature.
type Fold = fn(&str, usize, &mut Normalized, bool);

/// Ends the open token; a stretch of a script written without spaces is folded again word by
/// word (UAX #29) with `fold`.
fn close_with(
    open: &mut Option<Open>,
    out: &mut Normalized,
    segment_complex: bool,
    text: &str,
    base: usize,
    fold: Fold,
) {
    let Some(o) = open.take() else { return };
    if o.complex && segment_complex {
        // Re-run this stretch of the original through UAX #29 and fold each word on its own.
        out.text.truncate(o.norm_start);
        let slice = &text[o.start - base..o.end - base];
        for (s, word) in slice.split_word_bound_indices() {
            fold(word, o.start + s, out, false);
        }
        return;
    }
    out.tokens.push(Token {
        start: o.start as u32,
        end: o.end as u32,
        norm_start: o.norm_start as u32,
        norm_end: out.text.len() as u32,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The normalizer one character at a time through the table, as it was before the fast
    /// paths over bytes: what they must give.
    fn fold_per_char(text: &str, base: usize, out: &mut Normalized, segment_complex: bool) {
        let mut open: Option<Open> = None;
        let table = unicode::table();
        for (i, c) in text.char_indices() {
            let c_end = i + c.len_utf8();
            let mut fold = |f| match f {
                unicode::Folded::Char(d) => {
                    let complex = unicode::needs_segmenter(d);
                    extend(&mut open, out, base + i, base + c_end, d, complex);
                }
                unicode::Folded::Separator => close_per_char(&mut open, out, segment_complex, text, base),
            };
            match unicode::lookup(table, c) {
                unicode::Lookup::Removed => {}
                unicode::Lookup::One(f) => fold(f),
                unicode::Lookup::Slow => unicode::fold_char_slow(c, fold),
            }
        }
        close_per_char(&mut open, out, segment_complex, text, base);
    }

    fn close_per_char(
        open: &mut Option<Open>,
        out: &mut Normalized,
        segment_complex: bool,
        text: &str,
        base: usize,
    ) {
        close_with(open, out, segment_complex, text, base, fold_per_char);
    }

    #[test]
    fn every_character_folds_as_one_at_a_time() {
        let normalizer = Normalizer::new(Profile::Default);
        let check = |text: &str| {
            let fast = normalizer.normalize(text);
            let mut slow = Normalized::default();
            fold_per_char(text, 0, &mut slow, true);
            assert_eq!(fast.text, slow.text, "{text:?}");
            assert_eq!(fast.tokens, slow.tokens, "{text:?}");
        };
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            for text in [format!("{c}"), format!("ab{c}cd"), format!("ك {c}ب"), format!("{c}{c}x 中{c}文")]
            {
                check(&text);
            }
        }
        check("الجيش الأفغاني ١٠٣٧ جندياً فرّوا إلى طاجيكستان — Ünïcödé ß ΣΑΣ 東京タワー ไทย");
    }

    /// Long texts of mixed characters (every class the loop over bytes treats, and those it
    /// leaves to the definition) cross its chunks of input at every kind of character: the
    /// result is the per-character loop's.
    #[test]
    fn long_mixed_texts_fold_as_one_at_a_time() {
        let alphabet: Vec<char> = "aZ9 ,.\n\tßİ\u{0301}\u{00AD}ÜΣσЖ\u{05D0}كأإآىة\u{064E}\u{0651}\u{0640}١٠،؟«ﻻ中文タ\u{0E44}ก😀\u{200D}"
            .chars()
            .collect();
        let normalizer = Normalizer::new(Profile::Default);
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        for round in 0..40 {
            // Runs of one class make long words, long separators and long removed stretches.
            let mut text = String::new();
            while text.len() < 3 * fast::CHUNK + round * 37 {
                state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                let c = alphabet[(state >> 33) as usize % alphabet.len()];
                for _ in 0..1 + (state >> 13) % if round % 2 == 0 { 3 } else { 40 } {
                    text.push(c);
                }
            }
            let fast = normalizer.normalize(&text);
            let mut slow = Normalized::default();
            fold_per_char(&text, 0, &mut slow, true);
            assert_eq!(fast.text, slow.text, "round {round}");
            assert_eq!(fast.tokens, slow.tokens, "round {round}");
        }
    }

    fn words(text: &str) -> Vec<String> {
        Normalizer::new(Profile::Default).normalize(text).words().map(str::to_owned).collect()
    }

    fn same(a: &str, b: &str) {
        assert_eq!(words(a), words(b), "{a:?} and {b:?} should normalize alike");
    }

    #[test]
    fn nfkc_compatibility_forms_fold() {
        // Fullwidth letters, ligatures and Arabic presentation forms.
        same("ＡＢＣ", "abc");
        same("ﬁne", "fine");
        same("ﻻ", "لا");
    }

    #[test]
    fn case_folds() {
        same("Kabul KABUL", "kabul kabul");
        same("Straße", "strasse");
        same("ΟΔΟΣ", "οδοσ");
    }

    #[test]
    fn combining_marks_are_removed() {
        // Arabic harakat and shadda.
        same("الْجَيْشُ الأَفْغَانِيُّ", "الجيش الافغاني");
        // Quranic annotation marks (small high ligatures) and Latin accents.
        same("الرَّحْمَٰنِ", "الرحمن");
        same("café", "cafe");
    }

    #[test]
    fn tatweel_is_removed() {
        same("جـــنـــدي", "جندي");
    }

    #[test]
    fn alef_variants_fold() {
        same("أفغانستان", "افغانستان");
        same("إيران", "ايران");
        same("آسيا", "اسيا");
        same("ٱلله", "الله");
    }

    #[test]
    fn alef_maksura_teh_marbuta_and_hamza_seats_fold() {
        same("على", "علي");
        same("الحكومة", "الحكومه");
        same("مؤتمر", "موتمر");
        same("رئيس", "رييس");
    }

    #[test]
    fn spelling_variants_are_not_folded() {
        // A different spelling, not a different way to write the same letters.
        assert_ne!(words("الأمريكي"), words("الأميركي"));
    }

    #[test]
    fn arabic_indic_digits_become_ascii() {
        same("١٠٣٧ جنديا", "1037 جنديا");
        same("۱۰۳۷", "1037");
    }

    #[test]
    fn punctuation_and_symbols_separate_words() {
        assert_eq!(words("قال، «لا» ؛ لماذا؟ “نعم” „ja“"), ["قال", "لا", "لماذا", "نعم", "ja"]);
        assert_eq!(words("U.S.-led $5 (test)"), ["u", "s", "led", "5", "test"]);
    }

    #[test]
    fn format_characters_do_not_split_words() {
        same("ab\u{200d}cd", "abcd");
        same("می\u{200c}خواهم", "میخواهم");
        same("a\u{202b}b", "ab");
        same("soft\u{ad}ware", "software");
    }

    #[test]
    fn ideographs_segment_per_uax29() {
        assert_eq!(words("中文字"), ["中", "文", "字"]);
        assert_eq!(words("abc中"), ["abc", "中"]);
    }

    #[test]
    fn offsets_point_into_the_original() {
        let text = "«أفغانستان» و ١٠٣٧ جنديًا";
        let n = Normalizer::new(Profile::Default).normalize(text);
        let orig: Vec<&str> = n.tokens.iter().map(|t| &text[t.start as usize..t.end as usize]).collect();
        assert_eq!(orig, ["أفغانستان", "و", "١٠٣٧", "جنديًا"]);
        assert_eq!(n.words().collect::<Vec<_>>(), ["افغانستان", "و", "1037", "جنديا"]);
    }

    #[test]
    fn profile_none_keeps_text() {
        let n = Normalizer::new(Profile::None).normalize("Hello, أفغانستان!");
        assert_eq!(n.words().collect::<Vec<_>>(), ["Hello", "أفغانستان"]);
    }

    #[test]
    fn empty_and_punctuation_only_texts_have_no_tokens() {
        assert!(words("").is_empty());
        assert!(words(" ... ،،، !!! ").is_empty());
    }

    proptest::proptest! {
        #[test]
        fn fast_path_agrees_with_uax29(s in "[a-zA-Z0-9 ,.'\\-_ابتثجحخدذرسشصضطظعغفقكلمنهوي١٢٣ًٌٍَُِّ\u{640}\u{200c}]{0,40}") {
            // For these scripts the fast path must give the same words as UAX #29 words,
            // split again at punctuation and then folded.
            let fast = words(&s);
            let mut slow = Vec::new();
            for w in s.unicode_words() {
                slow.extend(words(w));
            }
            proptest::prop_assert_eq!(fast, slow);
        }

        #[test]
        fn token_ranges_are_char_boundaries_and_monotone(s in "\\PC{0,60}") {
            let n = Normalizer::new(Profile::Default).normalize(&s);
            // Non-decreasing: one original character may give several tokens (`¼` gives
            // `1` and `4`), which then share its range.
            let (mut last_start, mut last_end) = (0u32, 0u32);
            for t in &n.tokens {
                proptest::prop_assert!(t.start < t.end);
                proptest::prop_assert!(t.start >= last_start && t.end >= last_end);
                proptest::prop_assert!(s.is_char_boundary(t.start as usize));
                proptest::prop_assert!(s.is_char_boundary(t.end as usize));
                let _ = &s[t.start as usize..t.end as usize];
                (last_start, last_end) = (t.start, t.end);
            }
        }
    }
}
