//! Cutting text frontier shows to a number of characters, marked with `…` where it was
//! cut: the one way an error, the hook's lines and the MCP server's messages shorten
//! outside text. Counts characters (`char`s), never bytes, so a cut never splits one.
//!
//! Knows nothing about where the text comes from or how wide it draws (`render::wrap`
//! cuts to a terminal's columns).

/// `text` whole when it has at most `limit` characters, else its first `limit` and `…`.
pub fn cut(text: &str, limit: usize) -> String {
    cut_showing(text, limit, str::to_string)
}

/// As [`cut`], with the spaces before the mark dropped (`"a b…"`, never `"a b …"`); a
/// text short enough is left as it is.
pub fn cut_trimmed(text: &str, limit: usize) -> String {
    match head(text, limit) {
        Some(kept) => format!("{}…", kept.trim_end()),
        None => text.to_string(),
    }
}

/// As [`cut`], with `show` applied to what is kept (`error::echo` escapes invisible
/// characters there, before the mark).
pub fn cut_showing(text: &str, limit: usize, show: impl FnOnce(&str) -> String) -> String {
    match head(text, limit) {
        Some(kept) => format!("{}…", show(kept)),
        None => show(text),
    }
}

/// The first `limit` characters of `text` when it has more; `None` when it has no more.
fn head(text: &str, limit: usize) -> Option<&str> {
    text.char_indices().nth(limit).map(|(at, _)| &text[..at])
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    #[test]
    fn cuts_whole_characters_and_marks_only_a_cut() {
        assert_eq!(cut("ab✓d", 3), "ab✓…");
        assert_eq!(cut("ab✓", 3), "ab✓");
        assert_eq!(cut("", 0), "");
        assert_eq!(cut("a", 0), "…");
        assert_eq!(cut_trimmed("ab  cd", 4), "ab…");
        assert_eq!(cut_trimmed("ab  ", 4), "ab  ", "an uncut text keeps its spaces");
        assert_eq!(cut_showing("abcd", 2, str::to_uppercase), "AB…");
        assert_eq!(cut_showing("ab", 2, str::to_uppercase), "AB");
    }
}
