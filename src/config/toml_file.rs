//! Reading a TOML file into a serde type, with errors that name the file and the line.

use std::path::Path;

use serde::de::DeserializeOwned;

use crate::error::{Error, Result};

/// Parses `text` (the contents of `path`) as `T`; `what` names the kind of file in errors.
pub fn parse<T: DeserializeOwned>(text: &str, path: &Path, what: &'static str) -> Result<T> {
    toml::from_str(text).map_err(|err| Error::InvalidFile {
        what,
        path: path.to_path_buf(),
        message: describe(text, &err),
    })
}

/// Reads and parses `path`; `None` when the file does not exist.
pub fn read<T: DeserializeOwned>(path: &Path, what: &'static str) -> Result<Option<T>> {
    match std::fs::read(path) {
        Ok(bytes) => parse(&utf8(bytes, path, what)?, path, what).map(Some),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(err) => Err(Error::io("read", path, err)),
    }
}

/// `bytes` as text, or an error naming the first byte that is not UTF-8 (reading with
/// `read_to_string` would report it as an I/O error, and the hint would be about
/// permissions).
fn utf8(bytes: Vec<u8>, path: &Path, what: &'static str) -> Result<String> {
    String::from_utf8(bytes).map_err(|err| {
        let offset = err.utf8_error().valid_up_to();
        let line = err.as_bytes()[..offset].iter().filter(|b| **b == b'\n').count() + 1;
        Error::InvalidFile {
            what,
            path: path.to_path_buf(),
            message: format!(
                "line {line}, byte {offset}: not UTF-8 text (TOML files must be UTF-8; re-save it in that encoding)"
            ),
        }
    })
}

/// `line L, column C: message` for a TOML error, naming the table the line is in, with a
/// "did you mean" for a misspelt key.
fn describe(text: &str, err: &toml::de::Error) -> String {
    let message = with_suggestion(err.message().trim());
    match err.span() {
        Some(span) => {
            let before = &text[..span.start.min(text.len())];
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            match table_of(before) {
                Some(table) => format!("line {line}, column {column}, in `{table}`: {message}"),
                None => format!("line {line}, column {column}: {message}"),
            }
        }
        None => message,
    }
}

/// The header (`[models.x]`, `[[list]]`) of the table the text ends in; `None` at the
/// top level.
fn table_of(before: &str) -> Option<&str> {
    // The line the error is on may itself be the header that is wrong: look above it.
    let above = before.rsplit_once('\n').map_or("", |(above, _)| above);
    above.lines().rev().map(str::trim).find(|l| l.starts_with('[') && l.ends_with(']'))
}

/// serde's `unknown field `x`, expected one of `a`, `b`` with the closest name first,
/// when one is close enough to be a likely typo.
fn with_suggestion(message: &str) -> String {
    let Some(rest) = message.strip_prefix("unknown field `") else { return message.to_string() };
    let Some((field, expected)) = rest.split_once('`') else { return message.to_string() };
    let names: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    match crate::error::suggest(field, names.iter().copied()) {
        Some(close) => {
            let expected = expected.trim_start_matches(',').trim();
            format!("unknown field `{field}`: did you mean `{close}`? ({expected})")
        }
        None => message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Sample {
        name: String,
    }

    #[test]
    fn errors_name_file_and_line() {
        let err = parse::<Sample>("name = \"a\"\nbogus = 1\n", Path::new("/x/config.toml"), "config file")
            .err()
            .map(|e| e.to_string());
        let text = err.unwrap_or_default();
        assert!(text.starts_with("invalid config file `/x/config.toml`: line 2, column 1:"), "{text}");
        assert!(text.contains("bogus"), "{text}");
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Nested {
        default_preset: Option<String>,
        #[serde(default)]
        models: std::collections::BTreeMap<String, Sample>,
    }

    fn message(text: &str) -> String {
        parse::<Nested>(text, Path::new("/x/config.toml"), "config file")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default()
    }

    #[test]
    fn a_misspelt_key_gets_a_did_you_mean_and_a_key_in_a_table_names_the_table() {
        assert_eq!(
            message("defualt_preset = \"demo\"\n"),
            "invalid config file `/x/config.toml`: line 1, column 1: unknown field `defualt_preset`: did you mean \
             `default_preset`? (expected `default_preset` or `models`)"
        );
        assert_eq!(
            message("[models.x]\nname = \"a\"\nnmae = \"b\"\n"),
            "invalid config file `/x/config.toml`: line 3, column 1, in `[models.x]`: unknown field `nmae`: did you \
             mean `name`? (expected `name`)"
        );
        // Nothing close: the list alone.
        assert_eq!(
            message("zzz = 1\n"),
            "invalid config file `/x/config.toml`: line 1, column 1: unknown field `zzz`, expected `default_preset` \
             or `models`"
        );
    }

    #[test]
    fn a_file_that_is_not_utf8_says_so_with_the_line_and_byte() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, b"name = \"a\"\n# caf\xe9\n").unwrap();
        let err = read::<Sample>(&path, "config file").err().unwrap();
        assert_eq!(
            err.to_string(),
            format!(
                "invalid config file `{}`: line 2, byte 16: not UTF-8 text (TOML files must be UTF-8; re-save it in that encoding)",
                path.display()
            )
        );
        assert_eq!(err.exit_code(), crate::error::EXIT_USAGE);
    }
}
