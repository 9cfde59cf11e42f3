//! Answers that stopped before their end, as users meet them: a member timed out or cut
//! by `--grace` mid-answer keeps what had arrived, marked partial, never judged, its
//! tokens counted; a grace cut is shown as a cut, not a failure; an answer the provider
//! stopped at its token cap is flagged in the report, on the terminal and in `show`.

// Tests may panic on what they do not expect.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::TestEnv;
use pretty_assertions::assert_eq;
use serde_json::{Value, json};

const FUSION: [&str; 4] = ["--judge", "mock:j", "--synth", "mock:j"];

/// The sum of each call's output tokens, as the totals must count them.
fn output_tokens_of_calls(report: &Value) -> u64 {
    let members = report["panel"].as_array().unwrap().iter();
    let calls = members.chain([&report["judge"], &report["synth"]]);
    calls.filter_map(|c| c["usage"]["output_tokens"].as_u64()).sum()
}

#[test]
fn a_member_timed_out_mid_answer_keeps_its_part_marked_and_counted_and_unjudged() {
    let env = TestEnv::new();
    let mut args = vec!["run", "--json", "--timeout", "1", "--models", "mock:a,mock:b,mock:c?fail=midway"];
    args.extend(FUSION);
    args.push("what is six times seven?");
    let out = env.frontier(args).output();
    assert_eq!(out.code, Some(0), "{out}");
    let report = out.json();
    let stopped = &report["panel"][2];
    let partial = stopped["partial"].as_str().unwrap();
    assert!(!partial.is_empty());
    let model = stopped["model"].as_str().unwrap();
    assert_eq!(
        json!([stopped["ok"], stopped["content"], stopped["error"], stopped["usage_estimated"]]),
        json!([false, null, "timed out after 1s", true])
    );
    // Its tokens are billed by a paid API: estimated from the part, and in the totals.
    let output_tokens = stopped["usage"]["output_tokens"].as_u64().unwrap();
    assert_eq!(output_tokens, (partial.chars().count() as u64).div_ceil(4).max(1), "{stopped}");
    assert_eq!(report["totals"]["output_tokens"].as_u64().unwrap(), output_tokens_of_calls(&report));
    // A timeout is a failure; the judge saw the two whole answers, not the part.
    assert_eq!(report["failed_models"], json!([model]));
    assert_eq!(report["analysis"]["scores"].as_array().unwrap().len(), 2, "{report}");
    let note = format!(
        "{model} stopped after {} bytes of its answer had arrived (timed out after 1s); the partial answer is kept \
         in the report, not judged, and its ~{output_tokens} output tokens are counted",
        partial.len()
    );
    assert!(report["notes"].as_array().unwrap().contains(&json!(note)), "{report}");

    let show = env.frontier(["show", "last"]).output();
    assert_eq!(show.code, Some(0), "{show}");
    let shown =
        format!("    error: timed out after 1s\n    partial answer ({} bytes arrived; not judged):\n", partial.len());
    assert!(show.stdout.contains(&shown), "{show}");
}

#[test]
fn a_grace_cut_is_shown_as_a_cut_with_what_had_arrived_and_is_not_a_failure() {
    let env = TestEnv::new();
    let mut args = vec!["run", "--grace", "0.2", "--models", "mock:a,mock:b,mock:c?fail=midway"];
    args.extend(FUSION);
    args.push("what is six times seven?");
    let out = env.frontier(args).output();
    assert_eq!(out.code, Some(0), "{out}");
    let line = out.stderr.lines().find(|l| l.contains("mock:c")).unwrap_or_default();
    assert!(
        line.contains(" cut after ") && line.ends_with(": still answering 0.2s after 2 members had answered (--grace)"),
        "{out}"
    );
    assert!(!out.stderr.contains("failed after"), "{out}");

    let show = env.frontier(["show", "last", "--json"]).output();
    let report = show.json();
    let cut = &report["panel"][2];
    assert_eq!(
        json!([cut["cut"], cut["ok"], cut["error_kind"], report["failed_models"]]),
        json!([true, false, null, []])
    );
    let partial = cut["partial"].as_str().unwrap();
    assert!(!partial.is_empty() && cut["usage"]["output_tokens"].as_u64().unwrap() > 0, "{cut}");
    assert_eq!(report["totals"]["output_tokens"].as_u64().unwrap(), output_tokens_of_calls(&report));

    let human = env.frontier(["show", "last"]).output();
    let row = human.stdout.lines().find(|l| l.contains("panel") && l.contains("mock:c")).unwrap_or_default();
    assert!(row.contains(" cut "), "{human}");
    assert!(!row.contains("failed"), "{human}");
    let heading = human.stdout.lines().find(|l| l.starts_with("  mock:c")).unwrap_or_default();
    assert!(heading.contains(" · cut after "), "{human}");
    assert!(
        human.stdout.contains(&format!("    partial answer ({} bytes arrived; not judged):\n", partial.len())),
        "{human}"
    );
}

#[test]
fn an_answer_stopped_at_the_token_cap_is_flagged_in_the_report_the_summary_and_show() {
    let env = TestEnv::new();
    let out = env.frontier(["run", "--model", "mock:a?stop=length", "hi"]).output();
    assert_eq!(out.code, Some(0), "{out}");
    let model = "mock:a";
    let note = format!(
        "{model}'s answer stopped at its output-token cap (max_output_tokens, or the provider's own); it may be incomplete"
    );
    let flat = out.stderr.replace("\n  ", " ");
    assert!(flat.contains(&format!("note: {note}")), "{out}");

    let report = env.frontier(["show", "last", "--json"]).output().json();
    assert_eq!(json!([report["panel"][0]["token_capped"], report["notes"]]), json!([true, [note]]));
    let human = env.frontier(["show", "last"]).output();
    assert!(human.stdout.contains("ok, capped"), "{human}");
    assert!(human.stdout.contains(" · stopped at the token cap\n"), "{human}");

    // An answer that ended on its own carries no flag at all.
    let plain = env.frontier(["run", "--json", "--model", "mock:a", "hi"]).output().json();
    assert_eq!(plain["panel"][0].get("token_capped"), None);
}
