//! The embedded store: one SQLite file.
//!
//! Writers queue: each `add` begins `IMMEDIATE`, taking the file's write lock before it reads,
//! so a second writer waits (up to [`BUSY_WAIT`]) for the first to commit. A deferred
//! transaction that reads and then upgrades to a write gets `SQLITE_BUSY` at once, whatever the
//! busy timeout, which is how parallel CI jobs used to lose runs. A new file is built under a
//! temporary name and linked into place, so a history file is always whole: an empty file at
//! the path is someone else's, and is refused untouched.

use std::path::{Path, PathBuf};

use rusqlite::{params, Connection, ErrorCode, OpenFlags, OptionalExtension, TransactionBehavior};

use super::read::{pair, SeriesKey, POINTS_SQL, RUNS_SQL};
use super::rows::{
    CellRow, RunRow, Stored, COUNT_CELLS_SQL, FIND_RUN_SQL, INSERT_CELL_SQL, INSERT_RUN_SQL,
};
use super::{HistoryError, Point, Run, Store, BUSY_WAIT, SCHEMA_VERSION};

/// The `runs` table of schema 2, named `{name}`.
const RUNS_TABLE: &str = "CREATE TABLE IF NOT EXISTS {name} (
    id                INTEGER PRIMARY KEY,
    git_commit        TEXT NOT NULL,
    started_at        TEXT NOT NULL,
    machine           TEXT NOT NULL,
    cpu_model         TEXT,
    logical_cores     INTEGER NOT NULL,
    hostname          TEXT NOT NULL,
    preset            TEXT,
    poolbench_version TEXT NOT NULL,
    build_profile     TEXT NOT NULL,
    added_at          TEXT NOT NULL,
    source            TEXT,
    fingerprint       TEXT,
    UNIQUE (git_commit, started_at, machine, hostname)
);";

/// The tables of a history file (schema 2), `runs` apart.
const OTHER_TABLES: &str = "
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
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

/// The tables of a history file (schema 2), as `sqlite3`'s `.schema` shows them.
pub fn schema_sql() -> String {
    format!("{}\n{OTHER_TABLES}", RUNS_TABLE.replace("{name}", "runs"))
}

/// The file's schema version, as text.
const VERSION_SQL: &str = "SELECT value FROM meta WHERE key = 'schema_version'";

/// A history file.
#[derive(Debug)]
pub(crate) struct SqliteStore {
    conn: Connection,
    path: PathBuf,
}

impl SqliteStore {
    /// Opens the file at `path`: read-only unless `create`, which also makes a missing file
    /// and brings a schema-1 file up to date.
    pub fn open(path: &Path, create: bool) -> Result<Self, HistoryError> {
        let place = path.display().to_string();
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_file() && meta.len() == 0 => {
                return Err(HistoryError::Empty { place })
            }
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && create => {
                create_whole(path)?;
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(HistoryError::Missing { place })
            }
            Err(e) => {
                return Err(HistoryError::Store {
                    place,
                    message: e.to_string(),
                })
            }
        }
        let flags = if create {
            OpenFlags::SQLITE_OPEN_READ_WRITE
        } else {
            OpenFlags::SQLITE_OPEN_READ_ONLY
        };
        let conn = connect(path, flags)?;
        let mut store = Self {
            conn,
            path: path.to_path_buf(),
        };
        let corrupt = |message: String| HistoryError::Corrupt {
            place: place.clone(),
            message,
        };
        // Reading the file's header and pages: a file that is not SQLite, or is damaged,
        // fails here, before anything is written to it.
        let check: String = store
            .conn
            .query_row("PRAGMA quick_check", [], |row| row.get(0))
            .map_err(|e| corrupt(e.to_string()))?;
        if check != "ok" {
            return Err(corrupt(check));
        }
        match store.version()? {
            SCHEMA_VERSION => {}
            // Schema 1 is read as it is; a writer brings it up to date first.
            1 if create => store.upgrade_from_1()?,
            1 => {}
            found => {
                return Err(HistoryError::Schema {
                    place,
                    found: found.to_string(),
                })
            }
        }
        store
            .conn
            .execute_batch("PRAGMA foreign_keys = ON;")
            .map_err(|e| store.sql(e))?;
        Ok(store)
    }

    fn sql(&self, e: rusqlite::Error) -> HistoryError {
        sql_error(&self.path, e)
    }

    /// The file's schema version.
    fn version(&self) -> Result<i64, HistoryError> {
        let found: Option<String> = self
            .conn
            .query_row(VERSION_SQL, [], |row| row.get(0))
            .optional()
            .map_err(|e| HistoryError::Corrupt {
                place: self.path.display().to_string(),
                message: format!("no poolbench tables: {e}"),
            })?;
        let found = found.unwrap_or_else(|| "none".to_owned());
        found.parse().map_err(|_| HistoryError::Schema {
            place: self.path.display().to_string(),
            found,
        })
    }

    /// Schema 1 → 2, in one transaction: the host joins the run's key and its machine name,
    /// and runs gain the columns that tell a run added twice from two runs with one key.
    fn upgrade_from_1(&mut self) -> Result<(), HistoryError> {
        let path = self.path.clone();
        let sql = |e| sql_error(&path, e);
        // Dropping the old `runs` must not cascade to the cells (rusqlite's SQLite enforces
        // foreign keys by default; the pragma cannot change inside a transaction).
        self.conn
            .execute_batch("PRAGMA foreign_keys = OFF;")
            .map_err(sql)?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(sql)?;
        // Another writer may have brought it up to date while this one waited.
        let version: String = tx.query_row(VERSION_SQL, [], |r| r.get(0)).map_err(sql)?;
        if version == "1" {
            tx.execute_batch(&format!(
                "{}
                 INSERT INTO runs_v2 SELECT id, git_commit, started_at,
                     CASE WHEN coalesce(hostname, '') = '' THEN machine
                          ELSE machine || ' on ' || hostname END,
                     cpu_model, logical_cores, coalesce(hostname, ''), preset,
                     poolbench_version, build_profile, added_at, NULL, NULL
                 FROM runs;
                 DROP TABLE runs;
                 ALTER TABLE runs_v2 RENAME TO runs;
                 UPDATE meta SET value = '{SCHEMA_VERSION}' WHERE key = 'schema_version';",
                RUNS_TABLE.replace("{name}", "runs_v2")
            ))
            .map_err(sql)?;
        }
        tx.commit().map_err(sql)
    }
}

fn connect(path: &Path, flags: OpenFlags) -> Result<Connection, HistoryError> {
    let conn = Connection::open_with_flags(path, flags | OpenFlags::SQLITE_OPEN_NO_MUTEX)
        .map_err(|e| sql_error(path, e))?;
    // Two CI jobs adding at once: the second waits for the first's transaction.
    conn.busy_timeout(BUSY_WAIT)
        .map_err(|e| sql_error(path, e))?;
    Ok(conn)
}

/// An SQLite error as the history's: a writer that waited [`BUSY_WAIT`] in vain is
/// [`HistoryError::Busy`].
fn sql_error(path: &Path, e: rusqlite::Error) -> HistoryError {
    let place = path.display().to_string();
    match e.sqlite_error_code() {
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => HistoryError::Busy { place },
        _ => HistoryError::Store {
            place,
            message: e.to_string(),
        },
    }
}

/// Makes a new history at `path` whole: built under a temporary name beside it, then linked to
/// `path`, which fails when another process made one first (then that one is used).
fn create_whole(path: &Path) -> Result<(), HistoryError> {
    let store_error = |e: std::io::Error| HistoryError::Store {
        place: path.display().to_string(),
        message: format!("cannot create the history: {e}"),
    };
    let name = path
        .file_name()
        .map_or_else(|| "history".into(), |n| n.to_string_lossy().into_owned());
    let staging = path.with_file_name(format!(
        ".{name}.poolbench-new-{}-{:08x}",
        std::process::id(),
        fastrand::u32(..)
    ));
    let made = (|| {
        let conn = connect(
            &staging,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE,
        )?;
        conn.execute_batch(&format!(
            "BEGIN; {} INSERT INTO meta VALUES ('schema_version', '{SCHEMA_VERSION}'); COMMIT;",
            schema_sql()
        ))
        .map_err(|e| sql_error(&staging, e))?;
        conn.close().map_err(|(_, e)| sql_error(&staging, e))?;
        match std::fs::hard_link(&staging, path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
            Err(e) => Err(store_error(e)),
        }
    })();
    let _ = std::fs::remove_file(&staging);
    made
}

impl Store for SqliteStore {
    fn add(&mut self, run: &RunRow, cells: &[CellRow]) -> Result<Stored, HistoryError> {
        let path = self.path.clone();
        let sql = |e| sql_error(&path, e);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(sql)?;
        let existing: Option<(i64, Option<String>, Option<String>)> = tx
            .query_row(
                FIND_RUN_SQL,
                params![run.git_commit, run.started_at, run.machine, run.hostname],
                |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
            )
            .optional()
            .map_err(sql)?;
        if let Some((run_id, fingerprint, source)) = existing {
            let cells: i64 = tx
                .query_row(COUNT_CELLS_SQL, [run_id], |r| r.get(0))
                .map_err(sql)?;
            return Ok(Stored::Existing {
                run_id,
                cells: cells as usize,
                fingerprint,
                source,
            });
        }
        let run_id: i64 = tx
            .query_row(
                INSERT_RUN_SQL,
                params![
                    run.git_commit,
                    run.started_at,
                    run.machine,
                    run.cpu_model,
                    run.logical_cores,
                    run.hostname,
                    run.preset,
                    run.poolbench_version,
                    run.build_profile,
                    run.added_at,
                    run.source,
                    run.fingerprint,
                ],
                |row| row.get(0),
            )
            .map_err(sql)?;
        {
            let mut insert = tx.prepare(INSERT_CELL_SQL).map_err(sql)?;
            for c in cells {
                insert
                    .execute(params![
                        run_id,
                        c.name,
                        c.workload,
                        c.workload_name,
                        c.params,
                        c.tasks,
                        c.model,
                        c.workers,
                        c.median_s,
                        c.ci.map(|c| c.0),
                        c.ci.map(|c| c.1),
                        c.ci.map(|c| c.2),
                        c.samples,
                        c.relative.map(|r| r.0),
                        c.relative.map(|r| r.1),
                        c.relative.map(|r| r.2),
                        c.verified,
                        c.failed_tasks,
                    ])
                    .map_err(sql)?;
            }
        }
        tx.commit().map_err(sql)?;
        Ok(Stored::New {
            run_id,
            cells: cells.len(),
        })
    }

    fn runs(&mut self) -> Result<Vec<Run>, HistoryError> {
        let mut statement = self.conn.prepare(RUNS_SQL).map_err(|e| self.sql(e))?;
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
            .map_err(|e| sql_error(&self.path, e))?;
        rows.collect::<Result<_, _>>()
            .map_err(|e| sql_error(&self.path, e))
    }

    fn points(&mut self) -> Result<Vec<(SeriesKey, Point)>, HistoryError> {
        let mut statement = self.conn.prepare(POINTS_SQL).map_err(|e| self.sql(e))?;
        let rows = statement
            .query_map([], |row| {
                let key: SeriesKey = (
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
                    verified: row.get::<_, i64>(14)? != 0,
                    failed_tasks: row.get::<_, i64>(15)? as usize,
                };
                Ok((key, point))
            })
            .map_err(|e| sql_error(&self.path, e))?;
        rows.collect::<Result<_, _>>()
            .map_err(|e| sql_error(&self.path, e))
    }
}
