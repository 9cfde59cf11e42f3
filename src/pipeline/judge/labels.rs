//! Anonymising the panel's answers for the judge: neutral labels `A`, `B`, ... in an
//! order shuffled by a recorded seed, so the judge can favour neither a model nor a
//! position.
//!
//! Knows nothing about models, requests or verdicts: it sees member indices and text.

/// An answer as the judge sees it: a label and the text, no model name.
#[derive(Debug, Clone, PartialEq)]
pub struct Labelled<'a> {
    pub label: String,
    /// Index of the member in the panel.
    pub member: usize,
    pub content: &'a str,
}

/// Labels `A`, `B`, ... for the answers, in an order shuffled by `seed`.
/// `answers` are (member index, content) of the members that answered.
pub fn label<'a>(answers: &[(usize, &'a str)], seed: u64) -> Vec<Labelled<'a>> {
    let mut order: Vec<usize> = (0..answers.len()).collect();
    let mut state = seed;
    for i in (1..order.len()).rev() {
        state = splitmix(state);
        order.swap(i, (state % (i as u64 + 1)) as usize);
    }
    order
        .into_iter()
        .enumerate()
        .map(|(pos, i)| Labelled { label: label_name(pos), member: answers[i].0, content: answers[i].1 })
        .collect()
}

fn label_name(pos: usize) -> String {
    char::from(b'A' + (pos % 26) as u8).to_string()
}

fn splitmix(state: u64) -> u64 {
    let mut z = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    #[test]
    fn labels_are_a_seeded_shuffle() {
        let answers = [(0, "zero"), (1, "one"), (2, "two"), (3, "three")];
        let a = label(&answers, 7);
        assert_eq!(a, label(&answers, 7));
        assert_eq!(a.iter().map(|l| l.label.as_str()).collect::<Vec<_>>(), ["A", "B", "C", "D"]);
        let mut members: Vec<usize> = a.iter().map(|l| l.member).collect();
        members.sort_unstable();
        assert_eq!(members, [0, 1, 2, 3]);
        let orders: std::collections::BTreeSet<Vec<usize>> =
            (0..20).map(|s| label(&answers, s).iter().map(|l| l.member).collect()).collect();
        assert!(orders.len() > 1, "the seed must change the order");
    }
}
