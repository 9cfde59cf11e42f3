//! Planning an install or uninstall in full before anything is written: every file read
//! and checked, the entry's change and the skill's decided, the writes listed. A refusal
//! therefore leaves every file as it was, and `--dry-run` is the plan alone.
//!
//! Knows nothing about how the writes are carried out (`apply`) or shown (`diff`).

use std::path::{Path, PathBuf};

use super::edit::{Write, edit_json, edit_toml};
use super::host::HookShape;
use super::{
    EntryChange, Kind, SKILL, SkillChange, Target, host, mcp, mcp_block, merge, merge_copilot, merge_mcp, plugin,
    settings_file,
};
use crate::error::{Error, Result};

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
    /// Where the host reads frontier's skill; none where frontier copies none.
    pub skill_path: Option<PathBuf>,
    pub skill: SkillChange,
    pub(super) writes: Vec<Write>,
}

/// Plans registering `program` (the absolute path of the frontier binary) with `target`
/// as `kind`, and copying the skill.
pub fn plan_install(target: Target, kind: Kind, program: &Path) -> Result<Plan> {
    let (settings_path, command, edit) = match kind {
        Kind::Hook => {
            let command = host::command(target.host, program)?;
            let path = target.settings_path()?;
            let handler = host::handler(target.host, &command);
            let event = host::event(target.host);
            let edit = match host::hook_shape(target.host) {
                HookShape::Groups => edit_json(&path, None, |doc| merge::install(doc, event, handler))?,
                HookShape::Handlers => edit_json(&path, None, |doc| merge_copilot::install(doc, event, handler))?,
                HookShape::Plugin => plugin::install(&path, &plugin::render(target.host, program)?)?,
            };
            (path, command, edit)
        }
        Kind::Mcp => {
            let program = mcp::program(program)?;
            let entry = mcp::entry(target.host, &program);
            let path = mcp_path(&target)?;
            let edit = match mcp::shape(target.host) {
                mcp::Shape::Json(table) => {
                    let hint = format!(
                        "add frontier's entry by hand, under `{table}`: \"{}\": {}",
                        mcp::NAME,
                        serde_json::to_string(&entry).unwrap_or_default()
                    );
                    plain_json(&target, &path, hint)?;
                    edit_json(&path, None, |doc| merge_mcp::install_json(doc, table, &entry))?
                }
                mcp::Shape::Toml(table) => edit_toml(&path, None, |doc| merge_mcp::install_toml(doc, table, &entry))?,
                mcp::Shape::YamlBlock => mcp_block::install(&path, &entry, &format!("{} --mcp", target.host.key()))?,
            };
            (path, format!("{program} {}", mcp::ARG), edit)
        }
    };
    let (entry, write) = edit;
    let mut writes: Vec<Write> = write.into_iter().collect();
    let skill_path = target.skill_path();
    let skill = match &skill_path {
        None => SkillChange::Absent,
        Some(path) => {
            let skill_old = settings_file::read(path)?;
            let skill = match skill_old.as_deref() {
                None => SkillChange::Added,
                Some(text) if text == SKILL => SkillChange::Unchanged,
                Some(_) => SkillChange::Replaced,
            };
            if skill != SkillChange::Unchanged {
                writes.push(Write { path: path.clone(), old: skill_old, new: Some(SKILL.to_string()) });
            }
            skill
        }
    };
    Ok(Plan { target, kind, settings_path, entry, command: Some(command), skill_path, skill, writes })
}

/// Plans removing frontier's `kind` entry from `target`'s files, and the copied skill
/// when it is still byte-identical to ours and the other registration does not use it.
pub fn plan_uninstall(target: Target, kind: Kind) -> Result<Plan> {
    let removed = |found: bool| if found { EntryChange::Removed } else { EntryChange::Absent };
    let absent = Some(EntryChange::Absent);
    let (settings_path, (entry, write)) = match kind {
        Kind::Hook => {
            let path = target.settings_path()?;
            let event = host::event(target.host);
            let edit = match host::hook_shape(target.host) {
                HookShape::Groups => edit_json(&path, absent, |doc| merge::uninstall(doc, event).map(removed))?,
                HookShape::Handlers => {
                    edit_json(&path, absent, |doc| merge_copilot::uninstall(doc, event).map(removed))?
                }
                HookShape::Plugin => plugin::uninstall(&path)?,
            };
            (path, edit)
        }
        Kind::Mcp => {
            let path = mcp_path(&target)?;
            let edit = match mcp::shape(target.host) {
                mcp::Shape::Json(table) => {
                    plain_json(&target, &path, format!("take `{}` out of `{table}` by hand", mcp::NAME))?;
                    edit_json(&path, absent, |doc| merge_mcp::uninstall_json(doc, table).map(removed))?
                }
                mcp::Shape::Toml(table) => {
                    edit_toml(&path, absent, |doc| merge_mcp::uninstall_toml(doc, table).map(removed))?
                }
                mcp::Shape::YamlBlock => mcp_block::uninstall(&path)?,
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
    let skill = match skill_path.as_ref().map(|path| settings_file::read(path)).transpose()?.flatten() {
        None => SkillChange::Absent,
        Some(text) if text == SKILL && registered(&target, other) => SkillChange::InUse,
        Some(text) if text == SKILL => {
            if let Some(path) = &skill_path {
                writes.push(Write { path: path.clone(), old: Some(text), new: None });
            }
            SkillChange::Removed
        }
        Some(_) => SkillChange::Kept,
    };
    Ok(Plan { target, kind, settings_path, entry, command: None, skill_path, skill, writes })
}

/// Whether frontier's `kind` entry is in `target`'s files. A file that cannot be read
/// or parsed counts as holding it, so that the shared skill is kept when in doubt.
fn registered(target: &Target, kind: Kind) -> bool {
    let found = || holds(target, kind, settings_file::read(&entry_path(target, kind)?)?.as_deref());
    found().unwrap_or(true)
}

/// The file that holds frontier's `kind` entry for `target`.
pub(super) fn entry_path(target: &Target, kind: Kind) -> Result<PathBuf> {
    match kind {
        Kind::Hook => target.settings_path(),
        Kind::Mcp => mcp_path(target),
    }
}

/// Whether `text`, the contents of `target`'s file for `kind` (`None`: no such file),
/// holds frontier's entry; an error when it does not parse.
pub(super) fn holds(target: &Target, kind: Kind, text: Option<&str>) -> Result<bool> {
    let path = entry_path(target, kind)?;
    let event = host::event(target.host);
    Ok(match kind {
        Kind::Hook => match host::hook_shape(target.host) {
            HookShape::Groups => merge::has(&settings_file::parse(&path, text)?, event),
            HookShape::Handlers => merge_copilot::has(&settings_file::parse(&path, text)?, event),
            HookShape::Plugin => text.is_some_and(plugin::is_frontiers),
        },
        Kind::Mcp => match mcp::shape(target.host) {
            mcp::Shape::Json(table) => merge_mcp::has_json(&mut settings_file::parse(&path, text)?, table),
            mcp::Shape::Toml(table) => merge_mcp::has_toml(&mut settings_file::parse_toml(&path, text)?, table),
            mcp::Shape::YamlBlock => text.is_some_and(mcp_block::is_frontiers),
        },
    })
}

fn mcp_path(target: &Target) -> Result<PathBuf> {
    target.mcp_path().ok_or_else(|| host::unsupported(target.host))
}

/// Refuses, before any edit, a file of a host whose JSON may hold comments when this one
/// is not plain JSON: rewriting it would drop them. `hint` says what to do by hand.
fn plain_json(target: &Target, path: &Path, hint: String) -> Result<()> {
    if !mcp::allows_comments(target.host) {
        return Ok(());
    }
    let Some(text) = settings_file::read(path)? else {
        return Ok(());
    };
    if text.trim().is_empty() || serde_json::from_str::<serde_json::Value>(&text).is_ok() {
        return Ok(());
    }
    Err(Error::refused(
        format!(
            "`{}` is not plain JSON (comments or trailing commas, which {} allows); frontier would lose them \
             by rewriting it",
            path.display(),
            target.host.display_name()
        ),
        hint,
    ))
}
