//! The demo judge's structured reply: each framed answer graded by the number it gives
//! (right with a check, right and bare, a slip), ranked, and the judge's lists saying
//! who agrees, who is right and why, filled into the keys the requested schema has.
//!
//! Knows no pipeline type: the schema's keys and the frames' text are all it reads.

use serde_json::{Value, json};

use super::{claim, framed_answers, question};

/// One answer as the demo judge sees it.
struct Graded {
    label: String,
    score: u8,
    reason: String,
    /// The number it gives.
    said: String,
}

/// A structured reply: `base` (a value that already satisfies the schema) with the
/// judge's keys the schema has filled in from the answers framed in the first message.
pub fn verdict(schema: &Value, messages: &[&str], mut base: Value) -> Value {
    let first = messages.first().copied().unwrap_or_default();
    let answers = framed_answers(first);
    let sum = question(first);
    let graded: Vec<Graded> = answers
        .iter()
        .map(|(label, text)| {
            let Some(sum) = sum else {
                return Graded {
                    label: label.clone(),
                    score: 5,
                    reason: "A scripted demo answer: no real model read the question.".into(),
                    said: String::new(),
                };
            };
            let right = sum.right();
            match claim(text, sum) {
                Some(((said, _), true)) if text.contains("Check") => Graded {
                    label: label.clone(),
                    score: 9,
                    reason: format!("Right: {} = {right}, and it checks the result.", sum.shown()),
                    said,
                },
                Some(((said, _), true)) => Graded {
                    label: label.clone(),
                    score: 8,
                    reason: format!("Right ({right}), but shows no working."),
                    said,
                },
                Some(((said, number), false)) => {
                    let why = if number == Some(sum.slip()) { sum.slip_cause() } else { "not the result".into() };
                    Graded {
                        label: label.clone(),
                        score: 2,
                        reason: format!("Wrong: {} = {right}; {said} is a slip ({why}).", sum.shown()),
                        said,
                    }
                }
                None => Graded { label: label.clone(), score: 1, reason: "Gives no number.".into(), said: "-".into() },
            }
        })
        .collect();
    let mut ranking: Vec<&Graded> = graded.iter().collect();
    ranking.sort_by(|x, y| y.score.cmp(&x.score).then(x.label.cmp(&y.label)));
    let labels = |keep: &dyn Fn(&Graded) -> bool| {
        let picked: Vec<&str> = graded.iter().filter(|g| keep(g)).map(|g| g.label.as_str()).collect();
        match picked.as_slice() {
            [] => String::new(),
            [one] => one.to_string(),
            [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
        }
    };
    let lists = match sum {
        None => json!({
            "consensus": ["Every answer says the demo's mock models only do simple arithmetic."],
            "contradictions": [],
            "partial_coverage": [],
            "unique_insights": [],
            "blind_spots": ["The question itself: this is a demo, and no real model read it."],
        }),
        Some(sum) => {
            let right = labels(&|g| g.score >= 8);
            let wrong: Vec<&Graded> = graded.iter().filter(|g| g.score < 8).collect();
            let many = graded.iter().filter(|g| g.score >= 8).count() > 1;
            let consensus: Vec<String> =
                if many { vec![format!("{right} agree that {} = {}.", sum.shown(), sum.right())] } else { Vec::new() };
            let contradictions: Vec<String> = wrong
                .iter()
                .filter(|_| !right.is_empty())
                .map(|g| {
                    let (verb, be) = if many { ("say", "are") } else { ("says", "is") };
                    let why = if g.said == sum.slip().to_string() {
                        sum.slip_cause()
                    } else {
                        format!("{} is not the result", g.said)
                    };
                    format!(
                        "{} says {}, {right} {verb} {}: {right} {be} right, since {} = {} ({}).",
                        g.label,
                        g.said,
                        sum.right(),
                        sum.shown(),
                        sum.right(),
                        why
                    )
                })
                .collect();
            let insights: Vec<String> = graded
                .iter()
                .filter(|g| g.score == 9)
                .map(|g| format!("{}: checks the result by working back ({}).", g.label, sum.check()))
                .collect();
            let partial: Vec<String> = graded
                .iter()
                .filter(|g| g.score == 8)
                .map(|g| format!("{} gives the number alone.", g.label))
                .collect();
            json!({
                "consensus": consensus,
                "contradictions": contradictions,
                "partial_coverage": partial,
                "unique_insights": insights,
                "blind_spots": ["No answer says this is a demo: they come from mock models scripted to disagree."],
            })
        }
    };
    let Some(out) = base.as_object_mut() else { return base };
    let properties = schema.get("properties").and_then(Value::as_object);
    let has = |key: &str| properties.is_some_and(|p| p.contains_key(key));
    if has("scores") {
        let scores: serde_json::Map<String, Value> =
            graded.iter().map(|g| (g.label.clone(), json!({"score": g.score, "reason": g.reason}))).collect();
        out.insert("scores".into(), Value::Object(scores));
    }
    if has("ranking") {
        out.insert("ranking".into(), json!(ranking.iter().map(|g| g.label.as_str()).collect::<Vec<_>>()));
    }
    if let Some(lists) = lists.as_object() {
        for (key, value) in lists {
            if has(key) {
                out.insert(key.clone(), value.clone());
            }
        }
    }
    base
}
