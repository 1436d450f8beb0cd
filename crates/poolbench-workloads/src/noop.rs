//! `noop`: tasks that do nothing, so the measured time is the model's own overhead.
//!
//! Each task returns its index mixed into a checksum and nothing else; the batch time divided
//! by N is what the model spends per task on dispatch, wake-ups and result delivery.

use std::sync::Arc;
use std::time::Duration;

use poolbench_core::{
    mix, IdealInput, TaskOutput, TaskResult, WorkKind, Workload, WorkloadError, WorkloadSpec,
};
use serde::{Deserialize, Serialize};

use crate::{defaults_of, params_only, BuildContext, WorkloadInfo};

pub(crate) const INFO: WorkloadInfo = WorkloadInfo {
    name: "noop",
    kind: WorkKind::Cpu,
    role: poolbench_core::WorkloadRole::OverheadProbe,
    needs_server: false,
    only_in: None,
    origin: crate::WorkloadOrigin::BuiltIn,
    summary: "tasks that do nothing: the model's per-task overhead",
    default_tasks: 10_000,
    default_params: &defaults_of::<NoopParams>,
    check: &params_only::<NoopParams>,
    build: &build,
};

/// `noop` has no parameters.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct NoopParams {}

#[derive(Debug)]
struct Noop {
    spec: WorkloadSpec,
}

fn build(spec: &WorkloadSpec, _: &BuildContext) -> Result<Arc<dyn Workload>, WorkloadError> {
    let params: NoopParams = spec.parse_params()?;
    Ok(Arc::new(Noop {
        spec: spec.normalised(&params),
    }))
}

impl Workload for Noop {
    fn spec(&self) -> &WorkloadSpec {
        &self.spec
    }

    fn kind(&self) -> WorkKind {
        WorkKind::Cpu
    }

    fn run_blocking(&self, index: usize) -> TaskResult {
        Ok(TaskOutput {
            checksum: mix(index, 0),
        })
    }

    fn foreign_form(&self) -> Option<serde_json::Value> {
        Some(serde_json::json!({}))
    }

    /// Zero work has no ideal time: efficiency is meaningless here, overhead is the figure.
    fn ideal(&self, _: IdealInput) -> Option<Duration> {
        None
    }
}
