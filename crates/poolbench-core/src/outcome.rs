//! What one task produced, and when it ran.

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// A successful task's output: a checksum of what it computed, compared with the oracle's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskOutput {
    pub checksum: u64,
}

/// Why a task has no output. One failed task never stops the others.
///
/// Serialised externally tagged (the serde default), so compact binary formats such as the
/// process pool's wire encoding can carry it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, thiserror::Error)]
pub enum TaskError {
    /// The task panicked; the message is the panic payload.
    #[error("panicked: {message}")]
    Panicked { message: String },
    /// The task ran but its work failed (an I/O error, a wrong result…).
    #[error("failed: {message}")]
    Failed { message: String },
    /// The task overran its time limit and was abandoned.
    #[error("timed out after {seconds:.3} s")]
    TimedOut { seconds: f64 },
    /// The worker running the task went away (a crashed process, a dead thread).
    #[error("worker lost: {message}")]
    WorkerLost { message: String },
}

impl TaskError {
    /// A [`TaskError::Failed`] from anything printable.
    pub fn failed(message: impl std::fmt::Display) -> Self {
        Self::Failed {
            message: message.to_string(),
        }
    }
}

/// A task's result.
pub type TaskResult = Result<TaskOutput, TaskError>;

/// When a task was handed to the model's dispatch mechanism, when a worker started it and
/// when it finished, all relative to the start of its batch.
///
/// `started - enqueued` is the queue wait (dispatch latency); `finished - started` is the
/// service time. Each model's docs say what "enqueued" means for it.
///
/// `worker` is set in traced batches only (see [`crate::traced`]): the OS thread id that ran
/// the task, or the worker process's pid for a process model (Python's: its thread's native
/// id or its process's pid, as its workers are).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TaskTiming {
    pub enqueued: Duration,
    pub started: Duration,
    pub finished: Duration,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub worker: Option<u64>,
}

impl TaskTiming {
    /// How long the task waited between being enqueued and starting.
    pub fn queue_wait(&self) -> Duration {
        self.started.saturating_sub(self.enqueued)
    }

    /// How long the task ran.
    pub fn service(&self) -> Duration {
        self.finished.saturating_sub(self.started)
    }
}

/// One task's result with its timing record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskOutcome {
    pub result: TaskResult,
    pub timing: TaskTiming,
}

/// The most tasks whose `[started, finished]` intervals overlap at any instant: how many
/// tasks really ran at once. A task finishing exactly when another starts does not overlap it.
pub fn max_in_flight(timings: &[TaskTiming]) -> usize {
    let mut events: Vec<(std::time::Duration, i32)> = Vec::with_capacity(timings.len() * 2);
    for t in timings {
        events.push((t.started, 1));
        events.push((t.finished, -1));
    }
    // At equal instants, process finishes (-1) before starts (+1).
    events.sort_unstable();
    let (mut now, mut most) = (0i32, 0i32);
    for (_, delta) in events {
        now += delta;
        most = most.max(now);
    }
    most as usize
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn span(start_ms: u64, end_ms: u64) -> TaskTiming {
        TaskTiming {
            enqueued: Duration::ZERO,
            started: Duration::from_millis(start_ms),
            finished: Duration::from_millis(end_ms),
            worker: None,
        }
    }

    #[test]
    fn overlap_counts_concurrent_intervals_only() {
        assert_eq!(max_in_flight(&[]), 0);
        assert_eq!(max_in_flight(&[span(0, 10), span(10, 20), span(20, 30)]), 1);
        assert_eq!(
            max_in_flight(&[span(0, 10), span(5, 15), span(6, 7), span(12, 20)]),
            3
        );
    }

    #[test]
    fn queue_wait_and_service_split_the_record() {
        let t = TaskTiming {
            enqueued: Duration::from_millis(1),
            started: Duration::from_millis(4),
            finished: Duration::from_millis(9),
            worker: None,
        };
        assert_eq!(t.queue_wait(), Duration::from_millis(3));
        assert_eq!(t.service(), Duration::from_millis(5));
    }
}
