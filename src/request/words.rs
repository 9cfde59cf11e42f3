//! Who sent a request, and how it names each value: `frontier run` by its flags
//! (`--rounds 4`), an MCP call by its input fields (`` `rounds` 4 ``), the hook by the
//! scope whose armed state it ran (`scope `x` is armed with …`), so an error points at
//! what the sender can change.
//!
//! Knows nothing about where the values came from beyond the origin's name for them.

use crate::error::Error;
use crate::scope::state::ScopeState;

/// Who sent a request.
#[derive(Debug, Clone, PartialEq)]
pub enum Origin {
    /// `frontier run`: its flags; `scope` is `--scope`'s value (else the working
    /// directory's scope, or `FRONTIER_SCOPE`).
    Cli { scope: Option<String> },
    /// A call of the MCP server's `fuse` or `ask` tool: its input fields; the working
    /// directory's scope.
    Mcp,
    /// The hook: the scope it found armed for the host's workspace, as it loaded it.
    Hook { scope: String, state: Box<ScopeState> },
}

/// A value a request can get wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Field {
    Concurrency,
    Timeout,
    Budget,
    MaxCost,
    IdleTimeout,
    Grace,
    Quorum,
    Rounds,
}

/// Which part of a scope's armed state a value came from, for the hook's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Armed {
    Panel,
    Params,
    Shape,
}

impl Origin {
    /// How the sender names `field`.
    pub(super) fn name(&self, field: Field) -> &'static str {
        match (self, field) {
            (Origin::Mcp, Field::Budget) => "`budget_secs`",
            (Origin::Mcp, Field::MaxCost) => "`max_cost_usd`",
            (Origin::Mcp, Field::Rounds) => "`rounds`",
            (_, Field::Concurrency) => "--concurrency",
            (_, Field::Timeout) => "--timeout",
            (_, Field::Budget) => "--budget",
            (_, Field::MaxCost) => "--max-cost",
            (_, Field::IdleTimeout) => "--idle-timeout",
            (_, Field::Grace) => "--grace",
            (_, Field::Quorum) => "--quorum",
            (_, Field::Rounds) => "--rounds",
        }
    }

    /// `error`, about a value of the scope's armed state (`part`), as the sender reports
    /// it: the hook names the scope, since the user armed it and must re-arm it; the
    /// command line and MCP report the error as it is. The hint stays the error's own.
    pub(super) fn armed(&self, part: Armed, error: Error) -> Error {
        match self {
            Origin::Hook { scope, .. } => armed_scope(scope, part, error),
            Origin::Cli { .. } | Origin::Mcp => error,
        }
    }
}

/// `error`, about a value of scope `scope`'s armed state (`part`): it names the scope,
/// keeps the error's own hint, and adds the way out, since the user armed the value long
/// before this run and may not remember it.
pub(super) fn armed_scope(scope: &str, part: Armed, error: Error) -> Error {
    let what = match part {
        Armed::Panel => "an invalid panel",
        Armed::Params => "an invalid --param",
        Armed::Shape => "a shape its panel can't take",
    };
    Error::refused(
        format!("scope `{scope}` is armed with {what}: {error}"),
        format!(
            "{}; or re-arm the scope with `frontier mode`, or turn it off: `frontier mode off --scope {scope}`",
            error.hint()
        ),
    )
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    #[test]
    fn each_origin_names_a_value_as_its_sender_gave_it() {
        let cli = Origin::Cli { scope: None };
        assert_eq!(
            [Field::Rounds, Field::Budget, Field::MaxCost].map(|f| cli.name(f)),
            ["--rounds", "--budget", "--max-cost"]
        );
        assert_eq!(
            [Field::Rounds, Field::Budget, Field::MaxCost].map(|f| Origin::Mcp.name(f)),
            ["`rounds`", "`budget_secs`", "`max_cost_usd`"]
        );
    }

    #[test]
    fn the_hook_names_the_scope_and_keeps_the_hint() {
        let hook = Origin::Hook { scope: "x".into(), state: Box::default() };
        let error = hook.armed(Armed::Panel, Error::UnknownModel { name: "nosuch".into(), suggestion: None });
        assert_eq!(
            (error.to_string(), error.hint()),
            (
                "scope `x` is armed with an invalid panel: unknown model `nosuch`".to_string(),
                "`frontier catalog` lists every model id and alias; `provider:model` addresses a model directly; \
                 or re-arm the scope with `frontier mode`, or turn it off: `frontier mode off --scope x`"
                    .to_string()
            )
        );
        let cli = Origin::Cli { scope: None }.armed(Armed::Shape, Error::usage("bad", "fix"));
        assert_eq!((cli.to_string(), cli.hint()), ("bad".to_string(), "fix".to_string()));
    }
}
