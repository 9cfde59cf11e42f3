//! Registering frontier's prompt hook, and copying its skill, into an editor agent's own
//! files (Claude Code, Codex, Gemini CLI); and removing them again.
//!
//! `host` knows where each host keeps its settings and skills and what its hook entry
//! looks like; `merge` edits a parsed settings document; `settings_file` reads and
//! renders those files; `skill` is the embedded SKILL.md; `diff` shows a planned change.
//! A change is planned in full (every file read and checked) before anything is
//! written, so a refusal leaves every file as it was and `--dry-run` is the plan alone.
//!
//! Knows nothing about how frontier's own arguments are parsed (it writes only the one
//! `hook --host HOST` line a host runs), or about what the hook does with a prompt.

mod diff;
pub mod host;
mod merge;
mod settings_file;
mod skill;

use std::path::{Path, PathBuf};

pub use host::{Location, Target};
pub use skill::SKILL;

use crate::config::atomic;
use crate::error::Result;

/// What happens to frontier's hook entry in the settings file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HookChange {
    /// A new entry.
    Added,
    /// An existing frontier entry now runs this binary (or had another timeout or host).
    Updated,
    /// The entry is already exactly this one.
    Unchanged,
    /// frontier's entry is taken out.
    Removed,
    /// There is no frontier entry to take out.
    Absent,
}

/// What happens to the copied skill.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SkillChange {
    /// Written where there was none.
    Added,
    /// A different SKILL.md was there; it is replaced (and backed up).
    Replaced,
    /// Already byte-identical to ours.
    Unchanged,
    /// Byte-identical to ours, so removed.
    Removed,
    /// Differs from ours (edited, or another version's), so left in place.
    Kept,
    /// There is none.
    Absent,
}

/// One file's planned new contents.
#[derive(Debug, Clone)]
struct Write {
    path: PathBuf,
    /// The current contents, when the file exists.
    old: Option<String>,
    /// `None` deletes the file.
    new: Option<String>,
}

/// A planned install or uninstall: what changes, and the writes that carry it out.
#[derive(Debug, Clone)]
pub struct Plan {
    pub target: Target,
    pub settings_path: PathBuf,
    pub hook: HookChange,
    /// The hook command the entry runs (install only).
    pub command: Option<String>,
    pub skill_path: PathBuf,
    pub skill: SkillChange,
    writes: Vec<Write>,
}

/// Plans registering `program` (the absolute path of the frontier binary) as `target`'s
/// prompt hook, and copying the skill.
pub fn plan_install(target: Target, program: &Path) -> Result<Plan> {
    let command = host::command(target.host, program)?;
    let settings_path = target.settings_path();
    let old = settings_file::read(&settings_path)?;
    let mut doc = settings_file::parse(&settings_path, old.as_deref())?;
    let handler = host::handler(target.host, &command);
    let hook = merge::install(&mut doc, host::event(target.host), handler)
        .map_err(|what| settings_file::unexpected_shape(&settings_path, &what))?;
    let mut writes = Vec::new();
    if hook != HookChange::Unchanged {
        let new = settings_file::render(&doc, old.as_deref());
        writes.push(Write { path: settings_path.clone(), old, new: Some(new) });
    }
    let skill_path = target.skill_path();
    let skill_old = settings_file::read(&skill_path)?;
    let skill = match skill_old.as_deref() {
        None => SkillChange::Added,
        Some(text) if text == SKILL => SkillChange::Unchanged,
        Some(_) => SkillChange::Replaced,
    };
    if skill != SkillChange::Unchanged {
        writes.push(Write { path: skill_path.clone(), old: skill_old, new: Some(SKILL.to_string()) });
    }
    Ok(Plan { target, settings_path, hook, command: Some(command), skill_path, skill, writes })
}

/// Plans removing frontier's hook entry from `target`'s settings, and the copied skill
/// when it is still byte-identical to ours.
pub fn plan_uninstall(target: Target) -> Result<Plan> {
    let settings_path = target.settings_path();
    let old = settings_file::read(&settings_path)?;
    let mut writes = Vec::new();
    let hook = match old.as_deref() {
        None => HookChange::Absent,
        Some(text) => {
            let mut doc = settings_file::parse(&settings_path, Some(text))?;
            let removed = merge::uninstall(&mut doc, host::event(target.host))
                .map_err(|what| settings_file::unexpected_shape(&settings_path, &what))?;
            if removed {
                let new = settings_file::render(&doc, old.as_deref());
                writes.push(Write { path: settings_path.clone(), old, new: Some(new) });
                HookChange::Removed
            } else {
                HookChange::Absent
            }
        }
    };
    let skill_path = target.skill_path();
    let skill = match settings_file::read(&skill_path)? {
        None => SkillChange::Absent,
        Some(text) if text == SKILL => {
            writes.push(Write { path: skill_path.clone(), old: Some(text), new: None });
            SkillChange::Removed
        }
        Some(_) => SkillChange::Kept,
    };
    Ok(Plan { target, settings_path, hook, command: None, skill_path, skill, writes })
}

impl Plan {
    /// Whether carrying out the plan would change any file.
    pub fn changes_anything(&self) -> bool {
        !self.writes.is_empty()
    }

    /// The change to the settings file as a unified diff, if it changes.
    pub fn settings_diff(&self) -> Option<String> {
        let write = self.writes.iter().find(|w| w.path == self.settings_path)?;
        Some(diff::unified(&write.path, write.old.as_deref(), write.new.as_deref()))
    }

    /// The backups carrying out the plan writes: one per existing file it rewrites. A
    /// skill removed because it is identical to ours needs none.
    pub fn backups(&self) -> Vec<PathBuf> {
        self.writes.iter().filter(|w| w.old.is_some() && w.new.is_some()).map(|w| backup_path(&w.path)).collect()
    }

    /// Carries out the plan: for each file it rewrites, first a backup of the current
    /// contents (mode 0600), then the new contents, written atomically.
    pub fn apply(&self) -> Result<()> {
        for write in &self.writes {
            match (&write.old, &write.new) {
                (old, Some(new)) => {
                    if let Some(old) = old {
                        atomic::write(&backup_path(&write.path), old)?;
                    }
                    atomic::write(&write.path, new)?;
                }
                (_, None) => skill::remove(&write.path)?,
            }
        }
        Ok(())
    }
}

/// Where the previous contents of `path` are kept: `<name>.frontier-backup` beside it.
pub fn backup_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".frontier-backup");
    path.with_file_name(name)
}
