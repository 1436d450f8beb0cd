//! Reading the history back: the runs, and each cell's series.

use std::collections::{HashMap, HashSet};

use super::{CellSeries, History, HistoryError, Point, Run};

impl History {
    /// Every run, oldest first.
    pub fn runs(&self) -> Result<Vec<Run>, HistoryError> {
        let mut statement = self
            .conn
            .prepare(
                "SELECT r.id, r.git_commit, r.started_at, r.machine, r.preset,
                        count(c.name), coalesce(sum(1 - c.verified), 0)
                 FROM runs r LEFT JOIN cells c ON c.run_id = r.id
                 GROUP BY r.id ORDER BY r.started_at, r.id",
            )
            .map_err(|e| self.sql(e))?;
        let rows = statement
            .query_map([], |row| {
                Ok(Run {
                    id: row.get(0)?,
                    git_commit: row.get(1)?,
                    started_at: row.get(2)?,
                    machine: row.get(3)?,
                    preset: row.get(4)?,
                    cells: row.get::<_, i64>(5)? as usize,
                    unverified: row.get::<_, i64>(6)? as usize,
                })
            })
            .map_err(|e| self.sql(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.sql(e))
    }

    /// Every cell's series, per machine, each oldest first; with `last`, only the newest
    /// `last` runs of each machine.
    pub fn series(&self, last: Option<usize>) -> Result<Vec<CellSeries>, HistoryError> {
        let mut statement = self
            .conn
            .prepare(
                "SELECT c.name, c.workload_name, c.model, c.workers, r.machine, r.id, r.git_commit,
                        r.started_at, c.median_s, c.ci_low_s, c.ci_high_s, c.relative,
                        c.relative_low, c.relative_high, c.verified, c.failed_tasks
                 FROM cells c JOIN runs r ON r.id = c.run_id
                 ORDER BY r.machine, c.name, r.started_at, r.id",
            )
            .map_err(|e| self.sql(e))?;
        let pair = |a: Option<f64>, b: Option<f64>| a.zip(b).map(|(a, b)| [a, b]);
        let rows = statement
            .query_map([], |row| {
                let key: (String, String, String, i64, String) = (
                    row.get(0)?,
                    row.get(1)?,
                    row.get(2)?,
                    row.get(3)?,
                    row.get(4)?,
                );
                let point = Point {
                    run_id: row.get(5)?,
                    git_commit: row.get(6)?,
                    started_at: row.get(7)?,
                    median_s: row.get(8)?,
                    ci_s: pair(row.get(9)?, row.get(10)?),
                    relative: row.get(11)?,
                    relative_ci: pair(row.get(12)?, row.get(13)?),
                    verified: row.get(14)?,
                    failed_tasks: row.get::<_, i64>(15)? as usize,
                };
                Ok((key, point))
            })
            .map_err(|e| self.sql(e))?;
        let mut all: Vec<CellSeries> = Vec::new();
        for row in rows {
            let ((name, workload_name, model, workers, machine), point) =
                row.map_err(|e| self.sql(e))?;
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
    fn newest_runs(&self, last: usize) -> Result<HashSet<i64>, HistoryError> {
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
