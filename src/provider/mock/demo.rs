//! The mock's demo mode (`demo=ROLE`), which the `demo` preset plays: on a simple
//! arithmetic question (`What is 6*7?`) its members disagree (`worked` is right and
//! checks itself, `terse` is right and bare, `slip` makes a plausible mistake), its judge
//! checks each answer's number and says who is right and why, and its synth sides with
//! the right answers and says that the run was a demo of mock models. On any other
//! question every role says, in plain words, that the demo's mock models only do simple
//! arithmetic. All of it is a function of the request: the same question gets the same
//! run.
//!
//! Knows no pipeline type: it finds the question as the first `A op B` in the request's
//! first message, the panel's answers by their frames' text (`[[answer A NONCE]]` …
//! `[[end answer A NONCE]]`), and fills a structured reply through the schema's keys
//! (`scores`, `ranking` and the judge's five lists, where the schema has them).

use serde_json::{Value, json};

/// Who the mock plays in the demo.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DemoRole {
    /// A member that is right and checks its result.
    Worked,
    /// A member that is right and says only the number.
    Terse,
    /// A member that makes a plausible mistake.
    Slip,
    /// The judge (any role asked for structured output answers as the judge).
    Judge,
    /// The synth: the fused answer.
    Synth,
}

impl DemoRole {
    pub const NAMES: &'static str = "worked, terse, slip, judge, synth";

    pub fn parse(name: &str) -> Option<DemoRole> {
        Some(match name {
            "worked" => DemoRole::Worked,
            "terse" => DemoRole::Terse,
            "slip" => DemoRole::Slip,
            "judge" => DemoRole::Judge,
            "synth" => DemoRole::Synth,
            _ => return None,
        })
    }
}

/// Where a user goes from the demo to real models.
const REAL_USE: &str = "set up real models to ask anything else (README.md, \"Real use\")";

/// A question of the form `A op B` on whole numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Sum {
    a: i64,
    op: char,
    b: i64,
}

impl Sum {
    /// The first `A op B` in `text` (`*`, `x` and `×` multiply, `+` and `-` add and
    /// subtract), each number at most 9 digits.
    fn find(text: &str) -> Option<Sum> {
        let chars: Vec<char> = text.chars().collect();
        // A whole number at `at` (no digit or point before it): its value and its end.
        let number = |at: usize| -> Option<(i64, usize)> {
            if at > 0 && (chars[at - 1].is_ascii_digit() || chars[at - 1] == '.') {
                return None;
            }
            let end = (at..chars.len()).find(|i| !chars[*i].is_ascii_digit()).unwrap_or(chars.len());
            let decimal = chars.get(end) == Some(&'.') && chars.get(end + 1).is_some_and(char::is_ascii_digit);
            let digits: String = chars[at..end].iter().collect();
            (end > at && end - at <= 9 && !decimal).then(|| digits.parse().ok().map(|n| (n, end))).flatten()
        };
        let spaces = |mut at: usize| {
            while chars.get(at).is_some_and(|c| *c == ' ') {
                at += 1;
            }
            at
        };
        (0..chars.len()).find_map(|at| {
            let (a, end) = number(at)?;
            let op_at = spaces(end);
            let op = match chars.get(op_at)? {
                '*' | 'x' | '×' => '×',
                '-' | '−' => '−',
                '+' => '+',
                _ => return None,
            };
            let (b, _) = number(spaces(op_at + 1))?;
            Some(Sum { a, op, b })
        })
    }

    fn shown(&self) -> String {
        format!("{} {} {}", self.a, self.op, self.b)
    }

    fn right(&self) -> i64 {
        match self.op {
            '×' => self.a * self.b,
            '+' => self.a + self.b,
            _ => self.a - self.b,
        }
    }

    /// The plausible mistake: one group too many in a product, a carried ten too many
    /// (or a borrowed ten too few) in a sum.
    fn slip(&self) -> i64 {
        match self.op {
            '×' => self.a * (self.b + 1),
            '+' => self.right() + 10,
            _ => self.right() - 10,
        }
    }

    /// Why the slip is wrong, in a few words.
    fn slip_cause(&self) -> String {
        match self.op {
            '×' => format!("{} is {} × {}, one {} too many", self.slip(), self.a, self.b + 1, self.a),
            '+' => format!("{} carries a ten too many", self.slip()),
            _ => format!("{} borrows a ten too many", self.slip()),
        }
    }

    /// Working back from the result to the first number.
    fn check(&self) -> String {
        let r = self.right();
        match self.op {
            '×' if self.b != 0 => format!("{r} ÷ {} = {}", self.b, self.a),
            '×' => "anything times 0 is 0".to_string(),
            '+' => format!("{r} − {} = {}", self.b, self.a),
            _ => format!("{r} + {} = {}", self.b, self.a),
        }
    }
}

/// The question's sum: the first in `message` before any answer is shown (an answer may
/// quote a sum of its own).
fn question(message: &str) -> Option<Sum> {
    Sum::find(message.split("[[answer ").next().unwrap_or_default())
}

/// A member's answer, or the synth's, as prose.
pub fn prose(role: DemoRole, name: &str, messages: &[&str]) -> String {
    let first = messages.first().copied().unwrap_or_default();
    let Some(sum) = question(first) else {
        return match role {
            DemoRole::Judge | DemoRole::Synth => format!(
                "This is frontier's demo, played by mock models: no real model read your question. The demo's \
                 models only do simple arithmetic, such as \"What is 6*7?\"; {REAL_USE}."
            ),
            _ => format!("{name} is a mock model in frontier's demo: it only does simple arithmetic, such as 6*7."),
        };
    };
    let (expr, right) = (sum.shown(), sum.right());
    match role {
        DemoRole::Worked => format!("{expr} = {right}. Check: {}.", sum.check()),
        DemoRole::Terse => format!("{right}."),
        DemoRole::Slip => format!("{expr} = {}.", sum.slip()),
        DemoRole::Judge | DemoRole::Synth => {
            let answers = framed_answers(first);
            let wrong: Vec<(String, Option<i64>)> =
                answers.iter().filter_map(|(_, text)| claim(text, sum)).filter(|(_, ok)| !ok).map(|(n, _)| n).collect();
            let said_right = answers.len() - wrong.len();
            let mut text = format!(
                "{expr} = {right}. Check: {}.\n\nThis was frontier's demo, played by mock models: {said_right} of {} \
                 answers said {right}",
                sum.check(),
                answers.len()
            );
            for (shown, number) in wrong {
                let why = if number == Some(sum.slip()) { sum.slip_cause() } else { format!("{expr} is not {shown}") };
                text.push_str(&format!("; one said {shown}, a slip ({why})"));
            }
            text.push_str(&format!(
                ". The judge checked each answer's number, and this fused answer sides with the ones that are \
                 right. Now {REAL_USE}."
            ));
            text
        }
    }
}

/// The number an answer gives and whether it is right: right when it says the result
/// anywhere, else the last number it gives that is not one of the question's. None when
/// it gives no number.
fn claim(text: &str, sum: Sum) -> Option<((String, Option<i64>), bool)> {
    let numbers: Vec<&str> = text
        .split(|c: char| !c.is_ascii_digit() && c != '-')
        .map(|n| n.trim_start_matches('-'))
        .filter(|n| !n.is_empty())
        .collect();
    let right = sum.right().to_string();
    if numbers.contains(&right.as_str()) {
        return Some(((right, Some(sum.right())), true));
    }
    let (a, b) = (sum.a.to_string(), sum.b.to_string());
    let last = numbers.iter().rev().find(|n| **n != a && **n != b).or(numbers.last())?;
    Some(((last.to_string(), last.parse().ok()), false))
}

/// The answers framed in `text`, by label, in the order shown.
fn framed_answers(text: &str) -> Vec<(String, String)> {
    let mut answers = Vec::new();
    let mut rest = text;
    // A frame opens on a line of its own (the instruction above the frames names one mid-line).
    while let Some(at) = rest.find("\n[[answer ") {
        let after = &rest[at + "\n[[answer ".len()..];
        let Some(line_end) = after.find('\n') else { break };
        let head = after[..line_end].strip_suffix("]]").unwrap_or_default();
        rest = &after[line_end + 1..];
        let Some((label, nonce)) = head.split_once(' ') else { continue };
        let close = format!("[[end answer {label} {nonce}]]");
        let is_nonce = nonce.len() == 32 && nonce.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        let Some(end) = rest.find(&close).filter(|_| is_nonce) else { continue };
        answers.push((label.to_string(), rest[..end].trim().to_string()));
        rest = &rest[end + close.len()..];
    }
    answers
}

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

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    const N: &str = "0123456789abcdef0123456789abcdef";

    fn judged(answers: &[(&str, &str)]) -> String {
        let mut text = format!(
            "## Question\n\nWhat is 6*7?\n\n## Answers\n\nEach answer is between a line [[answer A {N}]] and a \
             line [[end answer A {N}]].\n\n"
        );
        for (label, answer) in answers {
            text.push_str(&format!("[[answer {label} {N}]]\n{answer}\n[[end answer {label} {N}]]\n\n"));
        }
        text
    }

    #[test]
    fn the_question_is_the_first_sum_in_the_text() {
        assert_eq!(Sum::find("What is 6*7?"), Some(Sum { a: 6, op: '×', b: 7 }));
        assert_eq!(Sum::find("and 12 + 30."), Some(Sum { a: 12, op: '+', b: 30 }));
        assert_eq!(Sum::find("1.5*2"), None);
        assert_eq!(Sum::find("Why is the sky blue?"), None);
    }

    #[test]
    fn members_disagree_and_the_synth_sides_with_the_right_ones() {
        let q = ["What is 6*7?"];
        assert_eq!(prose(DemoRole::Worked, "a", &q), "6 × 7 = 42. Check: 42 ÷ 7 = 6.");
        assert_eq!(prose(DemoRole::Terse, "b", &q), "42.");
        assert_eq!(prose(DemoRole::Slip, "c", &q), "6 × 7 = 48.");
        let asked = judged(&[("A", "6 × 7 = 48."), ("B", "42."), ("C", "6 × 7 = 42. Check: 42 ÷ 7 = 6.")]);
        assert_eq!(
            prose(DemoRole::Synth, "s", &[asked.as_str()]),
            "6 × 7 = 42. Check: 42 ÷ 7 = 6.\n\nThis was frontier's demo, played by mock models: 2 of 3 answers said \
             42; one said 48, a slip (48 is 6 × 8, one 6 too many). The judge checked each answer's number, and \
             this fused answer sides with the ones that are right. Now set up real models to ask anything else \
             (README.md, \"Real use\")."
        );
    }

    #[test]
    fn the_judge_says_who_is_right_and_why() {
        let asked = judged(&[("A", "6 × 7 = 48."), ("B", "42."), ("C", "6 × 7 = 42. Check: 42 ÷ 7 = 6.")]);
        let schema = json!({"properties": {"scores": {}, "ranking": {}, "contradictions": {}, "consensus": {}}});
        let value = verdict(&schema, &[asked.as_str()], json!({"consensus": ["x"]}));
        assert_eq!(
            value,
            json!({
                "scores": {
                    "A": {"score": 2, "reason": "Wrong: 6 × 7 = 42; 48 is a slip (48 is 6 × 8, one 6 too many)."},
                    "B": {"score": 8, "reason": "Right (42), but shows no working."},
                    "C": {"score": 9, "reason": "Right: 6 × 7 = 42, and it checks the result."},
                },
                "ranking": ["C", "B", "A"],
                "consensus": ["B and C agree that 6 × 7 = 42."],
                "contradictions": [
                    "A says 48, B and C say 42: B and C are right, since 6 × 7 = 42 (48 is 6 × 8, one 6 too many)."
                ],
            })
        );
    }

    #[test]
    fn another_question_is_told_the_demo_only_does_arithmetic() {
        let q = ["Why is the sky blue?"];
        assert_eq!(
            prose(DemoRole::Slip, "mock:beta", &q),
            "mock:beta is a mock model in frontier's demo: it only does simple arithmetic, such as 6*7."
        );
        assert!(prose(DemoRole::Synth, "s", &q).starts_with("This is frontier's demo, played by mock models"));
        // The members' words name a sum: the question is still the one before the answers.
        let asked = judged(&[("A", &prose(DemoRole::Slip, "mock:beta", &q))]).replace("What is 6*7?", q[0]);
        assert!(prose(DemoRole::Synth, "s", &[asked.as_str()]).starts_with("This is frontier's demo"));
        let value = verdict(&json!({"properties": {"consensus": {}}}), &[asked.as_str()], json!({}));
        assert_eq!(
            value,
            json!({"consensus": ["Every answer says the demo's mock models only do simple arithmetic."]})
        );
    }
}
