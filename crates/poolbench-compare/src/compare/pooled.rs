//! A verdict per workload: all of a workload's cells pooled, paired over the rounds.
//!
//! A change that slows a workload slows every model's cell of it. On a noisy machine each cell
//! alone may still look "unchanged": its interval is wide (few rounds, and Bonferroni over
//! every cell compared), even when ten cells all moved +16–21 %. Pooling asks the question
//! the reader has: did *this workload* get slower? Per round, the workload's figure is the mean
//! of its cells' log-ratios `ln(new ÷ base)`; the change is the mean of those over the rounds
//! and its interval Student's t interval over the rounds, as for one cell. Rounds, not cells,
//! are the independent units: within a round one machine speed moves every cell alike, so a
//! test that counted cells as independent (a sign test over cells) would call the machine's
//! drift a regression. Averaging cells does take away what is each cell's own noise, which is
//! most of it for CPU-bound work on shared vCPUs. A workload regressed when its interval lies
//! above zero and its change exceeds the threshold. Workloads and cells are one Bonferroni
//! family, the workloads sharing half its error and the cells the other half, so the whole
//! comparison still calls something unchanged with at most [`super::rounds::FAMILY_ERROR`].
//! What pooling cannot remove is noise common to a whole run: when one round's new run
//! landed on a slower machine state, all its cells moved together, and only more rounds
//! average that out (docs/ci-regression.md measures both).

use serde::Serialize;

use super::rounds::paired_change;
use super::{call, Verdict};

/// One workload's cells pooled over the rounds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WorkloadChange {
    /// The workload's stable name (`sum[n=1000000]/N=32`).
    pub workload: String,
    /// Cells pooled, and how many of them changed upwards (got slower).
    pub cells: usize,
    pub slower_cells: usize,
    /// Geometric mean over the rounds of the mean log-ratio of the cells, as a change.
    pub change: Option<f64>,
    pub interval: Option<[f64; 2]>,
    pub verdict: Verdict,
    pub why: String,
}

/// One cell's ratios new ÷ base, one per round (`None` where the round has no figure).
#[derive(Debug, Clone)]
pub(crate) struct CellRatios {
    pub workload: String,
    pub by_round: Vec<Option<f64>>,
}

/// The cells of each workload that has at least two, by workload name.
pub(crate) fn workloads(cells: &[CellRatios]) -> Vec<(&str, Vec<&CellRatios>)> {
    let mut groups: std::collections::BTreeMap<&str, Vec<&CellRatios>> = Default::default();
    for cell in cells {
        groups.entry(cell.workload.as_str()).or_default().push(cell);
    }
    groups.into_iter().filter(|(_, m)| m.len() >= 2).collect()
}

/// Each of `workloads` judged at `confidence`.
pub(crate) fn pool(
    workloads: &[(&str, Vec<&CellRatios>)],
    threshold: f64,
    confidence: f64,
) -> Vec<WorkloadChange> {
    workloads
        .iter()
        .map(|(name, members)| judge(name, members, threshold, confidence))
        .collect()
}

fn judge(name: &str, members: &[&CellRatios], threshold: f64, confidence: f64) -> WorkloadChange {
    let rounds = members.iter().map(|c| c.by_round.len()).max().unwrap_or(0);
    let usable = |r: &Option<f64>| r.filter(|r| r.is_finite() && *r > 0.0);
    // A round counts when every cell has a figure in it: the same cells in every round.
    let per_round: Vec<f64> = (0..rounds)
        .filter_map(|i| {
            let logs: Option<Vec<f64>> = members
                .iter()
                .map(|c| c.by_round.get(i).and_then(usable).map(f64::ln))
                .collect();
            let logs = logs?;
            Some((logs.iter().sum::<f64>() / logs.len() as f64).exp())
        })
        .collect();
    let slower_cells = members
        .iter()
        .filter(|c| {
            let logs: Vec<f64> = c.by_round.iter().filter_map(usable).map(f64::ln).collect();
            !logs.is_empty() && logs.iter().sum::<f64>() > 0.0
        })
        .count();
    let judged = paired_change(&per_round, confidence);
    let (verdict, why) = match judged {
        Some((change, interval)) => call(change, interval, threshold),
        None => (
            Verdict::Unchanged,
            format!(
                "too few rounds with every cell to judge ({} of at least {})",
                per_round.len(),
                super::rounds::LEAST_ROUNDS
            ),
        ),
    };
    WorkloadChange {
        workload: name.to_owned(),
        cells: members.len(),
        slower_cells,
        change: judged.map(|j| j.0),
        interval: judged.map(|j| j.1),
        verdict,
        why,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `cells` cells of one workload over `rounds` rounds: each round's machine moves every
    /// cell by `drift(round)`, each cell wobbles by its own ±`own`, and all are `factor` slower.
    fn workload(cells: usize, rounds: usize, factor: f64, own: f64) -> Vec<CellRatios> {
        let mut rng = fastrand::Rng::with_seed(5);
        let drift: Vec<f64> = (0..rounds)
            .map(|_| 1.0 + 0.02 * (rng.f64() - 0.5))
            .collect();
        (0..cells)
            .map(|_| CellRatios {
                workload: "sum/N=16".to_owned(),
                by_round: drift
                    .iter()
                    .map(|d| Some(factor * d * (1.0 + own * 2.0 * (rng.f64() - 0.5))))
                    .collect(),
            })
            .collect()
    }

    #[test]
    fn ten_cells_that_each_moved_a_little_make_a_regressed_workload() {
        // Each cell's own noise (±30 %) makes each cell's interval too wide to call anything.
        let cells = workload(11, 6, 1.18, 0.3);
        let one = paired_change(
            &cells[0]
                .by_round
                .iter()
                .flatten()
                .copied()
                .collect::<Vec<_>>(),
            1.0 - 0.05 / 14.0,
        )
        .unwrap();
        assert!(one.1[0] < 0.0, "one cell alone is not called: {one:?}");
        let pooled = pool(&workloads(&cells), 0.05, 1.0 - 0.05 / 14.0);
        assert_eq!(pooled.len(), 1);
        assert_eq!(pooled[0].verdict, Verdict::Regressed, "{pooled:?}");
        assert_eq!(pooled[0].cells, 11);
        assert!(
            (pooled[0].change.unwrap() - 0.18).abs() < 0.06,
            "{pooled:?}"
        );
    }

    #[test]
    fn an_unchanged_workload_and_a_lone_cell_are_not_called() {
        let pooled = pool(
            &workloads(&workload(11, 6, 1.0, 0.3)),
            0.05,
            1.0 - 0.05 / 14.0,
        );
        assert_eq!(pooled[0].verdict, Verdict::Unchanged, "{pooled:?}");
        assert!(pool(&workloads(&workload(1, 6, 2.0, 0.01)), 0.05, 0.99).is_empty());
    }

    #[test]
    fn a_round_missing_a_cell_is_left_out_of_the_pool() {
        let mut cells = workload(3, 3, 1.0, 0.01);
        cells[1].by_round[0] = None;
        let pooled = pool(&workloads(&cells), 0.05, 0.95);
        assert!(pooled[0].why.contains("too few rounds"), "{pooled:?}");
    }
}
