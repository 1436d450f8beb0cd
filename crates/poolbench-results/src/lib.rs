//! `results.json`: the one file every poolbench tool writes or reads.
//!
//! The runner writes it through this crate; `report`, `compare`, `export` and `history` read it
//! through this crate, and need nothing else of poolbench's: no runner, no models, no async
//! runtime. So the schema lives here — [`ResultsFile`], its cells ([`CellResult`], their figures
//! grouped by the question each answers) and the
//! run's conditions ([`Environment`], [`Sampling`], [`noise::NoiseReport`]) — with what every
//! reader needs: [`ResultsFile::read`] (clear errors, bounded size, values checked),
//! [`write_atomic`] (a reader never sees half a file), the statistics of a cell
//! ([`MedianCi`], [`percentile`]) and the terminal summary ([`Table`]).
//!
//! Each results file also records the models' display order (`model_order`, in registry
//! order), so a report draws every model in its own colour without knowing the registry, and
//! a model it has never heard of still gets a place.

pub mod cell;
mod compared;
pub mod environment;
pub mod long_text;
pub mod noise;
mod outliers;
pub mod read;
pub mod results;
pub mod sampling;
pub mod stats;
pub mod table;
pub mod trace;
pub mod upgrade;
pub mod verdict;

pub use cell::{
    CellResult, ContextSwitches, Cost, Outcome, PerTask, Percentiles, PhaseMean, Plan, Scaling,
    Timing,
};
pub use compared::COMPARED_CRATES;
pub use environment::{Environment, PythonSide, JPEG_CURE};
pub use outliers::Outliers;
pub use read::{check as check_results, ReadError, MOST_RESULTS_BYTES, MOST_SECONDS};
pub use results::{staged_file, write_atomic, ModelInfo, ResultsFile, WorkloadRecord, SCHEMA};
pub use sampling::Sampling;
pub use stats::{below_ci_level, order_statistic_rank, percentile, MedianCi, Summary, CI_LEVEL};
pub use table::{format_duration, in_unit, more_workers_than_tasks, workload_column, Table};
pub use trace::{Lane, Span, Trace, MOST_SPANS};
pub use verdict::{CostFigures, DecidedBy, Pick, Verdict};
