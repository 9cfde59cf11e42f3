//! Planning an install or uninstall in full before anything is written: every file read
//! and checked, the entry's change and the skill's decided, the writes listed. A refusal
//! therefore leaves every file as it was, and `--dry-run` is the plan alone.
//!
//! Knows nothing about how the writes are carried out (`apply`) or shown (`diff`).

use std::path::{Path, PathBuf};

use super::edit::{Write, edit_json, edit_toml};
use super::{EntryChange, Kind, SKILL, SkillChange, Target, host, mcp, merge, merge_mcp, settings_file};
use crate::error::Result;

/// A planned install or uninstall: what changes, and the writes that carry it out.
#[derive(Debug, Clone)]
pub struct Plan {
    pub target: Target,
    pub kind: Kind,
    /// The file that holds frontier's entry.
    pub settings_path: PathBuf,
    pub entry: EntryChange,
    /// The command line the entry runs (install only).
    pub command: Option<String>,
    pub skill_path: PathBuf,
    pub skill: SkillChange,
    pub(super) writes: Vec<Write>,
}

/// Plans registering `program` (the absolute path of the frontier binary) with `target`
/// as `kind`, and copying the skill.
pub fn plan_install(target: Target, kind: Kind, program: &Path) -> Result<Plan> {
    let (settings_path, command, edit) = match kind {
        Kind::Hook => {
            let command = host::command(target.host, program)?;
            let path = target.settings_path();
            let handler = host::handler(target.host, &command);
            let edit = edit_json(&path, None, |doc| merge::install(doc, host::event(target.host), handler))?;
            (path, command, edit)
        }
        Kind::Mcp => {
            let program = mcp::program(program)?;
            let entry = mcp::entry(target.host, &program);
            let path = target.mcp_path();
            let edit = match mcp::table(target.host) {
                (mcp::Format::Json, table) => {
                    edit_json(&path, None, |doc| merge_mcp::install_json(doc, table, &entry))?
                }
                (mcp::Format::Toml, table) => {
                    edit_toml(&path, None, |doc| merge_mcp::install_toml(doc, table, &entry))?
                }
            };
            (path, format!("{program} {}", mcp::ARG), edit)
        }
    };
    let (entry, write) = edit;
    let mut writes: Vec<Write> = write.into_iter().collect();
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
    Ok(Plan { target, kind, settings_path, entry, command: Some(command), skill_path, skill, writes })
}

/// Plans removing frontier's `kind` entry from `target`'s files, and the copied skill
/// when it is still byte-identical to ours and the other registration does not use it.
pub fn plan_uninstall(target: Target, kind: Kind) -> Result<Plan> {
    let removed = |found: bool| if found { EntryChange::Removed } else { EntryChange::Absent };
    let absent = Some(EntryChange::Absent);
    let (settings_path, (entry, write)) = match kind {
        Kind::Hook => {
            let path = target.settings_path();
            let event = host::event(target.host);
            let edit = edit_json(&path, absent, |doc| merge::uninstall(doc, event).map(removed))?;
            (path, edit)
        }
        Kind::Mcp => {
            let path = target.mcp_path();
            let edit = match mcp::table(target.host) {
                (mcp::Format::Json, table) => {
                    edit_json(&path, absent, |doc| merge_mcp::uninstall_json(doc, table).map(removed))?
                }
                (mcp::Format::Toml, table) => {
                    edit_toml(&path, absent, |doc| merge_mcp::uninstall_toml(doc, table).map(removed))?
                }
            };
            (path, edit)
        }
    };
    let mut writes: Vec<Write> = write.into_iter().collect();
    let skill_path = target.skill_path();
    let other = match kind {
        Kind::Hook => Kind::Mcp,
        Kind::Mcp => Kind::Hook,
    };
    let skill = match settings_file::read(&skill_path)? {
        None => SkillChange::Absent,
        Some(text) if text == SKILL && registered(&target, other) => SkillChange::InUse,
        Some(text) if text == SKILL => {
            writes.push(Write { path: skill_path.clone(), old: Some(text), new: None });
            SkillChange::Removed
        }
        Some(_) => SkillChange::Kept,
    };
    Ok(Plan { target, kind, settings_path, entry, command: None, skill_path, skill, writes })
}

/// Whether frontier's `kind` entry is in `target`'s files. A file that cannot be read
/// or parsed counts as holding it, so that the shared skill is kept when in doubt.
fn registered(target: &Target, kind: Kind) -> bool {
    let path = entry_path(target, kind);
    settings_file::read(&path).and_then(|old| holds(target, kind, old.as_deref())).unwrap_or(true)
}

/// The file that holds frontier's `kind` entry for `target`.
pub(super) fn entry_path(target: &Target, kind: Kind) -> PathBuf {
    match kind {
        Kind::Hook => target.settings_path(),
        Kind::Mcp => target.mcp_path(),
    }
}

/// Whether `text`, the contents of `target`'s file for `kind` (`None`: no such file),
/// holds frontier's entry; an error when it does not parse.
pub(super) fn holds(target: &Target, kind: Kind, text: Option<&str>) -> Result<bool> {
    let path = entry_path(target, kind);
    match kind {
        Kind::Hook => Ok(merge::has(&settings_file::parse(&path, text)?, host::event(target.host))),
        Kind::Mcp => Ok(match mcp::table(target.host) {
            (mcp::Format::Json, table) => merge_mcp::has_json(&mut settings_file::parse(&path, text)?, table),
            (mcp::Format::Toml, table) => merge_mcp::has_toml(&mut settings_file::parse_toml(&path, text)?, table),
        }),
    }
}
