//! Arabic letter and digit folding.
//!
//! Written by hand: no maintained crate does orthographic folding for Arabic. Every rule maps
//! one character to one character, so it never moves an offset. The rules fold *ways of
//! writing the same word* (hamza seats, alef maqsura, ta marbuta), never different spellings:
//! `الأمريكي` and `الأميركي` stay different words.

/// Folds one (already decomposed) character: alef variants to bare alef, alef maqsura to ya,
/// ta marbuta to ha, hamza seats to their carrier letter, and Arabic-Indic / Extended
/// Arabic-Indic digits to ASCII digits. Other characters are returned unchanged.
#[inline]
pub fn fold(c: char) -> char {
    match c {
        // أ إ آ ٱ (and the alef with wavy hamza forms) -> ا
        '\u{0623}' | '\u{0625}' | '\u{0622}' | '\u{0671}' | '\u{0672}' | '\u{0673}' => '\u{0627}',
        // ى -> ي
        '\u{0649}' => '\u{064A}',
        // ة -> ه
        '\u{0629}' => '\u{0647}',
        // ؤ -> و
        '\u{0624}' => '\u{0648}',
        // ئ -> ي
        '\u{0626}' => '\u{064A}',
        // Arabic-Indic digits ٠..٩ and Extended Arabic-Indic digits ۰..۹
        '\u{0660}'..='\u{0669}' => char::from(b'0' + (c as u32 - 0x0660) as u8),
        '\u{06F0}'..='\u{06F9}' => char::from(b'0' + (c as u32 - 0x06F0) as u8),
        _ => c,
    }
}

/// Tatweel (kashida), the elongation stroke: removed, never a separator.
pub const TATWEEL: char = '\u{0640}';

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits() {
        let s: String = "٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹".chars().map(fold).collect();
        assert_eq!(s, "01234567890123456789");
    }

    #[test]
    fn letters() {
        let s: String = "أإآٱىةؤئ".chars().map(fold).collect();
        assert_eq!(s, "ااااي".to_owned() + "هوي");
    }

    #[test]
    fn other_letters_unchanged() {
        let s = "الجيش الافغاني";
        assert_eq!(s.chars().map(fold).collect::<String>(), s);
    }
}
