//! `crossbeam`: a work-stealing pool assembled by hand from crossbeam-deque — how work
//! stealing works, with every part in view.
//!
//! rayon and tokio are built from the same three parts, which crossbeam-deque sells loose:
//!
//! - a global **`Injector`**: a queue anyone may push to; the caller puts every new job here;
//! - a **`Worker`** deque per thread: its owner pushes and pops at one end with no lock and no
//!   contention (it is the only one touching that end);
//! - a **`Stealer`** per deque, shared with everyone: another thread can take jobs from the
//!   other end of that deque when it has nothing to do.
//!
//! Each of the W threads looks for its next job in that order: its own deque; then the
//! injector, taking a *batch* of jobs into its own deque (one trip to the shared queue pays for
//! several jobs); then the other threads' deques, stealing one job. Work flows to whichever
//! thread is free, and the shared queue is touched once per batch instead of once per job —
//! compare the `handrolled` pool, where every job crosses one `Mutex`.
//!
//! A thread that finds nothing anywhere yields and looks again a few times, then goes to sleep
//! on a `Condvar` — and this is where pools win or lose on short tasks: waking a thread is a
//! futex call and a context switch, several times the cost of the job itself. So the caller
//! queues a whole batch and then wakes sleepers once, and only if someone is actually asleep
//! (a counter of sleepers, read after the pushes); a thread that has just grabbed several jobs
//! wakes one more sleeper to steal from it. A sleeper announces itself, then looks at the
//! queues once more before waiting, so a job pushed meanwhile is never missed. A job is plain
//! data (the batch, the task index), so queuing it allocates nothing.
//!
//! The threads are started once, with the pool, outside any timed batch. Results go straight
//! into their task's slot; the last task of a batch unparks the caller. Dropping the pool lets
//! the threads finish the jobs already queued and joins them.
//! Pick a work-stealing pool (in practice rayon's) for CPU-bound work of uneven sizes; build
//! one like this to see why it is fast. A task is "enqueued" just before its job is pushed.

use poolbench_core::{Descriptor, Marker, ModelStyle};
use std::iter;
use std::sync::atomic::{fence, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::{JoinHandle, Thread};
use std::time::Duration;

use crossbeam_deque::{Injector, Steal, Stealer, Worker};
use poolbench_core::{
    run_task, BatchClock, Model, ModelError, OutcomeSlots, Pool, TaskOutcome, Workload,
};

/// The hand-assembled work-stealing pool as a model.
#[derive(Debug, Clone, Copy)]
pub struct Crossbeam;

impl Model for Crossbeam {
    fn descriptor(&self) -> Descriptor {
        Descriptor::new(
            "crossbeam",
            "W threads work-stealing through crossbeam-deque: an Injector, a deque each, Stealers",
        )
        .style(ModelStyle::new([148, 103, 189], Marker::Triangle))
    }

    fn start(&self, workers: usize) -> Result<Box<dyn Pool>, ModelError> {
        Ok(Box::new(StealingPool::new(workers)?))
    }
}

/// One task of a batch. A job is plain data, not a boxed closure: pushing it allocates
/// nothing, and the thread that takes it knows what to do with it.
struct Job {
    batch: Arc<Batch>,
    index: usize,
    enqueued: Duration,
}

impl Job {
    /// Runs the task, stores its outcome and counts the batch down (the last task unparks the
    /// caller). Tasks catch their own panics, so every job counts down exactly once.
    fn run(self) {
        let Job {
            batch,
            index,
            enqueued,
        } = self;
        let outcome = run_task(batch.workload.as_ref(), index, &batch.clock, enqueued);
        batch.slots.put(index, outcome);
        if batch.remaining.fetch_sub(1, Ordering::AcqRel) == 1 {
            batch.caller.unpark();
        }
    }
}

/// What every thread of the pool shares.
struct Shared {
    injector: Injector<Job>,
    stealers: Vec<Stealer<Job>>,
    /// How many threads are asleep (or about to be) on `wake`.
    sleepers: AtomicUsize,
    /// Set once, by `Drop`; guarded by the lock sleepers wait with.
    shutting_down: Mutex<bool>,
    wake: Condvar,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, bool> {
        self.shutting_down
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// The next job for the thread owning `local`: its own deque first, then a batch from the
    /// injector, then one job stolen from another thread. `None` once every queue is empty.
    fn find_job(&self, local: &Worker<Job>) -> Option<Job> {
        if let Some(job) = local.pop() {
            return Some(job);
        }
        // `Retry` means another thread raced us on that queue: look again.
        iter::repeat_with(|| {
            let from_injector = self.injector.steal_batch_and_pop(local);
            if from_injector.is_success() && !local.is_empty() {
                // We hold more than we can run at once: let a sleeper steal some.
                self.wake(1);
            }
            from_injector.or_else(|| self.stealers.iter().map(Stealer::steal).collect())
        })
        .find(|steal| !steal.is_retry())
        .and_then(Steal::success)
    }

    fn has_work(&self) -> bool {
        !self.injector.is_empty() || self.stealers.iter().any(|s| !s.is_empty())
    }

    /// Wakes up to `n` sleeping threads, if any is asleep. Costs a fence and one atomic read
    /// when none is.
    fn wake(&self, n: usize) {
        // Pairs with the fence in `sleep`: either we see its sleeper, or it sees our job.
        fence(Ordering::SeqCst);
        let sleepers = self.sleepers.load(Ordering::SeqCst);
        if sleepers > 0 {
            // Taking the lock means a thread that announced itself is already waiting.
            let _guard = self.lock();
            if n >= sleepers {
                self.wake.notify_all();
            } else {
                (0..n).for_each(|_| self.wake.notify_one());
            }
        }
    }

    /// Sleeps until woken, unless work arrived meanwhile. `false` once the pool shuts down.
    fn sleep(&self) -> bool {
        let shutting_down = self.lock();
        if *shutting_down {
            return false;
        }
        self.sleepers.fetch_add(1, Ordering::SeqCst);
        fence(Ordering::SeqCst);
        if !self.has_work() {
            // The lock is released while waiting and held again on waking.
            drop(self.wake.wait(shutting_down));
        }
        self.sleepers.fetch_sub(1, Ordering::SeqCst);
        true
    }
}

/// How many times an idle thread yields and looks again before it goes to sleep.
const IDLE_ROUNDS: u32 = 32;

/// What every thread does until shutdown: run the next job it can find; when there is none,
/// yield a few times (a job usually arrives within microseconds, cheaper to catch awake than
/// to be woken for), then sleep.
fn worker_loop(shared: &Shared, local: &Worker<Job>) {
    let mut idle_rounds = 0;
    loop {
        if let Some(job) = shared.find_job(local) {
            idle_rounds = 0;
            job.run();
        } else if idle_rounds < IDLE_ROUNDS {
            idle_rounds += 1;
            std::thread::yield_now();
        } else if shared.sleep() {
            idle_rounds = 0;
        } else {
            return;
        }
    }
}

/// W threads scheduling jobs by work stealing.
pub struct StealingPool {
    shared: Arc<Shared>,
    threads: Vec<JoinHandle<()>>,
}

impl std::fmt::Debug for StealingPool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StealingPool")
            .field("threads", &self.threads.len())
            .finish()
    }
}

impl StealingPool {
    /// Starts `workers` threads, each with its own deque, all asleep until jobs arrive.
    pub fn new(workers: usize) -> Result<Self, ModelError> {
        ModelError::check_workers(workers)?;
        let deques: Vec<Worker<Job>> = (0..workers).map(|_| Worker::new_lifo()).collect();
        let shared = Arc::new(Shared {
            injector: Injector::new(),
            stealers: deques.iter().map(Worker::stealer).collect(),
            sleepers: AtomicUsize::new(0),
            shutting_down: Mutex::new(false),
            wake: Condvar::new(),
        });
        let mut pool = Self {
            shared,
            threads: Vec::with_capacity(workers),
        };
        for (id, local) in deques.into_iter().enumerate() {
            let shared = Arc::clone(&pool.shared);
            let thread = std::thread::Builder::new()
                .name(format!("crossbeam-{id}"))
                .spawn(move || worker_loop(&shared, &local))
                .map_err(|e| ModelError::Start {
                    model: "crossbeam",
                    message: e.to_string(),
                })?;
            // On an early return, `pool` is dropped and the threads started so far are joined.
            pool.threads.push(thread);
        }
        Ok(pool)
    }
}

impl Drop for StealingPool {
    fn drop(&mut self) {
        *self.shared.lock() = true;
        self.shared.wake.notify_all();
        for thread in self.threads.drain(..) {
            let _ = thread.join();
        }
    }
}

/// One batch: what its jobs read, the slots they fill, and the count of jobs still to run.
struct Batch {
    workload: Arc<dyn Workload>,
    clock: BatchClock,
    slots: OutcomeSlots,
    remaining: AtomicUsize,
    caller: Thread,
}

impl Pool for StealingPool {
    fn run(&self, workload: &Arc<dyn Workload>) -> Result<Vec<TaskOutcome>, ModelError> {
        let tasks = workload.tasks();
        let batch = Arc::new(Batch {
            workload: Arc::clone(workload),
            clock: BatchClock::start(),
            slots: OutcomeSlots::new(tasks),
            remaining: AtomicUsize::new(tasks),
            caller: std::thread::current(),
        });
        // Queue the whole batch, then wake sleepers once: one wake-up per sleeping thread,
        // not one per task. Threads still awake (spinning) start on the first job at once.
        for index in 0..tasks {
            let enqueued = batch.clock.elapsed();
            self.shared.injector.push(Job {
                batch: Arc::clone(&batch),
                index,
                enqueued,
            });
        }
        self.shared.wake(tasks);
        while batch.remaining.load(Ordering::Acquire) > 0 {
            std::thread::park();
        }
        // Every job has counted down; the last ones may still be letting go of their handle
        // to the batch, which takes a few instructions.
        let mut batch = batch;
        let batch = loop {
            match Arc::try_unwrap(batch) {
                Ok(batch) => break batch,
                Err(shared) => {
                    batch = shared;
                    std::thread::yield_now();
                }
            }
        };
        batch.slots.into_outcomes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use poolbench_core::WorkloadSpec;
    use poolbench_workloads::BuildContext;

    fn workload(name: &str, tasks: usize) -> Arc<dyn Workload> {
        poolbench_workloads::build(&WorkloadSpec::new(name, tasks), &BuildContext::default())
            .unwrap()
    }

    fn all_succeed(outcomes: &[TaskOutcome]) -> bool {
        outcomes.iter().all(|o| o.result.is_ok())
    }

    #[test]
    fn sleeping_threads_wake_for_batches_submitted_later() {
        let pool = StealingPool::new(3).unwrap();
        let noop = workload("noop", 50);
        for round in 0..40 {
            if round % 10 == 0 {
                // Long enough for every thread to have gone to sleep.
                std::thread::sleep(Duration::from_millis(20));
            }
            let outcomes = pool.run(&noop).unwrap();
            assert_eq!(outcomes.len(), 50);
            assert!(all_succeed(&outcomes));
        }
    }

    #[test]
    fn waiting_tasks_spread_over_every_thread() {
        // 8 sleeps of 10 ms on 4 threads take two rounds, not eight: jobs taken into one
        // thread's deque are stolen by the others.
        let pool = StealingPool::new(4).unwrap();
        let sleeps = workload("sleep", 8);
        let outcomes = pool.run(&sleeps).unwrap();
        assert!(all_succeed(&outcomes));
        let overlapping = outcomes
            .iter()
            .filter(|o| o.timing.started < outcomes[0].timing.finished)
            .count();
        assert!(overlapping >= 2, "tasks ran one after another");
    }

    #[test]
    fn drop_joins_every_thread() {
        let pool = StealingPool::new(2).unwrap();
        assert!(all_succeed(&pool.run(&workload("noop", 10)).unwrap()));
        drop(pool);
    }
}
