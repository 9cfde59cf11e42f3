//! A recorded run as `frontier show` prints it: the prompt, every model call with its
//! status, latency, tokens, cost and score, the ranking, the notes and the answer.
//!
//! Reads the stored report as JSON by key, so reports recorded by older or newer
//! versions of frontier still print: what a report lacks shows as `-`.

use serde_json::Value;

use super::history::cost;
use super::scores::format_ms;
use crate::history::Summary;

pub fn report(summary: &Summary, report: &Value) -> String {
    let text = |v: &Value, key: &str| v.get(key).and_then(Value::as_str).map(str::to_string);
    let mut out = format!("run {} · {} · {}", summary.run_id, summary.started_at, summary.source);
    if let Some(scope) = &summary.scope {
        out.push_str(&format!(" ({scope})"));
    }
    let mut headline = vec![summary.mode.clone()];
    headline.extend(summary.preset.clone());
    headline.push(match &summary.failure_reason {
        Some(reason) => format!("{} ({reason})", summary.status),
        None => summary.status.clone(),
    });
    headline.push(format_ms(u64::try_from(summary.wall_ms).unwrap_or(0)));
    headline.push(format!("{}/{} tokens", summary.input_tokens, summary.output_tokens));
    headline.push(cost(summary.cost_usd));
    out.push_str(&format!(
        "\n{}\n\nprompt:\n{}\n\n",
        headline.join(" · "),
        indent(&text(report, "prompt").unwrap_or_default())
    ));
    out.push_str(&calls_table(report));
    out.push('\n');
    let ranking: Vec<&str> = items(report.pointer("/analysis/ranking")).filter_map(Value::as_str).collect();
    if !ranking.is_empty() {
        out.push_str(&format!("ranking: {}\n", ranking.join(" > ")));
    }
    for note in items(report.get("notes")).filter_map(Value::as_str) {
        out.push_str(&format!("note: {note}\n"));
    }
    match text(report, "final") {
        Some(answer) => {
            let source = text(report, "final_source").map_or(String::new(), |s| format!(" ({s})"));
            out.push_str(&format!("\nanswer{source}:\n{}\n", answer.trim_end()));
        }
        None => out.push_str("\nno answer\n"),
    }
    out
}

/// Panel members, then judge and synth.
fn calls_table(report: &Value) -> String {
    let mut table =
        super::table::new(&["role", "model", "route", "status", "latency", "tokens in/out", "cost", "score", "notes"]);
    let panel = items(report.get("panel")).enumerate().map(|(i, m)| ("panel", Some(i), m));
    let stages =
        ["judge", "synth"].into_iter().filter_map(|r| Some((r, None, report.get(r).filter(|v| v.is_object())?)));
    for (role, member, call) in panel.chain(stages) {
        let get = |key: &str| call.get(key).and_then(Value::as_str).unwrap_or("-").to_string();
        let ok = call.get("ok").and_then(Value::as_bool).unwrap_or(false);
        let score = member.and_then(|i| {
            items(report.pointer("/analysis/scores"))
                .find(|s| s.get("member").and_then(Value::as_u64) == Some(i as u64))
        });
        let number = |v: Option<&Value>| v.and_then(Value::as_u64).map_or("-".to_string(), |n| n.to_string());
        let tokens = match call.get("usage").filter(|u| u.is_object()) {
            Some(u) => format!("{}/{}", number(u.get("input_tokens")), number(u.get("output_tokens"))),
            None => "-".to_string(),
        };
        let notes = match (ok, score) {
            (false, _) => call.get("error").and_then(Value::as_str).unwrap_or_default().to_string(),
            (true, Some(s)) => s.get("reason").and_then(Value::as_str).unwrap_or_default().to_string(),
            (true, None) => String::new(),
        };
        table.add_row(super::table::row(vec![
            role.to_string(),
            get("model"),
            get("route"),
            (if ok { "ok" } else { "failed" }).to_string(),
            call.get("latency_ms").and_then(Value::as_u64).map_or("-".to_string(), format_ms),
            tokens,
            cost(call.get("cost_usd").and_then(Value::as_f64)),
            score.and_then(|s| s.get("score")?.as_f64()).map_or("-".to_string(), format_score),
            notes,
        ]));
    }
    table.to_string()
}

fn format_score(score: f64) -> String {
    if score.fract() == 0.0 { format!("{score:.0}") } else { format!("{score:.1}") }
}

fn items(value: Option<&Value>) -> impl Iterator<Item = &Value> {
    value.and_then(Value::as_array).into_iter().flatten()
}

fn indent(text: &str) -> String {
    text.trim_end().lines().map(|l| format!("  {l}")).collect::<Vec<_>>().join("\n")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_report_missing_most_fields_still_prints() {
        let summary = Summary {
            run_id: "r1".into(),
            started_at: "2026-11-21T10:10:10.000Z".into(),
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
        };
        let text = report(&summary, &json!({"prompt": "hi", "panel": [{"model": "m", "ok": true}], "final": "yo"}));
        assert!(
            text.starts_with("run r1 · 2026-11-21T10:10:10.000Z · run\nsingle · ok · 5 ms · 1/2 tokens · -\n"),
            "{text}"
        );
        assert!(text.contains("prompt:\n  hi\n"), "{text}");
        assert!(text.ends_with("\nanswer:\nyo\n"), "{text}");
    }
}
