//! Reads a stored report as JSON by key, the way `show` and the council's lines do: a
//! key missing or of another type is none, never an error, so reports recorded by older
//! or newer versions of frontier still print.

use serde_json::Value;

/// The string at `key` of `v`.
pub(super) fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_string)
}

/// The items of `value` when it is an array; none otherwise.
pub(super) fn items(value: Option<&Value>) -> impl Iterator<Item = &Value> {
    value.and_then(Value::as_array).into_iter().flatten()
}
