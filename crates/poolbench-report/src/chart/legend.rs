//! Legends: a column beside the plot, never over it, with each reference line (in its own
//! colour and dash), each model's glyph (its colour and marker, on a line where the chart
//! draws lines) and, for a merged report, each machine once (by its line style) instead of an
//! entry per (model, machine).
//!
//! A legend inside the plot covered data on chart after chart (the W = 8 points, a whole
//! latency curve, the reference lines): no corner is empty on every chart, so none is used.

use plotters::coord::Shift;
use plotters::prelude::*;

use plotters::element::ComposedElement;

use poolbench_core::ModelStyle;

use super::{colour, fonts, ModelMarker};
use poolbench_compare::WorkloadGroup;

/// The dash (on, off, pixels) of every machine's lines but the first in a merged chart, and of
/// its swatch in the legend.
pub const MACHINE_DASH: (u32, u32) = (10, 6);

/// What [`glyph`] builds: a line segment and the marker, relative to one point.
type Glyph<DB> = ComposedElement<(i32, i32), DB, PathElement<(i32, i32)>, ModelMarker<(i32, i32)>>;

/// A model's legend glyph centred at `at`: its marker, in its colour, on a short solid line
/// when the chart draws lines (`with_line`); a zero-length segment is no line. (A merged
/// chart's machines are told apart by their own legend rows, not by the model's glyph.)
fn glyph<DB: DrawingBackend>(style: ModelStyle, with_line: bool, at: (i32, i32)) -> Glyph<DB> {
    let half = if with_line { 13 } else { 0 };
    EmptyElement::at(at)
        + PathElement::new(vec![(-half, 0), (half, 0)], colour(style).stroke_width(2))
        + ModelMarker::new((0, 0), style)
}

/// How a reference line is drawn: colour and dash (on, off) in pixels. The plot and its legend
/// both draw from the same value, so the swatch is the line.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LineStyle {
    pub colour: RGBColor,
    pub dash: (u32, u32),
}

impl LineStyle {
    /// The sequential time: a dotted grey line.
    pub const SEQUENTIAL: LineStyle = LineStyle {
        colour: RGBColor(80, 80, 80),
        dash: (4, 6),
    };
    /// The ideal (zero-overhead) time or speedup: long black dashes.
    pub const IDEAL: LineStyle = LineStyle {
        colour: BLACK,
        dash: (12, 6),
    };
    /// CPU = k × wall: mid-grey dashes.
    pub const CORES_BUSY: LineStyle = LineStyle {
        colour: RGBColor(150, 150, 150),
        dash: (6, 6),
    };

    /// The line through `points`, in this style.
    pub fn series<I>(self, points: I) -> DashedLineSeries<I::IntoIter, u32>
    where
        I: IntoIterator,
        I::IntoIter: Clone,
    {
        DashedLineSeries::new(
            points,
            self.dash.0,
            self.dash.1,
            self.colour.stroke_width(2),
        )
    }

    /// The legend swatch: the same dashes between x = `from` and `to` at height `y`.
    pub fn swatch(self, from: i32, to: i32, y: i32) -> Vec<PathElement<(i32, i32)>> {
        let (on, off) = (self.dash.0 as i32, self.dash.1 as i32);
        (from..to)
            .step_by((on + off).max(1) as usize)
            .map(|x| {
                PathElement::new(
                    vec![(x, y), ((x + on).min(to), y)],
                    self.colour.stroke_width(2),
                )
            })
            .collect()
    }
}

/// A reference line in a legend: its label and its style.
pub type Reference = (String, LineStyle);

/// Width of the legend column, pixels.
pub const SIDE_LEGEND_WIDTH: u32 = 300;

/// A chart's legend: a column on the right of the plot.
pub struct Legend<'g, DB: DrawingBackend> {
    group: &'g WorkloadGroup,
    side: DrawingArea<DB, Shift>,
    /// The chart draws each model as points with no line between them.
    points_only: bool,
}

impl<DB: DrawingBackend> std::fmt::Debug for Legend<'_, DB> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Legend")
            .field("group", &self.group.slug)
            .field("points_only", &self.points_only)
            .finish()
    }
}

/// Splits a chart's area into the plot and its [`Legend`] column.
pub fn split_for_legend<DB: DrawingBackend>(
    area: DrawingArea<DB, Shift>,
    g: &WorkloadGroup,
) -> (DrawingArea<DB, Shift>, Legend<'_, DB>) {
    let width = area.dim_in_pixel().0;
    let (plot, side) = area.split_horizontally(width.saturating_sub(SIDE_LEGEND_WIDTH));
    let legend = Legend {
        group: g,
        side,
        points_only: false,
    };
    (plot, legend)
}

impl<DB: DrawingBackend> Legend<'_, DB> {
    /// The legend of a chart that draws models as points only: their glyphs have no line.
    pub fn points_only(mut self, points_only: bool) -> Self {
        self.points_only = points_only;
        self
    }

    /// Draws the legend: `references` first, then each model (the sequential one only
    /// `with_sequential`) and, in a merged report, each machine.
    pub fn draw(&self, references: &[Reference], with_sequential: bool) -> Result<(), String> {
        draw_side_legend(self, references, with_sequential)
    }
}

/// Draws one legend row per `(style, label)` from height `y` down — the model's glyph (on a
/// line `with_line`) and the label — and returns the height below the last row.
pub fn draw_model_entries<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[(ModelStyle, &str)],
    with_line: bool,
    mut y: i32,
) -> Result<i32, String> {
    let (_, _, label_font) = fonts();
    for (style, label) in entries {
        area.draw(&glyph(*style, with_line, (21, y)))
            .map_err(|e| e.to_string())?;
        area.draw(&Text::new(
            (*label).to_owned(),
            (44, y - 9),
            label_font.clone(),
        ))
        .map_err(|e| e.to_string())?;
        y += LEGEND_ROW;
    }
    Ok(y)
}

/// The height of a legend row, pixels.
const LEGEND_ROW: i32 = 24;

/// The legend column: the reference lines, one entry per model (its colour and marker) and, in
/// a merged report, one per machine (its line style) instead of one per (model, machine).
fn draw_side_legend<DB: DrawingBackend>(
    legend: &Legend<'_, DB>,
    references: &[Reference],
    with_sequential: bool,
) -> Result<(), String> {
    let (area, g) = (&legend.side, legend.group);
    let (_, _, label_font) = fonts();
    let fail = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    let mut models: Vec<&str> = g
        .series
        .iter()
        .map(|s| s.model.as_str())
        .filter(|m| with_sequential || !g.book.is_oracle(m))
        .collect();
    models.dedup();
    let row = 24;
    let mut y = 40;
    for (label, style) in references {
        for segment in style.swatch(8, 34, y) {
            area.draw(&segment).map_err(fail)?;
        }
        area.draw(&Text::new(label.clone(), (44, y - 9), label_font.clone()))
            .map_err(fail)?;
        y += row;
    }
    y += row / 2;
    let entries: Vec<(ModelStyle, &str)> = models.iter().map(|m| (g.book.style(m), *m)).collect();
    y = draw_model_entries(area, &entries, !legend.points_only, y)?;
    y += row / 2;
    let machines = if g.is_merged() { &g.machines[..] } else { &[] };
    for (machine, m) in machines.iter().enumerate() {
        let machine_line = LineStyle {
            colour: RGBColor(90, 90, 90),
            // The first machine's lines are solid; the others' dashed, 10 on, 6 off.
            dash: if machine % 2 == 1 {
                MACHINE_DASH
            } else {
                (26, 0)
            },
        };
        for segment in machine_line.swatch(8, 34, y) {
            area.draw(&segment).map_err(fail)?;
        }
        area.draw(&Text::new(m.label.clone(), (44, y - 9), label_font.clone()))
            .map_err(fail)?;
        y += row;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use plotters::element::PointCollection;

    /// Each swatch segment's (start, end) x.
    fn segments(style: LineStyle) -> Vec<(i32, i32)> {
        style
            .swatch(8, 34, 0)
            .iter()
            .map(|segment| {
                let xs: Vec<i32> = segment.point_iter().iter().map(|p| p.0).collect();
                (xs[0], xs[1])
            })
            .collect()
    }

    #[test]
    fn a_swatch_has_its_lines_dashes_and_gaps() {
        for style in [
            LineStyle::SEQUENTIAL,
            LineStyle::IDEAL,
            LineStyle::CORES_BUSY,
        ] {
            let (on, off) = (style.dash.0 as i32, style.dash.1 as i32);
            let parts = segments(style);
            assert!(parts.len() >= 2, "{style:?}: {parts:?}");
            for (i, (start, end)) in parts.iter().enumerate() {
                let last = i + 1 == parts.len();
                assert!(
                    end - start == on || (last && end - start <= on),
                    "{style:?}: {parts:?}"
                );
                if let Some((next, _)) = parts.get(i + 1) {
                    assert_eq!(next - end, off, "{style:?}: {parts:?}");
                }
            }
        }
        // The three are told apart by their dashes.
        let dashes = [
            LineStyle::SEQUENTIAL,
            LineStyle::IDEAL,
            LineStyle::CORES_BUSY,
        ]
        .map(|s| s.dash);
        assert!(dashes[0] != dashes[1] && dashes[1] != dashes[2] && dashes[0] != dashes[2]);
    }
}
