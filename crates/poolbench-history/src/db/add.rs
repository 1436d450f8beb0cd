//! Adding a run: one transaction, keyed by commit, start time and machine.

use poolbench_compare::cell_ci;
use poolbench_compare::compare::cost;
use poolbench_compare::identity::{cell_name, references, workload_name};
use poolbench_results::ResultsFile;
use rusqlite::{params, OptionalExtension};

use super::{machine, Added, History, HistoryError};

impl History {
    /// Adds one run, keyed by its commit (`commit`, else the one it was built from, else
    /// `unknown`), start time and machine; a run already there is left as it is. Cells are
    /// keyed by [`cell_name`]: of two that share one (the same cell under two experiments),
    /// the first is stored, and [`Added::cells`] counts what was stored.
    pub fn add(
        &mut self,
        results: &ResultsFile,
        commit: Option<&str>,
    ) -> Result<Added, HistoryError> {
        let env = &results.environment;
        let git_commit = commit
            .map(str::to_owned)
            .or_else(|| env.git_commit.clone())
            .unwrap_or_else(|| "unknown".to_owned());
        let machine = machine(results);
        let path = self.path.display().to_string();
        let sql = |source| HistoryError::Sql {
            path: path.clone(),
            source,
        };
        let tx = self.conn.transaction().map_err(sql)?;
        let existing: Option<i64> = tx
            .query_row(
                "SELECT id FROM runs WHERE git_commit = ?1 AND started_at = ?2 AND machine = ?3",
                params![git_commit, env.started_at, machine],
                |row| row.get(0),
            )
            .optional()
            .map_err(sql)?;
        if let Some(run_id) = existing {
            let cells: i64 = tx
                .query_row(
                    "SELECT count(*) FROM cells WHERE run_id = ?1",
                    [run_id],
                    |r| r.get(0),
                )
                .map_err(sql)?;
            return Ok(Added {
                run_id,
                new: false,
                git_commit,
                machine,
                cells: cells as usize,
            });
        }
        tx.execute(
            "INSERT INTO runs (git_commit, started_at, machine, cpu_model, logical_cores, hostname,
                preset, poolbench_version, build_profile, added_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))",
            params![
                git_commit,
                env.started_at,
                machine,
                env.cpu_model,
                env.logical_cores as i64,
                env.hostname,
                results.preset,
                env.poolbench_version,
                env.build_profile,
            ],
        )
        .map_err(sql)?;
        let run_id = tx.last_insert_rowid();
        let references = references(results);
        let mut cells = 0;
        {
            let mut insert = tx
                .prepare(
                    "INSERT OR IGNORE INTO cells VALUES
                     (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
                )
                .map_err(sql)?;
            for cell in &results.results {
                let ci = cell_ci(cell);
                let relative = references
                    .get(&workload_name(cell))
                    .and_then(|r| cost(cell, Some(r)));
                cells += insert
                    .execute(params![
                        run_id,
                        cell_name(cell),
                        cell.workload,
                        workload_name(cell),
                        serde_json::to_string(&cell.params).unwrap_or_default(),
                        cell.tasks as i64,
                        cell.model,
                        cell.workers as i64,
                        cell.time.median_s,
                        ci.map(|c| c.low),
                        ci.map(|c| c.high),
                        ci.map(|c| c.level),
                        cell.time.samples_s.len() as i64,
                        relative.map(|r| r.0),
                        relative.map(|r| r.1),
                        relative.map(|r| r.2),
                        cell.outcome.verified && cell.outcome.failed_tasks == 0,
                        cell.outcome.failed_tasks as i64,
                    ])
                    .map_err(sql)?;
            }
        }
        tx.commit().map_err(sql)?;
        Ok(Added {
            run_id,
            new: true,
            git_commit,
            machine,
            cells,
        })
    }
}
