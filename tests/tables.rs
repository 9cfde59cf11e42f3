//! Tables and status at 80 columns, in a real pseudo-terminal: `runs --stats` with a
//! long model name and priced calls, `catalog` with every built-in preset, and `status`
//! in a workspace whose host scopes are armed and where frontier is registered with hosts. No line is wider than 80, and no header,
//! number or model name is split across lines (docs/output.md, "Width").

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::TestEnv;
use common::pty::{assert_fits, assert_tokens_whole, in_terminal, in_terminal_at, screen, stable};

/// A panel member's name long enough to crowd the statistics table. Every model takes a
/// second (`slow-1000`), so latencies print as `1.0s` from run to run.
const LONG_MODEL: &str = "local:slow-1000-openrouter-sonnet-4.5";

/// Prices small enough that costs read as `$0.000…`: the figures the issue saw split.
const PRICES: &str = "\n[prices]\n\"local:slow-1000-openrouter-sonnet-4.5\" = { input = 3.0, output = 15.0 }\n\
                      \"local:slow-1000-llama3.2\" = { input = 0.1, output = 0.2 }\n\
                      \"local:slow-1000-judge\" = { input = 0.15, output = 0.6 }\n\
                      \"local:slow-1000-synth\" = { input = 0.15, output = 0.6 }\n";

/// The lines a terminal of 80 columns showed for `args`, checked to fit.
fn at_80(env: &TestEnv, args: &[&str]) -> Vec<String> {
    let lines = screen(&in_terminal(env, args, 80));
    assert_fits(&lines, 80);
    lines
}

/// The cells of the table's rows in `text`, each trimmed (a pipe's table: one row a line).
fn cells(text: &str) -> Vec<Vec<String>> {
    text.lines()
        .filter(|l| l.starts_with('│'))
        .map(|l| l.split(['│', '┆']).map(str::trim).filter(|c| !c.is_empty()).map(str::to_string).collect())
        .collect()
}

#[test]
fn runs_stats_at_80_columns_splits_no_header_cost_or_model_name() {
    let env = TestEnv::new().extra_config(PRICES);
    let models = format!("{LONG_MODEL},local:slow-1000-llama3.2");
    let (judge, synth) = ("local:slow-1000-judge", "local:slow-1000-synth");
    let args = ["run", "--seed", "7", "--models", &models, "--judge", judge, "--synth", synth, "q?"];
    let run = env.frontier(args).output();
    assert_eq!(run.code, Some(0), "{run}");

    let lines = at_80(&env, &["runs", "--stats"]);
    // The figures as a pipe prints them, every cell whole: the costs to find on screen.
    let whole = env.frontier(["runs", "--stats"]).output();
    let costs: Vec<String> = cells(&whole.stdout).iter().skip(1).filter_map(|r| r.last().cloned()).collect();
    assert!(costs.iter().any(|c| c.starts_with("$0.0")), "{whole}");
    let mut tokens = vec!["model", "role", "runs", "success", "p50", "cost", LONG_MODEL, "local:slow-1000-llama3.2"];
    tokens.extend(costs.iter().map(String::as_str));
    assert_tokens_whole(&lines, &tokens);
    // A loaded machine may take 1.1s.
    let seconds = regex::Regex::new(r"\b\d\.\ds\b").unwrap();
    let shown = seconds.replace_all(&stable(&lines.join("\n")), "#.#s").into_owned();
    assert!(shown.contains("(left out to fit 80 columns: "), "{shown}");
    insta::assert_snapshot!("runs_stats_at_80_columns", shown);
}

#[test]
fn catalog_at_80_columns_splits_no_header_or_model_name() {
    // The generated config's provider has a port of its own: a config without it.
    let env = TestEnv::new().config(
        "[providers.ollama]\nkind = \"openai\"\nbase_url = \"http://127.0.0.1:9/v1\"\n\n\
         [models.llama]\ndescription = \"Llama on the local Ollama\"\nroutes = [\"ollama:llama3.2\"]\n",
    );
    let lines = at_80(&env, &["catalog"]);
    let tokens = [
        "model",
        "aliases",
        "route",
        "ready",
        "provider",
        "base url",
        "preset",
        "panel",
        "judge / synth",
        "ollama:llama3.2",
        "anthropic:claude-sonnet-5",
        "https://generativelanguage.googleapis.com",
        "ANTHROPIC_API_KEY",
        "frontier-trio",
        "mock:alpha?delay_ms=120",
        "mock:judge?delay_ms",
    ];
    assert_tokens_whole(&lines, &tokens);
    insta::assert_snapshot!(
        "catalog_at_80_columns",
        lines.join("\n").replace(&env.frontier_home().display().to_string(), "[FRONTIER_HOME]")
    );
}

#[test]
fn status_in_an_armed_workspace_shows_each_hosts_scope_and_installs_at_80_columns() {
    let env = TestEnv::new();
    let repo = env.work_dir().join("repo");
    std::fs::create_dir_all(repo.join(".git")).unwrap();
    std::fs::create_dir_all(repo.join("src")).unwrap();
    let ok = |args: &[&str]| {
        let out = env.command(args).current_dir(&repo).output().unwrap();
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    };
    ok(&["mode", "fusion", "--preset", "demo", "--scope", "claude-project"]);
    ok(&["mode", "single", "--model", "mock:solo", "--scope", "gemini-project"]);
    // Registered in the repository: Claude Code's hook and MCP server, Cursor's command;
    // for the user: Gemini CLI's hook (with its command) and Windsurf's workflow.
    ok(&["install", "claude-code", "--project", "."]);
    ok(&["install", "claude-code", "--mcp", "--project", "."]);
    ok(&["install", "cursor", "--project", "."]);
    ok(&["install", "gemini", "--user"]);
    ok(&["install", "windsurf", "--user"]);
    // Not frontier's: a workflow of the same name in the repository.
    std::fs::create_dir_all(repo.join(".windsurf/workflows")).unwrap();
    std::fs::write(repo.join(".windsurf/workflows/frontier.md"), "my own\n").unwrap();
    // From a subdirectory: the workspace is the repository.
    let lines = screen(&in_terminal_at(&env, &["status"], 80, Some(&repo.join("src"))));
    assert_fits(&lines, 80);
    let shown = lines.join("\n");
    let json = env.command(["status", "--json"]).current_dir(&repo).output().unwrap();
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let scopes = report["workspace_scopes"].as_array().unwrap();
    let names: Vec<&str> = scopes.iter().map(|s| s["scope"].as_str().unwrap()).collect();
    assert_eq!(
        scopes.iter().map(|s| (s["alias"].as_str().unwrap(), s["mode"].as_str().unwrap())).collect::<Vec<_>>(),
        [
            ("claude-project", "fusion"),
            ("codex-project", "off"),
            ("gemini-project", "single"),
            ("qwen-project", "off"),
            ("copilot-project", "off"),
            ("opencode-project", "off"),
            ("kilo-project", "off"),
            ("droid-project", "off"),
        ],
        "every autorun host, in order"
    );
    let installed = |whose: &str| {
        report["installed"][whose]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| {
                let vias: Vec<&str> =
                    h["entries"].as_array().unwrap().iter().map(|e| e["via"].as_str().unwrap()).collect();
                (h["host"].as_str().unwrap(), h["autoruns"].as_bool().unwrap(), vias)
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(
        installed("workspace"),
        [("claude-code", true, vec!["hook", "mcp"]), ("cursor", false, vec!["command"])]
    );
    assert_eq!(installed("user"), [("gemini", true, vec!["hook", "command"]), ("windsurf", false, vec!["command"])]);
    let mut tokens: Vec<&str> = scopes.iter().map(|s| s["alias"].as_str().unwrap()).collect();
    tokens.extend(["mock:solo", "Claude Code", "Gemini CLI", "/frontier command", "MCP server"]);
    // The scopes of the armed hosts are shown; the others' aliases are, on one `off` line.
    tokens.extend(scopes.iter().filter(|s| s["mode"] != "off").map(|s| s["scope"].as_str().unwrap()));
    assert_tokens_whole(&lines, &tokens);
    assert!(shown.contains("add `--scope claude-project` to see"), "{shown}");
    // The hashes depend on the temporary directory's path.
    let mut stable_text = shown.replace(&env.frontier_home().display().to_string(), "[FRONTIER_HOME]");
    let root = std::fs::canonicalize(&repo).unwrap().display().to_string();
    stable_text = stable_text.replace(&root, "[REPO]");
    for name in &names {
        let (host, hash) = name.split_once('-').unwrap();
        stable_text = stable_text.replace(name, &format!("{host}-{}", "#".repeat(hash.len())));
    }
    insta::assert_snapshot!("status_in_an_armed_workspace_at_80_columns", stable_text);

    // Nothing registered anywhere: one line says so, and how.
    let bare = TestEnv::new();
    let lines = screen(&in_terminal(&bare, &["status"], 80));
    assert_fits(&lines, 80);
    assert!(
        lines.contains(&"install none here or for you (`frontier install HOST --user` registers one)".to_string()),
        "{lines:#?}"
    );
}
