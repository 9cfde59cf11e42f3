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

/// `line L, column C: message` for a TOML error.
fn describe(text: &str, err: &toml::de::Error) -> String {
    let message = err.message().trim().to_string();
    match err.span() {
        Some(span) => {
            let before = &text[..span.start.min(text.len())];
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            format!("line {line}, column {column}: {message}")
        }
        None => message,
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
