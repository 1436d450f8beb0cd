//! Did a change make anything slower? Two results files compared cell by cell, with a verdict
//! a CI job can act on.
//!
//! A CI pipeline must fail on a real regression and only on a real one. A cell's median moving
//! by some per cent proves nothing on a noisy machine, so each verdict needs two things: the
//! change must be *significant* — its interval, built from the two medians' own intervals,
//! excludes zero — and *large* — beyond a threshold. The interval of the change is
//! `[new.low / base.high − 1, new.high / base.low − 1]`: the two 95 % intervals of the
//! medians combined, so it covers the true change with at least 90 % confidence whatever the
//! distributions. A cell that stops verifying, or fails more tasks, regressed whatever its time.
//!
//! By default each model's cell is judged *relative to its own run's sequential cell* of the
//! same workload: its median divided by the sequential median, in each run. A shared machine
//! drifts between runs (on the 2-vCPU VM poolbench is developed on, whole workloads ran 22–42 %
//! faster in one run than in the next); the sequential cell, one thread running the same code,
//! moves with the machine and divides that drift out. The interval then combines four
//! intervals (at least 80 % confidence). The sequential cells themselves are compared as they
//! are. `--absolute` compares every cell's raw median instead.

use std::collections::{HashMap, HashSet};

use poolbench_results::{percentile, CellResult, ResultsFile};
use serde::Serialize;

use crate::identity::{cell_name, is_oracle, references, workload_name};
use crate::stats::cell_ci;

mod pooled;
mod render;
mod rounds;

pub use pooled::WorkloadChange;
pub use render::{render_markdown, render_text};
pub use rounds::compare_rounds;

/// The least default threshold: smaller changes are never called, however significant.
pub const LEAST_THRESHOLD: f64 = 0.05;

/// What became of one cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Regressed,
    Improved,
    Unchanged,
}

/// One cell present in both files.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CellChange {
    /// The cell's stable name ([`cell_name`]).
    pub name: String,
    pub workload: String,
    pub model: String,
    pub workers: usize,
    pub tasks: usize,
    pub base_median_s: Option<f64>,
    pub new_median_s: Option<f64>,
    /// new / base − 1 of the medians.
    pub change: Option<f64>,
    /// The interval of the change (see the module docs).
    pub interval: Option<[f64; 2]>,
    pub verdict: Verdict,
    /// Why, in a few words.
    pub why: String,
    /// Whether `change` is of the cell's median relative to its run's sequential median.
    pub relative: bool,
}

/// The whole comparison.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    /// The threshold used, and where it came from.
    pub threshold: f64,
    pub threshold_source: String,
    /// Whether model cells were judged relative to their run's sequential cell.
    pub relative: bool,
    /// Interleaved (base, new) rounds compared in pairs; absent for two single files.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rounds: Option<usize>,
    pub cells: Vec<CellChange>,
    /// With rounds: each workload's cells pooled ([`pooled`]); empty for two single files.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub workloads: Vec<WorkloadChange>,
    /// Cells only in the new file, and only in the base file, by their stable names
    /// ([`cell_name`]: parameters and N included, so a changed parameter shows).
    pub added: Vec<String>,
    pub missing: Vec<String>,
    /// Differences between the two machines that make times incomparable.
    pub machine_warnings: Vec<String>,
}

impl Comparison {
    /// How many cells got `verdict`.
    pub fn count(&self, verdict: Verdict) -> usize {
        self.cells.iter().filter(|c| c.verdict == verdict).count()
    }

    /// Whether a cell or a pooled workload regressed: what fails a comparison.
    pub fn regressed(&self) -> bool {
        self.count(Verdict::Regressed) > 0
            || self
                .workloads
                .iter()
                .any(|w| w.verdict == Verdict::Regressed)
    }
}

/// The default threshold from the measured noise: twice the median half-width (as a share of
/// the median) of every matched cell's interval in both files, at least [`LEAST_THRESHOLD`].
pub fn noise_threshold<'a>(cells: impl Iterator<Item = &'a CellResult>) -> (f64, String) {
    let mut widths: Vec<f64> = cells
        .filter_map(|c| {
            let ci = cell_ci(c)?;
            let median = c.time.median_s.filter(|m| *m > 0.0)?;
            Some(ci.relative_half_width(median))
        })
        .filter(|w| w.is_finite())
        .collect();
    widths.sort_by(f64::total_cmp);
    let typical = if widths.is_empty() {
        0.0
    } else {
        percentile(&widths, 50.0)
    };
    let threshold = (2.0 * typical).max(LEAST_THRESHOLD);
    let source = format!(
        "twice the median interval half-width of the compared cells ({:.1} %), at least {:.0} %",
        typical * 100.0,
        LEAST_THRESHOLD * 100.0
    );
    (threshold, source)
}

/// Compares `new` with `base`; `threshold` overrides the one from the noise; `relative`
/// judges model cells relative to their run's sequential cell (see the module docs).
pub fn compare(
    base: &ResultsFile,
    new: &ResultsFile,
    threshold: Option<f64>,
    relative: bool,
) -> Comparison {
    let news: HashMap<String, &CellResult> =
        new.results.iter().map(|c| (cell_name(c), c)).collect();
    let pairs: Vec<(&CellResult, &CellResult)> = base
        .results
        .iter()
        .filter_map(|b| Some((b, *news.get(&cell_name(b))?)))
        .collect();
    let (threshold, threshold_source) = match threshold {
        Some(t) => (t, "--threshold".to_owned()),
        None => noise_threshold(pairs.iter().flat_map(|(b, n)| [*b, *n])),
    };
    let (base_refs, new_refs) = (references(base), references(new));
    let reference = |cell: &CellResult| {
        let key = workload_name(cell);
        (relative && !is_oracle(base, cell))
            .then(|| Some((*base_refs.get(&key)?, *new_refs.get(&key)?)))
            .flatten()
    };
    Comparison {
        threshold,
        threshold_source,
        relative,
        rounds: None,
        workloads: Vec::new(),
        cells: pairs
            .iter()
            .map(|(b, n)| judge(b, n, reference(b), threshold))
            .collect(),
        added: only_in(new, base),
        missing: only_in(base, new),
        machine_warnings: machine_warnings(base, new),
    }
}

/// The names ([`cell_name`]) of the cells of `file` that `other` does not have, in `file`'s
/// order.
pub(crate) fn only_in(file: &ResultsFile, other: &ResultsFile) -> Vec<String> {
    let others: HashSet<String> = other.results.iter().map(cell_name).collect();
    file.results
        .iter()
        .map(cell_name)
        .filter(|name| !others.contains(name))
        .collect()
}

/// A cell's median and its interval `(median, low, high)`, divided by its reference's when
/// it has one (then `low` is the smallest ratio both intervals allow, `high` the largest).
pub fn cost(cell: &CellResult, reference: Option<&CellResult>) -> Option<(f64, f64, f64)> {
    let ci = cell_ci(cell)?;
    let own = (cell.time.median_s?, ci.low, ci.high);
    let Some(reference) = reference else {
        return Some(own);
    };
    let r = cell_ci(reference)?;
    let median = reference.time.median_s?;
    (median > 0.0 && r.low > 0.0).then(|| (own.0 / median, own.1 / r.high, own.2 / r.low))
}

/// The verdict on one cell (see the module docs); `reference` holds the base and new runs'
/// sequential cells when the cell is judged relative to them.
pub fn judge(
    base: &CellResult,
    new: &CellResult,
    reference: Option<(&CellResult, &CellResult)>,
    threshold: f64,
) -> CellChange {
    let (b, n) = (
        cost(base, reference.map(|r| r.0)),
        cost(new, reference.map(|r| r.1)),
    );
    let change = b
        .zip(n)
        .filter(|(b, _)| b.0 > 0.0)
        .map(|(b, n)| n.0 / b.0 - 1.0);
    let interval = b
        .zip(n)
        .and_then(|(b, n)| (b.1 > 0.0 && b.2 > 0.0).then(|| [n.1 / b.2 - 1.0, n.2 / b.1 - 1.0]));
    let (verdict, why) = match (broken(base, new), change.zip(interval)) {
        (Some(why), _) => (Verdict::Regressed, why),
        (None, Some((c, interval))) => call(c, interval, threshold),
        (None, None) => (Verdict::Unchanged, "no median to compare".to_owned()),
    };
    CellChange {
        name: cell_name(base),
        workload: base.workload.clone(),
        model: base.model.clone(),
        workers: base.workers,
        tasks: base.tasks,
        base_median_s: base.time.median_s,
        new_median_s: new.time.median_s,
        change,
        interval,
        verdict,
        why,
        relative: reference.is_some(),
    }
}

/// Why `new` regressed whatever its times, if it did: it stopped verifying, or fails more tasks.
pub(crate) fn broken(base: &CellResult, new: &CellResult) -> Option<String> {
    if base.outcome.verified && !new.outcome.verified {
        Some("no longer verified".to_owned())
    } else if new.outcome.failed_tasks > base.outcome.failed_tasks {
        Some(format!(
            "{} failed tasks (was {})",
            new.outcome.failed_tasks, base.outcome.failed_tasks
        ))
    } else {
        None
    }
}

/// The verdict on a `change` with its `interval`: significant (the interval excludes zero)
/// and beyond `threshold` either way, else unchanged; with why, in a few words.
pub(crate) fn call(change: f64, [low, high]: [f64; 2], threshold: f64) -> (Verdict, String) {
    let significant = low > 0.0 || high < 0.0;
    let (verdict, why) = if low > 0.0 && change > threshold {
        (Verdict::Regressed, "slower, significant")
    } else if high < 0.0 && change < -threshold {
        (Verdict::Improved, "faster, significant")
    } else if significant && change.abs() <= threshold {
        (Verdict::Unchanged, "significant but within the threshold")
    } else if significant {
        (Verdict::Unchanged, "significant")
    } else {
        (
            Verdict::Unchanged,
            "within the noise (the interval holds zero)",
        )
    };
    (verdict, why.to_owned())
}

/// Each difference between the machines that makes their times incomparable.
pub(crate) fn machine_warnings(base: &ResultsFile, new: &ResultsFile) -> Vec<String> {
    let (b, n) = (&base.environment, &new.environment);
    let mut warnings = Vec::new();
    if b.cpu_model != n.cpu_model {
        warnings.push(format!(
            "different CPUs: {} (base) vs {} (new)",
            b.cpu_model.as_deref().unwrap_or("unknown"),
            n.cpu_model.as_deref().unwrap_or("unknown")
        ));
    }
    if b.logical_cores != n.logical_cores {
        warnings.push(format!(
            "different core counts: {} (base) vs {} (new)",
            b.logical_cores, n.logical_cores
        ));
    }
    warnings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::SEQUENTIAL;
    use poolbench_core::WorkKind;

    fn cell(samples: &[f64]) -> CellResult {
        let mut c = CellResult::new("sum", WorkKind::Cpu, "rayon", 2, 8);
        let mut sorted = samples.to_vec();
        sorted.sort_by(f64::total_cmp);
        c.time.median_s = Some(percentile(&sorted, 50.0));
        c.time.samples_s = samples.to_vec();
        c.outcome.verified = true;
        c
    }

    fn spread(centre: f64) -> Vec<f64> {
        (0..10)
            .map(|i| centre * (0.98 + 0.004 * i as f64))
            .collect()
    }

    #[test]
    fn a_large_significant_slowdown_regresses_and_noise_does_not() {
        let base = cell(&spread(1.0));
        assert_eq!(
            judge(&base, &cell(&spread(1.5)), None, 0.05).verdict,
            Verdict::Regressed
        );
        assert_eq!(
            judge(&base, &cell(&spread(0.5)), None, 0.05).verdict,
            Verdict::Improved
        );
        assert_eq!(
            judge(&base, &cell(&spread(1.0)), None, 0.05).verdict,
            Verdict::Unchanged
        );
        // Significant (the intervals do not overlap) but under the threshold.
        let small = judge(&base, &cell(&spread(1.03)), None, 0.05);
        assert_eq!(small.verdict, Verdict::Unchanged);
        assert!(small.why.contains("within the threshold"), "{}", small.why);
        // Large but not significant: a new cell whose interval reaches back to the base.
        let wide: Vec<f64> = (0..10).map(|i| 0.2 + 0.3 * i as f64).collect();
        assert_eq!(
            judge(&base, &cell(&wide), None, 0.05).verdict,
            Verdict::Unchanged
        );
    }

    #[test]
    fn a_cell_that_stops_verifying_regresses_whatever_its_time() {
        let base = cell(&spread(1.0));
        let mut broken = cell(&spread(0.5));
        broken.outcome.verified = false;
        let change = judge(&base, &broken, None, 0.05);
        assert_eq!(change.verdict, Verdict::Regressed);
        assert_eq!(change.why, "no longer verified");
        let mut failing = cell(&spread(1.0));
        failing.outcome.failed_tasks = 2;
        assert_eq!(
            judge(&base, &failing, None, 0.05).verdict,
            Verdict::Regressed
        );
    }

    #[test]
    fn relative_to_the_sequential_cell_machine_drift_cancels_out() {
        let mut seq = cell(&spread(1.0));
        seq.model = SEQUENTIAL.into();
        let base = cell(&spread(2.0));
        // The whole machine 50 % slower: the cell and its sequential reference alike.
        let mut slow_seq = cell(&spread(1.5));
        slow_seq.model = SEQUENTIAL.into();
        let slow = cell(&spread(3.0));
        assert_eq!(judge(&base, &slow, None, 0.05).verdict, Verdict::Regressed);
        let relative = judge(&base, &slow, Some((&seq, &slow_seq)), 0.05);
        assert_eq!(relative.verdict, Verdict::Unchanged, "{relative:?}");
        assert!(relative.relative && relative.change.unwrap().abs() < 1e-9);
        // The model alone 50 % slower: still a regression.
        let change = judge(&base, &slow, Some((&seq, &seq)), 0.05);
        assert_eq!(change.verdict, Verdict::Regressed);
    }

    #[test]
    fn the_default_threshold_follows_the_noise_but_never_drops_below_the_least() {
        let quiet = [cell(&spread(1.0))];
        assert_eq!(noise_threshold(quiet.iter()).0, LEAST_THRESHOLD);
        let noisy: Vec<f64> = (0..10).map(|i| 0.7 + 0.06 * i as f64).collect();
        let noisy = [cell(&noisy)];
        let (threshold, source) = noise_threshold(noisy.iter());
        assert!(threshold > 0.2, "{threshold}");
        assert!(
            source.contains("twice the median interval half-width"),
            "{source}"
        );
    }
}
