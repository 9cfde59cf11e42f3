//! The `RunReport`: everything a run did, as one value. It is what `--json` prints and
//! what history stores; the human renderer reads it too. Its JSON is a contract: fields
//! are only ever added, and history's old records must still read.
//!
//! Holds the types (each call's outcome in `member`, the council's and the rounds' in
//! `council`) and each call's report from its outcome (`calls`). The whole report is put
//! together in one place, `pipeline::assemble`, from what the stages returned (a refused
//! run's report too). Knows nothing about how a run is carried out, nor how a report is
//! shown or stored.

mod calls;
mod council;
mod member;

use serde::{Deserialize, Serialize};

pub(super) use calls::{call_report, member_report, partial_note, token_cap_note, truncation_note};
pub use council::{CouncilReport, Disagreement, RankerReport, RoundReport, Standing};
pub use member::{CallReport, MemberReport};

use super::failure::FailureReason;
use crate::provider::Usage;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunReport {
    pub run_id: String,
    pub status: Status,
    pub mode: RunMode,
    pub preset: Option<String>,
    pub prompt: String,
    /// Every context source considered: what was sent of each, or why it was skipped.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub context: Vec<crate::context::Source>,
    /// The last round's answers (the only round without `--rounds`): what the judge and
    /// the synth saw.
    pub panel: Vec<MemberReport>,
    /// The rounds before the last (`--rounds 2` or 3), first first; absent without them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rounds: Vec<RoundReport>,
    pub judge: Option<CallReport>,
    /// The panel's rankings of each other's answers (`--judge council`), instead of a
    /// judge's verdict; absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub council: Option<CouncilReport>,
    /// The run had no judge by design (`--judge none`): the synth weighed the answers
    /// itself. Absent otherwise (a judge that failed or was skipped is not this).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub no_judge: bool,
    pub synth: Option<CallReport>,
    pub analysis: Option<Analysis>,
    #[serde(rename = "final")]
    pub final_answer: Option<String>,
    pub final_source: Option<FinalSource>,
    pub failed_models: Vec<String>,
    pub failure_reason: Option<FailureReason>,
    /// What the run did differently from the plan, and why (skipped stages, fallbacks).
    pub notes: Vec<String>,
    pub timings: Timings,
    pub totals: Totals,
    /// Seed of the judge's shuffle of the answers, for reproducing its label order.
    pub judge_seed: u64,
    /// The grace stragglers had (`--grace`, `grace_secs`), and the answers that started
    /// it; absent when the run waited for every member.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grace: Option<GraceReport>,
    /// The scope whose armed state the run used, or would have used; absent in older
    /// records.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// Which thread the run continues; absent for a run that continues none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thread: Option<ThreadLink>,
    /// What every member was asked, when it was more than the prompt: the context block
    /// and then the prompt, byte for byte. A follow-up sends it again as it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub question: Option<String>,
    /// The nonce of the run's frames, which the session's next turn keeps. Knowing it
    /// forges nothing: a text that holds it gets a new one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nonce: Option<String>,
}

/// A follow-up's place in its thread.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreadLink {
    /// The run that began the thread.
    pub root: String,
    /// The run this one continues.
    pub parent: String,
    /// Which turn of the thread this run is: 2 for the first follow-up.
    pub turn: u32,
}

/// How long the members still answering got once `quorum` answers had come.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct GraceReport {
    pub secs: f64,
    pub quorum: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Ok,
    Error,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunMode {
    Single,
    Fusion,
}

/// Where the final answer came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FinalSource {
    /// The synth wrote it.
    Synth,
    /// The only member of a single-mode run.
    Single,
    /// The synth failed or was skipped: the judge's top-ranked answer.
    JudgeTop,
    /// Neither judge nor synth helped: the longest answer.
    Longest,
    /// Only one member of a fusion answered: its answer, with no judge or synth call.
    SoleSurvivor,
    /// The synth failed or was skipped after a council: the council's top answer.
    CouncilTop,
}

/// The judge's verdict, in models: scores, ranking and the comparison of the answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Analysis {
    pub scores: Vec<Score>,
    /// Models, best first.
    pub ranking: Vec<String>,
    /// Flattened: its five lists are `Analysis`'s last five keys, as they always were.
    #[serde(flatten)]
    pub comparison: Comparison,
}

/// What the judge found comparing the answers, the same in its verdict and the report.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    /// Points the answers agree on.
    pub consensus: Vec<String>,
    /// Points where they disagree, and which side is right.
    pub contradictions: Vec<String>,
    /// Parts of the question only some answers cover.
    pub partial_coverage: Vec<String>,
    /// Valuable points made by one answer only.
    pub unique_insights: Vec<String>,
    /// What every answer missed.
    pub blind_spots: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Score {
    pub label: String,
    pub model: String,
    /// Index of the member in `panel`.
    pub member: usize,
    pub score: f64,
    pub reason: String,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timings {
    pub panel_ms: u64,
    pub judge_ms: Option<u64>,
    pub synth_ms: Option<u64>,
}

/// What the whole run consumed. Its JSON is flat: the tokens are `Usage`'s keys, first,
/// in `Usage`'s order (cached and written tokens absent when zero), as they always were.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Totals {
    /// Every call's tokens, summed.
    #[serde(flatten)]
    pub usage: Usage,
    pub wall_ms: u64,
    /// USD over every call with a known price; `None` when no call had one.
    pub cost_usd: Option<f64>,
    /// Some usage was estimated, or some call had no price: `cost_usd` is a lower bound.
    pub cost_estimated: bool,
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;
    use crate::provider::{ErrorKind, Usage};

    fn call(model: &str, ok: bool, truncated: bool) -> CallReport {
        CallReport {
            model: model.into(),
            route: format!("mock:{model}"),
            ok,
            error: (!ok).then(|| "timed out after 5s".into()),
            error_kind: (!ok).then_some(ErrorKind::Timeout),
            latency_ms: 12,
            usage: ok.then_some(Usage::new(25, 18)),
            usage_estimated: truncated,
            token_capped: false,
            cost_usd: ok.then_some(0.5),
            truncated,
            params: None,
        }
    }

    /// One of every shape a report holds: a cut member, a failed one, judge, synth, analysis.
    fn report() -> RunReport {
        RunReport {
            run_id: "20260101-000000-0000abcd".into(),
            status: Status::Ok,
            mode: RunMode::Fusion,
            preset: Some("demo".into()),
            prompt: "Why?".into(),
            context: vec![
                crate::context::Source {
                    kind: crate::context::SourceKind::File,
                    path: Some("src/pool.rs".into()),
                    bytes: 812,
                    truncated: true,
                    skipped: None,
                },
                crate::context::Source {
                    kind: crate::context::SourceKind::File,
                    path: Some(".env".into()),
                    bytes: 0,
                    truncated: false,
                    skipped: Some("secret".into()),
                },
            ],
            panel: vec![
                MemberReport {
                    call: call("a", true, true),
                    label: Some("A".into()),
                    content: Some("cut".into()),
                    cut: false,
                    partial: None,
                },
                MemberReport { call: call("b", false, false), label: None, content: None, cut: false, partial: None },
            ],
            rounds: Vec::new(),
            judge: Some(call("j", true, false)),
            council: None,
            no_judge: false,
            synth: Some(call("s", true, false)),
            analysis: Some(Analysis {
                scores: vec![Score {
                    label: "A".into(),
                    model: "a".into(),
                    member: 0,
                    score: 7.0,
                    reason: "ok".into(),
                }],
                ranking: vec!["a".into()],
                comparison: Comparison {
                    consensus: vec!["c".into()],
                    contradictions: vec![],
                    partial_coverage: vec!["p".into()],
                    unique_insights: vec![],
                    blind_spots: vec!["b".into()],
                },
            }),
            final_answer: Some("fused".into()),
            final_source: Some(FinalSource::Synth),
            failed_models: vec!["b".into()],
            failure_reason: None,
            notes: vec!["a's answer was cut".into()],
            timings: Timings { panel_ms: 1, judge_ms: Some(2), synth_ms: None },
            totals: Totals { usage: Usage::new(75, 54), wall_ms: 3, cost_usd: Some(1.5), cost_estimated: true },
            judge_seed: 7,
            grace: None,
            scope: None,
            thread: None,
            question: None,
            nonce: None,
        }
    }

    /// The JSON as the flat `MemberReport` and the inline comparison lists wrote it
    /// before they became `call` and `comparison`: history stores it, `show --json`
    /// reprints it, scripts read it by key.
    const JSON: &str = r#"{"run_id":"20260101-000000-0000abcd","status":"ok","mode":"fusion","preset":"demo","prompt":"Why?","context":[{"kind":"file","path":"src/pool.rs","bytes":812,"truncated":true},{"kind":"file","path":".env","bytes":0,"skipped":"secret"}],"panel":[{"model":"a","route":"mock:a","label":"A","ok":true,"content":"cut","error":null,"error_kind":null,"latency_ms":12,"usage":{"input_tokens":25,"output_tokens":18},"usage_estimated":true,"cost_usd":0.5,"truncated":true},{"model":"b","route":"mock:b","label":null,"ok":false,"content":null,"error":"timed out after 5s","error_kind":"timeout","latency_ms":12,"usage":null,"usage_estimated":false,"cost_usd":null}],"judge":{"model":"j","route":"mock:j","ok":true,"error":null,"error_kind":null,"latency_ms":12,"usage":{"input_tokens":25,"output_tokens":18},"usage_estimated":false,"cost_usd":0.5},"synth":{"model":"s","route":"mock:s","ok":true,"error":null,"error_kind":null,"latency_ms":12,"usage":{"input_tokens":25,"output_tokens":18},"usage_estimated":false,"cost_usd":0.5},"analysis":{"scores":[{"label":"A","model":"a","member":0,"score":7.0,"reason":"ok"}],"ranking":["a"],"consensus":["c"],"contradictions":[],"partial_coverage":["p"],"unique_insights":[],"blind_spots":["b"]},"final":"fused","final_source":"synth","failed_models":["b"],"failure_reason":null,"notes":["a's answer was cut"],"timings":{"panel_ms":1,"judge_ms":2,"synth_ms":null},"totals":{"input_tokens":75,"output_tokens":54,"wall_ms":3,"cost_usd":1.5,"cost_estimated":true},"judge_seed":7}"#;

    #[test]
    fn the_json_keeps_every_key_in_its_place() {
        assert_eq!(serde_json::to_string(&report()).ok().as_deref(), Some(JSON));
    }

    /// Totals' keys as they were written when `Totals` listed the token counts itself.
    #[test]
    fn totals_with_cached_tokens_keep_every_key_in_its_place_and_read_back() {
        let cached = Usage { input_tokens: 75, output_tokens: 54, cached_input_tokens: 40, cache_write_tokens: 9 };
        let totals = Totals { usage: cached, wall_ms: 3, cost_usd: None, cost_estimated: false };
        let json = r#"{"input_tokens":75,"output_tokens":54,"cached_input_tokens":40,"cache_write_tokens":9,"wall_ms":3,"cost_usd":null,"cost_estimated":false}"#;
        assert_eq!(serde_json::to_string(&totals).ok().as_deref(), Some(json));
        assert_eq!(serde_json::from_str::<Totals>(json).ok(), Some(totals));
        let only_written = Totals { usage: Usage { cache_write_tokens: 9, ..Usage::new(75, 54) }, ..totals };
        assert_eq!(
            serde_json::to_string(&only_written).ok().as_deref(),
            Some(
                r#"{"input_tokens":75,"output_tokens":54,"cache_write_tokens":9,"wall_ms":3,"cost_usd":null,"cost_estimated":false}"#
            )
        );
        let old = r#"{"input_tokens":1,"output_tokens":2,"wall_ms":5,"cost_usd":0.1,"cost_estimated":true}"#;
        let read = Totals { usage: Usage::new(1, 2), wall_ms: 5, cost_usd: Some(0.1), cost_estimated: true };
        assert_eq!(serde_json::from_str::<Totals>(old).ok(), Some(read));
    }

    #[test]
    fn the_json_reads_back_and_so_do_records_from_before_truncated() {
        assert_eq!(serde_json::from_str::<RunReport>(JSON).ok(), Some(report()));
        // Records written before `truncated` existed have no such key: it reads as false.
        let old = JSON.replace(r#""cost_usd":0.5,"truncated":true"#, r#""cost_usd":0.5"#);
        let mut expected = report();
        expected.panel[0].call.truncated = false;
        assert_eq!(serde_json::from_str::<RunReport>(&old).ok(), Some(expected));
    }

    #[test]
    fn a_run_without_context_writes_no_context_key_and_old_records_read_back() {
        let mut bare = report();
        bare.context.clear();
        let json = serde_json::to_string(&bare).unwrap_or_default();
        assert!(!json.contains(r#""context""#), "{json}");
        assert_eq!(serde_json::from_str::<RunReport>(&json).ok(), Some(bare));
    }

    #[test]
    fn a_call_with_parameters_records_them_last_and_reads_back() {
        let mut with = report();
        let high = crate::provider::Params { reasoning: Some(crate::provider::Reasoning::High), ..Default::default() };
        with.panel[0].call.params = Some(high);
        if let Some(judge) = with.judge.as_mut() {
            judge.params = Some(high);
        }
        let json = serde_json::to_string(&with).unwrap_or_default();
        assert!(json.contains(r#""cost_usd":0.5,"truncated":true,"params":{"reasoning":"high"}}"#), "{json}");
        assert!(
            json.contains(r#""usage_estimated":false,"cost_usd":0.5,"params":{"reasoning":"high"}},"synth""#),
            "{json}"
        );
        assert_eq!(serde_json::from_str::<RunReport>(&json).ok(), Some(with));
    }
}
