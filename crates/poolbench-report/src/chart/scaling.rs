//! Time against workers, one line per model, with the ideal curve and the sequential time.
//! Log–log: the ideal for I/O work halves with each doubling of W, a straight line.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::{
    colour, draw_model_line, fonts, header, log_extent, log_ticks, seconds_labels,
    split_for_legend, worker_ticks, Figure, LineStyle,
};
use poolbench_core::ModelRole;

use poolbench_compare::WorkloadGroup;

/// Chart (1): median batch time vs W for one workload.
#[derive(Debug)]
pub struct TimeVsWorkers<'a> {
    pub group: &'a WorkloadGroup,
    pub conditions: String,
}

impl Figure for TimeVsWorkers<'_> {
    fn name(&self) -> String {
        format!("time-vs-workers-{}", self.group.slug)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let g = self.group;
        let area = header(
            root,
            &format!("Time vs workers: {}", g.workload),
            g,
            &self.conditions,
        )?;
        let (area, legend) = split_for_legend(area, g);
        let workers = g.worker_counts();
        let (w_lo, w_hi) = (
            *workers.first().unwrap_or(&1) as f64,
            *workers.last().unwrap_or(&1) as f64,
        );
        let machines = 0..g.machines.len().max(1);
        let ideals: Vec<Vec<(f64, f64)>> = machines.clone().map(|m| ideal_points(g, m)).collect();
        let times = g
            .series
            .iter()
            .flat_map(|s| s.points.iter().map(|p| p.median))
            .chain(ideals.iter().flatten().map(|p| p.1));
        let (t_lo, t_hi) = log_extent(times, 0.0);
        let t_ticks = log_ticks(t_lo, t_hi);
        let (_, axis_font, label_font) = fonts();
        let mut chart = ChartBuilder::on(&area)
            .margin(24)
            .x_label_area_size(60)
            .y_label_area_size(100)
            .build_cartesian_2d(
                (w_lo / 1.25..w_hi * 1.25)
                    .log_scale()
                    .with_key_points(worker_ticks(&workers)),
                (t_lo / 1.6..t_hi * 1.6)
                    .log_scale()
                    .with_key_points(t_ticks.clone()),
            )
            .map_err(|e| e.to_string())?;
        chart
            .configure_mesh()
            .x_desc("workers W (most tasks in flight at once)")
            .y_desc("median batch time (log scale)")
            .x_label_formatter(&|w| format!("{w:.0}"))
            .y_label_formatter(&seconds_labels(&t_ticks))
            .axis_desc_style(axis_font.clone())
            .label_style(label_font.clone())
            .light_line_style(RGBColor(235, 235, 235))
            .draw()
            .map_err(|e| e.to_string())?;
        for (machine, ideal) in machines.zip(ideals) {
            if let Some(seq) = g.sequential(machine) {
                chart
                    .draw_series(
                        LineStyle::SEQUENTIAL
                            .series([(w_lo / 1.25, seq.median), (w_hi * 1.25, seq.median)]),
                    )
                    .map_err(|e| e.to_string())?;
            }
            if !ideal.is_empty() {
                chart
                    .draw_series(LineStyle::IDEAL.series(ideal))
                    .map_err(|e| e.to_string())?;
            }
        }
        for series in g.series.iter().filter(|s| !s.oracle) {
            let points: Vec<(f64, f64)> = series
                .points
                .iter()
                .map(|p| (p.workers as f64, p.median))
                .collect();
            if series.role == ModelRole::Baseline {
                // Another language's one-at-a-time time: a dotted line in its colour across
                // every W, as the sequential line is.
                if let Some(&(_, t)) = points.first() {
                    let line = LineStyle {
                        colour: colour(series.style),
                        ..LineStyle::SEQUENTIAL
                    };
                    chart
                        .draw_series(line.series([(w_lo / 1.25, t), (w_hi * 1.25, t)]))
                        .map_err(|e| e.to_string())?;
                }
            }
            draw_model_line(&mut chart, series, points)?;
        }
        legend.draw(
            &[
                (
                    "sequential (one at a time)".to_owned(),
                    LineStyle::SEQUENTIAL,
                ),
                ("ideal (zero overhead)".to_owned(), LineStyle::IDEAL),
            ],
            false,
        )
    }
}

/// (W, ideal time) on `machine` for every W where a cell knows its ideal: the first cell at
/// that W, in series order (one pass over the cells).
pub(super) fn ideal_points(g: &WorkloadGroup, machine: usize) -> Vec<(f64, f64)> {
    let mut first: std::collections::BTreeMap<usize, Option<f64>> = Default::default();
    for point in g
        .series
        .iter()
        .filter(|s| !s.oracle && s.machine == machine)
        .flat_map(|s| s.points.iter())
    {
        first.entry(point.workers).or_insert(point.ideal);
    }
    let mut points: Vec<(f64, f64)> = first
        .into_iter()
        .filter_map(|(w, ideal)| Some((w as f64, ideal?)))
        .collect();
    points.dedup();
    points
}

/// This chart in a workload's section: time against W, every model. (Listed in [`super::SECTION_CHARTS`].)
pub(crate) fn section(
    g: &WorkloadGroup,
    conditions: &str,
) -> Option<Result<super::Rendered, super::ChartError>> {
    let chart = TimeVsWorkers {
        group: g,
        conditions: conditions.to_owned(),
    };
    (true).then(|| super::render(&chart))
}
