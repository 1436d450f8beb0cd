//! What each model costs per task on work that costs nothing: time per no-op task, log scale.

use plotters::coord::Shift;
use plotters::prelude::*;
use poolbench_core::WorkloadRole;

use super::bars::{at_what, draw_dot, row_chart};
use super::{
    fonts, header, log_extent, plot_px, seconds_label, seconds_labels, x_log_ticks, Figure,
};
use poolbench_compare::WorkloadGroup;

/// Chart (4): nanoseconds per no-op task for every model at W = `workers`.
#[derive(Debug)]
pub struct Overhead<'a> {
    pub group: &'a WorkloadGroup,
    pub conditions: String,
}

impl Figure for Overhead<'_> {
    fn name(&self) -> String {
        format!(
            "overhead-per-task-{}-{}",
            at_what(self.group).0,
            self.group.slug
        )
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let g = self.group;
        let title = format!("Per-task overhead at {} (no-op tasks)", at_what(g).1);
        let area = header(root, &title, g, &self.conditions)?;
        let per_task: Vec<(poolbench_core::ModelStyle, f64, String)> = g
            .at(|machine| g.comparison_workers(machine))
            .into_iter()
            .map(|(s, p)| {
                let label = if g.is_merged() {
                    format!("{} (W={})", s.label, p.workers)
                } else {
                    s.label.clone()
                };
                (s.style, p.median / g.tasks.max(1) as f64, label)
            })
            .collect();
        // Seconds per task, none below a nanosecond.
        let (lo, hi) = log_extent(per_task.iter().map(|p| p.1), 1e-9);
        let label_area = if g.is_merged() { 380 } else { 190 };
        let ticks = x_log_ticks(lo, hi, (lo / 3.0, hi * 3.0), plot_px(label_area));
        let (_, _, label_font) = fonts();
        let names: Vec<String> = per_task.iter().map(|p| p.2.clone()).collect();
        let n = per_task.len() as f64;
        let x = (lo / 3.0..hi * 3.0)
            .log_scale()
            .with_key_points(ticks.clone());
        let mut chart = row_chart(
            &area,
            x,
            &names,
            label_area,
            "time per no-op task (dot, log scale)",
            &seconds_labels(&ticks),
        )?;
        for (i, (style, per_task_s, _)) in per_task.iter().enumerate() {
            let y = n - 1.0 - i as f64;
            draw_dot(&mut chart, lo / 3.0, *per_task_s, y, *style)?;
            // Beside the dot (radius 9), centred on the row.
            chart
                .draw_series([EmptyElement::at((*per_task_s, y))
                    + Text::new(seconds_label(*per_task_s), (14, -10), label_font.clone())])
                .map_err(|e| e.to_string())?;
        }
        Ok(())
    }
}

/// This chart in a workload's section: the per-task cost of no-op tasks (overhead probes only). (Listed in [`super::SECTION_CHARTS`].)
pub(crate) fn section(
    g: &WorkloadGroup,
    conditions: &str,
) -> Option<Result<super::Rendered, super::ChartError>> {
    let chart = Overhead {
        group: g,
        conditions: conditions.to_owned(),
    };
    (g.role == WorkloadRole::OverheadProbe).then(|| super::render(&chart))
}
