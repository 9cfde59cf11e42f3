//! Each call's outcome in the report: `CallReport` for any call (member, judge, synth),
//! and `MemberReport`, a panel member's call with its label and answer.
//!
//! A member's JSON is flat: the call's keys with `label` after `route` and `content`
//! after `ok`, as history has always stored it. `#[serde(flatten)]` would move those two
//! keys to the end, so a member is written and read through a flat private form.
//!
//! Knows nothing about how the calls were made.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::provider::{ErrorKind, Params, Usage};

/// One model call's outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CallReport {
    pub model: String,
    pub route: String,
    pub ok: bool,
    pub error: Option<String>,
    pub error_kind: Option<ErrorKind>,
    pub latency_ms: u64,
    pub usage: Option<Usage>,
    /// The provider reported no usage; `usage` is estimated from the text.
    pub usage_estimated: bool,
    /// USD, from `usage` and the route's price; `None` when no price is known.
    pub cost_usd: Option<f64>,
    /// The answer went past `max_answer_bytes` and was cut there. Written only when true,
    /// so reports of uncut calls read as before.
    #[serde(default, skip_serializing_if = "is_false")]
    pub truncated: bool,
    /// The provider stopped the answer at its output-token cap (`max_output_tokens` or
    /// its own; OpenAI's `length`, Anthropic's `max_tokens`, Gemini's `MAX_TOKENS`): it
    /// may end mid-thought. Written only when true.
    #[serde(default, skip_serializing_if = "is_false")]
    pub token_capped: bool,
    /// The parameters the call was sent with (`temperature`, ...); written only when it
    /// had some, so reports of calls without read as before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub params: Option<Params>,
}

/// A panel member's outcome: its call, the label the judge saw it under, its answer.
#[derive(Debug, Clone, PartialEq)]
pub struct MemberReport {
    pub call: CallReport,
    /// The neutral label the judge saw this answer under; none for failed members.
    pub label: Option<String>,
    pub content: Option<String>,
    /// Cut by the grace period (`--grace`) while still answering: `ok` is false, `error`
    /// says why, `error_kind` is none, and it is not among the failed models. Written only
    /// when true, so reports without a cut read as before.
    pub cut: bool,
    /// What had arrived of its answer when it failed or was cut (a timeout mid-answer):
    /// kept for the reader, never judged nor fused; its tokens are in `usage`, estimated.
    /// `content` stays none: that is an answer the run used. Written only when some text
    /// had arrived.
    pub partial: Option<String>,
}

fn is_false(value: &bool) -> bool {
    !value
}

/// A member as written: every key in its place, borrowed from the report.
#[derive(Serialize)]
struct MemberOut<'a> {
    model: &'a str,
    route: &'a str,
    label: &'a Option<String>,
    ok: bool,
    content: &'a Option<String>,
    error: &'a Option<String>,
    error_kind: Option<ErrorKind>,
    latency_ms: u64,
    usage: Option<Usage>,
    usage_estimated: bool,
    cost_usd: Option<f64>,
    #[serde(skip_serializing_if = "is_false")]
    truncated: bool,
    #[serde(skip_serializing_if = "is_false")]
    token_capped: bool,
    #[serde(skip_serializing_if = "is_false")]
    cut: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    partial: &'a Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    params: Option<Params>,
}

/// A member as read, from this version's reports and every earlier one.
#[derive(Deserialize)]
struct MemberIn {
    model: String,
    route: String,
    label: Option<String>,
    ok: bool,
    content: Option<String>,
    error: Option<String>,
    error_kind: Option<ErrorKind>,
    latency_ms: u64,
    usage: Option<Usage>,
    usage_estimated: bool,
    cost_usd: Option<f64>,
    #[serde(default)]
    truncated: bool,
    #[serde(default)]
    token_capped: bool,
    #[serde(default)]
    cut: bool,
    #[serde(default)]
    partial: Option<String>,
    params: Option<Params>,
}

impl Serialize for MemberReport {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let c = &self.call;
        MemberOut {
            model: &c.model,
            route: &c.route,
            label: &self.label,
            ok: c.ok,
            content: &self.content,
            error: &c.error,
            error_kind: c.error_kind,
            latency_ms: c.latency_ms,
            usage: c.usage,
            usage_estimated: c.usage_estimated,
            cost_usd: c.cost_usd,
            truncated: c.truncated,
            token_capped: c.token_capped,
            cut: self.cut,
            partial: &self.partial,
            params: c.params,
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for MemberReport {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let m = MemberIn::deserialize(deserializer)?;
        Ok(MemberReport {
            call: CallReport {
                model: m.model,
                route: m.route,
                ok: m.ok,
                error: m.error,
                error_kind: m.error_kind,
                latency_ms: m.latency_ms,
                usage: m.usage,
                usage_estimated: m.usage_estimated,
                cost_usd: m.cost_usd,
                truncated: m.truncated,
                token_capped: m.token_capped,
                params: m.params,
            },
            label: m.label,
            content: m.content,
            cut: m.cut,
            partial: m.partial,
        })
    }
}
