//! A client session with the real `frontier mcp` over stdio, one JSON-RPC message a line,
//! for tests/mcp.rs and tests/mcp_hostile.rs; and a fusion of hanging agent CLIs to
//! cancel.

use std::io::{BufRead as _, BufReader, Write as _};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use pretty_assertions::assert_eq;
use serde_json::{Value, json};

use super::TestEnv;

/// How long the server may take to answer anything here (the mock and the fake server
/// answer at once; this only bounds a broken build).
pub const GENEROUS: Duration = Duration::from_secs(30);

/// A session with `frontier mcp`: its stdin, and every line it writes on stdout.
pub struct Session {
    pub child: Child,
    pub stdin: ChildStdin,
    lines: Receiver<Value>,
    /// Messages read while waiting for another one.
    pub seen: Vec<Value>,
}

impl Session {
    /// Starts `frontier mcp` in `env` (with `vars` added) and initializes the session.
    pub fn start(env: &TestEnv, vars: &[(&str, &str)]) -> Session {
        let mut cmd = env.command(["mcp"]);
        cmd.envs(vars.iter().copied()).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::null());
        let mut child = cmd.spawn().unwrap();
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, lines) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                let value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
                if tx.send(value).is_err() {
                    break;
                }
            }
        });
        let mut session = Session { child, stdin, lines, seen: Vec::new() };
        let init = session.request(
            0,
            "initialize",
            json!({"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "test", "version": "1"}}),
        );
        assert_eq!(init["result"]["serverInfo"]["name"], "frontier", "{init}");
        session.send(&json!({"jsonrpc": "2.0", "method": "notifications/initialized"}));
        session
    }

    pub fn send(&mut self, message: &Value) {
        writeln!(self.stdin, "{message}").unwrap();
        self.stdin.flush().unwrap();
    }

    /// Writes `bytes` as they are (a line of its own must end in a newline).
    pub fn send_raw(&mut self, bytes: &[u8]) {
        self.stdin.write_all(bytes).unwrap();
        self.stdin.flush().unwrap();
    }

    /// Sends request `id` and waits for its response.
    pub fn request(&mut self, id: u64, method: &str, params: Value) -> Value {
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        self.response(id)
    }

    /// Sends a `tools/call` of `tool` as request `id`, with a progress token when `token`.
    pub fn start_call(&mut self, id: u64, tool: &str, arguments: Value, token: Option<&str>) {
        let mut params = json!({"name": tool, "arguments": arguments});
        if let Some(token) = token {
            params["_meta"] = json!({"progressToken": token});
        }
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": "tools/call", "params": params}));
    }

    /// The result of `tools/call` of `tool` as request `id`.
    pub fn call(&mut self, id: u64, tool: &str, arguments: Value) -> Value {
        self.start_call(id, tool, arguments, None);
        let response = self.response(id);
        response.get("result").cloned().unwrap_or_else(|| panic!("no result: {response}"))
    }

    /// Waits for the response to request `id`, keeping what else arrives in `seen`.
    pub fn response(&mut self, id: impl Into<Value>) -> Value {
        let id = id.into();
        if let Some(at) = self.seen.iter().position(|m| m["id"] == id && m.get("method").is_none()) {
            return self.seen.remove(at);
        }
        let until = Instant::now() + GENEROUS;
        loop {
            let left = until.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(m) if m["id"] == id && m.get("method").is_none() => return m,
                Ok(m) => self.seen.push(m),
                Err(RecvTimeoutError::Timeout) => panic!("no response to request {id} in {GENEROUS:?}"),
                Err(RecvTimeoutError::Disconnected) => panic!("the server closed stdout before answering {id}"),
            }
        }
    }

    /// Closes stdin; the server, to wait for.
    pub fn hang_up(self) -> Child {
        drop(self.stdin);
        self.child
    }

    /// Closes stdin and waits for the server to exit.
    pub fn finish(mut self) -> std::process::ExitStatus {
        drop(self.stdin);
        let until = Instant::now() + GENEROUS;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            if Instant::now() > until {
                let _ = self.child.kill();
                panic!("frontier mcp did not exit when its stdin closed");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// The single text of a tool result, and whether it is an error.
pub fn text_of(result: &Value) -> (String, bool) {
    let content = result["content"].as_array().unwrap_or_else(|| panic!("no content: {result}"));
    assert_eq!(content.len(), 1, "{result}");
    (content[0]["text"].as_str().unwrap().to_string(), result["isError"] == true)
}

/// Starts the fake `claude` and `codex` and a `fuse` of them (request 7); returns the
/// session and the pids of the CLIs and their grandchildren once all run.
pub fn hanging_fusion(env: &TestEnv) -> (Session, Vec<String>) {
    let pids = env.work_dir().join("pids");
    std::fs::create_dir_all(&pids).unwrap();
    env.real_programs(&["basename", "cat", "mv", "sleep"]);
    for name in ["claude", "codex"] {
        env.fake_program(name, &super::hanging_cli(&pids));
    }
    let mut mcp = Session::start(env, &[]);
    let arguments = json!({
        "prompt": "q",
        "models": ["claude-cli:opus", "codex-cli:gpt-5.5"],
        "judge": "mock:j",
        "synth": "mock:s",
    });
    mcp.start_call(7, "fuse", arguments, Some("tok"));
    let files: Vec<PathBuf> = ["claude", "codex"]
        .iter()
        .flat_map(|n| ["child", "grandchild"].map(|w| pids.join(format!("{n}.{w}"))))
        .collect();
    let until = Instant::now() + GENEROUS;
    while !files.iter().all(|f| f.exists()) {
        assert!(Instant::now() < until, "the fake CLIs never all started");
        std::thread::sleep(Duration::from_millis(20));
    }
    let running = files.iter().map(|f| std::fs::read_to_string(f).unwrap().trim().to_string()).collect();
    (mcp, running)
}
