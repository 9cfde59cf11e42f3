//! A request that continues a conversation: the turns before its last user message, and
//! where the prefix it shares with an earlier request ends, so that a provider with
//! explicit prompt caching (Anthropic's `cache_control`) can mark it. Providers with
//! automatic prefix caching (OpenAI, Gemini) need no mark: a byte-identical prefix is
//! enough.
//!
//! A request that marks a shared prefix gets no structured-output setting on the wire,
//! even when it carries a JSON schema: every API sends one ahead of or beside the
//! messages (OpenAI's schema leads the prompt, Anthropic's forced tool sits above the
//! system text in its cache order and its `tool_choice` keys the messages' cache,
//! Gemini's `responseSchema` is part of the request's configuration), and the request
//! that continues the conversation (a synth writing prose) cannot send it, so a prefix
//! sent with it would never be read from the cache. Such a request asks for its JSON in
//! the prompt's words, and its caller validates the reply. Agent CLIs and the mock,
//! which have no cache to share, keep honouring the schema as before.
//!
//! Knows nothing about which stage continues which; the pipeline builds the turns.

/// Who said a turn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    User,
    Assistant,
}

/// One earlier turn of the conversation.
#[derive(Debug, Clone, PartialEq)]
pub struct Turn {
    pub role: Role,
    pub text: String,
}

/// The conversation a request continues; the default is a request of one user message.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Conversation {
    /// Turns between the system text and the request's `user` message, oldest first.
    pub prior: Vec<Turn>,
    /// The message (its index in `prior` followed by `user`) that ends a prefix another
    /// request of the same run shares; the system text is part of that prefix. `None`
    /// marks nothing.
    pub cache_through: Option<usize>,
    /// The message that ends what stays the same across the turns of a session (a thread's
    /// earlier turns, the host's conversation so far): the next turn's request begins with
    /// it byte for byte. Unlike `cache_through`, every request of the session sends the
    /// same structured-output setting, so it keeps its schema.
    pub stable_through: Option<usize>,
    /// The name of the session's cache for this model (OpenAI's `prompt_cache_key`): the
    /// same for every request of one session to one model, different across sessions.
    pub cache_key: Option<String>,
}

/// One message of a request, in order, with whether it ends the shared prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Message<'a> {
    pub role: Role,
    pub text: &'a str,
    pub ends_shared_prefix: bool,
}

impl super::ChatRequest {
    /// Every message after the system text: the prior turns, then `user`.
    pub fn messages(&self) -> Vec<Message<'_>> {
        let turns = self.conversation.prior.iter().map(|t| (t.role, t.text.as_str()));
        turns
            .chain(std::iter::once((Role::User, self.user.as_str())))
            .enumerate()
            .map(|(i, (role, text))| Message {
                role,
                text,
                ends_shared_prefix: self.conversation.cache_through == Some(i)
                    || self.conversation.stable_through == Some(i),
            })
            .collect()
    }

    /// Whether the request marks a shared prefix (the system text is always part of it).
    pub fn caches_prefix(&self) -> bool {
        self.conversation.cache_through.is_some()
    }

    /// The schema to send as the API's structured-output setting: none for a request
    /// whose prefix is shared, as the module's doc says why.
    pub fn wire_schema(&self) -> Option<&super::JsonSchema> {
        self.json_schema.as_ref().filter(|_| !self.caches_prefix())
    }
}

/// A judge's request and the synth's that continues it, as the pipeline builds them, for
/// the adapters' tests of the conversation's wire shape.
#[cfg(test)]
pub mod testing {
    use super::*;
    use crate::provider::{ChatRequest, JsonSchema};

    pub const SYSTEM: &str = "Judge the answers.";
    /// The judge's message: the question first (what every call of a run shares), then
    /// each answer in its nonce frame, then the task; the synth repeats it byte for byte.
    pub const JUDGED: &str = "## Question\n\nWhy?\n\n## Answers\n\n\
        [[answer A 0123456789abcdef0123456789abcdef]]\nBecause.\n[[end answer A 0123456789abcdef0123456789abcdef]]\n\n\
        ## Your task\n\nReturn a JSON object.";
    pub const VERDICT: &str = "{\"ranking\": [\"A\"]}";
    pub const INSTRUCTION: &str = "Now write the final answer.";

    /// The judge's request (with `schema`, and marking its prefix when `cached`), then
    /// the synth's: no schema, the judge's message and verdict before its own.
    pub fn judge_then_synth(schema: Option<JsonSchema>, cached: bool) -> (ChatRequest, ChatRequest) {
        let deadline = tokio::time::Instant::now();
        let cache_through = cached.then_some(0);
        let judge = ChatRequest {
            system: SYSTEM.into(),
            user: JUDGED.into(),
            conversation: Conversation { prior: Vec::new(), cache_through, ..Conversation::default() },
            json_schema: schema,
            deadline,
            params: crate::provider::Params::default(),
        };
        let prior =
            vec![Turn { role: Role::User, text: JUDGED.into() }, Turn { role: Role::Assistant, text: VERDICT.into() }];
        let synth = ChatRequest {
            system: SYSTEM.into(),
            user: INSTRUCTION.into(),
            conversation: Conversation { prior, cache_through, ..Conversation::default() },
            json_schema: None,
            deadline,
            params: crate::provider::Params::default(),
        };
        (judge, synth)
    }

    /// A small schema in the judge's place, for the adapters' tests, which only carry one:
    /// the judge's own is the pipeline's, which this layer can't import (every adapter
    /// puts that one on the wire in tests/judge_schema.rs).
    pub fn schema() -> JsonSchema {
        JsonSchema {
            name: "verdict".into(),
            schema: serde_json::json!({
                "type": "object",
                "properties": {"best": {"type": "string", "enum": ["A", "B"]}},
                "required": ["best"],
                "additionalProperties": false
            }),
        }
    }

    /// The synth's `key` array (messages, contents) begins with the judge's, byte for byte.
    pub fn assert_continues(judge: &serde_json::Value, synth: &serde_json::Value, key: &str) {
        let first = judge[key].as_array().cloned().unwrap_or_default();
        let then = synth[key].as_array().cloned().unwrap_or_default();
        assert!(!first.is_empty() && then.len() == first.len() + 2, "{judge}\n{synth}");
        let bytes = |v: &[serde_json::Value]| serde_json::to_string(v).unwrap_or_default();
        assert_eq!(bytes(&then[..first.len()]), bytes(&first));
    }
}
