//! How much hook context each host lets reach its model whole, and how to count it so
//! that whatever the text holds (code, CJK, emoji) it never crosses the host's cut.
//!
//! Measured with the pinned CLIs (docs/hooks.md):
//! - Claude Code 2.1.197 keeps an `additionalContext` up to 10,000 characters; past that
//!   the model sees a 2 KB preview and a file path. It is a JavaScript program, whose
//!   string length counts UTF-16 code units, so frontier counts UTF-16 code units too
//!   (never fewer than characters: an emoji outside the BMP counts 2).
//! - Codex 0.169.0 cuts past about 2,500 tokens into a head and a tail. The tokens are its
//!   own estimate, one per 4 bytes of UTF-8 (12,000 ASCII characters counted as 3,006),
//!   so frontier counts UTF-8 bytes: 9,000 bytes are at most 2,250 estimated tokens
//!   whatever the script (a CJK character is 3 bytes, so about 3,000 of them fit).
//! - Gemini CLI 0.61.0 documents no cap: no ceiling unless the scope sets one.
//! - GitHub Copilot CLI 1.0.102 cuts nothing: 100,000 characters reached its model whole,
//!   inside `<system_reminder>`. But it sends the whole context with the prompt, and a
//!   request past the model's prompt budget fails the user's turn (a 1,000,000-character
//!   context was refused, "Request exceeds the model's prompt budget", exit 1). So frontier
//!   keeps to 20,000 UTF-16 code units (a JavaScript program): about 5,000 tokens of prose,
//!   and at most 20,000 tokens whatever the script, well inside a 64,000-token budget.
//! - Qwen Code 0.24.4 and Factory Droid 0.225.2 passed 160,000 characters whole (the
//!   largest request body the measuring server keeps): no ceiling unless the scope sets
//!   one. Qwen Code escapes `&`, `<` and `>` as HTML entities on the way, as Gemini CLI
//!   does.
//! - OpenCode 1.18.33 and Kilo 7.7.9 pass the text part frontier's plugin adds to the
//!   model as it is: 90,010 characters (code, CJK and emoji) reached it whole, and over a
//!   million characters went out without an error. No ceiling either (JavaScript too, so
//!   a scope's number counts UTF-16 code units).
//!
//! `frontier tune --relay-chars N` replaces the host's number, counted in the host's unit
//! (UTF-16 code units for Gemini CLI, Qwen Code and Droid, JavaScript programs too).
//!
//! Knows nothing about what the context says; `relay` fits it under the ceiling.

use crate::config::Host;

/// Claude Code's ceiling, in UTF-16 code units: a tenth under its 10,000-character cut.
pub const CLAUDE_CODE_UNITS: usize = 9_000;
/// Codex's ceiling, in UTF-8 bytes: at most 2,250 of its estimated tokens, under its 2,500.
pub const CODEX_BYTES: usize = 9_000;
/// GitHub Copilot CLI's ceiling, in UTF-16 code units: it cuts nothing, so this bounds
/// what the context adds to the model's prompt.
pub const COPILOT_UNITS: usize = 20_000;

/// What a host counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// UTF-16 code units (JavaScript's `String.length`).
    Utf16,
    /// UTF-8 bytes (Codex's token estimate is a quarter of them).
    Utf8Bytes,
}

/// The most a host's hook context may measure, in the host's unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ceiling {
    pub limit: usize,
    pub unit: Unit,
}

impl Ceiling {
    /// The ceiling for `host`, with the scope's `relay_chars` override; `None` for a host
    /// that imposes none (Gemini CLI, Qwen Code, Droid) when the scope sets none either.
    pub fn of(host: Host, relay_chars: Option<u32>) -> Option<Ceiling> {
        let (default, unit) = match host {
            Host::ClaudeCode => (Some(CLAUDE_CODE_UNITS), Unit::Utf16),
            Host::Codex => (Some(CODEX_BYTES), Unit::Utf8Bytes),
            Host::Copilot => (Some(COPILOT_UNITS), Unit::Utf16),
            _ => (None, Unit::Utf16),
        };
        let limit = relay_chars.and_then(|n| usize::try_from(n).ok()).or(default)?;
        Some(Ceiling { limit, unit })
    }

    /// How much `text` measures in this ceiling's unit.
    pub fn measure(&self, text: &str) -> usize {
        text.chars().map(|c| self.char_cost(c)).sum()
    }

    pub fn fits(&self, text: &str) -> bool {
        self.measure(text) <= self.limit
    }

    /// The longest prefix of `text` that measures at most `room`, cut at a char boundary.
    pub fn prefix<'a>(&self, text: &'a str, room: usize) -> &'a str {
        let mut used = 0;
        for (at, c) in text.char_indices() {
            used += self.char_cost(c);
            if used > room {
                return &text[..at];
            }
        }
        text
    }

    fn char_cost(&self, c: char) -> usize {
        match self.unit {
            Unit::Utf16 => c.len_utf16(),
            Unit::Utf8Bytes => c.len_utf8(),
        }
    }
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    #[test]
    fn each_host_has_its_ceiling_and_the_scope_overrides_it() {
        let claude = Ceiling { limit: 9_000, unit: Unit::Utf16 };
        assert_eq!(Ceiling::of(Host::ClaudeCode, None), Some(claude));
        assert_eq!(Ceiling::of(Host::Codex, None), Some(Ceiling { limit: 9_000, unit: Unit::Utf8Bytes }));
        assert_eq!(Ceiling::of(Host::Gemini, None), None);
        assert_eq!(Ceiling::of(Host::Copilot, None), Some(Ceiling { limit: 20_000, unit: Unit::Utf16 }));
        assert_eq!((Ceiling::of(Host::OpenCode, None), Ceiling::of(Host::Kilo, None)), (None, None));
        assert_eq!(Ceiling::of(Host::Kilo, Some(30_000)), Some(Ceiling { limit: 30_000, unit: Unit::Utf16 }));
        assert_eq!(Ceiling::of(Host::ClaudeCode, Some(4_000)), Some(Ceiling { limit: 4_000, unit: Unit::Utf16 }));
        assert_eq!(Ceiling::of(Host::Codex, Some(20_000)), Some(Ceiling { limit: 20_000, unit: Unit::Utf8Bytes }));
        assert_eq!(Ceiling::of(Host::Gemini, Some(50_000)), Some(Ceiling { limit: 50_000, unit: Unit::Utf16 }));
        assert_eq!((Ceiling::of(Host::Qwen, None), Ceiling::of(Host::Droid, None)), (None, None));
        assert_eq!(Ceiling::of(Host::Qwen, Some(8_000)), Some(Ceiling { limit: 8_000, unit: Unit::Utf16 }));
        assert_eq!(Ceiling::of(Host::Droid, Some(8_000)), Some(Ceiling { limit: 8_000, unit: Unit::Utf16 }));
    }

    /// Codex estimates a token per 4 bytes (rounded up); that estimate must stay under its
    /// 2,500-token cut for any text the ceiling lets through.
    fn codex_tokens(text: &str) -> usize {
        text.len().div_ceil(4)
    }

    #[test]
    fn codex_text_at_the_ceiling_stays_under_2500_tokens_whatever_it_holds() {
        let codex = Ceiling::of(Host::Codex, None).unwrap();
        let worst = [
            "多くの文字は三バイトを使う。".repeat(2_000),
            "fn main() { let v: Vec<u8> = (0..=255).collect(); println!(\"{v:?}\"); }\n".repeat(500),
            "🦀⚡é".repeat(3_000),
            "x".repeat(20_000),
        ];
        for text in worst {
            let cut = codex.prefix(&text, codex.limit);
            assert!(codex.fits(cut));
            assert!(codex_tokens(cut) <= 2_250, "{} tokens", codex_tokens(cut));
            // Nothing more would have fitted: the cut is as long as the ceiling allows.
            assert!(codex.measure(cut) > codex.limit - 4, "{}", codex.measure(cut));
        }
        assert_eq!(codex.prefix("多くの", 8).chars().count(), 2, "cut at a char boundary");
    }

    #[test]
    fn claude_code_counts_utf16_units_as_javascript_does() {
        let claude = Ceiling::of(Host::ClaudeCode, None).unwrap();
        assert_eq!(claude.measure("abc"), 3);
        assert_eq!(claude.measure("多くの"), 3);
        assert_eq!(claude.measure("⚡"), 1);
        assert_eq!(claude.measure("🦀"), 2);
        assert_eq!(claude.prefix("a🦀b", 2), "a");
        assert_eq!(claude.prefix("a🦀b", 3), "a🦀");
        let emoji = "🦀".repeat(6_000);
        assert_eq!(claude.prefix(&emoji, claude.limit).chars().count(), 4_500);
    }
}
