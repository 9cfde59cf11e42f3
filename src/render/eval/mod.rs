//! What `frontier eval` found, shown three ways from one [`Summary`]: the terminal table
//! with the cost-against-quality picture in words under it (`table`), a Markdown report
//! (`markdown`) and an SVG chart of quality against cost per item (`chart`). `findings`
//! says in sentences what the chart shows; each of the three reads it or the figures here.
//!
//! Every function is pure: a summary (and a width) in, text out. Knows nothing about how
//! the numbers were gathered, or where the text is written.

pub mod chart;
mod findings;
mod labels;
pub mod markdown;
pub mod table;

use crate::eval::{Accuracy, ContenderScore, Interval, Spend, Summary, Versus};
use crate::pipeline::cost::format_usd;

use super::cache::{grouped, percent};
use super::scores::format_ms;

/// What a contender's cost is compared by: the mean per answered item, so contenders
/// with a failure or two stay comparable.
fn cost_per_item(c: &ContenderScore) -> Option<f64> {
    let usd = c.spend.cost_usd?;
    (c.answered > 0).then(|| usd / c.answered as f64)
}

/// Whether any contender had a price: when none had, cost is not the x axis.
fn any_priced(summary: &Summary) -> bool {
    summary.contenders.iter().any(|c| cost_per_item(c).is_some())
}

/// `83%`: a proportion in whole percent.
fn pct(x: f64) -> String {
    format!("{:.0}%", x * 100.0)
}

/// `83% [64–93]`: an estimate and its 95% interval, in percent.
fn with_interval(i: Interval) -> String {
    format!("{} [{:.0}–{:.0}]", pct(i.estimate), i.low * 100.0, i.high * 100.0)
}

fn accuracy_cell(a: &Accuracy) -> String {
    with_interval(a.interval)
}

/// `5/3/2`: wins, ties and losses against the baseline.
fn wtl(v: &Versus) -> String {
    format!("{}/{}/{}", v.wins, v.ties, v.losses)
}

/// `$0.041`, `~$0.041` when it is a lower bound (some usage estimated, some call
/// unpriced), `-` without a price.
fn usd(usd: Option<f64>, estimated: bool) -> String {
    match usd {
        Some(v) if estimated => format!("~{}", format_usd(v)),
        Some(v) => format_usd(v),
        None => "-".into(),
    }
}

fn total_cost(spend: &Spend) -> String {
    usd(spend.cost_usd, spend.cost_estimated)
}

fn item_cost(c: &ContenderScore) -> String {
    usd(cost_per_item(c), c.spend.cost_estimated)
}

/// `12,345`: input and output tokens together.
fn tokens(spend: &Spend) -> String {
    grouped(i64::try_from(spend.input_tokens + spend.output_tokens).unwrap_or(i64::MAX))
}

/// `62%` of the input read from the providers' caches.
fn cached(spend: &Spend) -> String {
    let input = i64::try_from(spend.input_tokens).unwrap_or(i64::MAX);
    percent(input, i64::try_from(spend.cached_input_tokens).unwrap_or(i64::MAX))
}

fn ms(ms: Option<u64>) -> String {
    ms.map_or("-".into(), format_ms)
}

/// `1,412`: the mean answer length in characters.
fn chars(mean: Option<f64>) -> String {
    mean.map_or("-".into(), |m| grouped(m.round() as i64))
}

fn is_baseline(summary: &Summary, c: &ContenderScore) -> bool {
    summary.baseline.as_deref() == Some(c.label.as_str())
}

/// What a partial eval says of itself.
const PARTIAL: &str = "partial: not every item ran for every contender";

/// The command that finishes a partial eval.
fn resume_command(summary: &Summary) -> String {
    format!("frontier eval --resume {}", summary.eval_id)
}

#[cfg(test)]
pub(crate) mod fixtures;
