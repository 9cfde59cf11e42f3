//! config.toml: parsed and resolved as `Config::load` does (settings, and the built-in
//! catalog with the file's providers, models and aliases on top), then checked: settings
//! within their documented ranges, and every model and alias the file leaves in the
//! catalog resolvable, with all of its routes. Input: the file's bytes.
#![no_main]

use std::time::Duration;

use frontier::config::settings::{MAX_CONCURRENCY, MAX_MAX_ANSWER_BYTES, MAX_TIMEOUT_SECS};
use libfuzzer_sys::fuzz_target;

/// Whether `resolve` can be asked for `name` at all: it trims what it is given, and reads
/// a name with `:` as a `provider:model` address.
fn addressable(name: &str) -> bool {
    !name.is_empty() && name.trim() == name && !name.contains(':')
}

fuzz_target!(|data: &[u8]| {
    let Some(text) = frontier_fuzz::strict_utf8(data) else { return };
    let Ok((settings, catalog)) = frontier::fuzzing::config_file(text) else { return };
    let run = &settings.run;
    assert!((1..=MAX_CONCURRENCY).contains(&run.concurrency), "{settings:?}");
    let timeouts = Duration::from_secs(1)..=Duration::from_secs(MAX_TIMEOUT_SECS);
    for timeout in [run.member_timeout, run.budget, run.idle_timeout] {
        assert!(timeouts.contains(&timeout), "{settings:?}");
    }
    assert!(run.stage_floor <= Duration::from_secs(MAX_TIMEOUT_SECS), "{settings:?}");
    assert!((1..=10).contains(&run.retry.max_attempts), "{settings:?}");
    assert!((1..=MAX_MAX_ANSWER_BYTES).contains(&run.max_answer_bytes), "{settings:?}");
    for provider in catalog.providers() {
        if provider.kind.agent_cli().is_none() {
            let url = provider.base_url.expose();
            assert!(url.starts_with("http://") || url.starts_with("https://"), "{provider:?}");
        }
    }
    for model in catalog.models().filter(|m| addressable(&m.id)) {
        match catalog.resolve(&model.id) {
            Ok(spec) => {
                assert_eq!(spec.name, model.id);
                assert_eq!(spec.routes.len(), model.routes.len(), "every route of {model:?} resolves");
            }
            Err(err) => panic!("model {model:?} is in the catalog but does not resolve: {err}"),
        }
    }
    for (alias, target) in catalog.aliases().filter(|(a, _)| addressable(a)) {
        match catalog.resolve(alias) {
            Ok(spec) => assert_eq!(spec.name, target, "alias {alias:?}"),
            Err(err) => panic!("alias {alias:?} → {target:?} is in the catalog but does not resolve: {err}"),
        }
    }
});
