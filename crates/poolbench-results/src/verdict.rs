//! What to use: a run's decisions, recorded in `results.json` as `verdicts[]`.
//!
//! Among the cells whose 95 % intervals overlap the fastest one's — models the run cannot
//! tell apart by time — one is recommended by what it costs (see `poolbench-report`'s
//! `decide` for the order), and the reason is written out with the figures. A verdict covers
//! one workload with one parameter set, either across every W that ran (`workers` absent) or
//! among the cells at one W.

use poolbench_core::Language;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A decision: which model (at which W) should run a workload, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Verdict {
    pub workload: String,
    /// The parameters of the workload's cells.
    #[serde(default)]
    pub params: Map<String, Value>,
    pub tasks: usize,
    /// The experiment the cells replicate, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub experiment: Option<String>,
    /// The language of the models compared: each language's models are decided among
    /// themselves (Python's pools run Python's form of the work, not the same code).
    pub language: Language,
    /// `None`: across every W that ran (the "what to use" line); `Some(w)`: among the cells
    /// at W = w.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workers: Option<usize>,
    /// The fastest cell (the one whose interval ends lowest) and every cell whose interval
    /// overlaps its interval, fastest median first.
    pub fastest: Vec<Pick>,
    pub recommended: Pick,
    /// What set the recommended cell apart from the rest of `fastest`.
    pub decided_by: DecidedBy,
    /// One sentence, with the figures.
    pub why: String,
    /// The figures the decision used, for each cell of `fastest`.
    pub costs: Vec<CostFigures>,
}

/// A cell: a model at a worker count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pick {
    pub model: String,
    pub workers: usize,
}

impl std::fmt::Display for Pick {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} at W = {}", self.model, self.workers)
    }
}

/// What decided a verdict: the first cost, in the documented order, on which the recommended
/// cell did better than others of `fastest`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DecidedBy {
    /// The fastest cell's interval overlaps no other: it wins on time alone.
    Alone,
    /// Fewer OS threads (and worker processes) added.
    Threads,
    /// Less memory.
    Memory,
    /// Less CPU time per task.
    Cpu,
    /// A shorter 99th-percentile task time (I/O work).
    P99,
    /// No cost set them apart: the model that is listed first for this kind of work.
    Tie,
}

/// The cost figures of one cell, as a verdict weighs them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CostFigures {
    pub model: String,
    pub workers: usize,
    pub median_s: f64,
    /// OS threads the model added: threads seen in poolbench's process, plus one per worker
    /// process (and Python's helper process with its threads).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threads: Option<usize>,
    /// Peak memory: poolbench's own peak resident set during the workload, plus each worker
    /// process's (counted at the largest worker's peak).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory_bytes: Option<u64>,
    /// CPU seconds (user + system, worker processes included) per task.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu_per_task_s: Option<f64>,
    /// 99th percentile of a task's time, for I/O work.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p99_s: Option<f64>,
}
