//! Summaries the eval renderers are tested on: the shapes a user meets (pairwise only,
//! references and pairs mixed, a partial eval with no prices and notes).

use crate::eval::{Accuracy, ContenderScore, Interval, Latency, Spend, Summary, Versus};

pub const DEMO_SHAPE: &str = "preset demo: 3 members, judge mock:judge, synth mock:synth";

fn interval(estimate: f64, low: f64, high: f64) -> Interval {
    Interval { estimate, low, high }
}

fn spend(input: u64, output: u64, cached: u64, cost: Option<f64>) -> Spend {
    Spend {
        input_tokens: input,
        output_tokens: output,
        cached_input_tokens: cached,
        cost_usd: cost,
        cost_estimated: false,
    }
}

fn latency(p50: u64, p95: u64) -> Latency {
    Latency { p50_ms: Some(p50), p95_ms: Some(p95) }
}

fn versus(wins: u64, ties: u64, losses: u64, ungraded: u64, win_rate: Interval) -> Option<Versus> {
    Some(Versus { wins, ties, losses, ungraded, win_rate })
}

fn contender(label: &str, shape: &str, answered: u64, spend: Spend, latency: Latency) -> ContenderScore {
    ContenderScore {
        label: label.into(),
        shape: shape.into(),
        answered,
        failed: 0,
        accuracy: None,
        versus: None,
        mean_answer_chars: None,
        spend,
        latency,
    }
}

/// The default eval: the preset `demo` as the baseline, two of its members alone and the
/// preset without its judge, graded in pairs on 20 items.
pub fn pairwise() -> Summary {
    let demo = ContenderScore {
        mean_answer_chars: Some(1412.5),
        ..contender("demo", DEMO_SHAPE, 20, spend(48_210, 21_904, 30_120, Some(0.0412)), latency(6_240, 9_810))
    };
    let alpha = ContenderScore {
        versus: versus(4, 6, 10, 0, interval(0.35, 0.181, 0.567)),
        mean_answer_chars: Some(980.0),
        ..contender(
            "mock:alpha",
            "model mock:alpha",
            20,
            spend(9_800, 6_100, 4_000, Some(0.0061)),
            latency(2_110, 3_400),
        )
    };
    let beta = ContenderScore {
        failed: 1,
        versus: versus(2, 5, 12, 1, interval(0.2368, 0.101, 0.461)),
        mean_answer_chars: Some(1230.4),
        ..contender("mock:beta", "model mock:beta", 19, spend(9_950, 7_020, 0, Some(0.0109)), latency(2_950, 5_120))
    };
    let no_judge = ContenderScore {
        versus: versus(5, 9, 6, 0, interval(0.475, 0.279, 0.68)),
        mean_answer_chars: Some(1388.0),
        ..contender(
            "demo+judge=none",
            "preset demo without a judge: 3 members, synth mock:synth",
            20,
            spend(39_300, 19_800, 24_900, Some(0.0324)),
            latency(4_980, 7_710),
        )
    };
    Summary {
        eval_id: "20261208-003000-ab12cd34".into(),
        set: "sample".into(),
        items: 20,
        baseline: Some("demo".into()),
        grader: Some("mock:judge".into()),
        contenders: vec![demo, alpha, beta, no_judge],
        grading: spend(62_000, 3_100, 0, Some(0.015)),
        notes: Vec::new(),
        complete: true,
    }
}

/// 15 items, 8 with a reference (accuracy) and 7 without (graded against the baseline).
pub fn mixed() -> Summary {
    let mut summary = pairwise();
    summary.set = "evals/support.jsonl".into();
    summary.items = 15;
    summary.contenders.truncate(3);
    let scores = [
        (6, interval(0.75, 0.409, 0.929), None),
        (3, interval(0.375, 0.137, 0.694), versus(1, 2, 4, 0, interval(0.2857, 0.082, 0.641))),
        (4, interval(0.5, 0.215, 0.785), versus(5, 1, 1, 0, interval(0.7857, 0.42, 0.949))),
    ];
    for (c, (correct, interval, versus)) in summary.contenders.iter_mut().zip(scores) {
        c.accuracy = Some(Accuracy { correct, scored: 8, interval });
        c.versus = versus;
        c.answered = 15 - c.failed;
    }
    summary
}

/// Stopped after 7 of 20 items, on models without prices, graded by a contender.
pub fn partial() -> Summary {
    let mut summary = pairwise();
    summary.eval_id = "20261208-004500-ef56ab78".into();
    summary.grader = Some("mock:alpha".into());
    summary.complete = false;
    for c in &mut summary.contenders {
        c.answered = 7 - c.failed;
        c.spend.cost_usd = None;
    }
    summary.contenders[1].versus = versus(2, 3, 2, 0, interval(0.5, 0.202, 0.798));
    summary.contenders[2].versus = versus(1, 2, 3, 1, interval(0.3333, 0.097, 0.7));
    summary.contenders[3].versus = versus(1, 3, 3, 0, interval(0.3571, 0.118, 0.697));
    summary.grading.cost_usd = None;
    summary.notes = vec![
        "the grader mock:alpha is also a contender: it may favour its own answers".into(),
        "interrupted after 7 of 20 items".into(),
    ];
    summary
}
