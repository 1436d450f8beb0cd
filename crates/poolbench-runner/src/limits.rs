//! What a plan may ask of the machine, checked before anything runs.
//!
//! A typo such as `--workers 100000` or `--tasks 100000000` must not fork until the process
//! limit, allocate until the kernel kills the run, or panic half-way through: each count is
//! compared with a limit derived from this machine (its thread and process limits, its
//! available memory) or with a fixed ceiling, and a plan over it is refused with one line that
//! names the limit. The ceilings are far above any useful benchmark and far below what would
//! hurt the machine.

use std::time::Duration;

use poolbench_core::WorkloadError;

use crate::{Plan, PlanEntry, PlanError, RunError};

/// Most tasks in one batch: every task keeps an outcome and a timing record per batch.
pub const MOST_TASKS: usize = 1_000_000;

/// Most timed samples (`repeat`, `max_repeat`) and warm-up batches per cell.
pub const MOST_SAMPLES: usize = 100_000;

/// Most workers for a thread or async model, whatever the machine allows.
pub const MOST_THREAD_WORKERS: usize = 4096;

/// Most workers for a process model, whatever the machine allows.
pub const MOST_PROCESS_WORKERS: usize = 512;

/// Memory a worker process is assumed to need besides its workload's inputs.
const PROCESS_WORKER_BYTES: u64 = 16 << 20;

/// Memory a thread is assumed to need (its stack, touched lightly).
const THREAD_WORKER_BYTES: u64 = 256 << 10;

/// Memory per task and batch for its outcome and timing records.
const TASK_RECORD_BYTES: u64 = 256;

/// The longest per-task time limit accepted: a day.
pub const MOST_TASK_TIMEOUT_S: f64 = 86_400.0;

/// What this machine allows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Machine {
    /// Threads this process may still create (`RLIMIT_NPROC` and the kernel's threads-max).
    pub threads: Option<u64>,
    /// Memory available now (`MemAvailable`), bytes.
    pub memory_bytes: Option<u64>,
}

impl Machine {
    /// Reads the limits of this machine (`None` where it cannot tell).
    pub fn this() -> Self {
        let kernel = read_number("/proc/sys/kernel/threads-max");
        let user = process_limit();
        let threads = match (kernel, user) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        Self {
            threads,
            memory_bytes: mem_available(),
        }
    }

    /// The most workers a cell of a model may have on this machine, with what bounds it.
    pub fn most_workers(&self, processes: bool) -> (usize, String) {
        let (ceiling, each) = if processes {
            (MOST_PROCESS_WORKERS, PROCESS_WORKER_BYTES)
        } else {
            (MOST_THREAD_WORKERS, THREAD_WORKER_BYTES)
        };
        let kind = if processes { "process" } else { "thread" };
        let mut most = (ceiling, format!("poolbench's ceiling for {kind} models"));
        if let Some(threads) = self.threads {
            // Keep half for everything else the user runs.
            let half = usize::try_from(threads / 2).unwrap_or(usize::MAX);
            if half < most.0 {
                most = (
                    half,
                    format!("half this machine's thread/process limit ({threads})"),
                );
            }
        }
        if let Some(memory) = self.memory_bytes {
            let fit = usize::try_from(memory / 2 / each).unwrap_or(usize::MAX);
            if fit < most.0 {
                most = (
                    fit,
                    format!(
                        "half the available memory ({}) at {} each",
                        bytes(memory),
                        bytes(each)
                    ),
                );
            }
        }
        most
    }
}

/// Checks a worker count: one line naming the limit when it is over.
pub fn check_workers(machine: &Machine, workers: usize, processes: bool) -> Result<(), String> {
    let (most, why) = machine.most_workers(processes);
    if workers > most {
        let kind = if processes {
            "a process model"
        } else {
            "thread and async models"
        };
        return Err(format!(
            "{workers} workers is more than {kind} may start here: at most {most} ({why})"
        ));
    }
    Ok(())
}

/// Checks a task count.
pub fn check_tasks(tasks: usize) -> Result<(), String> {
    if tasks > MOST_TASKS {
        return Err(format!(
            "{tasks} tasks per batch is over the limit of {MOST_TASKS} (each task keeps a \
             result and a timing record per batch; use fewer, longer tasks)"
        ));
    }
    Ok(())
}

/// Checks a sample or warm-up count; `what` names it in the message.
pub fn check_samples(what: &str, count: usize) -> Result<(), String> {
    if count > MOST_SAMPLES {
        return Err(format!(
            "{what} {count} is over the limit of {MOST_SAMPLES}"
        ));
    }
    Ok(())
}

/// Checks that a workload's memory, with `workers` copies of what each worker keeps, fits
/// in half the available memory.
pub fn check_memory(machine: &Machine, workload: &str, needed_bytes: u64) -> Result<(), String> {
    let Some(available) = machine.memory_bytes else {
        return Ok(());
    };
    if needed_bytes > available / 2 {
        return Err(format!(
            "workload '{workload}' would need about {} of memory, more than half the {} \
             available (use fewer tasks, workers or a smaller input)",
            bytes(needed_bytes),
            bytes(available)
        ));
    }
    Ok(())
}

/// Memory for the outcome records of a batch of `tasks`.
pub fn records_bytes(tasks: usize) -> u64 {
    (tasks as u64).saturating_mul(TASK_RECORD_BYTES)
}

/// A per-task time limit in seconds, checked.
pub fn task_timeout(seconds: f64) -> Result<Duration, String> {
    if seconds > 0.0 && seconds <= MOST_TASK_TIMEOUT_S {
        Ok(Duration::from_secs_f64(seconds))
    } else {
        Err(format!(
            "task timeout {seconds} s must be above 0 and at most {MOST_TASK_TIMEOUT_S} s (a day)"
        ))
    }
}

/// Checks a whole plan against this machine before anything runs or is written: the plan's
/// own rules ([`Plan::validate`]), every workload's parameters, and every count and the
/// memory it implies against [`Machine`]'s limits.
pub fn check_plan(plan: &Plan, machine: &Machine) -> Result<(), RunError> {
    plan.validate()?;
    let limit = |message: String| RunError::Plan(PlanError::Limit(message));
    check_samples("repeat", plan.repeat).map_err(limit)?;
    check_samples("max_repeat", plan.sampling.max_samples).map_err(limit)?;
    check_samples("warmup", plan.warmup).map_err(limit)?;
    let processes = plan.models.iter().any(|m| m.descriptor().copies_inputs());
    for entry in &plan.entries {
        check_entry(entry, processes, machine).map_err(|e| match e {
            EntryError::Limit(message) => limit(message),
            EntryError::Workload(e) => RunError::Workload(e),
        })?;
    }
    Ok(())
}

/// Why an entry does not fit.
#[derive(Debug)]
pub enum EntryError {
    Limit(String),
    Workload(WorkloadError),
}

/// Checks one entry: its tasks, worker counts (against process models' limits too when
/// `processes`), parameters, and the memory they add up to.
pub fn check_entry(
    entry: &PlanEntry,
    processes: bool,
    machine: &Machine,
) -> Result<(), EntryError> {
    check_tasks(entry.spec.tasks).map_err(EntryError::Limit)?;
    let most = entry.workers.iter().copied().max().unwrap_or(1);
    check_workers(machine, most, false).map_err(EntryError::Limit)?;
    if processes {
        check_workers(machine, most, true).map_err(EntryError::Limit)?;
    }
    let footprint = poolbench_workloads::check(&entry.spec).map_err(EntryError::Workload)?;
    // Worker processes may each build their own copy of the inputs.
    let copies = 1 + if processes { most as u64 } else { 0 };
    let needed = footprint
        .inputs_bytes
        .saturating_mul(copies)
        .saturating_add(footprint.task_bytes.saturating_mul(most as u64))
        .saturating_add(records_bytes(entry.spec.tasks));
    check_memory(machine, &entry.spec.name, needed).map_err(EntryError::Limit)
}

/// A byte count for people: `1.5 GiB`.
pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut value = n as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

fn read_number(path: &str) -> Option<u64> {
    std::fs::read_to_string(path).ok()?.trim().parse().ok()
}

/// `RLIMIT_NPROC`, if finite.
fn process_limit() -> Option<u64> {
    // SAFETY: getrlimit only writes into the struct we pass it.
    let limit = unsafe {
        let mut limit: libc::rlimit = std::mem::zeroed();
        if libc::getrlimit(libc::RLIMIT_NPROC, &mut limit) != 0 {
            return None;
        }
        limit
    };
    (limit.rlim_cur != libc::RLIM_INFINITY).then_some(limit.rlim_cur)
}

/// `MemAvailable` from `/proc/meminfo`, bytes.
fn mem_available() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = text.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib.saturating_mul(1024))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: Machine = Machine {
        threads: Some(1000),
        memory_bytes: Some(8 << 30),
    };

    #[test]
    fn worker_limits_name_what_bounds_them() {
        assert!(check_workers(&SMALL, 64, true).is_ok());
        let e = check_workers(&SMALL, 100_000, false).unwrap_err();
        assert!(
            e.contains("at most 500") && e.contains("thread/process limit"),
            "{e}"
        );
        let e = check_workers(&SMALL, 600, true).unwrap_err();
        assert!(e.contains("at most 256") && e.contains("memory"), "{e}");
        let unknown = Machine {
            threads: None,
            memory_bytes: None,
        };
        let e = check_workers(&unknown, 5000, false).unwrap_err();
        assert!(e.contains("at most 4096") && e.contains("ceiling"), "{e}");
    }

    #[test]
    fn counts_and_memory_over_their_limits_are_refused() {
        assert!(check_tasks(MOST_TASKS).is_ok());
        assert!(check_tasks(100_000_000).unwrap_err().contains("1000000"));
        assert!(check_samples("repeat", 4_000_000_000).is_err());
        assert!(check_memory(&SMALL, "sum-mem", 1 << 30).is_ok());
        let e = check_memory(&SMALL, "sum-mem", 5 << 30).unwrap_err();
        assert!(e.contains("5.0 GiB") && e.contains("8.0 GiB"), "{e}");
        assert!(task_timeout(0.0).is_err() && task_timeout(f64::NAN).is_err());
        assert_eq!(task_timeout(1.5), Ok(Duration::from_millis(1500)));
    }

    #[test]
    fn this_machine_has_readable_limits() {
        let machine = Machine::this();
        if cfg!(target_os = "linux") {
            assert!(machine.threads.is_some() && machine.memory_bytes.is_some());
        }
        assert_eq!(bytes(512), "512 B");
        assert_eq!(bytes(3 << 20), "3.0 MiB");
    }
}
