//! Aggregating the council's rankings: a Borda count, and the pairs the rankers ordered
//! both ways.
//!
//! A ranking of `k` labels gives its first `k - 1` points, its second `k - 2`, ..., its
//! last 0. A label's points are summed over the rankings that ranked it (never its own
//! author's); the aggregate orders labels by points, more first, ties by label. A pair of
//! labels is a disagreement when at least one ranking put each above the other (among the
//! rankings that ranked both); it is reported in the aggregate's order, with how many
//! rankings agreed with that order and how many dissented.
//!
//! Knows nothing about models or requests: labels and rankings only.

use std::collections::BTreeMap;

/// One label's place in the aggregate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tally {
    pub label: String,
    pub points: u64,
    /// How many rankings ranked it.
    pub ballots: usize,
}

/// A pair of labels the rankings ordered both ways.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split {
    /// The one the aggregate puts higher.
    pub higher: String,
    pub lower: String,
    /// Rankings that put `higher` above `lower`.
    pub agree: usize,
    /// Rankings that put `lower` above `higher`.
    pub dissent: usize,
}

/// The Borda aggregate of `rankings` (each a list of labels, best first) over `labels`,
/// and the pairs the rankings disagree on.
pub fn aggregate(labels: &[&str], rankings: &[&[String]]) -> (Vec<Tally>, Vec<Split>) {
    let mut tallies: BTreeMap<&str, (u64, usize)> = labels.iter().map(|l| (*l, (0, 0))).collect();
    for ranking in rankings {
        let k = ranking.len() as u64;
        for (position, label) in ranking.iter().enumerate() {
            if let Some((points, ballots)) = tallies.get_mut(label.as_str()) {
                *points += k - 1 - position as u64;
                *ballots += 1;
            }
        }
    }
    let mut order: Vec<Tally> = tallies
        .into_iter()
        .map(|(label, (points, ballots))| Tally { label: label.to_string(), points, ballots })
        .collect();
    // The map iterates by label: a stable sort keeps ties in label order.
    order.sort_by_key(|t| std::cmp::Reverse(t.points));
    let position = |ranking: &[String], label: &str| ranking.iter().position(|l| l == label);
    let mut splits = Vec::new();
    for (i, higher) in order.iter().enumerate() {
        for lower in &order[i + 1..] {
            let (mut agree, mut dissent) = (0, 0);
            for ranking in rankings {
                match (position(ranking, &higher.label), position(ranking, &lower.label)) {
                    (Some(h), Some(l)) if h < l => agree += 1,
                    (Some(_), Some(_)) => dissent += 1,
                    _ => {}
                }
            }
            if agree > 0 && dissent > 0 {
                splits.push(Split { higher: higher.label.clone(), lower: lower.label.clone(), agree, dissent });
            }
        }
    }
    (order, splits)
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    fn ranking(labels: &[&str]) -> Vec<String> {
        labels.iter().map(|l| l.to_string()).collect()
    }

    fn tally(label: &str, points: u64, ballots: usize) -> Tally {
        Tally { label: label.into(), points, ballots }
    }

    #[test]
    fn three_rankers_each_leaving_out_their_own() {
        // A's author ranks B over C; B's ranks A over C; C's ranks B over A.
        let (a, b, c) = (ranking(&["B", "C"]), ranking(&["A", "C"]), ranking(&["B", "A"]));
        let (order, splits) = aggregate(&["A", "B", "C"], &[&a, &b, &c]);
        assert_eq!(order, [tally("B", 2, 2), tally("A", 1, 2), tally("C", 0, 2)]);
        assert_eq!(splits, []);
    }

    #[test]
    fn a_pair_ordered_both_ways_is_a_split_in_the_aggregates_order() {
        let rankings = [
            ranking(&["B", "C", "D"]),
            ranking(&["C", "D", "A"]),
            ranking(&["B", "A", "D"]),
            ranking(&["A", "B", "C"]),
        ];
        let borrowed: Vec<&[String]> = rankings.iter().map(Vec::as_slice).collect();
        let (order, splits) = aggregate(&["A", "B", "C", "D"], &borrowed);
        assert_eq!(order, [tally("B", 5, 3), tally("A", 3, 3), tally("C", 3, 3), tally("D", 1, 3)]);
        assert_eq!(
            splits,
            [
                Split { higher: "B".into(), lower: "A".into(), agree: 1, dissent: 1 },
                Split { higher: "A".into(), lower: "C".into(), agree: 1, dissent: 1 },
                Split { higher: "A".into(), lower: "D".into(), agree: 1, dissent: 1 },
            ]
        );
    }

    #[test]
    fn a_label_nobody_ranked_scores_nothing_and_unknown_labels_count_for_nothing() {
        let only = ranking(&["B", "Z"]);
        let (order, splits) = aggregate(&["A", "B"], &[&only]);
        assert_eq!(order, [tally("B", 1, 1), tally("A", 0, 0)]);
        assert_eq!(splits, []);
    }
}
