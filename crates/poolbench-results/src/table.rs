//! The terminal table: one row per cell, printed as soon as the cell finishes.

use std::time::Duration;

use crate::CellResult;

/// Column layout of the terminal table.
#[derive(Debug, Clone, Copy, Default)]
pub struct Table;

impl Table {
    /// The header line.
    pub fn header(&self) -> String {
        format!(
            "{:<10} {:<19} {:>3} {:>10} {:>21} {:>3} {:>8} {:>6} {:>7} {:>7} {:>9}",
            "workload",
            "model",
            "W",
            "median",
            "95% CI of median",
            "n",
            "speedup",
            "eff.",
            "threads",
            "failed",
            "verified"
        )
    }

    /// One cell's row. An interval marked `*` is below 95 % confidence (too few samples).
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
            "{:<10} {:<19} {:>3} {:>10} {:>21} {:>3} {:>8} {:>6} {:>7} {:>7} {:>9}",
            cell.workload,
            cell.model,
            cell.workers,
            secs(cell.time.median_s).unwrap_or_else(dash),
            interval,
            cell.time.samples_s.len(),
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
        )
    }
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
