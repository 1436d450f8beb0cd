//! The [`Model`] trait: a way of running N tasks with at most W in flight.

use std::sync::Arc;

use crate::{TaskOutcome, Workload};

/// Why a model could not start or could not finish a batch. Task failures are *not* model
/// errors: they are per-task [`crate::TaskError`]s and the batch goes on.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error("worker count must be at least 1 (got {got})")]
    ZeroWorkers { got: usize },
    #[error("could not start the {model} model: {message}")]
    Start {
        model: &'static str,
        message: String,
    },
    #[error("tasks {missing:?} produced no result (the model lost them)")]
    LostTasks { missing: Vec<usize> },
    #[error("internal model error: {message}")]
    Internal { message: String },
    #[error("stopped: a stop was requested (Ctrl-C)")]
    Interrupted,
}

impl ModelError {
    /// The check every model does first: W ≥ 1.
    pub fn check_workers(workers: usize) -> Result<(), ModelError> {
        if workers == 0 {
            Err(ModelError::ZeroWorkers { got: workers })
        } else {
            Ok(())
        }
    }
}

/// A concurrency model. Implementations are stateless descriptions; [`Model::start`] builds the
/// resources (threads, runtimes) so that their cost stays out of the timed batches.
pub trait Model: Send + Sync + std::fmt::Debug {
    /// What the model is: name, summary, language, role, workers, where its tasks run,
    /// what starting it needs and its style, said once.
    fn descriptor(&self) -> crate::Descriptor;

    /// Builds a pool that runs at most `workers` tasks at once.
    fn start(&self, workers: usize) -> Result<Box<dyn Pool>, ModelError>;

    /// Whether the model can run the workload called `workload` (a model in another
    /// language implements only some); plans leave out the cells it cannot run.
    fn runs(&self, workload: &str) -> bool {
        let _ = workload;
        true
    }

    /// Its name ([`crate::Descriptor::name`]).
    fn name(&self) -> &'static str {
        self.descriptor().name
    }

    /// Its one-line summary ([`crate::Descriptor::summary`]).
    fn summary(&self) -> &'static str {
        self.descriptor().summary
    }

    /// The language its tasks run in ([`crate::Descriptor::language`]).
    fn language(&self) -> crate::Language {
        self.descriptor().language
    }

    /// What runs its tasks ([`crate::Descriptor::workers`]).
    fn worker_kind(&self) -> crate::WorkerKind {
        self.descriptor().workers
    }
}

/// What a pool's worker *processes* consumed (thread models have none to report).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ChildUsage {
    /// User + system CPU seconds of all worker processes so far, dead ones included.
    pub cpu_s: f64,
    /// Largest peak resident set (VmHWM) of any worker process so far, bytes.
    pub peak_rss_bytes: u64,
    /// Voluntary context switches of all worker processes so far (a worker blocked: on a
    /// pipe, a lock, a sleep).
    pub voluntary_switches: u64,
    /// Involuntary context switches of all worker processes so far (the scheduler preempted
    /// a worker that could have gone on).
    pub involuntary_switches: u64,
}

/// A started model, ready to run batches. Dropping it shuts it down cleanly.
pub trait Pool {
    /// Gets ready to run `workload` (e.g. worker processes build it), outside any timed region.
    /// `run` must work without it; calling it first only moves set-up cost out of the batch.
    fn prepare(&self, workload: &Arc<dyn Workload>) -> Result<(), ModelError> {
        let _ = workload;
        Ok(())
    }

    /// Resources used by the pool's worker processes, for models that have them.
    fn child_usage(&self) -> Option<ChildUsage> {
        None
    }

    /// The phase totals of the tasks this pool ran since the last call (see
    /// [`crate::PhaseTimes`]). In-process pools run the workload itself, whose totals these
    /// are; a pool whose tasks run elsewhere (worker processes) has none unless it collects
    /// them.
    fn take_phases(&self, workload: &Arc<dyn Workload>) -> Option<crate::PhaseTimes> {
        workload.take_phases()
    }

    /// The last batch's time as the pool itself measured it, for a pool whose batches run in
    /// another process: the runner times that instead of the whole call, so the hand-over of
    /// the request and the reply (poolbench's, not the model's) stays out of the sample.
    /// `None` (the default): the runner times the call to [`Pool::run`].
    fn last_batch_time(&self) -> Option<std::time::Duration> {
        None
    }

    /// How many tasks of the last batch ran again because the worker running them was lost (a
    /// cluster engine's scheduler reschedules them on another worker). `0` (the default) for a
    /// pool that never runs a task twice.
    fn last_batch_retried(&self) -> usize {
        0
    }

    /// Runs every task of `workload` and returns their outcomes in input order. A panicking or
    /// failing task is an error in its own outcome; the call itself fails only if the model
    /// breaks (and then it says which tasks were lost).
    fn run(&self, workload: &Arc<dyn Workload>) -> Result<Vec<TaskOutcome>, ModelError>;
}
