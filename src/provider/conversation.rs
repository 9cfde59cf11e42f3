//! A request that continues a conversation: the turns before its last user message, and
//! where the prefixes it shares with other requests end, so that a provider with
//! explicit prompt caching (Anthropic's `cache_control`) can mark them. Providers with
//! automatic prefix caching (OpenAI, Gemini) need no mark: a byte-identical prefix is
//! enough (OpenAI is also told the session's `cache_key`, where the provider takes it).
//!
//! Consecutive turns of one role are blocks of ONE message (`ChatRequest::messages`
//! merges them, once for every adapter): a message split where its stable part ends is
//! still one message, sent as several content blocks where the API has them (Anthropic,
//! Gemini) and as the blocks' texts concatenated exactly where it has not (OpenAI, the
//! agent CLIs), so that the bytes are the same whether or not it was split.
//!
//! Two prefixes are marked. `stable_through` ends what stays the same across a session's
//! turns; every turn sends the same structured-output setting, so such a request keeps
//! its JSON schema. `cache_through` ends what a judge shares with the synth that
//! continues it within a run; a request that marks it gets no structured-output setting
//! on the wire, even when it carries a JSON schema: every API sends one ahead of or
//! beside the messages (OpenAI's schema leads the prompt, Anthropic's forced tool sits
//! above the system text in its cache order and its `tool_choice` keys the messages'
//! cache, Gemini's `responseSchema` is part of the request's configuration), and the
//! synth (writing prose) cannot send it, so a prefix sent with it would never be read
//! from the cache. Such a request asks for its JSON in the prompt's words, and its
//! caller validates the reply. Agent CLIs and the mock, which have no cache to share,
//! keep honouring the schema as before.
//!
//! Knows nothing about which stage continues which; the pipeline builds the turns.

use std::borrow::Cow;

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

/// One block of a message's text, with whether it ends a shared prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Block<'a> {
    pub text: &'a str,
    pub ends_shared_prefix: bool,
}

/// One message of a request: the consecutive turns of one role, as its blocks in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message<'a> {
    pub role: Role,
    pub blocks: Vec<Block<'a>>,
}

impl<'a> Message<'a> {
    /// The message's text: its blocks concatenated exactly, with nothing between them.
    pub fn text(&self) -> Cow<'a, str> {
        match self.blocks.as_slice() {
            [one] => Cow::Borrowed(one.text),
            blocks => Cow::Owned(blocks.iter().map(|b| b.text).collect()),
        }
    }
}

impl super::ChatRequest {
    /// Every message after the system text: the prior turns, then `user`, with the
    /// consecutive turns of one role merged into one message of several blocks.
    pub fn messages(&self) -> Vec<Message<'_>> {
        let turns = self.conversation.prior.iter().map(|t| (t.role, t.text.as_str()));
        let all = turns.chain(std::iter::once((Role::User, self.user.as_str())));
        let mut messages: Vec<Message<'_>> = Vec::with_capacity(self.conversation.prior.len() + 1);
        for (i, (role, text)) in all.enumerate() {
            let ends_shared_prefix =
                self.conversation.cache_through == Some(i) || self.conversation.stable_through == Some(i);
            let block = Block { text, ends_shared_prefix };
            match messages.last_mut() {
                Some(last) if last.role == role => last.blocks.push(block),
                _ => messages.push(Message { role, blocks: vec![block] }),
            }
        }
        messages
    }

    /// Whether the request marks any shared prefix, for a run's other calls or for the
    /// session's next turn (the system text is always part of it).
    pub fn marks_prefix(&self) -> bool {
        self.shares_run_prefix() || self.conversation.stable_through.is_some()
    }

    /// Whether the request shares its prefix with a later call of the same run that
    /// sends no schema (`cache_through`), so it must send none either.
    pub fn shares_run_prefix(&self) -> bool {
        self.conversation.cache_through.is_some()
    }

    /// The schema to send as the API's structured-output setting: none for a request
    /// whose prefix the run's synth shares, as the module's doc says why; a request
    /// marked only as stable across the session's turns keeps it.
    pub fn wire_schema(&self) -> Option<&super::JsonSchema> {
        self.json_schema.as_ref().filter(|_| !self.shares_run_prefix())
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

    /// A follow-up's earlier turn, and the new message's context (the part that stays the
    /// same next turn) and question, as `session::lay_out` splits them.
    pub const ASKED: &str = "## Question\n\nWhy retry?";
    pub const ANSWERED: &str = "Because networks fail.";
    pub const CONTEXT: &str = "## Context\n\nturn one\nturn two\n";
    pub const QUESTION: &str = "\n## Question\n\nHow often?";
    pub const CACHE_KEY: &str = "frontier-0123456789abcdef01234567";

    /// A follow-up's request: the thread's earlier turn, then its message in two user
    /// turns (one message of two blocks), the context marked as the session's stable
    /// prefix; `run_prefix` also marks the whole message as shared with a synth.
    pub fn follow_up(schema: Option<JsonSchema>, run_prefix: bool) -> ChatRequest {
        let prior = vec![
            Turn { role: Role::User, text: ASKED.into() },
            Turn { role: Role::Assistant, text: ANSWERED.into() },
            Turn { role: Role::User, text: CONTEXT.into() },
        ];
        ChatRequest {
            system: SYSTEM.into(),
            user: QUESTION.into(),
            conversation: Conversation {
                prior,
                cache_through: run_prefix.then_some(3),
                stable_through: Some(2),
                cache_key: Some(CACHE_KEY.into()),
            },
            json_schema: schema,
            deadline: tokio::time::Instant::now(),
            params: crate::provider::Params::default(),
        }
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

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::testing::*;
    use super::*;

    fn block(text: &str, ends_shared_prefix: bool) -> Block<'_> {
        Block { text, ends_shared_prefix }
    }

    #[test]
    fn consecutive_turns_of_one_role_are_blocks_of_one_message() {
        let request = follow_up(None, false);
        assert_eq!(
            request.messages(),
            vec![
                Message { role: Role::User, blocks: vec![block(ASKED, false)] },
                Message { role: Role::Assistant, blocks: vec![block(ANSWERED, false)] },
                Message { role: Role::User, blocks: vec![block(CONTEXT, true), block(QUESTION, false)] },
            ]
        );
        let texts: Vec<String> = request.messages().iter().map(|m| m.text().into_owned()).collect();
        assert_eq!(texts, vec![ASKED.to_string(), ANSWERED.to_string(), format!("{CONTEXT}{QUESTION}")]);
    }

    #[test]
    fn a_request_of_one_message_is_one_block() {
        let (judge, _) = judge_then_synth(None, false);
        assert_eq!(judge.messages(), vec![Message { role: Role::User, blocks: vec![block(JUDGED, false)] }]);
    }

    #[test]
    fn only_the_runs_shared_prefix_drops_the_schema() {
        let stable = follow_up(Some(schema()), false);
        assert!(stable.marks_prefix() && !stable.shares_run_prefix());
        assert_eq!(stable.wire_schema(), Some(&schema()));
        let shared = follow_up(Some(schema()), true);
        assert!(shared.marks_prefix() && shared.shares_run_prefix());
        assert_eq!(shared.wire_schema(), None);
        let (plain, _) = judge_then_synth(Some(schema()), false);
        assert!(!plain.marks_prefix());
        assert_eq!(plain.wire_schema(), Some(&schema()));
    }
}
