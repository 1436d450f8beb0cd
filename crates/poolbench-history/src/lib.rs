//! The history of poolbench runs: an embedded SQLite database file, and change points over it.
//!
//! Two results files say whether one change made things slower (`poolbench compare`); a
//! history says when the numbers moved, over many commits, which a slow creep or a noisy
//! machine hides from any one comparison. Runs are added keyed by commit, start time and
//! machine (adding the same run twice changes nothing); each cell's figures become one row.
//! `check` looks for change points in each cell's series ([`changepoint`]) and calls the
//! newest one a regression when it made the cell slower by more than the threshold.

pub mod changepoint;
pub mod check;
mod db;
pub mod render;
pub mod synthetic;
pub mod trend;

pub use db::{
    machine, schema_sql, AddAs, Added, CellSeries, Conflict, History, HistoryError, Location,
    Point, Run, BUSY_WAIT, SCHEMA_VERSION,
};
