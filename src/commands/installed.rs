//! Which hosts have frontier registered, as `status` and `doctor` show it: for this
//! workspace (its root's own files) and for the user, each host with what is there (its
//! prompt hook or plugin, its `/frontier` command, its MCP server) and whether it
//! therefore autoruns or only offers frontier on demand.
//!
//! Knows nothing about where each host keeps its files or how frontier's entry looks in
//! them: `install::detect` finds them, read-only, and never fails.

use std::collections::BTreeSet;
use std::path::PathBuf;

use serde::Serialize;

use crate::config::Host;
use crate::env::Env;
use crate::install::detect::{self, Spot, Via};
use crate::install::{Location, command};
use crate::render::wrap;

/// The hosts frontier is registered with.
#[derive(Debug, Serialize)]
pub struct Installed {
    /// In the workspace's own files (its git root, else the working directory).
    pub workspace: Vec<HostInstall>,
    /// In the user's files, for every project.
    pub user: Vec<HostInstall>,
}

/// One host's registrations in one place.
#[derive(Debug, Serialize)]
pub struct HostInstall {
    #[serde(skip)]
    pub of: Host,
    pub host: &'static str,
    pub name: &'static str,
    /// Whether prompts run through frontier by themselves here once a scope is armed: the
    /// host autoruns and frontier's hook (or plugin) is registered.
    pub autoruns: bool,
    pub entries: Vec<Entry>,
}

#[derive(Debug, Serialize)]
pub struct Entry {
    #[serde(skip)]
    pub kind: Via,
    /// `hook`, `plugin`, `command` or `mcp`.
    pub via: &'static str,
    pub path: String,
}

/// What is registered for the workspace of the working directory and for the user. A
/// file that is both (a workspace at the home directory) counts as the user's.
pub fn find(env: &Env) -> Installed {
    let user = detect::installed(&Location::User, env);
    let users: BTreeSet<(&str, Via, PathBuf)> = user.iter().map(|s| (s.host.key(), s.via, s.path.clone())).collect();
    let root = crate::scope::workspace_root(env.cwd());
    let workspace: Vec<Spot> = detect::installed(&Location::Project(root), env)
        .into_iter()
        .filter(|s| !users.contains(&(s.host.key(), s.via, s.path.clone())))
        .collect();
    Installed { workspace: by_host(&workspace), user: by_host(&user) }
}

/// `spots`, in host order, gathered by host.
fn by_host(spots: &[Spot]) -> Vec<HostInstall> {
    let mut hosts: Vec<HostInstall> = Vec::new();
    for spot in spots {
        let via = match (spot.via, spot.host) {
            (Via::Hook, Host::OpenCode | Host::Kilo) => "plugin",
            (Via::Hook, _) => "hook",
            (Via::Command, _) => "command",
            (Via::Mcp, _) => "mcp",
        };
        let entry = Entry { kind: spot.via, via, path: spot.path.display().to_string() };
        match hosts.last_mut() {
            Some(last) if last.of == spot.host => last.entries.push(entry),
            _ => hosts.push(HostInstall {
                of: spot.host,
                host: spot.host.key(),
                name: spot.host.display_name(),
                autoruns: false,
                entries: vec![entry],
            }),
        }
        if let (Via::Hook, true, Some(last)) = (spot.via, spot.host.autoruns(), hosts.last_mut()) {
            last.autoruns = true;
        }
    }
    hosts
}

/// The human lines: `heading` before the first, `indent` before the others; one host a
/// line (`Claude Code  autoruns    hook, MCP server`), wrapped under its own column.
pub fn human(i: &Installed, width: Option<usize>, heading: &str, indent: &str) -> String {
    if i.workspace.is_empty() && i.user.is_empty() {
        let text = "none here or for you (`frontier install HOST --user` registers one)";
        return wrap::wrap(text, width, heading, indent);
    }
    let all = i.workspace.iter().chain(&i.user);
    let name_width = all.map(|h| h.name.chars().count()).max().unwrap_or(0);
    let mut out = String::new();
    for (title, hosts, lead) in [("in this workspace:", &i.workspace, heading), ("for you:", &i.user, indent)] {
        if hosts.is_empty() {
            out.push_str(&wrap::wrap(&format!("{title} none"), width, lead, indent));
            continue;
        }
        out.push_str(&wrap::wrap(title, width, lead, indent));
        for h in hosts {
            let state = if h.autoruns { "autoruns" } else { "no autorun" };
            let first = format!("{indent}  {:name_width$}  {state:10}  ", h.name);
            let rest = " ".repeat(first.chars().count());
            let words: Vec<String> = h.entries.iter().map(|e| word(h, e)).collect();
            out.push_str(&wrap::wrap(&words.join(", "), width, &first, &rest));
        }
    }
    out
}

/// How one entry reads: `hook`, `plugin`, `/frontier command`, `MCP server`.
fn word(h: &HostInstall, e: &Entry) -> String {
    match e.kind {
        Via::Command => {
            let kind = if matches!(h.of, Host::Windsurf | Host::Cline) { "workflow" } else { "command" };
            format!("{} {kind}", command::invocation(h.of))
        }
        Via::Mcp => "MCP server".to_string(),
        Via::Hook => e.via.to_string(),
    }
}
