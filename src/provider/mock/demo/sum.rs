//! The demo's arithmetic: a question `A op B` found in text, its right result, the
//! plausible slip a member makes, why the slip is wrong, and a check of the result.
//!
//! Knows nothing about requests or roles.

/// A question of the form `A op B` on whole numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sum {
    pub a: i64,
    pub op: char,
    pub b: i64,
}

impl Sum {
    /// The first `A op B` in `text` (`*`, `x` and `×` multiply, `+` and `-` add and
    /// subtract), each number at most 9 digits.
    pub fn find(text: &str) -> Option<Sum> {
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

    pub fn shown(&self) -> String {
        format!("{} {} {}", self.a, self.op, self.b)
    }

    pub fn right(&self) -> i64 {
        match self.op {
            '×' => self.a * self.b,
            '+' => self.a + self.b,
            _ => self.a - self.b,
        }
    }

    /// The plausible mistake: one group too many in a product, a carried ten too many
    /// (or a borrowed ten too few) in a sum.
    pub fn slip(&self) -> i64 {
        match self.op {
            '×' => self.a * (self.b + 1),
            '+' => self.right() + 10,
            _ => self.right() - 10,
        }
    }

    /// Why the slip is wrong, in a few words.
    pub fn slip_cause(&self) -> String {
        match self.op {
            '×' => format!("{} is {} × {}, one {} too many", self.slip(), self.a, self.b + 1, self.a),
            '+' => format!("{} carries a ten too many", self.slip()),
            _ => format!("{} borrows a ten too many", self.slip()),
        }
    }

    /// Working back from the result to the first number.
    pub fn check(&self) -> String {
        let r = self.right();
        match self.op {
            '×' if self.b != 0 => format!("{r} ÷ {} = {}", self.b, self.a),
            '×' => "anything times 0 is 0".to_string(),
            '+' => format!("{r} − {} = {}", self.b, self.a),
            _ => format!("{r} + {} = {}", self.b, self.a),
        }
    }
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    #[test]
    fn the_question_is_the_first_sum_in_the_text() {
        assert_eq!(Sum::find("What is 6*7?"), Some(Sum { a: 6, op: '×', b: 7 }));
        assert_eq!(Sum::find("and 12 + 30."), Some(Sum { a: 12, op: '+', b: 30 }));
        assert_eq!(Sum::find("1.5*2"), None);
        assert_eq!(Sum::find("Why is the sky blue?"), None);
        let sum = Sum { a: 6, op: '×', b: 7 };
        assert_eq!((sum.right(), sum.slip(), sum.check()), (42, 48, "42 ÷ 7 = 6".to_string()));
    }
}
