//! Speedup over the sequential run against workers, with the ideal speedup. Log₂–log₂, like the
//! time chart: the ideal doubles with each doubling of W, a straight line, and a model that
//! stops scaling bends away from it where it stops.

use plotters::coord::Shift;
use plotters::prelude::*;
use poolbench_core::WorkloadRole;

use super::scaling::ideal_points;
use super::{
    draw_model_line, fonts, header, log2_ticks, log_extent, number_labels, split_for_legend,
    worker_ticks, Figure, LineStyle,
};
use poolbench_compare::WorkloadGroup;

/// Chart (2): speedup vs W for one workload.
#[derive(Debug)]
pub struct SpeedupVsWorkers<'a> {
    pub group: &'a WorkloadGroup,
    pub conditions: String,
}

impl Figure for SpeedupVsWorkers<'_> {
    fn name(&self) -> String {
        format!("speedup-vs-workers-{}", self.group.slug)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let g = self.group;
        let area = header(
            root,
            &format!("Speedup over sequential: {}", g.workload),
            g,
            &self.conditions,
        )?;
        let (area, legend) = split_for_legend(area, g);
        let workers = g.worker_counts();
        let (w_lo, w_hi) = (
            *workers.first().unwrap_or(&1) as f64,
            *workers.last().unwrap_or(&1) as f64,
        );
        let ideals: Vec<Vec<(f64, f64)>> = (0..g.machines.len().max(1))
            .map(|machine| match g.sequential(machine) {
                Some(serial) => ideal_points(g, machine)
                    .into_iter()
                    .map(|(w, t)| (w, serial.median / t))
                    .collect(),
                None => Vec::new(),
            })
            .collect();
        // A zero ideal time would make an infinite ideal speedup: no axis can hold it, and
        // log_extent leaves it out with zero and negative speedups. 1× is always shown.
        let speedups = g
            .series
            .iter()
            .flat_map(|s| s.points.iter().filter_map(|p| p.speedup))
            .chain(ideals.iter().flatten().map(|p| p.1))
            .chain([1.0])
            .filter(|s| s.is_finite());
        let (lo, hi) = log_extent(speedups, 0.0);
        let ticks = log2_ticks(lo, hi);
        let (_, axis_font, label_font) = fonts();
        let mut chart = ChartBuilder::on(&area)
            .margin(24)
            .x_label_area_size(60)
            .y_label_area_size(90)
            .build_cartesian_2d(
                (w_lo / 1.25..w_hi * 1.25)
                    .log_scale()
                    .with_key_points(worker_ticks(&workers)),
                (lo / 1.25..hi * 1.25)
                    .log_scale()
                    .with_key_points(ticks.clone()),
            )
            .map_err(|e| e.to_string())?;
        chart
            .configure_mesh()
            .x_desc("workers W (most tasks in flight at once)")
            .y_desc("speedup (sequential time / time, log scale)")
            .x_label_formatter(&|w| format!("{w:.0}"))
            .y_label_formatter(&number_labels(&ticks, "×"))
            .axis_desc_style(axis_font)
            .label_style(label_font.clone())
            .light_line_style(RGBColor(235, 235, 235))
            .draw()
            .map_err(|e| e.to_string())?;
        for ideal in ideals.into_iter().filter(|i| !i.is_empty()) {
            chart
                .draw_series(LineStyle::IDEAL.series(ideal))
                .map_err(|e| e.to_string())?;
        }
        for series in g.series.iter().filter(|s| !s.oracle) {
            let points = series
                .points
                .iter()
                .filter_map(|p| Some((p.workers as f64, p.speedup?)))
                .collect();
            draw_model_line(&mut chart, series, points)?;
        }
        legend.draw(&[("ideal".to_owned(), LineStyle::IDEAL)], false)
    }
}

/// This chart in a workload's section: speedup against W (not for overhead probes). (Listed in [`super::SECTION_CHARTS`].)
pub(crate) fn section(
    g: &WorkloadGroup,
    conditions: &str,
) -> Option<Result<super::Rendered, super::ChartError>> {
    let chart = SpeedupVsWorkers {
        group: g,
        conditions: conditions.to_owned(),
    };
    (g.role != WorkloadRole::OverheadProbe).then(|| super::render(&chart))
}
