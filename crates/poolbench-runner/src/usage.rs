//! What a batch costs the process besides wall time: CPU time, context switches, OS threads.
//!
//! CPU time and context switches come from `getrusage(RUSAGE_SELF)` (all threads, finished
//! ones included), read before and after a sample: CPU time shows who burns cores while
//! waiting; voluntary switches count how often a thread blocked (on a lock, a channel, a
//! sleep), involuntary ones how often the scheduler took a core from a thread that could have
//! gone on — the price of more runnable threads than cores. The thread count comes from
//! `/proc/self/status`, sampled every 100 µs by a watcher thread *only during warm-up
//! batches*, so the sampling never disturbs a timed repetition.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

pub use poolbench_core::thread_count;

/// CPU time (seconds) and context switches consumed so far by every thread of this process.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ProcessUsage {
    pub user: f64,
    pub system: f64,
    pub voluntary_switches: f64,
    pub involuntary_switches: f64,
}

impl std::ops::Sub for ProcessUsage {
    type Output = ProcessUsage;

    fn sub(self, earlier: ProcessUsage) -> ProcessUsage {
        ProcessUsage {
            user: self.user - earlier.user,
            system: self.system - earlier.system,
            voluntary_switches: self.voluntary_switches - earlier.voluntary_switches,
            involuntary_switches: self.involuntary_switches - earlier.involuntary_switches,
        }
    }
}

impl ProcessUsage {
    /// Every figure multiplied by `factor` (e.g. 1/k for a per-batch share of k batches).
    pub fn scaled(self, factor: f64) -> ProcessUsage {
        ProcessUsage {
            user: self.user * factor,
            system: self.system * factor,
            voluntary_switches: self.voluntary_switches * factor,
            involuntary_switches: self.involuntary_switches * factor,
        }
    }
}

/// User and system CPU time and context switches so far, over every thread of this process.
pub fn process_usage() -> Option<ProcessUsage> {
    // SAFETY: getrusage only writes into the zeroed struct we pass it.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        if libc::getrusage(libc::RUSAGE_SELF, &mut usage) != 0 {
            return None;
        }
        usage
    };
    let seconds = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    Some(ProcessUsage {
        user: seconds(usage.ru_utime),
        system: seconds(usage.ru_stime),
        voluntary_switches: usage.ru_nvcsw as f64,
        involuntary_switches: usage.ru_nivcsw as f64,
    })
}

/// How often the watcher samples: often enough to see a sub-millisecond warm-up batch.
const SAMPLE_EVERY: Duration = Duration::from_micros(100);

/// Waits (up to `limit`) until the process has no more than `threads` threads, so that the
/// threads of a pool dropped a moment ago (rayon and threadpool detach theirs) have exited
/// before the next cell counts its own. Returns the count it settled at.
pub fn settle_threads(threads: usize, limit: Duration) -> Option<usize> {
    let deadline = std::time::Instant::now() + limit;
    loop {
        let now = thread_count()?;
        if now <= threads || std::time::Instant::now() >= deadline {
            return Some(now);
        }
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// Samples the process's thread count every 100 µs until stopped; reports the maximum.
#[derive(Debug)]
pub struct ThreadWatcher {
    stop: Arc<AtomicBool>,
    peak: Arc<AtomicUsize>,
    handle: Option<JoinHandle<()>>,
}

impl ThreadWatcher {
    /// Starts watching; `None` where thread counts cannot be read.
    pub fn start() -> Option<Self> {
        thread_count()?;
        let stop = Arc::new(AtomicBool::new(false));
        let peak = Arc::new(AtomicUsize::new(0));
        let (stop_flag, peak_seen) = (Arc::clone(&stop), Arc::clone(&peak));
        let handle = std::thread::Builder::new()
            .name("thread-watcher".into())
            .spawn(move || {
                while !stop_flag.load(Ordering::Relaxed) {
                    if let Some(n) = thread_count() {
                        peak_seen.fetch_max(n, Ordering::Relaxed);
                    }
                    std::thread::sleep(SAMPLE_EVERY);
                }
            })
            .ok()?;
        let watcher = Self {
            stop,
            peak,
            handle: Some(handle),
        };
        // One sample now, so threads that already exist are counted even if the batch ends
        // before the watcher thread is first scheduled.
        watcher.sample();
        Some(watcher)
    }

    fn sample(&self) {
        if let Some(n) = thread_count() {
            self.peak.fetch_max(n, Ordering::Relaxed);
        }
    }

    /// Stops watching and returns the most threads seen, not counting the watcher itself.
    pub fn finish(mut self) -> usize {
        self.sample();
        self.stop.store(true, Ordering::Relaxed);
        if let Some(handle) = self.handle.take() {
            let _ = handle.join();
        }
        self.peak.load(Ordering::Relaxed).saturating_sub(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn total(t: ProcessUsage) -> f64 {
        t.user + t.system
    }

    #[test]
    fn cpu_time_and_switches_move_forward() {
        let start = process_usage().unwrap();
        std::thread::sleep(Duration::from_millis(2));
        assert!(process_usage().unwrap().voluntary_switches > start.voluntary_switches);
        let before = total(process_usage().unwrap());
        let mut x = 0u64;
        for i in 0..20_000_000u64 {
            x = x.wrapping_add(std::hint::black_box(i));
        }
        std::hint::black_box(x);
        assert!(total(process_usage().unwrap()) > before);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn watcher_sees_extra_threads() {
        let watcher = ThreadWatcher::start().unwrap();
        std::thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(|| std::thread::sleep(Duration::from_millis(30)));
            }
        });
        // This test's own thread plus the four it spawned, whatever other tests do meanwhile.
        assert!(watcher.finish() >= 5);
    }
}
