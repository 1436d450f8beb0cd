//! `thread-per-task`: a fresh OS thread for every task, at most W alive at once.
//!
//! The naive way, and the one many first programs use: for each task, `std::thread::spawn` a
//! thread that runs it and exits. When W threads are alive the loop waits for one to finish
//! before spawning the next. A worker lives for exactly one task, so every task pays for
//! creating and destroying an OS thread (tens of microseconds: a stack mapping, a clone
//! syscall, scheduler work). That is invisible next to a 10 ms download and ruinous next to a
//! 1 µs computation. Pick it only for a handful of long tasks; prefer a pool otherwise.
//! A task is "enqueued" just before its thread is spawned, so its queue wait is the spawn time.

use poolbench_core::{Descriptor, Marker, ModelStyle};
use std::sync::{mpsc, Arc};

use poolbench_core::{
    run_task, BatchClock, Model, ModelError, OutcomeSlots, Pool, TaskOutcome, Workload,
};

/// A new `std::thread` per task, with at most W alive.
#[derive(Debug, Clone, Copy)]
pub struct ThreadPerTask;

impl Model for ThreadPerTask {
    fn descriptor(&self) -> Descriptor {
        Descriptor::new(
            "thread-per-task",
            "std::thread::spawn for every task, at most W alive: the naive way",
        )
        .style(ModelStyle::new([214, 39, 40], Marker::Triangle))
    }

    fn start(&self, workers: usize) -> Result<Box<dyn Pool>, ModelError> {
        ModelError::check_workers(workers)?;
        Ok(Box::new(ThreadPerTaskPool { workers }))
    }
}

struct ThreadPerTaskPool {
    workers: usize,
}

impl Pool for ThreadPerTaskPool {
    fn run(&self, workload: &Arc<dyn Workload>) -> Result<Vec<TaskOutcome>, ModelError> {
        let clock = BatchClock::start();
        let slots = OutcomeSlots::new(workload.tasks());
        let (finished_tx, finished_rx) = mpsc::channel::<()>();
        std::thread::scope(|scope| -> Result<(), ModelError> {
            let mut alive = 0;
            for index in 0..workload.tasks() {
                if alive == self.workers {
                    // Every thread signals once, after storing its outcome.
                    finished_rx.recv().map_err(|_| ModelError::Internal {
                        message: "a task thread ended without signalling".into(),
                    })?;
                    alive -= 1;
                }
                let (slots, finished_tx) = (&slots, finished_tx.clone());
                let enqueued = clock.elapsed();
                std::thread::Builder::new()
                    .name(format!("task-{index}"))
                    .spawn_scoped(scope, move || {
                        slots.put(index, run_task(workload.as_ref(), index, &clock, enqueued));
                        let _ = finished_tx.send(());
                    })
                    .map_err(|e| ModelError::Internal {
                        message: format!("could not spawn a thread for task {index}: {e}"),
                    })?;
                alive += 1;
            }
            Ok(())
        })?;
        slots.into_outcomes()
    }
}
