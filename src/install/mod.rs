//! Registering frontier with an editor agent (Claude Code, Codex, Gemini CLI) in the
//! host's own files, as its prompt hook or as an MCP server (`frontier mcp`), and
//! copying its skill; and removing them again.
//!
//! `host` knows where each host keeps its settings, skills and MCP servers and what its
//! hook entry looks like; `mcp` what its MCP entry looks like; `merge` and `merge_mcp`
//! edit a parsed document; `settings_file` reads and renders those files; `skill` is
//! the embedded SKILL.md; `diff` shows a planned change. A change is planned in full
//! (every file read and checked) before anything is written, so a refusal leaves every
//! file as it was and `--dry-run` is the plan alone. The hook and the MCP server are
//! registered independently; they share the skill, which stays while either is there.
//!
//! Knows nothing about how frontier's own arguments are parsed (it writes only the
//! `hook --host HOST` or `mcp` line a host runs), or about what the hook or the server
//! do.

mod diff;
pub mod host;
mod mcp;
mod merge;
mod merge_mcp;
mod settings_file;
mod skill;

use std::path::{Path, PathBuf};

use serde_json::Value;

pub use host::{Location, Target};
pub use skill::SKILL;

use crate::config::atomic;
use crate::error::Result;

/// What is registered with the host.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The prompt hook (`frontier hook --host HOST`), in the host's hook settings.
    Hook,
    /// The MCP server (`frontier mcp`), in the host's list of MCP servers.
    Mcp,
}

/// What happens to frontier's entry (its hook handler, or its MCP server).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryChange {
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
    /// Left in place because the other registration (hook or MCP server) still uses it.
    InUse,
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
    pub kind: Kind,
    /// The file that holds frontier's entry.
    pub settings_path: PathBuf,
    pub entry: EntryChange,
    /// The command line the entry runs (install only).
    pub command: Option<String>,
    pub skill_path: PathBuf,
    pub skill: SkillChange,
    writes: Vec<Write>,
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

/// The change `edit` makes to the JSON file at `path`, and its write if it changes it.
/// A missing file is an empty document, or (`missing`) that change without reading.
fn edit_json(
    path: &Path,
    missing: Option<EntryChange>,
    edit: impl FnOnce(&mut Value) -> std::result::Result<EntryChange, settings_file::ShapeError>,
) -> Result<(EntryChange, Option<Write>)> {
    let old = settings_file::read(path)?;
    if let (None, Some(change)) = (&old, missing) {
        return Ok((change, None));
    }
    let mut doc = settings_file::parse(path, old.as_deref())?;
    let change = edit(&mut doc).map_err(|what| settings_file::unexpected_shape(path, &what))?;
    let new = settings_file::render(&doc, old.as_deref());
    Ok((change, changes(change).then(|| Write { path: path.to_path_buf(), old, new: Some(new) })))
}

/// As `edit_json`, for a TOML file, which keeps its comments and layout.
fn edit_toml(
    path: &Path,
    missing: Option<EntryChange>,
    edit: impl FnOnce(&mut toml_edit::DocumentMut) -> std::result::Result<EntryChange, settings_file::ShapeError>,
) -> Result<(EntryChange, Option<Write>)> {
    let old = settings_file::read(path)?;
    if let (None, Some(change)) = (&old, missing) {
        return Ok((change, None));
    }
    let mut doc = settings_file::parse_toml(path, old.as_deref())?;
    let change = edit(&mut doc).map_err(|what| settings_file::unexpected_shape(path, &what))?;
    let new = doc.to_string();
    Ok((change, changes(change).then(|| Write { path: path.to_path_buf(), old, new: Some(new) })))
}

fn changes(change: EntryChange) -> bool {
    matches!(change, EntryChange::Added | EntryChange::Updated | EntryChange::Removed)
}

/// Whether frontier's `kind` entry is in `target`'s files. A file that cannot be read
/// or parsed counts as holding it, so that the shared skill is kept when in doubt.
fn registered(target: &Target, kind: Kind) -> bool {
    let found = || -> Result<bool> {
        match kind {
            Kind::Hook => {
                let path = target.settings_path();
                let old = settings_file::read(&path)?;
                let doc = settings_file::parse(&path, old.as_deref())?;
                Ok(merge::has(&doc, host::event(target.host)))
            }
            Kind::Mcp => {
                let path = target.mcp_path();
                let old = settings_file::read(&path)?;
                Ok(match mcp::table(target.host) {
                    (mcp::Format::Json, table) => {
                        merge_mcp::has_json(&mut settings_file::parse(&path, old.as_deref())?, table)
                    }
                    (mcp::Format::Toml, table) => {
                        merge_mcp::has_toml(&mut settings_file::parse_toml(&path, old.as_deref())?, table)
                    }
                })
            }
        }
    };
    found().unwrap_or(true)
}

/// What the user must still do for the host to use what was installed.
pub fn follow_up(target: &Target, kind: Kind) -> Vec<String> {
    match kind {
        Kind::Hook => host::follow_up(target),
        Kind::Mcp => mcp::follow_up(target),
    }
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
