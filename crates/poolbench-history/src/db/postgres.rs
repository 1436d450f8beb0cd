//! The shared store: a PostgreSQL database that every runner of a team writes to.
//!
//! The tables are SQLite's, in a schema of their own (`poolbench`), so they sit beside a
//! team's other tables without touching them. Writers queue as they do on SQLite: each `add`
//! locks `runs` against other writers (readers go on) for at most [`BUSY_WAIT`]; the tables are
//! created under an advisory lock, so runners that start at once create them once. `list`,
//! `check` and `chart` read in read-only transactions.

use postgres::error::SqlState;
use postgres::{Client, Config, NoTls};

use super::read::{pair, SeriesKey, POINTS_SQL, RUNS_SQL};
use super::rows::{
    CellRow, RunRow, Stored, COUNT_CELLS_SQL, FIND_RUN_SQL, INSERT_CELL_SQL, INSERT_RUN_SQL,
};
use super::{HistoryError, Point, Run, Store, BUSY_WAIT, SCHEMA_VERSION};

/// The tables (schema 2), SQLite's with PostgreSQL's types.
const SCHEMA_SQL: &str = "
CREATE SCHEMA IF NOT EXISTS poolbench;
CREATE TABLE IF NOT EXISTS poolbench.meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS poolbench.runs (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    git_commit        TEXT NOT NULL,
    started_at        TEXT NOT NULL,
    machine           TEXT NOT NULL,
    cpu_model         TEXT,
    logical_cores     BIGINT NOT NULL,
    hostname          TEXT NOT NULL,
    preset            TEXT,
    poolbench_version TEXT NOT NULL,
    build_profile     TEXT NOT NULL,
    added_at          TEXT NOT NULL,
    source            TEXT,
    fingerprint       TEXT,
    UNIQUE (git_commit, started_at, machine, hostname)
);
CREATE TABLE IF NOT EXISTS poolbench.cells (
    run_id        BIGINT NOT NULL REFERENCES poolbench.runs(id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    workload      TEXT NOT NULL,
    workload_name TEXT NOT NULL,
    params        TEXT NOT NULL,
    tasks         BIGINT NOT NULL,
    model         TEXT NOT NULL,
    workers       BIGINT NOT NULL,
    median_s      DOUBLE PRECISION,
    ci_low_s      DOUBLE PRECISION,
    ci_high_s     DOUBLE PRECISION,
    ci_level      DOUBLE PRECISION,
    samples       BIGINT NOT NULL,
    relative      DOUBLE PRECISION,
    relative_low  DOUBLE PRECISION,
    relative_high DOUBLE PRECISION,
    verified      BIGINT NOT NULL,
    failed_tasks  BIGINT NOT NULL,
    PRIMARY KEY (run_id, name)
);
CREATE INDEX IF NOT EXISTS cells_by_name ON poolbench.cells (name);
";

/// The advisory lock that creating the tables takes ("poolbench" in ASCII, truncated).
const CREATE_LOCK: i64 = 0x706f_6f6c_6265_6e63;

/// A history in a PostgreSQL database.
pub(crate) struct PostgresStore {
    client: Client,
    place: String,
}

/// `url` as messages show it: the password left out.
pub(crate) fn without_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let (authority, tail) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    match authority.rsplit_once('@') {
        Some((user, host)) => {
            let user = user.split_once(':').map_or(user, |(name, _)| name);
            format!("{scheme}://{user}@{host}{tail}")
        }
        None => url.to_owned(),
    }
}

impl PostgresStore {
    /// Connects to `url` (10 s to connect unless the URL says otherwise); with `create`, makes
    /// the tables if they are not there.
    pub fn connect(url: &str, create: bool) -> Result<Self, HistoryError> {
        let place = without_password(url);
        let error = |message: String| HistoryError::Store {
            place: place.clone(),
            message,
        };
        let mut config: Config = url
            .parse()
            .map_err(|e| error(format!("not a PostgreSQL URL: {e}")))?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(std::time::Duration::from_secs(10));
        }
        config.application_name("poolbench");
        let client = config
            .connect(NoTls)
            .map_err(|e| error(format!("cannot connect: {e}")))?;
        let mut store = Self { client, place };
        // The tables are made only when they are missing: the DDL (and the CREATE privilege
        // on the database it needs) is the first add's, not every add's.
        let found = match store.schema_version() {
            Err(HistoryError::Missing { .. }) if create => {
                store.create_tables()?;
                store.schema_version()?
            }
            other => other?,
        };
        if found != SCHEMA_VERSION.to_string() {
            return Err(HistoryError::Schema {
                place: store.place,
                found,
            });
        }
        let session = if create {
            "SET search_path TO poolbench"
        } else {
            "SET search_path TO poolbench; SET default_transaction_read_only = on"
        };
        store
            .client
            .batch_execute(session)
            .map_err(|e| pg_error(&store.place, e))?;
        Ok(store)
    }
}

impl PostgresStore {
    /// The tables' schema version; [`HistoryError::Missing`] when there are no tables.
    fn schema_version(&mut self) -> Result<String, HistoryError> {
        let row = self
            .client
            .query_opt(
                "SELECT value FROM poolbench.meta WHERE key = 'schema_version'",
                &[],
            )
            .map_err(|e| match e.code() {
                Some(c)
                    if *c == SqlState::UNDEFINED_TABLE || *c == SqlState::INVALID_SCHEMA_NAME =>
                {
                    HistoryError::Missing {
                        place: self.place.clone(),
                    }
                }
                _ => pg_error(&self.place, e),
            })?;
        Ok(row.map_or_else(|| "none".to_owned(), |row| row.get(0)))
    }

    /// Makes the tables under an advisory lock, so runners that start at once make them once.
    fn create_tables(&mut self) -> Result<(), HistoryError> {
        let place = self.place.clone();
        let pg = |e| pg_error(&place, e);
        let mut tx = self.client.transaction().map_err(pg)?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&CREATE_LOCK])
            .map_err(pg)?;
        tx.batch_execute(SCHEMA_SQL).map_err(pg)?;
        tx.execute(
            "INSERT INTO poolbench.meta VALUES ('schema_version', $1) ON CONFLICT DO NOTHING",
            &[&SCHEMA_VERSION.to_string()],
        )
        .map_err(pg)?;
        tx.commit().map_err(pg)
    }
}

/// A PostgreSQL error as the history's: a writer that waited [`BUSY_WAIT`] for the lock in vain
/// is [`HistoryError::Busy`].
fn pg_error(place: &str, e: postgres::Error) -> HistoryError {
    let place = place.to_owned();
    match e.code() {
        Some(c) if *c == SqlState::LOCK_NOT_AVAILABLE => HistoryError::Busy { place },
        _ => HistoryError::Store {
            place,
            message: e
                .as_db_error()
                .map_or_else(|| e.to_string(), |d| d.to_string()),
        },
    }
}

impl Store for PostgresStore {
    fn add(&mut self, run: &RunRow, cells: &[CellRow]) -> Result<Stored, HistoryError> {
        let place = self.place.clone();
        let pg = |e| pg_error(&place, e);
        let mut tx = self.client.transaction().map_err(pg)?;
        tx.batch_execute(&format!(
            "SET LOCAL lock_timeout = '{}s'; LOCK TABLE runs IN SHARE ROW EXCLUSIVE MODE",
            BUSY_WAIT.as_secs()
        ))
        .map_err(pg)?;
        let existing = tx
            .query_opt(
                FIND_RUN_SQL,
                &[
                    &run.git_commit,
                    &run.started_at,
                    &run.machine,
                    &run.hostname,
                ],
            )
            .map_err(pg)?;
        if let Some(row) = existing {
            let run_id: i64 = row.get(0);
            let count = tx.query_one(COUNT_CELLS_SQL, &[&run_id]).map_err(pg)?;
            return Ok(Stored::Existing {
                run_id,
                cells: count.get::<_, i64>(0) as usize,
                fingerprint: row.get(1),
                source: row.get(2),
            });
        }
        let run_id: i64 = tx
            .query_one(
                INSERT_RUN_SQL,
                &[
                    &run.git_commit,
                    &run.started_at,
                    &run.machine,
                    &run.cpu_model,
                    &run.logical_cores,
                    &run.hostname,
                    &run.preset,
                    &run.poolbench_version,
                    &run.build_profile,
                    &run.added_at,
                    &run.source,
                    &run.fingerprint,
                ],
            )
            .map_err(pg)?
            .get(0);
        let insert = tx.prepare(INSERT_CELL_SQL).map_err(pg)?;
        for c in cells {
            tx.execute(
                &insert,
                &[
                    &run_id,
                    &c.name,
                    &c.workload,
                    &c.workload_name,
                    &c.params,
                    &c.tasks,
                    &c.model,
                    &c.workers,
                    &c.median_s,
                    &c.ci.map(|c| c.0),
                    &c.ci.map(|c| c.1),
                    &c.ci.map(|c| c.2),
                    &c.samples,
                    &c.relative.map(|r| r.0),
                    &c.relative.map(|r| r.1),
                    &c.relative.map(|r| r.2),
                    &c.verified,
                    &c.failed_tasks,
                ],
            )
            .map_err(pg)?;
        }
        tx.commit().map_err(pg)?;
        Ok(Stored::New {
            run_id,
            cells: cells.len(),
        })
    }

    fn runs(&mut self) -> Result<Vec<Run>, HistoryError> {
        let rows = self
            .client
            .query(RUNS_SQL, &[])
            .map_err(|e| pg_error(&self.place, e))?;
        Ok(rows
            .iter()
            .map(|row| Run {
                id: row.get(0),
                git_commit: row.get(1),
                started_at: row.get(2),
                machine: row.get(3),
                preset: row.get(4),
                cells: row.get::<_, i64>(5) as usize,
                unverified: row.get::<_, i64>(6) as usize,
            })
            .collect())
    }

    fn points(&mut self) -> Result<Vec<(SeriesKey, Point)>, HistoryError> {
        let rows = self
            .client
            .query(POINTS_SQL, &[])
            .map_err(|e| pg_error(&self.place, e))?;
        Ok(rows
            .iter()
            .map(|row| {
                let key: SeriesKey = (row.get(0), row.get(1), row.get(2), row.get(3), row.get(4));
                let point = Point {
                    run_id: row.get(5),
                    git_commit: row.get(6),
                    started_at: row.get(7),
                    median_s: row.get(8),
                    ci_s: pair(row.get(9), row.get(10)),
                    relative: row.get(11),
                    relative_ci: pair(row.get(12), row.get(13)),
                    verified: row.get::<_, i64>(14) != 0,
                    failed_tasks: row.get::<_, i64>(15) as usize,
                };
                (key, point)
            })
            .collect())
    }
}
