//! Charts: one file per kind, each a [`Figure`] drawn as SVG, and a PNG rasterised from that
//! SVG (`render.rs`).
//!
//! Text is drawn with the DejaVu Sans font embedded in the binary (registered once with
//! plotters' `ab_glyph` backend, and loaded into resvg's font database for the PNG), so charts
//! render the same on a machine with no fonts at all.
//! Every model keeps one colour and marker in every chart (its place in the model registry).

mod bars;
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
mod trend;

use plotters::prelude::*;

use poolbench_core::{Marker, ModelStyle};

use crate::data::Series;

pub use bars::BarsAtW;
pub use cpu::CpuVsWall;
pub(crate) use frame::wrap_at_separators;
pub use frame::{fonts, header};
pub use latency::LatencyCdf;
pub use legend::{split_for_legend, Legend, LineStyle, MACHINE_DASH, SIDE_LEGEND_WIDTH};
pub use marker::ModelMarker;
pub use order::CompletionOrder;
pub use overhead::Overhead;
pub use phases::Phases;
pub use render::{render, ChartError, Figure, Rendered};
pub use scaling::TimeVsWorkers;
pub use speedup::SpeedupVsWorkers;
pub use ticks::{
    linear_ticks, log2_ticks, log_ticks, number_labels, seconds_labels, worker_ticks, x_log_ticks,
    LinearAt,
};
pub use trend::{Trend, TrendChange, TrendPoint, TrendSeries};

/// Pixel size of every chart: 16:10, readable on a projector.
pub const SIZE: (u32, u32) = (1120, 700);

/// About how wide a chart's plot is beside `beside` pixels of y labels and legend column: the
/// chart less its two 24 px margins and those (for spacing x-axis labels).
pub fn plot_px(beside: u32) -> f64 {
    f64::from(SIZE.0.saturating_sub(48 + beside))
}

/// The models' order when no results file gives one: poolbench's registry as of this version.
/// A results file records its own (`model_order`), which [`with_models`] puts in force.
pub const DEFAULT_MODEL_ORDER: [&str; 11] = [
    "sequential",
    "thread-per-task",
    "handrolled",
    "threadpool",
    "rayon",
    "crossbeam",
    "tokio",
    "tokio-blocking",
    "process",
    "process-fork",
    "process-spawn",
];

/// The colours and markers of [`DEFAULT_MODEL_ORDER`], for results files that do not record
/// their models' styles (written before styles travelled with the results).
const LEGACY_PALETTE: [[u8; 3]; 11] = [
    [80, 80, 80],    // sequential: grey
    [214, 39, 40],   // thread-per-task: red
    [31, 119, 180],  // handrolled: blue
    [255, 127, 14],  // threadpool: orange
    [44, 160, 44],   // rayon: green
    [148, 103, 189], // crossbeam: purple
    [23, 190, 207],  // tokio: cyan
    [140, 86, 75],   // tokio-blocking: brown
    [227, 119, 194], // process: pink
    [188, 189, 34],  // process-fork: olive
    [0, 0, 128],     // process-spawn: navy
];

/// How a report draws and treats its models: their order, each one's colour and marker, and
/// which is the oracle. Built from what the results files record ([`ModelBook::new`]), so a
/// model this poolbench does not know is drawn as its file says.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ModelBook {
    entries: Vec<BookEntry>,
}

#[derive(Debug, Clone, PartialEq)]
struct BookEntry {
    name: String,
    style: ModelStyle,
    oracle: bool,
}

impl ModelBook {
    /// Models in `order`, each with the style and role `describe` gives (`None`: the style
    /// of its place in [`DEFAULT_MODEL_ORDER`] for a model of that list, else a generated
    /// one distinct from every other; the role poolbench's oracle had before roles were
    /// recorded).
    pub fn new(order: &[String], describe: impl Fn(&str) -> (Option<ModelStyle>, bool)) -> Self {
        let entries = order
            .iter()
            .enumerate()
            .map(|(index, name)| {
                let (style, oracle) = describe(name);
                BookEntry {
                    name: name.clone(),
                    style: style.unwrap_or_else(|| legacy_style(name, index)),
                    oracle,
                }
            })
            .collect();
        Self { entries }
    }

    /// The book for files that record no styles: `order`, legacy styles, `sequential` the
    /// oracle.
    pub fn legacy(order: &[String]) -> Self {
        Self::new(order, |name| (None, name == DEFAULT_MODEL_ORDER[0]))
    }

    fn entry(&self, model: &str) -> Option<(usize, &BookEntry)> {
        self.entries
            .iter()
            .enumerate()
            .find(|(_, e)| e.name == model)
    }
}

/// The style a model had by its place in [`DEFAULT_MODEL_ORDER`], else a generated one (by
/// its place in the report's order, past the legacy palette so as not to repeat it).
fn legacy_style(name: &str, index: usize) -> ModelStyle {
    match DEFAULT_MODEL_ORDER.iter().position(|m| *m == name) {
        Some(i) => ModelStyle::new(LEGACY_PALETTE[i], Marker::ALL[i % 4]),
        None => ModelStyle::generated(index + LEGACY_PALETTE.len()),
    }
}

thread_local! {
    /// The book charts on this thread draw models by (see [`with_models`]).
    static BOOK: std::cell::RefCell<Option<ModelBook>> = const { std::cell::RefCell::new(None) };
}

/// Runs `draw` with `book` in force: each model's colour, marker, place and role are its
/// entry's, and a model not in it goes after every one that is.
pub fn with_models<R>(book: &ModelBook, draw: impl FnOnce() -> R) -> R {
    let previous = BOOK.with(|b| b.replace(Some(book.clone())));
    let result = draw();
    BOOK.with(|b| *b.borrow_mut() = previous);
    result
}

/// What the book in force (else poolbench's default order) says of `model`: its place, and
/// its entry if it has one.
fn look_up<R>(model: &str, read: impl FnOnce(usize, Option<&BookEntry>) -> R) -> R {
    BOOK.with(|book| match book.borrow().as_ref() {
        Some(book) => match book.entry(model) {
            Some((index, entry)) => read(index, Some(entry)),
            None => read(book.entries.len(), None),
        },
        None => {
            let default = ModelBook::legacy(&DEFAULT_MODEL_ORDER.map(String::from));
            match default.entry(model) {
                Some((index, entry)) => read(index, Some(entry)),
                None => read(default.entries.len(), None),
            }
        }
    })
}

/// A model's style: its entry's, or for a model in no entry a generated one.
pub fn model_style(model: &str) -> ModelStyle {
    look_up(model, |index, entry| {
        entry.map_or_else(|| legacy_style(model, index), |e| e.style)
    })
}

/// The fixed colour of a model, so a model looks the same everywhere.
pub fn model_colour(model: &str) -> RGBColor {
    let [r, g, b] = model_style(model).colour;
    RGBColor(r, g, b)
}

/// The model's place in the order in force (unknown models go last).
pub fn model_index(model: &str) -> usize {
    look_up(model, |index, _| index)
}

/// Whether `model` is the run's oracle (the sequential reference).
pub fn is_oracle(model: &str) -> bool {
    look_up(model, |_, entry| {
        entry.map_or(model == DEFAULT_MODEL_ORDER[0], |e| e.oracle)
    })
}

/// Draws `points` with the marker of `model` (see [`ModelMarker`]).
pub fn draw_markers<'a, DB, X, Y>(
    chart: &mut ChartContext<'a, DB, Cartesian2d<X, Y>>,
    model: &str,
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
        .draw_series(points.iter().map(|p| ModelMarker::new(p.clone(), model)))
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
    let style = model_colour(&series.model).stroke_width(2);
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
    draw_markers(chart, &series.model, &points)
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

    #[test]
    fn every_registered_model_has_its_own_colour() {
        let models = DEFAULT_MODEL_ORDER;
        let mut colours: Vec<_> = models
            .iter()
            .map(|m| model_colour(m))
            .map(|c| (c.0, c.1, c.2))
            .collect();
        colours.sort_unstable();
        colours.dedup();
        assert_eq!(colours.len(), models.len());
    }
}
