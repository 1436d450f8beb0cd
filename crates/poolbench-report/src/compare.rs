//! Did a change make anything slower? Two results files compared cell by cell, with a verdict
//! a CI job can act on.
//!
//! A CI pipeline must fail on a real regression and only on a real one. A cell's median moving
//! by some per cent proves nothing on a noisy machine, so each verdict needs two things: the
//! change must be *significant* — its interval, built from the two medians' own intervals,
//! excludes zero — and *large* — beyond a threshold. The interval of the change is
//! `[new.low / base.high − 1, new.high / base.low − 1]`: the two 95 % intervals of the
//! medians combined, so it covers the true change with at least 90 % confidence whatever the
//! distributions. A cell that stops verifying, or fails more tasks, regressed whatever its time.

use std::collections::HashMap;
use std::fmt::Write;

use poolbench_runner::{percentile, CellResult, ResultsFile};
use serde::Serialize;

use crate::agreement::key;
use crate::stats::cell_ci;

/// The least default threshold: smaller changes are never called, however significant.
pub const LEAST_THRESHOLD: f64 = 0.05;

/// What became of one cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Regressed,
    Improved,
    Unchanged,
}

/// One cell present in both files.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CellChange {
    pub workload: String,
    pub model: String,
    pub workers: usize,
    pub tasks: usize,
    pub base_median_s: Option<f64>,
    pub new_median_s: Option<f64>,
    /// new / base − 1 of the medians.
    pub change: Option<f64>,
    /// The interval of the change (see the module docs).
    pub interval: Option<[f64; 2]>,
    pub verdict: Verdict,
    /// Why, in a few words.
    pub why: String,
}

/// The whole comparison.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    /// The threshold used, and where it came from.
    pub threshold: f64,
    pub threshold_source: String,
    pub cells: Vec<CellChange>,
    /// Cells only in the new file, and only in the base file: `workload model W=…`.
    pub added: Vec<String>,
    pub missing: Vec<String>,
    /// Differences between the two machines that make times incomparable.
    pub machine_warnings: Vec<String>,
}

impl Comparison {
    /// How many cells got `verdict`.
    pub fn count(&self, verdict: Verdict) -> usize {
        self.cells.iter().filter(|c| c.verdict == verdict).count()
    }
}

fn name(cell: &CellResult) -> String {
    format!("{} {} W={}", cell.workload, cell.model, cell.workers)
}

/// The default threshold from the measured noise: twice the median half-width (as a share of
/// the median) of every matched cell's interval in both files, at least [`LEAST_THRESHOLD`].
pub fn noise_threshold<'a>(cells: impl Iterator<Item = &'a CellResult>) -> (f64, String) {
    let mut widths: Vec<f64> = cells
        .filter_map(|c| {
            let ci = cell_ci(c)?;
            let median = c.median_s.filter(|m| *m > 0.0)?;
            Some(ci.relative_half_width(median))
        })
        .filter(|w| w.is_finite())
        .collect();
    widths.sort_by(f64::total_cmp);
    let typical = if widths.is_empty() {
        0.0
    } else {
        percentile(&widths, 50.0)
    };
    let threshold = (2.0 * typical).max(LEAST_THRESHOLD);
    let source = format!(
        "twice the median interval half-width of the compared cells ({:.1} %), at least {:.0} %",
        typical * 100.0,
        LEAST_THRESHOLD * 100.0
    );
    (threshold, source)
}

/// Compares `new` with `base`; `threshold` overrides the one from the noise.
pub fn compare(base: &ResultsFile, new: &ResultsFile, threshold: Option<f64>) -> Comparison {
    let news: HashMap<String, &CellResult> = new.results.iter().map(|c| (key(c), c)).collect();
    let bases: HashMap<String, &CellResult> = base.results.iter().map(|c| (key(c), c)).collect();
    let pairs: Vec<(&CellResult, &CellResult)> = base
        .results
        .iter()
        .filter_map(|b| Some((b, *news.get(&key(b))?)))
        .collect();
    let (threshold, threshold_source) = match threshold {
        Some(t) => (t, "--threshold".to_owned()),
        None => noise_threshold(pairs.iter().flat_map(|(b, n)| [*b, *n])),
    };
    Comparison {
        threshold,
        threshold_source,
        cells: pairs.iter().map(|(b, n)| judge(b, n, threshold)).collect(),
        added: new
            .results
            .iter()
            .filter(|c| !bases.contains_key(&key(c)))
            .map(name)
            .collect(),
        missing: base
            .results
            .iter()
            .filter(|c| !news.contains_key(&key(c)))
            .map(name)
            .collect(),
        machine_warnings: machine_warnings(base, new),
    }
}

/// The verdict on one cell (see the module docs).
pub fn judge(base: &CellResult, new: &CellResult, threshold: f64) -> CellChange {
    let change = base
        .median_s
        .zip(new.median_s)
        .filter(|(b, _)| *b > 0.0)
        .map(|(b, n)| n / b - 1.0);
    let interval = cell_ci(base).zip(cell_ci(new)).and_then(|(b, n)| {
        (b.low > 0.0 && b.high > 0.0).then(|| [n.low / b.high - 1.0, n.high / b.low - 1.0])
    });
    let (verdict, why) = if base.verified && !new.verified {
        (Verdict::Regressed, "no longer verified".to_owned())
    } else if new.failed_tasks > base.failed_tasks {
        (
            Verdict::Regressed,
            format!(
                "{} failed tasks (was {})",
                new.failed_tasks, base.failed_tasks
            ),
        )
    } else {
        match (change, interval) {
            (Some(c), Some([low, _])) if low > 0.0 && c > threshold => {
                (Verdict::Regressed, "slower, significant".to_owned())
            }
            (Some(c), Some([_, high])) if high < 0.0 && c < -threshold => {
                (Verdict::Improved, "faster, significant".to_owned())
            }
            (Some(c), Some([low, high])) if low > 0.0 || high < 0.0 => (
                Verdict::Unchanged,
                if c.abs() <= threshold {
                    "significant but within the threshold".to_owned()
                } else {
                    "significant".to_owned()
                },
            ),
            (Some(_), Some(_)) => (
                Verdict::Unchanged,
                "within the noise (intervals overlap)".to_owned(),
            ),
            _ => (Verdict::Unchanged, "no median to compare".to_owned()),
        }
    };
    CellChange {
        workload: base.workload.clone(),
        model: base.model.clone(),
        workers: base.workers,
        tasks: base.tasks,
        base_median_s: base.median_s,
        new_median_s: new.median_s,
        change,
        interval,
        verdict,
        why,
    }
}

/// Each difference between the machines that makes their times incomparable.
fn machine_warnings(base: &ResultsFile, new: &ResultsFile) -> Vec<String> {
    let (b, n) = (&base.environment, &new.environment);
    let mut warnings = Vec::new();
    if b.cpu_model != n.cpu_model {
        warnings.push(format!(
            "different CPUs: {} (base) vs {} (new)",
            b.cpu_model.as_deref().unwrap_or("unknown"),
            n.cpu_model.as_deref().unwrap_or("unknown")
        ));
    }
    if b.logical_cores != n.logical_cores {
        warnings.push(format!(
            "different core counts: {} (base) vs {} (new)",
            b.logical_cores, n.logical_cores
        ));
    }
    warnings
}

fn percent(x: Option<f64>) -> String {
    x.map_or("–".to_owned(), |x| format!("{:+.1} %", x * 100.0))
}

fn interval(x: Option<[f64; 2]>) -> String {
    x.map_or("–".to_owned(), |[l, h]| {
        format!("{:+.1} % .. {:+.1} %", l * 100.0, h * 100.0)
    })
}

fn seconds(x: Option<f64>) -> String {
    x.map_or("–".to_owned(), |s| {
        poolbench_runner::format_duration(std::time::Duration::from_secs_f64(s))
    })
}

/// The one-line summary both formats start with.
fn headline(c: &Comparison) -> String {
    format!(
        "{} cells compared: {} regressed, {} improved, {} unchanged (threshold {:.1} %: {})",
        c.cells.len(),
        c.count(Verdict::Regressed),
        c.count(Verdict::Improved),
        c.count(Verdict::Unchanged),
        c.threshold * 100.0,
        c.threshold_source
    )
}

fn rows(c: &Comparison) -> Vec<[String; 7]> {
    c.cells
        .iter()
        .map(|cell| {
            [
                format!("{} {} W={}", cell.workload, cell.model, cell.workers),
                seconds(cell.base_median_s),
                seconds(cell.new_median_s),
                percent(cell.change),
                interval(cell.interval),
                format!("{:?}", cell.verdict).to_lowercase(),
                cell.why.clone(),
            ]
        })
        .collect()
}

const HEADER: [&str; 7] = [
    "cell", "base", "new", "change", "interval", "verdict", "why",
];

/// A plain-text table for the terminal.
pub fn render_text(c: &Comparison) -> String {
    let rows = rows(c);
    let mut widths = HEADER.map(str::len);
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let line = |cells: &[String]| {
        cells
            .iter()
            .zip(widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_owned()
    };
    let _ = writeln!(out, "{}", line(&HEADER.map(String::from)));
    for row in &rows {
        let _ = writeln!(out, "{}", line(row));
    }
    let _ = writeln!(out, "\n{}", headline(c));
    extras(c, &mut out);
    out
}

/// A Markdown report: a CI job summary or a pull-request comment.
pub fn render_markdown(c: &Comparison) -> String {
    let mut out = format!("### poolbench compare\n\n{}\n\n", headline(c));
    let _ = writeln!(out, "| {} |", HEADER.join(" | "));
    let _ = writeln!(out, "|{}", "---|".repeat(HEADER.len()));
    // Regressions first: they are what a reviewer needs.
    let mut rows = rows(c);
    rows.sort_by_key(|r| match r[5].as_str() {
        "regressed" => 0,
        "improved" => 1,
        _ => 2,
    });
    for row in rows {
        let _ = writeln!(out, "| {} |", row.join(" | "));
    }
    out.push('\n');
    extras(c, &mut out);
    out
}

/// Added and missing cells, and machine warnings.
fn extras(c: &Comparison, out: &mut String) {
    if !c.added.is_empty() {
        let _ = writeln!(out, "added (only in the new file): {}", c.added.join(", "));
    }
    if !c.missing.is_empty() {
        let _ = writeln!(
            out,
            "missing (only in the base file): {}",
            c.missing.join(", ")
        );
    }
    for warning in &c.machine_warnings {
        let _ = writeln!(
            out,
            "warning: {warning}: times from different machines are not comparable"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use poolbench_core::WorkKind;

    fn cell(samples: &[f64]) -> CellResult {
        let mut c = CellResult::new("sum", WorkKind::Cpu, "rayon", 2, 8);
        let mut sorted = samples.to_vec();
        sorted.sort_by(f64::total_cmp);
        c.median_s = Some(percentile(&sorted, 50.0));
        c.samples_s = samples.to_vec();
        c.verified = true;
        c
    }

    fn spread(centre: f64) -> Vec<f64> {
        (0..10)
            .map(|i| centre * (0.98 + 0.004 * i as f64))
            .collect()
    }

    #[test]
    fn a_large_significant_slowdown_regresses_and_noise_does_not() {
        let base = cell(&spread(1.0));
        assert_eq!(
            judge(&base, &cell(&spread(1.5)), 0.05).verdict,
            Verdict::Regressed
        );
        assert_eq!(
            judge(&base, &cell(&spread(0.5)), 0.05).verdict,
            Verdict::Improved
        );
        assert_eq!(
            judge(&base, &cell(&spread(1.0)), 0.05).verdict,
            Verdict::Unchanged
        );
        // Significant (the intervals do not overlap) but under the threshold.
        let small = judge(&base, &cell(&spread(1.03)), 0.05);
        assert_eq!(small.verdict, Verdict::Unchanged);
        assert!(small.why.contains("within the threshold"), "{}", small.why);
        // Large but not significant: a new cell whose interval reaches back to the base.
        let wide: Vec<f64> = (0..10).map(|i| 0.2 + 0.3 * i as f64).collect();
        assert_eq!(judge(&base, &cell(&wide), 0.05).verdict, Verdict::Unchanged);
    }

    #[test]
    fn a_cell_that_stops_verifying_regresses_whatever_its_time() {
        let base = cell(&spread(1.0));
        let mut broken = cell(&spread(0.5));
        broken.verified = false;
        let change = judge(&base, &broken, 0.05);
        assert_eq!(change.verdict, Verdict::Regressed);
        assert_eq!(change.why, "no longer verified");
        let mut failing = cell(&spread(1.0));
        failing.failed_tasks = 2;
        assert_eq!(judge(&base, &failing, 0.05).verdict, Verdict::Regressed);
    }

    #[test]
    fn the_default_threshold_follows_the_noise_but_never_drops_below_the_least() {
        let quiet = [cell(&spread(1.0))];
        assert_eq!(noise_threshold(quiet.iter()).0, LEAST_THRESHOLD);
        let noisy: Vec<f64> = (0..10).map(|i| 0.7 + 0.06 * i as f64).collect();
        let noisy = [cell(&noisy)];
        let (threshold, source) = noise_threshold(noisy.iter());
        assert!(threshold > 0.2, "{threshold}");
        assert!(
            source.contains("twice the median interval half-width"),
            "{source}"
        );
    }
}
