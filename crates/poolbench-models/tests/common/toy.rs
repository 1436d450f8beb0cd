//! A model that exists only in tests: W scoped threads taking the next index from one atomic
//! counter, with a descriptor that gives no style. Registered with one line
//! (`poolbench_models::register(&Toy)`), it must pass the whole conformance suite and be drawn
//! in a generated style: the proof that adding a model is one file and one line.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use poolbench_core::{
    run_task, BatchClock, Descriptor, Model, ModelError, OutcomeSlots, Pool, TaskOutcome, Workload,
};

/// The test-only model.
#[derive(Debug, Clone, Copy)]
pub struct Toy;

impl Model for Toy {
    fn descriptor(&self) -> Descriptor {
        Descriptor::new(
            "test-toy",
            "test only: W scoped threads sharing one atomic counter",
        )
    }

    fn start(&self, workers: usize) -> Result<Box<dyn Pool>, ModelError> {
        ModelError::check_workers(workers)?;
        Ok(Box::new(ToyPool { workers }))
    }
}

struct ToyPool {
    workers: usize,
}

impl Pool for ToyPool {
    fn run(&self, workload: &Arc<dyn Workload>) -> Result<Vec<TaskOutcome>, ModelError> {
        let clock = BatchClock::start();
        let slots = OutcomeSlots::new(workload.tasks());
        let next = AtomicUsize::new(0);
        std::thread::scope(|scope| {
            for _ in 0..self.workers {
                scope.spawn(|| loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    if index >= workload.tasks() {
                        break;
                    }
                    slots.put(
                        index,
                        run_task(workload.as_ref(), index, &clock, clock.elapsed()),
                    );
                });
            }
        });
        slots.into_outcomes()
    }
}
