//! Is the machine itself the problem? A short probe before a run, and steal time during it.
//!
//! A benchmark cannot be steadier than the machine under it. Two things on shared VMs make a
//! comparison of models say more about the machine than about the models, and neither shows in
//! the timings themselves:
//!
//! - **Unequal cores.** The hypervisor may give the vCPUs unequal shares of real cores: on one
//!   2-vCPU VM here the same loop ran 2.4× slower on one vCPU than on the other. A model whose
//!   thread lands on the slow one loses for a reason that has nothing to do with it. The probe
//!   pins this thread to each allowed core in turn and times the same summation loop there.
//! - **Steal time.** `/proc/stat` counts the time a vCPU wanted to run but the hypervisor ran
//!   someone else. A few per cent of steal moves every CPU-bound figure by as much.
//!
//! Both are recorded in `results.json` (the data types are `poolbench_results::noise`'s), and
//! [`NoiseReport::warnings`] turns them into the one
//! clear line the terminal and the report print when they pass a threshold. The probe starts
//! no thread (it pins and unpins the calling one), so the `process-fork` model still finds a
//! single-threaded process afterwards.

use std::time::Instant;

pub use poolbench_results::noise::{
    CoreSpeed, NoiseReport, SequentialSpread, SEQUENTIAL_SPREAD_WARNING, STEAL_WARNING,
    UNEQUAL_CORES_RATIO,
};
use poolbench_results::CellResult;

/// How many summation steps one timing of the probe loop takes (about 0.5 ms here).
const PROBE_ITERATIONS: u64 = 2_000_000;
/// Timings per core; the median is kept.
const PROBE_REPEATS: usize = 5;
/// The noise report as it stands before a run: every allowed core probed.
pub fn before_run() -> NoiseReport {
    let core_speeds = probe_cores();
    NoiseReport {
        core_speed_ratio: speed_ratio(&core_speeds),
        core_speeds,
        steal_fraction: None,
        sequential_spread: None,
    }
}

/// Completes `report` once the run has ended: steal time since `steal_before` (taken when
/// the run started) and the widest sequential spread of `cells`.
pub fn after_run(report: &mut NoiseReport, steal_before: Option<CpuTicks>, cells: &[CellResult]) {
    report.steal_fraction = steal_since(steal_before);
    report.sequential_spread = SequentialSpread::worst(cells);
}

/// Times the probe loop on each core this process may run on, then restores the original
/// affinity. Empty where affinity cannot be read or set (then nothing is claimed).
pub fn probe_cores() -> Vec<CoreSpeed> {
    let Some(allowed) = current_affinity() else {
        return Vec::new();
    };
    let cpus: Vec<usize> = (0..libc::CPU_SETSIZE as usize)
        // SAFETY: CPU_ISSET reads a bit of a set we own, within its size.
        .filter(|&cpu| unsafe { libc::CPU_ISSET(cpu, &allowed) })
        .collect();
    let mut speeds = Vec::with_capacity(cpus.len());
    for &cpu in &cpus {
        if !pin_to(cpu) {
            continue;
        }
        // One untimed pass moves the thread and warms the core up.
        probe_loop();
        let mut times: Vec<f64> = (0..PROBE_REPEATS).map(|_| probe_loop()).collect();
        times.sort_by(f64::total_cmp);
        speeds.push(CoreSpeed {
            cpu,
            ns_per_step: times[PROBE_REPEATS / 2] * 1e9 / PROBE_ITERATIONS as f64,
        });
    }
    // SAFETY: restores the mask read above for this thread.
    unsafe { libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &allowed) };
    speeds
}

/// Slowest / fastest of `speeds`; `None` for fewer than two cores.
pub fn speed_ratio(speeds: &[CoreSpeed]) -> Option<f64> {
    if speeds.len() < 2 {
        return None;
    }
    let times = speeds.iter().map(|s| s.ns_per_step);
    let slowest = times.clone().fold(f64::MIN, f64::max);
    let fastest = times.fold(f64::MAX, f64::min);
    (fastest > 0.0).then(|| slowest / fastest)
}

/// Seconds of one pass of the loop the `sum` workload runs: every addend through
/// `black_box`, so the compiler cannot fold it.
fn probe_loop() -> f64 {
    let started = Instant::now();
    let mut total = 0u64;
    for i in 0..PROBE_ITERATIONS {
        total = total.wrapping_add(std::hint::black_box(i));
    }
    std::hint::black_box(total);
    started.elapsed().as_secs_f64()
}

fn current_affinity() -> Option<libc::cpu_set_t> {
    // SAFETY: sched_getaffinity writes into the zeroed set we pass, of the size we give.
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        (libc::sched_getaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &mut set) == 0)
            .then_some(set)
    }
}

fn pin_to(cpu: usize) -> bool {
    // SAFETY: builds a set with one CPU and applies it to the calling thread only.
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        libc::CPU_SET(cpu, &mut set);
        libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set) == 0
    }
}

/// Steal and total CPU time of the whole machine so far, in clock ticks (`/proc/stat`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CpuTicks {
    pub steal: u64,
    pub total: u64,
}

impl CpuTicks {
    /// The machine's counters now; `None` where `/proc/stat` cannot be read.
    pub fn now() -> Option<Self> {
        parse_proc_stat(&std::fs::read_to_string("/proc/stat").ok()?)
    }

    /// Share of the CPU time between `earlier` and `self` that was stolen; `None` when no time
    /// passed.
    pub fn steal_since(&self, earlier: &CpuTicks) -> Option<f64> {
        let total = self.total.checked_sub(earlier.total)?;
        let steal = self.steal.checked_sub(earlier.steal)?;
        (total > 0).then(|| steal as f64 / total as f64)
    }
}

/// Share of the machine's CPU time stolen between `before` (if it could be read) and now.
pub fn steal_since(before: Option<CpuTicks>) -> Option<f64> {
    before
        .zip(CpuTicks::now())
        .and_then(|(before, after)| after.steal_since(&before))
}

/// The aggregate `cpu` line: user nice system idle iowait irq softirq steal [guest guest_nice]
/// (guest time is already inside user time, so it is not added again).
fn parse_proc_stat(text: &str) -> Option<CpuTicks> {
    let line = text.lines().find(|l| l.starts_with("cpu "))?;
    let fields: Vec<u64> = line
        .split_whitespace()
        .skip(1)
        .take(8)
        .map(|f| f.parse().ok())
        .collect::<Option<_>>()?;
    Some(CpuTicks {
        steal: *fields.get(7).unwrap_or(&0),
        total: fields.iter().sum(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proc_stat_lines_parse() {
        let text = "cpu  100 0 50 800 10 0 5 35 0 0\ncpu0 50 0 25 400 5 0 2 18 0 0\n";
        let ticks = parse_proc_stat(text).unwrap();
        assert_eq!(
            ticks,
            CpuTicks {
                steal: 35,
                total: 1000
            }
        );
        let later = CpuTicks {
            steal: 45,
            total: 1100,
        };
        assert_eq!(later.steal_since(&ticks), Some(0.1));
        assert_eq!(ticks.steal_since(&ticks), None);
        assert!(parse_proc_stat("intr 1 2 3\n").is_none());
        // Old kernels without a steal column still give totals.
        assert_eq!(parse_proc_stat("cpu 1 2 3 4\n").unwrap().steal, 0);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn the_probe_measures_every_allowed_core_and_restores_affinity() {
        let before = current_affinity().unwrap();
        let speeds = probe_cores();
        assert!(!speeds.is_empty());
        assert!(speeds.iter().all(|s| s.ns_per_step > 0.0));
        let after = current_affinity().unwrap();
        // SAFETY: CPU_EQUAL compares two sets we own.
        assert!(unsafe { libc::CPU_EQUAL(&before, &after) });
        assert!(CpuTicks::now().is_some());
    }

    #[test]
    fn warnings_name_the_figure() {
        let speeds = |slow: f64| {
            vec![
                CoreSpeed {
                    cpu: 0,
                    ns_per_step: 0.27,
                },
                CoreSpeed {
                    cpu: 1,
                    ns_per_step: slow,
                },
            ]
        };
        let spread = |half_width: f64| {
            Some(SequentialSpread {
                workload: "sum".into(),
                half_width,
            })
        };
        let quiet = NoiseReport {
            core_speed_ratio: speed_ratio(&speeds(0.28)),
            core_speeds: speeds(0.28),
            steal_fraction: Some(0.001),
            sequential_spread: spread(0.01),
        };
        assert!(quiet.warnings().is_empty());
        let noisy = NoiseReport {
            core_speed_ratio: speed_ratio(&speeds(0.65)),
            core_speeds: speeds(0.65),
            steal_fraction: Some(0.08),
            sequential_spread: spread(0.19),
        };
        let w = noisy.warnings();
        assert_eq!(w.len(), 3, "{w:?}");
        assert!(w[0].contains("CPU 1") && w[0].contains("2.41x"), "{}", w[0]);
        assert!(
            w[1].contains("sequential sum") && w[1].contains("±19 %"),
            "{}",
            w[1]
        );
        assert!(w[2].contains("8.0 %"), "{}", w[2]);
        assert_eq!(
            speed_ratio(&[CoreSpeed {
                cpu: 0,
                ns_per_step: 1.0
            }]),
            None
        );
    }
}
