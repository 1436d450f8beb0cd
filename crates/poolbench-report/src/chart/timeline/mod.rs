//! Timelines: how each model scheduled one batch, a lane per worker and a bar per task.
//!
//! Times and speedups only hint at *how* a model schedules. Here every task of a cell's traced
//! batch is a bar on the lane of the worker that ran it, from its start to its finish, its
//! colour its place in the input (dark first, bright last), so a reader sees at a glance a
//! work-stealing pool balancing uneven tasks, a pool whose workers idle while tasks wait in
//! another worker's queue, tokio stacking many waits on each of a few threads (a lane's tasks
//! that overlap are drawn one above the other), or Python's threads taking turns. The grey
//! behind the bars is a worker with nothing to run; the black tick is the batch's last finish.
//!
//! One chart per language and workload, every model of it at one W on a shared time axis
//! (the group's comparison W, the one-at-a-time baselines at W = 1): languages get a chart
//! each because a Python batch can take fifty times a Rust one, and on a shared axis the Rust
//! bars would vanish. Each panel's title gives the share of worker-time the lanes sat idle
//! while a task waited to start (load imbalance).

mod key;
mod panel;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use poolbench_compare::{Series, WorkloadGroup};
use poolbench_core::Language;
use poolbench_results::Trace;

use super::{fonts, header, linear_ticks, seconds_labels, SIZE};
use key::draw_key;
pub use panel::Panel;
use panel::{draw_panel, Place};

/// Room above the panels for the header (title, what was measured, conditions).
const HEADER_H: i32 = 156;
/// Room below the panels: the time axis and the key.
const FOOT_H: i32 = 110;
/// Left and right margins, pixels.
const MARGIN: i32 = 24;
/// Space between two columns of panels, pixels.
const COLUMN_GAP: i32 = 32;
/// Room at the right of a column's plot for its last tick label, pixels.
const TICK_ROOM: i32 = 36;
/// Where the shared time axis ends: the last finish among the panels at the chart's W `w`
/// (a one-at-a-time baseline at W = 1 can take W times as long, and would squash every other
/// panel: its bars run off the end and its title says where it ended).
fn axis_end(panels: &[Panel], w: usize) -> f64 {
    let end_of = |at_w: bool| {
        panels
            .iter()
            .filter(|p| !at_w || p.workers == w)
            .map(|p| p.trace.end_s)
            .fold(0.0, f64::max)
    };
    let end = end_of(true);
    if end > 0.0 { end } else { end_of(false) }.max(1e-9)
}

/// The languages a workload's timelines are drawn for, a chart each, in the report's order.
pub const LANGUAGES: [Language; 2] = [Language::Rust, Language::Python];

/// One model's traced cell as a timeline shows it: the model, its W, its trace.
#[derive(Debug, Clone, Copy)]
pub struct TracedCell<'a> {
    pub series: &'a Series,
    pub workers: usize,
    pub trace: &'a Trace,
}

/// The traced cells of `language`'s models on `group`, in the group's model order: each model
/// at the group's comparison W (a model measured at W = 1 only, a one-at-a-time baseline, at
/// W = 1), where that cell has a trace. What the chart draws and the report's table lists.
pub fn traced_cells(group: &WorkloadGroup, language: Language) -> Vec<TracedCell<'_>> {
    let w = group.comparison_workers(0);
    group
        .series
        .iter()
        .filter(|s| s.machine == 0 && s.language == language)
        .filter_map(|s| {
            let point = s.points.iter().find(|p| p.workers == w).or_else(|| {
                s.points
                    .iter()
                    .find(|p| p.workers == 1 && s.points.len() == 1)
            })?;
            Some(TracedCell {
                series: s,
                workers: point.workers,
                trace: point.trace.as_ref()?,
            })
        })
        .collect()
}

/// The timelines of one language's models on one workload.
#[derive(Debug)]
pub struct Timeline<'a> {
    group: &'a WorkloadGroup,
    language: Language,
    conditions: String,
    /// A panel per traced cell (see [`traced_cells`]), made once.
    panels: Vec<Panel<'a>>,
}

impl<'a> Timeline<'a> {
    /// The timelines of `language`'s models on `group`; `conditions` goes in the header.
    pub fn new(group: &'a WorkloadGroup, language: Language, conditions: String) -> Self {
        let panels = traced_cells(group, language)
            .into_iter()
            .map(Panel::new)
            .collect();
        Self {
            group,
            language,
            conditions,
            panels,
        }
    }

    /// The W the chart shows: the group's comparison W.
    pub fn workers(&self) -> usize {
        self.group.comparison_workers(0)
    }

    /// Whether there is a panel to draw.
    pub fn has_data(&self) -> bool {
        !self.panels.is_empty()
    }

    fn columns(panels: usize) -> usize {
        if panels > 5 {
            2
        } else {
            1
        }
    }

    /// Each row's height, top to bottom.
    fn rows(panels: &[Panel]) -> Vec<i32> {
        let columns = Self::columns(panels.len());
        panels
            .chunks(columns)
            .map(|row| row.iter().map(Panel::height).max().unwrap_or(0))
            .collect()
    }
}

impl super::Figure for Timeline<'_> {
    fn name(&self) -> String {
        let language = self.language.to_string().to_lowercase();
        format!("timeline-{language}-{}", self.group.slug)
    }

    fn size(&self) -> (u32, u32) {
        let rows: i32 = Self::rows(&self.panels).iter().sum();
        (SIZE.0, (HEADER_H + rows + FOOT_H).max(400) as u32)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let g = self.group;
        let language = self.language;
        let area = header(
            root,
            &format!(
                "How each {language} model scheduled its tasks, W = {}",
                self.workers()
            ),
            g,
            &self.conditions,
        )?;
        let top = root.dim_in_pixel().1 as i32 - area.dim_in_pixel().1 as i32;
        let panels = &self.panels;
        let columns = Self::columns(panels.len()) as i32;
        let width = SIZE.0 as i32 - 2 * MARGIN;
        let column_w = (width - (columns - 1) * COLUMN_GAP) / columns;
        // Room at the right of each column for the last tick's label.
        let plot_w = column_w - TICK_ROOM;
        let end = axis_end(panels, self.workers());
        let ticks = linear_ticks(0.0, end);
        let label = seconds_labels(&ticks);
        let (_, axis_font, label_font) = fonts();
        let rows = Self::rows(panels);
        let mut row_top = top + 8;
        let mut bottom = row_top;
        for (r, row) in panels.chunks(columns as usize).enumerate() {
            for (c, panel) in row.iter().enumerate() {
                let left = MARGIN + c as i32 * (column_w + COLUMN_GAP);
                let place = Place {
                    left,
                    top: row_top,
                    width: plot_w,
                    end,
                };
                draw_panel(root, panel, &place, &ticks)?;
            }
            row_top += rows[r];
            bottom = row_top;
        }
        // The time axis under each column: its tick labels, then what it is.
        let grey = label_font.color(&RGBColor(90, 90, 90));
        let centred = label_font.pos(Pos::new(HPos::Center, VPos::Top));
        for c in 0..columns {
            let left = MARGIN + c * (column_w + COLUMN_GAP);
            let place = Place {
                left,
                top: bottom,
                width: plot_w,
                end,
            };
            for t in &ticks {
                root.draw_text(&label(t), &centred, (place.x_of(*t), bottom))
                    .map_err(|e| e.to_string())?;
            }
        }
        let title = axis_font.pos(Pos::new(HPos::Center, VPos::Top));
        root.draw_text(
            "time since the batch was handed to the model",
            &title,
            (SIZE.0 as i32 / 2, bottom + 26),
        )
        .map_err(|e| e.to_string())?;
        draw_key(root, g.tasks, bottom + 62, &grey)
    }
}
