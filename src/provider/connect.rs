//! From an `Endpoint` (which kind, where, with which key variable, which model) to a
//! working `Provider`: the one place that picks the adapter, the agent CLI or the mock
//! for a kind. Fails without sending anything when the endpoint is not ready.
//!
//! When the transport carries a `Pacer`, the kinds that are not HTTP (the mock, each
//! agent CLI) take a permit of their kind's lane for each call's whole stream: their
//! concurrency is capped too (HTTP providers pace each attempt in the transport).
//!
//! Knows nothing about catalogs, model names or routes: config's `Route` converts into an
//! `Endpoint`.

use std::sync::Arc;

use super::base_url::BaseUrl;
use super::kind::ProviderKind;
use super::mock::{MockOptions, MockProvider};
use super::pace::Lane;
use super::{
    ChatRequest, EventStream, HttpProvider, Provider, ProviderError, agent_cli, anthropic, gemini, http, lookup, openai,
};
use crate::env::Env;

/// Everything needed to reach one model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    pub kind: ProviderKind,
    /// Empty for the kinds that have none (agent CLIs, the mock).
    pub base_url: BaseUrl,
    /// The variable that holds the key; none when the server needs none.
    pub key_var: Option<String>,
    /// The model's id at this provider.
    pub model: String,
    /// Behaviour of a mock model; empty for real providers.
    pub mock: MockOptions,
    /// Whether an `openai`-kind server takes `prompt_cache_key` (the official API does;
    /// a compatible server may refuse a field it does not know).
    pub prompt_cache_key: bool,
}

/// Builds the provider for `endpoint`. Fails without sending anything when it is not
/// ready (a key variable is unset or too short, an agent CLI is not installed).
pub fn connect(
    endpoint: impl Into<Endpoint>,
    env: &Env,
    transport: &Arc<http::Transport>,
) -> Result<Arc<dyn Provider>, ProviderError> {
    let endpoint = endpoint.into();
    let key = || match &endpoint.key_var {
        Some(var) => lookup::key(var, env).map(Some).map_err(|problem| problem.error(var)),
        None => Ok(None),
    };
    let (base_url, model) = (endpoint.base_url.expose(), endpoint.model.as_str());
    let paced = |provider: Arc<dyn Provider>| -> Arc<dyn Provider> {
        match transport.pacer() {
            Some(pacer) => Arc::new(Paced { inner: provider, lane: pacer.lane(endpoint.kind.as_str()) }),
            None => provider,
        }
    };
    Ok(match endpoint.kind {
        ProviderKind::Mock => paced(Arc::new(MockProvider::new(model, endpoint.mock.clone()))),
        ProviderKind::OpenAi => {
            let provider = HttpProvider::<openai::OpenAiWire>::new(transport.clone(), base_url, model, key()?);
            Arc::new(provider.cache_key(endpoint.prompt_cache_key))
        }
        ProviderKind::Anthropic => {
            Arc::new(HttpProvider::<anthropic::AnthropicWire>::new(transport.clone(), base_url, model, key()?))
        }
        ProviderKind::Gemini => {
            Arc::new(HttpProvider::<gemini::GeminiWire>::new(transport.clone(), base_url, model, key()?))
        }
        ProviderKind::AgentCli(cli) => {
            paced(Arc::new(agent_cli::AgentCliProvider::new(cli, cli.locate(env)?, model, env)))
        }
    })
}

/// A provider whose every call waits for a permit of `lane` (until the request's
/// deadline) and holds it until its stream ends or is dropped.
struct Paced {
    inner: Arc<dyn Provider>,
    lane: Arc<Lane>,
}

impl Provider for Paced {
    fn stream(&self, request: ChatRequest) -> EventStream {
        let (inner, lane) = (self.inner.clone(), self.lane.clone());
        Box::pin(async_stream::try_stream! {
            let _permit = lane.acquire(request.deadline).await?;
            let mut events = inner.stream(request);
            while let Some(event) = futures::StreamExt::next(&mut events).await {
                yield event?;
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use pretty_assertions::assert_eq;

    use super::*;

    #[test]
    fn a_key_too_short_to_be_one_is_refused_before_anything_is_sent() {
        let endpoint = Endpoint {
            kind: ProviderKind::OpenAi,
            base_url: BaseUrl::parse("https://api.openai.com/v1").unwrap_or_else(|e| panic!("{e}")),
            key_var: Some("OPENAI_API_KEY".into()),
            model: "gpt-4.1".into(),
            mock: MockOptions::default(),
            prompt_cache_key: false,
        };
        let transport = Arc::new(
            http::Transport::new(Duration::from_secs(1), Default::default()).unwrap_or_else(|e| panic!("{e}")),
        );
        let with_key =
            |key: &str| connect(endpoint.clone(), &Env::from_parts([("OPENAI_API_KEY", key)], "/"), &transport).err();
        assert_eq!(with_key("abc"), Some(ProviderError::ShortKey { var: "OPENAI_API_KEY".into() }));
        assert_eq!(with_key("abcd"), None);
        assert_eq!(with_key(""), Some(ProviderError::MissingKey { var: "OPENAI_API_KEY".into() }));
    }

    /// With a pacer of one per provider, a second mock call waits while the first one's
    /// stream is open (here: half an answer, then nothing), and starts once it is dropped.
    #[tokio::test(start_paused = true)]
    async fn with_a_pacer_a_mock_call_holds_its_kinds_lane_for_its_whole_stream() {
        use futures::StreamExt as _;

        use crate::provider::mock::MockFailure;
        use crate::provider::pace::Pacer;
        use crate::provider::{ChatRequest, StreamEvent};

        let pacer = Arc::new(Pacer::new(1));
        let transport =
            http::Transport::new(Duration::from_secs(1), Default::default()).unwrap_or_else(|e| panic!("{e}"));
        let transport = Arc::new(transport.paced(pacer.clone()));
        let endpoint = Endpoint {
            kind: ProviderKind::Mock,
            base_url: BaseUrl::default(),
            key_var: None,
            model: "m".into(),
            mock: MockOptions { fail: Some(MockFailure::Midway), reply: Some("abcd".into()), ..MockOptions::default() },
            prompt_cache_key: false,
        };
        let provider = connect(endpoint, &Env::from_parts([("PATH", "/nonexistent")], "/"), &transport)
            .unwrap_or_else(|e| panic!("{e}"));
        let request = ChatRequest {
            system: "s".into(),
            user: "u".into(),
            conversation: Default::default(),
            json_schema: None,
            deadline: tokio::time::Instant::now() + Duration::from_secs(60),
            params: Default::default(),
        };
        let half = Some(Ok(StreamEvent::Delta("ab".into())));
        let mut first = provider.stream(request.clone());
        assert_eq!(first.next().await, half);
        let mut second = provider.stream(request);
        let waited = tokio::time::timeout(Duration::from_secs(10), second.next()).await;
        assert!(waited.is_err(), "the second call started while the first held the lane: {waited:?}");
        assert_eq!(pacer.lane("mock").in_flight(), 1);
        drop(first);
        assert_eq!(second.next().await, half);
    }

    #[test]
    fn an_agent_cli_that_is_not_installed_is_named() {
        let endpoint = Endpoint {
            kind: ProviderKind::AgentCli(crate::provider::kind::AgentCli::Gemini),
            base_url: BaseUrl::default(),
            key_var: None,
            model: "g".into(),
            mock: MockOptions::default(),
            prompt_cache_key: false,
        };
        let transport = Arc::new(
            http::Transport::new(Duration::from_secs(1), Default::default()).unwrap_or_else(|e| panic!("{e}")),
        );
        let env = Env::from_parts([("PATH", "/nonexistent"), ("FRONTIER_GEMINI_BIN", "my-gemini")], "/");
        assert_eq!(
            connect(endpoint, &env, &transport).err(),
            Some(ProviderError::MissingProgram { program: "my-gemini".into() })
        );
    }
}
