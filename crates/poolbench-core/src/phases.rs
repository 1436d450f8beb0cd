//! Where a task's time goes: totals per named phase (read, decode, resize…), summed over the
//! tasks of a batch.
//!
//! A batch's time says which model is faster; it does not say *why* two implementations of a
//! workload differ. A thumbnail spends most of its time decoding the JPEG in either language,
//! and only phase times show that. Workloads that have phases add up each task's phases into a
//! [`PhaseClock`]; the runner takes (and resets) the totals after every batch, so each cell
//! gets its own even though its workload is shared.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// The most phases a [`PhaseClock`] holds.
pub const MOST_PHASES: usize = 8;

/// Phase totals of some tasks: how many tasks, and for each phase (in the order the task runs
/// them) its total time in seconds.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct PhaseTimes {
    pub tasks: u64,
    pub phases: Vec<(String, f64)>,
}

impl PhaseTimes {
    /// Adds `other`'s tasks and totals (phases matched by name; new ones appended).
    pub fn add(&mut self, other: &PhaseTimes) {
        self.tasks += other.tasks;
        for (name, total) in &other.phases {
            match self.phases.iter_mut().find(|(n, _)| n == name) {
                Some((_, sum)) => *sum += total,
                None => self.phases.push((name.clone(), *total)),
            }
        }
    }

    /// Each phase's mean per task, seconds (empty when no task was counted).
    pub fn means(&self) -> Vec<(String, f64)> {
        if self.tasks == 0 {
            return Vec::new();
        }
        let n = self.tasks as f64;
        self.phases
            .iter()
            .map(|(k, v)| (k.clone(), v / n))
            .collect()
    }
}

/// Lock-free phase totals that tasks on any thread add to.
#[derive(Debug)]
pub struct PhaseClock {
    names: &'static [&'static str],
    nanos: [AtomicU64; MOST_PHASES],
    tasks: AtomicU64,
}

impl PhaseClock {
    /// A clock for these phases (at most [`MOST_PHASES`]; more are ignored).
    pub fn new(names: &'static [&'static str]) -> Self {
        Self {
            names: &names[..names.len().min(MOST_PHASES)],
            nanos: Default::default(),
            tasks: AtomicU64::new(0),
        }
    }

    /// Adds one task's phase durations, in the order of the names.
    pub fn record(&self, durations: &[Duration]) {
        for (total, d) in self.nanos.iter().zip(durations) {
            total.fetch_add(
                u64::try_from(d.as_nanos()).unwrap_or(u64::MAX),
                Ordering::Relaxed,
            );
        }
        self.tasks.fetch_add(1, Ordering::Relaxed);
    }

    /// The totals since the last call, resetting them; `None` when no task was recorded.
    pub fn take(&self) -> Option<PhaseTimes> {
        let tasks = self.tasks.swap(0, Ordering::Relaxed);
        let phases = self
            .names
            .iter()
            .zip(&self.nanos)
            .map(|(name, total)| {
                let nanos = total.swap(0, Ordering::Relaxed);
                ((*name).to_owned(), nanos as f64 / 1e9)
            })
            .collect();
        (tasks > 0).then_some(PhaseTimes { tasks, phases })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totals_add_up_and_reset_when_taken() {
        let clock = PhaseClock::new(&["read", "decode"]);
        assert_eq!(clock.take(), None);
        let ms = Duration::from_millis;
        clock.record(&[ms(1), ms(3)]);
        clock.record(&[ms(3), ms(5)]);
        let taken = clock.take().unwrap();
        assert_eq!(taken.tasks, 2);
        let means = taken.means();
        assert_eq!(means[0].0, "read");
        assert!((means[0].1 - 0.002).abs() < 1e-12 && (means[1].1 - 0.004).abs() < 1e-12);
        assert_eq!(clock.take(), None, "reset");
    }

    #[test]
    fn adding_matches_phases_by_name() {
        let mut a = PhaseTimes {
            tasks: 1,
            phases: vec![("read".into(), 1.0)],
        };
        a.add(&PhaseTimes {
            tasks: 3,
            phases: vec![("read".into(), 2.0), ("write".into(), 4.0)],
        });
        assert_eq!(a.tasks, 4);
        assert_eq!(a.phases, vec![("read".into(), 3.0), ("write".into(), 4.0)]);
        assert!(PhaseTimes::default().means().is_empty());
    }
}
