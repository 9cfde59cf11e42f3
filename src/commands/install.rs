//! `frontier install HOST` and `frontier uninstall HOST`: resolve whose settings to edit
//! (`--user` or `--project DIR`) and which binary the hook runs, plan the change with
//! `install`, then show it (`--dry-run`) or carry it out and say what is left to do.
//!
//! Status lines go to stderr; a dry run's diff goes to stdout.

use std::path::PathBuf;

use crate::cli::{HostArg, InstallArgs};
use crate::config::Host;
use crate::env::Env;
use crate::error::{Error, Result};
use crate::install::{self, HookChange, Location, Plan, SkillChange, Target, host};

pub fn install(args: InstallArgs, env: &Env) -> Result<i32> {
    let dry_run = args.dry_run;
    let target = target(args, env, "install")?;
    let plan = install::plan_install(target, &running_binary()?)?;
    finish(&plan, dry_run, Verb::Install)
}

pub fn uninstall(args: InstallArgs, env: &Env) -> Result<i32> {
    let dry_run = args.dry_run;
    let target = target(args, env, "uninstall")?;
    let plan = install::plan_uninstall(target)?;
    finish(&plan, dry_run, Verb::Uninstall)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Verb {
    Install,
    Uninstall,
}

fn target(args: InstallArgs, env: &Env, command: &str) -> Result<Target> {
    let host = match args.host {
        HostArg::ClaudeCode => Host::ClaudeCode,
        HostArg::Codex => Host::Codex,
        HostArg::Gemini => Host::Gemini,
    };
    let location = match (args.user, args.project) {
        (true, _) => Location::User,
        (false, Some(dir)) => Location::Project(project_dir(&env.cwd().join(dir))?),
        (false, None) => {
            let name = host::flag(host);
            return Err(Error::usage(
                format!("say whose {} settings to change: --user or --project DIR", host::display_name(host)),
                format!(
                    "`frontier {command} {name} --user` changes your own settings, for every project; \
                     `frontier {command} {name} --project .` changes this project's only"
                ),
            ));
        }
    };
    Target::resolve(host, location, env)
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
    let name = host::display_name(plan.target.host);
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
    let event = host::event(plan.target.host);
    let mut out = format!("{name} ({whose}){state}\n");
    let hook = match plan.hook {
        HookChange::Added => format!("{} {settings}", would("added to", "would be added to")),
        HookChange::Updated => format!("{} {settings}", would("updated in", "would be updated in")),
        HookChange::Unchanged => format!("already in {settings}"),
        HookChange::Removed => format!("{} {settings}", would("removed from", "would be removed from")),
        HookChange::Absent => format!("none in {settings}"),
    };
    out.push_str(&format!("  hook    {event} {hook}\n"));
    if let Some(command) = &plan.command {
        let (timeout, unit) = host::timeout(plan.target.host);
        out.push_str(&format!("  runs    {command} (timeout {timeout} {unit})\n"));
    }
    let path = plan.skill_path.display();
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
        SkillChange::Absent => format!("none at {path}"),
    };
    out.push_str(&format!("  skill   {skill}\n"));
    for backup in plan.backups() {
        let kept = would("previous contents kept in", "previous contents would be kept in");
        out.push_str(&format!("  backup  {kept} {}\n", backup.display()));
    }
    if verb == Verb::Install && plan.changes_anything() {
        let scope = host::project_scope(plan.target.host);
        out.push_str(&format!(
            "next: arm a project from its directory, e.g. `frontier mode fusion --preset demo --scope {scope}`\n"
        ));
        for note in host::follow_up(&plan.target) {
            out.push_str(&format!("note: {note}\n"));
        }
    }
    out
}
