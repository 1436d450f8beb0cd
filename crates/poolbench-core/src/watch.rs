//! Which task each thread is running, and since when: what lets poolbench notice a hung task
//! on a model that cannot kill it.
//!
//! A process pool can kill a worker that overruns its time limit. A thread cannot be killed,
//! and a task that never returns leaves its batch waiting forever. So every thread that runs
//! a task marks itself for the task's duration ([`run_task`](crate::run_task) does it for every
//! model): it writes the task's index and the current *tick* into a slot of its own. A
//! watchdog (the runner's) advances the tick at a fixed period while a batch runs and scans
//! the slots: a slot marked many ticks ago belongs to a task that has run that long.
//!
//! Why ticks, not clock readings: marking must cost almost nothing inside timed batches. A
//! mark is one read of a rarely written counter and two stores into a cache line owned by the
//! marking thread; the watchdog reads the lines only once per tick. The price is precision:
//! a task's age is known to one tick.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use crate::{BoxFuture, TaskResult};

/// The tick counter, advanced by whoever watches (see [`advance_tick`]).
static TICK: AtomicU64 = AtomicU64::new(0);

/// Every thread that has ever marked a task. Threads register once; slots of threads that
/// have exited are dropped on the next scan.
static SLOTS: Mutex<Vec<Arc<Slot>>> = Mutex::new(Vec::new());

/// The global per-task time limit, in nanoseconds (0: none); see [`set_task_timeout`].
static TASK_TIMEOUT_NS: AtomicU64 = AtomicU64::new(0);

/// One thread's mark, alone on its cache line so that marking never contends.
#[repr(align(64))]
#[derive(Debug, Default)]
struct Slot {
    /// The tick at which the running task started, plus one; 0 while the thread is idle.
    since: AtomicU64,
    task: AtomicUsize,
}

thread_local! {
    static MINE: Arc<Slot> = {
        let slot = Arc::new(Slot::default());
        SLOTS.lock().unwrap_or_else(PoisonError::into_inner).push(Arc::clone(&slot));
        slot
    };
}

/// Marks the current thread as running task `index` until the returned guard is dropped.
/// `started` is the tick at which the task began: [`current_tick`] for a task that starts now,
/// or an earlier reading for an async task resumed on this thread.
pub fn mark_task(index: usize, started: u64) -> TaskMark {
    // A thread being torn down has no slot left; such a thread runs no tasks.
    let _ = MINE.try_with(|slot| {
        slot.task.store(index, Ordering::Relaxed);
        slot.since.store(started + 1, Ordering::Release);
    });
    TaskMark {
        _not_send: std::marker::PhantomData,
    }
}

/// The current tick, for [`mark_task`].
pub fn current_tick() -> u64 {
    TICK.load(Ordering::Relaxed)
}

/// Clears the current thread's mark when dropped (the task returned or panicked).
#[derive(Debug)]
pub struct TaskMark {
    // The mark belongs to this thread's slot: the guard must be dropped here.
    _not_send: std::marker::PhantomData<*const ()>,
}

impl Drop for TaskMark {
    fn drop(&mut self) {
        let _ = MINE.try_with(|slot| slot.since.store(0, Ordering::Release));
    }
}

/// Advances the tick by one and returns the new value. Only a watchdog calls this, at a fixed
/// period, while it watches a batch.
pub fn advance_tick() -> u64 {
    TICK.fetch_add(1, Ordering::Relaxed) + 1
}

/// The task that has been running for the most ticks, if any has run for at least `ticks`:
/// `(task index, ticks it has run)`.
pub fn overdue(ticks: u64) -> Option<(usize, u64)> {
    running()
        .into_iter()
        .filter(|&(_, age)| age >= ticks)
        .max_by_key(|&(_, age)| age)
}

/// Every task running on a thread now: `(task index, ticks it has run)`.
fn running() -> Vec<(usize, u64)> {
    let now = current_tick();
    let mut slots = SLOTS.lock().unwrap_or_else(PoisonError::into_inner);
    // A slot only this list holds belongs to a thread that has exited.
    slots.retain(|slot| Arc::strong_count(slot) > 1);
    slots
        .iter()
        .filter_map(|slot| {
            let since = slot.since.load(Ordering::Acquire);
            let task = slot.task.load(Ordering::Relaxed);
            (since > 0).then(|| (task, now.saturating_sub(since - 1)))
        })
        .collect()
}

/// An async task's future, marking the thread that polls it for the length of every poll:
/// a poll that never returns (blocking work inside an async task) is seen like a hung thread.
pub struct MarkedFuture<'a> {
    inner: BoxFuture<'a, TaskResult>,
    index: usize,
    started: u64,
}

impl std::fmt::Debug for MarkedFuture<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MarkedFuture")
            .field("index", &self.index)
            .finish_non_exhaustive()
    }
}

impl<'a> MarkedFuture<'a> {
    /// Wraps task `index`'s future; its age counts from now.
    pub fn new(index: usize, inner: BoxFuture<'a, TaskResult>) -> Self {
        Self {
            inner,
            index,
            started: current_tick(),
        }
    }
}

impl Future for MarkedFuture<'_> {
    type Output = TaskResult;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<TaskResult> {
        let _mark = mark_task(self.index, self.started);
        self.inner.as_mut().poll(cx)
    }
}

/// Sets the per-task time limit that models able to enforce one themselves (process pools,
/// tokio's async tasks) read; `None` for no limit. The runner sets it for every cell.
pub fn set_task_timeout(limit: Option<Duration>) {
    let ns = limit.map_or(0, |d| {
        u64::try_from(d.as_nanos()).unwrap_or(u64::MAX).max(1)
    });
    TASK_TIMEOUT_NS.store(ns, Ordering::Relaxed);
}

/// The per-task time limit set by [`set_task_timeout`], if any.
pub fn task_timeout() -> Option<Duration> {
    match TASK_TIMEOUT_NS.load(Ordering::Relaxed) {
        0 => None,
        ns => Some(Duration::from_nanos(ns)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_marked_task_ages_with_the_ticks_and_clears_when_done() {
        // Other tests' threads may mark tasks too: look for this test's own index.
        let index = 987_654_321;
        let age = || running().into_iter().find(|&(task, _)| task == index);
        let mark = mark_task(index, current_tick());
        for _ in 0..1000 {
            advance_tick();
        }
        assert!(age().is_some_and(|(_, ticks)| ticks >= 1000), "{:?}", age());
        assert!(overdue(1000).is_some());
        drop(mark);
        assert_eq!(age(), None);
    }

    #[test]
    fn the_timeout_round_trips() {
        let before = task_timeout();
        set_task_timeout(Some(Duration::from_millis(1500)));
        assert_eq!(task_timeout(), Some(Duration::from_millis(1500)));
        set_task_timeout(None);
        assert_eq!(task_timeout(), None);
        set_task_timeout(before);
    }
}
