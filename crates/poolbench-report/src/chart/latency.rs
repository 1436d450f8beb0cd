//! How long each request took, as a distribution: the median alone hides the slow tail a user
//! waits on. One cumulative curve per model at the widest worker count measured, where models
//! differ most (many requests in flight at once).

use plotters::coord::Shift;
use plotters::prelude::*;
use poolbench_core::{WorkKind, WorkloadRole};

use plotters::coord::ranged1d::{AsRangedCoord, ValueFormatter};

use super::{
    draw_markers, draw_model_line_only, fonts, header, linear_ticks, log_extent, plot_px,
    seconds_labels, split_for_legend, x_log_ticks, Figure, Legend, LinearAt, SIDE_LEGEND_WIDTH,
};
use poolbench_compare::{Series, WorkloadGroup};

/// Width of the y-axis labels, pixels.
const Y_LABELS: u32 = 80;

/// Chart (5): the cumulative distribution of per-request latency (each task's run time, every
/// timed batch) for every model at the largest W of an I/O workload; the sequential curve is
/// at W = 1.
#[derive(Debug)]
pub struct LatencyCdf<'a> {
    pub group: &'a WorkloadGroup,
    pub conditions: String,
}

impl LatencyCdf<'_> {
    /// The worker count the chart shows: the largest measured.
    pub fn workers(&self) -> usize {
        self.group.worker_counts().last().copied().unwrap_or(1)
    }

    /// Each model's latency samples at the chart's W (on each machine, its largest W), for the
    /// models that have any.
    fn curves(&self) -> Vec<(&Series, &[f64])> {
        let g = self.group;
        let w = self.workers();
        g.at(|machine| {
            let counts = g.worker_counts_on(machine);
            counts.last().copied().unwrap_or(w)
        })
        .into_iter()
        .filter_map(|(series, p)| Some((series, p.latency.as_deref()?)))
        .filter(|(_, samples)| !samples.is_empty())
        .collect()
    }

    /// Whether any model has latency samples to draw (a cell whose every batch failed has
    /// none).
    pub fn has_data(&self) -> bool {
        !self.curves().is_empty()
    }
}

impl Figure for LatencyCdf<'_> {
    fn name(&self) -> String {
        format!("latency-cdf-{}", self.group.slug)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let g = self.group;
        let w = self.workers();
        let title = format!(
            "Per-task latency at W = {w} (sequential: W = 1): {}",
            g.workload
        );
        let area = header(root, &title, g, &self.conditions)?;
        let (area, legend) = split_for_legend(area, g);
        let curves = self.curves();
        if curves.is_empty() {
            return Err("no latency samples at this worker count".to_owned());
        }
        let all = curves
            .iter()
            .flat_map(|(_, samples)| samples.iter().copied());
        let (lo, hi) = log_extent(all, 1e-6);
        // A log axis only where latencies span more than a decade; otherwise a linear one
        // gets readable tick labels.
        if hi / lo > 10.0 {
            let ticks = x_log_ticks(
                lo,
                hi,
                (lo / 1.3, hi * 1.3),
                plot_px(SIDE_LEGEND_WIDTH + Y_LABELS),
            );
            let x = (lo / 1.3..hi * 1.3)
                .log_scale()
                .with_key_points(ticks.clone());
            draw_curves(
                &area,
                x,
                "one task's time: its request, or its sleep… (log scale)",
                &seconds_labels(&ticks),
                &curves,
                &legend,
            )
        } else {
            let pad = (hi - lo).max(hi * 0.05) * 0.08;
            let (from, to) = ((lo - pad).max(0.0), hi + pad);
            let ticks = linear_ticks(from, to);
            let label = seconds_labels(&ticks);
            let x = LinearAt::new(from..to, ticks);
            let desc = "one task's time: its request, or its sleep…";
            draw_curves(&area, x, desc, &label, &curves, &legend)
        }
    }
}

/// Draws the axes and one cumulative curve per series on an x axis of `x`'s kind.
fn draw_curves<DB, X>(
    area: &DrawingArea<DB, Shift>,
    x: X,
    x_desc: &str,
    x_label: &dyn Fn(&f64) -> String,
    curves: &[(&Series, &[f64])],
    legend: &Legend<'_, DB>,
) -> Result<(), String>
where
    DB: DrawingBackend,
    X: AsRangedCoord<Value = f64>,
    X::CoordDescType: ValueFormatter<f64>,
{
    let (_, axis_font, label_font) = fonts();
    let mut chart = ChartBuilder::on(area)
        .margin(24)
        .x_label_area_size(60)
        .y_label_area_size(Y_LABELS)
        // Every 10 %, with no light lines between (they made grey bands).
        .build_cartesian_2d(
            x,
            LinearAt::new(0.0..1.02, (0..=10).map(|i| f64::from(i) / 10.0).collect()),
        )
        .map_err(|e| e.to_string())?;
    chart
        .configure_mesh()
        .x_desc(x_desc)
        .y_desc("share of tasks that took at most this long")
        .x_label_formatter(x_label)
        .y_label_formatter(&|f| format!("{:.0}%", f * 100.0))
        .axis_desc_style(axis_font)
        .label_style(label_font.clone())
        .light_line_style(RGBColor(235, 235, 235))
        .draw()
        .map_err(|e| e.to_string())?;
    for (series, samples) in curves {
        // A staircase line, no marker per sample (11 curves of markers in a narrow band are a
        // tangle); one marker at each curve's median tells the models apart.
        draw_model_line_only(&mut chart, series, cdf_steps(samples))?;
        let median = samples[(samples.len() - 1) / 2];
        draw_markers(&mut chart, series.style, &[(median, 0.5)])?;
    }
    legend.draw(&[], true)
}

/// Most steps a curve is drawn with (more would not show at the chart's width).
const MAX_STEPS: usize = 400;

/// The empirical CDF of ascending `samples` as a staircase (each step rises at a sample: a
/// vertical segment, then flat to the next), thinned to at most ~[`MAX_STEPS`] steps.
fn cdf_steps(samples: &[f64]) -> Vec<(f64, f64)> {
    let n = samples.len();
    let stride = n.div_ceil(MAX_STEPS).max(1);
    let mut indices: Vec<usize> = (0..n).step_by(stride).collect();
    if indices.last() != Some(&(n - 1)) {
        indices.push(n - 1);
    }
    let mut points = Vec::with_capacity(indices.len() * 2);
    let mut below = 0.0;
    for i in indices {
        let at = (i + 1) as f64 / n as f64;
        points.push((samples[i], below));
        points.push((samples[i], at));
        below = at;
    }
    points
}

/// This chart in a workload's section: the task latency distribution (I/O work with latencies). (Listed in [`super::SECTION_CHARTS`].)
pub(crate) fn section(
    g: &WorkloadGroup,
    conditions: &str,
) -> Option<Result<super::Rendered, super::ChartError>> {
    let chart = LatencyCdf {
        group: g,
        conditions: conditions.to_owned(),
    };
    (g.role != WorkloadRole::OverheadProbe && g.kind == WorkKind::Io && chart.has_data())
        .then(|| super::render(&chart))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cdf_rises_to_one_and_never_falls() {
        let samples: Vec<f64> = (1..=237).map(f64::from).collect();
        let steps = cdf_steps(&samples);
        assert!(steps.len() <= 2 * (MAX_STEPS + 1));
        assert_eq!(steps.last(), Some(&(237.0, 1.0)));
        assert_eq!(steps[..2], [(1.0, 0.0), (1.0, 1.0 / 237.0)]);
        // A staircase: x never goes back, y never falls, and each point moves along one axis.
        assert!(steps.windows(2).all(|w| w[0].0 <= w[1].0
            && w[0].1 <= w[1].1
            && (w[0].0 == w[1].0 || w[0].1 == w[1].1)));
        assert_eq!(cdf_steps(&[5.0]), [(5.0, 0.0), (5.0, 1.0)]);
        let many: Vec<f64> = (1..=100_000).map(f64::from).collect();
        assert!(cdf_steps(&many).len() <= 2 * (MAX_STEPS + 1));
    }
}
