//! Refinement rounds (`--rounds`) and the council (`--judge council`), through the real
//! binary against the fake OpenAI-compatible server of `common`: what each later round's
//! request carries (the others' answers, never the member's own, no model name), who is
//! asked again, the council's ranking requests (never the ranker's own answer), its
//! report, and the settings' checks.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{JUNK_ANSWER, NEUTRAL_ANSWER, TestEnv, answer_of};
use pretty_assertions::assert_eq;
use serde_json::{Value, json};

const PROMPT: &str = "Why is the sky blue?";

/// `run PROMPT --json --models PANEL` with `extra` flags; the report.
fn run(env: &TestEnv, panel: &str, extra: &[&str]) -> Value {
    let mut args = vec!["run", PROMPT, "--json", "--seed", "7", "--models", panel];
    args.extend(extra);
    let out = env.frontier(args).output();
    assert_eq!(out.code, Some(0), "{out}");
    out.json()
}

/// The members' requests (not the judge's, the rankers' or the synth's) for `model`.
fn answers_asked(env: &TestEnv, model: &str) -> Vec<common::Recorded> {
    env.server()
        .requests_for(model)
        .into_iter()
        .filter(|r| !r.is_judge() && r.user_message().starts_with(PROMPT))
        .collect()
}

/// The messages of a request, as text (its `model` field names the model, by design).
fn messages(r: &common::Recorded) -> String {
    r.body["messages"].to_string()
}

#[test]
fn a_second_round_shows_each_member_the_others_answers_and_never_its_own() {
    let env = TestEnv::new();
    let report = run(&env, "local:a,local:b,local:c", &["--rounds", "2", "--judge", "local:j", "--synth", "local:s"]);
    for (me, others) in [("a", ["b", "c"]), ("b", ["a", "c"]), ("c", ["a", "b"])] {
        let asked = answers_asked(&env, me);
        assert_eq!(asked.len(), 2, "{me} answers twice: {asked:#?}");
        assert_eq!(asked[0].user_message(), PROMPT, "the first round asks the question alone");
        let second = asked[1].user_message();
        assert!(
            second.contains("## Other answers") && second.contains("\n[[answer A ") && second.contains("\n[[answer B ")
        );
        assert!(!second.contains("[[answer C "), "two others, two labels: {second}");
        for other in others {
            assert!(second.contains(&answer_of(other)), "{me} sees {other}'s answer: {second}");
        }
        assert!(!second.contains(&answer_of(me)), "{me} is not shown its own answer: {second}");
    }
    // The report keeps the first round; the panel is the second, which the judge saw.
    let rounds = report["rounds"].as_array().unwrap();
    assert_eq!(rounds.len(), 1);
    assert_eq!(rounds[0]["round"], 1);
    assert_eq!(
        rounds[0]["members"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| (m["model"].clone(), m["ok"].clone()))
            .collect::<Vec<_>>(),
        [(json!("local:a"), json!(true)), (json!("local:b"), json!(true)), (json!("local:c"), json!(true))]
    );
    assert_eq!(env.server().requests_for("j").len(), 1, "one judge, after the last round");
    assert_eq!(report["notes"], json!([]));
    // Every call is counted: 3 + 3 answers, the judge, the synth.
    let calls: u64 = [&report["rounds"][0]["members"], &report["panel"]]
        .iter()
        .flat_map(|list| list.as_array().unwrap())
        .chain([&report["judge"], &report["synth"]])
        .map(|c| c["usage"]["input_tokens"].as_u64().unwrap())
        .sum();
    assert_eq!(report["totals"]["input_tokens"].as_u64(), Some(calls));
}

#[test]
fn a_later_round_names_no_model() {
    let env = TestEnv::new();
    run(&env, "local:anon-zebra,local:anon-yak,local:anon-lynx", &["--rounds", "3", "--judge", "local:j"]);
    for model in ["anon-zebra", "anon-yak", "anon-lynx"] {
        let asked = answers_asked(&env, model);
        assert_eq!(asked.len(), 3, "three rounds: {asked:#?}");
        for later in &asked[1..] {
            let text = messages(later);
            for name in ["zebra", "yak", "lynx", "anon-"] {
                assert!(!text.contains(name), "a revision names `{name}`: {text}");
            }
            assert!(text.contains(NEUTRAL_ANSWER));
        }
    }
}

#[test]
fn a_member_that_failed_is_not_asked_again_and_keeps_its_failure() {
    let env = TestEnv::new();
    let report = run(&env, "local:a,local:b,local:fail-500", &["--rounds", "2", "--judge", "local:j"]);
    assert_eq!(env.server().requests_for("fail-500").len(), 1, "asked in round 1 only");
    let failed = &report["panel"][2];
    assert_eq!((failed["ok"].clone(), failed["error_kind"].clone()), (json!(false), json!("server")));
    let error = failed["error"].as_str().unwrap();
    assert!(error.starts_with("not asked in round 2: failed in round 1 ("), "{error}");
    assert_eq!(report["failed_models"], json!(["local:fail-500"]));
    // The others saw one other answer each, and the failed member's not at all.
    let second = answers_asked(&env, "a")[1].user_message().to_string();
    assert!(second.contains(&answer_of("b")) && !second.contains("[[answer B "), "{second}");
}

#[test]
fn with_one_answer_the_later_rounds_are_skipped_and_the_notes_say_why() {
    let env = TestEnv::new();
    let report = run(&env, "local:a,local:fail-500", &["--rounds", "3", "--judge", "local:j"]);
    assert_eq!(answers_asked(&env, "a").len(), 1);
    assert_eq!(report["rounds"], Value::Null, "no earlier round is written when only one ran");
    assert_eq!(
        report["notes"],
        json!([
            "round 2 and later skipped: only 1 member of round 1 answered, and a revision needs at least two answers",
            "only local:a answered; judge and synth skipped"
        ])
    );
    assert_eq!(report["final_source"], "sole_survivor");
}

#[test]
fn the_council_ranks_every_answer_but_the_rankers_own_and_the_synth_sees_the_aggregate() {
    let env = TestEnv::new();
    let report = run(&env, "local:a,local:b,local:c", &["--judge", "council", "--synth", "local:s"]);
    let rankings: Vec<_> = env.server().requests().into_iter().filter(|r| r.is_judge()).collect();
    assert_eq!(rankings.len(), 3, "one ranking request a member: {rankings:#?}");
    let mut rankers: Vec<&str> = rankings.iter().map(|r| r.model()).collect();
    rankers.sort_unstable();
    assert_eq!(rankers, ["a", "b", "c"]);
    for r in &rankings {
        let me = r.model();
        let text = r.user_message();
        assert!(!text.contains(&answer_of(me)), "{me} ranks its own answer: {text}");
        assert_eq!(text.lines().filter(|l| l.starts_with("[[end answer ")).count(), 2, "{text}");
    }
    assert_eq!(report["judge"], Value::Null);
    let council = &report["council"];
    let label_of = |member: usize| report["panel"][member]["label"].as_str().unwrap().to_string();
    let rankers: Vec<Value> = council["rankers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| json!([r["member"], r["label"], r["call"]["model"], r["call"]["ok"], r["error"]]))
        .collect();
    assert_eq!(
        rankers,
        [
            json!([0, label_of(0), "local:a", true, null]),
            json!([1, label_of(1), "local:b", true, null]),
            json!([2, label_of(2), "local:c", true, null]),
        ]
    );
    // The fake server ranks the labels in the order they were shown; each ranking is
    // every label shown, once; the aggregate holds every label with two ballots.
    for r in council["rankers"].as_array().unwrap() {
        let mut ranked: Vec<&str> = r["ranking"].as_array().unwrap().iter().map(|l| l.as_str().unwrap()).collect();
        ranked.sort_unstable();
        let mut expected: Vec<String> = (0..3).map(label_of).filter(|l| l != r["label"].as_str().unwrap()).collect();
        expected.sort_unstable();
        assert_eq!(ranked, expected);
    }
    let points: u64 = council["aggregate"].as_array().unwrap().iter().map(|s| s["points"].as_u64().unwrap()).sum();
    assert_eq!(points, 3, "each of three rankings of two gives 1 point");
    assert!(council["aggregate"].as_array().unwrap().iter().all(|s| s["ballots"] == 2));
    let synth = env.server().requests_for("s").pop().unwrap();
    assert!(synth.user_message().contains("## The reviewers' ranking"), "{}", synth.user_message());
    assert_eq!(report["final_source"], "synth");
    // The rankers' calls are in the totals.
    let ranked_tokens: u64 = council["rankers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["call"]["usage"]["input_tokens"].as_u64().unwrap())
        .sum();
    assert!(report["totals"]["input_tokens"].as_u64().unwrap() > ranked_tokens);
}

#[test]
fn an_unusable_ranking_is_left_out_and_noted() {
    let env = TestEnv::new();
    let report = run(&env, "local:a,local:b,local:junk", &["--judge", "council", "--synth", "local:s"]);
    let junk = &report["council"]["rankers"][2];
    assert_eq!((junk["call"]["model"].clone(), junk["ranking"].clone()), (json!("local:junk"), Value::Null));
    assert!(junk["error"].as_str().unwrap().starts_with("the reply is not JSON"), "{junk}");
    let notes: Vec<&str> = report["notes"].as_array().unwrap().iter().map(|n| n.as_str().unwrap()).collect();
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(notes[0].starts_with("council: local:junk's ranking is left out (the reply is not JSON"), "{notes:?}");
    let ballots: Vec<u64> =
        report["council"]["aggregate"].as_array().unwrap().iter().map(|s| s["ballots"].as_u64().unwrap()).collect();
    assert_eq!(ballots.iter().sum::<u64>(), 4, "two rankings of two labels: {ballots:?}");
    assert!(report["panel"][2]["content"] == JUNK_ANSWER);
}

#[test]
fn rounds_and_council_work_together_and_show_reads_them_back() {
    let env = TestEnv::new();
    let report = run(&env, "local:a,local:b,local:c", &["--rounds", "2", "--judge", "council", "--synth", "local:s"]);
    assert_eq!(report["rounds"].as_array().map(Vec::len), Some(1));
    // Rankers rank the last round: three second-round answers of each, one ranking each.
    for me in ["a", "b", "c"] {
        let ranking = env.server().requests_for(me).into_iter().find(|r| r.is_judge()).unwrap();
        assert!(!ranking.user_message().contains("## Other answers"), "a ranking shows answers, not prompts");
        let revised = answers_asked(&env, me)[1].user_message().to_string();
        assert!(revised.contains("## Other answers"));
    }
    let shown = env.frontier(["show", report["run_id"].as_str().unwrap(), "--json"]).output();
    assert_eq!(shown.code, Some(0), "{shown}");
    let stored = shown.json();
    assert_eq!(
        (stored["rounds"].clone(), stored["council"].clone()),
        (report["rounds"].clone(), report["council"].clone())
    );
    let text = env.frontier(["show", report["run_id"].as_str().unwrap()]).output();
    assert!(text.stdout.contains("answers in round 1:") && text.stdout.contains("council:"), "{}", text.stdout);
}

#[test]
fn rounds_out_of_range_are_usage_errors_naming_the_flag_and_the_range() {
    let env = TestEnv::new();
    for n in ["0", "4"] {
        let out = env.frontier(["run", PROMPT, "--models", "local:a,local:b", "--rounds", n]).output();
        assert_eq!(out.code, Some(2), "{out}");
        assert_eq!(
            out.stderr,
            format!("error: --rounds {n} is out of range\nhint: give from 1 to 3 (1: the panel answers once)\n")
        );
    }
    let out = env.frontier(["run", PROMPT, "--model", "local:a", "--rounds", "2"]).output();
    assert_eq!(out.code, Some(2), "{out}");
    assert_eq!(
        out.stderr,
        "error: --rounds needs a panel, but single mode runs one model alone\nhint: use `--models a,b --rounds 2`, or \
         drop --rounds\n"
    );
    assert!(env.server().requests().is_empty());
}

/// A test env whose config.toml starts with `text` (the generated file ends in a table).
fn with_top_level(text: &str) -> TestEnv {
    let env = TestEnv::new();
    let config = format!("{text}{}", env.config_toml());
    env.config(&config)
}

#[test]
fn rounds_in_config_and_presets_are_checked_and_used() {
    let env = with_top_level("rounds = 4\n");
    let out = env.frontier(["run", PROMPT, "--models", "local:a,local:b"]).output();
    assert_eq!(out.code, Some(2), "{out}");
    assert!(out.stderr.contains("`rounds` is 4; it must be from 1 to 3"), "{}", out.stderr);

    let env = with_top_level("rounds = 2\n");
    let report = run(&env, "local:a,local:b", &["--judge", "local:j"]);
    assert_eq!(report["rounds"].as_array().map(Vec::len), Some(1), "config.toml's rounds");
    let report = run(&env, "local:a,local:b", &["--judge", "local:j", "--rounds", "1"]);
    assert_eq!(report["rounds"], Value::Null, "the flag wins");

    let env = TestEnv::new();
    let presets = env.frontier_home().join("config").join("presets");
    std::fs::create_dir_all(&presets).unwrap();
    std::fs::write(
        presets.join("peers.toml"),
        "panel = [\"local:a\", \"local:b\", \"local:c\"]\njudge = \"council\"\nsynth = \"local:s\"\nrounds = 2\n",
    )
    .unwrap();
    let out = env.frontier(["run", PROMPT, "--json", "--preset", "peers"]).output();
    assert_eq!(out.code, Some(0), "{out}");
    let report = out.json();
    assert_eq!(report["rounds"].as_array().map(Vec::len), Some(1));
    assert_eq!(report["council"]["rankers"].as_array().map(Vec::len), Some(3));
}

#[test]
fn a_council_of_two_answers_is_skipped_and_noted() {
    let env = TestEnv::new();
    let report = run(&env, "local:a,local:b,local:fail-500", &["--judge", "council", "--synth", "local:s"]);
    assert!(env.server().requests().iter().all(|r| !r.is_judge()), "no ranking request");
    assert_eq!((report["council"].clone(), report["judge"].clone()), (Value::Null, Value::Null));
    assert_eq!(
        report["notes"],
        json!([
            "council skipped: with 2 answers each member could rank only the other's; the synth worked from the raw \
             answers"
        ])
    );
    assert_eq!(report["final_source"], "synth");
}

#[test]
fn council_is_a_reserved_name_not_a_model() {
    let env = TestEnv::new().extra_config("[models.council]\nroutes = [\"local:c\"]\n");
    let out = env.frontier(["run", PROMPT, "--models", "local:a,local:b"]).output();
    assert_eq!(out.code, Some(2), "{out}");
    assert!(out.stderr.contains("`council` is a reserved name"), "{}", out.stderr);

    let env = TestEnv::new();
    let out = env.frontier(["run", PROMPT, "--models", "local:a,local:b", "--synth", "council"]).output();
    assert_eq!(out.code, Some(2), "{out}");
    assert_eq!(
        out.stderr,
        "error: `council` is not a model: it only judges, as `--judge council`\nhint: name a model for the panel and \
         the synth, e.g. `--models opus,gpt-5.5 --judge council`\n"
    );
}
