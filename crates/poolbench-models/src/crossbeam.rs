//! `crossbeam`: W scoped threads per batch, pulling task indices from a crossbeam channel.
//!
//! At the start of each batch the caller fills a crossbeam-channel MPMC queue with every task
//! index and starts W scoped threads (`std::thread::scope`); each one receives indices until
//! the queue is empty, runs them, and exits. Scoped threads may borrow the workload and the
//! result slots directly: no `Arc`, no `'static` bound, no result channel. crossbeam's channel
//! is lock-free on the fast path, so taking the next task is cheap and, since every worker is
//! busy until the queue is drained, nobody sleeps and needs waking. The price is W thread
//! spawns per batch (tens of microseconds each), paid inside the timed region. Pick this shape
//! for a burst of uniform work over borrowed data; for many small batches keep threads alive.
//! (Work stealing with crossbeam-deque is what the `rayon` model measures.) A task is
//! "enqueued" when its index is sent, before the workers start.

use std::sync::Arc;

use poolbench_core::{
    run_task, BatchClock, Model, ModelError, OutcomeSlots, Pool, TaskOutcome, Workload,
};

/// Scoped threads on a crossbeam MPMC channel as a model.
#[derive(Debug, Clone, Copy)]
pub struct Crossbeam;

impl Model for Crossbeam {
    fn name(&self) -> &'static str {
        "crossbeam"
    }

    fn summary(&self) -> &'static str {
        "W scoped threads per batch pulling indices from a crossbeam MPMC channel"
    }

    fn start(&self, workers: usize) -> Result<Box<dyn Pool>, ModelError> {
        ModelError::check_workers(workers)?;
        Ok(Box::new(CrossbeamPool { workers }))
    }
}

struct CrossbeamPool {
    workers: usize,
}

impl Pool for CrossbeamPool {
    fn run(&self, workload: &Arc<dyn Workload>) -> Result<Vec<TaskOutcome>, ModelError> {
        let clock = BatchClock::start();
        let slots = OutcomeSlots::new(workload.tasks());
        let (task_tx, task_rx) = crossbeam_channel::unbounded();
        for index in 0..workload.tasks() {
            // Unbounded and receiver alive: this send cannot fail.
            let _ = task_tx.send((index, clock.elapsed()));
        }
        drop(task_tx);
        std::thread::scope(|scope| -> Result<(), ModelError> {
            for id in 0..self.workers.min(workload.tasks().max(1)) {
                let (task_rx, slots) = (task_rx.clone(), &slots);
                std::thread::Builder::new()
                    .name(format!("crossbeam-{id}"))
                    .spawn_scoped(scope, move || {
                        for (index, enqueued) in task_rx {
                            slots.put(index, run_task(workload.as_ref(), index, &clock, enqueued));
                        }
                    })
                    .map_err(|e| ModelError::Internal {
                        message: format!("could not spawn crossbeam worker {id}: {e}"),
                    })?;
            }
            Ok(())
        })?;
        slots.into_outcomes()
    }
}
