//! `tokio-blocking`: every task through tokio's `spawn_blocking`, at most W at once.
//!
//! `spawn_blocking` is tokio's escape hatch for work that would stall an async worker: the
//! closure runs on a separate pool of *blocking* threads, created on demand and kept for a
//! while when idle. Capping that pool with `max_blocking_threads(W)` makes it a W-thread pool;
//! tasks beyond W wait in tokio's queue. Every task runs its blocking form (a sleeping task
//! really sleeps, holding its thread), so compared with the `tokio` model the same W waits
//! need W OS threads instead of a few. Per-task cost: a task allocation, a queue push and
//! usually a thread wake-up; threads are spawned lazily, the first time they are needed.
//! Pick it to call blocking code (file I/O, a sync library) from an async program.
//! A task is "enqueued" just before `spawn_blocking` is called.

use poolbench_core::{Descriptor, Marker, ModelStyle};
use std::sync::Arc;

use poolbench_core::{
    run_task, BatchClock, Model, ModelError, OutcomeSlots, Pool, TaskOutcome, Workload,
};

/// tokio's blocking pool as a model.
#[derive(Debug, Clone, Copy)]
pub struct TokioBlocking;

impl Model for TokioBlocking {
    fn descriptor(&self) -> Descriptor {
        Descriptor::new(
            "tokio-blocking",
            "every task via tokio::task::spawn_blocking on max_blocking_threads(W)",
        )
        .style(ModelStyle::new([140, 86, 75], Marker::Cross))
    }

    fn start(&self, workers: usize) -> Result<Box<dyn Pool>, ModelError> {
        ModelError::check_workers(workers)?;
        // One async worker is plenty: it only awaits the blocking tasks' handles.
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .max_blocking_threads(workers)
            .thread_name("tokio-blocking")
            .build()
            .map_err(|e| ModelError::Start {
                model: "tokio-blocking",
                message: e.to_string(),
            })?;
        Ok(Box::new(TokioBlockingPool { runtime }))
    }
}

struct TokioBlockingPool {
    runtime: tokio::runtime::Runtime,
}

impl Pool for TokioBlockingPool {
    fn run(&self, workload: &Arc<dyn Workload>) -> Result<Vec<TaskOutcome>, ModelError> {
        self.runtime.block_on(async {
            let clock = BatchClock::start();
            let handles: Vec<_> = (0..workload.tasks())
                .map(|index| {
                    let workload = Arc::clone(workload);
                    let enqueued = clock.elapsed();
                    tokio::task::spawn_blocking(move || {
                        run_task(workload.as_ref(), index, &clock, enqueued)
                    })
                })
                .collect();
            let mut outcomes = Vec::with_capacity(handles.len());
            for (index, handle) in handles.into_iter().enumerate() {
                let outcome = handle.await.map_err(|e| ModelError::Internal {
                    message: format!("blocking task {index} did not complete: {e}"),
                })?;
                outcomes.push((index, outcome));
            }
            OutcomeSlots::collect(workload.tasks(), outcomes)
        })
    }
}
