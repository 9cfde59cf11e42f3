//! Where each contender's name goes beside its point on the chart, so that no two names
//! overlap: right of the point (left when the plot ends first), moved up or down a line
//! at a time, nearest first, until it is clear of every name already placed.
//!
//! Knows only pixels and an estimate of a text's width: the SVG is drawn elsewhere.

use std::ops::Range;

/// The font size of a label, in pixels.
pub const LABEL_PX: u32 = 14;
/// A label's height with a little air between two.
const LINE_PX: i32 = 18;
/// Between a point and its label.
const GAP_PX: i32 = 10;
/// How many lines a label may move away from its point.
const MAX_SHIFT: i32 = 8;
/// Within this many lines of its point, a label would rather cross a whisker than move
/// further.
const NEAR_SHIFT: i32 = 2;

/// A point on the chart and its whisker, in pixels (`top` above `bottom`: y grows down).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mark {
    pub x: i32,
    pub y: i32,
    pub top: i32,
    pub bottom: i32,
}

/// Where a label is drawn: its text's anchor and whether it extends left of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placed {
    pub x: i32,
    /// The vertical centre of the text.
    pub y: i32,
    pub leftwards: bool,
}

/// A rectangle: left, right, top, bottom.
type Box4 = (i32, i32, i32, i32);

fn overlaps(a: Box4, b: Box4) -> bool {
    a.0 < b.1 && b.0 < a.1 && a.2 < b.3 && b.2 < a.3
}

/// A label's width in pixels, estimated: plotters writes the font at `LABEL_PX / 1.24`,
/// and an average glyph of a sans-serif face is a little over half that; half of
/// `LABEL_PX` errs wide (an SVG leaves the real face to the viewer).
pub fn width(text: &str) -> i32 {
    let glyphs = i32::try_from(text.chars().count()).unwrap_or(i32::MAX / 16);
    glyphs.saturating_mul(LABEL_PX as i32 / 2)
}

/// Places a label of `widths[i]` pixels for each mark `marks[i]` inside the plot
/// (`plot`: its pixel ranges), the highest point's first. Each label tries its point's
/// line, right of it then left, then a line further down or up at a time, and takes the
/// first place clear of the labels already placed, of every point and of every whisker
/// within two lines; else one there that only crosses a whisker; else the nearest clear
/// place further off.
pub fn place(marks: &[Mark], widths: &[i32], plot: (Range<i32>, Range<i32>)) -> Vec<Placed> {
    let (xs, ys) = plot;
    let mut order: Vec<usize> = (0..marks.len()).collect();
    order.sort_by_key(|&i| (marks[i].y, marks[i].x));
    // A point, its whisker's line and the caps at either end.
    let obstacles: Vec<Box4> = marks
        .iter()
        .flat_map(|m| {
            [
                (m.x - 7, m.x + 7, m.y - 7, m.y + 7),
                (m.x - 3, m.x + 3, m.top, m.bottom),
                (m.x - 6, m.x + 6, m.top - 2, m.top + 2),
                (m.x - 6, m.x + 6, m.bottom - 2, m.bottom + 2),
            ]
        })
        .collect();
    let mut taken: Vec<Box4> = Vec::new();
    let mut placed = vec![Placed { x: 0, y: 0, leftwards: false }; marks.len()];
    for i in order {
        let Mark { x: px, y: py, .. } = marks[i];
        let w = widths.get(i).copied().unwrap_or(0);
        let right_fits = px + GAP_PX + w <= xs.end;
        let left_fits = px - GAP_PX - w >= xs.start;
        let sides: Vec<bool> = match (right_fits, left_fits) {
            (true, true) => vec![false, true],
            (false, true) => vec![true],
            _ => vec![false],
        };
        let candidates: Vec<(Placed, Box4)> = (0..=MAX_SHIFT)
            .flat_map(|k| if k == 0 { vec![0] } else { vec![k, -k] })
            .map(|k| py + k * LINE_PX)
            .filter(|y| *y - LINE_PX / 2 >= ys.start - LINE_PX / 2 && *y + LINE_PX / 2 <= ys.end + LINE_PX / 2)
            .flat_map(|y| {
                sides.iter().map(move |&leftwards| {
                    let (x0, x1) =
                        if leftwards { (px - GAP_PX - w, px - GAP_PX) } else { (px + GAP_PX, px + GAP_PX + w) };
                    let at = Placed { x: if leftwards { x1 } else { x0 }, y, leftwards };
                    (at, (x0, x1, y - LINE_PX / 2, y + LINE_PX / 2))
                })
            })
            .collect();
        let free = |b: &Box4| !taken.iter().any(|t| overlaps(*t, *b));
        let clear = |b: &Box4| free(b) && !obstacles.iter().any(|o| overlaps(*o, *b));
        let near = |at: &Placed| (at.y - py).abs() <= NEAR_SHIFT * LINE_PX;
        // Near and clear; else near, across a whisker; else clear further off; else any
        // place clear of the other labels.
        let chosen = candidates
            .iter()
            .find(|(at, b)| near(at) && clear(b))
            .or_else(|| candidates.iter().find(|(at, b)| near(at) && free(b)))
            .or_else(|| candidates.iter().find(|(_, b)| clear(b)))
            .or_else(|| candidates.iter().find(|(_, b)| free(b)))
            .or(candidates.first())
            .copied();
        if let Some((at, b)) = chosen {
            taken.push(b);
            placed[i] = at;
        }
    }
    placed
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    fn mark(x: i32, y: i32) -> Mark {
        Mark { x, y, top: y - 5, bottom: y + 5 }
    }

    #[test]
    fn labels_of_points_close_together_move_apart() {
        let plot = (0..600, 0..400);
        let placed = place(&[mark(100, 200), mark(104, 203), mark(300, 50)], &[80, 80, 80], plot);
        // The higher point's name would cover the lower point on the right: it goes left,
        // and the lower point's name takes the right.
        assert_eq!(placed[0], Placed { x: 90, y: 200, leftwards: true });
        assert_eq!(placed[1], Placed { x: 114, y: 203, leftwards: false });
        assert_eq!(placed[2], Placed { x: 310, y: 50, leftwards: false });
    }

    #[test]
    fn a_label_that_would_leave_the_plot_goes_left_of_its_point() {
        let placed = place(&[mark(580, 100)], &[120], (0..600, 0..400));
        assert_eq!(placed, [Placed { x: 570, y: 100, leftwards: true }]);
    }

    #[test]
    fn a_label_does_not_run_over_another_points_whisker() {
        // B's whisker stands 40 px right of A, across A's line; A's name is 80 wide.
        let b = Mark { x: 140, y: 100, top: 20, bottom: 300 };
        let placed = place(&[mark(100, 200), b], &[80, 40], (0..600, 0..400));
        assert_eq!(placed[0], Placed { x: 90, y: 200, leftwards: true });
        assert_eq!(placed[1], Placed { x: 150, y: 100, leftwards: false });
    }
}
