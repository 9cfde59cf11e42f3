//! `frontier install HOST [--mcp]` and `frontier uninstall HOST [--mcp]`: resolve whose
//! settings to edit (`--user` or `--project DIR`), what to register (the prompt hook, or
//! with `--mcp` the MCP server) and which binary it runs, plan the change with
//! `install`, then show it (`--dry-run`) or carry it out and say what is left to do.
//!
//! Status lines go to stderr; a dry run's diff goes to stdout.

use std::path::PathBuf;

use crate::cli::InstallArgs;
use crate::env::Env;
use crate::error::{Error, Result};
use crate::install::{self, EntryChange, Kind, Location, Plan, SkillChange, Target, host};

pub fn install(args: InstallArgs, env: &Env) -> Result<i32> {
    let (dry_run, kind) = (args.dry_run, kind(&args));
    let target = target(args, kind, env, "install")?;
    let plan = install::plan_install(target, kind, &running_binary()?)?;
    finish(&plan, dry_run, Verb::Install)
}

pub fn uninstall(args: InstallArgs, env: &Env) -> Result<i32> {
    let (dry_run, kind) = (args.dry_run, kind(&args));
    let target = target(args, kind, env, "uninstall")?;
    let plan = install::plan_uninstall(target, kind)?;
    finish(&plan, dry_run, Verb::Uninstall)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Verb {
    Install,
    Uninstall,
}

fn kind(args: &InstallArgs) -> Kind {
    if args.mcp { Kind::Mcp } else { Kind::Hook }
}

fn target(args: InstallArgs, kind: Kind, env: &Env, command: &str) -> Result<Target> {
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
    match kind {
        Kind::Hook => Target::resolve(host, location, env),
        Kind::Mcp => Target::resolve_mcp(host, location, env),
    }
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

fn finish(plan: &Plan, dry_run: bool, verb: Verb) -> Result<i32> {
    if dry_run {
        if let Some(diff) = plan.settings_diff() {
            crate::render::write_stdout(&diff);
        }
    } else {
        plan.apply()?;
    }
    eprint!("{}", report(plan, dry_run, verb));
    Ok(0)
}

/// The human account of `plan`, carried out or (`dry_run`) not.
fn report(plan: &Plan, dry_run: bool, verb: Verb) -> String {
    let name = plan.target.host.display_name();
    let whose = match &plan.target.location {
        Location::User => "your settings".to_string(),
        Location::Project(dir) => format!("project {}", dir.display()),
    };
    let state = match (plan.changes_anything(), dry_run, verb) {
        (false, _, Verb::Install) => ": already installed, nothing to change",
        (false, _, Verb::Uninstall) => ": not installed, nothing to remove",
        (true, true, _) => ": dry run, nothing written",
        (true, false, _) => "",
    };
    let would = |done: &str, planned: &str| if dry_run { planned.to_string() } else { done.to_string() };
    let settings = plan.settings_path.display();
    let mut out = format!("{name} ({whose}){state}\n");
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
    let Some(path) = plan.skill_path.as_ref().map(|p| p.display().to_string()) else {
        return report_tail(plan, dry_run, verb, out);
    };
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
    report_tail(plan, dry_run, verb, out)
}

/// The backups, the next step and the host's notes: the end of `report`.
fn report_tail(plan: &Plan, dry_run: bool, verb: Verb, mut out: String) -> String {
    let name = plan.target.host.display_name();
    let would = |done: &str, planned: &str| if dry_run { planned.to_string() } else { done.to_string() };
    for backup in plan.backups() {
        let kept = would("previous contents kept in", "previous contents would be kept in");
        out.push_str(&format!("  backup  {kept} {}\n", backup.display()));
    }
    if verb == Verb::Install && plan.changes_anything() {
        let scope = host::project_scope(plan.target.host);
        out.push_str(&match plan.kind {
            Kind::Hook => format!(
                "next: arm a project from its directory, e.g. `frontier mode fusion --preset demo --scope {scope}`\n"
            ),
            Kind::Mcp => format!(
                "next: ask {name} for a second opinion; it calls frontier's `fuse` tool when it judges one worth it\n"
            ),
        });
        for note in install::follow_up(&plan.target, plan.kind) {
            out.push_str(&format!("note: {note}\n"));
        }
    }
    out
}
