//! `sequential`: one task after another on the calling thread.
//!
//! There is no scheduling at all: task 0 runs, then task 1, and so on, on the thread that
//! called `run`. There are no workers, no queues and no synchronisation, so this is the
//! cheapest possible way to run work that cannot overlap, and the yardstick for every other
//! model: speedups are measured against it and its outputs are the oracle every model's
//! outputs must match. It ignores W (it always runs one task at a time). Pick it when tasks
//! are few and short, or when you need the simplest thing that is obviously correct.
//! A task is "enqueued" the moment the loop reaches it, so its queue wait is zero.

use poolbench_core::{Descriptor, Marker, ModelRole, ModelStyle, WorkerKind};
use std::sync::Arc;

use poolbench_core::{run_task, BatchClock, Model, ModelError, Pool, TaskOutcome, Workload};

/// The sequential baseline and correctness oracle.
#[derive(Debug, Clone, Copy)]
pub struct Sequential;

impl Model for Sequential {
    fn descriptor(&self) -> Descriptor {
        Descriptor::new(
            "sequential",
            "one task after another on the calling thread; the baseline and oracle (ignores W)",
        )
        .role(ModelRole::Oracle)
        .workers(WorkerKind::Caller)
        .style(ModelStyle::new([80, 80, 80], Marker::Circle))
    }

    fn start(&self, workers: usize) -> Result<Box<dyn Pool>, ModelError> {
        ModelError::check_workers(workers)?;
        Ok(Box::new(SequentialPool))
    }
}

struct SequentialPool;

impl Pool for SequentialPool {
    fn run(&self, workload: &Arc<dyn Workload>) -> Result<Vec<TaskOutcome>, ModelError> {
        let clock = BatchClock::start();
        Ok((0..workload.tasks())
            .map(|index| run_task(workload.as_ref(), index, &clock, clock.elapsed()))
            .collect())
    }
}
