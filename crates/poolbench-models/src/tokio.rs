//! `tokio`: async tasks on a multi-thread tokio runtime, at most W in flight.
//!
//! tokio runs *futures*, not threads: a task that waits (a timer, a socket) yields its worker
//! thread back to the runtime, which runs another task meanwhile, and a reactor wakes the task
//! when its wait is over. So a handful of worker threads — here min(W, cores) — can keep
//! thousands of waits in flight. At most W tasks are in flight, so W means what it means for
//! every other model. Workloads with an async form (sleep, HTTP) run it; CPU-bound workloads
//! have none and run their blocking form inline on a worker thread, which occupies that worker
//! for the whole task (that is fine for computing, and exactly wrong for blocking I/O).
//!
//! How W is kept without a cost per task: the batch starts W tasks; each one, when it
//! finishes, takes the next index and spawns that task itself, so exactly one `tokio::spawn`
//! is paid per task and at most W are in flight. The obvious way — a submitting loop that
//! takes one of W semaphore permits before each spawn and then awaits every `JoinHandle`, which
//! this model did before — pays a cross-thread wake-up per task, because every released permit
//! wakes the submitting task again (`cargo bench -p poolbench-benches --bench bare -- noop`
//! measures both patterns bare: `tokio-spawn` and `tokio-spawn-semaphore`). Per-task cost
//! here: a task allocation, a spawn onto the local run queue and an atomic increment. The last
//! task to finish notifies the batch.
//! Pick tokio for many concurrent waits (network services, fan-out requests).
//! A task is "enqueued" just before its `tokio::spawn`.

use poolbench_core::{Descriptor, Marker, ModelStyle, WorkerKind};
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use futures_util::FutureExt;
use poolbench_core::watch::{task_timeout, MarkedFuture};
use poolbench_core::{
    logical_cores, panic_message, run_task, BatchClock, Model, ModelError, OutcomeSlots, Pool,
    TaskError, TaskOutcome, TaskTiming, Workload,
};
use tokio::sync::Notify;

/// The async tokio model.
#[derive(Debug, Clone, Copy)]
pub struct Tokio;

impl Model for Tokio {
    fn descriptor(&self) -> Descriptor {
        Descriptor::new(
            "tokio",
            "async tasks on a multi-thread runtime of min(W, cores) threads, W in flight",
        )
        .workers(WorkerKind::AsyncTasks)
        .style(ModelStyle::new([23, 190, 207], Marker::Ring))
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
        let done = Arc::new(Countdown {
            remaining: AtomicUsize::new(workload.tasks()),
            notify: Notify::new(),
        });
        let batch = Arc::new(Batch {
            workload: Arc::clone(workload),
            clock: BatchClock::start(),
            next: AtomicUsize::new(0),
            slots: OutcomeSlots::new(workload.tasks()),
            done: Arc::clone(&done),
        });
        // The first W tasks are spawned from a task on the runtime, as an async program would,
        // so they land on a worker's local queue rather than crossing in from outside.
        let first = Arc::clone(&batch);
        let workers = self.workers;
        self.runtime
            .block_on(self.runtime.spawn(async move {
                for _ in 0..workers {
                    spawn_next(&first);
                }
                drop(first);
                if done.remaining.load(Ordering::Acquire) > 0 {
                    // `notify_one` stores its permit if nobody waits yet: no lost wake-up.
                    done.notify.notified().await;
                }
            }))
            .map_err(|e| ModelError::Internal {
                message: format!("the tokio batch driver did not complete: {e}"),
            })?;
        let batch = Arc::into_inner(batch).ok_or_else(|| ModelError::Internal {
            message: "a tokio task still holds its batch after counting down".into(),
        })?;
        batch.slots.into_outcomes()
    }
}

/// One batch: what its tasks read, the next index to start and the slots they fill.
struct Batch {
    workload: Arc<dyn Workload>,
    clock: BatchClock,
    next: AtomicUsize,
    slots: OutcomeSlots,
    done: Arc<Countdown>,
}

/// Tasks still to finish; the last one notifies the batch driver.
struct Countdown {
    remaining: AtomicUsize,
    notify: Notify,
}

/// Spawns the batch's next task, if any is left. Called W times to start the batch and once
/// by every task as it finishes, which keeps at most W in flight.
fn spawn_next(batch: &Arc<Batch>) {
    let index = batch.next.fetch_add(1, Ordering::Relaxed);
    if index >= batch.workload.tasks() {
        return;
    }
    let batch = Arc::clone(batch);
    let enqueued = batch.clock.elapsed();
    tokio::spawn(async move {
        let outcome = run_task_async(batch.workload.as_ref(), index, &batch.clock, enqueued).await;
        batch.slots.put(index, outcome);
        spawn_next(&batch);
        // Let go of the batch before counting down, so that once the count reaches zero the
        // caller holds the only handle to it.
        let done = Arc::clone(&batch.done);
        drop(batch);
        if done.remaining.fetch_sub(1, Ordering::AcqRel) == 1 {
            done.notify.notify_one();
        }
    });
}

/// Runs task `index` in its async form where it has one (awaiting it on this task), else in
/// its blocking form on the current worker thread. Panics become task errors either way.
async fn run_task_async(
    workload: &dyn Workload,
    index: usize,
    clock: &BatchClock,
    enqueued: Duration,
) -> TaskOutcome {
    // The thread that first polls the task (a task may move between threads at its awaits).
    let worker = clock.worker();
    let started = clock.elapsed();
    let Some(future) = workload.run_async(index) else {
        return run_task(workload, index, clock, enqueued);
    };
    // Every poll marks its thread, so a poll that blocks forever is seen by the watchdog; a
    // task suspended past the time limit is cancelled here, as only async tasks can be.
    let future = AssertUnwindSafe(MarkedFuture::new(index, future)).catch_unwind();
    let caught = match task_timeout() {
        Some(limit) => tokio::time::timeout(limit, future)
            .await
            .unwrap_or_else(|_| {
                Ok(Err(TaskError::TimedOut {
                    seconds: limit.as_secs_f64(),
                }))
            }),
        None => future.await,
    };
    let result = caught.unwrap_or_else(|payload| {
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
            worker,
        },
    }
}
