//! Carrying out an eval: each item's contenders run as any run does (the one resolver,
//! the pipeline), at most `concurrency` runs and gradings at once for the whole eval and
//! at most that many items in flight (so memory stays flat in the number of items);
//! then, for an item without a reference, each contender's answer is graded against the
//! baseline's in both orders. Each answer and each graded pair is recorded the moment
//! it is finished. No new item starts once the spend reaches `--max-cost`.
//!
//! Knows nothing about the command line or the terminal: the caller resolves requests
//! (sharing one pacer across them) and hears progress through [`Progress`].

use std::cell::{Cell, RefCell};
use std::time::Duration;

use futures::StreamExt as _;
use futures::future::join_all;
use futures::stream::FuturesUnordered;
use tokio::sync::Semaphore;

use super::contender::Contender;
use super::grading::Grading;
use super::item::Item;
use super::journal::{Answer, Done, Journal, Record};
use super::score::reference;
use crate::error::Result;
use crate::pipeline::{self, Observer, Participant, RunEvent, Status, Totals};
use crate::request::{Gathering, LimitAsk, Request, Resolved};

/// What an eval runs, and how.
pub struct Setup<'a> {
    pub contenders: &'a [Contender],
    /// The index of the contender the others are graded against.
    pub baseline: usize,
    /// The grader, ready to call; `None` when no item needs one.
    pub grader: Option<&'a Participant>,
    pub scope: Option<&'a str>,
    pub limits: LimitAsk,
    /// How long a grading call may take.
    pub grader_timeout: Duration,
    pub concurrency: usize,
    pub max_cost: Option<f64>,
    /// What finished runs of this eval already spent (a resumed eval counts it).
    pub spent_before: f64,
    /// Turns a request into a plan, its context gathered (the caller shares one pacer
    /// across every run of the eval).
    pub prepare: &'a dyn Fn(&Request, &Gathering<'_>) -> Result<Resolved>,
}

/// What the caller hears as the eval goes.
pub trait Progress {
    /// One more item is finished; `spent` is the eval's spend so far.
    fn item_done(&self, spent: f64);
    /// An item a resumed eval had already finished: it counts as done, and nothing ran.
    fn item_already_done(&self);
    /// A line the user must see (a context file cut, a run that could not start).
    fn note(&self, line: &str);
}

/// How the eval ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// Every item ran.
    Complete,
    /// The spend reached `--max-cost`; items were left unstarted.
    CostCap,
}

struct Run<'a, 'b> {
    setup: &'b Setup<'a>,
    journal: RefCell<&'b mut Journal>,
    done: RefCell<Done>,
    permits: Semaphore,
    spent: Cell<f64>,
    progress: &'b dyn Progress,
}

/// Runs `items` (those `done` already holds are skipped) and records each result.
pub async fn run(
    setup: &Setup<'_>,
    items: impl Iterator<Item = Item>,
    done: Done,
    journal: &mut Journal,
    progress: &dyn Progress,
) -> Result<Ending> {
    let concurrency = setup.concurrency.max(1);
    let run = Run {
        setup,
        journal: RefCell::new(journal),
        done: RefCell::new(done),
        permits: Semaphore::new(concurrency),
        spent: Cell::new(setup.spent_before),
        progress,
    };
    let mut items = items;
    let mut in_flight = FuturesUnordered::new();
    let mut ending = Ending::Complete;
    loop {
        while in_flight.len() < concurrency && ending == Ending::Complete {
            if setup.max_cost.is_some_and(|cap| run.spent.get() >= cap) {
                ending = Ending::CostCap;
                break;
            }
            let Some(item) = items.next() else { break };
            in_flight.push(run.item(item));
        }
        match in_flight.next().await {
            Some(finished) => match finished? {
                Work::Done => progress.item_done(run.spent.get()),
                Work::None => progress.item_already_done(),
            },
            None => break,
        }
    }
    // Items never started still count against a complete eval.
    if ending == Ending::Complete && items.next().is_some() {
        ending = Ending::CostCap;
    }
    Ok(ending)
}

/// Whether an item had anything left to run.
enum Work {
    Done,
    /// Every answer and grading it needs was recorded before the eval resumed.
    None,
}

impl Run<'_, '_> {
    async fn item(&self, item: Item) -> Result<Work> {
        let setup = self.setup;
        let to_run: Vec<&Contender> = {
            let done = self.done.borrow();
            setup.contenders.iter().filter(|c| !done.answered.contains(&(item.id.clone(), c.label.clone()))).collect()
        };
        let ran = !to_run.is_empty();
        let answers = join_all(to_run.into_iter().map(|c| self.answer(&item, c))).await;
        for answer in &answers {
            self.record(Record::Answer(answer.clone()), &answer.totals)?;
        }
        let work = if ran { Work::Done } else { Work::None };
        let Some(grader) = setup.grader.filter(|_| item.reference.is_none()) else { return Ok(work) };
        // Each answer this item's gradings need: from this batch, else from the results
        // read back on `--resume`; a contender that answered nothing has `None`.
        let text_of = |label: &str| -> Option<String> {
            match answers.iter().find(|a| a.contender == label) {
                Some(answer) => answer.answer.clone(),
                None => self.done.borrow().answers.get(&(item.id.clone(), label.to_string())).cloned(),
            }
        };
        let baseline = &setup.contenders[setup.baseline];
        let baseline_text = text_of(&baseline.label);
        let pending: Vec<(&Contender, Option<String>)> = setup
            .contenders
            .iter()
            .enumerate()
            .filter(|(i, c)| {
                *i != setup.baseline && !self.done.borrow().graded.contains(&(item.id.clone(), c.label.clone()))
            })
            .map(|(_, c)| (c, text_of(&c.label)))
            .collect();
        if !ran && pending.is_empty() {
            return Ok(Work::None);
        }
        let grading = Grading { permits: &self.permits, grader, timeout: setup.grader_timeout };
        let grades = join_all(pending.iter().map(|(contender, text)| {
            grading.grade(&item, &contender.label, text.as_deref(), baseline_text.as_deref())
        }))
        .await;
        for grade in grades {
            let totals = grade.totals;
            self.record(Record::Grade(grade), &totals)?;
        }
        Ok(Work::Done)
    }

    /// One contender's run of `item`. A run that can't start is a failed answer.
    async fn answer(&self, item: &Item, contender: &Contender) -> Answer {
        let _permit = self.permits.acquire().await.ok();
        let setup = self.setup;
        let request = contender.request(item, setup.scope, setup.limits);
        let say = |note: &str| self.progress.note(&format!("item {}, {}: {note}", item.id, contender.label));
        let gathering = Gathering { stop: &|| false, say: &say };
        let failed = |error: String| Answer {
            item: item.id.clone(),
            contender: contender.label.clone(),
            run_id: String::new(),
            answer: None,
            error: Some(error),
            totals: Totals::default(),
            latency_ms: 0,
            correct: item.reference.as_ref().map(|_| false),
            no_verdict: false,
        };
        let mut plan = match (setup.prepare)(&request, &gathering) {
            Ok(resolved) => resolved.plan,
            Err(err) => {
                say(&format!("not run: {err}"));
                return failed(err.to_string());
            }
        };
        plan.adopt_context_nonce();
        let report = pipeline::execute(plan, &Quiet).await;
        let answer = report.final_answer.clone().filter(|_| report.status == Status::Ok);
        let error = match &answer {
            Some(_) => None,
            None => Some(match report.failure_reason {
                Some(reason) => format!("{} ({})", reason.as_str(), report.failed_models.join(", ")),
                None => "no answer".to_string(),
            }),
        };
        let correct = item.reference.as_ref().map(|r| answer.as_deref().is_some_and(|a| reference::matches(r, a)));
        let no_verdict = report.judge.is_some() && report.analysis.is_none();
        Answer {
            item: item.id.clone(),
            contender: contender.label.clone(),
            run_id: report.run_id,
            answer,
            error,
            totals: report.totals,
            latency_ms: report.totals.wall_ms,
            correct,
            no_verdict,
        }
    }

    fn record(&self, record: Record, totals: &Totals) -> Result<()> {
        self.spent.set(self.spent.get() + totals.cost_usd.unwrap_or(0.0));
        self.journal.borrow_mut().append(&record)
    }
}

/// An eval's runs show nothing as they go: the progress bar counts items.
struct Quiet;

impl Observer for Quiet {
    fn on(&self, _event: RunEvent<'_>) {}
}
