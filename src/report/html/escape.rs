//! The escaper of every piece of document-derived text on the page.

use std::fmt::Write;

/// Escapes text for HTML element content and attribute values, and makes bidi controls and
/// other control characters (NUL, ESC, …; not newline, tab or carriage return) visible.
pub fn escape(text: &str, out: &mut String) {
    for c in text.chars() {
        if let Some(entity) = crate::report::markup_entity(c) {
            out.push_str(entity);
            continue;
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
}
