//! Starting workers: by exec (`spawn`), through the fork server (`forkserver`) or by forking
//! this process (`fork`, which needs it single-threaded).

use std::os::fd::{AsRawFd, OwnedFd};
use std::os::unix::net::UnixStream;
use std::process::{Command, Stdio};
use std::sync::Arc;

use nix::unistd::{fork, ForkResult};
use poolbench_core::thread_count;

use super::load::initialise;
use super::{ForkServer, Origin, ProcessPool, State, Worker};
use crate::fdpass::send_fd;
use crate::model::StartMethod;
use crate::protocol::{read_frame, write_frame, ServerReply, ServerRequest};
use crate::worker::run_forked_child;

impl ProcessPool {
    pub(super) fn start_server(&self) -> Result<ForkServer, String> {
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
    pub(super) fn launch(&self, st: &mut State) -> Result<Worker, String> {
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
                        let parents: Vec<i32> =
                            siblings.into_iter().chain([ours.as_raw_fd()]).collect();
                        run_forked_child(&parents, theirs, workload)
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

/// The `fork` start method's precondition.
pub(super) fn ensure_single_threaded() -> Result<(), String> {
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
