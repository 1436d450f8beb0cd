//! One cell's life: its pool started, warmed up and calibrated once; then one sample per round,
//! each checked against the oracle; then its figures.
//!
//! Every batch, warm-ups included, is compared with the sequential oracle. A timed batch in
//! which a task failed is not a timing: its sample is dropped, counted in `failed_batches`,
//! and its first error kept, so a dead worker's 5 µs "batch" can never become a 150,000×
//! speedup. A cell left with no clean sample has no median, and says why.

mod finish;

use std::sync::Arc;
use std::time::{Duration, Instant};

use poolbench_core::watch::set_task_timeout;
use poolbench_core::{stop_requested, without_task_stamps, PhaseTimes, Pool, WorkKind, Workload};

use crate::plan::{CellId, PlanEntry};
use crate::stats::Summary;
use crate::timing::record_timing;
use crate::usage::{process_usage, thread_count, ProcessUsage, ThreadWatcher};
use crate::verify::Verifier;
use crate::watchdog::Watch;
use crate::CellResult;
use crate::{Plan, Sampling};

/// How many traced batches a cell runs; the median one is its timeline.
pub(crate) const TRACED_BATCHES: usize = 3;
/// A batch this long (its median, seconds) is traced once: a preemption of a millisecond or
/// two hardly changes its picture, and three would cost the run seconds.
pub(crate) const LONG_BATCH_S: f64 = 0.015;

/// A stop was requested (Ctrl-C) in the middle of a cell.
#[derive(Debug)]
pub(crate) struct Stopped;

/// What a cell starts with besides its place in the plan.
#[derive(Debug)]
pub(crate) struct Setup {
    /// The oracle's checksums (`None` for the oracle itself, whose first batch becomes the
    /// reference).
    pub expected: Option<Vec<Option<u64>>>,
    /// Its position in the run (start order).
    pub run_index: usize,
    /// The per-task time limit of its batches.
    pub limit: Duration,
}

/// A cell being measured.
pub(crate) struct CellRun {
    workload: Arc<dyn Workload>,
    pool: Option<Box<dyn Pool>>,
    cell: CellResult,
    verifier: Verifier,
    batches_per_sample: usize,
    /// Per clean sample: this process's usage per batch.
    usage: Vec<ProcessUsage>,
    /// Per clean sample: the worker processes' CPU seconds per batch (process models).
    child_cpu: Vec<f64>,
    /// Per clean sample: voluntary and involuntary context switches per batch, this process
    /// and its workers together.
    switches: Vec<[f64; 2]>,
    service_times: Vec<f64>,
    order: Vec<[usize; 2]>,
    /// Samples tried, failed ones included.
    attempts: usize,
    /// The per-task time limit of this cell's batches.
    limit: Duration,
    /// Whether a watchdog must enforce `limit` (the model cannot: its tasks are threads').
    watched: bool,
    /// The slowest task of the warm-up batches, seconds.
    slowest_task_s: f64,
    /// Whether the timed batches take per-task readings: I/O workloads (their latency is
    /// every timed request's) and cells without a warm-up batch. The timed batches of the
    /// rest time only the whole batch, so a no-op task's cost is the model's, not the
    /// harness's three clock readings; their per-task figures come from the last warm-up batch.
    stamped_samples: bool,
    /// Phase totals of the timed batches, for workloads whose tasks time their phases.
    phases: PhaseTimes,
}

impl std::fmt::Debug for CellRun {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CellRun")
            .field("model", &self.cell.model)
            .field("workers", &self.cell.workers)
            .field("samples", &self.cell.time.samples_s.len())
            .finish_non_exhaustive()
    }
}

impl CellRun {
    /// Starts the cell's pool (timed as `startup_s`, outside every sample), prepares it, runs
    /// the warm-up batches (verified, watched for threads) and sizes its samples from the last
    /// one, each batch under `setup.limit` per task.
    pub fn start(
        id: CellId,
        entry: &PlanEntry,
        workload: &Arc<dyn Workload>,
        plan: &Plan,
        setup: Setup,
        batch_finished: &mut dyn FnMut(usize, usize),
    ) -> Result<Self, Stopped> {
        let Setup {
            expected,
            run_index,
            limit,
        } = setup;
        let spec = workload.spec();
        let mut run = Self {
            workload: Arc::clone(workload),
            pool: None,
            cell: CellResult {
                params: spec.params.clone(),
                param_units: workload
                    .param_units()
                    .iter()
                    .map(|(key, unit)| ((*key).to_owned(), (*unit).to_owned()))
                    .collect(),
                experiment: entry.experiment.clone(),
                plan: poolbench_results::Plan {
                    cores: poolbench_core::logical_cores(),
                    warmup: plan.warmup,
                    repeat: plan.repeat,
                    batches_per_sample: None,
                    run_index: Some(run_index),
                },
                ..CellResult::new(
                    &spec.name,
                    workload.kind(),
                    id.model.name(),
                    id.workers,
                    spec.tasks,
                )
            },
            verifier: Verifier::new(expected),
            batches_per_sample: 1,
            usage: Vec::new(),
            child_cpu: Vec::new(),
            switches: Vec::new(),
            service_times: Vec::new(),
            order: Vec::new(),
            attempts: 0,
            limit,
            watched: id.model.descriptor().watchdog_sees_tasks(),
            slowest_task_s: 0.0,
            stamped_samples: true,
            phases: PhaseTimes::default(),
        };
        let baseline_threads = thread_count();
        let started = Instant::now();
        let pool = match id.model.start(id.workers) {
            Ok(pool) => pool,
            Err(e) => {
                run.cell.outcome.model_error = Some(e.to_string());
                return Ok(run);
            }
        };
        if let Err(e) = pool.prepare(workload) {
            run.cell.outcome.model_error = Some(e.to_string());
            return Ok(run);
        }
        run.cell.cost.startup_s = Some(started.elapsed().as_secs_f64());
        let mut last_batch_s = None;
        // The oracle always runs one untimed batch: its outputs are every other cell's reference.
        let warmup = if run.verifier.expected.is_none() {
            plan.warmup.max(1)
        } else {
            plan.warmup
        };
        run.stamped_samples = run.cell.kind == WorkKind::Io || warmup == 0;
        for done in 0..warmup {
            if stop_requested() {
                return Err(Stopped);
            }
            let watch = run.watch();
            let watcher = ThreadWatcher::start();
            let timer = Instant::now();
            let outcomes = match pool.run(workload) {
                Ok(outcomes) => outcomes,
                Err(e) => {
                    run.cell.outcome.model_error = Some(e.to_string());
                    return Ok(run);
                }
            };
            last_batch_s = Some(
                pool.last_batch_time()
                    .unwrap_or_else(|| timer.elapsed())
                    .as_secs_f64(),
            );
            let watchdog_threads = watch.as_ref().map_or(0, Watch::threads);
            drop(watch);
            run.slowest_task_s = outcomes
                .iter()
                .map(|o| o.timing.service().as_secs_f64())
                .fold(run.slowest_task_s, f64::max);
            if let (Some(watcher), Some(base)) = (watcher, baseline_threads) {
                let added = watcher
                    .finish()
                    .saturating_sub(watchdog_threads)
                    .saturating_sub(base);
                run.cell.cost.peak_threads =
                    Some(run.cell.cost.peak_threads.unwrap_or(0).max(added));
            }
            run.verifier.check(&outcomes);
            if done + 1 == warmup {
                // The last warm-up batch's per-task figures stand unless timed batches take
                // their own readings (`stamped_samples`).
                record_timing(&mut run.cell, &outcomes);
            }
            batch_finished(done + 1, warmup);
        }
        // Phase totals count timed batches only.
        let _ = pool.take_phases(workload);
        run.batches_per_sample = last_batch_s.map_or(1, |s| plan.sampling.batches_per_sample(s));
        run.cell.plan.batches_per_sample = Some(run.batches_per_sample);
        run.pool = Some(pool);
        Ok(run)
    }

    /// A watchdog over this cell's next batches, if its model cannot enforce the task limit.
    fn watch(&self) -> Option<Watch> {
        set_task_timeout(Some(self.limit));
        self.watched.then(|| Watch::start(&self.cell, self.limit))
    }

    /// The slowest task of the warm-up batches.
    pub fn slowest_task(&self) -> Duration {
        Duration::from_secs_f64(self.slowest_task_s)
    }

    /// The checksums every later cell of the workload must reproduce: the oracle's first
    /// batch (or the oracle's reference, for any other cell).
    pub fn reference_checksums(&self) -> Vec<Option<u64>> {
        self.verifier
            .expected
            .clone()
            .unwrap_or_else(|| vec![None; self.cell.tasks])
    }

    /// Whether the cell should be sampled in the next round: it still has a pool, and it has
    /// had fewer than `min` tries, or its interval is still wider than the target and it has
    /// had fewer than the most samples allowed.
    pub fn wants_sample(&self, min: usize, sampling: &Sampling) -> bool {
        self.pool.is_some() && sampling.wants_more(self.attempts, &self.cell.time.samples_s, min)
    }

    /// Samples tried so far, failed ones included.
    pub fn attempts(&self) -> usize {
        self.attempts
    }

    /// Takes one sample: `batches_per_sample` whole batches, each timed on its own and
    /// verified between timings; the sample is their mean. Recorded with its `[round,
    /// position]` unless a task failed (then counted as failed) or the model broke (then the
    /// cell stops sampling).
    pub fn sample(&mut self, round: usize, position: usize) -> Result<(), Stopped> {
        let Some(pool) = self.pool.as_ref() else {
            return Ok(());
        };
        self.attempts += 1;
        let _watch = self.watch();
        let k = self.batches_per_sample;
        let children_before = pool.child_usage();
        let usage_before = process_usage();
        let mut busy = Duration::ZERO;
        let mut clean = true;
        let io = self.cell.kind == WorkKind::Io;
        let mut batch_services = Vec::new();
        let _no_stamps = (!self.stamped_samples).then(without_task_stamps);
        for batch in 0..k {
            if stop_requested() {
                return Err(Stopped);
            }
            let timer = Instant::now();
            let result = pool.run(&self.workload);
            busy += pool.last_batch_time().unwrap_or_else(|| timer.elapsed());
            self.cell.outcome.retried_tasks += pool.last_batch_retried();
            let outcomes = match result {
                Ok(outcomes) => outcomes,
                Err(e) => {
                    self.cell.outcome.model_error = Some(e.to_string());
                    self.pool = None;
                    return Ok(());
                }
            };
            self.verifier.check(&outcomes);
            if let Some(phases) = pool.take_phases(&self.workload) {
                self.phases.add(&phases);
            }
            if let Some(error) = outcomes.iter().find_map(|o| o.result.as_ref().err()) {
                self.cell.outcome.failed_batches += 1;
                if self.cell.outcome.first_batch_error.is_none() {
                    self.cell.outcome.first_batch_error = Some(error.to_string());
                }
                clean = false;
            }
            if self.stamped_samples && batch + 1 == k {
                record_timing(&mut self.cell, &outcomes);
            }
            if io {
                batch_services.extend(outcomes.iter().map(|o| o.timing.service().as_secs_f64()));
            }
        }
        if !clean {
            return Ok(());
        }
        let per_batch = 1.0 / k as f64;
        self.cell
            .time
            .samples_s
            .push(busy.as_secs_f64() * per_batch);
        self.order.push([round, position]);
        let child = children_before.zip(pool.child_usage());
        if let Some((before, after)) = child {
            self.child_cpu
                .push((after.cpu_s - before.cpu_s) * per_batch);
        }
        if let Some((before, after)) = usage_before.zip(process_usage()) {
            let own = (after - before).scaled(per_batch);
            // The workers' switches count too: a process pool's waits happen in its workers.
            let [child_voluntary, child_involuntary] = child.map_or([0.0; 2], |(b, a)| {
                [
                    a.voluntary_switches.saturating_sub(b.voluntary_switches) as f64,
                    a.involuntary_switches
                        .saturating_sub(b.involuntary_switches) as f64,
                ]
            });
            self.switches.push([
                own.voluntary_switches + child_voluntary * per_batch,
                own.involuntary_switches + child_involuntary * per_batch,
            ]);
            self.usage.push(own);
        }
        if io {
            self.service_times.extend(batch_services);
        }
        Ok(())
    }

    /// Runs the cell's traced batches: [`TRACED_BATCHES`] more batches (one where a batch takes
    /// [`LONG_BATCH_S`] or more), untimed and verified, in which every task records the worker
    /// that ran it; the one whose last task finished at the median time is kept as the cell's
    /// timeline (`per_task.trace`), so that one preempted batch on a shared machine does not
    /// become the picture of a short batch. Run after the timed batches, so that none of them
    /// pays for a reading and the timeline shows the pool as it was measured. A failed task
    /// leaves the cell without a trace; a model that breaks records its error as any batch
    /// would.
    pub fn trace(&mut self) {
        let batches = match self.median() {
            Some(s) if s >= LONG_BATCH_S => 1,
            _ => TRACED_BATCHES,
        };
        let mut traces = Vec::with_capacity(batches);
        for _ in 0..batches {
            let Some(pool) = self.pool.as_ref() else {
                return;
            };
            if stop_requested() {
                return;
            }
            let _watch = self.watch();
            let _traced = poolbench_core::traced();
            let result = pool.run(&self.workload);
            let _ = pool.take_phases(&self.workload);
            match result {
                Ok(outcomes) => {
                    self.verifier.check(&outcomes);
                    if outcomes.iter().any(|o| o.result.is_err()) {
                        return;
                    }
                    let timings: Vec<_> = outcomes.iter().map(|o| o.timing).collect();
                    traces.extend(poolbench_results::Trace::of(&timings, self.cell.workers));
                }
                Err(e) => {
                    self.cell.outcome.model_error = Some(e.to_string());
                    self.pool = None;
                    return;
                }
            }
        }
        traces.sort_by(|a, b| a.end_s.total_cmp(&b.end_s));
        let middle = traces.len() / 2;
        self.cell.per_task.trace = (!traces.is_empty()).then(|| traces.swap_remove(middle));
    }

    /// Shuts the pool down (worker processes reaped), keeping their peak memory.
    pub fn close(&mut self) {
        if let Some(pool) = self.pool.take() {
            self.cell.cost.peak_rss_bytes = pool.child_usage().map(|u| u.peak_rss_bytes);
        }
    }

    /// The median of the clean samples so far (the oracle's is every cell's serial reference).
    pub fn median(&self) -> Option<f64> {
        Summary::of(&self.cell.time.samples_s).map(|s| s.median)
    }
}
