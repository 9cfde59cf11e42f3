//! A model id that is safe to hand to an agent CLI as the value of its model flag.
//!
//! The argv builders accept only this type, so a hostile id such as `opus --yolo` or
//! `--dangerously-skip-permissions` is refused before any argv exists. Knows nothing
//! about which models exist.

use crate::provider::ProviderError;

/// The longest model id accepted; real ids are far shorter.
const MAX_MODEL_ID_CHARS: usize = 200;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelId(String);

impl ModelId {
    /// Accepts `id` unless it is empty, too long, starts with `-`, or contains whitespace
    /// or control characters.
    pub fn parse(id: &str) -> Result<ModelId, ProviderError> {
        let refuse = |reason| Err(ProviderError::BadModelId { model: id.to_string(), reason });
        if id.is_empty() {
            refuse("it is empty")
        } else if id.chars().count() > MAX_MODEL_ID_CHARS {
            refuse("it is too long")
        } else if id.starts_with('-') {
            refuse("it starts with `-` and would be read as a flag")
        } else if id.chars().any(|c| c.is_whitespace() || c.is_control()) {
            refuse("it contains whitespace or control characters")
        } else {
            Ok(ModelId(id.to_string()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_ids_pass() {
        for id in ["opus", "gpt-5.5", "gemini-3.1-pro", "claude-opus-4-8[1m]", "openai/gpt-5.5", "o3:high"] {
            assert_eq!(ModelId::parse(id).map(|m| m.as_str().to_string()), Ok(id.to_string()));
        }
    }

    #[test]
    fn flag_like_and_split_ids_are_refused() {
        let long = "m".repeat(MAX_MODEL_ID_CHARS + 1);
        for id in ["", "-m", "--yolo", "opus --yolo", "opus\t--yolo", "opus\n--yolo", "opus\u{0}", "a\u{a0}b", &long] {
            let err = ModelId::parse(id).expect_err(id);
            assert!(matches!(&err, ProviderError::BadModelId { model, .. } if model == id), "{err:?}");
        }
    }

    #[test]
    fn the_error_shows_control_characters_escaped() {
        let err = ModelId::parse("opus\n--yolo").expect_err("refused");
        assert_eq!(
            err.to_string(),
            "model id \"opus\\n--yolo\" can't be passed to an agent CLI: it contains whitespace or control characters"
        );
    }
}
