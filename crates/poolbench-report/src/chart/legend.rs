//! Legends: each model's glyph (its colour and marker, on a solid or dashed line) and, for a
//! merged report, a legend column beside the plot.
//!
//! One machine: plotters draws the legend inside the plot, one entry per model. Several
//! machines: an entry per (model, machine) would cover the plot, so a column on the right
//! lists each model once and each machine once (by its line style) instead.

use plotters::chart::SeriesAnno;
use plotters::coord::Shift;
use plotters::prelude::*;

use super::{fonts, model_colour, model_index};
use crate::data::WorkloadGroup;

/// Sets a series' legend glyph: the model's marker in its colour, the same one the chart draws,
/// on a short line when `line` says whether the line is dashed.
pub fn set_legend<'a, DB: DrawingBackend + 'a>(
    anno: &mut SeriesAnno<'a, DB>,
    model: &str,
    line: Option<bool>,
) {
    let colour = model_colour(model);
    let ((left, right), style) = glyph_line(colour, line);
    let base = move |(x, y): (i32, i32)| {
        EmptyElement::at((x + 12, y))
            + PathElement::new(left.clone(), style)
            + PathElement::new(right.clone(), style)
    };
    match model_index(model) % 4 {
        0 => anno.legend(move |p| base(p) + Circle::new((0, 0), 6, colour.filled())),
        1 => anno.legend(move |p| base(p) + TriangleMarker::new((0, 0), 8, colour.filled())),
        2 => anno.legend(move |p| base(p) + Circle::new((0, 0), 6, colour.stroke_width(3))),
        _ => anno.legend(move |p| base(p) + Cross::new((0, 0), 6, colour.stroke_width(3))),
    };
}

/// Draws a model's legend glyph (as [`set_legend`] sets it) centred at `at` on `area`.
fn draw_glyph<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    model: &str,
    line: Option<bool>,
    at: (i32, i32),
) -> Result<(), String> {
    let colour = model_colour(model);
    let ((left, right), style) = glyph_line(colour, line);
    let base =
        EmptyElement::at(at) + PathElement::new(left, style) + PathElement::new(right, style);
    match model_index(model) % 4 {
        0 => area.draw(&(base + Circle::new((0, 0), 6, colour.filled()))),
        1 => area.draw(&(base + TriangleMarker::new((0, 0), 8, colour.filled()))),
        2 => area.draw(&(base + Circle::new((0, 0), 6, colour.stroke_width(3)))),
        _ => area.draw(&(base + Cross::new((0, 0), 6, colour.stroke_width(3)))),
    }
    .map_err(|e| e.to_string())
}

/// A legend glyph's two line segments, in pixels relative to its marker.
type Segments = (Vec<(i32, i32)>, Vec<(i32, i32)>);

/// The two segments either side of a legend marker (a gap between them reads as a dashed
/// line; zero-length when there is no line) and their style.
fn glyph_line(colour: RGBColor, line: Option<bool>) -> (Segments, ShapeStyle) {
    let (left, right) = match line {
        None => (vec![(0, 0), (0, 0)], vec![(0, 0), (0, 0)]),
        Some(false) => (vec![(-13, 0), (0, 0)], vec![(0, 0), (13, 0)]),
        Some(true) => (vec![(-13, 0), (-7, 0)], vec![(7, 0), (13, 0)]),
    };
    ((left, right), colour.stroke_width(2))
}

/// A reference line in a legend: its label, colour and whether it is dashed.
pub type Reference = (String, RGBColor, bool);

/// Width of the legend column of a merged chart, pixels.
const SIDE_LEGEND_WIDTH: u32 = 300;

/// Splits a line chart's area: one machine keeps the whole area (its legend sits inside the
/// plot); a merged report gets a legend column on the right, since a (model, machine) entry per
/// series would cover the plot.
pub fn split_for_legend<DB: DrawingBackend>(
    area: DrawingArea<DB, Shift>,
    g: &WorkloadGroup,
) -> (DrawingArea<DB, Shift>, Option<DrawingArea<DB, Shift>>) {
    if !g.is_merged() {
        return (area, None);
    }
    let width = area.dim_in_pixel().0;
    let (plot, legend) = area.split_horizontally(width.saturating_sub(SIDE_LEGEND_WIDTH));
    (plot, Some(legend))
}

/// The legend column of a merged chart: the reference lines, one entry per model (its colour
/// and marker) and one per machine (its line style), instead of one per (model, machine).
pub fn draw_side_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    g: &WorkloadGroup,
    references: &[Reference],
    with_sequential: bool,
) -> Result<(), String> {
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
        draw_glyph(area, model, Some(false), (21, y))?;
        area.draw(&Text::new(
            model.to_owned(),
            (44, y - 9),
            label_font.clone(),
        ))
        .map_err(fail)?;
        y += row;
    }
    y += row / 2;
    for (machine, m) in g.machines.iter().enumerate() {
        for segment in line(y, RGBColor(90, 90, 90), machine % 2 == 1) {
            area.draw(&segment).map_err(fail)?;
        }
        area.draw(&Text::new(m.label.clone(), (44, y - 9), label_font.clone()))
            .map_err(fail)?;
        y += row;
    }
    Ok(())
}
