//! A contender: a panel and shape as `frontier run` would take them (a preset as armed,
//! with `--rounds`, the council or no judge; a single model), under the label the eval
//! reports it by, and the request it makes of each item.
//!
//! Knows nothing about how a contender was written on the command line (the eval command
//! parses `--contender` with `run`'s own flags) nor how its requests are resolved and run.

use serde::{Deserialize, Serialize};

use super::item::Item;
use crate::context::reach::Outside;
use crate::request::{ContextAsk, LimitAsk, Origin, PanelAsk, Request};
use crate::scope::state::Shape;

/// One contender of an eval.
#[derive(Debug, Clone, PartialEq)]
pub struct Contender {
    /// How the eval names it: the spec as written, or the armed preset's name.
    pub label: String,
    /// The spec it is read back from on `--resume` (`run`'s flags, as one argument).
    pub spec: String,
    pub panel: PanelAsk,
    pub shape: Shape,
}

/// A contender as the eval's definition keeps it: label and spec.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Kept {
    pub label: String,
    pub spec: String,
}

impl Contender {
    /// The request this contender makes of `item`: its prompt and files, this panel and
    /// shape, in `scope`, with the eval's `limits`.
    pub fn request(&self, item: &Item, scope: Option<&str>, limits: LimitAsk) -> Request {
        Request {
            prompt: item.prompt.clone(),
            origin: Origin::Cli { scope: scope.map(str::to_string) },
            panel: self.panel.clone(),
            shape: self.shape.clone(),
            limits,
            // A set's files are read as a hooked prompt's are: inside the workspace.
            context: ContextAsk {
                files: item.files.iter().map(|f| f.display().to_string()).collect(),
                ..ContextAsk::none(Outside::Refused)
            },
            seed: None,
            continues: None,
            session: None,
        }
    }

    pub fn kept(&self) -> Kept {
        Kept { label: self.label.clone(), spec: self.spec.clone() }
    }
}
