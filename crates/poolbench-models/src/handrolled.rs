//! `handrolled`: a thread pool written with nothing but the standard library.
//!
//! This is the pool from a textbook, kept small enough to read aloud. W worker threads share
//! one queue: a `VecDeque` of boxed closures behind a `Mutex`, plus a `Condvar` that idle
//! workers sleep on. Submitting a job locks the queue, pushes the job and wakes one sleeper;
//! each worker loops "lock, pop a job (or sleep until there is one), unlock, run it". Results
//! travel back to the caller on an `mpsc` channel, tagged with their task index.
//!
//! What it costs: one lock round trip per job on each side, and one `notify_one` per submit,
//! whether or not anyone sleeps. That wake-up per submit (a futex syscall, and a context switch
//! when a worker is asleep) is its one big cost on short tasks, and it grows with W. The fix is
//! small: count the workers waiting on the Condvar (under the same lock) and notify only when
//! that count is above zero, as the `crossbeam` pool does. It is left out here on purpose, so
//! the lesson stays visible. `cargo bench -p poolbench-benches --bench bare -- noop` measures
//! the same pool bare both ways (`condvar-pool-naive`, `condvar-pool-notify-when-waiting`), and
//! docs/harness-cost.md ("What poolbench adds to each measurement") has the figures, with the W at which
//! the fix shows. What it buys: threads are created once, not per task. Dropping the pool is a
//! clean shutdown: it sets a flag, wakes everyone, lets the workers finish the jobs already
//! queued and joins them.
//! Pick something like it when you want to understand pools, or need one with no dependencies.
//! A task is "enqueued" just before it is pushed onto the queue.

use poolbench_core::{Descriptor, Marker, ModelStyle};
use std::collections::VecDeque;
use std::sync::{mpsc, Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;

use poolbench_core::{
    run_task, BatchClock, Model, ModelError, OutcomeSlots, Pool, TaskOutcome, Workload,
};

/// The hand-rolled Mutex + Condvar pool as a model.
#[derive(Debug, Clone, Copy)]
pub struct Handrolled;

impl Model for Handrolled {
    fn descriptor(&self) -> Descriptor {
        Descriptor::new(
            "handrolled",
            "W std threads sharing a Mutex<VecDeque> + Condvar queue, written to be read",
        )
        .style(ModelStyle::new([31, 119, 180], Marker::Ring))
    }

    fn start(&self, workers: usize) -> Result<Box<dyn Pool>, ModelError> {
        Ok(Box::new(HandrolledPool::new(workers)?))
    }
}

type Job = Box<dyn FnOnce() + Send + 'static>;

/// The queue and the shutdown flag, guarded together so a worker never misses either.
struct Queue {
    jobs: VecDeque<Job>,
    shutting_down: bool,
}

struct Shared {
    queue: Mutex<Queue>,
    job_available: Condvar,
}

impl Shared {
    /// Jobs never run while the lock is held and they catch their own panics, so a poisoned
    /// lock cannot hold a half-finished update: carrying on is safe.
    fn lock(&self) -> MutexGuard<'_, Queue> {
        self.queue.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A fixed set of worker threads running boxed jobs from one shared queue.
pub struct HandrolledPool {
    shared: Arc<Shared>,
    workers: Vec<JoinHandle<()>>,
}

impl std::fmt::Debug for HandrolledPool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HandrolledPool")
            .field("workers", &self.workers.len())
            .finish()
    }
}

impl HandrolledPool {
    /// Starts `workers` threads, all waiting for jobs.
    pub fn new(workers: usize) -> Result<Self, ModelError> {
        ModelError::check_workers(workers)?;
        let shared = Arc::new(Shared {
            queue: Mutex::new(Queue {
                jobs: VecDeque::new(),
                shutting_down: false,
            }),
            job_available: Condvar::new(),
        });
        let mut pool = Self {
            shared,
            workers: Vec::with_capacity(workers),
        };
        for id in 0..workers {
            let shared = Arc::clone(&pool.shared);
            let handle = std::thread::Builder::new()
                .name(format!("handrolled-{id}"))
                .spawn(move || worker_loop(&shared))
                .map_err(|e| ModelError::Start {
                    model: "handrolled",
                    message: e.to_string(),
                })?;
            // On an early return, `pool` is dropped and the threads started so far are joined.
            pool.workers.push(handle);
        }
        Ok(pool)
    }

    /// Queues a job; one sleeping worker is woken to run it.
    pub fn execute(&self, job: impl FnOnce() + Send + 'static) {
        self.shared.lock().jobs.push_back(Box::new(job));
        self.shared.job_available.notify_one();
    }
}

/// What every worker does until shutdown: take the next job, or sleep until there is one.
fn worker_loop(shared: &Shared) {
    loop {
        let job = {
            let mut queue = shared.lock();
            loop {
                if let Some(job) = queue.jobs.pop_front() {
                    break job;
                }
                if queue.shutting_down {
                    return;
                }
                queue = shared
                    .job_available
                    .wait(queue)
                    .unwrap_or_else(PoisonError::into_inner);
            }
        };
        // The lock is released here: other workers can take jobs while this one runs.
        job();
    }
}

impl Drop for HandrolledPool {
    fn drop(&mut self) {
        self.shared.lock().shutting_down = true;
        self.shared.job_available.notify_all();
        for worker in self.workers.drain(..) {
            let _ = worker.join();
        }
    }
}

impl Pool for HandrolledPool {
    fn run(&self, workload: &Arc<dyn Workload>) -> Result<Vec<TaskOutcome>, ModelError> {
        let clock = BatchClock::start();
        let (results_tx, results_rx) = mpsc::channel();
        for index in 0..workload.tasks() {
            let (workload, results_tx) = (Arc::clone(workload), results_tx.clone());
            let enqueued = clock.elapsed();
            self.execute(move || {
                let _ =
                    results_tx.send((index, run_task(workload.as_ref(), index, &clock, enqueued)));
            });
        }
        // Only the jobs hold senders now: if one is lost, the iterator ends instead of hanging.
        drop(results_tx);
        OutcomeSlots::collect(workload.tasks(), results_rx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    #[test]
    fn drop_finishes_queued_jobs_then_joins() {
        let done = Arc::new(AtomicUsize::new(0));
        {
            let pool = HandrolledPool::new(2).unwrap();
            for _ in 0..20 {
                let done = Arc::clone(&done);
                pool.execute(move || {
                    std::thread::sleep(Duration::from_millis(1));
                    done.fetch_add(1, Ordering::SeqCst);
                });
            }
        }
        assert_eq!(done.load(Ordering::SeqCst), 20);
    }

    #[test]
    fn a_panicking_job_does_not_kill_the_pool() {
        let pool = HandrolledPool::new(1).unwrap();
        pool.execute(|| {
            let _ = std::panic::catch_unwind(|| panic!("inside a job"));
        });
        let (tx, rx) = mpsc::channel();
        pool.execute(move || tx.send(7).unwrap());
        assert_eq!(rx.recv_timeout(Duration::from_secs(5)), Ok(7));
    }
}
