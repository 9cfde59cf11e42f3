//! What the hook tells the user when a hooked run fails: one line, `frontier: <what
//! failed> — <what to do>`, as the `systemMessage` every host reads from a hook's JSON.
//! It carries no context, no decision and no block, so the prompt goes through unchanged.
//! A run that succeeded without sending all the context the prompt asked for tells the
//! user the same way (`context_cut`), beside the relayed answer.
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

/// The most notes the context line names one by one; the rest are counted.
const NAMED_NOTES: usize = 2;

/// The host's JSON line for a failure.
pub fn output(what: &str, todo: &str) -> String {
    format!("{}\n", json!({"systemMessage": line(what, todo)}))
}

/// `frontier: <what> — <todo>`, with `what` cut to a glance.
fn line(what: &str, todo: &str) -> String {
    let what = crate::text::cut_trimmed(what, MAX_WHAT_CHARS);
    format!("frontier: {what} — {todo}")
}

/// The line for a run that answered without all the context asked for: the context's
/// notes (what was cut or not sent, and why), or `None` when it has none. `recorded`:
/// the run's id when history keeps it, so that `show` can list every source.
pub fn context_cut(notes: &[String], recorded: Option<&str>) -> Option<String> {
    let named: Vec<&str> = notes
        .iter()
        .take(NAMED_NOTES)
        .map(|n| n.strip_prefix("context: ").unwrap_or(n).trim_end_matches('.'))
        .collect();
    let what = match notes.len() {
        0 => return None,
        n if n > NAMED_NOTES => format!("{} (and {} more)", named.join("; "), n - NAMED_NOTES),
        _ => named.join("; "),
    };
    let todo = match recorded {
        Some(run) => format!("the panel answered from the rest; `frontier show {run}` lists every source"),
        None => "the panel answered from the rest".to_string(),
    };
    Some(line(&what, &todo))
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

    #[test]
    fn a_cut_context_is_told_in_one_line_naming_the_first_notes_and_counting_the_rest() {
        let notes: Vec<String> = ["context: file a was cut", "context: file b was not sent", "context: file c", "d"]
            .map(String::from)
            .to_vec();
        let todo = "the panel answered from the rest; `frontier show r1` lists every source";
        assert_eq!(context_cut(&[], Some("r1")), None);
        assert_eq!(
            context_cut(&notes[..1], None),
            Some("frontier: file a was cut — the panel answered from the rest".to_string())
        );
        assert_eq!(
            context_cut(&notes, Some("r1")),
            Some(format!("frontier: file a was cut; file b was not sent (and 2 more) — {todo}"))
        );
    }
}
