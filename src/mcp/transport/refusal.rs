//! What the transport answers itself, for a line it can't hand to rmcp: a line over the
//! size limit, a line that is not JSON, JSON that is not a message. Each gets a JSON-RPC
//! error (with the request's id when it can be found, else `null`), because a client whose
//! request is dropped in silence waits for its answer forever. A notification that can't
//! be read is not answered: JSON-RPC never answers one.
//!
//! Knows nothing about reading or writing: it turns bytes into a message or an answer.

use std::cell::Cell;
use std::fmt;

use rmcp::model::{ClientJsonRpcMessage, ErrorCode, RequestId};
use serde::de::{Deserializer as _, IgnoredAny, MapAccess, Visitor};
use serde_json::{Value, json};

use super::lines::{MAX_LINE_BYTES, Oversized};
use crate::mcp::parser_message;

/// What a line is.
#[derive(Debug)]
pub enum Parsed {
    /// A message for rmcp (boxed: it is large, and most lines are one).
    Message(Box<ClientJsonRpcMessage>),
    /// An error to write back instead (a whole line, newline included).
    Answer(Vec<u8>),
    /// Nothing to do (a blank line, a notification that can't be read).
    Nothing,
}

/// The answer to a line over [`MAX_LINE_BYTES`].
pub fn too_long(line: &Oversized) -> Vec<u8> {
    let message = format!(
        "the message is longer than {} MiB, the most this server reads in one line; it was skipped unread",
        MAX_LINE_BYTES / (1024 * 1024)
    );
    answer(id_of(line), ErrorCode::INVALID_REQUEST, &message)
}

/// `line` (without its newline) as a message, or what to do instead.
pub fn parse(line: &[u8]) -> Parsed {
    let line = line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line);
    if line.iter().all(u8::is_ascii_whitespace) {
        return Parsed::Nothing;
    }
    let e = match serde_json::from_slice::<ClientJsonRpcMessage>(line) {
        Ok(message) => return Parsed::Message(Box::new(message)),
        Err(e) => e,
    };
    let Ok(value) = serde_json::from_slice::<Value>(line) else {
        let message = format!("the line is not JSON: {}", parser_message(&e));
        return Parsed::Answer(answer(None, ErrorCode::PARSE_ERROR, &message));
    };
    let id = value.get("id");
    if id.is_none() && value.get("method").is_some() {
        return Parsed::Nothing;
    }
    let id = id.and_then(|id| serde_json::from_value::<RequestId>(id.clone()).ok());
    let message = format!("not a JSON-RPC 2.0 message this server takes: {}", parser_message(&e));
    Parsed::Answer(answer(id, ErrorCode::INVALID_REQUEST, &message))
}

/// The answer to a request whose id is already taken by one still unanswered (the MCP
/// specification forbids reusing an id; rmcp would lose track of the first).
pub fn id_in_use(id: &RequestId) -> Vec<u8> {
    let message = "a request with this id is still unanswered; give each request an id of its own";
    answer(Some(id.clone()), ErrorCode::INVALID_REQUEST, message)
}

/// A JSON-RPC error line: `id` or `null`, `code`, `message`.
fn answer(id: Option<RequestId>, code: ErrorCode, message: &str) -> Vec<u8> {
    let id = id.map_or(Value::Null, |id| serde_json::to_value(id).unwrap_or(Value::Null));
    let error = json!({"jsonrpc": "2.0", "id": id, "error": {"code": code.0, "message": message}});
    let mut line = error.to_string().into_bytes();
    line.push(b'\n');
    line
}

/// The id of an oversized request, when its first bytes (where Python's SDK writes it)
/// or its last bytes (where TypeScript's does) show it for sure.
pub fn id_of(line: &Oversized) -> Option<RequestId> {
    id_at_start(&line.head).or_else(|| id_at_end(&line.tail))
}

/// A top-level `"id"` among the first members of `head`, read with serde_json up to the
/// last comma (a number cut off by the end of `head` would otherwise read as a shorter
/// one; a value is always followed by a comma or a brace).
fn id_at_start(head: &[u8]) -> Option<RequestId> {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let cut = head.iter().rposition(|b| *b == b',')?;
    let found = Cell::new(None);
    // The head ends mid-object, so the parse always fails after the id, if there is one.
    let _ = serde_json::Deserializer::from_slice(&head[..=cut]).deserialize_map(TopLevelId(&found));
    found.take()
}

/// Visits the top-level members in order until `id`, skipping each other value whole.
struct TopLevelId<'a>(&'a Cell<Option<RequestId>>);

impl<'de> Visitor<'de> for TopLevelId<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON-RPC message")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            if key == "id" {
                self.0.set(Some(map.next_value::<RequestId>()?));
                return Ok(());
            }
            map.next_value::<IgnoredAny>()?;
        }
        Ok(())
    }
}

/// A last member `"id": 123` or `"id": "abc"` closing the line's object. In JSON, the
/// final `}` closes the top-level object, so a member right before it whose key is
/// preceded by `,` or `{` is a top-level member. A string id with escapes is not read.
fn id_at_end(tail: &[u8]) -> Option<RequestId> {
    let rest = trim_end(tail).strip_suffix(b"}")?;
    let rest = trim_end(rest);
    let (id, rest) = if let Some(rest) = rest.strip_suffix(b"\"") {
        let open = rest.iter().rposition(|b| *b == b'"')?;
        let text = std::str::from_utf8(&rest[open + 1..]).ok().filter(|t| !t.contains('\\'))?;
        (RequestId::String(text.into()), &rest[..open])
    } else {
        let start = rest.iter().rposition(|b| !(b.is_ascii_digit() || *b == b'-')).map_or(0, |at| at + 1);
        let number = std::str::from_utf8(&rest[start..]).ok()?.parse::<i64>().ok()?;
        (RequestId::Number(number), &rest[..start])
    };
    let rest = trim_end(trim_end(rest).strip_suffix(b":")?).strip_suffix(b"\"id\"")?;
    matches!(trim_end(rest).last(), Some(b',' | b'{')).then_some(id)
}

fn trim_end(bytes: &[u8]) -> &[u8] {
    let end = bytes.iter().rposition(|b| !b.is_ascii_whitespace()).map_or(0, |at| at + 1);
    &bytes[..end]
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    fn oversized(head: &str, tail: &str) -> Oversized {
        Oversized { head: head.as_bytes().to_vec(), tail: tail.as_bytes().to_vec() }
    }

    fn number(n: i64) -> Option<RequestId> {
        Some(RequestId::Number(n))
    }

    #[test]
    fn an_oversized_requests_id_is_found_at_either_end_only_when_certain() {
        let cases = [
            // Python's SDK: jsonrpc, id, method, params.
            (r#"{"jsonrpc":"2.0","id":42,"method":"tools/call","params":{"a":"xx"#, "x\"}}", number(42)),
            (r#"{ "jsonrpc" : "2.0", "id" : "req-7" , "method":"#, "x\"}}", Some(RequestId::String("req-7".into()))),
            // TypeScript's SDK: method, params, jsonrpc, id.
            (r#"{"method":"tools/call","params":{"prompt":"xx"#, r#"xx"}},"jsonrpc":"2.0","id":99}"#, number(99)),
            (
                r#"{"method":"x","params":"#,
                "xx\"},\"jsonrpc\":\"2.0\",\"id\" : \"abc\" }\r",
                Some(RequestId::String("abc".into())),
            ),
            // A number cut by the end of the head is not guessed at.
            (r#"{"jsonrpc":"2.0","id":12"#, "x\"}}", None),
            // An `id` inside params is not the request's.
            (r#"{"method":"x","params":{"id":5,"#, r#""x":{"id":6}}}"#, None),
            (r#"{"params":{"id":5,"more":"xx"#, r#"x","id":6}}"#, None),
            // Inside a string, after an escaped quote.
            (r#"{"params":"xx"#, r#"a \"id\":8}"}"#, None),
            (r#"{"params":"xx"#, r#"x\","id":"a\"b"}"#, None),
            (r#"{"params":"xx"#, r#"x","id":1.5}"#, None),
            (r#"{"params":"xx"#, r#"x","id":1e3}"#, None),
            ("not json at all", "nor here", None),
        ];
        for (head, tail, id) in cases {
            assert_eq!(id_of(&oversized(head, tail)), id, "{head} … {tail}");
        }
    }

    #[test]
    fn a_line_too_long_is_answered_with_its_id_and_the_limit() {
        let line = oversized(r#"{"jsonrpc":"2.0","id":3,"method":"tools/call","#, "");
        let answer: Value = serde_json::from_slice(&too_long(&line)).unwrap();
        let message =
            "the message is longer than 16 MiB, the most this server reads in one line; it was skipped unread";
        assert_eq!(answer, json!({"jsonrpc": "2.0", "id": 3, "error": {"code": -32600, "message": message}}));
        let answer: Value = serde_json::from_slice(&too_long(&oversized("[[[", "]]]"))).unwrap();
        assert_eq!(answer["id"], Value::Null);
    }

    fn answer_to(line: &str) -> Option<Value> {
        match parse(line.as_bytes()) {
            Parsed::Answer(bytes) => {
                assert_eq!(bytes.last(), Some(&b'\n'));
                Some(serde_json::from_slice(&bytes).unwrap())
            }
            Parsed::Message(_) | Parsed::Nothing => None,
        }
    }

    #[test]
    fn a_line_that_is_not_a_message_is_answered_unless_it_is_a_notification() {
        let not_json = answer_to("{\"jsonrpc\":\"2.0\",\"id\":1,").unwrap();
        assert_eq!((not_json["id"].clone(), not_json["error"]["code"].clone()), (Value::Null, json!(-32700)));
        let not_a_request = answer_to(r#"{"jsonrpc":"2.0","id":"x","params":{}}"#).unwrap();
        assert_eq!((not_a_request["id"].clone(), not_a_request["error"]["code"].clone()), (json!("x"), json!(-32600)));
        let long = format!(r#"{{"jsonrpc":"2.0","id":{{"{}":1}},"method":"ping"}}"#, "k".repeat(10_000));
        let quoted = answer_to(&long).unwrap();
        assert!(quoted["error"]["message"].as_str().unwrap().chars().count() < 400, "{quoted}");
        assert_eq!(answer_to(r#"{"jsonrpc":"2.0","method":"notifications/cancelled","params":7}"#), None);
        assert!(matches!(parse(b"  \t"), Parsed::Nothing));
        assert!(matches!(parse(br#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#), Parsed::Message(_)));
    }

    #[test]
    fn a_reused_id_is_answered_under_that_id() {
        let answer: Value = serde_json::from_slice(&id_in_use(&RequestId::Number(4))).unwrap();
        assert_eq!((answer["id"].clone(), answer["error"]["code"].clone()), (json!(4), json!(-32600)));
    }
}
