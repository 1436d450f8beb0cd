//! The seed articles' "performance comparison chart", done carefully: every model's median at
//! one worker count, with the 95 % confidence interval of the median as an error bar.

use plotters::coord::Shift;
use plotters::prelude::*;
use poolbench_core::WorkloadRole;

use plotters::coord::ranged1d::{AsRangedCoord, ValueFormatter};
use plotters::coord::types::RangedCoordf64;

use super::{
    colour, fonts, header, linear_ticks, log_extent, name_at, plot_px, seconds_label,
    seconds_labels, x_log_ticks, Figure, LinearAt,
};
use poolbench_compare::WorkloadGroup;
use poolbench_core::ModelStyle;

/// Chart (3): one bar per model at W = each machine's comparison worker count (its cores
/// where measured, see [`WorkloadGroup::comparison_workers`]); the sequential bar is at W = 1.
#[derive(Debug)]
pub struct BarsAtW<'a> {
    pub group: &'a WorkloadGroup,
    pub conditions: String,
}

/// Where the bars compare models: `("w4", "W = 4")` when every machine is compared at the
/// same W, `("cores", "each machine's core count")` when a merged report compares each machine
/// at its own.
pub(super) fn at_what(g: &WorkloadGroup) -> (String, String) {
    let mut ws: Vec<usize> = (0..g.machines.len().max(1))
        .map(|m| g.comparison_workers(m))
        .collect();
    ws.sort_unstable();
    ws.dedup();
    match ws.as_slice() {
        [w] => (format!("w{w}"), format!("W = {w}")),
        _ => ("cores".to_owned(), "each machine's core count".to_owned()),
    }
}

impl Figure for BarsAtW<'_> {
    fn name(&self) -> String {
        format!("models-at-{}-{}", at_what(self.group).0, self.group.slug)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let g = self.group;
        let title = format!("All models at {}: {}", at_what(g).1, g.workload);
        let area = header(root, &title, g, &self.conditions)?;
        let bars = g.at(|machine| g.comparison_workers(machine));
        let top = bars
            .iter()
            .map(|(_, p)| p.ci.1.max(p.median))
            .fold(0.0f64, f64::max);
        let names: Vec<String> = bars
            .iter()
            .map(|(s, p)| {
                if s.oracle || g.is_merged() {
                    format!("{} (W={})", s.label, p.workers)
                } else {
                    s.label.clone()
                }
            })
            .collect();
        let bars: Vec<Bar> = bars
            .iter()
            .zip(names)
            .map(|((series, point), name)| Bar {
                style: series.style,
                name,
                median: point.median,
                ci: point.ci,
            })
            .collect();
        let label_area = if g.is_merged() { 380 } else { 190 };
        let (bottom, _) = log_extent(bars.iter().map(|b| b.ci.0.min(b.median)).chain([top]), 1e-9);
        // When one bar (usually the sequential one) dwarfs the rest by more than 20x, a linear
        // axis would squash them to slivers: switch to a log axis and say so.
        if top / bottom > 20.0 {
            let ticks = x_log_ticks(bottom, top, (bottom / 2.0, top * 2.5), plot_px(label_area));
            let x = (bottom / 2.0..top * 2.5)
                .log_scale()
                .with_key_points(ticks.clone());
            let label = seconds_labels(&ticks);
            draw_bars(&area, x, &label, bottom / 2.0, label_area, true, &bars)
        } else {
            let ticks = linear_ticks(0.0, top);
            let label = seconds_labels(&ticks);
            draw_bars(
                &area,
                LinearAt::new(0.0..top * 1.18, ticks),
                &label,
                0.0,
                label_area,
                false,
                &bars,
            )
        }
    }
}

/// A chart with one row per name on its y axis, first on top (names stay readable on a
/// slide), and `x` across, its mesh drawn: the frame of the one-W bars, the per-task overhead
/// dots and the phase bars.
pub(super) fn row_chart<'a, DB, X>(
    area: &'a DrawingArea<DB, Shift>,
    x: X,
    names: &[String],
    label_area: u32,
    x_desc: &str,
    x_label: &dyn Fn(&f64) -> String,
) -> Result<ChartContext<'a, DB, Cartesian2d<X::CoordDescType, RangedCoordf64>>, String>
where
    DB: DrawingBackend,
    X: AsRangedCoord<Value = f64>,
    X::CoordDescType: ValueFormatter<f64>,
{
    let (_, axis_font, label_font) = fonts();
    let n = names.len() as f64;
    let mut chart = ChartBuilder::on(area)
        .margin(24)
        .x_label_area_size(60)
        .y_label_area_size(label_area)
        .build_cartesian_2d(x, -0.5f64..n - 0.5)
        .map_err(|e| e.to_string())?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(names.len().max(1))
        .y_label_formatter(&|y| name_at(names, *y))
        .x_desc(x_desc)
        .x_label_formatter(x_label)
        .axis_desc_style(axis_font)
        .label_style(label_font)
        .light_line_style(RGBColor(235, 235, 235))
        .draw()
        .map_err(|e| e.to_string())?;
    Ok(chart)
}

/// One bar: a model's median at the compared W, with the interval of the median.
struct Bar {
    style: ModelStyle,
    name: String,
    median: f64,
    ci: (f64, f64),
}

/// Draws horizontal bars (model names stay readable on a slide), first on top, each with its
/// whisker and its value written beside it, on an x axis of `x`'s kind whose bars start at
/// `origin`.
fn draw_bars<DB, X>(
    area: &DrawingArea<DB, Shift>,
    x: X,
    x_label: &dyn Fn(&f64) -> String,
    origin: f64,
    label_area: u32,
    log: bool,
    bars: &[Bar],
) -> Result<(), String>
where
    DB: DrawingBackend,
    X: AsRangedCoord<Value = f64>,
    X::CoordDescType: ValueFormatter<f64>,
{
    let (_, _, label_font) = fonts();
    let names: Vec<String> = bars.iter().map(|b| b.name.clone()).collect();
    let n = bars.len() as f64;
    // A bar's length is read from zero, which a log axis does not have: there, a dot.
    let x_desc = if log {
        "median batch time (dot) with the 95% interval of the median (whisker), log scale"
    } else {
        "median batch time (bar) with the 95% interval of the median (whisker)"
    };
    let mut chart = row_chart(area, x, &names, label_area, x_desc, x_label)?;
    for (i, bar) in bars.iter().enumerate() {
        let y = n - 1.0 - i as f64;
        if log {
            draw_dot(&mut chart, origin, bar.median, y, bar.style)?;
        } else {
            chart
                .draw_series([Rectangle::new(
                    [(origin, y - 0.35), (bar.median, y + 0.35)],
                    colour(bar.style).filled(),
                )])
                .map_err(|e| e.to_string())?;
        }
        let whisker = BLACK.stroke_width(2);
        let (lo, hi) = bar.ci;
        chart
            .draw_series([
                PathElement::new([(lo, y), (hi, y)], whisker),
                PathElement::new([(lo, y - 0.15), (lo, y + 0.15)], whisker),
                PathElement::new([(hi, y - 0.15), (hi, y + 0.15)], whisker),
            ])
            .map_err(|e| e.to_string())?;
        // The value 10 px right of whichever ends last, the bar or its whisker, centred on the
        // row: never on the whisker, whatever the scale.
        let right = hi.max(bar.median);
        chart
            .draw_series([EmptyElement::at((right, y))
                + Text::new(seconds_label(bar.median), (10, -10), label_font.clone())])
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// A dot-plot row on a log axis: a faint guide from the axis at `from` and a dot in the model's
/// colour at `value`.
pub(super) fn draw_dot<DB, X>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<X, plotters::coord::types::RangedCoordf64>>,
    from: f64,
    value: f64,
    y: f64,
    style: ModelStyle,
) -> Result<(), String>
where
    DB: DrawingBackend,
    X: Ranged<ValueType = f64>,
{
    chart
        .draw_series([PathElement::new(
            [(from, y), (value, y)],
            RGBColor(200, 200, 200).stroke_width(1),
        )])
        .map_err(|e| e.to_string())?;
    chart
        .draw_series([Circle::new((value, y), 9, colour(style).filled())])
        .map_err(|e| e.to_string())?;
    Ok(())
}

/// This chart in a workload's section: every model at one W (not for overhead probes). (Listed in [`super::SECTION_CHARTS`].)
pub(crate) fn section(
    g: &WorkloadGroup,
    conditions: &str,
) -> Option<Result<super::Rendered, super::ChartError>> {
    let chart = BarsAtW {
        group: g,
        conditions: conditions.to_owned(),
    };
    (g.role != WorkloadRole::OverheadProbe).then(|| super::render(&chart))
}
