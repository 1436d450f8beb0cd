//! A cell group's figures over commits (`poolbench history chart`): one line per model, each
//! point the run's median with its interval as a whisker, and every change point the history
//! found marked where it happened, with its size.
//!
//! The y axis is linear and fitted to the data, not started at zero: the question is whether
//! a line stepped by 10 %, and a step is what the eye must see. The whiskers are lighter than
//! the lines and cut at the plot's edge.

use plotters::coord::Shift;
use plotters::prelude::*;

use poolbench_compare::trend::Trend;
use poolbench_compare::{legacy_order, ModelBook};
use poolbench_core::ModelStyle;

use super::{colour, draw_markers, fonts, Figure};

const RED: RGBColor = RGBColor(200, 30, 30);
const GREEN: RGBColor = RGBColor(30, 140, 60);

impl Figure for Trend {
    fn name(&self) -> String {
        format!("trend-{}", self.slug)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let (title_font, axis_font, label_font) = fonts();
        // A cell's name can be longer than the chart is wide: it wraps at its commas.
        let room = root.dim_in_pixel().0.saturating_sub(48);
        let fits = |text: &str| {
            root.estimate_text_size(text, &title_font)
                .map_or(true, |(w, _)| w <= room)
        };
        let title = super::wrap_at_separators(&self.title, ",", fits);
        let title_height = 38 * title.len().max(1) as u32;
        let (top, area) = root.split_vertically(46 + title_height);
        for (i, line) in title.iter().enumerate() {
            top.draw_text(line, &title_font, (24, 10 + 38 * i as i32))
                .map_err(|e| e.to_string())?;
        }
        top.draw_text(
            &self.subtitle,
            &label_font.color(&RGBColor(90, 90, 90)),
            (24, 14 + title_height as i32),
        )
        .map_err(|e| e.to_string())?;
        // The legend in a column beside the plot, never on it.
        let width = area.dim_in_pixel().0;
        let (area, side) = area.split_horizontally(width.saturating_sub(super::SIDE_LEGEND_WIDTH));
        // Fitted to the values, not the whiskers: a wide interval must not flatten the steps
        // the chart is for (whiskers are cut at the plot's edge).
        let values = self
            .series
            .iter()
            .flat_map(|s| s.points.iter().map(|p| p.value));
        let (lo, hi) = values
            .filter(|v| v.is_finite())
            .fold((f64::MAX, f64::MIN), |(lo, hi), v| (lo.min(v), hi.max(v)));
        let (lo, hi) = if lo > hi { (0.0, 1.0) } else { (lo, hi) };
        let pad = ((hi - lo) * 0.15)
            .max(hi.abs() * 0.02)
            .max(f64::MIN_POSITIVE);
        let (y_lo, y_hi) = ((lo - pad).max(0.0), hi + pad * 1.6);
        let n = self.runs.len().max(1);
        let y_ticks = super::linear_ticks(y_lo, y_hi);
        let mut chart = ChartBuilder::on(&area)
            .margin(24)
            .x_label_area_size(70)
            .y_label_area_size(100)
            .build_cartesian_2d(
                -0.5..n as f64 - 0.5,
                super::LinearAt::new(y_lo..y_hi, y_ticks.clone()),
            )
            .map_err(|e| e.to_string())?;
        let y_label: Box<dyn Fn(&f64) -> String> = if self.seconds {
            Box::new(super::seconds_labels(&y_ticks))
        } else {
            Box::new(super::number_labels(&y_ticks, ""))
        };
        let runs = &self.runs;
        chart
            .configure_mesh()
            .x_desc("run (commit), oldest first")
            .y_desc(self.y_label.as_str())
            .x_labels(n.min(14))
            .x_label_formatter(&|x| {
                let i = x.round();
                if (x - i).abs() > 0.01 || i < 0.0 {
                    return String::new();
                }
                runs.get(i as usize).cloned().unwrap_or_default()
            })
            .y_label_formatter(&*y_label)
            .axis_desc_style(axis_font)
            .label_style(label_font.clone())
            .light_line_style(RGBColor(235, 235, 235))
            .draw()
            .map_err(|e| e.to_string())?;
        // The history records no styles: models are drawn as files from before styles were
        // recorded are (the legacy palette; a generated style for any other).
        let book = ModelBook::legacy(&legacy_order());
        let count = self.series.len().max(1) as f64;
        for (k, series) in self.series.iter().enumerate() {
            let style = book.style(&series.model);
            let colour = colour(style);
            // Each model's whiskers sit a little apart, so that eleven of them at one run
            // stay eleven lines.
            let dodge = (k as f64 - (count - 1.0) / 2.0) * 0.5 / count;
            let points: Vec<(f64, f64)> = series
                .points
                .iter()
                .map(|p| (p.x as f64, p.value))
                .collect();
            chart
                .draw_series(LineSeries::new(points.clone(), colour.stroke_width(2)))
                .map_err(|e| e.to_string())?;
            chart
                .draw_series(series.points.iter().filter_map(|p| {
                    let [low, high] = p.interval?;
                    let x = p.x as f64 + dodge;
                    Some(PathElement::new(
                        [(x, low.max(y_lo)), (x, high.min(y_hi))],
                        colour.mix(0.5).stroke_width(1),
                    ))
                }))
                .map_err(|e| e.to_string())?;
            draw_markers(&mut chart, style, &points)?;
            for change in &series.changes {
                let mark = if change.regression {
                    RED
                } else if change.size < 0.0 {
                    GREEN
                } else {
                    RGBColor(120, 120, 120)
                };
                let x = change.x as f64 - 0.5;
                chart
                    .draw_series(DashedLineSeries::new(
                        [(x, y_lo), (x, y_hi)],
                        8,
                        5,
                        mark.stroke_width(2),
                    ))
                    .map_err(|e| e.to_string())?;
                let text = format!("{:+.0} % {}", change.size * 100.0, series.model);
                chart
                    .draw_series(std::iter::once(Text::new(
                        text,
                        (x + 0.08, y_hi - (y_hi - y_lo) * 0.02),
                        label_font.clone().color(&mark),
                    )))
                    .map_err(|e| e.to_string())?;
            }
        }
        let book = ModelBook::legacy(&legacy_order());
        let entries: Vec<(ModelStyle, &str)> = self
            .series
            .iter()
            .map(|s| (book.style(&s.model), s.label.as_str()))
            .collect();
        super::legend::draw_model_entries(&side, &entries, true, 40).map(|_| ())
    }
}
