//! The judge stage's pure parts: `judge::label` shuffling 0 to 8 answers under a seed,
//! and `judge::parse` reading a reply against 1 to 8 labels made by `label`, as the
//! pipeline makes them.
//!
//! Input: one byte for the number of answers, eight for the seed (little-endian), then
//! the judge's reply (lossily decoded, as a streamed answer is text already).
#![no_main]

use frontier::pipeline::judge;
use libfuzzer_sys::fuzz_target;

/// The panel's largest size (`config::presets::MAX_PANEL`).
const MAX_PANEL: usize = 8;

fn check_labels(answers: &[(usize, &str)], seed: u64) -> Vec<String> {
    let labelled = judge::label(answers, seed);
    assert_eq!(labelled, judge::label(answers, seed), "the same seed shuffles the same way");
    assert_eq!(labelled.len(), answers.len());
    let mut members = Vec::new();
    for (pos, l) in labelled.iter().enumerate() {
        assert_eq!(l.label, char::from(b'A' + pos as u8).to_string(), "labels are A, B, ... in order");
        assert!(answers.contains(&(l.member, l.content)), "{l:?} is not one of the answers");
        members.push(l.member);
    }
    members.sort_unstable();
    let mut expected: Vec<usize> = answers.iter().map(|a| a.0).collect();
    expected.sort_unstable();
    assert_eq!(members, expected, "every answer is labelled once");
    labelled.into_iter().map(|l| l.label).collect()
}

fuzz_target!(|data: &[u8]| {
    let Some((&count, rest)) = data.split_first() else { return };
    let Some((seed, reply)) = rest.split_first_chunk::<8>() else { return };
    let count = usize::from(count) % (MAX_PANEL + 1);
    let contents = ["", "x", "an answer", "another"];
    let answers: Vec<(usize, &str)> = (0..count).map(|i| (i * 7 + 3, contents[i % contents.len()])).collect();
    let labels = check_labels(&answers, u64::from_le_bytes(*seed));
    if labels.is_empty() {
        return;
    }
    let labels: Vec<&str> = labels.iter().map(String::as_str).collect();
    let reply = String::from_utf8_lossy(reply);
    match judge::parse(&reply, &labels) {
        Ok(verdict) => {
            let mut ranked: Vec<&str> = verdict.ranking.iter().map(String::as_str).collect();
            ranked.sort_unstable();
            assert_eq!(ranked, labels, "the ranking is a permutation of the labels");
            let scored: Vec<&str> = verdict.scores.keys().map(String::as_str).collect();
            assert_eq!(scored, labels, "one score per label, and no other");
            for (label, (score, reason)) in &verdict.scores {
                assert!((0.0..=10.0).contains(score), "{label} scores {score}");
                assert_eq!(reason.trim(), reason, "reasons are trimmed");
            }
            let score = |label: &String| verdict.scores[label].0;
            for pair in verdict.ranking.windows(2) {
                assert!(score(&pair[0]) >= score(&pair[1]), "the ranking follows the scores: {verdict:?}");
            }
        }
        Err(problem) => assert!(!problem.to_string().is_empty()),
    }
});
