//! The cost-against-quality chart of an eval, as an SVG image: one point per contender at
//! its cost per answered item (x) and its quality (y), the 95% interval a vertical
//! whisker, the name beside it, the baseline marked. Accuracy and win rate against the
//! baseline each get a panel of their own, side by side, when the eval has both. When no
//! contender cost anything (none priced, or all free), x is the p50 latency per item
//! instead, and its label says so.
//!
//! Names come from outside: each is cleaned of control characters (XML has no place for
//! them even escaped), flattened to one line and cut; plotters escapes `<`, `&` and the
//! quotes of every text it writes. Knows nothing about where the image is written.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::labels::{self, LABEL_PX, Mark};
use super::{cost_per_item, is_baseline};
use crate::eval::{Interval, Summary};
use crate::pipeline::cost::format_usd;
use crate::render::sanitize;

const PANEL_W: u32 = 760;
const PANEL_H: u32 = 540;
const TITLE_H: u32 = 44;
const FOOT_H: u32 = 30;
/// The longest a name is shown; a longer one ends in `…`.
const LABEL_CHARS: usize = 32;
const FONT: &str = "sans-serif";
/// One colour per contender, in the eval's order (the baseline is drawn in black).
const COLOURS: [RGBColor; 8] = [
    RGBColor(31, 119, 180),
    RGBColor(214, 39, 40),
    RGBColor(44, 160, 44),
    RGBColor(148, 103, 189),
    RGBColor(255, 127, 14),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(23, 190, 207),
];

/// What a panel plots on y.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Quality {
    Accuracy,
    WinRate,
}

/// One contender on a panel.
struct Point {
    label: String,
    x: f64,
    y: Interval,
    baseline: bool,
    colour: RGBColor,
}

/// The chart of `summary` as an SVG document.
pub fn chart_svg(summary: &Summary) -> Result<String, String> {
    let measured = |q: Quality| {
        summary.contenders.iter().any(|c| match q {
            Quality::Accuracy => c.accuracy.is_some(),
            Quality::WinRate => c.versus.is_some(),
        })
    };
    let qualities: Vec<Quality> = [Quality::Accuracy, Quality::WinRate].into_iter().filter(|q| measured(*q)).collect();
    if qualities.is_empty() {
        return Err("no contender has a quality to plot (no accuracy, no win rate)".into());
    }
    let panels = u32::try_from(qualities.len()).unwrap_or(1);
    let size = (PANEL_W * panels, TITLE_H + PANEL_H + FOOT_H);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        draw(&root, summary, &qualities).map_err(|e| format!("drawing the chart: {e}"))?;
        root.present().map_err(|e| format!("drawing the chart: {e}"))?;
    }
    Ok(svg)
}

type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;
type DrawError<'a> = DrawingAreaErrorKind<<SVGBackend<'a> as DrawingBackend>::ErrorType>;

fn draw<'a>(root: &Area<'a>, summary: &Summary, qualities: &[Quality]) -> Result<(), DrawError<'a>> {
    root.fill(&WHITE)?;
    let (title, rest) = root.split_vertically(TITLE_H);
    let (body, foot) = rest.split_vertically(PANEL_H);
    let mut heading = format!("frontier eval {} · {} · {} items", summary.eval_id, summary.set, summary.items);
    if !summary.complete {
        heading.push_str(" · partial");
    }
    let centre = |area: &Area<'a>| {
        let (xs, ys) = area.get_pixel_range();
        ((xs.end - xs.start) / 2, (ys.end - ys.start) / 2)
    };
    let style = (FONT, 20).into_font().style(FontStyle::Bold).color(&BLACK).pos(Pos::new(HPos::Center, VPos::Center));
    title.draw_text(&label(&heading, 120), &style, centre(&title))?;
    // Cost is the x axis only when some contender cost something: all free (the mock, a
    // local server priced at zero) or unpriced, latency is what tells them apart.
    let priced = summary.contenders.iter().any(|c| cost_per_item(c).is_some_and(|usd| usd > 0.0));
    let mut left_out = Vec::new();
    for (area, q) in body.split_evenly((1, qualities.len())).iter().zip(qualities) {
        left_out.extend(panel(area, summary, *q, priced)?);
    }
    let mut named = Vec::new();
    left_out.retain(|n: &String| {
        let new = !named.contains(n);
        named.push(n.clone());
        new
    });
    if !left_out.is_empty() {
        let style = (FONT, 13).into_font().color(&RGBColor(90, 90, 90)).pos(Pos::new(HPos::Center, VPos::Center));
        let missing = if priced { "no price" } else { "no latency" };
        let text = format!("not plotted, {missing}: {}", left_out.join(", "));
        foot.draw_text(&label(&text, 160), &style, centre(&foot))?;
    }
    Ok(())
}

/// A contender's quality of kind `q`, with the baseline at 50% on the win-rate panel
/// (even with itself, by definition).
fn quality(summary: &Summary, c: &crate::eval::ContenderScore, q: Quality) -> Option<Interval> {
    match q {
        Quality::Accuracy => c.accuracy.map(|a| a.interval),
        Quality::WinRate if is_baseline(summary, c) => Some(Interval { estimate: 0.5, low: 0.5, high: 0.5 }),
        Quality::WinRate => c.versus.map(|v| v.win_rate),
    }
}

/// The contenders a panel of `q` shows, and the names of those it cannot place for want
/// of an x (a price, or a latency when nothing has a price).
fn points(summary: &Summary, q: Quality, priced: bool) -> (Vec<Point>, Vec<String>) {
    let mut points = Vec::new();
    let mut left_out = Vec::new();
    for (i, c) in summary.contenders.iter().enumerate() {
        let Some(y) = quality(summary, c, q) else { continue };
        let x = if priced { cost_per_item(c) } else { c.latency.p50_ms.map(|ms| ms as f64 / 1000.0) };
        let x = x.filter(|x| x.is_finite() && *x >= 0.0);
        let y = Interval { estimate: unit(y.estimate), low: unit(y.low), high: unit(y.high) };
        let baseline = is_baseline(summary, c);
        let name = label(&c.label, LABEL_CHARS);
        let name = if baseline { format!("{name} (baseline)") } else { name };
        let colour = if baseline { BLACK } else { COLOURS[i % COLOURS.len()] };
        match x {
            Some(x) => points.push(Point { label: name, x, y, baseline, colour }),
            None => left_out.push(name),
        }
    }
    (points, left_out)
}

/// Draws one panel; returns the contenders it left out.
fn panel<'a>(area: &Area<'a>, summary: &Summary, q: Quality, priced: bool) -> Result<Vec<String>, DrawError<'a>> {
    let (points, left_out) = points(summary, q, priced);
    let x_max = points.iter().map(|p| p.x).fold(0.0_f64, f64::max);
    // Room right of the furthest point for its name; a range even when every x is 0.
    let x_end = if x_max > 0.0 { x_max * 1.3 } else { 1.0 };
    let (caption, y_desc) = match q {
        Quality::Accuracy => ("accuracy".to_string(), "accuracy against the references (95% interval)".to_string()),
        Quality::WinRate => {
            let b = label(summary.baseline.as_deref().unwrap_or("the baseline"), LABEL_CHARS);
            (format!("win rate against {b}"), format!("win rate against {b} (95% interval)"))
        }
    };
    let x_desc = if priced {
        "cost per answered item (USD, catalog prices)"
    } else {
        "p50 latency per item (seconds): no contender had a cost"
    };
    let mut chart = ChartBuilder::on(area)
        .margin(16)
        .caption(caption, (FONT, 17))
        .x_label_area_size(48)
        .y_label_area_size(64)
        .build_cartesian_2d(0.0..x_end, 0.0..100.0)?;
    let x_label = |x: &f64| if priced { format_usd(*x) } else { format!("{x:.1}s") };
    chart
        .configure_mesh()
        .x_desc(x_desc)
        .y_desc(y_desc)
        .x_labels(6)
        .y_labels(11)
        .x_label_formatter(&x_label)
        .y_label_formatter(&|y| format!("{y:.0}%"))
        .label_style((FONT, 13))
        .axis_desc_style((FONT, 14))
        .max_light_lines(1)
        .light_line_style(RGBColor(244, 244, 244))
        .bold_line_style(RGBColor(215, 215, 215))
        .draw()?;
    if q == Quality::WinRate {
        let even = RGBColor(120, 120, 120).stroke_width(1);
        chart.draw_series(DashedLineSeries::new([(0.0, 50.0), (x_end, 50.0)], 6, 4, even))?;
    }
    for p in &points {
        let line = p.colour.stroke_width(2);
        let (low, high) = (p.y.low * 100.0, p.y.high * 100.0);
        chart.draw_series(std::iter::once(PathElement::new([(p.x, low), (p.x, high)], line)))?;
        for end in [low, high] {
            let cap = EmptyElement::at((p.x, end)) + PathElement::new([(-5, 0), (5, 0)], line);
            chart.draw_series(std::iter::once(cap))?;
        }
        let at = (p.x, p.y.estimate * 100.0);
        if p.baseline {
            let mark = EmptyElement::at(at) + Rectangle::new([(-6, -6), (6, 6)], BLACK.filled());
            chart.draw_series(std::iter::once(mark))?;
        } else {
            chart.draw_series(std::iter::once(Circle::new(at, 6, p.colour.filled())))?;
        }
    }
    let marks: Vec<Mark> = points
        .iter()
        .map(|p| {
            let (x, y) = chart.backend_coord(&(p.x, p.y.estimate * 100.0));
            let top = chart.backend_coord(&(p.x, p.y.high * 100.0)).1;
            let bottom = chart.backend_coord(&(p.x, p.y.low * 100.0)).1;
            Mark { x, y, top, bottom }
        })
        .collect();
    names(area, &points, &marks, chart.plotting_area().get_pixel_range())?;
    Ok(left_out)
}

/// Writes each point's name where [`labels::place`] puts it, on a white ground (so grid
/// lines and the 50% line do not run through it), tied to its point by a thin line when
/// it had to move off the point's height. `marks` and `plot` are in the image's pixels.
fn names<'a>(
    area: &Area<'a>,
    points: &[Point],
    marks: &[Mark],
    plot: (std::ops::Range<i32>, std::ops::Range<i32>),
) -> Result<(), DrawError<'a>> {
    let widths: Vec<i32> = points.iter().map(|p| labels::width(&p.label)).collect();
    let placed = labels::place(marks, &widths, plot);
    // The area draws in its own pixels, from its top left corner.
    let (x0, y0) = (area.get_pixel_range().0.start, area.get_pixel_range().1.start);
    let half = LABEL_PX as i32 * 6 / 10;
    for ((p, at), (m, w)) in points.iter().zip(&placed).zip(marks.iter().zip(&widths)) {
        let (x, y) = (at.x - x0, at.y - y0);
        if at.y != m.y {
            let tie = RGBColor(160, 160, 160).stroke_width(1);
            let start = if at.leftwards { m.x - 7 } else { m.x + 7 };
            area.draw(&PathElement::new([(start - x0, m.y - y0), (x, y)], tie))?;
        }
        let left = if at.leftwards { x - w } else { x };
        area.draw(&Rectangle::new([(left - 2, y - half), (left + w + 2, y + half)], WHITE.mix(0.85).filled()))?;
        let font = (FONT, LABEL_PX).into_font();
        let font = if p.baseline { font.style(FontStyle::Bold) } else { font };
        let h = if at.leftwards { HPos::Right } else { HPos::Left };
        area.draw_text(&p.label, &font.color(&p.colour).pos(Pos::new(h, VPos::Center)), (x, y))?;
    }
    Ok(())
}

/// A proportion kept inside the chart: a value out of 0..=1 (or not a number) cannot
/// come from an honest count, and must not throw the picture off.
fn unit(p: f64) -> f64 {
    if p.is_finite() { p.clamp(0.0, 1.0) } else { 0.0 }
}

/// Outside text as one line of at most `max` characters with nothing XML forbids:
/// control sequences removed, invisible characters shown as escapes, whitespace runs one
/// space, the non-characters U+FFFE and U+FFFF dropped.
fn label(raw: &str, max: usize) -> String {
    let flat: String = sanitize::name(raw)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .filter(|c| !matches!(c, '\u{fffe}' | '\u{ffff}') && !c.is_control())
        .collect();
    if flat.chars().count() <= max {
        return flat;
    }
    let mut cut: String = flat.chars().take(max.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;
    use crate::render::eval::fixtures;

    /// The text of every `<text>` element, as written (escaped).
    fn texts(svg: &str) -> Vec<String> {
        svg.split("<text")
            .skip(1)
            .filter_map(|t| Some(t.split_once('>')?.1.split_once("</text>")?.0.trim().to_string()))
            .collect()
    }

    #[test]
    fn every_contender_is_named_on_the_chart_and_the_baseline_marked() {
        let svg = chart_svg(&fixtures::pairwise()).unwrap();
        assert!(svg.starts_with("<svg"), "{}", &svg[..80.min(svg.len())]);
        assert!(svg.trim_end().ends_with("</svg>"));
        let texts = texts(&svg);
        for name in ["demo (baseline)", "mock:alpha", "mock:beta", "demo+judge=none"] {
            assert!(texts.iter().any(|t| t == name), "{name} not in {texts:?}");
        }
        assert!(texts.iter().any(|t| t == "cost per answered item (USD, catalog prices)"), "{texts:?}");
    }

    #[test]
    fn a_hostile_name_is_escaped_and_cannot_break_the_svg() {
        let mut summary = fixtures::pairwise();
        summary.contenders[1].label = "a<b&\"c\"\u{1b}[2J\u{7}'d'\u{fffe}</svg>".into();
        let svg = chart_svg(&summary).unwrap();
        let texts = texts(&svg);
        let expected = "a&lt;b&amp;&quot;c&quot;&apos;d&apos;&lt;/svg&gt;";
        assert!(texts.iter().any(|t| t == expected), "{texts:?}");
        assert_eq!(svg.matches("</svg>").count(), 1);
        assert!(!svg.chars().any(|c| c.is_control() && c != '\n' && c != '\t'), "a control character in the SVG");
    }

    #[test]
    fn without_prices_latency_is_on_x_and_the_axis_says_so() {
        let svg = chart_svg(&fixtures::partial()).unwrap();
        let texts = texts(&svg);
        assert!(texts.iter().any(|t| t == "p50 latency per item (seconds): no contender had a cost"), "{texts:?}");
        assert!(texts.iter().any(|t| t.ends_with("· partial")), "{texts:?}");
    }

    #[test]
    fn accuracy_and_win_rate_get_a_panel_each() {
        let svg = chart_svg(&fixtures::mixed()).unwrap();
        let texts = texts(&svg);
        assert!(texts.iter().any(|t| t == "accuracy"), "{texts:?}");
        assert!(texts.iter().any(|t| t == "win rate against demo"), "{texts:?}");
        assert_eq!(texts.iter().filter(|t| *t == "mock:beta").count(), 2, "{texts:?}");
    }

    #[test]
    fn an_eval_with_references_only_has_one_panel() {
        let mut summary = fixtures::mixed();
        for c in &mut summary.contenders {
            c.versus = None;
        }
        let texts = texts(&chart_svg(&summary).unwrap());
        assert!(texts.iter().any(|t| t == "accuracy"), "{texts:?}");
        assert!(!texts.iter().any(|t| t.starts_with("win rate")), "{texts:?}");
        assert_eq!(texts.iter().filter(|t| *t == "demo (baseline)").count(), 1, "{texts:?}");
    }

    #[test]
    fn a_contender_without_a_price_among_priced_ones_is_said_to_be_left_out() {
        let mut summary = fixtures::pairwise();
        summary.contenders[2].spend.cost_usd = None;
        let texts = texts(&chart_svg(&summary).unwrap());
        assert!(texts.iter().any(|t| t == "not plotted, no price: mock:beta"), "{texts:?}");
    }

    /// Writes the sample charts to `frontier-chart/` in the temporary directory, to look
    /// at them as images (`rsvg-convert pairwise.svg -o pairwise.png`):
    /// `cargo test --lib sample_charts -- --ignored`.
    #[test]
    #[ignore = "writes files for a person to look at"]
    fn sample_charts() {
        let dir = std::env::temp_dir().join("frontier-chart");
        std::fs::create_dir_all(&dir).unwrap();
        let mut crowded = fixtures::pairwise();
        let mut gamma = crowded.contenders[1].clone();
        gamma.label = "openrouter/anthropic/claude-sonnet-4.5".into();
        gamma.spend.cost_usd = Some(0.0066);
        if let Some(v) = gamma.versus.as_mut() {
            v.win_rate = Interval { estimate: 0.4, low: 0.22, high: 0.61 };
        }
        crowded.contenders.push(gamma);
        let samples = [
            ("pairwise", fixtures::pairwise()),
            ("mixed", fixtures::mixed()),
            ("partial", fixtures::partial()),
            ("crowded", crowded),
        ];
        for (name, summary) in samples {
            std::fs::write(dir.join(format!("{name}.svg")), chart_svg(&summary).unwrap()).unwrap();
        }
    }
}
