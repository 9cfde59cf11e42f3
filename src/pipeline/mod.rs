//! The fusion pipeline: the panel answers concurrently under a semaphore, the judge
//! scores the anonymised answers, the synth writes one grounded answer; every failure
//! degrades the run instead of ending it, and everything lands in a `RunReport`.
//!
//! Knows nothing about wire formats, configuration files or terminals: it receives
//! ready participants and limits, reports progress to an `Observer`, returns a value.

mod call;
pub mod cost;
mod failure;
pub mod judge;
pub mod report;
mod synth;

use std::time::Duration;

use futures::future::join_all;
use tokio::sync::Semaphore;
use tokio::time::Instant;

pub use call::{CallFailure, Completion, Listener, Participant};
pub use failure::FailureReason;
pub use report::{Analysis, CallReport, FinalSource, MemberReport, RunMode, RunReport, Score, Status, Timings, Totals};

use crate::provider::Usage;
use cost::{ASSUMED_ANSWER_TOKENS, ASSUMED_VERDICT_TOKENS, estimate_tokens, format_usd};

/// Limits of one run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    pub concurrency: usize,
    /// Per member, and per judge or synth call.
    pub member_timeout: Duration,
    /// The whole run.
    pub budget: Duration,
    /// Judge and synth are skipped when less than this is left of the budget.
    pub stage_floor: Duration,
    /// USD the run may spend; judge and synth are skipped when they would cross it.
    pub max_cost_usd: Option<f64>,
    /// The most of each answer kept (members, judge and synth); the rest is not read.
    pub max_answer_bytes: usize,
}

/// A run, resolved and ready to execute.
pub struct RunPlan {
    pub run_id: String,
    pub mode: RunMode,
    pub preset: Option<String>,
    pub prompt: String,
    pub panel: Vec<Participant>,
    /// Fusion mode only.
    pub judge: Option<Participant>,
    /// Fusion mode only.
    pub synth: Option<Participant>,
    pub limits: Limits,
    pub seed: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Panel,
    Judge,
    Synth,
}

impl Stage {
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Panel => "panel",
            Stage::Judge => "judge",
            Stage::Synth => "synth",
        }
    }
}

/// What happens during a run, as it happens.
#[derive(Debug, Clone, PartialEq)]
pub enum Progress<'a> {
    StageStarted {
        stage: Stage,
        models: usize,
    },
    MemberDone {
        index: usize,
        model: &'a str,
        ok: bool,
        latency_ms: u64,
        error: Option<&'a str>,
    },
    StageSkipped {
        stage: Stage,
        reason: &'a str,
    },
    StageDone {
        stage: Stage,
        ok: bool,
        elapsed_ms: u64,
    },
    /// More of the final answer (synth, or the member of a single-mode run).
    AnswerDelta(&'a str),
    /// The final answer's stream restarted after a retry: what came before is void.
    AnswerRestart,
}

pub trait Observer: Sync {
    fn on(&self, event: Progress<'_>);
}

fn ms(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// Runs the plan to the end. Never fails: failures are in the report.
pub async fn execute(plan: RunPlan, observer: &dyn Observer) -> RunReport {
    let start = Instant::now();
    let deadline = start + plan.limits.budget;
    let remaining = || deadline.saturating_duration_since(Instant::now());
    let single = plan.mode == RunMode::Single;

    // 1. Panel.
    observer.on(Progress::StageStarted { stage: Stage::Panel, models: plan.panel.len() });
    let semaphore = Semaphore::new(plan.limits.concurrency.max(1));
    let stream_answer = |delta: Option<&str>| match delta {
        Some(d) => observer.on(Progress::AnswerDelta(d)),
        None => observer.on(Progress::AnswerRestart),
    };
    let max_bytes = plan.limits.max_answer_bytes;
    let results = join_all(plan.panel.iter().enumerate().map(|(index, member)| {
        let semaphore = &semaphore;
        let stream_answer = &stream_answer;
        let prompt = plan.prompt.as_str();
        async move {
            let _permit = semaphore.acquire().await.ok();
            let timeout = plan.limits.member_timeout.min(remaining());
            let listener = if single { Listener::Stream(stream_answer) } else { Listener::None };
            let result = call::call(member, MEMBER_SYSTEM, prompt, None, timeout, max_bytes, listener).await;
            let (ok, latency, error) = match &result {
                Ok(c) => (true, c.latency, None),
                Err(f) => (false, f.latency, Some(f.error.as_str())),
            };
            observer.on(Progress::MemberDone { index, model: &member.model, ok, latency_ms: ms(latency), error });
            result
        }
    }))
    .await;
    let panel_ms = ms(start.elapsed());
    let answered = results.iter().filter(|r| r.is_ok()).count();
    observer.on(Progress::StageDone { stage: Stage::Panel, ok: answered > 0, elapsed_ms: panel_ms });

    let mut report = RunReport {
        run_id: plan.run_id.clone(),
        status: Status::Ok,
        mode: plan.mode,
        preset: plan.preset.clone(),
        prompt: plan.prompt.clone(),
        panel: plan.panel.iter().zip(&results).map(|(p, r)| member_report(p, r)).collect(),
        judge: None,
        synth: None,
        analysis: None,
        final_answer: None,
        final_source: None,
        failed_models: plan
            .panel
            .iter()
            .zip(&results)
            .filter(|(_, r)| r.is_err())
            .map(|(p, _)| p.model.clone())
            .collect(),
        failure_reason: None,
        notes: plan
            .panel
            .iter()
            .zip(&results)
            .filter(|(_, r)| r.as_ref().is_ok_and(|c| c.truncated))
            .map(|(p, _)| truncation_note(&p.model, max_bytes))
            .collect(),
        timings: Timings { panel_ms, judge_ms: None, synth_ms: None },
        totals: Totals::default(),
        judge_seed: plan.seed,
    };

    let answers: Vec<(usize, &str)> =
        results.iter().enumerate().filter_map(|(i, r)| r.as_ref().ok().map(|c| (i, c.text.as_str()))).collect();
    if answers.is_empty() {
        let kinds: Vec<_> = results.iter().filter_map(|r| r.as_ref().err().map(|f| f.kind)).collect();
        report.status = Status::Error;
        report.failure_reason = Some(FailureReason::from_member_failures(&kinds));
        finish_totals(&mut report, start);
        return report;
    }
    if single {
        report.final_answer = Some(answers[0].1.to_string());
        report.final_source = Some(FinalSource::Single);
        finish_totals(&mut report, start);
        return report;
    }

    // 2. Judge, on anonymised answers in a shuffled order.
    let labelled = judge::label(&answers, plan.seed);
    for l in &labelled {
        report.panel[l.member].label = Some(l.label.clone());
    }
    let judge_input = judge::user_message(&plan.prompt, &labelled);
    let verdict = match &plan.judge {
        Some(judge_model)
            if !skipped_for_time(Stage::Judge, remaining(), plan.limits, observer, &mut report)
                && !skipped_for_cost(
                    Stage::Judge,
                    cost::estimate(
                        judge_model.price,
                        estimate_tokens(judge::SYSTEM) + estimate_tokens(&judge_input),
                        ASSUMED_VERDICT_TOKENS,
                    ),
                    plan.limits,
                    observer,
                    &mut report,
                ) =>
        {
            let judge_start = Instant::now();
            observer.on(Progress::StageStarted { stage: Stage::Judge, models: 1 });
            let (verdict, call_report) = run_judge(judge_model, &plan.prompt, &labelled, plan.limits, &remaining).await;
            if call_report.truncated {
                report.notes.push(truncation_note(&judge_model.model, max_bytes));
            }
            report.timings.judge_ms = Some(ms(judge_start.elapsed()));
            observer.on(Progress::StageDone {
                stage: Stage::Judge,
                ok: verdict.is_ok(),
                elapsed_ms: ms(judge_start.elapsed()),
            });
            report.judge = Some(call_report);
            match verdict {
                Ok(v) => Some(v),
                Err(problem) => {
                    report.notes.push(format!("judge failed ({problem}); the synth worked from the raw answers"));
                    None
                }
            }
        }
        _ => None,
    };
    if let Some(v) = &verdict {
        report.analysis = Some(analysis(v, &labelled, &plan.panel));
    }

    // 3. Synth, streamed.
    let synth_input = synth::user_message(&plan.prompt, &labelled, verdict.as_ref());
    let synth_estimate = cost::estimate(
        plan.synth.as_ref().and_then(|s| s.price),
        estimate_tokens(synth::SYSTEM) + estimate_tokens(&synth_input),
        ASSUMED_ANSWER_TOKENS,
    );
    let synth_result = match &plan.synth {
        Some(synth_model)
            if !skipped_for_time(Stage::Synth, remaining(), plan.limits, observer, &mut report)
                && !skipped_for_cost(Stage::Synth, synth_estimate, plan.limits, observer, &mut report) =>
        {
            let synth_start = Instant::now();
            observer.on(Progress::StageStarted { stage: Stage::Synth, models: 1 });
            let user = synth_input;
            let timeout = plan.limits.member_timeout.min(remaining());
            let listener = Listener::Stream(&stream_answer);
            let result = call::call(synth_model, synth::SYSTEM, &user, None, timeout, max_bytes, listener).await;
            report.timings.synth_ms = Some(ms(synth_start.elapsed()));
            observer.on(Progress::StageDone {
                stage: Stage::Synth,
                ok: result.is_ok(),
                elapsed_ms: ms(synth_start.elapsed()),
            });
            report.synth = Some(call_report(synth_model, &result));
            if result.as_ref().is_ok_and(|c| c.truncated) {
                report.notes.push(truncation_note(&synth_model.model, max_bytes));
            }
            Some(result)
        }
        _ => None,
    };
    match synth_result {
        Some(Ok(completion)) => {
            report.final_answer = Some(completion.text);
            report.final_source = Some(FinalSource::Synth);
        }
        other => {
            let (text, source, what) = fallback(verdict.as_ref(), &labelled, &answers);
            report.notes.push(match other {
                Some(Err(failure)) => format!("synth failed ({}); {what}", failure.error),
                _ => what.to_string(),
            });
            report.final_answer = Some(text.to_string());
            report.final_source = Some(source);
        }
    }
    finish_totals(&mut report, start);
    report
}

/// The answer to give when the synth can't: the judge's top pick, else the longest.
fn fallback<'a>(
    verdict: Option<&judge::Verdict>,
    labelled: &[judge::Labelled<'a>],
    answers: &[(usize, &'a str)],
) -> (&'a str, FinalSource, &'static str) {
    let top = verdict.and_then(|v| v.ranking.first()).and_then(|label| labelled.iter().find(|l| &l.label == label));
    match top {
        Some(l) => (l.content, FinalSource::JudgeTop, "the final answer is the judge's top-ranked answer"),
        None => {
            let longest = answers.iter().map(|a| a.1).max_by_key(|t| t.len()).unwrap_or_default();
            (longest, FinalSource::Longest, "the final answer is the longest answer")
        }
    }
}

/// What a plan is expected to cost before anything is sent.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CostEstimate {
    /// USD over the calls with a known price.
    pub usd: f64,
    /// Models with no known price, whose calls the estimate leaves out.
    pub unpriced: Vec<String>,
}

/// Estimates a plan's cost from the prompt's length and assumed answer lengths.
pub fn estimate_cost(plan: &RunPlan) -> CostEstimate {
    let prompt = estimate_tokens(&plan.prompt);
    let answers = plan.panel.len() as u64 * ASSUMED_ANSWER_TOKENS;
    let mut estimate = CostEstimate::default();
    let mut add = |p: &Participant, input: u64, output: u64| match p.price {
        Some(price) => estimate.usd += price.cost(Usage { input_tokens: input, output_tokens: output }),
        None if !estimate.unpriced.contains(&p.model) => estimate.unpriced.push(p.model.clone()),
        None => {}
    };
    for member in &plan.panel {
        add(member, estimate_tokens(MEMBER_SYSTEM) + prompt, ASSUMED_ANSWER_TOKENS);
    }
    if let Some(j) = &plan.judge {
        add(j, estimate_tokens(judge::SYSTEM) + prompt + answers, ASSUMED_VERDICT_TOKENS);
    }
    if let Some(s) = &plan.synth {
        add(s, estimate_tokens(synth::SYSTEM) + prompt + answers + ASSUMED_VERDICT_TOKENS, ASSUMED_ANSWER_TOKENS);
    }
    estimate
}

/// The instruction every panel member gets.
const MEMBER_SYSTEM: &str = "Answer the user's question as well as you can: correct first, then complete and clear.";

/// Whether `stage`, estimated at `estimate` USD, must be skipped because it would take the
/// run past its cost cap; if so, tells the observer and notes why in the report.
fn skipped_for_cost(
    stage: Stage,
    estimate: f64,
    limits: Limits,
    observer: &dyn Observer,
    report: &mut RunReport,
) -> bool {
    let Some(cap) = limits.max_cost_usd else { return false };
    let spent: f64 = calls(report).filter_map(|c| c.cost_usd).sum();
    if spent + estimate <= cap {
        return false;
    }
    let reason = format!(
        "{} skipped: it would bring the cost to about {}, over the {} cap ({} spent so far)",
        stage.as_str(),
        format_usd(spent + estimate),
        format_usd(cap),
        format_usd(spent)
    );
    observer.on(Progress::StageSkipped { stage, reason: &reason });
    report.notes.push(reason);
    true
}

/// Whether `stage` must be skipped because less than the floor is left of the budget;
/// if so, tells the observer and notes why in the report.
fn skipped_for_time(
    stage: Stage,
    left: Duration,
    limits: Limits,
    observer: &dyn Observer,
    report: &mut RunReport,
) -> bool {
    if left >= limits.stage_floor {
        return false;
    }
    let reason = format!(
        "{} skipped: {:.1}s left of the {}s budget, under the {}s floor",
        stage.as_str(),
        left.as_secs_f64(),
        limits.budget.as_secs(),
        limits.stage_floor.as_secs()
    );
    observer.on(Progress::StageSkipped { stage, reason: &reason });
    report.notes.push(reason);
    true
}

/// Calls the judge, validates its verdict, and re-asks once when it is unusable.
async fn run_judge(
    judge_model: &Participant,
    prompt: &str,
    labelled: &[judge::Labelled<'_>],
    limits: Limits,
    remaining: &dyn Fn() -> Duration,
) -> (Result<judge::Verdict, String>, CallReport) {
    let labels: Vec<&str> = labelled.iter().map(|l| l.label.as_str()).collect();
    let user = judge::user_message(prompt, labelled);
    let schema = judge::schema(&labels);
    let mut usage: Option<Usage> = None;
    let mut usage_estimated = false;
    let mut truncated = false;
    let mut latency = Duration::ZERO;
    let mut outcome = Err(String::new());
    let mut failure = None;
    for attempt in 0..2 {
        if attempt == 1 && remaining() < limits.stage_floor {
            break;
        }
        let message = match (&outcome, attempt) {
            (Err(problem), 1) => judge::repair_message(&user, problem),
            _ => user.clone(),
        };
        let timeout = limits.member_timeout.min(remaining());
        let max_bytes = limits.max_answer_bytes;
        match call::call(judge_model, judge::SYSTEM, &message, Some(schema.clone()), timeout, max_bytes, Listener::None)
            .await
        {
            Ok(c) => {
                latency += c.latency;
                truncated |= c.truncated;
                *usage.get_or_insert_default() += c.usage;
                usage_estimated |= c.usage_estimated;
                outcome = judge::parse(&c.text, &labels);
                failure = None;
            }
            Err(f) => {
                // A call that fails is reported as what it is (a timeout is not a parse error).
                latency += f.latency;
                outcome = Err(f.error.clone());
                failure = Some(f);
                break;
            }
        }
        if outcome.is_ok() {
            break;
        }
    }
    let report = CallReport {
        model: judge_model.model.clone(),
        route: judge_model.route.clone(),
        ok: outcome.is_ok(),
        error: outcome.as_ref().err().cloned(),
        error_kind: failure.map(|f| f.kind),
        latency_ms: ms(latency),
        usage,
        usage_estimated,
        cost_usd: usage.zip(judge_model.price).map(|(u, p)| p.cost(u)),
        truncated,
    };
    (outcome, report)
}

fn analysis(v: &judge::Verdict, labelled: &[judge::Labelled<'_>], panel: &[Participant]) -> Analysis {
    let member_of = |label: &str| labelled.iter().find(|l| l.label == label).map(|l| l.member);
    let scores = labelled
        .iter()
        .filter_map(|l| {
            let (score, reason) = v.scores.get(&l.label)?;
            Some(Score {
                label: l.label.clone(),
                model: panel[l.member].model.clone(),
                member: l.member,
                score: *score,
                reason: reason.clone(),
            })
        })
        .collect();
    Analysis {
        scores,
        ranking: v.ranking.iter().filter_map(|label| member_of(label)).map(|m| panel[m].model.clone()).collect(),
        consensus: v.consensus.clone(),
        contradictions: v.contradictions.clone(),
        partial_coverage: v.partial_coverage.clone(),
        unique_insights: v.unique_insights.clone(),
        blind_spots: v.blind_spots.clone(),
    }
}

fn member_report(p: &Participant, result: &Result<Completion, CallFailure>) -> MemberReport {
    let call = call_report(p, result);
    MemberReport {
        model: call.model,
        route: call.route,
        label: None,
        ok: call.ok,
        content: result.as_ref().ok().map(|c| c.text.clone()),
        error: call.error,
        error_kind: call.error_kind,
        latency_ms: call.latency_ms,
        usage: call.usage,
        usage_estimated: call.usage_estimated,
        cost_usd: call.cost_usd,
        truncated: call.truncated,
    }
}

/// The report's note on an answer cut at `max_bytes`.
fn truncation_note(model: &str, max_bytes: usize) -> String {
    format!("{model}'s answer was cut at {max_bytes} bytes (max_answer_bytes); the rest was not read")
}

fn call_report(p: &Participant, result: &Result<Completion, CallFailure>) -> CallReport {
    match result {
        Ok(c) => CallReport {
            model: p.model.clone(),
            route: p.route.clone(),
            ok: true,
            error: None,
            error_kind: None,
            latency_ms: ms(c.latency),
            usage: Some(c.usage),
            usage_estimated: c.usage_estimated,
            cost_usd: p.price.map(|price| price.cost(c.usage)),
            truncated: c.truncated,
        },
        Err(f) => CallReport {
            model: p.model.clone(),
            route: p.route.clone(),
            ok: false,
            error: Some(f.error.clone()),
            error_kind: Some(f.kind),
            latency_ms: ms(f.latency),
            usage: None,
            usage_estimated: false,
            cost_usd: None,
            truncated: false,
        },
    }
}

fn finish_totals(report: &mut RunReport, start: Instant) {
    let mut totals = Totals { wall_ms: ms(start.elapsed()), ..Totals::default() };
    for call in calls(report) {
        let Some(usage) = call.usage else { continue };
        totals.input_tokens = totals.input_tokens.saturating_add(usage.input_tokens);
        totals.output_tokens = totals.output_tokens.saturating_add(usage.output_tokens);
        totals.cost_estimated |= call.usage_estimated || call.cost_usd.is_none();
        if let Some(cost) = call.cost_usd {
            *totals.cost_usd.get_or_insert(0.0) += cost;
        }
    }
    report.totals = totals;
}

/// Usage, estimation and cost of every call the run made so far.
struct CallCost {
    usage: Option<Usage>,
    usage_estimated: bool,
    cost_usd: Option<f64>,
}

fn calls(report: &RunReport) -> impl Iterator<Item = CallCost> + '_ {
    let members = report.panel.iter().map(|m| CallCost {
        usage: m.usage,
        usage_estimated: m.usage_estimated,
        cost_usd: m.cost_usd,
    });
    let stages = report.judge.iter().chain(&report.synth).map(|c| CallCost {
        usage: c.usage,
        usage_estimated: c.usage_estimated,
        cost_usd: c.cost_usd,
    });
    members.chain(stages)
}
