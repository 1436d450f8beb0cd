//! Results in the formats CI trackers read: Bencher's BMF, github-action-benchmark's
//! `customSmallerIsBetter`, JUnit XML and a one-row-per-cell CSV.
//!
//! Every format names a cell by [`cell_name`], which stays the same from run to run, so a
//! tracker's series continue across commits. Times are the cell's median batch time; where a
//! format has room for an interval it gets the cell's recorded 95 % interval of the median.
//! JUnit has no numbers to track but is what most CI systems render: one test case per cell,
//! failing when the cell did not verify, or when a comparison (`poolbench compare`) or the
//! history (`poolbench history check`) called it a regression.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;

use poolbench_results::{CellResult, ResultsFile};
use serde_json::{json, Map, Value};

use crate::csv::csv_field;
use crate::identity::{cell_name, references, workload_name};
use crate::stats::cell_ci;
use crate::fmt::escape;

/// The formats `poolbench export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// Bencher Metric Format: `{name: {"latency": {value, lower_value, upper_value}}}`, in
    /// nanoseconds (Bencher's built-in `latency` measure).
    Bmf,
    /// github-action-benchmark's `customSmallerIsBetter`: `[{name, unit, value, range, extra}]`.
    GithubActionBenchmark,
    /// JUnit XML: one `<testcase>` per cell.
    Junit,
    /// One row per cell: name, identity, median and interval, verification, verdict.
    Csv,
}

/// Regressions found elsewhere (by `compare` or `history check`), by [`cell_name`]: the
/// message a JUnit failure carries.
pub type Regressions = HashMap<String, String>;

/// The file `format` makes of `results`.
pub fn export(results: &ResultsFile, format: ExportFormat, regressions: &Regressions) -> String {
    match format {
        ExportFormat::Bmf => bmf(results),
        ExportFormat::GithubActionBenchmark => github_action_benchmark(results),
        ExportFormat::Junit => junit(results, regressions),
        ExportFormat::Csv => csv(results, regressions),
    }
}

const NANOS: f64 = 1e9;

/// Every cell with a median: `(name, median, interval)` in seconds.
fn timed(results: &ResultsFile) -> impl Iterator<Item = (String, f64, Option<[f64; 2]>)> + '_ {
    results.results.iter().filter_map(|cell| {
        let median = cell.time.median_s?;
        let ci = cell_ci(cell).map(|ci| [ci.low, ci.high]);
        Some((cell_name(cell), median, ci))
    })
}

fn bmf(results: &ResultsFile) -> String {
    let mut out = Map::new();
    for (name, median, ci) in timed(results) {
        let mut latency = json!({ "value": median * NANOS });
        if let Some([low, high]) = ci {
            latency["lower_value"] = json!(low * NANOS);
            latency["upper_value"] = json!(high * NANOS);
        }
        out.insert(name, json!({ "latency": latency }));
    }
    pretty(&Value::Object(out))
}

fn github_action_benchmark(results: &ResultsFile) -> String {
    let entries: Vec<Value> = timed(results)
        .map(|(name, median, ci)| {
            let mut entry = json!({ "name": name, "unit": "ns", "value": median * NANOS });
            if let Some([low, high]) = ci {
                let half = (high - low) / 2.0 * NANOS;
                entry["range"] = json!(format!("± {half:.0}"));
                entry["extra"] = json!(format!(
                    "median batch time; 95 % interval {:.0} .. {:.0} ns",
                    low * NANOS,
                    high * NANOS
                ));
            }
            entry
        })
        .collect();
    pretty(&Value::Array(entries))
}

fn pretty(value: &Value) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    text
}

/// Why a cell fails as a test, if it does: `(type, message)`.
fn failure(cell: &CellResult, regressions: &Regressions) -> Option<(&'static str, String)> {
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

/// XML 1.0 text: escaped, and without the control characters it cannot hold.
fn xml(text: &str) -> String {
    let kept: String = text
        .chars()
        .filter(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r'))
        .collect();
    escape(&kept).replace('\'', "&apos;")
}

fn junit(results: &ResultsFile, regressions: &Regressions) -> String {
    let mut suites: BTreeMap<String, Vec<&CellResult>> = BTreeMap::new();
    for cell in &results.results {
        suites.entry(workload_name(cell)).or_default().push(cell);
    }
    let failures = |cells: &[&CellResult]| {
        cells
            .iter()
            .filter(|c| failure(c, regressions).is_some())
            .count()
    };
    let seconds =
        |cells: &[&CellResult]| -> f64 { cells.iter().filter_map(|c| c.time.median_s).sum() };
    let all: Vec<&CellResult> = results.results.iter().collect();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"poolbench\" tests=\"{}\" failures=\"{}\" time=\"{:.6}\">",
        all.len(),
        failures(&all),
        seconds(&all)
    );
    for (suite, cells) in &suites {
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" time=\"{:.6}\" timestamp=\"{}\">",
            xml(suite),
            cells.len(),
            failures(cells),
            seconds(cells),
            xml(&results.environment.started_at)
        );
        for cell in cells {
            let _ = write!(
                out,
                "    <testcase classname=\"poolbench.{}\" name=\"{}\" time=\"{:.6}\"",
                xml(suite),
                xml(&format!("{} W={}", cell.model, cell.workers)),
                cell.time.median_s.unwrap_or(0.0)
            );
            match failure(cell, regressions) {
                Some((kind, message)) => {
                    let _ = writeln!(
                        out,
                        ">\n      <failure type=\"{kind}\" message=\"{}\">{}</failure>\n    </testcase>",
                        xml(&message),
                        xml(&message)
                    );
                }
                None => {
                    let _ = writeln!(out, "/>");
                }
            }
        }
        let _ = writeln!(out, "  </testsuite>");
    }
    out.push_str("</testsuites>\n");
    out
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
