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
    fn attribute_values_hold_no_markup_and_no_controls() {
        assert_eq!(esc_attr("2015\"><script>x</script>"), "2015&quot;&gt;&lt;script&gt;x&lt;/script&gt;");
        assert_eq!(esc_attr("a\u{202E}b\nc"), "a[U+202E]b[U+000A]c");
    }
}
