//! Where a window of the host's conversation that moves in blocks begins
//! ([`super::Window::Blocks`]): at the turn the session's last prompt began with, while
//! the window from there fits its limits; else at the turn from which it fills about
//! half of them.
//!
//! A turn is found again by its anchor: a hash of its role and text, so that the state
//! kept between prompts holds none of the conversation. The newest turn with the anchor
//! is taken: a turn said twice word for word can only move the window forward, which
//! costs a cache miss and nothing else.
//!
//! Knows nothing about where the anchor is kept or how the turns are rendered beyond
//! their cost in characters, which `render` counts the same way.

use sha2::{Digest as _, Sha256};

use super::{Limits, Role, SEPARATOR, Turn};

/// The anchor of `turn`: 32 hex digits of a hash of its role and its text as rendered.
pub(super) fn anchor(turn: &Turn) -> String {
    let digest =
        Sha256::new().chain_update(turn.role.label()).chain_update([0]).chain_update(turn.text.trim()).finalize();
    digest.iter().take(16).map(|b| format!("{b:02x}")).collect()
}

/// The index of the first turn of the window: the anchor's turn while the window from it
/// fits `limits`, else [`half`]'s.
pub(super) fn start(turns: &[Turn], limits: Limits, anchor: Option<&str>) -> usize {
    let found = anchor.and_then(|a| turns.iter().rposition(|t| self::anchor(t) == a));
    match found {
        Some(at) if fits(&turns[at..], limits.turns, limits.chars) => at,
        _ => half(turns, limits),
    }
}

/// The earliest turn from which the window holds at most half the limits' turns (at
/// least one) and half their characters, moved on to the next turn when it is a reply
/// and a question follows it (a reply without its question is poor context, and a window
/// of whole exchanges grows by one exchange a prompt); the newest turn when it alone is
/// over that.
fn half(turns: &[Turn], limits: Limits) -> usize {
    let (most, chars) = ((limits.turns / 2).max(1), limits.chars / 2);
    let newest = turns.len().saturating_sub(1);
    let at = (0..turns.len()).find(|&at| fits(&turns[at..], most, chars)).unwrap_or(newest);
    match turns.get(at + 1) {
        Some(next) if turns[at].role == Role::Assistant && next.role == Role::User => at + 1,
        _ => at,
    }
}

/// Whether `turns` are at most `most` and render whole in at most `chars` characters.
fn fits(turns: &[Turn], most: usize, chars: usize) -> bool {
    turns.len() <= most && cost(turns) <= chars
}

/// The characters `render` gives `turns` whole: each label and text, and the separators.
fn cost(turns: &[Turn]) -> usize {
    let each: usize = turns.iter().map(|t| t.role.label().len() + ": ".len() + t.text.trim().chars().count()).sum();
    each + SEPARATOR.len() * turns.len().saturating_sub(1)
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    /// `n` turns, user and assistant in turn, each of `chars` characters of text.
    fn turns(n: usize, chars: usize) -> Vec<Turn> {
        (0..n)
            .map(|i| Turn {
                role: if i % 2 == 0 { Role::User } else { Role::Assistant },
                text: format!("{i:0>chars$}"),
            })
            .collect()
    }

    const LIMITS: Limits = Limits { turns: 6, chars: 24_000 };

    /// The window's start at each of `prompts` prompts, a turn pair more each time,
    /// carrying the anchor from one prompt to the next.
    fn starts(prompts: usize, chars: usize, limits: Limits) -> Vec<usize> {
        let all = turns(2 * prompts, chars);
        let mut anchor: Option<String> = None;
        let mut out = Vec::new();
        for prompt in 0..prompts {
            let seen = &all[..2 * prompt];
            let at = start(seen, limits, anchor.as_deref());
            anchor = seen.get(at).map(self::anchor);
            out.push(at);
        }
        out
    }

    #[test]
    fn the_window_keeps_its_first_turn_while_it_fits_then_jumps_to_half() {
        // Six turns at most: a start of 0 holds through 6 turns, then the window starts
        // over with the last 3 (half of 6) less the reply that begins them, and holds
        // while it grows by two exchanges to 6.
        assert_eq!(starts(10, 100, LIMITS), vec![0, 0, 0, 0, 6, 6, 6, 12, 12, 12]);
        // Characters bind first: 1,000-character turns, 4,000 at most; half is 2,000,
        // which two turns (2,019 with labels and separator) pass, so each move keeps the
        // newest turn alone (a reply, with no question after it), and the window holds
        // while it is 3 turns (3,032).
        let limits = Limits { turns: 100, chars: 4_000 };
        assert_eq!(starts(8, 1_000, limits), vec![0, 1, 1, 5, 5, 9, 9, 13]);
    }

    #[test]
    fn an_anchor_not_found_or_absent_starts_at_half_and_a_long_newest_turn_alone() {
        let all = turns(8, 100);
        // Half of 6 is the last 3 turns, from turn 5: a reply, so from the question after it.
        assert_eq!(start(&all, LIMITS, None), 6);
        assert_eq!(start(&all, LIMITS, Some("not a turn of this conversation")), 6);
        assert_eq!(start(&all, LIMITS, Some(&anchor(&all[4]))), 4);
        // From turn 1 the window is 7 turns: over the limit, so it moves.
        assert_eq!(start(&all, LIMITS, Some(&anchor(&all[1]))), 6);
        let long = turns(3, 20_000);
        assert_eq!(start(&long, LIMITS, None), 2);
        assert_eq!(start(&[], LIMITS, None), 0);
    }

    #[test]
    fn the_anchor_hashes_role_and_text_and_holds_neither() {
        let turn = Turn { role: Role::User, text: " secret question \n".into() };
        let a = anchor(&turn);
        assert_eq!(a, anchor(&Turn { role: Role::User, text: "secret question".into() }));
        assert_ne!(a, anchor(&Turn { role: Role::Assistant, text: "secret question".into() }));
        assert!(a.len() == 32 && a.chars().all(|c| c.is_ascii_hexdigit()) && !a.contains("secret"), "{a}");
    }
}
