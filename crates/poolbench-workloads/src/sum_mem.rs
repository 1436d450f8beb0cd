//! `sum-mem`: each task sums its own slice of one large shared array of `u64`.
//!
//! The memory-bound twin of `sum`. The additions are trivial (the compiler vectorises them);
//! what limits speed is how fast memory delivers 8 bytes per element, and memory bandwidth is
//! shared by all cores. So adding workers helps far less than for `sum`: the gap between the
//! two is the difference between "compute-bound" and "bandwidth-bound". The array is filled
//! once when the workload is built (element j holds j), outside any timed region, and each
//! task checks its slice's sum against the closed form.

use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;

use poolbench_core::{
    cpu_bound_ideal, mix, IdealInput, TaskError, TaskOutput, TaskResult, WorkKind, Workload,
    WorkloadError, WorkloadSpec,
};
use serde::{Deserialize, Serialize};

use crate::{defaults_of, BuildContext, Footprint, WorkloadInfo};

pub(crate) const INFO: WorkloadInfo = WorkloadInfo {
    name: "sum-mem",
    kind: WorkKind::Cpu,
    role: poolbench_core::WorkloadRole::Measured,
    needs_server: false,
    only_in: None,
    origin: crate::WorkloadOrigin::BuiltIn,
    summary: "each task sums its slice of a shared in-memory u64 array (bandwidth-bound)",
    default_tasks: 8,
    default_params: &defaults_of::<SumMemParams>,
    check: &|spec| {
        let (_, len) = parsed(spec)?;
        Ok(Footprint {
            inputs_bytes: (len as u64).saturating_mul(8),
            task_bytes: 0,
        })
    },
    build: &build,
};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct SumMemParams {
    /// Elements (u64, 8 bytes each) in each task's slice.
    elements_per_task: usize,
}

impl Default for SumMemParams {
    fn default() -> Self {
        // 32 MiB per task: far larger than any cache.
        Self {
            elements_per_task: 4 << 20,
        }
    }
}

#[derive(Debug)]
struct SumMem {
    spec: WorkloadSpec,
    per_task: usize,
    data: Vec<u64>,
}

fn build(spec: &WorkloadSpec, _: &BuildContext) -> Result<Arc<dyn Workload>, WorkloadError> {
    let (params, len) = parsed(spec)?;
    let data = (0..len as u64).collect();
    Ok(Arc::new(SumMem {
        spec: spec.normalised(&params),
        per_task: params.elements_per_task,
        data,
    }))
}

/// The parameters, checked, and the array's length.
fn parsed(spec: &WorkloadSpec) -> Result<(SumMemParams, usize), WorkloadError> {
    let params: SumMemParams = spec.parse_params()?;
    let len = params
        .elements_per_task
        .checked_mul(spec.tasks)
        .ok_or_else(|| WorkloadError::BadParams {
            workload: spec.name.clone(),
            message: "tasks x elements_per_task overflows".into(),
        })?;
    Ok((params, len))
}

impl Workload for SumMem {
    fn spec(&self) -> &WorkloadSpec {
        &self.spec
    }

    fn kind(&self) -> WorkKind {
        WorkKind::Cpu
    }

    fn run_blocking(&self, index: usize) -> TaskResult {
        let start = index * self.per_task;
        let slice = black_box(&self.data[start..start + self.per_task]);
        let total = slice.iter().fold(0u64, |acc, &x| acc.wrapping_add(x));
        // Σ j for j in start..end, modulo 2^64.
        let (a, b) = (start as u128, (start + self.per_task) as u128);
        let expected = ((a + b).saturating_sub(1) * (b - a) / 2) as u64;
        if total != expected {
            return Err(TaskError::failed(format!(
                "slice {index} summed to {total}, expected {expected}"
            )));
        }
        Ok(TaskOutput {
            checksum: mix(index, total),
        })
    }

    fn ideal(&self, input: IdealInput) -> Option<Duration> {
        Some(cpu_bound_ideal(
            self.tasks(),
            input.workers,
            input.cores,
            input.serial?,
        ))
    }
}
