//! The judge's comparison of the answers, as `run` ends with it and `show` prints it:
//! consensus, contradictions (and which side is right), unique insights naming whose
//! they are, partial coverage and blind spots, each a short list.
//!
//! Reads the report as JSON by key (a run's own report, or one recorded by any version),
//! so a list the report lacks is simply not shown. Knows nothing about terminals: the
//! caller gives the width.

use serde_json::Value;

use super::wrap::wrap;

/// The comparison's lists, in the order they are shown, with their headings.
const SECTIONS: &[(&str, &str)] = &[
    ("consensus", "consensus"),
    ("contradictions", "contradictions (and which side is right)"),
    ("unique_insights", "unique insights"),
    ("partial_coverage", "partial coverage"),
    ("blind_spots", "blind spots"),
];

/// One heading and its items, with the model of a unique insight's label named.
pub struct Section {
    pub heading: &'static str,
    pub items: Vec<String>,
}

/// The non-empty lists of `report`'s analysis.
pub fn sections(report: &Value) -> Vec<Section> {
    let Some(analysis) = report.get("analysis").filter(|a| a.is_object()) else { return Vec::new() };
    let labels = labels(report);
    SECTIONS
        .iter()
        .filter_map(|(key, heading)| {
            let items: Vec<String> = analysis
                .get(*key)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|item| if *key == "unique_insights" { name_owner(item, &labels) } else { item.to_string() })
                .collect();
            (!items.is_empty()).then_some(Section { heading, items })
        })
        .collect()
}

/// `A = mock:one, B = mock:two`: which model each label the judge saw stands for.
pub fn legend(report: &Value) -> String {
    labels(report)
        .iter()
        .map(|(label, model)| format!("{label} = {}", super::sanitize::name(model)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The analysis as indented, wrapped lists under an `analysis` heading; empty when the
/// report has none.
pub fn text(report: &Value, width: Option<usize>) -> String {
    let sections = sections(report);
    if sections.is_empty() {
        return String::new();
    }
    let legend = legend(report);
    let mut out = if legend.is_empty() {
        "analysis:\n".to_string()
    } else {
        wrap(&format!("analysis ({legend}):"), width, "", "  ")
    };
    for section in sections {
        out.push_str(&format!("  {}:\n", section.heading));
        for item in &section.items {
            out.push_str(&wrap(item, width, "    - ", "      "));
        }
    }
    out
}

/// The judge's verdict in one item, as `run` ends with it on a screen: the first
/// contradiction (it says which side is right), else the top-ranked answer's reason with
/// its model named; none without an analysis.
pub fn verdict(report: &Value) -> Option<String> {
    let analysis = report.get("analysis").filter(|a| a.is_object())?;
    let first = |key: &str| {
        analysis.get(key)?.as_array()?.iter().filter_map(Value::as_str).map(str::trim).find(|s| !s.is_empty())
    };
    if let Some(contradiction) = first("contradictions") {
        return Some(format!("judge: {contradiction}"));
    }
    let top = first("ranking")?;
    let score =
        analysis.get("scores")?.as_array()?.iter().find(|s| s.get("model").and_then(Value::as_str) == Some(top))?;
    let reason = score.get("reason").and_then(Value::as_str).map(str::trim).filter(|r| !r.is_empty())?;
    Some(format!("judge on {}: {reason}", super::sanitize::name(top)))
}

/// `consensus 2`, `contradictions 1`, ...: how many items each non-empty list holds.
pub fn counts(report: &Value) -> Vec<String> {
    sections(report).iter().map(|s| format!("{} {}", short(s.heading), s.items.len())).collect()
}

/// A heading without its parenthesis.
fn short(heading: &str) -> &str {
    heading.split(" (").next().unwrap_or(heading)
}

/// The panel's labels and models, in label order.
fn labels(report: &Value) -> Vec<(String, String)> {
    let mut labels: Vec<(String, String)> = report
        .get("panel")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|m| Some((m.get("label")?.as_str()?.to_string(), m.get("model")?.as_str()?.to_string())))
        .collect();
    labels.sort();
    labels
}

/// `item` with the model named after the label it starts with (`B: ...` becomes
/// `B (mock:two): ...`); the judge is asked to name the label of a unique insight.
fn name_owner(item: &str, labels: &[(String, String)]) -> String {
    let body = item.trim_start_matches(['(', '[']);
    let body = body.strip_prefix("Answer ").unwrap_or(body);
    for (label, model) in labels {
        let Some(rest) = body.strip_prefix(label.as_str()) else { continue };
        // A label stands alone: `A:` or `(A)` is a label, `A key point` is a word.
        if rest.starts_with([':', ')', ']', ',', '-', '—', '\'', '’'])
            || rest.starts_with(" -")
            || rest.starts_with(" —")
        {
            let at = item.len() - rest.len();
            return format!("{} ({}){}", &item[..at], super::sanitize::name(model), &item[at..]);
        }
    }
    item.to_string()
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;
    use serde_json::json;

    use super::*;

    fn report() -> Value {
        json!({
            "panel": [{"model": "mock:one", "label": "B"}, {"model": "mock:two", "label": "A"}, {"model": "bad"}],
            "analysis": {
                "consensus": ["Both say the sky scatters blue light."],
                "contradictions": [],
                "unique_insights": ["A: mentions sunsets", "(B) gives a formula", "A key point nobody owns"],
                "blind_spots": ["  "],
            }
        })
    }

    #[test]
    fn lists_show_under_headings_naming_whose_insight_it_is() {
        assert_eq!(
            text(&report(), Some(40)),
            "analysis (A = mock:two, B = mock:one):\n  consensus:\n    - Both say the sky scatters blue\n      light.\n  \
             unique insights:\n    - A (mock:two): mentions sunsets\n    - (B (mock:one)) gives a formula\n    - A key \
             point nobody owns\n"
        );
    }

    #[test]
    fn the_verdict_is_the_first_contradiction_else_the_top_reason() {
        let mut r = report();
        r["analysis"]["ranking"] = json!(["mock:two", "mock:one"]);
        r["analysis"]["scores"] = json!([{"model": "mock:two", "reason": "clear"}]);
        assert_eq!(verdict(&r).as_deref(), Some("judge on mock:two: clear"));
        r["analysis"]["contradictions"] = json!(["A says 48, B says 42: B is right"]);
        assert_eq!(verdict(&r).as_deref(), Some("judge: A says 48, B says 42: B is right"));
        assert_eq!(counts(&r), ["consensus 1", "contradictions 1", "unique insights 3"]);
        assert_eq!((verdict(&json!({})), counts(&json!({}))), (None, Vec::new()));
    }

    #[test]
    fn no_analysis_prints_nothing() {
        assert_eq!(text(&json!({"panel": [], "analysis": null}), None), "");
        assert_eq!(text(&json!({"analysis": {"consensus": []}}), None), "");
    }
}
