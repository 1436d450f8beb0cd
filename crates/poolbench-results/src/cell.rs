//! One cell of a results file, grouped by what a reader asks of it.
//!
//! A cell is one workload (with its parameters) on one model at one worker count. Its identity
//! stays at the top — that is what `compare`, `export` and `history` match cells by — and its
//! figures come in groups, each answering one question:
//!
//! - [`Plan`]: what was asked for (cores, warm-up, repetitions, batches per sample);
//! - [`Timing`]: what the clock said (every sample, their median with its interval, spread);
//! - [`Scaling`]: how that compares with the ideal and with one worker;
//! - [`Outcome`]: whether the answers were right (verification, failures, the model's error);
//! - [`Cost`]: what the run cost the machine (start-up, CPU time, memory, threads, switches);
//! - [`PerTask`]: what one task saw (queue wait, service time, request latency).
//!
//! Schema `poolbench/1` wrote all of these as flat fields of the cell; [`crate::upgrade`]
//! reads such files into these groups.

use std::collections::BTreeMap;

use poolbench_core::WorkKind;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::{MedianCi, Summary, CI_LEVEL};

/// One cell: one workload (with its parameters) on one model at one worker count.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CellResult {
    pub workload: String,
    pub kind: WorkKind,
    /// The workload's complete parameters, defaults filled in.
    pub params: Map<String, Value>,
    /// The units of parameters whose names do not say them (`latency` → `ms`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub param_units: BTreeMap<String, String>,
    pub model: String,
    /// W: the most tasks in flight at once.
    pub workers: usize,
    /// N: tasks per batch.
    pub tasks: usize,
    /// The experiment this cell replicates (e.g. `S6`), from the preset or suite.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub experiment: Option<String>,
    pub plan: Plan,
    pub time: Timing,
    pub scaling: Scaling,
    pub outcome: Outcome,
    pub cost: Cost,
    pub per_task: PerTask,
}

/// What the cell was asked to do.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Plan {
    /// Logical cores at run time (C).
    pub cores: usize,
    /// Untimed batches run before the timed ones.
    pub warmup: usize,
    /// The fewest samples the cell was to get (more follow while its interval is wide).
    pub repeat: usize,
    /// Whole batches timed together as one sample.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batches_per_sample: Option<usize>,
    /// The cell's position in the run's start-up order (0 = first); its samples were taken
    /// in rounds (see [`Timing::sample_order`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_index: Option<usize>,
}

/// What the clock said: every clean sample and their summary.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Timing {
    /// Every clean sample's time per batch (the mean over `batches_per_sample` batches), in
    /// run order. Samples with a failed task are not here (see [`Outcome::failed_batches`]).
    pub samples_s: Vec<f64>,
    /// For each of `samples_s`: `[round, position]`, the round it was taken in and the cell's
    /// place in that round's shuffled order (0 = first).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sample_order: Option<Vec<[usize; 2]>>,
    pub median_s: Option<f64>,
    /// Distribution-free confidence interval of the median, `[low, high]` (two order
    /// statistics of `samples_s`); its confidence is `ci_level`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub median_ci_s: Option<[f64; 2]>,
    /// The actual confidence level of `median_ci_s` (0.95 or just above; below 0.95 only when
    /// there were too few samples, which the report then says).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ci_level: Option<f64>,
    pub min_s: Option<f64>,
    pub max_s: Option<f64>,
    pub mean_s: Option<f64>,
    pub stddev_s: Option<f64>,
    /// Why the cell has no median (no clean sample), when it has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_median: Option<String>,
}

/// The median set against the best a scheduler could do and against one worker.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Scaling {
    /// Best time a zero-overhead scheduler could reach; null where undefined (noop).
    pub ideal_s: Option<f64>,
    /// The sequential median divided by this cell's median.
    pub speedup: Option<f64>,
    /// ideal_s / median_s.
    pub efficiency: Option<f64>,
}

/// Whether the cell's answers were right, and what went wrong when they were not.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Outcome {
    /// Every task of every batch succeeded and matched the sequential oracle.
    pub verified: bool,
    /// Tasks that failed in at least one batch.
    pub failed_tasks: usize,
    /// Tasks that overran the per-task time limit in at least one batch (their worker was
    /// killed, or their async task cancelled; a thread model's run stops at the first).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub timed_out_tasks: usize,
    /// Task runs repeated because the worker running them was lost (a cluster engine's
    /// scheduler reran them elsewhere), over every timed batch; their outputs are verified
    /// like any others.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub retried_tasks: usize,
    /// Tasks whose checksum differed from the oracle's in at least one batch.
    pub mismatched_tasks: usize,
    /// The first few task errors, as "task I: message".
    pub errors: Vec<String>,
    /// Timed batches in which a task failed: left out of every figure.
    #[serde(default)]
    pub failed_batches: usize,
    /// The first error of the first failed timed batch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_batch_error: Option<String>,
    /// The run was stopped (Ctrl-C) while this cell's workload was measured: its samples are
    /// real but may be fewer than planned.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub interrupted: bool,
    /// Set when the model itself failed (not a task): the cell stopped there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model_error: Option<String>,
}

/// What the run cost the machine beyond wall time.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Cost {
    /// Seconds to start the model's pool (threads, runtime, worker processes) and prepare it
    /// for the workload (workers building it), outside the timed batches.
    pub startup_s: Option<f64>,
    /// Median CPU time (user + system, whole process) per timed batch.
    pub cpu_s: Option<f64>,
    /// The user part of `cpu_s` (median per timed batch).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu_user_s: Option<f64>,
    /// The system (kernel) part of `cpu_s` (median per timed batch).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu_system_s: Option<f64>,
    /// Process models only: median CPU time of the worker processes per timed batch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub child_cpu_s: Option<f64>,
    /// Median context switches per batch, this process and its worker processes together.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context_switches: Option<ContextSwitches>,
    /// Share of the machine's CPU time stolen by the hypervisor while this cell's workload
    /// was measured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub steal_fraction: Option<f64>,
    /// Peak resident set of poolbench itself while this cell's workload was measured (all of
    /// its cells' pools are alive together), bytes: the peak is reset before each workload.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub self_peak_rss_bytes: Option<u64>,
    /// Process models only: largest peak resident set of any worker process, bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peak_rss_bytes: Option<u64>,
    /// Most OS threads the model added, seen while the warm-up batches ran.
    pub peak_threads: Option<usize>,
}

/// What one task saw. `max_in_flight`, `queue_wait_s` and `service_s` come from one batch
/// that took per-task readings: the last timed batch of an I/O workload, the last warm-up batch
/// of a CPU-bound one (whose timed batches time only the whole batch, so that a no-op task's
/// cost is the model's and not the harness's clock readings).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct PerTask {
    /// Most tasks that ran at once in that batch.
    pub max_in_flight: Option<usize>,
    /// Per-task wait between enqueue and start, in that batch.
    pub queue_wait_s: Option<Percentiles>,
    /// Per-task run time, in that batch.
    pub service_s: Option<Percentiles>,
    /// I/O workloads only: per-request latency (each task's run time: request, body, check)
    /// over every timed batch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency_s: Option<Percentiles>,
    /// I/O workloads only: every request's latency over every timed batch, ascending
    /// (the latency distribution chart's data).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency_samples_s: Option<Vec<f64>>,
    /// Batches of at most 64 tasks: the task indices in the order they finished, in the same
    /// batch as `max_in_flight` (seed S3: a pool hands results back in input order or in
    /// completion order; this is the completion order either way).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completion_order: Option<Vec<usize>>,
    /// Workloads whose tasks time their phases (thumbnail: read, decode, resize, encode,
    /// write), in-process and Python models: each phase's mean per task over the timed
    /// batches, in the order a task runs them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phases: Option<Vec<PhaseMean>>,
    /// The median of three untimed, traced batches: every task on the worker that ran it (see
    /// [`crate::trace`]). Absent when the run was not traced (`--no-trace`, files from before
    /// issue 28) or the cell had no pool left to trace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trace: Option<crate::Trace>,
}

/// One phase's mean time per task.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PhaseMean {
    pub phase: String,
    pub mean_s: f64,
}

/// p50/p90/p99/max of a per-task duration, in seconds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Percentiles {
    pub p50: f64,
    pub p90: f64,
    pub p99: f64,
    pub max: f64,
}

/// Context switches per batch (this process and its worker processes).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ContextSwitches {
    /// A thread or worker blocked (a lock, a channel, a sleep, a socket).
    pub voluntary: f64,
    /// The scheduler took a core from a thread or worker that could have gone on.
    pub involuntary: f64,
}

impl Timing {
    /// The timing of these clean samples: their median with its interval at [`CI_LEVEL`],
    /// minimum, maximum, mean and standard deviation (all absent when there is no sample; the
    /// caller then says why in `no_median`).
    pub fn of(samples_s: Vec<f64>) -> Self {
        let summary = Summary::of(&samples_s);
        let ci = MedianCi::of(&samples_s, CI_LEVEL);
        Timing {
            median_s: summary.as_ref().map(|s| s.median),
            min_s: summary.as_ref().map(|s| s.min),
            max_s: summary.as_ref().map(|s| s.max),
            mean_s: summary.as_ref().map(|s| s.mean),
            stddev_s: summary.as_ref().map(|s| s.stddev),
            median_ci_s: ci.as_ref().map(|ci| [ci.low, ci.high]),
            ci_level: ci.map(|ci| ci.level),
            samples_s,
            sample_order: None,
            no_median: None,
        }
    }
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl CellResult {
    /// A cell with its identity filled in and no figures yet (no parameters, one core, no
    /// warm-up or repetitions asked for): the runner fills in the rest as it measures.
    pub fn new(workload: &str, kind: WorkKind, model: &str, workers: usize, tasks: usize) -> Self {
        CellResult {
            workload: workload.to_owned(),
            kind,
            params: Map::new(),
            param_units: BTreeMap::new(),
            model: model.to_owned(),
            workers,
            tasks,
            experiment: None,
            plan: Plan {
                cores: 1,
                ..Plan::default()
            },
            time: Timing::default(),
            scaling: Scaling::default(),
            outcome: Outcome::default(),
            cost: Cost::default(),
            per_task: PerTask::default(),
        }
    }
}
