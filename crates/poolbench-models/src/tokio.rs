//! `tokio`: async tasks on a multi-thread tokio runtime, at most W in flight.
//!
//! tokio runs *futures*, not threads: a task that waits (a timer, a socket) yields its worker
//! thread back to the runtime, which runs another task meanwhile, and a reactor wakes the task
//! when its wait is over. So a handful of worker threads — here min(W, cores) — can keep
//! thousands of waits in flight. A semaphore of W permits caps the tasks in flight, so W means
//! what it means for every other model. Workloads with an async form (sleep, HTTP) run it;
//! CPU-bound workloads have none and run their blocking form inline on a worker thread, which
//! occupies that worker for the whole task (that is fine for computing, and exactly wrong for
//! blocking I/O). Per-task cost: a task allocation, a semaphore permit and a wake-up.
//! Pick tokio for many concurrent waits (network services, fan-out requests).
//! A task is "enqueued" once its permit is granted, just before `tokio::spawn`.

use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Duration;

use futures_util::FutureExt;
use poolbench_core::{
    logical_cores, panic_message, run_task, BatchClock, Model, ModelError, OutcomeSlots, Pool,
    TaskError, TaskOutcome, TaskTiming, Workload,
};
use tokio::sync::Semaphore;

/// The async tokio model.
#[derive(Debug, Clone, Copy)]
pub struct Tokio;

impl Model for Tokio {
    fn name(&self) -> &'static str {
        "tokio"
    }

    fn summary(&self) -> &'static str {
        "async tasks on a multi-thread runtime of min(W, cores) threads, W in flight"
    }

    fn start(&self, workers: usize) -> Result<Box<dyn Pool>, ModelError> {
        ModelError::check_workers(workers)?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(workers.min(logical_cores()))
            .thread_name("tokio-worker")
            .enable_all()
            .build()
            .map_err(|e| ModelError::Start {
                model: "tokio",
                message: e.to_string(),
            })?;
        Ok(Box::new(TokioPool { runtime, workers }))
    }
}

struct TokioPool {
    runtime: tokio::runtime::Runtime,
    workers: usize,
}

impl Pool for TokioPool {
    fn run(&self, workload: &Arc<dyn Workload>) -> Result<Vec<TaskOutcome>, ModelError> {
        // The submitting loop itself runs as a task on the runtime, as it would in an async
        // program: with W = 1 it shares the single worker with the tasks it spawns, instead of
        // paying a cross-thread wake-up per task from outside the runtime.
        let driver = submit_all(Arc::clone(workload), self.workers);
        self.runtime
            .block_on(self.runtime.spawn(driver))
            .map_err(|e| ModelError::Internal {
                message: format!("the tokio batch driver did not complete: {e}"),
            })?
    }
}

/// Spawns every task, waiting for one of the W permits before each, then collects them all.
async fn submit_all(
    workload: Arc<dyn Workload>,
    workers: usize,
) -> Result<Vec<TaskOutcome>, ModelError> {
    let clock = BatchClock::start();
    let permits = Arc::new(Semaphore::new(workers));
    let mut handles = Vec::with_capacity(workload.tasks());
    for index in 0..workload.tasks() {
        let permit =
            Arc::clone(&permits)
                .acquire_owned()
                .await
                .map_err(|e| ModelError::Internal {
                    message: format!("semaphore closed: {e}"),
                })?;
        let workload = Arc::clone(&workload);
        let enqueued = clock.elapsed();
        handles.push(tokio::spawn(async move {
            let outcome = run_task_async(workload.as_ref(), index, &clock, enqueued).await;
            drop(permit);
            outcome
        }));
    }
    let mut outcomes = Vec::with_capacity(handles.len());
    for (index, handle) in handles.into_iter().enumerate() {
        let outcome = handle.await.map_err(|e| ModelError::Internal {
            message: format!("tokio task {index} did not complete: {e}"),
        })?;
        outcomes.push((index, outcome));
    }
    OutcomeSlots::collect(workload.tasks(), outcomes)
}

/// Runs task `index` in its async form where it has one (awaiting it on this task), else in
/// its blocking form on the current worker thread. Panics become task errors either way.
async fn run_task_async(
    workload: &dyn Workload,
    index: usize,
    clock: &BatchClock,
    enqueued: Duration,
) -> TaskOutcome {
    let started = clock.elapsed();
    let Some(future) = workload.run_async(index) else {
        return run_task(workload, index, clock, enqueued);
    };
    let result = AssertUnwindSafe(future)
        .catch_unwind()
        .await
        .unwrap_or_else(|payload| {
            Err(TaskError::Panicked {
                message: panic_message(&*payload),
            })
        });
    TaskOutcome {
        result,
        timing: TaskTiming {
            enqueued,
            started,
            finished: clock.elapsed(),
        },
    }
}
