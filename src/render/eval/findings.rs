//! The cost-against-quality picture in words, the chart's content for a terminal: who
//! scored best, whether its interval overlaps the next one's (then the items do not show
//! a difference), and what the best cost and how slow it was next to the cheapest and the
//! fastest contender.
//!
//! Knows nothing about the medium: the caller passes how a name is written (sanitised for
//! a terminal, escaped for Markdown).

use std::cmp::Ordering;

use super::{cost_per_item, pct, wtl};
use crate::eval::{Accuracy, ContenderScore, Summary};
use crate::pipeline::cost::format_usd;
use crate::render::scores::format_ms;

/// A figure the wrap must not split (`48% [28–68]`, `p50 2.1s`): its spaces don't break.
fn glued(figure: &str) -> String {
    figure.replace(' ', "\u{a0}")
}

/// `83% [64–93]`, kept on one line.
fn with_interval(i: crate::eval::Interval) -> String {
    glued(&super::with_interval(i))
}

/// Mean answer lengths this far apart are worth a word on a grader's length bias.
const LENGTH_GAP: f64 = 1.2;

/// The sentences, in order: accuracy, win rate, answer length, cost and latency.
pub fn sentences(summary: &Summary, name: &dyn Fn(&str) -> String) -> Vec<String> {
    let accuracy = accuracy(summary, name);
    let versus = versus(summary, name);
    // Whom the cost is told for: the best by accuracy, else by win rate.
    let best = accuracy.as_ref().map(|(_, c)| *c).or(versus.as_ref().map(|(_, c)| *c));
    let mut out: Vec<String> = [accuracy.map(|(s, _)| s), versus.map(|(s, _)| s)].into_iter().flatten().collect();
    out.extend(lengths(summary, name));
    out.extend(best.and_then(|b| cost_and_time(summary, b, name)));
    out
}

fn by_estimate(a: f64, b: f64) -> Ordering {
    b.partial_cmp(&a).unwrap_or(Ordering::Equal)
}

/// The best accuracy, and whether its interval leaves the next one's behind.
fn accuracy<'a>(summary: &'a Summary, name: &dyn Fn(&str) -> String) -> Option<(String, &'a ContenderScore)> {
    let mut ranked: Vec<_> = summary.contenders.iter().filter_map(|c| Some((c, c.accuracy?))).collect();
    ranked.sort_by(|a, b| by_estimate(a.1.interval.estimate, b.1.interval.estimate));
    let (best, top) = *ranked.first()?;
    let Some(&(next, second)) = ranked.get(1) else {
        return Some((format!("accuracy: {} {}.", name(&best.label), with_interval(top.interval)), best));
    };
    let (b, n) = (name(&best.label), name(&next.label));
    let text = if pct(top.interval.estimate) == pct(second.interval.estimate) {
        tie(&ranked, top.interval.estimate, name)
    } else if top.interval.low <= second.interval.high {
        format!(
            "best accuracy: {b}, {}; its interval overlaps {n}'s ({}): {} items do not show a difference.",
            with_interval(top.interval),
            with_interval(second.interval),
            top.scored
        )
    } else {
        format!(
            "best accuracy: {b}, {}, ahead of {n} ({}) beyond both intervals.",
            with_interval(top.interval),
            with_interval(second.interval)
        )
    };
    Some((text, best))
}

/// Every contender that shares the best accuracy (as shown, to the percent), named, or
/// `all N contenders` when none is behind.
fn tie(ranked: &[(&ContenderScore, Accuracy)], best: f64, name: &dyn Fn(&str) -> String) -> String {
    let tied: Vec<String> =
        ranked.iter().filter(|(_, a)| pct(a.interval.estimate) == pct(best)).map(|(c, _)| name(&c.label)).collect();
    let who = match tied.as_slice() {
        all if all.len() == ranked.len() && all.len() > 2 => format!("all {} contenders", all.len()),
        [first @ .., last] => format!("{} and {last}", first.join(", ")),
        [] => String::new(),
    };
    format!("{who} tie for the best accuracy, {}.", pct(best))
}

/// The best win rate against the baseline, or the baseline itself when no contender won
/// more than half its pairs.
fn versus<'a>(summary: &'a Summary, name: &dyn Fn(&str) -> String) -> Option<(String, &'a ContenderScore)> {
    let mut ranked: Vec<_> = summary.contenders.iter().filter_map(|c| Some((c, c.versus?))).collect();
    ranked.sort_by(|a, b| by_estimate(a.1.win_rate.estimate, b.1.win_rate.estimate));
    let (top, v) = *ranked.first()?;
    let baseline_label = summary.baseline.as_deref().unwrap_or("the baseline");
    let baseline = summary.contenders.iter().find(|c| c.label == baseline_label);
    let (t, base) = (name(&top.label), name(baseline_label));
    let rate = format!("{} (W/T/L\u{a0}{})", with_interval(v.win_rate), wtl(&v));
    let pairs = v.wins + v.ties + v.losses;
    if v.win_rate.estimate > 0.5 {
        let verdict = if v.win_rate.low > 0.5 {
            "better than the baseline beyond its interval".to_string()
        } else {
            format!("its interval includes 50%: {pairs} pairs do not show it better than the baseline")
        };
        return Some((format!("best against the baseline {base}: {t}, win rate {rate}; {verdict}."), top));
    }
    let verdict = if v.win_rate.high >= 0.5 {
        format!("its interval includes 50%: {pairs} pairs do not show a difference")
    } else {
        "below 50% beyond its interval".to_string()
    };
    let text = format!("no contender beat the baseline {base}: the best, {t}, has a win rate of {rate}; {verdict}.");
    Some((text, baseline.unwrap_or(top)))
}

/// How far apart the mean answer lengths are, when pairs were graded and the gap is wide.
fn lengths(summary: &Summary, name: &dyn Fn(&str) -> String) -> Option<String> {
    summary.contenders.iter().find(|c| c.versus.is_some())?;
    let mut known: Vec<_> = summary.contenders.iter().filter_map(|c| Some((c, c.mean_answer_chars?))).collect();
    known.sort_by(|a, b| by_estimate(b.1, a.1));
    let (&(short, low), &(long, high)) = (known.first()?, known.last()?);
    (low > 0.0 && high / low >= LENGTH_GAP).then(|| {
        format!(
            "mean answer length runs from {} ({}) to {} characters ({}): graders tend to favour longer answers.",
            super::chars(Some(low)),
            name(&short.label),
            super::chars(Some(high)),
            name(&long.label)
        )
    })
}

/// `demo: 6.8× the cost of the cheapest, mock:alpha ($0.0003 an item); 3.0× the p50
/// latency of the fastest, mock:alpha (p50 2.1s).`
fn cost_and_time(summary: &Summary, best: &ContenderScore, name: &dyn Fn(&str) -> String) -> Option<String> {
    let usd = |v: f64| format!("{} an item", format_usd(v));
    let cost = Measure { ratio_of: "the cost of the cheapest", itself: "the cheapest", show: &usd };
    let cost = match (lowest(summary, cost_per_item), cost_per_item(best)) {
        (Some(cheapest), Some(own)) => compare(best, own, cheapest, &cost, name),
        (Some(_), None) => "no price".to_string(),
        (None, _) => "costs unknown (no prices)".to_string(),
    };
    let p50 = |v: f64| glued(&format!("p50 {}", format_ms(v as u64)));
    let time = Measure { ratio_of: "the p50 latency of the fastest", itself: "the fastest", show: &p50 };
    let fastest = lowest(summary, |c| c.latency.p50_ms.map(|ms| ms as f64));
    let time = match (fastest, best.latency.p50_ms) {
        (Some(fastest), Some(own)) => Some(compare(best, own as f64, fastest, &time, name)),
        _ => None,
    };
    let parts: Vec<String> = std::iter::once(cost).chain(time).collect();
    Some(format!("{}: {}.", name(&best.label), parts.join("; ")))
}

/// The contender with the lowest `figure`, and the figure.
fn lowest(summary: &Summary, figure: impl Fn(&ContenderScore) -> Option<f64>) -> Option<(&ContenderScore, f64)> {
    summary
        .contenders
        .iter()
        .filter_map(|c| Some((c, figure(c)?)))
        .min_by(|a, b| a.1.partial_cmp(&b.1).unwrap_or(Ordering::Equal))
}

/// A figure compared with the lowest of all: how it is named and shown.
struct Measure<'a> {
    ratio_of: &'a str,
    itself: &'a str,
    show: &'a dyn Fn(f64) -> String,
}

/// `3.1× the cost of the cheapest, Y ($0.0003 an item)`, or `the cheapest ($0.0003 an
/// item)` when `best` is the lowest itself (or as low).
fn compare(
    best: &ContenderScore,
    own: f64,
    (lowest, low): (&ContenderScore, f64),
    m: &Measure,
    name: &dyn Fn(&str) -> String,
) -> String {
    if std::ptr::eq(best, lowest) || own <= low {
        return format!("{} ({})", m.itself, (m.show)(own));
    }
    if low <= 0.0 {
        return format!("{} against {} for {}", (m.show)(own), (m.show)(low), name(&lowest.label));
    }
    format!("{:.1}× {}, {} ({})", own / low, m.ratio_of, name(&lowest.label), (m.show)(low))
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;
    use crate::eval::{Accuracy, Interval};
    use crate::render::eval::fixtures;

    fn plain(label: &str) -> String {
        label.to_string()
    }

    fn accuracy(correct: u64, estimate: f64, low: f64, high: f64) -> Option<Accuracy> {
        Some(Accuracy { correct, scored: 20, interval: Interval { estimate, low, high } })
    }

    #[test]
    fn the_default_eval_in_words() {
        assert_eq!(
            sentences(&fixtures::pairwise(), &plain),
            [
                "no contender beat the baseline demo: the best, demo+judge=none, has a win rate of 48%\u{a0}[28–68] \
                 (W/T/L\u{a0}5/9/6); its interval includes 50%: 20 pairs do not show a difference.",
                "mean answer length runs from 980 (mock:alpha) to 1,413 characters (demo): graders tend to favour \
                 longer answers.",
                "demo: 6.8× the cost of the cheapest, mock:alpha ($0.0003 an item); 3.0× the p50 latency of the \
                 fastest, mock:alpha (p50\u{a0}2.1s).",
            ]
        );
    }

    #[test]
    fn a_lead_beyond_both_intervals_and_a_best_that_is_also_cheapest_and_fastest() {
        let mut summary = fixtures::pairwise();
        for c in &mut summary.contenders {
            c.versus = None;
            c.mean_answer_chars = None;
            c.accuracy = accuracy(10, 0.5, 0.3, 0.7);
        }
        summary.contenders[1].accuracy = accuracy(18, 0.9, 0.75, 0.97);
        assert_eq!(
            sentences(&summary, &plain),
            [
                "best accuracy: mock:alpha, 90%\u{a0}[75–97], ahead of demo (50%\u{a0}[30–70]) beyond both intervals.",
                "mock:alpha: the cheapest ($0.0003 an item); the fastest (p50\u{a0}2.1s).",
            ]
        );
        summary.contenders[1].accuracy = accuracy(10, 0.5, 0.3, 0.7);
        assert_eq!(sentences(&summary, &plain)[0], "all 4 contenders tie for the best accuracy, 50%.");
    }

    #[test]
    fn a_tie_names_every_contender_at_the_top_and_none_below() {
        let mut summary = fixtures::pairwise();
        for c in &mut summary.contenders {
            c.versus = None;
            c.accuracy = accuracy(10, 0.5, 0.3, 0.7);
        }
        summary.contenders[2].accuracy = accuracy(8, 0.4, 0.22, 0.61);
        assert_eq!(
            sentences(&summary, &plain)[0],
            "demo, mock:alpha and demo+judge=none tie for the best accuracy, 50%."
        );
        summary.contenders[3].accuracy = accuracy(8, 0.4, 0.22, 0.61);
        assert_eq!(sentences(&summary, &plain)[0], "demo and mock:alpha tie for the best accuracy, 50%.");
    }

    #[test]
    fn a_win_beyond_the_interval_and_a_free_cheapest_one() {
        let mut summary = fixtures::pairwise();
        if let Some(v) = summary.contenders[3].versus.as_mut() {
            v.win_rate = Interval { estimate: 0.8, low: 0.6, high: 0.92 };
        }
        summary.contenders[1].spend.cost_usd = Some(0.0);
        let said = sentences(&summary, &plain);
        assert_eq!(
            said[0],
            "best against the baseline demo: demo+judge=none, win rate 80%\u{a0}[60–92] (W/T/L\u{a0}5/9/6); better than \
             the baseline beyond its interval."
        );
        assert_eq!(
            said[2],
            "demo+judge=none: $0.0016 an item against $0 an item for mock:alpha; 2.4× the p50 latency of the \
             fastest, mock:alpha (p50\u{a0}2.1s)."
        );
    }
}
