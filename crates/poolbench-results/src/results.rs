//! `results.json`: the stable, documented output every other tool reads.
//!
//! The format is versioned by [`SCHEMA`]; fields are only ever added (optional ones), never
//! renamed or removed, within one schema version. `docs/results-format.md` describes each field.

use std::io::Write;
use std::path::Path;

use poolbench_core::WorkKind;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::noise::NoiseReport;
use crate::{Environment, Sampling};

/// The schema identifier written into every results file.
pub const SCHEMA: &str = "poolbench/1";

/// A whole results file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResultsFile {
    pub schema: String,
    pub environment: Environment,
    /// The preset the run started from, if any (`suite FILE` for a suite file).
    pub preset: Option<String>,
    /// The seed of the shuffled cell order; absent when cells ran in the fixed order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_seed: Option<u64>,
    /// How samples were taken (absent in files from before interleaved rounds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sampling: Option<Sampling>,
    /// The machine's noise: core speeds before the run, steal time during it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub noise: Option<NoiseReport>,
    /// The models the poolbench that wrote this file knows, in its registry's order: a report
    /// draws each in the colour and marker of its place, and a model missing from the list
    /// after them (absent in files from before it was recorded).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub model_order: Vec<String>,
    /// Finished cells, workload by workload.
    pub results: Vec<CellResult>,
}

impl ResultsFile {
    /// An empty results file for a run starting now.
    pub fn new(environment: Environment, preset: Option<String>) -> Self {
        Self {
            schema: SCHEMA.to_owned(),
            environment,
            preset,
            order_seed: None,
            sampling: None,
            noise: None,
            model_order: Vec::new(),
            results: Vec::new(),
        }
    }

    /// Writes the file atomically (see [`write_atomic`]) as pretty JSON.
    pub fn save(&self, path: &Path) -> std::io::Result<()> {
        let json = serde_json::to_vec_pretty(self).map_err(std::io::Error::other)?;
        write_atomic(path, &json)
    }
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

/// One cell: one workload (with its parameters) on one model at one worker count.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CellResult {
    pub workload: String,
    pub kind: WorkKind,
    pub params: Map<String, Value>,
    pub model: String,
    pub workers: usize,
    pub tasks: usize,
    pub cores: usize,
    pub warmup: usize,
    /// The fewest samples the cell was to get (more follow while its interval is wide).
    pub repeat: usize,
    /// Every clean sample's time per batch (the mean over `batches_per_sample` batches), in
    /// run order. Samples with a failed task are not here (see `failed_batches`).
    pub samples_s: Vec<f64>,
    /// Whole batches timed together as one sample.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batches_per_sample: Option<usize>,
    /// For each of `samples_s`: `[round, position]`, the round it was taken in and the cell's
    /// place in that round's shuffled order (0 = first).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sample_order: Option<Vec<[usize; 2]>>,
    /// Distribution-free confidence interval of the median, `[low, high]` (two order
    /// statistics of `samples_s`); its confidence is `ci_level`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub median_ci_s: Option<[f64; 2]>,
    /// The actual confidence level of `median_ci_s` (0.95 or just above; below 0.95 only when
    /// there were too few samples, which the report then says).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ci_level: Option<f64>,
    pub median_s: Option<f64>,
    pub min_s: Option<f64>,
    pub max_s: Option<f64>,
    pub mean_s: Option<f64>,
    pub stddev_s: Option<f64>,
    /// Best time a zero-overhead scheduler could reach; null where undefined (noop).
    pub ideal_s: Option<f64>,
    /// The sequential median divided by this cell's median.
    pub speedup: Option<f64>,
    /// ideal_s / median_s.
    pub efficiency: Option<f64>,
    /// Every task of every batch succeeded and matched the sequential oracle.
    pub verified: bool,
    /// Tasks that failed in at least one batch.
    pub failed_tasks: usize,
    /// Tasks that overran the per-task time limit in at least one batch (their worker was
    /// killed, or their async task cancelled; a thread model's run stops at the first).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub timed_out_tasks: usize,
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
    /// Why the cell has no median (no clean sample), when it has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_median: Option<String>,
    /// Median context switches per batch, this process and its worker processes together.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context_switches: Option<ContextSwitches>,
    /// Share of the machine's CPU time stolen by the hypervisor while this cell's workload
    /// was measured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub steal_fraction: Option<f64>,
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
    /// Peak resident set of poolbench itself while this cell's workload was measured (all of
    /// its cells' pools are alive together), bytes: the peak is reset before each workload.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub self_peak_rss_bytes: Option<u64>,
    /// Process models only: median CPU time of the worker processes per timed batch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub child_cpu_s: Option<f64>,
    /// Process models only: largest peak resident set of any worker process, bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peak_rss_bytes: Option<u64>,
    /// Most OS threads the model added, seen while the warm-up batches ran.
    pub peak_threads: Option<usize>,
    /// Most tasks that ran at once in the last timed batch.
    pub max_in_flight: Option<usize>,
    /// Per-task wait between enqueue and start, last timed batch.
    pub queue_wait_s: Option<Percentiles>,
    /// Per-task run time, last timed batch.
    pub service_s: Option<Percentiles>,
    /// I/O workloads only: per-request latency (each task's run time: request, body, check)
    /// over every timed batch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency_s: Option<Percentiles>,
    /// I/O workloads only: every request's latency over every timed batch, ascending
    /// (the latency distribution chart's data).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency_samples_s: Option<Vec<f64>>,
    /// Set when the model itself failed (not a task): the cell stopped there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model_error: Option<String>,
    /// The experiment this cell replicates (e.g. `S6`), from the preset or suite.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub experiment: Option<String>,
    /// The cell's position in the run's start-up order (0 = first); its samples were taken
    /// in rounds (see `sample_order`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_index: Option<usize>,
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
            model: model.to_owned(),
            workers,
            tasks,
            cores: 1,
            warmup: 0,
            repeat: 0,
            samples_s: Vec::new(),
            batches_per_sample: None,
            sample_order: None,
            median_ci_s: None,
            ci_level: None,
            median_s: None,
            min_s: None,
            max_s: None,
            mean_s: None,
            stddev_s: None,
            ideal_s: None,
            speedup: None,
            efficiency: None,
            verified: false,
            failed_tasks: 0,
            timed_out_tasks: 0,
            mismatched_tasks: 0,
            errors: Vec::new(),
            failed_batches: 0,
            first_batch_error: None,
            interrupted: false,
            no_median: None,
            context_switches: None,
            steal_fraction: None,
            startup_s: None,
            cpu_s: None,
            child_cpu_s: None,
            peak_rss_bytes: None,
            peak_threads: None,
            max_in_flight: None,
            queue_wait_s: None,
            service_s: None,
            latency_s: None,
            model_error: None,
            latency_samples_s: None,
            cpu_user_s: None,
            cpu_system_s: None,
            self_peak_rss_bytes: None,
            experiment: None,
            run_index: None,
        }
    }
}

/// Writes `bytes` to `path` so that readers see either the old file or the new one, never a
/// half-written one: the bytes go to a temporary file in the same folder, are flushed to disk,
/// and the temporary file is renamed over `path`.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    staged_file(dir, bytes)?
        .persist(path)
        .map_err(|e| e.error)?;
    Ok(())
}

/// A hidden temporary file in `dir` holding `bytes`, flushed to disk, ready to be renamed over
/// its destination with `persist`. It is created readable by all (as the umask allows), like
/// any file a program writes, not with the owner-only mode of a usual temporary file; dropped
/// without being persisted, it is deleted.
pub fn staged_file(dir: &Path, bytes: &[u8]) -> std::io::Result<tempfile::NamedTempFile> {
    use std::os::unix::fs::PermissionsExt;
    let mut tmp = tempfile::Builder::new()
        .prefix(".poolbench-")
        .permissions(std::fs::Permissions::from_mode(0o666))
        .tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    Ok(tmp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_whole_file_and_leaves_no_temporaries() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("results.json");
        write_atomic(&path, b"first version, rather long").unwrap();
        write_atomic(&path, b"second").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"second");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn written_files_are_readable_by_others_as_the_umask_allows() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("results.json");
        write_atomic(&path, b"{}").unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        // SAFETY: umask only reads and restores the process's file mode mask.
        let umask = unsafe {
            let old = libc::umask(0o022);
            libc::umask(old);
            old
        };
        assert_eq!(mode, 0o666 & !(umask as u32), "mode {mode:o}");
    }

    #[test]
    fn atomic_write_into_a_missing_folder_fails_cleanly() {
        let dir = tempfile::tempdir().unwrap();
        assert!(write_atomic(&dir.path().join("nope/results.json"), b"x").is_err());
    }
}
