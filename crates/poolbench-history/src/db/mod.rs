//! The history file: an SQLite database, one row per run and one per cell of each run.
//!
//! SQLite is compiled into poolbench (rusqlite's `bundled` feature), so a history needs nothing
//! installed, and the file is a standard one: `sqlite3 poolbench-history.db` opens it, and the
//! tables ([`SCHEMA_SQL`]) are documented for queries. Every `add` is one transaction: a run
//! is in the history whole or not at all. A file that is not a history (or a damaged one) is
//! an error naming it, and is never written to.

use std::path::{Path, PathBuf};

use poolbench_results::ResultsFile;
use rusqlite::{Connection, OpenFlags, OptionalExtension};
use serde::Serialize;

mod add;
mod read;

/// How long a writer waits for another one's transaction before giving up.
const BUSY_WAIT: std::time::Duration = std::time::Duration::from_secs(30);

/// The version of the tables below; a file with another is refused, not altered.
pub const SCHEMA_VERSION: i64 = 1;

/// The tables of a history file.
pub const SCHEMA_SQL: &str = "
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS runs (
    id                INTEGER PRIMARY KEY,
    git_commit        TEXT NOT NULL,
    started_at        TEXT NOT NULL,
    machine           TEXT NOT NULL,
    cpu_model         TEXT,
    logical_cores     INTEGER NOT NULL,
    hostname          TEXT,
    preset            TEXT,
    poolbench_version TEXT NOT NULL,
    build_profile     TEXT NOT NULL,
    added_at          TEXT NOT NULL,
    UNIQUE (git_commit, started_at, machine)
);
CREATE TABLE IF NOT EXISTS cells (
    run_id        INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    workload      TEXT NOT NULL,
    workload_name TEXT NOT NULL,
    params        TEXT NOT NULL,
    tasks         INTEGER NOT NULL,
    model         TEXT NOT NULL,
    workers       INTEGER NOT NULL,
    median_s      REAL,
    ci_low_s      REAL,
    ci_high_s     REAL,
    ci_level      REAL,
    samples       INTEGER NOT NULL,
    relative      REAL,
    relative_low  REAL,
    relative_high REAL,
    verified      INTEGER NOT NULL,
    failed_tasks  INTEGER NOT NULL,
    PRIMARY KEY (run_id, name)
);
CREATE INDEX IF NOT EXISTS cells_by_name ON cells (name);
";

/// Why the history could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    #[error("{path}: no history here (add a run first: poolbench history add RESULTS.json)")]
    Missing { path: String },
    #[error("{path} is not a usable poolbench history ({message}); it was left as it is: move it aside to start a new one")]
    Corrupt { path: String, message: String },
    #[error("{path} is a poolbench history of schema {found}; this poolbench reads schema {SCHEMA_VERSION}")]
    Schema { path: String, found: String },
    #[error("{path}: {source}")]
    Sql {
        path: String,
        source: rusqlite::Error,
    },
}

/// A history database file.
#[derive(Debug)]
pub struct History {
    conn: Connection,
    path: PathBuf,
}

/// What `add` did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Added {
    pub run_id: i64,
    /// False when this run was already in the history (nothing was written).
    pub new: bool,
    pub git_commit: String,
    pub machine: String,
    pub cells: usize,
}

/// One run in the history.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Run {
    pub id: i64,
    pub git_commit: String,
    pub started_at: String,
    pub machine: String,
    pub preset: Option<String>,
    pub cells: usize,
    pub unverified: usize,
}

/// One cell in one run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Point {
    pub run_id: i64,
    pub git_commit: String,
    pub started_at: String,
    pub median_s: Option<f64>,
    pub ci_s: Option<[f64; 2]>,
    /// The median ÷ the same run's sequential median of the same workload, with the interval
    /// both medians' intervals allow.
    pub relative: Option<f64>,
    pub relative_ci: Option<[f64; 2]>,
    pub verified: bool,
    pub failed_tasks: usize,
}

/// A cell's figures over the runs of one machine, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CellSeries {
    pub name: String,
    pub workload_name: String,
    pub model: String,
    pub workers: usize,
    pub machine: String,
    pub points: Vec<Point>,
}

/// The machine a run's times belong to: CPU model and core count (times from two different
/// ones are different series).
pub fn machine(results: &ResultsFile) -> String {
    let env = &results.environment;
    format!(
        "{} × {} cores",
        env.cpu_model.as_deref().unwrap_or("unknown CPU"),
        env.logical_cores
    )
}

impl History {
    /// Opens the history at `path`, creating it when there is no file there.
    pub fn open_or_create(path: &Path) -> Result<Self, HistoryError> {
        Self::open_with(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE,
        )
    }

    /// Opens the history at `path`, which must exist.
    pub fn open(path: &Path) -> Result<Self, HistoryError> {
        if !path.exists() {
            return Err(HistoryError::Missing {
                path: path.display().to_string(),
            });
        }
        Self::open_with(path, OpenFlags::SQLITE_OPEN_READ_WRITE)
    }

    fn open_with(path: &Path, flags: OpenFlags) -> Result<Self, HistoryError> {
        let name = path.display().to_string();
        let corrupt = |e: rusqlite::Error| HistoryError::Corrupt {
            path: name.clone(),
            message: e.to_string(),
        };
        let conn = Connection::open_with_flags(path, flags | OpenFlags::SQLITE_OPEN_NO_MUTEX)
            .map_err(|source| HistoryError::Sql {
                path: name.clone(),
                source,
            })?;
        // Two CI jobs adding at once: the second waits for the first's transaction.
        conn.busy_timeout(BUSY_WAIT)
            .map_err(|source| HistoryError::Sql {
                path: name.clone(),
                source,
            })?;
        // Reading the file's header and pages: a file that is not SQLite, or is damaged,
        // fails here, before anything is written to it.
        let check: String = conn
            .query_row("PRAGMA quick_check", [], |row| row.get(0))
            .map_err(corrupt)?;
        if check != "ok" {
            return Err(HistoryError::Corrupt {
                path: name,
                message: check,
            });
        }
        let tables: i64 = conn
            .query_row("SELECT count(*) FROM sqlite_master", [], |row| row.get(0))
            .map_err(corrupt)?;
        let history = Self {
            conn,
            path: path.to_path_buf(),
        };
        if tables == 0 {
            history.create()?;
        }
        history.check_schema()?;
        history
            .conn
            .execute_batch("PRAGMA foreign_keys = ON;")
            .map_err(|e| history.sql(e))?;
        Ok(history)
    }

    fn sql(&self, source: rusqlite::Error) -> HistoryError {
        HistoryError::Sql {
            path: self.path.display().to_string(),
            source,
        }
    }

    fn create(&self) -> Result<(), HistoryError> {
        self.conn
            .execute_batch(&format!(
                "BEGIN; {SCHEMA_SQL} INSERT INTO meta VALUES ('schema_version', '{SCHEMA_VERSION}'); COMMIT;"
            ))
            .map_err(|e| self.sql(e))
    }

    fn check_schema(&self) -> Result<(), HistoryError> {
        let found: Option<String> = self
            .conn
            .query_row(
                "SELECT value FROM meta WHERE key = 'schema_version'",
                [],
                |row| row.get(0),
            )
            .optional()
            .map_err(|e| HistoryError::Corrupt {
                path: self.path.display().to_string(),
                message: format!("no poolbench tables: {e}"),
            })?;
        match found {
            Some(v) if v == SCHEMA_VERSION.to_string() => Ok(()),
            other => Err(HistoryError::Schema {
                path: self.path.display().to_string(),
                found: other.unwrap_or_else(|| "none".to_owned()),
            }),
        }
    }
}
