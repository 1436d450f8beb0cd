//! The history store: one row per run and one per cell of each run, in an SQLite file (the
//! embedded default) or a PostgreSQL database (one history shared by a team's runners).
//!
//! SQLite is compiled into poolbench (rusqlite's `bundled` feature), so a history needs nothing
//! installed, and the file is a standard one: `sqlite3 poolbench-history.db` opens it. A team
//! whose CI jobs run on many machines points them all at one PostgreSQL database instead
//! (`postgres://…`): the same tables, in a schema of their own. Both stores keep the same
//! promises, which CI jobs running at once depend on:
//! - every `add` is one write transaction, and writers queue for it ([`BUSY_WAIT`] at most,
//!   then a clear error): a run is in the history whole or not at all, and none is lost;
//! - the tables are created once, whoever comes first; a file that is empty, not a history or
//!   damaged is an error naming it, and is never written to;
//! - a run is keyed by commit, start time, machine and host; the same key with other figures is
//!   an error naming both results files, not a silent skip.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use poolbench_results::ResultsFile;
use serde::Serialize;

mod add;
mod postgres;
mod read;
mod rows;
mod sqlite;

pub use rows::AddAs;

/// How long a writer waits for another one's transaction before giving up with
/// [`HistoryError::Busy`].
pub const BUSY_WAIT: Duration = Duration::from_secs(30);

/// The version of the tables; an older file is brought up to it in one transaction, a newer
/// one is refused, not altered.
pub const SCHEMA_VERSION: i64 = 2;

pub use sqlite::schema_sql;

/// Where a history is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// An SQLite file.
    File(PathBuf),
    /// A PostgreSQL connection URL, `postgres://user:password@host:port/database`.
    Postgres(String),
}

impl Location {
    /// `postgres://…` or `postgresql://…` is a server; anything else is a file.
    pub fn parse(text: &OsStr) -> Self {
        match text.to_str() {
            Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
                Location::Postgres(url.to_owned())
            }
            _ => Location::File(PathBuf::from(text)),
        }
    }

    /// How messages name it: a file's path, or the URL without its password.
    pub fn describe(&self) -> String {
        match self {
            Location::File(path) => path.display().to_string(),
            Location::Postgres(url) => postgres::without_password(url),
        }
    }
}

/// Why the history could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    #[error("{place}: no history here (add a run first: poolbench history add RESULTS.json)")]
    Missing { place: String },
    #[error("{place} is an empty file, not a poolbench history; it was left as it is: remove it, or name another file, to start a history")]
    Empty { place: String },
    #[error("{place} is not a usable poolbench history ({message}); it was left as it is: move it aside to start a new one")]
    Corrupt { place: String, message: String },
    #[error("{place} is a poolbench history of schema {found}; this poolbench reads schema {SCHEMA_VERSION}")]
    Schema { place: String, found: String },
    #[error("{place}: another writer held the history for {} s; nothing was added (run the command again)", BUSY_WAIT.as_secs())]
    Busy { place: String },
    #[error("{0}")]
    Conflict(Box<Conflict>),
    #[error("{place}: {message}")]
    Store { place: String, message: String },
}

/// Two runs with one key and different figures.
#[derive(Debug, thiserror::Error)]
#[error("{place} already holds run {run_id} with the key of {new} (commit {git_commit}, started {started_at}, {machine}, host '{hostname}') but other figures: it came from {stored}. Two runs with one key cannot both be kept; give one of them --commit or --machine")]
pub struct Conflict {
    pub place: String,
    /// The run in the history.
    pub run_id: i64,
    /// The file being added, and the one the stored run came from.
    pub new: String,
    pub stored: String,
    pub git_commit: String,
    pub started_at: String,
    pub machine: String,
    pub hostname: String,
}

/// A history: an SQLite file or a PostgreSQL database.
pub struct History {
    store: Box<dyn Store>,
    location: Location,
}

impl std::fmt::Debug for History {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("History")
            .field("location", &self.location.describe())
            .finish()
    }
}

/// What `add` did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Added {
    pub run_id: i64,
    /// False when this run (same key, same figures) was already in the history: nothing was
    /// written.
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

/// The machine a run's times belong to: CPU model, core count and host name (times from two
/// machines are two series, even when the two are the same model of machine). A CI fleet of
/// identical, short-lived runners names one series for all of them with `history add
/// --machine`.
pub fn machine(results: &ResultsFile) -> String {
    let env = &results.environment;
    let mut name = format!(
        "{} × {} cores",
        env.cpu_model.as_deref().unwrap_or("unknown CPU"),
        env.logical_cores
    );
    if let Some(host) = env.hostname.as_deref().filter(|h| !h.is_empty()) {
        name.push_str(" on ");
        name.push_str(host);
    }
    name
}

/// What a store does; the SQLite file and the PostgreSQL database each do it with their own
/// locks, and everything else (which rows a run makes, how series are grouped and judged) is
/// shared.
trait Store: Send {
    /// In one write transaction that waits for other writers: the run with `run`'s key if
    /// there is one, else `run` and its `cells` added.
    fn add(
        &mut self,
        run: &rows::RunRow,
        cells: &[rows::CellRow],
    ) -> Result<rows::Stored, HistoryError>;
    /// Every run, oldest first.
    fn runs(&mut self) -> Result<Vec<Run>, HistoryError>;
    /// Every cell of every run: its series key and its point, in [`read::POINTS_SQL`]'s order.
    fn points(&mut self) -> Result<Vec<(read::SeriesKey, Point)>, HistoryError>;
}

impl History {
    /// Opens the history file at `path`, creating it when there is no file there.
    pub fn open_or_create(path: &Path) -> Result<Self, HistoryError> {
        Self::open_at(&Location::File(path.to_path_buf()), true)
    }

    /// Opens the history file at `path`, which must exist.
    pub fn open(path: &Path) -> Result<Self, HistoryError> {
        Self::open_at(&Location::File(path.to_path_buf()), false)
    }

    /// Opens the history at `location`; with `create`, a missing file or a database without
    /// poolbench's tables is given them (whoever comes first creates them, once).
    pub fn open_at(location: &Location, create: bool) -> Result<Self, HistoryError> {
        let store: Box<dyn Store> = match location {
            Location::File(path) => Box::new(sqlite::SqliteStore::open(path, create)?),
            Location::Postgres(url) => Box::new(postgres::PostgresStore::connect(url, create)?),
        };
        Ok(Self {
            store,
            location: location.clone(),
        })
    }

    /// Where this history is, as messages name it.
    pub fn place(&self) -> String {
        self.location.describe()
    }
}
