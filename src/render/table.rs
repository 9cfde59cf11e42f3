//! The one table style every command uses, [`row`], which cleans cells of outside text
//! (and shows their invisible characters as escapes) before the table measures them
//! (cleaning after would misalign the borders), and
//! [`fit`], which makes a table fit a stream's width.

use comfy_table::{ColumnConstraint, ContentArrangement, Table, Width, presets};

use super::screen::Fit;

pub fn new(header: &[&str]) -> Table {
    let mut table = Table::new();
    table.load_preset(presets::UTF8_FULL_CONDENSED).set_content_arrangement(ContentArrangement::Disabled);
    table.set_header(header.to_vec());
    table
}

/// A [`new`] table fitted to `fit`.
pub fn fitted(header: &[&str], fit: Fit) -> Table {
    let mut table = new(header);
    self::fit(&mut table, fit);
    table
}

/// Fits `table` to `fit`: with a width, long cells wrap so that no line is wider (the
/// width is always set here, so comfy-table never looks at the terminal itself); on a
/// dumb terminal, ASCII borders.
pub fn fit(table: &mut Table, fit: Fit) {
    if fit.ascii {
        table.load_preset(presets::ASCII_FULL_CONDENSED);
    }
    if let Some(width) = fit.width {
        table.set_content_arrangement(ContentArrangement::Dynamic);
        table.set_width(u16::try_from(width).unwrap_or(u16::MAX));
    }
}

/// Keeps column `index` from wrapping below its content's width, up to `max` columns:
/// ids and model names read badly broken mid-word. Call once the rows are in.
pub fn keep_whole(table: &mut Table, index: usize, max: u16) {
    let widest = table.column_max_content_widths().get(index).copied().unwrap_or(0);
    let constraint =
        if widest <= max { ColumnConstraint::ContentWidth } else { ColumnConstraint::LowerBoundary(Width::Fixed(max)) };
    if let Some(column) = table.column_mut(index) {
        column.set_constraint(constraint);
    }
}

/// `cells` without control sequences, invisible characters shown as escapes, ready for
/// `add_row`.
pub fn row(cells: Vec<String>) -> Vec<String> {
    cells.iter().map(|c| super::sanitize::name(c)).collect()
}

#[cfg(test)]
mod tests {
    use unicode_width::UnicodeWidthStr as _;

    use super::*;

    #[test]
    fn a_table_of_long_cells_fits_80_columns() {
        let mut table = fitted(
            &["#", "model", "label", "score", "latency", "tokens in/out", "cost", "notes"],
            Fit { width: Some(80), ascii: false },
        );
        table.add_row(row(vec![
            "1".into(),
            "openrouter/some-very-long-model-name".into(),
            "A".into(),
            "8".into(),
            "12.5s".into(),
            "12345/67890".into(),
            "$0.0123".into(),
            "reason ".repeat(80),
        ]));
        let text = table.to_string();
        assert!(text.lines().count() > 5, "{text}");
        for line in text.lines() {
            assert!(line.width() <= 80, "{} wide: {line}", line.width());
        }
    }

    #[test]
    fn a_dumb_terminal_gets_ascii_borders() {
        let mut table = fitted(&["a"], Fit { width: None, ascii: true });
        table.add_row(row(vec!["x".into()]));
        assert!(table.to_string().is_ascii(), "{table}");
    }
}
