//! Named suites: which workloads, with which parameters, at which worker counts.

use poolbench_core::WorkloadSpec;

/// A named suite of workloads and worker counts.
#[derive(Debug, Clone, Copy)]
pub struct Preset {
    pub name: &'static str,
    pub summary: &'static str,
    pub workloads: fn() -> Vec<WorkloadSpec>,
    pub workers: &'static [usize],
    pub repeat: usize,
    pub warmup: usize,
}

/// Every preset; the first is the default.
pub static PRESETS: &[Preset] = &[
    Preset {
        name: "quick",
        summary: "every model x sleep, http, sum, sum-mem, thumbnail, noop at W = 1, 2, 4, 8 (~40 s on 2 cores)",
        workloads: quick_workloads,
        workers: &[1, 2, 4, 8],
        repeat: 5,
        warmup: 1,
    },
    Preset {
        name: "full",
        summary: "larger batches, W = 1..64: for reference reports (~6 min on 2 cores)",
        workloads: full_workloads,
        workers: &[1, 2, 4, 8, 16, 32, 64],
        repeat: 5,
        warmup: 1,
    },
    Preset {
        name: "s1",
        summary: "seed S1 scaled down 10x: 16 GETs of 90 ms latency at W = 1, 4, 8, 13",
        workloads: s1_workloads,
        workers: &[1, 4, 8, 13],
        repeat: 3,
        warmup: 1,
    },
];

/// Seed S1 scaled down 10x: the article fetched a list of pages in 14.4 s on one thread and
/// 3.1 / 1.4 / 1.3 s with 4 / 8 / 13 threads. 16 requests of 90 ms make 1.44 s on one thread.
fn s1_workloads() -> Vec<WorkloadSpec> {
    vec![WorkloadSpec::new("http", 16).with("latency", "90")]
}

/// The preset called `name`.
pub fn find_preset(name: &str) -> Option<&'static Preset> {
    PRESETS.iter().find(|p| p.name == name)
}

fn quick_workloads() -> Vec<WorkloadSpec> {
    vec![
        WorkloadSpec::new("sleep", 8).with("delay_ms", 10.0),
        WorkloadSpec::new("http", 16).with("latency", "5"),
        WorkloadSpec::new("sum", 32).with("n", 1_000_000),
        WorkloadSpec::new("sum-mem", 8).with("elements_per_task", 2 << 20),
        WorkloadSpec::new("thumbnail", 16),
        WorkloadSpec::new("noop", 2_000),
    ]
}

fn full_workloads() -> Vec<WorkloadSpec> {
    vec![
        WorkloadSpec::new("sleep", 64).with("delay_ms", 10.0),
        WorkloadSpec::new("http", 64).with("latency", "10"),
        WorkloadSpec::new("sum", 64).with("n", 4_000_000),
        // 64 MiB in all (past the last-level cache), small enough that 64 spawned workers,
        // each building its own copy, stay within memory.
        WorkloadSpec::new("sum-mem", 16).with("elements_per_task", 1 << 19),
        WorkloadSpec::new("thumbnail", 64),
        WorkloadSpec::new("noop", 10_000),
    ]
}
