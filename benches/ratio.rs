//! The harness ratio: a poolbench model's time per task over its library's used bare.
//!
//! criterion gives each benchmark's absolute time, but it measures one benchmark after the
//! other, and on a shared 2-vCPU machine the speed can shift by 20 % between them. So the ratio
//! is measured in pairs: each round times the bare baseline and the model back to back (in
//! alternating order), and the ratio of each round is kept; the table shows the median ratio
//! with its 95 % interval — the same order-statistic interval `poolbench run` uses. A ratio of
//! 1.2 means poolbench's model spends 20 % more per task than the library alone: what measuring
//! and verifying each task costs, plus whatever the model does differently.

use std::time::{Duration, Instant};

use poolbench_runner::{MedianCi, Summary, CI_LEVEL};

/// Rounds of a paired measurement.
pub const ROUNDS: usize = 15;
/// Each side of a round runs whole batches for at least this long.
const MIN_SIDE: Duration = Duration::from_millis(20);

/// A model measured against its bare baseline, round by round.
#[derive(Debug, Clone)]
pub struct Paired {
    pub model: String,
    pub baseline: String,
    /// Median time per unit of work (task, request) of each side, seconds.
    pub model_s: f64,
    pub bare_s: f64,
    /// Median of the per-round ratios model / bare, and its interval.
    pub ratio: f64,
    /// Whether the ratio is held to the limit: false when the baseline is no library (the
    /// sequential model against a plain loop shows the harness alone).
    pub limited: bool,
    pub ratio_ci: Option<MedianCi>,
}

/// Times `batch` (of `units` units of work) `times` times; seconds per unit.
fn per_unit(units: usize, times: usize, batch: &mut dyn FnMut()) -> f64 {
    let started = Instant::now();
    for _ in 0..times {
        batch();
    }
    started.elapsed().as_secs_f64() / (times * units.max(1)) as f64
}

/// How many batches make one side of a round last at least [`MIN_SIDE`].
fn batches_for(batch: &mut dyn FnMut()) -> usize {
    let once = per_unit(1, 1, batch);
    ((MIN_SIDE.as_secs_f64() / once.max(1e-9)).ceil() as usize).clamp(1, 10_000)
}

/// Measures `model` against `bare` (each a batch of `units` units) over [`ROUNDS`] rounds.
pub fn paired(
    model_name: &str,
    baseline_name: &str,
    units: usize,
    bare: &mut dyn FnMut(),
    model: &mut dyn FnMut(),
) -> Paired {
    let (bare_times, model_times) = (batches_for(bare), batches_for(model));
    let mut bare_s = Vec::with_capacity(ROUNDS);
    let mut model_s = Vec::with_capacity(ROUNDS);
    for round in 0..ROUNDS {
        if round % 2 == 0 {
            bare_s.push(per_unit(units, bare_times, bare));
            model_s.push(per_unit(units, model_times, model));
        } else {
            model_s.push(per_unit(units, model_times, model));
            bare_s.push(per_unit(units, bare_times, bare));
        }
    }
    let ratios: Vec<f64> = model_s.iter().zip(&bare_s).map(|(m, b)| m / b).collect();
    let median = |values: &[f64]| Summary::of(values).map_or(f64::NAN, |s| s.median);
    Paired {
        model: model_name.to_owned(),
        baseline: baseline_name.to_owned(),
        model_s: median(&model_s),
        bare_s: median(&bare_s),
        ratio: median(&ratios),
        limited: true,
        ratio_ci: MedianCi::of(&ratios, CI_LEVEL),
    }
}

/// How a table shows a time per unit.
#[derive(Debug, Clone, Copy)]
pub enum Unit {
    /// Nanoseconds per task.
    NanosPerTask,
    /// Requests per second (the inverse of the time per request).
    RequestsPerSecond,
}

impl Unit {
    fn show(self, per_unit_s: f64) -> String {
        match self {
            Unit::NanosPerTask => format!("{:.0} ns", per_unit_s * 1e9),
            Unit::RequestsPerSecond => format!("{:.0} req/s", 1.0 / per_unit_s),
        }
    }
}

/// A markdown table of each pair: both medians, and the ratio with its interval; a ratio
/// above `limit` is marked ✗.
pub fn table(title: &str, rows: &[Paired], unit: Unit, limit: f64) -> String {
    let mut out = format!(
        "{title}\n\n| model | poolbench | bare | baseline | added | model / bare | 95 % interval |\n\
         |---|---:|---:|---|---:|---:|---|\n"
    );
    for row in rows {
        let mark = match (row.limited, row.ratio > limit) {
            (false, _) => " (no limit)",
            (true, true) => " ✗",
            (true, false) => "",
        };
        let added = match unit {
            Unit::NanosPerTask => format!("{:+.0} ns", (row.model_s - row.bare_s) * 1e9),
            Unit::RequestsPerSecond => format!("{:+.1} µs", (row.model_s - row.bare_s) * 1e6),
        };
        let interval = row
            .ratio_ci
            .map_or("—".into(), |ci| format!("{:.2}–{:.2}", ci.low, ci.high));
        out += &format!(
            "| {} | {} | {} | {} | {added} | {:.2}{mark} | {interval} |\n",
            row.model,
            unit.show(row.model_s),
            unit.show(row.bare_s),
            row.baseline,
            row.ratio,
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_model_doing_twice_the_work_measures_about_twice_the_bare() {
        let spin = |n: u64| {
            let mut x = 0u64;
            for i in 0..n {
                x = std::hint::black_box(x.wrapping_add(i));
            }
            x
        };
        let row = paired(
            "m",
            "b",
            1,
            &mut || {
                spin(20_000);
            },
            &mut || {
                spin(40_000);
            },
        );
        // Behaviour, not speed: the ratio is the one of the work done, whatever the machine.
        assert!(row.ratio > 1.3 && row.ratio < 3.0, "{row:?}");
        let ci = row.ratio_ci.unwrap();
        assert!(ci.low <= row.ratio && row.ratio <= ci.high);
        let text = table("t", &[row], Unit::NanosPerTask, 1.5);
        assert!(text.contains("| m |") && text.contains(" ✗ |"), "{text}");
    }
}
