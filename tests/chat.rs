//! `frontier chat` in a real pseudo-terminal, the chat's controlling terminal, so that a
//! Ctrl-C typed is the SIGINT a person's is: two turns of one thread (the second turn's
//! members are sent the first turn), a turn cancelled with Ctrl-C (the prompt comes back,
//! nothing is recorded, the thread goes on from the turn before), a panel change that
//! keeps the thread, `/last`, and leaving with `/quit`, Ctrl-D or Ctrl-C twice (exit 0);
//! the lines typed kept in a private file unless history is off; SIGTERM and SIGHUP at
//! the prompt. And without a terminal, chat refuses and points at `run`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::{Read as _, Write as _};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::TestEnv;
use portable_pty::{Child, CommandBuilder, PtySize, native_pty_system};
use pretty_assertions::assert_eq;
use serde_json::{Value, json};

/// The longest any one thing the chat shows may take to appear.
const WITHIN: Duration = Duration::from_secs(20);
const PROMPT: &str = "chat> ";

/// `frontier chat ARGS` on a pseudo-terminal of 100×40, and what it has shown so far.
struct Chat {
    child: Box<dyn Child + Send + Sync>,
    writer: Box<dyn std::io::Write + Send>,
    chunks: mpsc::Receiver<Vec<u8>>,
    /// Everything shown, and how much of it the expectations have consumed.
    seen: String,
    at: usize,
}

impl Chat {
    fn start(env: &TestEnv, args: &[&str]) -> Chat {
        let pair =
            native_pty_system().openpty(PtySize { rows: 40, cols: 100, pixel_width: 0, pixel_height: 0 }).unwrap();
        let std = env.command(std::iter::once("chat").chain(args.iter().copied()));
        let mut cmd = CommandBuilder::new(std.get_program());
        cmd.args(std.get_args());
        cmd.env_clear();
        for (key, value) in std.get_envs() {
            cmd.env(key, value.unwrap());
        }
        cmd.env("TERM", "xterm-256color");
        cmd.cwd(std.get_current_dir().unwrap());
        let child = pair.slave.spawn_command(cmd).unwrap();
        // Only the child holds the terminal now: its exit ends the reads.
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().unwrap();
        let writer = pair.master.take_writer().unwrap();
        let (tx, chunks) = mpsc::channel();
        std::thread::spawn(move || {
            // Kept alive while the child runs: a closed master would hang the child up.
            let _master = pair.master;
            let mut buf = [0u8; 4096];
            while let Ok(n @ 1..) = reader.read(&mut buf) {
                if tx.send(buf[..n].to_vec()).is_err() {
                    break;
                }
            }
        });
        Chat { child, writer, chunks, seen: String::new(), at: 0 }
    }

    /// Waits until `needle` is shown (after what earlier expectations consumed), and
    /// returns what was shown up to its end.
    fn expect(&mut self, needle: &str) -> String {
        let deadline = Instant::now() + WITHIN;
        loop {
            if let Some(found) = self.seen[self.at..].find(needle) {
                let end = self.at + found + needle.len();
                let shown = self.seen[self.at..end].to_string();
                self.at = end;
                return shown;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            match self.chunks.recv_timeout(left) {
                Ok(chunk) => self.seen.push_str(&String::from_utf8_lossy(&chunk)),
                Err(_) => panic!("`{needle}` was not shown within {WITHIN:?}; the screen so far:\n{}", self.seen),
            }
        }
    }

    /// Types `keys`.
    fn send(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    /// Types `line` and Enter at the prompt, once the prompt is shown.
    fn line(&mut self, line: &str) -> String {
        let before = self.expect(PROMPT);
        self.send(&format!("{line}\r"));
        before
    }

    /// Sends `signal` to the chat, as a supervisor or a closing terminal would.
    fn signal(&self, signal: rustix::process::Signal) {
        let pid = rustix::process::Pid::from_raw(i32::try_from(self.child.process_id().unwrap()).unwrap()).unwrap();
        rustix::process::kill_process(pid, signal).unwrap();
    }

    /// The exit code, once the chat has ended.
    fn exit_code(&mut self) -> u32 {
        let deadline = Instant::now() + WITHIN;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.exit_code();
            }
            assert!(Instant::now() < deadline, "the chat did not end; the screen:\n{}", self.seen);
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Chat {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

/// Waits until the server has received a request for `model`.
fn requested(env: &TestEnv, model: &str) {
    let deadline = Instant::now() + WITHIN;
    while env.server().requests_for(model).is_empty() {
        assert!(Instant::now() < deadline, "no request for {model}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// A request's messages as (role, text) pairs, the system message left out.
fn turns(body: &Value) -> Vec<(String, String)> {
    body["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["role"] != "system")
        .map(|m| {
            let text = m["content"]
                .as_str()
                .map_or_else(|| m["content"][0]["text"].as_str().unwrap().to_string(), str::to_string);
            (m["role"].as_str().unwrap().to_string(), text)
        })
        .collect()
}

const PANEL: &[&str] = &["--models", "local:alpha,local:beta", "--judge", "local:judge", "--synth", "local:synth"];

#[test]
fn two_turns_a_cancelled_turn_a_panel_change_and_quit_in_a_real_terminal() {
    let env = TestEnv::new();
    let mut chat = Chat::start(&env, PANEL);
    let banner = chat.expect(PROMPT);
    assert!(
        banner.contains("panel: custom (local:alpha, local:beta) · judge local:judge · synth local:synth"),
        "{banner}"
    );
    chat.send("Why is the sky blue?\r");
    // The answer is the synth's, streamed; the turn ends with its summary.
    chat.expect("Answer from synth: the sky is blue because of Rayleigh scattering.");
    chat.expect("frontier show ");

    chat.line("And at sunset?");
    chat.expect("frontier show ");
    // The second turn's members, judge and synth were sent the first turn: its question,
    // then the answer frontier gave, then the new question.
    let synth_answer = "Answer from synth: the sky is blue because of Rayleigh scattering.";
    for member in ["alpha", "beta", "judge", "synth"] {
        let sent = env.server().requests_for(member);
        assert_eq!(sent.len(), 2, "{member}");
        let second = turns(&sent[1].body);
        assert_eq!(
            second[..2],
            [
                ("user".to_string(), "Why is the sky blue?".to_string()),
                ("assistant".to_string(), synth_answer.to_string()),
            ],
            "{member}"
        );
        assert!(
            second[2..].iter().any(|(role, text)| role == "user" && text.contains("And at sunset?")),
            "{second:#?}"
        );
        assert!(!turns(&sent[0].body).iter().any(|(_, text)| text.contains(synth_answer)), "{member}");
    }

    // A slow panel, and Ctrl-C while it answers: the turn stops, the prompt comes back.
    chat.line("/models local:slow-30000-x,local:alpha");
    chat.expect("panel: custom (local:slow-30000-x, local:alpha)");
    chat.line("What about on Mars?");
    requested(&env, "slow-30000-x");
    let started = Instant::now();
    chat.send("\x03");
    chat.expect("interrupted; cancelled every request");
    chat.expect("the turn was cancelled; the thread goes on from the turn before");
    chat.expect(PROMPT);
    assert!(started.elapsed() < Duration::from_secs(10), "the cancel took {:?}", started.elapsed());

    // A panel change keeps the thread: the demo panel answers the next turn, turn 3 of it.
    chat.send("/panel demo\r");
    chat.expect("panel: demo (");
    chat.line("What is 6*7?");
    chat.expect("demo, played by mock models");
    chat.expect("frontier show ");
    // `/last`: the whole table of the last turn, and where `show` finds it.
    chat.line("/last");
    let last = chat.expect("every answer: frontier show ");
    assert!(last.contains("tokens") && last.contains("mock:gamma"), "{last}");
    // The judge read this turn's question, not the thread's first one.
    assert!(last.contains("Right: 6 × 7 = 42"), "{last}");
    chat.line("/quit");
    assert_eq!(chat.exit_code(), 0, "{}", chat.seen);

    let runs = env.frontier(["runs", "--json"]).output().json();
    let runs: Vec<(String, String)> = runs
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["prompt_head"].as_str().unwrap().to_string(), r["source"].as_str().unwrap().to_string()))
        .rev()
        .collect();
    let chat_run = |prompt: &str| (prompt.to_string(), "chat".to_string());
    assert_eq!(runs, [chat_run("Why is the sky blue?"), chat_run("And at sunset?"), chat_run("What is 6*7?")]);
    let first = env.frontier(["runs", "--json"]).output().json()[2]["run_id"].as_str().unwrap().to_string();
    let last = env.frontier(["show", "last", "--json"]).output().json();
    assert_eq!(last["thread"]["root"], json!(first));
    assert_eq!(last["thread"]["turn"], json!(3));

    // The lines typed are kept for the next chat, in a file only the user may read.
    let kept = env.frontier_home().join("state").join("chat_history");
    let text = std::fs::read_to_string(&kept).unwrap();
    for line in ["Why is the sky blue?", "And at sunset?", "/panel demo", "/quit"] {
        assert!(text.lines().any(|l| l == line), "{line} in {text}");
    }
    assert_eq!(
        std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(&kept).unwrap().permissions()) & 0o777,
        0o600
    );
}

#[test]
fn continue_picks_up_a_recorded_thread_and_a_failed_turn_leaves_the_thread_as_it_was() {
    let env = TestEnv::new();
    let first = env.frontier(["run"].iter().chain(PANEL).chain(&["First question?"])).output();
    assert_eq!(first.code, Some(0), "{first}");
    let first_id = env.frontier(["runs", "--json"]).output().json()[0]["run_id"].as_str().unwrap().to_string();

    let mut chat = Chat::start(&env, &["--continue=nope", "--preset", "demo"]);
    chat.expect("error: no run `nope` to continue");
    assert_eq!(chat.exit_code(), 2, "{}", chat.seen);

    let args: Vec<&str> = ["--continue=last"].iter().chain(PANEL).copied().collect();
    let mut chat = Chat::start(&env, &args);
    chat.line("/models local:fail-503-x");
    chat.expect("panel: custom (local:fail-503-x)");
    chat.line("Doomed?");
    chat.expect("error: ");
    chat.line("/models local:alpha,local:beta");
    chat.expect("panel: custom (local:alpha, local:beta)");
    chat.line("Second question?");
    chat.expect("frontier show ");
    chat.line("/quit");
    assert_eq!(chat.exit_code(), 0, "{}", chat.seen);

    // The recorded run's turn reached the chat's members; the failed turn did not.
    let sent = env.server().requests_for("alpha");
    let last = turns(&sent.last().unwrap().body);
    assert_eq!(
        last[..2],
        [
            ("user".to_string(), "First question?".to_string()),
            ("assistant".to_string(), "Answer from synth: the sky is blue because of Rayleigh scattering.".to_string()),
        ]
    );
    assert!(last[2].1.contains("Second question?") && !last.iter().any(|(_, t)| t.contains("Doomed?")), "{last:#?}");
    let shown = env.frontier(["show", "last", "--json"]).output().json();
    assert_eq!((shown["thread"]["root"].clone(), shown["thread"]["turn"].clone()), (json!(first_id), json!(2)));
}

#[test]
fn ctrl_d_leaves_as_does_ctrl_c_twice_and_a_bad_command_or_panel_is_said_and_the_chat_goes_on() {
    // With history off, the lines typed are not kept either.
    let env = TestEnv::new();
    let config = format!("history = false\n{}", env.config_toml());
    let env = env.config(&config);
    let mut chat = Chat::start(&env, &["--preset", "demo"]);
    chat.line("/pannel");
    chat.expect("error: no chat command `/pannel`");
    chat.line("/models local:a,nope:b");
    chat.expect("error: ");
    chat.line("/panel");
    chat.expect("panel: demo (");
    chat.expect(PROMPT);
    chat.send("\x04");
    assert_eq!(chat.exit_code(), 0, "{}", chat.seen);

    let mut chat = Chat::start(&env, &["--preset", "demo"]);
    chat.expect(PROMPT);
    // Ctrl-C clears a line with text and the prompt stays; on the empty line, the first
    // Ctrl-C says how to leave and the second leaves. Nothing was asked.
    chat.send("half a line\x03/panel\r");
    let shown = chat.expect("panel: demo (");
    assert!(!shown.contains("Ctrl-C again") && !shown.contains("half a line\r\n"), "{shown:?}");
    chat.expect(PROMPT);
    chat.send("\x03");
    chat.expect("(Ctrl-C again, Ctrl-D or /quit to leave)");
    chat.expect(PROMPT);
    chat.send("\x03");
    assert_eq!(chat.exit_code(), 0, "{}", chat.seen);
    assert!(!chat.seen.contains("answer ·"), "{}", chat.seen);
    assert!(!env.frontier_home().join("state").join("chat_history").exists());
}

#[test]
fn sigterm_or_sighup_at_the_prompt_ends_the_chat_with_its_code_and_bracketed_paste_off() {
    let env = TestEnv::new();
    for (signal, code, turns) in [(rustix::process::Signal::TERM, 143, 0), (rustix::process::Signal::HUP, 129, 1)] {
        let mut chat = Chat::start(&env, PANEL);
        for _ in 0..turns {
            chat.line("Why is the sky blue?");
            chat.expect("frontier show ");
        }
        chat.expect(PROMPT);
        // The editor is reading (bracketed paste on) once its prompt is drawn.
        chat.expect("\x1b[?2026l");
        chat.signal(signal);
        assert_eq!(chat.exit_code(), code, "{}", chat.seen);
        // Nothing to say: no turn was running.
        assert_eq!(chat.expect("\x1b[?2004l"), "\x1b[?2004l", "{}", chat.seen);
    }
}

#[test]
fn chat_help_ends_with_its_keys_and_its_own_exit_status() {
    let env = TestEnv::new();
    let help = env.frontier(["chat", "--help"]).output();
    assert_eq!(help.code, Some(0), "{help}");
    let footer = help.stdout.split_once("\nKeys:\n").map(|(_, f)| f.to_string()).unwrap_or_default();
    for line in [
        "  Ctrl-C  during a turn, stop that turn; at the prompt, clear the line",
        "  0    left with /quit, Ctrl-D or Ctrl-C twice",
        "  143  ended by SIGTERM; 129 by SIGHUP",
        "  FRONTIER_HOME ",
    ] {
        assert!(footer.contains(line), "the footer lacks {line:?}:\n{}", help.stdout);
    }
    assert!(!footer.contains("130"), "Ctrl-C does not end a chat:\n{footer}");
}

#[test]
fn without_a_terminal_chat_refuses_and_points_at_run() {
    let env = TestEnv::new();
    let out = env.frontier(["chat", "--preset", "demo"]).stdin("hello\n").output();
    assert_eq!(out.code, Some(2), "{out}");
    assert_eq!(
        out.stderr,
        "error: `frontier chat` needs a terminal, and stdin or stdout is not one\nhint: for one prompt use \
         `frontier run PROMPT`; to follow up a recorded run, `frontier run --continue PROMPT`\n"
    );
}
