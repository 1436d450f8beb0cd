//! CPU time against wall time for every cell of one workload: who burns cores while waiting.

use plotters::coord::Shift;
use plotters::prelude::*;
use poolbench_core::{WorkKind, WorkloadRole};

use super::{
    draw_markers, draw_model_line, fonts, header, log_extent, log_ticks, plot_px, seconds_labels,
    split_for_legend, x_log_ticks, Figure, LineStyle, SIDE_LEGEND_WIDTH,
};
use poolbench_compare::WorkloadGroup;

/// Width of the y-axis labels, pixels.
const Y_LABELS: u32 = 100;

/// Chart (6): CPU seconds (this process and its workers) vs wall seconds per batch.
#[derive(Debug)]
pub struct CpuVsWall<'a> {
    pub group: &'a WorkloadGroup,
    pub conditions: String,
}

impl Figure for CpuVsWall<'_> {
    fn name(&self) -> String {
        format!("cpu-vs-wall-{}", self.group.slug)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let g = self.group;
        let area = header(
            root,
            &format!("CPU time vs wall time: {}", g.workload),
            g,
            &self.conditions,
        )?;
        let (area, legend) = split_for_legend(area, g);
        let legend = legend.points_only(!g.is_merged());
        // (series, wall, CPU, W) of every cell with a CPU time.
        let points: Vec<(&str, f64, f64, usize)> = g
            .series
            .iter()
            .flat_map(|s| {
                s.points
                    .iter()
                    .filter_map(|p| Some((s.label.as_str(), p.median, p.cpu?, p.workers)))
            })
            .collect();
        // Log–log: wall times and CPU times both span decades across W.
        let (wall_lo, wall_hi) = log_extent(points.iter().map(|p| p.1), 1e-6);
        let wall_ticks = x_log_ticks(
            wall_lo,
            wall_hi,
            (wall_lo / 1.5, wall_hi * 1.5),
            plot_px(SIDE_LEGEND_WIDTH + Y_LABELS),
        );
        let (wall_lo, wall_hi) = (wall_lo / 1.5, wall_hi * 1.5);
        let (cpu_lo, cpu_hi) = log_extent(points.iter().map(|p| p.2).chain([wall_hi]), 1e-7);
        let cpu_ticks = log_ticks(cpu_lo, cpu_hi);
        let (cpu_lo, cpu_hi) = (cpu_lo / 1.5, cpu_hi * 1.5);
        let (_, axis_font, label_font) = fonts();
        let mut chart = ChartBuilder::on(&area)
            .margin(24)
            .x_label_area_size(60)
            .y_label_area_size(Y_LABELS)
            .build_cartesian_2d(
                (wall_lo..wall_hi)
                    .log_scale()
                    .with_key_points(wall_ticks.clone()),
                (cpu_lo..cpu_hi)
                    .log_scale()
                    .with_key_points(cpu_ticks.clone()),
            )
            .map_err(|e| e.to_string())?;
        chart
            .configure_mesh()
            .x_desc("wall time per batch (median, log scale)")
            .y_desc("CPU time per batch (log scale)")
            .x_label_formatter(&seconds_labels(&wall_ticks))
            .y_label_formatter(&seconds_labels(&cpu_ticks))
            .axis_desc_style(axis_font)
            .label_style(label_font.clone())
            .light_line_style(RGBColor(235, 235, 235))
            .draw()
            .map_err(|e| e.to_string())?;
        let mut lines = vec![(1.0, "1 core".to_owned())];
        let mut core_counts: Vec<usize> = g.machines.iter().map(|m| m.cores).collect();
        core_counts.sort_unstable();
        core_counts.dedup();
        for cores in core_counts.into_iter().filter(|&c| c > 1) {
            lines.push((cores as f64, format!("all {cores} cores")));
        }
        let small = label_font.color(&RGBColor(110, 110, 110));
        for (busy, text) in lines {
            // Where CPU = busy x wall, clipped to the plot (plotters would clamp the ends).
            let end = (wall_hi.min(cpu_hi / busy), (wall_hi * busy).min(cpu_hi));
            chart
                .draw_series(LineStyle::CORES_BUSY.series([
                    (wall_lo.max(cpu_lo / busy), (wall_lo * busy).max(cpu_lo)),
                    end,
                ]))
                .map_err(|e| e.to_string())?;
            // Each line says which it is, at its upper end, under the line.
            chart
                .draw_series(std::iter::once(
                    EmptyElement::at(end) + Text::new(text, (-86, 10), small.clone()),
                ))
                .map_err(|e| e.to_string())?;
        }
        // Which W each cluster of points is: one label above each W's points (the models at
        // one W take about the same wall time on I/O work).
        for w in g.worker_counts() {
            let at_w: Vec<(f64, f64)> = points
                .iter()
                .filter(|p| p.3 == w)
                .map(|p| (p.1, p.2))
                .collect();
            let Some(top) = at_w.iter().map(|p| p.1).reduce(f64::max) else {
                continue;
            };
            let mut walls: Vec<f64> = at_w.iter().map(|p| p.0).collect();
            walls.sort_by(f64::total_cmp);
            let wall = walls[walls.len() / 2];
            chart
                .draw_series(std::iter::once(
                    EmptyElement::at((wall, top))
                        + Text::new(format!("W = {w}"), (-24, -40), small.clone()),
                ))
                .map_err(|e| e.to_string())?;
        }
        for series in &g.series {
            let mine: Vec<(f64, f64)> = points
                .iter()
                .filter(|p| p.0 == series.label)
                .map(|p| (p.1, p.2))
                .collect();
            if mine.is_empty() {
                continue;
            }
            if g.is_merged() {
                // Merged: the line style tells the machines apart.
                draw_model_line(&mut chart, series, mine)?;
            } else {
                draw_markers(&mut chart, series.style, &mine)?;
            }
        }
        legend.draw(&[("k cores busy".to_owned(), LineStyle::CORES_BUSY)], true)
    }
}

/// This chart in a workload's section: CPU against wall time (I/O work). (Listed in [`super::SECTION_CHARTS`].)
pub(crate) fn section(
    g: &WorkloadGroup,
    conditions: &str,
) -> Option<Result<super::Rendered, super::ChartError>> {
    let chart = CpuVsWall {
        group: g,
        conditions: conditions.to_owned(),
    };
    (g.role != WorkloadRole::OverheadProbe && g.kind == WorkKind::Io).then(|| super::render(&chart))
}
