//! `sum` (seed S7): each task computes Σ 0..n, the Rust twin of Python's `sum(range(n))`.
//!
//! Compute-bound and embarrassingly parallel: N tasks need ⌈N / min(W, C)⌉ rounds. The catch
//! is the optimiser: LLVM turns `(0..n).sum()` into n(n-1)/2 — a multiply, no loop — even when
//! n is hidden behind `black_box`. Passing every *addend* through `std::hint::black_box`
//! keeps one real addition per iteration (checked in the disassembly: see docs/trust.md's notes
//! on honest numbers). Each task verifies its sum against the closed form, so a loop that did
//! not run, or ran wrong, is a failed task rather than a fast one.
//!
//! With `uneven` = R > 1 the tasks differ in length: task i sums `n × R^u_i` integers, u_i a
//! fixed pseudo-random number in [-1, 1] drawn from i (log-uniform between n / R and n × R,
//! the same on every run and in both languages). That is the load a timeline needs to show
//! work stealing against a FIFO queue: a scheduler that hands out work in fixed shares leaves
//! workers idle behind a long task; one that balances as it goes does not.

use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;

use poolbench_core::{
    cpu_bound_ideal, mix, IdealInput, TaskError, TaskOutput, TaskResult, WorkKind, Workload,
    WorkloadError, WorkloadSpec,
};
use serde::{Deserialize, Serialize};

use crate::{defaults_of, slowdown, BuildContext, Footprint, WorkloadInfo};

pub(crate) const INFO: WorkloadInfo = WorkloadInfo {
    name: "sum",
    kind: WorkKind::Cpu,
    role: poolbench_core::WorkloadRole::Measured,
    needs_server: false,
    only_in: None,
    origin: crate::WorkloadOrigin::BuiltIn,
    summary: "each task sums 0..n in a loop the optimiser cannot fold, verified (S7); uneven=R spreads the tasks over n/R..n*R",
    default_tasks: 32,
    default_params: &defaults_of::<SumParams>,
    check: &check,
    build: &build,
};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct SumParams {
    /// Each task sums the integers 0..n.
    n: u64,
    /// A testing aid (see [`crate::slowdown`]): each task sums `n × (1 + slowdown)` integers.
    #[serde(skip_serializing_if = "slowdown::is_zero")]
    slowdown: f64,
    /// Spread of the tasks' lengths, 1 to 100: each sums n × R^u integers, u in [-1, 1]
    /// drawn from the task's index (1: every task sums n).
    #[serde(skip_serializing_if = "is_even")]
    uneven: f64,
}

fn is_even(uneven: &f64) -> bool {
    *uneven == 1.0
}

impl Default for SumParams {
    fn default() -> Self {
        Self {
            n: 1_000_000,
            slowdown: 0.0,
            uneven: 1.0,
        }
    }
}

#[derive(Debug)]
struct Sum {
    spec: WorkloadSpec,
    n: u64,
    uneven: f64,
}

/// The parameters, parsed and checked.
fn parse(spec: &WorkloadSpec) -> Result<SumParams, WorkloadError> {
    let params: SumParams = spec.parse_params()?;
    slowdown::check(INFO.name, params.slowdown)?;
    if !(1.0..=100.0).contains(&params.uneven) {
        return Err(WorkloadError::BadParams {
            workload: INFO.name.to_owned(),
            message: format!("uneven must be between 1 and 100 (got {})", params.uneven),
        });
    }
    Ok(params)
}

fn check(spec: &WorkloadSpec) -> Result<Footprint, WorkloadError> {
    parse(spec).map(|_| Footprint::default())
}

fn build(spec: &WorkloadSpec, _: &BuildContext) -> Result<Arc<dyn Workload>, WorkloadError> {
    let params = parse(spec)?;
    Ok(Arc::new(Sum {
        spec: spec.normalised(&params),
        n: slowed(params.n, params.slowdown),
        uneven: params.uneven,
    }))
}

/// `n × (1 + slowdown)`, rounded to the nearest integer.
fn slowed(n: u64, slowdown: f64) -> u64 {
    (n as f64 * (1.0 + slowdown)).round() as u64
}

/// Σ 0..n with one real addition per iteration: `black_box` on each addend stops LLVM from
/// replacing the loop with its closed form.
#[inline(never)]
pub fn sum_below(n: u64) -> u64 {
    let mut total = 0u64;
    for k in 0..n {
        total = total.wrapping_add(black_box(k));
    }
    total
}

/// n(n-1)/2 modulo 2^64: what [`sum_below`] must return.
pub fn expected_sum_below(n: u64) -> u64 {
    let n = u128::from(n);
    (n * n.saturating_sub(1) / 2) as u64
}

impl Sum {
    /// How many integers task `index` sums.
    fn n_of(&self, index: usize) -> u64 {
        if self.uneven == 1.0 {
            return self.n;
        }
        let u = (mix(index, 0x0e7e) >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0;
        (self.n as f64 * self.uneven.powf(u)).round() as u64
    }
}

impl Workload for Sum {
    fn spec(&self) -> &WorkloadSpec {
        &self.spec
    }

    fn kind(&self) -> WorkKind {
        WorkKind::Cpu
    }

    fn run_blocking(&self, index: usize) -> TaskResult {
        let n = self.n_of(index);
        let total = sum_below(n);
        let expected = expected_sum_below(n);
        if total != expected {
            return Err(TaskError::failed(format!(
                "sum of 0..{n} gave {total}, expected {expected}"
            )));
        }
        Ok(TaskOutput {
            checksum: mix(index, total),
        })
    }

    /// Python sums with the article's own `sum(range(n))` and checks it against `expected`.
    fn foreign_form(&self) -> Option<serde_json::Value> {
        if self.uneven == 1.0 {
            return Some(
                serde_json::json!({ "n": self.n, "expected": expected_sum_below(self.n) }),
            );
        }
        let ns: Vec<u64> = (0..self.tasks()).map(|i| self.n_of(i)).collect();
        let expected: Vec<u64> = ns.iter().map(|&n| expected_sum_below(n)).collect();
        Some(serde_json::json!({ "ns": ns, "expected": expected }))
    }

    /// ⌈N / min(W, C)⌉ rounds of the serial time's share; none for uneven tasks (their
    /// rounds are not equal).
    fn ideal(&self, input: IdealInput) -> Option<Duration> {
        if self.uneven != 1.0 {
            return None;
        }
        Some(cpu_bound_ideal(
            self.tasks(),
            input.workers,
            input.cores,
            input.serial?,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loop_matches_closed_form() {
        for n in [0, 1, 2, 10, 12_345] {
            assert_eq!(sum_below(n), expected_sum_below(n), "n = {n}");
        }
        assert_eq!(expected_sum_below(1_000_000), 499_999_500_000);
    }

    #[test]
    fn slowdown_adds_that_share_of_work_and_stays_verified() {
        assert_eq!(slowed(1_000_000, 0.0), 1_000_000);
        assert_eq!(slowed(1_000_000, 0.1), 1_100_000);
        assert_eq!(slowed(1_000_000, 0.25), 1_250_000);
        let spec = WorkloadSpec::new("sum", 2).with("slowdown", 0.1);
        let workload = build(&spec, &BuildContext::default()).unwrap();
        assert!(workload.run_blocking(0).is_ok());
        assert_eq!(workload.spec().params["slowdown"], 0.1);
        let plain = build(&WorkloadSpec::new("sum", 2), &BuildContext::default()).unwrap();
        assert!(!plain.spec().params.contains_key("slowdown"));
        for bad in [-0.1, 10.5, f64::NAN] {
            let spec = WorkloadSpec::new("sum", 2).with("slowdown", bad);
            assert!(build(&spec, &BuildContext::default()).is_err(), "{bad}");
        }
    }

    #[test]
    fn uneven_tasks_span_n_over_r_to_n_times_r_the_same_every_time() {
        let spec = WorkloadSpec::new("sum", 64)
            .with("n", 10_000)
            .with("uneven", 10.0);
        let a = build(&spec, &BuildContext::default()).unwrap();
        let b = build(&spec, &BuildContext::default()).unwrap();
        for i in 0..64 {
            assert_eq!(a.run_blocking(i), b.run_blocking(i));
        }
        let form = a.foreign_form().unwrap();
        let ns: Vec<u64> = serde_json::from_value(form["ns"].clone()).unwrap();
        assert!(ns.iter().all(|&n| (1_000..=100_000).contains(&n)), "{ns:?}");
        let (lo, hi) = (ns.iter().min().unwrap(), ns.iter().max().unwrap());
        assert!(hi / lo >= 20, "a real spread: {lo}..{hi}");
        assert!(a
            .ideal(IdealInput {
                workers: 2,
                cores: 2,
                serial: Some(Duration::from_secs(1))
            })
            .is_none());
        for bad in [0.5, 101.0, f64::NAN] {
            let spec = WorkloadSpec::new("sum", 2).with("uneven", bad);
            assert!(build(&spec, &BuildContext::default()).is_err(), "{bad}");
        }
        let plain = build(&WorkloadSpec::new("sum", 2), &BuildContext::default()).unwrap();
        assert!(!plain.spec().params.contains_key("uneven"));
    }
}
