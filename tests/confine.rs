//! What context may be read (docs/security.md, "What context may be read"), against the
//! real binary: a secret in a directory beside the workspace, reached by every route (an
//! absolute path, `..`, a linked file, a linked directory, a glob) through `frontier run
//! -f` and a hooked prompt's `@path`, never reaches the provider, and the user is told
//! each time (a usage error, or a source listed as skipped). The MCP tools' `files` are
//! tried the same way in tests/mcp.rs. The user's own `--outside-workspace` does read what
//! they name. Special files are refused at once, named or met in a walk; a directory
//! named 2,000 times is walked once.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;

use common::TestEnv;
use common::outside::{Outside, SENTINEL, assert_never_sent};
use common::workspace::{arm, claude_event, repo};
use pretty_assertions::assert_eq;
use serde_json::Value;

/// Two members, a judge and a synth on the fake server.
const PANEL: [&str; 6] = ["--models", "local:m1,local:m2", "--judge", "local:judge", "--synth", "local:synth"];

fn run_args<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["run"];
    args.extend(PANEL);
    args.extend(extra);
    args
}

/// `(path, skipped)` of each source a report lists as skipped.
fn skipped(context: &Value) -> Vec<(String, String)> {
    context
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| Some((s["path"].as_str()?.to_string(), s["skipped"].as_str()?.to_string())))
        .collect()
}

fn mkfifo(path: &Path) {
    let made = std::process::Command::new("mkfifo").arg(path).status().unwrap();
    assert!(made.success(), "mkfifo {}", path.display());
}

#[test]
fn no_route_of_run_f_sends_a_file_outside_the_workspace_and_each_is_told() {
    let env = TestEnv::new();
    let outside = Outside::new();
    outside.plant_links(env.work_dir());
    let (absolute, relative) = (outside.secret(), outside.secret_from(env.work_dir()));
    let (glob_up, glob_absolute) =
        (relative.replace("config.json", "*.json"), format!("{}/*", outside.dir().display()));
    // Named outside: a usage error naming the item and the flag; nothing is sent.
    let mut told = String::new();
    for item in [&absolute, &relative, &glob_up, &glob_absolute] {
        let out = env.frontier(run_args(&["-f", "docs/readme.md", "-f", item, "q"])).output();
        assert_eq!(out.code, Some(2), "{out}");
        told.push_str(&format!("$ frontier run -f {item} q\n{}\n", out.stderr));
    }
    let told = told
        .replace(&outside.dir().display().to_string(), "[OUTSIDE]")
        .replace(&relative.replace("/config.json", ""), "[UP-TO-OUTSIDE]")
        .replace(&std::fs::canonicalize(env.work_dir()).unwrap().display().to_string(), "[WORK]");
    insta::assert_snapshot!(told);
    assert_eq!(assert_never_sent(env.server()), 0);
    // Inside by name, out by a link: skipped and listed, once each, and the run goes on.
    let items = ["notes.md", "kube", "kube/config.json", "docs/*", "docs"];
    let args: Vec<&str> = items.iter().flat_map(|i| ["-f", i]).collect();
    let out = env.frontier(run_args(&[&["--json"][..], &args, &["q"]].concat())).output();
    assert_eq!(out.code, Some(0), "{out}");
    let links = "links outside the workspace".to_string();
    assert_eq!(
        skipped(&out.json()["context"]),
        ["notes.md", "kube", "kube/config.json", "docs/config.json", "docs/k8s"]
            .map(|p| (p.to_string(), links.clone()))
            .to_vec()
    );
    assert!(out.json()["context"].to_string().contains("docs/readme.md"), "{out}");
    assert_eq!(assert_never_sent(env.server()), 4, "two members, the judge and the synth");
}

#[test]
fn the_users_own_outside_workspace_flag_reads_what_they_name_and_nothing_else() {
    let env = TestEnv::new();
    let outside = Outside::new();
    outside.plant_links(env.work_dir());
    let secret = outside.secret();
    let out = env.frontier(run_args(&["--json", "--outside-workspace", "-f", &secret, "-f", "docs", "q"])).output();
    assert_eq!(out.code, Some(0), "{out}");
    for request in env.server().requests() {
        assert_eq!(request.user_message().matches(SENTINEL).count(), 1, "read once, named: {}", request.user_message());
    }
    // The links met walking `docs` are still skipped: the flag widens only what is named.
    let listed = skipped(&out.json()["context"]);
    assert_eq!(
        listed,
        [("docs/config.json", "link out of the tree"), ("docs/k8s", "link out of the tree")]
            .map(|(p, w)| (p.to_string(), w.to_string()))
    );
    let out = env.frontier(["run", "--outside-workspace", "q"]).output();
    assert_eq!(out.code, Some(2), "the flag without -f is a mistake: {out}");
}

#[test]
fn a_hooked_prompts_mentions_never_reach_outside_the_workspace() {
    let env = TestEnv::new();
    let outside = Outside::new();
    let repo = repo(&env);
    outside.plant_links(&repo);
    arm(&env, &repo, &["mode", "single", "--model", "local:solo", "--scope", "claude-project"]);
    let (absolute, relative) = (outside.secret(), outside.secret_from(&repo));
    let prompt = format!("Compare @notes.md with @kube/config.json, @kube, @docs, @{absolute} and @{relative} please");
    let out = env.frontier(["hook"]).stdin(&claude_event(&repo, &prompt)).output();
    assert_eq!(out.code, Some(0), "{out}");
    assert_eq!(assert_never_sent(env.server()), 1, "the one member");
    let shown = env.frontier(["show", "last", "--json"]).output().json();
    let mentions: Value =
        shown["context"].as_array().unwrap().iter().filter(|s| s["kind"] == "mention").cloned().collect();
    let mut listed = skipped(&mentions);
    listed.sort();
    let mut expected: Vec<(String, String)> = [
        ("notes.md", "links outside the workspace"),
        ("kube/config.json", "links outside the workspace"),
        ("kube", "links outside the workspace"),
        ("docs/config.json", "links outside the workspace"),
        ("docs/k8s", "links outside the workspace"),
        (&absolute, "outside the workspace"),
        (&relative, "outside the workspace"),
    ]
    .map(|(p, w)| (p.to_string(), w.to_string()))
    .to_vec();
    expected.sort();
    assert_eq!(listed, expected);
    assert!(shown["context"].to_string().contains("docs/readme.md"), "{shown}");
}

#[test]
fn special_files_are_refused_at_once_named_or_met_in_a_walk() {
    let env = TestEnv::new();
    let work = env.work_dir();
    std::fs::create_dir_all(work.join("logs")).unwrap();
    std::fs::write(work.join("logs/today.txt"), "a log line\n").unwrap();
    mkfifo(&work.join("pipe"));
    mkfifo(&work.join("logs/live"));
    std::os::unix::fs::symlink(work.join("pipe"), work.join("pipe-link")).unwrap();
    // Each would block a plain open or read forever: the command's deadline fails the
    // test if one does.
    let mut told = String::new();
    for extra in [
        &["-f", "pipe"][..],
        &["-f", "pipe-link"],
        &["-f", "/proc/kmsg"],
        &["--outside-workspace", "-f", "/dev/zero"],
        &["--outside-workspace", "-f", "/proc/self/status"],
    ] {
        let out = env.frontier(run_args(&[extra, &["q"]].concat())).output();
        assert_eq!(out.code, Some(2), "{out}");
        told.push_str(&format!("$ frontier run {} q\n{}\n", extra.join(" "), out.stderr));
    }
    let told = told.replace(&std::fs::canonicalize(work).unwrap().display().to_string(), "[WORK]");
    insta::assert_snapshot!(told);
    // /proc/kmsg blocks a read until the kernel logs; where it is there (a container may
    // mask it with a device), the user's leave does not make it readable.
    if Path::new("/proc/kmsg").exists() {
        let out = env.frontier(run_args(&["--outside-workspace", "-f", "/proc/kmsg", "q"])).output();
        assert_eq!(out.code, Some(2), "{out}");
        assert!(out.stderr.starts_with("error: `-f /proc/kmsg` is not a regular file ("), "{out}");
    }
    let out = env.frontier(run_args(&["--json", "-f", "logs", "q"])).output();
    assert_eq!(out.code, Some(0), "{out}");
    assert_eq!(skipped(&out.json()["context"]), vec![("logs/live".into(), "not a regular file (a FIFO)".into())]);
    assert_eq!(env.server().requests().len(), 4, "only the run over `logs` was sent");
}

#[test]
fn a_directory_named_two_thousand_times_is_walked_once() {
    let env = TestEnv::new();
    let big = env.work_dir().join("big");
    std::fs::create_dir_all(&big).unwrap();
    for i in 0..1000 {
        std::fs::write(big.join(format!("f{i:04}.txt")), "x\n").unwrap();
    }
    std::fs::write(big.join(".env"), "KEY=V\n").unwrap();
    std::fs::write(big.join("logo.png"), b"\x89PNG\0\0").unwrap();
    let mut args = vec!["run", "--model", "local:m1", "--dry-run", "--json"];
    for _ in 0..2000 {
        args.extend(["-f", "big"]);
    }
    args.extend(["-f", "./big/", "-f", "big/*.txt", "q"]);
    let out = env.frontier(&args).output();
    assert_eq!(out.code, Some(0), "{out}");
    let context = out.json()["context"].as_array().unwrap().clone();
    let mut paths: Vec<&str> = context.iter().map(|s| s["path"].as_str().unwrap()).collect();
    assert_eq!(paths.len(), 1002, "every file once, the secret and the binary once");
    paths.sort_unstable();
    paths.dedup();
    assert_eq!(paths.len(), 1002);
}
