//! What runs cost: per call from reported usage and the route's price, totals, usage
//! estimated when a provider reports none, and the cost cap before and during a run.

// Tests may panic on what they do not expect.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{Outcome, TestEnv};
use pretty_assertions::assert_eq;
use serde_json::Value;

/// $1000 / $2000 per million tokens: large enough that costs read as whole numbers.
const PRICES: &str = "\n[prices]\n\"local:a\" = { input = 1000.0, output = 2000.0 }\n\
                      \"local:b\" = { input = 1000.0, output = 2000.0 }\n\
                      \"local:judge\" = { input = 1000.0, output = 2000.0 }\n\
                      \"local:synth\" = { input = 1000.0, output = 2000.0 }\n\
                      \"local:nousage-c\" = { input = 1000.0, output = 2000.0 }\n";

/// `frontier run --json EXTRA --models MODELS --judge local:judge --synth local:synth q?`
fn priced_run(env: &TestEnv, models: &str, extra: &[&str]) -> Outcome {
    let mut args = vec!["run", "--json"];
    args.extend_from_slice(extra);
    args.extend(["--models", models, "--judge", "local:judge", "--synth", "local:synth", "q?"]);
    env.frontier(args).output()
}

fn cost_of(call: &Value) -> f64 {
    let (i, o) = (call["usage"]["input_tokens"].as_f64().unwrap(), call["usage"]["output_tokens"].as_f64().unwrap());
    (i * 1000.0 + o * 2000.0) / 1_000_000.0
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[test]
fn each_call_costs_its_reported_tokens_at_its_price_and_totals_add_up() {
    let env = TestEnv::new().extra_config(PRICES);
    let out = priced_run(&env, "local:a,local:b", &[]);
    assert_eq!(out.code, Some(0), "{out}");
    let report = out.json();
    let mut sum = 0.0;
    let calls: Vec<&Value> =
        report["panel"].as_array().unwrap().iter().chain([&report["judge"], &report["synth"]]).collect();
    for call in calls {
        assert_eq!(call["usage_estimated"], false);
        let cost = call["cost_usd"].as_f64().unwrap();
        assert!(cost > 0.0 && close(cost, cost_of(call)), "{call}");
        sum += cost;
    }
    assert!(close(report["totals"]["cost_usd"].as_f64().unwrap(), sum), "{}", report["totals"]);
    assert_eq!(report["totals"]["cost_estimated"], false);
    // The human summary shows the total.
    let human = env
        .frontier(["run", "--models", "local:a,local:b", "--judge", "local:judge", "--synth", "local:synth", "q?"])
        .output();
    assert!(human.stderr.lines().any(|l| l.contains(" tokens · $")), "{human}");
}

#[test]
fn unreported_usage_is_estimated_and_unpriced_calls_make_the_total_a_lower_bound() {
    let env = TestEnv::new().extra_config(PRICES);
    let out = priced_run(&env, "local:nousage-c,local:unpriced", &[]);
    assert_eq!(out.code, Some(0), "{out}");
    let report = out.json();
    let (estimated, unpriced) = (&report["panel"][0], &report["panel"][1]);
    assert_eq!(estimated["usage_estimated"], true);
    assert!(estimated["usage"]["output_tokens"].as_u64().unwrap() > 0, "{estimated}");
    assert!(close(estimated["cost_usd"].as_f64().unwrap(), cost_of(estimated)));
    assert_eq!((unpriced["usage_estimated"].clone(), unpriced["cost_usd"].clone()), (false.into(), Value::Null));
    assert_eq!(report["totals"]["cost_estimated"], true);
}

#[test]
fn a_cap_below_the_estimate_refuses_the_run_before_any_request() {
    let env = TestEnv::new().extra_config(PRICES);
    let out = priced_run(&env, "local:a,local:b", &["--max-cost", "0.01"]);
    assert_eq!(out.code, Some(2), "{out}");
    assert!(out.stderr.starts_with("error: the run's estimated cost, about $"), "{out}");
    assert!(out.stderr.contains("is over the cap of $0.010\nhint: raise --max-cost"), "{out}");
    assert_eq!(env.server().requests().len(), 0, "nothing was sent");
    // The same cap from config.toml (a top-level key, so it goes before the tables).
    let base = TestEnv::new();
    let text = format!("max_cost_usd = 0.01\n{}{PRICES}", base.config_toml());
    let configured = base.config(&text);
    let out = configured.frontier(["run", "--models", "local:a", "q?"]).output();
    assert_eq!(out.code, Some(2), "{out}");
    assert!(out.stderr.contains("is over the cap of $0.010"), "{out}");
    assert_eq!(configured.server().requests().len(), 0, "nothing was sent");
}

#[test]
fn a_stage_that_would_cross_the_cap_is_skipped_and_the_report_says_why() {
    // The member answers far longer than the pre-run estimate assumes (40,000 characters,
    // about 10,000 tokens, against 1,200): the estimate passes the cap, but the judge's
    // real prompt would not.
    let env = TestEnv::new().extra_config(
        "\n[prices]\n\"local:judge\" = { input = 1000.0, output = 1000.0 }\n\
         \"local:synth\" = { input = 1000.0, output = 1000.0 }\n",
    );
    // Two answers, so that there is something to judge (one survivor would answer alone).
    let long = format!("mock:long?reply={},mock:short?reply=brief", "word+".repeat(8_000));
    let out = priced_run(&env, &long, &["--max-cost", "8"]);
    assert_eq!(out.code, Some(0), "{out}");
    let report = out.json();
    let notes: Vec<&str> = report["notes"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
    assert!(notes[0].starts_with("judge skipped: it would bring the cost to about $"), "{notes:?}");
    assert!(notes[0].ends_with("over the $8.000 cap ($0 spent so far)"), "{notes:?}");
    assert!(notes[1].starts_with("synth skipped: "), "{notes:?}");
    assert_eq!((report["judge"].clone(), report["synth"].clone()), (Value::Null, Value::Null));
    assert_eq!(report["final_source"], "longest");
    assert_eq!(env.server().requests().len(), 0, "neither the judge nor the synth was called");
}
