//! Python's own pools beside the Rust models, in the same run, on the same inputs.
//!
//! The seed articles measure `multiprocessing.Pool`, its thread twin
//! `multiprocessing.dummy.Pool`, `concurrent.futures`' two executors and `imap_unordered`.
//! Each is a [`PythonModel`] here: an ordinary [`Model`] whose pool is a long-lived CPython
//! helper (`python/poolbench_helper.py`, with the workloads in `python/poolbench_workloads.py`)
//! running that Python pool. Starting the interpreter,
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

mod engine;
mod env;
mod helper;
mod pool;

use poolbench_core::{
    Descriptor, Language, Marker, Model, ModelError, ModelRole, ModelStyle, Pool, TaskPlace,
    WorkerKind,
};

pub use engine::{cluster_threads, use_cluster, Engine, SIZE_LIMIT};
pub use env::{
    probe as probe_interpreter, probe_within, python_env, PythonEnv, PROBE_LIMIT, PYTHON_VAR,
};
pub use helper::{HELPER_SOURCE, WORKLOADS_SOURCE};
pub use pool::check_foreign_task;

/// A Python pool, run by the helper.
#[derive(Debug)]
pub struct PythonModel {
    /// The helper's name for the pool (`POOLS` in the helper).
    pool: &'static str,
    /// Name, summary, what runs its tasks (the helper's main thread, its threads, or worker
    /// processes) and style.
    descriptor: Descriptor,
    /// The cluster engine it drives, if it is one (an optional package; a real cluster can
    /// replace the local one).
    engine: Option<Engine>,
}

impl PythonModel {
    /// A Python pool: its tasks run in the helper, another process, whatever runs them
    /// there; the plain loop is its language's baseline.
    const fn new(
        name: &'static str,
        pool: &'static str,
        summary: &'static str,
        workers: WorkerKind,
        style: ModelStyle,
    ) -> Self {
        let role = match workers {
            WorkerKind::Caller => ModelRole::Baseline,
            _ => ModelRole::Model,
        };
        Self {
            pool,
            descriptor: Descriptor::new(name, summary)
                .language(Language::Python)
                .role(role)
                .place(TaskPlace::OtherProcesses)
                .workers(workers)
                .style(style),
            engine: None,
        }
    }

    /// The same model, driving `engine`.
    const fn on(mut self, engine: Engine) -> Self {
        self.engine = Some(engine);
        self
    }

    /// The cluster engine it drives, if it is one.
    pub fn engine(&self) -> Option<Engine> {
        self.engine
    }
}

/// The workloads the helper implements (`WORKLOADS` in the helper).
pub const PYTHON_WORKLOADS: &[&str] = &["noop", "sum", "sleep", "http", "thumbnail", "py-task"];

/// Every Python model, in the order reports list them.
pub static PYTHON_MODELS: &[&PythonModel] = &[
    &PythonModel::new(
        "py-sequential",
        "sequential",
        "Python: a plain for loop (CPython's baseline)",
        WorkerKind::Caller,
        ModelStyle::new([0, 0, 0], Marker::Square),
    ),
    &PythonModel::new(
        "py-dummy-pool",
        "dummy-pool",
        "Python: multiprocessing.dummy.Pool(W).map, threads (S1); chunksize ceil(N/4W)",
        WorkerKind::Threads,
        ModelStyle::new([0, 128, 128], Marker::Diamond),
    ),
    &PythonModel::new(
        "py-pool",
        "pool",
        "Python: multiprocessing.Pool(W).map, fork()ed processes (S2, S4); chunksize ceil(N/4W)",
        WorkerKind::Processes,
        ModelStyle::new([128, 0, 0], Marker::Square),
    ),
    &PythonModel::new(
        "py-imap-unordered",
        "imap-unordered",
        "Python: multiprocessing.dummy.Pool(W).imap_unordered, results in completion order (S3)",
        WorkerKind::Threads,
        ModelStyle::new([230, 171, 2], Marker::Diamond),
    ),
    &PythonModel::new(
        "py-thread-executor",
        "thread-executor",
        "Python: concurrent.futures.ThreadPoolExecutor(W).map (S3, S4, S6-S8)",
        WorkerKind::Threads,
        ModelStyle::new([200, 0, 200], Marker::Square),
    ),
    &PythonModel::new(
        "py-process-executor",
        "process-executor",
        "Python: concurrent.futures.ProcessPoolExecutor(W).map, chunksize 1 (S6-S8)",
        WorkerKind::Processes,
        ModelStyle::new([0, 90, 50], Marker::Diamond),
    ),
    &PythonModel::new(
        "py-dask",
        "dask",
        "Python: Dask distributed, Client.map + gather over W one-thread worker processes \
         (a LocalCluster, or the cluster at --dask-scheduler)",
        WorkerKind::Processes,
        ModelStyle::new([166, 118, 29], Marker::Triangle),
    )
    .on(Engine::Dask),
    &PythonModel::new(
        "py-ray-pool",
        "ray-pool",
        "Python: Ray's ray.util.multiprocessing.Pool(W).map (Ray started locally with W CPUs, \
         or the cluster at --ray-address)",
        WorkerKind::Processes,
        ModelStyle::new([231, 41, 138], Marker::Cross),
    )
    .on(Engine::Ray),
];

impl Model for PythonModel {
    /// The tasks run in the helper (and its workers), outside this process: the runner's
    /// in-process watchdog cannot see them, so the pool enforces the time limit itself.
    fn descriptor(&self) -> Descriptor {
        self.descriptor
    }

    fn start(&self, workers: usize) -> Result<Box<dyn Pool>, ModelError> {
        ModelError::check_workers(workers)?;
        let env = python_env().map_err(|message| ModelError::Start {
            model: self.descriptor.name,
            message,
        })?;
        Ok(Box::new(pool::PythonPool::start(self, env, workers)?))
    }

    fn runs(&self, workload: &str) -> bool {
        PYTHON_WORKLOADS.contains(&workload)
    }
}

/// The Python model called `name`.
pub fn find_python_model(name: &str) -> Option<&'static PythonModel> {
    PYTHON_MODELS.iter().copied().find(|m| m.name() == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The helper's tables, read from its source, match the Rust side's.
    #[test]
    fn the_helper_knows_every_pool_and_workload() {
        for model in PYTHON_MODELS {
            assert!(
                HELPER_SOURCE.contains(&format!("    \"{}\": ", model.pool)),
                "pool {} missing from POOLS",
                model.pool
            );
            assert!(model.name().starts_with("py-"));
        }
        for workload in PYTHON_WORKLOADS {
            assert!(
                WORKLOADS_SOURCE.contains(&format!("\"{workload}\": ")),
                "{workload}"
            );
        }
    }
}
