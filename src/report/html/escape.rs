//! The escaper of every piece of document-derived text on the page.

use std::fmt::Write;

/// Escapes text for HTML element content and attribute values, and makes bidi controls and
/// other control characters (NUL, ESC, …; not newline, tab or carriage return) visible.
pub fn escape(text: &str, out: &mut String) {
    // Runs of characters that need nothing are copied whole (found sixteen bytes at a time,
    // see `next_candidate`). A flagged byte may be in a
    // character that needs something (markup, a control, a bidi control): that character goes
    // to `escape_char`. U+061C (D8 9C) is found by its second byte, since D8 leads the most
    // common Arabic letters.
    let bytes = text.as_bytes();
    let next = |i: usize| bytes.get(i).copied().unwrap_or(0);
    let (mut from, mut i) = (0, 0);
    while i < bytes.len() {
        i = next_candidate(bytes, i);
        let Some(&b) = bytes.get(i) else { break };
        if !FLAGGED[b as usize] {
            i += 1;
            continue;
        }
        let at = match bytes[i] {
            0x9C if i > 0 && bytes[i - 1] == 0xD8 => i - 1,
            0x9C => {
                i += 1;
                continue;
            }
            // U+0080–U+009F (C1 controls).
            0xC2 if next(i + 1) >= 0xA0 => {
                i += 2;
                continue;
            }
            // U+200E, U+200F, U+202A–U+202E, U+2066–U+2069.
            0xE2 if !matches!(
                (next(i + 1), next(i + 2)),
                (0x80, 0x8E | 0x8F | 0xAA..=0xAE) | (0x81, 0xA6..=0xA9)
            ) =>
            {
                i += 3;
                continue;
            }
            _ => i,
        };
        out.push_str(&text[from..at]);
        let c = text[at..].chars().next().unwrap_or_default();
        escape_char(c, out);
        i = at + c.len_utf8();
        from = i;
    }
    out.push_str(&text[from..]);
}

/// The first byte from `i` on that may be [`FLAGGED`] (`bytes.len()` if none): on x86-64,
/// sixteen bytes are tested at a time (SSE2, part of every x86-64 processor) for the flagged
/// bytes and for every byte below 0x20 (newline, tab and carriage return among them, which the
/// caller then steps over); elsewhere, and for the last bytes, one at a time through the table.
#[inline]
fn next_candidate(bytes: &[u8], mut i: usize) -> usize {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::*;
        // SAFETY: SSE2 is part of the x86-64 baseline; every load reads the sixteen bytes at
        // `i..i + 16`, inside `bytes` by the loop's condition.
        unsafe {
            let below = _mm_set1_epi8(0x1F);
            let marks =
                [b'&', b'<', b'>', b'"', b'\'', 0x7F, 0x9C, 0xC2, 0xE2].map(|b| _mm_set1_epi8(b as i8));
            while i + 16 <= bytes.len() {
                let v = _mm_loadu_si128(bytes.as_ptr().add(i).cast());
                // v <= 0x1F (unsigned): min(v, 0x1F) == v.
                let mut hit = _mm_cmpeq_epi8(_mm_min_epu8(v, below), v);
                for m in marks {
                    hit = _mm_or_si128(hit, _mm_cmpeq_epi8(v, m));
                }
                let mask = _mm_movemask_epi8(hit) as u32;
                if mask != 0 {
                    return i + mask.trailing_zeros() as usize;
                }
                i += 16;
            }
        }
    }
    while i < bytes.len() && !FLAGGED[bytes[i] as usize] {
        i += 1;
    }
    i
}

/// The bytes [`escape`] stops at: markup, C0 controls but newline, tab and carriage return,
/// DEL, and bytes of the characters that may be C1 or bidi controls (C2, E2 leads; 9C).
const FLAGGED: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        t[b] = !matches!(b as u8, b'\n' | b'\t' | b'\r');
        b += 1;
    }
    t[b'&' as usize] = true;
    t[b'<' as usize] = true;
    t[b'>' as usize] = true;
    t[b'"' as usize] = true;
    t[b'\'' as usize] = true;
    t[0x7F] = true;
    t[0x9C] = true;
    t[0xC2] = true;
    t[0xE2] = true;
    t
};

/// What [`escape`] writes for one character.
fn escape_char(c: char, out: &mut String) {
    if let Some(entity) = crate::report::markup_entity(c) {
        out.push_str(entity);
        return;
    }
    match c {
        '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => {
            let _ = write!(
                out,
                "<span class=\"ctl\" title=\"bidi control U+{:04X}\">[U+{:04X}]</span>",
                c as u32, c as u32
            );
        }
        c if c.is_control() && !matches!(c, '\n' | '\t' | '\r') => {
            let _ = write!(
                out,
                "<span class=\"ctl\" title=\"control character U+{:04X}\">[U+{:04X}]</span>",
                c as u32, c as u32
            );
        }
        _ => out.push(c),
    }
}

/// Escapes text for an attribute value in double quotes (`data-d0="…"`): the markup
/// characters as [`escape`] does, and control characters (bidi controls included) written as
/// the text `[U+XXXX]`, since an attribute cannot hold the visible marker's element.
pub fn escape_attr(text: &str, out: &mut String) {
    for c in text.chars() {
        if let Some(entity) = crate::report::markup_entity(c) {
            out.push_str(entity);
        } else if c.is_control()
            || matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
        {
            let _ = write!(out, "[U+{:04X}]", c as u32);
        } else {
            out.push(c);
        }
    }
}

/// [`escape_attr`] into a new string.
pub(super) fn esc_attr(text: &str) -> String {
    let mut s = String::with_capacity(text.len());
    escape_attr(text, &mut s);
    s
}

pub(super) fn esc(text: &str) -> String {
    let mut s = String::with_capacity(text.len());
    escape(text, &mut s);
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_shows_bidi_controls() {
        assert_eq!(esc("<script>alert('x')</script>"), "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
        assert_eq!(esc("<img src=x onerror=\"a()\">"), "&lt;img src=x onerror=&quot;a()&quot;&gt;");
        let s = esc("abc\u{202E}fed");
        assert!(s.contains("[U+202E]") && !s.contains('\u{202E}'));
    }

    #[test]
    fn runs_are_escaped_as_each_character_alone() {
        // Every character of the blocks that hold something to escape (and their
        // neighbours, which share lead bytes), alone and between others.
        let chars: Vec<char> = (0u32..0x300)
            .chain(0x5F0..0x680)
            .chain(0x1FF0..0x2080)
            .chain([0xFEFF, 0x1F600])
            .filter_map(char::from_u32)
            .collect();
        let one_by_one = |t: &str| {
            let mut s = String::new();
            t.chars().for_each(|c| escape_char(c, &mut s));
            s
        };
        for (k, &c) in chars.iter().enumerate() {
            for t in [c.to_string(), format!("ab{c}"), format!("{c}سلام{}", chars[(k * 7 + 3) % chars.len()])]
            {
                assert_eq!(esc(&t), one_by_one(&t), "{:?}", t);
            }
        }
        let all: String = chars.iter().collect();
        assert_eq!(esc(&all), one_by_one(&all));
    }

    /// Every character that needs something, and its neighbours, at every place of a block
    /// of sixteen bytes, in texts longer than two blocks: as each character alone.
    #[test]
    fn every_block_offset_escapes_as_each_character_alone() {
        let one_by_one = |t: &str| {
            let mut s = String::new();
            t.chars().for_each(|c| escape_char(c, &mut s));
            s
        };
        let chars: Vec<char> = (0u32..0x100)
            .chain(0x600..0x640)
            .chain(0x2000..0x2070)
            .chain([0x1F600])
            .filter_map(char::from_u32)
            .collect();
        for &c in &chars {
            for k in 0..17 {
                let t = format!("{}{c}سلام عليكم ورحمة الله{c}", "x".repeat(k));
                assert_eq!(esc(&t), one_by_one(&t), "{t:?}");
            }
        }
    }

    #[test]
    fn attribute_values_hold_no_markup_and_no_controls() {
        assert_eq!(esc_attr("2015\"><script>x</script>"), "2015&quot;&gt;&lt;script&gt;x&lt;/script&gt;");
        assert_eq!(esc_attr("a\u{202E}b\nc"), "a[U+202E]b[U+000A]c");
    }
}
