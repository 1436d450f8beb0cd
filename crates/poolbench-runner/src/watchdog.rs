//! The watchdog: what ends a run that a hung task, or a stop that a batch never sees, would
//! otherwise keep alive forever.
//!
//! A process pool enforces the per-task time limit itself (it kills and replaces the worker),
//! and so do tokio's async tasks (they are cancelled). A thread cannot be killed: a task that
//! never returns keeps its batch, and the runner's thread waiting on it, blocked for good. So
//! while a thread model runs a batch, a watchdog thread advances the task-mark tick (see
//! [`poolbench_core::watch`]) and looks for a task older than the limit. When it finds one —
//! or when a stop (Ctrl-C, SIGTERM) has been pending for [`STOP_GRACE`] without the batch
//! returning — it hands the hung cell to the handler the CLI installed (which saves the
//! finished cells and the report) and ends the process: with [`EXIT_TASK_TIMED_OUT`] for a
//! timed-out task, 130 for an ignored stop. Nothing else can free a hung thread.

use std::sync::{Arc, Condvar, Mutex, OnceLock, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use poolbench_core::stop_requested;
use poolbench_core::watch::{advance_tick, overdue};

use crate::CellResult;

/// Exit status of a run that stopped because a task overran its time limit.
pub const EXIT_TASK_TIMED_OUT: u8 = 3;

/// Exit status of a run stopped by a signal (128 + SIGINT, as shells report it).
pub const EXIT_INTERRUPTED: u8 = 130;

/// How long a batch may go on after a stop was requested before the watchdog ends the run.
pub const STOP_GRACE: Duration = Duration::from_secs(2);

/// Why the watchdog ended the run.
#[derive(Debug, Clone, PartialEq)]
pub enum Expiry {
    /// Task `task` ran longer than `limit` on a model that cannot stop it.
    TaskTimedOut { task: usize, limit: Duration },
    /// A stop was requested and the running batch did not return within [`STOP_GRACE`].
    StopIgnored,
}

impl Expiry {
    /// The process exit status for this expiry.
    pub fn exit_code(&self) -> u8 {
        match self {
            Expiry::TaskTimedOut { .. } => EXIT_TASK_TIMED_OUT,
            Expiry::StopIgnored => EXIT_INTERRUPTED,
        }
    }
}

/// What the handler is given: why, and the cell that was running, marked as such.
#[derive(Debug, Clone)]
pub struct Expired {
    pub why: Expiry,
    /// The running cell: not verified, interrupted, its `model_error` saying what happened.
    pub cell: CellResult,
}

/// Called once, on the watchdog's thread, just before the process ends.
pub type Handler = Box<dyn Fn(&Expired) + Send + Sync>;

static HANDLER: OnceLock<Handler> = OnceLock::new();

/// Installs the handler that saves what can be saved before the watchdog ends the process.
/// Only the first call has an effect.
pub fn set_handler(handler: Handler) {
    let _ = HANDLER.set(handler);
}

/// A running watchdog; dropping it (the batch returned) stops and joins its thread.
#[derive(Debug)]
pub(crate) struct Watch {
    done: Arc<(Mutex<bool>, Condvar)>,
    thread: Option<JoinHandle<()>>,
}

impl Watch {
    /// Watches the batches of `cell` (a snapshot of the running cell) against `limit` per task.
    pub fn start(cell: &CellResult, limit: Duration) -> Self {
        let done = Arc::new((Mutex::new(false), Condvar::new()));
        let flag = Arc::clone(&done);
        let cell = cell.clone();
        let thread = std::thread::Builder::new()
            .name("watchdog".into())
            .spawn(move || watch(&flag, cell, limit))
            .ok();
        Self { done, thread }
    }

    /// Threads this watch adds to the process (its own), for thread counts to leave out.
    pub fn threads(&self) -> usize {
        usize::from(self.thread.is_some())
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        let (lock, wake) = &*self.done;
        *lock.lock().unwrap_or_else(PoisonError::into_inner) = true;
        wake.notify_one();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The tick period for a limit: fine enough to time a task to 1/16 of its limit, coarse
/// enough to wake rarely; never over 250 ms, so that a stop is seen quickly.
fn tick_for(limit: Duration) -> Duration {
    (limit / 16).clamp(Duration::from_millis(5), Duration::from_millis(250))
}

fn watch(done: &(Mutex<bool>, Condvar), cell: CellResult, limit: Duration) {
    let tick = tick_for(limit);
    let ticks = limit.as_nanos().div_ceil(tick.as_nanos()).max(1) as u64;
    let mut stop_seen: Option<Instant> = None;
    let (lock, wake) = done;
    let mut finished = lock.lock().unwrap_or_else(PoisonError::into_inner);
    loop {
        // Checked before waiting too: a batch that returned before this thread first took
        // the lock has already signalled, and waiting for the next tick would hold the
        // runner's join (and the next sample) for up to 250 ms.
        if *finished {
            return;
        }
        finished = wake
            .wait_timeout(finished, tick)
            .unwrap_or_else(PoisonError::into_inner)
            .0;
        if *finished {
            return;
        }
        advance_tick();
        // One tick of slack: a task marked just after a tick began is up to a tick younger.
        if let Some((task, _)) = overdue(ticks + 1) {
            expire(Expiry::TaskTimedOut { task, limit }, cell);
        }
        if stop_requested() {
            let since = *stop_seen.get_or_insert_with(Instant::now);
            if since.elapsed() >= STOP_GRACE {
                expire(Expiry::StopIgnored, cell);
            }
        }
    }
}

/// Marks the cell, lets the handler save what it can, and ends the process.
fn expire(why: Expiry, mut cell: CellResult) -> ! {
    cell.outcome.model_error = Some(describe(&why, &cell));
    cell.outcome.verified = false;
    cell.outcome.interrupted = true;
    let code = why.exit_code();
    let expired = Expired { why, cell };
    match HANDLER.get() {
        Some(handler) => handler(&expired),
        None => eprintln!(
            "poolbench: {}",
            expired
                .cell
                .outcome
                .model_error
                .as_deref()
                .unwrap_or_default()
        ),
    }
    std::process::exit(i32::from(code));
}

/// One line saying what happened, for the cell and the terminal.
pub fn describe(why: &Expiry, cell: &CellResult) -> String {
    match why {
        Expiry::TaskTimedOut { task, limit } => format!(
            "task {task} of {} ran longer than the task timeout ({:.3} s) on {} at W = {}; a \
             thread cannot be stopped, so the run stopped here (--task-timeout sets the limit)",
            cell.workload,
            limit.as_secs_f64(),
            cell.model,
            cell.workers
        ),
        Expiry::StopIgnored => format!(
            "stopped by a signal while a batch of {} on {} at W = {} was still running after {} s",
            cell.workload,
            cell.model,
            cell.workers,
            STOP_GRACE.as_secs()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_stay_between_bounds() {
        assert_eq!(
            tick_for(Duration::from_millis(10)),
            Duration::from_millis(5)
        );
        assert_eq!(
            tick_for(Duration::from_secs(1)),
            Duration::from_micros(62_500)
        );
        assert_eq!(
            tick_for(Duration::from_secs(600)),
            Duration::from_millis(250)
        );
    }

    #[test]
    fn a_watch_that_sees_nothing_overdue_ends_with_its_batch() {
        let cell = CellResult::new("noop", poolbench_core::WorkKind::Cpu, "rayon", 2, 4);
        // A long limit: tasks of other tests in this process must not look overdue.
        let watch = Watch::start(&cell, Duration::from_secs(600));
        assert_eq!(watch.threads(), 1);
        std::thread::sleep(Duration::from_millis(20));
        drop(watch);
    }
}
