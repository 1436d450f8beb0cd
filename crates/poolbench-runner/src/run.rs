//! Running a plan workload by workload: every cell of a workload measured in interleaved
//! rounds, verified against the sequential oracle.
//!
//! Why rounds: a shared machine drifts (a neighbour arrives, a vCPU slows down, the CPU
//! clocks up). If each cell took all its samples back to back, whichever model ran during a
//! slow minute would look slow, and a rerun would disagree. So all the cells that will be
//! compared — one workload with one parameter set, every model and W — start their pools
//! first, then take one sample each per round, in a fresh shuffled order every round: drift
//! hurts every model alike, and a cell's samples span the whole measurement, so its interval
//! says what a rerun would show. Each sample records its `[round, position]`.
//!
//! Pools stay alive across rounds (a thread pool's idle threads sleep; a process pool's
//! workers block on their socket). To bound memory and the process count, a workload's cells
//! are split into *sets* with at most [`MAX_LIVE_WORKER_PROCESSES`] worker processes alive at
//! once; each set runs its own rounds. The quick preset's workloads fit in one set.

use std::sync::Arc;
use std::time::{Duration, Instant};

use poolbench_core::{
    stop_requested, BatchClock, Model, StartNeeds, Workload, WorkloadError, WorkloadRole,
};
use poolbench_workloads::BuildContext;

use crate::cell::{CellRun, Setup, Stopped};
use crate::plan::{CellId, CellOrder, PlanEntry};
use crate::probe::CpuTicks;
use crate::usage::{settle_threads, thread_count};
use crate::CellResult;
use crate::{Plan, PlanError};

/// Most worker processes kept alive at once while a workload's cells take turns.
pub const MAX_LIVE_WORKER_PROCESSES: usize = 64;

/// Why a run stopped before finishing its plan.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Plan(#[from] PlanError),
    #[error(transparent)]
    Workload(#[from] WorkloadError),
    #[error("{0}")]
    Callback(Box<dyn std::error::Error + Send + Sync>),
    #[error("stopped by request (Ctrl-C) with {finished} cells measured")]
    Interrupted { finished: usize },
}

/// Checks the plan and builds every workload in it, preparing all inputs, so that a bad
/// parameter fails before anything runs and no preparation is ever timed.
pub fn prepare(plan: &Plan, ctx: &BuildContext) -> Result<Vec<Arc<dyn Workload>>, RunError> {
    crate::limits::check_plan(plan, &crate::limits::Machine::this())?;
    Ok(plan
        .entries
        .iter()
        .map(|entry| poolbench_workloads::build(&entry.spec, ctx))
        .collect::<Result<Vec<_>, _>>()?)
}

/// What [`run_plan`] tells its caller while it works: a progress display, the live table,
/// the file that must be saved after every workload.
pub trait Observer {
    /// The cell at `position` (counting from 0, of `total`) is starting its pool and warm-up.
    fn cell_started(
        &mut self,
        _position: usize,
        _total: usize,
        _cell: &CellId,
        _entry: &PlanEntry,
    ) {
    }
    /// Warm-up batch `done` of the current cell's `of` has finished.
    fn batch_finished(&mut self, _done: usize, _of: usize) {}
    /// A sample was taken: `done` of (at least) `planned` samples of the current workload's
    /// cells, in `round` (from 0).
    fn sampled(&mut self, _entry: &PlanEntry, _round: usize, _done: usize, _planned: usize) {}
    /// A cell has finished (all of a workload's cells finish together); an error stops the
    /// run.
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

/// Runs every cell of `plan` on its prepared `workloads` (from [`prepare`], one per entry),
/// workload by workload: the sequential oracle's pool first, then every other cell's, then
/// interleaved rounds of samples (see the module docs). Returns all finished cells, workload by
/// workload, each workload's in the registry's model order and then by W.
pub fn run_plan(
    plan: &Plan,
    workloads: &[Arc<dyn Workload>],
    observer: &mut dyn Observer,
) -> Result<Vec<CellResult>, RunError> {
    plan.validate()?;
    // The per-task clock calibrates once per process; not inside a timed batch.
    BatchClock::calibrate();
    let idle_threads = thread_count();
    let total = plan.cell_count();
    let mut cells: Vec<CellResult> = Vec::with_capacity(total);
    let mut position = 0;
    for (index, entry) in plan.entries.iter().enumerate() {
        let group = Group {
            plan,
            index,
            entry,
            workload: &workloads[index],
            oracle: crate::plan::oracle_for(entry),
            idle_threads,
        };
        let outcome = group.run(&mut position, total, observer);
        for cell in outcome.cells {
            observer.cell_finished(&cell).map_err(RunError::Callback)?;
            cells.push(cell);
        }
        if outcome.stopped {
            return Err(RunError::Interrupted {
                finished: cells.len(),
            });
        }
    }
    Ok(cells)
}

/// Where model `name` stands in the registry (Rust's models, then Python's); unknown last.
fn model_rank(name: &str) -> usize {
    poolbench_models::all_models()
        .into_iter()
        .position(|m| m.name() == name)
        .unwrap_or(usize::MAX)
}

/// What one workload's measurement produced.
struct Outcome {
    cells: Vec<CellResult>,
    /// A stop was requested: `cells` are those with at least one sample, marked interrupted.
    stopped: bool,
}

/// One workload's cells: the unit whose samples are interleaved.
struct Group<'a> {
    plan: &'a Plan,
    index: usize,
    entry: &'a PlanEntry,
    workload: &'a Arc<dyn Workload>,
    oracle: &'static dyn Model,
    /// The process's thread count before any pool started.
    idle_threads: Option<usize>,
}

impl Group<'_> {
    /// Measures every cell of the workload; returns them in registry order, then by W.
    fn run(&self, position: &mut usize, total: usize, observer: &mut dyn Observer) -> Outcome {
        let steal_before = CpuTicks::now();
        poolbench_core::reset_own_peak_rss();
        // One seeded generator per workload: it orders the pools' start and every round.
        let mut rng = match self.plan.order {
            CellOrder::Shuffled { seed } => Some(fastrand::Rng::with_seed(
                seed ^ (self.index as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15),
            )),
            CellOrder::Fixed => None,
        };
        let sets = self.sets(rng.as_mut());
        let mut reference: Option<Vec<Option<u64>>> = None;
        // The oracle's slowest reference task, which sets the default task limit.
        let mut slowest = None;
        let cores = poolbench_core::logical_cores();
        let mut finished: Vec<CellRun> = Vec::new();
        let mut round_base = 0;
        let mut stopped = false;
        // Overhead probes and testing aids get no timeline (the report draws none).
        let traced = self.plan.trace
            && poolbench_workloads::find_workload(&self.entry.spec.name)
                .map_or(true, |info| info.role == WorkloadRole::Measured);
        for set in sets {
            // The previous workload's or set's pools are gone: let their detached threads exit
            // first, so a fork-started pool finds a single-threaded process.
            if let Some(idle) = self.idle_threads {
                settle_threads(idle, Duration::from_millis(500));
            }
            let mut runs = Vec::with_capacity(set.len());
            for id in set {
                if stop_requested() {
                    stopped = true;
                    break;
                }
                observer.cell_started(*position, total, &id, self.entry);
                let limit = self.plan.task_limit(id.workers, cores, slowest);
                let started = CellRun::start(
                    id,
                    self.entry,
                    self.workload,
                    self.plan,
                    Setup {
                        expected: reference.clone(),
                        run_index: *position,
                        limit,
                    },
                    &mut |done, of| observer.batch_finished(done, of),
                );
                let Ok(run) = started else {
                    stopped = true;
                    break;
                };
                *position += 1;
                if reference.is_none() {
                    reference = Some(run.reference_checksums());
                    slowest = Some(run.slowest_task());
                }
                runs.push(run);
            }
            if !stopped {
                match self.rounds(&mut runs, round_base, rng.as_mut(), observer) {
                    Ok(next) => round_base = next,
                    Err(Stopped) => stopped = true,
                }
            }
            for mut run in runs {
                if traced && !stopped && !stop_requested() {
                    run.trace();
                }
                run.close();
                finished.push(run);
            }
            if stopped {
                break;
            }
        }
        // The oracle started first: its median is every cell's serial reference.
        let serial = finished.first().and_then(CellRun::median);
        let steal = crate::probe::steal_since(steal_before);
        let self_peak = poolbench_core::peak_rss_bytes("self");
        let mut cells: Vec<CellResult> = finished
            .into_iter()
            .map(|run| {
                let mut cell = run.finish(serial);
                cell.cost.steal_fraction = steal;
                cell.cost.self_peak_rss_bytes = self_peak;
                cell.outcome.interrupted = stopped;
                cell
            })
            // A stopped workload keeps the cells that have a sample: measured, if fewer times
            // than planned (their intervals say so).
            .filter(|cell| !stopped || !cell.time.samples_s.is_empty())
            .collect();
        // In the registry's model order, then by W: how tables read (the order the pools
        // started in is each cell's `run_index`).
        cells.sort_by_key(|cell| (model_rank(&cell.model), cell.workers));
        Outcome { cells, stopped }
    }

    /// Takes samples in rounds until no cell wants more or the measurement time is spent;
    /// returns the next round number.
    fn rounds(
        &self,
        runs: &mut [CellRun],
        first_round: usize,
        mut rng: Option<&mut fastrand::Rng>,
        observer: &mut dyn Observer,
    ) -> Result<usize, Stopped> {
        let sampling = &self.plan.sampling;
        let min = self.plan.repeat;
        let planned = runs.len() * min;
        let started = Instant::now();
        let mut done = 0;
        let mut round = first_round;
        loop {
            let mut turn: Vec<usize> = (0..runs.len())
                .filter(|&i| runs[i].wants_sample(min, sampling))
                .collect();
            if turn.is_empty() {
                break;
            }
            // Once every cell has its minimum, rounds go on only within the measurement time.
            let minimum_met = turn.iter().all(|&i| runs[i].attempts() >= min);
            if minimum_met && started.elapsed().as_secs_f64() >= sampling.measure_s {
                break;
            }
            if let Some(rng) = rng.as_mut() {
                rng.shuffle(&mut turn);
            }
            for (place, &i) in turn.iter().enumerate() {
                runs[i].sample(round, place)?;
                done += 1;
                observer.sampled(self.entry, round, done, planned);
            }
            round += 1;
        }
        Ok(round)
    }

    /// The workload's cells in start order, split into sets that keep at most
    /// [`MAX_LIVE_WORKER_PROCESSES`] worker processes alive. The oracle starts first (its
    /// first batch is the reference); models that must fork a single-threaded caller start
    /// before any threaded pool.
    fn sets(&self, rng: Option<&mut fastrand::Rng>) -> Vec<Vec<CellId>> {
        let mut others = self.plan.cells_of(self.index);
        if let Some(rng) = rng {
            rng.shuffle(&mut others);
        }
        // Stable: the shuffled order is kept otherwise.
        others.sort_by_key(|id| id.model.descriptor().start != StartNeeds::SingleThreadedCaller);
        let oracle = CellId {
            entry: self.index,
            model: self.oracle,
            workers: 1,
        };
        let mut sets: Vec<Vec<CellId>> = vec![vec![oracle]];
        let mut processes = 0;
        for id in others {
            let cost = id.model.descriptor().worker_processes(id.workers);
            if processes + cost > MAX_LIVE_WORKER_PROCESSES && processes > 0 {
                sets.push(Vec::new());
                processes = 0;
            }
            processes += cost;
            sets.last_mut().expect("at least one set").push(id);
        }
        sets
    }
}
