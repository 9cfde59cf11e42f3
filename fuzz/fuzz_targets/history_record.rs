//! One line of the history's inbox, read as a reader moving the inbox in reads it
//! (`history::entry::parse`): either a record whose fields hold what the database and
//! every formatter rely on, or a rejection; never a panic. A record is then stored in a
//! history in memory, read back as `runs`, `runs --stats` and `show` read it, and printed
//! every way they print it, so that no stored value (a time past 9999, a huge count, a
//! report of any shape) can panic a formatter.
//!
//! Input: the line's bytes (a line that is not UTF-8 is set aside before parsing, as
//! the reader does).
#![no_main]

use std::path::Path;

use frontier::history::entry::{self, MAX_RUN_ID_BYTES, MAX_SCOPE_BYTES, MAX_SOURCE_BYTES, Record};
use frontier::history::{Found, Store, Window, stats, when};
use frontier::render::{self, screen::Fit};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

/// The characters a run id, source or scope may hold, written out apart from `is_name`.
fn plain(text: &str, max: usize) -> bool {
    !text.is_empty()
        && text.len() <= max
        && text.chars().all(|c| c.is_ascii_alphanumeric() || ".:_-".contains(c))
}

fn check_fields(record: &Record) {
    assert!(plain(record.run_id(), MAX_RUN_ID_BYTES), "run id {:?}", record.run_id());
    assert!(plain(record.source(), MAX_SOURCE_BYTES), "source {:?}", record.source());
    if let Some(scope) = record.scope() {
        assert!(plain(scope, MAX_SCOPE_BYTES), "scope {scope:?}");
    }
    assert!(record.report().is_object(), "report {}", record.report());
    assert_eq!(record.report().get("run_id").and_then(Value::as_str), Some(record.run_id()));
}

fn check_time(ms: i64) {
    match when::rfc3339_millis(ms) {
        Some(text) => {
            assert!(when::representable(ms), "{ms} formatted as {text}");
            assert_eq!((text.len(), text.as_bytes()[10], text.chars().last()), (24, b'T', Some('Z')), "{text}");
        }
        None => assert!(!when::representable(ms), "{ms} is in range but did not format"),
    }
    let local = when::local(ms, None, None);
    assert_eq!(local == when::PLACEHOLDER, !when::representable(ms), "{ms} as {local}");
}

/// Stores `record` in a history in memory and prints it every way `runs` and `show` do.
fn check_stored(record: Record) {
    let mut store = Store::in_memory(Path::new("fuzz")).expect("a history in memory");
    assert_eq!(store.record_all(std::slice::from_ref(&record)).expect("a record is stored"), 1);
    let listed = store.list(10).expect("listed");
    assert_eq!(listed.len(), 1);
    let summary = &listed[0];
    assert_eq!((summary.run_id.as_str(), summary.started_at_ms), (record.run_id(), record.started_at_ms()));
    assert_eq!(summary.started_local == when::PLACEHOLDER, !when::representable(summary.started_at_ms));
    serde_json::to_string(&listed).expect("runs --json");
    for fit in [Fit::UNLIMITED, Fit { width: Some(40), ascii: true }] {
        render::history::runs_table(&listed, fit);
    }
    let samples = store.call_samples().expect("call samples");
    let (runs, cost) = store.totals().expect("totals");
    let mut per_model = stats::per_model(&samples);
    stats::add_cache(&mut per_model, &store.cache_samples_in(Window::default()).expect("cache samples"));
    let cache = store.cache_totals_in(Window::default()).expect("cache totals");
    render::history::stats_table(&per_model, runs, cost, cache, Fit::UNLIMITED);

    let Found::One(summary, report) = store.find(record.run_id()).expect("found") else {
        panic!("{} is not found by its id", record.run_id())
    };
    assert_eq!(&report, record.report(), "show --json prints the report as it was recorded");
    let thread = store.thread(&summary).expect("the run's thread");
    render::recorded::report(&summary, &report, thread.as_ref(), Fit { width: Some(80), ascii: false });
    render::markdown::report(&summary, &report);
    let _ = render::recorded::member_answer(&report, "A");
}

fuzz_target!(|data: &[u8]| {
    let Ok(line) = std::str::from_utf8(data) else { return };
    match entry::parse(line) {
        Ok(record) => {
            check_fields(&record);
            check_time(record.started_at_ms());
            check_stored(record);
        }
        Err(why) => assert!(!why.to_string().is_empty()),
    }
});
