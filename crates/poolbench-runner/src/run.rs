//! Running a plan, cell by cell, verifying every batch against the sequential oracle.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use poolbench_core::{
    logical_cores, max_in_flight, stop_requested, IdealInput, Model, TaskOutcome, WorkKind,
    Workload, WorkloadError,
};
use poolbench_workloads::BuildContext;

use crate::plan::ORACLE;
use crate::plan::{CellId, PlanEntry};
use crate::results::{CellResult, Percentiles};
use crate::stats::{percentile, Summary};
use crate::usage::{process_cpu, settle_threads, ThreadWatcher};
use crate::{Plan, PlanError};

/// How many task errors a cell keeps verbatim.
const ERRORS_KEPT: usize = 5;

/// Why a run stopped before finishing its plan.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Plan(#[from] PlanError),
    #[error(transparent)]
    Workload(#[from] WorkloadError),
    #[error("{0}")]
    Callback(Box<dyn std::error::Error + Send + Sync>),
    #[error("stopped by request (Ctrl-C) after {finished} finished cells")]
    Interrupted { finished: usize },
}

/// Checks the plan and builds every workload in it, preparing all inputs, so that a bad
/// parameter fails before anything runs and no preparation is ever timed.
pub fn prepare(plan: &Plan, ctx: &BuildContext) -> Result<Vec<Arc<dyn Workload>>, RunError> {
    plan.validate()?;
    Ok(plan
        .entries
        .iter()
        .map(|entry| poolbench_workloads::build(&entry.spec, ctx))
        .collect::<Result<Vec<_>, _>>()?)
}

/// What [`run_plan`] tells its caller while it works: a progress display, the live table,
/// the file that must be saved after every cell.
pub trait Observer {
    /// The cell at `position` (counting from 0, of `total`) is starting.
    fn cell_started(
        &mut self,
        _position: usize,
        _total: usize,
        _cell: &CellId,
        _entry: &PlanEntry,
    ) {
    }
    /// Batch `done` of the current cell's `of` (warm-ups included) has finished.
    fn batch_finished(&mut self, _done: usize, _of: usize) {}
    /// A cell has finished; an error stops the run.
    fn cell_finished(&mut self, cell: &CellResult) -> Result<(), BoxError>;
}

/// An error from an [`Observer`].
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// A closure is an observer that only wants finished cells.
impl<F: FnMut(&CellResult) -> Result<(), BoxError>> Observer for F {
    fn cell_finished(&mut self, cell: &CellResult) -> Result<(), BoxError> {
        self(cell)
    }
}

/// Runs every cell of `plan` on its prepared `workloads` (from [`prepare`], one per entry):
/// first each entry's sequential oracle, then the other cells in the plan's order, telling
/// `observer` as each starts and finishes; returns all finished cells in run order.
pub fn run_plan(
    plan: &Plan,
    workloads: &[Arc<dyn Workload>],
    observer: &mut dyn Observer,
) -> Result<Vec<CellResult>, RunError> {
    plan.validate()?;
    let oracle_model =
        poolbench_models::find_model(ORACLE).map_err(|e| RunError::Callback(e.into()))?;
    let cores = logical_cores();
    let idle_threads = crate::usage::thread_count();
    let total = plan.cell_count();
    let oracle_cells = (0..plan.entries.len()).map(|entry| CellId {
        entry,
        model: oracle_model,
        workers: 1,
    });
    let measured = plan.measured_cells();
    let mut references: Vec<Option<Reference>> = vec![None; plan.entries.len()];
    let mut cells: Vec<CellResult> = Vec::with_capacity(total);
    for (position, id) in oracle_cells.chain(measured).enumerate() {
        // A cell cut short by a stop request is dropped, not reported as a failure.
        if stop_requested() {
            return Err(RunError::Interrupted {
                finished: cells.len(),
            });
        }
        let entry = &plan.entries[id.entry];
        observer.cell_started(position, total, &id, entry);
        let oracle = references[id.entry].as_ref().map(|r| Oracle {
            checksums: &r.checksums,
            serial: r.serial,
        });
        let context = CellContext {
            plan,
            entry,
            cores,
            idle_threads,
            run_index: position,
        };
        let (cell, checksums) = run_cell(
            id.model,
            id.workers,
            &workloads[id.entry],
            oracle,
            &context,
            &mut |done, of| observer.batch_finished(done, of),
        );
        if stop_requested() {
            return Err(RunError::Interrupted {
                finished: cells.len(),
            });
        }
        if references[id.entry].is_none() {
            references[id.entry] = Some(Reference {
                checksums,
                serial: cell.median_s.map(Duration::from_secs_f64),
            });
        }
        observer.cell_finished(&cell).map_err(RunError::Callback)?;
        cells.push(cell);
    }
    Ok(cells)
}

/// What every cell of a run shares.
#[derive(Clone, Copy)]
struct CellContext<'a> {
    plan: &'a Plan,
    entry: &'a PlanEntry,
    cores: usize,
    idle_threads: Option<usize>,
    run_index: usize,
}

/// What the sequential oracle's cell established for a workload, kept for the later cells.
#[derive(Clone)]
struct Reference {
    checksums: Vec<Option<u64>>,
    serial: Option<Duration>,
}

/// What the sequential run established for a workload, as one cell sees it.
#[derive(Clone, Copy)]
struct Oracle<'a> {
    /// Per task: the oracle's checksum, or `None` where the oracle's task failed.
    checksums: &'a [Option<u64>],
    serial: Option<Duration>,
}

/// Compares every batch of a cell with the oracle (or, for the oracle itself, with its own
/// first batch) and keeps count of what went wrong.
struct Verifier {
    expected: Option<Vec<Option<u64>>>,
    failed: BTreeSet<usize>,
    mismatched: BTreeSet<usize>,
    errors: Vec<String>,
}

impl Verifier {
    fn new(expected: Option<Vec<Option<u64>>>) -> Self {
        Self {
            expected,
            failed: BTreeSet::new(),
            mismatched: BTreeSet::new(),
            errors: Vec::new(),
        }
    }

    fn check(&mut self, outcomes: &[TaskOutcome]) {
        let got: Vec<Option<u64>> = outcomes
            .iter()
            .map(|o| o.result.as_ref().ok().map(|out| out.checksum))
            .collect();
        for (index, outcome) in outcomes.iter().enumerate() {
            if let Err(error) = &outcome.result {
                self.failed.insert(index);
                if self.errors.len() < ERRORS_KEPT {
                    self.errors.push(format!("task {index}: {error}"));
                }
            }
        }
        let expected = self.expected.get_or_insert_with(|| got.clone());
        for (index, (want, have)) in expected.iter().zip(&got).enumerate() {
            if have.is_some() && want != have {
                self.mismatched.insert(index);
            }
        }
    }

    fn verified(&self, tasks: usize, batches_checked: usize) -> bool {
        batches_checked > 0
            && self.failed.is_empty()
            && self.mismatched.is_empty()
            && self
                .expected
                .as_ref()
                .is_some_and(|e| e.len() == tasks && e.iter().all(Option::is_some))
    }
}

/// Runs one cell: start the pool, warm up, time `plan.repeat` batches, verify each.
/// Returns the cell and the checksums of its first batch (the oracle's become the reference
/// every other cell of the workload is compared with).
fn run_cell(
    model: &dyn Model,
    workers: usize,
    workload: &Arc<dyn Workload>,
    oracle: Option<Oracle<'_>>,
    context: &CellContext<'_>,
    batch_finished: &mut dyn FnMut(usize, usize),
) -> (CellResult, Vec<Option<u64>>) {
    let CellContext {
        plan,
        entry,
        cores,
        idle_threads,
        run_index,
    } = *context;
    let batches = plan.warmup + plan.repeat;
    let spec = workload.spec();
    let mut verifier = Verifier::new(oracle.map(|o| o.checksums.to_vec()));
    let mut cell = CellResult {
        workload: spec.name.clone(),
        kind: workload.kind(),
        params: spec.params.clone(),
        model: model.name().to_owned(),
        workers,
        tasks: spec.tasks,
        cores,
        warmup: plan.warmup,
        repeat: plan.repeat,
        samples_s: Vec::with_capacity(plan.repeat),
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
        mismatched_tasks: 0,
        errors: Vec::new(),
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
        experiment: entry.experiment.clone(),
        run_index: Some(run_index),
    };
    let mut batches_checked = 0;
    let mut cpu_samples = Vec::with_capacity(plan.repeat);
    let mut child_cpu_samples = Vec::with_capacity(plan.repeat);
    let mut service_times = Vec::new();
    let baseline_threads =
        idle_threads.and_then(|idle| settle_threads(idle, Duration::from_millis(500)));
    let own_peak_reset = poolbench_core::reset_own_peak_rss();
    let started = Instant::now();
    match model.start(workers) {
        Err(e) => cell.model_error = Some(e.to_string()),
        Ok(pool) => {
            let prepared = pool.prepare(workload);
            cell.startup_s = Some(started.elapsed().as_secs_f64());
            let batch = || -> Result<(), String> {
                prepared.map_err(|e| e.to_string())?;
                for _ in 0..plan.warmup {
                    if stop_requested() {
                        return Err("stopped".to_owned());
                    }
                    let watcher = ThreadWatcher::start();
                    let outcomes = pool.run(workload).map_err(|e| e.to_string())?;
                    if let (Some(watcher), Some(base)) = (watcher, baseline_threads) {
                        let added = watcher.finish().saturating_sub(base);
                        cell.peak_threads = Some(cell.peak_threads.unwrap_or(0).max(added));
                    }
                    verifier.check(&outcomes);
                    batches_checked += 1;
                    batch_finished(batches_checked, batches);
                }
                for _ in 0..plan.repeat {
                    if stop_requested() {
                        return Err("stopped".to_owned());
                    }
                    let children_before = pool.child_usage();
                    let cpu_before = process_cpu();
                    let timer = Instant::now();
                    let outcomes = pool.run(workload).map_err(|e| e.to_string())?;
                    cell.samples_s.push(timer.elapsed().as_secs_f64());
                    if let (Some(before), Some(after)) = (cpu_before, process_cpu()) {
                        cpu_samples.push(after - before);
                    }
                    if let (Some(before), Some(after)) = (children_before, pool.child_usage()) {
                        child_cpu_samples.push(after.cpu_s - before.cpu_s);
                    }
                    verifier.check(&outcomes);
                    batches_checked += 1;
                    record_timing(&mut cell, &outcomes);
                    batch_finished(batches_checked, batches);
                    service_times.extend(outcomes.iter().map(|o| o.timing.service().as_secs_f64()));
                }
                Ok(())
            };
            if let Err(message) = batch() {
                cell.model_error = Some(message);
            }
            cell.peak_rss_bytes = pool.child_usage().map(|u| u.peak_rss_bytes);
            drop(pool);
        }
    }

    if let Some(summary) = Summary::of(&cell.samples_s) {
        cell.median_s = Some(summary.median);
        cell.min_s = Some(summary.min);
        cell.max_s = Some(summary.max);
        cell.mean_s = Some(summary.mean);
        cell.stddev_s = Some(summary.stddev);
    }
    let median_of = |values: Vec<f64>| Summary::of(&values).map(|s| s.median);
    cell.cpu_s = median_of(cpu_samples.iter().map(|c| c.user + c.system).collect());
    cell.cpu_user_s = median_of(cpu_samples.iter().map(|c| c.user).collect());
    cell.cpu_system_s = median_of(cpu_samples.iter().map(|c| c.system).collect());
    cell.self_peak_rss_bytes = own_peak_reset
        .then(|| poolbench_core::peak_rss_bytes("self"))
        .flatten();
    cell.child_cpu_s = Summary::of(&child_cpu_samples).map(|s| s.median);
    if cell.kind == WorkKind::Io {
        service_times.sort_by(f64::total_cmp);
        cell.latency_s = percentiles_of_sorted(&service_times);
        cell.latency_samples_s = (!service_times.is_empty()).then_some(service_times);
    }
    let serial = oracle.map_or(cell.median_s.map(Duration::from_secs_f64), |o| o.serial);
    cell.ideal_s = workload
        .ideal(IdealInput {
            workers,
            cores,
            serial,
        })
        .map(|d| d.as_secs_f64());
    if let (Some(serial), Some(median)) = (serial, cell.median_s) {
        cell.speedup = Some(serial.as_secs_f64() / median);
    }
    if let (Some(ideal), Some(median)) = (cell.ideal_s, cell.median_s) {
        cell.efficiency = Some(ideal / median);
    }
    cell.verified = cell.model_error.is_none() && verifier.verified(spec.tasks, batches_checked);
    cell.failed_tasks = verifier.failed.len();
    cell.mismatched_tasks = verifier.mismatched.len();
    cell.errors = std::mem::take(&mut verifier.errors);
    let checksums = verifier.expected.unwrap_or_else(|| vec![None; spec.tasks]);
    (cell, checksums)
}

/// Per-task timing summaries of one batch.
fn record_timing(cell: &mut CellResult, outcomes: &[TaskOutcome]) {
    let timings: Vec<_> = outcomes.iter().map(|o| o.timing).collect();
    cell.max_in_flight = Some(max_in_flight(&timings));
    cell.queue_wait_s = percentiles_of(
        timings
            .iter()
            .map(|t| t.queue_wait().as_secs_f64())
            .collect(),
    );
    cell.service_s = percentiles_of(timings.iter().map(|t| t.service().as_secs_f64()).collect());
}

/// p50/p90/p99/max of some durations (seconds); `None` for none.
fn percentiles_of(mut values: Vec<f64>) -> Option<Percentiles> {
    values.sort_by(f64::total_cmp);
    percentiles_of_sorted(&values)
}

/// [`percentiles_of`] for values already in ascending order.
fn percentiles_of_sorted(sorted: &[f64]) -> Option<Percentiles> {
    Some(Percentiles {
        p50: percentile(sorted, 50.0),
        p90: percentile(sorted, 90.0),
        p99: percentile(sorted, 99.0),
        max: *sorted.last()?,
    })
}
