//! A user preset file (`presets/NAME.toml` in the config dir), parsed and checked against
//! the built-in catalog as `Presets::load` does; an accepted preset has a panel of 1 to
//! `MAX_PANEL` models that all resolve. Input: the file's bytes.
#![no_main]

use std::sync::LazyLock;

use frontier::config::Catalog;
use frontier::config::presets::MAX_PANEL;
use libfuzzer_sys::fuzz_target;

static CATALOG: LazyLock<Catalog> =
    LazyLock::new(|| Catalog::builtin().unwrap_or_else(|e| panic!("the built-in catalog: {e}")));

fuzz_target!(|data: &[u8]| {
    let Some(text) = frontier_fuzz::strict_utf8(data) else { return };
    let Ok(preset) = frontier::fuzzing::preset_file("fuzzed", text, &CATALOG) else { return };
    assert!((1..=MAX_PANEL).contains(&preset.panel.len()), "{preset:?}");
    for model in &preset.panel {
        assert!(CATALOG.resolve(model).is_ok(), "{model:?} of {preset:?}");
    }
    assert_eq!(preset.name, "fuzzed");
});
