//! The three process-pool models, one per start method.

use poolbench_core::{Descriptor, Marker, ModelStyle, StartNeeds, WorkerKind};
use std::time::Duration;

use poolbench_core::{Model, ModelError, Pool};

/// How worker processes come to exist (Python's `multiprocessing` start methods).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartMethod {
    /// `fork()` the caller directly: cheapest, and workers inherit the built workload
    /// (copy-on-write), but only safe while the caller is single-threaded.
    Fork,
    /// Exec one fresh, single-threaded helper once and have it fork each worker.
    Forkserver,
    /// Exec a fresh worker program per worker.
    Spawn,
}

/// A pool of W worker processes, as a model.
#[derive(Debug, Clone, Copy)]
pub struct ProcessModel {
    name: &'static str,
    method: StartMethod,
    task_timeout: Option<Duration>,
}

impl ProcessModel {
    /// `process`: the fork-server start method, the default (see the crate docs for why).
    pub const FORKSERVER: Self = Self::new("process", StartMethod::Forkserver);
    /// `process-fork`: fork the caller directly.
    pub const FORK: Self = Self::new("process-fork", StartMethod::Fork);
    /// `process-spawn`: exec a fresh worker per worker.
    pub const SPAWN: Self = Self::new("process-spawn", StartMethod::Spawn);

    const fn new(name: &'static str, method: StartMethod) -> Self {
        Self {
            name,
            method,
            task_timeout: None,
        }
    }

    /// The same model with a per-task time limit: a task still running after `limit` is
    /// reported as timed out and its worker is killed and replaced.
    pub const fn with_task_timeout(self, limit: Duration) -> Self {
        Self {
            task_timeout: Some(limit),
            ..self
        }
    }

    pub fn method(&self) -> StartMethod {
        self.method
    }

    pub fn task_timeout(&self) -> Option<Duration> {
        self.task_timeout
    }

    /// Starts a pool with `workers` processes, with access to process-specific calls such as
    /// [`crate::ProcessPool::run_unordered`].
    pub fn start_pool(&self, workers: usize) -> Result<crate::ProcessPool, ModelError> {
        crate::ProcessPool::start(*self, workers)
    }
}

impl Model for ProcessModel {
    fn descriptor(&self) -> Descriptor {
        let (summary, style, start) = match self.method {
            StartMethod::Forkserver => (
                "W worker processes forked by a single-threaded fork server (multiprocessing.Pool)",
                ModelStyle::new([227, 119, 194], Marker::Circle),
                StartNeeds::Nothing,
            ),
            StartMethod::Fork => (
                "W worker processes forked from the caller (needs a single-threaded caller)",
                ModelStyle::new([188, 189, 34], Marker::Triangle),
                StartNeeds::SingleThreadedCaller,
            ),
            StartMethod::Spawn => (
                "W freshly exec'd worker processes",
                ModelStyle::new([0, 0, 128], Marker::Ring),
                StartNeeds::Nothing,
            ),
        };
        Descriptor::new(self.name, summary)
            .workers(WorkerKind::Processes)
            .start(start)
            .style(style)
    }

    fn start(&self, workers: usize) -> Result<Box<dyn Pool>, ModelError> {
        Ok(Box::new(self.start_pool(workers)?))
    }
}
