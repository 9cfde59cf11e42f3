//! The one table style every command uses, and [`row`], which cleans cells of outside
//! text before the table measures them (cleaning after would misalign the borders).

use comfy_table::{ContentArrangement, Table, presets};

pub fn new(header: &[&str]) -> Table {
    let mut table = Table::new();
    table.load_preset(presets::UTF8_FULL_CONDENSED).set_content_arrangement(ContentArrangement::Disabled);
    table.set_header(header.to_vec());
    table
}

/// `cells` without control sequences, ready for `add_row`.
pub fn row(cells: Vec<String>) -> Vec<String> {
    cells.iter().map(|c| super::sanitize::clean(c)).collect()
}
