//! The progress file of a hooked run in flight, one per scope, which `frontier
//! statusline` reads. Written atomically at each stage; removed when the run ends.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

/// A progress file older than this is a leftover from a run that died, not a live one.
pub const STALE_AFTER: Duration = Duration::from_secs(660);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    pub mode: String,
    pub label: String,
    /// `panel`, `judge` or `synth`.
    pub stage: String,
    pub answered: usize,
    pub members: usize,
    /// Seconds since the Unix epoch when the run started.
    pub started_at: u64,
}

pub fn path(state_dir: &Path, scope: &str) -> PathBuf {
    state_dir.join("progress").join(format!("{scope}.json"))
}

pub fn now_secs() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// The live progress of `scope`, if a run is in flight (a stale or unreadable file is none).
pub fn read(state_dir: &Path, scope: &str) -> Option<Progress> {
    let text = std::fs::read_to_string(path(state_dir, scope)).ok()?;
    let progress: Progress = serde_json::from_str(&text).ok()?;
    (now_secs().saturating_sub(progress.started_at) < STALE_AFTER.as_secs()).then_some(progress)
}

/// `⚡ fusion · demo · judge…` for a run in flight, `⚡ fusion · demo` when armed and idle.
pub fn badge(mode: &str, label: &str, live: Option<&Progress>) -> String {
    match live {
        Some(p) if p.stage == "panel" => format!("⚡ {mode} · {label} · panel {}/{}…", p.answered, p.members),
        Some(p) => format!("⚡ {mode} · {label} · {}…", p.stage),
        None => format!("⚡ {mode} · {label}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn badges_show_the_live_stage() {
        let p = Progress {
            mode: "fusion".into(),
            label: "demo".into(),
            stage: "panel".into(),
            answered: 1,
            members: 3,
            started_at: now_secs(),
        };
        assert_eq!(badge("fusion", "demo", Some(&p)), "⚡ fusion · demo · panel 1/3…");
        let judging = Progress { stage: "judge".into(), ..p };
        assert_eq!(badge("fusion", "demo", Some(&judging)), "⚡ fusion · demo · judge…");
        assert_eq!(badge("single", "opus", None), "⚡ single · opus");
    }

    #[test]
    fn stale_files_are_not_live() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let old = Progress {
            mode: "fusion".into(),
            label: "demo".into(),
            stage: "judge".into(),
            answered: 3,
            members: 3,
            started_at: now_secs() - STALE_AFTER.as_secs() - 1,
        };
        let file = path(dir.path(), "s");
        std::fs::create_dir_all(file.parent().unwrap_or(dir.path())).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(&file, serde_json::to_string(&old).unwrap_or_default()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(read(dir.path(), "s"), None);
        let fresh = Progress { started_at: now_secs(), ..old };
        std::fs::write(&file, serde_json::to_string(&fresh).unwrap_or_default()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(read(dir.path(), "s"), Some(fresh));
    }
}
