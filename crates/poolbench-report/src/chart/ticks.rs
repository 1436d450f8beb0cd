//! Where an axis is labelled, and how: every axis shows at least three numbers a reader can
//! read a point against.
//!
//! plotters labels a log axis at whole decades only, so data inside one decade (a workload whose
//! times run from 20 to 90 ms) got one label or none. Here a log axis is labelled at the
//! "round" values inside its range — 1, 2, 5 × 10ⁿ, or finer steps when those give fewer than
//! three — and a worker axis at exactly the worker counts that ran. Durations are labelled
//! each in its own unit (`20 ms`, `1 s`) with one number of decimals for the whole axis, so a
//! column of labels never mixes `100 ms` with `90.0 ms`.

use std::ops::Range;
use std::time::Duration;

use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
use plotters::coord::types::RangedCoordf64;

/// A linear axis labelled at exactly `ticks`. (plotters' `with_key_points` does this for a log
/// axis, but on a plain `f64` range it loses the label formatter, and plotters' own choice of
/// round values cannot be told in advance, so the labels' shared precision could not be.)
#[derive(Clone)]
pub struct LinearAt {
    inner: RangedCoordf64,
    ticks: Vec<f64>,
}

impl LinearAt {
    pub fn new(range: Range<f64>, ticks: Vec<f64>) -> Self {
        Self {
            inner: range.into(),
            ticks,
        }
    }
}

impl Ranged for LinearAt {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        self.inner.map(value, limit)
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        // Labelled ticks only: no light grid lines between them.
        if hint.weight().allow_light_points() {
            Vec::new()
        } else {
            self.ticks.clone()
        }
    }

    fn range(&self) -> Range<f64> {
        self.inner.range()
    }
}

/// The fewest labelled ticks an axis gets inside its range.
pub const LEAST_TICKS: usize = 3;
/// The most: more would crowd the labels together.
pub const MOST_TICKS: usize = 10;

/// Mantissas of the round values, coarsest first.
const STEPS: [&[f64]; 4] = [
    &[1.0],
    &[1.0, 2.0, 5.0],
    &[1.0, 1.5, 2.0, 3.0, 5.0, 7.0],
    &[1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0],
];

/// Tick values for a log axis over `[lo, hi]` (both positive): the coarsest round values of
/// which at least [`LEAST_TICKS`] fall inside, thinned to at most [`MOST_TICKS`]; the two ends
/// and their geometric middle when too few round values fit (a range narrower than the finest
/// steps, under ~20 % wide).
pub fn log_ticks(lo: f64, hi: f64) -> Vec<f64> {
    if !(lo.is_finite() && hi.is_finite() && lo > 0.0 && hi >= lo) {
        return Vec::new();
    }
    let inside = |mantissas: &[f64]| -> Vec<f64> {
        let first = lo.log10().floor() as i32;
        let last = hi.log10().ceil() as i32;
        (first..=last)
            .flat_map(|decade| mantissas.iter().map(move |m| m * 10f64.powi(decade)))
            .filter(|v| *v >= lo * (1.0 - 1e-9) && *v <= hi * (1.0 + 1e-9))
            .collect()
    };
    let ticks = STEPS
        .iter()
        .map(|m| inside(m))
        .find(|t| t.len() >= LEAST_TICKS)
        .unwrap_or_else(|| {
            if lo < hi {
                vec![lo, (lo * hi).sqrt(), hi]
            } else {
                vec![lo]
            }
        });
    thin(ticks)
}

/// The least room between the centres of two x-axis labels, pixels (a label is up to about
/// seven characters of 16 px text).
pub const LABEL_ROOM_PX: f64 = 72.0;

/// [`log_ticks`] for an x axis running from `axis.0` to `axis.1` over about `axis_px` pixels:
/// ticks too close for their labels to sit side by side are dropped (the data may fill only a
/// small part of the axis); if fewer than [`LEAST_TICKS`] then remain, the round values are
/// taken over the whole axis instead.
pub fn x_log_ticks(lo: f64, hi: f64, axis: (f64, f64), axis_px: f64) -> Vec<f64> {
    let gap = (axis.1 / axis.0).ln().abs() * LABEL_ROOM_PX / axis_px.max(1.0);
    let fitted = spaced(log_ticks(lo, hi), gap);
    if fitted.len() >= LEAST_TICKS {
        return fitted;
    }
    let wider = spaced(log_ticks(axis.0, axis.1), gap);
    if wider.len() > fitted.len() {
        wider
    } else {
        fitted
    }
}

/// Keeps ticks (ascending) at least `gap` apart in log space, from the smallest up.
fn spaced(ticks: Vec<f64>, gap: f64) -> Vec<f64> {
    let mut kept: Vec<f64> = Vec::with_capacity(ticks.len());
    for t in ticks {
        if kept.last().is_none_or(|last| (t / last).ln() >= gap) {
            kept.push(t);
        }
    }
    kept
}

/// Ticks at powers of two inside `[lo, hi]` (a speedup axis: ×1, ×2, ×4 …), or the round
/// values of [`log_ticks`] when fewer than [`LEAST_TICKS`] powers fit.
pub fn log2_ticks(lo: f64, hi: f64) -> Vec<f64> {
    if !(lo.is_finite() && hi.is_finite() && lo > 0.0 && hi >= lo) {
        return Vec::new();
    }
    let powers: Vec<f64> = (lo.log2().ceil() as i32..=hi.log2().floor() as i32)
        .map(|e| 2f64.powi(e))
        .collect();
    if powers.len() >= LEAST_TICKS {
        thin(powers)
    } else {
        log_ticks(lo, hi)
    }
}

/// Tick values for a linear axis over `[lo, hi]`: multiples of the coarsest round step (1, 2
/// or 5 × 10ⁿ) that puts four of them inside (three if none does), at most [`MOST_TICKS`].
pub fn linear_ticks(lo: f64, hi: f64) -> Vec<f64> {
    if !(lo.is_finite() && hi.is_finite() && hi > lo) {
        return Vec::new();
    }
    let span = hi - lo;
    // Coarsest first: the first step with enough ticks gives the fewest, most legible ones;
    // four if a step gives four, else three.
    let steps: Vec<f64> = (span.log10().floor() as i32 - 2..=span.log10().ceil() as i32)
        .rev()
        .flat_map(|e| [5.0, 2.0, 1.0].map(|m| m * 10f64.powi(e)))
        .collect();
    let multiples = |step: f64| {
        let first = (lo / step - 1e-9).ceil() as i64;
        let last = (hi / step + 1e-9).floor() as i64;
        (first..=last).map(move |i| i as f64 * step)
    };
    for least in [LEAST_TICKS + 1, LEAST_TICKS] {
        if let Some(step) = steps
            .iter()
            .find(|s| (least..=MOST_TICKS).contains(&multiples(**s).count()))
        {
            return multiples(*step).collect();
        }
    }
    vec![lo, (lo + hi) / 2.0, hi]
}

/// The ticks of a worker axis: exactly the worker counts that ran.
pub fn worker_ticks(workers: &[usize]) -> Vec<f64> {
    workers.iter().map(|w| *w as f64).collect()
}

/// Keeps every k-th tick (from the largest down) so that at most [`MOST_TICKS`] remain.
fn thin(ticks: Vec<f64>) -> Vec<f64> {
    let k = ticks.len().div_ceil(MOST_TICKS).max(1);
    let mut kept: Vec<f64> = ticks.iter().rev().step_by(k).copied().collect();
    kept.reverse();
    kept
}

/// The labels of duration ticks (seconds): each in the unit that suits it, all with the same
/// number of decimals — the fewest that write every tick exactly (to 3 significant digits).
pub fn seconds_labels(ticks: &[f64]) -> impl Fn(&f64) -> String {
    let positive = ticks.iter().filter(|t| **t > 0.0);
    let decimals = positive
        .clone()
        .map(|t| decimals_for(in_unit(*t).0))
        .max()
        .unwrap_or(0);
    // Zero is written in the unit of the smallest tick beside it: `0 ms` under `10 ms`.
    let zero_unit = positive
        .copied()
        .reduce(f64::min)
        .map_or("s", |t| in_unit(t).1);
    move |t: &f64| {
        if *t <= 0.0 {
            return format!("{:.decimals$} {zero_unit}", 0.0);
        }
        let (value, unit) = in_unit(*t);
        format!("{value:.decimals$} {unit}")
    }
}

/// The labels of plain number ticks (counts, ratios), with `suffix`, all with the same number
/// of decimals (the fewest that write every tick exactly, to 3 significant digits at most).
pub fn number_labels(ticks: &[f64], suffix: &'static str) -> impl Fn(&f64) -> String {
    let decimals = ticks.iter().map(|t| decimals_for(*t)).max().unwrap_or(0);
    move |t: &f64| format!("{t:.decimals$}{suffix}")
}

/// A duration in seconds as (value, unit), as the terminal table writes it.
fn in_unit(seconds: f64) -> (f64, &'static str) {
    poolbench_results::in_unit(Duration::from_secs_f64(seconds.clamp(0.0, 1e9)))
}

/// The fewest decimals that write `value` to within a part in a million, but no more than
/// three significant digits need (a tick between round values is written to 3 digits).
fn decimals_for(value: f64) -> usize {
    let most = match value.abs() {
        v if v >= 100.0 => 0,
        v if v >= 10.0 => 1,
        v if v >= 1.0 => 2,
        _ => 3,
    };
    (0..most)
        .find(|d| {
            let scale = 10f64.powi(*d as i32);
            ((value * scale).round() / scale - value).abs() <= value.abs() * 1e-6
        })
        .unwrap_or(most)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_close(got: &[f64], want: &[f64]) {
        assert_eq!(got.len(), want.len(), "{got:?} vs {want:?}");
        for (g, w) in got.iter().zip(want) {
            assert!((g - w).abs() <= w.abs() * 1e-9, "{got:?} vs {want:?}");
        }
    }

    #[test]
    fn a_range_inside_one_decade_still_gets_three_round_ticks() {
        // 20–90 ms: 1-2-5 gives 20 and 50 only; the finer steps give five.
        assert_close(&log_ticks(0.02, 0.09), &[0.02, 0.03, 0.05, 0.07]);
        assert_close(&log_ticks(1.0, 1000.0), &[1.0, 10.0, 100.0, 1000.0]);
    }

    #[test]
    fn every_range_gets_between_three_and_ten_ticks_inside_it() {
        for (lo, hi) in [
            (0.02, 0.09),
            (1e-9, 1e3),
            (0.5, 0.6),
            (0.0101, 0.0102),
            (1e-3, 5e-3),
            (40e-9, 900e-9),
        ] {
            let ticks = log_ticks(lo, hi);
            assert!(
                (LEAST_TICKS..=MOST_TICKS).contains(&ticks.len()),
                "{lo}..{hi}: {ticks:?}"
            );
            assert!(
                ticks
                    .iter()
                    .all(|t| *t >= lo * 0.999_999 && *t <= hi * 1.000_001),
                "{lo}..{hi}: {ticks:?}"
            );
        }
        assert!(log_ticks(0.0, 1.0).is_empty());
        assert!(log_ticks(f64::NAN, 1.0).is_empty());
    }

    #[test]
    fn linear_ticks_are_round_multiples_from_zero() {
        assert_close(&linear_ticks(0.0, 0.094), &[0.0, 0.02, 0.04, 0.06, 0.08]);
        assert_close(&linear_ticks(0.0, 1.02), &[0.0, 0.2, 0.4, 0.6, 0.8, 1.0]);
        let label = seconds_labels(&[0.0, 0.02, 0.04]);
        assert_eq!(label(&0.0), "0 ms");
        assert_eq!(label(&0.02), "20 ms");
    }

    #[test]
    fn x_ticks_leave_room_for_their_labels() {
        // 5–9 ms on an axis from 1.7 to 27 ms over 800 px: 5, 6, 7, 8, 9 would be 20–40 px
        // apart; what is kept is at least 72 px apart.
        let axis = (5e-3 / 3.0, 9e-3 * 3.0);
        let ticks = x_log_ticks(5e-3, 9e-3, axis, 800.0);
        let px = |t: f64| (t / axis.0).ln() / (axis.1 / axis.0).ln() * 800.0;
        assert!(ticks.len() >= LEAST_TICKS, "{ticks:?}");
        assert!(
            ticks
                .windows(2)
                .all(|w| px(w[1]) - px(w[0]) >= LABEL_ROOM_PX - 1e-6),
            "{ticks:?}"
        );
        // Room enough: nothing dropped.
        assert_eq!(x_log_ticks(1.0, 1000.0, (0.5, 2000.0), 800.0).len(), 4);
    }

    #[test]
    fn speedup_ticks_are_powers_of_two_when_three_fit() {
        assert_close(&log2_ticks(0.8, 9.0), &[1.0, 2.0, 4.0, 8.0]);
        assert_eq!(log2_ticks(1.1, 1.9).len(), 3);
    }

    #[test]
    fn duration_labels_share_one_precision_and_carry_units() {
        let ticks = [0.02, 0.03, 0.05, 0.07];
        let label = seconds_labels(&ticks);
        let labels: Vec<String> = ticks.iter().map(label).collect();
        assert_eq!(labels, ["20 ms", "30 ms", "50 ms", "70 ms"]);
        let ticks = [0.001, 0.0015, 0.002];
        let label = seconds_labels(&ticks);
        assert_eq!(label(&0.001), "1.0 ms");
        assert_eq!(label(&0.0015), "1.5 ms");
        let ticks = [0.5, 1.0, 2.0];
        let label = seconds_labels(&ticks);
        assert_eq!(
            ticks.map(|t| label(&t)),
            ["500 ms".to_owned(), "1 s".to_owned(), "2 s".to_owned()]
        );
        let label = number_labels(&[0.5, 1.0, 2.0], "×");
        assert_eq!(label(&0.5), "0.5×");
        assert_eq!(label(&2.0), "2.0×");
    }
}
