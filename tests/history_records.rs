//! Run history against records it did not write well: inbox lines that are not records
//! (no run id, a numeric one, a null report, garbage) are set aside once and never block
//! the others, whether `runs`, the MCP tools or the run that fills the inbox moves them;
//! a start time past year 9999 prints as a placeholder; and a state dir that may not be
//! written still reads, the records waiting in its inbox included.

// Tests may panic on what they do not expect.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::Write as _;
use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};
use std::process::Stdio;

use common::mcp::{Session, text_of};
use common::{Outcome, TestEnv};
use pretty_assertions::assert_eq;
use serde_json::{Value, json};

fn db(env: &TestEnv) -> PathBuf {
    env.frontier_home().join("state/history.sqlite3")
}

fn state_file(env: &TestEnv, suffix: &str) -> PathBuf {
    env.frontier_home().join(format!("state/history.sqlite3{suffix}"))
}

/// Appends `lines` to the history's inbox, as a broken or hostile writer would.
fn append_to_inbox(env: &TestEnv, lines: &[String]) {
    let inbox = state_file(env, "-inbox");
    std::fs::create_dir_all(inbox.parent().unwrap()).unwrap();
    let mut file = std::fs::OpenOptions::new().create(true).append(true).open(inbox).unwrap();
    for line in lines {
        writeln!(file, "{line}").unwrap();
    }
}

/// One unusable line of each kind.
fn bad_lines() -> Vec<String> {
    vec![
        json!({"started_at_ms": 1, "source": "run", "report": {"status": "ok", "prompt": "no id"}}).to_string(),
        json!({"started_at_ms": 2, "source": "run", "report": {"run_id": 42}}).to_string(),
        json!({"started_at_ms": 3, "source": "run", "report": null}).to_string(),
        "this line is not JSON at all".to_string(),
    ]
}

/// A run that answers `reply`; its id.
fn run(env: &TestEnv, reply: &str) -> String {
    let out = env.frontier(["run", "--json", "--model", &format!("mock:a?reply={reply}"), "hi"]).output();
    assert_eq!(out.code, Some(0), "{out}");
    assert_eq!(history_lines(&out), Vec::<&str>::new(), "{out}");
    out.json()["run_id"].as_str().unwrap().to_string()
}

/// The ids `runs --json` lists, newest first.
fn listed(out: &Outcome) -> Vec<String> {
    assert_eq!(out.code, Some(0), "{out}");
    out.json().as_array().unwrap().iter().map(|r| r["run_id"].as_str().unwrap().to_string()).collect()
}

/// The lines of stderr that speak about history.
fn history_lines(out: &Outcome) -> Vec<&str> {
    out.stderr.lines().filter(|l| l.contains("history")).collect()
}

fn redact(env: &TestEnv, text: &str) -> String {
    text.replace(&env.frontier_home().display().to_string(), "[FRONTIER_HOME]")
}

#[test]
fn unusable_inbox_lines_are_set_aside_once_and_the_good_records_listed() {
    let env = TestEnv::new();
    let first = run(&env, "one");
    append_to_inbox(&env, &bad_lines());
    // Every later run still only appends, and never warns.
    let second = run(&env, "two");

    let out = env.frontier(["runs", "--json"]).output();
    assert_eq!(listed(&out), [second.clone(), first.clone()]);
    insta::assert_snapshot!(redact(&env, &out.stderr), @"warning: history: 4 lines of the inbox were not usable records (the first: the report has no `run_id` string); they were moved to `[FRONTIER_HOME]/state/history.sqlite3-rejects`");
    assert_eq!(std::fs::metadata(state_file(&env, "-inbox")).unwrap().len(), 0, "the inbox is emptied");
    let rejects = state_file(&env, "-rejects");
    assert_eq!(std::fs::read_to_string(&rejects).unwrap(), bad_lines().join("\n") + "\n", "kept verbatim");
    assert_eq!(std::fs::metadata(&rejects).unwrap().permissions().mode() & 0o777, 0o600);

    let again = env.frontier(["runs"]).output();
    assert_eq!((again.code, again.stderr.as_str()), (Some(0), ""), "told once: {again}");
    assert!(again.stdout.contains(&second), "{again}");
    for args in [vec!["show", "last"], vec!["show", &first], vec!["show", &second, "--markdown"]] {
        let shown = env.frontier(&args).output();
        assert_eq!((shown.code, shown.stderr.as_str()), (Some(0), ""), "{args:?}: {shown}");
    }
}

#[test]
fn the_run_that_moves_a_full_inbox_in_warns_once_about_the_lines_it_set_aside() {
    let env = TestEnv::new();
    let padding = "x".repeat(4 << 20);
    let old = json!({"started_at_ms": 1, "source": "run", "report": {"run_id": "20200101-000000-00000001", "padding": padding}});
    let mut lines = bad_lines();
    lines.push(old.to_string());
    append_to_inbox(&env, &lines);

    let out = env.frontier(["run", "--model", "mock:a?reply=still+here", "hi"]).output();
    assert_eq!((out.code, out.stdout.as_str()), (Some(0), "still here\n"), "{out}");
    assert_eq!(std::fs::metadata(state_file(&env, "-inbox")).unwrap().len(), 0, "moved in");
    let warnings = redact(&env, &history_lines(&out).join("\n"));
    insta::assert_snapshot!(warnings, @"warning: history: 4 lines of the inbox were not usable records (the first: the report has no `run_id` string); they were moved to `[FRONTIER_HOME]/state/history.sqlite3-rejects`");
    let listed_now = env.frontier(["runs", "--json"]).output();
    assert_eq!((listed(&listed_now).len(), listed_now.stderr.as_str()), (2, ""), "told once: {listed_now}");
}

#[test]
fn the_mcp_runs_and_show_tools_keep_working_past_unusable_lines() {
    let env = TestEnv::new();
    let id = run(&env, "one");
    append_to_inbox(&env, &bad_lines());

    let mut mcp = Session::start(&env, &[]);
    let (listing, error) = text_of(&mcp.call(1, "runs", json!({})));
    assert!(!error && listing.contains(&id), "{listing}");
    let note = listing.lines().last().unwrap();
    insta::assert_snapshot!(redact(&env, note), @"warning: history: 4 lines of the inbox were not usable records (the first: the report has no `run_id` string); they were moved to `[FRONTIER_HOME]/state/history.sqlite3-rejects`");
    let (again, error) = text_of(&mcp.call(2, "runs", json!({})));
    assert!(!error && again.contains(&id) && !again.contains("warning"), "told once: {again}");
    let (shown, error) = text_of(&mcp.call(3, "show", json!({"run_id": id})));
    let inside = shown.lines().skip_while(|l| !l.starts_with("[[frontier-record ")).nth(1);
    assert_eq!((inside, error), (Some(format!("# frontier run `{id}`").as_str()), false), "{shown}");
    assert!(mcp.finish().success());
}

#[test]
fn a_record_dated_past_year_9999_lists_and_shows_with_a_placeholder() {
    let env = TestEnv::new();
    let report = |id: &str| {
        json!({
            "run_id": id, "mode": "single", "status": "ok", "prompt": "from the far future",
            "panel": [{"model": "mock:a", "route": "mock:a", "ok": true, "latency_ms": 5, "content": "hello"}],
            "final": "hello", "final_source": "single",
            "totals": {"input_tokens": 1, "output_tokens": 2, "wall_ms": 5, "cost_usd": 0.0},
        })
    };
    // Year 10000, and the largest time there is.
    let year_10000 = 253_402_300_800_000_i64;
    let lines: Vec<String> = [("20261121-101010-0000000a", year_10000), ("20261121-101010-0000000b", i64::MAX)]
        .iter()
        .map(|(id, ms)| json!({"started_at_ms": ms, "source": "run", "report": report(id)}).to_string())
        .collect();
    append_to_inbox(&env, &lines);

    let table = env.frontier(["runs"]).output();
    assert_eq!((table.code, table.stderr.as_str()), (Some(0), ""), "{table}");
    insta::assert_snapshot!("runs_past_9999", table.stdout);
    let json = env.frontier(["runs", "--json"]).output();
    let times: Vec<Value> =
        json.json().as_array().unwrap().iter().map(|r| json!([r["started_at"], r["started_at_ms"]])).collect();
    assert_eq!(times, [json!([null, i64::MAX]), json!([null, year_10000])], "the raw number is kept");

    let shown = env.frontier(["show", "20261121-101010-0000000a"]).output();
    assert_eq!((shown.code, shown.stderr.as_str()), (Some(0), ""), "{shown}");
    insta::assert_snapshot!(shown.stdout.lines().next().unwrap(), @"run 20261121-101010-0000000a · ? · run");
    let markdown = env.frontier(["show", "last", "--markdown"]).output();
    assert_eq!(markdown.code, Some(0), "{markdown}");
    assert!(markdown.stdout.contains("\n- run 20261121-101010-0000000b · ? · run\n"), "{markdown}");
    let stored = env.frontier(["show", "20261121-101010-0000000b", "--json"]).output();
    assert_eq!((stored.code, stored.json()), (Some(0), report("20261121-101010-0000000b")), "{stored}");
}

#[test]
fn history_reads_work_from_a_read_only_state_dir() {
    let env = TestEnv::new();
    let first = run(&env, "one");
    assert_eq!(listed(&env.frontier(["runs", "--json"]).output()), std::slice::from_ref(&first), "moved in");
    let waiting = run(&env, "two");
    append_to_inbox(&env, &["not a record".to_string()]);

    // As frontier leaves it (the WAL beside the database), then with the WAL folded in
    // and its files gone, which SQLite can't open read-only the usual way.
    let mut notes = Vec::new();
    for fold in [false, true] {
        if fold {
            // The last connection to close checkpoints the WAL and deletes it.
            let conn = rusqlite::Connection::open(db(&env)).unwrap();
            conn.query_row("SELECT count(*) FROM runs", [], |r| r.get::<_, i64>(0)).unwrap();
            drop(conn);
            assert!(!state_file(&env, "-wal").exists());
        }
        let before = state_files(&env);
        let locked = ReadOnly::new(&env);
        let out = locked.frontier(["runs", "--json"]);
        assert_eq!(listed(&out), [waiting.clone(), first.clone()], "fold {fold}: {out}");
        notes.push(redact(&env, &out.stderr));
        for id in [&waiting, &first] {
            let shown = locked.frontier(["show", id, "--json"]);
            assert_eq!((shown.code, shown.json()["run_id"].as_str()), (Some(0), Some(id.as_str())), "{shown}");
        }
        let stats = locked.frontier(["runs", "--stats"]);
        assert!(stats.code == Some(0) && stats.stdout.contains("2 runs recorded"), "{stats}");
        drop(locked);
        assert_eq!(state_files(&env), before, "fold {fold}: nothing in the state dir changed");
    }
    assert_eq!(notes[0], notes[1]);
    insta::assert_snapshot!(notes[0], @"note: history: 1 run waiting in `[FRONTIER_HOME]/state/history.sqlite3-inbox` is shown but stays there: `[FRONTIER_HOME]/state` is read-only (beside 1 line that is not a record)");

    // Writable again, the waiting record moves in and the line goes aside.
    let out = env.frontier(["runs", "--json"]).output();
    assert_eq!(listed(&out), [waiting, first]);
    assert!(out.stderr.starts_with("warning: history: 1 line of the inbox was not a usable record"), "{out}");
}

/// Every file of the state dir and its bytes.
fn state_files(env: &TestEnv) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files: Vec<_> = std::fs::read_dir(env.frontier_home().join("state"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| (p.clone(), std::fs::read(&p).unwrap()))
        .collect();
    files.sort();
    files
}

/// The state dir made read-only for frontier while it lives, writable again after. As
/// root (CI), where permissions don't stop writes, frontier runs as `nobody` (setpriv,
/// util-linux) over a tree `nobody` owns, with the state dir 0555 and its files 0400;
/// otherwise the same modes stop the test's own user.
struct ReadOnly<'a> {
    env: &'a TestEnv,
    as_nobody: bool,
}

const NOBODY: u32 = 65534;

impl<'a> ReadOnly<'a> {
    fn new(env: &'a TestEnv) -> ReadOnly<'a> {
        let as_nobody = rustix::process::geteuid().is_root();
        if as_nobody {
            chown_tree(env.work_dir(), Some(NOBODY));
        }
        set_modes(env, 0o555, 0o400);
        ReadOnly { env, as_nobody }
    }

    /// `frontier ARGS` as `TestEnv::frontier` runs it, as `nobody` when root.
    fn frontier<const N: usize>(&self, args: [&str; N]) -> Outcome {
        let cmd = self.env.command(args);
        let mut wrapped = if self.as_nobody {
            let mut setpriv = std::process::Command::new(system_program("setpriv"));
            setpriv.args([format!("--reuid={NOBODY}"), format!("--regid={NOBODY}"), "--clear-groups".into()]);
            setpriv.arg("--").arg(cmd.get_program()).args(cmd.get_args());
            setpriv.env_clear();
            for (key, value) in cmd.get_envs() {
                if let Some(value) = value {
                    setpriv.env(key, value);
                }
            }
            setpriv.current_dir(cmd.get_current_dir().unwrap());
            setpriv
        } else {
            cmd
        };
        let output = wrapped.stdin(Stdio::null()).output().unwrap();
        Outcome {
            code: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }
}

impl Drop for ReadOnly<'_> {
    fn drop(&mut self) {
        set_modes(self.env, 0o700, 0o600);
        if self.as_nobody {
            chown_tree(self.env.work_dir(), Some(0));
        }
    }
}

fn set_modes(env: &TestEnv, dir: u32, files: u32) {
    let state = env.frontier_home().join("state");
    for entry in std::fs::read_dir(&state).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(files)).unwrap();
        }
    }
    std::fs::set_permissions(&state, std::fs::Permissions::from_mode(dir)).unwrap();
}

fn chown_tree(path: &Path, uid: Option<u32>) {
    std::os::unix::fs::lchown(path, uid, uid).unwrap();
    if path.is_dir() && !path.is_symlink() {
        for entry in std::fs::read_dir(path).unwrap() {
            chown_tree(&entry.unwrap().path(), uid);
        }
    }
}

fn system_program(name: &str) -> PathBuf {
    ["/usr/bin", "/bin"]
        .iter()
        .map(|dir| Path::new(dir).join(name))
        .find(|p| p.is_file())
        .unwrap_or_else(|| panic!("`{name}` (util-linux) is in neither /usr/bin nor /bin"))
}
