//! Pacing calls per provider, shared by every run of one process (`frontier eval` runs
//! thousands): a `Pacer` holds one `Lane` per provider, and every attempt takes a
//! `Permit` from its lane before it starts and holds it until it ends, however it ends.
//!
//! A lane caps the attempts in flight at once (the eval's `--per-provider`), and slows
//! down for the whole provider when one call hears it is over its limit: a 429 or 503
//! pauses the lane for its `Retry-After` (else for the backoff the retry policy chose),
//! halves how many attempts may run at once (never below one), and spaces the next starts
//! apart; successes bring both back gradually (AIMD: one more attempt at once after a
//! run of successes as long as the allowance, each success shortening the spacing by a
//! thirty-second). Waiters start in the order they came, each no later than its request's
//! deadline allows: a wait that can't end before it fails as `Deadline`.
//!
//! HTTP lanes are keyed by the base URL's origin (scheme, host, port), not by model or
//! route name: rate limits belong to a server and a key, and two routes or models on one
//! server share them, while one host's limits say nothing about another's. The other
//! kinds (the mock, each agent CLI) get one lane per kind, which only caps concurrency.
//!
//! Knows nothing about sending requests, reading streams or whether to retry (the
//! transport and `retry`): the transport names the lane, and tells the permit how the
//! attempt ended; a URL is read only to find its origin.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tokio::sync::Notify;
use tokio::time::Instant;

use super::ProviderError;

/// How much each success shortens a lane's spacing between starts: by 1/`SPACING_DECAY`.
/// Slower decay probes the limit less often (a spacing that doubled on a 429 is too fast
/// again after about 22 successes, not 6), at the same throughput: the doubling and the
/// pause bound the spacing, not the decay.
const SPACING_DECAY: u32 = 32;

/// One lane per provider, created on first use; shared as `Arc<Pacer>` by every run of a
/// process that should pace together.
#[derive(Debug)]
pub struct Pacer {
    per_provider: usize,
    lanes: Mutex<HashMap<String, Arc<Lane>>>,
}

impl Pacer {
    /// A pacer whose lanes each allow at most `per_provider` attempts at once (at least one).
    pub fn new(per_provider: usize) -> Pacer {
        Pacer { per_provider: per_provider.max(1), lanes: Mutex::new(HashMap::new()) }
    }

    /// The lane named `key` (an origin, or a kind such as `mock`).
    pub fn lane(&self, key: &str) -> Arc<Lane> {
        let mut lanes = self.lanes.lock().unwrap_or_else(PoisonError::into_inner);
        lanes.entry(key.to_string()).or_insert_with(|| Arc::new(Lane::new(self.per_provider))).clone()
    }
}

/// The lane key of an HTTP request to `url`: its origin (`https://api.example:443` is
/// written `https://api.example`), without userinfo, path or query.
pub fn origin_of(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(url) => url.origin().ascii_serialization(),
        // Such a request fails before it is sent; one lane for all of them.
        Err(_) => "unparsable".to_string(),
    }
}

/// One provider's share of the pace: see the module doc.
#[derive(Debug)]
pub struct Lane {
    cap: usize,
    state: Mutex<State>,
}

#[derive(Debug)]
struct State {
    /// Attempts that may run at once now: between 1 and the cap.
    allowance: usize,
    in_flight: usize,
    /// No attempt starts before this.
    paused_until: Option<Instant>,
    /// The earliest start of the next attempt: the last start plus `spacing`.
    next_start: Option<Instant>,
    spacing: Duration,
    /// Successes since the allowance last changed.
    streak: usize,
    /// Counts slowdowns; an attempt started before the latest one does not slow the lane
    /// again (its 429 is the same overload the lane already answered).
    epoch: u64,
    /// Who waits, first come first: only the front may start.
    queue: VecDeque<(u64, Arc<Notify>)>,
    next_ticket: u64,
}

/// What the front of the queue may do now.
enum Turn {
    Start,
    /// Not before this instant.
    At(Instant),
    /// When an attempt in flight ends.
    Release,
}

impl Lane {
    fn new(cap: usize) -> Lane {
        let state = State {
            allowance: cap,
            in_flight: 0,
            paused_until: None,
            next_start: None,
            spacing: Duration::ZERO,
            streak: 0,
            epoch: 0,
            queue: VecDeque::new(),
            next_ticket: 0,
        };
        Lane { cap, state: Mutex::new(state) }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Waits for this lane's turn to start an attempt, at the latest until `deadline`:
    /// fails as `Deadline` at once when the lane is paused past it, else when it comes.
    pub async fn acquire(self: &Arc<Self>, deadline: Instant) -> Result<Permit, ProviderError> {
        let notify = Arc::new(Notify::new());
        let ticket = {
            let mut state = self.state();
            let ticket = state.next_ticket;
            state.next_ticket += 1;
            state.queue.push_back((ticket, notify.clone()));
            ticket
        };
        // Leaves the queue however the wait ends (a permit, the deadline, or the caller
        // dropping the future), and lets the next waiter look.
        let _queued = Queued { lane: self, ticket };
        loop {
            let turn = {
                let mut state = self.state();
                match state.turn(ticket, Instant::now()) {
                    Turn::Start => {
                        let now = Instant::now();
                        state.in_flight += 1;
                        state.next_start = Some(now + state.spacing);
                        return Ok(Permit { lane: self.clone(), epoch: state.epoch });
                    }
                    other => other,
                }
            };
            match turn {
                Turn::At(at) if at >= deadline => return Err(ProviderError::Deadline),
                Turn::At(at) => {
                    tokio::select! {
                        () = tokio::time::sleep_until(at) => {}
                        () = notify.notified() => {}
                    }
                }
                Turn::Release | Turn::Start => {
                    if tokio::time::timeout_at(deadline, notify.notified()).await.is_err() {
                        return Err(ProviderError::Deadline);
                    }
                }
            }
        }
    }

    /// How many attempts may run at once now (for tests and reports).
    pub fn allowance(&self) -> usize {
        self.state().allowance
    }

    /// Attempts running now.
    pub fn in_flight(&self) -> usize {
        self.state().in_flight
    }
}

impl State {
    fn turn(&self, ticket: u64, now: Instant) -> Turn {
        if self.queue.front().map(|(t, _)| *t) != Some(ticket) {
            return Turn::Release;
        }
        let ready = self.paused_until.into_iter().chain(self.next_start).max();
        match ready {
            Some(at) if at > now => Turn::At(at),
            _ if self.in_flight >= self.allowance => Turn::Release,
            _ => Turn::Start,
        }
    }

    /// Lets the front waiter look again.
    fn wake_front(&self) {
        if let Some((_, notify)) = self.queue.front() {
            notify.notify_one();
        }
    }
}

/// A place in a lane's queue, given up when dropped.
struct Queued<'a> {
    lane: &'a Lane,
    ticket: u64,
}

impl Drop for Queued<'_> {
    fn drop(&mut self) {
        let mut state = self.lane.state();
        state.queue.retain(|(t, _)| *t != self.ticket);
        state.wake_front();
    }
}

/// Leave to run one attempt on a lane; the slot comes back when it is dropped.
#[derive(Debug)]
pub struct Permit {
    lane: Arc<Lane>,
    /// The lane's epoch when the attempt started.
    epoch: u64,
}

impl Permit {
    /// The attempt succeeded: after a run of successes as long as the allowance, one more
    /// attempt may run at once (up to the cap); each shortens the spacing.
    pub fn succeeded(self) {
        let cap = self.lane.cap;
        let mut state = self.lane.state();
        state.streak += 1;
        if state.streak >= state.allowance {
            state.streak = 0;
            state.allowance = (state.allowance + 1).min(cap);
        }
        let spacing = state.spacing;
        state.spacing = spacing.saturating_sub(spacing / SPACING_DECAY);
        if state.spacing < Duration::from_millis(1) {
            state.spacing = Duration::ZERO;
        }
    }

    /// The provider said it is over its limit (429, 503) and to wait `pause` (its
    /// `Retry-After`, else the retry policy's backoff): no attempt starts on the lane
    /// before then. Unless the attempt started before the lane's latest slowdown, the
    /// allowance halves (at least one) and the starts after the pause are spread over
    /// it, one per `pause / allowance`, or twice the spacing before, whichever is longer.
    pub fn limited(self, pause: Duration) {
        let mut state = self.lane.state();
        let until = Instant::now() + pause;
        state.paused_until = Some(state.paused_until.map_or(until, |p| p.max(until)));
        if self.epoch == state.epoch {
            state.epoch += 1;
            state.streak = 0;
            state.allowance = (state.allowance / 2).max(1);
            let spread = pause / u32::try_from(state.allowance).unwrap_or(u32::MAX);
            state.spacing = (state.spacing * 2).max(spread);
        }
    }
}

impl Drop for Permit {
    fn drop(&mut self) {
        let mut state = self.lane.state();
        state.in_flight = state.in_flight.saturating_sub(1);
        state.wake_front();
    }
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    fn far() -> Instant {
        Instant::now() + Duration::from_secs(3600)
    }

    async fn permit(lane: &Arc<Lane>) -> Permit {
        lane.acquire(far()).await.unwrap_or_else(|e| panic!("{e}"))
    }

    /// When each of `calls` waiters (queued now, in order) got its permit, in ms after
    /// `start`; each lets its permit go at once, neither a success nor a failure.
    async fn starts(lane: &Arc<Lane>, calls: usize, start: Instant) -> Vec<u128> {
        let waiters: Vec<_> = (0..calls)
            .map(|_| {
                let lane = lane.clone();
                tokio::spawn(async move {
                    let _permit = permit(&lane).await;
                    start.elapsed().as_millis()
                })
            })
            .collect();
        let mut starts = Vec::new();
        for waiter in waiters {
            starts.push(waiter.await.unwrap_or_else(|e| panic!("{e}")));
        }
        starts
    }

    #[tokio::test(start_paused = true)]
    async fn a_429_with_retry_after_holds_every_call_of_the_lane_and_spreads_them_after() {
        let pacer = Pacer::new(8);
        let lane = pacer.lane("https://api.example");
        let start = Instant::now();
        permit(&lane).await.limited(Duration::from_secs(2));
        assert_eq!(lane.allowance(), 4);
        // Eight calls waiting: none before the 2 s are up, then one every 2 s / 4.
        let want: Vec<u128> = (0..8).map(|i| 2000 + 500 * i).collect();
        assert_eq!(starts(&lane, 8, start).await, want);
        // Another provider's lane is not held.
        let other = pacer.lane("https://other.example");
        let now = Instant::now();
        assert_eq!(starts(&other, 3, now).await, vec![0, 0, 0]);
    }

    #[tokio::test(start_paused = true)]
    async fn the_allowance_halves_once_per_overload_and_grows_back_after_runs_of_successes() {
        let lane = Pacer::new(8).lane("x");
        let (a, b) = (permit(&lane).await, permit(&lane).await);
        a.limited(Duration::from_secs(1));
        // `b` started before the lane slowed down: the same overload, no second halving.
        b.limited(Duration::from_secs(1));
        assert_eq!(lane.allowance(), 4);
        permit(&lane).await.limited(Duration::from_secs(1));
        assert_eq!(lane.allowance(), 2);
        let mut seen = Vec::new();
        for _ in 0..9 {
            permit(&lane).await.succeeded();
            seen.push(lane.allowance());
        }
        assert_eq!(seen, vec![2, 3, 3, 3, 4, 4, 4, 4, 5]);
        for _ in 0..300 {
            permit(&lane).await.succeeded();
        }
        assert_eq!(lane.allowance(), 8, "back to the cap, never over it");
        // The spacing has decayed away: calls start together again.
        let now = Instant::now();
        assert_eq!(starts(&lane, 3, now).await, vec![0, 0, 0]);
    }

    #[tokio::test(start_paused = true)]
    async fn no_more_attempts_run_at_once_than_the_allowance() {
        let lane = Pacer::new(2).lane("x");
        let start = Instant::now();
        let holders: Vec<_> = (0..4)
            .map(|_| {
                let lane = lane.clone();
                tokio::spawn(async move {
                    let _permit = permit(&lane).await;
                    let started = start.elapsed().as_millis();
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    started
                })
            })
            .collect();
        let mut started = Vec::new();
        for holder in holders {
            started.push(holder.await.unwrap_or_else(|e| panic!("{e}")));
        }
        assert_eq!(started, vec![0, 0, 1000, 1000]);
        assert_eq!(lane.in_flight(), 0);
    }

    #[tokio::test(start_paused = true)]
    async fn a_wait_that_cannot_end_before_the_deadline_fails_as_deadline() {
        let paused = Pacer::new(4).lane("x");
        let start = Instant::now();
        permit(&paused).await.limited(Duration::from_secs(10));
        // Paused past the deadline: fails at once, without waiting for it.
        let err = paused.acquire(start + Duration::from_secs(5)).await.err();
        assert_eq!((err, start.elapsed()), (Some(ProviderError::Deadline), Duration::ZERO));

        // Behind a full lane: fails at the deadline, and leaves the queue for the next.
        let full = Pacer::new(1).lane("y");
        let start = Instant::now();
        let held = permit(&full).await;
        let err = full.acquire(start + Duration::from_secs(3)).await.err();
        assert_eq!((err, start.elapsed()), (Some(ProviderError::Deadline), Duration::from_secs(3)));
        drop(held);
        let now = Instant::now();
        assert_eq!(starts(&full, 1, now).await, vec![0]);
    }

    #[tokio::test(start_paused = true)]
    async fn a_waiter_that_gives_up_leaves_its_place_to_the_next() {
        let lane = Pacer::new(1).lane("x");
        let held = permit(&lane).await;
        let abandoned = tokio::time::timeout(Duration::from_secs(1), lane.acquire(far())).await;
        assert!(abandoned.is_err(), "the lane was full");
        let next = tokio::spawn({
            let lane = lane.clone();
            async move { permit(&lane).await.lane.cap }
        });
        tokio::time::sleep(Duration::from_secs(1)).await;
        drop(held);
        assert_eq!(next.await.unwrap_or_else(|e| panic!("{e}")), 1);
    }

    #[test]
    fn lanes_are_keyed_by_origin() {
        assert_eq!(origin_of("https://user:pw@api.example/v1/chat/completions?x=1"), "https://api.example");
        assert_eq!(origin_of("https://api.example:443/v1"), "https://api.example");
        assert_eq!(origin_of("http://127.0.0.1:8080/anthropic/v1/messages"), "http://127.0.0.1:8080");
        assert_eq!(origin_of("not a url"), "unparsable");
    }
}
