//! A started Python pool: one helper process, asked for one batch at a time.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use poolbench_core::{
    ChildUsage, ModelError, PhaseTimes, Pool, TaskError, TaskOutcome, TaskOutput, TaskTiming,
    WorkerKind, Workload, WorkloadSpec,
};
use serde::Deserialize;
use serde_json::json;

use crate::helper::Helper;
use crate::{PythonEnv, PythonModel};

/// How long the helper may take to start (interpreter, imports) and to start a pool.
const START_WAIT: Duration = Duration::from_secs(60);

/// The per-task limit when the runner set none.
const DEFAULT_TASK_LIMIT: Duration = Duration::from_secs(60);

#[derive(Debug)]
pub(crate) struct PythonPool {
    model: &'static str,
    workers: usize,
    /// What runs its tasks: a traced batch's worker is the process for process pools, the
    /// thread otherwise.
    kind: WorkerKind,
    state: Mutex<State>,
}

#[derive(Debug)]
struct State {
    helper: Helper,
    /// The workload the helper's pool is ready for.
    prepared: Option<WorkloadSpec>,
    phases: Option<PhaseTimes>,
    /// The last batch's `map`, as Python timed it.
    last_batch: Option<Duration>,
    /// Tasks of the last batch a cluster engine ran again after losing a worker.
    last_retried: usize,
}

/// One task in a batch's reply: checksum, error, enqueued, started, finished (ns from the
/// batch's start).
type WireOutcome = (Option<u64>, Option<String>, u64, u64, u64);

/// A batch's reply.
#[derive(Debug, Deserialize)]
struct Batch {
    batch_ns: u64,
    outcomes: Vec<WireOutcome>,
    phases: Option<PhaseTimes>,
    /// Tasks run again after a lost worker (cluster engines only).
    #[serde(default)]
    retried: usize,
    /// A traced batch's workers, task by task: (pid, native thread id).
    #[serde(default)]
    workers: Option<Vec<(u64, u64)>>,
}

impl PythonPool {
    pub fn start(model: &PythonModel, env: &PythonEnv, workers: usize) -> Result<Self, ModelError> {
        let helper =
            Helper::start(&env.executable, model.pool, workers, START_WAIT).map_err(|message| {
                ModelError::Start {
                    model: poolbench_core::Model::name(model),
                    message,
                }
            })?;
        Ok(Self {
            model: poolbench_core::Model::name(model),
            workers,
            kind: poolbench_core::Model::worker_kind(model),
            state: Mutex::new(State {
                helper,
                prepared: None,
                phases: None,
                last_batch: None,
                last_retried: 0,
            }),
        })
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn prepare_state(
        &self,
        state: &mut State,
        workload: &Arc<dyn Workload>,
    ) -> Result<(), ModelError> {
        let spec = workload.spec();
        if state.prepared.as_ref() == Some(spec) {
            return Ok(());
        }
        let form = workload.foreign_form().ok_or_else(|| ModelError::Start {
            model: self.model,
            message: format!("workload '{}' has no form Python can run", spec.name),
        })?;
        let request = json!({
            "op": "prepare",
            "workload": spec.name,
            "tasks": spec.tasks,
            "form": form,
        });
        state
            .helper
            .ask(&request, START_WAIT)
            .map_err(|message| ModelError::Start {
                model: self.model,
                message,
            })?;
        state.prepared = Some(spec.clone());
        Ok(())
    }
}

/// Calls a workload's Python form once before a run — for `--py-task`, the user's function on
/// task 0 — in a helper of its own, within `wait`: the module imports, the function exists and
/// its result pickles. Returns what task 0 returned (shortened), or one line saying what is
/// wrong.
pub fn check_foreign_task(
    env: &PythonEnv,
    workload: &dyn Workload,
    wait: Duration,
) -> Result<String, String> {
    let form = workload
        .foreign_form()
        .ok_or_else(|| format!("workload '{}' has no Python form", workload.spec().name))?;
    let mut helper = Helper::start(&env.executable, "sequential", 1, START_WAIT)?;
    let request = json!({"op": "check", "workload": workload.spec().name, "form": form});
    let reply = helper.ask(&request, wait)?;
    Ok(reply
        .get("first")
        .and_then(serde_json::Value::as_str)
        .unwrap_or_default()
        .to_owned())
}

impl Pool for PythonPool {
    /// Builds the workload in the helper and starts its pool (worker processes forked and
    /// pinged), outside the timed batches.
    fn prepare(&self, workload: &Arc<dyn Workload>) -> Result<(), ModelError> {
        let mut state = self.state();
        self.prepare_state(&mut state, workload)
    }

    fn child_usage(&self) -> Option<ChildUsage> {
        let group = self.state().helper.pid();
        Some(group_usage(group))
    }

    fn last_batch_time(&self) -> Option<Duration> {
        self.state().last_batch
    }

    fn last_batch_retried(&self) -> usize {
        self.state().last_retried
    }

    fn take_phases(&self, _: &Arc<dyn Workload>) -> Option<PhaseTimes> {
        self.state().phases.take()
    }

    /// One batch: a "run" request, and the reply within the time N/W tasks at the per-task
    /// limit could take (else the helper is stopped and the pool is broken).
    fn run(&self, workload: &Arc<dyn Workload>) -> Result<Vec<TaskOutcome>, ModelError> {
        let mut state = self.state();
        state.last_batch = None;
        state.last_retried = 0;
        self.prepare_state(&mut state, workload)?;
        let tasks = workload.tasks();
        let limit = poolbench_core::watch::task_timeout().unwrap_or(DEFAULT_TASK_LIMIT);
        let rounds = tasks.div_ceil(self.workers).max(1) as u32;
        let wait = limit.saturating_mul(rounds) + Duration::from_secs(5);
        let reply = state
            .helper
            .ask(
                &json!({"op": "run", "trace": poolbench_core::tracing()}),
                wait,
            )
            .map_err(|message| ModelError::Internal {
                message: format!("{}: {message}", self.model),
            })?;
        let batch: Batch = serde_json::from_value(reply).map_err(|e| ModelError::Internal {
            message: format!("{}: a batch reply poolbench cannot read: {e}", self.model),
        })?;
        if batch.outcomes.len() != tasks {
            let missing = (batch.outcomes.len()..tasks).collect();
            return Err(ModelError::LostTasks { missing });
        }
        state.last_batch = Some(Duration::from_nanos(batch.batch_ns));
        state.last_retried = batch.retried;
        if let Some(phases) = batch.phases {
            state
                .phases
                .get_or_insert_with(PhaseTimes::default)
                .add(&phases);
        }
        let mut outcomes: Vec<TaskOutcome> = batch.outcomes.into_iter().map(outcome).collect();
        if let Some(workers) = batch.workers.filter(|w| w.len() == tasks) {
            for (outcome, (pid, thread)) in outcomes.iter_mut().zip(workers) {
                outcome.timing.worker = Some(match self.kind {
                    WorkerKind::Processes => pid,
                    _ => thread,
                });
            }
        }
        Ok(outcomes)
    }
}

fn outcome((checksum, error, enqueued, started, finished): WireOutcome) -> TaskOutcome {
    let result = match (checksum, error) {
        (_, Some(message)) => Err(TaskError::Failed { message }),
        (Some(checksum), None) => Ok(TaskOutput { checksum }),
        (None, None) => Err(TaskError::failed(
            "Python returned neither a result nor an error",
        )),
    };
    TaskOutcome {
        result,
        timing: TaskTiming {
            enqueued: Duration::from_nanos(enqueued),
            started: Duration::from_nanos(started),
            finished: Duration::from_nanos(finished),
            worker: None,
        },
    }
}

/// CPU, peak memory and context switches of every process in the helper's group and every
/// process descended from it: the helper, the pool's worker processes, and a cluster engine's
/// (Ray starts its workers in process groups of their own).
fn group_usage(group: i32) -> ChildUsage {
    let mut usage = ChildUsage::default();
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return usage;
    };
    let descendants = poolbench_process::descendants(group);
    for pid in entries.filter_map(|e| e.ok()?.file_name().to_str()?.parse::<i32>().ok()) {
        if pid != group
            && poolbench_process::process_group(pid) != Some(group)
            && !descendants.contains(&pid)
        {
            continue;
        }
        usage.cpu_s += poolbench_process::cpu_seconds(pid).unwrap_or(0.0);
        let rss = poolbench_core::peak_rss_bytes(&pid.to_string()).unwrap_or(0);
        usage.peak_rss_bytes = usage.peak_rss_bytes.max(rss);
        if let Some((voluntary, involuntary)) = poolbench_process::context_switches(pid) {
            usage.voluntary_switches += voluntary;
            usage.involuntary_switches += involuntary;
        }
    }
    usage
}
