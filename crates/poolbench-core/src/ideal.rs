//! Ideal times: what a perfect scheduler with zero overhead would achieve.
//!
//! Efficiency is `ideal / measured`, so these formulas decide what "100 %" means. Both count
//! whole rounds: 3 equal tasks on 2 workers need two rounds, so the best possible speedup is
//! 1.5x, not 2x.

use std::time::Duration;

/// Rounds needed to run `tasks` equal tasks on `lanes` parallel lanes: ⌈tasks / lanes⌉.
pub fn rounds(tasks: usize, lanes: usize) -> usize {
    tasks.div_ceil(lanes.max(1))
}

/// I/O-bound work (waiting, not computing): W workers wait in parallel whatever the core
/// count, so the ideal is ⌈N / W⌉ · d for tasks of duration d.
pub fn io_bound_ideal(tasks: usize, workers: usize, per_task: Duration) -> Duration {
    per_task.mul_f64(rounds(tasks, workers) as f64)
}

/// CPU-bound work: only min(W, C) tasks can compute at once, so the ideal is
/// ⌈N / min(W, C)⌉ rounds of (serial time / N).
pub fn cpu_bound_ideal(tasks: usize, workers: usize, cores: usize, serial: Duration) -> Duration {
    if tasks == 0 {
        return Duration::ZERO;
    }
    let per_task = serial.div_f64(tasks as f64);
    per_task.mul_f64(rounds(tasks, workers.min(cores)) as f64)
}

/// The ideal of a workload that knows nothing of its tasks but their kind (a user's own, or a
/// Python function): the serial time spread evenly over the tasks, then [`cpu_bound_ideal`]
/// for CPU work, or ⌈N / W⌉ rounds of one task's share for waiting work. `None` until the
/// serial time is known.
pub fn ideal_from_serial(
    kind: crate::WorkKind,
    tasks: usize,
    input: crate::IdealInput,
) -> Option<Duration> {
    let serial = input.serial?;
    Some(match kind {
        crate::WorkKind::Cpu => cpu_bound_ideal(tasks, input.workers, input.cores, serial),
        crate::WorkKind::Io if tasks == 0 => Duration::ZERO,
        crate::WorkKind::Io => io_bound_ideal(tasks, input.workers, serial.div_f64(tasks as f64)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_s6_five_sleeps_on_three_workers_take_two_rounds() {
        let ideal = io_bound_ideal(5, 3, Duration::from_secs(2));
        assert_eq!(ideal, Duration::from_secs(4));
    }

    #[test]
    fn cpu_ideal_is_capped_by_cores_and_counts_rounds() {
        let serial = Duration::from_millis(300);
        // 3 tasks on 2 cores: two rounds of 100 ms.
        assert_eq!(cpu_bound_ideal(3, 8, 2, serial), Duration::from_millis(200));
        // 4 tasks on 4 workers but 2 cores: still two rounds of 75 ms.
        assert_eq!(cpu_bound_ideal(4, 4, 2, serial), Duration::from_millis(150));
        assert_eq!(cpu_bound_ideal(4, 1, 2, serial), serial);
    }

    #[test]
    fn ideal_from_serial_spreads_the_serial_time() {
        use crate::{IdealInput, WorkKind};
        let input = |workers| IdealInput {
            workers,
            cores: 2,
            serial: Some(Duration::from_millis(400)),
        };
        // 4 tasks of 100 ms: waiting work on 4 workers takes one round, computing work two.
        let io = ideal_from_serial(WorkKind::Io, 4, input(4));
        assert_eq!(io, Some(Duration::from_millis(100)));
        let cpu = ideal_from_serial(WorkKind::Cpu, 4, input(4));
        assert_eq!(cpu, Some(Duration::from_millis(200)));
        let unknown = IdealInput {
            serial: None,
            ..input(4)
        };
        assert_eq!(ideal_from_serial(WorkKind::Cpu, 4, unknown), None);
    }
}
