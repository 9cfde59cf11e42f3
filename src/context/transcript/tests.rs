//! The parsers against transcripts the pinned hosts wrote (tests/fixtures/transcripts),
//! the limits, and every way a transcript can be unusable.

use std::path::{Path, PathBuf};

use pretty_assertions::assert_eq;

use super::*;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/transcripts").join(name)
}

/// The first `lines` lines of a fixture: the file as it was when a later hook ran.
fn prefix(name: &str, lines: usize) -> String {
    let text = std::fs::read_to_string(fixture(name)).unwrap();
    text.split_inclusive('\n').take(lines).collect()
}

fn write(dir: &tempfile::TempDir, text: &str) -> PathBuf {
    let path = dir.path().join("t.jsonl");
    std::fs::write(&path, text).unwrap();
    path
}

const LIMITS: Limits = Limits { turns: 6, chars: DEFAULT_CHARS };
const FIRST: &str = "user: Why is the sky blue? first turn";
const SECOND: &str = "user: And why are sunsets red? second turn";
const THIRD: &str = "A third question, not in the file";

/// The one piece's text, failing on a skip.
fn text(gathered: Gathered) -> String {
    assert_eq!(gathered.skipped, vec![], "{gathered:?}");
    assert_eq!(gathered.pieces.len(), 1, "{gathered:?}");
    gathered.pieces[0].text.clone()
}

fn skipped(gathered: Gathered) -> String {
    assert_eq!(gathered.pieces, vec![], "{gathered:?}");
    assert_eq!(gathered.skipped.len(), 1, "{gathered:?}");
    assert_eq!((gathered.skipped[0].kind, gathered.skipped[0].bytes), (SourceKind::Transcript, 0));
    gathered.skipped[0].skipped.clone().unwrap()
}

#[test]
fn claude_codes_transcript_at_the_second_hook_gives_the_first_turn_without_the_hooks_context() {
    // Claude Code 2.1.197 at the second `claude -p --continue`: 8 lines, the new prompt
    // only in a queue-operation line; the first turn's hook context in an attachment.
    let dir = tempfile::tempdir().unwrap();
    let path = write(&dir, &prefix("claude-2.1.197.jsonl", 8));
    let gathered = gather(&path, "And why are sunsets red? second turn", LIMITS);
    assert_eq!(gathered.pieces[0].path, Some(path.display().to_string()));
    assert_eq!(gathered.pieces[0].kind, SourceKind::Transcript);
    assert_eq!(text(gathered), format!("{FIRST}\n\nassistant: First canned answer: the sky scatters blue light."));
}

#[test]
fn claude_codes_whole_transcript_gives_both_turns() {
    assert_eq!(
        text(gather(&fixture("claude-2.1.197.jsonl"), THIRD, LIMITS)),
        format!(
            "{FIRST}\n\nassistant: First canned answer: the sky scatters blue light.\n\n{SECOND}\n\n\
             assistant: Second canned answer: sunsets are red for the same reason."
        )
    );
}

#[test]
fn codex_rollout_at_the_second_hook_gives_the_first_turn_without_injected_or_developer_text() {
    // Codex 0.169.0 at `codex exec resume --last`: 18 lines, the new prompt not yet in
    // it; the environment context as a user message, the hook context as a developer one.
    let dir = tempfile::tempdir().unwrap();
    let path = write(&dir, &prefix("codex-0.169.0.jsonl", 18));
    assert_eq!(
        text(gather(&path, "And why are sunsets red? second turn", LIMITS)),
        format!("{FIRST}\n\nassistant: First canned answer: the sky scatters blue light.")
    );
}

#[test]
fn codex_whole_rollout_gives_both_turns() {
    assert_eq!(
        text(gather(&fixture("codex-0.169.0.jsonl"), THIRD, LIMITS)),
        format!(
            "{FIRST}\n\nassistant: First canned answer: the sky scatters blue light.\n\n{SECOND}\n\n\
             assistant: Second canned answer: sunsets are red for the same reason."
        )
    );
}

#[test]
fn qwen_codes_and_droids_files_at_the_second_hook_give_the_first_turn_without_the_hooks_context() {
    // Qwen Code 0.24.4 at the second `qwen -p --continue`: 4 lines, the hook's context a
    // tagged part of the first prompt's message. Droid 0.225.2 at the second prompt of a
    // stream-jsonrpc session: 6 lines, the hook's output in a user-only hook record and
    // Droid's system reminders in an llm-only message.
    for (name, lines) in [("qwen-0.24.4.jsonl", 4), ("droid-0.225.2.jsonl", 6)] {
        let dir = tempfile::tempdir().unwrap();
        let path = write(&dir, &prefix(name, lines));
        let got = text(gather(&path, "And why are sunsets red? second turn", LIMITS));
        assert_eq!(got, format!("{FIRST}\n\nassistant: First canned answer: the sky scatters blue light."), "{name}");
    }
}

#[test]
fn qwen_codes_and_droids_whole_files_give_both_turns() {
    for name in ["qwen-0.24.4.jsonl", "droid-0.225.2.jsonl"] {
        assert_eq!(
            text(gather(&fixture(name), THIRD, LIMITS)),
            format!(
                "{FIRST}\n\nassistant: First canned answer: the sky scatters blue light.\n\n{SECOND}\n\n\
                 assistant: Second canned answer: sunsets are red for the same reason."
            ),
            "{name}"
        );
    }
}

#[test]
fn qwen_codes_thoughts_and_tool_parts_and_droids_tool_blocks_are_not_conversation() {
    let dir = tempfile::tempdir().unwrap();
    let qwen = [
        r#"{"type":"user","sessionId":"s","provenance":"real_user","message":{"role":"user","parts":[{"text":"ask"}]}}"#,
        r#"{"type":"assistant","sessionId":"s","message":{"role":"model","parts":[{"text":"hmm","thought":true},{"functionCall":{"name":"glob"}}]}}"#,
        r#"{"type":"user","sessionId":"s","message":{"role":"user","parts":[{"functionResponse":{"name":"glob"}}]}}"#,
        r#"{"type":"assistant","sessionId":"s","message":{"role":"model","parts":[{"text":"found it"}]}}"#,
    ];
    let path = write(&dir, &(qwen.join("\n") + "\n"));
    assert_eq!(text(gather(&path, THIRD, LIMITS)), "user: ask\n\nassistant: found it");
    let droid = [
        r#"{"type":"session_start","id":"s","cwd":"/r"}"#,
        r#"{"type":"message","id":"a","message":{"role":"user","content":[{"type":"text","text":"ask"}]}}"#,
        r#"{"type":"message","id":"b","message":{"role":"assistant","content":[{"type":"tool_use","id":"t","name":"LS","input":{}}]}}"#,
        r#"{"type":"message","id":"c","message":{"role":"user","content":[{"type":"tool_result","tool_use_id":"t","content":"x"}]}}"#,
        r#"{"type":"message","id":"d","message":{"role":"assistant","content":[{"type":"text","text":"found it"}]}}"#,
    ];
    let path = write(&dir, &(droid.join("\n") + "\n"));
    assert_eq!(text(gather(&path, THIRD, LIMITS)), "user: ask\n\nassistant: found it");
}

#[test]
fn a_current_prompt_already_in_the_file_is_left_out() {
    // Claude Code's first 9 lines hold the second prompt's own `user` line.
    let dir = tempfile::tempdir().unwrap();
    let path = write(&dir, &prefix("claude-2.1.197.jsonl", 9));
    assert_eq!(
        text(gather(&path, "And why are sunsets red? second turn", LIMITS)),
        format!("{FIRST}\n\nassistant: First canned answer: the sky scatters blue light.")
    );
}

#[test]
fn the_turn_limit_keeps_the_newest_turns() {
    let path = fixture("codex-0.169.0.jsonl");
    assert_eq!(
        text(gather(&path, THIRD, Limits { turns: 3, chars: DEFAULT_CHARS })),
        format!(
            "assistant: First canned answer: the sky scatters blue light.\n\n{SECOND}\n\nassistant: Second canned answer: sunsets are red for the same reason."
        )
    );
    assert_eq!(
        text(gather(&path, THIRD, Limits { turns: 1, chars: DEFAULT_CHARS })),
        "assistant: Second canned answer: sunsets are red for the same reason."
    );
}

fn claude_line(role: &str, text: &str) -> String {
    serde_json::json!({"type": role, "message": {"role": role, "content": text}}).to_string() + "\n"
}

#[test]
fn the_character_budget_drops_the_oldest_turns_and_cuts_the_oldest_kept_one_from_its_start() {
    let dir = tempfile::tempdir().unwrap();
    let old = format!("OLD {}", "o".repeat(500));
    let middle = format!("{} MIDDLE-END", "m".repeat(500));
    let newest = "newest reply".to_string();
    let path = write(
        &dir,
        &[
            claude_line("user", &old),
            claude_line("assistant", &middle),
            claude_line("user", "q"),
            claude_line("assistant", &newest),
        ]
        .concat(),
    );
    // "assistant: newest reply" (23), "\n\n" and "user: q" (7) leave 280 - 32 = 248 for
    // the middle turn: "\n\n", its label (11), the marker (27) and its last 208 characters.
    let limits = Limits { turns: 10, chars: 280 };
    let got = text(gather(&path, THIRD, limits));
    let kept: String = middle.chars().skip(middle.chars().count() - 208).collect();
    assert_eq!(got, format!("assistant: [… start of this turn cut] {kept}\n\nuser: q\n\nassistant: newest reply"));
    assert_eq!(got.chars().count(), 280);
    // With less room than a useful cut, the older turns go whole.
    assert_eq!(text(gather(&path, THIRD, Limits { turns: 10, chars: 100 })), "user: q\n\nassistant: newest reply");
    // A newest turn over the budget is itself cut, keeping its end.
    let long = format!("{}END", "x".repeat(5000));
    let path = write(&dir, &claude_line("assistant", &long));
    let got = text(gather(&path, THIRD, Limits { turns: 10, chars: 1000 }));
    assert!(got.starts_with("assistant: [… start of this turn cut] xxx") && got.ends_with("xEND"), "{got}");
    assert_eq!(got.chars().count(), 1000);
}

#[test]
fn only_the_tail_of_a_huge_transcript_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = claude_line("user", "EARLY turn, megabytes ago");
    // Non-conversation lines, then one unterminated giant line straddling the cut.
    let filler = serde_json::json!({"type": "progress", "data": "f".repeat(1000)}).to_string() + "\n";
    while text.len() < 3 * MAX_TAIL_BYTES as usize {
        text.push_str(&filler);
    }
    text.push_str(&"g".repeat(MAX_TAIL_BYTES as usize / 2));
    text.push('\n');
    text.push_str(&std::fs::read_to_string(fixture("claude-2.1.197.jsonl")).unwrap());
    let path = write(&dir, &text);
    let got = self::text(gather(&path, THIRD, Limits { turns: 100, chars: DEFAULT_CHARS }));
    assert!(!got.contains("EARLY"), "{got}");
    assert!(got.starts_with(FIRST) && got.ends_with("for the same reason."), "{got}");
    // The read itself stops at the cap, whatever the file's size.
    assert!(read_tail(&path, 1000).unwrap().len() <= 1000);
}

#[test]
fn malformed_and_unknown_lines_are_skipped_and_the_rest_kept() {
    let dir = tempfile::tempdir().unwrap();
    let text = [
        "{not json\n".to_string(),
        claude_line("user", "kept question"),
        "\u{0}\u{1b}[2J garbage\n".to_string(),
        r#"{"type":"user","message":"not an object"}"#.to_string() + "\n",
        r#"{"type":"assistant","message":{"content":42}}"#.to_string() + "\n",
        r#"{"type":"brand-new-kind","message":{"content":"x"},"payload":{}}"#.to_string() + "\n",
        claude_line("assistant", "kept answer"),
        "[1,2,3]\n".to_string(),
    ]
    .concat();
    assert_eq!(text_of_file(&dir, &text), "user: kept question\n\nassistant: kept answer");
}

fn text_of_file(dir: &tempfile::TempDir, contents: &str) -> String {
    text(gather(&write(dir, contents), THIRD, LIMITS))
}

#[test]
fn claude_tool_calls_results_thinking_meta_commands_and_sidechains_are_not_conversation() {
    let dir = tempfile::tempdir().unwrap();
    let lines = [
        r#"{"type":"user","isMeta":true,"message":{"role":"user","content":"<local-command-caveat>Caveat</local-command-caveat>"}}"#,
        r#"{"type":"user","message":{"role":"user","content":"<command-name>/clear</command-name>"}}"#,
        r#"{"type":"user","message":{"role":"user","content":[{"type":"text","text":"read main.rs"},{"type":"image","source":{}}]}}"#,
        r#"{"type":"assistant","message":{"role":"assistant","content":[{"type":"thinking","thinking":"hmm"},{"type":"text","text":"Reading it."},{"type":"tool_use","id":"t1","name":"Read","input":{}}]}}"#,
        r#"{"type":"user","message":{"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","content":"fn main() {}"}]}}"#,
        r#"{"type":"user","isSidechain":true,"message":{"role":"user","content":"a sub-agent's task"}}"#,
        r#"{"type":"assistant","message":{"role":"assistant","content":[{"type":"text","text":"It is empty."}]}}"#,
        r#"{"type":"assistant","message":{"role":"assistant","model":"<synthetic>","content":[{"type":"text","text":"No response requested."}]}}"#,
        r#"{"type":"attachment","attachment":{"type":"hook_additional_context","content":["⚡ Frontier banner"]}}"#,
    ];
    assert_eq!(
        text_of_file(&dir, &(lines.join("\n") + "\n")),
        "user: read main.rs\n\nassistant: Reading it.\n\nIt is empty."
    );
}

#[test]
fn codex_reasoning_function_calls_and_developer_messages_are_not_conversation() {
    let dir = tempfile::tempdir().unwrap();
    let lines = [
        r#"{"type":"session_meta","payload":{"id":"s"}}"#,
        r#"{"type":"response_item","payload":{"type":"message","role":"user","content":[{"type":"input_text","text":"<user_instructions>\nbe brief\n</user_instructions>"}]}}"#,
        r#"{"type":"response_item","payload":{"type":"message","role":"user","content":[{"type":"input_text","text":"<environment_context>\n  <cwd>/r</cwd>\n</environment_context>"},{"type":"input_text","text":"list the files"}]}}"#,
        r#"{"type":"event_msg","payload":{"type":"user_message","message":"list the files"}}"#,
        r#"{"type":"response_item","payload":{"type":"message","role":"developer","content":[{"type":"input_text","text":"[[frontier-answer 00]] relayed"}]}}"#,
        r#"{"type":"response_item","payload":{"type":"reasoning","summary":[{"type":"summary_text","text":"thinking"}]}}"#,
        r#"{"type":"response_item","payload":{"type":"function_call","name":"shell","arguments":"{\"cmd\":\"ls\"}","call_id":"c1"}}"#,
        r#"{"type":"response_item","payload":{"type":"function_call_output","call_id":"c1","output":"a.rs"}}"#,
        r#"{"type":"response_item","payload":{"type":"message","role":"assistant","content":[{"type":"output_text","text":"One file: a.rs."}]}}"#,
        r#"{"type":"event_msg","payload":{"type":"agent_message","message":"One file: a.rs."}}"#,
    ];
    assert_eq!(text_of_file(&dir, &(lines.join("\n") + "\n")), "user: list the files\n\nassistant: One file: a.rs.");
}

#[test]
fn a_missing_unreadable_unknown_or_empty_transcript_is_a_skipped_source_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope.jsonl");
    assert_eq!(skipped(gather(&missing, THIRD, LIMITS)), "not found (a new session has none yet)");
    assert_eq!(skipped(gather(dir.path(), THIRD, LIMITS)), "not a regular file");
    let other = "{\"level\":\"info\",\"msg\":\"x\"}\n{\"type\":\"user\"}\n";
    assert_eq!(
        skipped(gather(&write(&dir, other), THIRD, LIMITS)),
        "not a transcript format frontier reads (Claude Code, Codex, Qwen Code, Droid or Gemini CLI JSONL)"
    );
    assert_eq!(
        skipped(gather(&write(&dir, "\u{0}\u{1}\u{2} binary"), THIRD, LIMITS)),
        "not a transcript format frontier reads (Claude Code, Codex, Qwen Code, Droid or Gemini CLI JSONL)"
    );
    assert_eq!(skipped(gather(&write(&dir, ""), THIRD, LIMITS)), "no earlier turns");
    // A known format with nothing said yet.
    assert_eq!(skipped(gather(&write(&dir, &prefix("claude-2.1.197.jsonl", 2)), THIRD, LIMITS)), "no earlier turns");
    assert_eq!(skipped(gather(&write(&dir, &prefix("codex-0.169.0.jsonl", 7)), THIRD, LIMITS)), "no earlier turns");
}

#[test]
fn a_transcript_that_is_there_but_unusable_leaves_a_note_and_a_new_session_none() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(gather(&dir.path().join("nope.jsonl"), THIRD, LIMITS).notes, Vec::<String>::new());
    assert_eq!(gather(&write(&dir, ""), THIRD, LIMITS).notes, Vec::<String>::new());
    let unknown = write(&dir, "{\"level\":\"info\"}\n");
    assert_eq!(
        gather(&unknown, THIRD, LIMITS).notes,
        vec![format!(
            "the host's transcript `{}` was not sent: not a transcript format frontier reads (Claude Code, Codex, Qwen Code, Droid or Gemini CLI JSONL)",
            unknown.display()
        )]
    );
    assert_eq!(
        gather(dir.path(), THIRD, LIMITS).notes,
        vec![format!("the host's transcript `{}` was not sent: not a regular file", dir.path().display())]
    );
}

#[cfg(unix)]
#[test]
fn a_fifo_is_not_opened() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("fifo");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    assert_eq!(skipped(gather(&fifo, THIRD, LIMITS)), "not a regular file");
}

#[test]
fn why_a_transcript_was_not_read_is_worded_for_the_report() {
    let denied = std::io::Error::from(std::io::ErrorKind::PermissionDenied);
    assert_eq!(TailError::Unreadable(denied).to_string(), "unreadable (permission denied)");
    assert_eq!(TailError::Special(reach::Special::Kernel("proc")).to_string(), "not a regular file (on proc)");
    assert_eq!(TailError::Special(reach::Special::Socket).to_string(), "not a regular file (a socket)");
}

const GEMINI: &str = "gemini-0.61.0.jsonl";
const FIRST_REPLY: &str = "assistant: First canned answer: the sky scatters blue light.";

#[test]
fn gemini_clis_file_at_the_second_hook_gives_the_first_turn_without_its_session_context_or_the_hooks_context() {
    // Gemini CLI 0.61.0 at the second turn (`gemini --resume latest -p`), frontier armed for
    // both: 10 lines, the resume's header and `$set` of the restored list last; the first
    // message Gemini's `<session_context>`, frontier's relay a `<hook_context>` part of the
    // first prompt's message.
    let dir = tempfile::tempdir().unwrap();
    let path = write(&dir, &prefix(GEMINI, 10));
    assert!(prefix(GEMINI, 10).contains("<session_context>") && prefix(GEMINI, 10).contains("<hook_context>"));
    assert_eq!(
        text(gather(&path, "And why are sunsets red? second turn", LIMITS)),
        format!("{FIRST}\n\n{FIRST_REPLY}")
    );
}

#[test]
fn gemini_clis_whole_file_gives_both_turns() {
    assert_eq!(
        text(gather(&fixture(GEMINI), THIRD, LIMITS)),
        format!(
            "{FIRST}\n\n{FIRST_REPLY}\n\n{SECOND}\n\n\
             assistant: Second canned answer: sunsets are red for the same reason."
        )
    );
}

#[test]
fn a_gemini_set_of_messages_replaces_the_whole_list() {
    // At line 8 the resumed session has set the list to its session context alone: the
    // first turn, written before, is gone until line 10 restores it.
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(skipped(gather(&write(&dir, &prefix(GEMINI, 8)), THIRD, LIMITS)), "no earlier turns");
    let lines = [
        r#"{"sessionId":"s","projectHash":"h","startTime":"t","lastUpdated":"t","kind":"main"}"#,
        r#"{"id":"1","timestamp":"t","type":"user","content":[{"text":"dropped question"}]}"#,
        r#"{"id":"2","timestamp":"t","type":"gemini","content":"dropped answer"}"#,
        r#"{"$set":{"messages":[{"id":"3","type":"user","content":[{"text":"kept question"}]},{"id":"4","type":"gemini","content":[{"text":"kept answer"}]}],"lastUpdated":"t"}}"#,
        r#"{"$set":{"lastUpdated":"t2"}}"#,
    ];
    assert_eq!(text_of_file(&dir, &(lines.join("\n") + "\n")), "user: kept question\n\nassistant: kept answer");
}

#[test]
fn a_malformed_line_in_a_gemini_file_is_skipped_and_the_rest_kept() {
    let dir = tempfile::tempdir().unwrap();
    let mut lines: Vec<String> = prefix(GEMINI, 10).lines().map(String::from).collect();
    lines.insert(3, "{\"id\":\"cut-off\",\"type\":\"gemini\",\"content\":\"half a li".into());
    lines.insert(1, "\u{0}garbage".into());
    assert_eq!(text_of_file(&dir, &(lines.join("\n") + "\n")), format!("{FIRST}\n\n{FIRST_REPLY}"));
}

#[test]
fn gemini_rewinds_updates_thoughts_tool_calls_and_ui_messages_are_not_conversation() {
    let dir = tempfile::tempdir().unwrap();
    let lines = [
        r#"{"sessionId":"s","projectHash":"h","startTime":"t","lastUpdated":"t","kind":"main"}"#,
        r#"{"id":"1","type":"user","content":[{"text":"ask"},{"text":"<hook_context>frontier's relay</hook_context>"}]}"#,
        r#"{"id":"2","type":"gemini","content":"","thoughts":[{"subject":"s","description":"hmm"}],"toolCalls":[{"id":"c"}]}"#,
        r#"{"id":"3","type":"info","content":"Request cancelled."}"#,
        r#"{"id":"4","type":"gemini","content":[{"text":"a first draft"}]}"#,
        r#"{"id":"4","type":"gemini","content":[{"text":"hmm","thought":true},{"text":"found it"}]}"#,
        r#"{"id":"5","type":"user","content":[{"text":"a prompt the user rewound"}]}"#,
        r#"{"id":"6","type":"gemini","content":"its answer"}"#,
        r#"{"$rewindTo":"5"}"#,
    ];
    assert_eq!(text_of_file(&dir, &(lines.join("\n") + "\n")), "user: ask\n\nassistant: found it");
}

#[test]
fn a_window_in_blocks_says_where_each_turn_ends_and_which_turn_it_began_with() {
    let dir = tempfile::tempdir().unwrap();
    let turns: Vec<String> = (1..=4)
        .flat_map(|i| [claude_line("user", &format!("question {i}")), claude_line("assistant", &format!("reply {i}"))])
        .collect();
    let blocks = |anchor: Option<String>| Window::Blocks { anchor };
    // No anchor yet: at most half of the 6 turns, from a question.
    let path = write(&dir, &turns[..4].concat());
    let fresh = gather_window(&path, THIRD, LIMITS, &blocks(None));
    assert_eq!(fresh.pieces[0].text, "user: question 2\n\nassistant: reply 2");
    let path = write(&dir, &turns[..2].concat());
    let first = gather_window(&path, THIRD, LIMITS, &blocks(None));
    assert_eq!(first.pieces[0].text, "user: question 1\n\nassistant: reply 1");
    // Two more turns, then two more: the window from the anchor still fits, so it begins
    // the same, and each turn's end is where the next turn's separator starts.
    for n in [4, 6] {
        std::fs::write(&path, turns[..n].concat()).unwrap();
        let next = gather_window(&path, THIRD, LIMITS, &blocks(first.anchor.clone()));
        let piece = &next.pieces[0];
        assert!(piece.text.starts_with(&first.pieces[0].text), "{}", piece.text);
        assert_eq!(next.anchor, first.anchor);
        let ends: Vec<&str> = piece.ends.iter().map(|&e| &piece.text[..e]).collect();
        assert_eq!(ends.len(), n, "{ends:?}");
        assert!(ends[0] == "user: question 1" && ends[1].ends_with("\n\nassistant: reply 1"), "{ends:?}");
        assert_eq!(ends[n - 1], piece.text);
    }
    // Two more: 8 turns from the anchor are too many; the window starts over at question 4.
    std::fs::write(&path, turns.concat()).unwrap();
    let moved = gather_window(&path, THIRD, LIMITS, &blocks(first.anchor.clone()));
    assert_eq!(moved.pieces[0].text, "user: question 4\n\nassistant: reply 4");
    assert_ne!(moved.anchor, first.anchor);
    // The sliding window takes the last 6 whatever the anchor.
    assert!(text(gather(&path, THIRD, LIMITS)).starts_with("user: question 2"));
}
