// Over 300 lines: one printout whose parts (headline, calls table, members, `--answer`) all read `Member`.
//! A recorded run as `frontier show` prints it: the share of its input served from the
//! providers' caches, its thread (`thread`), the prompt, the context sources, every
//! model call with its status, latency, tokens, cost and score, each member's answer
//! under its label and model (a failure with its whole error and what had arrived of its
//! answer; a grace cut as a cut; a token-capped answer flagged), the judge's analysis, the
//! notes and the final answer. [`member_answer`] finds one member by label or model for
//! `show --answer`.
//!
//! Reads the stored report as JSON by key, so reports recorded by older or newer
//! versions of frontier still print: what a report lacks shows as `-` or is left out.

use serde_json::Value;

use super::by_key::{items, text};
use super::history::cost;
use super::member::{Member, flag, format_score, last_round_heading, members, rounds, score_of};
use super::scores::format_ms;
use super::screen::Fit;
use super::wrap::wrap;
use crate::history::{Summary, Thread};

pub fn report(summary: &Summary, report: &Value, thread: Option<&Thread>, fit: Fit) -> String {
    let width = fit.width;
    let mut out: String = headline(summary).iter().map(|line| wrap(line, width, "", "  ")).collect();
    // A run of a thread is expected to read from the caches: it says so even at 0%.
    // Elsewhere a run that read nothing from them says nothing (most providers cache
    // nothing shorter than about a thousand tokens).
    let expected = summary.cached_input_tokens > 0 || thread.is_some();
    if let Some(share) = super::cache::share(summary.input_tokens, summary.cached_input_tokens).filter(|_| expected) {
        out.push_str(&wrap(&format!("cache: {share}"), width, "", "  "));
    }
    if let Some(thread) = thread {
        out.push_str(&super::thread::section(thread, &summary.run_id, fit));
    }
    out.push_str(&format!("\nprompt:\n{}", wrap(&text(report, "prompt").unwrap_or_default(), width, "  ", "  ")));
    let sources = context(report);
    if !sources.is_empty() {
        out.push_str("\ncontext:\n");
        for source in sources {
            out.push_str(&wrap(&source, width, "  - ", "    "));
        }
    }
    out.push('\n');
    out.push_str(&calls_table(report, fit));
    out.push('\n');
    for (round, members) in rounds(report) {
        out.push_str(&format!("\nanswers in round {round}:\n"));
        for m in &members {
            out.push_str(&wrap(&m.heading(), width, "  ", "    "));
            out.push_str(&m.body(width));
        }
    }
    let members = members(report);
    if !members.is_empty() {
        out.push_str(&format!("\n{}:\n", last_round_heading(report)));
        for m in &members {
            out.push_str(&wrap(&m.heading(), width, "  ", "    "));
            if let Some(reason) = &m.reason {
                out.push_str(&wrap(reason, width, "    judge: ", "      "));
            }
            out.push_str(&m.body(width));
        }
    }
    let analysis = super::analysis::text(report, width);
    if !analysis.is_empty() {
        out.push('\n');
        out.push_str(&analysis);
    }
    let ranking: Vec<&str> = items(report.pointer("/analysis/ranking")).filter_map(Value::as_str).collect();
    if !ranking.is_empty() {
        out.push_str(&wrap(&format!("ranking: {}", ranking.join(" > ")), width, "", "  "));
    }
    let rankers = super::council::rankers(report);
    if !rankers.is_empty() {
        out.push_str("\ncouncil:\n");
        for line in rankers {
            out.push_str(&wrap(&line, width, "  ", "    "));
        }
        for line in [super::council::aggregate(report), super::council::disagreements(report)].into_iter().flatten() {
            out.push_str(&wrap(&line, width, "", "  "));
        }
    }
    if let Some(line) = super::council::no_judge(report) {
        out.push('\n');
        out.push_str(&wrap(line, width, "", "  "));
    }
    for note in items(report.get("notes")).filter_map(Value::as_str) {
        out.push_str(&wrap(note, width, "note: ", "  "));
    }
    match text(report, "final") {
        Some(answer) => {
            let source = text(report, "final_source").map_or(String::new(), |s| format!(" ({s})"));
            out.push_str(&format!("\nanswer{source}:\n{}", wrap(&answer, width, "", "")));
        }
        None => out.push_str("\nno answer\n"),
    }
    out
}

/// `run ID · 2026-11-21 11:10:10 +01:00 · run`, then mode, preset, status, wall time,
/// tokens and cost.
pub(super) fn headline(summary: &Summary) -> Vec<String> {
    let mut first = format!("run {} · {} · {}", summary.run_id, summary.started_local, summary.source);
    if let Some(scope) = &summary.scope {
        first.push_str(&format!(" ({scope})"));
    }
    let mut second = vec![summary.mode.clone()];
    second.extend(summary.preset.clone());
    second.push(match &summary.failure_reason {
        Some(reason) => format!("{} ({reason})", summary.status),
        None => summary.status.clone(),
    });
    second.push(format_ms(u64::try_from(summary.wall_ms).unwrap_or(0)));
    second.push(format!("{}/{} tokens", summary.input_tokens, summary.output_tokens));
    second.push(cost(summary.cost_usd));
    vec![first, second.join(" · ")]
}

/// Each context source on a line: `file src/a.rs · 1234 bytes · truncated`, or what
/// was skipped and why.
pub(super) fn context(report: &Value) -> Vec<String> {
    items(report.get("context"))
        .map(|s| {
            let mut parts =
                vec![[text(s, "kind"), text(s, "path")].into_iter().flatten().collect::<Vec<_>>().join(" ")];
            match text(s, "skipped") {
                Some(why) => parts.push(format!("skipped: {why}")),
                None => parts.push(format!("{} bytes", s.get("bytes").and_then(Value::as_u64).unwrap_or(0))),
            }
            if s.get("truncated").and_then(Value::as_bool) == Some(true) {
                parts.push("truncated".into());
            }
            parts.join(" · ")
        })
        .collect()
}

/// Why `show --answer KEY` found no one member; its text is the hint the command gives.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NoSuchMember {
    /// No member has that label or model: what the members are.
    #[error("the run's members are: {}", .members.join(", "))]
    Unknown { members: Vec<String> },
    /// Several (`times`) members are that model: their labels.
    #[error("`{key}` is in the panel {times} times: give a label ({})", .labels.join(", "))]
    Several { key: String, times: usize, labels: Vec<String> },
}

/// The text of the hint, for a caller that words the error itself.
impl From<NoSuchMember> for String {
    fn from(err: NoSuchMember) -> String {
        err.to_string()
    }
}

/// The member `key` names: its label, else its model when one member has it, else its
/// label in another case (`a` for `A`). The error lists what `key` could be.
pub fn member_answer(report: &Value, key: &str) -> Result<String, NoSuchMember> {
    let members = members(report);
    let label = |exact: bool| {
        members
            .iter()
            .find(|m| m.label.as_deref().is_some_and(|l| if exact { l == key } else { l.eq_ignore_ascii_case(key) }))
    };
    let by_model: Vec<&Member> = members.iter().filter(|m| m.model == key).collect();
    let by_label = label(true).or_else(|| if by_model.is_empty() { label(false) } else { None });
    let member = match (by_label, by_model.as_slice()) {
        (Some(m), _) | (None, &[m]) => m,
        (None, []) => {
            let members = members
                .iter()
                .map(|m| match &m.label {
                    Some(label) => format!("{label} ({})", super::sanitize::name(&m.model)),
                    None => super::sanitize::name(&m.model),
                })
                .collect();
            return Err(NoSuchMember::Unknown { members });
        }
        (None, several) => {
            let labels = several.iter().filter_map(|m| m.label.clone()).collect();
            return Err(NoSuchMember::Several { key: key.to_string(), times: several.len(), labels });
        }
    };
    let verb = if member.cut { "was cut" } else { "failed" };
    Ok(match (&member.content, &member.error) {
        (_, Some(error)) => {
            let mut out = format!("{} {verb}: {error}\n", super::sanitize::name(&member.model));
            if let Some(partial) = &member.partial {
                out.push_str(&format!("partial answer (not judged):\n{}\n", partial.trim_end()));
            }
            out
        }
        (Some(content), None) => format!("{}\n", content.trim_end()),
        (None, None) => String::new(),
    })
}

/// Panel members, then judge and synth (errors and reasons are in the answers below it).
fn calls_table(report: &Value, fit: Fit) -> String {
    let mut table =
        super::table::fitted(&["role", "model", "label", "status", "latency", "tokens in/out", "cost", "score"], fit);
    // Earlier rounds (`--rounds`) first, as `round N`; the last round is the panel.
    let rounds: Vec<(String, &Value)> = items(report.get("rounds"))
        .enumerate()
        .flat_map(|(i, r)| {
            let round = r.get("round").and_then(Value::as_u64).unwrap_or(i as u64 + 1);
            items(r.get("members")).map(move |m| (format!("round {round}"), m))
        })
        .collect();
    let earlier = rounds.iter().map(|(role, m)| (role.clone(), None, *m));
    let panel = items(report.get("panel")).enumerate().map(|(i, m)| ("panel".to_string(), Some(i), m));
    let rankers = items(report.pointer("/council/rankers"))
        .filter_map(|r| Some(("council".to_string(), None, r.get("call").filter(|v| v.is_object())?)));
    let stage = |r: &str| Some((r.to_string(), None, report.get(r).filter(|v| v.is_object())?));
    let stages = stage("judge").into_iter().chain(rankers).chain(stage("synth"));
    for (role, member, call) in earlier.chain(panel).chain(stages) {
        let get = |key: &str| text(call, key).unwrap_or_else(|| "-".into());
        let ok = call.get("ok").and_then(Value::as_bool).unwrap_or(false);
        // A cut member was not waited for; a capped answer may end mid-thought.
        let status = match (ok, flag(call, "cut"), flag(call, "token_capped")) {
            (true, _, true) => "ok, capped",
            (true, _, false) => "ok",
            (false, true, _) => "cut",
            (false, false, _) => "failed",
        };
        let score = member.and_then(|i| score_of(report, i));
        let number = |v: Option<&Value>| v.and_then(Value::as_u64).map_or("-".to_string(), |n| n.to_string());
        let tokens = match call.get("usage").filter(|u| u.is_object()) {
            Some(u) => format!("{}/{}", number(u.get("input_tokens")), number(u.get("output_tokens"))),
            None => "-".to_string(),
        };
        table.add_row(super::table::row(vec![
            role,
            get("model"),
            if member.is_some() { get("label") } else { String::new() },
            status.to_string(),
            call.get("latency_ms").and_then(Value::as_u64).map_or("-".to_string(), format_ms),
            tokens,
            cost(call.get("cost_usd").and_then(Value::as_f64)),
            score.and_then(|s| s.get("score")?.as_f64()).map_or("-".to_string(), format_score),
        ]));
    }
    super::table::keep_whole(&mut table, 1, 30);
    // At a narrow width: tokens, then latency, then cost (`--json` has them all).
    table.droppable(&[5, 4, 6]);
    table.to_string()
}

#[cfg(test)]
pub(super) mod tests {
    use pretty_assertions::assert_eq;
    use serde_json::json;

    use super::*;

    pub(in crate::render) fn summary() -> Summary {
        Summary {
            run_id: "r1".into(),
            started_at: Some("2026-11-21T10:10:10.000Z".into()),
            started_at_ms: 1_795_255_810_000,
            source: "run".into(),
            scope: None,
            mode: "single".into(),
            preset: None,
            status: "ok".into(),
            failure_reason: None,
            models: vec!["m".into()],
            input_tokens: 1,
            output_tokens: 2,
            cost_usd: None,
            wall_ms: 5,
            prompt_head: Some("hi".into()),
            started_local: "2026-11-21 11:10:10 +01:00".into(),
            cached_input_tokens: 0,
            thread: None,
        }
    }

    #[test]
    fn a_report_missing_most_fields_still_prints() {
        let text = report(
            &summary(),
            &json!({"prompt": "hi", "panel": [{"model": "m", "ok": true}], "final": "yo"}),
            None,
            Fit::UNLIMITED,
        );
        assert!(
            text.starts_with("run r1 · 2026-11-21 11:10:10 +01:00 · run\nsingle · ok · 5 ms · 1/2 tokens · -\n"),
            "{text}"
        );
        assert!(text.contains("prompt:\n  hi\n"), "{text}");
        assert!(text.contains("answers:\n  m · -\n    (no answer recorded)\n"), "{text}");
        assert!(text.ends_with("\nanswer:\nyo\n"), "{text}");
    }

    #[test]
    fn context_sources_say_what_was_sent_and_what_was_skipped() {
        let report = json!({"context": [
            {"kind": "file", "path": "src/a.rs", "bytes": 120, "truncated": true},
            {"kind": "file", "path": ".env", "bytes": 0, "skipped": "secret"},
            {"kind": "stdin", "bytes": 5},
        ]});
        assert_eq!(
            context(&report),
            ["file src/a.rs · 120 bytes · truncated", "file .env · skipped: secret", "stdin · 5 bytes"]
        );
    }

    #[test]
    fn one_member_is_found_by_label_or_unique_model() {
        let report = json!({"panel": [
            {"model": "a", "label": "B", "ok": true, "content": "from a\n"},
            {"model": "b", "label": "A", "ok": false, "error": "HTTP 503"},
            {"model": "a", "label": "C", "ok": true, "content": "a again"},
        ]});
        assert_eq!(member_answer(&report, "B"), Ok("from a\n".into()));
        assert_eq!(member_answer(&report, "b"), Ok("b failed: HTTP 503\n".into()));
        assert_eq!(member_answer(&report, "c"), Ok("a again\n".into()));
        let hint = |key: &str| member_answer(&report, key).map_err(String::from);
        assert_eq!(hint("a"), Err("`a` is in the panel 2 times: give a label (B, C)".into()));
        assert_eq!(hint("z"), Err("the run's members are: B (a), A (b), C (a)".into()));
        assert_eq!(
            member_answer(&report, "a"),
            Err(NoSuchMember::Several { key: "a".into(), times: 2, labels: vec!["B".into(), "C".into()] })
        );
    }
}
