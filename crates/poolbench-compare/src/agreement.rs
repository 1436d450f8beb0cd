//! Would a second run say the same? Two results files of the same plan, compared cell by cell.
//!
//! A figure is only worth printing if a rerun lands near it. For each workload this measures
//! what a reader relies on: the share of cells whose second median falls inside the first
//! run's recorded interval, how far medians move (|second / first − 1|, median and 90th
//! percentile), how wide the intervals are (half-width as a share of the median), and whether
//! the verdict holds — the second run's fastest model must be the first run's fastest or one
//! the first run could not tell apart from it.

use std::collections::HashMap;
use std::fmt::Write;

use poolbench_core::WorkKind;
use poolbench_results::{percentile, CellResult, ResultsFile};
use serde::Serialize;

use crate::identity::cell_name;
use crate::stats::cell_ci;
use crate::verdict::fastest_groups;
use crate::{group, Input};

/// The targets a reproducible run should meet (docs/trust.md, "How far to trust a figure").
pub const TARGET_INSIDE: f64 = 0.90;
/// Largest acceptable median half-width of the intervals on CPU-bound work.
pub const TARGET_HALF_WIDTH_CPU: f64 = 0.05;
/// Largest acceptable median half-width on I/O-bound work.
pub const TARGET_HALF_WIDTH_IO: f64 = 0.02;

/// How one workload's cells agreed between two runs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WorkloadAgreement {
    /// The workload with its parameters, as the report names it.
    pub workload: String,
    pub kind: WorkKind,
    /// Cells with a median in both runs.
    pub cells: usize,
    /// Of those, cells whose second median lies inside the first run's interval.
    pub inside: usize,
    /// Median and 90th percentile of |second / first − 1| over the cells.
    pub delta_median: f64,
    pub delta_p90: f64,
    /// The same for speedups (each run's sequential median / the cell's median): what is left
    /// of the change once the machine's own drift, which moves the sequential cell too, is
    /// divided out.
    pub speedup_delta_median: f64,
    pub speedup_delta_p90: f64,
    /// How far the sequential cell itself moved (second / first − 1): one thread running the
    /// same code, so this is the machine changing between the runs.
    pub sequential_shift: Option<f64>,
    /// Median interval half-width as a share of the median, in each run.
    pub half_width_first: f64,
    pub half_width_second: f64,
    /// The first run's fastest model and those indistinguishable from it.
    pub first_fastest: Option<Vec<String>>,
    /// The second run's fastest model.
    pub second_fastest: Option<String>,
}

impl WorkloadAgreement {
    /// Share of cells whose second median lies inside the first interval.
    pub fn inside_share(&self) -> f64 {
        if self.cells == 0 {
            0.0
        } else {
            self.inside as f64 / self.cells as f64
        }
    }

    /// Whether the second run's fastest model is among the first run's fastest group;
    /// `None` where either run has no verdict.
    pub fn verdict_agrees(&self) -> Option<bool> {
        Some(
            self.first_fastest
                .as_ref()?
                .contains(self.second_fastest.as_ref()?),
        )
    }

    /// The half-width target for this kind of work.
    pub fn half_width_target(&self) -> f64 {
        match self.kind {
            WorkKind::Io => TARGET_HALF_WIDTH_IO,
            WorkKind::Cpu => TARGET_HALF_WIDTH_CPU,
        }
    }
}

/// The whole comparison.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Agreement {
    pub workloads: Vec<WorkloadAgreement>,
    /// All workloads together.
    pub cells: usize,
    pub inside: usize,
    /// Cells of either run with no counterpart (or no median) in the other.
    pub unmatched: usize,
}

/// Compares `second` with `first`, cell by cell and workload by workload.
pub fn agreement(first: &ResultsFile, second: &ResultsFile) -> Agreement {
    let seconds: HashMap<String, &CellResult> = second
        .results
        .iter()
        .filter(|c| c.time.median_s.is_some())
        .map(|c| (cell_name(c), c))
        .collect();
    let groups_first = group(&[Input {
        label: "first".into(),
        results: first.clone(),
    }]);
    let groups_second = group(&[Input {
        label: "second".into(),
        results: second.clone(),
    }]);
    let verdicts_first = fastest_groups(&groups_first);
    let verdicts_second = fastest_groups(&groups_second);
    let mut matched = 0;
    let mut workloads = Vec::new();
    for g in &groups_first {
        let label = g.label();
        let cells: Vec<(&CellResult, &CellResult)> = first
            .results
            .iter()
            .filter(|c| c.time.median_s.is_some() && same_group(c, g))
            .filter_map(|c| Some((c, *seconds.get(&cell_name(c))?)))
            .collect();
        matched += cells.len();
        let mut inside = 0;
        let mut deltas = Vec::new();
        let mut speedup_deltas = Vec::new();
        let mut sequential_shift = None;
        let mut widths = (Vec::new(), Vec::new());
        for (a, b) in &cells {
            let (Some(ma), Some(mb)) = (a.time.median_s, b.time.median_s) else {
                continue;
            };
            let oracle = first.model_role(&a.model) == poolbench_core::ModelRole::Oracle;
            if let Some(ci) = cell_ci(a) {
                if ci.contains(mb) {
                    inside += 1;
                }
                widths.0.push(ci.relative_half_width(ma));
            }
            if let Some(ci) = cell_ci(b) {
                widths.1.push(ci.relative_half_width(mb));
            }
            if ma > 0.0 {
                deltas.push((mb / ma - 1.0).abs());
                if oracle {
                    sequential_shift = Some(mb / ma - 1.0);
                }
            }
            if let (Some(sa), Some(sb)) = (a.scaling.speedup, b.scaling.speedup) {
                if sa > 0.0 && !oracle {
                    speedup_deltas.push((sb / sa - 1.0).abs());
                }
            }
        }
        let percentile_of = |mut v: Vec<f64>, p: f64| {
            v.sort_by(f64::total_cmp);
            if v.is_empty() {
                f64::NAN
            } else {
                percentile(&v, p)
            }
        };
        let first_verdict = verdicts_first.iter().find(|v| v.workload == label);
        let second_verdict = verdicts_second.iter().find(|v| v.workload == label);
        workloads.push(WorkloadAgreement {
            workload: label,
            kind: g.kind,
            cells: cells.len(),
            inside,
            delta_median: percentile_of(deltas.clone(), 50.0),
            delta_p90: percentile_of(deltas, 90.0),
            speedup_delta_median: percentile_of(speedup_deltas.clone(), 50.0),
            speedup_delta_p90: percentile_of(speedup_deltas, 90.0),
            sequential_shift,
            half_width_first: percentile_of(widths.0, 50.0),
            half_width_second: percentile_of(widths.1, 50.0),
            first_fastest: first_verdict.map(|v| {
                std::iter::once(v.fastest.clone())
                    .chain(v.indistinguishable.iter().cloned())
                    .collect()
            }),
            second_fastest: second_verdict.map(|v| v.fastest.clone()),
        });
    }
    let with_median = |r: &ResultsFile| {
        r.results
            .iter()
            .filter(|c| c.time.median_s.is_some())
            .count()
    };
    Agreement {
        cells: workloads.iter().map(|w| w.cells).sum(),
        inside: workloads.iter().map(|w| w.inside).sum(),
        unmatched: with_median(first).saturating_sub(matched)
            + with_median(second).saturating_sub(matched),
        workloads,
    }
}

/// Whether `cell` belongs to the report group `g` (same workload, parameters and tasks).
fn same_group(cell: &CellResult, g: &crate::data::WorkloadGroup) -> bool {
    cell.workload == g.workload
        && cell.tasks == g.tasks
        && crate::params::params_text(cell) == g.params
        && cell.experiment == g.experiment
}

/// The comparison as a table a person reads, with each target marked met or missed.
pub fn render_text(a: &Agreement) -> String {
    let mut out = String::new();
    let pct = |x: f64| {
        if x.is_finite() {
            format!("{:.1}%", x * 100.0)
        } else {
            "-".to_owned()
        }
    };
    let _ = writeln!(
        out,
        "{:<28} {:>5} {:>16} {:>8} {:>8} {:>16} {:>9} {:>13} {:<24}",
        "workload",
        "cells",
        "2nd in 1st CI",
        "|Δ| p50",
        "|Δ| p90",
        "CI ±half 1st/2nd",
        "seq. Δ",
        "speedup |Δ|",
        "verdict (2nd fastest)"
    );
    for w in &a.workloads {
        let mark = |ok: bool| if ok { " " } else { "!" };
        let verdict = match w.verdict_agrees() {
            Some(true) => format!("agrees ({})", w.second_fastest.as_deref().unwrap_or("?")),
            Some(false) => format!(
                "DIFFERS ({} not in {})",
                w.second_fastest.as_deref().unwrap_or("?"),
                w.first_fastest
                    .as_ref()
                    .map_or(String::new(), |g| g.join("/"))
            ),
            None => "-".to_owned(),
        };
        let _ = writeln!(
            out,
            "{:<28} {:>5} {:>15}{} {:>8} {:>8} {:>15}{} {:>9} {:>13} {:<24}",
            truncate(&w.workload, 28),
            w.cells,
            format!("{}/{} {}", w.inside, w.cells, pct(w.inside_share())),
            mark(w.inside_share() >= TARGET_INSIDE),
            pct(w.delta_median),
            pct(w.delta_p90),
            format!("{}/{}", pct(w.half_width_first), pct(w.half_width_second)),
            mark(w.half_width_first <= w.half_width_target()),
            w.sequential_shift
                .map_or("-".to_owned(), |x| format!("{:+.1}%", x * 100.0)),
            format!(
                "{}/{}",
                pct(w.speedup_delta_median),
                pct(w.speedup_delta_p90)
            ),
            verdict
        );
    }
    let share = if a.cells == 0 {
        0.0
    } else {
        a.inside as f64 / a.cells as f64
    };
    let _ = writeln!(
        out,
        "\nall: {}/{} cells ({}) had the second median inside the first run's interval \
         (target >= {:.0}%); {} cells unmatched.\n\
         ! marks a missed target: share inside < {:.0}%, or median half-width above {:.0}% \
         (CPU work) / {:.0}% (I/O work).\n\
         seq. Δ: how far the sequential cell (one thread, the same code) moved between the runs: \
         the machine itself. speedup |Δ| (p50/p90): the change left once each run is divided \
         by its own sequential time.",
        a.inside,
        a.cells,
        pct(share),
        TARGET_INSIDE * 100.0,
        a.unmatched,
        TARGET_INSIDE * 100.0,
        TARGET_HALF_WIDTH_CPU * 100.0,
        TARGET_HALF_WIDTH_IO * 100.0
    );
    out
}

fn truncate(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        text.to_owned()
    } else {
        let cut: String = text.chars().take(width - 1).collect();
        format!("{cut}…")
    }
}
