//! Legends: each model's glyph (its colour and marker, on a solid or dashed line) and, for a
//! merged report, a legend column beside the plot.
//!
//! One machine: plotters draws the legend inside the plot, one entry per model. Several
//! machines: an entry per (model, machine) would cover the plot, so a column on the right
//! lists each model once and each machine once (by its line style) instead.

use plotters::chart::SeriesAnno;
use plotters::coord::{CoordTranslate, Shift};
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

/// Width of the legend column of a merged chart, pixels.
const SIDE_LEGEND_WIDTH: u32 = 300;

/// Where a line chart's legend goes: inside the plot for one machine, or (for a merged
/// report, where a (model, machine) entry per series would cover the plot) in a column on the
/// right, listing each model once and each machine once.
pub struct Legend<'g, DB: DrawingBackend> {
    group: &'g WorkloadGroup,
    side: Option<DrawingArea<DB, Shift>>,
}

impl<DB: DrawingBackend> std::fmt::Debug for Legend<'_, DB> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Legend")
            .field("group", &self.group.slug)
            .field("side", &self.side.is_some())
            .finish()
    }
}

/// Splits a line chart's area into the plot and its [`Legend`].
pub fn split_for_legend<DB: DrawingBackend>(
    area: DrawingArea<DB, Shift>,
    g: &WorkloadGroup,
) -> (DrawingArea<DB, Shift>, Legend<'_, DB>) {
    if !g.is_merged() {
        return (
            area,
            Legend {
                group: g,
                side: None,
            },
        );
    }
    let width = area.dim_in_pixel().0;
    let (plot, side) = area.split_horizontally(width.saturating_sub(SIDE_LEGEND_WIDTH));
    let legend = Legend {
        group: g,
        side: Some(side),
    };
    (plot, legend)
}

impl<DB: DrawingBackend> Legend<'_, DB> {
    /// Whether the legend is a column beside the plot (a merged report).
    pub fn is_side(&self) -> bool {
        self.side.is_some()
    }

    /// Draws the legend of `chart`: inside the plot at `position` (the series' own entries),
    /// or in the side column with `references` first and then each model (the sequential one
    /// only `with_sequential`) and each machine.
    pub fn draw<'a, CT: CoordTranslate>(
        &self,
        chart: &mut ChartContext<'a, DB, CT>,
        position: SeriesLabelPosition,
        references: &[Reference],
        with_sequential: bool,
    ) -> Result<(), String>
    where
        DB: 'a,
    {
        if let Some(side) = &self.side {
            return draw_side_legend(side, self.group, references, with_sequential);
        }
        chart
            .configure_series_labels()
            .position(position)
            .background_style(WHITE.mix(0.85))
            .border_style(RGBColor(180, 180, 180))
            .label_font(fonts().2)
            .draw()
            .map_err(|e| e.to_string())
    }
}

/// The legend column of a merged chart: the reference lines, one entry per model (its colour
/// and marker) and one per machine (its line style), instead of one per (model, machine).
fn draw_side_legend<DB: DrawingBackend>(
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
        area.draw(&glyph(model, Some(false), (21, y)))
            .map_err(fail)?;
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
