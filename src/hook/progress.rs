//! The progress file of a hooked run in flight, one per scope, which `frontier
//! statusline` reads. Written atomically at each stage; removed when the run ends. Both
//! go through `<state>/progress/` opened as a private directory (0700, never a symbolic
//! link in its place), so neither can reach another directory's files.
//!
//! Its JSON is read by whichever frontier draws the status line, which may be an older
//! or newer binary than the hook's: the shape (`"stage":"panel"`, ...) stays as it is.
//! Knows nothing about how a run is carried out beyond the names of its stages.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::pipeline::Stage;
use crate::private_dir::{DirError, PrivateDir};

/// A progress file older than this is a leftover from a run that died, not a live one.
pub const STALE_AFTER: Duration = Duration::from_secs(660);

/// The stage a run in flight is in, as the progress file stores it (`"panel"`, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FileStage {
    Panel,
    Judge,
    Synth,
}

impl FileStage {
    pub fn as_str(self) -> &'static str {
        match self {
            FileStage::Panel => "panel",
            FileStage::Judge => "judge",
            FileStage::Synth => "synth",
        }
    }
}

impl From<Stage> for FileStage {
    fn from(stage: Stage) -> Self {
        match stage {
            Stage::Panel => FileStage::Panel,
            Stage::Judge => FileStage::Judge,
            Stage::Synth => FileStage::Synth,
        }
    }
}

/// What the progress file holds: the run in flight and how far it got.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgressFile {
    pub mode: String,
    pub label: String,
    pub stage: FileStage,
    pub answered: usize,
    pub members: usize,
    /// Seconds since the Unix epoch when the run started.
    pub started_at: u64,
}

pub fn path(state_dir: &Path, scope: &str) -> PathBuf {
    dir(state_dir).join(file_name(scope))
}

fn dir(state_dir: &Path) -> PathBuf {
    state_dir.join("progress")
}

fn file_name(scope: &str) -> String {
    format!("{scope}.json")
}

/// Writes `progress` as `scope`'s progress file.
pub fn write(state_dir: &Path, scope: &str, progress: &ProgressFile) -> Result<(), DirError> {
    let text = serde_json::to_string(progress).unwrap_or_default();
    PrivateDir::open(&dir(state_dir))?.write(&file_name(scope), text.as_bytes()).map(|_| ())
}

/// Removes `scope`'s progress file, if there is one.
pub fn remove(state_dir: &Path, scope: &str) -> Result<(), DirError> {
    PrivateDir::open(&dir(state_dir))?.remove(file_name(scope).as_ref())
}

pub fn now_secs() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// The live progress of `scope`, if a run is in flight (a stale or unreadable file is none).
pub fn read(state_dir: &Path, scope: &str) -> Option<ProgressFile> {
    let text = std::fs::read_to_string(path(state_dir, scope)).ok()?;
    let progress: ProgressFile = serde_json::from_str(&text).ok()?;
    (now_secs().saturating_sub(progress.started_at) < STALE_AFTER.as_secs()).then_some(progress)
}

/// `⚡ fusion · demo · judge…` for a run in flight, `⚡ fusion · demo` when armed and idle.
pub fn badge(mode: &str, label: &str, live: Option<&ProgressFile>) -> String {
    match live {
        Some(p) if p.stage == FileStage::Panel => {
            format!("⚡ {mode} · {label} · panel {}/{}…", p.answered, p.members)
        }
        Some(p) => format!("⚡ {mode} · {label} · {}…", p.stage.as_str()),
        None => format!("⚡ {mode} · {label}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn badges_show_the_live_stage() {
        let p = ProgressFile {
            mode: "fusion".into(),
            label: "demo".into(),
            stage: FileStage::Panel,
            answered: 1,
            members: 3,
            started_at: now_secs(),
        };
        assert_eq!(badge("fusion", "demo", Some(&p)), "⚡ fusion · demo · panel 1/3…");
        let judging = ProgressFile { stage: FileStage::Judge, ..p.clone() };
        assert_eq!(badge("fusion", "demo", Some(&judging)), "⚡ fusion · demo · judge…");
        let synthesising = ProgressFile { stage: Stage::Synth.into(), ..p };
        assert_eq!(badge("fusion", "demo", Some(&synthesising)), "⚡ fusion · demo · synth…");
        assert_eq!(badge("single", "opus", None), "⚡ single · opus");
    }

    #[test]
    fn stale_files_are_not_live() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let old = ProgressFile {
            mode: "fusion".into(),
            label: "demo".into(),
            stage: FileStage::Judge,
            answered: 3,
            members: 3,
            started_at: now_secs() - STALE_AFTER.as_secs() - 1,
        };
        let file = path(dir.path(), "s");
        std::fs::create_dir_all(file.parent().unwrap_or(dir.path())).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(&file, serde_json::to_string(&old).unwrap_or_default()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(read(dir.path(), "s"), None);
        let fresh = ProgressFile { started_at: now_secs(), ..old };
        std::fs::write(&file, serde_json::to_string(&fresh).unwrap_or_default()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(read(dir.path(), "s"), Some(fresh));
    }

    #[test]
    fn the_file_keeps_the_json_an_older_statusline_reads() {
        let p = ProgressFile {
            mode: "fusion".into(),
            label: "demo".into(),
            stage: Stage::Panel.into(),
            answered: 1,
            members: 3,
            started_at: 1_700_000_000,
        };
        let json =
            r#"{"mode":"fusion","label":"demo","stage":"panel","answered":1,"members":3,"started_at":1700000000}"#;
        assert_eq!(serde_json::to_string(&p).ok().as_deref(), Some(json));
        let stages = ["panel", "judge", "synth"].map(|s| serde_json::from_str::<FileStage>(&format!("\"{s}\"")).ok());
        assert_eq!(stages, [Some(FileStage::Panel), Some(FileStage::Judge), Some(FileStage::Synth)]);
        let names = [Stage::Panel, Stage::Judge, Stage::Synth].map(|s| (FileStage::from(s).as_str(), s.as_str()));
        assert_eq!(names, [("panel", "panel"), ("judge", "judge"), ("synth", "synth")]);
    }
}
