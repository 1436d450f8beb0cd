//! Tracing a batch: which worker ran each task, read only in batches that ask for it.
//!
//! A timeline shows *how* a model scheduled its tasks — a work-stealing pool balancing uneven
//! tasks, a FIFO pool idling behind a long one, tokio interleaving thousands of waits on two
//! threads — and for that every task needs the worker that ran it. Reading it costs a
//! thread-local read (the OS thread id is asked of the kernel once per thread and kept), which
//! no timed batch should pay. So, like [`crate::without_task_stamps`], tracing is a guard held
//! on the thread that starts a batch: [`traced`]. Batches started there while it lives get a
//! [`crate::BatchClock`] that says so, and [`crate::run_task`] (and the models that time their
//! tasks themselves) put the worker in [`crate::TaskTiming::worker`]; every other batch leaves
//! it `None`, without a reading.

use std::cell::Cell;

use crate::clock::FlagGuard;

thread_local! {
    /// Whether batches started on this thread record each task's worker.
    static TRACING: Cell<bool> = const { Cell::new(false) };
    /// This thread's OS thread id, once asked.
    static OS_TID: Cell<u64> = const { Cell::new(0) };
}

/// Whether batches started on this thread now are traced (see [`traced`]): for a pool that
/// times its tasks in other processes and knows their workers itself.
pub fn tracing() -> bool {
    TRACING.with(Cell::get)
}

/// While the returned guard lives, batches started on this thread record which worker ran
/// each task (see the module docs). For the runner's untimed traced batches of each cell.
pub fn traced() -> Traced {
    Traced {
        _raised: FlagGuard::raise(&TRACING),
    }
}

/// The guard of [`traced`]; dropping it restores what was before. It stays on the thread that
/// made it.
#[derive(Debug)]
#[must_use = "tracing stops when the guard is dropped"]
pub struct Traced {
    _raised: FlagGuard,
}

/// The OS thread id of the calling thread (what `top -H` and `/proc/PID/task` show), asked of
/// the kernel once per thread.
pub fn os_thread_id() -> u64 {
    OS_TID.with(|cached| {
        if cached.get() == 0 {
            // SAFETY: gettid has no preconditions and cannot fail.
            let tid = unsafe { libc::gettid() };
            cached.set(u64::try_from(tid).unwrap_or_default());
        }
        cached.get()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_guard_traces_this_thread_only_while_it_lives() {
        assert!(!tracing());
        {
            let _guard = traced();
            assert!(tracing());
            assert!(!std::thread::spawn(tracing).join().unwrap());
        }
        assert!(!tracing());
    }

    #[test]
    fn threads_have_distinct_stable_ids() {
        let here = os_thread_id();
        assert_eq!(here, os_thread_id());
        let there = std::thread::spawn(os_thread_id).join().unwrap();
        assert_ne!(here, there);
        assert!(here > 0 && there > 0);
    }
}
