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

/// Field `n` (numbered as in `man 5 proc`, from 3: the fields after the command name, which
/// may contain spaces) of `/proc/<pid>/stat`.
fn stat_field(pid: i32, n: usize) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let rest = &stat[stat.rfind(')')? + 2..];
    rest.split_whitespace().nth(n.checked_sub(3)?)?.parse().ok()
}

/// The parent of process `pid` (field 4 of its `stat`).
pub fn parent_of(pid: i32) -> Option<i32> {
    stat_field(pid, 4).and_then(|p| i32::try_from(p).ok())
}

/// The process group of process `pid` (field 5 of its `stat`).
pub fn process_group(pid: i32) -> Option<i32> {
    stat_field(pid, 5).and_then(|p| i32::try_from(p).ok())
}

/// Every process descended from `root` (its children, their children, …), from `/proc`: the
/// processes a helper started, wherever they moved their process group.
pub fn descendants(root: i32) -> Vec<i32> {
    let parents: Vec<(i32, i32)> = std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<i32>().ok())
        .filter_map(|pid| Some((pid, parent_of(pid)?)))
        .collect();
    let mut found = vec![root];
    let mut next = 0;
    while next < found.len() {
        let parent = found[next];
        found.extend(
            parents
                .iter()
                .filter(|(_, p)| *p == parent)
                .map(|(pid, _)| *pid),
        );
        next += 1;
    }
    found.split_off(1)
}

fn cpu_seconds_from_ticks(pid: i32) -> Option<f64> {
    // utime and stime are fields 14 and 15.
    let ticks = stat_field(pid, 14)? + stat_field(pid, 15)?;
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
        assert_eq!(
            parent_of(me),
            Some(std::os::unix::process::parent_id() as i32)
        );
        // SAFETY: getpgrp has no preconditions.
        assert_eq!(process_group(me), Some(unsafe { libc::getpgrp() }));
    }

    #[test]
    fn finds_a_child_and_its_child() {
        let mut child = std::process::Command::new("sh")
            .args(["-c", "sleep 30 & wait"])
            .spawn()
            .unwrap();
        let shell = child.id() as i32;
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        let found = loop {
            let found = descendants(std::process::id() as i32);
            if found.len() >= 2 || std::time::Instant::now() > deadline {
                break found;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        };
        let sleep = descendants(shell);
        let _ = child.kill();
        for pid in &sleep {
            // SAFETY: a plain signal to the sleep this test started.
            unsafe {
                libc::kill(*pid, libc::SIGKILL);
            }
        }
        let _ = child.wait();
        assert!(found.contains(&shell), "{found:?}");
        assert_eq!(sleep.len(), 1, "{sleep:?}");
        assert!(found.contains(&sleep[0]));
    }
}
