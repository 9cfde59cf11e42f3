//! How many characters of context a run may send (docs/context.md): the configured total
//! (`context_chars`, default 100,000), and never more than the smallest known context
//! window among the participants leaves once it has room for everything else it must
//! hold: the prompt, the instructions, and the answers it reads or writes.
//!
//! Context windows are in tokens, the budget in characters. Three characters a token is
//! conservative: English prose runs near four, code and non-Latin text nearer three,
//! and overrunning a window fails the call outright while undershooting only sends a
//! little less. Each answer is reserved 4,096 tokens (about 12,000 characters, longer
//! than most answers); a member holds its own answer, the judge every member's answer
//! and its verdict, the synth every answer, the analysis and its own answer.
//!
//! Pure arithmetic: knows nothing about catalogs or plans; the commands hand it numbers.

/// The total budget unless `context_chars` in config.toml says otherwise (the same
/// number as the configuration's default, which a test in `commands::context` checks).
pub const DEFAULT_CONTEXT_CHARS: usize = 100_000;
/// Characters counted for each token of a context window.
pub const CHARS_PER_TOKEN: u64 = 3;
/// Tokens reserved for each answer a participant reads or writes.
pub const ANSWER_TOKENS: u64 = 4_096;
/// Tokens reserved for the instructions, the framing and the labels around the text.
pub const OVERHEAD_TOKENS: u64 = 2_000;

/// One participant's share of the question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seat {
    /// Its context window in tokens; `None` when the catalog does not know it.
    pub window: Option<u64>,
    /// How many answers it must hold besides the question: its own answer, and what
    /// it reads of the others.
    pub answers: u64,
}

impl Seat {
    /// A panel member: its own answer.
    pub fn member(window: Option<u64>) -> Seat {
        Seat { window, answers: 1 }
    }

    /// The judge of `panel` answers: theirs and its verdict.
    pub fn judge(window: Option<u64>, panel: usize) -> Seat {
        Seat { window, answers: panel as u64 + 1 }
    }

    /// The synth of `panel` answers: theirs, the analysis and its own.
    pub fn synth(window: Option<u64>, panel: usize) -> Seat {
        Seat { window, answers: panel as u64 + 2 }
    }
}

/// The budget in characters, and the index of the seat that lowered it below
/// `configured` (`None`: the configured total stands).
pub fn chars(configured: usize, prompt_chars: usize, seats: &[Seat]) -> (usize, Option<usize>) {
    let prompt_tokens = (prompt_chars as u64).div_ceil(CHARS_PER_TOKEN);
    let mut best = (configured, None);
    for (i, seat) in seats.iter().enumerate() {
        let Some(window) = seat.window else { continue };
        let others = OVERHEAD_TOKENS + prompt_tokens + seat.answers.saturating_mul(ANSWER_TOKENS);
        let room = window.saturating_sub(others).saturating_mul(CHARS_PER_TOKEN);
        let room = usize::try_from(room).unwrap_or(usize::MAX);
        if room < best.0 {
            best = (room, Some(i));
        }
    }
    best
}

/// The context window `seat` would need to hold `context_chars` characters of context
/// besides everything else it holds: the inverse of [`chars`] for one seat.
pub fn window_needed(context_chars: usize, prompt_chars: usize, seat: Seat) -> u64 {
    let prompt_tokens = (prompt_chars as u64).div_ceil(CHARS_PER_TOKEN);
    let others = OVERHEAD_TOKENS + prompt_tokens + seat.answers.saturating_mul(ANSWER_TOKENS);
    others.saturating_add((context_chars as u64).div_ceil(CHARS_PER_TOKEN))
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    #[test]
    fn unknown_and_large_windows_leave_the_configured_total() {
        assert_eq!(chars(100_000, 50, &[Seat::member(None), Seat::member(Some(1_000_000))]), (100_000, None));
        assert_eq!(chars(100_000, 50, &[]), (100_000, None));
    }

    #[test]
    fn the_smallest_window_lowers_it_after_the_answers_and_the_prompt() {
        // A 32k member: 32,000 - 2,000 - 100 (the prompt) - 4,096 = 25,804 tokens.
        let seats = [Seat::member(Some(200_000)), Seat::member(Some(32_000)), Seat::judge(Some(200_000), 2)];
        assert_eq!(chars(100_000, 300, &seats), (25_804 * 3, Some(1)));
        // The judge of three answers in a 40k window holds four: 40,000 - 2,000 - 16,384.
        let seats = [Seat::member(Some(40_000)), Seat::judge(Some(40_000), 3)];
        assert_eq!(chars(100_000, 0, &seats), (21_616 * 3, Some(1)));
    }

    #[test]
    fn the_window_needed_gives_back_the_budget_it_would_leave() {
        let seat = Seat::judge(Some(0), 2);
        let needed = window_needed(9_000, 300, seat);
        assert_eq!(needed, 2_000 + 100 + 3 * 4_096 + 3_000);
        assert_eq!(chars(1_000_000, 300, &[Seat { window: Some(needed), ..seat }]), (9_000, Some(0)));
    }

    #[test]
    fn a_window_too_small_for_the_answers_leaves_no_context() {
        assert_eq!(chars(100_000, 0, &[Seat::synth(Some(8_000), 3)]), (0, Some(0)));
    }
}
