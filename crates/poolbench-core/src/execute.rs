//! Running one task the same way in every model: timed, with panics caught.
//!
//! Every model calls [`run_task`] on its worker, so "a panicking task becomes an error for that
//! task" and "start/finish are taken on the worker" hold for all of them by construction.

use std::any::Any;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::Duration;

use crate::{BatchClock, TaskError, TaskOutcome, TaskTiming, Workload};

/// Runs task `index` of `workload` in its blocking form on the current thread, recording its
/// start and finish on `clock`. A panic becomes [`TaskError::Panicked`] with its message.
pub fn run_task(
    workload: &dyn Workload,
    index: usize,
    clock: &BatchClock,
    enqueued: Duration,
) -> TaskOutcome {
    let _mark = crate::watch::mark_task(index, crate::watch::current_tick());
    let worker = clock.worker();
    let started = clock.elapsed();
    let result =
        catch_unwind(AssertUnwindSafe(|| workload.run_blocking(index))).unwrap_or_else(|payload| {
            Err(TaskError::Panicked {
                message: panic_message(&*payload),
            })
        });
    let finished = clock.elapsed();
    TaskOutcome {
        result,
        timing: TaskTiming {
            enqueued,
            started,
            finished,
            worker,
        },
    }
}

/// The text of a panic payload (`panic!("...")` gives a `&str` or a `String`).
pub fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "panic with a non-string payload".to_owned()
    }
}
