//! One model's panel of a timeline: its title, its lanes and its tasks' bars.

use plotters::coord::Shift;
use plotters::prelude::*;

use poolbench_compare::Series;
use poolbench_core::WorkerKind;
use poolbench_results::{Span, Trace};

use super::key::ramp;
use super::TracedCell;
use crate::chart::fonts;

/// The most lanes a panel draws; a model with more says how many it left out.
const MOST_LANES: usize = 16;
/// A panel's title row, pixels.
pub(super) const TITLE_H: i32 = 26;
/// Space under a panel, pixels.
pub(super) const GAP: i32 = 14;
/// One model's panel: its label, what its lanes are, its trace, and each shown lane's tasks
/// on the track (row within the lane) each is drawn on.
#[derive(Debug)]
pub struct Panel<'a> {
    pub series: &'a Series,
    pub workers: usize,
    pub trace: &'a Trace,
    tracks: Vec<(usize, Vec<(Span, usize)>)>,
    /// The most tracks any shown lane needs (1 where no two of a lane's tasks overlap).
    rows: usize,
}

impl<'a> Panel<'a> {
    /// The panel of one model's traced cell.
    pub fn new(cell: TracedCell<'a>) -> Self {
        let TracedCell {
            series,
            workers,
            trace,
        } = cell;
        let tracks = tracks_by_lane(trace, trace.lanes.len().min(MOST_LANES));
        let rows = tracks
            .iter()
            .flat_map(|(_, spans)| spans.iter().map(|(_, track)| track + 1))
            .max()
            .unwrap_or(1);
        Self {
            series,
            workers,
            trace,
            tracks,
            rows,
        }
    }

    fn lanes_shown(&self) -> usize {
        self.tracks.len()
    }

    /// A lane's height: less the more lanes there are, more where a few lanes stack many
    /// tasks at once (tokio's threads), so each stacked task keeps about 3 pixels.
    fn lane_h(&self) -> i32 {
        let base = match self.lanes_shown() {
            0..=2 => 16,
            3..=4 => 13,
            5..=8 => 9,
            _ => 6,
        };
        if self.lanes_shown() <= 4 {
            base.max((3 * self.rows as i32 + 2).min(50))
        } else {
            base
        }
    }

    pub(super) fn height(&self) -> i32 {
        TITLE_H + self.lanes_shown() as i32 * self.lane_h() + GAP
    }

    /// `tokio · 2 runtime threads · idle 3 %` (and how many lanes were left out, and where
    /// the batch ended when that is past the axis).
    fn title(&self, axis_end: f64) -> String {
        let lanes = self.trace.lanes.len();
        let (one, many) = match self.series.worker_kind {
            Some(WorkerKind::Processes) => ("process", "processes"),
            Some(WorkerKind::AsyncTasks) => ("runtime thread", "runtime threads"),
            _ => ("thread", "threads"),
        };
        let what = if lanes == 1 { one } else { many };
        let hidden = if lanes > MOST_LANES {
            format!(" ({MOST_LANES} drawn)")
        } else {
            String::new()
        };
        let past = if self.trace.end_s > axis_end * 1.001 {
            format!(
                " · ends at {} →",
                crate::chart::seconds_label(self.trace.end_s)
            )
        } else {
            String::new()
        };
        format!(
            "{} · {lanes} {what}{hidden} · idle {:.0} %{past}",
            self.series.model,
            self.trace.idle_while_waiting * 100.0
        )
    }
}

/// Where a panel goes: its left and top edges, its plot's width, and where the shared time
/// axis ends (seconds).
#[derive(Debug, Clone, Copy)]
pub(super) struct Place {
    pub left: i32,
    pub top: i32,
    pub width: i32,
    pub end: f64,
}

impl Place {
    /// The x pixel of `s` seconds (past the axis's end: its end).
    pub fn x_of(&self, s: f64) -> i32 {
        self.left + ((s.min(self.end) / self.end) * f64::from(self.width)).round() as i32
    }
}

/// One model's panel: its title, a grey strip per lane, a bar per task (a lane's overlapping
/// tasks one above the other), and the batch's end.
pub(super) fn draw_panel<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    panel: &Panel,
    place: &Place,
    ticks: &[f64],
) -> Result<(), String> {
    let Place {
        left, top, width, ..
    } = *place;
    let x_of = |s: f64| place.x_of(s);
    let title = panel.title(place.end);
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    let (_, _, label_font) = fonts();
    let colour = crate::chart::colour(panel.series.style);
    root.draw(&Rectangle::new(
        [(left, top + 4), (left + 12, top + 16)],
        colour.filled(),
    ))
    .map_err(err)?;
    root.draw_text(&title, &label_font, (left + 18, top))
        .map_err(err)?;
    let lane_h = panel.lane_h();
    let lanes_top = top + TITLE_H;
    let lanes = panel.lanes_shown() as i32;
    let lanes_bottom = lanes_top + lanes * lane_h;
    for lane in 0..lanes {
        let y = lanes_top + lane * lane_h;
        root.draw(&Rectangle::new(
            [(left, y + 1), (left + width, y + lane_h - 1)],
            RGBColor(236, 236, 236).filled(),
        ))
        .map_err(err)?;
    }
    for t in ticks {
        let x = x_of(*t);
        root.draw(&PathElement::new(
            [(x, lanes_top), (x, lanes_bottom)],
            RGBColor(200, 200, 200),
        ))
        .map_err(err)?;
    }
    let tasks = panel.trace.tasks.max(1);
    // One row height for the whole panel, so that a task's bar is as tall on every lane.
    let row_h = f64::from(lane_h - 2) / panel.rows as f64;
    for (lane, tracks) in &panel.tracks {
        let y = f64::from(lanes_top + *lane as i32 * lane_h + 1);
        for &(span, track) in tracks {
            let y0 = (y + row_h * track as f64).round() as i32;
            let y1 = ((y + row_h * (track + 1) as f64).round() as i32).max(y0 + 1);
            let x0 = x_of(span.started());
            let x1 = x_of(span.finished()).max(x0 + 1);
            let fill = ramp(span.task() as f64 / (tasks.max(2) - 1) as f64);
            root.draw(&Rectangle::new([(x0, y0), (x1, y1)], fill.filled()))
                .map_err(err)?;
        }
    }
    // The batch's end, where it is on the axis (a baseline past it says so in its title).
    if panel.trace.end_s > place.end * 1.001 {
        return Ok(());
    }
    let end = x_of(panel.trace.end_s);
    root.draw(&Rectangle::new(
        [(end - 1, lanes_top - 3), (end + 1, lanes_bottom + 3)],
        BLACK.filled(),
    ))
    .map_err(err)?;
    Ok(())
}

/// Each shown lane's spans with the track (row within the lane) each is drawn on: a span goes
/// on the first track free when it starts, so tasks that overlap on one worker (async tasks
/// waiting together) stack instead of hiding each other.
fn tracks_by_lane(trace: &Trace, shown: usize) -> Vec<(usize, Vec<(Span, usize)>)> {
    (0..shown)
        .map(|lane| {
            let mut spans: Vec<_> = trace
                .spans
                .iter()
                .copied()
                .filter(|s| s.lane() == lane)
                .collect();
            spans.sort_by(|a, b| a.started().total_cmp(&b.started()));
            let mut ends: Vec<f64> = Vec::new();
            let placed = spans
                .into_iter()
                .map(|s| {
                    let track = match ends.iter().position(|&e| e <= s.started()) {
                        Some(t) => t,
                        None => {
                            ends.push(0.0);
                            ends.len() - 1
                        }
                    };
                    ends[track] = s.finished();
                    (s, track)
                })
                .collect();
            (lane, placed)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlapping_tasks_on_one_lane_get_their_own_tracks() {
        use poolbench_results::Lane;
        let trace = Trace {
            tasks: 3,
            traced_tasks: 3,
            end_s: 3.0,
            lanes: vec![Lane { workers: vec![1] }],
            every: 1,
            spans: vec![
                Span(0, 0, 0, 0, 2),
                Span(1, 0, 0, 1, 3),
                Span(2, 0, 0, 2, 3),
            ],
            idle_while_waiting: 0.0,
            busy: 1.0,
        };
        let tracks: Vec<usize> = tracks_by_lane(&trace, 1)[0]
            .1
            .iter()
            .map(|(_, t)| *t)
            .collect();
        assert_eq!(tracks, [0, 1, 0]);
    }
}
