//! The conventions of a Unix command line: help on every flag and argument, the defaults
//! the code uses stated in `--help`, the exit status in its footer, a manual page that
//! renders without warnings, and completion that knows the user's presets.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use clap::CommandFactory as _;
use common::TestEnv;
use frontier::cli::Cli;
use pretty_assertions::assert_eq;

/// `path: --flag` for every argument under `cmd` (recursively) that has no help text.
fn without_help(cmd: &clap::Command, path: &str, out: &mut Vec<String>) {
    for arg in cmd.get_arguments().filter(|a| !a.is_hide_set()) {
        let help = arg.get_help().or(arg.get_long_help()).map(|h| h.to_string()).unwrap_or_default();
        if help.trim().is_empty() {
            out.push(format!("{path}: {}", arg.get_id()));
        }
    }
    for sub in cmd.get_subcommands() {
        if sub.get_about().is_none() {
            out.push(format!("{path} {}: (no about)", sub.get_name()));
        }
        without_help(sub, &format!("{path} {}", sub.get_name()), out);
    }
}

#[test]
fn every_command_flag_and_argument_has_help() {
    let mut cmd = Cli::command();
    cmd.build();
    let mut missing = Vec::new();
    without_help(&cmd, "frontier", &mut missing);
    assert_eq!(missing, Vec::<String>::new());
}

#[test]
fn help_states_the_defaults_the_code_uses() {
    use frontier::config::settings::*;
    use frontier::scope::state::{DEFAULT_CONTEXT_TURNS, DEFAULT_MIN_CHARS};
    let env = TestEnv::new();
    let run = env.frontier(["run", "--help"]).env("COLUMNS", "400").output().stdout;
    for expected in [
        format!("[default: `member_timeout_secs` in config.toml, else {DEFAULT_MEMBER_TIMEOUT_SECS}]"),
        format!("[default: `budget_secs` in config.toml, else {DEFAULT_BUDGET_SECS}]"),
        format!("[default: `concurrency` in config.toml, else {DEFAULT_CONCURRENCY}]"),
        format!("[default: `idle_timeout_secs` in config.toml, else {DEFAULT_IDLE_TIMEOUT_SECS}]"),
        "[default: `max_cost_usd` in config.toml, else no cap]".to_string(),
    ] {
        assert!(run.contains(&expected), "`run --help` lacks {expected}:\n{run}");
    }
    let tune = env.frontier(["tune", "--help"]).env("COLUMNS", "400").output().stdout;
    for expected in [
        format!("Prompts shorter than this many characters are left alone. [default: {DEFAULT_MIN_CHARS}]"),
        format!("(0: none). [default: {DEFAULT_CONTEXT_TURNS}]"),
        format!("[default: `budget_secs` in config.toml, else {DEFAULT_BUDGET_SECS}]"),
    ] {
        assert!(tune.contains(&expected), "`tune --help` lacks {expected}:\n{tune}");
    }
    let runs = env.frontier(["runs", "--help"]).output().stdout;
    assert!(runs.contains("(default 20)"), "{runs}");
}

#[test]
fn help_ends_with_the_exit_status_and_the_environment() {
    let env = TestEnv::new();
    for args in [&["--help"][..], &["run", "--help"]] {
        let help = env.frontier(args).output();
        assert_eq!(help.code, Some(0), "{help}");
        let footer = help.stdout.split_once("Exit status:").map(|(_, f)| f.to_string()).unwrap_or_default();
        for line in [
            "  0    success",
            "  1    the run failed or was refused",
            "  2    usage: bad flags",
            "  130  cancelled by SIGINT (Ctrl-C); 143 by SIGTERM; 129 by SIGHUP",
            "  FRONTIER_HOME ",
            "  FRONTIER_SCOPE ",
        ] {
            assert!(footer.contains(line), "{args:?}: the footer lacks {line:?}:\n{}", help.stdout);
        }
    }
}

#[test]
fn the_man_page_renders_without_warnings() {
    let env = TestEnv::new();
    let page = env.frontier(["man"]).output();
    assert_eq!(page.code, Some(0), "{page}");
    assert!(page.stdout.contains("\n.TH frontier 1 "), "{}", page.stdout);
    let Some(man) = ["/usr/bin/man", "/bin/man"].into_iter().find(|p| std::path::Path::new(p).is_file()) else {
        eprintln!("skipped: man is not installed");
        return;
    };
    let mut child = std::process::Command::new(man)
        .args(["--warnings", "-l", "-"])
        .env("MANWIDTH", "80")
        .env("PAGER", "cat")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("man starts");
    std::io::Write::write_all(&mut child.stdin.take().expect("stdin"), page.stdout.as_bytes()).expect("writes");
    let rendered = child.wait_with_output().expect("man ends");
    let stderr = String::from_utf8_lossy(&rendered.stderr);
    let text = plain(&String::from_utf8_lossy(&rendered.stdout));
    assert!(rendered.status.success(), "{stderr}");
    assert_eq!(stderr, "", "man warned");
    for heading in ["FRONTIER RUN", "EXIT STATUS", "ENVIRONMENT", "FILES", "--no-stream", "--seed"] {
        assert!(text.contains(heading), "the rendered page lacks {heading}:\n{text}");
    }
    let wide: Vec<&str> = text.lines().filter(|l| l.chars().count() > 80).collect();
    assert_eq!(wide, Vec::<&str>::new(), "lines wider than MANWIDTH");
}

/// `text` without the overstrikes (`X\x08X` bold, `_\x08X` underline) man formats with.
fn plain(text: &str) -> String {
    let mut out: Vec<char> = Vec::with_capacity(text.len());
    for c in text.chars() {
        if c == '\u{8}' {
            out.pop();
        } else {
            out.push(c);
        }
    }
    out.into_iter().collect()
}

#[test]
fn bash_completion_offers_the_users_own_presets() {
    let env = TestEnv::new();
    env.real_programs(&["bash"]);
    let link = env.bin_dir().join("frontier");
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_frontier"), &link).expect("links frontier onto PATH");
    assert_eq!(env.frontier(["preset", "save", "my-duo", "--models", "mock:a,mock:b"]).output().code, Some(0));
    let script = env.frontier(["completions", "bash"]).output();
    assert_eq!(script.code, Some(0), "{script}");
    assert!(script.stdout.contains("FRONTIER_COMPLETE=\"bash\""), "{}", script.stdout);
    let script_file = env.work_dir().join("frontier.bash");
    std::fs::write(&script_file, &script.stdout).expect("writes the script");
    // What bash does on Tab after `frontier run --preset my`, and after `--models opus,gpt-5.`.
    // The child's environment as every other test gives it (PATH, HOME, FRONTIER_HOME).
    let base = env.command(["--version"]);
    let envs: Vec<(std::ffi::OsString, std::ffi::OsString)> =
        base.get_envs().filter_map(|(k, v)| Some((k.to_os_string(), v?.to_os_string()))).collect();
    let tab = |words: &str, cword: usize, current: &str| {
        let program = format!(
            "source {}; COMP_WORDS=({words}); COMP_CWORD={cword}; COMP_TYPE=9; \
             _clap_complete_frontier frontier '{current}'; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
            script_file.display()
        );
        let done = std::process::Command::new(env.bin_dir().join("bash"))
            .args(["--norc", "--noprofile", "-c", &program])
            .env_clear()
            .envs(envs.iter().cloned())
            .current_dir(env.work_dir())
            .output()
            .expect("bash runs");
        String::from_utf8_lossy(&done.stdout).lines().map(str::to_string).collect::<Vec<_>>()
    };
    assert_eq!(tab("frontier run --preset my", 3, "my"), vec!["my-duo".to_string()]);
    assert_eq!(tab("frontier run --models opus,gpt-5.", 3, "opus,gpt-5."), vec!["opus,gpt-5.5".to_string()]);
    let commands = tab("frontier do", 1, "do");
    assert_eq!(commands, vec!["doctor".to_string()]);
}
