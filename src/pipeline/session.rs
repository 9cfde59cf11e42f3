//! What a run carries from the session it belongs to, and the one place each call's
//! request is laid out so that a session's next turn begins with this turn's bytes.
//!
//! A session is a thread of follow-ups (`run --continue`, `frontier chat`, an MCP call
//! that continues an earlier one) or an agent host's conversation (the hook). Every call
//! of a run (a member, the judge, the synth, a ranker, a later round) is sent, in order:
//! its stage's system text; the thread's earlier turns, each the question as it was sent
//! then and frontier's final answer; then its own message, split where the context
//! block says its stable part may be split (after each turn of the host's conversation).
//! What stays the same across the session's turns comes first and byte for byte the
//! same, what changes comes last; the last stable message is marked for providers that
//! cache at a mark (`Conversation::stable_through`), and each member's requests carry a
//! cache key of their own for the session (`Conversation::cache_key`).
//!
//! Knows nothing about where the thread was stored or how the context was gathered.

use super::cost::estimate_tokens;
use super::plan::RunPlan;
use crate::provider::{Conversation, Role, Turn};

/// The tokens of the thread's earlier turns, as estimated before a call: every call of
/// the run sends them (a cache hit is not assumed).
pub(super) fn thread_tokens(plan: &RunPlan) -> u64 {
    plan.thread.iter().map(|t| estimate_tokens(&t.question) + estimate_tokens(&t.answer)).sum()
}

/// A call's request before its system text: the conversation it continues, then `user`.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Laid {
    pub conversation: Conversation,
    pub user: String,
}

/// The request for `model` whose own message is `message`, in which the plan's question
/// begins at byte `at` (after the stage's heading, if any).
pub(super) fn lay_out(plan: &RunPlan, model: &str, message: &str, at: usize) -> Laid {
    let mut prior: Vec<Turn> = Vec::with_capacity(2 * plan.thread.len() + plan.context.breaks.len());
    for turn in &plan.thread {
        prior.push(Turn { role: Role::User, text: turn.question.clone() });
        prior.push(Turn { role: Role::Assistant, text: turn.answer.clone() });
    }
    // The question starts with the context block, whose breaks are offsets into it.
    let mut from = 0;
    let breaks = plan.context.breaks.iter().map(|b| at + b).filter(|b| *b < message.len());
    for end in breaks.filter(|b| message.is_char_boundary(*b)) {
        if end > from {
            prior.push(Turn { role: Role::User, text: message[from..end].to_string() });
            from = end;
        }
    }
    let stable_through = prior.len().checked_sub(1);
    let conversation =
        Conversation { prior, cache_through: None, stable_through, cache_key: Some(plan.session.cache_key(model)) };
    Laid { conversation, user: message[from..].to_string() }
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;
    use crate::pipeline::plan::{Exchange, Session};
    use crate::pipeline::testing::{mock, plan};

    fn user(text: &str) -> Turn {
        Turn { role: Role::User, text: text.into() }
    }

    #[test]
    fn a_thread_comes_first_then_the_message_split_at_its_breaks() {
        let mut plan = plan(vec![mock("m", "")]);
        plan.thread = vec![Exchange { question: "Q1".into(), answer: "A1".into() }];
        plan.context.block = "intro\nturn one\nturn two\n".into();
        plan.context.breaks = vec![6, 15];
        let message = format!("## Question\n\n{}\nWhy?", plan.context.block);
        let laid = lay_out(&plan, "m", &message, "## Question\n\n".len());
        let prior = vec![
            user("Q1"),
            Turn { role: Role::Assistant, text: "A1".into() },
            user("## Question\n\nintro\n"),
            user("turn one\n"),
        ];
        assert_eq!(laid.conversation.prior, prior);
        assert_eq!(laid.conversation.stable_through, Some(3));
        assert_eq!(laid.user, "turn two\n\nWhy?");
        let joined: String = laid.conversation.prior[2..].iter().map(|t| t.text.as_str()).collect();
        assert_eq!(joined + &laid.user, message);
    }

    #[test]
    fn a_run_without_thread_or_breaks_sends_its_message_alone() {
        let plan = plan(vec![mock("m", "")]);
        let laid = lay_out(&plan, "m", "Why?", 0);
        assert_eq!((laid.conversation.prior, laid.conversation.stable_through), (Vec::new(), None));
        assert_eq!(laid.user, "Why?");
    }

    #[test]
    fn each_model_of_a_session_has_its_own_cache_key_and_each_session_its_own() {
        let one = Session::new("20261207-1");
        let other = Session::new("20261207-2");
        let keys = [one.cache_key("a"), one.cache_key("b"), other.cache_key("a")];
        assert_eq!(keys[0], Session::new("20261207-1").cache_key("a"), "stable across runs of the session");
        assert!(keys[0] != keys[1] && keys[0] != keys[2] && keys[1] != keys[2], "{keys:?}");
        assert!(keys.iter().all(|k| k.len() == "frontier-".len() + 24 && !k.contains("20261207")), "{keys:?}");
    }
}
