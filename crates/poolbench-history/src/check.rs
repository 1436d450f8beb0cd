//! `history check`: the change points of every cell's series, and whether the newest one is a
//! regression.
//!
//! Each model's cell is followed *relative to its run's sequential cell* by default (as
//! `poolbench compare` does): a machine that drifts from day to day moves both, and the ratio
//! keeps what belongs to the model. Sequential cells are followed raw, so a workload that got
//! slower as a whole shows there; `absolute` follows every cell raw. A change counts when it
//! is significant (the t-test of [`crate::changepoint`], at [`Settings::significance`]) and larger than the
//! threshold. A cell whose newest run did not verify is a regression whatever its times.

use poolbench_compare::identity::SEQUENTIAL;
use serde::Serialize;

use crate::changepoint::{change_points, Settings};
use crate::db::{CellSeries, Point};

/// How many of each machine's newest runs `check` looks at by default.
pub const DEFAULT_LAST: usize = 200;

/// How `check` judges.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CheckSettings {
    pub changepoint: Settings,
    /// Smallest |size| of a change that counts, as a fraction (0.05 = 5 %).
    pub threshold: f64,
    /// Follow raw medians, not model ÷ sequential.
    pub absolute: bool,
}

impl Default for CheckSettings {
    fn default() -> Self {
        Self {
            changepoint: Settings::default(),
            threshold: 0.05,
            absolute: false,
        }
    }
}

/// Which way a change went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Regression,
    Improvement,
    /// Significant but within the threshold.
    Small,
}

impl Direction {
    /// How tables name it.
    pub fn label(self) -> &'static str {
        match self {
            Direction::Regression => "regression",
            Direction::Improvement => "improvement",
            Direction::Small => "within the threshold",
        }
    }
}

/// One change point of one cell.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChangeReport {
    /// The first run after the change: its commit and start time.
    pub git_commit: String,
    pub started_at: String,
    /// Its position in the series (0 = oldest).
    pub index: usize,
    /// Median after ÷ median before − 1.
    pub size: f64,
    pub p_value: f64,
    pub direction: Direction,
}

/// One cell's series, judged.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CellCheck {
    pub name: String,
    pub model: String,
    pub workload_name: String,
    pub workers: usize,
    pub machine: String,
    /// Whether the series is the model's median ÷ the sequential median.
    pub relative: bool,
    /// Runs with a value in the series.
    pub runs: usize,
    pub changes: Vec<ChangeReport>,
    /// The newest change beyond the threshold made the cell slower, or its newest run did
    /// not verify.
    pub regressed: bool,
    /// Why, in a few words, when it regressed.
    pub why: Option<String>,
}

/// Whether `check` follows `series` relative to its runs' sequential cells (else raw).
pub fn follows_relative(series: &CellSeries, absolute: bool) -> bool {
    !absolute && series.model != SEQUENTIAL
}

/// Every change point of `checks`, with its cell, cell by cell.
pub fn all_changes(checks: &[CellCheck]) -> Vec<(&CellCheck, &ChangeReport)> {
    checks
        .iter()
        .flat_map(|c| c.changes.iter().map(move |change| (c, change)))
        .collect()
}

/// The value `check` follows for a point of `series`.
pub fn value(series: &CellSeries, point: &Point, absolute: bool) -> Option<f64> {
    if follows_relative(series, absolute) {
        point.relative
    } else {
        point.median_s
    }
}

/// Judges every series.
pub fn check(all: &[CellSeries], settings: &CheckSettings) -> Vec<CellCheck> {
    all.iter().map(|s| check_one(s, settings)).collect()
}

fn check_one(series: &CellSeries, settings: &CheckSettings) -> CellCheck {
    let points: Vec<(&Point, f64)> = series
        .points
        .iter()
        .filter_map(|p| Some((p, value(series, p, settings.absolute)?)))
        .filter(|(_, v)| v.is_finite() && *v > 0.0)
        .collect();
    let values: Vec<f64> = points.iter().map(|(_, v)| *v).collect();
    let changes: Vec<ChangeReport> = change_points(&values, &settings.changepoint)
        .into_iter()
        .map(|c| {
            let point = points[c.index].0;
            ChangeReport {
                git_commit: point.git_commit.clone(),
                started_at: point.started_at.clone(),
                index: c.index,
                size: c.size,
                p_value: c.p_value,
                direction: if c.size > settings.threshold {
                    Direction::Regression
                } else if c.size < -settings.threshold {
                    Direction::Improvement
                } else {
                    Direction::Small
                },
            }
        })
        .collect();
    let newest_unverified = series.points.last().filter(|p| !p.verified);
    let newest_change = changes
        .iter()
        .rev()
        .find(|c| c.direction != Direction::Small);
    let why = if let Some(p) = newest_unverified {
        Some(format!(
            "the newest run ({}) did not verify: {} failed tasks",
            short(&p.git_commit),
            p.failed_tasks
        ))
    } else {
        newest_change
            .filter(|c| c.direction == Direction::Regression)
            .map(|c| {
                format!(
                    "{:+.1} % from {} (p = {:.3})",
                    c.size * 100.0,
                    short(&c.git_commit),
                    c.p_value
                )
            })
    };
    CellCheck {
        name: series.name.clone(),
        model: series.model.clone(),
        workload_name: series.workload_name.clone(),
        workers: series.workers,
        machine: series.machine.clone(),
        relative: follows_relative(series, settings.absolute),
        runs: values.len(),
        changes,
        regressed: why.is_some(),
        why,
    }
}

/// A commit id shortened for reading (the database keeps it whole).
pub fn short(commit: &str) -> &str {
    commit.get(..10).unwrap_or(commit)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(run: i64, median: f64, relative: f64) -> Point {
        Point {
            run_id: run,
            git_commit: format!("commit{run:04}"),
            started_at: format!("2026-11-{:02}T00:00:00Z", 1 + run),
            median_s: Some(median),
            ci_s: Some([median * 0.99, median * 1.01]),
            relative: Some(relative),
            relative_ci: None,
            verified: true,
            failed_tasks: 0,
        }
    }

    fn series(model: &str, values: &[(f64, f64)]) -> CellSeries {
        CellSeries {
            name: format!("sum/N=8/{model}/W=2"),
            workload_name: "sum/N=8".into(),
            model: model.into(),
            workers: 2,
            machine: "test × 2 cores".into(),
            points: values
                .iter()
                .enumerate()
                .map(|(i, (m, r))| point(i as i64, *m, *r))
                .collect(),
        }
    }

    /// `n` values alternating ±1 % around `level`.
    fn flat(n: usize, level: f64) -> Vec<f64> {
        (0..n)
            .map(|i| level * if i % 2 == 0 { 0.99 } else { 1.01 })
            .collect()
    }

    #[test]
    fn a_model_slowed_relative_to_sequential_regresses_from_its_commit() {
        let mut relative = flat(8, 0.5);
        relative.extend(flat(5, 0.65));
        let values: Vec<(f64, f64)> = relative.iter().map(|r| (1.0, *r)).collect();
        let [c] = &check(&[series("rayon", &values)], &CheckSettings::default())[..] else {
            panic!()
        };
        assert!(c.regressed && c.relative, "{c:?}");
        assert_eq!(c.changes.len(), 1);
        assert_eq!(c.changes[0].git_commit, "commit0008");
        assert_eq!(c.changes[0].direction, Direction::Regression);
        // Raw medians did not move: followed raw, nothing changed.
        let raw = CheckSettings {
            absolute: true,
            ..CheckSettings::default()
        };
        assert!(!check(&[series("rayon", &values)], &raw)[0].regressed);
    }

    #[test]
    fn an_improvement_or_a_small_change_is_not_a_regression() {
        let mut faster = flat(8, 1.0);
        faster.extend(flat(6, 0.8));
        let values: Vec<(f64, f64)> = faster.iter().map(|m| (*m, 1.0)).collect();
        let c = &check(&[series("sequential", &values)], &CheckSettings::default())[0];
        assert!(!c.regressed && !c.relative);
        assert_eq!(c.changes[0].direction, Direction::Improvement);

        let mut small = flat(8, 1.0);
        small.extend(flat(6, 1.03));
        let values: Vec<(f64, f64)> = small.iter().map(|m| (*m, 1.0)).collect();
        let c = &check(&[series("sequential", &values)], &CheckSettings::default())[0];
        assert!(!c.regressed, "{c:?}");
        assert!(c.changes.iter().all(|c| c.direction == Direction::Small));
    }

    #[test]
    fn a_newest_run_that_did_not_verify_regresses() {
        let values: Vec<(f64, f64)> = flat(6, 1.0).iter().map(|m| (*m, 1.0)).collect();
        let mut s = series("rayon", &values);
        s.points.last_mut().unwrap().verified = false;
        let c = &check(&[s], &CheckSettings::default())[0];
        assert!(c.regressed);
        assert!(c.why.as_deref().unwrap().contains("did not verify"));
    }
}
