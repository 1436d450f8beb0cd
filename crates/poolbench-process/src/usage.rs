//! CPU time and peak memory of worker processes, read from `/proc/<pid>`.

/// CPU seconds of process `pid`, all its live threads together: nanosecond run time from each
/// thread's `/proc/<pid>/task/<tid>/schedstat` where the kernel provides it, else (and for a
/// zombie, whose threads are gone) user + system clock ticks from `/proc/<pid>/stat`.
pub fn cpu_seconds(pid: i32) -> Option<f64> {
    // `/proc/PID/schedstat` is the main thread's alone: a process with threads of its own (a
    // Python helper running a thread pool) spends most of its CPU in the others, so every
    // live thread's is summed.
    let on_cpu_ns = |path: std::path::PathBuf| -> Option<u64> {
        let text = std::fs::read_to_string(path).ok()?;
        text.split_whitespace().next()?.parse::<u64>().ok()
    };
    let threads = std::fs::read_dir(format!("/proc/{pid}/task")).ok();
    let total: Option<u64> = threads.map(|entries| {
        entries
            .filter_map(|e| on_cpu_ns(e.ok()?.path().join("schedstat")))
            .sum()
    });
    match total {
        Some(ns) if ns > 0 => Some(ns as f64 / 1e9),
        _ => cpu_seconds_from_ticks(pid),
    }
}

/// Voluntary and involuntary context switches of process `pid` so far, from
/// `/proc/<pid>/status`.
pub fn context_switches(pid: i32) -> Option<(u64, u64)> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let field = |name: &str| {
        status
            .lines()
            .find_map(|line| line.strip_prefix(name)?.trim().parse::<u64>().ok())
    };
    Some((
        field("voluntary_ctxt_switches:")?,
        field("nonvoluntary_ctxt_switches:")?,
    ))
}

fn cpu_seconds_from_ticks(pid: i32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name (which may contain spaces) start at state (field 3);
    // utime and stime are fields 14 and 15.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    // SAFETY: sysconf has no preconditions.
    let per_second = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as f64;
    Some(ticks as f64 / per_second)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_this_process() {
        let me = std::process::id() as i32;
        assert!(cpu_seconds(me).is_some());
        assert!(cpu_seconds_from_ticks(me).is_some());
        assert!(cpu_seconds(-5).is_none());
        assert!(context_switches(me).is_some());
        assert!(context_switches(-5).is_none());
    }
}
