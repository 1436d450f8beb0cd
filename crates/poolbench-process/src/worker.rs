//! The worker side: what runs inside each worker process — exec'd, forked by the fork server or
//! forked from the caller — and inside the fork server.
//!
//! A worker is a loop over one socket: `Init` builds the workload from its spec (once per
//! workload, never per task), `Run` runs one task in its blocking form with panics caught,
//! `Exit` (or the parent going away) ends it. The fork server is a separate, freshly exec'd
//! and therefore single-threaded process whose only job is to `fork()` such workers on request,
//! so forking is safe however many threads the parent has.

use std::io::{self, ErrorKind};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::net::UnixStream;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::process::ExitCode;
use std::sync::Arc;

use nix::sys::wait::waitpid;
use nix::unistd::{fork, ForkResult, Pid};
use poolbench_core::{panic_message, TaskError, Workload, WorkloadSpec};
use poolbench_workloads::BuildContext;

use crate::fdpass::recv_fd;
use crate::protocol::{
    monotonic_ns, read_frame, write_frame, Reply, Request, ServerReply, ServerRequest,
};
use crate::status::describe_wait;

/// Entry point of a worker program: `serve` (stdin is the socket to the pool) or `forkserver`
/// (stdin is the control socket). Called by `poolbench __worker …` and by `poolbench-worker`.
pub fn worker_main(args: &[String]) -> ExitCode {
    tie_to_parent();
    // SAFETY: the pool starts us with a socket as stdin, and nothing else in this process
    // uses descriptor 0.
    let stdin_socket = || unsafe { UnixStream::from_raw_fd(0) };
    let result = match args.first().map(String::as_str) {
        Some("serve") => serve(stdin_socket(), None),
        Some("forkserver") => fork_server(stdin_socket()),
        _ => {
            eprintln!("poolbench worker: expected `serve` or `forkserver` (this program is started by the process pool)");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("poolbench worker {}: {e}", std::process::id());
            ExitCode::FAILURE
        }
    }
}

/// Ties a helper process to the process that started it: the kernel SIGKILLs it when that
/// parent dies (so no worker outlives a killed pool), and it exits at once if the parent is
/// already gone. It also ignores SIGINT: Ctrl-C at a terminal reaches the whole process group,
/// and it is the parent's job, not each helper's, to wind down (reaping them as it goes).
/// Used by worker processes and by the mock server that `poolbench run` starts.
pub fn tie_to_parent() {
    // SAFETY: setting a signal's disposition to "ignore" has no preconditions.
    unsafe { libc::signal(libc::SIGINT, libc::SIG_IGN) };
    let parent = nix::unistd::getppid();
    // SAFETY: prctl(PR_SET_PDEATHSIG) takes plain integers.
    unsafe { libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) };
    if nix::unistd::getppid() != parent {
        std::process::exit(1);
    }
}

/// The whole life of a worker forked from the caller (the `fork` start method), which never
/// returns into the caller's code: closes the descriptors that belong to the parent's side
/// (`parent_fds`), ties itself to the parent, serves the inherited `workload` on `socket`,
/// and leaves with `_exit`, running none of the parent's destructors or exit hooks.
pub(crate) fn run_forked_child(
    parent_fds: &[RawFd],
    socket: UnixStream,
    workload: Arc<dyn Workload>,
) -> ! {
    for &fd in parent_fds {
        // SAFETY: these descriptors belong to the parent's side; the child must not keep them
        // open, and nothing in the child uses them.
        unsafe { libc::close(fd) };
    }
    tie_to_parent();
    let served = catch_unwind(AssertUnwindSafe(|| serve(socket, Some(workload))));
    let code = if matches!(served, Ok(Ok(()))) { 0 } else { 1 };
    // SAFETY: leave without running the parent's destructors or atexit hooks.
    unsafe { libc::_exit(code) }
}

/// Serves requests on `socket` until `Exit` or end of input. A worker forked from the caller
/// starts with its workload already built (`inherited`); others receive `Init`.
pub(crate) fn serve(socket: UnixStream, inherited: Option<Arc<dyn Workload>>) -> io::Result<()> {
    poolbench_core::mark_worker_process();
    let mut reader = socket.try_clone()?;
    let mut writer = socket;
    let mut workload = inherited;
    loop {
        let request = match read_frame::<Request>(&mut reader) {
            Ok(request) => request,
            Err(e) if e.kind() == ErrorKind::UnexpectedEof => return Ok(()),
            Err(e) => return Err(e),
        };
        let reply = match request {
            Request::Exit => return Ok(()),
            Request::Init {
                spec_json,
                cache_dir,
            } => match build(&spec_json, cache_dir) {
                Ok(built) => {
                    workload = Some(built);
                    Reply::Ready
                }
                Err(message) => Reply::InitFailed { message },
            },
            Request::Run { index } => {
                let started_ns = monotonic_ns();
                let result = run_one(workload.as_deref(), index as usize);
                Reply::Done {
                    index,
                    result,
                    started_ns,
                    finished_ns: monotonic_ns(),
                }
            }
        };
        write_frame(&mut writer, &reply)?;
    }
}

fn build(spec_json: &str, cache_dir: std::path::PathBuf) -> Result<Arc<dyn Workload>, String> {
    let spec: WorkloadSpec = serde_json::from_str(spec_json).map_err(|e| e.to_string())?;
    poolbench_workloads::build(&spec, &BuildContext { cache_dir }).map_err(|e| e.to_string())
}

fn run_one(workload: Option<&dyn Workload>, index: usize) -> poolbench_core::TaskResult {
    let workload = workload.ok_or_else(|| TaskError::failed("worker has no workload (no Init)"))?;
    if index >= workload.tasks() {
        return Err(TaskError::failed(format!(
            "task {index} out of range 0..{}",
            workload.tasks()
        )));
    }
    catch_unwind(AssertUnwindSafe(|| workload.run_blocking(index))).unwrap_or_else(|payload| {
        Err(TaskError::Panicked {
            message: panic_message(&*payload),
        })
    })
}

/// The fork server's loop: fork a worker for each socket received, reap on request.
fn fork_server(control: UnixStream) -> io::Result<()> {
    let mut reader = control.try_clone()?;
    let mut writer = control.try_clone()?;
    let mut children: Vec<Pid> = Vec::new();
    loop {
        let request = match read_frame::<ServerRequest>(&mut reader) {
            Ok(request) => request,
            Err(e) if e.kind() == ErrorKind::UnexpectedEof => ServerRequest::Exit,
            Err(e) => return Err(e),
        };
        match request {
            ServerRequest::Fork => {
                let socket = recv_fd(&control)?;
                let reply = match fork_worker(socket, &control) {
                    Ok(pid) => {
                        children.push(pid);
                        ServerReply::Forked { pid: pid.as_raw() }
                    }
                    Err(e) => ServerReply::ForkFailed {
                        message: e.to_string(),
                    },
                };
                write_frame(&mut writer, &reply)?;
            }
            ServerRequest::Reap { pid } => {
                let pid = Pid::from_raw(pid);
                let status = match waitpid(pid, None) {
                    Ok(status) => describe_wait(status),
                    Err(e) => format!("could not be waited for ({e})"),
                };
                children.retain(|&c| c != pid);
                write_frame(&mut writer, &ServerReply::Reaped { status })?;
            }
            ServerRequest::Exit => {
                for pid in children {
                    let _ = waitpid(pid, None);
                }
                return Ok(());
            }
        }
    }
}

/// Forks one worker serving on `socket`. This process is single-threaded (it was exec'd for
/// this job and starts no threads), so the child may do anything, allocation included.
fn fork_worker(socket: OwnedFd, control: &UnixStream) -> io::Result<Pid> {
    // SAFETY: the fork server is single-threaded; see above.
    match unsafe { fork() }? {
        ForkResult::Child => {
            // SAFETY: closing the control socket's descriptor in the child, which never uses it.
            unsafe { libc::close(control.as_raw_fd()) };
            tie_to_parent();
            let code =
                match catch_unwind(AssertUnwindSafe(|| serve(UnixStream::from(socket), None))) {
                    Ok(Ok(())) => 0,
                    _ => 1,
                };
            // SAFETY: leave without running the fork server's destructors or atexit handlers.
            unsafe { libc::_exit(code) }
        }
        ForkResult::Parent { child } => Ok(child),
    }
}
