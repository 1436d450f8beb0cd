//! Seed S3: in which order tasks finish, against the order they were submitted.
//!
//! `imap_unordered` hands results back as tasks finish; `map` waits and hands them back in
//! submission order. With tasks of unequal length the two orders differ, and this chart shows
//! by how much: a point per task at (submitted as, finished as); on the diagonal a task finished
//! in its turn.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::{
    draw_markers, draw_model_line_only, fonts, header, split_for_legend, LineStyle, LinearAt,
};
use poolbench_compare::{Series, WorkloadGroup};

/// Completion rank against submission index for the oracle, each Python model and the
/// fastest Rust pool, at the group's comparison W.
#[derive(Debug)]
pub struct CompletionOrder<'a> {
    pub group: &'a WorkloadGroup,
    pub conditions: String,
}

impl CompletionOrder<'_> {
    /// The series the chart shows (those with a recorded order), as a group of their own so
    /// the legend lists exactly them.
    fn shown(&self) -> WorkloadGroup {
        let g = self.group;
        let w = g.comparison_workers(0);
        let fastest_rust = g
            .series
            .iter()
            .filter(|s| !s.oracle && s.language == poolbench_core::Language::Rust)
            .filter_map(|s| Some((s, s.points.iter().find(|p| p.workers == w)?)))
            .min_by(|a, b| a.1.median.total_cmp(&b.1.median))
            .map(|(s, _)| s.model.clone());
        let mut shown = g.for_machine(0);
        shown.series.retain(|s| {
            let wanted = s.oracle
                || s.language == poolbench_core::Language::Python
                || Some(&s.model) == fastest_rust.as_ref();
            wanted && order_of(s, w).is_some()
        });
        shown
    }

    /// Whether any series has a completion order to draw.
    pub fn has_data(&self) -> bool {
        !self.shown().series.is_empty()
    }
}

/// The series' completion order at W = `w` (the oracle's at W = 1).
fn order_of(series: &Series, w: usize) -> Option<&Vec<usize>> {
    let wanted = if series.oracle { 1 } else { w };
    series
        .points
        .iter()
        .find(|p| p.workers == wanted)?
        .completion_order
        .as_ref()
}

impl super::Figure for CompletionOrder<'_> {
    fn name(&self) -> String {
        format!("completion-order-{}", self.group.slug)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let g = self.group;
        let w = g.comparison_workers(0);
        let shown = self.shown();
        let area = header(
            root,
            &format!("Finish order against submission order at W = {w}"),
            g,
            &self.conditions,
        )?;
        let (area, legend) = split_for_legend(area, &shown);
        let n = g.tasks.max(1);
        let ticks: Vec<f64> = (1..=n).map(|k| k as f64).collect();
        let every = n.div_ceil(10).max(1);
        let labelled: Vec<f64> = ticks
            .iter()
            .copied()
            .filter(|t| (*t as usize - 1).is_multiple_of(every))
            .collect();
        let (_, axis_font, label_font) = fonts();
        let extent = 0.5..n as f64 + 0.5;
        let mut chart = ChartBuilder::on(&area)
            .margin(24)
            .x_label_area_size(60)
            .y_label_area_size(80)
            .build_cartesian_2d(
                LinearAt::new(extent.clone(), labelled.clone()),
                LinearAt::new(extent, labelled),
            )
            .map_err(|e| e.to_string())?;
        chart
            .configure_mesh()
            .x_desc("submitted as (task's place in the input)")
            .y_desc("finished as (1 = first)")
            .x_label_formatter(&|x| format!("{x:.0}"))
            .y_label_formatter(&|y| format!("{y:.0}"))
            .axis_desc_style(axis_font)
            .label_style(label_font)
            .light_line_style(RGBColor(235, 235, 235))
            .draw()
            .map_err(|e| e.to_string())?;
        chart
            .draw_series(LineStyle::IDEAL.series([(1.0, 1.0), (n as f64, n as f64)]))
            .map_err(|e| e.to_string())?;
        for series in &shown.series {
            let Some(order) = order_of(series, w) else {
                continue;
            };
            let mut points: Vec<(f64, f64)> = order
                .iter()
                .enumerate()
                .map(|(rank, &task)| (task as f64 + 1.0, rank as f64 + 1.0))
                .collect();
            points.sort_by(|a, b| a.0.total_cmp(&b.0));
            draw_model_line_only(&mut chart, series, points.clone())?;
            draw_markers(&mut chart, series.style, &points)?;
        }
        legend.draw(
            &[("in submission order".to_owned(), LineStyle::IDEAL)],
            true,
        )
    }
}
