//! Each concurrency library used bare: the least code that runs N no-op tasks on it with at
//! most W at once and hands every task's result back to the caller, with no poolbench code.
//!
//! These are the baselines of the harness ratio (model / bare): a poolbench model does the same
//! work plus what poolbench needs to measure and verify (three clock reads per task, a
//! `TaskOutcome` per task, panics caught), and the ratio says how much that adds. Every pool is
//! started before it is timed, as the models are; [`BarePool::run`] is one timed batch.

use std::collections::VecDeque;
use std::hint::black_box;
use std::iter;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Condvar, Mutex};
use std::thread::JoinHandle;

mod queues;

use queues::{CondvarPool, CrossbeamDeque};

/// The task every bare pool runs: a few instructions the optimiser cannot fold away.
pub fn task(index: usize) -> u64 {
    black_box(index as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

/// The results a batch of `tasks` must return, in order.
pub fn expected(tasks: usize) -> Vec<u64> {
    (0..tasks).map(task).collect()
}

/// A library started with W workers, ready to run batches of no-op tasks.
pub trait BarePool {
    /// Runs `tasks` tasks, at most W at once, and returns their results in input order.
    fn run(&self, tasks: usize) -> Vec<u64>;
}

/// A bare baseline: its name, the poolbench model it sits beside, whether it is *the* baseline
/// of that model's ratio (or a variant shown for the lesson), whether it is a library (the
/// ratio limit applies) or a plain loop, and how to start it.
#[derive(Debug, Clone, Copy)]
pub struct Baseline {
    pub name: &'static str,
    pub model: &'static str,
    pub primary: bool,
    pub library: bool,
    /// Tasks per batch, the same for the model it sits beside: 10,000, or 1,000 where each
    /// task costs tens of microseconds (a thread spawn).
    pub tasks: usize,
    pub start: fn(usize) -> Box<dyn BarePool>,
}

/// Tasks per batch of most baselines.
const TASKS: usize = 10_000;

/// Every bare baseline, in the order the models are listed.
pub const BASELINES: &[Baseline] = &[
    Baseline {
        name: "for-loop",
        model: "sequential",
        primary: true,
        library: false,
        tasks: TASKS,
        start: |_| Box::new(ForLoop),
    },
    Baseline {
        name: "thread-spawn",
        model: "thread-per-task",
        primary: true,
        library: true,
        tasks: TASKS / 10,
        start: |workers| Box::new(ThreadSpawn { workers }),
    },
    Baseline {
        name: "condvar-pool-naive",
        model: "handrolled",
        primary: true,
        library: true,
        tasks: TASKS,
        start: |workers| Box::new(CondvarPool::start(workers, Notify::EverySubmit)),
    },
    Baseline {
        name: "condvar-pool-notify-when-waiting",
        model: "handrolled",
        primary: false,
        library: true,
        tasks: TASKS,
        start: |workers| Box::new(CondvarPool::start(workers, Notify::WhenSomeoneWaits)),
    },
    Baseline {
        name: "threadpool",
        model: "threadpool",
        primary: true,
        library: true,
        tasks: TASKS,
        start: |workers| Box::new(threadpool::ThreadPool::new(workers)),
    },
    Baseline {
        name: "rayon-scope-spawn",
        model: "rayon",
        primary: true,
        library: true,
        tasks: TASKS,
        start: |workers| Box::new(rayon_pool(workers)),
    },
    Baseline {
        name: "crossbeam-deque",
        model: "crossbeam",
        primary: true,
        library: true,
        tasks: TASKS,
        start: |workers| Box::new(CrossbeamDeque::start(workers)),
    },
    Baseline {
        name: "tokio-spawn",
        model: "tokio",
        primary: true,
        library: true,
        tasks: TASKS,
        start: |workers| Box::new(TokioSpawn::start(workers, false)),
    },
    Baseline {
        name: "tokio-spawn-semaphore",
        model: "tokio",
        primary: false,
        library: true,
        tasks: TASKS,
        start: |workers| Box::new(TokioSpawn::start(workers, true)),
    },
    Baseline {
        name: "spawn-blocking",
        model: "tokio-blocking",
        primary: true,
        library: true,
        tasks: TASKS,
        start: |workers| Box::new(SpawnBlocking::start(workers)),
    },
];

fn into_results(slots: Vec<AtomicU64>) -> Vec<u64> {
    slots.into_iter().map(AtomicU64::into_inner).collect()
}

fn empty_slots(tasks: usize) -> Vec<AtomicU64> {
    iter::repeat_with(|| AtomicU64::new(0))
        .take(tasks)
        .collect()
}

struct ForLoop;

impl BarePool for ForLoop {
    fn run(&self, tasks: usize) -> Vec<u64> {
        (0..tasks).map(task).collect()
    }
}

/// `std::thread::spawn` per task; when W are alive, join the oldest first.
struct ThreadSpawn {
    workers: usize,
}

impl BarePool for ThreadSpawn {
    fn run(&self, tasks: usize) -> Vec<u64> {
        let mut results = vec![0; tasks];
        let mut alive: VecDeque<(usize, JoinHandle<u64>)> = VecDeque::new();
        for index in 0..tasks {
            if alive.len() == self.workers {
                let (done, handle) = alive.pop_front().expect("W threads alive");
                results[done] = handle.join().expect("task thread");
            }
            alive.push_back((index, std::thread::spawn(move || task(index))));
        }
        for (done, handle) in alive {
            results[done] = handle.join().expect("task thread");
        }
        results
    }
}

/// When a submit wakes a worker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Notify {
    /// Always: the textbook pool (and poolbench's `handrolled`).
    EverySubmit,
    /// Only when a worker is waiting on the Condvar: the fix the `handrolled` doc names.
    WhenSomeoneWaits,
}

fn collect(tasks: usize, received: impl IntoIterator<Item = (usize, u64)>) -> Vec<u64> {
    let mut results = vec![0; tasks];
    for (index, result) in received {
        results[index] = result;
    }
    results
}

impl BarePool for threadpool::ThreadPool {
    fn run(&self, tasks: usize) -> Vec<u64> {
        let (tx, rx) = mpsc::channel();
        for index in 0..tasks {
            let tx = tx.clone();
            self.execute(move || {
                let _ = tx.send((index, task(index)));
            });
        }
        drop(tx);
        collect(tasks, rx)
    }
}

fn rayon_pool(workers: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(workers)
        .build()
        .expect("rayon pool")
}

impl BarePool for rayon::ThreadPool {
    fn run(&self, tasks: usize) -> Vec<u64> {
        let slots = empty_slots(tasks);
        self.scope(|scope| {
            for (index, slot) in slots.iter().enumerate() {
                scope.spawn(move |_| slot.store(task(index), Ordering::Relaxed));
            }
        });
        into_results(slots)
    }
}

/// `tokio::spawn` per task from a task on a runtime of min(W, 2) threads, then every handle
/// awaited; with `semaphore`, a task takes one of W permits before it is spawned (poolbench's
/// `tokio` model before it spawned each task from the one that finished).
struct TokioSpawn {
    runtime: tokio::runtime::Runtime,
    workers: usize,
    semaphore: bool,
}

impl TokioSpawn {
    fn start(workers: usize, semaphore: bool) -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(
                workers.min(std::thread::available_parallelism().map_or(1, |n| n.get())),
            )
            .build()
            .expect("tokio runtime");
        Self {
            runtime,
            workers,
            semaphore,
        }
    }
}

impl BarePool for TokioSpawn {
    fn run(&self, tasks: usize) -> Vec<u64> {
        let (workers, semaphore) = (self.workers, self.semaphore);
        let driver = async move {
            let permits = Arc::new(tokio::sync::Semaphore::new(workers));
            let mut handles = Vec::with_capacity(tasks);
            for index in 0..tasks {
                let permit = if semaphore {
                    Some(Arc::clone(&permits).acquire_owned().await.expect("open"))
                } else {
                    None
                };
                handles.push(tokio::spawn(async move {
                    let result = task(index);
                    drop(permit);
                    result
                }));
            }
            let mut results = Vec::with_capacity(tasks);
            for handle in handles {
                results.push(handle.await.expect("task"));
            }
            results
        };
        self.runtime
            .block_on(self.runtime.spawn(driver))
            .expect("driver")
    }
}

/// `spawn_blocking` per task on `max_blocking_threads(W)`, handles awaited in order.
struct SpawnBlocking {
    runtime: tokio::runtime::Runtime,
}

impl SpawnBlocking {
    fn start(workers: usize) -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .max_blocking_threads(workers)
            .build()
            .expect("tokio runtime");
        Self { runtime }
    }
}

impl BarePool for SpawnBlocking {
    fn run(&self, tasks: usize) -> Vec<u64> {
        self.runtime.block_on(async {
            let handles: Vec<_> = (0..tasks)
                .map(|index| tokio::task::spawn_blocking(move || task(index)))
                .collect();
            let mut results = Vec::with_capacity(tasks);
            for handle in handles {
                results.push(handle.await.expect("task"));
            }
            results
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_baseline_returns_every_result_in_order() {
        for baseline in BASELINES {
            for workers in [1, 2, 5] {
                let pool = (baseline.start)(workers);
                for tasks in [0, 1, 37, 500] {
                    assert_eq!(pool.run(tasks), expected(tasks), "{}", baseline.name);
                }
            }
        }
    }
}
