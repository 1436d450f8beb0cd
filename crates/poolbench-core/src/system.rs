//! What the process can see of the machine and of itself.

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
