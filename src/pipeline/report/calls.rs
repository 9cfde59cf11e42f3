//! Each call's part of the report, from the call's outcome: a `CallReport` for any call
//! (a member, the judge, a ranker, the synth), a `MemberReport` for a panel member, and
//! the note on an answer cut at the size cap.
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
            params: p.reported_params(),
        },
        Err(f) => CallReport {
            model: p.model.clone(),
            route: p.route.clone(),
            ok: false,
            error: Some(f.error.clone()),
            error_kind: (!f.cut).then_some(f.kind),
            latency_ms: ms(f.latency),
            usage: None,
            usage_estimated: false,
            cost_usd: None,
            truncated: false,
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
    }
}

/// The report's note on an answer cut at `max_bytes`.
pub(in crate::pipeline) fn truncation_note(model: &str, max_bytes: usize) -> String {
    format!("{model}'s answer was cut at {max_bytes} bytes (max_answer_bytes); the rest was not read")
}
