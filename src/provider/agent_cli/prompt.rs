//! The one text an agent CLI receives on stdin. The CLIs take a single prompt and have
//! their own system prompts, so the request's system text goes first, then the user
//! text, then (for structured output) the JSON schema the reply must match. A request
//! that continues a conversation is flattened: each earlier turn in order, the model's
//! own under a `Your earlier reply:` line, then the user text (a CLI has no prompt cache
//! frontier could reuse, so only the order matters). The blocks of one message are
//! concatenated exactly, with nothing between them: a message reads the same however it
//! was split.
//!
//! Knows nothing about which CLI reads it.

use crate::provider::{ChatRequest, Role};

/// The request as one prompt.
pub fn compose(request: &ChatRequest) -> String {
    let mut parts: Vec<String> = Vec::with_capacity(3);
    if !request.system.trim().is_empty() {
        parts.push(request.system.trim_end().to_string());
    }
    for message in request.messages() {
        let text = message.text();
        parts.push(match message.role {
            Role::User => text.trim_end().to_string(),
            Role::Assistant => format!("Your earlier reply:\n{}", text.trim_end()),
        });
    }
    if let Some(schema) = &request.json_schema {
        parts.push(format!(
            "Reply with only a JSON object matching this JSON Schema (no code fence, no text before or after it):\n{}",
            schema.schema
        ));
    }
    let mut text = parts.join("\n\n");
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;
    use crate::provider::{JsonSchema, Turn};

    fn request(system: &str, user: &str, schema: Option<serde_json::Value>) -> ChatRequest {
        ChatRequest {
            system: system.into(),
            user: user.into(),
            conversation: Default::default(),
            json_schema: schema.map(|schema| JsonSchema { name: "verdict".into(), schema }),
            deadline: tokio::time::Instant::now(),
            params: crate::provider::Params::default(),
        }
    }

    #[test]
    fn system_then_user() {
        assert_eq!(
            compose(&request("Be brief.\n", "Why is the sky blue?", None)),
            "Be brief.\n\nWhy is the sky blue?\n"
        );
    }

    #[test]
    fn a_continued_conversation_is_flattened_in_order() {
        let mut continued = request("Judge.", "Now write the answer.", None);
        continued.conversation.prior = vec![
            Turn { role: Role::User, text: "Answers: ...\n".into() },
            Turn { role: Role::Assistant, text: "{\"ranking\": [\"A\"]}".into() },
        ];
        assert_eq!(
            compose(&continued),
            "Judge.\n\nAnswers: ...\n\nYour earlier reply:\n{\"ranking\": [\"A\"]}\n\nNow write the answer.\n"
        );
    }

    #[test]
    fn the_blocks_of_one_message_are_joined_with_nothing_between_them() {
        use crate::provider::conversation::testing::{ANSWERED, ASKED, CONTEXT, QUESTION, SYSTEM, follow_up};
        assert_eq!(
            compose(&follow_up(None, false)),
            format!("{SYSTEM}\n\n{ASKED}\n\nYour earlier reply:\n{ANSWERED}\n\n{CONTEXT}{QUESTION}\n")
        );
    }

    #[test]
    fn an_empty_system_text_is_left_out() {
        assert_eq!(compose(&request("  ", "hi", None)), "hi\n");
    }

    #[test]
    fn a_schema_is_asked_for_in_words() {
        let schema = serde_json::json!({"type": "object", "required": ["ranking"]});
        assert_eq!(
            compose(&request("Judge.", "Answers: ...", Some(schema))),
            "Judge.\n\nAnswers: ...\n\nReply with only a JSON object matching this JSON Schema (no code fence, no text \
             before or after it):\n{\"type\":\"object\",\"required\":[\"ranking\"]}\n"
        );
    }
}
