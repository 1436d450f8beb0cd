//! A pool of worker *processes*: Rust's answer to Python's `multiprocessing.Pool`.
//!
//! Threads share one address space, so one crashing task (an abort, a segfault in a C
//! library) takes the whole program with it, and in Python they share one interpreter lock.
//! A process pool runs W separate worker processes instead. Each task is sent to an idle
//! worker as a small binary message (postcard, length-prefixed) over a Unix socket, and the
//! result comes back the same way. A worker builds the workload from its serialised spec once,
//! not per task. What processes cost: start-up (a fork or an exec per worker), a message round
//! trip per task (tens of microseconds instead of hundreds of nanoseconds), and memory per
//! worker. What they buy: isolation. A worker that dies mid-task fails that task only; the pool
//! reports how it died ("was killed by signal 11 (SIGSEGV)"), starts a replacement and finishes
//! the batch — where Python's `ProcessPoolExecutor` marks the whole pool broken. A per-task
//! timeout kills and replaces a worker that overruns.
//!
//! Three start methods, as in Python:
//! - `process-fork` forks the caller: fastest, and workers inherit the already built
//!   workload. But `fork()` copies only the calling thread: if another thread held a lock
//!   (the allocator's, stdout's), the child can deadlock on it. So it is refused unless the
//!   caller is single-threaded.
//! - `process` (**the default: fork server**) execs one fresh, single-threaded helper and asks
//!   it to fork each worker: fork's cheap start without the thread hazard, whatever threads the
//!   caller has (a test harness, a tokio runtime, a progress bar). Python 3.14 made it the
//!   default on Linux for the same reason.
//! - `process-spawn` execs a fresh worker program per worker: the slowest start, and the most
//!   independent of the caller.
//!
//! The parent drives all workers from the calling thread with `poll()`, adding no threads.
//! Dropping the pool asks workers to exit, kills any that do not within 2 s, and reaps them
//! all: no zombies. Workers also ask the kernel to kill them if their parent dies
//! (`PR_SET_PDEATHSIG`), and Ctrl-C reaches them through the terminal's process group.
//! Linux only (it reads `/proc` and uses `prctl`).

#[cfg(target_os = "linux")]
mod command;
#[cfg(target_os = "linux")]
mod fdpass;
mod model;
#[cfg(target_os = "linux")]
mod pool;
#[cfg(target_os = "linux")]
mod protocol;
#[cfg(target_os = "linux")]
mod status;
#[cfg(target_os = "linux")]
mod usage;
#[cfg(target_os = "linux")]
mod worker;

#[cfg(target_os = "linux")]
pub use command::{set_worker_command, WorkerCommand};
pub use model::{ProcessModel, StartMethod};
#[cfg(target_os = "linux")]
pub use pool::ProcessPool;
#[cfg(target_os = "linux")]
pub use usage::{context_switches, cpu_seconds, descendants, parent_of, process_group};
pub use worker::{tie_to_parent, worker_main};

/// Elsewhere the process models exist (so names and registries are the same) but refuse to start.
#[cfg(not(target_os = "linux"))]
mod unsupported {
    /// Never constructed: process pools need Linux.
    #[derive(Debug)]
    pub enum ProcessPool {}

    impl poolbench_core::Pool for ProcessPool {
        fn run(
            &self,
            _: &std::sync::Arc<dyn poolbench_core::Workload>,
        ) -> Result<Vec<poolbench_core::TaskOutcome>, poolbench_core::ModelError> {
            match *self {}
        }
    }

    impl ProcessPool {
        pub(crate) fn start(
            model: crate::ProcessModel,
            _: usize,
        ) -> Result<Self, poolbench_core::ModelError> {
            use poolbench_core::Model;
            Err(poolbench_core::ModelError::Start {
                model: model.name(),
                message: "process pools are implemented for Linux only".into(),
            })
        }
    }
}
#[cfg(not(target_os = "linux"))]
pub use unsupported::ProcessPool;
