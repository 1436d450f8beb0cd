//! The batch clock: every timestamp in a task's record is relative to the start of its batch.

use std::time::{Duration, Instant};

/// A monotonic clock started when a batch starts; cheap to copy into every worker.
#[derive(Debug, Clone, Copy)]
pub struct BatchClock {
    origin: Instant,
}

impl BatchClock {
    /// Starts the clock now.
    pub fn start() -> Self {
        Self {
            origin: Instant::now(),
        }
    }

    /// Time since the batch started.
    pub fn elapsed(&self) -> Duration {
        self.origin.elapsed()
    }
}
