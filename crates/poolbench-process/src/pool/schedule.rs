//! Scheduling: handing a batch's tasks to the workers, collecting replies as they come, and
//! turning a dead or overrunning worker into one failed task plus a replacement.

use std::collections::VecDeque;
use std::os::fd::AsFd;
use std::sync::Arc;
use std::time::{Duration, Instant};

use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
use poolbench_core::{stop_requested, ModelError, TaskError, TaskOutcome, TaskTiming, Workload};

use super::{InFlight, ProcessPool, Slot};
use crate::protocol::{monotonic_ns, read_frame, write_frame, Reply, Request};

/// Tasks sent ahead to each worker. With one, a worker sleeps between finishing a task and
/// receiving the next (two wake-ups per task); with two, the next request is already waiting.
/// Only the first runs: W still bounds the tasks running at once.
const PIPELINE: usize = 2;

/// How often a waiting pool checks whether a stop (Ctrl-C) was requested.
const STOP_CHECK: Duration = Duration::from_millis(100);

impl ProcessPool {
    /// The scheduling loop: keep every worker supplied, collect replies as they come, and turn
    /// a dead or overrunning worker into one failed task plus a replacement worker. Tasks that
    /// were only queued behind the failed one are handed out again, not failed.
    pub(super) fn drive(
        &self,
        workload: &Arc<dyn Workload>,
        sink: &mut dyn FnMut(usize, TaskOutcome),
    ) -> Result<(), ModelError> {
        let mut st = self.state.borrow_mut();
        let st = &mut *st;
        self.load(st, workload)?;
        let tasks = workload.tasks();
        let origin = monotonic_ns();
        // A traced batch records each task's worker process (its pid, known here: no reading
        // in the worker).
        let traced = poolbench_core::tracing();
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
                        worker: None,
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
                        worker: None,
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
                                worker: traced
                                    .then(|| u64::try_from(st.slots[i].worker.pid).ok())
                                    .flatten(),
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
