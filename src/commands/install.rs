//! `frontier install HOST [--mcp]` and `frontier uninstall HOST [--mcp]`: resolve whose
//! settings to edit (`--user` or `--project DIR`), what to register (the prompt hook and,
//! where the host reads one, the `/frontier` command; the command alone for a host
//! without a usable hook; or with `--mcp` the MCP server) and which binary it runs, plan
//! every change with `install`, then show it (`--dry-run`) or carry it out and say what
//! is left to do.
//!
//! Status lines go to stderr; a dry run's diff goes to stdout.

use std::path::PathBuf;

use crate::cli::InstallArgs;
use crate::config::Host;
use crate::env::Env;
use crate::error::{Error, Result};
use crate::install::command::{self, CommandChange, CommandPlan};
use crate::install::{self, EntryChange, Kind, Location, Plan, SkillChange, Target, host};

pub fn install(args: InstallArgs, env: &Env) -> Result<i32> {
    let (dry_run, kind) = (args.dry_run, kind(&args));
    let (host, location) = location(args, env, "install")?;
    if kind == Kind::Hook && !host.autoruns() {
        // No prompt hook to register: the command is the whole install.
        let command = command::plan_install(host, &location, env)?.ok_or_else(|| no_hook(host))?;
        return finish_command(&command, dry_run, Verb::Install);
    }
    let target = resolve(host, location.clone(), kind, env)?;
    let plan = install::plan_install(target, kind, &running_binary()?)?;
    let command = if kind == Kind::Hook { command::plan_install(host, &location, env)? } else { None };
    finish(&plan, command.as_ref(), dry_run, Verb::Install)
}

pub fn uninstall(args: InstallArgs, env: &Env) -> Result<i32> {
    let (dry_run, kind) = (args.dry_run, kind(&args));
    let (host, location) = location(args, env, "uninstall")?;
    if kind == Kind::Hook && !host.autoruns() {
        let command = command::plan_uninstall(host, &location, env)?.ok_or_else(|| no_hook(host))?;
        return finish_command(&command, dry_run, Verb::Uninstall);
    }
    let target = resolve(host, location.clone(), kind, env)?;
    let plan = install::plan_uninstall(target, kind)?;
    let command = if kind == Kind::Hook { command::plan_uninstall(host, &location, env)? } else { None };
    finish(&plan, command.as_ref(), dry_run, Verb::Uninstall)
}

/// The files `host` keeps its hook (or, for `Kind::Mcp`, its MCP servers) in at `location`.
fn resolve(host: Host, location: Location, kind: Kind, env: &Env) -> Result<Target> {
    match kind {
        Kind::Hook => Target::resolve(host, location, env),
        Kind::Mcp => Target::resolve_mcp(host, location, env),
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Verb {
    Install,
    Uninstall,
}

fn kind(args: &InstallArgs) -> Kind {
    if args.mcp { Kind::Mcp } else { Kind::Hook }
}

/// The host, and whose files to change.
fn location(args: InstallArgs, env: &Env, command: &str) -> Result<(Host, Location)> {
    let host = super::host(args.host);
    let location = match (args.user, args.project) {
        (true, _) => Location::User,
        (false, Some(dir)) => Location::Project(project_dir(&env.cwd().join(dir))?),
        (false, None) => {
            let name = host.key();
            return Err(Error::usage(
                format!("say whose {} settings to change: --user or --project DIR", host.display_name()),
                format!(
                    "`frontier {command} {name} --user` changes your own settings, for every project; \
                     `frontier {command} {name} --project .` changes this project's only"
                ),
            ));
        }
    };
    Ok((host, location))
}

/// What `install HOST` says of a host with neither a prompt hook nor a command.
fn no_hook(host: Host) -> Error {
    Error::refused(
        format!("{} has no prompt hook frontier can use and no /frontier command", host.display_name()),
        format!("`frontier install {} --mcp` registers frontier's MCP server with it", host.key()),
    )
}

fn project_dir(dir: &std::path::Path) -> Result<PathBuf> {
    if !dir.is_dir() {
        return Err(Error::usage(
            format!("no such directory `{}`", dir.display()),
            "pass the project's directory, e.g. `--project .` from its root",
        ));
    }
    dir.canonicalize().map_err(|err| Error::io("resolve", dir, err))
}

/// The absolute path of the running binary, which the hook entry will run.
fn running_binary() -> Result<PathBuf> {
    std::env::current_exe().and_then(|p| p.canonicalize()).map_err(|err| {
        Error::refused(
            format!("cannot tell where this frontier binary is: {err}"),
            "run frontier by its full path, e.g. `~/.cargo/bin/frontier install ...`",
        )
    })
}

fn finish(plan: &Plan, command: Option<&CommandPlan>, dry_run: bool, verb: Verb) -> Result<i32> {
    if dry_run {
        for diff in plan.settings_diff().into_iter().chain(command.and_then(CommandPlan::diff)) {
            crate::render::write_stdout(&diff);
        }
    } else {
        plan.apply()?;
        if let Some(command) = command {
            command.apply()?;
        }
    }
    eprint!("{}", report(plan, command, dry_run, verb));
    Ok(0)
}

fn finish_command(command: &CommandPlan, dry_run: bool, verb: Verb) -> Result<i32> {
    if dry_run {
        if let Some(diff) = command.diff() {
            crate::render::write_stdout(&diff);
        }
    } else {
        command.apply()?;
    }
    eprint!("{}", report_command(command, dry_run, verb));
    Ok(0)
}

/// The human account of `plan` (and of the command file planned beside it), carried out
/// or (`dry_run`) not.
fn report(plan: &Plan, command: Option<&CommandPlan>, dry_run: bool, verb: Verb) -> String {
    let changes = plan.changes_anything() || command.is_some_and(CommandPlan::changes_anything);
    let mut out = heading(plan.target.host, &plan.target.location, changes, dry_run, verb);
    let name = plan.target.host.display_name();
    let would = |done: &str, planned: &str| if dry_run { planned.to_string() } else { done.to_string() };
    let settings = plan.settings_path.display();
    let entry = match plan.entry {
        EntryChange::Added => format!("{} {settings}", would("added to", "would be added to")),
        EntryChange::Updated => format!("{} {settings}", would("updated in", "would be updated in")),
        EntryChange::Unchanged => format!("already in {settings}"),
        EntryChange::Removed => format!("{} {settings}", would("removed from", "would be removed from")),
        EntryChange::Absent => format!("none in {settings}"),
    };
    let (timeout, unit) = host::timeout(plan.target.host);
    match plan.kind {
        Kind::Hook => out.push_str(&format!("  hook    {} {entry}\n", host::event(plan.target.host))),
        Kind::Mcp => out.push_str(&format!("  server  frontier {entry}\n")),
    }
    match (&plan.command, plan.kind) {
        (Some(command), Kind::Hook) => out.push_str(&format!("  runs    {command} (timeout {timeout} {unit})\n")),
        (Some(command), Kind::Mcp) => out.push_str(&format!("  runs    {command}\n")),
        (None, _) => {}
    }
    if let Some(path) = plan.skill_path.as_ref().map(|p| p.display()) {
        let skill = match plan.skill {
            SkillChange::Added => format!("{} {path}", would("copied to", "would be copied to")),
            SkillChange::Replaced => {
                format!("{} {path} (it differed from this frontier's)", would("replaced at", "would be replaced at"))
            }
            SkillChange::Unchanged => format!("already at {path}"),
            SkillChange::Removed => format!("{} {path}", would("removed from", "would be removed from")),
            SkillChange::Kept => {
                format!("left at {path}: it differs from this frontier's skill (edited, or another version's)")
            }
            SkillChange::InUse => {
                let other = match plan.kind {
                    Kind::Hook => "MCP server",
                    Kind::Mcp => "hook",
                };
                format!("left at {path}: frontier's {other} is still registered there and uses it")
            }
            SkillChange::Absent => format!("none at {path}"),
        };
        out.push_str(&format!("  skill   {skill}\n"));
    }
    if let Some(command) = command {
        out.push_str(&command_line(command, dry_run));
    }
    for backup in plan.backups().into_iter().chain(command.and_then(CommandPlan::backup)) {
        let kept = would("previous contents kept in", "previous contents would be kept in");
        out.push_str(&format!("  backup  {kept} {}\n", backup.display()));
    }
    if verb == Verb::Install && changes {
        // A hook is only ever planned for a host that autoruns, and each has an alias.
        let scope = plan.target.host.project_alias().unwrap_or_default();
        out.push_str(&match plan.kind {
            Kind::Hook => format!(
                "next: arm a project from its directory, e.g. `frontier mode fusion --preset demo --scope {scope}`\n"
            ),
            Kind::Mcp => format!(
                "next: ask {name} for a second opinion; it calls frontier's `fuse` tool when it judges one worth it\n"
            ),
        });
        if command.is_some() {
            let invoke = command::invocation(plan.target.host);
            out.push_str(&format!("next: or ask once, armed or not: `{invoke} <question>` in {name}\n"));
        }
        for note in install::follow_up(&plan.target, plan.kind) {
            out.push_str(&format!("note: {note}\n"));
        }
    }
    out
}

/// The first line of a report: the host, whose files, and whether anything changes.
fn heading(host: Host, location: &Location, changes: bool, dry_run: bool, verb: Verb) -> String {
    let whose = match location {
        Location::User => "your settings".to_string(),
        Location::Project(dir) => format!("project {}", dir.display()),
    };
    let state = match (changes, dry_run, verb) {
        (false, _, Verb::Install) => ": already installed, nothing to change",
        (false, _, Verb::Uninstall) => ": not installed, nothing to remove",
        (true, true, _) => ": dry run, nothing written",
        (true, false, _) => "",
    };
    format!("{} ({whose}){state}\n", host.display_name())
}

/// The report's line for the command file.
fn command_line(c: &CommandPlan, dry_run: bool) -> String {
    let would = |done: &'static str, planned: &'static str| if dry_run { planned } else { done };
    let path = c.path.display();
    let what = match c.change {
        CommandChange::Added => format!("{} {path}", would("written to", "would be written to")),
        CommandChange::Updated => format!("{} {path}", would("updated in", "would be updated in")),
        CommandChange::Unchanged => format!("already at {path}"),
        CommandChange::Removed => format!("{} {path}", would("removed from", "would be removed from")),
        CommandChange::Absent => format!("none at {path}"),
        CommandChange::Foreign => format!("left at {path}: that file is not frontier's"),
    };
    format!("  command {} {what}\n", command::invocation(c.host))
}

/// The human account of a host's command file alone (a host with no prompt hook).
fn report_command(c: &CommandPlan, dry_run: bool, verb: Verb) -> String {
    let mut out = heading(c.host, &c.location, c.changes_anything(), dry_run, verb);
    out.push_str(&command_line(c, dry_run));
    if let Some(backup) = c.backup() {
        let kept = if dry_run { "previous contents would be kept in" } else { "previous contents kept in" };
        out.push_str(&format!("  backup  {kept} {}\n", backup.display()));
    }
    if verb == Verb::Install && c.changes_anything() {
        let (name, key) = (c.host.display_name(), c.host.key());
        out.push_str(&format!(
            "next: type `{} <question>` in {name}'s chat; {name} does not autorun frontier (its prompt hook \
             cannot add context), so the command is the way\n",
            command::invocation(c.host)
        ));
        out.push_str(&format!("note: `frontier install {key} --mcp` also gives {name} frontier's MCP server\n"));
    }
    out
}
