//! How many cores this process may use.

/// Logical cores available to this process (respects CPU affinity and cgroup quotas), at
/// least 1.
pub fn logical_cores() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
}
