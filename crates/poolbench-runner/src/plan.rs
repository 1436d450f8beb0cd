//! A plan: the matrix of cells one `poolbench run` measures.

use poolbench_core::{Model, WorkloadSpec};

/// What to run: every workload × every model × every worker count, `repeat` timed times after
/// `warmup` untimed batches. The `sequential` oracle runs for every workload whether or not it
/// is listed in `models`.
#[derive(Debug, Clone)]
pub struct Plan {
    pub workloads: Vec<WorkloadSpec>,
    pub models: Vec<&'static dyn Model>,
    pub workers: Vec<usize>,
    pub repeat: usize,
    pub warmup: usize,
}

/// A plan that cannot run.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error("--workers must list counts of at least 1 (got {got})")]
    ZeroWorkers { got: usize },
    #[error("--repeat must be at least 1")]
    ZeroRepeat,
    #[error("--tasks must be at least 1 (workload '{workload}' has 0)")]
    ZeroTasks { workload: String },
    #[error("nothing to run: the list of {what} is empty")]
    Empty { what: &'static str },
}

impl Plan {
    /// Checks the plan before anything runs or is written.
    pub fn validate(&self) -> Result<(), PlanError> {
        if self.workloads.is_empty() {
            return Err(PlanError::Empty { what: "workloads" });
        }
        if self.models.is_empty() {
            return Err(PlanError::Empty { what: "models" });
        }
        if self.workers.is_empty() {
            return Err(PlanError::Empty {
                what: "worker counts",
            });
        }
        if let Some(&got) = self.workers.iter().find(|&&w| w == 0) {
            return Err(PlanError::ZeroWorkers { got });
        }
        if self.repeat == 0 {
            return Err(PlanError::ZeroRepeat);
        }
        if let Some(spec) = self.workloads.iter().find(|s| s.tasks == 0) {
            return Err(PlanError::ZeroTasks {
                workload: spec.name.clone(),
            });
        }
        Ok(())
    }

    /// How many cells the plan measures (the oracle cells included).
    pub fn cell_count(&self) -> usize {
        let others = self.models.iter().filter(|m| m.name() != ORACLE).count();
        self.workloads.len() * (1 + others * self.workers.len())
    }
}

/// The model whose outputs every other model must reproduce.
pub(crate) const ORACLE: &str = "sequential";
