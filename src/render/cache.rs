//! The share of input the providers served from their caches, in words: `62% of 12,345
//! input tokens read from the providers' caches`. The share is rounded down, so 100% is
//! all of it and a few cached tokens out of many read `<1%`, never `0%`.
//!
//! Knows nothing about where the figures come from (a run, a thread, a model).

/// `62% of 12,345 input tokens read from the providers' caches`; `None` without input.
pub fn share(input_tokens: i64, cached_input_tokens: i64) -> Option<String> {
    (input_tokens > 0).then(|| {
        format!(
            "{} of {} input tokens read from the providers' caches",
            percent(input_tokens, cached_input_tokens),
            grouped(input_tokens)
        )
    })
}

/// `62%`, rounded down; `<1%` for a share above none that rounds to it; `-` without input.
pub fn percent(input_tokens: i64, cached_input_tokens: i64) -> String {
    if input_tokens <= 0 {
        return "-".into();
    }
    let cached = cached_input_tokens.clamp(0, input_tokens);
    let share = i128::from(cached) * 100 / i128::from(input_tokens);
    match share {
        0 if cached > 0 => "<1%".into(),
        share => format!("{share}%"),
    }
}

/// `12345678` as `12,345,678`.
pub fn grouped(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    #[test]
    fn shares_round_down_and_a_little_is_never_none() {
        let cases = [(12_345, 7_654), (1000, 1000), (1000, 999), (100_000, 3), (1000, 0), (0, 0), (10, 20)];
        let shown: Vec<String> = cases.iter().map(|(i, c)| percent(*i, *c)).collect();
        assert_eq!(shown, ["62%", "100%", "99%", "<1%", "0%", "-", "100%"]);
        assert_eq!(share(12_345, 7_654).as_deref(), Some("62% of 12,345 input tokens read from the providers' caches"));
        assert_eq!(share(0, 0), None);
    }

    #[test]
    fn thousands_are_grouped() {
        let shown: Vec<String> = [0, 999, 1000, 12_345, 1_234_567, -4200].into_iter().map(grouped).collect();
        assert_eq!(shown, ["0", "999", "1,000", "12,345", "1,234,567", "-4,200"]);
    }
}
