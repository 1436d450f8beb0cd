//! Reading the history back: the runs, and each cell's series. The queries are the same for
//! both stores; the order is set here, in Rust, so that both stores give the same answer
//! whatever their text collation.

use std::collections::{HashMap, HashSet};

use super::{CellSeries, History, HistoryError, Run};

/// Every run with its count of cells and of cells that did not verify.
pub(crate) const RUNS_SQL: &str = "
SELECT r.id, r.git_commit, r.started_at, r.machine, r.preset,
       CAST(count(c.name) AS BIGINT), CAST(coalesce(sum(1 - c.verified), 0) AS BIGINT)
FROM runs r LEFT JOIN cells c ON c.run_id = r.id
GROUP BY r.id, r.git_commit, r.started_at, r.machine, r.preset";

/// Every cell of every run: columns 0–4 are its [`SeriesKey`], 5–15 its [`Point`].
pub(crate) const POINTS_SQL: &str = "
SELECT c.name, c.workload_name, c.model, c.workers, r.machine, r.id, r.git_commit,
       r.started_at, c.median_s, c.ci_low_s, c.ci_high_s, c.relative,
       c.relative_low, c.relative_high, c.verified, c.failed_tasks
FROM cells c JOIN runs r ON r.id = c.run_id";

/// Which series a point belongs to: name, workload name, model, workers, machine.
pub(crate) type SeriesKey = (String, String, String, i64, String);

/// Two optional bounds as one interval.
pub(crate) fn pair(a: Option<f64>, b: Option<f64>) -> Option<[f64; 2]> {
    a.zip(b).map(|(a, b)| [a, b])
}

impl History {
    /// Every run, oldest first.
    pub fn runs(&mut self) -> Result<Vec<Run>, HistoryError> {
        let mut runs = self.store.runs()?;
        runs.sort_by(|a, b| (&a.started_at, a.id).cmp(&(&b.started_at, b.id)));
        Ok(runs)
    }

    /// Every cell's series, per machine, each oldest first; with `last`, only the newest
    /// `last` runs of each machine.
    pub fn series(&mut self, last: Option<usize>) -> Result<Vec<CellSeries>, HistoryError> {
        let mut points = self.store.points()?;
        points.sort_by(|(a, p), (b, q)| {
            (&a.4, &a.0, &p.started_at, p.run_id).cmp(&(&b.4, &b.0, &q.started_at, q.run_id))
        });
        let mut all: Vec<CellSeries> = Vec::new();
        for ((name, workload_name, model, workers, machine), point) in points {
            match all.last_mut() {
                Some(s) if s.name == name && s.machine == machine => s.points.push(point),
                _ => all.push(CellSeries {
                    name,
                    workload_name,
                    model,
                    workers: workers as usize,
                    machine,
                    points: vec![point],
                }),
            }
        }
        if let Some(last) = last {
            let newest = self.newest_runs(last)?;
            for series in &mut all {
                series.points.retain(|p| newest.contains(&p.run_id));
            }
            all.retain(|s| !s.points.is_empty());
        }
        Ok(all)
    }

    /// The ids of each machine's newest `last` runs.
    fn newest_runs(&mut self, last: usize) -> Result<HashSet<i64>, HistoryError> {
        let mut per_machine: HashMap<String, Vec<i64>> = HashMap::new();
        for run in self.runs()? {
            per_machine.entry(run.machine).or_default().push(run.id);
        }
        Ok(per_machine
            .into_values()
            .flat_map(|ids| {
                let skip = ids.len().saturating_sub(last);
                ids.into_iter().skip(skip)
            })
            .collect())
    }
}
