//! `fault`: a testing aid whose tasks misbehave on purpose at chosen indices.
//!
//! Every other task returns its index's checksum, after sleeping `sleep_ms` (async form when
//! `sleep_ms` > 0). Task i can instead panic, abort the process, exit it, raise SIGSEGV, send
//! itself SIGKILL, or hang for an hour. Panics are survivable under every model; abort, exit,
//! segfault and kill take down the whole process under thread models, so they are for the
//! process-pool models, which must report the task as failed, replace the worker and finish the
//! batch. A hang is ended by the task timeout: a process model replaces the worker, a thread
//! model's run stops. `faults_in = "workers"` keeps the faults to process-pool workers, so the
//! sequential oracle runs cleanly and a process model's handling is seen alone. `descending`
//! makes task i sleep `sleep_ms` × (N − i), so later tasks finish first (for unordered results).

use std::sync::Arc;
use std::time::Duration;

use poolbench_core::{
    mix, BoxFuture, IdealInput, TaskOutput, TaskResult, WorkKind, Workload, WorkloadError,
    WorkloadSpec,
};
use serde::{Deserialize, Serialize};

use crate::{defaults_of, BuildContext, Footprint, WorkloadInfo};

pub(crate) const INFO: WorkloadInfo = WorkloadInfo {
    name: "fault",
    kind: WorkKind::Cpu,
    role: poolbench_core::WorkloadRole::TestingAid,
    needs_server: false,
    only_in: None,
    origin: crate::WorkloadOrigin::BuiltIn,
    summary:
        "testing aid: tasks that panic, abort, exit, segfault, get killed or hang at chosen indices",
    default_tasks: 8,
    default_params: &defaults_of::<FaultParams>,
    check: &|spec| parsed(spec).map(|_| Footprint::default()),
    build: &build,
};

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct FaultParams {
    /// Every task sleeps this long (ms) before doing anything else; > 0 makes it an I/O task.
    sleep_ms: f64,
    /// Task i sleeps sleep_ms x (N - i) instead, so later tasks finish first.
    descending: bool,
    panic_at: Vec<usize>,
    abort_at: Vec<usize>,
    exit_at: Vec<usize>,
    segfault_at: Vec<usize>,
    /// The task sends itself SIGKILL.
    kill_at: Vec<usize>,
    hang_at: Vec<usize>,
    /// Where the faults happen: `everywhere`; only in `workers` (process-pool worker
    /// processes); or only in the `async` form (tokio's async tasks), where a hang is an
    /// await that never completes. Either of the last two lets the sequential oracle run
    /// cleanly, so one model's handling is seen on its own.
    faults_in: FaultsIn,
}

/// Which processes misbehave.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
enum FaultsIn {
    #[default]
    Everywhere,
    Workers,
    Async,
}

/// How long a hung task hangs.
const HANG: Duration = Duration::from_secs(3600);

#[derive(Debug)]
struct Fault {
    spec: WorkloadSpec,
    params: FaultParams,
}

fn build(spec: &WorkloadSpec, _: &BuildContext) -> Result<Arc<dyn Workload>, WorkloadError> {
    let params = parsed(spec)?;
    Ok(Arc::new(Fault {
        spec: spec.normalised(&params),
        params,
    }))
}

/// The parameters, checked.
fn parsed(spec: &WorkloadSpec) -> Result<FaultParams, WorkloadError> {
    let params: FaultParams = spec.parse_params()?;
    if !(params.sleep_ms >= 0.0 && params.sleep_ms.is_finite()) {
        return Err(WorkloadError::BadParams {
            workload: spec.name.clone(),
            message: format!(
                "sleep_ms must be a non-negative number (got {})",
                params.sleep_ms
            ),
        });
    }
    Ok(params)
}

impl Fault {
    fn delay(&self, index: usize) -> Duration {
        let factor = if self.params.descending {
            (self.tasks() - index) as f64
        } else {
            1.0
        };
        Duration::from_secs_f64(self.params.sleep_ms * factor / 1e3)
    }

    /// Whether faults happen here: in this process, in this form (`in_async`) of a task.
    fn faults_here(&self, in_async: bool) -> bool {
        match self.params.faults_in {
            FaultsIn::Everywhere => true,
            FaultsIn::Workers => poolbench_core::is_worker_process(),
            FaultsIn::Async => in_async,
        }
    }

    /// Misbehaves if task `index` is marked (and faults happen here), else returns its output.
    fn finish(&self, index: usize, in_async: bool) -> TaskResult {
        let p = &self.params;
        if !self.faults_here(in_async) {
            return Ok(TaskOutput {
                checksum: mix(index, index as u64),
            });
        }
        if p.panic_at.contains(&index) {
            panic!("fault: task {index} panics on purpose");
        }
        if p.abort_at.contains(&index) {
            std::process::abort();
        }
        if p.exit_at.contains(&index) {
            std::process::exit(3);
        }
        if p.segfault_at.contains(&index) {
            // std's stack-overflow handler would swallow a raised (not faulted) SIGSEGV, so
            // restore the default action first: the process then dies as from a segfault.
            // SAFETY: changing a signal's disposition and raising it have no memory-safety
            // preconditions.
            unsafe {
                libc::signal(libc::SIGSEGV, libc::SIG_DFL);
                libc::raise(libc::SIGSEGV);
            }
        }
        if p.kill_at.contains(&index) {
            // SAFETY: raising a signal has no memory-safety preconditions.
            unsafe { libc::raise(libc::SIGKILL) };
        }
        if p.hang_at.contains(&index) {
            std::thread::sleep(HANG);
        }
        Ok(TaskOutput {
            checksum: mix(index, index as u64),
        })
    }
}

impl Workload for Fault {
    fn spec(&self) -> &WorkloadSpec {
        &self.spec
    }

    fn kind(&self) -> WorkKind {
        if self.params.sleep_ms > 0.0 {
            WorkKind::Io
        } else {
            WorkKind::Cpu
        }
    }

    fn run_blocking(&self, index: usize) -> TaskResult {
        std::thread::sleep(self.delay(index));
        self.finish(index, false)
    }

    fn has_async_form(&self) -> bool {
        self.params.sleep_ms > 0.0 || self.params.faults_in == FaultsIn::Async
    }

    fn run_async(&self, index: usize) -> Option<BoxFuture<'_, TaskResult>> {
        if !self.has_async_form() {
            return None;
        }
        Some(Box::pin(async move {
            tokio::time::sleep(self.delay(index)).await;
            if self.params.hang_at.contains(&index) && self.faults_here(true) {
                // An async hang: suspended, holding no thread (a server that never answers).
                tokio::time::sleep(HANG).await;
            }
            self.finish(index, true)
        }))
    }

    fn ideal(&self, _: IdealInput) -> Option<Duration> {
        None
    }
}
