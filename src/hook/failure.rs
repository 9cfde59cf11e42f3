//! What the hook tells the user when a hooked run fails: one line, `frontier: <what
//! failed> — <what to do>`, as the `systemMessage` every host reads from a hook's JSON.
//! It carries no context, no decision and no block, so the prompt goes through unchanged.
//!
//! What each pinned CLI does with it (checked with the real CLIs, docs/hooks.md): Claude
//! Code 2.1.197 shows it in its interactive screen (`UserPromptSubmit says: ...`), not in
//! `-p` text or JSON output; Gemini CLI 0.61.0 prints `Hook system message: ...` on
//! stderr, headless included; Codex 0.169.0 accepts it, and `codex exec` shows it nowhere.
//!
//! Knows nothing about why a run fails: it is handed the words.

use serde_json::json;

/// The longest `what` the line keeps: the user reads it at a glance.
const MAX_WHAT_CHARS: usize = 300;

/// The host's JSON line for a failure.
pub fn output(what: &str, todo: &str) -> String {
    let what = crate::text::cut_trimmed(what, MAX_WHAT_CHARS);
    format!("{}\n", json!({"systemMessage": format!("frontier: {what} — {todo}")}))
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    #[test]
    fn a_failure_is_one_json_line_with_only_a_system_message() {
        assert_eq!(
            output("the run failed (all_panels_failed)", "`frontier runs` shows each model's error"),
            "{\"systemMessage\":\"frontier: the run failed (all_panels_failed) — `frontier runs` shows each model's \
             error\"}\n"
        );
        let long = output(&"x".repeat(1_000), "do y");
        assert_eq!(long, format!("{{\"systemMessage\":\"frontier: {}… — do y\"}}\n", "x".repeat(300)));
    }
}
