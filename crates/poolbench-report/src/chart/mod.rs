//! Charts: one file per kind, each a [`Figure`] drawn as SVG, and a PNG rasterised from that
//! SVG (`render.rs`).
//!
//! Text is drawn with the DejaVu Sans font embedded in the binary (registered once with
//! plotters' `ab_glyph` backend, and loaded into resvg's font database for the PNG), so charts
//! render the same on a machine with no fonts at all.
//! Every model keeps one colour and marker in every chart: the style its results file records,
//! read from the report's [`poolbench_compare::ModelBook`], which every group and series carries.

mod bars;
mod breakeven;
mod cpu;
mod frame;
mod latency;
mod legend;
mod marker;
mod order;
mod overhead;
mod phases;
mod render;
mod scaling;
mod speedup;
mod ticks;
mod timeline;
mod trend;

use plotters::prelude::*;

use poolbench_core::ModelStyle;

use crate::Series;

pub use breakeven::{BreakEvenChart, EfficiencyLine};
pub(crate) use frame::wrap_at_separators;
pub use frame::{fonts, header};
pub use legend::{split_for_legend, Legend, LineStyle, MACHINE_DASH, SIDE_LEGEND_WIDTH};
pub use marker::ModelMarker;
pub use order::CompletionOrder;
pub use poolbench_compare::trend::{Trend, TrendChange, TrendPoint, TrendSeries};
pub use render::{render, ChartError, Figure, Rendered};
pub use ticks::{
    linear_ticks, log2_ticks, log_ticks, number_labels, seconds_labels, worker_ticks, x_log_ticks,
    LinearAt,
};
pub use timeline::{traced_cells, Timeline, TracedCell, LANGUAGES as TIMELINE_LANGUAGES};

/// Pixel size of every chart: 16:10, readable on a projector.
pub const SIZE: (u32, u32) = (1120, 700);

/// About how wide a chart's plot is beside `beside` pixels of y labels and legend column: the
/// chart less its two 24 px margins and those (for spacing x-axis labels).
pub fn plot_px(beside: u32) -> f64 {
    f64::from(SIZE.0.saturating_sub(48 + beside))
}

/// The charts of a workload's section, in the order the report shows them: each says
/// whether a group gets it. Adding a kind of chart is a file with its [`Figure`] and a
/// `section` function, and a line here.
pub(crate) static SECTION_CHARTS: &[SectionChart] = &[
    scaling::section,
    phases::section,
    overhead::section,
    speedup::section,
    bars::section,
    latency::section,
    cpu::section,
];

/// A chart of a workload's section for a group (and the report's conditions line), or `None`
/// where the group has nothing it would show.
pub(crate) type SectionChart =
    fn(&crate::WorkloadGroup, &str) -> Option<Result<Rendered, ChartError>>;

/// The colour of a style, as plotters takes it.
pub fn colour(style: ModelStyle) -> RGBColor {
    let [r, g, b] = style.colour;
    RGBColor(r, g, b)
}

/// Draws `points` with the marker of `style` (see [`ModelMarker`]).
pub fn draw_markers<'a, DB, X, Y>(
    chart: &mut ChartContext<'a, DB, Cartesian2d<X, Y>>,
    style: ModelStyle,
    points: &[(X::ValueType, Y::ValueType)],
) -> Result<(), String>
where
    DB: DrawingBackend + 'a,
    X: Ranged,
    Y: Ranged,
    X::ValueType: Clone + 'static,
    Y::ValueType: Clone + 'static,
{
    chart
        .draw_series(points.iter().map(|p| ModelMarker::new(p.clone(), style)))
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// Draws one series' line through `points`, with no markers: solid for the first machine of
/// a merged report, dashed ([`MACHINE_DASH`]) for the others. (Its legend entry is the legend
/// column's, see [`Legend`].)
pub fn draw_model_line_only<'a, DB, X, Y>(
    chart: &mut ChartContext<'a, DB, Cartesian2d<X, Y>>,
    series: &Series,
    points: Vec<(X::ValueType, Y::ValueType)>,
) -> Result<(), String>
where
    DB: DrawingBackend + 'a,
    X: Ranged,
    Y: Ranged,
    X::ValueType: Clone + 'static,
    Y::ValueType: Clone + 'static,
{
    let style = colour(series.style).stroke_width(2);
    let drawn = if series.machine % 2 == 1 {
        let (on, off) = MACHINE_DASH;
        chart.draw_series(DashedLineSeries::new(points, on, off, style))
    } else {
        chart.draw_series(LineSeries::new(points, style))
    };
    drawn.map(|_| ()).map_err(|e| e.to_string())
}

/// Draws one series' line through `points` and its markers: solid for the first machine of a
/// merged report, dashed for the others.
pub fn draw_model_line<'a, DB, X, Y>(
    chart: &mut ChartContext<'a, DB, Cartesian2d<X, Y>>,
    series: &Series,
    points: Vec<(X::ValueType, Y::ValueType)>,
) -> Result<(), String>
where
    DB: DrawingBackend + 'a,
    X: Ranged,
    Y: Ranged,
    X::ValueType: Clone + 'static,
    Y::ValueType: Clone + 'static,
{
    draw_model_line_only(chart, series, points.clone())?;
    draw_markers(chart, series.style, &points)
}

/// The label of category axis position `at` for `names` drawn top to bottom (the first name
/// at the top); empty between positions.
pub fn name_at(names: &[String], at: f64) -> String {
    let i = at.round();
    if (at - i).abs() > 0.01 || i < 0.0 || i as usize >= names.len() {
        return String::new();
    }
    names[names.len() - 1 - i as usize].clone()
}

/// Most decades a log axis spans: wider, and the data it could show would be squashed flat.
const MOST_DECADES: f64 = 9.0;

/// The extent of a log axis over `values`, none below `floor`: zero, negative and
/// non-finite values cannot be placed on it and are left out, and the span is cut to
/// [`MOST_DECADES`] below the largest value (a zero ideal or a 1e-300 median would otherwise
/// ask for hundreds of decades, which plotters takes forever to tick).
pub(crate) fn log_extent(values: impl Iterator<Item = f64>, floor: f64) -> (f64, f64) {
    let floor = floor.max(f64::MIN_POSITIVE);
    let (lo, hi) = values
        .filter(|v| v.is_finite() && *v > 0.0)
        .map(|v| v.max(floor))
        .fold((f64::MAX, f64::MIN), |(lo, hi), v| (lo.min(v), hi.max(v)));
    if lo > hi {
        return (floor, floor * 1e3);
    }
    (lo.max(hi / 10f64.powf(MOST_DECADES)), hi)
}

/// Seconds in the unit that suits the value.
pub fn seconds_label(s: f64) -> String {
    if s <= 0.0 {
        return "0".to_owned();
    }
    poolbench_results::format_duration(std::time::Duration::from_secs_f64(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_extents_leave_out_what_a_log_axis_cannot_hold() {
        assert_eq!(
            log_extent([0.5, 0.0, -1.0, 2.0].into_iter(), 0.0),
            (0.5, 2.0)
        );
        assert_eq!(log_extent([1e-300, 1e9].into_iter(), 0.0), (1.0, 1e9));
        assert_eq!(log_extent([1e-9, 1e-3].into_iter(), 1e-6), (1e-6, 1e-3));
        assert_eq!(log_extent(std::iter::empty(), 1.0), (1.0, 1e3));
        assert_eq!(log_extent([0.0, f64::NAN].into_iter(), 1.0), (1.0, 1e3));
    }

    #[test]
    fn category_labels_run_top_to_bottom() {
        let names: Vec<String> = ["a", "b", "c"].map(String::from).to_vec();
        assert_eq!(name_at(&names, 2.0), "a");
        assert_eq!(name_at(&names, 0.0), "c");
        assert_eq!(name_at(&names, 0.5), "");
        assert_eq!(name_at(&names, 3.0), "");
        assert_eq!(name_at(&names, -1.0), "");
    }
}
