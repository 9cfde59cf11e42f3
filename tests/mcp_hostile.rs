//! `frontier mcp` against a client that misbehaves: one that writes requests and never
//! reads (the server stalls, its memory doesn't grow, and every answer arrives once the
//! client reads), lines over 16 MiB (answered with an error, skipped unread), stdin
//! closing while calls run or gather context (the server ends within 2 s, killing their
//! agent CLIs), and
//! cancels of every running call (their places are free at once).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::{BufRead as _, BufReader, Write as _};
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::hostile::proc_status_kib;
use common::mcp::{GENEROUS, Session, hanging_fusion, text_of};
use common::{TestEnv, gone_soon};
use pretty_assertions::assert_eq;
use serde_json::{Value, json};

/// The issue's bar for a server whose client does not read.
const PEAK_RSS_LIMIT_KIB: u64 = 100 * 1024;
/// Past this the test kills the server, sparing the machine a regression's gigabytes.
const WATCHDOG_RSS_KIB: u64 = 512 * 1024;
/// How long a server may take to end once its client has gone or cancelled.
const PROMPT: Duration = Duration::from_secs(2);

fn initialize() -> Value {
    let params =
        json!({"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}});
    json!({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": params})
}

/// A `tools/list` for each request id, but a `catalog` call for every 50th: an unread
/// answer of either kind used to be queued without bound (about 4.5 KB a request, 905 MB
/// for 200,000 catalog calls). Mostly `tools/list`, because a `catalog` call loads the
/// configuration on a thread of its own (milliseconds each in a debug build) and this
/// test has every one of them answered.
fn request(id: usize) -> String {
    let message = if id.is_multiple_of(50) {
        json!({"jsonrpc": "2.0", "id": id, "method": "tools/call", "params": {"name": "catalog", "arguments": {}}})
    } else {
        json!({"jsonrpc": "2.0", "id": id, "method": "tools/list"})
    };
    format!("{message}\n")
}

#[test]
fn a_client_that_never_reads_stalls_the_server_under_100_mib_and_then_gets_every_answer() {
    const TOTAL: usize = 20_000;
    let env = TestEnv::new();
    let mut child =
        env.command(["mcp"]).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::null()).spawn().unwrap();
    let pid = child.id();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    writeln!(stdin, "{}", initialize()).unwrap();
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    assert!(line.contains("\"serverInfo\""), "{line}");
    writeln!(stdin, "{}", json!({"jsonrpc": "2.0", "method": "notifications/initialized"})).unwrap();

    // Writes every request, as fast as the server takes them; reads nothing.
    let written = Arc::new(AtomicUsize::new(0));
    let writer = std::thread::spawn({
        let written = Arc::clone(&written);
        move || {
            for id in 1..=TOTAL {
                if stdin.write_all(request(id).as_bytes()).is_err() {
                    break;
                }
                written.store(id, Ordering::SeqCst);
            }
            stdin
        }
    });
    // The server stops taking requests: nothing more is written for a second.
    let mut last = (0, Instant::now());
    let until = Instant::now() + GENEROUS;
    while last.1.elapsed() < Duration::from_secs(1) {
        assert!(Instant::now() < until, "the server kept reading for {GENEROUS:?}");
        let rss = proc_status_kib(pid, "VmRSS").unwrap_or(0);
        if rss > WATCHDOG_RSS_KIB {
            let _ = child.kill();
            panic!("the server's RSS reached {} MiB while its client was not reading", rss / 1024);
        }
        let now = written.load(Ordering::SeqCst);
        if now != last.0 {
            last = (now, Instant::now());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let stalled_at = last.0;
    assert!(stalled_at < TOTAL, "the server read all {TOTAL} requests without any answer being read");
    let stalled_peak = proc_status_kib(pid, "VmHWM").unwrap();

    // Once the client reads, every request is read and answered, each once.
    let mut answered = vec![false; TOTAL + 1];
    let mut count = 0;
    let until = Instant::now() + Duration::from_secs(300);
    while count < TOTAL {
        assert!(Instant::now() < until, "only {count} of {TOTAL} answers came");
        line.clear();
        assert!(stdout.read_line(&mut line).unwrap() > 0, "stdout closed after {count} answers");
        let answer: Value = serde_json::from_str(&line).unwrap();
        let id = usize::try_from(answer["id"].as_u64().unwrap()).unwrap();
        assert!(answer.get("result").is_some(), "{id}: {}", &line[..line.len().min(300)]);
        assert!(!std::mem::replace(&mut answered[id], true), "{id} was answered twice");
        count += 1;
    }
    let peak = proc_status_kib(pid, "VmHWM").unwrap();
    let stdin = writer.join().unwrap();
    drop(stdin);
    assert!(child.wait().unwrap().success());
    assert!(
        stalled_peak <= PEAK_RSS_LIMIT_KIB && peak <= PEAK_RSS_LIMIT_KIB,
        "peak RSS {} MiB while stalled after {stalled_at} requests, {} MiB in all",
        stalled_peak / 1024,
        peak / 1024
    );
}

#[test]
fn a_line_over_16_mib_is_answered_with_an_error_and_skipped_unread() {
    let env = TestEnv::new();
    let mut mcp = Session::start(&env, &[]);
    let message = "the message is longer than 16 MiB, the most this server reads in one line; it was skipped unread";
    // The id first (as Python's SDK writes a request), 17 MiB of prompt.
    let prompt = "x".repeat(17 << 20);
    let first = json!({"jsonrpc": "2.0", "id": 5, "method": "tools/call", "params": {"name": "fuse", "arguments": {"prompt": prompt}}});
    mcp.send(&first);
    assert_eq!(mcp.response(5), json!({"jsonrpc": "2.0", "id": 5, "error": {"code": -32600, "message": message}}));
    // The id last (as TypeScript's SDK writes one), 120 MiB: read past, never held.
    let mut huge = br#"{"method":"tools/call","params":{"name":"fuse","arguments":{"prompt":""#.to_vec();
    huge.resize(huge.len() + (120 << 20), b'y');
    huge.extend_from_slice(br#""}},"jsonrpc":"2.0","id":"last"}"#);
    huge.push(b'\n');
    mcp.send_raw(&huge);
    assert_eq!(
        mcp.response("last"),
        json!({"jsonrpc": "2.0", "id": "last", "error": {"code": -32600, "message": message}})
    );
    // No id to find: answered with a null id.
    let mut anonymous = vec![b'['; 17 << 20];
    anonymous.push(b'\n');
    mcp.send_raw(&anonymous);
    assert_eq!(mcp.response(Value::Null)["error"]["code"], -32600);
    // The server goes on serving.
    let list = mcp.request(6, "tools/list", json!({}));
    assert_eq!(list["result"]["tools"].as_array().map(Vec::len), Some(5));
    let peak = proc_status_kib(mcp.child.id(), "VmHWM").unwrap();
    assert!(peak <= PEAK_RSS_LIMIT_KIB, "peak RSS {} MiB", peak / 1024);
    assert!(mcp.finish().success());
}

/// Waits up to [`PROMPT`] for the server to exit, and checks that it exited 0.
fn exits_promptly(child: &mut std::process::Child) {
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "{status}");
            return;
        }
        if started.elapsed() > PROMPT {
            let _ = child.kill();
            panic!("frontier mcp was still running {PROMPT:?} after its client went");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn stdin_closing_while_calls_run_ends_the_server_within_2_s_leaving_no_child() {
    let env = TestEnv::new();
    let (mut mcp, running) = hanging_fusion(&env);
    let slow = json!({"prompt": "q", "models": ["mock:x?delay_ms=60000"], "judge": "mock:j", "synth": "mock:s"});
    mcp.start_call(8, "fuse", slow, Some("tok"));
    mcp.start_call(9, "catalog", json!({}), None);
    mcp.response(9);
    let mut child = mcp.hang_up();
    exits_promptly(&mut child);
    for pid in &running {
        assert!(gone_soon(pid), "process {pid} outlived the server");
    }
}

/// A tree of `WIDE * WIDE` directories (no files: a walk caps files, not directories) in
/// the workspace, which a debug build takes over a second to walk; sixteen walks at once,
/// many seconds.
fn huge_tree(env: &TestEnv) -> Value {
    const WIDE: usize = 200;
    let tree = env.work_dir().join("tree");
    for i in 0..WIDE {
        for j in 0..WIDE {
            std::fs::create_dir_all(tree.join(format!("d{i}/e{j}"))).unwrap();
        }
    }
    json!({"prompt": "q", "models": ["mock:x"], "judge": "mock:j", "synth": "mock:s", "files": ["tree"]})
}

#[test]
fn stdin_closing_while_calls_gather_a_huge_tree_ends_the_server_within_2_s() {
    let env = TestEnv::new();
    let gathering = huge_tree(&env);
    let mut mcp = Session::start(&env, &[]);
    for id in 1..=16 {
        mcp.start_call(id, "fuse", gathering.clone(), None);
    }
    std::thread::sleep(Duration::from_millis(300));
    let mut child = mcp.hang_up();
    exits_promptly(&mut child);
}

#[test]
fn sigterm_while_calls_run_ends_the_server_within_2_s() {
    let env = TestEnv::new();
    let (mut mcp, running) = hanging_fusion(&env);
    let slow = json!({"prompt": "q", "models": ["mock:x?delay_ms=60000"], "judge": "mock:j", "synth": "mock:s"});
    mcp.start_call(8, "fuse", slow, None);
    let pid = rustix::process::Pid::from_raw(i32::try_from(mcp.child.id()).unwrap()).unwrap();
    rustix::process::kill_process(pid, rustix::process::Signal::TERM).unwrap();
    exits_promptly(&mut mcp.child);
    for pid in &running {
        assert!(gone_soon(pid), "process {pid} outlived the server");
    }
}

#[test]
fn cancelling_sixteen_running_calls_frees_their_places_at_once() {
    let env = TestEnv::new();
    let slow = json!({"prompt": "q", "models": ["mock:x?delay_ms=60000"], "judge": "mock:j", "synth": "mock:s"});
    cancelling_sixteen_calls_frees_their_places_at_once(&env, &slow);
}

/// A cancel reaches a walk of the workspace, not only a run: the calls' threads end, so
/// their places are free at once (a walk that went on would hold them for seconds).
#[test]
fn cancelling_sixteen_calls_that_gather_a_huge_tree_frees_their_places_at_once() {
    let env = TestEnv::new();
    let gathering = huge_tree(&env);
    cancelling_sixteen_calls_frees_their_places_at_once(&env, &gathering);
}

fn cancelling_sixteen_calls_frees_their_places_at_once(env: &TestEnv, call: &Value) {
    let mut mcp = Session::start(env, &[]);
    for id in 1..=16 {
        mcp.start_call(id, "fuse", call.clone(), Some(&format!("tok-{id}")));
    }
    // All sixteen are running: a seventeenth is refused.
    let until = Instant::now() + GENEROUS;
    loop {
        let (text, is_error) = text_of(&mcp.call(100, "catalog", json!({})));
        if is_error && text.starts_with("error: 16 calls are already running") {
            break;
        }
        assert!(Instant::now() < until, "the sixteen calls never all ran: {text}");
        std::thread::sleep(Duration::from_millis(20));
    }
    for id in 1..=16 {
        mcp.send(&json!({"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": id}}));
    }
    let cancelled = Instant::now();
    let mut next = 101;
    loop {
        let (text, is_error) = text_of(&mcp.call(next, "catalog", json!({})));
        if !is_error {
            break;
        }
        assert!(cancelled.elapsed() < PROMPT, "the cancelled calls still held their places: {text}");
        next += 1;
        std::thread::sleep(Duration::from_millis(20));
    }
    // No answer comes for a cancelled request (the MCP specification asks so), and no
    // cancelled run is recorded.
    let answered: Vec<&Value> = mcp.seen.iter().filter(|m| m.get("method").is_none()).collect();
    assert_eq!(answered, Vec::<&Value>::new());
    assert!(mcp.finish().success());
    let runs = env.frontier(["runs", "--json"]).output().json();
    assert_eq!(runs, json!([]));
}
