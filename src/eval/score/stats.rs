//! The statistics an eval reports: a proportion's 95% interval ([`wilson`]) and latency
//! quantiles from a record of fixed size ([`Latencies`]).
//!
//! Knows nothing about what is counted or timed.

use crate::eval::Interval;

/// The normal quantile of a two-sided 95% interval: Φ⁻¹(0.975).
pub const Z_95: f64 = 1.959_963_984_540_054;

/// The 95% Wilson score interval of `successes` out of `n`, with the observed proportion
/// as its estimate; `None` when `n` is 0 or `successes` is not a number. `successes` may
/// be fractional (a win rate counts a tie as half a win) and is held to `0..=n`.
///
/// Wilson's interval, not the textbook `p ± z·√(p(1−p)/n)`: that one collapses to a
/// single point at 0/n and n/n (an eval where a contender got all 10 right does not prove
/// it always will) and strays outside 0..1 near them; Wilson's stays inside and keeps
/// close to its nominal 95% even for the few dozen items a user's own set may have.
pub fn wilson(successes: f64, n: u64) -> Option<Interval> {
    if n == 0 || successes.is_nan() {
        return None;
    }
    let n = n as f64;
    let p = successes.clamp(0.0, n) / n;
    let z2 = Z_95 * Z_95;
    let denominator = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denominator;
    let half = Z_95 * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / denominator;
    Some(Interval { estimate: p, low: (centre - half).max(0.0), high: (centre + half).min(1.0) })
}

/// The relative error of a latency quantile (before rounding to whole milliseconds).
pub const LATENCY_RELATIVE_ERROR: f64 = 0.005;

/// The longest latency told apart from longer ones: 2³² ms, about 50 days. Longer ones
/// are recorded as this.
pub const LATENCY_MAX_MS: u64 = 1 << 32;

/// Latencies in milliseconds, in a histogram of logarithmic buckets, so a quantile is
/// within [`LATENCY_RELATIVE_ERROR`] of the exact one (then rounded to a whole
/// millisecond) and the memory is flat in the number of records: one counter per bucket
/// up to the longest latency recorded, at most 2,220 (about 18 kB) however many.
///
/// Bucket `i` holds the latencies in `(γ^(i−1), γ^i]`, `γ = (1+α)/(1−α)` for the error
/// `α`, and is read as `2γ^i/(γ+1)`, whose distance to any latency of the bucket is at
/// most `α` of it. The least and the greatest latency are kept as they were, so quantile
/// 0 and 1 are exact and no quantile lies outside them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Latencies {
    /// Records of 0 ms, which no logarithm reaches.
    zeros: u64,
    buckets: Vec<u64>,
    count: u64,
    min: u64,
    max: u64,
}

impl Latencies {
    pub fn new() -> Latencies {
        Latencies::default()
    }

    pub fn record(&mut self, ms: u64) {
        let ms = ms.min(LATENCY_MAX_MS);
        if self.count == 0 {
            (self.min, self.max) = (ms, ms);
        } else {
            (self.min, self.max) = (self.min.min(ms), self.max.max(ms));
        }
        self.count += 1;
        if ms == 0 {
            self.zeros += 1;
            return;
        }
        let index = bucket(ms);
        if self.buckets.len() <= index {
            self.buckets.resize(index + 1, 0);
        }
        self.buckets[index] += 1;
    }

    /// How many latencies were recorded.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// The `q` quantile (nearest rank: the least latency with at least `q` of the records
    /// at or below it), `q` in `0..=1`: 0.5 is the median, 0.95 the p95. `None` when
    /// nothing was recorded or `q` is outside `0..=1`.
    pub fn quantile(&self, q: f64) -> Option<u64> {
        if self.count == 0 || !(0.0..=1.0).contains(&q) {
            return None;
        }
        let rank = ((q * self.count as f64).ceil() as u64).max(1);
        if rank == 1 {
            return Some(self.min);
        }
        if rank == self.count {
            return Some(self.max);
        }
        if rank <= self.zeros {
            return Some(0);
        }
        let mut seen = self.zeros;
        let index = self.buckets.iter().position(|&n| {
            seen += n;
            seen >= rank
        })?;
        let gamma = gamma();
        let estimate = 2.0 * gamma.powi(index as i32) / (gamma + 1.0);
        Some((estimate.round() as u64).clamp(self.min, self.max))
    }
}

/// The ratio of a bucket's upper bound to its lower.
fn gamma() -> f64 {
    (1.0 + LATENCY_RELATIVE_ERROR) / (1.0 - LATENCY_RELATIVE_ERROR)
}

/// The bucket of a latency of at least 1 ms: the least `i` with `ms <= γ^i`.
fn bucket(ms: u64) -> usize {
    ((ms as f64).ln() / gamma().ln()).ceil().max(0.0) as usize
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    /// An interval's estimate, low and high.
    type Bounds = (f64, f64, f64);

    /// The interval rounded to 1e-6, for comparing whole values.
    fn rounded(interval: Option<Interval>) -> Option<Bounds> {
        let r = |x: f64| (x * 1e6).round() / 1e6;
        interval.map(|i| (r(i.estimate), r(i.low), r(i.high)))
    }

    #[test]
    fn wilson_intervals_agree_with_values_computed_independently() {
        // The bounds solve n(p̂−p)² = z²p(1−p), found by bisection at 50 digits (mpmath),
        // not by the closed form used here.
        let cases: Vec<((f64, u64), Option<Bounds>)> = vec![
            ((0.0, 10), Some((0.0, 0.0, 0.277533))),
            ((5.0, 10), Some((0.5, 0.236593, 0.763407))),
            ((10.0, 10), Some((1.0, 0.722467, 1.0))),
            ((57.0, 100), Some((0.57, 0.472154, 0.662667))),
            ((2.5, 7), Some((0.357143, 0.118083, 0.69744))),
            ((1.0, 1), Some((1.0, 0.206549, 1.0))),
            ((1.0, 0), None),
            // Held to 0..=n.
            ((-3.0, 10), Some((0.0, 0.0, 0.277533))),
            ((12.0, 10), Some((1.0, 0.722467, 1.0))),
        ];
        let got: Vec<_> = cases.iter().map(|&((s, n), _)| ((s, n), rounded(wilson(s, n)))).collect();
        assert_eq!(got, cases);
        assert_eq!(wilson(f64::NAN, 10), None);
    }

    #[test]
    fn wilson_intervals_agree_with_newcombes_published_table() {
        // Newcombe (1998), Statistics in Medicine 17:857–872, table I, method 3.
        let published =
            [(81, 263, 0.2553, 0.3662), (15, 148, 0.0624, 0.1605), (0, 20, 0.0, 0.1611), (1, 29, 0.0061, 0.1718)];
        for (s, n, low, high) in published {
            let i = wilson(f64::from(s), n).unwrap();
            assert!((i.low - low).abs() < 5e-5 && (i.high - high).abs() < 5e-5, "{s}/{n}: {i:?}");
        }
    }

    #[test]
    fn latency_quantiles_are_within_one_percent_of_the_exact_ones() {
        let mut latencies = Latencies::new();
        // Recorded out of order: a histogram does not care.
        for ms in (1..=1000).rev() {
            latencies.record(ms);
        }
        // Nearest rank over 1..=1000: the 500th and the 950th.
        for (q, exact) in [(0.5, 500.0), (0.95, 950.0), (0.99, 990.0), (0.01, 10.0)] {
            let got = latencies.quantile(q).unwrap() as f64;
            assert!((got - exact).abs() <= exact * 0.01, "q {q}: {got}, exact {exact}");
        }
        assert_eq!((latencies.quantile(0.0), latencies.quantile(1.0), latencies.count()), (Some(1), Some(1000), 1000));
        let mut slow = Latencies::new();
        for ms in [1003, 2000, 2999] {
            slow.record(ms);
        }
        assert_eq!((slow.quantile(0.0), slow.quantile(1.0)), (Some(1003), Some(2999)));
        assert_eq!(
            (latencies.quantile(1.5), latencies.quantile(f64::NAN), Latencies::new().quantile(0.5)),
            (None, None, None)
        );
    }

    #[test]
    fn small_and_zero_latencies_come_back_exact() {
        let mut latencies = Latencies::new();
        for ms in [0, 0, 1, 2, 3, 7, 40] {
            latencies.record(ms);
        }
        let got: Vec<Option<u64>> =
            [0.1, 0.2, 0.4, 0.5, 0.6, 0.8, 1.0].iter().map(|&q| latencies.quantile(q)).collect();
        assert_eq!(got, [Some(0), Some(0), Some(1), Some(2), Some(3), Some(7), Some(40)]);
    }

    #[test]
    fn the_record_does_not_grow_with_the_number_of_latencies() {
        let mut latencies = Latencies::new();
        for ms in 1..=60_000 {
            latencies.record(ms);
        }
        let size = latencies.buckets.capacity();
        for _ in 0..50 {
            for ms in (1..=60_000).step_by(7) {
                latencies.record(ms);
            }
        }
        assert_eq!(latencies.buckets.capacity(), size);
        // Whatever is recorded, the buckets stop at the longest latency told apart.
        latencies.record(u64::MAX);
        assert_eq!((latencies.buckets.len(), latencies.quantile(1.0)), (2220, Some(LATENCY_MAX_MS)));
    }
}
