//! The one frame for text frontier did not write (`frontier::frame`), alone and as every
//! prompt that uses it renders it: the judge's, a council ranker's and a later round's
//! answers, the context block (within its budget) and the hook's relay. For any texts,
//! no text holds the nonce (so none holds an open or close line), each frame's close line
//! occurs exactly once, after its text, and frontier's task comes after the last frame.
//!
//! Input: one byte choosing the nonce a caller brings (its low two bits: one of four that
//! the dictionary also holds, so texts can carry it) and how many redraws come from that
//! same set (the next two bits) before fresh bits; two bytes of context budget
//! (little-endian, in characters); then the texts, separated by NUL (lossily decoded),
//! the first of them the question.
#![no_main]

use frontier::context::{Gathered, Piece, SourceKind, assemble};
use frontier::frame::{NONCE_CHARS, Nonce};
use frontier::pipeline::judge::{Labelled, label, user_message};
use frontier::pipeline::{council, rounds};
use libfuzzer_sys::fuzz_target;

/// Nonces the texts may hold (the dictionary has each as hex).
const KNOWN: [(u64, u64); 4] = [
    (0, 0),
    (0x0123_4567_89ab_cdef, 0x0123_4567_89ab_cdef),
    (u64::MAX, u64::MAX),
    (0x5f0c_0000_0000_0000, 0x0000_0000_0000_00e1),
];

/// The panel's largest size.
const MAX_ANSWERS: usize = 8;

/// The bits of the nonces drawn after the one brought: `known` of the set, then
/// splitmix64 (which never repeats, so the draws end however many nonces the texts hold).
fn draws(known: usize, seed: u64) -> impl FnMut() -> u64 {
    let mut words = KNOWN.iter().cycle().skip(1).take(known).flat_map(|(h, l)| [*h, *l]).collect::<Vec<_>>();
    words.reverse();
    let mut state = seed;
    move || {
        words.pop().unwrap_or_else(|| {
            state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        })
    }
}

/// The helper alone: several texts each in a frame of its own, and all in one.
fn check_helper(given: Nonce, texts: &[&str], known: usize) {
    let nonce = given.unless_in_drawing(texts, draws(known, texts.len() as u64));
    assert_eq!(Nonce::parse(nonce.as_str()).as_ref(), Some(&nonce), "a nonce is 32 hex digits");
    for text in texts {
        assert!(!text.contains(nonce.as_str()), "{nonce} is in {text:?}");
    }
    let mut rendered = String::new();
    let mut frames = Vec::new();
    for (i, text) in texts.iter().enumerate() {
        let name = format!("answer {}", char::from(b'A' + i as u8));
        frames.push((rendered.len() + nonce.open(&name).len() + 1, nonce.close(&name)));
        rendered.push_str(&nonce.wrap(&name, text));
    }
    for ((start, close), text) in frames.iter().zip(texts) {
        assert_eq!(rendered.matches(close.as_str()).count(), 1, "{close} in {rendered:?}");
        assert!(rendered[*start..].starts_with(*text));
        assert!(rendered.find(close.as_str()).is_some_and(|at| at >= start + text.len()), "{close} before its text");
    }
    let all = texts.join("\n\n");
    let one = nonce.wrap("frontier-answer", &all);
    let close = nonce.close("frontier-answer");
    assert_eq!(one.matches(&close).count(), 1);
    assert!(one.ends_with(&format!("{close}\n")) && one[nonce.open("frontier-answer").len() + 1..].starts_with(&all));
}

/// A prompt that shows `answers`: each in its frame under one nonce no text holds, each
/// close line once, and `task` after the last frame.
fn check_answers(prompt: &str, question: &str, answers: &[&Labelled<'_>], task: &str) {
    // The question comes first; the first frame's open line is the first after it.
    let after = prompt.find(question).map_or(0, |at| at + question.len());
    let Some(open) = prompt[after..].lines().find(|l| l.starts_with("[[answer ")) else {
        assert!(answers.is_empty(), "no frame in {prompt:?}");
        return;
    };
    let nonce = open.trim_end_matches("]]").rsplit(' ').next().unwrap_or_default();
    assert_eq!(nonce.len(), NONCE_CHARS, "{open}");
    for text in answers.iter().map(|a| a.content).chain([question]) {
        assert!(!text.contains(nonce), "{nonce} is in {text:?}");
    }
    let mut last_close = 0;
    for answer in answers {
        let close = format!("\n[[end answer {} {nonce}]]\n", answer.label);
        let framed = format!("\n[[answer {} {nonce}]]\n{}{close}", answer.label, answer.content.trim());
        assert_eq!(prompt.matches(&close).count(), 1, "{close:?} in {prompt:?}");
        let at = prompt.find(&framed).unwrap_or_else(|| panic!("{framed:?} is not in {prompt:?}"));
        last_close = last_close.max(at + framed.len());
    }
    let task_at = prompt.rfind(&format!("\n{task}\n")).unwrap_or_else(|| panic!("no {task:?} in {prompt:?}"));
    assert!(task_at + 1 >= last_close, "the task comes before a frame ends: {prompt:?}");
}

/// The context block: within its budget, its close line once and last, its nonce in no
/// piece.
fn check_context(texts: &[&str], budget: usize) {
    let pieces: Vec<Piece> = texts
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let path = format!("{i}{}", t.chars().take(3).collect::<String>());
            Piece { kind: SourceKind::File, path: Some(path), text: t.to_string() }
        })
        .collect();
    let context = assemble(Gathered { pieces: pieces.clone(), ..Gathered::default() }, budget);
    assert!(context.block.chars().count() <= budget, "{} chars over {budget}", context.block.chars().count());
    assert_eq!(context.sources.len(), pieces.len());
    if context.block.is_empty() {
        return;
    }
    let close = context.block.lines().last().unwrap_or_default();
    let nonce = close.strip_prefix("[[end context ").and_then(|c| c.strip_suffix("]]")).unwrap_or_default();
    assert_eq!(nonce.len(), NONCE_CHARS, "{close}");
    assert_eq!(context.block.matches(&format!("\n{close}\n")).count(), 1);
    for piece in &pieces {
        assert!(!piece.text.contains(nonce) && !piece.path.as_deref().unwrap_or_default().contains(nonce));
    }
}

/// The hook's relay: the frame's close line once, last, its nonce in neither the answer
/// nor the notes.
fn check_relay(answer: &str, notes: &[String]) {
    let text = frontier::hook::relay::context("⚡ B", answer, notes);
    let close = text.lines().last().unwrap_or_default();
    let nonce = close.strip_prefix("[[end frontier-answer ").and_then(|c| c.strip_suffix("]]")).unwrap_or_default();
    assert_eq!(nonce.len(), NONCE_CHARS, "{close}");
    assert_eq!(text.matches(&format!("\n{close}\n")).count(), 1);
    assert!(!answer.contains(nonce) && notes.iter().all(|n| !n.contains(nonce)));
}

fuzz_target!(|data: &[u8]| {
    let Some((&choice, rest)) = data.split_first() else { return };
    let Some((budget, rest)) = rest.split_first_chunk::<2>() else { return };
    let (high, low) = KNOWN[usize::from(choice & 3)];
    let given = Nonce::from_bits(high, low);
    let known = usize::from((choice >> 2) & 3);
    let text = String::from_utf8_lossy(rest);
    let texts: Vec<&str> = text.split('\0').take(MAX_ANSWERS + 1).collect();
    check_helper(given.clone(), &texts, known);

    let (question, contents) = texts.split_first().map_or(("", &[][..]), |(q, c)| (*q, c));
    let answers: Vec<(usize, &str)> = contents.iter().copied().enumerate().collect();
    let labelled = label(&answers, u64::from(choice));
    let all: Vec<&Labelled<'_>> = labelled.iter().collect();
    check_answers(&user_message(question, &labelled, &given), question, &all, "## Your task");
    let shown: Vec<&Labelled<'_>> = labelled.iter().skip(1).collect();
    check_answers(&council::user_message(question, &shown, &given), question, &shown, "## Your task");
    let others: Vec<Labelled<'_>> = labelled.iter().skip(1).cloned().collect();
    let revision = rounds::revision_message(question, &others, &given);
    check_answers(&revision, question, &shown, "## Your task");

    check_context(&texts, usize::from(u16::from_le_bytes(*budget)));
    let notes: Vec<String> = contents.iter().map(|c| c.to_string()).collect();
    check_relay(question, &notes);
});
