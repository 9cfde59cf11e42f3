//! The synth stage's request: one grounded answer from the panel's answers and the
//! judge's analysis, weighing evidence instead of counting votes. Two shapes: after a
//! usable verdict, a last user turn (`continuation`) that continues the judge's own
//! conversation, whose question, context and answers are already above it; else a
//! request of its own (`SYSTEM`, `user_message`) that carries them.
//!
//! Knows nothing about providers; `run` sends the request and streams it.

use crate::pipeline::council::Council;
use crate::pipeline::judge::{Labelled, Verdict};

/// What the synth is told about the answers besides the answers themselves.
#[derive(Debug, Clone, Copy)]
pub enum Assessment<'a> {
    /// A judge's verdict.
    Judge(&'a Verdict),
    /// The council's aggregate ranking and its disagreements.
    Council(&'a Council),
    /// Nothing usable: the judge or the council failed or was skipped.
    None,
}

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
    assessment: Assessment<'_>,
    answer_chars: Option<usize>,
) -> String {
    let mut text = format!("## Question\n\n{prompt}\n\n");
    for answer in answers {
        text.push_str(&format!("## Candidate {}\n\n{}\n\n", answer.label, answer.content.trim()));
    }
    match assessment {
        Assessment::Council(council) => text.push_str(&council_section(council)),
        Assessment::Judge(v) => {
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
        Assessment::None => text.push_str("(No judge's analysis is available: weigh the candidates yourself.)\n\n"),
    }
    text.push_str(&closing(answer_chars));
    text
}

/// The council's aggregate and where its rankers disagreed, in labels.
fn council_section(council: &Council) -> String {
    let mut text = format!(
        "## The reviewers' ranking

\
         The assistants ranked each other's answers (never their own); {} ranking{} counted, by Borda count, \
         best first:\n",
        council.rankings,
        if council.rankings == 1 { "" } else { "s" }
    );
    for t in &council.tallies {
        text.push_str(&format!(
            "- {}: {} point{} from {} ranking{}\n",
            t.label,
            t.points,
            plural(t.points),
            t.ballots,
            plural(t.ballots as u64)
        ));
    }
    if council.splits.is_empty() {
        text.push_str("\nThe reviewers agreed on the order of every pair.\n");
    } else {
        text.push_str("\nWhere the reviewers disagreed:\n");
        for s in &council.splits {
            text.push_str(&format!(
                "- {} over {}: {} ranking{}; {} over {}: {}\n",
                s.higher,
                s.lower,
                s.agree,
                plural(s.agree as u64),
                s.lower,
                s.higher,
                s.dissent
            ));
        }
    }
    text.push_str("\nA ranking is a vote, not proof: check the answers themselves where it matters.\n\n");
    text
}

fn plural(n: u64) -> &'static str {
    if n == 1 { "" } else { "s" }
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
        assert!(user_message("Why?", &[], Assessment::None, Some(6_500)).ends_with(told));
        let free = user_message("Why?", &[], Assessment::None, None);
        assert!(free.ends_with("\n\nWrite the final answer now.") && !free.contains("must fit"), "{free}");
        assert!(continuation(Some(6_500)).ends_with(told));
        let free = continuation(None);
        assert!(free.ends_with("\n\nWrite the final answer now.") && !free.contains("must fit"), "{free}");
    }

    #[test]
    fn after_a_council_the_synth_sees_the_aggregate_and_the_splits_in_labels() {
        use crate::pipeline::council::{Split, Tally};
        let council = Council {
            tallies: vec![
                Tally { label: "B".into(), points: 3, ballots: 2 },
                Tally { label: "A".into(), points: 1, ballots: 2 },
                Tally { label: "C".into(), points: 1, ballots: 1 },
            ],
            splits: vec![Split { higher: "B".into(), lower: "A".into(), agree: 1, dissent: 1 }],
            rankings: 2,
        };
        assert_eq!(
            council_section(&council),
            "## The reviewers' ranking\n\nThe assistants ranked each other's answers (never their own); 2 rankings \
             counted, by Borda count, best first:\n- B: 3 points from 2 rankings\n- A: 1 point from 2 rankings\n\
             - C: 1 point from 1 ranking\n\nWhere the reviewers disagreed:\n- B over A: 1 ranking; A over B: 1\n\n\
             A ranking is a vote, not proof: check the answers themselves where it matters.\n\n"
        );
    }

    #[test]
    fn the_continuation_keeps_the_grounding_rules_and_hides_the_process() {
        let text = continuation(None);
        for rule in ["Ground every claim", "Do not majority-vote", "not as JSON", "do not mention the answers"] {
            assert!(text.contains(rule), "{rule}: {text}");
        }
    }
}
