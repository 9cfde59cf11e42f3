//! Running the synth stage: skipped when the budget's floor or the cost cap forbids it,
//! else one streamed call whose text is the final answer. When it fails or is skipped,
//! the final answer falls back to the judge's (or the council's) top-ranked answer, else
//! the longest one, and a note says which and why. The stage returns what it did
//! (`Synthesis`); the report is assembled from it. After a usable verdict the synth's
//! request continues the judge's conversation (same system text, same user message, the
//! verdict as the assistant's turn, then the synth's instruction), so that a provider's
//! prompt cache serves the part the judge already sent; without one it stands alone.
//!
//! Knows nothing about wire formats, nor how the verdict came about.

use tokio::time::Instant;

use super::prompt::{Assessment, SYSTEM, continuation, user_message};
use crate::pipeline::budget::{Clock, Subject, guard};
use crate::pipeline::call::{self, Listener, ms};
use crate::pipeline::cost::{self, ASSUMED_ANSWER_TOKENS, estimate_tokens};
use crate::pipeline::judge::{self, Labelled};
use crate::pipeline::observer::{Observer, RunEvent, Stage, answer_stream};
use crate::pipeline::plan::RunPlan;
use crate::pipeline::report::{CallReport, FinalSource, call_report, token_cap_note, truncation_note};
use crate::pipeline::session;
use crate::provider::{Conversation, Role, Turn};

/// What the synth stage did: the run's final answer and where it came from.
#[derive(Debug, Clone, PartialEq)]
pub(in crate::pipeline) struct Synthesis {
    /// The synth's call, when it was asked.
    pub call: Option<CallReport>,
    pub answer: String,
    pub source: FinalSource,
    /// A cut answer, and which fallback gave the answer and why, in that order.
    pub notes: Vec<String>,
    /// How long the call took, when the synth was asked.
    pub elapsed_ms: Option<u64>,
}

/// The synth's request: its system text, the conversation it continues, its last message.
#[derive(Debug, Clone, PartialEq)]
pub(in crate::pipeline) struct Request {
    pub system: &'static str,
    pub conversation: Conversation,
    pub user: String,
}

impl Request {
    /// After a verdict from a call, the judge's conversation continued; else the
    /// standalone request with the question, the candidates and what the judge said.
    pub fn new(plan: &RunPlan, labelled: &[Labelled<'_>], assessment: Assessment<'_>) -> Request {
        let exchange = match assessment {
            Assessment::Judge(v) => v.exchange.as_ref(),
            Assessment::Council(_) | Assessment::None | Assessment::NoJudge => None,
        };
        match exchange {
            Some(exchange) => {
                // The judge's conversation, its message and its verdict, under the same
                // marks as the judge's request, so the read finds its entries.
                let mut conversation = exchange.conversation.clone();
                conversation.prior.push(Turn { role: Role::User, text: exchange.user.clone() });
                conversation.prior.push(Turn { role: Role::Assistant, text: exchange.reply.clone() });
                Request { system: judge::SYSTEM, conversation, user: continuation(plan.answer_chars) }
            }
            None => {
                let nonce = &plan.session.nonce;
                let message = user_message(&plan.question(), labelled, assessment, plan.answer_chars, nonce);
                let model = plan.synth.as_ref().map_or("", |s| s.model.as_str());
                let laid = session::lay_out(plan, model, &message, judge::QUESTION_AT);
                Request { system: SYSTEM, conversation: laid.conversation, user: laid.user }
            }
        }
    }

    /// Tokens of everything sent, as estimated before the call (a cache hit is not assumed).
    fn estimated_tokens(&self) -> u64 {
        let prior: u64 = self.conversation.prior.iter().map(|t| estimate_tokens(&t.text)).sum();
        estimate_tokens(self.system) + prior + estimate_tokens(&self.user)
    }
}

/// The synth stage of a fusion run, after the run has `spent` USD: the final answer, from
/// the synth or from the fallback. `answers` are (member index, content) of the members
/// that answered.
pub(in crate::pipeline) async fn stage(
    plan: &RunPlan,
    labelled: &[Labelled<'_>],
    assessment: Assessment<'_>,
    answers: &[(usize, &str)],
    spent: f64,
    clock: &Clock,
    observer: &dyn Observer,
) -> Synthesis {
    let request = Request::new(plan, labelled, assessment);
    let max_bytes = plan.limits.max_answer_bytes;
    let mut notes = Vec::new();
    let (mut call, mut elapsed_ms) = (None, None);
    let mut result = None;
    if let Some(synth_model) = &plan.synth {
        let estimate = cost::estimate(synth_model.price, request.estimated_tokens(), ASSUMED_ANSWER_TOKENS);
        match guard(Subject::Stage("synth"), clock.remaining(), spent, estimate, plan.limits) {
            Some(reason) => {
                observer.on(RunEvent::StageSkipped { stage: Stage::Synth, reason: &reason });
                notes.push(reason);
            }
            None => {
                let start = Instant::now();
                observer.on(RunEvent::StageStarted { stage: Stage::Synth, models: 1 });
                let timeout = plan.limits.member_timeout.min(clock.remaining());
                let stream = answer_stream(observer);
                // No schema: the judge's structured-output settings are not the synth's.
                let listener = Listener::Stream(&stream);
                let Request { system, conversation, user } = &request;
                let sent =
                    call::converse(synth_model, system, conversation, user, None, timeout, max_bytes, listener).await;
                elapsed_ms = Some(ms(start.elapsed()));
                observer.on(RunEvent::StageDone {
                    stage: Stage::Synth,
                    ok: sent.is_ok(),
                    elapsed_ms: ms(start.elapsed()),
                });
                call = Some(call_report(synth_model, &sent));
                if sent.as_ref().is_ok_and(|c| c.truncated) {
                    notes.push(truncation_note(&synth_model.model, max_bytes));
                }
                if sent.as_ref().is_ok_and(|c| c.token_capped) {
                    notes.push(token_cap_note(&synth_model.model));
                }
                result = Some(sent);
            }
        }
    }
    let (answer, source) = match result {
        Some(Ok(completion)) => (completion.text, FinalSource::Synth),
        other => {
            let (text, source, what) = fallback(assessment, labelled, answers);
            notes.push(match other {
                Some(Err(failure)) => format!("synth failed ({}); {what}", failure.error),
                _ => what.to_string(),
            });
            (text.to_string(), source)
        }
    };
    Synthesis { call, answer, source, notes, elapsed_ms }
}

/// The answer to give when the synth can't: the judge's or the council's top pick, else
/// the longest.
fn fallback<'a>(
    assessment: Assessment<'_>,
    labelled: &[Labelled<'a>],
    answers: &[(usize, &'a str)],
) -> (&'a str, FinalSource, &'static str) {
    let (top, source, what) = match assessment {
        Assessment::Judge(v) => {
            (v.ranking.first(), FinalSource::JudgeTop, "the final answer is the judge's top-ranked answer")
        }
        Assessment::Council(c) => (
            c.tallies.first().map(|t| &t.label),
            FinalSource::CouncilTop,
            "the final answer is the council's top-ranked answer",
        ),
        Assessment::None | Assessment::NoJudge => (None, FinalSource::Longest, ""),
    };
    match top.and_then(|label| labelled.iter().find(|l| &l.label == label)) {
        Some(l) => (l.content, source, what),
        None => {
            let longest = answers.iter().map(|a| a.1).max_by_key(|t| t.len()).unwrap_or_default();
            (longest, FinalSource::Longest, "the final answer is the longest answer")
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use pretty_assertions::assert_eq;

    use super::*;
    use crate::pipeline::call::Participant;
    use crate::pipeline::council::{Council, Tally};
    use crate::pipeline::judge::Verdict;
    use crate::pipeline::report::Comparison;
    use crate::pipeline::testing::{Heard, Step, mock, plan, reply, scripted, server_error};
    use crate::provider::{ErrorKind, Price, Usage};

    const ANSWERS: [(usize, &str); 3] =
        [(0, "Rayleigh scattering."), (1, "Because the sea is blue, mostly."), (2, "Short.")];

    /// The answers under labels `A` (member 2), `B` (member 0), `C` (member 1).
    fn labelled() -> Vec<Labelled<'static>> {
        [("A", 2), ("B", 0), ("C", 1)]
            .map(|(label, member)| Labelled { label: label.into(), member, content: ANSWERS[member].1 })
            .to_vec()
    }

    fn verdict() -> Verdict {
        Verdict {
            scores: [("A", 2.0), ("B", 9.0), ("C", 5.0)].map(|(l, s)| (l.to_string(), (s, String::new()))).into(),
            ranking: vec!["B".into(), "C".into(), "A".into()],
            comparison: Comparison::default(),
            exchange: None,
        }
    }

    /// Runs the synth stage with `synth` after the run spent `spent`.
    async fn synthesis(synth: Participant, assessment: Assessment<'_>, spent: f64) -> (Synthesis, Heard) {
        let mut plan = plan(ANSWERS.iter().map(|(i, _)| mock(&format!("m{i}"), "")).collect());
        plan.synth = Some(synth);
        plan.limits.max_cost_usd = Some(0.02);
        let heard = Heard::default();
        let clock = Clock::start(Duration::from_secs(60));
        let mut done = stage(&plan, &labelled(), assessment, &ANSWERS, spent, &clock, &heard).await;
        done.call.iter_mut().for_each(|c| c.latency_ms = 0);
        done.elapsed_ms = done.elapsed_ms.map(|_| 0);
        (done, heard)
    }

    fn failing(name: &str) -> Participant {
        scripted(name, vec![server_error()]).0
    }

    fn failed_call() -> CallReport {
        CallReport {
            model: "synth".into(),
            route: "scripted:synth".into(),
            ok: false,
            error: Some("HTTP 500: boom".into()),
            error_kind: Some(ErrorKind::Server),
            latency_ms: 0,
            usage: None,
            usage_estimated: false,
            cost_usd: None,
            truncated: false,
            token_capped: false,
            params: None,
        }
    }

    #[tokio::test]
    async fn the_synths_answer_streams_and_is_the_final_one() {
        let (synth, _) = scripted("synth", vec![reply("The sky scatters blue light most.")]);
        let verdict = verdict();
        let (done, heard) = synthesis(synth, Assessment::Judge(&verdict), 0.0).await;
        let call =
            CallReport { ok: true, error: None, error_kind: None, usage: Some(Usage::new(100, 10)), ..failed_call() };
        assert_eq!(
            done,
            Synthesis {
                call: Some(call),
                answer: "The sky scatters blue light most.".into(),
                source: FinalSource::Synth,
                notes: Vec::new(),
                elapsed_ms: Some(0),
            }
        );
        assert_eq!(heard.streamed(), done.answer);
        assert_eq!(heard.events(), ["synth started (1)", "synth done (ok)"]);
    }

    #[tokio::test]
    async fn a_synth_that_fails_falls_back_to_the_judges_top_answer() {
        let verdict = verdict();
        let (done, heard) = synthesis(failing("synth"), Assessment::Judge(&verdict), 0.0).await;
        assert_eq!(
            done,
            Synthesis {
                call: Some(failed_call()),
                answer: "Rayleigh scattering.".into(),
                source: FinalSource::JudgeTop,
                notes: vec!["synth failed (HTTP 500: boom); the final answer is the judge's top-ranked answer".into()],
                elapsed_ms: Some(0),
            }
        );
        assert_eq!(heard.events(), ["synth started (1)", "synth done (failed)"]);
    }

    #[tokio::test]
    async fn without_a_verdict_a_failed_synth_falls_back_to_the_longest_answer() {
        let (done, _) = synthesis(failing("synth"), Assessment::None, 0.0).await;
        assert_eq!(
            (done.answer.as_str(), done.source, done.notes),
            (
                "Because the sea is blue, mostly.",
                FinalSource::Longest,
                vec!["synth failed (HTTP 500: boom); the final answer is the longest answer".to_string()]
            )
        );
    }

    #[tokio::test]
    async fn after_a_council_a_failed_synth_falls_back_to_its_top_answer() {
        let tally = |label: &str, points| Tally { label: label.into(), points, ballots: 2 };
        let council =
            Council { tallies: vec![tally("A", 3), tally("C", 2), tally("B", 1)], splits: vec![], rankings: 3 };
        let (done, _) = synthesis(failing("synth"), Assessment::Council(&council), 0.0).await;
        assert_eq!(
            (done.answer.as_str(), done.source, done.notes),
            (
                "Short.",
                FinalSource::CouncilTop,
                vec!["synth failed (HTTP 500: boom); the final answer is the council's top-ranked answer".to_string()]
            )
        );
    }

    #[tokio::test]
    async fn the_synth_is_skipped_when_it_would_cross_the_cost_cap() {
        // Only output is priced: the answer's 1,200 assumed tokens at $10 a million, $0.012.
        let (synth, script) = scripted("synth", vec![reply("never asked")]);
        let synth = Participant { price: Some(Price::new(0.0, 10.0)), ..synth };
        let verdict = verdict();
        let (done, heard) = synthesis(synth, Assessment::Judge(&verdict), 0.01).await;
        let skipped =
            "synth skipped: it would bring the cost to about $0.022, over the $0.020 cap ($0.010 spent so far)";
        assert_eq!(
            done,
            Synthesis {
                call: None,
                answer: "Rayleigh scattering.".into(),
                source: FinalSource::JudgeTop,
                notes: vec![skipped.into(), "the final answer is the judge's top-ranked answer".into()],
                elapsed_ms: None,
            }
        );
        assert_eq!(heard.events(), [format!("synth skipped: {skipped}")]);
        assert!(script.requests().is_empty());
    }

    #[tokio::test]
    async fn a_synth_cut_at_the_size_cap_is_kept_and_noted() {
        let (synth, _) = scripted("synth", vec![Step::Reply("x".repeat(100))]);
        let mut plan = plan(vec![mock("m0", "")]);
        plan.synth = Some(synth);
        plan.limits.max_answer_bytes = 10;
        let clock = Clock::start(Duration::from_secs(60));
        let done = stage(&plan, &labelled(), Assessment::None, &ANSWERS, 0.0, &clock, &Heard::default()).await;
        assert_eq!((done.answer, done.source), ("x".repeat(10), FinalSource::Synth));
        assert_eq!(done.notes, ["synth's answer was cut at 10 bytes (max_answer_bytes); the rest was not read"]);
    }
}
