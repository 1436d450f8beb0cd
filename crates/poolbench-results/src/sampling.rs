//! How long a sample lasts and how many of them a cell gets.
//!
//! Two lessons from criterion and hyperfine, and from Kalibera & Jones's "Rigorous benchmarking
//! in reasonable time":
//!
//! - **A sample must be long enough to average out the scheduler.** A 2 ms batch on a shared
//!   2-vCPU machine is at the mercy of one preemption; a 25 ms sample of several batches is not.
//!   poolbench does not change the batch (its N tasks are the experiment); it times *several
//!   whole batches per sample*, as many as the warm-up showed are needed to reach
//!   [`Sampling::min_sample_s`], and records that number (`batches_per_sample`). A sample's
//!   time is the mean time per batch over those batches, so figures stay "time per batch".
//! - **The number of samples follows the noise, within a time budget.** Every cell gets at
//!   least `repeat` samples. Rounds then go on, for the cells whose interval is still wider than
//!   [`Sampling::target_half_width`] of their median, until [`Sampling::max_samples`] or until
//!   the workload's [`Sampling::measure_s`] is spent — criterion's "measurement time".
//!
//! The rounds themselves (every cell of a workload, in a fresh shuffled order each round) are
//! in `run.rs`.

use serde::{Deserialize, Serialize};

use crate::stats::{MedianCi, Summary, CI_LEVEL};

/// The sampling policy of a run (also recorded in `results.json`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Sampling {
    /// A sample times as many whole batches as it takes to last at least this long (seconds).
    pub min_sample_s: f64,
    /// No cell gets more samples than this.
    pub max_samples: usize,
    /// A cell whose interval's half-width is within this share of its median (0.02 = ±2 %)
    /// needs no more samples.
    pub target_half_width: f64,
    /// Once every cell of a workload has its minimum samples, no new round starts after this
    /// many seconds of that workload's rounds.
    pub measure_s: f64,
}

impl Default for Sampling {
    fn default() -> Self {
        Self {
            min_sample_s: 0.02,
            max_samples: 30,
            target_half_width: 0.02,
            measure_s: 5.0,
        }
    }
}

impl Sampling {
    /// How many batches one sample takes, given how long one batch took in the warm-up: at
    /// least one, enough to reach `min_sample_s`, at most 10,000.
    pub fn batches_per_sample(&self, batch_s: f64) -> usize {
        if batch_s.is_nan() || batch_s <= 0.0 || batch_s.is_infinite() {
            return 1;
        }
        let needed = (self.min_sample_s / batch_s).ceil();
        needed.clamp(1.0, 10_000.0) as usize
    }

    /// Whether a cell that has had `attempts` tries (failed ones included) and has the clean
    /// `samples` should take another: it has had fewer than `min` tries, or its interval is
    /// still wider than the target and it has had fewer than the most samples allowed.
    pub fn wants_more(&self, attempts: usize, samples: &[f64], min: usize) -> bool {
        if attempts < min {
            return true;
        }
        if samples.len() < 2 || attempts >= self.max_samples {
            return false;
        }
        let median = Summary::of(samples).map_or(0.0, |s| s.median);
        MedianCi::of(samples, CI_LEVEL)
            .is_some_and(|ci| ci.relative_half_width(median) > self.target_half_width)
    }

    /// Checks values a user gave; `Err` names the bad one.
    pub fn check(&self) -> Result<(), String> {
        if !(0.0..=60.0).contains(&self.min_sample_s) {
            return Err(format!(
                "the minimum sample time must be between 0 and 60 s (got {} s)",
                self.min_sample_s
            ));
        }
        if self.max_samples == 0 || self.max_samples > 100_000 {
            return Err(format!(
                "the most samples per cell must be between 1 and 100000 (got {})",
                self.max_samples
            ));
        }
        if self.target_half_width.is_nan()
            || self.target_half_width <= 0.0
            || self.target_half_width >= 1.0
        {
            return Err(format!(
                "the target precision must be between 0 and 100 % (got {} %)",
                self.target_half_width * 100.0
            ));
        }
        if !(0.0..=86_400.0).contains(&self.measure_s) {
            return Err(format!(
                "the measurement time must be between 0 and 86400 s (got {} s)",
                self.measure_s
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_are_long_enough() {
        let s = Sampling {
            min_sample_s: 0.02,
            ..Sampling::default()
        };
        assert_eq!(s.batches_per_sample(0.009), 3);
        assert_eq!(s.batches_per_sample(0.02), 1);
        assert_eq!(s.batches_per_sample(0.5), 1);
        assert_eq!(s.batches_per_sample(0.0), 1);
        assert_eq!(s.batches_per_sample(f64::NAN), 1);
        assert_eq!(s.batches_per_sample(1e-12), 10_000);
    }

    #[test]
    fn more_samples_only_while_the_interval_is_wide() {
        let s = Sampling {
            max_samples: 8,
            target_half_width: 0.02,
            ..Sampling::default()
        };
        let tight = [1.0, 1.001, 0.999, 1.0, 1.002, 0.998];
        let wide = [1.0, 1.3, 0.8, 1.0, 1.2, 0.9];
        // Below the minimum, always; at it, only a wide interval asks for more.
        assert!(s.wants_more(3, &tight[..3], 6));
        assert!(!s.wants_more(6, &tight, 6));
        assert!(s.wants_more(6, &wide, 6));
        // Never past the most samples, and never on fewer than two clean samples.
        assert!(!s.wants_more(8, &wide, 6));
        assert!(!s.wants_more(6, &[1.0], 6));
        // Failed tries count: six tries with only three clean samples still reach the minimum.
        assert!(!s.wants_more(6, &tight[..3], 6));
    }

    #[test]
    fn bad_values_are_named() {
        assert!(Sampling::default().check().is_ok());
        let bad = Sampling {
            max_samples: 0,
            ..Sampling::default()
        };
        assert!(bad.check().unwrap_err().contains("most samples"));
        let bad = Sampling {
            target_half_width: f64::NAN,
            ..Sampling::default()
        };
        assert!(bad.check().unwrap_err().contains("precision"));
    }
}
