//! Where a task's time goes, phase by phase, in each language: stacked bars of the mean time
//! per task in each phase (thumbnail: read, decode, resize, encode, write).
//!
//! A batch's time says which side is faster; the phases say why. On thumbnails both languages
//! spend most of an image decoding the JPEG, in the same decoder family (libjpeg-turbo).

use plotters::coord::Shift;
use plotters::prelude::*;

use super::bars::row_chart;
use super::{fonts, header, linear_ticks, seconds_label, seconds_labels, LinearAt};
use poolbench_compare::WorkloadGroup;

/// Colours of the phases, in order (a sixth phase and beyond reuse them).
const PHASE_COLOURS: [RGBColor; 5] = [
    RGBColor(150, 150, 150), // read: grey
    RGBColor(31, 78, 140),   // decode: dark blue
    RGBColor(230, 140, 30),  // resize: orange
    RGBColor(60, 150, 60),   // encode: green
    RGBColor(140, 90, 170),  // write: purple
];

/// One stacked bar per model at W = 1 whose cells timed their phases: the oracle and each
/// Python model.
#[derive(Debug)]
pub struct Phases<'a> {
    pub group: &'a WorkloadGroup,
    pub conditions: String,
}

impl Phases<'_> {
    /// (label, phases) of each bar, top first.
    fn bars(&self) -> Vec<(String, Vec<(String, f64)>)> {
        self.group
            .series
            .iter()
            .filter(|s| s.machine == 0)
            .filter(|s| s.oracle || s.language == poolbench_core::Language::Python)
            .filter_map(|s| {
                let point = s.points.iter().find(|p| p.workers == 1)?;
                let phases = point.phases.as_ref()?;
                let label = format!("{} ({}, W=1)", s.model, s.language);
                Some((
                    label,
                    phases.iter().map(|p| (p.phase.clone(), p.mean_s)).collect(),
                ))
            })
            .collect()
    }

    /// Whether any cell timed its phases.
    pub fn has_data(&self) -> bool {
        !self.bars().is_empty()
    }
}

impl super::Figure for Phases<'_> {
    fn name(&self) -> String {
        format!("phases-{}", self.group.slug)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let g = self.group;
        let area = header(
            root,
            &format!("Where a task's time goes: {}", g.workload),
            g,
            &self.conditions,
        )?;
        let (area, key) = area.split_vertically(area.dim_in_pixel().1.saturating_sub(56));
        let bars = self.bars();
        let top = bars
            .iter()
            .map(|(_, phases)| phases.iter().map(|p| p.1).sum::<f64>())
            .fold(0.0f64, f64::max);
        let ticks = linear_ticks(0.0, top);
        let names: Vec<String> = bars.iter().map(|b| b.0.clone()).collect();
        let (_, _, label_font) = fonts();
        let n = bars.len() as f64;
        let mut chart = row_chart(
            &area,
            LinearAt::new(0.0..top * 1.2, ticks.clone()),
            &names,
            330,
            "mean time per task, by phase",
            &seconds_labels(&ticks),
        )?;
        for (i, (_, phases)) in bars.iter().enumerate() {
            let y = n - 1.0 - i as f64;
            let mut start = 0.0;
            for (k, (_, mean)) in phases.iter().enumerate() {
                let colour = PHASE_COLOURS[k % PHASE_COLOURS.len()];
                chart
                    .draw_series([Rectangle::new(
                        [(start, y - 0.3), (start + mean, y + 0.3)],
                        colour.filled(),
                    )])
                    .map_err(|e| e.to_string())?;
                start += mean;
            }
            chart
                .draw_series([EmptyElement::at((start, y))
                    + Text::new(seconds_label(start), (8, -9), label_font.clone())])
                .map_err(|e| e.to_string())?;
        }
        // The phases' key, in a row below the plot.
        let mut x = 24;
        let names = bars.first().map(|b| b.1.clone()).unwrap_or_default();
        for (k, (phase, _)) in names.iter().enumerate() {
            let colour = PHASE_COLOURS[k % PHASE_COLOURS.len()];
            key.draw(&Rectangle::new([(x, 14), (x + 20, 34)], colour.filled()))
                .map_err(|e| e.to_string())?;
            key.draw(&Text::new(phase.clone(), (x + 28, 14), label_font.clone()))
                .map_err(|e| e.to_string())?;
            x += 40 + 12 * phase.len() as i32;
        }
        Ok(())
    }
}

/// This chart in a workload's section: where the time went, phase by phase, where the workload records phases. (Listed in [`super::SECTION_CHARTS`].)
pub(crate) fn section(
    g: &WorkloadGroup,
    conditions: &str,
) -> Option<Result<super::Rendered, super::ChartError>> {
    let chart = Phases {
        group: g,
        conditions: conditions.to_owned(),
    };
    (chart.has_data()).then(|| super::render(&chart))
}
