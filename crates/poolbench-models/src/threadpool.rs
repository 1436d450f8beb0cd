//! `threadpool`: the `threadpool` crate's fixed pool of W threads.
//!
//! The classic pool from crates.io: W threads created up front, each receiving boxed jobs from
//! one shared channel (an `mpsc` receiver behind a mutex). `execute` sends a job; an idle
//! worker takes it. Results come back on a second channel tagged with their index. Its costs
//! are those of the hand-rolled pool (a lock and usually a wake-up per job) with a
//! battle-tested implementation that also respawns a worker whose job panicked. Pick it for a
//! simple, dependency-light pool of blocking work when you do not already use rayon or tokio.
//! A task is "enqueued" just before `execute` is called.

use std::sync::{mpsc, Arc};

use poolbench_core::{
    run_task, BatchClock, Model, ModelError, OutcomeSlots, Pool, TaskOutcome, Workload,
};

/// The `threadpool` crate as a model.
#[derive(Debug, Clone, Copy)]
pub struct ThreadPoolCrate;

impl Model for ThreadPoolCrate {
    fn name(&self) -> &'static str {
        "threadpool"
    }

    fn summary(&self) -> &'static str {
        "the threadpool crate: W threads fed from one shared channel"
    }

    fn start(&self, workers: usize) -> Result<Box<dyn Pool>, ModelError> {
        ModelError::check_workers(workers)?;
        let pool = threadpool::Builder::new()
            .num_threads(workers)
            .thread_name("threadpool".into())
            .build();
        Ok(Box::new(ThreadPoolCratePool { pool }))
    }
}

struct ThreadPoolCratePool {
    pool: threadpool::ThreadPool,
}

impl Pool for ThreadPoolCratePool {
    fn run(&self, workload: &Arc<dyn Workload>) -> Result<Vec<TaskOutcome>, ModelError> {
        let clock = BatchClock::start();
        let (results_tx, results_rx) = mpsc::channel();
        for index in 0..workload.tasks() {
            let (workload, results_tx) = (Arc::clone(workload), results_tx.clone());
            let enqueued = clock.elapsed();
            self.pool.execute(move || {
                let _ =
                    results_tx.send((index, run_task(workload.as_ref(), index, &clock, enqueued)));
            });
        }
        drop(results_tx);
        OutcomeSlots::collect(workload.tasks(), results_rx)
    }
}

impl Drop for ThreadPoolCratePool {
    fn drop(&mut self) {
        // threadpool's own Drop only detaches its threads; wait for them to go idle.
        self.pool.join();
    }
}
