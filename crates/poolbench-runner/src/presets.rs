//! Named suites: which workloads, with which parameters, at which worker counts.

use poolbench_core::{WorkKind, WorkloadSpec};
use poolbench_workloads::WorkloadInfo;

use crate::plan::PlanEntry;
use crate::{Sampling, Suite};

/// A named suite of workloads and worker counts.
#[derive(Debug, Clone, Copy)]
pub struct Preset {
    pub name: &'static str,
    pub summary: &'static str,
    pub entries: fn() -> Vec<PlanEntry>,
    /// Worker counts for a workload the preset does not list (`--workloads` adds it).
    pub workers: &'static [usize],
    /// The fewest samples per cell.
    pub repeat: usize,
    pub warmup: usize,
    pub sampling: Sampling,
}

/// Every preset; the first is the default.
pub static PRESETS: &[Preset] = &[
    Preset {
        name: "quick",
        summary: "every model x sleep, http (W = 2, 4, 8), sum, sum-mem, thumbnail, noop (W = 1, 2, cores, 2 x cores) (~55 s on 2 cores)",
        entries: quick,
        workers: QUICK_WORKERS,
        repeat: 6,
        warmup: 1,
        sampling: QUICK_SAMPLING,
    },
    Preset {
        name: "ci",
        summary: "for regression tracking (scripts/ci-regression.sh runs it in interleaved rounds): every model x sum (W = 2), sleep (W = 8), noop (W = 2), 6 samples a cell (~7 s on 2 cores)",
        entries: ci,
        workers: &[2],
        repeat: 6,
        warmup: 1,
        sampling: Sampling {
            min_sample_s: 0.02,
            max_samples: 6,
            target_half_width: 0.02,
            measure_s: 1.0,
        },
    },
    Preset {
        name: "full",
        summary: "larger batches, W = 2..64 for I/O work, W = 1 up to 4 x cores (at least 8) for CPU work: for reference reports (~4.5 min on 2 cores)",
        entries: full,
        workers: FULL_WORKERS,
        repeat: 6,
        warmup: 1,
        sampling: Sampling {
            min_sample_s: 0.05,
            max_samples: 30,
            target_half_width: 0.02,
            measure_s: 20.0,
        },
    },
    Preset {
        name: "seeds",
        summary: "the seed articles' experiments S1-S8 with their pool sizes, scaled to run in ~4 min on 2 cores; with --with-python, each beside the Python pools its article uses (~5 min)",
        entries: seeds,
        workers: QUICK_WORKERS,
        repeat: 6,
        warmup: 1,
        sampling: Sampling {
            measure_s: 4.0,
            ..QUICK_SAMPLING
        },
    },
    Preset {
        name: "s1",
        summary: "seed S1 scaled down 10x: 16 GETs of 90 ms latency at W = 1, 4, 8, 13 (~3 min on 2 cores)",
        entries: s1,
        workers: S1_WORKERS,
        repeat: 6,
        warmup: 1,
        sampling: QUICK_SAMPLING,
    },
    Preset {
        name: "cluster",
        summary: "the cluster engines (py-dask, py-ray-pool) beside Python's pools, with --with-python after scripts/python-setup.sh --cluster: no-op tasks at W = 2 for the cost of a task, sum over four decades of task length at W = 2 for each engine's break-even (~3 min on 2 cores)",
        entries: cluster,
        workers: &[2],
        repeat: 6,
        warmup: 1,
        sampling: Sampling {
            measure_s: 6.0,
            ..QUICK_SAMPLING
        },
    },
];

const QUICK_WORKERS: &[usize] = &[1, 2, 4, 8];
/// I/O work in the quick preset: every pool at W = 1 is the sequential loop plus overhead,
/// which the sequential cell (always run) and the CPU workloads' W = 1 cells already show.
const QUICK_IO_WORKERS: &[usize] = &[2, 4, 8];

/// Samples of at least 25 ms, 6 to 20 of them per cell, more only while a cell's interval is
/// wider than ±2 % and its workload has had less than 7 s of rounds.
const QUICK_SAMPLING: Sampling = Sampling {
    min_sample_s: 0.025,
    max_samples: 20,
    target_half_width: 0.02,
    measure_s: 7.0,
};

/// Worker counts for CPU-bound work: one worker, two, one per core and two per core. Far
/// beyond the cores, CPU work only queues: such cells teach nothing new and cost the most.
fn cpu_workers() -> Vec<usize> {
    let cores = poolbench_core::logical_cores();
    let mut workers = vec![1, 2, cores, 2 * cores];
    workers.sort_unstable();
    workers.dedup();
    workers
}
const FULL_WORKERS: &[usize] = &[1, 2, 4, 8, 16, 32, 64];
const S1_WORKERS: &[usize] = &[1, 4, 8, 13];

/// The worker counts the quick preset measures work of `kind` at: CPU work at 1, 2, one per
/// core and two per core; waiting work at 2, 4 and 8.
pub fn default_workers(kind: WorkKind) -> Vec<usize> {
    match kind {
        WorkKind::Cpu => cpu_workers(),
        WorkKind::Io => QUICK_IO_WORKERS.to_vec(),
    }
}

/// The suite a user's own bench binary runs by default: each of its `workloads` at its
/// default task count and parameters, at [`default_workers`] for its kind, sampled as the
/// quick preset samples (6 to 20 samples of at least 25 ms, up to 7 s of rounds a workload).
pub fn own_suite(workloads: &[&WorkloadInfo]) -> Suite {
    Suite {
        entries: workloads
            .iter()
            .map(|info| PlanEntry::new(info.default_spec(), &default_workers(info.kind)))
            .collect(),
        workers: QUICK_WORKERS.to_vec(),
        models: None,
        repeat: 6,
        warmup: 1,
        shuffled: true,
        sampling: QUICK_SAMPLING,
        task_timeout: None,
    }
}

/// The preset called `name`.
pub fn find_preset(name: &str) -> Option<&'static Preset> {
    PRESETS.iter().find(|p| p.name == name)
}

/// Names of all presets, comma-separated, for error messages.
pub fn preset_names() -> String {
    PRESETS
        .iter()
        .map(|p| p.name)
        .collect::<Vec<_>>()
        .join(", ")
}

fn quick() -> Vec<PlanEntry> {
    let io = [
        WorkloadSpec::new("sleep", 8).with("delay_ms", 10.0),
        WorkloadSpec::new("http", 16).with("latency", "5"),
    ]
    .into_iter()
    .map(|spec| PlanEntry::new(spec, QUICK_IO_WORKERS));
    let cpu = [
        WorkloadSpec::new("sum", 32).with("n", 1_000_000),
        // 64 MiB in all: far past the last-level cache, and quick to build in every worker.
        WorkloadSpec::new("sum-mem", 8).with("elements_per_task", 1 << 20),
        WorkloadSpec::new("thumbnail", 8),
        WorkloadSpec::new("noop", 1_000),
    ]
    .into_iter()
    .map(|spec| PlanEntry::new(spec, &cpu_workers()));
    io.chain(cpu).collect()
}

/// Small and steady: one CPU-bound, one waiting and one overhead-bound workload, each at one
/// W, so that a CI job can afford several interleaved rounds of base and head.
fn ci() -> Vec<PlanEntry> {
    vec![
        PlanEntry::new(WorkloadSpec::new("sum", 16).with("n", 1_000_000), &[2]),
        PlanEntry::new(WorkloadSpec::new("sleep", 16).with("delay_ms", 5.0), &[8]),
        PlanEntry::new(WorkloadSpec::new("noop", 1_000), &[2]),
    ]
}

fn full() -> Vec<PlanEntry> {
    let io = [
        WorkloadSpec::new("sleep", 64).with("delay_ms", 10.0),
        WorkloadSpec::new("http", 64).with("latency", "10"),
    ]
    .into_iter()
    .map(|spec| PlanEntry::new(spec, &FULL_WORKERS[1..]));
    // CPU work up to four workers per core: beyond that it only queues.
    let cores = poolbench_core::logical_cores();
    let cpu_workers: Vec<usize> = FULL_WORKERS
        .iter()
        .copied()
        .filter(|&w| w <= (4 * cores).max(8))
        .collect();
    let cpu = [
        WorkloadSpec::new("sum", 64).with("n", 4_000_000),
        // 64 MiB in all (past the last-level cache), small enough that 64 spawned workers,
        // each building its own copy, stay within memory.
        WorkloadSpec::new("sum-mem", 16).with("elements_per_task", 1 << 19),
        WorkloadSpec::new("thumbnail", 32),
        WorkloadSpec::new("noop", 5_000),
    ]
    .into_iter()
    .map(move |spec| PlanEntry::new(spec, &cpu_workers));
    io.chain(cpu).collect()
}

/// Seed S1 scaled down 10x: the article fetched a list of pages in 14.4 s on one thread and
/// 3.1 / 1.4 / 1.3 s with 4 / 8 / 13 threads. 16 requests of 90 ms make 1.44 s on one thread.
fn s1() -> Vec<PlanEntry> {
    vec![PlanEntry::new(
        WorkloadSpec::new("http", 16).with("latency", "90"),
        S1_WORKERS,
    )
    .experiment("S1 (scaled 10x)")]
}

/// The experiments of the seed articles (docs/articles.md) that have a measurable claim, with the
/// articles' pool sizes, each with the Python pools its article uses (they run with
/// `--with-python`; `py-sequential` is Python's own one-at-a-time baseline). Times are scaled
/// down so the preset stays short; the label says by how much. Not here: S9 (exceptions and
/// timeouts: the fault tests cover them, and failing tasks are not a timing experiment).
fn seeds() -> Vec<PlanEntry> {
    const THREADS: &[&str] = &["py-thread-executor"];
    const BOTH_EXECUTORS: &[&str] = &["py-thread-executor", "py-process-executor"];
    vec![
        // S1: 16 URLs, 14.4 s on one thread in the article; 45 ms each makes 0.72 s (20x less).
        PlanEntry::new(
            WorkloadSpec::new("http", 16).with("latency", "45"),
            S1_WORKERS,
        )
        .experiment("S1 (scaled 20x)")
        .python(&["py-sequential", "py-dummy-pool", "py-thread-executor"]),
        // S2: 75x75 antialiased thumbnails; 32 synthetic 640x480 photos instead of 6,000,
        // decoded at reduced scale in both languages (Pillow's thumbnail() does).
        PlanEntry::new(
            WorkloadSpec::new("thumbnail", 32).with("max_side", 75),
            &[1, 2, 4, 8],
        )
        .experiment("S2 (32 of 6,000 images)")
        .python(&[
            "py-sequential",
            "py-pool",
            "py-process-executor",
            "py-dummy-pool",
            "py-dask",
            "py-ray-pool",
        ]),
        // S3: ThreadPool(5).imap_unordered: results in completion order. Ten waits of
        // 40 ms ± 80 %, so that tasks finish out of order.
        PlanEntry::new(
            WorkloadSpec::new("sleep", 10)
                .with("delay_ms", 40.0)
                .with("jitter", 0.8),
            &[5],
        )
        .experiment("S3 (completion order, pool of 5)")
        .python(&["py-imap-unordered", "py-thread-executor"]),
        // S4: download 3 pages with 3 threads; square 5 numbers with 4 processes.
        PlanEntry::new(WorkloadSpec::new("http", 3).with("latency", "100"), &[1, 3])
            .experiment("S4 (3 pages, 3 threads)")
            .python(THREADS),
        PlanEntry::new(WorkloadSpec::new("sum", 5).with("n", 1_000), &[1, 4])
            .experiment("S4 (5 tiny tasks, 4 workers)")
            .python(&["py-pool"]),
        // S5: one worker per core for CPU-bound work, more for I/O-bound work (Rust only: the
        // rule is about pools in general, and S7 shows Python's side of it).
        PlanEntry::new(
            WorkloadSpec::new("sum", 16).with("n", 2_000_000),
            &[1, 2, 4, 8, 16],
        )
        .experiment("S5 (CPU-bound: workers vs cores)")
        .python(&[]),
        PlanEntry::new(
            WorkloadSpec::new("sleep", 16).with("delay_ms", 10.0),
            &[1, 2, 4, 8, 16],
        )
        .experiment("S5 (I/O-bound: workers vs cores)")
        .python(&[]),
        // S6: 5 tasks of sleep(2) on 3 workers, ideal 4 s; 200 ms each makes 0.4 s (10x less).
        PlanEntry::new(WorkloadSpec::new("sleep", 5).with("delay_ms", 200.0), &[3])
            .experiment("S6 (scaled 10x)")
            .python(BOTH_EXECUTORS),
        // S7: sum(range(1_000_000)) x 3 tasks on 3 workers, as in the article.
        PlanEntry::new(WorkloadSpec::new("sum", 3).with("n", 1_000_000), &[3])
            .experiment("S7")
            .python(&[
                "py-sequential",
                "py-thread-executor",
                "py-process-executor",
                "py-dask",
                "py-ray-pool",
            ]),
        // S8: download files, then write each to disk; 16 bodies of 64 KiB, 20 ms of server
        // latency each, at the executors' default sizes on 2 cores (threads: min(32, cores +
        // 4) = 6; processes: cores = 2).
        PlanEntry::new(
            WorkloadSpec::new("http", 16)
                .with("latency", "20")
                .with("size", 65_536)
                .with("save", true),
            &[2, 6],
        )
        .experiment("S8 (download, then write to disk)")
        .python(BOTH_EXECUTORS),
    ]
}

/// The cluster engines beside Python's own process pools (docs/cluster.md): the cost of one
/// no-op task, then `sum` from about 20 µs to 200 ms of Python per task, at W = 2. The report
/// reads each engine's break-even task length from the second.
fn cluster() -> Vec<PlanEntry> {
    use poolbench_core::experiments::{CLUSTER_BREAK_EVEN, CLUSTER_OVERHEAD};
    const POOLS: &[&str] = &["py-sequential", "py-pool", "py-dask", "py-ray-pool"];
    let mut entries = vec![PlanEntry::new(WorkloadSpec::new("noop", 64), &[2])
        .experiment(CLUSTER_OVERHEAD)
        .python(&[
            "py-sequential",
            "py-pool",
            "py-process-executor",
            "py-dask",
            "py-ray-pool",
        ])];
    for n in [1_000, 10_000, 100_000, 1_000_000, 10_000_000] {
        entries.push(
            PlanEntry::new(WorkloadSpec::new("sum", 16).with("n", n), &[2])
                .experiment(CLUSTER_BREAK_EVEN)
                .python(POOLS),
        );
    }
    entries
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preset_names_known_workloads_with_known_parameters() {
        for preset in PRESETS {
            let entries = (preset.entries)();
            assert!(!entries.is_empty(), "{}", preset.name);
            for entry in entries {
                // Known names and parameters, valid values (the workload's own check).
                if let Err(e) = poolbench_workloads::check(&entry.spec) {
                    panic!("{}: {e}", preset.name);
                }
                assert!(!entry.workers.is_empty() && !entry.workers.contains(&0));
                for model in entry.python_models.iter().flatten() {
                    let model = poolbench_models::find_model(model).unwrap();
                    assert!(model.runs(&entry.spec.name), "{}", model.name());
                }
            }
        }
        assert_eq!(PRESETS[0].name, "quick", "the default preset");
    }
}
