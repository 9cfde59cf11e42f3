//! `frontier man`: one manual page, generated from the clap definitions so that it can't
//! drift from `--help` — the top-level synopsis and commands (`clap_mangen`), then a
//! section per command with its synopsis and every flag, then the exit status, the
//! environment and the files.
//!
//! Knows nothing about what the commands do beyond their clap help.

use clap::CommandFactory as _;
use clap_mangen::Man;
use clap_mangen::roff::{Roff, bold, roman};

use crate::cli::Cli;
use crate::error::{Error, Result};

pub fn run() -> Result<i32> {
    let page = page().map_err(|e| Error::internal(format!("could not render the manual page: {e}"), ""))?;
    crate::render::write_raw(&page);
    Ok(0)
}

/// The whole page, as roff.
pub fn page() -> std::io::Result<String> {
    let mut top = Cli::command();
    top.build();
    let man = Man::new(top.clone()).manual("frontier manual");
    let mut out = Vec::new();
    man.render_title(&mut out)?;
    man.render_name_section(&mut out)?;
    man.render_synopsis_section(&mut out)?;
    man.render_description_section(&mut out)?;
    man.render_options_section(&mut out)?;
    commands_list(&top).to_writer(&mut out)?;
    for sub in top.get_subcommands() {
        command_section(&mut out, sub, &format!("frontier {}", sub.get_name()))?;
    }
    trailer().to_writer(&mut out)?;
    man.render_version_section(&mut out)?;
    Ok(String::from_utf8_lossy(&out).into_owned())
}

/// `.SH FRONTIER RUN` with the command's description, synopsis and options, then its
/// own subcommands (`preset list`, ...) the same way.
fn command_section(out: &mut Vec<u8>, cmd: &clap::Command, path: &str) -> std::io::Result<()> {
    let mut roff = Roff::new();
    roff.control("SH", [path.to_uppercase().as_str()]);
    roff.to_writer(out)?;
    // The pieces come with their own `.SH` headings; here they are parts of one section.
    let cmd = cmd.clone().bin_name(path);
    let man = Man::new(cmd.clone());
    let mut piece = Vec::new();
    man.render_description_section(&mut piece)?;
    man.render_synopsis_section(&mut piece)?;
    if cmd.get_arguments().any(|a| !a.is_hide_set()) {
        man.render_options_section(&mut piece)?;
    }
    let text = String::from_utf8_lossy(&piece);
    for line in text.lines() {
        match line.strip_prefix(".SH ") {
            Some(heading) => {
                let mut sub = Roff::new();
                let heading = heading.trim_matches('"');
                sub.control("SS", [capitalised(heading).as_str()]);
                sub.to_writer(out)?;
            }
            None => {
                out.extend_from_slice(line.as_bytes());
                out.push(b'\n');
            }
        }
    }
    for sub in cmd.get_subcommands() {
        command_section(out, sub, &format!("{path} {}", sub.get_name()))?;
    }
    Ok(())
}

/// COMMANDS: each command and what it does; its own section follows. (clap_mangen's
/// list would point at one page per command, which this single page does not ship.)
fn commands_list(top: &clap::Command) -> Roff {
    let mut roff = Roff::new();
    roff.control("SH", ["COMMANDS"]);
    for sub in top.get_subcommands() {
        let about = sub.get_about().map(|a| a.to_string()).unwrap_or_default();
        roff.control("TP", []).text([bold(format!("frontier {}", sub.get_name()))]).text([roman(about)]);
    }
    roff.control("PP", []).text([roman("Each command's flags are in its own section below.")]);
    roff
}

fn capitalised(heading: &str) -> String {
    let lower = heading.to_lowercase();
    let mut chars = lower.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// EXIT STATUS, ENVIRONMENT and FILES, as conventional man sections.
fn trailer() -> Roff {
    let mut roff = Roff::new();
    roff.control("SH", ["EXIT STATUS"]);
    for (code, what) in [
        ("0", "success"),
        ("1", "the run failed or was refused: no answer, models not ready, a file that could not be written"),
        ("2", "usage: bad flags, an unknown model or preset, an invalid config.toml or preset file"),
        ("130, 143, 129", "cancelled by SIGINT (Ctrl-C), SIGTERM or SIGHUP (128 + the signal's number)"),
    ] {
        roff.control("TP", []).text([bold(code)]).text([roman(what)]);
    }
    roff.control("SH", ["ENVIRONMENT"]);
    for (var, what) in [
        (
            "FRONTIER_HOME",
            "Keep everything under this directory: the configuration in $FRONTIER_HOME/config, the state in $FRONTIER_HOME/state.",
        ),
        ("FRONTIER_SCOPE", "The scope commands use when --scope is not given (else \"default\")."),
        (
            "OPENAI_API_KEY, ANTHROPIC_API_KEY, GEMINI_API_KEY, OPENROUTER_API_KEY, ...",
            "Provider keys; `frontier doctor` lists the ones the catalog uses.",
        ),
    ] {
        roff.control("TP", []).text([bold(var)]).text([roman(what)]);
    }
    roff.control("SH", ["FILES"]);
    for (path, what) in [
        ("config/config.toml", "Settings, providers, models and aliases (optional)."),
        ("config/presets/NAME.toml", "Presets of your own."),
        ("state/scopes/SCOPE.toml", "What each scope has armed, and its hook tuning."),
        ("state/history.sqlite3", "Every recorded run (`frontier runs`, `frontier show`)."),
    ] {
        roff.control("TP", []).text([bold(path)]).text([roman(what)]);
    }
    roff.control("PP", []).text([roman(
        "The directories are under $FRONTIER_HOME when it is set; else the platform's: on Linux \
         $XDG_CONFIG_HOME/frontier (~/.config/frontier) and $XDG_STATE_HOME/frontier (~/.local/state/frontier); \
         `frontier doctor` prints both.",
    )]);
    roff
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_has_every_command_and_flag() {
        let page = page().unwrap_or_else(|e| panic!("{e}"));
        assert!(page.contains("\n.TH frontier 1 "), "{page}");
        for heading in [".SH \"FRONTIER RUN\"", ".SH \"FRONTIER PRESET DELETE\"", ".SH \"EXIT STATUS\"", ".SH FILES"] {
            assert!(page.contains(heading), "{heading} missing");
        }
        for flag in ["no\\-stream", "seed", "max\\-cost", "relay\\-chars"] {
            assert!(page.contains(&format!("\\-\\-{flag}")), "--{flag} missing");
        }
    }
}
