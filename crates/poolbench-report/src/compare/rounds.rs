//! Interleaved rounds, compared in pairs: base, new, base, new, … on one machine, as
//! `scripts/ci-regression.sh` runs them.
//!
//! Two runs minutes apart differ by more than a small regression on a shared machine: its
//! speed drifts. Running base and new in alternation and comparing *each round's pair* makes
//! the drift cancel: within a pair both saw nearly the same machine (this is the pairing of
//! the `tango-bench` crate, done with whole runs). Per cell, each round gives one ratio new ÷
//! base (of the medians, or of the medians relative to each run's sequential cell); the change
//! is the median ratio − 1, and its interval is the distribution-free 95 % interval of that
//! median over the rounds. It takes 6 rounds for that interval to reach 95 %; with fewer, no
//! cell is called either way on its times (the output says so). The verdict rule is [`super::judge`]'s: significant and beyond the
//! threshold; a cell that stops verifying in any round regressed.

use std::collections::HashMap;

use poolbench_runner::{percentile, CellResult, MedianCi, ResultsFile, CI_LEVEL};

use super::{
    cell_name, cost, machine_warnings, name, references, CellChange, Comparison, Verdict,
    LEAST_THRESHOLD, SEQUENTIAL,
};
use crate::identity::workload_name;

/// Compares `pairs` of (base, new) runs taken in alternation; `threshold` overrides the one
/// from the noise; `relative` judges model cells relative to their run's sequential cell.
pub fn compare_rounds(
    pairs: &[(ResultsFile, ResultsFile)],
    threshold: Option<f64>,
    relative: bool,
) -> Comparison {
    let Some((first_base, first_new)) = pairs.first() else {
        return Comparison {
            threshold: threshold.unwrap_or(LEAST_THRESHOLD),
            threshold_source: "no rounds".to_owned(),
            relative,
            rounds: Some(0),
            cells: Vec::new(),
            added: Vec::new(),
            missing: Vec::new(),
            machine_warnings: Vec::new(),
        };
    };
    let indexed: Vec<(Index, Index)> = pairs
        .iter()
        .map(|(b, n)| (Index::of(b), Index::of(n)))
        .collect();
    let mut ratios: Vec<(&CellResult, Vec<f64>, Option<String>)> = Vec::new();
    for cell in &first_base.results {
        let key = cell_name(cell);
        let mut per_round = Vec::new();
        let mut broken = None;
        for (base, new) in &indexed {
            let (Some(b), Some(n)) = (base.cells.get(&key), new.cells.get(&key)) else {
                continue;
            };
            if b.verified && !n.verified {
                broken = Some("no longer verified".to_owned());
            } else if n.failed_tasks > b.failed_tasks {
                broken = Some(format!(
                    "{} failed tasks (was {})",
                    n.failed_tasks, b.failed_tasks
                ));
            }
            let judged_relative = relative && cell.model != SEQUENTIAL;
            let (base_ref, new_ref) = (base.reference(cell), new.reference(cell));
            if judged_relative && (base_ref.is_none() || new_ref.is_none()) {
                continue;
            }
            let (base_ref, new_ref) = if judged_relative {
                (base_ref, new_ref)
            } else {
                (None, None)
            };
            if let (Some(b), Some(n)) = (cost(b, base_ref), cost(n, new_ref)) {
                if b.0 > 0.0 && n.0.is_finite() {
                    per_round.push(n.0 / b.0);
                }
            }
        }
        ratios.push((cell, per_round, broken));
    }
    let intervals: Vec<Option<MedianCi>> = ratios
        .iter()
        .map(|(_, r, _)| MedianCi::of(r, CI_LEVEL))
        .collect();
    let (threshold, threshold_source) = match threshold {
        Some(t) => (t, "--threshold".to_owned()),
        None => noise_threshold(&ratios, &intervals),
    };
    let cells = ratios
        .iter()
        .zip(&intervals)
        .map(|((cell, r, broken), ci)| {
            judge_rounds(cell, r, ci, broken, threshold, pairs, relative)
        })
        .collect();
    let bases: HashMap<String, ()> = first_base
        .results
        .iter()
        .map(|c| (cell_name(c), ()))
        .collect();
    let news: HashMap<String, ()> = first_new
        .results
        .iter()
        .map(|c| (cell_name(c), ()))
        .collect();
    Comparison {
        threshold,
        threshold_source,
        relative,
        rounds: Some(pairs.len()),
        cells,
        added: first_new
            .results
            .iter()
            .filter(|c| !bases.contains_key(&cell_name(c)))
            .map(name)
            .collect(),
        missing: first_base
            .results
            .iter()
            .filter(|c| !news.contains_key(&cell_name(c)))
            .map(name)
            .collect(),
        machine_warnings: machine_warnings(first_base, first_new),
    }
}

/// One run's cells and sequential cells, by name.
struct Index<'a> {
    cells: HashMap<String, &'a CellResult>,
    references: HashMap<String, &'a CellResult>,
}

impl<'a> Index<'a> {
    fn of(results: &'a ResultsFile) -> Self {
        Self {
            cells: results.results.iter().map(|c| (cell_name(c), c)).collect(),
            references: references(results),
        }
    }

    /// The run's sequential cell of `cell`'s workload.
    fn reference(&self, cell: &CellResult) -> Option<&'a CellResult> {
        self.references.get(&workload_name(cell)).copied()
    }
}

/// Twice the median half-width of the cells' intervals of the median ratio, at least
/// [`LEAST_THRESHOLD`].
fn noise_threshold(
    ratios: &[(&CellResult, Vec<f64>, Option<String>)],
    intervals: &[Option<MedianCi>],
) -> (f64, String) {
    let mut widths: Vec<f64> = ratios
        .iter()
        .zip(intervals)
        .filter_map(|((_, r, _), ci)| {
            let ci = ci.as_ref()?;
            let mut sorted = r.clone();
            sorted.sort_by(f64::total_cmp);
            let median = percentile(&sorted, 50.0);
            (median > 0.0).then(|| ci.relative_half_width(median))
        })
        .filter(|w| w.is_finite())
        .collect();
    widths.sort_by(f64::total_cmp);
    let typical = if widths.is_empty() {
        0.0
    } else {
        percentile(&widths, 50.0)
    };
    (
        (2.0 * typical).max(LEAST_THRESHOLD),
        format!(
            "twice the median interval half-width of the paired ratios ({:.1} %), at least {:.0} %",
            typical * 100.0,
            LEAST_THRESHOLD * 100.0
        ),
    )
}

fn judge_rounds(
    cell: &CellResult,
    ratios: &[f64],
    ci: &Option<MedianCi>,
    broken: &Option<String>,
    threshold: f64,
    pairs: &[(ResultsFile, ResultsFile)],
    relative: bool,
) -> CellChange {
    let mut sorted = ratios.to_vec();
    sorted.sort_by(f64::total_cmp);
    let change = (!sorted.is_empty()).then(|| percentile(&sorted, 50.0) - 1.0);
    let interval = ci.as_ref().map(|ci| [ci.low - 1.0, ci.high - 1.0]);
    let level = ci.as_ref().map_or(0.0, |ci| ci.level);
    let (verdict, why) = match (broken, change, interval) {
        (Some(why), _, _) => (Verdict::Regressed, why.clone()),
        (None, Some(_), Some(_)) if poolbench_runner::below_ci_level(level) => (
            Verdict::Unchanged,
            format!(
                "too few rounds to judge ({} give a {:.0} % interval; 6 give 95 %)",
                ratios.len(),
                level * 100.0
            ),
        ),
        (None, Some(c), Some([low, high])) => {
            let significant = low > 0.0 || high < 0.0;
            let verdict = if significant && c > threshold {
                Verdict::Regressed
            } else if significant && c < -threshold {
                Verdict::Improved
            } else {
                Verdict::Unchanged
            };
            let why = match (verdict, significant) {
                (Verdict::Regressed, _) => "slower in the paired rounds, significant",
                (Verdict::Improved, _) => "faster in the paired rounds, significant",
                (_, true) => "significant but within the threshold",
                (_, false) => "within the noise of the rounds",
            };
            (verdict, why.to_owned())
        }
        _ => (Verdict::Unchanged, "no median to compare".to_owned()),
    };
    let medians = |side: fn(&(ResultsFile, ResultsFile)) -> &ResultsFile| {
        let key = cell_name(cell);
        let mut m: Vec<f64> = pairs
            .iter()
            .filter_map(|p| {
                side(p)
                    .results
                    .iter()
                    .find(|c| cell_name(c) == key)?
                    .median_s
            })
            .collect();
        m.sort_by(f64::total_cmp);
        (!m.is_empty()).then(|| percentile(&m, 50.0))
    };
    CellChange {
        name: cell_name(cell),
        workload: cell.workload.clone(),
        model: cell.model.clone(),
        workers: cell.workers,
        tasks: cell.tasks,
        base_median_s: medians(|p| &p.0),
        new_median_s: medians(|p| &p.1),
        change,
        interval,
        verdict,
        why,
        relative: relative && cell.model != SEQUENTIAL,
    }
}
