//! What the process can see of the machine and of itself.

use std::sync::atomic::{AtomicBool, Ordering};

/// Logical cores available to this process (respects CPU affinity and cgroup quotas), at
/// least 1.
pub fn logical_cores() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
}

/// OS threads in this process now, from `/proc/self/status` (Linux; `None` elsewhere).
pub fn thread_count() -> Option<usize> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("Threads:")?.trim().parse().ok())
}

/// Peak resident set size (`VmHWM`) of process `pid` (`"self"` for this one), bytes.
pub fn peak_rss_bytes(pid: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let kb = status.lines().find_map(|l| l.strip_prefix("VmHWM:"))?;
    let kb: u64 = kb.trim().trim_end_matches("kB").trim().parse().ok()?;
    Some(kb * 1024)
}

/// Resets this process's peak resident set size to its current size (Linux 4.0+, by writing
/// `5` to `/proc/self/clear_refs`), so the next [`peak_rss_bytes`] reading covers only what
/// ran since. Returns whether the kernel accepted it.
pub fn reset_own_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

static WORKER_PROCESS: AtomicBool = AtomicBool::new(false);

/// Marks this process as a process pool's worker (the pool's worker code calls it first).
pub fn mark_worker_process() {
    WORKER_PROCESS.store(true, Ordering::Relaxed);
}

/// Whether this process is a process pool's worker, not the process that runs the plan.
pub fn is_worker_process() -> bool {
    WORKER_PROCESS.load(Ordering::Relaxed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn peak_rss_resets_to_the_current_size() {
        let before = peak_rss_bytes("self").expect("VmHWM is readable on Linux");
        assert!(before > 1024 * 1024);
        let block = vec![1u8; 64 << 20];
        std::hint::black_box(&block);
        let with_block = peak_rss_bytes("self").unwrap();
        assert!(
            with_block >= before + (60 << 20),
            "{before} -> {with_block}"
        );
        drop(block);
        if reset_own_peak_rss() {
            assert!(peak_rss_bytes("self").unwrap() < with_block - (32 << 20));
        }
        assert!(peak_rss_bytes("no-such-pid").is_none());
    }
}
