//! Reaping: ending workers (on a death, an overrun, a new workload or the pool's end), waiting
//! for them, and keeping what they used.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use nix::sys::signal::{kill, Signal};
use nix::sys::wait::{waitpid, WaitPidFlag, WaitStatus};
use nix::unistd::Pid;
use poolbench_core::stop_requested;

use super::{ForkServer, InFlight, Origin, ProcessPool, Slot, State, Worker, EXIT_GRACE};
use crate::protocol::{read_frame, write_frame, Request, ServerReply, ServerRequest};
use crate::status::{describe_exit, describe_wait};
use crate::usage;

impl ProcessPool {
    /// Kills and reaps the worker in slot `i` and starts a replacement in its place (or leaves
    /// the slot out if none can start; slots after `i` then move down, so callers walk slots
    /// from the end). Returns how the old worker ended and the tasks still queued on it.
    pub(super) fn replace(&self, st: &mut State, i: usize) -> (String, VecDeque<InFlight>) {
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
    pub(super) fn bury(&self, st: &mut State, worker: Worker) -> String {
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
    pub(super) fn account(&self, st: &mut State, pid: i32) {
        st.dead_cpu_s += usage::cpu_seconds(pid).unwrap_or(0.0);
        let (voluntary, involuntary) = usage::context_switches(pid).unwrap_or((0, 0));
        st.dead_switches.0 += voluntary;
        st.dead_switches.1 += involuntary;
        st.peak_rss_bytes = st
            .peak_rss_bytes
            .max(poolbench_core::peak_rss_bytes(&pid.to_string()).unwrap_or(0));
    }

    /// Asks every worker to exit, waits up to [`EXIT_GRACE`], kills the rest, reaps them all.
    pub(super) fn retire_all(&self, st: &mut State) {
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
