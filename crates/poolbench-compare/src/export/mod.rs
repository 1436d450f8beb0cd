//! Results in the formats CI trackers read: Bencher's BMF, github-action-benchmark's
//! `customSmallerIsBetter`, JUnit XML and a one-row-per-cell CSV.
//!
//! Every format names a cell by [`cell_name`], which stays the same from run to run, so a
//! tracker's series continue across commits. Times are the cell's median batch time; where a
//! format has room for an interval it gets the cell's recorded 95 % interval of the median.
//! JUnit has no numbers to track but is what most CI systems render: one test case per cell,
//! failing when the cell did not verify, or when a comparison (`poolbench compare`) or the
//! history (`poolbench history check`) called it a regression.
//!
//! Each format is an [`Exporter`] in a file of its own, listed once in [`EXPORTERS`]: the CLI's
//! `--format` takes its names (and its help) from that list.

use std::collections::HashMap;

use poolbench_results::{CellResult, ResultsFile};
use serde_json::Value;

use crate::cell_ci;
use crate::identity::cell_name;

mod bmf;
mod csv;
mod github;
mod junit;

pub use self::csv::CSV_HEADER;

/// A format `poolbench export` writes.
pub trait Exporter: Sync + std::fmt::Debug {
    /// The name `--format` takes.
    fn name(&self) -> &'static str;
    /// One line for `--help`.
    fn about(&self) -> &'static str;
    /// The file this format makes of `results`, with the regressions found elsewhere.
    fn export(&self, results: &ResultsFile, regressions: &Regressions) -> String;
}

/// Every format, in the order `--help` lists them. Adding one is a file with an
/// [`Exporter`] and a line here.
pub static EXPORTERS: &[&dyn Exporter] = &[
    &bmf::Bmf,
    &github::GithubActionBenchmark,
    &junit::Junit,
    &csv::Csv,
];

/// The format called `name`.
pub fn find_exporter(name: &str) -> Option<&'static dyn Exporter> {
    EXPORTERS.iter().copied().find(|e| e.name() == name)
}

/// Regressions found elsewhere (by `compare` or `history check`), by [`cell_name`]: the
/// message a JUnit failure carries.
pub type Regressions = HashMap<String, String>;

pub(crate) const NANOS: f64 = 1e9;

/// Every cell with a median: `(name, median, interval)` in seconds.
pub(crate) fn timed(
    results: &ResultsFile,
) -> impl Iterator<Item = (String, f64, Option<[f64; 2]>)> + '_ {
    results.results.iter().filter_map(|cell| {
        let median = cell.time.median_s?;
        let ci = cell_ci(cell).map(|ci| [ci.low, ci.high]);
        Some((cell_name(cell), median, ci))
    })
}

pub(crate) fn pretty(value: &Value) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    text
}

/// Why a cell fails as a test, if it does: `(type, message)`.
pub(crate) fn failure(
    cell: &CellResult,
    regressions: &Regressions,
) -> Option<(&'static str, String)> {
    if let Some(error) = &cell.outcome.model_error {
        return Some(("model-error", error.clone()));
    }
    if !cell.outcome.verified || cell.outcome.failed_tasks > 0 {
        let first = cell.outcome.errors.first().map_or("", String::as_str);
        return Some((
            "unverified",
            format!(
                "{} failed and {} mismatched tasks; {first}",
                cell.outcome.failed_tasks, cell.outcome.mismatched_tasks
            ),
        ));
    }
    if let Some(reason) = &cell.time.no_median {
        return Some(("no-median", reason.clone()));
    }
    regressions
        .get(&cell_name(cell))
        .map(|why| ("regression", why.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every format in the list is found by its name, and no two share one.
    #[test]
    fn every_exporter_is_found_by_its_own_name() {
        let mut names: Vec<&str> = EXPORTERS.iter().map(|e| e.name()).collect();
        for name in &names {
            assert_eq!(find_exporter(name).unwrap().name(), *name);
            assert!(!find_exporter(name).unwrap().about().is_empty());
        }
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), EXPORTERS.len());
        assert!(find_exporter("xml").is_none());
    }
}
