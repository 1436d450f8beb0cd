//! The cluster engines' break-even (see `crate::cluster`): each Python pool's efficiency
//! against the length of its tasks, log-scaled, with the ideal at 1. An engine's line climbs
//! towards `Pool`'s as its per-task overhead shrinks beside the task; where the two meet is the
//! break-even.

use plotters::coord::Shift;
use plotters::prelude::*;
use poolbench_core::ModelStyle;

use super::{
    colour, draw_markers, fonts, linear_ticks, log_extent, number_labels, seconds_labels,
    x_log_ticks, Figure, LineStyle, LinearAt, SIDE_LEGEND_WIDTH,
};

/// One pool's efficiency at each task length (seconds).
#[derive(Debug, Clone)]
pub struct EfficiencyLine {
    pub model: String,
    pub style: ModelStyle,
    pub points: Vec<(f64, f64)>,
}

/// The chart: one line per pool.
#[derive(Debug)]
pub struct BreakEvenChart {
    pub lines: Vec<EfficiencyLine>,
    pub conditions: String,
}

impl Figure for BreakEvenChart {
    fn name(&self) -> String {
        "cluster-break-even".to_owned()
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let fail = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
        root.fill(&WHITE).map_err(fail)?;
        let (title_font, axis_font, label_font) = fonts();
        let room = root.dim_in_pixel().0.saturating_sub(48);
        let fits = |text: &str| {
            root.estimate_text_size(text, &label_font)
                .map_or(true, |(w, _)| w <= room)
        };
        let conditions = super::wrap_at_separators(&self.conditions, " · ", fits);
        let extra = conditions.len().max(1) as u32 - 1;
        let (top, rest) = root.split_vertically(104 + 26 * extra);
        top.draw_text(
            "Efficiency against task length: when an engine keeps up",
            &title_font,
            (24, 10),
        )
        .map_err(fail)?;
        top.draw_text(
            "sum at W = 2; task length = Python's plain loop per task",
            &label_font,
            (24, 50),
        )
        .map_err(fail)?;
        let grey = label_font.color(&RGBColor(90, 90, 90));
        for (i, line) in conditions.iter().enumerate() {
            top.draw_text(line, &grey, (24, 76 + 26 * i as i32))
                .map_err(fail)?;
        }
        let width = rest.dim_in_pixel().0;
        let (area, side) = rest.split_horizontally(width.saturating_sub(SIDE_LEGEND_WIDTH));
        let points = || self.lines.iter().flat_map(|l| l.points.iter());
        let (x_lo, x_hi) = log_extent(points().map(|p| p.0), 0.0);
        let y_hi = points().map(|p| p.1).fold(1.0_f64, f64::max) * 1.1;
        let axis = (x_lo / 1.5, x_hi * 1.5);
        let x_ticks = x_log_ticks(x_lo, x_hi, axis, f64::from(width) * 0.6);
        let y_ticks = linear_ticks(0.0, y_hi);
        let mut chart = ChartBuilder::on(&area)
            .margin(24)
            .x_label_area_size(60)
            .y_label_area_size(90)
            .build_cartesian_2d(
                (axis.0..axis.1)
                    .log_scale()
                    .with_key_points(x_ticks.clone()),
                LinearAt::new(0.0..y_hi, y_ticks.clone()),
            )
            .map_err(|e| e.to_string())?;
        chart
            .configure_mesh()
            .x_desc("task length (Python's time per task, log scale)")
            .y_desc("efficiency (plain loop's time / W / time)")
            .x_label_formatter(&seconds_labels(&x_ticks))
            .y_label_formatter(&number_labels(&y_ticks, ""))
            .axis_desc_style(axis_font)
            .label_style(label_font.clone())
            .light_line_style(RGBColor(235, 235, 235))
            .draw()
            .map_err(|e| e.to_string())?;
        chart
            .draw_series(LineStyle::IDEAL.series(vec![(axis.0, 1.0), (axis.1, 1.0)]))
            .map_err(|e| e.to_string())?;
        for line in &self.lines {
            chart
                .draw_series(LineSeries::new(
                    line.points.clone(),
                    colour(line.style).stroke_width(2),
                ))
                .map_err(|e| e.to_string())?;
            draw_markers(&mut chart, line.style, &line.points)?;
        }
        let entries: Vec<(ModelStyle, &str)> = self
            .lines
            .iter()
            .map(|l| (l.style, l.model.as_str()))
            .collect();
        for segment in LineStyle::IDEAL.swatch(8, 34, 40) {
            side.draw(&segment).map_err(fail)?;
        }
        side.draw(&Text::new("ideal", (44, 31), label_font.clone()))
            .map_err(fail)?;
        super::legend::draw_model_entries(&side, &entries, true, 76)?;
        Ok(())
    }
}
