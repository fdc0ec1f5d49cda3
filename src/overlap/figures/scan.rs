//! The scans of a text that figures are read from ([`super::Figures::of`]): the bytes where
//! digits of any script begin, the scale words after a number, and the English number words
//! that stand alone.

/// The value of `c` as a decimal digit in one of the scripts figures are read in.
pub(super) fn digit(c: char) -> Option<u64> {
    let zero = match c {
        '0'..='9' => '0',
        '\u{0660}'..='\u{0669}' => '\u{0660}',
        '\u{06F0}'..='\u{06F9}' => '\u{06F0}',
        '\u{FF10}'..='\u{FF19}' => '\u{FF10}',
        _ => return None,
    };
    Some(u64::from(c as u32 - zero as u32))
}

/// Whether a character [`digit`] reads begins with bytes `b0`, `b1`, `b2` (UTF-8).
#[inline(always)]
fn digit_at(b0: u8, b1: u8, b2: u8) -> bool {
    b0.is_ascii_digit()
        | ((b0 == 0xD9) & (b1.wrapping_sub(0xA0) < 10))
        | ((b0 == 0xDB) & (b1.wrapping_sub(0xB0) < 10))
        | ((b0 == 0xEF) & (b1 == 0xBC) & (b2.wrapping_sub(0x90) < 10))
}

/// The byte offsets in UTF-8 `text` where a character [`digit`] reads begins. Blocks of bytes
/// are tested whole first (without branches, so the test runs on vectors): most blocks of a
/// text hold no digit.
pub(super) fn digit_bytes(text: &[u8]) -> Vec<u32> {
    const BLOCK: usize = 64;
    let mut found = Vec::new();
    let mut base = 0;
    while base + BLOCK + 2 <= text.len() {
        let b = &text[base..base + BLOCK + 2];
        if (0..BLOCK).fold(false, |any, i| any | digit_at(b[i], b[i + 1], b[i + 2])) {
            found.extend(
                (0..BLOCK).filter(|&i| digit_at(b[i], b[i + 1], b[i + 2])).map(|i| (base + i) as u32),
            );
        }
        base += BLOCK;
    }
    let at = |i: usize| text.get(i).copied().unwrap_or(0);
    found.extend((base..text.len()).filter(|&i| digit_at(text[i], at(i + 1), at(i + 2))).map(|i| i as u32));
    found
}

/// The zeros the scale word at bytes `[start, end)` of `text` stands for (3, 6 or 9), when only
/// spaces and punctuation lie between it and the number that ends at byte `after` (`3 آلاف`,
/// `2.5 million`, `(5.557) مليون`); `None` for any other word.
pub(super) fn scale_word(text: &str, after: usize, (start, end): (usize, usize)) -> Option<u32> {
    if text.get(after..start)?.chars().any(char::is_alphanumeric) {
        return None;
    }
    scale_of(text.get(start..end)?, false)
}

/// The zeros the scale word `word` stands for (3, 6 or 9), read folded as words are
/// normalized (hamza seats, tanween, tatweel and case aside: `ألفاً`, `الف`, `Million`);
/// `attached`, the rest of a word that begins with a number, abbreviations too (`1.4m`, `2bn`).
/// `None` for any other word, and for one the normalizer would split.
pub(super) fn scale_of(word: &str, attached: bool) -> Option<u32> {
    use crate::normalize::unicode::{fold_char, Folded};
    if word.len() > 24 {
        return None;
    }
    let mut folded = String::with_capacity(word.len());
    let mut split = false;
    for c in word.chars() {
        fold_char(c, |f| match f {
            Folded::Char(d) => folded.push(d),
            Folded::Separator => split = true,
        });
    }
    if split {
        return None;
    }
    match folded.as_str() {
        "الف" | "الفا" | "الاف" | "thousand" | "thousands" => Some(3),
        "مليون" | "مليونا" | "ملايين" | "million" | "millions" | "mln" => Some(6),
        "m" | "mn" if attached => Some(6),
        "مليار" | "مليارا" | "مليارات" | "بليون" | "billion" | "billions" | "bln" | "bn" => {
            Some(9)
        }
        _ => None,
    }
}

/// The English number words read as figures (`one` to `nineteen` and the tens to `ninety`),
/// each with its value.
const NUMBER_WORDS: [(&str, u64); 27] = [
    ("one", 1),
    ("two", 2),
    ("three", 3),
    ("four", 4),
    ("five", 5),
    ("six", 6),
    ("seven", 7),
    ("eight", 8),
    ("nine", 9),
    ("ten", 10),
    ("eleven", 11),
    ("twelve", 12),
    ("thirteen", 13),
    ("fourteen", 14),
    ("fifteen", 15),
    ("sixteen", 16),
    ("seventeen", 17),
    ("eighteen", 18),
    ("nineteen", 19),
    ("twenty", 20),
    ("thirty", 30),
    ("forty", 40),
    ("fifty", 50),
    ("sixty", 60),
    ("seventy", 70),
    ("eighty", 80),
    ("ninety", 90),
];

/// Words that make a number word next to them part of a longer number (`twenty-five`, `two
/// hundred`, `one and a half`, `two point five`, `one third`): such a number word is not read,
/// nor one after `and` after a number (`a hundred and five`).
const IN_NUMBERS: [&str; 10] =
    ["hundred", "hundreds", "and", "point", "half", "halves", "quarter", "quarters", "third", "thirds"];

/// The word `word` lower-cased into `buf`, when it is ASCII and short enough to be a number
/// word or one of [`IN_NUMBERS`].
fn lowered<'b>(word: &str, buf: &'b mut [u8; 9]) -> Option<&'b str> {
    let bytes = word.as_bytes();
    if !(3..=9).contains(&bytes.len()) || !bytes.iter().all(u8::is_ascii_alphabetic) {
        return None;
    }
    for (b, c) in buf.iter_mut().zip(bytes) {
        *b = c.to_ascii_lowercase();
    }
    std::str::from_utf8(&buf[..bytes.len()]).ok()
}

/// The value of `word` when it is an English number word ([`NUMBER_WORDS`]), whatever its case.
fn number_word(word: &str) -> Option<u64> {
    // Most words are not: those whose first letter begins none are left at once.
    let first = word.as_bytes().first()?.to_ascii_lowercase();
    if !matches!(first, b'o' | b't' | b'f' | b's' | b'e' | b'n') {
        return None;
    }
    let mut buf = [0; 9];
    let w = lowered(word, &mut buf)?;
    NUMBER_WORDS.iter().find(|(n, _)| *n == w).map(|&(_, v)| v)
}

/// Whether `word` makes a number word next to it part of a longer number: another number word,
/// or one of [`IN_NUMBERS`].
fn in_numbers(word: &str) -> bool {
    let mut buf = [0; 9];
    number_word(word).is_some() || lowered(word, &mut buf).is_some_and(|w| IN_NUMBERS.contains(&w))
}

/// Whether a number word between the words `before` (after `two_before`) and `next` stands
/// alone (`seven ships`, `loading and six ships`): not part of a longer number.
fn stands_alone(two_before: &str, before: &str, next: &str) -> bool {
    let and = |w: &str| w.eq_ignore_ascii_case("and");
    !in_numbers(next) && if and(before) { !in_numbers(two_before) } else { !in_numbers(before) }
}

/// The number words of `text` that stand alone ([`stands_alone`]; words are runs of ASCII
/// letters): the bytes `[start, end)` of each, and its value. The letters of a block of bytes
/// are found whole (without branches, so the test runs on vectors) and words read off their
/// bits; only a word of three to nine letters whose first some number word begins with is
/// looked up, and only a number word's neighbours are read.
pub(super) fn number_words(text: &str) -> Vec<(u32, u32, u64)> {
    const BLOCK: usize = 64;
    // The letters number words begin with (`o`, `t`, `f`, `s`, `e`, `n`), as bits from `a`.
    const FIRSTS: u32 = 1 << (b'o' - b'a')
        | 1 << (b't' - b'a')
        | 1 << (b'f' - b'a')
        | 1 << (b's' - b'a')
        | 1 << (b'e' - b'a')
        | 1 << (b'n' - b'a');
    let bytes = text.as_bytes();
    let is_letter = |c: u8| (c | 0x20).wrapping_sub(b'a') < 26;
    let letter = |i: usize| is_letter(bytes[i]);
    // The word that ends before byte `at` and the one that begins at or after it; empty where
    // there is none.
    let before = |at: usize| {
        let mut end = at;
        while end > 0 && !letter(end - 1) {
            end -= 1;
        }
        let mut start = end;
        while start > 0 && letter(start - 1) {
            start -= 1;
        }
        (start, end)
    };
    let after = |at: usize| {
        let mut start = at;
        while start < bytes.len() && !letter(start) {
            start += 1;
        }
        let mut end = start;
        while end < bytes.len() && letter(end) {
            end += 1;
        }
        (start, end)
    };
    let word = |(start, end): (usize, usize)| text.get(start..end).unwrap_or("");
    let mut found = Vec::new();
    let mut base = 0;
    while base < bytes.len() {
        let block = &bytes[base..(base + BLOCK).min(bytes.len())];
        let letters = block.iter().enumerate().fold(0u64, |m, (i, &c)| m | u64::from(is_letter(c)) << i);
        let carry = u64::from(base > 0 && letter(base - 1));
        let mut starts = letters & !(letters << 1 | carry);
        while starts != 0 {
            let at = starts.trailing_zeros() as usize;
            starts &= starts - 1;
            let first = (bytes[base + at] | 0x20) - b'a';
            let length = (letters >> at).trailing_ones() as usize;
            // A word that runs past the block is measured on.
            let end = if at + length < BLOCK { base + at + length } else { after(base + at).1 };
            if FIRSTS >> first & 1 == 0 || !(3..=9).contains(&(end - base - at)) {
                continue;
            }
            let this = (base + at, end);
            let Some(value) = number_word(word(this)) else { continue };
            let one_before = before(this.0);
            if stands_alone(word(before(one_before.0)), word(one_before), word(after(end))) {
                found.push((this.0 as u32, this.1 as u32, value));
            }
        }
        base += BLOCK;
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digit_bytes_finds_every_digit_in_every_script_at_every_offset() {
        let unit = "x1 ٢ab۳ ４ é ؤ ة ٩۹9 ";
        for pad in 0..70 {
            let text = format!("{}{}", "z".repeat(pad), unit.repeat(5));
            let expected: Vec<u32> =
                text.char_indices().filter(|&(_, c)| digit(c).is_some()).map(|(i, _)| i as u32).collect();
            assert_eq!(digit_bytes(text.as_bytes()), expected);
        }
    }

    #[test]
    fn number_words_are_found_across_blocks_at_every_offset() {
        for pad in 0..70 {
            // Words are runs of ASCII letters: `é` ends one.
            let text = format!("{}x seven ships, fifteen{} boats; one", "z".repeat(pad), "é".repeat(pad % 5));
            let found: Vec<u64> = number_words(&text).into_iter().map(|(_, _, v)| v).collect();
            assert_eq!(found, vec![7, 15, 1], "{text}");
            for (start, end, _) in number_words(&text) {
                assert!(number_word(&text[start as usize..end as usize]).is_some());
            }
        }
    }
}
