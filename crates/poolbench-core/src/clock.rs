//! The batch clock: every timestamp in a task's record is relative to the start of its batch.
//!
//! A task's record takes three readings (enqueued, started, finished), so on a no-op task the
//! clock is most of what poolbench adds to the model's own cost. `std::time::Instant::now()`
//! costs ~25 ns here (a vDSO `clock_gettime`); `quanta` reads the CPU's time-stamp counter
//! directly (~10 ns), scaled to the OS clock by a calibration done once per process, and falls
//! back to the OS clock where the counter is not reliable. Only differences within one batch
//! are used, so the two clocks never need to agree on an origin. `BatchClock::calibrate` runs
//! the calibration (up to ~200 ms) before anything is timed.

use std::time::Duration;

/// A monotonic clock started when a batch starts; cheap to copy into every worker.
#[derive(Debug, Clone, Copy)]
pub struct BatchClock {
    origin: quanta::Instant,
}

impl BatchClock {
    /// Starts the clock now.
    pub fn start() -> Self {
        Self {
            origin: quanta::Instant::now(),
        }
    }

    /// Time since the batch started.
    pub fn elapsed(&self) -> Duration {
        quanta::Instant::now().saturating_duration_since(self.origin)
    }

    /// Calibrates the clock now, so that no timed batch pays for it.
    pub fn calibrate() {
        let _ = quanta::Instant::now();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elapsed_follows_the_os_clock() {
        let os = std::time::Instant::now();
        let clock = BatchClock::start();
        std::thread::sleep(Duration::from_millis(30));
        let ours = clock.elapsed();
        let theirs = os.elapsed();
        // Read inside the OS clock's interval: never longer than it (give or take rounding).
        assert!(ours >= Duration::from_millis(30), "{ours:?}");
        assert!(
            ours <= theirs + Duration::from_micros(100),
            "{ours:?} vs {theirs:?}"
        );
    }
}
