//! A plan: the matrix of cells one `poolbench run` measures, and the order they run in.

use poolbench_core::{Model, WorkloadSpec};

/// One workload of a plan with the worker counts it is measured at.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanEntry {
    pub spec: WorkloadSpec,
    pub workers: Vec<usize>,
    /// Which experiment this entry replicates (e.g. `S6`), shown in reports.
    pub experiment: Option<String>,
}

impl PlanEntry {
    /// An entry without an experiment label.
    pub fn new(spec: WorkloadSpec, workers: &[usize]) -> Self {
        Self {
            spec,
            workers: workers.to_vec(),
            experiment: None,
        }
    }

    /// The same entry labelled as replicating `experiment`.
    pub fn experiment(mut self, experiment: &str) -> Self {
        self.experiment = Some(experiment.to_owned());
        self
    }
}

/// The order in which a plan's cells run.
///
/// The `sequential` oracle of every workload always runs first (every other cell is verified
/// against it). After that, `Shuffled` runs the remaining cells of all workloads in a seeded
/// random order, so that a machine that drifts (thermal throttling, a noisy neighbour arriving)
/// spreads its drift over every model instead of penalising whichever ran last; the seed is
/// recorded so an order can be repeated. `Fixed` runs them workload by workload, model by
/// model, in registry order: easier to follow live, fairer only on a quiet machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellOrder {
    Fixed,
    Shuffled { seed: u64 },
}

/// What to run: every entry × every model × the entry's worker counts, `repeat` timed times
/// after `warmup` untimed batches. The `sequential` oracle runs once (at W = 1) for every entry
/// whether or not it is listed in `models`.
#[derive(Debug, Clone)]
pub struct Plan {
    pub entries: Vec<PlanEntry>,
    pub models: Vec<&'static dyn Model>,
    pub repeat: usize,
    pub warmup: usize,
    pub order: CellOrder,
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
        Ok(())
    }

    /// How many cells the plan measures (the oracle cells included).
    pub fn cell_count(&self) -> usize {
        self.entries.len() + self.measured_cells().len()
    }

    /// The cells after the oracles, in the order they will run.
    pub fn measured_cells(&self) -> Vec<CellId> {
        let mut cells: Vec<CellId> = self
            .entries
            .iter()
            .enumerate()
            .flat_map(|(entry, e)| {
                self.models
                    .iter()
                    .filter(|m| m.name() != ORACLE)
                    .flat_map(move |&model| {
                        e.workers.iter().map(move |&workers| CellId {
                            entry,
                            model,
                            workers,
                        })
                    })
            })
            .collect();
        if let CellOrder::Shuffled { seed } = self.order {
            fastrand::Rng::with_seed(seed).shuffle(&mut cells);
        }
        cells
    }
}

/// The model whose outputs every other model must reproduce.
pub(crate) const ORACLE: &str = "sequential";

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(order: CellOrder) -> Plan {
        Plan {
            entries: vec![
                PlanEntry::new(WorkloadSpec::new("noop", 4), &[1, 2, 4]),
                PlanEntry::new(WorkloadSpec::new("sleep", 4), &[3]).experiment("S6"),
            ],
            models: poolbench_models::MODELS.to_vec(),
            repeat: 3,
            warmup: 1,
            order,
        }
    }

    fn names(cells: &[CellId]) -> Vec<(usize, &'static str, usize)> {
        cells
            .iter()
            .map(|c| (c.entry, c.model.name(), c.workers))
            .collect()
    }

    #[test]
    fn every_cell_runs_once_in_either_order() {
        let fixed = plan(CellOrder::Fixed);
        let shuffled = plan(CellOrder::Shuffled { seed: 7 });
        let others = poolbench_models::MODELS.len() - 1;
        assert_eq!(fixed.cell_count(), 2 + others * 4);
        let mut a = names(&fixed.measured_cells());
        let mut b = names(&shuffled.measured_cells());
        assert_ne!(a, b, "a shuffle of {} cells left them in order", a.len());
        a.sort_unstable();
        b.sort_unstable();
        assert_eq!(a, b);
        assert!(a.iter().all(|c| c.1 != ORACLE));
    }

    #[test]
    fn a_seed_repeats_its_order() {
        let order = |seed| names(&plan(CellOrder::Shuffled { seed }).measured_cells());
        assert_eq!(order(3), order(3));
        assert_ne!(order(3), order(4));
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
        p.entries.clear();
        assert!(matches!(p.validate(), Err(PlanError::Empty { .. })));
        assert!(plan(CellOrder::Fixed).validate().is_ok());
    }
}
