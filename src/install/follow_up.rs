//! What the user must still do, after frontier's hook is installed, for the host to run
//! it: load or trust it, trust the folder, and, for the hosts that take a plugin, keep
//! the host offline and the plugin out of commits.
//!
//! Knows the hosts' habits only; the files are `host`'s and writing them is `apply`'s.

use std::path::Path;

use super::host::{Location, Target};
use crate::config::Host;

/// What the user must still do for the hook to run, after an install.
pub fn hook(target: &Target) -> Vec<String> {
    let mut notes = Vec::new();
    match (target.host, &target.location) {
        (Host::ClaudeCode, _) => {
            notes
                .push("Claude Code loads the hook when a session starts; `/hooks` in Claude Code lists it".to_string());
        }
        (Host::Codex, location) => {
            notes.push(
                "Codex skips a new or changed hook until you trust it: start `codex`, type `/hooks`, and trust \
                 frontier's UserPromptSubmit hook (again after each reinstall that changes it)"
                    .to_string(),
            );
            if let Location::Project(dir) = location {
                notes.push(format!(
                    "Codex reads `{}` only in a trusted project: accept its trust prompt there, or set \
                     `trust_level = \"trusted\"` under `[projects.\"{}\"]` in your Codex config.toml",
                    dir.join(".codex").display(),
                    dir.display()
                ));
            }
        }
        (Host::Gemini, Location::User) => {
            notes.push("Gemini CLI loads the hook when a session starts; `/hooks panel` lists it".to_string());
        }
        (Host::Copilot, Location::User) => {
            notes.push("GitHub Copilot CLI loads `~/.copilot/hooks/` when a session starts".to_string());
        }
        (Host::Copilot, Location::Project(dir)) => {
            notes.push(format!(
                "GitHub Copilot CLI runs `{}` only in a trusted folder, started in `{}` itself: trust it at \
                 its prompt (`copilot -p` needs `--trust-folder`)",
                dir.join(".github/hooks").display(),
                dir.display()
            ));
        }
        (Host::Gemini, Location::Project(dir)) => {
            notes.push(format!(
                "Gemini CLI reads `{}` only in a trusted folder (when folder trust is on, trust it at the prompt); \
                 it warns once about the new project hook, then runs it",
                dir.join(".gemini/settings.json").display()
            ));
        }
        (Host::Qwen, location) => {
            notes.push(
                "Qwen Code loads the hook when a session starts (`/hooks` lists it) and runs it for the prompts you \
                 type, not for the tool results it sends the model"
                    .to_string(),
            );
            if let Location::Project(dir) = location {
                notes.push(format!(
                    "with folder trust turned on (it is off by default), Qwen Code reads `{}` only in a trusted folder",
                    dir.join(".qwen/settings.json").display()
                ));
            }
        }
        (Host::Droid, _) => {
            notes.push(
                "Droid runs the hook in interactive `droid` sessions and in `droid exec --input-format \
                 stream-jsonrpc`; a one-shot `droid exec \"PROMPT\"` runs no UserPromptSubmit hook, so frontier \
                 does not autorun there"
                    .to_string(),
            );
        }
        (Host::OpenCode | Host::Kilo, location) => {
            let name = target.host.display_name();
            let package = match target.host {
                Host::Kilo => "@kilocode/plugin",
                _ => "@opencode-ai/plugin",
            };
            let plugin = target.settings_path().unwrap_or_default();
            // The plugin is `<config dir>/plugins/frontier.js`.
            let dir = plugin.parent().and_then(Path::parent).unwrap_or(Path::new(".")).display();
            notes.push(format!("{name} loads the plugin when it starts: restart any running {name}"));
            notes.push(format!(
                "frontier's plugin imports nothing, but {name} itself installs `{package}` into `{dir}` from the npm \
                 registry each time it starts, until it is there; to keep it offline, install it once: \
                 `npm install --prefix {dir} {package}`"
            ));
            if let Location::Project(_) = location {
                let plugin = plugin.display();
                notes.push(format!("the plugin names this machine's frontier binary: keep `{plugin}` out of commits"));
            }
        }
        _ => {}
    }
    notes
}
