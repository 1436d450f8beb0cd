//! The seed articles' "performance comparison chart", done carefully: every model's median at
//! one worker count, with the 95 % confidence interval of the median as an error bar.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::{fonts, header, model_colour, name_at, seconds_label, Figure};
use crate::data::WorkloadGroup;

/// Chart (3): one bar per model at W = each machine's comparison worker count (its cores
/// where measured, see [`WorkloadGroup::comparison_workers`]); the sequential bar is at W = 1.
#[derive(Debug)]
pub struct BarsAtW<'a> {
    pub group: &'a WorkloadGroup,
    pub conditions: String,
}

/// `w4` on one machine, `cores` when a merged report compares each machine at its own W.
pub(super) fn at_what(g: &WorkloadGroup) -> (String, String) {
    if g.is_merged() {
        ("cores".to_owned(), "each machine's core count".to_owned())
    } else {
        let w = g.comparison_workers(0);
        (format!("w{w}"), format!("W = {w}"))
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
        let (_, axis_font, label_font) = fonts();
        let names: Vec<String> = bars
            .iter()
            .map(|(s, p)| {
                if s.model == "sequential" || g.is_merged() {
                    format!("{} (W={})", s.label, p.workers)
                } else {
                    s.label.clone()
                }
            })
            .collect();
        // Horizontal bars: model names stay readable on a slide.
        let n = bars.len() as f64;
        let mut chart = ChartBuilder::on(&area)
            .margin(24)
            .x_label_area_size(60)
            .y_label_area_size(if g.is_merged() { 380 } else { 190 })
            .build_cartesian_2d(0.0..top * 1.12, -0.5f64..n - 0.5)
            .map_err(|e| e.to_string())?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(bars.len().max(1))
            .y_label_formatter(&|y| name_at(&names, *y))
            .x_desc("median batch time (bar) with the 95% interval of the median (whisker)")
            .x_label_formatter(&|t| seconds_label(*t))
            .axis_desc_style(axis_font)
            .label_style(label_font)
            .light_line_style(RGBColor(235, 235, 235))
            .draw()
            .map_err(|e| e.to_string())?;
        for (i, (series, point)) in bars.iter().enumerate() {
            // The first model on top.
            let y = n - 1.0 - i as f64;
            let colour = model_colour(&series.model);
            chart
                .draw_series([Rectangle::new(
                    [(0.0, y - 0.35), (point.median, y + 0.35)],
                    colour.filled(),
                )])
                .map_err(|e| e.to_string())?;
            let whisker = BLACK.stroke_width(2);
            let (lo, hi) = point.ci;
            chart
                .draw_series([
                    PathElement::new([(lo, y), (hi, y)], whisker),
                    PathElement::new([(lo, y - 0.15), (lo, y + 0.15)], whisker),
                    PathElement::new([(hi, y - 0.15), (hi, y + 0.15)], whisker),
                ])
                .map_err(|e| e.to_string())?;
        }
        Ok(())
    }
}
