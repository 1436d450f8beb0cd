//! What poolbench says of runs without drawing them: the part a CI job needs.
//!
//! - [`identity`]: a cell's name, the same from run to run, so a tracker's series continue;
//! - [`cell_ci`]: every cell's interval of the median;
//! - [`group`]: cells gathered per workload and parameters, series per (model, machine), with
//!   the [`ModelBook`] that says how to order and draw them;
//! - [`compare`]: two runs, cell by cell, with intervals and a verdict per cell;
//! - [`decide`]: what to use, per workload: a decision with its reasons, not a list;
//! - [`agreement`]: whether a rerun lands inside the first run's intervals (`poolbench repro`);
//! - [`export`]: the formats trackers read (Bencher, github-action-benchmark, JUnit, CSV).
//!
//! It has no drawing dependency: `poolbench-history` and a CI job build on it without pulling
//! in plotters, and `poolbench-report` draws what it computes.

pub mod agreement;
mod book;
pub mod compare;
pub mod csv;
mod data;
pub mod decide;
pub mod export;
pub mod fmt;
mod group;
pub mod identity;
mod params;
mod slug;
mod stats;
pub mod trend;
mod verdict;

pub use book::{legacy_order, model_order, Described, ModelBook, LEGACY_MODELS};
pub use data::{Input, Machine, Point, Series, WorkloadGroup};
pub use group::group;
pub use params::{params_text, params_text_but};
pub use slug::{slugify, unique_slug};
pub use stats::{cell_ci, overlap};
pub use verdict::{fastest_groups, Fastest};
