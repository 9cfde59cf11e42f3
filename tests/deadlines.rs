//! End to end: every wait on a server has a deadline, whatever it sends, and an answer
//! has a size cap. A small hostile server on 127.0.0.1 streams without end (one endless
//! `data:` line as fast as it can; comment lines as fast as it can; a keep-alive comment
//! every 100 ms; an answer that never ends) and the real `frontier` binary must end on
//! time with the member failed, or with the answer cut and marked `truncated`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::{Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

use common::TestEnv;
use pretty_assertions::assert_eq;
use serde_json::{Value, json};

/// What the hostile server sends after its 200 headers, until the client hangs up.
#[derive(Debug, Clone, Copy)]
enum Hostile {
    /// `data: ` and then `a` without end, as fast as it can.
    EndlessLine,
    /// `:\n` without end, as fast as it can: bytes, never an event.
    CommentFlood,
    /// `: keep-alive\n` every 100 ms.
    KeepAlive,
    /// OpenAI chunks of 1,000 characters each, as fast as it can, never `[DONE]`.
    EndlessAnswer,
}

/// Starts a server for `mode` on a free port of 127.0.0.1; returns its OpenAI-style
/// base URL. Its threads end with the test process.
fn serve(mode: Hostile) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for socket in listener.incoming().flatten() {
            std::thread::spawn(move || {
                let _ = answer(socket, mode);
            });
        }
    });
    format!("http://127.0.0.1:{port}/v1")
}

fn answer(mut socket: TcpStream, mode: Hostile) -> std::io::Result<()> {
    read_request(&mut socket)?;
    socket.write_all(b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n\r\n")?;
    match mode {
        Hostile::EndlessLine => {
            socket.write_all(b"data: ")?;
            let block = [b'a'; 64 * 1024];
            loop {
                socket.write_all(&block)?;
            }
        }
        Hostile::CommentFlood => {
            let block = b":\n".repeat(32 * 1024);
            loop {
                socket.write_all(&block)?;
            }
        }
        Hostile::KeepAlive => loop {
            socket.write_all(b": keep-alive\n")?;
            std::thread::sleep(Duration::from_millis(100));
        },
        Hostile::EndlessAnswer => {
            let chunk = json!({
                "id": "c1", "object": "chat.completion.chunk", "created": 1, "model": "m",
                "choices": [{"index": 0, "delta": {"content": "é".repeat(500)}, "finish_reason": null}]
            });
            let frame = format!("data: {chunk}\n\n").repeat(16);
            loop {
                socket.write_all(frame.as_bytes())?;
            }
        }
    }
}

/// Reads the request's head and body (by `content-length`), so the client is not cut off
/// mid-send.
fn read_request(socket: &mut TcpStream) -> std::io::Result<()> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let n = socket.read(&mut chunk)?;
        if n == 0 {
            return Ok(());
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_ascii_lowercase();
    let length: usize =
        head.lines().find_map(|l| l.strip_prefix("content-length:")).and_then(|v| v.trim().parse().ok()).unwrap_or(0);
    let mut read = buf.len() - head_end;
    while read < length {
        let n = socket.read(&mut chunk)?;
        if n == 0 {
            break;
        }
        read += n;
    }
    Ok(())
}

/// An environment whose provider `hostile` is the server for `mode`, retrying up to 3
/// times with short delays (retries must not stretch a deadline either).
fn env(mode: Hostile) -> TestEnv {
    env_with(mode, "")
}

/// As `env`, with `settings` (top-level keys of config.toml) too.
fn env_with(mode: Hostile, settings: &str) -> TestEnv {
    let base_url = serve(mode);
    TestEnv::new().config(&format!(
        "{settings}[retry]\nmax_attempts = 3\nbase_delay_ms = 10\n\n\
         [providers.hostile]\nkind = \"openai\"\nbase_url = \"{base_url}\"\n"
    ))
}

/// `run --json --model hostile:m EXTRA...`, and how long it took.
fn run(env: &TestEnv, extra: &[&str]) -> (common::Outcome, Duration) {
    let mut args = vec!["run", "Why is the sky blue?", "--json", "--model", "hostile:m"];
    args.extend(extra);
    let start = Instant::now();
    let out = env.frontier(args).output();
    (out, start.elapsed())
}

/// The member's outcome, as the report gives it.
fn member(report: &Value) -> Value {
    let m = &report["panel"][0];
    json!({"ok": m["ok"], "error_kind": m["error_kind"], "status": report["status"]})
}

/// Asserts a run failed as a run whose only member failed does: exit 1, `error: run
/// failed`, the member failed with `kind`.
fn assert_failed(out: &common::Outcome, kind: &str) {
    assert_eq!(out.code, Some(1), "{out}");
    assert!(out.stderr.starts_with("error: run failed"), "{out}");
    assert_eq!(member(&out.json()), json!({"ok": false, "error_kind": kind, "status": "error"}), "{out}");
}

#[test]
fn an_endless_data_line_fails_as_malformed_within_the_timeout() {
    let env = env(Hostile::EndlessLine);
    let (out, took) = run(&env, &["--timeout", "3"]);
    assert!(took < Duration::from_secs(5), "took {took:?}\n{out}");
    assert_failed(&out, "stream");
    let error = out.json()["panel"][0]["error"].as_str().unwrap_or_default().to_string();
    assert_eq!(error, "malformed stream: a line of the event stream is longer than 1024 KiB");
}

#[test]
fn a_flood_of_comments_ends_at_the_member_timeout() {
    let env = env(Hostile::CommentFlood);
    let (out, took) = run(&env, &["--timeout", "3"]);
    assert!(took < Duration::from_secs(5), "took {took:?}\n{out}");
    assert_failed(&out, "timeout");
}

#[test]
fn a_keep_alive_every_100_ms_ends_at_the_member_timeout() {
    let env = env(Hostile::KeepAlive);
    let (out, took) = run(&env, &["--timeout", "3"]);
    assert!(took < Duration::from_secs(5), "took {took:?}\n{out}");
    assert_failed(&out, "timeout");
}

/// Keep-alive comments are not content: before a stream's first text they neither count
/// nor move the first-token deadline, so a stream of them ends there (retried like any
/// timeout), not at the member timeout. (Before the first text the idle timeout does not
/// apply: a reasoning model may think for longer than it; `tests/e2e` checks that.)
#[test]
fn keep_alive_comments_do_not_hold_the_first_token_deadline() {
    let env = env_with(Hostile::KeepAlive, "first_token_timeout_secs = 1\n");
    let (out, took) = run(&env, &["--timeout", "30", "--idle-timeout", "1"]);
    // Three attempts of one second each, plus the retries' short delays.
    assert!(took < Duration::from_secs(5), "took {took:?}\n{out}");
    assert_failed(&out, "timeout");
    let error = out.json()["panel"][0]["error"].as_str().unwrap_or_default().to_string();
    assert_eq!(error, "no answer text within 1s (first_token_timeout_secs)");
}

#[test]
fn an_endless_answer_is_cut_at_max_answer_bytes_kept_and_marked_truncated() {
    let env = env(Hostile::EndlessAnswer);
    let (out, took) = run(&env, &["--timeout", "10"]);
    assert!(took < Duration::from_secs(10), "took {took:?}\n{out}");
    assert_eq!(out.code, Some(0), "{out}");
    let report = out.json();
    let content = report["panel"][0]["content"].as_str().unwrap_or_default();
    // 262,144 bytes of two-byte characters: cut on the boundary at the cap.
    assert_eq!((content.len(), content.chars().all(|c| c == 'é')), (262_144, true));
    assert_eq!(report["final"].as_str(), Some(content));
    assert_eq!(
        json!({"ok": report["panel"][0]["ok"], "truncated": report["panel"][0]["truncated"], "notes": report["notes"]}),
        json!({
            "ok": true,
            "truncated": true,
            "notes": ["hostile:m's answer was cut at 262144 bytes (max_answer_bytes); the rest was not read"]
        })
    );
}

#[test]
fn max_answer_bytes_is_configurable() {
    let env = env_with(Hostile::EndlessAnswer, "max_answer_bytes = 1001\n");
    let (out, _) = run(&env, &["--timeout", "10"]);
    assert_eq!(out.code, Some(0), "{out}");
    let report = out.json();
    assert_eq!(report["panel"][0]["content"].as_str().map(str::len), Some(1000), "cut on a char boundary");
    assert_eq!(report["panel"][0]["truncated"], json!(true));
}
