//! The terminal table: one row per cell, printed as soon as the cell finishes.

use std::time::Duration;

use crate::CellResult;

/// Column layout of the terminal table: the workload column is as wide as the widest
/// workload name of the run (with its experiment's short label, e.g. `http S1`).
#[derive(Debug, Clone, Copy)]
pub struct Table {
    workload_width: usize,
}

impl Default for Table {
    fn default() -> Self {
        Self { workload_width: 10 }
    }
}

/// A column of the workload and its experiment's short label (its first word: `S1`, `S4`),
/// so that rows of one workload in different experiments read apart.
pub fn workload_column(workload: &str, experiment: Option<&str>) -> String {
    match experiment.and_then(|e| e.split_whitespace().next()) {
        Some(label) => format!("{workload} {label}"),
        None => workload.to_owned(),
    }
}

impl Table {
    /// A table whose workload column fits every one of `columns` (see [`workload_column`]).
    pub fn for_workloads<'a>(columns: impl IntoIterator<Item = &'a str>) -> Self {
        let widest = columns.into_iter().map(|c| c.chars().count()).max();
        Self {
            workload_width: widest.unwrap_or(0).max(10),
        }
    }

    /// The header line.
    pub fn header(&self) -> String {
        format!(
            "{:<width$} {:<19} {:>3} {:>10} {:>21} {:>3} {:>4} {:>8} {:>6} {:>7} {:>7} {:>9}",
            "workload",
            "model",
            "W",
            "median",
            "95% CI of median",
            "n",
            "out",
            "speedup",
            "eff.",
            "threads",
            "failed",
            "verified",
            width = self.workload_width,
        )
    }

    /// One cell's row. An interval marked `*` is below 95 % confidence (too few samples);
    /// `out` counts the samples beyond Tukey's fences, with `!` when one is severe.
    pub fn row(&self, cell: &CellResult) -> String {
        let secs = |s: Option<f64>| s.map(|s| format_duration(Duration::from_secs_f64(s)));
        let dash = || "-".to_owned();
        let interval = match cell.time.median_ci_s {
            Some([low, high]) => {
                let low_level = cell.time.ci_level.is_some_and(crate::below_ci_level);
                format!(
                    "{}..{}{}",
                    format_duration(Duration::from_secs_f64(low.max(0.0))),
                    format_duration(Duration::from_secs_f64(high.max(0.0))),
                    if low_level { "*" } else { "" }
                )
            }
            None => dash(),
        };
        let verified = if cell.outcome.model_error.is_some() {
            "ERROR"
        } else if cell.outcome.verified {
            "yes"
        } else {
            "NO"
        };
        format!(
            "{:<width$} {:<19} {:>3} {:>10} {:>21} {:>3} {:>4} {:>8} {:>6} {:>7} {:>7} {:>9}",
            workload_column(&cell.workload, cell.experiment.as_deref()),
            cell.model,
            cell.workers,
            secs(cell.time.median_s).unwrap_or_else(dash),
            interval,
            cell.time.samples_s.len(),
            outliers(&cell.time.samples_s),
            cell.scaling.speedup.map(format_ratio).unwrap_or_else(dash),
            cell.scaling
                .efficiency
                .map(|e| format!("{:.0}%", e * 100.0))
                .unwrap_or_else(dash),
            cell.cost
                .peak_threads
                .map(|t| t.to_string())
                .unwrap_or_else(dash),
            cell.outcome.failed_tasks + cell.outcome.mismatched_tasks,
            verified,
            width = self.workload_width,
        )
    }
}

/// The outlier column: how many samples lie beyond Tukey's fences, `!` if any is severe.
fn outliers(samples: &[f64]) -> String {
    let out = crate::Outliers::of(samples);
    format!("{}{}", out.total(), if out.severe() > 0 { "!" } else { "" })
}

/// The warning for a workload run with more workers than tasks: those workers have nothing to
/// do, and the cells measure fewer tasks in flight than their W says.
pub fn more_workers_than_tasks(workload: &str, tasks: usize, workers: &[usize]) -> String {
    let list: Vec<String> = workers.iter().map(usize::to_string).collect();
    let most = workers.iter().copied().max().unwrap_or(tasks);
    format!(
        "{workload} has {tasks} tasks, so at W = {} at most {tasks} are ever in flight: add \
         --tasks {} (or more) to keep every worker busy",
        list.join(", "),
        most.max(tasks) * 4
    )
}

/// A speedup such as `1.96x`, with enough digits to tell small ratios apart.
fn format_ratio(ratio: f64) -> String {
    if ratio >= 0.1 {
        format!("{ratio:.2}x")
    } else {
        format!("{ratio:.1e}x")
    }
}

/// A duration as (value, unit) in the unit that puts the value in [1, 1000) where one can:
/// `s`, `ms`, `µs` or `ns`.
pub fn in_unit(d: Duration) -> (f64, &'static str) {
    let s = d.as_secs_f64();
    if s >= 1.0 {
        (s, "s")
    } else if s >= 1e-3 {
        (s * 1e3, "ms")
    } else if s >= 1e-6 {
        (s * 1e6, "µs")
    } else {
        (s * 1e9, "ns")
    }
}

/// A duration with three significant digits and a unit a person reads at a glance.
pub fn format_duration(d: Duration) -> String {
    let (value, unit) = in_unit(d);
    let decimals = if value >= 100.0 {
        0
    } else if value >= 10.0 {
        1
    } else {
        2
    };
    format!("{value:.decimals$} {unit}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_workload_column_fits_the_widest_name_and_its_experiment() {
        assert_eq!(workload_column("http", Some("S1 (scaled 20x)")), "http S1");
        assert_eq!(workload_column("sum", None), "sum");
        let table = Table::for_workloads(["http S1", "orders-json-long"]);
        let header = table.header();
        assert!(header.starts_with("workload         model"), "{header}");
        let mut cell = CellResult::new("http", poolbench_core::WorkKind::Io, "rayon", 4, 16);
        cell.experiment = Some("S4 (3 pages)".into());
        assert!(table.row(&cell).starts_with("http S4          rayon"));
    }

    #[test]
    fn small_ratios_keep_their_digits() {
        assert_eq!(format_ratio(1.957), "1.96x");
        assert_eq!(format_ratio(0.0021), "2.1e-3x");
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(format_duration(Duration::from_millis(1500)), "1.50 s");
        assert_eq!(format_duration(Duration::from_micros(161_234)), "161 ms");
        assert_eq!(format_duration(Duration::from_micros(12_340)), "12.3 ms");
        assert_eq!(format_duration(Duration::from_nanos(450)), "450 ns");
        assert_eq!(format_duration(Duration::from_nanos(2_500)), "2.50 µs");
    }
}
