//! The run's budgets while it runs: the clock of its time budget, and the guards that
//! say why a step (the judge, the council, the synth, the later rounds) must not start
//! because too little time is left or it would take the run past its cost cap.
//!
//! Knows nothing about prices' origin (they come with the participants), what has been
//! spent (the caller adds it up from what the stages returned), or how a skip is shown:
//! a guard returns the note, and the stage tells the observer and keeps the note.

use std::time::Duration;

use tokio::time::Instant;

use super::cost::format_usd;
use super::plan::Limits;

/// When the run started and when its budget runs out.
pub(super) struct Clock {
    start: Instant,
    deadline: Instant,
}

impl Clock {
    pub fn start(budget: Duration) -> Clock {
        let start = Instant::now();
        Clock { start, deadline: start + budget }
    }

    /// What is left of the budget (zero once it has run out).
    pub fn remaining(&self) -> Duration {
        self.deadline.saturating_duration_since(Instant::now())
    }

    pub fn elapsed(&self) -> Duration {
        self.start.elapsed()
    }
}

/// What a guard may skip, as its note names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Subject {
    /// A stage after the panel: `judge`, `council` or `synth`.
    Stage(&'static str),
    /// The later rounds, from this one on.
    RoundsFrom(u32),
}

impl Subject {
    /// What the note says was skipped.
    fn skipped(self) -> String {
        match self {
            Subject::Stage(name) => name.to_string(),
            Subject::RoundsFrom(round) => format!("round {round} and later"),
        }
    }

    /// What the note says would have spent the money.
    fn spender(self) -> String {
        match self {
            Subject::Stage(_) => "it".to_string(),
            Subject::RoundsFrom(round) => format!("round {round}"),
        }
    }
}

/// Why `subject` must not start: less than the floor is left of the budget (`left`),
/// else its estimated cost, on top of what the run has `spent`, would cross the cap.
/// `None`: it may start.
pub(super) fn guard(subject: Subject, left: Duration, spent: f64, estimate: f64, limits: Limits) -> Option<String> {
    over_time(subject, left, limits).or_else(|| over_cost(subject, spent, estimate, limits))
}

/// Why `subject` must not start with `left` of the budget: less than the floor.
pub(super) fn over_time(subject: Subject, left: Duration, limits: Limits) -> Option<String> {
    (left < limits.stage_floor).then(|| {
        format!(
            "{} skipped: {:.1}s left of the {}s budget, under the {}s floor",
            subject.skipped(),
            left.as_secs_f64(),
            limits.budget.as_secs(),
            limits.stage_floor.as_secs()
        )
    })
}

/// Why `subject`, estimated at `estimate` USD, must not start after `spent` USD: it would
/// take the run past its cost cap.
pub(super) fn over_cost(subject: Subject, spent: f64, estimate: f64, limits: Limits) -> Option<String> {
    let cap = limits.max_cost_usd?;
    (spent + estimate > cap).then(|| {
        format!(
            "{} skipped: {} would bring the cost to about {}, over the {} cap ({} spent so far)",
            subject.skipped(),
            subject.spender(),
            format_usd(spent + estimate),
            format_usd(cap),
            format_usd(spent)
        )
    })
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    fn limits(floor_secs: u64, cap: Option<f64>) -> Limits {
        Limits {
            concurrency: 4,
            member_timeout: Duration::from_secs(60),
            budget: Duration::from_secs(120),
            stage_floor: Duration::from_secs(floor_secs),
            max_cost_usd: cap,
            max_answer_bytes: 1024,
            grace: None,
            quorum: None,
        }
    }

    #[test]
    fn a_step_is_skipped_under_the_floor_with_the_time_left_in_the_note() {
        let left = Duration::from_millis(4_250);
        assert_eq!(
            over_time(Subject::Stage("judge"), left, limits(10, None)).as_deref(),
            Some("judge skipped: 4.2s left of the 120s budget, under the 10s floor")
        );
        assert_eq!(
            over_time(Subject::RoundsFrom(3), left, limits(10, None)).as_deref(),
            Some("round 3 and later skipped: 4.2s left of the 120s budget, under the 10s floor")
        );
        assert_eq!(over_time(Subject::Stage("synth"), Duration::from_secs(10), limits(10, None)), None, "at the floor");
    }

    #[test]
    fn a_step_is_skipped_when_it_would_cross_the_cap_and_the_note_says_by_how_much() {
        let capped = limits(0, Some(0.05));
        assert_eq!(
            over_cost(Subject::Stage("synth"), 0.03, 0.025, capped).as_deref(),
            Some("synth skipped: it would bring the cost to about $0.055, over the $0.050 cap ($0.030 spent so far)")
        );
        assert_eq!(
            over_cost(Subject::RoundsFrom(2), 0.0, 0.06, capped).as_deref(),
            Some(
                "round 2 and later skipped: round 2 would bring the cost to about $0.060, over the $0.050 cap ($0 spent so far)"
            )
        );
        assert_eq!(over_cost(Subject::Stage("judge"), 0.03, 0.02, capped), None, "exactly at the cap");
        assert_eq!(over_cost(Subject::Stage("judge"), 9.0, 9.0, limits(0, None)), None, "no cap");
    }

    #[test]
    fn time_is_checked_before_cost() {
        let both = limits(10, Some(0.01));
        let note = guard(Subject::Stage("council"), Duration::ZERO, 1.0, 1.0, both).unwrap_or_default();
        assert!(note.starts_with("council skipped: 0.0s left"), "{note}");
        let note = guard(Subject::Stage("council"), Duration::from_secs(60), 1.0, 1.0, both).unwrap_or_default();
        assert!(note.starts_with("council skipped: it would bring"), "{note}");
        assert_eq!(guard(Subject::Stage("council"), Duration::from_secs(60), 0.0, 0.0, both), None);
    }
}
