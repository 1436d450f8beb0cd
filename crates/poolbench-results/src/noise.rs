//! The machine's noise around a run, as `results.json` records it: each core's speed before
//! the run, the hypervisor's steal time during it, and the sequential cells' spread — and the
//! one-line warnings they turn into. The runner's `probe` measures them.

use serde::{Deserialize, Serialize};

use crate::CellResult;

/// Cores whose speeds differ by more than this ratio (slowest / fastest) get a warning.
pub const UNEQUAL_CORES_RATIO: f64 = 1.15;
/// A run with more than this share of its CPU time stolen gets a warning.
pub const STEAL_WARNING: f64 = 0.02;
/// A sequential CPU-bound cell whose interval is wider than this (± share of its median)
/// gets a warning: the same single-threaded code varied that much from sample to sample.
pub const SEQUENTIAL_SPREAD_WARNING: f64 = 0.05;

/// One core's speed on the probe loop.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CoreSpeed {
    /// The CPU number (as in `taskset -c`).
    pub cpu: usize,
    /// Median nanoseconds per summation step on this core.
    pub ns_per_step: f64,
}

/// What the machine looked like around a run.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct NoiseReport {
    /// The probe loop on each core this process may use, before the run.
    pub core_speeds: Vec<CoreSpeed>,
    /// Slowest core's time / fastest core's time (1.0 = equal cores).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub core_speed_ratio: Option<f64>,
    /// Share of the machine's CPU time stolen by the hypervisor over the whole run
    /// (`/proc/stat`); absent where the kernel does not report it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub steal_fraction: Option<f64>,
    /// The CPU-bound workload whose sequential cell had the widest interval of its median:
    /// one thread running the same code every sample, so its spread is the machine's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequential_spread: Option<SequentialSpread>,
}

/// How much the sequential oracle of one CPU-bound workload varied.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SequentialSpread {
    pub workload: String,
    /// Half-width of the 95 % interval of its median, as a share of the median.
    pub half_width: f64,
}

impl SequentialSpread {
    /// The widest-spread sequential CPU-bound cell of `cells`, if any has an interval.
    pub fn worst(cells: &[CellResult]) -> Option<Self> {
        cells
            .iter()
            .filter(|c| c.kind == poolbench_core::WorkKind::Cpu && c.model == "sequential")
            .filter_map(|c| {
                let [low, high] = c.time.median_ci_s?;
                let median = c.time.median_s.filter(|m| *m > 0.0)?;
                Some(Self {
                    workload: c.workload.clone(),
                    half_width: (high - low) / 2.0 / median,
                })
            })
            .max_by(|a, b| a.half_width.total_cmp(&b.half_width))
    }
}

impl NoiseReport {
    /// One sentence per problem found, naming the figure and what it does to the results.
    pub fn warnings(&self) -> Vec<String> {
        let mut warnings = Vec::new();
        if let Some(ratio) = self.core_speed_ratio.filter(|r| *r > UNEQUAL_CORES_RATIO) {
            let slow = self
                .core_speeds
                .iter()
                .max_by(|a, b| a.ns_per_step.total_cmp(&b.ns_per_step));
            let fast = self
                .core_speeds
                .iter()
                .min_by(|a, b| a.ns_per_step.total_cmp(&b.ns_per_step));
            if let (Some(slow), Some(fast)) = (slow, fast) {
                warnings.push(format!(
                    "unequal cores: CPU {} ran the probe loop {ratio:.2}x slower than CPU {} \
                     ({:.3} vs {:.3} ns/step); CPU-bound figures depend on which core a thread \
                     lands on, so compare them with care",
                    slow.cpu, fast.cpu, slow.ns_per_step, fast.ns_per_step
                ));
            }
        }
        if let Some(spread) = self
            .sequential_spread
            .as_ref()
            .filter(|s| s.half_width > SEQUENTIAL_SPREAD_WARNING)
        {
            warnings.push(format!(
                "noisy machine: the sequential {} cell, one thread running the same code every \
                 sample, has a 95 % interval of ±{:.0} % of its median; CPU-bound differences \
                 smaller than that are the machine, not the models",
                spread.workload,
                spread.half_width * 100.0
            ));
        }
        if let Some(steal) = self.steal_fraction.filter(|s| *s > STEAL_WARNING) {
            warnings.push(format!(
                "noisy machine: the hypervisor stole {:.1} % of the CPU time during the run; \
                 timings include waits for a real core",
                steal * 100.0
            ));
        }
        warnings
    }
}
