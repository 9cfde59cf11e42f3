//! Context for `frontier run` as users meet it (docs/context.md): `-f` files, directories
//! and globs, `--diff`, piped stdin, `--dry-run`, the budget, and the errors for what
//! cannot be sent; every request carries the same context, and history keeps the list of
//! sources, never their contents.

// Tests may panic on what they do not expect.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;

use common::TestEnv;
use pretty_assertions::assert_eq;
use serde_json::json;

/// A panel of two members, a judge and a synth on the fake server.
const PANEL: [&str; 6] = ["--models", "local:m1,local:m2", "--judge", "local:judge", "--synth", "local:synth"];

fn write(dir: &Path, rel: &str, bytes: &[u8]) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

fn run_args<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["run"];
    args.extend(PANEL);
    args.extend(extra);
    args
}

#[test]
fn a_files_text_reaches_every_member_the_judge_and_the_synth_and_history_keeps_it_only_as_the_question_sent() {
    let env = TestEnv::new();
    write(env.work_dir(), "src/pool.rs", b"fn pool() { /* SENTINEL-CONTENTS-4417 */ }\n");
    let out = env.frontier(run_args(&["--json", "-f", "src/pool.rs", "why is the pool slow?"])).output();
    assert_eq!(out.code, Some(0), "{out}");
    let requests = env.server().requests();
    assert_eq!(requests.len(), 4, "two members, the judge and the synth");
    for request in &requests {
        let user = request.user_message();
        assert!(
            user.contains("--- file src/pool.rs (43 bytes) ---\nfn pool() { /* SENTINEL-CONTENTS-4417 */ }\n"),
            "{user}"
        );
        assert!(user.contains("why is the pool slow?"), "{user}");
    }
    let report = out.json();
    assert_eq!(report["context"], json!([{"kind": "file", "path": "src/pool.rs", "bytes": 43}]));
    // The record is the report: its list of sources, and their contents only inside the
    // question as it was sent, which a follow-up sends again (docs/sessions.md).
    let question = report["question"].as_str().unwrap();
    assert!(question.ends_with("\nwhy is the pool slow?") && question.contains("SENTINEL-CONTENTS-4417"), "{question}");
    let shown = env.frontier(["show", report["run_id"].as_str().unwrap(), "--json"]).output();
    let shown = shown.json();
    assert_eq!((&shown["context"], &shown["question"]), (&report["context"], &report["question"]));
    let without = |v: &serde_json::Value| {
        let mut v = v.clone();
        v.as_object_mut().unwrap().remove("question");
        v.to_string()
    };
    assert!(!without(&shown).contains("SENTINEL-CONTENTS-4417"), "nowhere else in the record: {shown}");
}

#[test]
fn a_directory_sends_its_text_files_and_lists_what_it_skipped() {
    let env = TestEnv::new();
    let dir = env.work_dir().join("proj");
    write(&dir, ".gitignore", b"ignored.txt\n");
    write(&dir, "a.md", b"# notes\n");
    write(&dir, "ignored.txt", b"IGNORED-TEXT\n");
    write(&dir, ".env", b"KEY=ENV-SECRET\n");
    write(&dir, "key.pem", b"PEM-SECRET\n");
    write(&dir, "logo.png", b"\x89PNG\0\0");
    let out = env.frontier(run_args(&["--json", "-f", "proj", "summarise"])).output();
    assert_eq!(out.code, Some(0), "{out}");
    assert_eq!(
        out.json()["context"],
        json!([
            {"kind": "file", "path": "proj/a.md", "bytes": 8},
            {"kind": "file", "path": "proj/.env", "bytes": 0, "skipped": "secret"},
            {"kind": "file", "path": "proj/key.pem", "bytes": 0, "skipped": "secret"},
            {"kind": "file", "path": "proj/logo.png", "bytes": 0, "skipped": "binary"},
        ])
    );
    for request in env.server().requests() {
        let user = request.user_message();
        assert!(user.contains("--- file proj/a.md (8 bytes) ---\n# notes\n"), "{user}");
        for never in ["IGNORED-TEXT", "ENV-SECRET", "PEM-SECRET", "PNG"] {
            assert!(!user.contains(never), "{never} in {user}");
        }
    }
}

#[test]
fn piped_stdin_is_context_and_a_dash_prompt_is_still_the_prompt() {
    let env = TestEnv::new();
    let out = env.frontier(run_args(&["--json", "what failed?"])).stdin("error: PIPED-LOG-LINE\n").output();
    assert_eq!(out.code, Some(0), "{out}");
    assert_eq!(out.json()["context"], json!([{"kind": "stdin", "bytes": 22}]));
    for request in env.server().requests() {
        assert!(request.user_message().contains("--- stdin (22 bytes) ---\nerror: PIPED-LOG-LINE\n"), "{request:?}");
    }
    let env = TestEnv::new();
    let out = env.frontier(run_args(&["--json", "-"])).stdin("the prompt itself").output();
    assert_eq!(out.code, Some(0), "{out}");
    assert_eq!(out.json().get("context"), None, "no context: stdin was the prompt");
    assert_eq!(out.json()["prompt"], "the prompt itself");
}

#[test]
fn a_dry_run_prints_the_sources_and_the_budget_and_sends_nothing() {
    let env = TestEnv::new();
    write(env.work_dir(), "a.rs", b"fn a() {}\n");
    write(env.work_dir(), "blob.bin", b"\0\0\0");
    let out = env.frontier(run_args(&["--dry-run", "-f", "a.rs", "-f", "*.bin", "explain"])).output();
    assert_eq!(out.code, Some(2), "a glob of binaries only has nothing to send: {out}");
    let out = env.frontier(run_args(&["--dry-run", "-f", "a.rs", "-f", "blob.bin", "explain"])).output();
    assert_eq!(out.code, Some(0), "{out}");
    assert_eq!(env.server().requests().len(), 0, "nothing was sent");
    insta::assert_snapshot!(out.stdout);
    let out = env.frontier(run_args(&["--dry-run", "--json", "-f", "a.rs", "explain"])).output();
    let dry = out.json();
    assert_eq!(dry["dry_run"], true);
    assert_eq!(dry["budget_chars"], 100_000);
    assert_eq!(dry["context"], json!([{"kind": "file", "path": "a.rs", "bytes": 10}]));
    assert_eq!(dry["panel"], json!(["local:m1", "local:m2"]));
    assert_eq!(env.frontier_home().join("state/history.sqlite3").exists(), false, "a dry run is not recorded");
    assert_eq!(env.frontier_home().join("state/history.sqlite3-inbox").exists(), false, "a dry run is not recorded");
}

#[test]
fn the_smallest_context_window_lowers_the_budget_and_a_long_file_is_cut_and_marked() {
    let env = TestEnv::new().extra_config("\n[models.tiny]\nroutes = [\"local:tiny\"]\ncontext_window = 12000\n");
    let out = env.frontier(["run", "--model", "tiny", "--dry-run", "--json", "q"]).output();
    assert_eq!(out.code, Some(0), "{out}");
    // 12,000 tokens less 2,000 of instructions, 1 of prompt and 4,096 of answer, at 3 a token.
    assert_eq!((out.json()["budget_chars"].clone(), out.json()["limited_by"].clone()), (json!(17_709), json!("tiny")));

    let env = with_top_level("context_chars = 1000\n");
    write(env.work_dir(), "big.txt", "line of text\n".repeat(1000).as_bytes());
    let out = env.frontier(run_args(&["--json", "-f", "big.txt", "q"])).output();
    assert_eq!(out.code, Some(0), "{out}");
    // The 1,000 characters hold the instruction, the frame's lines, the heading and the
    // cut marker too: 440 bytes of the file are left.
    assert_eq!(out.json()["context"], json!([{"kind": "file", "path": "big.txt", "bytes": 440, "truncated": true}]));
    for request in env.server().requests() {
        let user = request.user_message();
        assert!(user.contains("--- file big.txt (cut to 440 of 4004 bytes) ---\n"), "{user}");
        assert!(user.contains("[… cut here: 3564 more bytes not sent]\n"), "{user}");
        assert!(block_of(&user).chars().count() <= 1000, "{user}");
    }
}

/// The context block in a request's user message (at its start, or after the judge's and
/// the synth's `## Question` heading): from its instruction to the line that closes its
/// frame, with the nonce the frame opened with.
fn block_of(user: &str) -> &str {
    let start = user.find("The question below comes with context").unwrap_or_else(|| panic!("no block: {user}"));
    let open = user.lines().find(|l| l.starts_with("[[context ")).unwrap_or_else(|| panic!("no frame: {user}"));
    let nonce = open.trim_start_matches("[[context ").trim_end_matches("]]");
    let close = format!("\n[[end context {nonce}]]\n");
    let end = user.find(&close).unwrap_or_else(|| panic!("no close line: {user}")) + close.len();
    &user[start..end]
}

#[test]
fn ten_thousand_empty_files_with_long_names_stay_within_context_chars() {
    let env = with_top_level("context_chars = 1000\n");
    let dir = env.work_dir().join("many");
    std::fs::create_dir_all(&dir).unwrap();
    let long = "a-rather-long-file-name-".repeat(8);
    for i in 0..10_000 {
        std::fs::write(dir.join(format!("{long}{i:05}.txt")), b"").unwrap();
    }
    let out = env.frontier(run_args(&["--json", "-f", "many", "which of these are empty?"])).output();
    assert_eq!(out.code, Some(0), "{out}");
    let requests = env.server().requests();
    assert_eq!(requests.len(), 4, "two members, the judge and the synth");
    for request in &requests {
        let user = request.user_message();
        let block = block_of(&user);
        assert!(block.chars().count() <= 1000, "a block of {} characters", block.chars().count());
        assert!(block.contains(&format!("--- file many/{long}")), "some files fit: {block}");
    }
    // Every file is listed: the few sent, the rest as over the budget.
    let context = out.json()["context"].as_array().unwrap().clone();
    assert_eq!(context.len(), 10_000);
    let over = context.iter().filter(|s| s["skipped"] == "over the context budget").count();
    assert!(over > 9_990, "{over} over the budget");
}

#[test]
fn the_diff_of_the_work_tree_is_sent_without_secret_files() {
    let env = TestEnv::new();
    env.real_programs(&["git"]);
    let git = |args: &[&str]| git(env.work_dir(), args);
    git(&["init", "-q"]);
    write(env.work_dir(), "a.rs", b"fn a() {}\n");
    write(env.work_dir(), ".env", b"KEY=OLD\n");
    git(&["add", "-A"]);
    git(&["commit", "-q", "-m", "one"]);
    let out = env.frontier(run_args(&["--json", "--diff", "what changed?"])).output();
    assert_eq!(
        out.json()["context"],
        json!([{"kind": "diff", "path": "HEAD", "bytes": 0, "skipped": "empty"}]),
        "{out}"
    );
    write(env.work_dir(), "a.rs", b"fn a() { CHANGED() }\n");
    write(env.work_dir(), ".env", b"KEY=NEW-SECRET\n");
    let out = env.frontier(run_args(&["--json", "--diff=HEAD", "what changed?"])).output();
    assert_eq!(out.code, Some(0), "{out}");
    for request in env.server().requests().iter().skip(4) {
        let user = request.user_message();
        assert!(user.contains("+fn a() { CHANGED() }") && !user.contains("NEW-SECRET"), "{user}");
    }
}

#[test]
fn what_cannot_be_sent_exits_2_naming_it_with_a_hint() {
    let env = TestEnv::new();
    env.real_programs(&["git"]);
    write(env.work_dir(), ".env", b"KEY=V\n");
    write(env.work_dir(), "id_rsa", b"KEY\n");
    std::fs::create_dir_all(env.work_dir().join("empty")).unwrap();
    let mut text = String::new();
    for extra in [
        &["-f", "missing.rs"][..],
        &["-f", ".env"],
        &["-f", "id_rsa"],
        &["-f", "*.go"],
        &["-f", "empty"],
        &["--diff"],
        &["--diff=-p"],
    ] {
        let out = env.frontier(run_args(&[extra, &["q"]].concat())).output();
        assert_eq!(out.code, Some(2), "{out}");
        let stderr = out.stderr.replace(&env.work_dir().display().to_string(), "[WORK]");
        text.push_str(&format!("$ frontier run {} q\n{stderr}\n", extra.join(" ")));
    }
    assert_eq!(env.server().requests().len(), 0);
    insta::assert_snapshot!(text);
}

#[test]
fn a_bad_context_chars_is_refused_at_load() {
    let env = with_top_level("context_chars = 2000001\n");
    let out = env.frontier(run_args(&["q"])).output();
    assert_eq!(out.code, Some(2), "{out}");
    assert!(out.stderr.contains("`context_chars` is 2000001; it must be from 0 (no context) to 2000000"), "{out}");
}

/// A `TestEnv` whose config.toml starts with `keys` (top-level keys precede the tables).
fn with_top_level(keys: &str) -> TestEnv {
    let env = TestEnv::new();
    let text = format!("{keys}{}", env.config_toml());
    env.config(&text)
}

/// Runs `git` in `dir` with a fixed identity and no user configuration.
fn git(dir: &Path, args: &[&str]) {
    let status = std::process::Command::new("git")
        .current_dir(dir)
        .args(["-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false"])
        .args(args)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success(), "git {args:?}");
}

/// `frontier run …` with a pipe on its stdin that `feed` writes to (and closes by
/// dropping it, or holds open while the run goes on); the output.
fn with_piped_stdin(
    env: &TestEnv,
    args: &[&str],
    feed: impl FnOnce(std::process::ChildStdin) + Send + 'static,
) -> common::Outcome {
    use std::process::Stdio;
    let mut child =
        env.command(args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let stdin = child.stdin.take().unwrap();
    let feeder = std::thread::spawn(move || feed(stdin));
    let output = child.wait_with_output().unwrap();
    feeder.join().unwrap();
    common::Outcome {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

#[test]
fn a_piped_writer_that_pauses_5s_twice_is_read_whole() {
    use std::io::Write as _;
    let env = TestEnv::new();
    let out = with_piped_stdin(&env, &run_args(&["--json", "what failed?"]), |mut stdin| {
        for (i, line) in ["first\n", "second\n", "late\n"].iter().enumerate() {
            if i > 0 {
                std::thread::sleep(std::time::Duration::from_secs(5));
            }
            stdin.write_all(line.as_bytes()).unwrap();
        }
    });
    assert_eq!(out.code, Some(0), "{out}");
    assert_eq!(out.json()["context"], json!([{"kind": "stdin", "bytes": 18}]));
    let requests = env.server().requests();
    assert_eq!(requests.len(), 4, "two members, the judge and the synth");
    for request in requests {
        assert!(request.user_message().contains("--- stdin (18 bytes) ---\nfirst\nsecond\nlate\n"), "{request:?}");
    }
    // Five seconds of silence is long enough for the user to be told why nothing happens.
    assert_eq!(out.stderr.matches("frontier is waiting for piped input").count(), 1, "{out}");
}

#[test]
fn a_stdin_left_open_without_data_is_announced_and_the_run_goes_ahead_at_its_budget() {
    let env = TestEnv::new();
    let started = std::time::Instant::now();
    let args = ["run", "--json", "--model", "local:m1", "--budget", "4", "what failed?"];
    let out = with_piped_stdin(&env, &args, |stdin| {
        // Open, and never written to, for longer than the run's budget.
        std::thread::sleep(std::time::Duration::from_secs(7));
        drop(stdin);
    });
    assert_eq!(out.code, Some(0), "{out}");
    assert!(started.elapsed() >= std::time::Duration::from_secs(4), "the read waited for the run's budget");
    insta::assert_snapshot!(out.stderr, @"warning: frontier is waiting for piped input on stdin (it reads to the end before the run starts); if nothing more is coming, close the writer, or run with `</dev/null`");
    assert_eq!(
        out.json()["context"],
        json!([{"kind": "stdin", "bytes": 0, "skipped": "nothing arrived within the run's budget of 4s"}])
    );
    assert_eq!(env.server().requests().len(), 1, "the run went ahead");
}

#[test]
fn every_source_the_budget_cuts_or_skips_is_said_on_stderr_and_in_the_reports_notes() {
    let env = with_top_level("context_chars = 1000\n");
    env.real_programs(&["git"]);
    git(env.work_dir(), &["init", "-q"]);
    write(env.work_dir(), "a.txt", b"one\n");
    git(env.work_dir(), &["add", "-A"]);
    git(env.work_dir(), &["commit", "-q", "-m", "one"]);
    write(env.work_dir(), "a.txt", "a changed line\n".repeat(200).as_bytes());
    for i in 0..6 {
        write(env.work_dir(), &format!("t/{i}.rs"), format!("// test {i}\n").repeat(60).as_bytes());
    }
    let mut text = String::new();
    let mut notes = Vec::new();
    for extra in [&["--diff", "-f", "t/0.rs"][..], &["-f", "t/*.rs"]] {
        let out = env.frontier(run_args(&[&["--json", "--no-stream"], extra, &["q"]].concat())).output();
        assert_eq!(out.code, Some(0), "{out}");
        text.push_str(&format!("$ frontier run {} q\n{}\n", extra.join(" "), out.stderr));
        let report = out.json();
        notes.push(report["notes"].clone());
        // `show` lists every source the summary line counted.
        let shown = env.frontier(["show", report["run_id"].as_str().unwrap(), "--json"]).output().json();
        assert_eq!(shown["context"], report["context"]);
    }
    insta::assert_snapshot!(text);
    // The same lines, in the report's notes, each once.
    for (note, stderr) in notes.iter().zip(text.split("$ frontier run ").skip(1)) {
        let lines: Vec<&str> = stderr.lines().filter_map(|l| l.strip_prefix("warning: ")).collect();
        assert_eq!(note.as_array().unwrap().iter().filter_map(|n| n.as_str()).collect::<Vec<_>>(), lines);
    }
    let skipped: Vec<&str> =
        notes[1].as_array().unwrap().iter().filter_map(|n| n.as_str()).filter(|n| n.contains("not sent")).collect();
    assert_eq!(skipped.len(), 1, "the skipped files of one glob share a line: {skipped:?}");
}

#[test]
fn stdin_cut_at_the_cap_and_a_walk_past_its_file_limit_are_said_on_stderr() {
    let env = with_top_level("context_chars = 1000\n");
    let out = env.frontier(run_args(&["--json", "what failed?"])).stdin(&"log line\n".repeat(2_000)).output();
    assert_eq!(out.code, Some(0), "{out}");
    assert!(
        out.stderr.contains("warning: context: stdin was cut to ") && out.stderr.contains("raise `context_chars`"),
        "{out}"
    );
    assert_eq!(out.json()["context"][0]["truncated"], true);

    let env = TestEnv::new();
    let dir = env.work_dir().join("many");
    std::fs::create_dir_all(&dir).unwrap();
    for i in 0..10_001 {
        std::fs::write(dir.join(format!("{i:05}.txt")), b"").unwrap();
    }
    let out = env.frontier(run_args(&["--dry-run", "-f", "many", "q"])).output();
    assert_eq!(out.code, Some(0), "{out}");
    assert!(
        out.stderr.contains(
            "warning: context: many has more than 10000 files; only the first 10000 were looked at (name a narrower \
             directory or glob)"
        ),
        "{out}"
    );
}

#[test]
fn a_member_whose_window_cannot_hold_the_context_refuses_the_run_and_one_that_can_is_announced() {
    let models = "\n[models.smol]\nroutes = [\"local:smol\"]\ncontext_window = 4096\n\
                  [models.tiny]\nroutes = [\"local:tiny\"]\ncontext_window = 12000\n";
    let env = TestEnv::new().extra_config(models);
    write(env.work_dir(), "main.rs", b"fn main() {}");
    let out = env
        .frontier([
            "run",
            "--models",
            "local:m1,smol",
            "--judge",
            "local:judge",
            "--synth",
            "local:synth",
            "-f",
            "main.rs",
            "q",
        ])
        .output();
    assert_eq!(out.code, Some(2), "{out}");
    assert_eq!(env.server().requests().len(), 0, "nothing was sent");
    insta::assert_snapshot!(out.stderr);
    // A window that holds it all: the run goes ahead, and says its budget was lowered.
    let out = env.frontier(["run", "--json", "--model", "tiny", "-f", "main.rs", "q"]).output();
    assert_eq!(out.code, Some(0), "{out}");
    let line = "context: the budget was lowered from 100000 to 17709 characters to fit `tiny`'s context window of \
                12000 tokens; everything asked for fit";
    assert!(out.stderr.contains(&format!("warning: {line}\n")), "{out}");
    assert_eq!(out.json()["notes"], json!([line]));
    let request = env.server().requests().pop().unwrap();
    assert!(request.user_message().contains("fn main() {}"), "{request:?}");
}

#[test]
fn a_mention_the_budget_cuts_is_named_in_the_relay_the_host_shows() {
    let env = with_top_level("context_chars = 1000\n");
    let repo = common::workspace::repo(&env);
    write(&repo, "src/big.rs", "// a long line of code\n".repeat(200).as_bytes());
    common::workspace::arm(&env, &repo, &["mode", "single", "--model", "local:solo", "--scope", "claude-project"]);
    let event = common::workspace::claude_event(&repo, "Why is @src/big.rs so long? Tell me in detail please.");
    let out = env.frontier(["hook"]).stdin(&event).output();
    assert_eq!(out.code, Some(0), "{out}");
    let relay = out.json()["hookSpecificOutput"]["additionalContext"].as_str().unwrap().to_string();
    assert!(relay.contains("context: file mentioned in the prompt src/big.rs was cut to "), "{relay}");
    // The relay reaches the agent; the user is told beside it, in the line the host shows.
    let told = out.json()["systemMessage"].as_str().unwrap().to_string();
    let run_id = env.frontier(["runs", "--json"]).output().json()[0]["run_id"].as_str().unwrap().to_string();
    let bytes = told.split("was cut to ").nth(1).and_then(|rest| rest.split(' ').next()).unwrap_or("?").to_string();
    assert_eq!(
        told,
        format!(
            "frontier: file mentioned in the prompt src/big.rs was cut to {bytes} bytes to fit the context budget of \
             1000 characters; raise `context_chars` in config.toml, or send less — the panel answered from the rest; \
             `frontier show {run_id}` lists every source"
        )
    );
}

#[test]
fn a_mentioned_file_that_is_not_sent_is_told_to_the_user_and_a_whole_context_tells_nothing() {
    let env = TestEnv::new();
    let repo = common::workspace::repo(&env);
    write(&repo, ".env", b"KEY=SECRET-7731\n");
    write(&repo, "src/small.rs", b"fn small() {}\n");
    common::workspace::arm(&env, &repo, &["mode", "single", "--model", "local:solo", "--scope", "claude-project"]);
    let event = common::workspace::claude_event(&repo, "What is in @.env and why does it matter here?");
    let out = env.frontier(["hook"]).stdin(&event).output();
    assert_eq!(out.code, Some(0), "{out}");
    let told = out.json()["systemMessage"].as_str().unwrap().to_string();
    assert!(told.starts_with("frontier: file mentioned in the prompt .env was not sent (secret) — "), "{told}");
    assert!(!out.stdout.contains("SECRET-7731"), "{out}");
    let whole = common::workspace::claude_event(&repo, "What does @src/small.rs do, in one line please?");
    let out = env.frontier(["hook"]).stdin(&whole).output();
    assert_eq!(out.code, Some(0), "{out}");
    assert_eq!(out.json().get("systemMessage"), None, "{out}");
}
