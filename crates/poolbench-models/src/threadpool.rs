//! `threadpool`: the `threadpool` crate's fixed pool of W threads.
//!
//! The classic pool from crates.io: W threads created up front, each receiving boxed jobs from
//! one shared channel (an `mpsc` receiver behind a mutex). `execute` sends a job; an idle
//! worker takes it. Results come back on a second channel tagged with their index. Its costs
//! are those of the hand-rolled pool (a lock and usually a wake-up per job) with a
//! battle-tested implementation that also respawns a worker whose job panicked. Pick it for a
//! simple, dependency-light pool of blocking work when you do not already use rayon or tokio.
//! A task is "enqueued" just before `execute` is called.

use poolbench_core::{Descriptor, Marker, ModelStyle};
use std::sync::{mpsc, Arc};

use poolbench_core::{
    run_task, BatchClock, Model, ModelError, OutcomeSlots, Pool, TaskOutcome, Workload,
};

/// The `threadpool` crate as a model.
#[derive(Debug, Clone, Copy)]
pub struct ThreadPoolCrate;

impl Model for ThreadPoolCrate {
    fn descriptor(&self) -> Descriptor {
        Descriptor::new(
            "threadpool",
            "the threadpool crate: W threads fed from one shared channel",
        )
        .style(ModelStyle::new([255, 127, 14], Marker::Cross))
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

/// What every job of one batch shares: one handle per job (an index and this), so a job costs
/// one reference count, as the bare program's costs one channel sender.
struct Batch {
    workload: Arc<dyn Workload>,
    clock: BatchClock,
    results: mpsc::Sender<(usize, TaskOutcome)>,
}

impl Pool for ThreadPoolCratePool {
    fn run(&self, workload: &Arc<dyn Workload>) -> Result<Vec<TaskOutcome>, ModelError> {
        let (results, results_rx) = mpsc::channel();
        let batch = Arc::new(Batch {
            workload: Arc::clone(workload),
            clock: BatchClock::start(),
            results,
        });
        for index in 0..workload.tasks() {
            let batch = Arc::clone(&batch);
            let enqueued = batch.clock.elapsed();
            self.pool.execute(move || {
                let outcome = run_task(batch.workload.as_ref(), index, &batch.clock, enqueued);
                let _ = batch.results.send((index, outcome));
            });
        }
        // The channel closes when the last job lets go of the batch.
        drop(batch);
        OutcomeSlots::collect(workload.tasks(), results_rx)
    }
}

impl Drop for ThreadPoolCratePool {
    fn drop(&mut self) {
        // threadpool's own Drop only detaches its threads; wait for them to go idle.
        self.pool.join();
    }
}
