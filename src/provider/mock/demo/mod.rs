//! The mock's demo mode (`demo=ROLE`), which the `demo` preset plays: on a simple
//! arithmetic question (`What is 6*7?`) its members disagree (`worked` is right and
//! checks itself, `terse` is right and bare, `slip` makes a plausible mistake), its judge
//! checks each answer's number and says who is right and why, and its synth sides with
//! the right answers and says that the run was a demo of mock models. On any other
//! question every role says, in plain words, that the demo's mock models only do simple
//! arithmetic. All of it is a function of the request: the same question gets the same
//! run.
//!
//! Knows no pipeline type: it finds the question as the first `A op B` in the request's
//! first message, the panel's answers by their frames' text (`[[answer A NONCE]]` …
//! `[[end answer A NONCE]]`), and fills a structured reply through the schema's keys
//! (`scores`, `ranking` and the judge's five lists, where the schema has them).
//!
//! This file holds the roles, the prose answers and how the question and the answers are
//! found; `sum` is the arithmetic, `verdict` the judge's structured reply.

mod sum;
mod verdict;

use sum::Sum;
pub use verdict::verdict;

/// Who the mock plays in the demo.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DemoRole {
    /// A member that is right and checks its result.
    Worked,
    /// A member that is right and says only the number.
    Terse,
    /// A member that makes a plausible mistake.
    Slip,
    /// The judge (any role asked for structured output answers as the judge).
    Judge,
    /// The synth: the fused answer.
    Synth,
}

impl DemoRole {
    pub const NAMES: &'static str = "worked, terse, slip, judge, synth";

    pub fn parse(name: &str) -> Option<DemoRole> {
        Some(match name {
            "worked" => DemoRole::Worked,
            "terse" => DemoRole::Terse,
            "slip" => DemoRole::Slip,
            "judge" => DemoRole::Judge,
            "synth" => DemoRole::Synth,
            _ => return None,
        })
    }
}

/// Where a user goes from the demo to real models.
const REAL_USE: &str = "set up real models to ask anything else (README.md, \"Real use\")";

/// The question's sum: the first in `message` before any answer is shown (an answer may
/// quote a sum of its own).
fn question(message: &str) -> Option<Sum> {
    Sum::find(message.split("[[answer ").next().unwrap_or_default())
}

/// A member's answer, or the synth's, as prose.
pub fn prose(role: DemoRole, name: &str, messages: &[&str]) -> String {
    let first = messages.first().copied().unwrap_or_default();
    let Some(sum) = question(first) else {
        return match role {
            DemoRole::Judge | DemoRole::Synth => format!(
                "This is frontier's demo, played by mock models: no real model read your question. The demo's \
                 models only do simple arithmetic, such as \"What is 6*7?\"; {REAL_USE}."
            ),
            _ => format!("{name} is a mock model in frontier's demo: it only does simple arithmetic, such as 6*7."),
        };
    };
    let (expr, right) = (sum.shown(), sum.right());
    match role {
        DemoRole::Worked => format!("{expr} = {right}. Check: {}.", sum.check()),
        DemoRole::Terse => format!("{right}."),
        DemoRole::Slip => format!("{expr} = {}.", sum.slip()),
        DemoRole::Judge | DemoRole::Synth => {
            let answers = framed_answers(first);
            let wrong: Vec<(String, Option<i64>)> =
                answers.iter().filter_map(|(_, text)| claim(text, sum)).filter(|(_, ok)| !ok).map(|(n, _)| n).collect();
            let said_right = answers.len() - wrong.len();
            let mut text = format!(
                "{expr} = {right}. Check: {}.\n\nThis was frontier's demo, played by mock models: {said_right} of {} \
                 answers said {right}",
                sum.check(),
                answers.len()
            );
            for (shown, number) in wrong {
                let why = if number == Some(sum.slip()) { sum.slip_cause() } else { format!("{expr} is not {shown}") };
                text.push_str(&format!("; one said {shown}, a slip ({why})"));
            }
            text.push_str(&format!(
                ". The judge checked each answer's number, and this fused answer sides with the ones that are \
                 right. Now {REAL_USE}."
            ));
            text
        }
    }
}

/// The number an answer gives and whether it is right: right when it says the result
/// anywhere, else the last number it gives that is not one of the question's. None when
/// it gives no number.
fn claim(text: &str, sum: Sum) -> Option<((String, Option<i64>), bool)> {
    let numbers: Vec<&str> = text
        .split(|c: char| !c.is_ascii_digit() && c != '-')
        .map(|n| n.trim_start_matches('-'))
        .filter(|n| !n.is_empty())
        .collect();
    let right = sum.right().to_string();
    if numbers.contains(&right.as_str()) {
        return Some(((right, Some(sum.right())), true));
    }
    let (a, b) = (sum.a.to_string(), sum.b.to_string());
    let last = numbers.iter().rev().find(|n| **n != a && **n != b).or(numbers.last())?;
    Some(((last.to_string(), last.parse().ok()), false))
}

/// The answers framed in `text`, by label, in the order shown.
fn framed_answers(text: &str) -> Vec<(String, String)> {
    let mut answers = Vec::new();
    let mut rest = text;
    // A frame opens on a line of its own (the instruction above the frames names one mid-line).
    while let Some(at) = rest.find("\n[[answer ") {
        let after = &rest[at + "\n[[answer ".len()..];
        let Some(line_end) = after.find('\n') else { break };
        let head = after[..line_end].strip_suffix("]]").unwrap_or_default();
        rest = &after[line_end + 1..];
        let Some((label, nonce)) = head.split_once(' ') else { continue };
        let close = format!("[[end answer {label} {nonce}]]");
        let is_nonce = nonce.len() == 32 && nonce.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        let Some(end) = rest.find(&close).filter(|_| is_nonce) else { continue };
        answers.push((label.to_string(), rest[..end].trim().to_string()));
        rest = &rest[end + close.len()..];
    }
    answers
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;
    use serde_json::json;

    use super::*;

    const N: &str = "0123456789abcdef0123456789abcdef";

    fn judged(answers: &[(&str, &str)]) -> String {
        let mut text = format!(
            "## Question\n\nWhat is 6*7?\n\n## Answers\n\nEach answer is between a line [[answer A {N}]] and a \
             line [[end answer A {N}]].\n\n"
        );
        for (label, answer) in answers {
            text.push_str(&format!("[[answer {label} {N}]]\n{answer}\n[[end answer {label} {N}]]\n\n"));
        }
        text
    }

    #[test]
    fn members_disagree_and_the_synth_sides_with_the_right_ones() {
        let q = ["What is 6*7?"];
        assert_eq!(prose(DemoRole::Worked, "a", &q), "6 × 7 = 42. Check: 42 ÷ 7 = 6.");
        assert_eq!(prose(DemoRole::Terse, "b", &q), "42.");
        assert_eq!(prose(DemoRole::Slip, "c", &q), "6 × 7 = 48.");
        let asked = judged(&[("A", "6 × 7 = 48."), ("B", "42."), ("C", "6 × 7 = 42. Check: 42 ÷ 7 = 6.")]);
        assert_eq!(
            prose(DemoRole::Synth, "s", &[asked.as_str()]),
            "6 × 7 = 42. Check: 42 ÷ 7 = 6.\n\nThis was frontier's demo, played by mock models: 2 of 3 answers said \
             42; one said 48, a slip (48 is 6 × 8, one 6 too many). The judge checked each answer's number, and \
             this fused answer sides with the ones that are right. Now set up real models to ask anything else \
             (README.md, \"Real use\")."
        );
    }

    #[test]
    fn the_judge_says_who_is_right_and_why() {
        let asked = judged(&[("A", "6 × 7 = 48."), ("B", "42."), ("C", "6 × 7 = 42. Check: 42 ÷ 7 = 6.")]);
        let schema = json!({"properties": {"scores": {}, "ranking": {}, "contradictions": {}, "consensus": {}}});
        let value = verdict(&schema, &[asked.as_str()], json!({"consensus": ["x"]}));
        assert_eq!(
            value,
            json!({
                "scores": {
                    "A": {"score": 2, "reason": "Wrong: 6 × 7 = 42; 48 is a slip (48 is 6 × 8, one 6 too many)."},
                    "B": {"score": 8, "reason": "Right (42), but shows no working."},
                    "C": {"score": 9, "reason": "Right: 6 × 7 = 42, and it checks the result."},
                },
                "ranking": ["C", "B", "A"],
                "consensus": ["B and C agree that 6 × 7 = 42."],
                "contradictions": [
                    "A says 48, B and C say 42: B and C are right, since 6 × 7 = 42 (48 is 6 × 8, one 6 too many)."
                ],
            })
        );
    }

    #[test]
    fn another_question_is_told_the_demo_only_does_arithmetic() {
        let q = ["Why is the sky blue?"];
        assert_eq!(
            prose(DemoRole::Slip, "mock:beta", &q),
            "mock:beta is a mock model in frontier's demo: it only does simple arithmetic, such as 6*7."
        );
        assert!(prose(DemoRole::Synth, "s", &q).starts_with("This is frontier's demo, played by mock models"));
        // The members' words name a sum: the question is still the one before the answers.
        let asked = judged(&[("A", &prose(DemoRole::Slip, "mock:beta", &q))]).replace("What is 6*7?", q[0]);
        assert!(prose(DemoRole::Synth, "s", &[asked.as_str()]).starts_with("This is frontier's demo"));
        let value = verdict(&json!({"properties": {"consensus": {}}}), &[asked.as_str()], json!({}));
        assert_eq!(
            value,
            json!({"consensus": ["Every answer says the demo's mock models only do simple arithmetic."]})
        );
    }
}
