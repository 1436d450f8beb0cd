//! Python's own pools beside the Rust models, in the same run, on the same inputs.
//!
//! The seed articles measure `multiprocessing.Pool`, its thread twin
//! `multiprocessing.dummy.Pool`, `concurrent.futures`' two executors and `imap_unordered`.
//! Each is a [`PythonModel`] here: an ordinary [`Model`] whose pool is a long-lived CPython
//! helper (`python/poolbench_helper.py`) running that Python pool. Starting the interpreter,
//! importing Pillow and starting the pool's workers happen in `start`/`prepare`, outside the
//! timed batches, as a Rust pool's thread start-up does; a timed batch is one JSON request
//! and one JSON reply (tens of microseconds) around Python's own `map`.
//!
//! Python runs the same tasks on the same inputs: the workload hands over its
//! [`foreign_form`](poolbench_core::Workload::foreign_form) (file names, URLs, each task's
//! delay, the expected sum), and every Python task returns the checksum the Rust task
//! computes, so the sequential oracle verifies Python's outputs like any model's.
//!
//! Python is optional. [`python_env`] finds an interpreter with Pillow (the virtual
//! environment `scripts/python-setup.sh` makes, or `$POOLBENCH_PYTHON`) or says in one line
//! why there is none.

mod env;
mod helper;
mod pool;

use poolbench_core::{Language, Marker, Model, ModelError, ModelStyle, Pool, WorkerKind};

pub use env::{probe as probe_interpreter, python_env, PythonEnv, PYTHON_VAR};
pub use helper::HELPER_SOURCE;
pub use pool::check_foreign_task;

/// A Python pool, run by the helper.
#[derive(Debug)]
pub struct PythonModel {
    name: &'static str,
    /// The helper's name for the pool (`POOLS` in the helper).
    pool: &'static str,
    summary: &'static str,
    /// What runs its tasks: the helper's main thread, its threads, or worker processes.
    workers: WorkerKind,
    style: ModelStyle,
}

/// The workloads the helper implements (`WORKLOADS` in the helper).
pub const PYTHON_WORKLOADS: &[&str] = &["noop", "sum", "sleep", "http", "thumbnail", "py-task"];

/// Every Python model, in the order reports list them.
pub static PYTHON_MODELS: &[&PythonModel] = &[
    &PythonModel {
        name: "py-sequential",
        pool: "sequential",
        summary: "Python: a plain for loop (CPython's baseline)",
        workers: WorkerKind::Caller,
        style: ModelStyle::new([0, 0, 0], Marker::Square),
    },
    &PythonModel {
        name: "py-dummy-pool",
        pool: "dummy-pool",
        summary: "Python: multiprocessing.dummy.Pool(W).map, threads (S1); chunksize ceil(N/4W)",
        workers: WorkerKind::Threads,
        style: ModelStyle::new([0, 128, 128], Marker::Diamond),
    },
    &PythonModel {
        name: "py-pool",
        pool: "pool",
        summary:
            "Python: multiprocessing.Pool(W).map, fork()ed processes (S2, S4); chunksize ceil(N/4W)",
        workers: WorkerKind::Processes,
        style: ModelStyle::new([128, 0, 0], Marker::Square),
    },
    &PythonModel {
        name: "py-imap-unordered",
        pool: "imap-unordered",
        summary:
            "Python: multiprocessing.dummy.Pool(W).imap_unordered, results in completion order (S3)",
        workers: WorkerKind::Threads,
        style: ModelStyle::new([230, 171, 2], Marker::Diamond),
    },
    &PythonModel {
        name: "py-thread-executor",
        pool: "thread-executor",
        summary: "Python: concurrent.futures.ThreadPoolExecutor(W).map (S3, S4, S6-S8)",
        workers: WorkerKind::Threads,
        style: ModelStyle::new([200, 0, 200], Marker::Square),
    },
    &PythonModel {
        name: "py-process-executor",
        pool: "process-executor",
        summary: "Python: concurrent.futures.ProcessPoolExecutor(W).map, chunksize 1 (S6-S8)",
        workers: WorkerKind::Processes,
        style: ModelStyle::new([0, 90, 50], Marker::Diamond),
    },
];

impl Model for PythonModel {
    fn name(&self) -> &'static str {
        self.name
    }

    fn summary(&self) -> &'static str {
        self.summary
    }

    fn start(&self, workers: usize) -> Result<Box<dyn Pool>, ModelError> {
        ModelError::check_workers(workers)?;
        let env = python_env().map_err(|message| ModelError::Start {
            model: self.name,
            message,
        })?;
        Ok(Box::new(pool::PythonPool::start(self, env, workers)?))
    }

    /// The tasks run in the helper (and its workers), outside this process: the runner's
    /// in-process watchdog cannot see them, so the pool enforces the time limit itself.
    fn uses_processes(&self) -> bool {
        true
    }

    fn runs(&self, workload: &str) -> bool {
        PYTHON_WORKLOADS.contains(&workload)
    }

    fn language(&self) -> Language {
        Language::Python
    }

    fn worker_kind(&self) -> WorkerKind {
        self.workers
    }

    fn ignores_workers(&self) -> bool {
        self.workers == WorkerKind::Caller
    }
}

impl PythonModel {
    /// How reports draw it: squares and diamonds, in colours no Rust model uses.
    pub fn style(&self) -> ModelStyle {
        self.style
    }
}

/// The Python model called `name`.
pub fn find_python_model(name: &str) -> Option<&'static PythonModel> {
    PYTHON_MODELS.iter().copied().find(|m| m.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The helper's tables, read from its source, match the Rust side's.
    #[test]
    fn the_helper_knows_every_pool_and_workload() {
        let source = HELPER_SOURCE;
        for model in PYTHON_MODELS {
            assert!(
                source.contains(&format!("    \"{}\": ", model.pool)),
                "pool {} missing from POOLS",
                model.pool
            );
            assert!(model.name.starts_with("py-"));
        }
        for workload in PYTHON_WORKLOADS {
            assert!(source.contains(&format!("\"{workload}\": ")), "{workload}");
        }
    }
}
