//! A plan: the matrix of cells one `poolbench run` measures, and the order they run in.

use std::time::Duration;

use poolbench_core::{Language, Model, WorkloadSpec};

use crate::Sampling;

/// One workload of a plan with the worker counts it is measured at.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanEntry {
    pub spec: WorkloadSpec,
    pub workers: Vec<usize>,
    /// Which experiment this entry replicates (e.g. `S6`), shown in reports.
    pub experiment: Option<String>,
    /// The Python models that replicate the experiment (the pools its article uses), when
    /// the plan has Python models; `None`: every one that can run the workload.
    pub python_models: Option<Vec<&'static str>>,
}

impl PlanEntry {
    /// An entry without an experiment label.
    pub fn new(spec: WorkloadSpec, workers: &[usize]) -> Self {
        Self {
            spec,
            workers: workers.to_vec(),
            experiment: None,
            python_models: None,
        }
    }

    /// The same entry run by these Python models only (when the plan has Python models).
    pub fn python(mut self, models: &[&'static str]) -> Self {
        self.python_models = Some(models.to_vec());
        self
    }

    /// Whether the plan's `model` has a cell on this entry: a Rust model always, a Python one
    /// if the entry lists it or lists none.
    pub fn includes(&self, model: &dyn Model) -> bool {
        model.language() != Language::Python
            || self
                .python_models
                .as_ref()
                .is_none_or(|list| list.contains(&model.name()))
    }

    /// The same entry labelled as replicating `experiment`.
    pub fn experiment(mut self, experiment: &str) -> Self {
        self.experiment = Some(experiment.to_owned());
        self
    }
}

/// The order in which a workload's cells take their samples.
///
/// Workloads run one after another, and each workload's `sequential` oracle starts first
/// (every other cell is verified against it). Its cells then take one sample each per round.
/// `Shuffled` draws a fresh random order for every round (and for starting the pools) from a
/// recorded seed, so that a machine that drifts (thermal throttling, a noisy neighbour
/// arriving) spreads its drift over every model instead of penalising whichever ran last, and a
/// seed repeats an order. `Fixed` keeps registry order in every round: easier to follow, fairer
/// only on a quiet machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellOrder {
    Fixed,
    Shuffled { seed: u64 },
}

/// What to run: every entry × every model × the entry's worker counts, at least `repeat` timed
/// samples each after `warmup` untimed batches, more as `sampling` allows. The `sequential`
/// oracle runs (at W = 1) for every entry whether or not it is listed in `models`.
#[derive(Debug, Clone)]
pub struct Plan {
    pub entries: Vec<PlanEntry>,
    pub models: Vec<&'static dyn Model>,
    pub repeat: usize,
    pub warmup: usize,
    pub order: CellOrder,
    pub sampling: Sampling,
    /// The per-task time limit; `None` for the default, which scales with the workload (see
    /// [`Plan::task_limit`]).
    pub task_timeout: Option<Duration>,
    /// Whether each cell of a measured workload ends with its untimed, traced batches (three, or
    /// one for a long batch): its timeline (see [`poolbench_results::trace`]).
    pub trace: bool,
}

/// A plan that cannot run.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error("worker counts must be at least 1 (workload '{workload}' lists 0)")]
    ZeroWorkers { workload: String },
    #[error("--repeat must be at least 1")]
    ZeroRepeat,
    #[error("--tasks must be at least 1 (workload '{workload}' has 0)")]
    ZeroTasks { workload: String },
    #[error("nothing to run: the list of {what} is empty")]
    Empty { what: &'static str },
    #[error("{0}")]
    Sampling(String),
    /// A count or size over what this machine can hold (see [`crate::limits`]).
    #[error("{0}")]
    Limit(String),
}

/// One cell to run: which entry, which model, how many workers.
#[derive(Debug, Clone, Copy)]
pub struct CellId {
    pub entry: usize,
    pub model: &'static dyn Model,
    pub workers: usize,
}

impl Plan {
    /// Checks the plan before anything runs or is written.
    pub fn validate(&self) -> Result<(), PlanError> {
        if self.entries.is_empty() {
            return Err(PlanError::Empty { what: "workloads" });
        }
        if self.models.is_empty() {
            return Err(PlanError::Empty { what: "models" });
        }
        for entry in &self.entries {
            let workload = || entry.spec.name.clone();
            if entry.workers.is_empty() {
                return Err(PlanError::Empty {
                    what: "worker counts",
                });
            }
            if entry.workers.contains(&0) {
                return Err(PlanError::ZeroWorkers {
                    workload: workload(),
                });
            }
            if entry.spec.tasks == 0 {
                return Err(PlanError::ZeroTasks {
                    workload: workload(),
                });
            }
        }
        if self.repeat == 0 {
            return Err(PlanError::ZeroRepeat);
        }
        self.sampling.check().map_err(PlanError::Sampling)?;
        Ok(())
    }

    /// One warning for each entry measured at more workers than it has tasks (see
    /// [`poolbench_results::more_workers_than_tasks`]): such workers never get a task.
    pub fn too_few_tasks(&self) -> Vec<String> {
        let mut warnings: Vec<String> = Vec::new();
        for entry in &self.entries {
            let over: Vec<usize> = entry
                .workers
                .iter()
                .copied()
                .filter(|&w| w > entry.spec.tasks)
                .collect();
            if over.is_empty() {
                continue;
            }
            let name =
                poolbench_results::workload_column(&entry.spec.name, entry.experiment.as_deref());
            let warning =
                poolbench_results::more_workers_than_tasks(&name, entry.spec.tasks, &over);
            if !warnings.contains(&warning) {
                warnings.push(warning);
            }
        }
        warnings
    }

    /// How many cells the plan measures (the oracle cells included).
    pub fn cell_count(&self) -> usize {
        self.entries.len() + self.measured_cells().len()
    }

    /// The cells besides the oracles, workload by workload, in registry order (each
    /// workload's cells then start and take turns in the plan's [`CellOrder`]).
    pub fn measured_cells(&self) -> Vec<CellId> {
        (0..self.entries.len())
            .flat_map(|entry| self.cells_of(entry))
            .collect()
    }

    /// The cells of entry `entry` besides its oracle: every model but `sequential` that can
    /// run its workload, at every one of the entry's worker counts (at W = 1 only for a
    /// model that ignores W), in registry order.
    pub fn cells_of(&self, entry: usize) -> Vec<CellId> {
        let this = &self.entries[entry];
        let workers = &this.workers;
        let oracle = oracle_for(this);
        self.models
            .iter()
            .filter(|m| m.name() != oracle.name() && can_run(**m, this))
            .flat_map(|&model| {
                let counts: &[usize] = if model.descriptor().ignores_workers() {
                    &[1]
                } else {
                    workers
                };
                counts.iter().map(move |&workers| CellId {
                    entry,
                    model,
                    workers,
                })
            })
            .collect()
    }
}

/// The least default per-task time limit: no normal task comes near it.
pub const DEFAULT_TASK_TIMEOUT: Duration = Duration::from_secs(60);

/// How many times its slowest task in the oracle's reference batch a task may take by default.
pub const TASK_TIMEOUT_FACTOR: u32 = 20;

impl Plan {
    /// The per-task time limit of a cell at `workers` on `cores` cores, given the slowest task
    /// of its workload's reference batch (`None` before the oracle has run). `--task-timeout`
    /// is used as given. The default is [`DEFAULT_TASK_TIMEOUT`] or [`TASK_TIMEOUT_FACTOR`]
    /// times the slowest reference task, whichever is longer, times W / cores when there are
    /// more workers than cores (tasks then share cores and each takes longer).
    pub fn task_limit(&self, workers: usize, cores: usize, slowest: Option<Duration>) -> Duration {
        if let Some(limit) = self.task_timeout {
            return limit;
        }
        let base = slowest
            .map(|s| s.saturating_mul(TASK_TIMEOUT_FACTOR))
            .unwrap_or_default()
            .max(DEFAULT_TASK_TIMEOUT);
        let shared = workers.div_ceil(cores.max(1)).max(1);
        base.saturating_mul(u32::try_from(shared).unwrap_or(u32::MAX))
    }
}

/// The model whose outputs every other model must reproduce (recorded in results files as
/// the model with the oracle role), for every workload Rust runs.
pub const ORACLE: &str = "sequential";

/// The language whose models run `entry`'s workload alone, if one does (a Python function).
fn only_in(entry: &PlanEntry) -> Option<Language> {
    poolbench_workloads::find_workload(&entry.spec.name)
        .ok()
        .and_then(|info| info.only_in)
}

/// The oracle of `entry`: the one-at-a-time model of the language that runs its workload —
/// [`ORACLE`] for every workload Rust runs, Python's plain loop for a Python function.
pub fn oracle_for(entry: &PlanEntry) -> &'static dyn Model {
    poolbench_models::oracle_of(only_in(entry).unwrap_or(Language::Rust))
}

/// Whether `model` has cells on `entry`: it can run the workload, in the workload's only
/// language if it has one, and the entry does not leave it out.
pub fn can_run(model: &dyn Model, entry: &PlanEntry) -> bool {
    model.runs(&entry.spec.name)
        && only_in(entry).is_none_or(|language| model.language() == language)
        && entry.includes(model)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(order: CellOrder) -> Plan {
        Plan {
            entries: vec![
                PlanEntry::new(WorkloadSpec::new("noop", 4), &[1, 2, 4]),
                PlanEntry::new(WorkloadSpec::new("sleep", 4), &[3]).experiment("S6"),
            ],
            models: poolbench_models::models(),
            repeat: 3,
            warmup: 1,
            order,
            sampling: Sampling::default(),
            task_timeout: None,
            trace: false,
        }
    }

    fn names(cells: &[CellId]) -> Vec<(usize, &'static str, usize)> {
        cells
            .iter()
            .map(|c| (c.entry, c.model.name(), c.workers))
            .collect()
    }

    #[test]
    fn every_cell_is_counted_once() {
        let fixed = plan(CellOrder::Fixed);
        let others = poolbench_models::MODELS.len() - 1;
        assert_eq!(fixed.cell_count(), 2 + others * 4);
        let mut a = names(&fixed.measured_cells());
        let len = a.len();
        a.sort_unstable();
        a.dedup();
        assert_eq!(a.len(), len);
        assert!(a.iter().all(|c| c.1 != ORACLE));
    }

    #[test]
    fn more_workers_than_tasks_is_said_once_per_workload() {
        let mut p = plan(CellOrder::Fixed);
        assert!(p.too_few_tasks().is_empty());
        p.entries[0].workers = vec![2, 8, 64];
        let warnings = p.too_few_tasks();
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(
            warnings[0].starts_with(
                "noop has 4 tasks, so at W = 8, 64 at most 4 are ever in flight: add --tasks 256"
            ),
            "{warnings:?}"
        );
    }

    #[test]
    fn bad_plans_are_refused() {
        let mut p = plan(CellOrder::Fixed);
        p.entries[1].workers = vec![0];
        assert!(matches!(p.validate(), Err(PlanError::ZeroWorkers { .. })));
        let mut p = plan(CellOrder::Fixed);
        p.repeat = 0;
        assert!(matches!(p.validate(), Err(PlanError::ZeroRepeat)));
        let mut p = plan(CellOrder::Fixed);
        p.sampling.max_samples = 0;
        assert!(matches!(p.validate(), Err(PlanError::Sampling(_))));
        let mut p = plan(CellOrder::Fixed);
        p.entries.clear();
        assert!(matches!(p.validate(), Err(PlanError::Empty { .. })));
        assert!(plan(CellOrder::Fixed).validate().is_ok());
    }

    #[test]
    fn the_default_task_limit_scales_with_the_workload_and_the_sharing() {
        let mut p = plan(CellOrder::Fixed);
        let secs = Duration::from_secs;
        assert_eq!(p.task_limit(1, 2, None), DEFAULT_TASK_TIMEOUT);
        assert_eq!(p.task_limit(2, 2, Some(secs(1))), DEFAULT_TASK_TIMEOUT);
        assert_eq!(p.task_limit(1, 2, Some(secs(6))), secs(120));
        assert_eq!(p.task_limit(8, 2, Some(secs(6))), secs(480));
        p.task_timeout = Some(secs(5));
        assert_eq!(p.task_limit(64, 2, Some(secs(6))), secs(5));
    }
}
