//! A run's start time as people and JSON read it, for any value a database can hold. The
//! formats write four-digit years from 1970 on (RFC 3339 through humantime, whose
//! formatter fails past 9999, and SQLite's `strftime`), so a time outside that range is
//! `None` here and [`PLACEHOLDER`] where it is printed: never a panic, never a made-up
//! date. The raw number stays in the database and in `runs --json`.
//!
//! Knows nothing about where the time came from.

use std::fmt::Write as _;
use std::time::{Duration, UNIX_EPOCH};

/// What is printed for a time that can't be.
pub const PLACEHOLDER: &str = "?";

/// 9999-12-31T23:59:59.999Z in Unix ms: the last time a four-digit year can write.
pub const LATEST_MS: i64 = 253_402_300_799_999;

/// Whether `ms` (Unix ms) is a time the formats can write: 1970 to the end of 9999.
pub fn representable(ms: i64) -> bool {
    (0..=LATEST_MS).contains(&ms)
}

/// `ms` as RFC 3339 in UTC to the millisecond (`2026-11-21T10:10:10.123Z`), or `None`.
pub fn rfc3339_millis(ms: i64) -> Option<String> {
    if !representable(ms) {
        return None;
    }
    let at = UNIX_EPOCH.checked_add(Duration::from_millis(u64::try_from(ms).ok()?))?;
    let mut text = String::new();
    // Written, not `to_string`: a formatter that fails is a `None`, not a panic.
    write!(text, "{}", humantime::format_rfc3339_millis(at)).ok()?;
    Some(text)
}

/// The start in local time, `2026-11-21 11:10:10 +01:00`, from the time SQLite gave
/// (`local`, `%Y-%m-%d %H:%M:%S`) and the offset in minutes east of UTC; the UTC time when
/// SQLite gave none, and the placeholder when `ms` can't be written at all.
pub fn local(ms: i64, local: Option<String>, offset_minutes: Option<i64>) -> String {
    if !representable(ms) {
        return PLACEHOLDER.to_string();
    }
    match (local, offset_minutes) {
        (Some(time), Some(offset)) => format!("{time} {}", utc_offset(offset)),
        _ => rfc3339_millis(ms).unwrap_or_else(|| PLACEHOLDER.to_string()),
    }
}

/// `+01:00` for 60 minutes east of UTC.
fn utc_offset(minutes: i64) -> String {
    let sign = if minutes < 0 { '-' } else { '+' };
    let minutes = minutes.unsigned_abs();
    format!("{sign}{:02}:{:02}", minutes / 60, minutes % 60)
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    #[test]
    fn times_within_the_range_format_and_the_rest_are_the_placeholder() {
        assert_eq!(rfc3339_millis(0).as_deref(), Some("1970-01-01T00:00:00.000Z"));
        assert_eq!(rfc3339_millis(LATEST_MS).as_deref(), Some("9999-12-31T23:59:59.999Z"));
        for ms in [LATEST_MS + 1, i64::MAX, -1, i64::MIN] {
            assert_eq!(rfc3339_millis(ms), None, "{ms}");
            assert_eq!(local(ms, Some("10000-01-01 00:00:00".into()), Some(0)), PLACEHOLDER, "{ms}");
        }
    }

    #[test]
    fn local_time_carries_its_offset_and_falls_back_to_utc() {
        assert_eq!(local(1_000, Some("1970-01-01 01:00:01".into()), Some(60)), "1970-01-01 01:00:01 +01:00");
        assert_eq!(local(1_000, Some("1969-12-31 20:30:01".into()), Some(-210)), "1969-12-31 20:30:01 -03:30");
        assert_eq!(local(1_000, None, None), "1970-01-01T00:00:01.000Z");
        assert_eq!(utc_offset(i64::MIN).len(), "-153722867280912930:08".len());
    }
}
