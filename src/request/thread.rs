//! The thread a follow-up continues (`run --continue`, `frontier chat`, an MCP call
//! naming an earlier run): the run it names, looked up in history, and every run before
//! it in its thread, followed back through each record's `thread.parent`. Each earlier
//! turn is sent again as it went (the question byte for byte, then frontier's final
//! answer), so that a provider serves the thread from its prefix cache.
//!
//! A thread longer than the context budget loses its oldest turns, and loses them in a
//! block (down to half the budget), so that the next several follow-ups begin with the
//! same turns again; the report says how many were left out.
//!
//! Knows nothing about how the history is stored beyond `Store::find`, nor who asked.

use super::PanelAsk;
use crate::error::{Error, Result, echo};
use crate::frame::Nonce;
use crate::history::{Found, Store};
use crate::pipeline::{Exchange, RunMode, RunReport, Status, ThreadLink};

/// The most turns a thread is followed back; older ones are left out (and said so).
pub const MAX_TURNS: usize = 200;

/// What a follow-up takes from its thread.
#[derive(Debug, Clone, PartialEq)]
pub struct Thread {
    /// The earlier turns sent, oldest first.
    pub turns: Vec<Exchange>,
    /// The follow-up's place in the thread.
    pub link: ThreadLink,
    /// The nonce the thread's last run framed with, when it recorded one.
    pub nonce: Option<Nonce>,
    /// What was left out of the thread, for the report and the user.
    pub notes: Vec<String>,
    /// The panel the thread's last run had: a follow-up that names none keeps it.
    pub panel: PanelAsk,
}

impl Thread {
    /// The thread a follow-up of `report` continues: this thread (the one `report`
    /// continued, if any) with `report`'s turn added.
    pub fn after(previous: Option<Thread>, report: &RunReport) -> Thread {
        let (mut turns, root, turn) = match previous {
            Some(t) => (t.turns, t.link.root, t.link.turn.saturating_add(1)),
            None => (Vec::new(), report.run_id.clone(), 2),
        };
        turns.push(exchange(report));
        let link = ThreadLink { root, parent: report.run_id.clone(), turn };
        let nonce = report.nonce.as_deref().and_then(Nonce::parse);
        Thread { turns, link, nonce, notes: Vec::new(), panel: panel_of(report) }
    }

    /// The thread with its oldest turns left out when it is over `budget_chars` (as
    /// `load` leaves them out), and a note saying so.
    pub fn windowed(mut self, budget_chars: usize) -> Thread {
        let dropped = window(&mut self.turns, budget_chars);
        self.notes.extend(dropped_note(dropped, budget_chars));
        self
    }
}

/// The thread that run `id` (or `last`) ends, for a follow-up in scope `scope`, whole
/// (`Thread::windowed` fits it to a budget); `store` is the history, `None` when history
/// is off or empty.
pub fn load(store: Option<&Store>, id: &str, scope: Option<&str>) -> Result<Thread> {
    let unknown = |what: String| {
        Error::usage(what, "`frontier runs` lists the recorded runs; a follow-up continues one of them by its id")
    };
    let Some(store) = store else {
        return Err(unknown(format!("no run `{}` to continue: history is empty or off", echo(id))));
    };
    let report = find(store, id)?.ok_or_else(|| unknown(format!("no run `{}` to continue", echo(id))))?;
    if report.status != Status::Ok || report.final_answer.is_none() {
        let why = report.failure_reason.map_or("it has no final answer".to_string(), |r| r.to_string());
        return Err(Error::usage(
            format!("run {} failed ({why}): there is no answer to continue from", report.run_id),
            "continue from a run that answered (`frontier runs` marks them), or ask again without --continue",
        ));
    }
    // A run recorded before runs kept their scope can't be told apart: it is followed.
    if let Some(theirs) = report.scope.as_deref().filter(|theirs| Some(*theirs) != scope) {
        let ours = scope.unwrap_or("none");
        return Err(Error::usage(
            format!("run {} belongs to scope `{theirs}`, and this follow-up runs in scope `{ours}`", report.run_id),
            format!("continue it where it ran (`--scope {theirs}`), or start a new thread without --continue"),
        ));
    }
    let link = ThreadLink {
        root: report.thread.as_ref().map_or_else(|| report.run_id.clone(), |t| t.root.clone()),
        parent: report.run_id.clone(),
        turn: report.thread.as_ref().map_or(2, |t| t.turn.saturating_add(1)),
    };
    let nonce = report.nonce.as_deref().and_then(Nonce::parse);
    let panel = panel_of(&report);
    let mut turns = vec![exchange(&report)];
    let mut notes = Vec::new();
    let mut parent = report.thread.map(|t| t.parent);
    while let Some(id) = parent.take() {
        if turns.len() >= MAX_TURNS {
            notes.push(format!("the thread's turns before the newest {MAX_TURNS} were not sent"));
            break;
        }
        match find(store, &id) {
            Ok(Some(report)) => {
                turns.push(exchange(&report));
                parent = report.thread.map(|t| t.parent);
            }
            _ => notes.push(format!(
                "run {id}, earlier in the thread, is no longer in history; the turns from it back were not sent"
            )),
        }
    }
    turns.reverse();
    Ok(Thread { turns, link, nonce, notes, panel })
}

/// The panel `report` ran with, as a request names one: its preset, else its models,
/// judge (or council, or none) and synth; its one model in single mode. A preset's judge or synth
/// given by flag is not kept (name it again to keep it).
fn panel_of(report: &RunReport) -> PanelAsk {
    let models: Vec<String> = report.panel.iter().map(|m| m.call.model.clone()).collect();
    if report.mode == RunMode::Single {
        return PanelAsk { model: models.into_iter().next(), ..PanelAsk::default() };
    }
    let judge = match (&report.council, &report.judge) {
        (Some(_), _) => Some(crate::config::presets::COUNCIL.to_string()),
        (None, _) if report.no_judge => Some(crate::config::presets::NO_JUDGE.to_string()),
        (None, judge) => judge.as_ref().map(|j| j.model.clone()),
    };
    let synth = report.synth.as_ref().map(|s| s.model.clone());
    match report.preset.as_deref() {
        // The preset again, with its own judge and synth: a report names a model as it is
        // shown, which is not always how the preset routes it (the demo's mock options).
        Some(preset) if preset != "custom" => PanelAsk { preset: Some(preset.to_string()), ..PanelAsk::default() },
        _ => PanelAsk { models: Some(models), judge, synth, ..PanelAsk::default() },
    }
}

/// What the report says when `dropped` turns were left out of a thread.
fn dropped_note(dropped: usize, budget_chars: usize) -> Option<String> {
    (dropped > 0).then(|| {
        format!(
            "the thread's oldest {} not sent, over the context budget of {budget_chars} characters; raise \
             `context_chars` in config.toml to keep more",
            if dropped == 1 { "turn was".to_string() } else { format!("{dropped} turns were") }
        )
    })
}

/// The run `id` names (`last`: the newest), as a report; `None` when there is none.
fn find(store: &Store, id: &str) -> Result<Option<RunReport>> {
    let found = if id == "last" { store.last()? } else { store.find(id)? };
    match found {
        Found::One(summary, value) => serde_json::from_value(value).map(Some).map_err(|e| {
            Error::usage(
                format!("run {} can't be continued: its record is from another version ({e})", summary.run_id),
                "start a new thread without --continue",
            )
        }),
        Found::NotFound => Ok(None),
        Found::Ambiguous(ids) => Err(Error::usage(
            format!("run id `{}` matches more than one run", echo(id)),
            format!("give more of the id: {}", ids.join(", ")),
        )),
    }
}

/// A recorded run as a turn of its thread.
fn exchange(report: &RunReport) -> Exchange {
    Exchange {
        question: report.question.clone().unwrap_or_else(|| report.prompt.clone()),
        answer: report.final_answer.clone().unwrap_or_default(),
    }
}

/// Leaves out the oldest turns when the thread is over `budget_chars`: down to half of
/// it, so the turns sent stay the same for the next follow-ups. Returns how many.
fn window(turns: &mut Vec<Exchange>, budget_chars: usize) -> usize {
    let size = |t: &Exchange| t.question.chars().count() + t.answer.chars().count();
    let total: usize = turns.iter().map(size).sum();
    if total <= budget_chars {
        return 0;
    }
    let mut kept = 0;
    let mut keep = 0;
    for turn in turns.iter().rev() {
        if kept + size(turn) > budget_chars / 2 && keep > 0 {
            break;
        }
        kept += size(turn);
        keep += 1;
    }
    let dropped = turns.len() - keep;
    turns.drain(..dropped);
    dropped
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    fn turn(n: usize) -> Exchange {
        Exchange { question: "q".repeat(n), answer: "a".repeat(n) }
    }

    /// A store holding `reports`, as runs recorded them.
    fn store(reports: &[serde_json::Value]) -> Store {
        let mut store = Store::in_memory(std::path::Path::new("history.sqlite3")).unwrap();
        for report in reports {
            store.record(report, crate::history::Source::Run).unwrap();
        }
        store
    }

    /// A successful run's report, as `run --json` prints it.
    fn recorded(id: &str, scope: Option<&str>, thread: Option<serde_json::Value>) -> serde_json::Value {
        let mut report = serde_json::json!({
            "run_id": id, "status": "ok", "mode": "fusion", "preset": "demo", "prompt": format!("prompt {id}"),
            "panel": [], "judge": null, "synth": null, "analysis": null, "final": format!("answer {id}"),
            "final_source": "synth", "failed_models": [], "failure_reason": null, "notes": [],
            "timings": {"panel_ms": 0, "judge_ms": null, "synth_ms": null},
            "totals": {"input_tokens": 0, "output_tokens": 0, "wall_ms": 0, "cost_usd": null, "cost_estimated": false},
            "judge_seed": 1,
        });
        if let Some(scope) = scope {
            report["scope"] = scope.into();
        }
        if let Some(thread) = thread {
            report["thread"] = thread;
        }
        report
    }

    #[test]
    fn a_thread_is_followed_back_through_its_parents_oldest_first() {
        let link = |parent: &str, turn: u32| Some(serde_json::json!({"root": "r1", "parent": parent, "turn": turn}));
        let store = store(&[
            recorded("r1", Some("default"), None),
            recorded("r2", Some("default"), link("r1", 2)),
            recorded("r3", Some("default"), link("r2", 3)),
        ]);
        let thread = load(Some(&store), "r3", Some("default")).unwrap();
        let prompts: Vec<&str> = thread.turns.iter().map(|t| t.question.as_str()).collect();
        assert_eq!(prompts, ["prompt r1", "prompt r2", "prompt r3"]);
        assert_eq!(thread.link, ThreadLink { root: "r1".into(), parent: "r3".into(), turn: 4 });
        assert_eq!(thread.panel, PanelAsk { preset: Some("demo".into()), ..PanelAsk::default() });
    }

    #[test]
    fn a_run_of_another_scope_is_refused_and_one_recorded_without_a_scope_is_followed() {
        let store = store(&[recorded("r1", Some("alpha"), None), recorded("old", None, None)]);
        let err = load(Some(&store), "r1", Some("beta")).unwrap_err().to_string();
        assert!(err.contains("run r1 belongs to scope `alpha`, and this follow-up runs in scope `beta`"), "{err}");
        let old = load(Some(&store), "old", Some("beta")).unwrap();
        assert_eq!(old.turns, vec![Exchange { question: "prompt old".into(), answer: "answer old".into() }]);
    }

    #[test]
    fn a_thread_whose_earlier_run_is_gone_sends_what_is_left_and_says_so() {
        let gone = Some(serde_json::json!({"root": "r1", "parent": "r1", "turn": 2}));
        let store = store(&[recorded("r2", None, gone)]);
        let thread = load(Some(&store), "r2", None).unwrap();
        assert_eq!(thread.turns.len(), 1);
        assert_eq!(
            thread.notes,
            ["run r1, earlier in the thread, is no longer in history; the turns from it back were not sent"]
        );
    }

    #[test]
    fn a_thread_within_the_budget_is_sent_whole() {
        let mut turns = vec![turn(10), turn(10)];
        assert_eq!(window(&mut turns, 40), 0);
        assert_eq!(turns.len(), 2);
    }

    #[test]
    fn a_thread_over_the_budget_drops_its_oldest_turns_down_to_half_of_it() {
        let mut turns: Vec<Exchange> = (1..=6).map(|n| turn(n * 10)).collect();
        // 420 characters in all; a budget of 200 keeps the newest under 100: one turn.
        assert_eq!(window(&mut turns, 200), 5);
        assert_eq!(turns, vec![turn(60)]);
        let mut turns: Vec<Exchange> = (0..10).map(|_| turn(10)).collect();
        assert_eq!(window(&mut turns, 150), 7);
        assert_eq!(turns.len(), 3);
    }

    #[test]
    fn the_newest_turn_is_kept_even_alone_over_half_the_budget() {
        let mut turns = vec![turn(10), turn(100)];
        assert_eq!(window(&mut turns, 150), 1);
        assert_eq!(turns, vec![turn(100)]);
    }
}
