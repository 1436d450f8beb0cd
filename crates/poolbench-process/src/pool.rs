//! The parent side: starting worker processes, handing out tasks, surviving their deaths.
//!
//! The pool is driven from the calling thread alone, with `poll()` over the workers' sockets:
//! it adds no thread to the process, so a caller that was single-threaded stays so and the
//! `fork` start method can keep forking replacements safely.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::os::fd::{AsFd, AsRawFd, OwnedFd};
use std::os::unix::net::UnixStream;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
use nix::sys::signal::{kill, Signal};
use nix::sys::wait::{waitpid, WaitPidFlag, WaitStatus};
use nix::unistd::{fork, ForkResult, Pid};
use poolbench_core::{
    stop_requested, thread_count, ChildUsage, Model, ModelError, OutcomeSlots, Pool, TaskError,
    TaskOutcome, TaskTiming, Workload,
};
use poolbench_workloads::BuildContext;

use crate::command::{worker_command, WorkerCommand};
use crate::fdpass::send_fd;
use crate::model::{ProcessModel, StartMethod};
use crate::protocol::{
    monotonic_ns, read_frame, write_frame, Reply, Request, ServerReply, ServerRequest,
};
use crate::status::{describe_exit, describe_wait};
use crate::usage;
use crate::worker::{serve, tie_to_parent};

/// Tasks sent ahead to each worker. With one, a worker sleeps between finishing a task and
/// receiving the next (two wake-ups per task); with two, the next request is already waiting.
/// Only the first runs: W still bounds the tasks running at once.
const PIPELINE: usize = 2;

/// How often a waiting pool checks whether a stop (Ctrl-C) was requested.
const STOP_CHECK: Duration = Duration::from_millis(100);

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

    fn start_server(&self) -> Result<ForkServer, String> {
        let command = self.command.as_ref().ok_or("no worker program")?;
        let (control, theirs) = UnixStream::pair().map_err(|e| e.to_string())?;
        let child = Command::new(&command.program)
            .args(&command.args)
            .arg("forkserver")
            .stdin(Stdio::from(OwnedFd::from(theirs)))
            .spawn()
            .map_err(|e| {
                format!(
                    "cannot start the fork server {}: {e}",
                    command.program.display()
                )
            })?;
        Ok(ForkServer { child, control })
    }

    /// Starts one worker by the model's start method; it holds the loaded workload, if any.
    fn launch(&self, st: &mut State) -> Result<Worker, String> {
        let (ours, theirs) = UnixStream::pair().map_err(|e| e.to_string())?;
        let worker = match self.model.method() {
            StartMethod::Spawn => {
                let command = self.command.as_ref().ok_or("no worker program")?;
                let child = Command::new(&command.program)
                    .args(&command.args)
                    .arg("serve")
                    .stdin(Stdio::from(OwnedFd::from(theirs)))
                    .spawn()
                    .map_err(|e| format!("cannot start {}: {e}", command.program.display()))?;
                Worker {
                    pid: child.id() as i32,
                    socket: ours,
                    origin: Origin::Spawned(child),
                }
            }
            StartMethod::Forkserver => {
                let server = st.server.as_mut().ok_or("the fork server is not running")?;
                let pid = ask_server_to_fork(server, &theirs)?;
                drop(theirs);
                Worker {
                    pid,
                    socket: ours,
                    origin: Origin::FromServer,
                }
            }
            StartMethod::Fork => {
                let loaded = st
                    .loaded
                    .as_ref()
                    .ok_or("fork workers need a workload first")?;
                ensure_single_threaded()?;
                let siblings: Vec<i32> = st
                    .slots
                    .iter()
                    .map(|s| s.worker.socket.as_raw_fd())
                    .collect();
                let workload = Arc::clone(&loaded.workload);
                // SAFETY: the process is single-threaded (checked just above), so the child
                // may allocate and take locks; it never returns into the caller's code.
                match unsafe { fork() }.map_err(|e| format!("fork failed: {e}"))? {
                    ForkResult::Child => {
                        for fd in siblings.into_iter().chain([ours.as_raw_fd()]) {
                            // SAFETY: these descriptors belong to the parent's side; the child
                            // must not keep them open.
                            unsafe { libc::close(fd) };
                        }
                        tie_to_parent();
                        let served =
                            catch_unwind(AssertUnwindSafe(|| serve(theirs, Some(workload))));
                        let code = if matches!(served, Ok(Ok(()))) { 0 } else { 1 };
                        // SAFETY: leave without running the parent's destructors or atexit hooks.
                        unsafe { libc::_exit(code) }
                    }
                    ForkResult::Parent { child } => {
                        drop(theirs);
                        Worker {
                            pid: child.as_raw(),
                            socket: ours,
                            origin: Origin::Forked,
                        }
                    }
                }
            }
        };
        let mut worker = worker;
        if self.model.method() != StartMethod::Fork {
            if let Some(loaded) = &st.loaded {
                if let Err(message) = initialise(&mut worker, &loaded.spec_json) {
                    self.bury(st, worker);
                    return Err(message);
                }
            }
        }
        Ok(worker)
    }

    /// Makes every worker hold `workload`: `fork` workers are re-forked from this process;
    /// the others are sent `Init` once (and reply when built).
    fn load(&self, st: &mut State, workload: &Arc<dyn Workload>) -> Result<(), ModelError> {
        // The common case, checked first because `run` calls this inside the timed batch:
        // the very workload the workers already hold.
        let held = st
            .loaded
            .as_ref()
            .is_some_and(|l| Arc::ptr_eq(&l.workload, workload));
        if held && !st.slots.is_empty() {
            return Ok(());
        }
        let spec_json =
            serde_json::to_string(workload.spec()).map_err(|e| ModelError::Internal {
                message: e.to_string(),
            })?;
        // A different instance with the same spec needs no rebuild, except for `fork`
        // workers, which hold the inherited instance itself.
        let same_spec = st.loaded.as_ref().is_some_and(|l| l.spec_json == spec_json)
            && self.model.method() != StartMethod::Fork;
        if same_spec && !st.slots.is_empty() {
            st.loaded = Some(Loaded {
                workload: Arc::clone(workload),
                spec_json,
            });
            return Ok(());
        }
        st.loaded = Some(Loaded {
            workload: Arc::clone(workload),
            spec_json: spec_json.clone(),
        });
        let start_error = |message: String| ModelError::Start {
            model: self.model.name(),
            message,
        };
        if self.model.method() == StartMethod::Fork {
            self.retire_all(st);
            for _ in 0..self.size {
                let worker = self.launch(st).map_err(start_error)?;
                st.slots.push(Slot::new(worker));
            }
            return Ok(());
        }
        for slot in &mut st.slots {
            write_frame(&mut slot.worker.socket, &init_request(&spec_json)).map_err(|e| {
                start_error(format!("worker {} did not take Init: {e}", slot.worker.pid))
            })?;
        }
        for slot in &mut st.slots {
            await_ready(&mut slot.worker).map_err(start_error)?;
        }
        Ok(())
    }

    /// The scheduling loop: keep every worker supplied, collect replies as they come, and turn
    /// a dead or overrunning worker into one failed task plus a replacement worker. Tasks that
    /// were only queued behind the failed one are handed out again, not failed.
    fn drive(
        &self,
        workload: &Arc<dyn Workload>,
        sink: &mut dyn FnMut(usize, TaskOutcome),
    ) -> Result<(), ModelError> {
        let mut st = self.state.borrow_mut();
        let st = &mut *st;
        self.load(st, workload)?;
        let tasks = workload.tasks();
        let origin = monotonic_ns();
        let since = |ns: u64| Duration::from_nanos(ns.saturating_sub(origin));
        let mut pending: VecDeque<usize> = (0..tasks).collect();
        let mut done = 0;
        let mut last_loss = String::new();
        while done < tasks {
            // Top every worker up, one task each per round so the load spreads evenly.
            for depth in 1..=PIPELINE {
                let mut i = 0;
                while i < st.slots.len() && !pending.is_empty() {
                    if st.slots[i].queue.len() >= depth {
                        i += 1;
                        continue;
                    }
                    let index = pending[0];
                    let enqueued_ns = monotonic_ns();
                    let run = Request::Run {
                        index: index as u64,
                    };
                    if write_frame(&mut st.slots[i].worker.socket, &run).is_ok() {
                        pending.pop_front();
                        let slot = &mut st.slots[i];
                        if slot.queue.is_empty() {
                            slot.deadline = self.task_limit().map(|t| Instant::now() + t);
                        }
                        slot.queue.push_back(InFlight { index, enqueued_ns });
                        i += 1;
                    } else {
                        // Gone before reading this request: requeue what it held, replace it.
                        let (message, queued) = self.replace(st, i);
                        pending.extend(queued.into_iter().map(|t| t.index));
                        last_loss = message;
                    }
                }
            }
            if st.slots.is_empty() {
                let message = format!("no worker processes left ({last_loss})");
                for index in pending.drain(..) {
                    let at = since(monotonic_ns());
                    let timing = TaskTiming {
                        enqueued: at,
                        started: at,
                        finished: at,
                    };
                    sink(index, lost(message.clone(), timing));
                    done += 1;
                }
                continue;
            }
            for (i, event) in wait_for_events(&st.slots)?.into_iter().rev() {
                let Some(task) = st.slots[i].queue.pop_front() else {
                    continue;
                };
                let enqueued = since(task.enqueued_ns);
                let failed = |result: TaskError| {
                    let timing = TaskTiming {
                        enqueued,
                        started: enqueued,
                        finished: since(monotonic_ns()),
                    };
                    TaskOutcome {
                        result: Err(result),
                        timing,
                    }
                };
                match event {
                    Event::Readable => match read_frame::<Reply>(&mut st.slots[i].worker.socket) {
                        Ok(Reply::Done {
                            index,
                            result,
                            started_ns,
                            finished_ns,
                        }) if index as usize == task.index => {
                            let timing = TaskTiming {
                                enqueued,
                                started: since(started_ns),
                                finished: since(finished_ns),
                            };
                            sink(task.index, TaskOutcome { result, timing });
                            let slot = &mut st.slots[i];
                            slot.deadline = (!slot.queue.is_empty())
                                .then(|| self.task_limit().map(|t| Instant::now() + t))
                                .flatten();
                        }
                        _ => {
                            let (loss, queued) = self.replace(st, i);
                            let message = format!("{loss} while running task {}", task.index);
                            sink(
                                task.index,
                                failed(TaskError::WorkerLost {
                                    message: message.clone(),
                                }),
                            );
                            requeue(&mut pending, queued);
                            last_loss = message;
                        }
                    },
                    Event::Overran => {
                        let limit = self.task_limit().unwrap_or_default();
                        let (_, queued) = self.replace(st, i);
                        sink(
                            task.index,
                            failed(TaskError::TimedOut {
                                seconds: limit.as_secs_f64(),
                            }),
                        );
                        requeue(&mut pending, queued);
                    }
                }
                done += 1;
            }
        }
        Ok(())
    }

    /// Kills and reaps the worker in slot `i` and starts a replacement in its place (or leaves
    /// the slot out if none can start; slots after `i` then move down, so callers walk slots
    /// from the end). Returns how the old worker ended and the tasks still queued on it.
    fn replace(&self, st: &mut State, i: usize) -> (String, VecDeque<InFlight>) {
        let old = st.slots.remove(i);
        let pid = old.worker.pid;
        let status = self.bury(st, old.worker);
        match self.launch(st) {
            Ok(worker) => st.slots.insert(i, Slot::new(worker)),
            Err(message) => eprintln!("poolbench: could not replace a worker process: {message}"),
        }
        (format!("worker process {pid} {status}"), old.queue)
    }

    /// Kills `worker` (harmless if it is already dying), waits for it, records its usage and
    /// returns how it ended.
    fn bury(&self, st: &mut State, worker: Worker) -> String {
        self.account(st, worker.pid);
        let _ = kill(Pid::from_raw(worker.pid), Signal::SIGKILL);
        drop(worker.socket);
        match worker.origin {
            Origin::Spawned(mut child) => match child.wait() {
                Ok(status) => describe_exit(status),
                Err(e) => format!("could not be waited for ({e})"),
            },
            Origin::Forked => match waitpid(Pid::from_raw(worker.pid), None) {
                Ok(status) => describe_wait(status),
                Err(e) => format!("could not be waited for ({e})"),
            },
            Origin::FromServer => match st.server.as_mut() {
                Some(server) => reap_via_server(server, worker.pid),
                None => "ended (fork server gone)".to_owned(),
            },
        }
    }

    /// Adds a worker's CPU time and peak memory to the totals (read before it is reaped).
    fn account(&self, st: &mut State, pid: i32) {
        st.dead_cpu_s += usage::cpu_seconds(pid).unwrap_or(0.0);
        let (voluntary, involuntary) = usage::context_switches(pid).unwrap_or((0, 0));
        st.dead_switches.0 += voluntary;
        st.dead_switches.1 += involuntary;
        st.peak_rss_bytes = st
            .peak_rss_bytes
            .max(poolbench_core::peak_rss_bytes(&pid.to_string()).unwrap_or(0));
    }

    /// Asks every worker to exit, waits up to [`EXIT_GRACE`], kills the rest, reaps them all.
    fn retire_all(&self, st: &mut State) {
        for slot in &mut st.slots {
            let _ = write_frame(&mut slot.worker.socket, &Request::Exit);
        }
        // After a stop request nobody waits for tasks still running: kill at once.
        let grace = if stop_requested() {
            Duration::ZERO
        } else {
            EXIT_GRACE
        };
        let deadline = Instant::now() + grace;
        for slot in std::mem::take(&mut st.slots) {
            let worker = slot.worker;
            while Instant::now() < deadline && !has_exited(&worker) {
                std::thread::sleep(Duration::from_millis(1));
            }
            self.bury(st, worker);
        }
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

enum Event {
    Readable,
    Overran,
}

/// Blocks until at least one busy worker has replied (or died) or overrun its deadline;
/// returns those slots in increasing order.
fn wait_for_events(slots: &[Slot]) -> Result<Vec<(usize, Event)>, ModelError> {
    loop {
        let now = Instant::now();
        let overran: Vec<(usize, Event)> = slots
            .iter()
            .enumerate()
            .filter(|(_, s)| !s.queue.is_empty() && s.deadline.is_some_and(|d| d <= now))
            .map(|(i, _)| (i, Event::Overran))
            .collect();
        if !overran.is_empty() {
            return Ok(overran);
        }
        let busy: Vec<usize> = (0..slots.len())
            .filter(|&i| !slots[i].queue.is_empty())
            .collect();
        let mut fds: Vec<PollFd> = busy
            .iter()
            .map(|&i| PollFd::new(slots[i].worker.socket.as_fd(), PollFlags::POLLIN))
            .collect();
        let earliest = slots
            .iter()
            .filter(|s| !s.queue.is_empty())
            .filter_map(|s| s.deadline)
            .min();
        if stop_requested() {
            return Err(ModelError::Interrupted);
        }
        // Wake at the earliest deadline, and at least every STOP_CHECK to notice a stop.
        let until_deadline = earliest.map_or(STOP_CHECK, |d| d.saturating_duration_since(now));
        let timeout = PollTimeout::from(until_deadline.min(STOP_CHECK).as_millis() as u16 + 1);
        match poll(&mut fds, timeout) {
            Ok(0) | Err(nix::errno::Errno::EINTR) => continue,
            Ok(_) => {}
            Err(e) => {
                return Err(ModelError::Internal {
                    message: format!("poll on worker sockets: {e}"),
                })
            }
        }
        let ready: Vec<(usize, Event)> = fds
            .iter()
            .zip(&busy)
            .filter(|(fd, _)| fd.revents().is_some_and(|r| !r.is_empty()))
            .map(|(_, &i)| (i, Event::Readable))
            .collect();
        if !ready.is_empty() {
            return Ok(ready);
        }
    }
}

fn init_request(spec_json: &str) -> Request {
    Request::Init {
        spec_json: spec_json.to_owned(),
        cache_dir: BuildContext::default().cache_dir,
    }
}

fn initialise(worker: &mut Worker, spec_json: &str) -> Result<(), String> {
    write_frame(&mut worker.socket, &init_request(spec_json))
        .map_err(|e| format!("worker {} did not take Init: {e}", worker.pid))?;
    await_ready(worker)
}

fn await_ready(worker: &mut Worker) -> Result<(), String> {
    match read_frame::<Reply>(&mut worker.socket) {
        Ok(Reply::Ready) => Ok(()),
        Ok(Reply::InitFailed { message }) => {
            Err(format!("worker could not build the workload: {message}"))
        }
        Ok(other) => Err(format!(
            "worker {} answered Init with {other:?}",
            worker.pid
        )),
        Err(e) => Err(format!(
            "worker {} died while building the workload: {e}",
            worker.pid
        )),
    }
}

fn ask_server_to_fork(server: &mut ForkServer, socket: &UnixStream) -> Result<i32, String> {
    let broken = |e: std::io::Error| format!("the fork server stopped answering: {e}");
    write_frame(&mut server.control, &ServerRequest::Fork).map_err(broken)?;
    send_fd(&server.control, socket.as_raw_fd()).map_err(broken)?;
    match read_frame::<ServerReply>(&mut server.control).map_err(broken)? {
        ServerReply::Forked { pid } => Ok(pid),
        ServerReply::ForkFailed { message } => {
            Err(format!("the fork server could not fork: {message}"))
        }
        other => Err(format!("the fork server answered Fork with {other:?}")),
    }
}

fn reap_via_server(server: &mut ForkServer, pid: i32) -> String {
    let asked = write_frame(&mut server.control, &ServerRequest::Reap { pid });
    match asked.and_then(|()| read_frame::<ServerReply>(&mut server.control)) {
        Ok(ServerReply::Reaped { status }) => status,
        Ok(other) => format!("(fork server answered {other:?})"),
        Err(e) => format!("(fork server gone: {e})"),
    }
}

/// Whether the worker has exited, without reaping it (a zombie counts as exited).
fn has_exited(worker: &Worker) -> bool {
    match &worker.origin {
        Origin::Forked => matches!(
            nix::sys::wait::waitid(
                nix::sys::wait::Id::Pid(Pid::from_raw(worker.pid)),
                WaitPidFlag::WEXITED | WaitPidFlag::WNOHANG | WaitPidFlag::WNOWAIT
            ),
            Ok(status) if status != WaitStatus::StillAlive
        ),
        // A child's /proc entry shows state Z once it has exited.
        _ => std::fs::read_to_string(format!("/proc/{}/stat", worker.pid))
            .map(|s| {
                s.rsplit_once(')')
                    .is_some_and(|(_, rest)| rest.trim_start().starts_with('Z'))
            })
            .unwrap_or(true),
    }
}

/// Puts tasks that were queued on a lost worker (never started) back at the front of the line.
fn requeue(pending: &mut VecDeque<usize>, queued: VecDeque<InFlight>) {
    for task in queued.into_iter().rev() {
        pending.push_front(task.index);
    }
}

fn lost(message: String, timing: TaskTiming) -> TaskOutcome {
    TaskOutcome {
        result: Err(TaskError::WorkerLost { message }),
        timing,
    }
}

/// The `fork` start method's precondition.
fn ensure_single_threaded() -> Result<(), String> {
    match thread_count() {
        Some(1) => Ok(()),
        Some(n) => Err(format!(
            "the fork start method needs a single-threaded caller, but this process has {n} \
             threads: a forked child could deadlock on a lock another thread held. Use \
             `process` (forkserver) or `process-spawn` instead"
        )),
        None => Err(
            "the fork start method cannot check this process's thread count (needs \
                     Linux /proc); use `process` (forkserver) or `process-spawn`"
                .to_owned(),
        ),
    }
}
