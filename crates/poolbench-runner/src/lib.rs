//! Runs a matrix of cells — (workload, model, workers) — and turns them into verified results.
//!
//! For each workload of a [`Plan`] the runner first runs the `sequential` model: its outputs
//! are the oracle every other model must reproduce, and its median time is the reference for
//! speedups and CPU-bound ideal times. Then, cell by cell (in a seeded shuffled order unless
//! the plan asks for the fixed one, see [`CellOrder`]), it starts the
//! model's pool (outside the timed region, its cost recorded as `startup_s`), runs warm-up
//! batches (untimed, watched for the peak thread count), then R timed repetitions, comparing
//! every repetition's checksums with the oracle. Each finished cell is handed to a callback at
//! once, so the CLI can print it and save `results.json` before the next cell starts.

mod cell;
pub mod limits;
mod plan;
mod presets;
pub mod probe;
pub mod record;
mod run;
mod suite;
pub mod tidy;
mod timing;
mod usage;
mod verify;
pub mod watchdog;

// The results file and its statistics live in `poolbench-results`; the runner writes through
// them and re-exports them, so its users need one import.
use poolbench_results::{environment, read, results, sampling, stats, table};

pub use environment::Environment;
pub use plan::{
    can_run, oracle_for, CellId, CellOrder, Plan, PlanEntry, PlanError, DEFAULT_TASK_TIMEOUT,
    ORACLE, TASK_TIMEOUT_FACTOR,
};
pub use poolbench_results::{CellResult, ContextSwitches, Percentiles};
pub use presets::{default_workers, find_preset, own_suite, preset_names, Preset, PRESETS};
pub use read::{check as check_results, ReadError, MOST_RESULTS_BYTES, MOST_SECONDS};
pub use results::{staged_file, write_atomic, ResultsFile, SCHEMA};
pub use run::{prepare, run_plan, BoxError, Observer, RunError, MAX_LIVE_WORKER_PROCESSES};
pub use sampling::Sampling;
pub use stats::{below_ci_level, order_statistic_rank, percentile, MedianCi, Summary, CI_LEVEL};
pub use suite::{Suite, SuiteError};
pub use table::{format_duration, Table};
