//! One panel member of a recorded run as `show` prints it (`Member`): its heading (label,
//! model, score, latency; failed, cut or capped) and its answer, or its error and what
//! had arrived of its answer; the members of the last round and of each earlier one, for
//! `show` and `show --markdown` alike.
//!
//! Reads the stored report as JSON by key, as `recorded` does: what a report lacks shows
//! as `-` or is left out. Knows nothing about the page around the members.

use serde_json::Value;

use super::by_key::{items, text};
use super::scores::format_ms;
use super::wrap::wrap;

/// One panel member as `show` prints it.
pub(super) struct Member {
    pub label: Option<String>,
    pub model: String,
    pub score: Option<f64>,
    pub reason: Option<String>,
    pub latency_ms: Option<u64>,
    pub content: Option<String>,
    pub error: Option<String>,
    /// Cut by the grace period (`--grace`): not waited for, not failed.
    pub cut: bool,
    /// What had arrived of its answer when it failed or was cut; never judged.
    pub partial: Option<String>,
    /// The provider stopped its answer at the output-token cap.
    pub token_capped: bool,
}

impl Member {
    /// `A · mock:one · score 8 · 1.5s`, `mock:bad · failed after 3 ms`, or
    /// `mock:slow · cut after 2.1s`; `· stopped at the token cap` when it was.
    pub fn heading(&self) -> String {
        let mut parts: Vec<String> = self.label.iter().cloned().collect();
        parts.push(self.model.clone());
        if let Some(score) = self.score {
            parts.push(format!("score {}", format_score(score)));
        }
        let latency = self.latency_ms.map_or("-".to_string(), format_ms);
        parts.push(match (&self.error, self.cut) {
            (Some(_), true) => format!("cut after {latency}"),
            (Some(_), false) => format!("failed after {latency}"),
            (None, _) => latency,
        });
        if self.token_capped {
            parts.push("stopped at the token cap".into());
        }
        parts.join(" · ")
    }

    /// Its answer, or its error and what had arrived of its answer, indented under its
    /// heading.
    pub(super) fn body(&self, width: Option<usize>) -> String {
        match (&self.content, &self.error) {
            (_, Some(error)) => {
                let mut out = wrap(error, width, "    error: ", "      ");
                if let Some(partial) = &self.partial {
                    let bytes = partial.len();
                    out.push_str(&format!("    partial answer ({bytes} bytes arrived; not judged):\n"));
                    out.push_str(&wrap(partial, width, "    ", "    "));
                }
                out
            }
            (Some(content), None) => wrap(content, width, "    ", "    "),
            (None, None) => "    (no answer recorded)\n".to_string(),
        }
    }
}

/// `answers`, or with earlier rounds `answers in round N (what the judge saw)`.
pub(super) fn last_round_heading(report: &Value) -> String {
    let earlier = items(report.get("rounds")).count();
    if earlier == 0 { "answers".to_string() } else { format!("answers in round {} (judged)", earlier + 1) }
}

/// The rounds before the last (`--rounds`), each with its members (no scores: the judge
/// saw only the last round).
pub(super) fn rounds(report: &Value) -> Vec<(u64, Vec<Member>)> {
    items(report.get("rounds"))
        .enumerate()
        .map(|(i, r)| {
            let round = r.get("round").and_then(Value::as_u64).unwrap_or(i as u64 + 1);
            (round, items(r.get("members")).map(|m| member(m, None)).collect())
        })
        .collect()
}

fn member(m: &Value, score: Option<&Value>) -> Member {
    let ok = m.get("ok").and_then(Value::as_bool).unwrap_or(false);
    Member {
        label: text(m, "label"),
        model: text(m, "model").unwrap_or_else(|| "-".into()),
        score: score.and_then(|s| s.get("score")?.as_f64()),
        reason: score.and_then(|s| text(s, "reason")).filter(|r| !r.trim().is_empty()),
        latency_ms: m.get("latency_ms").and_then(Value::as_u64),
        content: text(m, "content"),
        error: if ok { None } else { Some(text(m, "error").unwrap_or_else(|| "failed".into())) },
        cut: flag(m, "cut"),
        partial: text(m, "partial"),
        token_capped: flag(m, "token_capped"),
    }
}

/// A flag a report writes only when true.
pub(super) fn flag(v: &Value, key: &str) -> bool {
    v.get(key).and_then(Value::as_bool) == Some(true)
}

pub(super) fn members(report: &Value) -> Vec<Member> {
    items(report.get("panel")).enumerate().map(|(i, m)| member(m, score_of(report, i))).collect()
}

pub(super) fn score_of(report: &Value, member: usize) -> Option<&Value> {
    items(report.pointer("/analysis/scores")).find(|s| s.get("member").and_then(Value::as_u64) == Some(member as u64))
}

pub(super) fn format_score(score: f64) -> String {
    if score.fract() == 0.0 { format!("{score:.0}") } else { format!("{score:.1}") }
}
