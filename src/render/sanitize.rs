//! Makes text frontier did not write safe to put on a terminal: answers, error bodies,
//! judge reasons, model and preset names. A terminal obeys what it is sent, so a raw
//! answer could write the clipboard (OSC 52), retitle the window, clear the screen or
//! reset the terminal; here every control sequence is removed whole, keeping only `\n`
//! and `\t` of the controls.
//!
//! What is removed:
//! - C0 controls but `\n` and `\t`, and DEL; `\r\n` becomes `\n` and a lone `\r` (which
//!   would let later text overwrite a line) is dropped;
//! - C1 controls (U+0080–U+009F), including the one-character CSI, OSC, DCS, SOS, PM
//!   and APC introducers, each with the sequence it starts;
//! - escape sequences, with their bodies, so no residue like `]52;c;...` is left: CSI
//!   (`ESC [` parameters, intermediates, final), OSC (`ESC ]` up to BEL or ST), DCS,
//!   SOS, PM and APC (`ESC P`/`X`/`^`/`_` up to ST), and `ESC` + intermediates + final
//!   (`ESC c`, `ESC ( B`, ...);
//! - the bidirectional embeddings, overrides and isolates (U+202A–U+202E,
//!   U+2066–U+2069): they reorder how the characters after them are displayed, so text
//!   would read differently from what it is (the "trojan source" trick). The marks
//!   (U+200E, U+200F, U+061C) stay: they change no order beyond a neighbour and real
//!   right-to-left text uses them.
//!
//! Names and table cells ([`name`]) also show each invisible format character (a
//! zero-width space, a joiner, a byte-order mark, ...) as its escape, `\u{200b}`.
//!
//! A string sequence with no terminator swallows the rest of the text, as a terminal
//! would. [`Sanitizer`] keeps its state between pieces, so a sequence cut across two
//! streamed deltas is still removed whole; [`clean`] is the one-shot form.
//!
//! Knows nothing about where text comes from; `--json` output does not pass here (serde
//! escapes controls and the document keeps the raw text).

const ESC: char = '\u{1b}';
const BEL: char = '\u{07}';

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum State {
    #[default]
    Ground,
    /// After a `\r`: kept as `\n` if a `\n` follows, else dropped.
    CarriageReturn,
    /// After `ESC`.
    Escape,
    /// After `ESC` and one or more intermediates (0x20–0x2F), waiting for a final.
    EscapeIntermediate,
    /// Inside a CSI, waiting for its final byte (0x40–0x7E).
    Csi,
    /// Inside an OSC/DCS/SOS/PM/APC body, waiting for BEL or ST.
    Text,
    /// An `ESC` inside a string body: `ESC \` is ST; anything else ends the body too.
    TextEscape,
}

/// A filter that removes control sequences from text given in pieces.
#[derive(Debug, Default)]
pub struct Sanitizer {
    state: State,
}

/// `text` without control sequences (see the module docs).
pub fn clean(text: &str) -> String {
    let mut s = Sanitizer::default();
    s.push(text)
}

/// A name (a model's, a preset's, a path) or a table cell, cleaned, with every
/// invisible format character written as its escape (`\u{200b}`) rather than kept: in
/// a name it can only make two different names look the same, and in a cell it throws
/// the columns out of line. Prose (an answer) keeps them: a joiner is part of an emoji
/// or a word there.
pub fn name(text: &str) -> String {
    clean(&crate::invisible::escape(text))
}

impl Sanitizer {
    /// The safe part of `piece`; what belongs to a sequence not yet complete is held
    /// back as state (never printed), so the next piece continues it.
    pub fn push(&mut self, piece: &str) -> String {
        let mut out = String::with_capacity(piece.len());
        for c in piece.chars() {
            self.step(c, &mut out);
        }
        out
    }

    fn step(&mut self, c: char, out: &mut String) {
        match self.state {
            State::Ground => self.ground(c, out),
            State::CarriageReturn => {
                self.state = State::Ground;
                if c == '\n' {
                    out.push('\n');
                } else {
                    self.ground(c, out);
                }
            }
            State::Escape => match c {
                '[' => self.state = State::Csi,
                ']' | 'P' | 'X' | '^' | '_' => self.state = State::Text,
                ' '..='/' => self.state = State::EscapeIntermediate,
                '0'..='~' => self.state = State::Ground,
                ESC => {}
                // A control or non-ASCII character cancels the escape and counts itself.
                _ => {
                    self.state = State::Ground;
                    self.ground(c, out);
                }
            },
            State::EscapeIntermediate => match c {
                ' '..='/' => {}
                '0'..='~' => self.state = State::Ground,
                _ => {
                    self.state = State::Ground;
                    self.ground(c, out);
                }
            },
            State::Csi => match c {
                // Parameters and intermediates.
                '0'..='?' | ' '..='/' => {}
                '@'..='~' => self.state = State::Ground,
                _ => {
                    self.state = State::Ground;
                    self.ground(c, out);
                }
            },
            State::Text => match c {
                BEL | '\u{9c}' => self.state = State::Ground,
                ESC => self.state = State::TextEscape,
                _ => {}
            },
            State::TextEscape => {
                self.state = State::Ground;
                if c != '\\' {
                    // An ESC that is not ST still ended the string; it starts a new escape.
                    self.state = State::Escape;
                    self.step(c, out);
                }
            }
        }
    }

    fn ground(&mut self, c: char, out: &mut String) {
        match c {
            '\n' | '\t' => out.push(c),
            '\r' => self.state = State::CarriageReturn,
            ESC => self.state = State::Escape,
            '\u{9b}' => self.state = State::Csi,
            '\u{90}' | '\u{98}' | '\u{9d}' | '\u{9e}' | '\u{9f}' => self.state = State::Text,
            c if c.is_control() => {}
            '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => {}
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    #[test]
    fn a_name_shows_invisible_characters_as_escapes_and_prose_keeps_them() {
        assert_eq!(name("mock:gpt\u{200b}5"), "mock:gpt\\u{200b}5");
        assert_eq!(name("a\u{202e}b\x1b[2Jc\u{feff}"), "a\\u{202e}bc\\u{feff}");
        assert_ne!(name("gpt\u{200b}5"), name("gpt5"));
        // A family emoji is joined by U+200D: an answer keeps it whole.
        let family = "\u{1f468}\u{200d}\u{1f469}\u{200d}\u{1f467}";
        assert_eq!(clean(family), family);
    }

    #[test]
    fn plain_text_newlines_tabs_and_unicode_pass_unchanged() {
        let text = "## Title\n\tcode → ünïcödé 日本語 🙂\nשלום\u{200f} end\n";
        assert_eq!(clean(text), text);
    }

    #[test]
    fn osc_52_clipboard_writes_go_whole_with_bel_or_st() {
        assert_eq!(clean("a\x1b]52;c;cm0gLXJmIH4=\x07b"), "ab");
        assert_eq!(clean("a\x1b]52;c;cm0gLXJmIH4=\x1b\\b"), "ab");
        assert_eq!(clean("a\u{9d}52;c;cm0=\u{9c}b"), "ab");
    }

    #[test]
    fn window_titles_go_whole() {
        assert_eq!(clean("x\x1b]0;pwned\x07y\x1b]2;also\x1b\\z"), "xyz");
    }

    #[test]
    fn csi_sequences_go_whole_screen_clear_cursor_moves_colours() {
        assert_eq!(clean("\x1b[2J\x1b[Hhi\x1b[1;31mred\x1b[0m \x1b[?25l"), "hired ");
        assert_eq!(clean("a\u{9b}2Jb"), "ab");
    }

    #[test]
    fn two_byte_escapes_and_charset_designations_go() {
        assert_eq!(clean("a\x1bcb\x1b7c\x1b(Bd\x1b#8e"), "abcde");
    }

    #[test]
    fn dcs_apc_pm_sos_bodies_go_up_to_st() {
        assert_eq!(clean("a\x1bP1$qm\x1b\\b\x1b_apc\x1b\\c\x1b^pm\x1b\\d\x1bXsos\x1b\\e"), "abcde");
        assert_eq!(clean("a\u{90}dcs\u{9c}b\u{9f}apc\u{9c}c"), "abc");
    }

    #[test]
    fn c0_c1_and_del_controls_go_but_newline_and_tab_stay() {
        assert_eq!(clean("a\x07b\x08c\x00d\x7fe\u{85}f\u{9c}g\x0bh\x0ci\n\tj"), "abcdefghi\n\tj");
    }

    #[test]
    fn crlf_becomes_lf_and_a_lone_cr_goes() {
        assert_eq!(clean("one\r\ntwo\rthree\r"), "one\ntwothree");
        assert_eq!(clean("\r\r\n"), "\n");
    }

    #[test]
    fn bidi_overrides_and_isolates_go() {
        assert_eq!(clean("if admin\u{202e} {\u{2066}x\u{2069}\u{202a}\u{202c}"), "if admin {x");
    }

    #[test]
    fn a_control_inside_an_escape_cancels_it_and_text_after_survives() {
        assert_eq!(clean("a\x1b\nb"), "a\nb");
        assert_eq!(clean("a\x1b[12\nb"), "a\nb");
        assert_eq!(clean("a\x1b[1é"), "aé");
    }

    #[test]
    fn an_esc_in_a_string_body_that_is_not_st_starts_a_new_escape() {
        assert_eq!(clean("a\x1b]0;t\x1b[2Jb"), "ab");
    }

    #[test]
    fn an_unterminated_string_swallows_the_rest() {
        assert_eq!(clean("safe\x1b]52;c;never ends\nmore"), "safe");
    }

    #[test]
    fn a_sequence_cut_across_pieces_is_removed_whole_at_every_cut() {
        let text = "before\x1b]52;c;Y2xpcA==\x07mid\x1b[2J\r\nafter\u{9b}1mend";
        let want = "beforemid\nafterend";
        let chars: Vec<char> = text.chars().collect();
        for cut in 0..=chars.len() {
            let (a, b): (String, String) = (chars[..cut].iter().collect(), chars[cut..].iter().collect());
            let mut s = Sanitizer::default();
            let got = s.push(&a) + &s.push(&b);
            assert_eq!(got, want, "cut at {cut}");
        }
        let mut s = Sanitizer::default();
        let one_by_one: String = chars.iter().map(|c| s.push(&c.to_string())).collect();
        assert_eq!(one_by_one, want);
    }

    #[test]
    fn no_output_ever_holds_an_escape_bel_or_c1() {
        let nasty = "\x1b\x1b[\x1b]\x07\u{9b}\u{9d}\x1bP\x1b\\\u{9c}\x1b(\x1b \x1b#";
        for text in [nasty, &nasty.repeat(3), &format!("x{nasty}y")] {
            let out = clean(text);
            assert!(!out.chars().any(|c| c.is_control() && c != '\n' && c != '\t'), "{out:?}");
        }
    }
}
