//! The characters that draw nothing yet are part of the text: zero-width spaces and
//! joiners, the word joiner and the other U+2060–U+206F format characters, the
//! byte-order mark, the soft hyphen, bidirectional marks and controls, variation
//! selectors, and the fillers that render blank. `gpt`, a zero-width space and `5` look
//! like `gpt5` and are another name. One list for the hook's guards (which look past
//! them) and for the outputs that show names (which write each as `\u{200b}`).
//!
//! Knows nothing about where text comes from or goes.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Whether `c` is an invisible format character.
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00ad}'
            | '\u{034f}'
            | '\u{061c}'
            | '\u{115f}'
            | '\u{1160}'
            | '\u{17b4}'
            | '\u{17b5}'
            | '\u{180b}'..='\u{180f}'
            | '\u{200b}'..='\u{200f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2060}'..='\u{206f}'
            | '\u{3164}'
            | '\u{fe00}'..='\u{fe0f}'
            | '\u{feff}'
            | '\u{ffa0}'
            | '\u{fff0}'..='\u{fff8}'
    )
}

/// `text` with every invisible character written as its escape (`\u{200b}`), so that
/// two names differing only by one read differently. Borrowed when there is none.
pub fn escape(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_invisible) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_invisible(c) {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    #[test]
    fn each_invisible_character_is_written_as_its_escape() {
        assert_eq!(escape("gpt-5"), "gpt-5");
        assert!(matches!(escape("gpt-5 ✓ 長い"), Cow::Borrowed(_)));
        assert_eq!(escape("gpt\u{200b}5"), "gpt\\u{200b}5");
        assert_eq!(
            escape("\u{feff}a\u{00ad}b\u{2060}\u{202e}c\u{fe0f}"),
            "\\u{feff}a\\u{ad}b\\u{2060}\\u{202e}c\\u{fe0f}"
        );
        assert_ne!(escape("gpt\u{200b}5"), escape("gpt\u{200c}5"));
    }

    #[test]
    fn visible_text_is_not_invisible() {
        let visible = ['a', ' ', '\n', '長', '✓', '\u{2028}', 'é'];
        assert_eq!(visible.iter().filter(|c| is_invisible(**c)).count(), 0);
    }
}
