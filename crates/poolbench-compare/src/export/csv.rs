//! One row per cell: name, identity, median and interval, verification, verdict.

use std::fmt::Write;

use poolbench_results::ResultsFile;

use super::{failure, Exporter, Regressions};
use crate::cell_ci;
use crate::csv::csv_field;
use crate::identity::{cell_name, references, workload_name};

#[derive(Debug)]
pub struct Csv;

impl Exporter for Csv {
    fn name(&self) -> &'static str {
        "csv"
    }

    fn about(&self) -> &'static str {
        "one row per cell: name, median and interval, verification, regression"
    }

    fn export(&self, results: &ResultsFile, regressions: &Regressions) -> String {
        csv(results, regressions)
    }
}

/// The header of the CSV export, in column order.
pub const CSV_HEADER: &str = "name,workload,params,tasks,model,workers,median_s,ci_low_s,ci_high_s,ci_level,samples,verified,failed_tasks,relative_to_sequential,failure";

fn csv(results: &ResultsFile, regressions: &Regressions) -> String {
    let sequential = references(results);
    let number = |x: Option<f64>| x.map(|x| x.to_string()).unwrap_or_default();
    let mut out = format!("{CSV_HEADER}\n");
    for cell in &results.results {
        let ci = cell_ci(cell);
        let relative = cell
            .time
            .median_s
            .zip(
                sequential
                    .get(&workload_name(cell))
                    .and_then(|s| s.time.median_s),
            )
            .filter(|(_, s)| *s > 0.0)
            .map(|(m, s)| m / s);
        let failure = failure(cell, regressions)
            .map(|(kind, message)| format!("{kind}: {message}"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
            csv_field(&cell_name(cell)),
            csv_field(&cell.workload),
            csv_field(&serde_json::to_string(&cell.params).unwrap_or_default()),
            cell.tasks,
            csv_field(&cell.model),
            cell.workers,
            number(cell.time.median_s),
            number(ci.map(|c| c.low)),
            number(ci.map(|c| c.high)),
            number(ci.map(|c| c.level)),
            cell.time.samples_s.len(),
            cell.outcome.verified,
            cell.outcome.failed_tasks,
            number(relative),
            csv_field(&failure)
        );
    }
    out
}
