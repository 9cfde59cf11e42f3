//! A request that continues a conversation: the turns before its last user message, and
//! where the prefix it shares with an earlier request ends, so that a provider with
//! explicit prompt caching (Anthropic's `cache_control`) can mark it. Providers with
//! automatic prefix caching (OpenAI, Gemini) need no mark: a byte-identical prefix is
//! enough.
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
    /// request shares; the system text is part of that prefix. `None` marks nothing.
    pub cache_through: Option<usize>,
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
            .map(|(i, (role, text))| Message { role, text, ends_shared_prefix: self.conversation.cache_through == Some(i) })
            .collect()
    }

    /// Whether the request marks a shared prefix (the system text is always part of it).
    pub fn caches_prefix(&self) -> bool {
        self.conversation.cache_through.is_some()
    }
}
