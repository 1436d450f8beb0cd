//! The parent side: starting worker processes, handing out tasks, surviving their deaths.
//!
//! The pool is driven from the calling thread alone, with `poll()` over the workers' sockets:
//! it adds no thread to the process, so a caller that was single-threaded stays so and the
//! `fork` start method can keep forking replacements safely.
//!
//! One job per module: [`launch`] starts workers (by each start method) and the fork server,
//! [`load`] makes them hold a workload, [`schedule`] hands out a batch and survives deaths and
//! overruns, [`reap`] ends workers and accounts for what they used. What runs *in* a worker —
//! the forked child included — lives in `crate::worker`.

mod launch;
mod load;
mod reap;
mod schedule;

use std::cell::RefCell;
use std::collections::VecDeque;
use std::os::unix::net::UnixStream;
use std::process::Child;
use std::sync::Arc;
use std::time::{Duration, Instant};

use poolbench_core::{ChildUsage, Model, ModelError, OutcomeSlots, Pool, TaskOutcome, Workload};

use crate::command::{worker_command, WorkerCommand};
use crate::model::{ProcessModel, StartMethod};
use crate::protocol::{write_frame, ServerRequest};
use crate::usage;

use launch::ensure_single_threaded;

/// How long a worker gets to exit after `Exit` before it is killed.
const EXIT_GRACE: Duration = Duration::from_secs(2);

/// W worker processes and the state needed to keep them serving.
pub struct ProcessPool {
    model: ProcessModel,
    size: usize,
    command: Option<WorkerCommand>,
    state: RefCell<State>,
}

impl std::fmt::Debug for ProcessPool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let pids: Vec<i32> = self
            .state
            .borrow()
            .slots
            .iter()
            .map(|s| s.worker.pid)
            .collect();
        f.debug_struct("ProcessPool")
            .field("model", &self.model.name())
            .field("pids", &pids)
            .finish()
    }
}

struct State {
    slots: Vec<Slot>,
    server: Option<ForkServer>,
    loaded: Option<Loaded>,
    dead_cpu_s: f64,
    peak_rss_bytes: u64,
    /// Voluntary and involuntary context switches of workers already reaped.
    dead_switches: (u64, u64),
}

/// A worker and the tasks sent to it: the first is running (or about to), the rest wait in
/// its socket so it never sleeps between tasks.
struct Slot {
    worker: Worker,
    queue: VecDeque<InFlight>,
    /// When the running task overruns the model's task timeout.
    deadline: Option<Instant>,
}

impl Slot {
    fn new(worker: Worker) -> Self {
        Self {
            worker,
            queue: VecDeque::new(),
            deadline: None,
        }
    }
}

struct InFlight {
    index: usize,
    enqueued_ns: u64,
}

struct Worker {
    pid: i32,
    socket: UnixStream,
    origin: Origin,
}

enum Origin {
    /// Exec'd by us (`spawn`): a `Child` to wait for.
    Spawned(Child),
    /// Forked by us (`fork`): our child, waited for with waitpid.
    Forked,
    /// Forked by the fork server: its child, which it waits for on request.
    FromServer,
}

struct ForkServer {
    child: Child,
    control: UnixStream,
}

/// The workload the workers currently hold.
struct Loaded {
    workload: Arc<dyn Workload>,
    spec_json: String,
}

impl ProcessPool {
    pub(crate) fn start(model: ProcessModel, workers: usize) -> Result<Self, ModelError> {
        ModelError::check_workers(workers)?;
        let start_error = |message: String| ModelError::Start {
            model: model.name(),
            message,
        };
        let command = match model.method() {
            StartMethod::Fork => {
                ensure_single_threaded().map_err(start_error)?;
                None
            }
            _ => Some(worker_command().map_err(start_error)?),
        };
        let pool = Self {
            model,
            size: workers,
            command,
            state: RefCell::new(State {
                slots: Vec::with_capacity(workers),
                server: None,
                loaded: None,
                dead_cpu_s: 0.0,
                peak_rss_bytes: 0,
                dead_switches: (0, 0),
            }),
        };
        {
            let mut st = pool.state.borrow_mut();
            if model.method() == StartMethod::Forkserver {
                st.server = Some(pool.start_server().map_err(start_error)?);
            }
            // `fork` workers are forked once the workload is known, so they inherit it.
            if model.method() != StartMethod::Fork {
                for _ in 0..workers {
                    let worker = pool.launch(&mut st).map_err(start_error)?;
                    st.slots.push(Slot::new(worker));
                }
            }
        }
        Ok(pool)
    }

    /// Runs every task and returns `(index, outcome)` pairs in the order they *completed*:
    /// the process-pool counterpart of Python's `Pool.imap_unordered`.
    pub fn run_unordered(
        &self,
        workload: &Arc<dyn Workload>,
    ) -> Result<Vec<(usize, TaskOutcome)>, ModelError> {
        let mut completed = Vec::with_capacity(workload.tasks());
        self.drive(workload, &mut |index, outcome| {
            completed.push((index, outcome))
        })?;
        Ok(completed)
    }

    /// Process ids of the live workers (for tests and diagnostics).
    pub fn worker_pids(&self) -> Vec<i32> {
        self.state
            .borrow()
            .slots
            .iter()
            .map(|s| s.worker.pid)
            .collect()
    }

    /// Process id of the fork server, for the `forkserver` start method.
    pub fn server_pid(&self) -> Option<i32> {
        self.state
            .borrow()
            .server
            .as_ref()
            .map(|s| s.child.id() as i32)
    }

    /// The per-task time limit: the model's own, else the one the runner set for every model.
    fn task_limit(&self) -> Option<Duration> {
        self.model
            .task_timeout()
            .or_else(poolbench_core::watch::task_timeout)
    }
}

impl Pool for ProcessPool {
    fn prepare(&self, workload: &Arc<dyn Workload>) -> Result<(), ModelError> {
        self.load(&mut self.state.borrow_mut(), workload)
    }

    fn run(&self, workload: &Arc<dyn Workload>) -> Result<Vec<TaskOutcome>, ModelError> {
        let slots = OutcomeSlots::new(workload.tasks());
        self.drive(workload, &mut |index, outcome| slots.put(index, outcome))?;
        slots.into_outcomes()
    }

    fn child_usage(&self) -> Option<ChildUsage> {
        let st = self.state.borrow();
        let live = st.slots.iter().map(|s| s.worker.pid);
        let (voluntary, involuntary) = live
            .clone()
            .filter_map(usage::context_switches)
            .fold(st.dead_switches, |(v, i), (dv, di)| (v + dv, i + di));
        Some(ChildUsage {
            cpu_s: st.dead_cpu_s + live.clone().filter_map(usage::cpu_seconds).sum::<f64>(),
            peak_rss_bytes: live
                .filter_map(|pid| poolbench_core::peak_rss_bytes(&pid.to_string()))
                .fold(st.peak_rss_bytes, u64::max),
            voluntary_switches: voluntary,
            involuntary_switches: involuntary,
        })
    }
}

impl Drop for ProcessPool {
    fn drop(&mut self) {
        let st = self.state.get_mut();
        let mut st = std::mem::replace(
            st,
            State {
                slots: Vec::new(),
                server: None,
                loaded: None,
                dead_cpu_s: 0.0,
                peak_rss_bytes: 0,
                dead_switches: (0, 0),
            },
        );
        self.retire_all(&mut st);
        if let Some(mut server) = st.server.take() {
            let _ = write_frame(&mut server.control, &ServerRequest::Exit);
            let deadline = Instant::now() + EXIT_GRACE;
            while Instant::now() < deadline && !matches!(server.child.try_wait(), Ok(Some(_))) {
                std::thread::sleep(Duration::from_millis(1));
            }
            let _ = server.child.kill();
            let _ = server.child.wait();
        }
    }
}
