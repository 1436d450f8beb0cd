//! The rows one run makes, the same for every store, and what a store found when adding them.

use poolbench_compare::cell_ci;
use poolbench_compare::compare::cost;
use poolbench_compare::identity::{cell_name, references, workload_name};
use poolbench_results::ResultsFile;

use super::machine;

/// How a run is filed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AddAs {
    /// The commit [default: the one the run was built from, else `unknown`].
    pub commit: Option<String>,
    /// The series its times belong to [default: [`machine`], which names the host].
    pub machine: Option<String>,
    /// The results file it came from, named if another run with its key turns up.
    pub source: Option<String>,
}

/// A `runs` row.
#[derive(Debug, Clone)]
pub(crate) struct RunRow {
    pub git_commit: String,
    pub started_at: String,
    pub machine: String,
    pub cpu_model: Option<String>,
    pub logical_cores: i64,
    /// `''` when the results file has none (a key column is never NULL).
    pub hostname: String,
    pub preset: Option<String>,
    pub poolbench_version: String,
    pub build_profile: String,
    pub added_at: String,
    pub source: Option<String>,
    /// A hash of every cell's name and figures: two files with one key and one fingerprint are
    /// the same run added twice.
    pub fingerprint: String,
}

/// A `cells` row.
#[derive(Debug, Clone)]
pub(crate) struct CellRow {
    pub name: String,
    pub workload: String,
    pub workload_name: String,
    pub params: String,
    pub tasks: i64,
    pub model: String,
    pub workers: i64,
    pub median_s: Option<f64>,
    pub ci: Option<(f64, f64, f64)>,
    pub samples: i64,
    pub relative: Option<(f64, f64, f64)>,
    pub verified: i64,
    pub failed_tasks: i64,
}

/// What a store found for a run's key.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Stored {
    /// The run was added, with this many cells.
    New { run_id: i64, cells: usize },
    /// A run with its key was there already; nothing was written.
    Existing {
        run_id: i64,
        cells: usize,
        fingerprint: Option<String>,
        source: Option<String>,
    },
}

/// The rows of `results` filed `how`. Cells share a key when they share a [`cell_name`]: the
/// first is kept, as the stores' `(run_id, name)` key would.
pub(crate) fn rows(results: &ResultsFile, how: &AddAs) -> (RunRow, Vec<CellRow>) {
    let env = &results.environment;
    let references = references(results);
    let mut seen = std::collections::HashSet::new();
    let cells: Vec<CellRow> = results
        .results
        .iter()
        .map(|cell| (cell, cell_name(cell)))
        .filter(|(_, name)| seen.insert(name.clone()))
        .map(|(cell, name)| {
            let ci = cell_ci(cell);
            let workload_name = workload_name(cell);
            CellRow {
                relative: references
                    .get(&workload_name)
                    .and_then(|r| cost(cell, Some(r))),
                name,
                workload: cell.workload.clone(),
                workload_name,
                params: serde_json::to_string(&cell.params).unwrap_or_default(),
                tasks: cell.tasks as i64,
                model: cell.model.clone(),
                workers: cell.workers as i64,
                median_s: cell.time.median_s,
                ci: ci.map(|c| (c.low, c.high, c.level)),
                samples: cell.time.samples_s.len() as i64,
                verified: i64::from(cell.outcome.verified && cell.outcome.failed_tasks == 0),
                failed_tasks: cell.outcome.failed_tasks as i64,
            }
        })
        .collect();
    let run = RunRow {
        git_commit: how
            .commit
            .clone()
            .or_else(|| env.git_commit.clone())
            .unwrap_or_else(|| "unknown".to_owned()),
        started_at: env.started_at.clone(),
        machine: how.machine.clone().unwrap_or_else(|| machine(results)),
        cpu_model: env.cpu_model.clone(),
        logical_cores: env.logical_cores as i64,
        hostname: env.hostname.clone().unwrap_or_default(),
        preset: results.preset.clone(),
        poolbench_version: env.poolbench_version.clone(),
        build_profile: env.build_profile.clone(),
        added_at: humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string(),
        source: how.source.clone(),
        fingerprint: fingerprint(&cells),
    };
    (run, cells)
}

/// A hash of every cell's name and figures (bit for bit), as 16 hex digits.
fn fingerprint(cells: &[CellRow]) -> String {
    let mut text = String::new();
    for c in cells {
        let bits = |v: Option<f64>| v.map_or(0, f64::to_bits);
        text.push_str(&format!(
            "{}|{}|{}|{}|{}|{}\n",
            c.name,
            bits(c.median_s),
            bits(c.ci.map(|c| c.0)),
            bits(c.ci.map(|c| c.1)),
            c.samples,
            c.verified
        ));
    }
    format!("{:016x}", poolbench_core::fnv1a(text.as_bytes()))
}

/// The run with a key: `$1` commit, `$2` start, `$3` machine, `$4` host.
pub(crate) const FIND_RUN_SQL: &str = "SELECT id, fingerprint, source FROM runs
    WHERE git_commit = $1 AND started_at = $2 AND machine = $3 AND hostname = $4";

/// How many cells run `$1` has.
pub(crate) const COUNT_CELLS_SQL: &str =
    "SELECT CAST(count(*) AS BIGINT) FROM cells WHERE run_id = $1";

/// A [`RunRow`], in its field order; returns the new run's id.
pub(crate) const INSERT_RUN_SQL: &str = "INSERT INTO runs (git_commit, started_at, machine,
    cpu_model, logical_cores, hostname, preset, poolbench_version, build_profile, added_at,
    source, fingerprint)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id";

/// A [`CellRow`] of run `$1`, in its field order (interval and relative figures spread out).
pub(crate) const INSERT_CELL_SQL: &str = "INSERT INTO cells (run_id, name, workload,
    workload_name, params, tasks, model, workers, median_s, ci_low_s, ci_high_s, ci_level,
    samples, relative, relative_low, relative_high, verified, failed_tasks)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)";
