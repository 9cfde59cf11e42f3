//! What the hook hands back to the host: a banner, the instruction to relay the answer
//! without redoing it, and the answer, wrapped in the host's JSON shape.

use serde_json::json;

/// `⚡ Frontier · fusion · chatgpt-duo · 2 models · 14s`
pub fn banner(mode: &str, label: &str, models: usize, wall_ms: u64) -> String {
    let plural = if models == 1 { "" } else { "s" };
    let secs = (wall_ms + 500) / 1000;
    format!("⚡ Frontier · {mode} · {label} · {models} model{plural} · {secs}s")
}

/// The `additionalContext` text: banner first, then the instruction, then the answer.
pub fn context(banner: &str, answer: &str, notes: &[String]) -> String {
    let mut text = format!(
        "{banner}\n\n\
         frontier already ran the user's prompt through a panel of models and fused their answers into the \
         answer below. Begin your reply with the banner line above, exactly as written. Then relay the answer \
         faithfully, in your own formatting if needed; do not redo the work or answer the question again from \
         scratch. If the user asked for changes to files, you may act on the answer.\n"
    );
    if !notes.is_empty() {
        text.push_str(&format!("\n(frontier notes: {})\n", notes.join("; ")));
    }
    text.push_str(&format!("\n--- frontier answer ---\n{}\n--- end of frontier answer ---\n", answer.trim_end()));
    text
}

/// The host's JSON for `event`, as one line.
pub fn output(event: &str, context: &str) -> String {
    let value = json!({"hookSpecificOutput": {"hookEventName": event, "additionalContext": context}});
    format!("{value}\n")
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    #[test]
    fn the_banner_names_mode_label_models_and_seconds() {
        assert_eq!(banner("fusion", "chatgpt-duo", 2, 13_600), "⚡ Frontier · fusion · chatgpt-duo · 2 models · 14s");
        assert_eq!(banner("single", "opus", 1, 400), "⚡ Frontier · single · opus · 1 model · 0s");
    }

    #[test]
    fn the_output_is_one_json_line_with_the_banner_first() {
        let text = context("⚡ B", "the \"answer\"\n", &[]);
        let out = output("UserPromptSubmit", &text);
        assert_eq!(out.matches('\n').count(), 1);
        let value: serde_json::Value = serde_json::from_str(&out).unwrap_or_default();
        let ctx = value["hookSpecificOutput"]["additionalContext"].as_str().unwrap_or_default();
        assert!(ctx.starts_with("⚡ B\n"));
        assert!(ctx.contains("the \"answer\"\n--- end of frontier answer ---"));
        assert_eq!(value["hookSpecificOutput"]["hookEventName"], "UserPromptSubmit");
    }
}
