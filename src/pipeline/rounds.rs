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
//! Knows nothing about wire formats, nor what the judge and synth do with the answers.

use super::RunPlan;
use super::budget::Clock;
use super::call::{CallFailure, Completion};
use super::cost::{ASSUMED_ANSWER_TOKENS, estimate_tokens, format_usd};
use super::judge::{Labelled, label, shown};
use super::observer::{Observer, RunEvent, Stage};
use super::panel::{self, MEMBER_SYSTEM, Panel};
use crate::frame::Nonce;

/// The most rounds a run may have.
pub const MAX_ROUNDS: u32 = 3;

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

/// Runs the first round, then each later one the plan asks for while they can run.
pub(super) async fn run(plan: &RunPlan, clock: &Clock, observer: &dyn Observer) -> Rounds {
    let mut last = panel::run(plan, clock, observer).await;
    let mut earlier = Vec::new();
    let mut notes = Vec::new();
    for round in 2..=plan.rounds.min(MAX_ROUNDS) {
        let prompts = match revision_prompts(plan, &last.results, round) {
            Ok(prompts) => prompts,
            Err(reason) => {
                skip(&reason, observer, &mut notes);
                break;
            }
        };
        if let Some(reason) = guard(plan, clock, &earlier, &last, &prompts, round) {
            skip(&reason, observer, &mut notes);
            break;
        }
        let borrowed: Vec<Option<&str>> = prompts.iter().map(Option::as_deref).collect();
        let asked = panel::ask(plan, &borrowed, clock, observer).await;
        let results = asked
            .results
            .into_iter()
            .zip(&last.results)
            .map(|(now, before)| now.unwrap_or_else(|| before.clone().map_err(|f| not_asked(f, round))))
            .collect();
        earlier.push(std::mem::replace(&mut last, Panel { results, elapsed_ms: asked.elapsed_ms }));
    }
    Rounds { earlier, last, notes }
}

fn skip(reason: &str, observer: &dyn Observer, notes: &mut Vec<String>) {
    observer.on(RunEvent::StageSkipped { stage: Stage::Panel, reason });
    notes.push(reason.to_string());
}

/// The failure a member not asked in `round` keeps from the round it failed in.
fn not_asked(failure: CallFailure, round: u32) -> CallFailure {
    let error = if failure.error.starts_with(NOT_ASKED) {
        failure.error
    } else {
        format!("{NOT_ASKED}{round}: failed in round {} ({})", round - 1, failure.error)
    };
    CallFailure { error, ..failure }
}

/// Each member's prompt for `round` (`None`: not asked), or why the round can't run.
fn revision_prompts(
    plan: &RunPlan,
    before: &[Result<Completion, CallFailure>],
    round: u32,
) -> Result<Vec<Option<String>>, String> {
    let answers: Vec<(usize, &str)> =
        before.iter().enumerate().filter_map(|(i, r)| r.as_ref().ok().map(|c| (i, c.text.as_str()))).collect();
    if answers.len() < 2 {
        return Err(format!(
            "round {round} and later skipped: {} of round {} answered, and a revision needs at least two answers",
            match answers.len() {
                0 => "no member".to_string(),
                n => format!("only {n} member"),
            },
            round - 1
        ));
    }
    let question = plan.question();
    Ok((0..plan.panel.len())
        .map(|member| {
            answers.iter().any(|(i, _)| *i == member).then(|| {
                let others: Vec<(usize, &str)> = answers.iter().copied().filter(|(i, _)| *i != member).collect();
                let others = label(&others, shuffle_seed(plan.seed, round, member));
                revision_message(&question, &others, &Nonce::random())
            })
        })
        .collect())
}

/// The seed of the order `member` sees the others' answers in, in `round`: each member
/// and each round its own order, reproducible from the run's seed.
fn shuffle_seed(seed: u64, round: u32, member: usize) -> u64 {
    seed ^ (u64::from(round) << 32) ^ (member as u64).wrapping_mul(0x9e37_79b9)
}

/// Why `round` must not run: too little of the budget left, or the cost cap crossed.
fn guard(
    plan: &RunPlan,
    clock: &Clock,
    earlier: &[Round],
    last: &Round,
    prompts: &[Option<String>],
    round: u32,
) -> Option<String> {
    let limits = plan.limits;
    let left = clock.remaining();
    if left < limits.stage_floor {
        return Some(format!(
            "round {round} and later skipped: {:.1}s left of the {}s budget, under the {}s floor",
            left.as_secs_f64(),
            limits.budget.as_secs(),
            limits.stage_floor.as_secs()
        ));
    }
    let cap = limits.max_cost_usd?;
    let spent: f64 = earlier
        .iter()
        .chain([last])
        .flat_map(|r| plan.panel.iter().zip(&r.results))
        .filter_map(|(p, r)| Some(p.price?.cost(r.as_ref().ok()?.usage)))
        .sum();
    let estimate: f64 = plan
        .panel
        .iter()
        .zip(prompts)
        .filter_map(|(p, prompt)| {
            let input = estimate_tokens(MEMBER_SYSTEM) + estimate_tokens(prompt.as_deref()?);
            Some(super::cost::estimate(p.price, input, ASSUMED_ANSWER_TOKENS))
        })
        .sum();
    (spent + estimate > cap).then(|| {
        format!(
            "round {round} and later skipped: round {round} would bring the cost to about {}, over the {} cap ({} \
             spent so far)",
            format_usd(spent + estimate),
            format_usd(cap),
            format_usd(spent)
        )
    })
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
    use crate::pipeline::budget::Clock;

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
        let member = |name: &str| crate::pipeline::Participant {
            model: format!("vendor-{name}"),
            route: format!("mock:{name}"),
            provider: Err(crate::provider::ProviderError::Truncated),
            price: None,
            params: crate::provider::Params::default(),
        };
        RunPlan {
            run_id: "r".into(),
            mode: crate::pipeline::RunMode::Fusion,
            preset: None,
            prompt: "Why?".into(),
            panel: vec![member("a"), member("b"), member("c")],
            judge: None,
            synth: None,
            limits: crate::pipeline::Limits {
                concurrency: 4,
                member_timeout: std::time::Duration::from_secs(1),
                budget: std::time::Duration::from_secs(1),
                stage_floor: std::time::Duration::ZERO,
                max_cost_usd: None,
                max_answer_bytes: 1024,
                grace: None,
                quorum: None,
            },
            seed,
            context: crate::context::Context::default(),
            answer_chars: None,
            rounds: 2,
            council: false,
        }
    }

    fn answered(text: &str) -> Result<Completion, CallFailure> {
        Ok(Completion {
            text: text.into(),
            usage: crate::provider::Usage::new(1, 1),
            usage_estimated: false,
            latency: std::time::Duration::ZERO,
            truncated: false,
        })
    }

    #[test]
    fn each_member_is_shown_the_others_answers_never_its_own_and_no_model_name() {
        let failed = Err(CallFailure {
            error: "boom".into(),
            kind: crate::provider::ErrorKind::Server,
            latency: std::time::Duration::ZERO,
            cut: false,
        });
        let before = [answered("ALPHA says x"), answered("BETA says y"), failed.clone(), answered("DELTA")];
        let mut plan = plan(7);
        plan.panel.push(plan.panel[0].clone());
        plan.panel[3].model = "vendor-d".into();
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
        let failed = Err(CallFailure {
            error: "boom".into(),
            kind: crate::provider::ErrorKind::Server,
            latency: std::time::Duration::ZERO,
            cut: false,
        });
        let before = [answered("x"), failed.clone(), failed];
        assert_eq!(
            revision_prompts(&plan(1), &before, 3),
            Err("round 3 and later skipped: only 1 member of round 2 answered, and a revision needs at least two \
                 answers"
                .to_string())
        );
    }

    #[test]
    fn a_round_is_skipped_with_too_little_budget_left_or_past_the_cost_cap() {
        let round1 = Panel { results: vec![answered("x"), answered("y"), answered("z")], elapsed_ms: 1 };
        let prompts: Vec<Option<String>> = vec![Some("p".repeat(4000)); 3];
        let mut plan = plan(1);
        plan.limits.stage_floor = std::time::Duration::from_secs(5);
        let clock = Clock::start(std::time::Duration::from_secs(2));
        assert_eq!(
            guard(&plan, &clock, &[], &round1, &prompts, 2).map(|r| r.replace(|c: char| c.is_ascii_digit(), "#")),
            Some("round # and later skipped: #.#s left of the #s budget, under the #s floor".to_string())
        );
        plan.limits.stage_floor = std::time::Duration::ZERO;
        assert_eq!(guard(&plan, &clock, &[], &round1, &prompts, 2), None, "no cap, time enough");
        // $1 per million tokens in and out: each revision is about 1,000 tokens in and
        // 1,200 assumed out, 3 of them about $0.0066, over a cap of $0.005.
        for member in &mut plan.panel {
            member.price = Some(crate::pipeline::cost::Price::new(1.0, 1.0));
        }
        plan.limits.max_cost_usd = Some(0.005);
        let note = guard(&plan, &clock, &[], &round1, &prompts, 2).unwrap_or_default();
        assert!(note.starts_with("round 2 and later skipped: round 2 would bring the cost to about $0.006"), "{note}");
        assert!(note.ends_with("over the $0.0050 cap ($0.0000 spent so far)"), "{note}");
        plan.limits.max_cost_usd = Some(0.01);
        assert_eq!(guard(&plan, &clock, &[], &round1, &prompts, 2), None);
    }

    #[test]
    fn the_estimate_before_a_run_counts_every_round_and_the_councils_rankings() {
        let mut plan = plan(1);
        for member in &mut plan.panel {
            member.price = Some(crate::pipeline::cost::Price::new(1.0, 1.0));
        }
        plan.rounds = 1;
        let one = crate::pipeline::CostEstimate::of(&plan).usd;
        plan.rounds = 2;
        let two = crate::pipeline::CostEstimate::of(&plan).usd;
        plan.council = true;
        let council = crate::pipeline::CostEstimate::of(&plan).usd;
        // A later round: each member reads the question and the two others' answers and
        // writes one; the council: each member reads the same and writes a ranking.
        let answer = crate::pipeline::cost::ASSUMED_ANSWER_TOKENS;
        let question = estimate_tokens("Why?");
        let round = 3 * (estimate_tokens(MEMBER_SYSTEM) + question + 2 * answer + answer);
        let rankings = 3
            * (estimate_tokens(crate::pipeline::council::SYSTEM)
                + question
                + 2 * answer
                + crate::pipeline::council::ASSUMED_RANKING_TOKENS);
        let tokens = |usd: f64| (usd * 1e6).round() as u64;
        assert_eq!((tokens(two - one), tokens(council - two)), (round, rankings));
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
        };
        let once = not_asked(failure, 2);
        assert_eq!(once.error, "not asked in round 2: failed in round 1 (timed out after 5s)");
        assert_eq!(not_asked(once.clone(), 3).error, once.error, "the round it failed in stays named");
    }
}
