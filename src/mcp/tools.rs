//! The five tools as a client lists them: name, description (what an agent reads to
//! decide whether a call is worth it, and what it costs), input schema and hints.
//!
//! Knows nothing about how a tool is carried out.

use rmcp::handler::server::common::schema_for_type;
use rmcp::model::{Tool, ToolAnnotations};

use super::inputs;

const FUSE: &str = "Ask frontier's panel of models the same question, have a judge compare \
their answers and a synth write one fused answer. Returns the fused answer, a short analysis \
(where the models agree, contradict each other, what only one saw, blind spots) and the run id \
(for `show`). Worth it for a design decision, a stubborn bug, a review or a question where a \
second opinion is worth a minute and a few cents; not for trivial edits or quick lookups. \
Costs one call per panel member (per round), plus a judge and a synth call; takes as long as \
the slowest member (up to the run's budget). Sends progress notifications when asked.";

const ASK: &str = "Ask one model (any in the `catalog`, e.g. another vendor's) a question and \
return its answer and the run id. Costs one model call.";

const CATALOG: &str = "List the models frontier can call (with aliases, routes and whether each \
is ready: a key set, a CLI installed) and the presets (named panels with their judge and \
synth). Free: calls no model and contacts no server.";

const RUNS: &str = "List the newest recorded runs (id, when, source, status, prompt, cost). \
Free: reads frontier's local history.";

const SHOW: &str = "Show one recorded run as a Markdown document: the prompt, each member's \
answer, the scores, the analysis and the fused answer. Free: reads frontier's local history.";

/// Every tool, in the order a client lists them.
pub fn all() -> Vec<Tool> {
    let free = ToolAnnotations::new().read_only(true).destructive(false).idempotent(true).open_world(false);
    let paid = ToolAnnotations::new().read_only(true).destructive(false).idempotent(false).open_world(true);
    vec![
        Tool::new("fuse", FUSE, schema_for_type::<inputs::Fuse>()).annotate(paid.clone()),
        Tool::new("ask", ASK, schema_for_type::<inputs::Ask>()).annotate(paid),
        Tool::new("catalog", CATALOG, schema_for_type::<inputs::Catalog>()).annotate(free.clone()),
        Tool::new("runs", RUNS, schema_for_type::<inputs::Runs>()).annotate(free.clone()),
        Tool::new("show", SHOW, schema_for_type::<inputs::Show>()).annotate(free),
    ]
}
