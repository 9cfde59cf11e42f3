//! The council's rankings (`--judge council`) as `run` ends with them and `show` prints
//! them: the Borda aggregate in one line, the pairs the rankers split on, and (for
//! `show`) each ranker's own ranking or why it was left out; and, for a run with no
//! judge by design (`--judge none`), the line that says so in their place.
//!
//! Reads the report as JSON by key, so a report without a council shows nothing. Knows
//! nothing about terminals: the caller wraps the lines.

use serde_json::Value;

use super::by_key::{items, text};

/// The line a run with no judge by design shows where a judge's or a council's would be.
pub fn no_judge(report: &Value) -> Option<&'static str> {
    (report.get("no_judge") == Some(&Value::Bool(true)))
        .then_some("judge: none, by design (--judge none): the synth weighed the answers itself")
}

/// `council: A mock:beta 3 pts (2 rankings) > C mock:alpha 1 pt (2) > ...`; none when the
/// report has no council or no ranking survived.
pub fn aggregate(report: &Value) -> Option<String> {
    let standings: Vec<String> = items(report.pointer("/council/aggregate"))
        .map(|s| {
            let points = s.get("points").and_then(Value::as_u64).unwrap_or(0);
            let ballots = s.get("ballots").and_then(Value::as_u64).unwrap_or(0);
            format!(
                "{} {} {points} pt{} ({ballots})",
                text(s, "label").unwrap_or_default(),
                text(s, "model").unwrap_or_default(),
                if points == 1 { "" } else { "s" }
            )
        })
        .collect();
    (!standings.is_empty()).then(|| format!("council (Borda points, rankings): {}", standings.join(" > ")))
}

/// `rankers split on: A over C (1 to 1), ...`; none when they agreed on every pair.
pub fn disagreements(report: &Value) -> Option<String> {
    let splits: Vec<String> = items(report.pointer("/council/disagreements"))
        .map(|d| {
            format!(
                "{} over {} ({} to {})",
                text(d, "higher").unwrap_or_default(),
                text(d, "lower").unwrap_or_default(),
                d.get("agree").and_then(Value::as_u64).unwrap_or(0),
                d.get("dissent").and_then(Value::as_u64).unwrap_or(0)
            )
        })
        .collect();
    (!splits.is_empty()).then(|| format!("rankers split on: {}", splits.join(", ")))
}

/// Each ranker: `mock:alpha (answer C, not shown to it) ranked B > A`, or why its ranking
/// was left out.
pub fn rankers(report: &Value) -> Vec<String> {
    items(report.pointer("/council/rankers"))
        .map(|r| {
            let model = super::sanitize::name(r.pointer("/call/model").and_then(Value::as_str).unwrap_or("-"));
            let own = text(r, "label").unwrap_or_default();
            let ranking: Vec<&str> = items(r.get("ranking")).filter_map(Value::as_str).collect();
            if ranking.is_empty() {
                let error = text(r, "error").unwrap_or_else(|| "no ranking".into());
                format!("{model} (answer {own}) left out: {error}")
            } else {
                format!("{model} (answer {own}, not shown to it) ranked {}", ranking.join(" > "))
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;
    use serde_json::json;

    use super::*;

    fn report() -> Value {
        json!({"council": {
            "rankers": [
                {"member": 0, "label": "B", "call": {"model": "mock:alpha"}, "ranking": ["A", "C"], "error": null},
                {"member": 1, "label": "A", "call": {"model": "mock:beta"}, "ranking": null, "error": "the reply was empty"},
                {"member": 2, "label": "C", "call": {"model": "mock:gamma"}, "ranking": ["B", "A"], "error": null}
            ],
            "aggregate": [
                {"label": "A", "model": "mock:beta", "member": 1, "points": 1, "ballots": 2},
                {"label": "B", "model": "mock:alpha", "member": 0, "points": 1, "ballots": 1},
                {"label": "C", "model": "mock:gamma", "member": 2, "points": 0, "ballots": 1}
            ],
            "disagreements": [{"higher": "A", "lower": "B", "agree": 1, "dissent": 1}]
        }})
    }

    #[test]
    fn the_council_reads_as_an_aggregate_its_splits_and_each_ranker() {
        let r = report();
        assert_eq!(
            aggregate(&r).as_deref(),
            Some(
                "council (Borda points, rankings): A mock:beta 1 pt (2) > B mock:alpha 1 pt (1) > C mock:gamma 0 pts (1)"
            )
        );
        assert_eq!(disagreements(&r).as_deref(), Some("rankers split on: A over B (1 to 1)"));
        assert_eq!(
            rankers(&r),
            [
                "mock:alpha (answer B, not shown to it) ranked A > C",
                "mock:beta (answer A) left out: the reply was empty",
                "mock:gamma (answer C, not shown to it) ranked B > A",
            ]
        );
    }

    #[test]
    fn a_report_without_a_council_shows_nothing() {
        let r = json!({"panel": []});
        assert_eq!((aggregate(&r), disagreements(&r), rankers(&r)), (None, None, Vec::<String>::new()));
    }
}
