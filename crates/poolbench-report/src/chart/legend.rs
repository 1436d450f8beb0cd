//! Legends: a column beside the plot, never over it, with each reference line (in its own
//! colour and dash), each model's glyph (its colour and marker, on a line where the chart
//! draws lines) and, for a merged report, each machine once (by its line style) instead of an
//! entry per (model, machine).
//!
//! A legend inside the plot covered data on chart after chart (the W = 8 points, a whole
//! latency curve, the reference lines): no corner is empty on every chart, so none is used.

use plotters::chart::SeriesAnno;
use plotters::coord::Shift;
use plotters::prelude::*;

use plotters::element::ComposedElement;

use super::{fonts, model_colour, ModelMarker};
use crate::data::WorkloadGroup;

/// Sets a series' legend glyph: the model's marker in its colour, the same one the chart draws,
/// on a short line when `line` says whether the line is dashed.
pub fn set_legend<'a, DB: DrawingBackend + 'a>(
    anno: &mut SeriesAnno<'a, DB>,
    model: &str,
    line: Option<bool>,
) {
    let model = model.to_owned();
    anno.legend(move |(x, y)| glyph(&model, line, (x + 12, y)));
}

/// What [`glyph`] builds: two line segments and the marker, relative to one point.
type Glyph<DB> = ComposedElement<
    (i32, i32),
    DB,
    PathElement<(i32, i32)>,
    ComposedElement<(i32, i32), DB, PathElement<(i32, i32)>, ModelMarker<(i32, i32)>>,
>;

/// A model's legend glyph centred at `at`: its marker on a short line in its colour; two
/// segments with a gap read as a dashed line, zero-length ones as no line.
fn glyph<DB: DrawingBackend>(model: &str, line: Option<bool>, at: (i32, i32)) -> Glyph<DB> {
    let (left, right) = match line {
        None => (vec![(0, 0), (0, 0)], vec![(0, 0), (0, 0)]),
        Some(false) => (vec![(-13, 0), (0, 0)], vec![(0, 0), (13, 0)]),
        Some(true) => (vec![(-13, 0), (-7, 0)], vec![(7, 0), (13, 0)]),
    };
    let style = model_colour(model).stroke_width(2);
    EmptyElement::at(at)
        + PathElement::new(left, style)
        + PathElement::new(right, style)
        + ModelMarker::new((0, 0), model)
}

/// A reference line in a legend: its label, colour and whether it is dashed.
pub type Reference = (String, RGBColor, bool);

/// Width of the legend column, pixels.
const SIDE_LEGEND_WIDTH: u32 = 300;

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
        .filter(|m| with_sequential || *m != "sequential")
        .collect();
    models.dedup();
    let row = 24;
    let mut y = 40;
    let line = |y: i32, colour: RGBColor, dashed: bool| -> Vec<PathElement<(i32, i32)>> {
        let style = colour.stroke_width(2);
        if dashed {
            vec![
                PathElement::new(vec![(8, y), (18, y)], style),
                PathElement::new(vec![(24, y), (34, y)], style),
            ]
        } else {
            vec![PathElement::new(vec![(8, y), (34, y)], style)]
        }
    };
    for (label, colour, dashed) in references {
        for segment in line(y, *colour, *dashed) {
            area.draw(&segment).map_err(fail)?;
        }
        area.draw(&Text::new(label.clone(), (44, y - 9), label_font.clone()))
            .map_err(fail)?;
        y += row;
    }
    y += row / 2;
    for model in models {
        let line = (!legend.points_only).then_some(false);
        area.draw(&glyph(model, line, (21, y))).map_err(fail)?;
        area.draw(&Text::new(
            model.to_owned(),
            (44, y - 9),
            label_font.clone(),
        ))
        .map_err(fail)?;
        y += row;
    }
    y += row / 2;
    let machines = if g.is_merged() { &g.machines[..] } else { &[] };
    for (machine, m) in machines.iter().enumerate() {
        for segment in line(y, RGBColor(90, 90, 90), machine % 2 == 1) {
            area.draw(&segment).map_err(fail)?;
        }
        area.draw(&Text::new(m.label.clone(), (44, y - 9), label_font.clone()))
            .map_err(fail)?;
        y += row;
    }
    Ok(())
}
