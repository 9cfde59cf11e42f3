//! Why a provider says an answer ended, read in each API's words: here, only whether it
//! ran into the output-token cap (`max_output_tokens`, or the provider's own limit).
//! The adapters pass the provider's stop reason on as sent (`StreamEvent::Done`); this
//! is the one place that knows which of those words mean "cut at the cap".
//!
//! Knows nothing about what a capped answer means for a run.

/// Whether `stop_reason`, as a provider sent it, says the answer hit its token cap:
/// OpenAI's (and OpenAI-compatible servers') `finish_reason: "length"`, Anthropic's (and
/// Claude Code's) `stop_reason: "max_tokens"`, Gemini's `finishReason: "MAX_TOKENS"`.
pub fn is_token_cap(stop_reason: &str) -> bool {
    matches!(stop_reason, "length" | "max_tokens" | "MAX_TOKENS")
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    #[test]
    fn each_apis_words_for_the_token_cap_and_no_others() {
        let capped = ["length", "max_tokens", "MAX_TOKENS", "stop", "end_turn", "STOP", "SAFETY", "tool_use", ""]
            .map(is_token_cap);
        assert_eq!(capped, [true, true, true, false, false, false, false, false, false]);
    }
}
