//! Reading one file's text for context, bounded: never more of it than the budget could
//! take, and nothing at all of a binary file.
//!
//! Knows nothing about where the file came from, whether it is a secret, or whether it
//! may be opened (`reach` opens it).

use std::io::Read as _;

/// How much of a file is looked at for a NUL byte, as git and grep do.
const SNIFF_BYTES: usize = 8 << 10;

/// What reading a file gave.
#[derive(Debug, PartialEq, Eq)]
pub enum Text {
    /// Its text: all of it, or (when `cut`) a prefix longer than the budget, so that the
    /// budget's own cut, which is marked in the block, falls inside what was read.
    Text { text: String, cut: bool },
    /// A NUL byte in its first 8 KiB, or bytes that are not UTF-8.
    Binary,
}

/// The most bytes to read of a source when `chars` characters of budget are left: a
/// character is at most 4 bytes in UTF-8, and 3 more cover a character cut in half at
/// the end, so the text kept always holds more than `chars` characters when the source
/// is longer than that.
pub fn read_limit(chars: usize) -> usize {
    chars.saturating_mul(4).saturating_add(4)
}

/// Reads at most `limit` bytes of the open `file`.
pub fn file(file: std::fs::File, limit: usize) -> std::io::Result<Text> {
    let mut bytes = Vec::new();
    file.take(limit as u64 + 1).read_to_end(&mut bytes)?;
    Ok(decode(bytes, limit))
}

/// `bytes` (of which more than `limit` means the source went on) as text, or binary.
pub fn decode(mut bytes: Vec<u8>, limit: usize) -> Text {
    let cut = bytes.len() > limit;
    bytes.truncate(limit);
    if bytes[..bytes.len().min(SNIFF_BYTES)].contains(&0) {
        return Text::Binary;
    }
    match String::from_utf8(bytes) {
        Ok(text) => Text::Text { text, cut },
        // A character cut in half by the limit is not a sign of a binary file.
        Err(e) if cut && e.utf8_error().error_len().is_none() => {
            let valid = e.utf8_error().valid_up_to();
            let mut bytes = e.into_bytes();
            bytes.truncate(valid);
            String::from_utf8(bytes).map_or(Text::Binary, |text| Text::Text { text, cut })
        }
        Err(_) => Text::Binary,
    }
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    #[test]
    fn text_nul_bytes_and_invalid_utf8() {
        assert_eq!(decode(b"hello\n".to_vec(), 100), Text::Text { text: "hello\n".into(), cut: false });
        assert_eq!(decode(b"PNG\0\x01".to_vec(), 100), Text::Binary);
        assert_eq!(decode(b"caf\xe9 latin-1".to_vec(), 100), Text::Binary);
        assert_eq!(decode(Vec::new(), 100), Text::Text { text: String::new(), cut: false });
    }

    #[test]
    fn a_long_file_is_cut_at_the_limit_on_a_character_boundary() {
        assert_eq!(decode(b"abcdef".to_vec(), 4), Text::Text { text: "abcd".into(), cut: true });
        // "é" is two bytes: the limit falls inside the second one.
        assert_eq!(decode("aéé".as_bytes().to_vec(), 4), Text::Text { text: "aé".into(), cut: true });
    }

    #[test]
    fn what_is_read_of_a_long_source_always_outruns_the_budget() {
        for chars in [0, 1, 7, 200] {
            let wide = "😀".repeat(chars + 5);
            let Text::Text { text, cut } = decode(wide.into_bytes(), read_limit(chars)) else {
                panic!("not text");
            };
            assert!(cut && text.chars().count() > chars, "{chars}: {}", text.chars().count());
        }
    }
}
