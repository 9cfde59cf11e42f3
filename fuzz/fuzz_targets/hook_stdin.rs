//! The hook's stdin: the host's JSON event parsed into `HookInput` as `frontier hook`
//! parses it, the host told from it under every named host and a few environments, and
//! the guards run on its prompt (and on the whole input as a prompt) under several
//! tunings. Input: the bytes on stdin.
#![no_main]

use std::sync::LazyLock;

use frontier::Env;
use frontier::config::Host;
use frontier::hook::guards::{self, Skip};
use frontier::hook::input::{self, HookInput};
use frontier::scope::state::Tuning;
use libfuzzer_sys::fuzz_target;

/// No host variables, Claude Code's, Codex's.
static ENVS: LazyLock<[Env; 3]> = LazyLock::new(|| {
    [
        Env::from_parts::<&str, &str>([], "/"),
        Env::from_parts([("CLAUDECODE", "1")], "/"),
        Env::from_parts([("CODEX_HOME", "/h/.codex")], "/"),
    ]
});

const NAMED: [Option<Host>; 4] = [None, Some(Host::ClaudeCode), Some(Host::Codex), Some(Host::Gemini)];

fn tuning(min_chars: u32, fan_commands: bool, fan_loops: bool) -> Tuning {
    Tuning { min_chars, fan_commands, fan_loops, budget_secs: None, ..Tuning::default() }
}

/// The guards' verdicts agree with the tuning they were given. A prompt's length is
/// counted as the guards read it: without the whitespace, controls and invisible
/// characters around it.
fn check_guards(prompt: &str) {
    let hidden = |c: char| c.is_whitespace() || c.is_control() || frontier::invisible::is_invisible(c);
    let chars = prompt.trim_matches(hidden).chars().count();
    for t in [
        Tuning::default(),
        tuning(0, false, false),
        tuning(0, true, false),
        tuning(0, false, true),
        tuning(0, true, true),
        tuning(u32::MAX, false, false),
    ] {
        match guards::skip(prompt, &t) {
            Some(Skip::TooShort) => assert!(chars < t.min_chars as usize, "{prompt:?} is not short under {t:?}"),
            Some(Skip::SlashCommand) => assert!(!t.fan_commands, "{prompt:?}: commands are fanned under {t:?}"),
            Some(Skip::LoopDirective) => assert!(!t.fan_loops, "{prompt:?}: loops are fanned under {t:?}"),
            None => assert!(chars >= t.min_chars as usize, "{prompt:?} is short under {t:?}"),
        }
    }
    // Opting in to everything, with no minimum, leaves every prompt to the panel.
    assert_eq!(guards::skip(prompt, &tuning(0, true, true)), None, "{prompt:?}");
}

fuzz_target!(|data: &[u8]| {
    let Some(text) = frontier_fuzz::strict_utf8(data) else { return };
    check_guards(text);
    let Ok(event) = serde_json::from_str::<HookInput>(text) else { return };
    check_guards(&event.prompt);
    for env in ENVS.iter() {
        for named in NAMED {
            let Some(host) = input::host_of(&event, named, env) else { continue };
            assert_eq!(event.hook_event_name, input::prompt_event(host), "{event:?} as {named:?}");
            if let Some(named) = named {
                assert_eq!(host, named, "{event:?}: a named host is the host");
            }
        }
    }
});
