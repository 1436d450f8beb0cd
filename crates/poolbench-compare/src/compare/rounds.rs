//! Interleaved rounds, compared in pairs: base, new, base, new, … on one machine, as
//! `scripts/ci-regression.sh` runs them.
//!
//! Two runs minutes apart differ by more than a small regression on a shared machine: its
//! speed drifts. Running base and new in alternation and comparing *each round's pair* makes
//! the drift cancel: within a pair both saw nearly the same machine (the pairing of the
//! `tango-bench` crate, done with whole runs). Per cell, each round gives one log-ratio
//! `ln(new ÷ base)` of the medians (or of the medians relative to each run's sequential cell).
//! The change is their mean, turned back into a ratio (a geometric mean), and its interval is
//! Student's t interval of that mean over the rounds, **Bonferroni-adjusted for the number of
//! cells compared**: the intervals hold together, so a comparison of 33 unchanged cells calls
//! one of them changed with at most 5 % probability (when the log-ratios are near normal).
//! A cell regressed when its interval lies above zero and its change exceeds the threshold
//! (default 5 %: the interval already carries the rounds' noise). At least 3 rounds are needed;
//! a cell that stops verifying in any round regressed whatever its times.

use std::collections::HashMap;

use poolbench_results::{percentile, CellResult, ResultsFile};
use statrs::distribution::{ContinuousCDF, StudentsT};

use super::pooled::{pool, workloads, CellRatios};
use super::{
    broken, call, cell_name, cost, machine_warnings, only_in, CellChange, Comparison, Verdict,
    LEAST_THRESHOLD,
};
use crate::identity::{is_oracle, references, workload_name};

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
            workloads: Vec::new(),
            added: Vec::new(),
            missing: Vec::new(),
            machine_warnings: Vec::new(),
        };
    };
    let indexed: Vec<(Index, Index)> = pairs
        .iter()
        .map(|(b, n)| (Index::of(b), Index::of(n)))
        .collect();
    let mut rounds: Vec<CellRounds> = Vec::new();
    for cell in &first_base.results {
        let key = cell_name(cell);
        let judged_relative = relative && !is_oracle(first_base, cell);
        let mut r = CellRounds {
            cell,
            relative: judged_relative,
            ratios: Vec::new(),
            base_medians: Vec::new(),
            new_medians: Vec::new(),
            by_round: vec![None; indexed.len()],
            broken: None,
        };
        for (round, (base, new)) in indexed.iter().enumerate() {
            let (Some(b), Some(n)) = (base.cells.get(&key), new.cells.get(&key)) else {
                continue;
            };
            r.broken = r.broken.or_else(|| broken(b, n));
            r.base_medians.extend(b.time.median_s);
            r.new_medians.extend(n.time.median_s);
            let references = if judged_relative {
                match (base.reference(cell), new.reference(cell)) {
                    (Some(rb), Some(rn)) => (Some(rb), Some(rn)),
                    _ => continue,
                }
            } else {
                (None, None)
            };
            if let (Some(b), Some(n)) = (cost(b, references.0), cost(n, references.1)) {
                if b.0 > 0.0 && n.0.is_finite() {
                    r.ratios.push(n.0 / b.0);
                    r.by_round[round] = Some(n.0 / b.0);
                }
            }
        }
        rounds.push(r);
    }
    let (threshold, threshold_source) = match threshold {
        Some(t) => (t, "--threshold".to_owned()),
        None => (
            LEAST_THRESHOLD,
            format!(
                "{:.0} %: the intervals of paired rounds carry their own noise",
                LEAST_THRESHOLD * 100.0
            ),
        ),
    };
    // Each workload's cells pooled (a model's cell relative to its sequential one is pooled
    // with the others judged so; a broken cell is already a regression).
    let pooled: Vec<CellRatios> = rounds
        .iter()
        .filter(|r| r.broken.is_none() && (r.relative || !relative))
        .map(|r| CellRatios {
            workload: workload_name(r.cell),
            by_round: r.by_round.clone(),
        })
        .collect();
    let groups = workloads(&pooled);
    let workload_count = groups.len();
    // Simultaneous 95 % intervals over every compared cell and workload (Bonferroni). With
    // workloads to judge, they get half the family's error and the cells the other half: a few
    // workloads then get intervals a third narrower than an equal share would give them, the
    // many cells ones about a tenth wider.
    let (cell_error, workload_error) = if workload_count > 0 {
        (FAMILY_ERROR / 2.0, FAMILY_ERROR / 2.0)
    } else {
        (FAMILY_ERROR, 0.0)
    };
    let confidence = 1.0 - cell_error / rounds.len().max(1) as f64;
    let cells = rounds
        .iter()
        .map(|r| judge_rounds(r, threshold, confidence))
        .collect();
    let workloads = pool(
        &groups,
        threshold,
        1.0 - workload_error / workload_count.max(1) as f64,
    );
    Comparison {
        threshold,
        threshold_source,
        relative,
        rounds: Some(pairs.len()),
        cells,
        workloads,
        added: only_in(first_new, first_base),
        missing: only_in(first_base, first_new),
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

/// The chance, over the whole comparison, of calling any unchanged cell changed.
pub const FAMILY_ERROR: f64 = 0.05;

/// Fewest rounds a cell is judged on.
pub const LEAST_ROUNDS: usize = 3;

/// The mean of the log-ratios and its two-sided t interval at `confidence`, as changes
/// (`ratio − 1`): `(change, [low, high])`; `None` for fewer than [`LEAST_ROUNDS`] rounds.
pub fn paired_change(ratios: &[f64], confidence: f64) -> Option<(f64, [f64; 2])> {
    let logs: Vec<f64> = ratios
        .iter()
        .filter(|r| r.is_finite() && **r > 0.0)
        .map(|r| r.ln())
        .collect();
    if logs.len() < LEAST_ROUNDS {
        return None;
    }
    let n = logs.len() as f64;
    let mean = logs.iter().sum::<f64>() / n;
    let sd = (logs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
    let t = StudentsT::new(0.0, 1.0, n - 1.0)
        .ok()?
        .inverse_cdf(1.0 - (1.0 - confidence) / 2.0);
    let half = t * sd / n.sqrt();
    Some((
        mean.exp() - 1.0,
        [(mean - half).exp() - 1.0, (mean + half).exp() - 1.0],
    ))
}

/// One cell over the rounds: its per-round ratios new ÷ base, both sides' medians, and why it
/// regressed whatever its times, if it did in any round.
struct CellRounds<'a> {
    cell: &'a CellResult,
    /// Whether the cell is judged relative to its run's oracle (it is not the oracle).
    relative: bool,
    ratios: Vec<f64>,
    base_medians: Vec<f64>,
    new_medians: Vec<f64>,
    /// `ratios` by round (`None` where the round has no figure for the cell).
    by_round: Vec<Option<f64>>,
    broken: Option<String>,
}

fn judge_rounds(r: &CellRounds, threshold: f64, confidence: f64) -> CellChange {
    let judged = paired_change(&r.ratios, confidence);
    let (verdict, why) = match (&r.broken, judged) {
        (Some(why), _) => (Verdict::Regressed, why.clone()),
        (None, None) => (
            Verdict::Unchanged,
            format!(
                "too few rounds to judge ({} of at least {LEAST_ROUNDS})",
                r.ratios.len()
            ),
        ),
        (None, Some((change, interval))) => call(change, interval, threshold),
    };
    let median = |values: &[f64]| {
        let mut sorted = values.to_vec();
        sorted.sort_by(f64::total_cmp);
        (!sorted.is_empty()).then(|| percentile(&sorted, 50.0))
    };
    let cell = r.cell;
    CellChange {
        name: cell_name(cell),
        workload: cell.workload.clone(),
        model: cell.model.clone(),
        workers: cell.workers,
        tasks: cell.tasks,
        base_median_s: median(&r.base_medians),
        new_median_s: median(&r.new_medians),
        change: judged.map(|j| j.0),
        interval: judged.map(|j| j.1),
        verdict,
        why,
        relative: r.relative,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::SEQUENTIAL;
    use poolbench_core::WorkKind;
    use poolbench_results::Environment;

    /// A run with a sequential cell and a rayon cell of these medians (6 samples around each).
    fn run(sequential: f64, rayon: f64) -> ResultsFile {
        let cell = |model: &str, workers: usize, median: f64| {
            let samples: Vec<f64> = (0..6).map(|i| median * (0.99 + 0.004 * i as f64)).collect();
            let mut cell = CellResult::new("sum", WorkKind::Cpu, model, workers, 8);
            cell.time.samples_s = samples;
            cell.time.median_s = Some(median);
            cell.outcome.verified = true;
            cell
        };
        let mut results = ResultsFile::new(Environment::capture(Vec::new()), None);
        results.results = vec![cell(SEQUENTIAL, 1, sequential), cell("rayon", 2, rayon)];
        results
    }

    /// `rounds` pairs; round i's machine runs at `drift(i)`; the new rayon is `factor` slower
    /// and every figure wobbles by ±1 %.
    fn rounds(n: usize, factor: f64) -> Vec<(ResultsFile, ResultsFile)> {
        (0..n)
            .map(|i| {
                let drift = 1.0 + 0.3 * (i % 3) as f64;
                let wobble = if i % 2 == 0 { 1.01 } else { 0.99 };
                (
                    run(drift, 0.5 * drift),
                    run(drift * wobble, 0.5 * drift * factor / wobble),
                )
            })
            .collect()
    }

    fn verdict(c: &Comparison, model: &str) -> Verdict {
        c.cells.iter().find(|x| x.model == model).unwrap().verdict
    }

    #[test]
    fn drift_between_rounds_cancels_in_each_pair() {
        let c = compare_rounds(&rounds(6, 1.0), None, false);
        assert_eq!(c.rounds, Some(6));
        assert!(
            c.cells.iter().all(|x| x.verdict == Verdict::Unchanged),
            "{c:?}"
        );
    }

    #[test]
    fn a_consistent_slowdown_regresses_raw_and_relative() {
        for relative in [false, true] {
            let c = compare_rounds(&rounds(6, 1.3), None, relative);
            assert_eq!(verdict(&c, "rayon"), Verdict::Regressed, "{c:?}");
            assert_eq!(verdict(&c, SEQUENTIAL), Verdict::Unchanged);
            let change = c.cells.iter().find(|x| x.model == "rayon").unwrap().change;
            assert!((change.unwrap() - 0.3).abs() < 0.05, "{change:?}");
        }
        assert_eq!(
            verdict(&compare_rounds(&rounds(6, 0.7), None, false), "rayon"),
            Verdict::Improved
        );
    }

    #[test]
    fn too_few_rounds_call_nothing_on_times_but_a_broken_cell_still_regresses() {
        let c = compare_rounds(&rounds(2, 2.0), None, false);
        assert_eq!(verdict(&c, "rayon"), Verdict::Unchanged);
        assert!(
            c.cells[1].why.contains("too few rounds"),
            "{}",
            c.cells[1].why
        );
        let mut broken = rounds(2, 1.0);
        broken[1].1.results[1].outcome.verified = false;
        let c = compare_rounds(&broken, None, false);
        assert_eq!(verdict(&c, "rayon"), Verdict::Regressed);
    }

    #[test]
    fn the_interval_widens_with_the_number_of_cells_judged_together() {
        let ratios = [1.1, 1.12, 1.08, 1.11, 1.09, 1.1];
        let (change, one) = paired_change(&ratios, 0.95).unwrap();
        let (_, many) = paired_change(&ratios, 1.0 - 0.05 / 100.0).unwrap();
        assert!((change - 0.0999).abs() < 0.002, "{change}");
        assert!(many[0] < one[0] && many[1] > one[1]);
        assert!(one[0] > 0.0);
        assert!(paired_change(&[1.1, 1.2], 0.95).is_none());
    }
}
