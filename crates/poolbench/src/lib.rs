//! Which concurrency model should run *your* work?
//!
//! poolbench runs the same batch of tasks on every concurrency model — a sequential loop,
//! thread-per-task, a hand-rolled pool, `threadpool`, `rayon`, `crossbeam`, `tokio` (async and
//! `spawn_blocking`) and three process pools — verifies every model's outputs against the
//! sequential run, and reports medians with 95 % intervals, speedups, CPU, memory and threads.
//! This crate lets it run *your* tasks, the way criterion runs your functions: a bench target
//! with `harness = false` and one macro.
//!
//! ```toml
//! [dev-dependencies]
//! poolbench = { path = "…/poolbench/crates/poolbench" }
//!
//! [[bench]]
//! name = "my_work"
//! harness = false
//! ```
//!
//! ```no_run
//! // benches/my_work.rs
//! use poolbench::{Tasks, WorkKind};
//!
//! fn collatz_steps(mut n: u64) -> u32 {
//!     let mut steps = 0;
//!     while n != 1 {
//!         n = if n % 2 == 0 { n / 2 } else { 3 * n + 1 };
//!         steps += 1;
//!     }
//!     steps
//! }
//!
//! poolbench::main!(
//!     // Task i computes something from i; its output is hashed and checked against the
//!     // sequential run's, on every model.
//!     Tasks::new("collatz", WorkKind::Cpu, |i| {
//!         (1..20_000u64).map(|n| collatz_steps(n + i as u64)).max()
//!     })
//!     .tasks(32)
//! );
//! ```
//!
//! `cargo bench --bench my_work` then runs `collatz` on every model at the quick preset's
//! worker counts (CPU work at W = 1, 2, cores, 2 × cores; waiting work at 2, 4, 8) and writes
//! `target/poolbench/my_work/` (`results.json`, `index.html`, `README.md`, charts). Every flag
//! of `poolbench run` works after `--`: `--models rayon,tokio`, `--workers 1,8`, `--tasks 64`,
//! `--out DIR`, `--seed`, `--quiet`, `--task-timeout`, `--set collatz.KEY=VALUE`; `--list` lists
//! the bench's workloads. The results file is the one `poolbench run` writes, so `poolbench
//! compare`, `history` and `export` read it unchanged.
//!
//! # Two ways to write a workload
//! - [`Tasks`]: the common case in a few lines — a function of the task's index, its kind
//!   ([`WorkKind::Cpu`] computes, [`WorkKind::Io`] waits), optionally inputs prepared once
//!   ([`Tasks::with_input`]) and an async form for the async models ([`Tasks::with_async`]).
//! - [`Definition::custom`]: your own [`Workload`] implementation, for typed parameters,
//!   per-phase timings or your own ideal time.
//!
//! # What verification needs
//! A task's output must depend only on its index and the workload's inputs — never on the
//! time, the thread or process that runs it, or the order tasks run in. Outputs are hashed
//! with [`checksum_of`] (their [`Hash`](std::hash::Hash), through a hasher with no random
//! seed, mixed with the index). A workload that breaks the rule fails verification with a
//! message that says so. A panicking task, or a `try_` task's `Err`, is that task's error.
//!
//! # How the models run your code
//! Thread and async models call your task in the bench process. The process models run it in
//! worker processes: `process-fork` forks the bench process after your inputs are prepared;
//! `process` (a fork server) and `process-spawn` re-execute the bench binary itself as a
//! worker, which registers the same workloads (the [`main!`] expressions run again) and
//! prepares inputs from the same spec. So the expressions given to [`main!`] must be cheap and
//! deterministic, and inputs belong in `prepare`. See `docs/own-work.md` in the repository.

mod custom;
mod tasks;

pub use custom::Definition;
pub use tasks::Tasks;

pub use poolbench_core::{
    checksum_of, cpu_bound_ideal, ideal_from_serial, io_bound_ideal, BoxFuture, IdealInput,
    PhaseClock, PhaseTimes, StableHasher, TaskError, TaskOutput, TaskResult, WorkKind, Workload,
    WorkloadError, WorkloadSpec,
};

/// Turns a bench target (`harness = false`) into a poolbench run of the given workloads:
/// each argument is a [`Tasks`] or a [`Definition`]. See the [crate docs](crate).
///
/// The arguments are evaluated every time the binary starts — as the bench, and as each
/// worker process of the `process` and `process-spawn` models — so they should only describe
/// workloads; prepare inputs in [`Tasks::with_input`]'s `prepare` or in a custom build.
#[macro_export]
macro_rules! main {
    ($($workload:expr),+ $(,)?) => {
        fn main() -> ::std::process::ExitCode {
            $crate::run(
                ::std::env!("CARGO_CRATE_NAME"),
                ::std::vec![$($crate::Definition::from($workload)),+],
            )
        }
    };
}

/// What [`main!`] calls: registers `workloads` and runs the bench called `name` with this
/// process's arguments (or serves as its worker process or mock server, when started as one).
/// A name used twice, or one of poolbench's own workloads' names, is an error (exit 2).
pub fn run(name: &'static str, workloads: Vec<Definition>) -> std::process::ExitCode {
    for workload in workloads {
        if let Err(error) = workload.register() {
            eprintln!("{name}: error: {error}");
            return std::process::ExitCode::from(2);
        }
    }
    poolbench_cli::bench_main(name)
}
