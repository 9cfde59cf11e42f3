//! Peak memory against a hostile provider (`common::hostile`): a 200 MB answer and a
//! 300 MB error body, for each HTTP kind. Peak RSS is the kernel's own count for reaped
//! children (`getrusage(RUSAGE_CHILDREN)`), which is why this is a test binary of its
//! own with one test: no other child of this process may be counted.

// Tests may panic on what they do not expect.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::TestEnv;
use common::hostile::{HostileServer, KEY, KEY_VAR, Kind, watch};
use nix::sys::resource::{UsageWho, getrusage};
use serde_json::Value;

/// The bar for a 200 MB answer.
const PEAK_RSS_LIMIT_KIB: u64 = 64 * 1024;
/// Past this the watchdog kills the run, sparing the machine a regression's gigabytes.
const WATCHDOG_RSS_KIB: u64 = 512 * 1024;
/// The default `max_answer_bytes`.
const MAX_ANSWER_BYTES: usize = 256 * 1024;
/// The longest an error message quoting a huge body may be.
const SHORT_ERROR_CHARS: usize = 2048;

/// The largest peak RSS of any reaped child so far, in KiB.
fn children_peak_kib() -> u64 {
    getrusage(UsageWho::RUSAGE_CHILDREN).map(|u| u64::try_from(u.max_rss()).unwrap_or(0)).unwrap_or(0)
}

/// What is wrong with a member of `mode`'s report, if anything.
fn check_member(mode: &str, report: &Value) -> Result<(), String> {
    let member = &report["panel"][0];
    match mode {
        "huge" => {
            let content = member["content"].as_str().unwrap_or_default();
            let noted = report["notes"].as_array().into_iter().flatten().any(|n| {
                n.as_str()
                    .unwrap_or_default()
                    .contains(&format!("was cut at {MAX_ANSWER_BYTES} bytes (max_answer_bytes)"))
            });
            if member["ok"] != true || member["truncated"] != true {
                Err(format!("the member should succeed with `truncated: true`: {}", member_summary(member)))
            } else if content.is_empty() || content.len() > MAX_ANSWER_BYTES {
                Err(format!("the kept answer is {} bytes, not 1..={MAX_ANSWER_BYTES}", content.len()))
            } else if !noted {
                Err(format!("no note says the answer was cut at the cap: {}", report["notes"]))
            } else {
                Ok(())
            }
        }
        _ => {
            let error = member["error"].as_str().unwrap_or_default();
            if member["ok"] != false || member["error_kind"] != "server" {
                Err(format!("the member should fail as a server error: {}", member_summary(member)))
            } else if error.chars().count() > SHORT_ERROR_CHARS {
                Err(format!("the error is {} characters long", error.chars().count()))
            } else {
                Ok(())
            }
        }
    }
}

/// A member without its (possibly huge) content, for failure messages.
fn member_summary(member: &Value) -> String {
    let mut member = member.clone();
    if let Some(content) = member.get_mut("content").filter(|c| c.is_string()) {
        *content = Value::String(format!("<{} bytes>", content.as_str().unwrap_or_default().len()));
    }
    member.to_string()
}

#[test]
fn peak_rss_stays_under_64_mib_with_a_200_mb_answer_or_a_300_mb_error_body() {
    let server = HostileServer::start();
    let mut findings = Vec::new();
    for kind in Kind::ALL {
        for mode in ["huge", "huge-error"] {
            let name = format!("{} {mode}", kind.name());
            let env = TestEnv::new().config(&server.config_toml());
            let model = kind.model(mode);
            // A member timeout, so that a build that reads every byte still ends.
            let args = [
                "run",
                "Write a long answer.",
                "--json",
                "--timeout",
                "20",
                "--models",
                &model,
                "--judge",
                "mock:j",
                "--synth",
                "mock:s",
            ];
            let mut cmd = env.command(args);
            cmd.env(KEY_VAR, KEY);
            let before = children_peak_kib();
            let run = watch(cmd, Duration::from_secs(30), WATCHDOG_RSS_KIB);
            let after = children_peak_kib();
            // The maximum only rises when this child peaked above every earlier one.
            let peak = if after > before { after } else { run.polled_hwm_kib };
            if peak > PEAK_RSS_LIMIT_KIB {
                findings.push(format!("{name}: peak RSS {} MiB, over 64 MiB", peak / 1024));
            }
            if let Some(why) = &run.killed {
                findings.push(format!("{name}: {why}"));
                continue;
            }
            match serde_json::from_str::<Value>(&run.outcome.stdout) {
                Err(e) => findings.push(format!("{name}: not a RunReport ({e}): {}", run.outcome.stderr)),
                Ok(report) => {
                    if let Err(e) = check_member(mode, &report) {
                        findings.push(format!("{name}: {e}"));
                    }
                }
            }
        }
    }
    assert!(findings.is_empty(), "{} finding(s):\n{}", findings.len(), findings.join("\n"));
}
