//! `sleep` (seed S6): each task waits `delay_ms` without using the CPU.
//!
//! The purest I/O-bound work: a perfect scheduler with W workers finishes N tasks in
//! ⌈N/W⌉·d whatever the core count. The blocking form is `std::thread::sleep` (the thread is
//! parked: a thread per waiting task); the async form is `tokio::time::sleep` (the task yields:
//! thousands of waits on a few threads). That difference is what this workload shows.
//! tokio's timer has a 1 ms granularity, so keep `delay_ms` at several milliseconds.
//!
//! With `jitter` = j > 0 task i waits `delay_ms × (1 + j·u_i)`, u_i a fixed pseudo-random
//! number in [-1, 1] drawn from i: unequal tasks finish out of order, which is what seed S3's
//! `imap_unordered` is about.

use std::sync::Arc;
use std::time::Duration;

use poolbench_core::{
    io_bound_ideal, mix, BoxFuture, IdealInput, TaskOutput, TaskResult, WorkKind, Workload,
    WorkloadError, WorkloadSpec,
};
use serde::{Deserialize, Serialize};

use crate::{defaults_of, slowdown, BuildContext, Footprint, WorkloadInfo};

pub(crate) const INFO: WorkloadInfo = WorkloadInfo {
    name: "sleep",
    kind: WorkKind::Io,
    role: poolbench_core::WorkloadRole::Measured,
    needs_server: false,
    only_in: None,
    origin: crate::WorkloadOrigin::BuiltIn,
    summary: "each task sleeps delay_ms (± jitter): blocking std::thread::sleep or async tokio sleep (S3, S6)",
    default_tasks: 16,
    default_params: &defaults_of::<SleepParams>,
    check: &|spec| parsed(spec).map(|_| Footprint::default()),
    build: &build,
};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct SleepParams {
    /// How long each task waits, in milliseconds.
    delay_ms: f64,
    /// A testing aid (see [`crate::slowdown`]): each task waits `delay_ms × (1 + slowdown)`.
    #[serde(skip_serializing_if = "slowdown::is_zero")]
    slowdown: f64,
    /// Spread of the tasks' delays, 0 to 1 (each waits delay_ms × (1 ± jitter)).
    #[serde(skip_serializing_if = "slowdown::is_zero")]
    jitter: f64,
}

impl Default for SleepParams {
    fn default() -> Self {
        Self {
            delay_ms: 10.0,
            slowdown: 0.0,
            jitter: 0.0,
        }
    }
}

#[derive(Debug)]
struct Sleep {
    spec: WorkloadSpec,
    delay: Duration,
    jitter: f64,
}

fn build(spec: &WorkloadSpec, _: &BuildContext) -> Result<Arc<dyn Workload>, WorkloadError> {
    let (params, delay) = parsed(spec)?;
    Ok(Arc::new(Sleep {
        spec: spec.normalised(&params),
        delay,
        jitter: params.jitter,
    }))
}

/// The parameters, checked, and the delay they ask for.
fn parsed(spec: &WorkloadSpec) -> Result<(SleepParams, Duration), WorkloadError> {
    let params: SleepParams = spec.parse_params()?;
    slowdown::check(INFO.name, params.slowdown)?;
    let ms = params.delay_ms * (1.0 + params.slowdown);
    let delay = Duration::try_from_secs_f64(ms / 1e3).map_err(|_| WorkloadError::BadParams {
        workload: spec.name.clone(),
        message: format!(
            "delay_ms must be a non-negative number (got {})",
            params.delay_ms
        ),
    })?;
    if !(0.0..=1.0).contains(&params.jitter) {
        return Err(WorkloadError::BadParams {
            workload: spec.name.clone(),
            message: format!("jitter must be between 0 and 1 (got {})", params.jitter),
        });
    }
    Ok((params, delay))
}

impl Sleep {
    /// How long task `index` waits.
    fn delay_of(&self, index: usize) -> Duration {
        if self.jitter == 0.0 {
            return self.delay;
        }
        let u = (mix(index, 0x5eed) >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0;
        self.delay.mul_f64(1.0 + self.jitter * u)
    }

    fn output(&self, index: usize) -> TaskResult {
        Ok(TaskOutput {
            checksum: mix(index, self.delay_of(index).as_nanos() as u64),
        })
    }
}

impl Workload for Sleep {
    fn spec(&self) -> &WorkloadSpec {
        &self.spec
    }

    fn kind(&self) -> WorkKind {
        WorkKind::Io
    }

    fn run_blocking(&self, index: usize) -> TaskResult {
        std::thread::sleep(self.delay_of(index));
        self.output(index)
    }

    fn has_async_form(&self) -> bool {
        true
    }

    fn run_async(&self, index: usize) -> Option<BoxFuture<'_, TaskResult>> {
        Some(Box::pin(async move {
            tokio::time::sleep(self.delay_of(index)).await;
            self.output(index)
        }))
    }

    fn foreign_form(&self) -> Option<serde_json::Value> {
        let delays: Vec<u64> = (0..self.tasks())
            .map(|i| self.delay_of(i).as_nanos() as u64)
            .collect();
        Some(serde_json::json!({ "delay_ns": delays }))
    }

    /// ⌈N/W⌉ delays; none with jitter (unequal tasks have no simple ideal).
    fn ideal(&self, input: IdealInput) -> Option<Duration> {
        (self.jitter == 0.0).then(|| io_bound_ideal(self.tasks(), input.workers, self.delay))
    }
}
