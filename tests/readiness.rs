//! Honest readiness as users meet it: `doctor` probes a server on this machine (an
//! Ollama route pointed at a port of the test's choosing) and says whether it answers,
//! within its deadline; `catalog` and `status` say "not checked" for what they did not
//! contact; every fix hint lists all of a model's routes; `mode` and `compose` warn about
//! what they armed that is not ready, and `compose` names its scope; deleting an armed
//! preset names the scopes that armed it.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::{Read as _, Write as _};
use std::net::TcpListener;
use std::time::{Duration, Instant};

use common::TestEnv;
use pretty_assertions::assert_eq;

/// A port nothing listens on: bound, then released.
fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("binds");
    listener.local_addr().expect("has an address").port()
}

/// A config whose only keyless server is Ollama at `127.0.0.1:PORT`, with one catalog
/// model routed there.
fn ollama_at(port: u16) -> String {
    format!(
        "[providers.ollama]\nkind = \"openai\"\nbase_url = \"http://127.0.0.1:{port}/v1\"\n\n\
         [models.llama]\ndescription = \"Llama on the local Ollama\"\nroutes = [\"ollama:llama3.2\"]\n"
    )
}

fn find(list: &serde_json::Value, key: &str, name: &str) -> serde_json::Value {
    list.as_array().into_iter().flatten().find(|v| v[key] == name).cloned().unwrap_or_default()
}

#[test]
fn doctor_reports_an_ollama_route_with_no_server_as_not_reachable() {
    let port = free_port();
    let env = TestEnv::new().config(&ollama_at(port));
    let started = Instant::now();
    let outcome = env.frontier(["doctor", "--json"]).output();
    assert!(started.elapsed() < Duration::from_secs(5), "doctor took {:?}", started.elapsed());
    assert_eq!(outcome.code, Some(0), "{outcome}");
    let report = outcome.json();
    let ollama = find(&report["providers"], "name", "ollama");
    assert_eq!(ollama["ready"], false, "{ollama}");
    assert_eq!(ollama["probe"], "not reachable: connection refused: nothing listens there");
    assert_eq!(
        ollama["missing"],
        format!("no server answers at 127.0.0.1:{port} (connection refused: nothing listens there)")
    );
    let llama = find(&report["models"], "model", "llama");
    assert_eq!((llama["ready"].clone(), llama["route"].clone()), (false.into(), "ollama:llama3.2".into()));
}

#[test]
fn doctor_gives_up_on_a_silent_server_within_a_second() {
    // Something accepts connections there but never answers.
    let listener = TcpListener::bind("127.0.0.1:0").expect("binds");
    let port = listener.local_addr().expect("has an address").port();
    let env = TestEnv::new().config(&ollama_at(port));
    let started = Instant::now();
    let outcome = env.frontier(["doctor", "--json"]).output();
    let took = started.elapsed();
    assert_eq!(outcome.code, Some(0), "{outcome}");
    let ollama = find(&outcome.json()["providers"], "name", "ollama");
    assert_eq!(ollama["probe"], "not reachable: connected, but no HTTP answer within 800 ms");
    // The probe's deadline is under a second; the slack is the process's own start-up.
    assert!(took < Duration::from_secs(3), "doctor took {took:?}");
    drop(listener);
}

#[test]
fn doctor_reports_a_local_server_that_answers_as_reachable() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("binds");
    let port = listener.local_addr().expect("has an address").port();
    let server = std::thread::spawn(move || {
        let (mut conn, _) = listener.accept().expect("doctor connects");
        let mut request = [0u8; 1024];
        let n = conn.read(&mut request).expect("reads the probe");
        let body = r#"{"object":"list","data":[]}"#;
        let _ = write!(conn, "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{body}", body.len());
        String::from_utf8_lossy(&request[..n]).into_owned()
    });
    let env = TestEnv::new().config(&ollama_at(port));
    let outcome = env.frontier(["doctor", "--json"]).output();
    assert_eq!(outcome.code, Some(0), "{outcome}");
    let report = outcome.json();
    let ollama = find(&report["providers"], "name", "ollama");
    assert_eq!((ollama["ready"].clone(), ollama["probe"].clone()), (true.into(), "answers HTTP 200".into()));
    assert_eq!(find(&report["models"], "model", "llama")["ready"], true);
    let request = server.join().expect("the server thread ends");
    assert!(request.starts_with("GET /v1/models HTTP/1.1\r\n"), "{request}");
}

/// Replaces what changes from one run to the next: the temp home and the port.
fn stable(text: &str, env: &TestEnv, port: u16) -> String {
    text.replace(&env.frontier_home().display().to_string(), "[FRONTIER_HOME]").replace(&port.to_string(), "[PORT]")
}

#[test]
fn doctor_output() {
    let port = free_port();
    let env = TestEnv::new().config(&ollama_at(port));
    let outcome = env.frontier(["doctor"]).env("COLUMNS", "80").output();
    assert_eq!(outcome.code, Some(0), "{outcome}");
    assert_fits(&outcome.stdout, 80);
    insta::assert_snapshot!(stable(&outcome.stdout, &env, port));
}

#[test]
fn catalog_output() {
    // The catalog contacts no server: the port is never probed.
    let env = TestEnv::new().config(&ollama_at(9));
    let outcome = env.frontier(["catalog"]).env("COLUMNS", "80").output();
    assert_eq!(outcome.code, Some(0), "{outcome}");
    assert_fits(&outcome.stdout, 80);
    insta::assert_snapshot!(outcome.stdout);
}

/// No line of `text` is wider than `columns` characters (every character here takes one).
fn assert_fits(text: &str, columns: usize) {
    for line in text.lines() {
        assert!(line.chars().count() <= columns, "{} wide: {line}\n{text}", line.chars().count());
    }
}

#[test]
fn catalog_and_status_say_not_checked_for_a_local_server() {
    let env = TestEnv::new().config(&ollama_at(9));
    let catalog = env.frontier(["catalog", "--json"]).output().json();
    let llama = find(&catalog["models"], "id", "llama");
    assert_eq!(
        (llama["ready"].clone(), llama["not_checked"].clone()),
        (false.into(), "server at 127.0.0.1:9 not checked (`frontier doctor` probes it)".into())
    );
    assert_eq!(find(&catalog["presets"], "name", "local-trio")["readiness"], "not checked");

    // Arming probes the server, as `doctor` does: nothing listens on port 9.
    let armed = env.frontier(["mode", "fusion", "--preset", "local-trio", "--scope", "l"]).output();
    assert_eq!(armed.code, Some(0), "{armed}");
    assert!(
        armed.stderr.contains(
            "warning: `ollama:llama3.2` is not ready: no server answers at 127.0.0.1:9 (connection refused: nothing \
             listens there)\nhint: start the server (Ollama: `ollama serve`)"
        ),
        "{armed}"
    );
    let status = env.frontier(["status", "--scope", "l"]).output();
    assert!(status.stdout.contains("ready   not checked\n  ? ollama:llama3.2: not checked: server at"), "{status}");
    assert_eq!(env.frontier(["status", "--scope", "l", "--json"]).output().json()["readiness"], "not checked");
}

/// The fix for gpt-5.5 with nothing set up: each of its three routes.
const GPT_FIX: &str = "export OPENAI_API_KEY=<your key> (provider `openai`); \
     or install and log in to `codex`, or set FRONTIER_CODEX_BIN to its path; \
     or export OPENROUTER_API_KEY=<your key> (provider `openrouter`)";

#[test]
fn a_fix_hint_lists_every_route_of_the_model() {
    let env = TestEnv::new();
    let catalog = env.frontier(["catalog", "--json"]).output().json();
    assert_eq!(find(&catalog["models"], "id", "gpt-5.5")["fix"], GPT_FIX);

    let armed = env.frontier(["mode", "single", "--model", "gpt-5.5", "--scope", "g"]).output();
    assert_eq!(armed.code, Some(0), "{armed}");
    assert_eq!(
        armed.stderr,
        format!(
            "scope `g` armed: single · gpt-5.5\nwarning: `gpt-5.5` is not ready: OPENAI_API_KEY is not set\n\
             hint: {GPT_FIX}\nwarning: runs in scope `g` will fail until the models above are ready\n"
        )
    );
    let refused = env.frontier(["compose", "--models", "gpt-5.5,mock:a", "--scope", "c"]).output();
    assert_eq!(refused.code, Some(1), "{refused}");
    assert!(refused.stderr.ends_with(&format!("nothing was armed\nhint: {GPT_FIX}\n")), "{refused}");
}

/// A server on 127.0.0.1 that answers every request with an empty models list, for as
/// long as the test runs.
fn answering_server() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("binds");
    let port = listener.local_addr().expect("has an address").port();
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(mut conn) = conn else { continue };
            let mut request = [0u8; 1024];
            let _ = conn.read(&mut request);
            let body = r#"{"object":"list","data":[]}"#;
            let _ = write!(conn, "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{body}", body.len());
        }
    });
    port
}

#[test]
fn compose_names_the_scope_it_armed_and_probes_a_local_server_first() {
    let env = TestEnv::new().config(&ollama_at(answering_server()));
    let flag = env.frontier(["compose", "--models", "mock:a,mock:b", "--scope", "c"]).output();
    assert_eq!(flag.code, Some(0), "{flag}");
    assert!(flag.stdout.ends_with("armed scope `c` (chosen by --scope): fusion\n"), "{flag}");
    assert_eq!(flag.stderr, "");
    // The server answers where a run will call it: ready, so no warning at all.
    let by_env = env.frontier(["compose", "--models", "mock:a,llama"]).env("FRONTIER_SCOPE", "e").output();
    assert_eq!(by_env.code, Some(0), "{by_env}");
    assert!(by_env.stdout.ends_with("armed scope `e` (chosen by FRONTIER_SCOPE): fusion\n"), "{by_env}");
    assert_eq!(by_env.stderr, "");
    let mode = env.frontier(["mode", "fusion", "--preset", "local-trio", "--scope", "l"]).output();
    assert_eq!(mode.stderr, "scope `l` armed: fusion · local-trio\n", "{mode}");
    // Nothing listens: compose refuses the panel, naming the server and what to do.
    let down = TestEnv::new().config(&ollama_at(9));
    let refused = down.frontier(["compose", "--models", "mock:a,llama", "--scope", "d"]).output();
    assert_eq!(refused.code, Some(1), "{refused}");
    assert!(
        refused.stderr.ends_with(
            "error: not every model is ready (llama); nothing was armed\nhint: start the server (Ollama: `ollama \
             serve`), or set [providers.ollama] base_url in config.toml to where it listens\n"
        ),
        "{refused}"
    );
}

#[test]
fn deleting_a_preset_a_scope_has_armed_warns_naming_the_scopes() {
    let env = TestEnv::new();
    assert_eq!(env.frontier(["preset", "save", "mine", "--models", "mock:a,mock:b"]).output().code, Some(0));
    for scope in ["beta", "alpha"] {
        let armed = env.frontier(["mode", "fusion", "--preset", "mine", "--scope", scope]).output();
        assert_eq!(armed.code, Some(0), "{armed}");
    }
    env.frontier(["mode", "fusion", "--preset", "demo", "--scope", "other"]).output();
    let deleted = env.frontier(["preset", "delete", "mine"]).output();
    assert_eq!(deleted.code, Some(0), "{deleted}");
    let file = env.frontier_home().join("config/presets/mine.toml");
    assert_eq!(
        deleted.stderr,
        format!(
            "deleted preset `mine` ({})\nwarning: scopes `alpha`, `beta` armed preset `mine`; runs there fail until it is re-armed\n\
             hint: `frontier mode fusion --scope alpha --preset NAME`, or `frontier mode off --scope alpha`\n",
            file.display()
        )
    );
    // Nothing armed it any more: no warning.
    env.frontier(["preset", "save", "spare", "--models", "mock:a"]).output();
    let quiet = env.frontier(["preset", "delete", "spare"]).output();
    assert!(!quiet.stderr.contains("warning"), "{quiet}");
}
