//! What the hook keeps between the prompts of one host session, so that the next prompt's
//! requests begin with the same bytes as this one's: the nonce its context was framed
//! with, and the anchor of the host's conversation window (where it began). One small
//! JSON file per host session, `<state>/sessions/<hash>.json`, written atomically through
//! the private directory (0700, never a symbolic link in its place); the name is a hash of
//! the host and its session id, so neither shows in the file system. The directory is
//! pruned on every write: the newest `KEEP` files stay, and any older than `MAX_AGE` go.
//!
//! A session is named by the host's `session_id`, else by the transcript's path (a host
//! that sends neither has no session: its prompts are framed and windowed afresh).
//! Nothing here ever fails the hook: a file that can't be read is a new session, and one
//! that can't be written leaves the next prompt without the state.
//!
//! Knows nothing about what the nonce frames or how the window is chosen.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use crate::config::Host;
use crate::frame::Nonce;
use crate::hook::input::HookInput;
use crate::private_dir::PrivateDir;

/// How many session files the directory keeps.
pub const KEEP: usize = 200;
/// Older session files go, whatever their number: a session idle this long starts over.
pub const MAX_AGE: Duration = Duration::from_secs(7 * 24 * 3600);
/// A session file longer than this is not one frontier wrote.
const MAX_FILE_BYTES: u64 = 4096;

/// The directory of the session files, under the state dir.
pub fn dir(state_dir: &Path) -> PathBuf {
    state_dir.join("sessions")
}

/// The session of a hooked prompt: its name, and what its last prompt left.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostSession {
    /// `HOST:ID`: the host and its session id (or transcript path).
    pub key: String,
    /// Whether its state can be kept: the directory opened.
    pub kept: bool,
    pub saved: Saved,
}

/// What a session file holds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Saved {
    /// The nonce the last prompt's context was framed with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nonce: Option<String>,
    /// The hash of the first turn of the last prompt's conversation window.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub anchor: Option<String>,
}

impl Saved {
    pub fn nonce(&self) -> Option<Nonce> {
        self.nonce.as_deref().and_then(Nonce::parse)
    }
}

impl HostSession {
    /// The nonce to frame with: the last prompt's, when the state is kept.
    pub fn nonce(&self) -> Option<Nonce> {
        self.saved.nonce().filter(|_| self.kept)
    }

    /// Where the last prompt's window of the host's conversation began, when the state is
    /// kept (`Some(None)`: kept, but no window yet); `None` when it is not, and the window
    /// slides.
    pub fn anchor(&self) -> Option<Option<String>> {
        self.kept.then(|| self.saved.anchor.clone())
    }

    /// Keeps what this prompt framed with (`nonce`) and where its window began (`anchor`;
    /// `None` keeps the last one: this prompt sent no conversation) for the next prompt.
    pub fn keep(&self, dir: &Path, nonce: &Nonce, anchor: Option<&str>, now: SystemTime) {
        if self.kept {
            let anchor = anchor.map(str::to_string).or_else(|| self.saved.anchor.clone());
            save(dir, &self.key, &Saved { nonce: Some(nonce.to_string()), anchor }, now);
        }
    }
}

/// `HOST:ID` for the event's session, when the host names one.
pub fn key(host: Host, event: &HookInput) -> Option<String> {
    let id = event.session_id.as_deref().map(str::trim).filter(|id| !id.is_empty());
    let id = id.map(str::to_string).or_else(|| event.transcript_path.as_ref().map(|p| p.display().to_string()))?;
    Some(format!("{}:{id}", host.key()))
}

/// The session of `key` as the state dir holds it: `kept` false when its directory can't
/// be opened; a missing, unreadable or malformed file is a new session.
pub fn load(dir: &Path, key: &str) -> HostSession {
    let kept = PrivateDir::open(dir).is_ok();
    let path = dir.join(file_name(key));
    let saved = std::fs::metadata(&path)
        .ok()
        .filter(|m| m.is_file() && m.len() <= MAX_FILE_BYTES)
        .and_then(|_| std::fs::read_to_string(&path).ok())
        .and_then(|text| serde_json::from_str::<Saved>(&text).ok())
        .unwrap_or_default();
    HostSession { key: key.to_string(), kept, saved }
}

/// Writes `saved` as `key`'s session file and prunes the directory. Best effort: the
/// next prompt does without it.
pub fn save(dir: &Path, key: &str, saved: &Saved, now: SystemTime) -> bool {
    let Ok(private) = PrivateDir::open(dir) else { return false };
    let name = file_name(key);
    let text = serde_json::to_string(saved).unwrap_or_default();
    let written = private.write(&name, text.as_bytes()).is_ok();
    private.prune("json", &name, KEEP, MAX_AGE, now);
    written
}

/// `<32 hex digits>.json`: a hash of the session's key.
fn file_name(key: &str) -> String {
    let digest = Sha256::digest(key.as_bytes());
    let hex: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
    format!("{hex}.json")
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt as _;

    use pretty_assertions::assert_eq;

    use super::*;

    fn event(session_id: Option<&str>, transcript: Option<&str>) -> HookInput {
        let json = serde_json::json!({
            "hook_event_name": "UserPromptSubmit", "prompt": "why?",
            "session_id": session_id, "transcript_path": transcript,
        });
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn a_session_is_the_host_and_its_id_else_its_transcript_else_none() {
        assert_eq!(key(Host::ClaudeCode, &event(Some("s1"), Some("/t.jsonl"))).as_deref(), Some("claude-code:s1"));
        assert_eq!(key(Host::Codex, &event(Some(" "), Some("/t.jsonl"))).as_deref(), Some("codex:/t.jsonl"));
        assert_eq!(key(Host::Gemini, &event(None, None)), None);
    }

    #[test]
    fn what_a_prompt_saves_the_next_loads_from_a_private_file_named_by_a_hash() {
        let state = tempfile::tempdir().unwrap();
        let dir = dir(state.path());
        let fresh = load(&dir, "claude-code:s1");
        assert_eq!(fresh, HostSession { key: "claude-code:s1".into(), kept: true, saved: Saved::default() });
        let saved = Saved { nonce: Some("0123456789abcdef0123456789abcdef".into()), anchor: Some("ab".into()) };
        assert!(save(&dir, "claude-code:s1", &saved, SystemTime::now()));
        assert_eq!(load(&dir, "claude-code:s1").saved, saved);
        assert_eq!(load(&dir, "claude-code:s1").saved.nonce().map(|n| n.to_string()), saved.nonce);
        assert_eq!(load(&dir, "claude-code:s2").saved, Saved::default());
        let names: Vec<String> =
            std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        assert!(names.len() == 1 && names[0].len() == 32 + ".json".len() && !names[0].contains("s1"), "{names:?}");
        let mode = std::fs::metadata(dir.join(&names[0])).unwrap().permissions().mode() & 0o777;
        assert_eq!((mode, std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777), (0o600, 0o700));
    }

    #[test]
    fn a_broken_file_is_a_new_session_and_a_directory_that_cannot_be_made_keeps_nothing() {
        let state = tempfile::tempdir().unwrap();
        let dir = dir(state.path());
        std::fs::create_dir_all(&dir).unwrap();
        for junk in ["{not json", "[1,2]", &"x".repeat(10_000), r#"{"nonce":"NOT A NONCE"}"#] {
            std::fs::write(dir.join(file_name("k")), junk).unwrap();
            let loaded = load(&dir, "k");
            assert!(loaded.kept && loaded.saved.nonce().is_none(), "{junk:.40}: {loaded:?}");
        }
        // A file where the state dir should be: no directory, nothing kept, nothing fails.
        let blocked = state.path().join("file");
        std::fs::write(&blocked, "").unwrap();
        let loaded = load(&blocked.join("sessions"), "k");
        assert_eq!((loaded.kept, loaded.saved), (false, Saved::default()));
        assert!(!save(&blocked.join("sessions"), "k", &Saved::default(), SystemTime::now()));
    }

    #[test]
    fn the_directory_keeps_the_newest_files_and_none_past_the_age() {
        let state = tempfile::tempdir().unwrap();
        let dir = dir(state.path());
        let now = SystemTime::now();
        for i in 0..KEEP + 5 {
            assert!(save(&dir, &format!("k{i}"), &Saved::default(), now));
        }
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), KEEP);
        // A week on, only the file just written stays.
        assert!(save(&dir, "late", &Saved::default(), now + MAX_AGE + Duration::from_secs(60)));
        let left: Vec<String> =
            std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        assert_eq!(left, vec![file_name("late")]);
    }
}
