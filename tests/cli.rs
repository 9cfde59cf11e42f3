//! The command line as users meet it: bad input, arming scopes, status, catalog,
//! presets, the offline demo, stdin prompts, Ctrl-C, and concurrent writers.

// Tests may panic on what they do not expect.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::os::unix::fs::PermissionsExt as _;
use std::time::Duration;

use common::TestEnv;
use pretty_assertions::assert_eq;
use serde_json::Value;

/// Runs each argument list and renders `$ args`, the exit code and stderr, for a snapshot.
fn transcript(env: &TestEnv, cases: &[&[&str]]) -> String {
    let mut out = String::new();
    for args in cases {
        let outcome = env.frontier(*args).output();
        // A huge argument is shown by its length, not whole.
        let shown: Vec<String> = args
            .iter()
            .map(|a| if a.len() > 100 { format!("<{} × {:?}>", a.len(), &a[..1]) } else { a.to_string() })
            .collect();
        out.push_str(&format!("$ frontier {}\nexit {:?}\n{}\n", shown.join(" "), outcome.code, outcome.stderr));
    }
    out.replace(&env.frontier_home().display().to_string(), "[FRONTIER_HOME]")
}

#[test]
fn bad_input_exits_2_with_the_offending_value_and_a_hint() {
    let env = TestEnv::new();
    let nine = "mock:a,mock:b,mock:c,mock:d,mock:e,mock:f,mock:g,mock:h,mock:i";
    let huge = "r".repeat(100_000);
    let cases: &[&[&str]] = &[
        &["run", "--model", "gpt-55", "hi"],
        &["run", "--preset", "nope", "hi"],
        &["run", "--jsno", "hi"],
        &["mode", "fuse"],
        &["frobnicate"],
        &["run", ""],
        &["run", "   "],
        &["run", "--models", "mock:a,,mock:b", "hi"],
        &["run", "--models", nine, "hi"],
        &["mode", "fusion", "--models", nine],
        &["mode", "fusion"],
        &["mode", "single"],
        &["mode", "off", "--preset", "demo"],
        &["run", "--preset", "demo", "--models", "mock:a", "hi"],
        &["run", "--model", "mock:a", "--judge", "mock:b", "hi"],
        &["run", "--models", "mock:a?fail=200", "hi"],
        &["run", "--models", "nowhere:x", "hi"],
        &["mode", "single", "--model", "claude-cli:--yolo"],
        &["run", "--timeout", "0", "--preset", "demo", "hi"],
        &["run", "--budget", "99999", "--preset", "demo", "hi"],
        &["run", "--concurrency", "0", "--preset", "demo", "hi"],
        &["run", "hi"],
        &["run", "--timeout", "-1", "--preset", "demo", "hi"],
        &["run", "--budget=-5", "--preset", "demo", "hi"],
        &["run", "--concurrency", "two", "--preset", "demo", "hi"],
        &["run", "--max-cost", "-1", "--preset", "demo", "hi"],
        &["runs", "--limit", "-1"],
        &["tune", "--min-chars", "-3"],
        &["show", &huge],
        &["run", "--preset", &huge, "hi"],
        &["preset", "save", "demo", "--models", "mock:a"],
        &["preset", "save", "chatgpt-duo", "--models", "mock:a"],
        &["mode", "fusion", "--preset", "demo", "--scope", "A_B"],
        &["status", "--scope", "Team A"],
        &["status", "--scope", "///"],
    ];
    let text = transcript(&env, cases);
    for chunk in text.split("$ frontier").skip(1) {
        assert!(chunk.contains("exit Some(2)\nerror: "), "every case is a usage error:\n{chunk}");
        assert!(chunk.contains("\nhint: "), "every case has a hint:\n{chunk}");
    }
    insta::assert_snapshot!(text);
}

#[test]
fn a_malformed_config_names_the_file_and_the_line() {
    let env = TestEnv::new().config("concurrency = 2\n\n[providers.x]\nkind = \"openai\"\nbase_url = 5\n");
    let outcome = env.frontier(["status"]).output();
    assert_eq!(outcome.code, Some(2), "{outcome}");
    let config = env.frontier_home().join("config/config.toml");
    assert_eq!(
        outcome.stderr,
        format!(
            "error: invalid config file `{}`: line 5, column 12, in `[providers.x]`: invalid type: integer `5`, \
             expected a string\n\
             hint: fix the file, or move it aside to fall back to the defaults\n",
            config.display()
        )
    );
    let unknown = TestEnv::new().config("concurrency = 2\nconcurency = 3\n").frontier(["catalog"]).output();
    assert_eq!(unknown.code, Some(2), "{unknown}");
    assert!(
        unknown
            .stderr
            .contains("line 2, column 1: unknown field `concurency`: did you mean `concurrency`? (expected one of"),
        "{unknown}"
    );
}

#[test]
fn the_demo_preset_runs_offline_and_scores_every_answer() {
    let env = TestEnv::new();
    let outcome = env.frontier(["run", "--preset", "demo", "--json", "What is 6*7?"]).output();
    assert_eq!(outcome.code, Some(0), "{outcome}");
    let report = outcome.json();
    assert_eq!(report["status"], "ok");
    assert_eq!(report["mode"], "fusion");
    assert_eq!(report["preset"], "demo");
    let panel = report["panel"].as_array().cloned().unwrap_or_default();
    let models: Vec<&str> = panel.iter().filter_map(|m| m["model"].as_str()).collect();
    assert_eq!(models, ["mock:alpha", "mock:beta", "mock:gamma"]);
    let scored: Vec<&str> =
        report["analysis"]["scores"].as_array().into_iter().flatten().filter_map(|s| s["model"].as_str()).collect();
    let mut sorted = scored.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, models, "every answer is scored once");
    let mut ranking: Vec<&str> =
        report["analysis"]["ranking"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
    ranking.sort_unstable();
    assert_eq!(ranking, models, "the ranking holds every model once");
    assert!(!report["final"].as_str().unwrap_or_default().trim().is_empty());
    assert_eq!(report["final_source"], "synth");
    assert!(report["totals"]["input_tokens"].as_u64().unwrap_or(0) > 0);
    assert!(report["totals"]["wall_ms"].as_u64().unwrap_or(0) >= 500, "the demo's critical path is 500 ms");
}

#[test]
fn human_output_puts_the_table_on_stderr_and_the_answer_on_stdout() {
    let env = TestEnv::new();
    let outcome = env
        .frontier([
            "run",
            "--seed",
            "7",
            "--models",
            "mock:one,mock:two",
            "--judge",
            "mock:j",
            "--synth",
            "mock:s",
            "Why is the sky blue?",
        ])
        .output();
    assert_eq!(outcome.code, Some(0), "{outcome}");
    assert_eq!(
        outcome.stdout,
        "s on \"Why is the sky blue?\": I would start from first principles. Mock answer f1e8.\n"
    );
    // Latencies vary: fold them, and the table's padding, before comparing.
    let stderr = fold_latencies(&outcome.stderr);
    let stderr = regex::Regex::new(r"\d{8}-\d{6}-[0-9a-f]{8}").unwrap().replace_all(&stderr, "RUN_ID");
    insta::assert_snapshot!(stderr);
}

/// Folds what varies between runs: `N ms` latencies, and the padding and rules of the
/// table whose column widths follow them.
fn fold_latencies(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let line: String = line.chars().filter(|c| !matches!(c, '─' | '═')).collect();
        let tokens: Vec<&str> = line.split(' ').filter(|t| !t.is_empty()).collect();
        let mut words: Vec<String> = Vec::new();
        let mut i = 0;
        while i < tokens.len() {
            if tokens[i].chars().all(|c| c.is_ascii_digit()) && tokens.get(i + 1).is_some_and(|t| t.starts_with("ms")) {
                words.push(format!("N{}", tokens[i + 1]));
                i += 2;
            } else {
                words.push(tokens[i].to_string());
                i += 1;
            }
        }
        out.push_str(&words.join(" "));
        out.push('\n');
    }
    out
}

#[test]
fn a_prompt_can_come_from_stdin() {
    let env = TestEnv::new();
    let outcome = env.frontier(["run", "-", "--model", "mock:solo", "--json"]).stdin("Explain   monads\n").output();
    assert_eq!(outcome.code, Some(0), "{outcome}");
    let report = outcome.json();
    assert_eq!(report["prompt"], "Explain   monads\n");
    assert_eq!(report["mode"], "single");
    assert_eq!(report["final_source"], "single");
    let empty = env.frontier(["run", "-", "--model", "mock:solo"]).stdin("\n  \n").output();
    assert_eq!(empty.code, Some(2), "{empty}");
    assert!(empty.stderr.starts_with("error: the prompt is empty\n"), "{empty}");
}

#[test]
fn arming_a_scope_is_what_run_and_status_use() {
    let env = TestEnv::new();
    let armed =
        env.frontier(["mode", "fusion", "--preset", "demo", "--judge", "mock:strict", "--scope", "team-a"]).output();
    assert_eq!(armed.code, Some(0), "{armed}");
    assert_eq!(armed.stderr, "scope `team-a` armed: fusion · demo\n");

    let status = env.frontier(["status", "--scope", "team-a", "--json"]).output().json();
    assert_eq!(status["mode"], "fusion");
    assert_eq!(status["preset"], "demo");
    assert_eq!(status["judge"], "mock:strict", "the --judge override is kept");
    assert_eq!(status["synth"], "mock:synth?delay_ms=100&demo=synth");
    assert_eq!(status["ready"], true);
    assert!(status["armed_at"].as_str().is_some_and(|t| t.ends_with('Z')));

    let run = env.frontier(["run", "--scope", "team-a", "--json", "hello there"]).output();
    assert_eq!(run.code, Some(0), "{run}");
    let report = run.json();
    assert_eq!((report["preset"].clone(), report["judge"]["model"].clone()), ("demo".into(), "mock:strict".into()));

    // FRONTIER_SCOPE picks the scope when --scope is absent.
    let via_env = env.frontier(["status", "--json"]).env("FRONTIER_SCOPE", "team-a").output().json();
    assert_eq!((via_env["scope"].clone(), via_env["scope_source"].clone()), ("team-a".into(), "FRONTIER_SCOPE".into()));

    let off = env.frontier(["mode", "off", "--scope", "team-a"]).output();
    assert_eq!(off.code, Some(0), "{off}");
    let status = env.frontier(["status", "--scope", "team-a", "--json"]).output().json();
    assert_eq!((status["mode"].clone(), status["ready"].clone()), ("off".into(), false.into()));
    let unarmed = env.frontier(["run", "--scope", "team-a", "hi"]).output();
    assert_eq!(unarmed.code, Some(2), "{unarmed}");
}

#[test]
fn project_scopes_are_the_workspace_hash_of_the_repo() {
    let env = TestEnv::new();
    let repo = env.work_dir().join("repo");
    std::fs::create_dir_all(repo.join(".git")).expect("repo");
    std::fs::create_dir_all(repo.join("src/deep")).expect("subdir");
    let status_in = |dir: &std::path::Path, scope: &str| {
        let mut cmd = env.command(["status", "--json", "--scope", scope]);
        cmd.current_dir(dir);
        let out = cmd.output().expect("runs");
        serde_json::from_slice::<Value>(&out.stdout).expect("json")["scope"].as_str().unwrap_or_default().to_string()
    };
    let from_root = status_in(&repo, "codex-project");
    let from_deep = status_in(&repo.join("src/deep"), "codex-project");
    assert_eq!(from_root, from_deep, "a shell anywhere in the repo names the same scope");
    assert!(from_root.starts_with("codex-") && from_root.len() == "codex-".len() + 8, "{from_root}");
    assert_eq!(status_in(&repo, "claude-project").replace("cc-", "codex-"), from_root);
}

#[test]
fn rearming_keeps_the_operators_tuning_and_arming_validates_first() {
    let env = TestEnv::new();
    let scopes = env.frontier_home().join("state/scopes");
    std::fs::create_dir_all(&scopes).expect("scopes dir");
    std::fs::write(
        scopes.join("s.toml"),
        "mode = \"off\"\n[tuning]\nmin_chars = 40\nfan_commands = true\nfan_loops = false\nbudget_secs = 120\n",
    )
    .expect("seed state");
    assert_eq!(env.frontier(["mode", "single", "--model", "mock:a", "--scope", "s"]).output().code, Some(0));
    assert_eq!(env.frontier(["mode", "fusion", "--models", "mock:a,mock:b", "--scope", "s"]).output().code, Some(0));
    let rejected = env.frontier(["mode", "fusion", "--models", "mock:a,ghost", "--scope", "s"]).output();
    assert_eq!(rejected.code, Some(2), "an unknown model is refused at arm time: {rejected}");
    let status = env.frontier(["status", "--scope", "s", "--json"]).output().json();
    assert_eq!(status["panel"], serde_json::json!(["mock:a", "mock:b"]), "the refused arm changed nothing");
    assert_eq!(
        status["tuning"],
        serde_json::json!({
            "min_chars": 40, "fan_commands": true, "fan_loops": false, "budget_secs": 120,
            "context_turns": 6, "context_files": true
        })
    );
}

#[test]
fn concurrent_mode_writers_leave_one_valid_private_file() {
    let env = TestEnv::new();
    let children: Vec<_> = (0..32)
        .map(|i| {
            let args: Vec<String> = if i % 2 == 0 {
                vec!["mode".into(), "fusion".into(), "--preset".into(), "demo".into()]
            } else {
                vec!["mode".into(), "single".into(), "--model".into(), format!("mock:m{i}")]
            };
            let mut cmd = env.command(args.iter().chain(&["--scope".to_string(), "shared".to_string()]));
            cmd.stdout(std::process::Stdio::null()).stderr(std::process::Stdio::null());
            cmd.spawn().expect("spawns")
        })
        .collect();
    for mut child in children {
        assert!(child.wait().expect("waits").success());
    }
    let scopes = env.frontier_home().join("state/scopes");
    let names: Vec<String> = std::fs::read_dir(&scopes)
        .expect("scopes dir")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["shared.toml"], "one state file and no temporary files");
    let mode = std::fs::metadata(scopes.join("shared.toml")).expect("stat").permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let status = env.frontier(["status", "--scope", "shared", "--json"]).output().json();
    assert!(matches!(status["mode"].as_str(), Some("fusion" | "single")), "{status}");
    assert_eq!(status["warning"], Value::Null, "the file parses");
}

#[test]
fn a_state_file_that_is_a_symlink_is_not_written_through() {
    let env = TestEnv::new();
    let scopes = env.frontier_home().join("state/scopes");
    std::fs::create_dir_all(&scopes).expect("scopes dir");
    let target = env.work_dir().join("elsewhere.toml");
    std::fs::write(&target, "precious").expect("target");
    std::os::unix::fs::symlink(&target, scopes.join("s.toml")).expect("symlink");
    let outcome = env.frontier(["mode", "single", "--model", "mock:a", "--scope", "s"]).output();
    assert_eq!(outcome.code, Some(1), "{outcome}");
    assert!(outcome.stderr.starts_with("error: refusing to write through the symbolic link"), "{outcome}");
    assert_eq!(std::fs::read_to_string(&target).ok().as_deref(), Some("precious"));
}

#[test]
fn catalog_and_status_show_readiness_without_secrets() {
    let env = TestEnv::new();
    let bare = env.frontier(["catalog", "--json"]).output().json();
    let gpt =
        bare["models"].as_array().into_iter().flatten().find(|m| m["id"] == "gpt-5.5").cloned().unwrap_or_default();
    assert_eq!(gpt["ready"], false);
    assert_eq!(gpt["missing"], "OPENAI_API_KEY is not set");
    assert_eq!(gpt["aliases"], serde_json::json!(["chatgpt", "gpt"]));

    let secret = "sk-sentinel-catalog-123";
    let keyed = env.frontier(["catalog"]).env("OPENAI_API_KEY", secret).output();
    assert!(!keyed.stdout.contains(secret) && !keyed.stderr.contains(secret));
    let keyed_json = env.frontier(["catalog", "--json"]).env("OPENAI_API_KEY", secret).output();
    assert!(!keyed_json.stdout.contains(secret));
    let gpt = keyed_json.json()["models"].as_array().into_iter().flatten().find(|m| m["id"] == "gpt-5.5").cloned();
    assert_eq!(gpt.map(|m| (m["ready"].clone(), m["route"].clone())), Some((true.into(), "openai:gpt-5.5".into())));

    env.frontier(["mode", "fusion", "--preset", "chatgpt-duo", "--scope", "x"]).output();
    let status = env.frontier(["status", "--scope", "x"]).output();
    assert!(status.stdout.contains("ready   no\n  ✗ gpt-5.5: OPENAI_API_KEY is not set"), "{status}");
}

#[test]
fn presets_can_be_saved_shown_listed_and_deleted() {
    let env = TestEnv::new();
    let saved = env.frontier(["preset", "save", "mine", "--models", "mock:a,mock:b", "--judge", "mock:j"]).output();
    assert_eq!(saved.code, Some(0), "{saved}");
    let shown = env.frontier(["preset", "show", "mine", "--json"]).output().json();
    assert_eq!(
        shown,
        serde_json::json!({
            "name": "mine", "aliases": [], "builtin": false, "description": "mock:a, mock:b judged by mock:j",
            "panel": ["mock:a", "mock:b"], "judge": "mock:j", "synth": "mock:a", "ready": true,
            "readiness": "yes"
        })
    );
    let listed = env.frontier(["preset", "list", "--json"]).output().json();
    let names: Vec<&str> = listed.as_array().into_iter().flatten().filter_map(|p| p["name"].as_str()).collect();
    assert_eq!(names.last(), Some(&"mine"), "user presets follow the built-ins: {names:?}");
    assert!(names.contains(&"chatgpt-duo") || names.contains(&"gpt-duo"));
    let run = env.frontier(["run", "--preset", "mine", "--json", "hi"]).output();
    assert_eq!(run.json()["judge"]["model"], "mock:j");
    assert_eq!(env.frontier(["preset", "delete", "mine"]).output().code, Some(0));
    assert_eq!(env.frontier(["preset", "show", "mine"]).output().code, Some(2));
    let builtin = env.frontier(["preset", "delete", "chatgpt-duo"]).output();
    assert_eq!(builtin.code, Some(1), "{builtin}");
}

#[test]
fn compose_checks_readiness_before_arming_and_dry_run_writes_nothing() {
    let env = TestEnv::new();
    let refused = env.frontier(["compose", "--models", "gpt-5.5,mock:a", "--scope", "c"]).output();
    assert_eq!(refused.code, Some(1), "{refused}");
    assert!(refused.stderr.contains("error: not every model is ready (gpt-5.5); nothing was armed"), "{refused}");
    let dry =
        env.frontier(["compose", "--models", "mock:a,mock:b", "--save", "duo", "--scope", "c", "--dry-run"]).output();
    assert_eq!(dry.code, Some(0), "{dry}");
    assert!(dry.stdout.contains("would arm scope `c` (chosen by --scope); dry run: nothing written"), "{dry}");
    assert!(!env.frontier_home().join("state").exists() && !env.frontier_home().join("config/presets").exists());
    let real = env.frontier(["compose", "--models", "mock:a,mock:b", "--save", "duo", "--scope", "c"]).output();
    assert_eq!(real.code, Some(0), "{real}");
    let status = env.frontier(["status", "--scope", "c", "--json"]).output().json();
    assert_eq!((status["mode"].clone(), status["preset"].clone()), ("fusion".into(), "duo".into()));
}

#[test]
fn ctrl_c_cancels_the_run_and_exits_130() {
    let env = TestEnv::new();
    let mut cmd = env.command(["run", "--models", "mock:slow?delay_ms=20000,mock:b?delay_ms=20000", "hi"]);
    cmd.stdout(std::process::Stdio::null()).stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn().expect("spawns");
    // Wait for the first progress line: the run (and its signal handler) is under way.
    let stderr = child.stderr.take().expect("stderr");
    let mut lines = std::io::BufRead::lines(std::io::BufReader::new(stderr));
    let first = lines.next().and_then(Result::ok).unwrap_or_default();
    assert!(first.contains("panel: asking 2 models"), "{first}");
    let started = std::time::Instant::now();
    let killed = std::process::Command::new("kill").args(["-INT", &child.id().to_string()]).status().expect("kill");
    assert!(killed.success());
    let status = child.wait().expect("waits");
    assert_eq!(status.code(), Some(130));
    assert!(started.elapsed() < Duration::from_secs(10), "cancelled long before the members' 20 s");
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    assert!(rest.iter().any(|l| l.starts_with("error: cancelled")), "{rest:?}");
}

#[test]
fn completions_are_printed_for_each_shell() {
    let env = TestEnv::new();
    for shell in ["bash", "zsh", "fish"] {
        let out = env.frontier(["completions", shell]).output();
        assert_eq!(out.code, Some(0), "{out}");
        // A registration script that calls frontier back for the names (tests/conventions.rs).
        assert!(out.stdout.contains("frontier") && out.stdout.contains("FRONTIER_COMPLETE"), "{shell}");
    }
}

#[test]
fn each_rung_of_the_degradation_ladder_is_reported() {
    let env = TestEnv::new();
    let run = |extra: &[&str]| {
        let mut args = vec![
            "run",
            "--json",
            "--seed",
            "3",
            "--models",
            "mock:short?reply=brief,mock:long?reply=a+much+longer+answer",
        ];
        args.extend_from_slice(extra);
        args.push("question");
        let outcome = env.frontier(&args).output();
        assert_eq!(outcome.code, Some(0), "{outcome}");
        outcome.json()
    };

    // The synth fails: the judge's top-ranked answer stands in, and the note says why.
    let report = run(&["--judge", "mock:j", "--synth", "mock:s?fail=500"]);
    assert_eq!(report["final_source"], "judge_top");
    let top = report["analysis"]["ranking"][0].as_str().unwrap_or_default().to_string();
    let top_content = report["panel"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|m| m["model"] == top.as_str())
        .map(|m| m["content"].clone());
    assert_eq!(Some(report["final"].clone()), top_content);
    assert_eq!(
        report["notes"],
        serde_json::json!(["synth failed (HTTP 500: mock failure); the final answer is the judge's top-ranked answer"])
    );

    // The judge times out: reported as a timeout (not a parse error), the synth still runs.
    let report = run(&["--judge", "mock:j?fail=timeout", "--synth", "mock:s", "--timeout", "1"]);
    assert_eq!(
        (report["judge"]["error"].clone(), report["judge"]["error_kind"].clone()),
        ("timed out after 1s".into(), "timeout".into())
    );
    assert_eq!(report["analysis"], Value::Null);
    assert_eq!(report["final_source"], "synth");
    assert_eq!(
        report["notes"],
        serde_json::json!(["judge failed (timed out after 1s); the synth worked from the raw answers"])
    );

    // Too little budget left: judge and synth are skipped and the longest answer stands.
    let report = run(&["--judge", "mock:j", "--synth", "mock:s", "--budget", "1"]);
    assert_eq!((report["judge"].clone(), report["synth"].clone()), (Value::Null, Value::Null));
    assert_eq!(report["final"], "a much longer answer");
    assert_eq!(report["final_source"], "longest");
    let notes: Vec<&str> = report["notes"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
    assert_eq!(notes.len(), 3, "{notes:?}");
    assert!(
        notes[0].starts_with("judge skipped: ") && notes[0].ends_with("left of the 1s budget, under the 5s floor"),
        "{notes:?}"
    );
    assert!(notes[1].starts_with("synth skipped: "), "{notes:?}");
    assert_eq!(notes[2], "the final answer is the longest answer");
}

#[test]
fn doctor_shows_routes_keys_and_programs_without_values() {
    let env = TestEnv::new();
    env.fake_program("claude", "exit 0");
    let secret = "sk-sentinel-doctor-42";
    let outcome = env.frontier(["doctor", "--json"]).env("OPENAI_API_KEY", secret).output();
    assert_eq!(outcome.code, Some(0), "{outcome}");
    assert!(!outcome.stdout.contains(secret) && !outcome.stderr.contains(secret));
    let report = outcome.json();
    let model = |id: &str| {
        let m =
            report["models"].as_array().into_iter().flatten().find(|m| m["model"] == id).cloned().unwrap_or_default();
        (m["ready"].clone(), m["route"].clone())
    };
    assert_eq!(model("opus"), (true.into(), "claude-cli:opus".into()), "no Anthropic key: the logged-in CLI serves");
    assert_eq!(model("gpt-5.5"), (true.into(), "openai:gpt-5.5".into()), "the API key comes first");
    assert_eq!(model("gemini"), (false.into(), "gemini:gemini-3.1-pro".into()));
    let provider =
        |name: &str| report["providers"].as_array().into_iter().flatten().find(|p| p["name"] == name).cloned();
    assert_eq!(provider("codex-cli").map(|p| p["missing"].clone()), Some("`codex` is not on PATH".into()));
    let human = env.frontier(["doctor"]).env("OPENAI_API_KEY", secret).output();
    assert!(human.stdout.contains("✓ opus      via claude-cli:opus"), "{human}");
    assert!(!human.stdout.contains(secret));
}

/// Every key variable the catalog knows, each set to its own sentinel value.
const KEY_VARS: &[&str] = &[
    "OPENAI_API_KEY",
    "ANTHROPIC_API_KEY",
    "GEMINI_API_KEY",
    "OPENROUTER_API_KEY",
    "DEEPSEEK_API_KEY",
    "MOONSHOT_API_KEY",
    "ZAI_API_KEY",
    "GROQ_API_KEY",
    "TOGETHER_API_KEY",
];

#[test]
fn no_key_value_appears_in_any_output_or_file() {
    // The real providers are pointed at a closed local port: nothing leaves the machine.
    let env = TestEnv::new().config(
        "[retry]\nmax_attempts = 1\n\
         [providers.openai]\nkind = \"openai\"\nbase_url = \"http://127.0.0.1:9/v1\"\napi_key_env = \"OPENAI_API_KEY\"\n\
         [providers.anthropic]\nkind = \"anthropic\"\nbase_url = \"http://127.0.0.1:9\"\napi_key_env = \"ANTHROPIC_API_KEY\"\n",
    );
    let sentinel = |var: &str| format!("sentinel-{}-8f3a", var.to_lowercase());
    let matrix: &[&[&str]] = &[
        &["catalog"],
        &["catalog", "--json"],
        &["doctor"],
        &["doctor", "--json"],
        &["mode", "fusion", "--preset", "frontier-trio", "--scope", "k"],
        &["status", "--scope", "k"],
        &["status", "--scope", "k", "--json"],
        &["compose", "--models", "opus,gpt-5.5,gemini", "--save", "keyed", "--scope", "k2"],
        &["preset", "list"],
        &["preset", "show", "keyed", "--json"],
        &["run", "--preset", "demo", "--json", "hi"],
        &["run", "--preset", "demo", "hi"],
        // Keyed routes whose server is unreachable: the errors must not leak either.
        &["run", "--models", "openai:gpt-5.5,anthropic:claude-opus-4-8", "--json", "--timeout", "2", "hi"],
    ];
    let mut seen = String::new();
    for args in matrix {
        let mut invocation = env.frontier(*args);
        for var in KEY_VARS {
            invocation = invocation.env(var, &sentinel(var));
        }
        let outcome = invocation.output();
        seen.push_str(&outcome.stdout);
        seen.push_str(&outcome.stderr);
    }
    for (path, contents) in env.files() {
        seen.push_str(&format!("{}\n{contents}\n", path.display()));
    }
    for var in KEY_VARS {
        assert!(!seen.contains(&sentinel(var)), "the value of {var} leaked");
    }
}

/// A server on 127.0.0.1 that answers every request with a 400 whose body is `body`.
fn hostile_error_server(body: &'static str) -> u16 {
    use std::io::{Read as _, Write as _};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut stream = stream;
            let _ = stream.set_read_timeout(Some(Duration::from_millis(500)));
            let mut seen = Vec::new();
            let mut buf = [0u8; 4096];
            // Read the head and as much of the body as arrives; the reply does not depend on it.
            while let Ok(n) = stream.read(&mut buf) {
                seen.extend_from_slice(&buf[..n]);
                if n == 0 || seen.windows(4).any(|w| w == b"\r\n\r\n") {
                    break;
                }
            }
            let reply = format!(
                "HTTP/1.1 400 Bad Request\r\ncontent-type: text/plain\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(reply.as_bytes());
        }
    });
    port
}

/// ESC, BEL, CR or a C1 control anywhere in `text`.
fn control_bytes(text: &str) -> Vec<char> {
    text.chars()
        .filter(|c| (c.is_control() && !matches!(c, '\n' | '\t')) || ('\u{202a}'..='\u{202e}').contains(c))
        .collect()
}

#[test]
fn answers_errors_and_names_reach_the_terminal_without_control_sequences() {
    // OSC 52 (clipboard), a title, a screen clear, a reset, an 8-bit CSI, a bidi override.
    let port =
        hostile_error_server("denied \x1b]52;c;cm0gLXJmIH4=\x07\x1b]0;pwned\x1b\\\x1b[2J\x1bc\u{9b}31m\u{202e}end");
    let env = TestEnv::new()
        .extra_config(&format!("\n[providers.evil]\nkind = \"openai\"\nbase_url = \"http://127.0.0.1:{port}/v1\"\n"));
    // Percent-encoded: `\x1b]52;c;eA==\x07` and `\x1b[2J\r\u{9d}0;t\x07` around plain words.
    let member = "mock:a?reply=kept%1B%5D52%3Bc%3BeA%3D%3D%07+words";
    let synth = "mock:s?reply=fused%1B%5B2J%0D%C2%9D0%3Bt%07+answer%0D%0Anext";
    // Two answers, so that the synth runs (one survivor would answer alone).
    let args = ["run", "--models", &format!("evil:m,{member},mock:b"), "--judge", "mock:j", "--synth", synth, "hi"];
    let human = env.frontier(args).output();
    assert_eq!(human.code, Some(0), "{human}");
    assert_eq!(human.stdout, "fused answer\nnext\n");
    assert_eq!(control_bytes(&human.stderr), Vec::<char>::new(), "{human}");
    assert!(human.stderr.contains("denied end"), "the error is shown, cleaned: {human}");
    assert!(human.stderr.contains("┆ failed: HTTP 400: denied end"), "cleaned before the table measures it: {human}");

    // --json keeps the raw text, escaped by serde.
    let json = env.frontier(args.iter().copied().chain(["--json"])).output();
    assert!(json.stdout.contains("fused\\u001b[2J\\r\u{9d}0;t\\u0007 answer\\r\\nnext"), "{json}");
    let report = json.json();
    assert_eq!(report["final"], "fused\x1b[2J\r\u{9d}0;t\x07 answer\r\nnext");

    // What history shows later is cleaned the same way.
    let id = report["run_id"].as_str().unwrap().to_string();
    for args in [vec!["show", id.as_str()], vec!["runs"], vec!["runs", "--stats"]] {
        let out = env.frontier(&args).output();
        assert_eq!(out.code, Some(0), "{out}");
        assert_eq!(control_bytes(&out.stdout), Vec::<char>::new(), "{args:?}: {out}");
        assert_eq!(control_bytes(&out.stderr), Vec::<char>::new(), "{args:?}: {out}");
    }
    let shown = env.frontier(["show", &id]).output();
    assert!(shown.stdout.contains("fused answer\nnext"), "{shown}");
}

#[test]
fn a_broken_user_preset_warns_and_fails_only_when_used() {
    let env = TestEnv::new();
    let presets = env.frontier_home().join("config/presets");
    std::fs::create_dir_all(&presets).unwrap();
    std::fs::write(presets.join("bad.toml"), "panel = [\"mock:a\"\nnope").unwrap();
    std::fs::write(presets.join("demo.toml"), "panel = [\"mock:a\"]\n").unwrap();
    let dir = presets.display().to_string();
    let warnings = format!(
        "warning: preset file `{dir}/bad.toml` is ignored: line 2, column 1: missing comma between array elements, expected `,`; only \
         `--preset bad` fails until it is fixed\n\
         warning: preset file `{dir}/demo.toml` is ignored: it is named like the built-in preset `demo`, which always \
         wins; rename the file\n"
    );
    let demo = env.frontier(["run", "--preset", "demo", "hi"]).output();
    assert_eq!(demo.code, Some(0), "{demo}");
    assert!(demo.stderr.starts_with(&warnings), "{demo}");
    let bad = env.frontier(["run", "--preset", "bad", "hi"]).output();
    assert_eq!(bad.code, Some(2), "{bad}");
    assert!(
        bad.stderr.ends_with(&format!(
            "error: invalid preset file `{dir}/bad.toml`: line 2, column 1: missing comma between array elements, expected `,`\n\
             hint: fix the file, or move it aside to fall back to the defaults\n"
        )),
        "{bad}"
    );
    let listed = env.frontier(["preset", "list", "--json"]).output();
    assert_eq!(listed.code, Some(0), "{listed}");
    assert_eq!(listed.stderr, warnings);
    let save = env.frontier(["preset", "save", "demo", "--models", "mock:a"]).output();
    assert_eq!(save.code, Some(2), "{save}");
}

#[test]
fn a_config_that_is_not_utf8_says_so() {
    let env = TestEnv::new();
    let outcome = env.frontier(["status"]).output();
    assert_eq!(outcome.code, Some(0), "{outcome}");
    let config = env.frontier_home().join("config/config.toml");
    let mut bytes = std::fs::read(&config).unwrap();
    bytes.extend_from_slice(b"# caf\xe9\n");
    let offset = bytes.len() - 2;
    let line = bytes.iter().filter(|b| **b == b'\n').count();
    // `command` writes TestEnv's own config.toml: overwrite it after.
    let mut cmd = env.command(["status"]);
    std::fs::write(&config, &bytes).unwrap();
    let out = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(
        stderr,
        format!(
            "error: invalid config file `{}`: line {line}, byte {offset}: not UTF-8 text (TOML files must be UTF-8; \
             re-save it in that encoding)\nhint: fix the file, or move it aside to fall back to the defaults\n",
            config.display()
        )
    );
}

/// `frontier status` under a config.toml with one `[providers.p]` table of `fields`.
fn load_with_provider(fields: &str) -> String {
    let env = TestEnv::new().config(&format!("[providers.p]\nkind = \"openai\"\n{fields}\n"));
    let outcome = env.frontier(["status"]).output();
    let text = format!("# {}\nexit {:?}\n{}\n", fields.replace('\n', "; "), outcome.code, outcome.stderr);
    text.replace(&env.frontier_home().display().to_string(), "[FRONTIER_HOME]")
}

#[test]
fn a_provider_with_a_bad_key_variable_or_base_url_is_refused_at_load() {
    let url = "base_url = \"http://127.0.0.1:9/v1\"";
    let cases = [
        format!("{url}\napi_key_env = \"PATH\""),
        format!("{url}\napi_key_env = \"\""),
        format!("{url}\napi_key_env = \"lc_all\""),
        format!("{url}\napi_key_env = \"FRONTIER_HOME\""),
        // A key pasted where its variable's name belongs: refused without being echoed.
        format!("{url}\napi_key_env = \"sk-ant-pasted-sentinel-KEY\""),
        "base_url = \"http://127.0.0.1:99999/v1\"".to_string(),
        "base_url = \"http://exa mple.com/v1\"".to_string(),
        "base_url = \"ftp://example.com/v1\"".to_string(),
        "base_url = \"https://example.com/v1?key=1\"".to_string(),
        "base_url = \"https://user:pw-sentinel@example.com:99999/v1\"".to_string(),
        "base_url = \"https://user:pw-sentinel@exa mple.com/v1\"".to_string(),
    ];
    let text: String = cases.iter().map(|fields| load_with_provider(fields)).collect();
    for chunk in text.split("\n# ").map(|c| c.split_once('\n').map_or(c, |(_, rest)| rest)) {
        assert!(chunk.starts_with("exit Some(2)\nerror: invalid config file "), "a usage error:\n{chunk}");
        assert!(chunk.contains("\nhint: "), "with a hint:\n{chunk}");
        assert!(!chunk.contains("pw-sentinel") && !chunk.contains("pasted-sentinel"), "a secret was echoed:\n{chunk}");
    }
    insta::assert_snapshot!(text);
}

#[test]
fn credentials_in_a_base_url_are_never_printed_or_stored() {
    let password = "pw-sentinel-URL";
    let env = TestEnv::new().config(&format!(
        "[retry]\nmax_attempts = 1\n\n[providers.gw]\nkind = \"openai\"\n\
         base_url = \"http://frontier-user:{password}@127.0.0.1:1/v1\"\napi_key_env = \"GW_KEY\"\n"
    ));
    let commands: &[&[&str]] = &[
        &["catalog"],
        &["catalog", "--json"],
        &["doctor"],
        &["doctor", "--json"],
        &["status"],
        &["status", "--json"],
        &["run", "--models", "gw:m", "--json", "hi"],
        &["run", "--models", "gw:m", "hi"],
    ];
    for args in commands {
        let out = env.frontier(*args).env("GW_KEY", "gw-key-sentinel").output();
        for secret in [password, "frontier-user", "gw-key-sentinel"] {
            assert!(!out.stdout.contains(secret) && !out.stderr.contains(secret), "{args:?} printed {secret}:\n{out}");
        }
    }
    let catalog = env.frontier(["catalog", "--json"]).output().json();
    let gw = catalog["providers"].as_array().into_iter().flatten().find(|p| p["name"] == "gw").cloned();
    assert_eq!(gw.map(|p| p["base_url"].clone()), Some("http://***@127.0.0.1:1/v1".into()));
    // The failed runs went to history: no file under FRONTIER_HOME holds the password.
    let mut dirs = vec![env.frontier_home()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if !path.ends_with("config.toml") {
                let bytes = std::fs::read(&path).unwrap();
                let found = bytes.windows(password.len()).any(|w| w == password.as_bytes());
                assert!(!found, "{} holds the password", path.display());
            }
        }
    }
}

#[test]
fn preset_show_says_why_each_model_is_not_ready() {
    let env = TestEnv::new();
    let shown = env.frontier(["preset", "show", "opus-gpt"]).output();
    assert_eq!(shown.code, Some(0), "{shown}");
    let reasons: Vec<&str> = shown.stdout.lines().skip_while(|l| !l.starts_with("ready")).collect();
    assert_eq!(reasons.len(), 3, "{shown}");
    assert_eq!(reasons[0], "ready   no");
    assert!(
        reasons[1].starts_with("        opus: not ready: ANTHROPIC_API_KEY is not set; export ANTHROPIC_API_KEY="),
        "{shown}"
    );
    assert!(
        reasons[2].starts_with("        gpt-5.5: not ready: OPENAI_API_KEY is not set; export OPENAI_API_KEY="),
        "{shown}"
    );
    // A ready preset has no such lines.
    let demo = env.frontier(["preset", "show", "demo"]).output();
    assert!(demo.stdout.ends_with("ready   yes\n"), "{demo}");
}
