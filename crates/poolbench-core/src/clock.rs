//! The batch clock: every timestamp in a task's record is relative to the start of its batch.
//!
//! A task's record takes three readings (enqueued, started, finished), so on a no-op task the
//! clock is most of what poolbench adds to the model's own cost. `std::time::Instant::now()`
//! costs ~25 ns here (a vDSO `clock_gettime`); `quanta` reads the CPU's time-stamp counter
//! directly (~10 ns), scaled to the OS clock by a calibration done once per process, and falls
//! back to the OS clock where the counter is not reliable. Only differences within one batch
//! are used, so the two clocks never need to agree on an origin. `BatchClock::calibrate` runs
//! the calibration (up to ~200 ms) before anything is timed.
//!
//! Even ~10 ns a reading is a third of what a no-op task costs on the fastest pools. So a
//! caller that times only the whole batch — the runner's timed batches of CPU-bound work — asks
//! for no per-task readings with [`without_task_stamps`]: batches started on its thread while
//! the guard lives get a clock that reads nothing and answers zero, and the model's cost is
//! measured without the harness's stamps in it. The untimed batches still take them.

use std::cell::Cell;
use std::thread::LocalKey;
use std::time::Duration;

thread_local! {
    /// Whether batches started on this thread skip their per-task readings.
    static NO_TASK_STAMPS: Cell<bool> = const { Cell::new(false) };
}

/// A monotonic clock started when a batch starts; cheap to copy into every worker.
#[derive(Debug, Clone, Copy)]
pub struct BatchClock {
    /// `None` when the batch takes no per-task readings (see [`without_task_stamps`]).
    origin: Option<quanta::Instant>,
    /// Whether the batch records each task's worker (see [`crate::traced`]).
    traced: bool,
}

impl BatchClock {
    /// Starts the clock now (a clock that reads nothing while [`without_task_stamps`]'s guard
    /// lives on this thread).
    pub fn start() -> Self {
        let stamps = !NO_TASK_STAMPS.with(Cell::get);
        Self {
            traced: stamps && crate::trace::tracing(),
            origin: stamps.then(quanta::Instant::now),
        }
    }

    /// Whether this batch records which worker ran each task (see [`crate::traced`]).
    pub fn traces(&self) -> bool {
        self.traced
    }

    /// The calling thread's OS id when this batch is traced; `None`, without a reading,
    /// otherwise. Called on the worker as a task starts.
    pub fn worker(&self) -> Option<u64> {
        self.traced.then(crate::trace::os_thread_id)
    }

    /// Time since the batch started; zero, without reading the clock, when the batch takes no
    /// per-task readings.
    pub fn elapsed(&self) -> Duration {
        match self.origin {
            Some(origin) => quanta::Instant::now().saturating_duration_since(origin),
            None => Duration::ZERO,
        }
    }

    /// Whether this batch takes per-task readings (its tasks' timings are real).
    pub fn stamps_tasks(&self) -> bool {
        self.origin.is_some()
    }

    /// Calibrates the clock now, so that no timed batch pays for it.
    pub fn calibrate() {
        let _ = quanta::Instant::now();
    }
}

/// While the returned guard lives, batches started on this thread take no per-task readings:
/// their [`crate::TaskTiming`]s are all zero. For callers that time only whole batches.
pub fn without_task_stamps() -> NoTaskStamps {
    NoTaskStamps {
        _raised: FlagGuard::raise(&NO_TASK_STAMPS),
    }
}

/// The guard of [`without_task_stamps`]; dropping it restores what was before. It stays on the
/// thread that made it.
#[derive(Debug)]
#[must_use = "the per-task readings come back when the guard is dropped"]
pub struct NoTaskStamps {
    _raised: FlagGuard,
}

/// Raises one of this thread's flags while it lives and puts back what was there when dropped
/// (guards nest); it stays on the thread that made it. The guard behind
/// [`without_task_stamps`] and [`crate::traced`].
#[derive(Debug)]
pub(crate) struct FlagGuard {
    flag: &'static LocalKey<Cell<bool>>,
    before: bool,
    _not_send: std::marker::PhantomData<*const ()>,
}

impl FlagGuard {
    pub(crate) fn raise(flag: &'static LocalKey<Cell<bool>>) -> Self {
        Self {
            flag,
            before: flag.with(|c| c.replace(true)),
            _not_send: std::marker::PhantomData,
        }
    }
}

impl Drop for FlagGuard {
    fn drop(&mut self) {
        self.flag.with(|c| c.set(self.before));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elapsed_follows_the_os_clock() {
        let os = std::time::Instant::now();
        let clock = BatchClock::start();
        std::thread::sleep(Duration::from_millis(30));
        let ours = clock.elapsed();
        let theirs = os.elapsed();
        // Read inside the OS clock's interval: never longer than it (give or take rounding).
        assert!(ours >= Duration::from_millis(30), "{ours:?}");
        assert!(
            ours <= theirs + Duration::from_micros(100),
            "{ours:?} vs {theirs:?}"
        );
    }

    #[test]
    fn without_task_stamps_reads_nothing_on_this_thread_only_while_the_guard_lives() {
        {
            let _guard = without_task_stamps();
            let clock = BatchClock::start();
            assert!(!clock.stamps_tasks());
            std::thread::sleep(Duration::from_millis(2));
            assert_eq!(clock.elapsed(), Duration::ZERO);
            let elsewhere = std::thread::spawn(|| BatchClock::start().stamps_tasks());
            assert!(
                elsewhere.join().unwrap(),
                "other threads keep their readings"
            );
        }
        let clock = BatchClock::start();
        assert!(clock.stamps_tasks());
        std::thread::sleep(Duration::from_millis(2));
        assert!(clock.elapsed() >= Duration::from_millis(2));
    }
}
