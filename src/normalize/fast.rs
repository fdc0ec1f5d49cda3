//! The normalizer's inner loop for the common case, without a branch per character on what the
//! character is: ASCII and two-byte characters (U+0000–U+07FF) that fold to one character
//! outside the scripts that need the segmenter, are removed, or separate words. The folded
//! bytes are written whether or not they count, and a token is written at every character and
//! counted only where a word ends, so the boundaries between words and separators, which no
//! predictor can learn, cost no mispredicted branch. Any other character ends the loop; the
//! caller folds it by the definition and calls the loop again.

use super::unicode::{Fast, FAST_COMPLEX, FAST_REMOVED, FAST_SEPARATOR, FAST_SLOW};
use super::{Normalized, Open, Token};

/// Input bytes folded between two reservations of room: the output grows by at most two bytes
/// and one token per input byte (a two-byte character folds to at most three bytes).
pub(super) const CHUNK: usize = 4096;

/// Folds the common characters of `bytes` from `i` on, continuing the word `open` (unless it
/// needs the segmenter, which only the caller's path handles), and returns where it stopped:
/// the end of `bytes`, or the first character it leaves to the caller (three or four bytes,
/// folded by the definition, or needing the segmenter). `base` is the original offset of
/// `bytes[0]`; `fast` is [`super::unicode::fast_table`].
pub(super) fn fold_run(
    bytes: &[u8],
    mut i: usize,
    base: usize,
    fast: &[Fast],
    open: &mut Option<Open>,
    out: &mut Normalized,
) -> usize {
    // A character the loop leaves, or a word only the caller's path can close: nothing to do
    // (checked before any set-up, since texts in scripts past U+07FF come here at every
    // character).
    if bytes.get(i).is_some_and(|&b| b >= 0xE0) || open.as_ref().is_some_and(|o| o.complex) {
        return i;
    }
    // Offsets are u32 in tokens (documents are capped well below 4 GiB, see `normalize_into`).
    let (mut in_word, mut start, mut end, mut norm_start) = match open.take() {
        Some(o) => (true, o.start as u32, o.end as u32, o.norm_start as u32),
        None => (false, 0, 0, 0),
    };
    // SAFETY (for the block): the text grows only by the UTF-8 bytes of whole characters
    // (`Fast`'s packing, counted by `n`), so it stays valid UTF-8; the four bytes written at
    // each step, and the token written at each step, land in room reserved for the chunk
    // (`2 * CHUNK + 4` bytes, `CHUNK + 1` tokens: at most two bytes and one token per input
    // byte), and the lengths are set to what was counted.
    let text = unsafe { out.text.as_mut_vec() };
    let tokens = &mut out.tokens;
    'chunks: while i < bytes.len() {
        let stop = bytes.len().min(i + CHUNK);
        text.reserve(2 * CHUNK + 4);
        tokens.reserve(CHUNK + 1);
        let mut pos = text.len();
        let mut count = tokens.len();
        let (tp, kp) = (text.as_mut_ptr(), tokens.as_mut_ptr());
        let mut left = false;
        while i < stop {
            let b = bytes[i];
            if b >= 0xE0 {
                left = true;
                break;
            }
            let (cp, len) = table_char(bytes, i);
            let f = fast[cp].raw();
            if f & (FAST_SLOW | FAST_COMPLEX) != 0 {
                left = true;
                break;
            }
            let is_char = f & (FAST_REMOVED | FAST_SEPARATOR) == 0;
            let is_sep = f == FAST_SEPARATOR;
            let n = ((f >> 24) & 0x3) as usize; // 0 unless a word character
            let at = (base + i) as u32;
            unsafe {
                tp.add(pos).cast::<[u8; 4]>().write_unaligned((f & 0x00FF_FFFF).to_le_bytes());
                // The word that a separator here ends (counted only then).
                kp.add(count).write(Token { start, end, norm_start, norm_end: pos as u32 });
            }
            count += (is_sep & in_word) as usize;
            let starts = is_char & !in_word;
            start = if starts { at } else { start };
            norm_start = if starts { pos as u32 } else { norm_start };
            end = if is_char { at + len as u32 } else { end };
            in_word = (in_word & !is_sep) | is_char;
            pos += n;
            i += len;
        }
        unsafe {
            text.set_len(pos);
            tokens.set_len(count);
        }
        if left {
            break 'chunks;
        }
    }
    if in_word {
        *open = Some(Open {
            start: start as usize,
            end: end as usize,
            norm_start: norm_start as usize,
            complex: false,
        });
    }
    i
}

/// The code point and length of the character at `bytes[i]`, whose lead byte is below 0xE0:
/// below 0x80 one byte, otherwise the lead byte of a two-byte character (the text is valid
/// UTF-8, so its second byte follows). Written to compile without a branch.
#[inline(always)]
pub(super) fn table_char(bytes: &[u8], i: usize) -> (usize, usize) {
    let b = bytes[i] as usize;
    let next = bytes.get(i + 1).copied().unwrap_or(0) as usize;
    if b >= 0x80 {
        (((b & 0x1F) << 6) | (next & 0x3F), 2)
    } else {
        (b, 1)
    }
}
