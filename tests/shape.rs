//! The shape of a fusion in time, through the real binary: a straggler cut by `--grace`
//! (reported `cut`, not failed, its connection closed), and a lone surviving member that
//! answers without a judge or a synth.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::{Read as _, Write as _};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::TestEnv;
use pretty_assertions::assert_eq;
use serde_json::{Value, json};

/// `run --json` of a fusion of `panel` judged and synthesised by mocks, with `extra` flags.
fn fusion(env: &TestEnv, panel: &str, extra: &[&str]) -> (Value, Duration) {
    let mut args = vec!["run", "Why?", "--json", "--models", panel];
    if !extra.contains(&"--judge") {
        args.extend(["--judge", "mock:judge", "--synth", "mock:synth"]);
    }
    args.extend(extra);
    let start = Instant::now();
    let out = env.frontier(args).output();
    let took = start.elapsed();
    assert_eq!(out.code, Some(0), "{out}");
    (out.json(), took)
}

/// `value` without `latency_ms`.
fn without_latency(value: &Value) -> Value {
    let mut value = value.clone();
    value.as_object_mut().unwrap().remove("latency_ms");
    value
}

#[test]
fn a_straggler_is_cut_after_the_grace_and_the_rest_are_fused() {
    let env = TestEnv::new();
    let panel = "mock:a?delay_ms=200,mock:b?delay_ms=300,mock:slow?delay_ms=5000";
    let (report, took) = fusion(&env, panel, &["--grace", "0.5"]);
    // 0.3 s for the quorum, 0.5 s of grace, the mock judge and synth: far from 5 s.
    assert!(took < Duration::from_millis(3000), "took {took:?}");
    let slow = &report["panel"][2];
    assert_eq!(
        without_latency(slow),
        json!({
            "model": "mock:slow",
            "route": "mock:slow",
            "label": null,
            "ok": false,
            "content": null,
            "error": "cut: still answering 0.5s after 2 members had answered (--grace)",
            "error_kind": null,
            "usage": null,
            "usage_estimated": false,
            "cost_usd": null,
            "cut": true
        })
    );
    let elapsed = slow["latency_ms"].as_u64().unwrap();
    assert!((700..3000).contains(&elapsed), "cut {elapsed} ms into the panel");
    assert_eq!(
        json!({
            "failed_models": report["failed_models"],
            "final_source": report["final_source"],
            "judge_ok": report["judge"]["ok"],
            "synth_ok": report["synth"]["ok"],
            "scored": report["analysis"]["scores"].as_array().map(Vec::len),
            "labels": [report["panel"][0]["label"].is_string(), report["panel"][1]["label"].is_string()],
            "grace": report["grace"],
        }),
        json!({
            "failed_models": [],
            "final_source": "synth",
            "judge_ok": true,
            "synth_ok": true,
            "scored": 2,
            "labels": [true, true],
            "grace": {"secs": 0.5, "quorum": 2},
        })
    );
}

#[test]
fn without_grace_every_member_is_waited_for_and_none_is_cut() {
    let env = TestEnv::new();
    let (report, _) = fusion(&env, "mock:a?delay_ms=100,mock:b?delay_ms=600", &[]);
    assert_eq!(report["panel"][1]["ok"], json!(true));
    assert_eq!(report["panel"][1].get("cut"), None, "reports without a cut keep their shape");
    assert_eq!(report.get("grace"), None, "nor a grace");
}

#[test]
fn a_quorum_of_one_starts_the_grace_at_the_first_answer() {
    let env = TestEnv::new();
    let panel = "mock:a?delay_ms=100,mock:b?delay_ms=4000,mock:c?delay_ms=4000";
    let (report, took) = fusion(&env, panel, &["--grace", "0.2", "--quorum", "1"]);
    assert!(took < Duration::from_millis(3000), "took {took:?}");
    let cut: Vec<&Value> = report["panel"].as_array().unwrap().iter().map(|m| &m["cut"]).collect();
    assert_eq!(cut, [&Value::Null, &json!(true), &json!(true)]);
    // One answer left: it is the answer, alone.
    assert_eq!(report["final_source"], json!("sole_survivor"));
}

#[test]
fn grace_and_quorum_are_checked() {
    let env = TestEnv::new();
    for (flags, what) in [
        (["--grace", "0"], "error: --grace 0 is out of range"),
        (["--quorum", "4"], "error: --quorum 4 is out of range for a panel of 3"),
    ] {
        let mut args = vec!["run", "Why?", "--models", "mock:a,mock:b,mock:c"];
        args.extend(flags);
        let out = env.frontier(args).output();
        assert_eq!(out.code, Some(2), "{out}");
        assert!(out.stderr.starts_with(what), "{out}");
    }
}

#[test]
fn a_grace_in_config_toml_applies_to_runs_without_the_flag() {
    let env = TestEnv::new().config("grace_secs = 0.3\n");
    let (report, took) = fusion(&env, "mock:a?delay_ms=100,mock:b?delay_ms=150,mock:c?delay_ms=5000", &[]);
    assert!(took < Duration::from_millis(3000), "took {took:?}");
    assert_eq!(report["panel"][2]["cut"], json!(true));
}

#[test]
fn one_survivor_answers_alone_without_judge_or_synth() {
    let env = TestEnv::new();
    let (report, _) = fusion(&env, "mock:a?fail=500,mock:b,mock:c?fail=429", &[]);
    assert_eq!(
        json!({
            "final": report["final"],
            "final_source": report["final_source"],
            "judge": report["judge"],
            "synth": report["synth"],
            "analysis": report["analysis"],
            "failed_models": report["failed_models"],
            "notes": report["notes"],
            "timings": {"judge_ms": report["timings"]["judge_ms"], "synth_ms": report["timings"]["synth_ms"]},
        }),
        json!({
            "final": report["panel"][1]["content"],
            "final_source": "sole_survivor",
            "judge": null,
            "synth": null,
            "analysis": null,
            "failed_models": ["mock:a", "mock:c"],
            "notes": ["only mock:b answered; judge and synth skipped"],
            "timings": {"judge_ms": null, "synth_ms": null},
        })
    );
    assert!(report["final"].as_str().is_some_and(|f| !f.is_empty()));
}

/// A server on 127.0.0.1 that starts an event stream and never sends a frame, and says
/// when the client closed the connection.
fn silent_server() -> (u16, Arc<Mutex<Option<Instant>>>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let closed = Arc::new(Mutex::new(None));
    let seen = closed.clone();
    std::thread::spawn(move || {
        let Ok((mut socket, _)) = listener.accept() else { return };
        socket.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        let mut request = Vec::new();
        let mut chunk = [0u8; 4096];
        // The request's head and body: its JSON ends the body.
        while !request.ends_with(b"}") {
            match socket.read(&mut chunk) {
                Ok(0) | Err(_) => return,
                Ok(n) => request.extend_from_slice(&chunk[..n]),
            }
        }
        let _ = socket.write_all(b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n\r\n");
        // Reading returns 0 once the client has closed its end.
        if matches!(socket.read(&mut chunk), Ok(0)) {
            *seen.lock().unwrap() = Some(Instant::now());
        }
    });
    (port, closed)
}

/// The cut member's request is cancelled when it is cut, not when the process exits:
/// the server sees its connection close while the (slow) judge is still at work.
#[test]
fn a_cut_members_connection_is_closed_when_it_is_cut() {
    let (port, closed) = silent_server();
    let env = TestEnv::new()
        .extra_config(&format!("\n[providers.silent]\nkind = \"openai\"\nbase_url = \"http://127.0.0.1:{port}/v1\"\n"));
    let started = Instant::now();
    let flags = ["--grace", "0.3", "--judge", "mock:judge?delay_ms=1500", "--synth", "mock:synth"];
    let (report, _) = fusion(&env, "mock:a?delay_ms=100,mock:b?delay_ms=100,silent:m", &flags);
    let ended = Instant::now();
    assert_eq!(report["panel"][2]["cut"], json!(true));
    let closed_at = closed.lock().unwrap().expect("the server saw the connection close");
    assert!(
        closed_at + Duration::from_millis(1000) < ended,
        "closed {:?} into a run of {:?}",
        closed_at - started,
        ended - started
    );
}
