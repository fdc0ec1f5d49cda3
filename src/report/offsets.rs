//! Byte offsets to character offsets: passages are found as byte ranges of the original texts
//! (on character boundaries); reports give them in characters (Unicode scalar values).

use crate::overlap::Passage;

/// Converts byte offsets of `text` (on char boundaries) to character offsets in one pass;
/// returns a lookup from byte offset to character offset.
pub fn char_offsets(text: &str, bytes: &mut [u32]) -> impl Fn(u32) -> u64 {
    byte_char_offsets(text.as_bytes(), bytes)
}

/// [`char_offsets`] on the bytes of a UTF-8 text (not checked again): the characters before a
/// byte offset are the bytes before it that are not continuation bytes, on a boundary or not.
pub fn byte_char_offsets(text: &[u8], bytes: &mut [u32]) -> impl Fn(u32) -> u64 {
    bytes.sort_unstable();
    let mut map: Vec<(u32, u64)> = Vec::with_capacity(bytes.len());
    let mut chars = 0u64;
    let mut pos = 0usize;
    for &b in bytes.iter() {
        let b_us = (b as usize).min(text.len());
        if b_us >= pos {
            chars += count_chars(&text[pos..b_us]);
            pos = b_us;
        }
        map.push((b, chars));
    }
    move |b| map.binary_search_by_key(&b, |&(k, _)| k).map(|i| map[i].1).unwrap_or(0)
}

/// The bytes of `bytes` that are not UTF-8 continuation bytes. Counted in byte lanes over
/// pieces of at most 255 bytes (a piece's count fits a byte), which vectorizes many times
/// wider than counting into a `u64`.
fn count_chars(bytes: &[u8]) -> u64 {
    bytes
        .chunks(255)
        .map(|piece| u64::from(piece.iter().fold(0u8, |n, &c| n + u8::from((c as i8) >= -0x40))))
        .sum()
}

/// The `[start, end)` character ranges of `passages` in `a` and in `b`, in order.
pub fn passage_chars(a: &str, b: &str, passages: &[Passage]) -> Vec<([u64; 2], [u64; 2])> {
    byte_passage_chars(a.as_bytes(), b.as_bytes(), passages)
}

/// [`passage_chars`] on the bytes of two UTF-8 texts (see [`byte_char_offsets`]).
pub fn byte_passage_chars(a: &[u8], b: &[u8], passages: &[Passage]) -> Vec<([u64; 2], [u64; 2])> {
    let ranges: Vec<_> = passages.iter().map(|x| (x.a, x.b)).collect();
    range_chars(a, b, &ranges)
}

/// A byte range in A and one in B.
pub type RangePair = ((u32, u32), (u32, u32));

/// The `[start, end)` character ranges of byte ranges `ranges` of `a` (first) and of `b`
/// (second), in order, on the bytes of two UTF-8 texts (see [`byte_char_offsets`]).
pub fn range_chars(a: &[u8], b: &[u8], ranges: &[RangePair]) -> Vec<([u64; 2], [u64; 2])> {
    let mut offs_a: Vec<u32> = ranges.iter().flat_map(|&(x, _)| [x.0, x.1]).collect();
    let mut offs_b: Vec<u32> = ranges.iter().flat_map(|&(_, y)| [y.0, y.1]).collect();
    let ca = byte_char_offsets(a, &mut offs_a);
    let cb = byte_char_offsets(b, &mut offs_b);
    ranges.iter().map(|&(x, y)| ([ca(x.0), ca(x.1)], [cb(y.0), cb(y.1)])).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn characters_are_counted_as_str_counts_them_at_every_length() {
        let text = "جنود أفغان ١٠٣٧ soldiers ى ي ة ه ـ 😀 ".repeat(40);
        for end in (0..=text.len()).filter(|&e| text.is_char_boundary(e)) {
            assert_eq!(count_chars(&text.as_bytes()[..end]), text[..end].chars().count() as u64, "{end}");
        }
    }

    #[test]
    fn character_offsets_count_scalar_values_not_bytes() {
        let text = "ab ج د e";
        let mut bytes = [0, 3, 5, 8, 9];
        let f = char_offsets(text, &mut bytes);
        assert_eq!([f(0), f(3), f(5), f(8), f(9)], [0, 3, 4, 6, 7]);
    }

    /// Long texts and offsets off a character boundary give the count of bytes that start a
    /// character before the offset; on a boundary, the standard library's count of characters.
    #[test]
    fn offsets_count_the_characters_before_them() {
        let text = "جندي 1037 ".repeat(200);
        let mut bytes: Vec<u32> = (0..=text.len() as u32).step_by(7).collect();
        let f = char_offsets(&text, &mut bytes);
        for &b in &bytes {
            let want = text.as_bytes()[..b as usize].iter().filter(|&&c| (c & 0xC0) != 0x80).count() as u64;
            assert_eq!(f(b), want, "byte {b}");
            if let Some(prefix) = text.get(..b as usize) {
                assert_eq!(f(b), prefix.chars().count() as u64, "byte {b}");
            }
        }
    }
}
