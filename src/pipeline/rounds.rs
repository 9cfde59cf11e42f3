//! Refinement rounds (`--rounds N`): after the panel's first answers, each later round
//! asks every member that answered the round before to revise its answer in the light of
//! the others'. A member sees the other members' answers under neutral labels (`A`, `B`,
//! ...), each in its frame (`judge::shown`: model text is data, and the task after the
//! frames is frontier's), in an order shuffled by the run's seed, the round and the
//! member; its own answer is left out (not shown unmarked either: it wrote it, and a
//! revision needs the others' view, not its own back), and no model name appears
//! anywhere.
//!
//! A member that failed (or was cut) in a round is not asked again: its failure stands.
//! When fewer than two members answered a round, when too little of the budget is left
//! or the next round would cross the cost cap, the later rounds are skipped and a note
//! says why. The judge and the synth see the last round that ran.
//!
//! The plan's number of rounds is taken as given: whoever builds the plan checks it
//! against the most a run may have.
//!
//! Knows nothing about wire formats, nor what the judge and synth do with the answers.

use std::fmt;

use super::budget::{self, Clock, Subject};
use super::call::{CallFailure, Participant};
use super::cost::{self, ASSUMED_ANSWER_TOKENS, estimate_tokens};
use super::judge::{Labelled, label, shown};
use super::observer::{Observer, RunEvent, Stage};
use super::panel::{self, MEMBER_SYSTEM, Panel};
use super::plan::RunPlan;
use super::session;
use crate::frame::Nonce;

/// How the error of a member not asked in a round begins: its entry repeats the failure
/// of the round it failed in, and is no call of its own (history's statistics skip it).
pub const NOT_ASKED: &str = "not asked in round ";

/// A finished round: one result per member, and when it ended.
pub(super) type Round = Panel;

/// Every round that ran: the earlier ones, the last one, and why later ones did not run.
pub(super) struct Rounds {
    pub earlier: Vec<Round>,
    pub last: Round,
    pub notes: Vec<String>,
}

impl Rounds {
    /// The USD of each call of every round with a known price, the earlier rounds first,
    /// each in panel order. A member not asked in a round carries its earlier failure,
    /// which cost nothing, so nothing is counted twice.
    pub fn costs<'a>(&'a self, panel: &'a [Participant]) -> impl Iterator<Item = f64> + 'a {
        self.earlier
            .iter()
            .chain([&self.last])
            .flat_map(move |r| panel.iter().zip(&r.results))
            .filter_map(|(p, r)| Some(p.price?.cost(r.as_ref().ok()?.usage)))
    }
}

/// Why a later round can't run: fewer than two members answered the round before it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct TooFewAnswers {
    round: u32,
    answered: usize,
}

impl fmt::Display for TooFewAnswers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let who = match self.answered {
            0 => "no member".to_string(),
            n => format!("only {n} member"),
        };
        write!(
            f,
            "round {} and later skipped: {who} of round {} answered, and a revision needs at least two answers",
            self.round,
            self.round - 1
        )
    }
}

/// Runs the first round, then each later one the plan asks for while they can run.
pub(super) async fn run(plan: &RunPlan, clock: &Clock, observer: &dyn Observer) -> Rounds {
    let first = panel::run(plan, clock, observer).await;
    let mut rounds = Rounds { earlier: Vec::new(), last: first, notes: Vec::new() };
    for round in 2..=plan.rounds {
        let prompts =
            revision_prompts(plan, &rounds.last, round).map_err(|too_few| too_few.to_string()).and_then(|prompts| {
                match guard(plan, clock, &rounds, &prompts, round) {
                    Some(reason) => Err(reason),
                    None => Ok(prompts),
                }
            });
        let prompts = match prompts {
            Ok(prompts) => prompts,
            Err(reason) => {
                observer.on(RunEvent::StageSkipped { stage: Stage::Panel, reason: &reason });
                rounds.notes.push(reason);
                break;
            }
        };
        let borrowed: Vec<Option<&str>> = prompts.iter().map(Option::as_deref).collect();
        let asked = panel::ask(plan, &borrowed, clock, observer).await;
        let results = asked
            .results
            .into_iter()
            .zip(&rounds.last.results)
            .map(|(now, before)| now.unwrap_or_else(|| before.clone().map_err(|f| not_asked(f, round))))
            .collect();
        let next = Panel { results, elapsed_ms: asked.elapsed_ms };
        rounds.earlier.push(std::mem::replace(&mut rounds.last, next));
    }
    rounds
}

/// The failure a member not asked in `round` keeps from the round it failed in.
fn not_asked(failure: CallFailure, round: u32) -> CallFailure {
    let error = if failure.error.starts_with(NOT_ASKED) {
        failure.error
    } else {
        format!("{NOT_ASKED}{round}: failed in round {} ({})", round - 1, failure.error)
    };
    // Its partial answer and their tokens belong to the round it failed in, counted once.
    CallFailure { error, partial: None, ..failure }
}

/// Each member's prompt for `round` (`None`: not asked), or why the round can't run.
fn revision_prompts(plan: &RunPlan, before: &Round, round: u32) -> Result<Vec<Option<String>>, TooFewAnswers> {
    let answers = before.answers();
    if answers.len() < 2 {
        return Err(TooFewAnswers { round, answered: answers.len() });
    }
    let question = plan.question();
    Ok((0..plan.panel.len())
        .map(|member| {
            answers.iter().any(|(i, _)| *i == member).then(|| {
                let others: Vec<(usize, &str)> = answers.iter().copied().filter(|(i, _)| *i != member).collect();
                let others = label(&others, shuffle_seed(plan.seed, round, member));
                revision_message(&question, &others, &plan.session.nonce)
            })
        })
        .collect())
}

/// The seed of the order `member` sees the others' answers in, in `round`: each member
/// and each round its own order, reproducible from the run's seed.
fn shuffle_seed(seed: u64, round: u32, member: usize) -> u64 {
    seed ^ (u64::from(round) << 32) ^ (member as u64).wrapping_mul(0x9e37_79b9)
}

/// Why `round` must not run: too little of the budget left, or the cost cap crossed by
/// what the rounds so far spent and what `prompts` are estimated to cost.
fn guard(plan: &RunPlan, clock: &Clock, rounds: &Rounds, prompts: &[Option<String>], round: u32) -> Option<String> {
    let spent: f64 = rounds.costs(&plan.panel).sum();
    let estimate: f64 = plan
        .panel
        .iter()
        .zip(prompts)
        .filter_map(|(p, prompt)| {
            let input =
                estimate_tokens(MEMBER_SYSTEM) + session::thread_tokens(plan) + estimate_tokens(prompt.as_deref()?);
            Some(cost::estimate(p.price, input, ASSUMED_ANSWER_TOKENS))
        })
        .sum();
    budget::guard(Subject::RoundsFrom(round), clock.remaining(), spent, estimate, plan.limits)
}

/// What a member is asked in a later round: the question, the other members' answers
/// under their labels, each framed under `nonce` (or a fresh one, should an answer or the
/// question hold it), and the task of revising its own. Names no model, and does not
/// show the member its own answer.
pub fn revision_message(question: &str, others: &[Labelled<'_>], nonce: &Nonce) -> String {
    let others: Vec<&Labelled<'_>> = others.iter().collect();
    let nonce = shown::nonce_for(nonce, &others, &[question]);
    let mut text = format!("{question}\n\n## Other answers\n\n");
    text.push_str(
        "Other assistants answered the same question independently. Their answers follow under neutral labels, \
         in a random order.\n\n",
    );
    text.push_str(&shown::framed(&others, &nonce));
    text.push_str(
        "## Your task\n\nWrite your best answer to the question above, revised in the light of these answers: keep \
         what is correct, fix what is wrong, add what was missed, and side with a correct answer even if it is alone. \
         Answer the question directly; do not mention the other answers, their labels or this process.",
    );
    text
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;
    use crate::pipeline::testing::{self, Heard, answered, failed, mock, priced, round};

    #[test]
    fn a_revision_frames_the_others_under_labels_and_names_no_model() {
        let others = label(&[(1, "Use a mutex."), (2, "  Use a channel.\n")], 3);
        let nonce = Nonce::parse("0123456789abcdef0123456789abcdef").unwrap();
        let text = revision_message("How do I share state?", &others, &nonce);
        let expected = format!(
            "How do I share state?\n\n## Other answers\n\nOther assistants answered the same question \
             independently. Their answers follow under neutral labels, in a random order.\n\n{}## Your task\n\n\
             Write your best answer to the question above, revised in the light of these answers: keep what is \
             correct, fix what is wrong, add what was missed, and side with a correct answer even if it is alone. \
             Answer the question directly; do not mention the other answers, their labels or this process.",
            shown::framed(&others.iter().collect::<Vec<_>>(), &nonce)
        );
        assert_eq!(text, expected);
        for answer in &others {
            let (label, content) = (&answer.label, answer.content.trim());
            assert!(text.contains(&format!("[[answer {label} {nonce}]]\n{content}\n[[end answer {label} {nonce}]]")));
        }
    }

    fn plan(seed: u64) -> RunPlan {
        let panel = ["a", "b", "c"].map(|name| mock(&format!("vendor-{name}"), "")).to_vec();
        RunPlan { seed, rounds: 2, ..testing::plan(panel) }
    }

    #[test]
    fn each_member_is_shown_the_others_answers_never_its_own_and_no_model_name() {
        let before = round(vec![answered("ALPHA says x"), answered("BETA says y"), failed("boom"), answered("DELTA")]);
        let mut plan = plan(7);
        plan.panel.push(mock("vendor-d", ""));
        let prompts = revision_prompts(&plan, &before, 2).unwrap_or_default();
        let mine = ["ALPHA", "BETA", "", "DELTA"];
        for (member, prompt) in prompts.iter().enumerate() {
            let Some(prompt) = prompt else {
                assert_eq!(member, 2, "only the failed member is not asked");
                continue;
            };
            assert!(!prompt.contains(mine[member]), "member {member} sees its own answer: {prompt}");
            for (other, text) in mine.iter().enumerate().filter(|(o, t)| *o != member && !t.is_empty()) {
                assert!(prompt.contains(text), "member {member} lacks member {other}'s answer");
            }
            assert!(!prompt.contains("vendor-") && !prompt.contains("mock:"), "{prompt}");
            assert_eq!(prompt.lines().filter(|l| l.starts_with("[[end answer ")).count(), 2);
        }
        assert_eq!(prompts[2], None);
        // The order each member sees depends on the seed.
        let orders: std::collections::BTreeSet<Option<String>> = (0..16)
            .map(|seed| revision_prompts(&self::plan_with(seed, &plan), &before, 2).ok().and_then(|p| p[0].clone()))
            .collect();
        assert!(orders.len() > 1, "the seed must change the order");
    }

    fn plan_with(seed: u64, like: &RunPlan) -> RunPlan {
        RunPlan { seed, panel: like.panel.clone(), ..plan(seed) }
    }

    #[test]
    fn with_fewer_than_two_answers_a_round_does_not_run() {
        let before = round(vec![answered("x"), failed("boom"), failed("boom")]);
        assert_eq!(
            revision_prompts(&plan(1), &before, 3).map_err(|e| e.to_string()),
            Err("round 3 and later skipped: only 1 member of round 2 answered, and a revision needs at least two \
                 answers"
                .to_string())
        );
        let none = round(vec![failed("boom"), failed("boom"), failed("boom")]);
        assert_eq!(
            revision_prompts(&plan(1), &none, 2).map_err(|e| e.to_string()),
            Err("round 2 and later skipped: no member of round 1 answered, and a revision needs at least two answers"
                .to_string())
        );
    }

    #[test]
    fn a_round_is_skipped_with_too_little_budget_left_or_past_the_cost_cap() {
        let first = round(vec![answered("x"), answered("y"), answered("z")]);
        let rounds = Rounds { earlier: Vec::new(), last: first, notes: Vec::new() };
        let prompts: Vec<Option<String>> = vec![Some("p".repeat(4000)); 3];
        let mut plan = plan(1);
        plan.limits.budget = std::time::Duration::from_secs(2);
        plan.limits.stage_floor = std::time::Duration::from_secs(5);
        let clock = Clock::start(std::time::Duration::from_secs(2));
        assert_eq!(
            guard(&plan, &clock, &rounds, &prompts, 2).map(|r| r.replace(|c: char| c.is_ascii_digit(), "#")),
            Some("round # and later skipped: #.#s left of the #s budget, under the #s floor".to_string())
        );
        plan.limits.stage_floor = std::time::Duration::ZERO;
        assert_eq!(guard(&plan, &clock, &rounds, &prompts, 2), None, "no cap, time enough");
        // $1 per million tokens in and out: each revision is about 1,000 tokens in and
        // 1,200 assumed out, 3 of them about $0.0066, over a cap of $0.005.
        plan.panel = plan.panel.into_iter().map(priced).collect();
        plan.limits.max_cost_usd = Some(0.005);
        let note = guard(&plan, &clock, &rounds, &prompts, 2).unwrap_or_default();
        assert!(note.starts_with("round 2 and later skipped: round 2 would bring the cost to about $0.006"), "{note}");
        // Round 1 spent 2 tokens a member at $1 per million.
        assert!(note.ends_with("over the $0.0050 cap ($0.0000 spent so far)"), "{note}");
        plan.limits.max_cost_usd = Some(0.01);
        assert_eq!(guard(&plan, &clock, &rounds, &prompts, 2), None);
    }

    #[tokio::test]
    async fn every_round_that_ran_is_kept_and_a_failed_member_is_not_asked_again() {
        let mut plan = plan(7);
        plan.panel[2] = mock("vendor-c", "fail=500");
        plan.rounds = 3;
        let heard = Heard::default();
        let clock = Clock::start(plan.limits.budget);
        let rounds = run(&plan, &clock, &heard).await;
        assert_eq!((rounds.earlier.len(), rounds.notes.clone()), (2, Vec::<String>::new()));
        let errors = |r: &Round| r.results.iter().map(|r| r.as_ref().err().map(|f| f.error.clone())).collect();
        let first: Vec<Option<String>> = errors(&rounds.earlier[0]);
        assert_eq!(first, [None, None, Some("HTTP 500: mock failure".to_string())]);
        let not_asked = Some("not asked in round 2: failed in round 1 (HTTP 500: mock failure)".to_string());
        assert_eq!(errors(&rounds.earlier[1]), [None, None, not_asked.clone()]);
        assert_eq!(errors(&rounds.last), [None, None, not_asked], "the round it failed in stays named");
        // Each later round asks the two members that answered, and says so.
        let started: Vec<String> = heard.events().into_iter().filter(|e| e.starts_with("panel started")).collect();
        assert_eq!(started, ["panel started (3)", "panel started (2)", "panel started (2)"]);
    }

    #[tokio::test]
    async fn under_the_floor_the_later_rounds_are_skipped_with_a_note() {
        let mut plan = plan(7);
        plan.rounds = 3;
        plan.limits.stage_floor = plan.limits.budget * 2;
        let heard = Heard::default();
        let rounds = run(&plan, &Clock::start(plan.limits.budget), &heard).await;
        let notes: Vec<String> = rounds.notes.iter().map(|n| n.replace(|c: char| c.is_ascii_digit(), "#")).collect();
        assert_eq!(notes, ["round # and later skipped: ##.#s left of the ##s budget, under the ###s floor"]);
        assert_eq!(rounds.notes[0].split(':').next(), Some("round 2 and later skipped"));
        assert_eq!((rounds.earlier.len(), rounds.last.answers().len()), (0, 3), "the first round stands");
        assert!(heard.events().contains(&format!("panel skipped: {}", rounds.notes[0])), "{:?}", heard.events());
    }

    #[tokio::test]
    async fn past_the_cost_cap_the_later_rounds_are_skipped_with_a_note() {
        let mut plan = plan(7);
        plan.panel = plan.panel.into_iter().map(priced).collect();
        plan.rounds = 2;
        plan.limits.max_cost_usd = Some(0.000_001);
        let rounds = run(&plan, &Clock::start(plan.limits.budget), &Heard::default()).await;
        let spent: f64 = rounds.costs(&plan.panel).sum();
        assert!(spent > 0.0, "the first round's calls are priced");
        let [note] = rounds.notes.as_slice() else { panic!("one note: {:?}", rounds.notes) };
        let (head, tail) =
            ("round 2 and later skipped: round 2 would bring the cost to about $0.", ", over the $0.0000 cap");
        assert!(note.starts_with(head) && note.contains(tail), "{note}");
        assert!(note.ends_with(&format!("({} spent so far)", crate::pipeline::cost::format_usd(spent))), "{note}");
        assert!(rounds.earlier.is_empty());
    }

    #[test]
    fn each_member_and_round_has_its_own_reproducible_order() {
        let seeds: std::collections::BTreeSet<u64> =
            [(2, 0), (2, 1), (3, 0), (3, 1)].map(|(r, m)| shuffle_seed(7, r, m)).into_iter().collect();
        assert_eq!(seeds.len(), 4);
        assert_eq!(shuffle_seed(7, 2, 1), shuffle_seed(7, 2, 1));
    }

    #[test]
    fn a_member_not_asked_keeps_the_failure_of_the_round_it_failed_in() {
        let failure = CallFailure {
            error: "timed out after 5s".into(),
            kind: crate::provider::ErrorKind::Timeout,
            latency: std::time::Duration::from_secs(5),
            cut: false,
            partial: None,
        };
        let once = not_asked(failure, 2);
        assert_eq!(once.error, "not asked in round 2: failed in round 1 (timed out after 5s)");
        assert_eq!(not_asked(once.clone(), 3).error, once.error, "the round it failed in stays named");
    }
}
