//! Per-model statistics over recorded calls: how many runs and calls a model took part
//! in, how many succeeded, its p50/p95 latency over successful calls (nearest rank), and
//! its total cost, and how much of its input the providers served from their caches;
//! over all its calls and per role (panel member, judge, synth), since a model's latency
//! as a judge says nothing about it as a member.

use std::collections::BTreeMap;

use serde::Serialize;

/// One recorded model call, as the statistics need it.
#[derive(Debug, Clone, PartialEq)]
pub struct CallSample {
    pub model: String,
    pub run_id: String,
    pub ok: bool,
    pub latency_ms: i64,
    pub cost_usd: Option<f64>,
    /// `panel`, `judge` or `synth`.
    pub role: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelStats {
    /// Runs the model took part in (as panel member, judge or synth).
    pub runs: usize,
    /// Its calls: a model twice in a panel, or also judging, makes more calls than runs.
    pub calls: usize,
    /// Calls that answered.
    pub ok: usize,
    /// `ok / calls`, from 0 to 1.
    pub success_rate: f64,
    /// Median latency of the successful calls; `None` when none succeeded.
    pub p50_ms: Option<i64>,
    pub p95_ms: Option<i64>,
    /// USD over the calls with a known price; `None` when none had one.
    pub cost_usd: Option<f64>,
    /// The input tokens its calls sent, and the part the providers served from their
    /// caches (`add_cache` fills them from the reports).
    pub input_tokens: i64,
    pub cached_input_tokens: i64,
    /// The same statistics for each role the model took (`panel`, `judge`, `synth`).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub roles: BTreeMap<String, ModelStats>,
}

/// Statistics per model, by model name.
pub fn per_model(samples: &[CallSample]) -> BTreeMap<String, ModelStats> {
    let mut by_model: BTreeMap<&str, Vec<&CallSample>> = BTreeMap::new();
    for sample in samples {
        by_model.entry(&sample.model).or_default().push(sample);
    }
    by_model
        .into_iter()
        .map(|(model, calls)| {
            let mut by_role: BTreeMap<&str, Vec<&CallSample>> = BTreeMap::new();
            for call in &calls {
                by_role.entry(&call.role).or_default().push(call);
            }
            let roles = by_role.into_iter().map(|(role, calls)| (role.to_string(), stats(&calls))).collect();
            (model.to_string(), ModelStats { roles, ..stats(&calls) })
        })
        .collect()
}

fn stats(calls: &[&CallSample]) -> ModelStats {
    let mut runs: Vec<&str> = calls.iter().map(|c| c.run_id.as_str()).collect();
    runs.sort_unstable();
    runs.dedup();
    let mut latencies: Vec<i64> = calls.iter().filter(|c| c.ok).map(|c| c.latency_ms).collect();
    latencies.sort_unstable();
    let ok = latencies.len();
    let costs: Vec<f64> = calls.iter().filter_map(|c| c.cost_usd).collect();
    ModelStats {
        runs: runs.len(),
        calls: calls.len(),
        ok,
        success_rate: if calls.is_empty() { 0.0 } else { ok as f64 / calls.len() as f64 },
        p50_ms: percentile(&latencies, 50),
        p95_ms: percentile(&latencies, 95),
        cost_usd: (!costs.is_empty()).then(|| costs.iter().sum()),
        input_tokens: 0,
        cached_input_tokens: 0,
        roles: BTreeMap::new(),
    }
}

/// One model's calls in one role: the input tokens they sent and the cached part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CacheSample {
    pub model: String,
    pub role: String,
    pub input_tokens: i64,
    pub cached_input_tokens: i64,
}

/// Adds each sample's tokens to its model and to the model's role, where `stats` has them.
pub fn add_cache(stats: &mut BTreeMap<String, ModelStats>, samples: &[CacheSample]) {
    for sample in samples {
        let Some(model) = stats.get_mut(&sample.model) else { continue };
        model.input_tokens = model.input_tokens.saturating_add(sample.input_tokens);
        model.cached_input_tokens = model.cached_input_tokens.saturating_add(sample.cached_input_tokens);
        if let Some(role) = model.roles.get_mut(&sample.role) {
            role.input_tokens = role.input_tokens.saturating_add(sample.input_tokens);
            role.cached_input_tokens = role.cached_input_tokens.saturating_add(sample.cached_input_tokens);
        }
    }
}

/// The nearest-rank `p`th percentile of `sorted` (ascending).
fn percentile(sorted: &[i64], p: usize) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (p * sorted.len()).div_ceil(100).max(1);
    sorted.get(rank - 1).copied()
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    fn sample(model: &str, run: &str, ok: bool, latency_ms: i64, cost_usd: Option<f64>) -> CallSample {
        let role = if run == "r2" && model == "a" { "judge" } else { "panel" };
        CallSample { model: model.into(), run_id: run.into(), ok, latency_ms, cost_usd, role: role.into() }
    }

    #[test]
    fn nearest_rank_percentiles() {
        let one_to_twenty: Vec<i64> = (1..=20).collect();
        assert_eq!(percentile(&one_to_twenty, 50), Some(10));
        assert_eq!(percentile(&one_to_twenty, 95), Some(19));
        assert_eq!(percentile(&[7], 95), Some(7));
        assert_eq!(percentile(&[], 50), None);
    }

    #[test]
    fn counts_runs_calls_successes_and_cost_per_model() {
        let samples = [
            sample("a", "r1", true, 100, Some(0.25)),
            sample("a", "r1", true, 300, None),
            sample("a", "r2", false, 5, Some(0.5)),
            sample("b", "r2", false, 9, None),
        ];
        let stats = per_model(&samples);
        let as_member = ModelStats {
            runs: 1,
            calls: 2,
            ok: 2,
            success_rate: 1.0,
            p50_ms: Some(100),
            p95_ms: Some(300),
            cost_usd: Some(0.25),
            input_tokens: 0,
            cached_input_tokens: 0,
            roles: BTreeMap::new(),
        };
        let as_judge = ModelStats {
            runs: 1,
            calls: 1,
            ok: 0,
            success_rate: 0.0,
            p50_ms: None,
            p95_ms: None,
            cost_usd: Some(0.5),
            input_tokens: 0,
            cached_input_tokens: 0,
            roles: BTreeMap::new(),
        };
        assert_eq!(
            stats["a"],
            ModelStats {
                runs: 2,
                calls: 3,
                ok: 2,
                success_rate: 2.0 / 3.0,
                p50_ms: Some(100),
                p95_ms: Some(300),
                cost_usd: Some(0.75),
                input_tokens: 0,
                cached_input_tokens: 0,
                roles: BTreeMap::from([("judge".to_string(), as_judge), ("panel".to_string(), as_member)]),
            }
        );
        let b = ModelStats {
            runs: 1,
            calls: 1,
            ok: 0,
            success_rate: 0.0,
            p50_ms: None,
            p95_ms: None,
            cost_usd: None,
            input_tokens: 0,
            cached_input_tokens: 0,
            roles: BTreeMap::new(),
        };
        assert_eq!(stats["b"], ModelStats { roles: BTreeMap::from([("panel".to_string(), b.clone())]), ..b });
    }

    #[test]
    fn cached_tokens_add_up_per_model_and_role() {
        let mut stats = per_model(&[sample("a", "r1", true, 1, None), sample("a", "r2", true, 1, None)]);
        let cache = |role: &str, input, cached| CacheSample {
            model: "a".into(),
            role: role.into(),
            input_tokens: input,
            cached_input_tokens: cached,
        };
        let unknown = CacheSample { model: "z".into(), ..cache("panel", 5, 5) };
        add_cache(&mut stats, &[cache("panel", 100, 60), cache("judge", 50, 0), unknown]);
        let a = &stats["a"];
        assert_eq!((a.input_tokens, a.cached_input_tokens), (150, 60));
        assert_eq!((a.roles["panel"].input_tokens, a.roles["panel"].cached_input_tokens), (100, 60));
        assert_eq!((a.roles["judge"].input_tokens, a.roles["judge"].cached_input_tokens), (50, 0));
        assert_eq!(stats.len(), 1, "a model with no recorded call gets no row");
    }
}
