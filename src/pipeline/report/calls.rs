//! Each call's part of the report, from the call's outcome: a `CallReport` for any call
//! (a member, the judge, a ranker, the synth), a `MemberReport` for a panel member, and
//! the notes on an answer cut at the size cap, stopped at the token cap, or stopped
//! part way.
//!
//! Knows nothing about which stage made the call or what its answer is for.

use super::member::{CallReport, MemberReport};
use crate::pipeline::call::{CallFailure, Completion, Participant, ms};

/// A call's report from its outcome.
pub(in crate::pipeline) fn call_report(p: &Participant, result: &Result<Completion, CallFailure>) -> CallReport {
    match result {
        Ok(c) => CallReport {
            model: p.model.clone(),
            route: p.route.clone(),
            ok: true,
            error: None,
            error_kind: None,
            latency_ms: ms(c.latency),
            usage: Some(c.usage),
            usage_estimated: c.usage_estimated,
            cost_usd: p.price.map(|price| price.cost(c.usage)),
            truncated: c.truncated,
            token_capped: c.token_capped,
            params: p.reported_params(),
        },
        // A call stopped mid-answer was billed for what it generated: its usage is
        // estimated from the part that arrived.
        Err(f) => CallReport {
            model: p.model.clone(),
            route: p.route.clone(),
            ok: false,
            error: Some(f.error.clone()),
            error_kind: (!f.cut).then_some(f.kind),
            latency_ms: ms(f.latency),
            usage: f.partial.as_ref().map(|part| part.usage),
            usage_estimated: f.partial.is_some(),
            cost_usd: f.partial.as_ref().and_then(|part| Some(p.price?.cost(part.usage))),
            truncated: false,
            token_capped: false,
            params: p.reported_params(),
        },
    }
}

/// A panel member's report from its outcome; no label yet (the judge's shuffle gives it).
pub(in crate::pipeline) fn member_report(p: &Participant, result: &Result<Completion, CallFailure>) -> MemberReport {
    MemberReport {
        call: call_report(p, result),
        label: None,
        content: result.as_ref().ok().map(|c| c.text.clone()),
        cut: result.as_ref().is_err_and(|f| f.cut),
        partial: result.as_ref().err().and_then(|f| f.partial.as_ref()).map(|part| part.text.clone()),
    }
}

/// The report's note on an answer the provider stopped at its output-token cap.
pub(in crate::pipeline) fn token_cap_note(model: &str) -> String {
    format!(
        "{model}'s answer stopped at its output-token cap (max_output_tokens, or the provider's own); it may be incomplete"
    )
}

/// The report's note on a call stopped after part of its answer had arrived: how much
/// arrived, that it is kept but not judged, and that its tokens are counted.
pub(in crate::pipeline) fn partial_note(model: &str, failure: &CallFailure) -> Option<String> {
    let part = failure.partial.as_ref()?;
    let how = if failure.cut { "was cut by the grace period" } else { "stopped" };
    Some(format!(
        "{model} {how} after {} bytes of its answer had arrived ({}); the partial answer is kept in the report, \
         not judged, and its ~{} output tokens are counted",
        part.text.len(),
        failure.error,
        part.usage.output_tokens
    ))
}

/// The report's note on an answer cut at `max_bytes`.
pub(in crate::pipeline) fn truncation_note(model: &str, max_bytes: usize) -> String {
    format!("{model}'s answer was cut at {max_bytes} bytes (max_answer_bytes); the rest was not read")
}
