//! `rayon`: a dedicated `rayon::ThreadPool` of W work-stealing threads.
//!
//! rayon gives each of its W threads its own double-ended queue of jobs. A thread pushes and
//! pops its own jobs at one end (cheap, no contention) and, when it runs dry, steals from the
//! other end of someone else's deque. Here every task is one `scope.spawn`, so the per-task
//! cost is a deque push, a possible steal and a wake-up of a sleeping thread; `rayon::scope`
//! lets the tasks borrow the workload instead of needing `'static` data, and returns when all
//! of them have finished. The pool is built per model start, not rayon's global pool, so W is
//! exactly the number of threads. Pick rayon for CPU-bound, data-parallel work; its threads
//! should never block on I/O, since a blocked thread is a lost core.
//! A task is "enqueued" just before `spawn` is called.

use poolbench_core::{Descriptor, Marker, ModelStyle};
use std::sync::Arc;

use poolbench_core::{
    run_task, BatchClock, Model, ModelError, OutcomeSlots, Pool, TaskOutcome, Workload,
};

/// A dedicated rayon pool as a model.
#[derive(Debug, Clone, Copy)]
pub struct Rayon;

impl Model for Rayon {
    fn descriptor(&self) -> Descriptor {
        Descriptor::new(
            "rayon",
            "a dedicated rayon::ThreadPool of W work-stealing threads, one scope.spawn per task",
        )
        .style(ModelStyle::new([44, 160, 44], Marker::Circle))
    }

    fn start(&self, workers: usize) -> Result<Box<dyn Pool>, ModelError> {
        ModelError::check_workers(workers)?;
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(workers)
            .thread_name(|i| format!("rayon-{i}"))
            .build()
            .map_err(|e| ModelError::Start {
                model: "rayon",
                message: e.to_string(),
            })?;
        Ok(Box::new(RayonPool { pool }))
    }
}

struct RayonPool {
    pool: rayon::ThreadPool,
}

impl Pool for RayonPool {
    fn run(&self, workload: &Arc<dyn Workload>) -> Result<Vec<TaskOutcome>, ModelError> {
        let clock = BatchClock::start();
        let slots = OutcomeSlots::new(workload.tasks());
        self.pool.scope(|scope| {
            for index in 0..workload.tasks() {
                let slots = &slots;
                let enqueued = clock.elapsed();
                scope.spawn(move |_| {
                    slots.put(index, run_task(workload.as_ref(), index, &clock, enqueued));
                });
            }
        });
        slots.into_outcomes()
    }
}
