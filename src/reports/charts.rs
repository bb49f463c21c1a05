//! The charts of the report pages, drawn by `plotters` into SVG: a funnel
//! (horizontal bars), grouped bars (rates per branch, difficulty per
//! locale) and lines (weekly activity).
//!
//! Text stays text (`<text>` elements, no glyph outlines), so the reader's
//! browser shapes Thai and Chinese with its own fonts and screen readers
//! can read the labels. plotters escapes `< > & " '` in labels; control
//! characters are not allowed in XML at all, so they are replaced before a
//! label reaches it. plotters estimates text widths from bytes without
//! fonts, so label areas are sized here by hand. Each chart carries a
//! `<title>` and `<desc>`; the page shows the same figures in a table.

use plotters::chart::DualCoordChartContext;
use plotters::coord::Shift;
use plotters::coord::ranged1d::SegmentedCoord;
use plotters::coord::types::{RangedCoordf64, RangedCoordi32};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// The drawn size; the page scales the SVG to its column (it has a viewBox).
const WIDTH: u32 = 720;
/// The family the SVG names; the page's stylesheet sets the real stack.
const FONT: &str = "sans-serif";
const LABEL_SIZE: u32 = 15;
/// Longest label drawn, in characters (the table beside has the whole text).
const LABEL_CHARS: usize = 28;

/// The series colours (distinguishable in grey print and for the common
/// colour-vision deficiencies: blue, orange, green-blue, purple, vermilion).
pub(crate) const PALETTE: [RGBColor; 5] = [
    RGBColor(0x0b, 0x5c, 0x8a),
    RGBColor(0xe6, 0x9f, 0x00),
    RGBColor(0x00, 0x9e, 0x73),
    RGBColor(0x8e, 0x44, 0xad),
    RGBColor(0xd5, 0x5e, 0x00),
];
const HIGHLIGHT: RGBColor = RGBColor(0xb3, 0x26, 0x1e);
const GRID: RGBColor = RGBColor(0xdd, 0xdd, 0xdd);

/// What a chart is about, for its `<title>` and `<desc>`.
pub(crate) struct About {
    /// Unique on the page: the ids of the title and description.
    pub id: &'static str,
    pub title: String,
    pub description: String,
}

/// One series of a bar or line chart: a value per category (None: no bar).
pub(crate) struct Series {
    pub name: String,
    pub values: Vec<Option<f64>>,
}

/// A label as plotters may write it: no control characters (XML forbids
/// them even escaped), not longer than [`LABEL_CHARS`].
pub(crate) fn label(text: &str) -> String {
    let clean = label_text(text);
    if clean.chars().count() > LABEL_CHARS {
        let mut short: String = clean.chars().take(LABEL_CHARS - 1).collect();
        short.push('…');
        short
    } else {
        clean
    }
}

type Drawn = Result<(), Box<dyn std::error::Error>>;

/// Draws into an SVG string and gives it its title, description and role.
fn svg(about: &About, height: u32, draw: impl FnOnce(DrawingArea<SVGBackend<'_>, Shift>) -> Drawn) -> Option<String> {
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (WIDTH, height)).into_drawing_area();
        if let Err(err) = draw(root) {
            tracing::error!(chart = about.id, "chart not drawn: {err}");
            return None;
        }
    }
    let open = out.find("<svg ")?;
    let end = open + out[open..].find('>')?;
    let head = format!(
        concat!(
            r#" class="chart" role="img" aria-labelledby="{id}-title {id}-desc">"#,
            r#"<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>"#
        ),
        id = about.id,
        title = crate::text::escape_html(&label_text(&about.title)),
        desc = crate::text::escape_html(&label_text(&about.description)),
    );
    out.replace_range(end..=end, &head);
    Some(out[open..].to_string())
}

/// Any text for the SVG without control characters (not shortened).
fn label_text(text: &str) -> String {
    text.chars().map(|c| if c.is_control() { '\u{FFFD}' } else { c }).collect()
}

fn font(size: u32) -> TextStyle<'static> {
    (FONT, size).into_font().color(&BLACK)
}

/// Horizontal bars, top to bottom: the funnel of a cohort. `counts` go with
/// `stages`; each bar is labelled with its count (formatted by `number`).
pub(crate) fn funnel(about: &About, stages: &[String], counts: &[i64], number: &dyn Fn(f64) -> String) -> Option<String> {
    let n = i32::try_from(stages.len()).ok().filter(|n| *n > 0)?;
    let max = counts.iter().copied().max().unwrap_or(0).max(1) as f64 * 1.15;
    let height = 60 + 44 * u32::try_from(n).ok()?;
    svg(about, height, |root| {
        root.fill(&WHITE)?;
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .x_label_area_size(32)
            .y_label_area_size(190)
            .build_cartesian_2d(0f64..max, (0..n - 1).into_segmented())?
            .set_secondary_coord(0f64..max, 0f64..f64::from(n));
        let names: Vec<String> = stages.iter().map(|s| label(s)).collect();
        chart
            .configure_mesh()
            .disable_y_mesh()
            .max_light_lines(1)
            .light_line_style(GRID)
            .y_labels(stages.len())
            .y_label_formatter(&|v| match v {
                // Row 0 is at the bottom: the first stage is drawn on top.
                SegmentValue::CenterOf(row) => usize::try_from(n - 1 - *row)
                    .ok()
                    .and_then(|i| names.get(i).cloned())
                    .unwrap_or_default(),
                _ => String::new(),
            })
            .x_label_formatter(&|v| number(*v))
            .label_style(font(LABEL_SIZE))
            .draw()?;
        let rows = counts.iter().enumerate().map(|(i, &count)| {
            let row = f64::from(n) - 1.0 - i as f64;
            (row, count as f64)
        });
        chart.draw_secondary_series(
            rows.clone()
                .map(|(row, v)| Rectangle::new([(0.0, row + 0.18), (v, row + 0.82)], PALETTE[0].filled())),
        )?;
        chart.draw_secondary_series(rows.map(|(row, v)| {
            Text::new(
                number(v),
                (v + max * 0.01, row + 0.5),
                font(LABEL_SIZE).pos(Pos::new(HPos::Left, VPos::Center)),
            )
        }))?;
        root.present()?;
        Ok(())
    })
}

/// Vertical bars grouped by category (a bar per series in each), on a
/// scale from 0 to `top`; `flagged` (category, series) bars are outlined
/// in red and marked with "!". A legend names the series.
pub(crate) fn grouped_bars(
    about: &About,
    categories: &[String],
    series: &[Series],
    top: f64,
    flagged: &[(usize, usize)],
    value: &dyn Fn(f64) -> String,
) -> Option<String> {
    let k = series.len().max(1) as f64;
    over_categories(about, categories, top, value, series, |chart| {
        let width = 0.8 / k;
        for (s, one) in series.iter().enumerate() {
            let color = PALETTE[s % PALETTE.len()];
            let left = |c: usize| c as f64 + 0.1 + s as f64 * width;
            chart.draw_secondary_series(
                one.values
                    .iter()
                    .enumerate()
                    .filter_map(|(c, v)| v.map(|v| (c, v)))
                    .map(move |(c, v)| Rectangle::new([(left(c), 0.0), (left(c) + width, v.max(0.0))], color.filled())),
            )?;
            let marked: Vec<(usize, f64)> = one
                .values
                .iter()
                .enumerate()
                .filter(|(c, _)| flagged.contains(&(*c, s)))
                .map(|(c, v)| (c, v.unwrap_or(0.0).max(0.0)))
                .collect();
            chart.draw_secondary_series(
                marked
                    .iter()
                    .map(|&(c, v)| Rectangle::new([(left(c), 0.0), (left(c) + width, v)], HIGHLIGHT.stroke_width(3))),
            )?;
            chart.draw_secondary_series(marked.iter().map(|&(c, v)| {
                Text::new(
                    "!",
                    (left(c) + width / 2.0, (v + top * 0.02).min(top)),
                    ("sans-serif", 18)
                        .into_font()
                        .style(FontStyle::Bold)
                        .color(&HIGHLIGHT)
                        .pos(Pos::new(HPos::Center, VPos::Bottom)),
                )
            }))?;
        }
        Ok(())
    })
}

/// A line per series over the weeks, with a dot on each week.
pub(crate) fn lines(about: &About, weeks: &[String], series: &[Series], number: &dyn Fn(f64) -> String) -> Option<String> {
    let top = series
        .iter()
        .flat_map(|s| s.values.iter().flatten())
        .fold(0f64, |a, &b| a.max(b))
        .max(4.0)
        * 1.1;
    over_categories(about, weeks, top, number, series, |chart| {
        for (s, one) in series.iter().enumerate() {
            let color = PALETTE[s % PALETTE.len()];
            let points: Vec<(f64, f64)> = one
                .values
                .iter()
                .enumerate()
                .map(|(w, v)| (w as f64 + 0.5, v.unwrap_or(0.0)))
                .collect();
            chart.draw_secondary_series(LineSeries::new(points.clone(), color.stroke_width(3)))?;
            chart.draw_secondary_series(points.into_iter().map(|p| Circle::new(p, 4, color.filled())))?;
        }
        Ok(())
    })
}

/// The frame bars and lines share: one segment per category on the x axis
/// (labelled, shortened by [`label`]), 0 to `top` on the y axis (labelled
/// by `value`), a secondary x axis from 0 to the number of categories on
/// which `draw` places the series (category `c` spans `c..c + 1`), and the
/// legend under the plot.
fn over_categories(
    about: &About,
    categories: &[String],
    top: f64,
    value: &dyn Fn(f64) -> String,
    series: &[Series],
    draw: impl FnOnce(&mut CategoryChart<'_, '_>) -> Drawn,
) -> Option<String> {
    let n = i32::try_from(categories.len()).ok().filter(|n| *n > 0)?;
    let names: Vec<String> = categories.iter().map(|c| label(c)).collect();
    svg(about, 380, |root| {
        root.fill(&WHITE)?;
        let (plot, legend) = root.split_vertically(330);
        let mut chart = ChartBuilder::on(&plot)
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(64)
            .build_cartesian_2d((0..n - 1).into_segmented(), 0f64..top)?
            .set_secondary_coord(0f64..f64::from(n), 0f64..top);
        chart
            .configure_mesh()
            .disable_x_mesh()
            .max_light_lines(1)
            .light_line_style(GRID)
            .x_labels(categories.len())
            .x_label_formatter(&|v| match v {
                SegmentValue::CenterOf(i) => usize::try_from(*i).ok().and_then(|i| names.get(i).cloned()).unwrap_or_default(),
                _ => String::new(),
            })
            .y_label_formatter(&|v| value(*v))
            .label_style(font(LABEL_SIZE))
            .draw()?;
        draw(&mut chart)?;
        draw_legend(&legend, series)?;
        root.present()?;
        Ok(())
    })
}

/// A chart over categories as `over_categories` builds it.
type CategoryChart<'a, 'b> = DualCoordChartContext<
    'a,
    SVGBackend<'b>,
    Cartesian2d<SegmentedCoord<RangedCoordi32>, RangedCoordf64>,
    Cartesian2d<RangedCoordf64, RangedCoordf64>,
>;

/// The series' names with their colours, in a row under the plot.
fn draw_legend(area: &DrawingArea<SVGBackend<'_>, Shift>, series: &[Series]) -> Drawn {
    let slots = area.split_evenly((1, series.len().max(1)));
    for ((s, one), slot) in series.iter().enumerate().zip(slots) {
        let color = PALETTE[s % PALETTE.len()];
        slot.draw(&Rectangle::new([(76, 14), (94, 32)], color.filled()))?;
        slot.draw(&Text::new(
            label(&one.name),
            (100, 23),
            font(LABEL_SIZE).pos(Pos::new(HPos::Left, VPos::Center)),
        ))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn about() -> About {
        About {
            id: "t",
            title: "Title <b>".into(),
            description: "A & B".into(),
        }
    }

    #[test]
    fn labels_are_escaped_and_free_of_control_characters() {
        let stages = vec!["<script>&\u{1}x".to_string(), "รุ่นที่ 1".to_string()];
        let svg = funnel(&about(), &stages, &[3, 2], &|v| format!("{v}")).unwrap();
        assert!(svg.starts_with("<svg "), "{svg}");
        assert!(svg.contains("&lt;script&gt;&amp;\u{FFFD}x"), "{svg}");
        assert!(!svg.contains("<script") && !svg.contains('\u{1}'));
        assert!(svg.contains("รุ่นที่ 1"));
        assert!(svg.contains(r#"<title id="t-title">Title &lt;b&gt;</title><desc id="t-desc">A &amp; B</desc>"#));
        assert!(svg.contains(r#"role="img""#) && svg.contains("viewBox"));
        assert!(!svg.contains("style="), "no inline style: the page's CSP allows none");
        assert!(svg.contains("<text"), "labels are text");
    }

    #[test]
    fn grouped_bars_mark_the_flagged_ones() {
        let series = vec![
            Series {
                name: "en".into(),
                values: vec![Some(0.8), Some(0.5)],
            },
            Series {
                name: "th".into(),
                values: vec![Some(0.2), None],
            },
        ];
        let svg = grouped_bars(&about(), &["1".into(), "2".into()], &series, 1.0, &[(0, 1)], &|v| format!("{v}")).unwrap();
        assert_eq!(svg.matches(">\n!\n<").count(), 1, "{svg}");
        assert!(svg.contains("#B3261E") || svg.contains("#b3261e"), "{svg}");
        let lines = lines(&about(), &["W1".into(), "W2".into()], &series, &|v| format!("{v}")).unwrap();
        assert!(lines.contains("<polyline") || lines.contains("<path"), "{lines}");
    }

    #[test]
    fn long_labels_are_shortened() {
        assert_eq!(label(&"ก".repeat(40)).chars().count(), LABEL_CHARS);
        assert_eq!(label("short"), "short");
    }
}
