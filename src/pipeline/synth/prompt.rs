//! The synth stage's request: one grounded answer from the panel's answers and the
//! judge's analysis, weighing evidence instead of counting votes. Two shapes: after a
//! usable verdict, a last user turn (`continuation`) that continues the judge's own
//! conversation, whose question, context and answers are already above it; else a
//! request of its own (`SYSTEM`, `user_message`) that carries them.
//!
//! Knows nothing about providers; `run` sends the request and streams it.

use crate::pipeline::judge::{Labelled, Verdict};

pub const SYSTEM: &str = "You write the final answer to a user's question from several candidate answers \
and, when available, a judge's analysis of them. Ground every claim in the candidates or in well-established \
knowledge. Do not majority-vote: where answers contradict each other, side with the one that is correct, \
even if it is alone. Keep the valuable points unique to one answer, fill the blind spots you can, and drop \
what is wrong. Answer the user directly, in the format the question calls for; do not mention the \
candidates, labels, the judge or this process.";

/// The synth's request; with `answer_chars`, it is told the final answer must fit in about
/// that many characters (its reader, the host of a hook, cuts longer text).
pub fn user_message(
    prompt: &str,
    answers: &[Labelled<'_>],
    verdict: Option<&Verdict>,
    answer_chars: Option<usize>,
) -> String {
    let mut text = format!("## Question\n\n{prompt}\n\n");
    for answer in answers {
        text.push_str(&format!("## Candidate {}\n\n{}\n\n", answer.label, answer.content.trim()));
    }
    match verdict {
        Some(v) => {
            text.push_str("## Judge's analysis\n\n");
            for label in &v.ranking {
                if let Some((score, reason)) = v.scores.get(label) {
                    text.push_str(&format!("- {label}: {score}/10, {reason}\n"));
                }
            }
            let c = &v.comparison;
            let sections = [
                ("Consensus", &c.consensus),
                ("Contradictions", &c.contradictions),
                ("Partial coverage", &c.partial_coverage),
                ("Unique insights", &c.unique_insights),
                ("Blind spots", &c.blind_spots),
            ];
            for (title, items) in sections.into_iter().filter(|(_, items)| !items.is_empty()) {
                text.push_str(&format!("\n{title}:\n"));
                for item in items {
                    text.push_str(&format!("- {item}\n"));
                }
            }
            text.push('\n');
        }
        None => text.push_str("(No judge's analysis is available: weigh the candidates yourself.)\n\n"),
    }
    text.push_str(&closing(answer_chars));
    text
}

/// The synth's instruction as the next user turn of the judge's conversation: the
/// question, the context and the labelled answers are above it, and so is the verdict,
/// as the assistant's own turn. The grounding rules are the standalone `SYSTEM`'s.
pub fn continuation(answer_chars: Option<usize>) -> String {
    format!(
        "## Your next task\n\n\
         Your analysis is done. Now write the final answer to the question above, for the user, who reads only \
         this answer. Ground every claim in the answers or in well-established knowledge. Do not majority-vote: \
         where answers contradict each other, side with the one that is correct, even if it is alone. Keep the \
         valuable points unique to one answer, fill the blind spots you can, and drop what is wrong. Answer the \
         user directly, in the format the question calls for and not as JSON; do not mention the answers, their \
         labels, your analysis, the judging or this process.\n\n{}",
        closing(answer_chars)
    )
}

/// The request's last words: with `answer_chars`, the budget the final answer must fit.
fn closing(answer_chars: Option<usize>) -> String {
    match answer_chars {
        Some(n) => format!(
            "The final answer must fit in about {n} characters: it is relayed through a channel that cuts longer \
             text. Keep what matters most (the direct answer, the essential code or steps) and drop the rest. \
             Write the final answer now."
        ),
        None => "Write the final answer now.".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_synth_is_told_the_answer_budget_only_when_there_is_one() {
        let told = "The final answer must fit in about 6500 characters: it is relayed through a channel that cuts \
                    longer text. Keep what matters most (the direct answer, the essential code or steps) and drop \
                    the rest. Write the final answer now.";
        assert!(user_message("Why?", &[], None, Some(6_500)).ends_with(told));
        let free = user_message("Why?", &[], None, None);
        assert!(free.ends_with("\n\nWrite the final answer now.") && !free.contains("must fit"), "{free}");
        assert!(continuation(Some(6_500)).ends_with(told));
        let free = continuation(None);
        assert!(free.ends_with("\n\nWrite the final answer now.") && !free.contains("must fit"), "{free}");
    }

    #[test]
    fn the_continuation_keeps_the_grounding_rules_and_hides_the_process() {
        let text = continuation(None);
        for rule in ["Ground every claim", "Do not majority-vote", "not as JSON", "do not mention the answers"] {
            assert!(text.contains(rule), "{rule}: {text}");
        }
    }
}
